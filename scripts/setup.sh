#!/usr/bin/env bash
# Installs the Debian packages cnn needs (only those missing, so a second run is quick) and
# builds cnn in Release into build/ (incrementally).
#
#   bash scripts/setup.sh                 # install + build everything (cnn, tests) into build/
#   CNN_BUILD_TARGET=cnn bash scripts/setup.sh                 # only the cnn executable
#   BUILD_DIR=build-asan CNN_CMAKE_ARGS="-DCNN_WERROR=ON -DCNN_SANITIZE=ON" bash scripts/setup.sh
#   CNN_EXTRA_PACKAGES="python3-torch" bash scripts/setup.sh   # more packages (benchmark, ...)
#
# build/ is configured the same way for every caller (Release, warnings as errors): the main job
# and the test command then share its objects, and whichever runs second builds incrementally.
set -euo pipefail
cd "$(dirname "$0")/.."

# libonnx-dev and libprotobuf-dev: `cnn export` builds ONNX files with ONNX's own classes (src/onnx/);
# Debian ships them generated, so protoc (protobuf-compiler) is not needed.
PACKAGES=(build-essential cmake pkg-config libopenblas-dev libspdlog-dev libfmt-dev libcli11-dev catch2
          libstb-dev libyaml-cpp-dev zlib1g-dev nlohmann-json3-dev libonnx-dev libprotobuf-dev libjs-chart.js
          libopenmpi-dev openmpi-bin  # mpirun -np N cnn train (docs/distributed.md); optional for building
          ${CNN_EXTRA_PACKAGES:-})

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ "${CNN_SKIP_BUILD:-0}" = "1" ]; then exit 0; fi
BUILD_DIR="${BUILD_DIR:-build}"
# shellcheck disable=SC2086
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="${CNN_BUILD_TYPE:-Release}" ${CNN_CMAKE_ARGS:--DCNN_WERROR=ON} >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" ${CNN_BUILD_TARGET:+--target "$CNN_BUILD_TARGET"}
echo "setup: built ${CNN_BUILD_TARGET:-everything} in $BUILD_DIR" >&2
