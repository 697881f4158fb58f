#!/usr/bin/env bash
# Autobahn|Testsuite against bench/ws_echo.py (our server and protocol code).
#   scripts/autobahn.sh fast   # 301 cases, no compression (~25 s)
#   scripts/autobahn.sh full   # all 517 cases incl. 12.* and 13.* permessage-deflate (~10 min)
# Exits non-zero on any FAILED, UNIMPLEMENTED, WRONG CODE or UNCLEAN case.
# The Autobahn recipe (run_suite.sh, install.sh, count_results.py) is not part of this repository:
# AUTOBAHN_RECIPE names its directory. Without it this script exits 2 (scripts/test.sh skips the
# step with one line instead).
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-fast}
RECIPE=${AUTOBAHN_RECIPE:-}
[ -n "$RECIPE" ] && [ -f "$RECIPE/run_suite.sh" ] || {
  echo "Autobahn recipe not found${RECIPE:+ at $RECIPE} (set AUTOBAHN_RECIPE to its directory)" >&2; exit 2; }
PY=${PYTHON:-.venv/bin/python}
PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$PY bench/ws_echo.py --host 127.0.0.1 --port "$PORT" > /tmp/pywebio_lite-echo-$PORT.log 2>&1 &
ECHO=$!
trap 'kill $ECHO 2>/dev/null || true' EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
OUT=${AUTOBAHN_OUT:-$(mktemp -d)/autobahn}
case "$MODE" in
  fast) bash "$RECIPE/run_suite.sh" "ws://127.0.0.1:$PORT" pywebio_lite nodeflate "$OUT" ;;
  full) bash "$RECIPE/run_suite.sh" "ws://127.0.0.1:$PORT" pywebio_lite full "$OUT" ;;
  *) echo "usage: $0 fast|full" >&2; exit 2 ;;
esac
