#!/usr/bin/env bash
# The kernels at the other vector width (AVX2 or AVX-512): every test of cnn_tests, with its gradient
# checks and reference comparisons, on a build whose vectors differ from the main build's.
#  - On a CPU with AVX-512 the main build (-march=native) has 16-float vectors: this builds
#    -march=x86-64-v3 (AVX2, 8 floats) in build-v3 and runs the tests there.
#  - On an AVX2 CPU the main build has 8-float vectors: this builds the 16-lane code paths
#    (-DCNN_VECTOR_LANES=16: GCC splits each 16-float vector into two AVX2 registers, ops/vec.hpp)
#    in build-lanes16 and runs the tests there, and compiles the kernels of the real AVX-512 build
#    (-march=x86-64-v4), which this CPU cannot run.
# Called by scripts/test.sh after the main tests; alone it needs what scripts/setup.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1
JOBS="$(nproc)"
# The tests of other programs do not depend on the width; the main build runs them.
source scripts/tool_tests.sh

has_avx512() {
  local flags
  flags="$(grep -m1 '^flags' /proc/cpuinfo || true)"
  for f in avx512f avx512bw avx512cd avx512dq avx512vl; do
    [[ " $flags " == *" $f "* ]] || return 1
  done
}

test_build() {  # DIR CMAKE_ARGS...
  local dir="$1"
  shift
  BUILD_DIR="$dir" CNN_CMAKE_ARGS="-DCNN_WERROR=ON $*" bash scripts/setup.sh
  "$dir/cnn" --version -v | sed -n '/^kernels built for/p'
  ctest --test-dir "$dir" --output-on-failure -j "$JOBS" -E "$TOOL_TESTS"
}

if has_avx512; then
  echo "test_widths: AVX-512 CPU; the main build has 16-float vectors, testing the AVX2 build" >&2
  test_build build-v3 -DCNN_MARCH=x86-64-v3
else
  echo "test_widths: no AVX-512 here; testing the 16-lane paths on AVX2, compiling the AVX-512 build" >&2
  test_build build-lanes16 -DCNN_MARCH=x86-64-v3 -DCNN_VECTOR_LANES=16
  # Every file of ops/ and layers/ (where the vectors are) compiled for AVX-512 with the build's
  # warnings as errors: what differs at 16 lanes natively is which intrinsics compile.
  find src/ops src/layers -name '*.cpp' -print0 |
    xargs -0 -n 1 -P "$JOBS" sh -c 'g++ -std=c++17 -O2 -march=x86-64-v4 -Wall -Wextra -Wpedantic -Wshadow -Wno-psabi \
      -Werror -Isrc -I/usr/include/x86_64-linux-gnu/openblas-pthread -DCNN_VERSION=\"v4\" -c "$0" -o /dev/null ||
      { echo "test_widths: $0 does not compile for x86-64-v4" >&2; exit 255; }'
  echo "test_widths: src/ops and src/layers compile for x86-64-v4 (AVX-512)" >&2
fi
echo "test_widths: passed" >&2
