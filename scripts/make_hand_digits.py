#!/usr/bin/python3
"""Digits "drawn by a user", made programmatically, to measure `cnn predict` on images that are not
MNIST: each of 0-9 rendered three times with OpenCV's Hershey fonts, varied stroke width, size,
slant and position. Two sets are written:

  OUT/paper/<digit>_<n>.png   dark ink on a light 160x160 canvas, off centre: what a user draws;
                              `cnn predict` prepares these MNIST-style (crop, scale, centre)
  OUT/raw/<digit>_<n>.png     white on black, already 28x28 but off centre and of any size:
                              for `cnn predict --raw`, which feeds them as they are

and, with --weights, measures both sets with that model and prints the accuracy:

  /usr/bin/python3 scripts/make_hand_digits.py /tmp/digits
  /usr/bin/python3 scripts/make_hand_digits.py /tmp/digits --weights runs/lenet5/model.bin

Deterministic (a fixed seed); the images are not committed, this script is.
"""
import argparse
import json
import os
import subprocess
import sys

import cv2
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FONTS = [cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_COMPLEX, cv2.FONT_HERSHEY_TRIPLEX,
         cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, cv2.FONT_HERSHEY_PLAIN]
VARIANTS = 3


def render(digit, rng, side):
    """One digit, white ink on black, on a side x side canvas: random font, stroke, size, slant, place."""
    font = FONTS[rng.integers(len(FONTS))]
    scale = rng.uniform(0.55, 1.0) * side / 40.0
    # Stroke width from thin to heavy, relative to the glyph (a Hershey digit is about 22 * scale high).
    thickness = max(1, int(round(rng.uniform(0.05, 0.16) * 22 * scale)))
    text = str(digit)
    (w, h), base = cv2.getTextSize(text, font, scale, thickness)
    canvas = np.zeros((side, side), np.uint8)
    # Anywhere the glyph fits (off centre on purpose), then a slant (shear) and a small rotation.
    x = int(rng.integers(0, max(1, side - w)))
    y = int(rng.integers(h, max(h + 1, side - base)))
    cv2.putText(canvas, text, (x, y), font, scale, 255, thickness, cv2.LINE_AA)
    shear = rng.uniform(-0.35, 0.35)
    angle = rng.uniform(-12, 12)
    m = cv2.getRotationMatrix2D((side / 2, side / 2), angle, 1.0)
    m[0, 1] += shear
    m[0, 2] -= shear * side / 2
    return cv2.warpAffine(canvas, m, (side, side), flags=cv2.INTER_LINEAR, borderValue=0)


def make(out):
    rng = np.random.default_rng(2026)
    for kind in ("paper", "raw"):
        os.makedirs(os.path.join(out, kind), exist_ok=True)
    for n in range(VARIANTS):
        for digit in range(10):
            paper = render(digit, rng, 160)
            # A pen on paper: dark ink on an off-white sheet.
            cv2.imwrite(os.path.join(out, "paper", f"{digit}_{n}.png"), (235 - paper.astype(np.float32) * 0.85).astype(np.uint8))
            raw = render(digit, rng, 84)
            small = cv2.resize(raw, (28, 28), interpolation=cv2.INTER_AREA)
            cv2.imwrite(os.path.join(out, "raw", f"{digit}_{n}.png"), small)
    print(f"wrote {10 * VARIANTS} digits to {out}/paper and {out}/raw", file=sys.stderr)


def measure(out, cnn, weights):
    for kind, extra in (("paper", []), ("raw", ["--raw"])):
        folder = os.path.join(out, kind)
        files = sorted(os.listdir(folder))
        cmd = [cnn, "-q", "predict", "--weights", weights, "--format", "json"] + extra + [os.path.join(folder, f) for f in files]
        results = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        right = sum(int(os.path.basename(r["file"] if "file" in r else f)[0]) == r["class"] for r, f in zip(results, files))
        wrong = [f"{f[0]}->{r['class']}" for r, f in zip(results, files) if int(f[0]) != r["class"]]
        print(f"{kind:<6} {right}/{len(files)} correct ({100.0 * right / len(files):.1f} %)  errors: {' '.join(wrong)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", help="folder to write the digits to")
    parser.add_argument("--weights", help="model file to measure with cnn predict")
    parser.add_argument("--cnn", default=os.path.join(ROOT, "build/cnn"))
    args = parser.parse_args()
    make(args.out)
    if args.weights:
        measure(args.out, args.cnn, args.weights)


if __name__ == "__main__":
    main()
