#!/usr/bin/env bash
# Installs what is missing, builds cnn and its tests, and runs the whole test suite: the Release
# build (twice: as the machine is, and with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE the other way), the build
# of the other vector width (scripts/test_widths.sh), then a build under
# AddressSanitizer + UndefinedBehaviorSanitizer; then each libFuzzer target briefly
# (CNN_FUZZ_SECONDS, default 30).
# Tests that can use real MNIST look in $MNIST_MIRROR when it names a local folder.
#   CNN_SKIP_WIDTHS=1 CNN_SKIP_SANITIZERS=1 CNN_SKIP_FUZZ=1 bash scripts/test.sh    # Release tests only
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${MNIST_MIRROR:-}" ] && [ -d "${MNIST_MIRROR}" ]; then
  export CNN_TEST_MNIST_DIR="$(cd "$MNIST_MIRROR" && pwd)"
fi
export OPENBLAS_NUM_THREADS=1
JOBS="$(nproc)"

# curl and python3: tests/fetch_mnist_test.sh downloads from a local HTTP server (python3 -m http.server).
# python3-opencv and python3-onnx: the ONNX client test (tests/onnx_clients/check_clients.py);
# python3-torch: the import of graphs PyTorch writes (tests/onnx_clients/check_torch_imports.py).
# chromium (and a font for readable screenshots): the browser check of the report pages.
# iproute2: the two hosts of tests/mpi_two_hosts.sh (network namespaces and a veth pair).
# clang (gcc comes with build-essential): the C export's test compiles the generated C with both;
# gcc-arm-none-eabi, libnewlib-arm-none-eabi and qemu-system-arm: it builds LeNet-5 for a
# Cortex-M4 and runs it in qemu (tests/c_export/check_c_export.py).
CNN_EXTRA_PACKAGES="curl ca-certificates python3 python3-opencv python3-onnx python3-torch chromium fonts-dejavu-core iproute2 clang
                    gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm" \
  bash scripts/setup.sh  # build/ as scripts/main_job.sh configures it
# The npm packages of the client tests (onnxruntime-node, playwright-core), as their lock files pin them.
bash scripts/install_node_packages.sh
export CNN_REQUIRE_BROWSER=1  # here the browser check must run, not skip
ctest --test-dir build --output-on-failure -j "$JOBS"
# Again with OpenBLAS's kernel variables the other way round: unset where this machine presets
# them, preset (OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=512, as some hosts do for older OpenBLAS
# builds; Haswell's kernels need AVX2) where it does not. The tests make their own environment
# (tests/test_environment.hpp), so they must pass both ways on every machine. The tests of other
# programs (scripts/tool_tests.sh) ran above; their share of cnn is in the unit tests.
source scripts/tool_tests.sh
if [ -n "${OPENBLAS_CORETYPE:-}${OPENBLAS_L2_SIZE:-}" ]; then
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE ctest --test-dir build --output-on-failure -j "$JOBS" -E "$TOOL_TESTS"
elif grep -qw avx2 /proc/cpuinfo; then
  OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=512 ctest --test-dir build --output-on-failure -j "$JOBS" -E "$TOOL_TESTS"
fi

# The other vector width (AVX2 / AVX-512 kernels): scripts/test_widths.sh.
if [ "${CNN_SKIP_WIDTHS:-0}" != "1" ]; then
  bash scripts/test_widths.sh
fi

if [ "${CNN_SKIP_SANITIZERS:-0}" != "1" ]; then
  BUILD_DIR=build-asan CNN_BUILD_TYPE=RelWithDebInfo CNN_CMAKE_ARGS="-DCNN_WERROR=ON -DCNN_SANITIZE=ON" \
    bash scripts/setup.sh
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j "$JOBS"
fi

if [ "${CNN_SKIP_FUZZ:-0}" != "1" ]; then
  # A fixed seed keeps CI reproducible; long exploratory runs use scripts/fuzz.sh with a random seed.
  CNN_FUZZ_SEED="${CNN_FUZZ_SEED:-1}" bash scripts/fuzz.sh "${CNN_FUZZ_SECONDS:-30}"
fi
