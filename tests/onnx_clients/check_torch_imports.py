#!/usr/bin/python3
"""`cnn import` of graphs as PyTorch writes them, run by ctest as `onnx_torch_imports`.

Each network below is built here with Debian's python3-torch, given random weights and batch-norm
statistics, put in eval mode and written with torch.onnx.export (opset 13, a dynamic batch);
`cnn import` reads the file, and `cnn predict --raw` on 64 colour PNGs (check_clients.py's coloured
shapes) must agree with
onnxruntime (tests/onnx_clients/run_onnxruntime.js) running the original file, within 1e-5 per
probability and with the same class for every image:
  resnet20   the CIFAR ResNet-20 of He et al. (2016) with projection shortcuts: Conv (bias-free
             convs with their BatchNorm folded in by the exporter), Relu, Add, GlobalAveragePool,
             Flatten, Gemm; 272,474 parameters in PyTorch
  modern     a chain with BatchNorm2d after a pooling layer (the exporter cannot fold it: a
             BatchNormalization node), LeakyReLU, max and average pooling and AdaptiveAvgPool2d(1)
  branches   two branches from one conv joined by torch.cat (Concat on channels) and a sum of
             three tensors
  separable  a depthwise-separable block (groups = channels) with SiLU (Sigmoid and Mul), a concat,
             a dilated conv with GELU (Div, Erf, Add, Mul, Mul) and global max pooling

Usage: check_torch_imports.py --cnn PATH/TO/cnn [--keep DIR]
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_clients as clients  # noqa: E402  (its runners and comparisons)

IMAGES = 64


def networks(torch):
    nn = torch.nn

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.b1 = nn.BatchNorm2d(cout)
            self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.b2 = nn.BatchNorm2d(cout)
            self.shortcut = None
            if stride != 1 or cin != cout:
                self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            y = torch.relu(self.b1(self.c1(x)))
            y = self.b2(self.c2(y))
            return torch.relu(y + (x if self.shortcut is None else self.shortcut(x)))

    class ResNet20(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
            blocks, cin = [], 16
            for cout, stride in ((16, 1), (32, 2), (64, 2)):
                for k in range(3):
                    blocks.append(Block(cin, cout, stride if k == 0 else 1))
                    cin = cout
            self.blocks = nn.Sequential(*blocks)
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(64, 10)

        def forward(self, x):
            return self.fc(torch.flatten(self.pool(self.blocks(self.stem(x))), 1))

    class Modern(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(
                nn.Conv2d(3, 8, 3, 1, 1), nn.LeakyReLU(0.1), nn.MaxPool2d(2), nn.BatchNorm2d(8),
                nn.Conv2d(8, 12, 3, 1, 1), nn.ReLU(), nn.AvgPool2d(2), nn.BatchNorm2d(12, eps=1e-3),
                nn.Conv2d(12, 16, 3), nn.LeakyReLU(0.02), nn.AdaptiveAvgPool2d(1))
            self.fc = nn.Linear(16, 10)

        def forward(self, x):
            return self.fc(torch.flatten(self.features(x), 1))

    class Branches(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Conv2d(3, 6, 3, 1, 1)
            self.a = nn.Conv2d(6, 6, 3, 1, 1)
            self.b = nn.Conv2d(6, 6, 1)
            self.head = nn.Conv2d(18, 8, 3, 2, 1)
            self.fc = nn.Linear(8 * 16 * 16, 10)

        def forward(self, x):
            s = torch.relu(self.stem(x))
            a = torch.tanh(self.a(s))
            b = torch.sigmoid(self.b(s))
            joined = torch.cat([a + b + s, s, b], dim=1)
            return self.fc(torch.flatten(torch.relu(self.head(joined)), 1))

    class Separable(nn.Module):
        """MobileNet's depthwise-separable block with SiLU, its input joined back by torch.cat."""

        def __init__(self):
            super().__init__()
            self.stem = nn.Conv2d(3, 8, 1)
            self.depthwise = nn.Conv2d(8, 8, 3, 1, 1, groups=8)
            self.pointwise = nn.Conv2d(8, 8, 1, bias=False)
            self.dilated = nn.Conv2d(16, 8, 3, 1, 2, dilation=2)
            self.fc = nn.Linear(8, 10)

        def forward(self, x):
            s = nn.functional.silu(self.stem(x))
            y = nn.functional.silu(self.pointwise(nn.functional.silu(self.depthwise(s))))
            y = nn.functional.gelu(self.dilated(torch.cat([y, s], dim=1)))
            return self.fc(torch.flatten(nn.functional.adaptive_max_pool2d(y, 1), 1))

    return [("resnet20", ResNet20(), 272474), ("modern", Modern(), None), ("branches", Branches(), None),
            ("separable", Separable(), None)]


def randomise(torch, model, seed):
    """Weights that make every unit matter, and batch-norm statistics that are not the defaults."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.weight.uniform_(0.5, 1.5, generator=generator)
                module.bias.uniform_(-0.2, 0.2, generator=generator)
                module.running_mean.uniform_(-0.2, 0.2, generator=generator)
                module.running_var.uniform_(0.5, 2.0, generator=generator)
        # Logits far apart enough that a wrong layer shows in the probabilities and the classes.
        linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
        linears[-1].weight.mul_(30.0)
    model.eval()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cnn", required=True)
    parser.add_argument("--keep")
    args = parser.parse_args()
    try:
        import cv2
        import torch
    except ImportError as e:
        clients.fail(f"{e}: install python3-torch and python3-opencv (scripts/test.sh does)")
    if not os.path.isdir(os.path.join(clients.HERE, "node_modules", "onnxruntime-node")):
        clients.fail(f"onnxruntime-node is not installed: run `ONNXRUNTIME_NODE_INSTALL=skip npm ci` in {clients.HERE}")
    torch.manual_seed(0)
    work = args.keep or tempfile.mkdtemp(prefix="cnn-torch-imports-")
    os.makedirs(work, exist_ok=True)
    try:
        rng = np.random.default_rng(5)
        images, _ = clients.colour_shapes(cv2, IMAGES, rng)  # shapes on tinted noise: the outputs differ per image
        paths = clients.write_colour_pngs(cv2, images, os.path.join(work, "images"))
        inputs = clients.colour_network_inputs(cv2, paths)
        print(f"check_torch_imports: torch {torch.__version__}, opset 13, {IMAGES} 3x32x32 images of coloured shapes")
        for index, (name, model, parameters) in enumerate(networks(torch)):
            randomise(torch, model, 100 + index)
            count = sum(p.numel() for p in model.parameters())
            if parameters is not None and count != parameters:
                clients.fail(f"{name}: PyTorch counts {count} parameters, expected {parameters}")
            onnx_path = os.path.join(work, f"{name}.onnx")
            torch.onnx.export(model, torch.zeros(1, 3, 32, 32), onnx_path, opset_version=13, input_names=["x"],
                              output_names=["logits"], dynamic_axes={"x": {0: "n"}, "logits": {0: "n"}})
            imported = os.path.join(work, f"{name}.bin")
            clients.run([args.cnn, "import", "-q", onnx_path, "-o", imported])
            summary = json.loads(clients.run([args.cnn, "summary", "--format", "json", imported]))
            predicted = json.loads(clients.run([args.cnn, "predict", "-q", "--raw", "--format", "json", "-k", "1", "-w",
                                                imported, *paths]))
            cnn_probabilities = np.array([p["probabilities"] for p in predicted], dtype=np.float64)
            print(f"check_torch_imports: {name}: {len(summary['layers'])} cnn layers, {summary['parameters']} parameters "
                  f"({count} in PyTorch, batch norm folded or kept as it was exported)")
            # Random weights may favour one class everywhere; the probabilities must still depend on
            # the image, or the comparison would prove little.
            spread = cnn_probabilities.std(axis=0).max()
            if not spread > 1e-3:
                clients.fail(f"{name}: the probabilities hardly depend on the image (largest std {spread:.1e})")
            logits = clients.run_onnxruntime(onnx_path, inputs, work)
            clients.compare(f"{name}: imported vs onnxruntime", clients.softmax(logits.astype(np.float64)), cnn_probabilities)
        print("check_torch_imports: OK")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
