#!/usr/bin/env bash
# Installs the test tools and runs every test: unit and session tests (tests/), browser tests in
# Debian's Chromium (e2e/, with openssl, nginx and OpenSSH for the TLS, proxy and remote-access
# tests), and the fast
# Autobahn|Testsuite WebSocket conformance run when its recipe is present (AUTOBAHN_RECIPE names the
# directory; without it the step is skipped with one line).
# Idempotent; safe on a fresh Debian/Ubuntu machine with Python 3.10+ (apt needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests drive: Chromium (e2e), openssl (test certificates), nginx (proxy and
# worker tests), OpenSSH's client and server (remote_access against a local sshd).
missing=""
command -v chromium >/dev/null || missing="$missing chromium"
command -v openssl >/dev/null || missing="$missing openssl"
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$missing nginx"
command -v ssh >/dev/null || missing="$missing openssh-client"
command -v sshd >/dev/null || [ -x /usr/sbin/sshd ] || missing="$missing openssh-server"
if [ -n "$missing" ]; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -e '.[test]'

.venv/bin/python -m pytest tests e2e -q -p no:cacheprovider
if [ -n "${AUTOBAHN_RECIPE:-}" ]; then
  bash scripts/autobahn.sh fast
else
  echo "Autobahn conformance run skipped: AUTOBAHN_RECIPE is not set (see docs/conformance.md)"
fi
