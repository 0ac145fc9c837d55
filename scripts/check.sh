#!/usr/bin/env bash
# Sets everything up and runs every check CI runs, in CI's order: format, lints (core natively,
# shell for wasm32), native tests, the release build, end-to-end tests in headless Chromium.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/setup.sh"
cd "$ROOT"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "format"
cargo fmt --all -- --check
step "lint: core (native, no browser)"
cargo clippy --no-default-features --all-targets --locked -- -D warnings
step "lint: web shell (wasm32)"
cargo clippy --target wasm32-unknown-unknown --locked -- -D warnings
step "native tests"
cargo test --no-default-features --locked
step "native CLI (skein analyze), used by the end-to-end tests"
cargo build --release --no-default-features --locked
step "release build (trunk, wasm-opt) into dist-test/"
trunk build --release --dist dist-test
step "end-to-end tests (release build on 127.0.0.1, headless Chromium)"
node --test --test-concurrency=1 tests/e2e/
