#!/usr/bin/env bash
# The reference job: install, build, fetch MNIST (from $MNIST_MIRROR when set), train LeNet-5
# with configs/lenet5.cfg, then evaluate the trained model on the 10,000 test images.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/fetch_mnist.sh data/mnist
./build/cnn train --config configs/lenet5.cfg
./build/cnn eval --weights runs/lenet5/model.bin
