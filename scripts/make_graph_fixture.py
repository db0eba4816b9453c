#!/usr/bin/python3
"""Writes tests/fixtures/graph_blocks.json: PyTorch's numbers for three small graphs, so that cnn's
graph networks are checked against an independent implementation.

Computed once with PyTorch (Debian's python3-torch, float64) and committed, so the tests do not
need PyTorch. For each network the fixture holds cnn's config (the model section), every
parameter under cnn's name (conv2.weight, batch_norm1.bias, ...), an input batch and its labels,
and what PyTorch gives in training mode (batch norm on the batch's statistics): the logits, the
mean cross-entropy, every parameter's gradient, and every parameter after one SGD step (lr 0.1)
and, from the same start, after one Adam step (lr 0.01, betas 0.9 and 0.999, eps 1e-8).

  residual   a stem conv, then a basic block whose body halves the size (3x3 stride 2, TensorFlow
             `same`: 1 row and column of zeros at the bottom and right), with a projection
             shortcut (1x1 stride-2 conv, no bias, batch norm), ReLU after the sum, global
             average pooling, dense
  separable  a depthwise-separable block: 1x1 conv, depthwise 3x3 (groups = channels) with SiLU,
             pointwise 1x1 with GELU (erf), dense
  concat     a stem read by two branches (itself and a 1x1 conv with tanh) joined by concat, a 2x2
             max pool and a dense layer

    /usr/bin/python3 scripts/make_graph_fixture.py
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def flat(t):
    return [float(f"{v:.9g}") for v in t.detach().reshape(-1).tolist()]  # 9 digits: float32's and a bit


def same_pad(size, kernel, stride):
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def conv(x, w, b=None, stride=1, same=True, groups=1):
    if same:
        top, bottom = same_pad(x.shape[2], w.shape[2], stride)
        left, right = same_pad(x.shape[3], w.shape[3], stride)
        x = F.pad(x, (left, right, top, bottom))
    return F.conv2d(x, w, b, stride=stride, groups=groups)


def bn(x, p, name):
    return F.batch_norm(x, torch.zeros(x.shape[1]), torch.ones(x.shape[1]), p[name + ".weight"], p[name + ".bias"],
                        training=True, momentum=0.1, eps=1e-5)


def residual(p, x):
    s = conv(x, p["conv1.weight"])
    y = F.relu(bn(conv(s, p["conv2.weight"], stride=2), p, "batch_norm1"))
    y = bn(conv(y, p["conv3.weight"]), p, "batch_norm2")
    shortcut = bn(conv(s, p["conv4.weight"], stride=2, same=False), p, "batch_norm3")
    z = F.relu(y + shortcut).mean(dim=(2, 3))
    return F.linear(z, p["dense1.weight"], p["dense1.bias"])


def separable(p, x):
    y = conv(x, p["conv1.weight"], p["conv1.bias"])
    y = F.silu(conv(y, p["conv2.weight"], p["conv2.bias"], groups=6))
    y = F.gelu(conv(y, p["conv3.weight"], p["conv3.bias"]))
    return F.linear(y.flatten(1), p["dense1.weight"], p["dense1.bias"])


def concat(p, x):
    s = F.relu(conv(x, p["s.weight"], p["s.bias"]))
    a = torch.tanh(conv(s, p["a.weight"], p["a.bias"]))
    y = F.max_pool2d(torch.cat([s, a], dim=1), 2, 2)
    return F.linear(y.flatten(1), p["dense1.weight"], p["dense1.bias"])


NETWORKS = [
    ("residual", residual, """\
model:
  input: [3, 8, 8]
  layers:
    - conv: {filters: 4, kernel: 3, padding: same, bias: false}
    - residual:
        activation: relu
        layers:
          - conv: {filters: 6, kernel: 3, stride: 2, padding: same, bias: false}
          - batch_norm
          - relu
          - conv: {filters: 6, kernel: 3, padding: same, bias: false}
          - batch_norm
    - global_avg_pool
    - dense: {units: 3}
    - softmax
""", {"conv1.weight": (4, 3, 3, 3), "conv2.weight": (6, 4, 3, 3), "batch_norm1.weight": (6,), "batch_norm1.bias": (6,),
      "conv3.weight": (6, 6, 3, 3), "batch_norm2.weight": (6,), "batch_norm2.bias": (6,), "conv4.weight": (6, 4, 1, 1),
      "batch_norm3.weight": (6,), "batch_norm3.bias": (6,), "dense1.weight": (3, 6), "dense1.bias": (3,)}),
    ("separable", separable, """\
model:
  input: [3, 4, 4]
  layers:
    - conv: {filters: 6, kernel: 1}
    - conv: {filters: 6, kernel: 3, padding: same, groups: 6, activation: silu}
    - conv: {filters: 4, kernel: 1, activation: gelu}
    - flatten
    - dense: {units: 3}
    - softmax
""", {"conv1.weight": (6, 3, 1, 1), "conv1.bias": (6,), "conv2.weight": (6, 1, 3, 3), "conv2.bias": (6,),
      "conv3.weight": (4, 6, 1, 1), "conv3.bias": (4,), "dense1.weight": (3, 64), "dense1.bias": (3,)}),
    ("concat", concat, """\
model:
  input: [3, 6, 6]
  layers:
    - conv: {filters: 4, kernel: 3, padding: same, activation: relu, name: s}
    - conv: {filters: 3, kernel: 1, activation: tanh, name: a}
    - concat: {from: [s, a]}
    - pool: {type: max, size: 2, stride: 2}
    - flatten
    - dense: {units: 3}
    - softmax
""", {"s.weight": (4, 3, 3, 3), "s.bias": (4,), "a.weight": (3, 4, 1, 1), "a.bias": (3,), "dense1.weight": (3, 63),
      "dense1.bias": (3,)}),
]


def case(name, forward, config, shapes, g):
    params = {}
    for key, shape in shapes.items():
        if key.startswith("batch_norm") and key.endswith(".weight"):
            params[key] = torch.rand(shape, generator=g) + 0.5
        else:
            params[key] = (torch.rand(shape, generator=g) * 2 - 1) * 0.6
    x = torch.rand((4,) + tuple(int(d) for d in config.split("input: [")[1].split("]")[0].split(", ")), generator=g)
    labels = [0, 2, 1, 2]

    def loss_of(p):
        return F.cross_entropy(forward(p, x), torch.tensor(labels))

    leaves = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    logits = forward(leaves, x)
    loss = F.cross_entropy(logits, torch.tensor(labels))
    loss.backward()
    grads = {k: v.grad for k, v in leaves.items()}
    sgd = {k: params[k] - 0.1 * grads[k] for k in params}
    adam_leaves = [params[k].clone().requires_grad_(True) for k in params]
    optimizer = torch.optim.Adam(adam_leaves, lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    optimizer.zero_grad()
    loss_of(dict(zip(params, adam_leaves))).backward()
    optimizer.step()
    return {"name": name, "config": config, "x_shape": list(x.shape), "x": flat(x), "labels": labels,
            "params": {k: {"shape": list(v.shape), "values": flat(v)} for k, v in params.items()},
            "logits": flat(logits), "loss": float(loss), "grads": {k: flat(v) for k, v in grads.items()},
            "after_sgd": {k: flat(v) for k, v in sgd.items()},
            "after_adam": {k: flat(v) for k, v in zip(params, adam_leaves)}}


def main():
    g = torch.Generator().manual_seed(20261202)
    cases = [case(name, forward, config, shapes, g) for name, forward, config, shapes in NETWORKS]
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "graph_blocks.json")
    with open(out, "w") as fh:
        json.dump({"generator": "scripts/make_graph_fixture.py (PyTorch " + torch.__version__ + ")", "networks": cases}, fh)
    print("wrote", os.path.normpath(out))


if __name__ == "__main__":
    main()
