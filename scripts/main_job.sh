#!/usr/bin/env bash
# The reference job: install, build cnn (build/, configured as scripts/test.sh configures it, so
# either builds on the other's objects), install it into /usr/local/bin so that `cnn` is on PATH,
# fetch MNIST (from $MNIST_MIRROR when set), train LeNet-5 with configs/lenet5.cfg, then evaluate
# the trained model on the 10,000 test images.
set -euo pipefail
cd "$(dirname "$0")/.."

CNN_BUILD_TARGET=cnn bash scripts/setup.sh
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO cmake --install build --prefix /usr/local >/dev/null
if [ "$(command -v cnn)" = /usr/local/bin/cnn ]; then
  echo "main_job: installed /usr/local/bin/cnn (on PATH)" >&2
else
  echo "main_job: warning: installed /usr/local/bin/cnn, but 'cnn' on PATH is $(command -v cnn || echo nothing)" >&2
fi
bash scripts/fetch_mnist.sh data/mnist
# A second run of the main job keeps the first run and trains into runs/lenet5-2 (README: run
# folders), so evaluate the model this run wrote, as train reports it.
model="$(./build/cnn train --config configs/lenet5.cfg | tee /dev/stderr | sed -n 's/^model: //p')"
./build/cnn eval --weights "$model"
