#!/usr/bin/python3
"""Writes the small seed corpora of the fuzz targets into tests/fuzz/corpus/<target>/.

The model-file seed is written from docs/model-format.md alone (no cnn code), which also checks
that the page is enough to write a reader or writer in another language.

    /usr/bin/python3 scripts/make_fuzz_seeds.py
"""
import gzip
import json
import os
import struct
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def put(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as fh:
        fh.write(data)


def idx_seeds():
    images = b"\x00\x00\x08\x03" + struct.pack(">III", 2, 3, 3) + bytes(range(0, 180, 10))
    labels = b"\x00\x00\x08\x01" + struct.pack(">I", 2) + bytes([3, 9])
    put("idx", "images.idx", images)
    put("idx", "labels.idx", labels)
    put("idx", "images.idx.gz", gzip.compress(images, mtime=0))


def config_seeds():
    with open(os.path.join(ROOT, "configs", "lenet5.cfg"), "rb") as fh:
        put("config", "lenet5.cfg", fh.read())
    put("config", "tiny.cfg", b"model:\n  input: [1, 8, 8]\n  layers:\n    - conv: {filters: 2, kernel: 3, padding: same}\n"
                              b"    - pool: {type: avg, size: 2}\n    - flatten\n    - dense: {units: 10}\n    - softmax\n"
                              b"train: {epochs: 1, optimizer: {type: sgd, lr: 0.1}}\n")


def model_file(header, tensors):
    body = b"CNNMODEL" + struct.pack("<IIQ", 1, 0, 0)
    text = json.dumps(header).encode()
    body = body[:16] + struct.pack("<Q", len(text)) + text + struct.pack("<I", len(tensors))
    for name, dims in tensors:
        count = 1
        for d in dims:
            count *= d
        body += struct.pack("<I", len(name)) + name.encode() + struct.pack("<I", len(dims))
        # Small values of both signs; Adam's second moments (adam.v/...) are never negative.
        values = [0.01 * (i % 7 - 3) for i in range(count)]
        if name.startswith("adam.v/"):
            values = [abs(v) for v in values]
        body += struct.pack(f"<{len(dims)}I", *dims) + struct.pack(f"<{count}f", *values)
    body += struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF)
    return body


def model_seeds():
    header = {"format": "cnn-model", "created_by": "scripts/make_fuzz_seeds.py", "config": "",
              "architecture": {"input": [1, 6, 6], "init": "he_normal", "layers": [
                  {"kind": "conv", "filters": 2, "kernel": [3, 3], "stride": [1, 1], "padding": "valid", "pad": [0, 0],
                   "activation": "relu"},
                  {"kind": "pool", "type": "max", "size": [2, 2], "stride": [2, 2]},
                  {"kind": "flatten"},
                  {"kind": "dense", "units": 10, "activation": "none"}]}}
    tensors = [("conv1.weight", [2, 1, 3, 3]), ("conv1.bias", [2]), ("dense1.weight", [10, 8]), ("dense1.bias", [10])]
    put("model", "tiny.bin", model_file(header, tensors))
    # A checkpoint: the training state and Adam's moments, read by `cnn train --resume`.
    header["training"] = {"epoch": 1, "batch": 2, "global_step": 40, "epoch_rng": ["0123456789abcdef"] * 4,
                          "loss_sum": 1.5, "correct": 30, "seen": 64, "best_validation": 0.5, "best_epoch": 0,
                          "optimizer": "adam", "optimizer_steps": 40}
    moments = [(f"adam.{m}/{name}", dims) for m in ("m", "v") for name, dims in tensors]
    put("model", "checkpoint.bin", model_file(header, tensors + moments))


def png(width, height, color_type, rows):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(row) for row in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def image_seeds():
    gray = [[0 if 3 <= x <= 4 and 2 <= y <= 9 else 255 for x in range(8)] for y in range(12)]
    put("image", "digit-gray.png", png(8, 12, 0, gray))
    rgba = [[v for x in range(8) for v in ((0, 0, 0, 255) if 2 <= x <= 5 and y == 4 else (0, 0, 0, 0))] for y in range(8)]
    put("image", "stroke-rgba.png", png(8, 8, 6, rgba))
    # An 8x8, 24-bit BMP: a dark vertical bar on white (rows bottom-up, 4-byte aligned already).
    pixels = b"".join(bytes((0, 0, 0) if 3 <= x <= 4 else (255, 255, 255)) * 1 for _ in range(8) for x in range(8))
    header = struct.pack("<2sIHHI", b"BM", 54 + len(pixels), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, 8, 8, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    put("image", "bar.bmp", header + info + pixels)


def data_seeds():
    # fuzz_data: the first byte picks the reader (0 CIFAR-10 records, 1 class names, 2 header "data").
    record = bytes([3]) + bytes(range(256)) * 12
    put("data", "cifar-2-records.bin", b"\x00" + record + bytes([9]) + bytes(3072))
    put("data", "class-names.txt", b"\x01airplane\nautomobile\r\nbird\n\n")
    description = {"format": "folder", "classes": ["a cat", "dog"], "channels": 3, "preparation": "resize",
                   "normalization": {"mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25]}}
    put("data", "description.json", b"\x02" + json.dumps(description).encode())


if __name__ == "__main__":
    idx_seeds()
    config_seeds()
    model_seeds()
    image_seeds()
    data_seeds()
    print("seeds written under", CORPUS)
