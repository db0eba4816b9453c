#!/usr/bin/env bash
# Benchmark: cnn against PyTorch (Debian's python3-torch) and dlib (libdlib-dev) on LeNet-5 /
# MNIST, in one run, and on a second workload, configs/fashion.cfg on Fashion-MNIST (cnn and
# PyTorch; Debian's dataset-fashion-mnist). Installs them, builds cnn in Release, fetches MNIST
# ($MNIST_MIRROR when offline), then runs scripts/benchmark.py, which compiles scripts/dlib_lenet.cpp, prints medians
# and the cnn/PyTorch and cnn/dlib ratios, and writes a JSON file.
#
#   bash scripts/benchmark.sh                  # 5 alternating rounds
#   bash scripts/benchmark.sh --rounds 3 --out bench-results.json
#   bash scripts/benchmark.sh --augment        # only: epoch time with and without augmentation
#   bash scripts/benchmark.sh --rgb --rounds 3 # only: configs/cifar-small.cfg (RGB, 32-64 filters) vs PyTorch
#   bash scripts/benchmark.sh --resnet --rounds 3  # only: ResNet-20 vs PyTorch, memory, share of the sgemm floor
set -euo pipefail
cd "$(dirname "$0")/.."
CNN_EXTRA_PACKAGES="python3-torch libdlib-dev dataset-fashion-mnist" bash scripts/setup.sh
bash scripts/fetch_mnist.sh data/mnist
exec /usr/bin/python3 scripts/benchmark.py "$@"
