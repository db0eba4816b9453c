#!/usr/bin/python3
"""Writes tests/fixtures/silu_gelu_global_max_pool.json: an independent reference for the silu and
gelu activations (the exact erf form and the tanh approximation) and for global max pooling.

Computed once with PyTorch (Debian's python3-torch, float64 autograd) and committed, so the tests
do not need PyTorch. Every input and upstream gradient is a float32 value (rounded to float32, then
widened), so cnn's float32 input is exactly PyTorch's.

Activations: F.silu, F.gelu(approximate='none') and F.gelu(approximate='tanh') at fixed points
(0, small, moderate, the point where the tanh form's tanh saturates in float32, and large |x| up
to 1e20) and at random points in [-6, 6]; the fixture holds x, dy, y = f(x) and dx = dy f'(x).

Global max pooling: x.flatten(2).max(2) on (N, C, H, W), which returns each plane's maximum and
the index of its first maximum (checked here: the lowest index on ties), and whose backward sends
dy to that index; one case draws from few distinct values so that ties are frequent.

    /usr/bin/python3 scripts/make_activation_fixture.py
"""
import json
import os

import torch
import torch.nn.functional as F


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def as_float32(t):
    """float64 values that float32 holds exactly."""
    return t.to(torch.float32).to(torch.float64)


def activation_cases(g):
    fixed = [0.0, 1e-3, 0.25, 0.5, 1.0, 2.0, 3.0, 5.4, 10.0, 30.0, 88.0, 1000.0, 1e5, 1e20]
    points = fixed + [-v for v in fixed[1:]]
    random = torch.rand(24, generator=g, dtype=torch.float64) * 12 - 6
    x = as_float32(torch.cat([torch.tensor(points, dtype=torch.float64), random]))
    dy = as_float32(torch.rand(x.shape, generator=g, dtype=torch.float64) * 2 - 1)
    cases = []
    for name, f in [("silu", F.silu),
                    ("gelu", lambda t: F.gelu(t, approximate="none")),
                    ("gelu_tanh", lambda t: F.gelu(t, approximate="tanh"))]:
        xs = x.clone().requires_grad_(True)
        y = f(xs)
        y.backward(dy)
        cases.append({"activation": name, "x": flat(x), "dy": flat(dy), "y": flat(y), "dx": flat(xs.grad)})
    return cases


def global_max_pool_case(name, shape, g, levels=None):
    if levels is None:  # distinct values: a shuffled ladder
        n = torch.tensor(shape).prod().item()
        x = (torch.randperm(n, generator=g).to(torch.float64) / n * 4 - 2).reshape(shape)
    else:  # few distinct values: ties
        x = (torch.randint(0, levels, shape, generator=g).to(torch.float64) - levels / 2) * 0.5
    x = as_float32(x).requires_grad_(True)
    values, indices = x.flatten(2).max(2)
    planes = x.detach().flatten(2)
    for p in range(planes.shape[0]):
        for c in range(planes.shape[1]):
            first = next(i for i, v in enumerate(planes[p, c].tolist()) if v == values[p, c].item())
            assert indices[p, c].item() == first, "torch.max did not return the first maximum"
    dy = as_float32(torch.rand(values.shape, generator=g, dtype=torch.float64) * 2 - 1)
    values.backward(dy)
    return {"name": name, "x_shape": list(shape), "x": flat(x), "dy": flat(dy), "y": flat(values),
            "argmax": [int(i) for i in indices.reshape(-1).tolist()], "dx": flat(x.grad)}


def main():
    g = torch.Generator().manual_seed(20261202)
    pools = [
        global_max_pool_case("distinct values, (2, 3, 4, 5)", (2, 3, 4, 5), g),
        global_max_pool_case("1x1 planes, (3, 2, 1, 1)", (3, 2, 1, 1), g),
        global_max_pool_case("ties: 4 levels, (2, 4, 3, 3)", (2, 4, 3, 3), g, levels=4),
        global_max_pool_case("ties: 2 levels, (1, 3, 7, 6)", (1, 3, 7, 6), g, levels=2),
    ]
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures",
                       "silu_gelu_global_max_pool.json")
    with open(out, "w") as fh:
        json.dump({"generator": "scripts/make_activation_fixture.py (PyTorch " + torch.__version__ + ")",
                   "activations": activation_cases(g), "global_max_pool": pools}, fh)
    print("wrote", os.path.normpath(out))


if __name__ == "__main__":
    main()
