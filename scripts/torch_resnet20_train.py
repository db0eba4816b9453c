#!/usr/bin/python3
"""PyTorch's side of a ResNet-20 training comparison: the network of configs/resnet20.cfg (He et al.
2016, option-B projections, no biases in the convs) trained with SGD (momentum 0.9, lr 0.1) on one
synthetic CIFAR-sized batch of 128, on 2 threads; prints images/s and the process's peak resident
memory. Compare with `/usr/bin/time -v cnn train --config configs/resnet20.cfg` (docs/architecture.md,
"Memory"). `scripts/benchmark.sh --resnet` measures both in one run; this is the quick check.

    /usr/bin/python3 scripts/torch_resnet20_train.py [steps]
"""
import os
import resource
import sys
import time

import torch
import torch.nn as nn

# The ResNet-20 of the import test (tests/onnx_clients/check_torch_imports.py), which is
# configs/resnet20.cfg's network: one definition of it in the project.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "onnx_clients"))
from check_torch_imports import networks  # noqa: E402


def resnet20():
    return next(model for name, model, _ in networks(torch) if name == "resnet20")


def main():
    torch.set_num_threads(2)
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    net = resnet20()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    x, y = torch.randn(128, 3, 32, 32), torch.randint(0, 10, (128,))

    def step():
        optimizer.zero_grad()
        nn.functional.cross_entropy(net(x), y).backward()
        optimizer.step()

    for _ in range(3):  # warm-up
        step()
    start = time.time()
    for _ in range(steps):
        step()
    seconds = time.time() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"torch {torch.__version__}: {steps * 128 / seconds:.0f} img/s, peak {peak:.0f} MiB")


if __name__ == "__main__":
    main()
