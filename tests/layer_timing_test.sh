#!/usr/bin/env bash
# scripts/layer_timing.cpp on a graph and on a chain: a row for every layer the Net reports (a conv
# fused with its pool as one row), every time a finite number, and the total line.
#   tests/layer_timing_test.sh BUILD/layer_timing BUILD/cnn
set -euo pipefail
timing="$1"
cnn="$2"
root="$(cd "$(dirname "$0")/.." && pwd)"
fail() { echo "layer_timing_test: FAIL: $*" >&2; exit 1; }

# ResNet-20: one row per layer (no pool to fuse), in the order of `cnn summary`.
out="$("$timing" --config "$root/configs/resnet20.cfg" --batch 2 --steps 2)"
expected="$("$cnn" summary "$root/configs/resnet20.cfg" --format json |
  /usr/bin/python3 -c 'import json, sys; print("\n".join(l["name"] for l in json.load(sys.stdin)["layers"]))')"
rows="$(echo "$out" | awk 'NR > 1 && $1 != "zero_grad" && $1 != "total" {print $1}')"
[ "$rows" = "$expected" ] || fail "resnet20 rows differ from the summary's layers:"$'\n'"$(diff <(echo "$rows") <(echo "$expected") || true)"
echo "$out" | awk 'NR > 1 && $1 != "total" {for (i = 2; i <= NF; ++i) if ($i !~ /^[0-9.]+%?$/) exit 1}' ||
  fail "a resnet20 time is not a finite number:"$'\n'"$out"
echo "$out" | grep -q "^add1 " || fail "no row for add1"
echo "$out" | grep -q "^total .* images/s" || fail "no total line"

# LeNet-5: each conv runs with its pool, in one row.
out="$("$timing" --config "$root/configs/lenet5.cfg" --batch 2 --steps 2)"
echo "$out" | grep -q "^conv1+pool1 " || fail "lenet5 has no fused conv1+pool1 row:"$'\n'"$out"
echo "$out" | grep -q "^conv2+pool2 " || fail "lenet5 has no fused conv2+pool2 row"
if echo "$out" | grep -q "^pool1 "; then fail "pool1 timed apart from the conv it runs in"; fi
echo "$out" | grep -q "inf" && fail "an infinite time:"$'\n'"$out"
out="$("$timing" --config "$root/configs/resnet20.cfg" --batch 2 --steps 1 --infer)"
echo "$out" | grep -q "^total .* of inference" || fail "--infer prints no total"
echo "layer_timing_test: ResNet-20 and LeNet-5 timed layer by layer"
