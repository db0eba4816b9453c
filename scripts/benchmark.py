#!/usr/bin/python3
"""cnn against PyTorch on LeNet-5 / MNIST, measured in one run (see scripts/benchmark.sh).

Each round measures, for cnn and for PyTorch in each thread setting, with alternating order:
  - training images/s over one full epoch of the 60,000 MNIST training images, batch 32 and 128
    (same network, He-normal init, Adam lr 1e-3, shuffled batches);
  - inference images/s at batch 1000 over the 60,000 training images (over the 10,000 test
    images a batch-1000 run lasts about 0.1 s for cnn, and on a noisy two-core machine such a
    short run measured 80,000 or 105,000 images/s from one round to the next), and at batch 1
    over the 10,000 test images; the same images for both systems;
  - peak resident memory of the training process, and start-up time.
The same for dlib 19.24 (Debian's libdlib-dev, through scripts/dlib_lenet.cpp, compiled here)
when it is installed. Medians over the rounds are printed, then the cnn/PyTorch ratios (PyTorch's
best setting for each metric) and cnn/dlib, and everything is written to a JSON file.

A second workload, the modern small CNN of configs/fashion.cfg (conv-BN-ReLU blocks, dropout, a
dense head with batch norm) on Fashion-MNIST (Debian's dataset-fashion-mnist), measured the same
way in the same rounds: one training epoch of the config's 55,000 training images (the first
55,000; cnn also validates on the other 5,000 within its epoch time) at its batch size 64, and
inference at batch 1000 over the 60,000 training images; cnn against
PyTorch running the same network (nn.BatchNorm2d/1d, nn.Dropout, Adam lr 2e-3). Its rows are
printed after LeNet-5's, which stay as they were. --skip-fashion leaves it out, --skip-lenet runs
only it.

--rgb and --resnet measure only configs/cifar-small.cfg or configs/resnet20.cfg (resnet_workload:
training, inference at batch 500 and 1, peak memory, and the share of the machine's OpenBLAS sgemm
rate, measured in the same run).
"""
import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAIN_IMAGES = 60000
FASHION_CONFIG = os.path.join(ROOT, "configs/fashion.cfg")
FASHION_BATCH = 64
FASHION_TRAIN_IMAGES = 55000  # the config holds out the last 5,000 for validation


def inference_set(batch):
    """The IDX prefix an inference measurement at this batch size runs over (see the docstring)."""
    return "train" if batch >= 1000 else "t10k"

TORCH_SETTINGS = {
    # PyTorch 1.13 as Debian ships it: its own default threads and OpenBLAS's.
    "torch-default": {},
    # Its best setting on this machine: intra-op threads = cores, OpenBLAS single-threaded.
    "torch-2thr-blas1": {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "2", "TORCH_THREADS": "2"},
    "torch-1thr": {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "TORCH_THREADS": "1"},
}


def run_child(cmd, env=None):
    """Runs cmd; returns (stdout, wall seconds, stderr)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(err.decode(errors="replace"))
        raise SystemExit(f"benchmark: {' '.join(cmd)} failed with {proc.returncode}")
    return out.decode(), wall, err.decode()


def run_child_rss(cmd, env=None):
    """Like run_child but also returns the child's own peak RSS (MiB), via os.wait4."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode(errors="replace")
    if proc.returncode != 0:
        sys.stderr.write(stderr)
        raise SystemExit(f"benchmark: {' '.join(cmd)} failed with {proc.returncode}")
    return stdout, wall, usage.ru_maxrss / 1024.0


# ---------------------------------------------------------------------------------------------
# cnn

def cnn_train(cnn, data, batch, threads, workdir, config="configs/lenet5.cfg"):
    out = os.path.join(workdir, f"train-b{batch}-t{threads}")
    cmd = [cnn, "-q", "train", "--config", os.path.join(ROOT, config), "--data", data, "--epochs", "1",
           "--batch-size", str(batch), "--validation", "0", "--threads", str(threads), "--out", out, "--overwrite"]
    _, wall, rss = run_child_rss(cmd, dict(os.environ, XDG_STATE_HOME=workdir))
    with open(os.path.join(out, "metrics.csv")) as fh:
        seconds = float(fh.read().strip().splitlines()[-1].split(",")[-1])
    return {"images_per_second": TRAIN_IMAGES / seconds, "epoch_seconds": seconds, "process_seconds": wall, "peak_mib": rss,
            "model": os.path.join(out, "model.bin")}


def cnn_train_fashion(cnn, data, threads, workdir):
    """One epoch of configs/fashion.cfg (55,000 images, batch 64) with validation skipped."""
    out = os.path.join(workdir, f"fashion-t{threads}")
    cmd = [cnn, "-q", "train", "--config", FASHION_CONFIG, "--data", data, "--epochs", "1", "--threads", str(threads),
           "--out", out, "--overwrite"]
    _, wall, rss = run_child_rss(cmd, dict(os.environ, XDG_STATE_HOME=workdir))
    with open(os.path.join(out, "metrics.csv")) as fh:
        seconds = float(fh.read().strip().splitlines()[-1].split(",")[-1])
    # The epoch's seconds include its validation pass over 5,000 images (inference, a few per cent).
    return {"images_per_second": FASHION_TRAIN_IMAGES / seconds, "epoch_seconds": seconds, "process_seconds": wall,
            "peak_mib": rss, "model": os.path.join(out, "model.bin")}


def cnn_infer(cnn, data, model, batch, threads):
    prefix = inference_set(batch)
    cmd = [cnn, "-q", "eval", "--weights", model, "--images", os.path.join(data, f"{prefix}-images-idx3-ubyte.gz"),
           "--labels", os.path.join(data, f"{prefix}-labels-idx1-ubyte.gz"), "--batch-size", str(batch),
           "--threads", str(threads), "--format", "json"]
    out, _, _ = run_child(cmd)
    result = json.loads(out)
    return {"images_per_second": result["count"] / result["seconds"]}


def startup(cmd, repeats=20, env=None):
    times = []
    for _ in range(repeats):
        _, wall, _ = run_child(cmd, env)
        times.append(wall)
    return statistics.median(times)


# ---------------------------------------------------------------------------------------------
# PyTorch (run in a child process per measurement, so its threads and memory are its own)

def torch_worker(mode, batch, data, network="lenet5"):
    t0 = time.perf_counter()
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    threads = os.environ.get("TORCH_THREADS")
    if threads:
        torch.set_num_threads(int(threads))

    def he_normal(model):
        """He-normal weights and zero biases (cnn's init: he_normal)."""
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                nn.init.zeros_(m.bias)
        return model

    class LeNet5(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(400, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)
            he_normal(self)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = torch.flatten(x, 1)
            return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

    def Fashion():
        """configs/fashion.cfg: conv-BN-ReLU, max pool, twice; dropout; dense-BN-ReLU; dropout; dense."""
        return he_normal(nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
            nn.Dropout(0.25), nn.Flatten(),
            nn.Linear(64 * 7 * 7, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Dropout(0.4),
            nn.Linear(128, 10)))

    def Rgb():
        """configs/cifar-small.cfg: conv-ReLU-pool with 32 and 64 filters, dense 128, dense 10."""
        return he_normal(nn.Sequential(
            nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(64 * 8 * 8, 128), nn.ReLU(), nn.Linear(128, 10)))

    def ResNet20():
        """configs/resnet20.cfg's network: the import test's definition, the one in the project."""
        sys.path.insert(0, os.path.join(ROOT, "tests", "onnx_clients"))
        from check_torch_imports import networks
        return next(m for name, m, _ in networks(torch) if name == "resnet20")

    torch.manual_seed(1)
    model = {"lenet5": LeNet5, "fashion": Fashion, "rgb": Rgb, "resnet20": ResNet20}[network]()
    lr = {"lenet5": 1e-3, "fashion": 2e-3, "rgb": 1e-3, "resnet20": 0.1}[network]
    train_count = FASHION_TRAIN_IMAGES if network == "fashion" else None
    startup_seconds = time.perf_counter() - t0

    def load_cifar(prefix):
        """CIFAR-10's binary records: a label byte, then 3 x 32 x 32 bytes (R, G, B planes)."""
        names = [f"data_batch_{i}.bin" for i in range(1, 6)] if prefix == "train" else ["test_batch.bin"]
        raw = b"".join(open(os.path.join(data, name), "rb").read() for name in names)
        records = torch.frombuffer(bytearray(raw), dtype=torch.uint8).view(-1, 3073)
        return records[:, 1:].reshape(-1, 3, 32, 32).contiguous(), records[:, 0].long()

    def load(prefix):
        if network in ("rgb", "resnet20"):
            return load_cifar(prefix)
        with gzip.open(os.path.join(data, f"{prefix}-images-idx3-ubyte.gz")) as fh:
            images = torch.frombuffer(bytearray(fh.read()[16:]), dtype=torch.uint8).view(-1, 1, 28, 28)
        with gzip.open(os.path.join(data, f"{prefix}-labels-idx1-ubyte.gz")) as fh:
            labels = torch.frombuffer(bytearray(fh.read()[8:]), dtype=torch.uint8).long()
        return images, labels

    if mode == "train":
        images, labels = load("train")
        if train_count:
            images, labels = images[:train_count], labels[:train_count]
        model.train()
        # resnet20.cfg's optimizer: SGD with momentum (the others: Adam, as their configs).
        opt = (torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9) if network == "resnet20"
               else torch.optim.Adam(model.parameters(), lr=lr))
        start = time.perf_counter()
        order = torch.randperm(images.shape[0])
        for i in range(0, images.shape[0], batch):
            idx = order[i:i + batch]
            x = images[idx].float() / 255.0
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), labels[idx])
            loss.backward()
            opt.step()
        seconds = time.perf_counter() - start
        count = images.shape[0]
    else:
        images, labels = load("test" if network in ("rgb", "resnet20") else inference_set(batch))  # test_batch, as cnn eval
        x_all = images.float() / 255.0
        model.eval()
        with torch.inference_mode():
            start = time.perf_counter()
            for i in range(0, x_all.shape[0], batch):
                model(x_all[i:i + batch]).argmax(1)
            seconds = time.perf_counter() - start
        count = x_all.shape[0]
    print(json.dumps({"images_per_second": count / seconds, "seconds": seconds, "startup_seconds": startup_seconds}))


def torch_run(setting, mode, batch, data, network="lenet5"):
    env = dict(os.environ)
    for key in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "TORCH_THREADS"):
        env.pop(key, None)
    env.update(TORCH_SETTINGS[setting])
    out, wall, rss = run_child_rss([sys.executable, os.path.abspath(__file__), "--torch-worker", mode, str(batch), data,
                                    "--torch-network", network], env)
    result = json.loads(out)
    result["peak_mib"] = rss
    return result


# ---------------------------------------------------------------------------------------------
# dlib (Debian's libdlib-dev), through scripts/dlib_lenet.cpp, when the package is installed

def dlib_build():
    """Compiles scripts/dlib_lenet.cpp into build/bench/; returns the binary, or None without dlib."""
    try:
        flags = subprocess.run(["pkg-config", "--cflags", "--libs", "dlib-1"], check=True, capture_output=True,
                               text=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return None
    binary = os.path.join(ROOT, "build", "bench", "dlib_lenet")
    source = os.path.join(ROOT, "scripts", "dlib_lenet.cpp")
    if not os.path.exists(binary) or os.path.getmtime(binary) < os.path.getmtime(source):
        os.makedirs(os.path.dirname(binary), exist_ok=True)
        print("compiling scripts/dlib_lenet.cpp (about 30 s)", file=sys.stderr)
        subprocess.run(["g++", "-O3", "-march=native", "-std=c++17", source, "-o", binary] + flags + ["-lz"], check=True)
    return binary


def dlib_run(binary, mode, batch, data):
    out, _, rss = run_child_rss([binary, mode, str(batch), data])
    result = json.loads(out)
    result["peak_mib"] = rss
    return result


# ---------------------------------------------------------------------------------------------

AUGMENTED_CONFIG = "configs/lenet5-augmented.cfg"


def augment_cost(args):
    """--augment: one training epoch of LeNet-5 without augmentation (configs/lenet5.cfg) and with
    the augmentation of configs/lenet5-augmented.cfg (the same network), both batch 32, all cores,
    back to back in alternating order each round; prints medians and the cost of augmentation."""
    cores = os.cpu_count() or 1
    plain, augmented = [], []
    with tempfile.TemporaryDirectory() as workdir:
        for r in range(args.rounds):
            print(f"round {r + 1}/{args.rounds}", file=sys.stderr)
            order = ["plain", "augmented"] if r % 2 == 0 else ["augmented", "plain"]
            for kind in order:
                config = AUGMENTED_CONFIG if kind == "augmented" else "configs/lenet5.cfg"
                t = cnn_train(args.cnn, args.data, 32, cores, workdir, config)
                (augmented if kind == "augmented" else plain).append(t["epoch_seconds"])
    per_round = [a / p - 1.0 for a, p in zip(augmented, plain)]
    p, a = statistics.median(plain), statistics.median(augmented)
    print(f"\nLeNet-5 / MNIST, one epoch at batch 32, {cores} threads, medians of {args.rounds} rounds")
    print(f"{'without augmentation (s)':<32}{p:>10.3f}")
    print(f"{'with ' + AUGMENTED_CONFIG + ' (s)':<32}{a:>10.3f}")
    print(f"augmentation cost: {100 * (a / p - 1):+.1f} % of the epoch (budget: 20 %)")
    print("  per round: " + ", ".join(f"{100 * c:+.1f} %" for c in per_round))
    with open(args.out, "w") as fh:
        json.dump({"mode": "augment", "rounds": args.rounds, "cores": cores, "plain_epoch_seconds": plain,
                   "augmented_epoch_seconds": augmented, "median_cost": a / p - 1, "cost_per_round": per_round}, fh,
                  indent=1)
    print(f"results written to {args.out}")


RGB_CONFIG = "configs/cifar-small.cfg"
RGB_TRAIN_IMAGES = 50000
RGB_BATCH = 64


def write_synthetic_cifar(folder, records=10000):
    """CIFAR-10's binary format with random pixels and labels (seeded): the five training batches and
    the test batch, `records` each (10,000 as CIFAR's). Speed does not depend on what the pixels show."""
    import numpy as np
    rng = np.random.default_rng(18)
    os.makedirs(folder, exist_ok=True)
    for name in [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]:
        data = rng.integers(0, 256, size=(records, 3073), dtype=np.uint8)
        data[:, 0] = rng.integers(0, 10, size=records, dtype=np.uint8)
        data.tofile(os.path.join(folder, name))


def rgb_workload(args):
    """--rgb: configs/cifar-small.cfg (3 x 32 x 32, 32 and 64 filters), one training epoch of 50,000
    synthetic CIFAR-10-format images at batch 64 and inference at batch 1000 over 10,000, cnn
    against PyTorch running the same network, alternating order each round; medians and ratios."""
    cores = os.cpu_count() or 1
    samples = {}
    with tempfile.TemporaryDirectory() as workdir:
        data = os.path.join(workdir, "cifar")
        write_synthetic_cifar(data)
        for r in range(args.rounds):
            print(f"round {r + 1}/{args.rounds}", file=sys.stderr)
            for system in (["cnn", "torch"] if r % 2 == 0 else ["torch", "cnn"]):
                if system == "cnn":
                    out = os.path.join(workdir, "rgb-run")
                    cmd = [args.cnn, "-q", "train", "--config", os.path.join(ROOT, RGB_CONFIG), "--data", data, "--epochs",
                           "1", "--validation", "0", "--threads", str(cores), "--out", out, "--overwrite", "--no-report"]
                    run_child_rss(cmd, dict(os.environ, XDG_STATE_HOME=workdir))
                    with open(os.path.join(out, "metrics.csv")) as fh:
                        seconds = float(fh.read().strip().splitlines()[-1].split(",")[-1])
                    samples.setdefault("cnn/train", []).append(RGB_TRAIN_IMAGES / seconds)
                    result = json.loads(run_child([args.cnn, "-q", "eval", "--weights", os.path.join(out, "model.bin"),
                                                   "--data", data, "--batch-size", "1000", "--threads", str(cores),
                                                   "--format", "json"])[0])
                    samples.setdefault("cnn/infer_b1000", []).append(result["count"] / result["seconds"])
                elif not args.skip_torch:
                    for setting in TORCH_SETTINGS:
                        t = torch_run(setting, "train", RGB_BATCH, data, "rgb")
                        samples.setdefault(f"{setting}/train", []).append(t["images_per_second"])
                        t = torch_run(setting, "infer", 1000, data, "rgb")
                        samples.setdefault(f"{setting}/infer_b1000", []).append(t["images_per_second"])
    medians = {k: statistics.median(v) for k, v in samples.items()}
    systems = ["cnn"] + ([] if args.skip_torch else list(TORCH_SETTINGS))
    print(f"\n{RGB_CONFIG} (3x32x32, batch {RGB_BATCH}), synthetic CIFAR-10 files, medians of {args.rounds} rounds, "
          f"{cores} cores, images/s")
    print(f"{'metric':<16}" + "".join(f"{s:>18}" for s in systems))
    for m in ("train", "infer_b1000"):
        print(f"{m:<16}" + "".join(f"{medians.get(f'{s}/{m}', 0):>18,.0f}" for s in systems))
    ratios = {}
    if not args.skip_torch:
        print("\ncnn / PyTorch (PyTorch's best setting per metric)")
        for m in ("train", "infer_b1000"):
            ratios[m] = medians[f"cnn/{m}"] / max(medians[f"{s}/{m}"] for s in TORCH_SETTINGS)
            print(f"{m:<16}{ratios[m]:>10.2f}x")
    with open(args.out, "w") as fh:
        json.dump({"mode": "rgb", "rounds": args.rounds, "cores": cores, "samples": samples, "medians": medians,
                   "ratios": ratios}, fh, indent=1)
    print(f"results written to {args.out}")


RESNET_CONFIG = "configs/resnet20.cfg"
RESNET_BATCH = 128
RESNET_RECORDS = 512  # per CIFAR batch file: 2,560 training images, 512 test images


SGEMM_SOURCE = r"""
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
/* OpenBLAS's sgemm on n x n matrices, best of `repeats`, on `threads` threads: GFLOP/s. */
int main(int argc, char **argv) {
    const int n = atoi(argv[1]), threads = atoi(argv[2]), repeats = 5;
    float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n), *c = malloc(sizeof(float) * n * n);
    double best = 1e30;
    int i;
    for (i = 0; i < n * n; ++i) { a[i] = (float)(i % 7) * 0.1f; b[i] = (float)(i % 5) * 0.2f; c[i] = 0.0f; }
    openblas_set_num_threads(threads);
    for (i = 0; i < repeats + 1; ++i) {
        struct timespec t0, t1;
        double s;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
        if (i > 0 && s < best) best = s; /* the first call warms up */
    }
    printf("%.3f\n", 2.0 * n * n * (double)n / best / 1e9);
    return c[1] > -1.0f ? 0 : 1;
}
"""


def sgemm_floor(workdir, threads):
    """The machine's floor: OpenBLAS sgemm 2048^3 on `threads` threads, GFLOP/s (what cnn links)."""
    source, binary = os.path.join(workdir, "sgemm.c"), os.path.join(workdir, "sgemm")
    if not os.path.exists(binary):
        with open(source, "w") as fh:
            fh.write(SGEMM_SOURCE)
        include = subprocess.run(["pkg-config", "--cflags", "openblas"], capture_output=True, text=True).stdout.split()
        libs = subprocess.run(["pkg-config", "--libs", "openblas"], capture_output=True, text=True).stdout.split() or ["-lopenblas"]
        run_child(["cc", "-O2", *include, source, "-o", binary, *libs])
    return float(run_child([binary, "2048", str(threads)])[0])


def write_folder_copy(cifar, folder):
    """The records of write_synthetic_cifar's files as PNGs in folder/train/<class>/ and folder/test/<class>/."""
    import cv2
    import numpy as np
    for split, names in (("train", [f"data_batch_{i}.bin" for i in range(1, 6)]), ("test", ["test_batch.bin"])):
        records = np.concatenate([np.fromfile(os.path.join(cifar, n), dtype=np.uint8).reshape(-1, 3073) for n in names])
        for k, record in enumerate(records):
            label_dir = os.path.join(folder, split, f"class{record[0]}")
            os.makedirs(label_dir, exist_ok=True)
            bgr = record[1:].reshape(3, 32, 32)[::-1].transpose(1, 2, 0)  # R, G, B planes -> OpenCV's B, G, R pixels
            cv2.imwrite(os.path.join(label_dir, f"{k}.png"), np.ascontiguousarray(bgr))


def resnet_workload(args):
    """--resnet: configs/resnet20.cfg (without its augmentation: the network's speed), two training
    epochs of 2,560 synthetic CIFAR-10-format images at batch 128 (the second epoch's time counts:
    the first holds the start), inference at batch 500 and 1 over 512 test images, peak memory of
    training; cnn against PyTorch running the same network (SGD with momentum), alternating order
    each round; medians, ratios, and each workload's share of the machine's sgemm floor (ResNet-20
    is 40.8 M multiply-accumulates per image forward; training counts three times that)."""
    cores = os.cpu_count() or 1
    samples = {}
    forward_flop = 2 * 40.8e6
    with tempfile.TemporaryDirectory() as workdir:
        data = os.path.join(workdir, "cifar")  # PyTorch's: CIFAR's record format, fewer records
        write_synthetic_cifar(data, RESNET_RECORDS)
        folder = os.path.join(workdir, "folder")  # cnn's: the same images as PNGs (cnn's CIFAR reader wants whole batches)
        write_folder_copy(data, folder)
        config = os.path.join(workdir, "resnet20.cfg")
        with open(os.path.join(ROOT, RESNET_CONFIG)) as fh:
            text = fh.read()
        text = "\n".join(line for line in text.splitlines() if not line.strip().startswith("augment:"))
        with open(config, "w") as fh:
            fh.write(text + "\n")
        floor = {t: sgemm_floor(workdir, t) for t in sorted({1, cores})}
        for r in range(args.rounds):
            print(f"round {r + 1}/{args.rounds}", file=sys.stderr)
            for system in (["cnn", "torch"] if r % 2 == 0 else ["torch", "cnn"]):
                if system == "cnn":
                    out = os.path.join(workdir, "resnet-run")
                    cmd = [args.cnn, "-q", "train", "--config", config, "--data", folder, "--epochs", "2", "--validation", "0",
                           "--threads", str(cores), "--out", out, "--overwrite", "--no-report"]
                    _, _, rss = run_child_rss(cmd, dict(os.environ, XDG_STATE_HOME=workdir))
                    with open(os.path.join(out, "metrics.csv")) as fh:
                        seconds = float(fh.read().strip().splitlines()[-1].split(",")[-1])
                    samples.setdefault("cnn/train", []).append(5 * RESNET_RECORDS / seconds)
                    samples.setdefault("cnn/peak_mib", []).append(rss)
                    for batch, threads in ((500, cores), (1, 1)):
                        result = json.loads(run_child([args.cnn, "-q", "eval", "--weights", os.path.join(out, "model.bin"), "--data",
                                                       folder, "--batch-size", str(batch), "--threads", str(threads), "--format",
                                                       "json"])[0])
                        samples.setdefault(f"cnn/infer_b{batch}", []).append(result["count"] / result["seconds"])
                elif not args.skip_torch:
                    for setting in TORCH_SETTINGS:
                        t = torch_run(setting, "train", RESNET_BATCH, data, "resnet20")
                        samples.setdefault(f"{setting}/train", []).append(t["images_per_second"])
                        samples.setdefault(f"{setting}/peak_mib", []).append(t["peak_mib"])
                        for batch in (500, 1):
                            t = torch_run(setting, "infer", batch, data, "resnet20")
                            samples.setdefault(f"{setting}/infer_b{batch}", []).append(t["images_per_second"])
    medians = {k: statistics.median(v) for k, v in samples.items()}
    systems = ["cnn"] + ([] if args.skip_torch else list(TORCH_SETTINGS))
    metrics = [("train", True), ("infer_b500", True), ("infer_b1", True), ("peak_mib", False)]
    print(f"\n{RESNET_CONFIG} (3x32x32, batch {RESNET_BATCH}, no augmentation), synthetic CIFAR-10 files, medians of "
          f"{args.rounds} rounds, {cores} cores; images/s, MiB")
    print(f"{'metric':<16}" + "".join(f"{s:>18}" for s in systems))
    for m, _ in metrics:
        print(f"{m:<16}" + "".join(f"{medians.get(f'{s}/{m}', 0):>18,.0f}" for s in systems))
    print("\nsgemm floor (OpenBLAS 2048^3): " + ", ".join(f"{t} thread{'s' if t > 1 else ''} {g:.1f} GFLOP/s" for t, g in floor.items()))
    shares = {}
    print("share of the floor (the multiply-accumulates done per second over sgemm's rate on as many threads as cnn used)")
    for m, flop, threads in (("train", 3 * forward_flop, cores), ("infer_b500", forward_flop, cores), ("infer_b1", forward_flop, 1)):
        row = [medians.get(f"{s}/{m}", 0) * flop / 1e9 / floor[threads] for s in systems]
        print(f"{m:<16}" + "".join(f"{100 * v:>17.0f}%" for v in row) + f"   ({threads} thread{'s' if threads > 1 else ''})")
        shares[m] = row[0]
    ratios = {}
    if not args.skip_torch:
        print("\ncnn / PyTorch (PyTorch's best setting per metric; > 1 means cnn is better)")
        for m, higher_better in metrics:
            values = [medians[f"{s}/{m}"] for s in TORCH_SETTINGS]
            ratios[m] = medians[f"cnn/{m}"] / max(values) if higher_better else min(values) / medians[f"cnn/{m}"]
            print(f"{m:<16}{ratios[m]:>10.2f}x")
    with open(args.out, "w") as fh:
        json.dump({"mode": "resnet", "rounds": args.rounds, "cores": cores, "sgemm_gflops": floor, "samples": samples,
                   "medians": medians, "ratios": ratios, "floor_shares": shares}, fh, indent=1)
    print(f"results written to {args.out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cnn", default=os.path.join(ROOT, "build/cnn"))
    parser.add_argument("--data", default=os.path.join(ROOT, "data/mnist"))
    parser.add_argument("--out", default=os.path.join(ROOT, "bench-results.json"))
    parser.add_argument("--skip-torch", action="store_true")
    parser.add_argument("--skip-dlib", action="store_true")
    parser.add_argument("--augment", action="store_true",
                        help="measure only the epoch time with and without augmentation (" + AUGMENTED_CONFIG + ")")
    parser.add_argument("--rgb", action="store_true",
                        help="only: the RGB network of configs/cifar-small.cfg on synthetic CIFAR-10 files, cnn against PyTorch")
    parser.add_argument("--resnet", action="store_true",
                        help="only: ResNet-20 (configs/resnet20.cfg) on synthetic CIFAR-10 files, cnn against PyTorch, with the sgemm floor")
    parser.add_argument("--fashion-data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--skip-fashion", action="store_true", help="leave out the second workload (configs/fashion.cfg)")
    parser.add_argument("--skip-lenet", action="store_true", help="only the second workload (configs/fashion.cfg)")
    parser.add_argument("--torch-settings", default=",".join(TORCH_SETTINGS),
                        help="comma-separated PyTorch settings to measure (default: all: " + ", ".join(TORCH_SETTINGS) + ")")
    parser.add_argument("--torch-worker", nargs=3, metavar=("MODE", "BATCH", "DATA"), help=argparse.SUPPRESS)
    parser.add_argument("--torch-network", default="lenet5", help=argparse.SUPPRESS)
    args = parser.parse_args()
    for name in args.torch_settings.split(","):
        if name not in TORCH_SETTINGS:
            parser.error(f"unknown --torch-settings entry {name!r} (expected {', '.join(TORCH_SETTINGS)})")
    for name in list(TORCH_SETTINGS):
        if name not in args.torch_settings.split(","):
            del TORCH_SETTINGS[name]
    if args.torch_worker:
        torch_worker(args.torch_worker[0], int(args.torch_worker[1]), args.torch_worker[2], args.torch_network)
        return
    if args.augment:
        augment_cost(args)
        return
    if args.rgb:
        print(run_child([args.cnn, "--version", "-v"])[0].strip(), file=sys.stderr)
        rgb_workload(args)
        return
    if args.resnet:
        print(run_child([args.cnn, "--version", "-v"])[0].strip())
        resnet_workload(args)
        return

    cores = os.cpu_count() or 1
    samples = {}  # (system, metric) -> list of values
    # The machine, the build's vector width and the BLAS kernels (`cnn --version -v`): a table is only
    # comparable with another from the same instruction set.
    machine = run_child([args.cnn, "--version", "-v"])[0].strip()
    print(machine, file=sys.stderr)

    def add(system, metric, value):
        samples.setdefault((system, metric), []).append(value)

    dlib = None if args.skip_dlib or args.skip_lenet else dlib_build()
    if dlib is None and not args.skip_dlib:
        print("dlib (libdlib-dev) is not installed: skipped", file=sys.stderr)
    with tempfile.TemporaryDirectory() as workdir:
        for r in range(args.rounds):
            print(f"round {r + 1}/{args.rounds}", file=sys.stderr)
            order = ["cnn", "torch", "dlib"] if r % 2 == 0 else ["dlib", "torch", "cnn"]
            for system in order:
                if system == "cnn":
                    if not args.skip_lenet:
                        for batch in (32, 128):
                            t = cnn_train(args.cnn, args.data, batch, cores, workdir)
                            add("cnn", f"train_b{batch}", t["images_per_second"])
                            if batch == 32:
                                add("cnn", "epoch_seconds", t["epoch_seconds"])
                                add("cnn", "peak_mib", t["peak_mib"])
                                model = t["model"]
                        t1 = cnn_train(args.cnn, args.data, 32, 1, workdir)
                        add("cnn", "train_b32_1thread", t1["images_per_second"])
                        add("cnn", "infer_b1000", cnn_infer(args.cnn, args.data, model, 1000, cores)["images_per_second"])
                        add("cnn", "infer_b1", cnn_infer(args.cnn, args.data, model, 1, 1)["images_per_second"])
                        add("cnn", "startup_seconds", startup([args.cnn, "--version"]))
                    if not args.skip_fashion:
                        t = cnn_train_fashion(args.cnn, args.fashion_data, cores, workdir)
                        add("cnn", "fashion_train", t["images_per_second"])
                        add("cnn", "fashion_epoch_seconds", t["epoch_seconds"])
                        add("cnn", "fashion_peak_mib", t["peak_mib"])
                        add("cnn", "fashion_infer_b1000",
                            cnn_infer(args.cnn, args.fashion_data, t["model"], 1000, cores)["images_per_second"])
                elif system == "dlib":
                    if dlib is None or args.skip_lenet:
                        continue
                    for batch in (32, 128):
                        t = dlib_run(dlib, "train", batch, args.data)
                        add("dlib", f"train_b{batch}", t["images_per_second"])
                        if batch == 32:
                            add("dlib", "epoch_seconds", 60000 / t["images_per_second"])
                            add("dlib", "peak_mib", t["peak_mib"])
                    add("dlib", "infer_b1000", dlib_run(dlib, "infer", 1000, args.data)["images_per_second"])
                    add("dlib", "infer_b1", dlib_run(dlib, "infer", 1, args.data)["images_per_second"])
                elif not args.skip_torch:
                    for setting in TORCH_SETTINGS:
                        if not args.skip_lenet:
                            for batch in (32, 128):
                                t = torch_run(setting, "train", batch, args.data)
                                add(setting, f"train_b{batch}", t["images_per_second"])
                                if batch == 32:
                                    add(setting, "epoch_seconds", 60000 / t["images_per_second"])
                                    add(setting, "peak_mib", t["peak_mib"])
                                    add(setting, "startup_seconds", t["startup_seconds"])
                            add(setting, "infer_b1000", torch_run(setting, "infer", 1000, args.data)["images_per_second"])
                            add(setting, "infer_b1", torch_run(setting, "infer", 1, args.data)["images_per_second"])
                        if not args.skip_fashion:
                            t = torch_run(setting, "train", FASHION_BATCH, args.fashion_data, "fashion")
                            add(setting, "fashion_train", t["images_per_second"])
                            add(setting, "fashion_epoch_seconds", FASHION_TRAIN_IMAGES / t["images_per_second"])
                            add(setting, "fashion_peak_mib", t["peak_mib"])
                            add(setting, "fashion_infer_b1000",
                                torch_run(setting, "infer", 1000, args.fashion_data, "fashion")["images_per_second"])

    medians = {f"{s}/{m}": statistics.median(v) for (s, m), v in samples.items()}
    systems = ["cnn"] + ([] if args.skip_torch else list(TORCH_SETTINGS)) + (["dlib"] if dlib else [])
    metrics = ["train_b32", "train_b128", "infer_b1000", "infer_b1", "epoch_seconds", "peak_mib", "startup_seconds",
               "train_b32_1thread"]
    ratios = {}
    print("\n" + machine)
    if not args.skip_lenet:
        print(f"\nLeNet-5 / MNIST, medians of {args.rounds} rounds, {cores} cores")
        print(f"{'metric':<20}" + "".join(f"{s:>18}" for s in systems))
        for m in metrics:
            row = f"{m:<20}"
            for s in systems:
                v = medians.get(f"{s}/{m}")
                row += f"{'' if v is None else format(v, ',.3f' if 'seconds' in m else ',.0f'):>18}"
            print(row)
        if not args.skip_torch:
            print("\ncnn / PyTorch (PyTorch's best setting per metric; > 1 means cnn is better)")
            for m, higher_better in [("train_b32", True), ("train_b128", True), ("infer_b1000", True), ("infer_b1", True),
                                     ("epoch_seconds", False), ("peak_mib", False), ("startup_seconds", False)]:
                torch_values = [medians[f"{s}/{m}"] for s in TORCH_SETTINGS if f"{s}/{m}" in medians]
                best = max(torch_values) if higher_better else min(torch_values)
                ratio = medians[f"cnn/{m}"] / best if higher_better else best / medians[f"cnn/{m}"]
                ratios[m] = ratio
                print(f"{m:<20}{ratio:>10.2f}x")
        if dlib:
            print("\ncnn / dlib (> 1 means cnn is better)")
            for m, higher_better in [("train_b32", True), ("train_b128", True), ("infer_b1000", True), ("infer_b1", True),
                                     ("peak_mib", False)]:
                ratio = medians[f"cnn/{m}"] / medians[f"dlib/{m}"] if higher_better else medians[f"dlib/{m}"] / medians[f"cnn/{m}"]
                ratios[f"{m}_vs_dlib"] = ratio
                print(f"{m:<20}{ratio:>10.2f}x")
    if not args.skip_fashion:
        fashion_metrics = ["fashion_train", "fashion_infer_b1000", "fashion_epoch_seconds", "fashion_peak_mib"]
        print(f"\nconfigs/fashion.cfg / Fashion-MNIST (batch {FASHION_BATCH}), medians of {args.rounds} rounds, {cores} cores")
        fashion_systems = [s for s in systems if s != "dlib"]
        print(f"{'metric':<22}" + "".join(f"{s:>18}" for s in fashion_systems))
        for m in fashion_metrics:
            row = f"{m:<22}"
            for s in fashion_systems:
                v = medians.get(f"{s}/{m}")
                row += f"{'' if v is None else format(v, ',.3f' if 'seconds' in m else ',.0f'):>18}"
            print(row)
        if not args.skip_torch:
            print("\ncnn / PyTorch on configs/fashion.cfg (PyTorch's best setting per metric; > 1 means cnn is better)")
            for m, higher_better in [("fashion_train", True), ("fashion_infer_b1000", True),
                                     ("fashion_epoch_seconds", False), ("fashion_peak_mib", False)]:
                torch_values = [medians[f"{s}/{m}"] for s in TORCH_SETTINGS if f"{s}/{m}" in medians]
                best = max(torch_values) if higher_better else min(torch_values)
                ratio = medians[f"cnn/{m}"] / best if higher_better else best / medians[f"cnn/{m}"]
                ratios[m] = ratio
                print(f"{m:<22}{ratio:>10.2f}x")
    scaling, per_round = None, []
    if not args.skip_lenet:
        scaling = medians["cnn/train_b32_1thread"] / medians["cnn/train_b32"]
        print(f"\ncnn scaling: 1 thread gives {scaling:.2f} of the {cores}-thread training throughput")
        # The two runs of a round are back to back, so their ratio shows how much of the spread is
        # the machine's (two threads suffer more from a busy neighbour than one).
        per_round = [one / many for one, many in zip(samples[("cnn", "train_b32_1thread")], samples[("cnn", "train_b32")])]
        print("  per round: " + ", ".join(f"{r:.2f}" for r in per_round))
    with open(args.out, "w") as fh:
        json.dump({"machine": machine, "rounds": args.rounds, "cores": cores, "samples": {f"{s}/{m}": v for (s, m), v in samples.items()},
                   "medians": medians, "ratios": ratios, "one_thread_share": scaling,
                   "one_thread_share_per_round": per_round}, fh, indent=1)
    print(f"results written to {args.out}")


if __name__ == "__main__":
    main()
