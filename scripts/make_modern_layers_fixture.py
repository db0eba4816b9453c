#!/usr/bin/python3
"""Writes tests/fixtures/batch_norm_pool_same.json: an independent reference for BatchNorm and
for same-padded max and average pooling.

Computed once with PyTorch (Debian's python3-torch, float64) and committed, so the tests do not
need PyTorch.

Batch norm: torch.nn.functional.batch_norm in training mode (BatchNorm2d on (N, C, H, W) after a
conv, BatchNorm1d on (N, F) after a dense layer), from given running statistics; the fixture
holds input, gamma, beta, the running statistics before, momentum, eps, upstream gradient dy, and
what PyTorch gives: y, dx, dgamma, dbeta, the running statistics after, and the inference output
y_infer computed with those updated running statistics.

Same pooling, TensorFlow's rule: out = ceil(in / stride), total padding
max((out - 1) * stride + kernel - in, 0), the odd extra row/column at the bottom/right. Max pads
with -inf (padding never wins); avg divides by the number of real elements of each window
(a sum pool of the zero-padded input over a sum pool of the zero-padded ones).

    /usr/bin/python3 scripts/make_modern_layers_fixture.py
"""
import json
import math
import os

import torch
import torch.nn.functional as F


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def batch_norm_case(name, shape, momentum, eps, g):
    channels = shape[1]
    x = (torch.rand(shape, generator=g, dtype=torch.float64) * 2 - 1) * 1.5 + 0.7
    gamma = torch.rand(channels, generator=g, dtype=torch.float64) + 0.5
    beta = torch.rand(channels, generator=g, dtype=torch.float64) - 0.5
    running_mean = torch.rand(channels, generator=g, dtype=torch.float64) - 0.5
    running_var = torch.rand(channels, generator=g, dtype=torch.float64) + 0.5
    before_mean, before_var = running_mean.clone(), running_var.clone()
    for t in (x, gamma, beta):
        t.requires_grad_(True)
    y = F.batch_norm(x, running_mean, running_var, gamma, beta, training=True, momentum=momentum, eps=eps)
    dy = torch.rand(y.shape, generator=g, dtype=torch.float64) * 2 - 1
    y.backward(dy)
    with torch.no_grad():
        y_infer = F.batch_norm(x, running_mean, running_var, gamma, beta, training=False, eps=eps)
    return {
        "name": name, "x_shape": list(shape), "momentum": momentum, "eps": eps,
        "x": flat(x), "gamma": flat(gamma), "beta": flat(beta),
        "running_mean_before": flat(before_mean), "running_var_before": flat(before_var), "dy": flat(dy),
        "y": flat(y), "dx": flat(x.grad), "dgamma": flat(gamma.grad), "dbeta": flat(beta.grad),
        "running_mean_after": flat(running_mean), "running_var_after": flat(running_var), "y_infer": flat(y_infer),
    }


def same_padding(size, kernel, stride):
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def pool_case(name, pool_type, shape, kernel, stride, g):
    # Distinct values (a shuffled ladder) so that max pooling has no ties.
    n = math.prod(shape)
    x = (torch.randperm(n, generator=g).to(torch.float64) / n * 2 - 1).reshape(shape)
    x.requires_grad_(True)
    top, bottom = same_padding(shape[2], kernel[0], stride[0])
    left, right = same_padding(shape[3], kernel[1], stride[1])
    pad = (left, right, top, bottom)
    if pool_type == "max":
        y = F.max_pool2d(F.pad(x, pad, value=-math.inf), kernel, stride)
    else:
        sums = F.avg_pool2d(F.pad(x, pad), kernel, stride) * (kernel[0] * kernel[1])
        counts = F.avg_pool2d(F.pad(torch.ones_like(x), pad), kernel, stride) * (kernel[0] * kernel[1])
        y = sums / counts
    dy = torch.rand(y.shape, generator=g, dtype=torch.float64) * 2 - 1
    y.backward(dy)
    return {
        "name": name, "type": pool_type, "kernel": list(kernel), "stride": list(stride),
        "x_shape": list(shape), "y_shape": list(y.shape),
        "x": flat(x), "dy": flat(dy), "y": flat(y), "dx": flat(x.grad),
    }


def main():
    g = torch.Generator().manual_seed(20261129)
    batch_norm = [
        batch_norm_case("after a conv: (3, 4, 5, 3), momentum 0.1", (3, 4, 5, 3), 0.1, 1e-5, g),
        batch_norm_case("after a conv: (2, 3, 7, 6), momentum 0.3, eps 1e-3", (2, 3, 7, 6), 0.3, 1e-3, g),
        batch_norm_case("after a dense layer: (5, 6), momentum 0.1", (5, 6), 0.1, 1e-5, g),
    ]
    pools = [
        pool_case("max 3x3 stride 2 on 7x9", "max", (2, 3, 7, 9), (3, 3), (2, 2), g),
        pool_case("avg 3x3 stride 2 on 7x9", "avg", (2, 3, 7, 9), (3, 3), (2, 2), g),
        pool_case("max 2x2 stride 2 on 5x7", "max", (1, 2, 5, 7), (2, 2), (2, 2), g),
        pool_case("avg 2x2 stride 2 on 5x7", "avg", (1, 2, 5, 7), (2, 2), (2, 2), g),
        pool_case("avg 2x3 stride 3x2 on 8x5", "avg", (2, 2, 8, 5), (2, 3), (3, 2), g),
        pool_case("max 4x4 stride 3 on 5x5", "max", (1, 2, 5, 5), (4, 4), (3, 3), g),
    ]
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "batch_norm_pool_same.json")
    with open(out, "w") as fh:
        json.dump({"generator": "scripts/make_modern_layers_fixture.py (PyTorch " + torch.__version__ + ")",
                   "batch_norm": batch_norm, "pool_same": pools}, fh)
    print("wrote", os.path.normpath(out))


if __name__ == "__main__":
    main()
