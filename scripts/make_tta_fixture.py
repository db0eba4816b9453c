#!/usr/bin/python3
"""Writes tests/fixtures/tta_views.json: PyTorch's logits under test-time augmentation, so that
cnn's `--tta flip` and `--tta flip-translate` are checked against an independent implementation
of airbench94's definitions (Jordan 2024, `infer_mirror` and `infer_mirror_translate`):

  flip            (net(x) + net(x.flip(-1))) / 2
  flip-translate  flip(x) / 2 + (flip(up_left) + flip(down_right)) / 4, the two moved views cut
                  from F.pad(x, (1, 1, 1, 1), mode="reflect") at [0:H, 0:W] and [2:H+2, 2:W+2]

Computed once with PyTorch (Debian's python3-torch, float64) and committed, so the tests do not
need PyTorch. The network (CONFIG, cnn's config of the same layers) sees positions: a valid 3x3
conv on a non-square 3x7x9 input, ReLU, flatten and a dense layer, so that a view taken from the
wrong place or mirrored the wrong way gives other logits.

    /usr/bin/python3 scripts/make_tta_fixture.py
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

CONFIG = """model:
  input: [3, 7, 9]
  layers:
    - conv: {filters: 4, kernel: 3, padding: valid}
    - relu
    - flatten
    - dense: {units: 5}
    - softmax
"""


def flat(t):
    return [float(f"{v:.9g}") for v in t.detach().reshape(-1).tolist()]


def main():
    torch.manual_seed(11)
    conv, dense = torch.nn.Conv2d(3, 4, 3), torch.nn.Linear(4 * 5 * 7, 5)
    # The fixture's values are rounded to 9 digits; PyTorch computes from exactly those.
    with torch.no_grad():
        for p in [*conv.parameters(), *dense.parameters()]:
            p.copy_(torch.tensor(flat(p)).reshape(p.shape))
    net = torch.nn.Sequential(conv, torch.nn.ReLU(), torch.nn.Flatten(), dense)
    x = torch.tensor(flat(torch.rand(4, 3, 7, 9))).reshape(4, 3, 7, 9)

    def mirror(inputs):
        return 0.5 * (net(inputs) + net(inputs.flip(-1)))

    with torch.no_grad():
        plain = net(x)
        flipped = mirror(x)
        padded = F.pad(x, (1, 1, 1, 1), mode="reflect")
        moved = [padded[:, :, 0:7, 0:9], padded[:, :, 2:9, 2:11]]
        translated = 0.5 * flipped + 0.5 * torch.stack([mirror(m) for m in moved]).mean(0)
    fixture = {"config": CONFIG, "x_shape": list(x.shape), "x": flat(x),
               "params": {"conv1.weight": flat(conv.weight), "conv1.bias": flat(conv.bias),
                          "dense1.weight": flat(dense.weight), "dense1.bias": flat(dense.bias)},
               "none": flat(plain), "flip": flat(flipped), "flip-translate": flat(translated),
               "made_with": f"torch {torch.__version__}"}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "tta_views.json")
    with open(path, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(path)}: largest change by flip-translate "
          f"{float((translated - plain).abs().max()):.4f}")


if __name__ == "__main__":
    main()
