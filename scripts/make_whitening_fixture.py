#!/usr/bin/python3
"""Writes tests/fixtures/whitening.json: PyTorch's patch-whitening filters (airbench's first
layer, Jordan 2024) for a conv's `init: whitening`, so that cnn's are checked against an
independent eigendecomposition (torch.linalg.eigh).

Twenty smooth random 3x8x8 images (a 3x3 box blur of uniform noise, with channels mixed so that
they correlate); every 2x2 patch at stride 1 without padding, flattened in the weight's (C, kh,
kw) order; M = mean of p p^T; eigh(M) in descending order, each eigenvector turned so that its
largest component is positive; filters v_i / sqrt(lambda_i + 5e-4), then their negatives:
weight (24, 3, 2, 2).

    /usr/bin/python3 scripts/make_whitening_fixture.py
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def flat(t):
    return [float(f"{v:.9g}") for v in t.detach().reshape(-1).tolist()]


def main():
    torch.manual_seed(3)
    noise = torch.rand(20, 3, 10, 10)
    mix = torch.tensor([[1.0, 0.5, 0.2], [0.3, 1.0, 0.4], [0.1, 0.6, 1.0]])
    mixed = torch.einsum("dc,nchw->ndhw", mix, noise)
    smooth = F.avg_pool2d(mixed, 3, stride=1) - 0.8  # 8x8, not centred: the second moment, not the covariance
    x = torch.tensor(flat(smooth)).reshape(20, 3, 8, 8)
    eps, kh, kw = 5e-4, 2, 2
    patches = x.unfold(2, kh, 1).unfold(3, kw, 1)            # (N, C, 7, 7, kh, kw)
    patches = patches.permute(0, 2, 3, 1, 4, 5).reshape(-1, 3 * kh * kw)
    moment = patches.T @ patches / patches.shape[0]
    values, vectors = torch.linalg.eigh(moment)
    values, vectors = values.flip(0), vectors.T.flip(0)      # rows: eigenvectors, descending
    largest = vectors.abs().argmax(dim=1)
    signs = torch.sign(vectors[torch.arange(vectors.shape[0]), largest])
    vectors = vectors * signs[:, None]
    filters = vectors / torch.sqrt(values + eps)[:, None]
    weight = torch.cat([filters, -filters]).reshape(24, 3, kh, kw)
    fixture = {"x_shape": list(x.shape), "x": flat(x), "eps": eps, "kernel": [kh, kw],
               "second_moment": flat(moment), "eigenvalues": flat(values), "weight": flat(weight),
               "made_with": f"torch {torch.__version__}"}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "whitening.json")
    with open(path, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(path)}: eigenvalues {float(values[0]):.4g} .. {float(values[-1]):.4g}")


if __name__ == "__main__":
    main()
