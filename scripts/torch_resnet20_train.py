#!/usr/bin/python3
"""PyTorch's side of a ResNet-20 training comparison: the network of configs/resnet20.cfg (He et al.
2016, option-B projections, no biases in the convs) trained with SGD (momentum 0.9, lr 0.1) on one
synthetic CIFAR-sized batch of 128, on 2 threads; prints images/s and the process's peak resident
memory. Compare with `/usr/bin/time -v cnn train --config configs/resnet20.cfg` (docs/architecture.md,
"Memory"). Until scripts/benchmark.sh measures ResNet-20 itself (issue 28), this is how the figures
in the notes were taken.

    /usr/bin/python3 scripts/torch_resnet20_train.py [steps]
"""
import resource
import sys
import time

import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        return torch.relu(self.b2(self.c2(torch.relu(self.b1(self.c1(x))))) + self.shortcut(x))


def resnet20():
    layers = [nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
    cin = 16
    for cout, stride in [(16, 1), (32, 2), (64, 2)]:
        for i in range(3):
            layers.append(Block(cin, cout, stride if i == 0 else 1))
            cin = cout
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))


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
