#!/usr/bin/python3
"""Writes tests/fixtures/conv_grouped_dilated.json: PyTorch's numbers for conv's groups, dilation
and bias: false.

Computed once with PyTorch (Debian's python3-torch) and committed, so the tests do not need
PyTorch. Two cases: a grouped (2 groups), dilated ([2, 1]) conv without a bias, explicit padding
and stride [1, 2]; and a depthwise conv (two filters per channel, groups = channels) dilated 2 with
a bias and TensorFlow's `same` padding at stride [2, 1] (6 rows: 1 before, 2 after), applied by hand with the dilated extent
(k - 1) d + 1: out = ceil(in / stride), total padding max((out - 1) stride + extent - in, 0), the
odd extra row/column at the bottom/right. Inputs and parameters are multiples of 1/1024 (exact in
float32 and short in JSON); PyTorch's autograd runs in float64 and the results are written to 9
significant digits, more than float32 holds.

    /usr/bin/python3 scripts/make_grouped_conv_fixture.py
"""
import json
import math
import os

import torch
import torch.nn.functional as F


def same_padding(size, kernel, stride, dilation):
    extent = (kernel - 1) * dilation + 1
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + extent - size, 0)
    return total // 2, total - total // 2


def grid(shape, generator, scale):
    """Uniform values in [-scale, scale) rounded to multiples of 1/1024, float64."""
    values = (torch.rand(shape, generator=generator, dtype=torch.float64) * 2 - 1) * scale
    return torch.round(values * 1024) / 1024


def case(name, x_shape, filters, kernel, stride, padding, dilation, groups, bias, generator):
    n, c, h, w = x_shape
    x = grid(x_shape, generator, 1.0).requires_grad_(True)
    weight = grid((filters, c // groups, kernel[0], kernel[1]), generator, 0.5).requires_grad_(True)
    b = grid((filters,), generator, 0.5).requires_grad_(True) if bias else None
    if padding == "same":
        top, bottom = same_padding(h, kernel[0], stride[0], dilation[0])
        left, right = same_padding(w, kernel[1], stride[1], dilation[1])
        padded = F.pad(x, (left, right, top, bottom))
        y = F.conv2d(padded, weight, b, stride=stride, dilation=dilation, groups=groups)
    else:
        y = F.conv2d(x, weight, b, stride=stride, padding=tuple(padding), dilation=dilation, groups=groups)
    dy = grid(y.shape, generator, 1.0)
    y.backward(dy)
    flat = lambda t: [float(f"{v:.9g}") for v in t.detach().reshape(-1).tolist()]
    out = {
        "name": name, "filters": filters, "kernel": list(kernel), "stride": list(stride), "padding": padding,
        "dilation": list(dilation), "groups": groups, "bias": bias,
        "x_shape": list(x.shape), "y_shape": list(y.shape),
        "x": flat(x), "weight": flat(weight), "dy": flat(dy),
        "y": flat(y), "dx": flat(x.grad), "dweight": flat(weight.grad),
    }
    if bias:
        out["bias_values"] = flat(b)
        out["dbias"] = flat(b.grad)
    return out


def main():
    g = torch.Generator().manual_seed(20261203)
    cases = [
        case("groups 2, dilation [2, 1], no bias, padding [2, 1], stride [1, 2]", (2, 4, 5, 6), 4, (3, 2), (1, 2), [2, 1],
             (2, 1), 2, False, g),
        case("depthwise x2, dilation 2, bias, same, stride [2, 1]", (2, 2, 6, 6), 4, (3, 3), (2, 1), "same", (2, 2), 2, True, g),
    ]
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "conv_grouped_dilated.json")
    with open(out, "w") as fh:
        json.dump({"generator": "scripts/make_grouped_conv_fixture.py (PyTorch " + torch.__version__ + ")", "cases": cases}, fh)
    print("wrote", os.path.normpath(out))


if __name__ == "__main__":
    main()
