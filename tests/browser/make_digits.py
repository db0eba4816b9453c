#!/usr/bin/env python3
"""Writes a small synthetic digit set (IDX, gzip) and a few PNG images, with the standard library
only, for the browser check when no MNIST copy is at hand. Class k is drawn as a bar whose
position and angle depend on k, plus noise, so a network learns it in one epoch.
    make_digits.py OUT_DIR
"""
import gzip
import math
import random
import struct
import sys
import zlib
from pathlib import Path


def draw(k, rng):
    pixels = [0] * (28 * 28)
    angle = k * math.pi / 10
    cx, cy = 14 + rng.uniform(-2, 2), 14 + rng.uniform(-2, 2)
    for t in range(-9, 10):
        for w in (-1, 0, 1):
            x = int(round(cx + t * math.cos(angle) - w * math.sin(angle)))
            y = int(round(cy + t * math.sin(angle) + w * math.cos(angle) + (k % 2) * 3))
            if 0 <= x < 28 and 0 <= y < 28:
                pixels[y * 28 + x] = 255
    return [min(255, p + rng.randrange(30)) for p in pixels]


def write_idx(path, count, seed):
    rng = random.Random(seed)
    labels = [i % 10 for i in range(count)]
    images = b"".join(bytes(draw(k, rng)) for k in labels)
    with gzip.open(path + "-images-idx3-ubyte.gz", "wb") as f:
        f.write(struct.pack(">IIII", 2051, count, 28, 28) + images)
    with gzip.open(path + "-labels-idx1-ubyte.gz", "wb") as f:
        f.write(struct.pack(">II", 2049, count) + bytes(labels))


def write_png(path, pixels, width, height):
    rows = b"".join(b"\x00" + bytes(pixels[y * width:(y + 1) * width]) for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    Path(path).write_bytes(png)


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    write_idx(str(out / "train"), 3000, 1)
    write_idx(str(out / "t10k"), 500, 2)
    rng = random.Random(3)
    for k in (2, 7):
        write_png(out / f"digit-{k}.png", draw(k, rng), 28, 28)


if __name__ == "__main__":
    main()
