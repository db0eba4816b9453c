#!/usr/bin/python3
"""`cnn train --tensorboard`'s event files read back by a reader of their own (ctest: tensorboard_events),
written from the format's documentation (TensorFlow's record_writer and event.proto / summary.proto),
not from cnn's writer:
  - every record's length and data CRCs (masked CRC-32C, computed here bit by bit) must hold;
  - the first event is file_version "brain.Event:2"; every other one holds one summary value;
  - every value of metrics.csv (each epoch's train and validation loss and accuracy, learning
    rate and seconds) comes back as epoch/<name> at that epoch, to float32 precision;
  - step/loss, step/accuracy, step/learning_rate and step/images_per_second come about 50 times an
    epoch at increasing optimizer steps, the last of each epoch equal to that epoch's train loss;
  - the config text comes back byte for byte (TensorBoard's text plugin form);
  - images/confusion_matrix (every epoch) and images/filters (at the start and every epoch) are
    Summary.Image PNGs whose chunks' CRCs hold, whose size is the Summary's and whose pixels
    decompress to it;
  - train.tensorboard: true in the config does the same as the flag, and a run without either
    writes no event file.
Usage: check_events.py --cnn PATH/TO/cnn
"""
import argparse
import csv
import glob
import os
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def fail(message):
    print(f"check_events: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def masked(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def records(path):
    data = open(path, "rb").read()
    at = 0
    while at < len(data):
        if at + 12 > len(data):
            fail(f"{path}: a truncated record header at byte {at}")
        header = data[at:at + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", data[at + 8:at + 12])
        if masked(header) != length_crc:
            fail(f"{path}: the length CRC of the record at byte {at} does not hold")
        body = data[at + 12:at + 12 + length]
        (body_crc,) = struct.unpack("<I", data[at + 12 + length:at + 16 + length])
        if len(body) != length or masked(body) != body_crc:
            fail(f"{path}: the data CRC of the record at byte {at} does not hold")
        yield body
        at += 16 + length


def fields(message):
    """Protobuf wire format: (field number, wire type, value) for each field."""
    at = 0

    def varint():
        nonlocal at
        shift = value = 0
        while True:
            byte = message[at]
            at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    while at < len(message):
        key = varint()
        number, wire = key >> 3, key & 7
        if wire == 0:
            yield number, wire, varint()
        elif wire == 1:
            yield number, wire, message[at:at + 8]
            at += 8
        elif wire == 2:
            n = varint()
            yield number, wire, message[at:at + n]
            at += n
        elif wire == 5:
            yield number, wire, message[at:at + 4]
            at += 4
        else:
            fail(f"wire type {wire} in an event")


def read_events(path):
    """[(step, tag, kind, value)] and the file_version."""
    version, values = None, []
    for body in records(path):
        event = {n: v for n, _, v in fields(body)}
        if 3 in event:
            version = event[3].decode()
            continue
        step = event.get(2, 0)
        for n, _, value in fields(event[5]):
            if n != 1:
                fail("a Summary field other than value")
            v = {}
            for k, _, x in fields(value):
                v[k] = x
            tag = v[1].decode()
            if 2 in v:
                values.append((step, tag, "scalar", struct.unpack("<f", v[2])[0]))
            elif 8 in v:
                meta = {k: x for k, _, x in fields(v[9])}
                plugin = {k: x for k, _, x in fields(meta[1])}
                tensor = [(k, x) for k, _, x in fields(v[8])]
                if plugin[1] != b"text" or (1, 7) not in tensor:
                    fail(f"{tag}: a tensor that is not the text plugin's string")
                values.append((step, tag, "text", b"".join(x for k, x in tensor if k == 8).decode()))
            elif 4 in v:
                image = {k: x for k, _, x in fields(v[4])}
                values.append((step, tag, "image", (image.get(1), image.get(2), image.get(3), image.get(4))))
            else:
                fail(f"{tag}: a value of no kind this reader knows")
    return version, values


def check_png(tag, step, height, width, channels, png):
    """A Summary.Image's PNG, read here from the PNG specification: signature, every chunk's CRC
    (zlib's CRC-32), IHDR's size equal to the Summary's, the pixels decompressed to the size
    that says, and more than one colour in them."""
    if png is None or png[:8] != b"\x89PNG\r\n\x1a\n":
        fail(f"{tag} at {step}: not a PNG")
    at, idat, ihdr = 8, b"", None
    while at < len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        kind, data = png[at + 4:at + 8], png[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", png[at + 8 + length:at + 12 + length])
        if zlib.crc32(kind + data) != crc:
            fail(f"{tag} at {step}: the CRC of PNG chunk {kind} does not hold")
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            idat += data
        at += 12 + length
    if ihdr is None or (ihdr[1], ihdr[0]) != (height, width) or ihdr[2] != 8 or {2: 3, 0: 1}.get(ihdr[3]) != channels:
        fail(f"{tag} at {step}: IHDR {ihdr} does not match the Summary's {height}x{width}x{channels}")
    pixels = zlib.decompress(idat)
    row = 1 + width * channels
    if len(pixels) != height * row:
        fail(f"{tag} at {step}: {len(pixels)} bytes of pixels for {height} rows of {row}")
    if len({pixels[r * row + 1:(r + 1) * row] for r in range(height)}) < 2:
        fail(f"{tag} at {step}: every row the same: an empty picture")


def close(value, text):
    """value (a float32) is what `text` (metrics.csv's number) says, to the digits printed there."""
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text.lower() else 6
    return abs(value - float(text)) <= 0.5 * 10 ** -decimals + 1e-6 * abs(float(text))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cnn", required=True)
    args = parser.parse_args()
    if crc32c(b"123456789") != 0xE3069283:  # the CRC-32C check value (RFC 3720, B.4)
        fail("this reader's CRC-32C is wrong")
    with tempfile.TemporaryDirectory() as work:
        subprocess.run([sys.executable, os.path.join(ROOT, "tests", "browser", "make_digits.py"), os.path.join(work, "data")], check=True,
                       capture_output=True)
        config_path = os.path.join(work, "tb.cfg")
        config_text = open(os.path.join(ROOT, "configs", "lenet5.cfg")).read()
        with open(config_path, "w") as f:
            f.write(config_text)
        env = dict(os.environ, XDG_STATE_HOME=work)
        run = os.path.join(work, "run")
        subprocess.run([args.cnn, "-q", "train", "-c", config_path, "--data", os.path.join(work, "data"), "--epochs", "3",
                        "--validation", "200", "--threads", "1", "--out", run, "--no-report", "--tensorboard"], check=True, env=env)
        files = glob.glob(os.path.join(run, "events.out.tfevents.*"))
        if len(files) != 1:
            fail(f"{len(files)} event files in the run folder")
        version, values = read_events(files[0])
        if version != "brain.Event:2":
            fail(f"file_version {version!r}")
        with open(os.path.join(run, "metrics.csv")) as f:
            rows = list(csv.DictReader(f))
        scalars = {(tag, step): v for step, tag, kind, v in values if kind == "scalar"}
        checked = 0
        for row in rows:
            epoch = int(row["epoch"])
            for column, tag in [("train_loss", "train_loss"), ("train_accuracy", "train_accuracy"), ("validation_loss", "validation_loss"),
                                ("validation_accuracy", "validation_accuracy"), ("lr", "learning_rate"), ("seconds", "seconds")]:
                got = scalars.get((f"epoch/{tag}", epoch))
                if got is None or not close(got, row[column]):
                    fail(f"epoch {epoch}: epoch/{tag} is {got}, metrics.csv says {row[column]}")
                checked += 1
        steps = sorted(step for step, tag, kind, _ in values if tag == "step/loss")
        if len(steps) < 3 * 40 or steps != sorted(set(steps)):
            fail(f"{len(steps)} step/loss points (steps {steps[:5]}...): not about 50 an epoch at increasing steps")
        for tag in ("step/accuracy", "step/learning_rate", "step/images_per_second"):
            if sorted(s for s, t, _, _ in values if t == tag) != steps:
                fail(f"{tag} is not at the steps of step/loss")
        per_epoch = len(steps) // 3
        for k, row in enumerate(rows):
            last = steps[(k + 1) * per_epoch - 1]
            if not close(scalars[("step/loss", last)], row["train_loss"]):
                fail(f"the last step/loss of epoch {k + 1} ({scalars[('step/loss', last)]}) is not its train loss {row['train_loss']}")
        lrs = [scalars[("step/learning_rate", s)] for s in steps]
        if not all(a >= b for a, b in zip(lrs, lrs[1:])) or lrs[0] == lrs[-1]:
            fail("step/learning_rate does not follow lenet5.cfg's cosine decay step by step")
        # The images: the validation confusion matrix after every epoch, the filters at the start too.
        images = {}
        for step, tag, kind, v in values:
            if kind == "image":
                check_png(tag, step, *v)
                images.setdefault(tag, []).append(step)
        if images.get("images/confusion_matrix") != [1, 2, 3] or images.get("images/filters") != [0, 1, 2, 3]:
            fail(f"images at the wrong epochs: {images}")
        texts = [v for _, tag, kind, v in values if kind == "text" and tag == "config"]
        if texts != [config_text]:
            fail("the config text did not come back byte for byte")
        print(f"check_events: {len(values)} values, all CRCs hold; {checked} metrics.csv values, {len(steps)} steps per tag, "
              f"the config text, {sum(len(s) for s in images.values())} PNG images (confusion matrix, filters)")
        # The config key does the same; without either, no event file.
        with open(config_path, "w") as f:
            f.write(config_text.replace("  seed: 1", "  seed: 1\n  tensorboard: true"))
        keyed = os.path.join(work, "keyed")
        subprocess.run([args.cnn, "-q", "train", "-c", config_path, "--data", os.path.join(work, "data"), "--epochs", "1",
                        "--validation", "200", "--threads", "1", "--out", keyed, "--no-report"], check=True, env=env)
        if len(glob.glob(os.path.join(keyed, "events.out.tfevents.*"))) != 1:
            fail("train.tensorboard: true wrote no event file")
        with open(config_path, "w") as f:
            f.write(config_text)
        plain = os.path.join(work, "plain")
        subprocess.run([args.cnn, "-q", "train", "-c", config_path, "--data", os.path.join(work, "data"), "--epochs", "1",
                        "--validation", "200", "--threads", "1", "--out", plain, "--no-report"], check=True, env=env)
        if glob.glob(os.path.join(plain, "events.out.tfevents.*")):
            fail("a run without --tensorboard wrote an event file")
        print("check_events: OK")


if __name__ == "__main__":
    main()
