#!/usr/bin/python3
"""Redraws Fashion-MNIST (or MNIST) as a folder of coloured photos, to try `data.format: folder`.

Each 28x28 gray item becomes a colour image: a random background colour, the item painted in a
random foreground colour with the gray level as its opacity, scaled to a random size (20 to 64
pixels), saved as PNG or JPEG (about half each, some with upper-case extensions), in class folders
whose names hold spaces (the Fashion-MNIST names: "T-shirt top", "Ankle boot", ...):

    OUT/train/<class>/<n>.png|.jpg    OUT/test/<class>/<n>.png|.jpg

Colours are random per image, so colour says nothing about the class: the network must learn
shapes from RGB input. Deterministic from --seed.

    /usr/bin/python3 scripts/make_color_folder.py --out data/fashion-colour --train 600 --test 100
    cnn train --config configs/folder-rgb-example.cfg

Needs numpy and OpenCV (Debian: python3-numpy python3-opencv).
"""
import argparse
import gzip
import os

import cv2
import numpy as np

FASHION = ["T-shirt top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as fh:
        data = fh.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find(dir_, stem):
    for name in (stem, stem + ".gz"):
        if os.path.exists(os.path.join(dir_, name)):
            return os.path.join(dir_, name)
    raise SystemExit(f"{dir_}: no {stem}[.gz]")


def colourise(item, rng):
    """A 28x28 gray item as an RGB image of a random size with random colours."""
    side = int(rng.integers(20, 65))
    background = rng.integers(0, 256, 3).astype(np.float32)
    foreground = rng.integers(0, 256, 3).astype(np.float32)
    while np.abs(foreground - background).sum() < 150:  # keep the item visible
        foreground = rng.integers(0, 256, 3).astype(np.float32)
    alpha = cv2.resize(item.astype(np.float32) / 255.0, (side, side), interpolation=cv2.INTER_LINEAR)[..., None]
    rgb = alpha * foreground + (1 - alpha) * background
    rgb += rng.normal(0, 6, rgb.shape)  # a little sensor noise
    return np.clip(rgb, 0, 255).astype(np.uint8)


def write_split(images, labels, names, out, count, rng):
    per_class = count // len(names)
    written = {c: 0 for c in range(len(names))}
    for index in rng.permutation(len(labels)):
        c = int(labels[index])
        if written[c] >= per_class:
            continue
        folder = os.path.join(out, names[c])
        os.makedirs(folder, exist_ok=True)
        rgb = colourise(images[index], rng)
        ext = [".png", ".jpg", ".PNG", ".JPG"][written[c] % 4]
        path = os.path.join(folder, f"{written[c]:05d}{ext}")
        bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
        ok = cv2.imwrite(path, bgr, [cv2.IMWRITE_JPEG_QUALITY, 90]) if ext.lower() == ".jpg" else cv2.imwrite(path, bgr)
        if not ok:
            raise SystemExit(f"cannot write {path}")
        written[c] += 1
        if all(v >= per_class for v in written.values()):
            break
    return sum(written.values())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", default="/usr/share/datasets/fashion-mnist", help="folder with the four IDX files")
    parser.add_argument("--digits", action="store_true", help="the source is MNIST: name the classes zero ... nine")
    parser.add_argument("--out", required=True, help="folder to create (train/ and test/ inside)")
    parser.add_argument("--train", type=int, default=600, help="training images per class")
    parser.add_argument("--test", type=int, default=100, help="test images per class")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    names = DIGITS if args.digits else FASHION
    rng = np.random.default_rng(args.seed)
    for split, prefix, per_class in (("train", "train", args.train), ("test", "t10k", args.test)):
        images = read_idx(find(args.source, f"{prefix}-images-idx3-ubyte"))
        labels = read_idx(find(args.source, f"{prefix}-labels-idx1-ubyte"))
        n = write_split(images, labels, names, os.path.join(args.out, split), per_class * len(names), rng)
        print(f"{split}: {n} images in {len(names)} class folders under {os.path.join(args.out, split)}")


if __name__ == "__main__":
    main()
