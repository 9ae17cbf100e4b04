# Authdesk — the two commands a newcomer needs are `make run` and `make test`.
# Both install the missing Debian/Ubuntu packages first (apt, as root or via sudo).

SHELL := /bin/bash
GO    ?= go
BIN   := bin
# Release builds: Fyne's fyne.Do migration is done; no_emoji keeps Fyne's
# 10 MB emoji font out of memory.
TAGS  := migrated_fynedo,no_emoji

# Build: cgo and the X11/OpenGL headers Fyne's GL driver links against.
PKGS_BUILD := gcc pkg-config libgl1-mesa-dev xorg-dev libxxf86vm-dev
# Test: a virtual display, a session bus with a real keychain, the tools the
# tests drive and cross-check against, and a headless browser.
PKGS_TEST  := xvfb x11-utils xdotool xclip imagemagick dbus gnome-keyring libsecret-tools \
              oathtool age zbar-tools zxing-cpp-tools chromium fonts-dejavu-core time

.PHONY: run test build deps deps-test check bench bench-vault bench-scan bench-gui bench-platform fuzz package clean

run: deps build
	./$(BIN)/authdesk

build:
	$(GO) build -tags $(TAGS) -trimpath -o $(BIN)/authdesk ./cmd/authdesk
	$(GO) build -trimpath -o $(BIN)/authdesk-cli ./cmd/authdesk-cli

test: deps deps-test check
	AUTHDESK_REQUIRE_DESKTOP=1 .ci/desktop-session $(GO) test -race -timeout 18m ./...

# Static checks: formatting, vet, staticcheck (pinned in go.mod as a tool).
check:
	@bad=$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*')); \
	  if [ -n "$$bad" ]; then echo "gofmt needed:"; echo "$$bad"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

deps:
	@.ci/apt-install $(PKGS_BUILD)

deps-test:
	@.ci/apt-install $(PKGS_TEST)

bench: bench-vault bench-scan bench-gui bench-platform

# Opening and saving a 1,000-account vault, password unlock (real keychain),
# importing a 1,000-account Aegis export (plain, encrypted, the scrypt alone).
bench-vault: deps deps-test
	.ci/desktop-session $(GO) test -run '^$$' -bench . -benchtime 20x ./vault/ ./vault/transfer/

# Our scanner vs zbarimg and ZXingReader over scanner/testdata/corpus: decode
# rate, median wall time and peak RSS per tool.
bench-scan: deps deps-test
	$(GO) run ./scanner/internal/cmd/benchscan -runs 5

# Start-up to codes (500 accounts), idle CPU and memory (200 accounts) of the real window.
bench-gui: deps deps-test
	cmd/authdesk/bench-gui.sh

# 200 concurrent users through sign-in and MFA verify, then the per-request benchmark.
bench-platform:
	$(GO) test -count=1 -run '^TestLoad200Users$$' -v ./app/platform/
	$(GO) test -run '^$$' -bench BenchmarkSignInVerify -benchtime 200x ./app/platform/

# Every fuzzer in the tree for FUZZTIME each (their seed corpora run in make test).
FUZZTIME ?= 60s
fuzz:
	@for f in $$(grep -rl --include='*_test.go' '^func Fuzz' .); do \
	  for n in $$(grep -o '^func Fuzz[A-Za-z0-9_]*' $$f | cut -d' ' -f2); do \
	    echo "== $$(dirname $$f) $$n"; \
	    $(GO) test -run '^$$' -fuzz "^$$n$$" -fuzztime $(FUZZTIME) ./$$(dirname $$f)/ || exit 1; \
	  done; \
	done

# A Linux bundle (Authdesk.tar.xz) with the binary, .desktop file and icon.
package: deps
	$(GO) build -tags $(TAGS) -trimpath -o authdesk ./cmd/authdesk
	$(GO) run fyne.io/tools/cmd/fyne@v1.7.4 package --target linux --executable authdesk --release
	rm -f authdesk

clean:
	rm -rf $(BIN)
