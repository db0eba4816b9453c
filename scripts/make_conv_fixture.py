#!/usr/bin/python3
"""Writes tests/fixtures/conv_same_stride2.json: an independent reference for Conv2d.

Computed once with PyTorch (Debian's python3-torch) and committed, so the tests do not need
PyTorch. TensorFlow's `same` rule is applied by hand: out = ceil(in / stride), total padding
max((out - 1) * stride + kernel - in, 0), the odd extra row/column at the bottom/right; then a
plain valid convolution. The fixture holds input, weights, bias, upstream gradient dy, and the
output y and gradients dx, dw, db that PyTorch's autograd computes.

    /usr/bin/python3 scripts/make_conv_fixture.py
"""
import json
import math
import os

import torch
import torch.nn.functional as F


def same_padding(size, kernel, stride):
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def case(name, n, c, h, w, f, kh, kw, sh, sw, generator):
    x = torch.rand(n, c, h, w, generator=generator, dtype=torch.float64) * 2 - 1
    weight = torch.rand(f, c, kh, kw, generator=generator, dtype=torch.float64) - 0.5
    bias = torch.rand(f, generator=generator, dtype=torch.float64) - 0.5
    x.requires_grad_(True)
    weight.requires_grad_(True)
    bias.requires_grad_(True)
    top, bottom = same_padding(h, kh, sh)
    left, right = same_padding(w, kw, sw)
    y = F.conv2d(F.pad(x, (left, right, top, bottom)), weight, bias, stride=(sh, sw))
    dy = torch.rand(y.shape, generator=generator, dtype=torch.float64) * 2 - 1
    y.backward(dy)
    flat = lambda t: [float(v) for v in t.detach().reshape(-1).tolist()]
    return {
        "name": name, "filters": f, "kernel": [kh, kw], "stride": [sh, sw],
        "x_shape": list(x.shape), "y_shape": list(y.shape),
        "x": flat(x), "weight": flat(weight), "bias": flat(bias), "dy": flat(dy),
        "y": flat(y), "dx": flat(x.grad), "dweight": flat(weight.grad), "dbias": flat(bias.grad),
    }


def main():
    g = torch.Generator().manual_seed(20261124)
    cases = [
        case("3x3 stride 2, odd input 7x9", 2, 3, 7, 9, 4, 3, 3, 2, 2, g),
        case("4x2 kernel stride 2x2, even input 8x6", 2, 2, 8, 6, 3, 4, 2, 2, 2, g),
        case("5x5 stride 2x1 on 6x5", 1, 2, 6, 5, 2, 5, 5, 2, 1, g),
    ]
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "conv_same_stride2.json")
    with open(out, "w") as fh:
        json.dump({"generator": "scripts/make_conv_fixture.py (PyTorch " + torch.__version__ + ")", "cases": cases}, fh)
    print("wrote", os.path.normpath(out))


if __name__ == "__main__":
    main()
