#!/usr/bin/env bash
# Optional coverage-guided fuzzing of the whole ingest with libFuzzer (the `fuzz/` crate, built
# through libfuzzer-sys with LLVM's sanitizer-coverage passes on the stable toolchain; no
# cargo-fuzz install needed). Seeds: every shared fixture under 64 KB, copied into
# target/libfuzzer/corpus (never into the repo).
#
#   scripts/fuzz_libfuzzer.sh 600        # 10 minutes, at nice 19
#
# Crashes land in target/libfuzzer/ as crash-*; reproduce with
#   fuzz/target/<host triple>/release/ingest target/libfuzzer/crash-<hash>
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
seconds="${1:-60}"
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing"
# an explicit --target keeps RUSTFLAGS off build scripts and proc macros (as cargo-fuzz does)
host="$(rustc -vV | sed -n 's/^host: //p')"
nice -n 19 cargo build --release --manifest-path fuzz/Cargo.toml --bin ingest --target "$host"
out="target/libfuzzer"
mkdir -p "$out/corpus"
shared="${SKEIN_SHARED_FIXTURES:-$ROOT/../shared/fixtures}"
find "$shared" -type f -size -64k \( -name '*.json' -o -name '*.jsonl' -o -name '*.txt' \) \
  -exec cp -n {} "$out/corpus/" \; 2>/dev/null || true
cd "$out"
nice -n 19 "$ROOT/fuzz/target/$host/release/ingest" -max_total_time="$seconds" -rss_limit_mb=2048 \
  -max_len=262144 -timeout=10 -print_final_stats=1 corpus/
