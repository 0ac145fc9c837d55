#!/usr/bin/env bash
# Long fuzz runs of every reader (tests/fuzz_readers.rs), built in the `fuzz` profile
# (optimised; panics unwind; overflow checks on), at the lowest priority.
#
#   scripts/fuzz.sh 600                      # 10 minutes
#   scripts/fuzz.sh --inputs 10000000        # 10 million inputs per reader
#   scripts/fuzz.sh 600 --jobs 2 --seed 1f --reader Zipkin
#
# --jobs J runs J processes, each taking every J-th input (use 2 only on a quiet machine);
# other options go to the harness (--seed HEX, --reader LABEL, --max-ms MS). A failing input
# is written to target/fuzz-failures/ with its seed and index; replay it with
#   cargo test --no-default-features --test fuzz_readers -- --replay <file>
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

jobs=1
seed=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs) jobs="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --inputs | --reader | --max-ms) args+=("$1" "$2"); shift 2 ;;
    [0-9]*) args+=(--seconds "$1"); shift ;;
    *) args+=("$1"); shift ;;
  esac
done
seed="${seed:-$(printf '%x' "$(date +%s)")}"

bin="$(cargo test --profile fuzz --no-default-features --test fuzz_readers --no-run \
  --message-format=json 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "fuzz_readers" and m.get("executable"):
        print(m["executable"])
')"
if [ -z "$bin" ]; then
  echo "fuzz.sh: the harness did not build; run: cargo test --profile fuzz --no-default-features --test fuzz_readers --no-run" >&2
  exit 1
fi

logs="target/fuzz-logs"
mkdir -p "$logs"
echo "fuzz.sh: seed $seed, $jobs job(s), ${args[*]}; logs in $logs/"
pids=()
for ((k = 0; k < jobs; k++)); do
  nice -n 19 "$bin" --seed "$seed" --shard "$k/$jobs" "${args[@]}" >"$logs/shard-$k.log" 2>&1 &
  pids+=($!)
done
status=0
for k in "${!pids[@]}"; do
  if ! wait "${pids[$k]}"; then
    status=1
    echo "fuzz.sh: shard $k failed or aborted (an allocation past the hard limit aborts); its log ends:"
    tail -n 20 "$logs/shard-$k.log"
  fi
done
grep -h '^FAIL' "$logs"/shard-*.log || true
python3 - "$logs"/shard-*.log <<'EOF'
import sys
rows = {}
for path in sys.argv[1:]:
    for line in open(path, errors="replace"):
        if not line.startswith("tally\t"):
            continue
        _, label, inputs, failed, peak, slow_ns, slow_ix, slow_len = line.rstrip("\n").split("\t")
        r = rows.setdefault(label, [0, 0, 0, 0, "", ""])
        r[0] += int(inputs); r[1] += int(failed); r[2] = max(r[2], int(peak))
        if int(slow_ns) >= r[3]:
            r[3], r[4], r[5] = int(slow_ns), slow_ix, slow_len
print(f"{'reader':<20} {'inputs':>12} {'failed':>7} {'peak alloc':>11} {'slowest input':>16}")
for label, (inputs, failed, peak, slow_ns, ix, size) in rows.items():
    print(f"{label:<20} {inputs:>12,} {failed:>7} {peak / 1e6:>8.1f} MB {slow_ns / 1e6:>10.1f} ms (#{ix}, {size} B)")
EOF
exit "$status"
