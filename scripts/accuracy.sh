#!/usr/bin/env bash
# The long accuracy run (not part of the unit tests): trains each reference config with its
# defaults and prints test accuracy, wall time and CPU time. Needs MNIST in data/mnist (fetched here from
# $MNIST_MIRROR or the internet) and installs Debian's dataset-fashion-mnist for the Fashion config.
#
#   bash scripts/accuracy.sh                       # all reference configs
#   bash scripts/accuracy.sh configs/lenet5.cfg    # just one
set -euo pipefail
cd "$(dirname "$0")/.."

CNN_EXTRA_PACKAGES="dataset-fashion-mnist time" bash scripts/setup.sh
bash scripts/fetch_mnist.sh data/mnist

configs=("$@")
if [ ${#configs[@]} -eq 0 ]; then
  configs=(configs/lenet5.cfg configs/lenet5-fashion.cfg configs/lenet5-1998.cfg configs/fashion.cfg)
fi
results=()
for cfg in "${configs[@]}"; do
  name="$(basename "$cfg" .cfg)"
  out="runs/accuracy-$name"
  mkdir -p runs
  start=$(date +%s.%N)
  # /usr/bin/time (Debian's time package) adds the CPU time: on a shared machine the wall time
  # says how long it took, the CPU time how much work it was.
  /usr/bin/time -f "%U %S" -o "runs/accuracy-$name.cpu" \
    ./build/cnn train --config "$cfg" --out "$out" --overwrite  # each run of this script replaces its last
  end=$(date +%s.%N)
  data="$(grep -E '^\s*dir:' "$cfg" | head -1 | awk '{print $2}')"
  json="$(./build/cnn eval --weights "$out/model.bin" --data "$data" --format json)"
  acc="$(/usr/bin/python3 -c 'import json,sys; print("%.2f" % (100 * json.loads(sys.argv[1])["accuracy"]))' "$json")"
  seed="$(grep -E '^\s*seed:' "$cfg" | awk '{print $2}')"
  wall="$(awk -v s="$start" -v e="$end" "BEGIN { printf \"%.1f\", e - s }")"
  cpu="$(awk '{ printf "%.1f", $1 + $2 }' "runs/accuracy-$name.cpu")"
  results+=("$(printf "%-22s test accuracy %6s%%   train wall time %7s s   CPU time %7s s   seed %s" "$name" "$acc" "$wall" "$cpu" "$seed")")
done
echo
echo "== accuracy =="
printf '%s\n' "${results[@]}"
