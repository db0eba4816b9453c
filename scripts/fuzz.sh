#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.cpp) with clang, ASan and UBSan into
# build-fuzz/, and runs each for a given time on a working copy of its seed corpus
# (tests/fuzz/corpus/<target>). Prints each target's executions; fails on any crash, leak,
# timeout or out-of-memory (the reproducer is left in build-fuzz/).
#
#   bash scripts/fuzz.sh          # 60 s per target
#   bash scripts/fuzz.sh 600      # 10 minutes per target
#   bash scripts/fuzz.sh 60 model # one target
#   CNN_FUZZ_SEED=1 bash scripts/fuzz.sh 30   # a fixed seed: the same inputs every run (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-60}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then TARGETS=(idx config model image data); fi

CNN_EXTRA_PACKAGES="clang-14 libclang-rt-14-dev" CNN_SKIP_BUILD=1 bash scripts/setup.sh
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCNN_FUZZ=ON \
  -DCNN_BUILD_TESTS=OFF -DCNN_NATIVE=ON >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target $(printf 'fuzz_%s ' "${TARGETS[@]}")

summary=()
for t in "${TARGETS[@]}"; do
  work="build-fuzz/corpus-$t"
  mkdir -p "$work"
  log="build-fuzz/fuzz-$t.log"
  echo "fuzz: running fuzz_$t for ${SECONDS_EACH} s" >&2
  if ! (cd build-fuzz && OPENBLAS_NUM_THREADS=1 ./fuzz_"$t" -max_total_time="$SECONDS_EACH" -seed="${CNN_FUZZ_SEED:-0}" -rss_limit_mb=2048 -timeout=10 \
          -max_len=65536 -print_final_stats=1 "corpus-$t" "../tests/fuzz/corpus/$t") >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "fuzz: fuzz_$t FAILED (log: $log)" >&2
    exit 1
  fi
  runs="$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')"
  summary+=("fuzz_$t: ${runs:-?} executions in ${SECONDS_EACH} s, no crash")
done
printf '%s\n' "${summary[@]}"
