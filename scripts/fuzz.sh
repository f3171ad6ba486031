#!/usr/bin/env bash
# npm run fuzz [SECONDS]: libFuzzer (clang from Debian) with ASan+UBSan on the readers and JSON entry points,
# each target for SECONDS (default 60) from the committed seed corpus; then docs/reliability.md is regenerated
# with these and the other reliability figures. A crash leaves its input in build/fuzz/ and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-${FUZZ_SECONDS:-60}}
need=()
for p in clang-14 libclang-rt-14-dev libcjson-dev zlib1g-dev valgrind; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if ((${#need[@]})); then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; fi
out=build/fuzz
mkdir -p "$out"
lib=(src/error.c src/jsonutil.c src/kernels.c src/layers.c src/model.c src/optim.c src/losses.c src/train.c src/scores.c
  src/data.c src/fileio.c src/sweep.c src/csv.c src/strset.c src/npy.c src/idx.c src/png.c src/options.c)
echo "{" > "$out/results.json"
first=1
for t in csv arrays json; do
  clang-14 -g -O1 -std=c11 -ffp-contract=off -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc \
    -o "$out/fuzz_$t" "tests/fuzz/fuzz_$t.c" "${lib[@]}" -lcjson -lz -lm
  rm -rf "$out/corpus-$t"
  cp -r "tests/fuzz/corpus/$t" "$out/corpus-$t"
  log="$out/fuzz_$t.log"
  status=0
  rm -f "$out/$t"-crash-* "$out/$t"-leak-* "$out/$t"-timeout-* "$out/$t"-oom-*
  (cd "$out" && ./"fuzz_$t" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$t-" "corpus-$t" > "fuzz_$t.log" 2>&1) || status=$?
  execs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  crashes=$(find "$out" -maxdepth 1 -name "$t-*" -type f | wc -l)
  echo "fuzz_$t: $execs executions in ${seconds}s, exit $status, $crashes crash files"
  [ $first = 1 ] || echo "," >> "$out/results.json"
  first=0
  printf '"%s": {"seconds": %s, "executions": %s, "exit": %s, "crashes": %s}' "$t" "$seconds" "$execs" "$status" "$crashes" >> "$out/results.json"
done
echo "}" >> "$out/results.json"
node scripts/reliability.mjs
if grep -q '"crashes": [1-9]' "$out/results.json"; then echo "fuzzing found crashes: see $out" >&2; exit 1; fi
