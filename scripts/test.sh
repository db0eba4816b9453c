#!/usr/bin/env bash
# Installs what is missing, builds cnn and its tests, and runs the whole test suite twice:
# the Release build, then a build under AddressSanitizer + UndefinedBehaviorSanitizer; then each
# libFuzzer target briefly (CNN_FUZZ_SECONDS, default 30).
# Tests that can use real MNIST look in $MNIST_MIRROR when it names a local folder.
#   CNN_SKIP_SANITIZERS=1 CNN_SKIP_FUZZ=1 bash scripts/test.sh    # Release tests only
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${MNIST_MIRROR:-}" ] && [ -d "${MNIST_MIRROR}" ]; then
  export CNN_TEST_MNIST_DIR="$(cd "$MNIST_MIRROR" && pwd)"
fi
export OPENBLAS_NUM_THREADS=1
JOBS="$(nproc)"

# curl and python3: tests/fetch_mnist_test.sh downloads from a local HTTP server (python3 -m http.server).
# python3-opencv and python3-onnx: the ONNX client test (tests/onnx_clients/check_clients.py).
CNN_EXTRA_PACKAGES="curl ca-certificates python3 python3-opencv python3-onnx" bash scripts/setup.sh  # build/ as scripts/main_job.sh configures it

# onnxruntime for the ONNX client test: the npm package onnxruntime-node at the version of
# tests/onnx_clients/package-lock.json, its Linux x64 CPU library inside the package (nothing is
# downloaded after install). Node.js and npm come with the machine (NodeSource's nodejs carries
# npm); only where both are missing are Debian's installed, since Debian's npm conflicts with
# NodeSource's nodejs.
if ! command -v npm >/dev/null 2>&1; then
  if command -v node >/dev/null 2>&1; then
    echo "test: node is installed without npm; install npm with the same source as node ($(command -v node))" >&2
    exit 1
  fi
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends nodejs npm
fi
(cd tests/onnx_clients && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error)
ctest --test-dir build --output-on-failure -j "$JOBS"

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
