#!/usr/bin/env bash
# make bench-gui: start-up with 500 accounts, then idle CPU (over 30 s; 25 s
# in use) and resident memory with 500 accounts: shown behind another window,
# focused and left alone, hidden in the tray, locked, and in use, and shown
# and hidden with no global shortcut, so nothing listens for one (see
# BenchmarkIdle in bench_gui_test.go), each beside an empty stock-Fyne
# window measured at the same time, on a 1600x1000 X screen. Run through
# make, which builds Authdesk with the idle loop (GOFLAGS=-modfile=...); the
# load average is printed before and after, since the figures mean little on
# a busy machine.
#   make bench-gui            (or, for stock Fyne: cmd/authdesk/bench-gui.sh)
# Screenshots land in $AUTHDESK_SCREENSHOTS (default: a temp dir).
set -euo pipefail
cd "$(dirname "$0")/../.."
export AUTHDESK_SCREENSHOTS=${AUTHDESK_SCREENSHOTS:-$(mktemp -d /tmp/authdesk-bench.XXXXXX)}
# The brand icons `make icons` built: the 500 accounts wear their logos.
export AUTHDESK_ICONS=${AUTHDESK_ICONS:-$PWD/.cache/icons}
[ -d "$AUTHDESK_ICONS" ] && echo "icons: $AUTHDESK_ICONS" || echo "icons: none (run make icons)"
case "${GOFLAGS:-}" in *-modfile=*) echo "Fyne: idle-loop patch ($GOFLAGS)" ;; *) echo "Fyne: stock" ;; esac
echo "before: $(uptime)"
AUTHDESK_SCREEN=1600x1000x24 .ci/desktop-session env AUTHDESK_REQUIRE_DESKTOP=1 \
  go test -tags e2e -count=1 -run '^$' -bench 'Startup500|Idle|QuickAccess' -benchtime 1x -timeout 15m ./cmd/authdesk/ 2>&1 |
  tee "$AUTHDESK_SCREENSHOTS/bench-gui.log" | grep -E '^Benchmark|screenshot|FAIL|^ok|_test\.go:[0-9]+: [^a]'
echo "full output: $AUTHDESK_SCREENSHOTS/bench-gui.log"
echo "after:  $(uptime)"
echo "screenshots: $AUTHDESK_SCREENSHOTS"
