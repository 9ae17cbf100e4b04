# Authdesk — the two commands a newcomer needs are `make run` and `make test`.
# Both install the missing Debian/Ubuntu packages first (apt, as root or via sudo).

SHELL := /bin/bash
GO    ?= go
BIN   := bin
export LANG := C.UTF-8

# Build: cgo and the X11/OpenGL headers Fyne's GL driver links against.
PKGS_BUILD := gcc pkg-config libgl1-mesa-dev xorg-dev libxxf86vm-dev
# Test: a virtual display, a session bus with a real keychain, the tools the
# tests drive and cross-check against, and a headless browser.
PKGS_TEST  := xvfb x11-utils xdotool xclip imagemagick dbus gnome-keyring libsecret-tools \
              oathtool age zbar-tools zxing-cpp-tools chromium fonts-dejavu-core time

.PHONY: run test build deps deps-test check bench bench-vault bench-scan bench-gui bench-platform package clean

run: deps build
	./$(BIN)/authdesk

build:
	$(GO) build -o $(BIN)/authdesk ./cmd/authdesk
	$(GO) build -o $(BIN)/authdesk-cli ./cmd/authdesk-cli

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

bench-vault:
	$(GO) test -run '^$$' -bench . -benchmem ./vault/

clean:
	rm -rf $(BIN)
