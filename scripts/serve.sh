#!/usr/bin/env bash
# Sets everything up (first run: ~8 minutes) and serves Skein on http://127.0.0.1:8080.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/setup.sh"
cd "$ROOT"
echo
echo "Skein: http://127.0.0.1:8080  (Ctrl-C to stop)"
echo
exec trunk serve --release --address 127.0.0.1 --port 8080
