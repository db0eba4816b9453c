#!/usr/bin/python3
"""Sanity checks of `cnn predict --explain`'s Grad-CAM and saliency maps on MNIST (ctest: grad_cam_sanity),
through the command line and the numbers it writes beside the pictures (evidence.json):
  1. Localisation: LeNet-5 (configs/lenet5.cfg, 3 epochs on MNIST's training images) explains 500
     MNIST test digits, each for its true class (--cam-class). For the digits it classifies
     correctly, at least 90 % must have at least 70 % of their Grad-CAM mass on the digit's ink
     (every non-zero pixel) dilated by 2 pixels (every pixel within 2 rows and 2 columns: a 5x5
     square). The share with a round dilation (distance <= 2) is printed too.
  2. Model randomisation (Adebayo et al. 2018, "Sanity checks for saliency maps"): the same model
     file with re-drawn weights (the logits layer alone, then every layer: He-normal weights,
     zero biases, a valid file with its CRC) must give different maps for the same images and
     classes: the median Spearman rank correlation between the trained and the randomised
     model's maps below 0.5, for Grad-CAM and for saliency. Grad-CAM is compared on the layer's
     own positions (evidence.json's "cam"): put on the pixels, a valid conv's map is framed by
     pixels no window is centred near, zero for every model, and that shared frame alone gives
     the two 28x28 maps a rank correlation of about 0.5 (measured), whatever the weights.
Needs the MNIST files in CNN_TEST_MNIST_DIR; without them it says "skipped" and exits 77.
Usage: check_grad_cam.py --cnn PATH/TO/cnn
"""
import argparse
import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TEST_DIGITS = 500
EPOCHS = 3


def fail(message):
    print(f"check_grad_cam: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"{' '.join(command[:6])} ... exited with {result.returncode}:\n{result.stderr[-3000:]}")
    return result.stdout


def read_idx(folder, stem):
    for name, opener in ((stem, open), (stem + ".gz", gzip.open)):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            with opener(path, "rb") as f:
                data = f.read()
            dims = struct.unpack(">" + "I" * data[3], data[4:4 + 4 * data[3]])
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * data[3]).reshape(dims)
    return None


def write_gray_png(path, pixels):
    """An 8-bit gray PNG (zlib and the PNG chunk layout: no image library needed)."""
    height, width = pixels.shape
    raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# ---- the model file (docs/model-format.md) ------------------------------------------------------

def read_model(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"CNNMODEL" or zlib.crc32(data[:-4]) != struct.unpack("<I", data[-4:])[0]:
        fail(f"{path}: not a cnn model file with a valid CRC")
    header_length = struct.unpack("<Q", data[16:24])[0]
    at = 24 + header_length
    count = struct.unpack("<I", data[at:at + 4])[0]
    at += 4
    tensors = []
    for _ in range(count):
        name_length = struct.unpack("<I", data[at:at + 4])[0]
        name = data[at + 4:at + 4 + name_length].decode()
        at += 4 + name_length
        rank = struct.unpack("<I", data[at:at + 4])[0]
        dims = struct.unpack("<" + "I" * rank, data[at + 4:at + 4 + 4 * rank])
        at += 4 + 4 * rank
        size = int(np.prod(dims))
        values = np.frombuffer(data, dtype="<f4", count=size, offset=at).reshape(dims).copy()
        at += 4 * size
        tensors.append((name, values))
    return data[:24 + header_length], tensors


def write_model(path, head, tensors):
    body = bytearray(head) + struct.pack("<I", len(tensors))
    for name, values in tensors:
        encoded = name.encode()
        body += struct.pack("<I", len(encoded)) + encoded + struct.pack("<I", values.ndim)
        body += struct.pack("<" + "I" * values.ndim, *values.shape) + values.astype("<f4").tobytes()
    body += struct.pack("<I", zlib.crc32(bytes(body)))
    with open(path, "wb") as f:
        f.write(body)


def randomised(model, out, layers, rng):
    """`model` with the weights of `layers` (names, e.g. "dense3") re-drawn: He-normal weights,
    zero biases."""
    head, tensors = read_model(model)
    changed = []
    for name, values in tensors:
        layer, _, kind = name.rpartition(".")
        if layer in layers and kind == "weight":
            fan_in = int(np.prod(values.shape[1:]))
            values = rng.normal(0, np.sqrt(2.0 / fan_in), size=values.shape).astype(np.float32)
        elif layer in layers and kind == "bias":
            values = np.zeros_like(values)
        changed.append((name, values))
    write_model(out, head, changed)
    return out


# ---- the maps ------------------------------------------------------------------------------------

def dilate(mask, offsets):
    out = np.zeros_like(mask)
    for dy, dx in offsets:
        out |= np.roll(np.roll(np.pad(mask, 2), dy, axis=0), dx, axis=1)[2:-2, 2:-2]
    return out


SQUARE = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)]
ROUND = [(dy, dx) for dy, dx in SQUARE if dy * dy + dx * dx <= 4]


def ranks(values):
    """Average ranks (ties share the mean of their ranks), for Spearman's correlation."""
    order = np.argsort(values, kind="stable")
    sorted_values = values[order]
    rank = np.empty(len(values))
    start = 0
    while start < len(values):
        end = start
        while end + 1 < len(values) and sorted_values[end + 1] == sorted_values[start]:
            end += 1
        rank[order[start:end + 1]] = (start + end) / 2.0
        start = end + 1
    return rank


def spearman(a, b):
    ra, rb = ranks(a.ravel()), ranks(b.ravel())
    if ra.std() == 0 or rb.std() == 0:
        return 0.0
    return float(np.corrcoef(ra, rb)[0, 1])


def explain(cnn, model, groups, work, tag):
    """Runs `cnn predict --explain` per true class (--cam-class); returns, per image index, its
    prediction and its evidence.json."""
    results = {}
    for label, items in sorted(groups.items()):
        folder = os.path.join(work, f"explain-{tag}-{label}")
        out = run([cnn, "predict", "--weights", model, "--raw", "--format", "json", "--explain", folder,
                   "--cam-class", str(label)] + [path for _, path in items])
        predictions = json.loads(out)
        for n, ((index, _), prediction) in enumerate(zip(items, predictions)):
            name = os.path.splitext(os.path.basename(items[n][1]))[0]
            with open(os.path.join(folder, f"{n + 1}-{name}", "evidence.json")) as f:
                evidence = json.load(f)
            if evidence["class"] != label:
                fail(f"{folder}: image {n + 1} explains class {evidence['class']}, not --cam-class {label}")
            results[index] = (prediction["class"], evidence)
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cnn", required=True)
    args = parser.parse_args()
    mnist = os.environ.get("CNN_TEST_MNIST_DIR")
    test_x = read_idx(mnist, "t10k-images-idx3-ubyte") if mnist else None
    test_y = read_idx(mnist, "t10k-labels-idx1-ubyte") if mnist else None
    if test_x is None or test_y is None:
        print("check_grad_cam: skipped: CNN_TEST_MNIST_DIR names no MNIST files")
        sys.exit(77)

    with tempfile.TemporaryDirectory(prefix="grad_cam_") as work:
        model = os.path.join(work, "run", "model.bin")
        run([args.cnn, "train", "-q", "-c", os.path.join(ROOT, "configs", "lenet5.cfg"), "--data", mnist, "--out",
             os.path.join(work, "run"), "--epochs", str(EPOCHS), "--threads", "1", "--no-report"])
        digits = os.path.join(work, "digits")
        os.makedirs(digits)
        groups = {}
        for i in range(TEST_DIGITS):
            path = os.path.join(digits, f"{i:04d}.png")
            write_gray_png(path, test_x[i])
            groups.setdefault(int(test_y[i]), []).append((i, path))
        trained = explain(args.cnn, model, groups, work, "trained")

        # 1. Localisation on the ink.
        correct = [i for i in range(TEST_DIGITS) if trained[i][0] == test_y[i]]
        square, round_ = [], []
        for i in correct:
            cam = np.array(trained[i][1]["grad_cam"], dtype=np.float64)
            if cam.shape != (28, 28) or (cam < 0).any():
                fail(f"test digit {i}: Grad-CAM of shape {cam.shape} with negative values: not a 28x28 map >= 0")
            total = cam.sum()
            ink = test_x[i] > 0
            for shares, offsets in ((square, SQUARE), (round_, ROUND)):
                shares.append(cam[dilate(ink, offsets)].sum() / total if total > 0 else 0.0)
        square, round_ = np.array(square), np.array(round_)
        on_ink = float((square >= 0.7).mean())
        print(f"check_grad_cam: {len(correct)} of {TEST_DIGITS} test digits classified correctly; Grad-CAM (layer "
              f"{trained[correct[0]][1]['cam_layer']}) mass on the ink dilated by 2 px: median {np.median(square):.3f}, "
              f">= 70 % for {100 * on_ink:.1f} % of them (round dilation: median {np.median(round_):.3f}, "
              f"{100 * (round_ >= 0.7).mean():.1f} %)")
        if len(correct) < 0.95 * TEST_DIGITS:
            fail(f"only {len(correct)} of {TEST_DIGITS} digits classified correctly: the model did not train")
        if on_ink < 0.9:
            fail(f"only {100 * on_ink:.1f} % of the correctly classified digits have >= 70 % of their Grad-CAM on the ink (need 90 %)")

        # 2. Model randomisation: the logits layer alone, then every layer.
        rng = np.random.default_rng(5)
        medians = {}
        every_layer = sorted({name.rpartition(".")[0] for name, _ in read_model(model)[1]})
        for tag, layers in (("top", ["dense3"]), ("all", every_layer)):
            random_model = randomised(model, os.path.join(work, f"random-{tag}.bin"), layers, rng)
            shuffled = explain(args.cnn, random_model, groups, work, tag)
            for kind in ("cam", "saliency"):
                rho = [spearman(np.array(trained[i][1][kind]), np.array(shuffled[i][1][kind])) for i in range(TEST_DIGITS)]
                print(f"check_grad_cam: {'Grad-CAM' if kind == 'cam' else kind} with {tag if tag == 'all' else 'the logits layer'} randomised: median Spearman "
                      f"rank correlation with the trained model's {np.median(rho):.3f}", flush=True)
                medians[(tag, kind)] = float(np.median(rho))
        for (tag, kind), rho in medians.items():
            if not rho < 0.5:
                fail(f"{kind}: the map hardly changes when the weights of {tag} are randomised (median rank correlation {rho:.3f})")
    print("check_grad_cam: ok")


if __name__ == "__main__":
    main()
