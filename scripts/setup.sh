#!/usr/bin/env bash
# Installs whatever is missing to build, serve and test Skein on a fresh Debian machine with
# rustup, Node and root (see ../shared/docs/TOOLCHAIN.md for why each pin). Idempotent: a warm
# machine passes through in seconds. Source it (`. scripts/setup.sh`) to get the PATH too.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)"
if ! grep -q "wasm_bindgen = \"$WASM_BINDGEN_VERSION\"" Trunk.toml; then
  echo "Trunk.toml [tools] wasm_bindgen must equal Cargo.lock's wasm-bindgen ($WASM_BINDGEN_VERSION)" >&2
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi
for component in clippy rustfmt; do
  if ! rustup component list --installed | grep -q "^$component"; then rustup component add "$component"; fi
done
if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (about 5 minutes, once)"
  cargo install --locked "trunk@$TRUNK_VERSION"
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes, once)"
  # no --locked: its lock pins a crate version this registry lacks
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing Debian chromium + chromium-driver"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm tools (binaryen wasm-opt, playwright-core)"
  npm ci --no-audit --no-fund --loglevel=error
fi
if ! command -v python3 >/dev/null; then
  say "installing python3 (trace generator for benchmarks)"
  apt-get install -y -qq python3 >/dev/null
fi
# Real producers for the MLflow and follow-mode tests, pinned (../shared/docs/TOOLCHAIN.md,
# MLFLOW_SERVER.md): one venv each under .tools/ (gitignored), installed side by side; a marker
# file records a finished install, so a warm machine skips this in milliseconds.
if ! python3 -c 'import ensurepip' 2>/dev/null; then
  say "installing python3-venv"
  apt-get install -y -qq python3-venv >/dev/null
fi
mkdir -p .tools
venv_pids=()
for spec in "mlflow mlflow==3.17.2" "pflow pflow-cli==0.16.0"; do
  read -r venv pin <<< "$spec"
  if [ ! -f ".tools/$venv/.installed-$pin" ]; then
    say "installing $pin into .tools/$venv (a minute or two, once)"
    ( rm -rf ".tools/$venv" && python3 -m venv ".tools/$venv" \
      && ".tools/$venv/bin/pip" install -q "$pin" > ".tools/$venv.install.log" 2>&1 \
      && touch ".tools/$venv/.installed-$pin" ) &
    venv_pids+=($!)
  fi
done
for p in "${venv_pids[@]}"; do
  wait "$p" || { echo "a producer venv failed to install; see .tools/*.install.log" >&2; exit 1; }
done
say "tools ready: $(trunk --version), wasm-bindgen $WASM_BINDGEN_VERSION, $(wasm-opt --version | head -1), $(chromium --version 2>/dev/null | head -1)"
