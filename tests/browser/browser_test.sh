#!/usr/bin/env bash
# The browser check of the report and the explain page (ctest: browser_pages). Trains a short run,
# writes its report and an explain page, takes the report of a second run while it trains (then
# interrupts it: its last report must no longer reload), and opens them in headless Chromium
# (check_pages.mjs).
# Screenshots stay in $CNN_ARTIFACT_DIR (default: ./browser-artifacts) for a person to look at.
#   browser_test.sh CNN_EXE
# Data: real MNIST from $CNN_TEST_MNIST_DIR when set (one epoch), else a synthetic set.
# Without Chromium or the npm packages (scripts/test.sh installs both) the check is skipped
# (exit 77), unless CNN_REQUIRE_BROWSER=1 makes that a failure.
set -euo pipefail
CNN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ARTIFACTS="$(mkdir -p "${CNN_ARTIFACT_DIR:-browser-artifacts}" && cd "${CNN_ARTIFACT_DIR:-browser-artifacts}" && pwd)"

missing=""
command -v node >/dev/null || missing="node"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing="$missing chromium"
[ -d "$HERE/node_modules/playwright-core" ] || missing="$missing tests/browser/node_modules (npm ci)"
if [ -n "$missing" ]; then
  echo "browser check: missing $missing" >&2
  [ "${CNN_REQUIRE_BROWSER:-0}" = "1" ] && exit 1
  echo "skipped: browser check needs$missing" >&2
  exit 77
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
/usr/bin/env python3 "$HERE/make_digits.py" "$WORK/data"
DATA="$WORK/data"
if [ -n "${CNN_TEST_MNIST_DIR:-}" ]; then DATA="$CNN_TEST_MNIST_DIR"; fi
cd "$WORK"
"$CNN" -q train --config "$ROOT/configs/lenet5.cfg" --data "$DATA" --epochs 2 --threads 2 --validation 500 --out run >/dev/null
"$CNN" -q predict --weights run/model.bin --explain explain "$WORK/data/digit-2.png" "$WORK/data/digit-7.png" >/dev/null
# The report in the middle of a run: a copy once two epochs are in metrics.csv, then SIGINT.
"$CNN" -q train --config "$ROOT/configs/lenet5.cfg" --data "$DATA" --epochs 200 --threads 2 --validation 500 --out running \
  >/dev/null 2>&1 &
pid=$!
for _ in $(seq 6000); do
  [ "$(cat running/metrics.csv 2>/dev/null | wc -l)" -ge 3 ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.02
done
mkdir -p live && cp running/report.html live/report.html
kill -INT "$pid" 2>/dev/null || true
wait "$pid" || true
node "$HERE/check_pages.mjs" "$ARTIFACTS" run/report.html explain/index.html live/report.html running/report.html
