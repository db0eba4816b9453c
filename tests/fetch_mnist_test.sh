#!/usr/bin/env bash
# Test of scripts/fetch_mnist.sh: verified copy from a local mirror, no re-copy when present,
# refusal of a corrupted file (named), and a helpful message with no source and no network.
# Needs the real MNIST files in $CNN_TEST_MNIST_DIR; without them only the offline cases run.
set -uo pipefail
script="$(cd "$(dirname "$0")/.." && pwd)/scripts/fetch_mnist.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# No source and no network: MNIST_MIRROR unset, public mirrors unreachable.
out="$(env -u MNIST_MIRROR MNIST_PUBLIC_MIRRORS="http://127.0.0.1:9/mnist" bash "$script" "$work/none" 2>&1)" \
  && fail "fetch without any source succeeded"
grep -q "MNIST_MIRROR" <<<"$out" || fail "no-source message does not mention MNIST_MIRROR: $out"

# A mirror folder that lacks the files.
mkdir -p "$work/empty"
out="$(MNIST_MIRROR="$work/empty" bash "$script" "$work/dest0" 2>&1)" && fail "empty mirror accepted"
grep -q "train-images-idx3-ubyte.gz not found" <<<"$out" || fail "empty-mirror message: $out"

if [ -z "${CNN_TEST_MNIST_DIR:-}" ]; then
  echo "fetch_mnist_test: CNN_TEST_MNIST_DIR not set, skipped the local-mirror cases"
  exit 0
fi

out="$(MNIST_MIRROR="$CNN_TEST_MNIST_DIR" bash "$script" "$work/dest" 2>&1)" || fail "copy from mirror failed: $out"
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  cmp -s "$CNN_TEST_MNIST_DIR/$f" "$work/dest/$f" || fail "$f not copied identically"
done
out="$(MNIST_MIRROR="$work/empty" bash "$script" "$work/dest" 2>&1)" || fail "second run re-fetched: $out"
grep -q "already present and verified" <<<"$out" || fail "second run did not recognise present files"

mkdir -p "$work/bad"
cp "$CNN_TEST_MNIST_DIR"/*.gz "$work/bad/"
printf '\x00' | dd of="$work/bad/t10k-labels-idx1-ubyte.gz" bs=1 seek=100 conv=notrunc 2>/dev/null
out="$(MNIST_MIRROR="$work/bad" bash "$script" "$work/dest2" 2>&1)" && fail "corrupted copy accepted"
grep -q "t10k-labels-idx1-ubyte.gz .*expected ec29112dd5afa0611ce80d1b7f02629c" <<<"$out" || fail "corrupt message: $out"
[ -e "$work/dest2/t10k-labels-idx1-ubyte.gz" ] && fail "corrupt file left in destination"
echo "fetch_mnist_test: all cases passed"
