#!/usr/bin/env bash
# Measures the GUI's start-up time (500 accounts, key from the keychain) and
# its idle CPU (30 s) and resident memory (200 accounts) in a real X window.
#   cmd/authdesk/bench-gui.sh            (from the repository root)
# Screenshots land in $AUTHDESK_SCREENSHOTS (default: a temp dir, printed).
set -euo pipefail
cd "$(dirname "$0")/../.."
export AUTHDESK_SCREENSHOTS=${AUTHDESK_SCREENSHOTS:-$(mktemp -d /tmp/authdesk-bench.XXXXXX)}
exec .ci/desktop-session env AUTHDESK_REQUIRE_DESKTOP=1 AUTHDESK_BENCH_GUI=1 \
  go test -count=1 -run 'TestStartupAndIdle' -v ./cmd/authdesk/ 2>&1 | grep -E 'startup|idle|screenshot|PASS|FAIL|ok'
