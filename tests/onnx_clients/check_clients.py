#!/usr/bin/python3
"""ONNX export proven in clients cnn did not write, run by ctest as `onnx_clients`.

For LeNet-5 (configs/lenet5.cfg), the 1998 LeNet (configs/lenet5-1998.cfg: 32x32 input, scaled
tanh, average pooling), three networks that together hold every layer kind cnn has (written
below; the modern one with a stored gray normalisation, the third with silu, both gelus and
global max pooling), one of grouped, dilated and bias-free convs and a graph (residual blocks, a
branch, add and concat; both written below), this script:
  1. trains each briefly with `cnn train` (one epoch on 2,000 images: an MNIST subset when
     CNN_TEST_MNIST_DIR names the MNIST files, else synthetic digits-like images written here), so
     that its probabilities are those of a network that classifies, not of random weights;
  2. classifies 500 test images with `cnn predict --raw --format json` (PNG files written here);
  3. exports each with `cnn export` (logits, and --probabilities);
  4. checks the files with python3-onnx's checker (full check, with shape inference), their
     input/output names and shapes and their metadata_props, and a model's stored normalisation
     as the one BatchNormalization node in front (scale 1/std, bias -mean/std, mean 0, var 1,
     epsilon 0);
  5. runs them in OpenCV's DNN module (Debian's python3-opencv, cv2.dnn.readNetFromONNX) and in
     onnxruntime (the npm package onnxruntime-node, tests/onnx_clients/run_onnxruntime.js), on
     the same 500 images as one batch, and requires every probability within 1e-5 of cnn's and
     the same class for every image;
  6. does 1 to 5 for a colour model as well, and for configs/resnet20.cfg on the same images: an RGB `data.format: folder` set of 48 coloured
     shapes drawn here in four class folders, `normalize: auto`, a cifar-small-like network whose
     first conv is same-padded (so the graph must pad the normalised input with zeros, as cnn
     does), one epoch, 48 test images;
  7. for the grouped network, checks its Conv nodes' group, dilations, pads (TensorFlow's same
     rule with the dilated extent) and inputs (no bias input for a bias-free conv), imports the
     exported file back with `cnn import` and requires `cnn predict` on it to give cnn's
     probabilities, and requires a Conv whose group does not fit its weight to be refused;
  8. the reverse (`cnn import`): a LeNet written the way PyTorch's exporter writes it (opset 14,
     raw_data weights, Gemm with transB, a bias-free dense layer, a final Softmax), built here with
     python3-onnx's helpers and random weights, is imported and `cnn predict` on it must agree
     with onnxruntime and OpenCV on the original file; a graph with an operator cnn lacks (Elu) is
     refused with the operator named;
  8. the same for a network in the node orders torch.onnx.export writes nn.SiLU, nn.GELU and
     nn.GELU(approximate='tanh') at opset 13 (their constants as Constant nodes), with LeakyRelu
     and GlobalMaxPool + Flatten, built here with python3-onnx (with the third network's trained
     weights); and, where python3-torch is installed, a small network that torch.onnx.export
     itself writes. A GlobalMaxPool without its Flatten and a LeakyRelu whose alpha is out of
     cnn's range are refused.

Usage: check_clients.py --cnn PATH/TO/cnn [--keep DIR]
Needs /usr/bin/python3 with numpy, cv2 and onnx (scripts/test.sh installs python3-opencv and
python3-onnx), node, and tests/onnx_clients/node_modules (scripts/test.sh runs
`ONNXRUNTIME_NODE_INSTALL=skip npm ci` there).
"""
import argparse
import contextlib
import gzip
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TRAIN_IMAGES = 2000
TEST_IMAGES = 500
TOLERANCE = 1e-5

# Every layer kind of cnn, with the cases the export must get right: TensorFlow `same` padding that
# is asymmetric (even kernel; stride 2 on an even size), explicit padding, overlapping max pooling,
# average pooling, every fused activation, every activation layer, a dense layer reading a
# (C, H, W) map directly (the export adds a Flatten) and a flatten of an already flat tensor.
EVERY_KIND_CONFIG = """\
model:
  input: [1, 28, 28]
  layers:
    - conv:    {filters: 4, kernel: 4, padding: same, activation: relu}         # 28x28, pads 1 before, 2 after
    - pool:    {type: avg, size: 2}                                             # 14x14
    - conv:    {filters: 6, kernel: 3, stride: 2, padding: same, activation: scaled_tanh}  # 7x7, pads 0/1
    - conv:    {filters: 6, kernel: 3, padding: 1, activation: sigmoid}         # explicit: 7x7
    - conv:    {filters: 8, kernel: 2, padding: valid, activation: tanh}        # 6x6
    - conv:    {filters: 8, kernel: 3, padding: same}                           # no activation
    - relu
    - pool:    {type: max, size: 3, stride: 2}                                  # overlapping: 2x2
    - scaled_tanh
    - dense:   {units: 24, activation: relu}                                    # reads (8, 2, 2) as 32
    - tanh
    - flatten
    - sigmoid
    - dense:   {units: 10}
    - softmax
  init: he_normal
train:
  epochs: 8                 # its sigmoid and tanh layers learn slowly: 8 epochs (0.3 s) to classify well
  batch_size: 32
  optimizer: {type: adam, lr: 0.01}
  seed: 1
"""


# The layers of a modern small CNN (conv-BN-activation blocks, same-padded pooling whose TensorFlow
# pads are asymmetric here, dropout, global average pooling, batch norm after a dense layer):
# with EVERY_KIND_CONFIG, every layer kind cnn has. Its data is normalised with a given mean and
# std (a gray model's stored normalisation, exported in front of a same-padded conv).
MODERN_NORMALIZATION = ([0.13], [0.31])
MODERN_CONFIG = """\
data:
  normalize: {mean: [0.13], std: [0.31]}
model:
  input: [1, 28, 28]
  layers:
    - conv:    {filters: 8, kernel: 3, padding: same}
    - batch_norm
    - leaky_relu: {slope: 0.1}
    - pool:    {type: max, size: 3, stride: 2, padding: same}                   # 14x14, pads 0/1
    - conv:    {filters: 12, kernel: 3, padding: same}
    - batch_norm: {momentum: 0.1, eps: 0.001}
    - relu
    - dropout: {rate: 0.25}
    - pool:    {type: avg, size: 3, stride: 2, padding: same}                   # 7x7, pads 0/1
    - conv:    {filters: 16, kernel: 3, padding: same, activation: relu}
    - global_avg_pool
    - dense:   {units: 32}
    - batch_norm
    - relu
    - dense:   {units: 10}
    - softmax
  init: he_normal
train:
  epochs: 4
  batch_size: 32
  optimizer: {type: adam, lr: 0.003}
  seed: 1
"""


# Conv's groups, dilation and bias: false, as ONNX's Conv has them (group, dilations, no bias input):
# a grouped conv dilated along the rows, bias-free, whose same padding at stride 2 is asymmetric
# with the dilated extent; a depthwise conv (two filters per channel) dilated 2 with explicit
# padding; a grouped conv dilated along the columns, with a bias and a fused activation.
# GROUPED_CONVS is what each Conv node must say: group, dilations, pads (top, left, bottom, right)
# and its number of inputs (2 without a bias).
GROUPED_CONFIG = """\
model:
  input: [1, 28, 28]
  layers:
    - conv:    {filters: 8, kernel: 3, padding: same, activation: relu}         # 28x28
    - conv:    {filters: 8, kernel: 3, stride: 2, padding: same, groups: 2, dilation: [2, 1], bias: false, activation: relu}
    - conv:    {filters: 16, kernel: 3, padding: 1, groups: 8, dilation: 2, bias: false}  # 14x14 -> 12x12
    - relu
    - pool:    {type: max, size: 2}                                             # 6x6
    - conv:    {filters: 16, kernel: [3, 2], groups: 4, dilation: [1, 2], activation: tanh}  # 4x4
    - flatten
    - dense:   {units: 10}
    - softmax
  init: he_normal
train:
  epochs: 4
  batch_size: 32
  optimizer: {type: adam, lr: 0.003}
  seed: 1
"""
GROUPED_CONVS = [(1, [1, 1], [1, 1, 1, 1], 3),
                 (2, [2, 1], [1, 0, 2, 1], 2),   # rows: extent 5, total 3; columns: extent 3, total 1
                 (8, [2, 2], [1, 1, 1, 1], 2),
                 (4, [1, 2], [0, 0, 0, 0], 3)]


# A network that is a graph, not a chain: residual blocks (identity shortcuts, and a projection
# where the second stage halves the size: a 1x1 conv of stride 2 and batch norm), a side branch
# that reads an earlier layer by name, a concat of both, and an add of three inputs.
GRAPH_CONFIG = """\
model:
  input: [1, 28, 28]
  layers:
    - conv:    {filters: 8, kernel: 3, padding: same, activation: relu, name: stem}
    - residual:
        repeat: 2
        activation: relu
        layers:
          - conv: {filters: 8, kernel: 3, padding: same}
          - batch_norm
          - relu
          - conv: {filters: 8, kernel: 3, padding: same}
          - batch_norm
    - residual:
        activation: relu
        name: stage2
        layers:
          - conv: {filters: 12, kernel: 3, stride: 2, padding: same}
          - batch_norm
          - relu
          - conv: {filters: 12, kernel: 3, padding: same}
          - batch_norm
    - pool:    {type: max, size: 2, stride: 2, input: stem, name: side_pool}
    - conv:    {filters: 12, kernel: 1, name: side}
    - add:     {from: [stage2, side, stage2], name: joined}
    - concat:  {from: [joined, side_pool]}
    - pool:    {type: max, size: 2, stride: 2}
    - global_avg_pool
    - dense:   {units: 10}
    - softmax
  init: he_normal
train:
  epochs: 3
  batch_size: 32
  optimizer: {type: adam, lr: 0.003}
  seed: 1
"""


# The activations whose derivative needs their input and global max pooling: silu and both gelus
# fused into convs (stride 1 and 2) and dense layers and as layers of their own, global max pooling
# of the last feature maps. Every pattern runs in OpenCV 4.6 too (Sigmoid-Mul, Div-Erf-Add-Mul-Mul,
# the tanh form's Mul-Add-Tanh chain, GlobalMaxPool-Flatten), so no client skips any of it.
ACTIVATIONS_CONFIG = """\
model:
  input: [1, 28, 28]
  layers:
    - conv:    {filters: 6, kernel: 3, padding: same, activation: silu}         # 28x28
    - pool:    {type: max, size: 2}                                             # 14x14
    - conv:    {filters: 8, kernel: 3, padding: same, activation: gelu}         # 14x14
    - conv:    {filters: 12, kernel: 3, stride: 2, padding: same, activation: gelu_tanh}  # 7x7
    - conv:    {filters: 16, kernel: 3, padding: same}                          # no activation
    - silu
    - gelu
    - gelu:    {approximate: tanh}
    - global_max_pool                                                           # (16)
    - dense:   {units: 32, activation: gelu}
    - dense:   {units: 24, activation: silu}
    - dense:   {units: 16, activation: gelu_tanh}
    - dense:   {units: 10}
    - softmax
  init: he_normal
train:
  epochs: 6
  batch_size: 32
  optimizer: {type: adam, lr: 0.005}
  seed: 1
"""


# A colour network like configs/cifar-small.cfg (two conv-ReLU-pool blocks of 32 and 64 filters, a
# dense head) on RGB folder images normalised per channel from their own statistics; its first conv
# is same-padded, so an export that folded the normalisation into the conv (or padded before
# normalising) would differ along the border.
COLOUR_CLASSES = ["blue disc", "green square", "red cross", "yellow ring"]  # sorted, as cnn sorts the folders
COLOUR_TRAIN_IMAGES = 48
COLOUR_TEST_IMAGES = 48
COLOUR_CONFIG = """\
data:
  format: folder
  normalize: auto
model:
  input: [3, 32, 32]
  layers:
    - conv:    {filters: 32, kernel: 3, padding: same, activation: relu}
    - pool:    {type: max, size: 2}
    - conv:    {filters: 64, kernel: 3, padding: same, activation: relu}
    - pool:    {type: max, size: 2}
    - flatten
    - dense:   {units: 128, activation: relu}
    - dense:   {units: 4}
    - softmax
  init: he_normal
train:
  epochs: 1
  batch_size: 8
  optimizer: {type: adam, lr: 0.0002}     # 5 steps: a network that tells the four classes apart
  seed: 1
"""


def fail(message):
    print(f"check_clients: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


# ---- data --------------------------------------------------------------------------------------

def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find_idx(folder, stem):
    for name in (stem, stem + ".gz"):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    return None


def write_idx(path, array):
    kind = 0x08
    with open(path, "wb") as f:
        f.write(struct.pack(">BBBB", 0, 0, kind, array.ndim))
        f.write(struct.pack(">" + "I" * array.ndim, *array.shape))
        f.write(np.ascontiguousarray(array, dtype=np.uint8).tobytes())


def mnist_subset(folder):
    stems = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
    paths = [find_idx(folder, s) for s in stems]
    if None in paths:
        return None
    train_x, train_y, test_x, test_y = (read_idx(p) for p in paths)
    return train_x[:TRAIN_IMAGES], train_y[:TRAIN_IMAGES], test_x[:TEST_IMAGES], test_y[:TEST_IMAGES]


def synthetic_digits(seed=7):
    """Ten classes of 28x28 strokes: each class a fixed random polyline, drawn shifted and noisy."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:28, 0:28]
    templates = []
    for _ in range(10):
        points = rng.uniform(6, 22, size=(4, 2))
        image = np.zeros((28, 28))
        for a, b in zip(points[:-1], points[1:]):
            for t in np.linspace(0, 1, 40):
                y, x = a + t * (b - a)
                image = np.maximum(image, np.exp(-((yy - y) ** 2 + (xx - x) ** 2) / 2.0))
        templates.append(image)

    def draw(count):
        labels = rng.integers(0, 10, size=count)
        images = np.empty((count, 28, 28), dtype=np.uint8)
        for i, label in enumerate(labels):
            shifted = np.roll(templates[label], tuple(rng.integers(-2, 3, size=2)), axis=(0, 1))
            noisy = np.clip(shifted * rng.uniform(0.7, 1.0) + rng.normal(0, 0.08, size=(28, 28)), 0, 1)
            images[i] = np.round(noisy * 255).astype(np.uint8)
        return images, labels.astype(np.uint8)

    train_x, train_y = draw(TRAIN_IMAGES)
    test_x, test_y = draw(TEST_IMAGES)
    return train_x, train_y, test_x, test_y


def training_digits(work):
    """The digits every client check trains on, written as IDX files into WORK/data: an MNIST
    subset when CNN_TEST_MNIST_DIR names the MNIST files, else synthetic digits. Returns the data
    folder, the test images, and the MNIST folder (None for synthetic digits)."""
    mnist_dir = os.environ.get("CNN_TEST_MNIST_DIR")
    subset = mnist_subset(mnist_dir) if mnist_dir else None
    train_x, train_y, test_x, _ = subset if subset else synthetic_digits()
    data_dir = os.path.join(work, "data")
    os.makedirs(data_dir, exist_ok=True)
    write_idx(os.path.join(data_dir, "train-images-idx3-ubyte"), train_x)
    write_idx(os.path.join(data_dir, "train-labels-idx1-ubyte"), train_y)
    return data_dir, test_x, mnist_dir if subset else None


def colour_shapes(cv2, count, rng):
    """`count` 32x32 RGB images (uint8, H x W x 3) of COLOUR_CLASSES and their labels: each a shape of
    its class's colour and form, of random size and place, on a noisy background of a random warm
    tint (so that the three channels' means and stds differ)."""
    colours = [(40, 70, 220), (40, 190, 60), (220, 40, 40), (230, 210, 40)]  # R, G, B of each class
    labels = rng.integers(0, len(COLOUR_CLASSES), size=count)
    images = np.empty((count, 32, 32, 3), dtype=np.uint8)
    for i, label in enumerate(labels):
        tint = rng.uniform([110, 90, 50], [200, 160, 120])
        canvas = np.ascontiguousarray(np.clip(tint + rng.normal(0, 14, size=(32, 32, 3)), 0, 255).astype(np.uint8))
        cx, cy = (int(v) for v in rng.integers(9, 24, size=2))
        r = int(rng.integers(5, 9))
        colour = tuple(int(v) for v in np.clip(np.array(colours[label]) + rng.normal(0, 15, size=3), 0, 255))
        if label == 0:
            cv2.circle(canvas, (cx, cy), r, colour, -1)
        elif label == 1:
            cv2.rectangle(canvas, (cx - r, cy - r), (cx + r, cy + r), colour, -1)
        elif label == 2:
            cv2.line(canvas, (cx - r, cy - r), (cx + r, cy + r), colour, 3)
            cv2.line(canvas, (cx - r, cy + r), (cx + r, cy - r), colour, 3)
        else:
            cv2.circle(canvas, (cx, cy), r, colour, 2)
        images[i] = canvas
    return images, labels


def write_colour_pngs(cv2, images, folder, labels=None):
    """RGB images as 8-bit colour PNGs in `folder`, or with `labels` in its class folders."""
    paths = []
    for i, image in enumerate(images):
        directory = os.path.join(folder, COLOUR_CLASSES[labels[i]]) if labels is not None else folder
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, f"{i:03d}.png")
        if not cv2.imwrite(path, np.ascontiguousarray(image[:, :, ::-1])):  # OpenCV writes B, G, R
            fail(f"cannot write {path}")
        paths.append(path)
    return paths


# ---- cnn ---------------------------------------------------------------------------------------

def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        fail(f"{' '.join(command[:4])} ... exited with {result.returncode}:\n{result.stderr[-3000:]}")
    return result.stdout


def train(cnn, config, data_dir, run_dir, epochs, validation=200):
    run([cnn, "train", "-q", "-c", config, "--data", data_dir, "--out", run_dir, "--validation", str(validation), "--threads", "1",
         "--overwrite"] + (["--epochs", str(epochs)] if epochs else []))
    return os.path.join(run_dir, "model.bin")


def write_pngs(cv2, images, folder, size):
    """The test images as 8-bit gray PNGs of the model's input size (a 2-pixel zero border for 32x32)."""
    os.makedirs(folder, exist_ok=True)
    border = (size - 28) // 2
    paths = []
    for i, image in enumerate(images):
        canvas = np.zeros((size, size), dtype=np.uint8)
        canvas[border:border + 28, border:border + 28] = image
        path = os.path.join(folder, f"{i:03d}.png")
        if not cv2.imwrite(path, canvas):
            fail(f"cannot write {path}")
        paths.append(path)
    return paths


def network_inputs(cv2, paths):
    """What cnn's network sees for each PNG: its bytes / 255 as float32 (io/image.cpp), NCHW."""
    batch = [cv2.imread(p, cv2.IMREAD_UNCHANGED).astype(np.float32) / np.float32(255.0) for p in paths]
    return np.stack(batch)[:, None, :, :]


def colour_network_inputs(cv2, paths):
    """The same for colour PNGs: R, G and B planes of bytes / 255, NCHW (cnn normalises after this;
    the exported graph does it itself)."""
    batch = [cv2.imread(p, cv2.IMREAD_COLOR)[:, :, ::-1].transpose(2, 0, 1).astype(np.float32) / np.float32(255.0) for p in paths]
    return np.ascontiguousarray(np.stack(batch))


# ---- clients -----------------------------------------------------------------------------------

def softmax(logits):
    z = logits.astype(np.float64)
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def check_normalization(path, model, meta, normalization):
    """`normalization` None: the model stores none and its graph has no node for it. Else ("auto",
    or the (mean, std) the config gave) metadata_props' `input` states the mean and std, and the
    graph's first node, the only one reading the input, is the BatchNormalization that computes
    (x - mean) / std as x * scale + bias: scale = 1 / std and bias = -mean / std (double quotients
    rounded to float32), running mean 0, variance 1 and epsilon 0 (not ONNX's default 1e-5). A Sub
    and Div there instead is what OpenCV 4.6 cannot run on a colour input."""
    from onnx import numpy_helper
    graph = model.graph
    stated = re.search(r"\(x - \[([^\]]*)\]\) / \[([^\]]*)\] per channel", meta.get("input", ""))
    if normalization is None:
        if stated or any(n.op_type == "BatchNormalization" and "input" in n.input for n in graph.node):
            fail(f"{path}: a model without normalisation exports one: {meta.get('input')!r}")
        return
    if not stated:
        fail(f"{path}: metadata_props' input {meta.get('input')!r} states no normalisation")
    mean, std = (np.array([float(v) for v in group.split(",")], dtype=np.float32) for group in stated.groups())
    if normalization != "auto" and not (np.array_equal(mean, np.float32(normalization[0])) and
                                        np.array_equal(std, np.float32(normalization[1]))):
        fail(f"{path}: metadata_props state mean {mean} and std {std}, the config {normalization}")
    readers = [n for n in graph.node if "input" in n.input]
    node = graph.node[0]
    if readers != [node] or node.op_type != "BatchNormalization" or any(n.op_type in ("Sub", "Div") for n in graph.node):
        fail(f"{path}: the normalisation is not one BatchNormalization in front: nodes {[n.op_type for n in graph.node][:4]} ...")
    epsilon = [a.f for a in node.attribute if a.name == "epsilon"]
    tensors = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    scale, bias, running_mean, running_var = (tensors[name] for name in node.input[1:])
    want_scale = (1.0 / std.astype(np.float64)).astype(np.float32)
    want_bias = (-mean.astype(np.float64) / std.astype(np.float64)).astype(np.float32)
    if (epsilon != [0.0] or scale.shape != mean.shape or not np.array_equal(scale, want_scale) or
            not np.array_equal(bias, want_bias) or not np.all(running_mean == 0) or not np.all(running_var == 1)):
        fail(f"{path}: normalisation node epsilon {epsilon}, scale {scale} (want {want_scale}), bias {bias} "
             f"(want {want_bias}), mean {running_mean}, var {running_var}")


def check_onnx_file(onnx, path, probabilities, input_shape, class_names, normalization):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)  # python3-onnx's checker, with strict shape inference
    if model.ir_version not in (7, 8) or [(o.domain, o.version) for o in model.opset_import] != [("", 13)]:
        fail(f"{path}: IR {model.ir_version}, opsets {model.opset_import}")
    graph = model.graph
    dims = [d.dim_param or d.dim_value for d in graph.input[0].type.tensor_type.shape.dim]
    if [i.name for i in graph.input] != ["input"] or not isinstance(dims[0], str) or dims[1:] != list(input_shape):
        fail(f"{path}: input {[i.name for i in graph.input]} {dims}")
    expected_output = "probabilities" if probabilities else "logits"
    if [o.name for o in graph.output] != [expected_output]:
        fail(f"{path}: outputs {[o.name for o in graph.output]}, expected {expected_output}")
    meta = {p.key: p.value for p in model.metadata_props}
    if json.loads(meta.get("class_names", "null")) != class_names or "preparation" not in meta:
        fail(f"{path}: metadata_props {meta}")
    check_normalization(path, model, meta, normalization)
    return [n.op_type for n in graph.node]


def run_opencv(cv2, path, inputs):
    try:
        net = cv2.dnn.readNetFromONNX(path)
        net.setInput(inputs)
        return np.asarray(net.forward(), dtype=np.float32).reshape(len(inputs), -1)
    except cv2.error as e:
        fail(f"OpenCV's DNN module cannot run {path}: {str(e).strip()}")


def run_onnxruntime(path, inputs, scratch):
    input_path = os.path.join(scratch, "inputs.f32")
    output_path = os.path.join(scratch, "outputs.f32")
    inputs.astype("<f4").tofile(input_path)
    run(["node", os.path.join(HERE, "run_onnxruntime.js"), path, input_path, *map(str, inputs.shape), output_path])
    return np.fromfile(output_path, dtype="<f4").reshape(len(inputs), -1)


def compare(label, client_probabilities, cnn_probabilities):
    difference = np.abs(client_probabilities - cnn_probabilities).max()
    same_class = np.argmax(client_probabilities, axis=1) == np.argmax(cnn_probabilities, axis=1)
    print(f"  {label:<34} max |p - p_cnn| {difference:.2e}, same class {same_class.sum()}/{len(same_class)}")
    if not difference <= TOLERANCE:
        fail(f"{label}: probabilities differ from cnn predict's by {difference:.3e} (tolerance {TOLERANCE})")
    if not same_class.all():
        fail(f"{label}: {np.count_nonzero(~same_class)} images get another class than from cnn predict")


def check_exports(cnn, cv2, onnx, work, name, model, inputs, cnn_probabilities, class_names, normalization):
    """Exports `model` (logits, and with --probabilities), checks each file, runs it in OpenCV and
    onnxruntime on `inputs` (what cnn's network is given before normalisation) and compares their
    probabilities with cnn predict's."""
    for probabilities in (False, True):
        onnx_path = os.path.join(work, f"{name}{'-probabilities' if probabilities else ''}.onnx")
        run([cnn, "export", "-q", model, "-o", onnx_path] + (["--probabilities"] if probabilities else []))
        ops = check_onnx_file(onnx, onnx_path, probabilities, inputs.shape[1:], class_names, normalization)
        if not probabilities:
            print(f"  nodes: {' '.join(ops)}")
        to_probabilities = (lambda out: out) if probabilities else softmax
        kind = "probabilities" if probabilities else "logits+softmax"
        compare(f"{name} OpenCV DNN ({kind})", to_probabilities(run_opencv(cv2, onnx_path, inputs)), cnn_probabilities)
        compare(f"{name} onnxruntime-node ({kind})", to_probabilities(run_onnxruntime(onnx_path, inputs, work)),
                cnn_probabilities)


def check_colour(cnn, cv2, onnx, work):
    """A colour model with a stored normalisation (normalize: auto) and a same-padded first conv,
    trained for one epoch on RGB folder images drawn here, in OpenCV and onnxruntime."""
    rng = np.random.default_rng(11)
    train_images, train_labels = colour_shapes(cv2, COLOUR_TRAIN_IMAGES, rng)
    test_images, _ = colour_shapes(cv2, COLOUR_TEST_IMAGES, rng)
    data_dir = os.path.join(work, "colour")
    write_colour_pngs(cv2, train_images, os.path.join(data_dir, "train"), train_labels)
    config = os.path.join(work, "colour.cfg")
    with open(config, "w") as f:
        f.write(COLOUR_CONFIG)
    model = train(cnn, config, data_dir, os.path.join(work, "runs", "colour"), None, validation=8)
    paths = write_colour_pngs(cv2, test_images, os.path.join(work, "images", "colour"))
    predicted = json.loads(run([cnn, "predict", "-q", "--raw", "--format", "json", "-k", "1", "-w", model, *paths]))
    cnn_probabilities = np.array([p["probabilities"] for p in predicted], dtype=np.float64)
    print(f"check_clients: colour: {COLOUR_TRAIN_IMAGES} RGB training images, predict's classes "
          f"{np.bincount(cnn_probabilities.argmax(1), minlength=len(COLOUR_CLASSES)).tolist()}, "
          f"mean top probability {cnn_probabilities.max(1).mean():.3f}")
    if len(set(cnn_probabilities.argmax(1))) < 3:
        fail("colour: the trained network predicts fewer than 3 of the 4 classes; the comparison would prove little")
    check_exports(cnn, cv2, onnx, work, "colour", model, colour_network_inputs(cv2, paths), cnn_probabilities, COLOUR_CLASSES,
                  "auto")


def check_resnet20(cnn, cv2, onnx, work):
    """configs/resnet20.cfg (a graph: 9 residual blocks, 2 projection shortcuts, bias-free convs,
    global average pooling), its last layer cut to the 4 colour classes and Adam for its optimizer,
    trained for 30 epochs on check_colour's images, in OpenCV and onnxruntime."""
    with open(os.path.join(ROOT, "configs", "resnet20.cfg")) as f:
        text = f.read()
    if "dense: {units: 10}" not in text or "optimizer: {type: momentum, lr: 0.1, momentum: 0.9}" not in text:
        fail("configs/resnet20.cfg changed its last layer or its optimizer; update check_resnet20")
    config = os.path.join(work, "resnet20.cfg")
    with open(config, "w") as f:
        # Adam at 0.001: SGD at 0.1 on 40 images in batches of 128 leaves a network that answers
        # one class with the same probabilities for every image.
        f.write(text.replace("dense: {units: 10}", f"dense: {{units: {len(COLOUR_CLASSES)}}}")
                .replace("optimizer: {type: momentum, lr: 0.1, momentum: 0.9}", "optimizer: {type: adam, lr: 0.001}"))
    # 30 epochs of one step: batch norm's running statistics (momentum 0.1) are then 96 % the data's.
    model = train(cnn, config, os.path.join(work, "colour"), os.path.join(work, "runs", "resnet20"), 30, validation=8)
    paths = sorted(os.path.join(work, "images", "colour", name) for name in os.listdir(os.path.join(work, "images", "colour")))
    predicted = json.loads(run([cnn, "predict", "-q", "--raw", "--format", "json", "-k", "1", "-w", model, *paths]))
    cnn_probabilities = np.array([p["probabilities"] for p in predicted], dtype=np.float64)
    spread = cnn_probabilities.std(axis=0).max()
    print(f"check_clients: resnet20: predict's classes {np.bincount(cnn_probabilities.argmax(1), minlength=len(COLOUR_CLASSES)).tolist()}, "
          f"largest std of a probability over the images {spread:.3f}")
    if not spread > 1e-3:  # 40 images need not teach it to classify; the outputs must still depend on the image
        fail("resnet20: the probabilities hardly depend on the image; the comparison would prove little")
    check_exports(cnn, cv2, onnx, work, "resnet20", model, colour_network_inputs(cv2, paths), cnn_probabilities, COLOUR_CLASSES,
                  "auto")


def foreign_lenet(onnx, path, trained_path, fc2_transposed=False):
    """A LeNet-5 as torch.onnx.export writes one (weights as raw_data initializers, opset 14, other
    names), with the weights of the LeNet-5 trained above so that its classes mean something; fc2
    has no bias (PyTorch's bias=False). With fc2_transposed, fc2 keeps its weight as (in, out)
    with transB = 0, a form OpenCV 4.6 cannot run."""
    from onnx import TensorProto, helper, numpy_helper

    trained = {t.name: numpy_helper.to_array(t) for t in onnx.load(trained_path).graph.initializer}

    def weights(name, source, transpose=False):
        array = trained[source].T if transpose else trained[source]
        return numpy_helper.from_array(np.ascontiguousarray(array, dtype=np.float32), name)  # raw_data, as PyTorch writes

    inits = [weights("conv1.weight", "conv1.weight"), weights("conv1.bias", "conv1.bias"),
             weights("conv2.weight", "conv2.weight"), weights("conv2.bias", "conv2.bias"),
             weights("fc1.weight", "dense1.weight"), weights("fc1.bias", "dense1.bias"),
             weights("fc2.weight", "dense2.weight", transpose=fc2_transposed), weights("fc3.weight", "dense3.weight"),
             weights("fc3.bias", "dense3.bias")]
    nodes = [
        helper.make_node("Conv", ["x", "conv1.weight", "conv1.bias"], ["c1"], name="/conv1/Conv", kernel_shape=[5, 5],
                         pads=[2, 2, 2, 2], strides=[1, 1], dilations=[1, 1], group=1),
        helper.make_node("Relu", ["c1"], ["r1"], name="/Relu"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="/MaxPool", kernel_shape=[2, 2], strides=[2, 2], pads=[0, 0, 0, 0],
                         ceil_mode=0),
        helper.make_node("Conv", ["p1", "conv2.weight", "conv2.bias"], ["c2"], name="/conv2/Conv", kernel_shape=[5, 5],
                         pads=[0, 0, 0, 0], strides=[1, 1]),
        helper.make_node("Relu", ["c2"], ["r2"], name="/Relu_1"),
        helper.make_node("MaxPool", ["r2"], ["p2"], name="/MaxPool_1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p2"], ["f"], name="/Flatten", axis=1),
        helper.make_node("Gemm", ["f", "fc1.weight", "fc1.bias"], ["g1"], name="/fc1/Gemm", alpha=1.0, beta=1.0, transB=1),
        helper.make_node("Relu", ["g1"], ["r3"], name="/Relu_2"),
        helper.make_node("Gemm", ["r3", "fc2.weight"], ["g2"], name="/fc2/Gemm", transB=0 if fc2_transposed else 1),
        helper.make_node("Relu", ["g2"], ["r4"], name="/Relu_3"),
        helper.make_node("Gemm", ["r4", "fc3.weight", "fc3.bias"], ["logits"], name="/fc3/Gemm", transB=1),
        helper.make_node("Softmax", ["logits"], ["y"], name="/Softmax", axis=1),
    ]
    graph = helper.make_graph(nodes, "torch_jit", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 1, 28, 28])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 10])], inits)
    model = helper.make_model(graph, producer_name="pytorch", opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, path)
    return model


def check_grouped(cnn, onnx, work, paths, cnn_probabilities):
    """The grouped network's export: its Conv nodes as GROUPED_CONVS says, its import back into cnn
    predicting what cnn predicts, and a Conv whose group does not fit its weight refused."""
    onnx_path = os.path.join(work, "grouped.onnx")
    exported = onnx.load(onnx_path)
    convs = [n for n in exported.graph.node if n.op_type == "Conv"]
    found = []
    for node in convs:
        attributes = {a.name: (a.i if a.type == a.INT else list(a.ints)) for a in node.attribute}
        found.append((attributes.get("group"), attributes.get("dilations"), attributes.get("pads"), len(node.input)))
    if found != GROUPED_CONVS:
        fail(f"grouped: Conv nodes (group, dilations, pads, inputs) {found}, expected {GROUPED_CONVS}")
    print(f"  grouped Conv nodes (group, dilations, pads, inputs): {found}")
    imported = os.path.join(work, "grouped-imported.bin")
    run([cnn, "import", "-q", onnx_path, "-o", imported])
    predicted = json.loads(run([cnn, "predict", "-q", "--raw", "--format", "json", "-k", "1", "-w", imported, *paths]))
    compare("grouped: cnn import of the export", np.array([p["probabilities"] for p in predicted], dtype=np.float64),
            cnn_probabilities)
    # group 4 on the second conv: its weight has 4 channels per group, the input 8 channels.
    for a in convs[1].attribute:
        if a.name == "group":
            a.i = 4
    bad_path = os.path.join(work, "grouped-bad-group.onnx")
    onnx.save(exported, bad_path)
    bad_out = os.path.join(work, "grouped-bad-group.bin")
    result = subprocess.run([cnn, "import", bad_path, "-o", bad_out], capture_output=True, text=True)
    if result.returncode != 4 or "channels per group" not in result.stderr or os.path.exists(bad_out):
        fail(f"import of a Conv whose group does not fit its weight: exit {result.returncode}, stderr {result.stderr!r}")
    print(f"  a group that does not fit the weight refused: {result.stderr.strip()}")


def check_import(cnn, cv2, onnx, work, test_x):
    onnx_path = os.path.join(work, "foreign-lenet.onnx")
    model = foreign_lenet(onnx, onnx_path, os.path.join(work, "lenet5.onnx"))
    imported = os.path.join(work, "foreign-lenet.bin")
    run([cnn, "import", "-q", onnx_path, "-o", imported])
    paths = write_pngs(cv2, test_x, os.path.join(work, "images", "28"), 28)
    predicted = json.loads(run([cnn, "predict", "-q", "--raw", "--format", "json", "-k", "1", "-w", imported, *paths]))
    cnn_probabilities = np.array([p["probabilities"] for p in predicted], dtype=np.float64)
    inputs = network_inputs(cv2, paths)
    print(f"check_clients: cnn import of a PyTorch-style LeNet: predict's classes "
          f"{np.bincount(cnn_probabilities.argmax(1), minlength=10).tolist()}")
    compare("imported LeNet vs OpenCV DNN", run_opencv(cv2, onnx_path, inputs), cnn_probabilities)
    compare("imported LeNet vs onnxruntime-node", run_onnxruntime(onnx_path, inputs, work), cnn_probabilities)
    # The same network with fc2's weight stored (in, out): cnn must import the same tensors.
    transposed_path = os.path.join(work, "foreign-lenet-transposed.onnx")
    foreign_lenet(onnx, transposed_path, os.path.join(work, "lenet5.onnx"), fc2_transposed=True)
    run([cnn, "import", "-q", transposed_path, "-o", imported])
    again = json.loads(run([cnn, "predict", "-q", "--raw", "--format", "json", "-k", "1", "-w", imported, *paths]))
    if again != predicted:
        fail("the import of a Gemm with transB = 0 predicts differently from the same weights with transB = 1")
    compare("imported (transB 0) vs onnxruntime-node", run_onnxruntime(transposed_path, inputs, work), cnn_probabilities)

    # An operator cnn has no layer for: refused, naming it and its node, with nothing written.
    from onnx import helper
    model.graph.node[1].op_type = "Elu"
    model.graph.node[1].name = "/Elu"
    bad_path = os.path.join(work, "elu.onnx")
    onnx.save(model, bad_path)
    bad_out = os.path.join(work, "elu.bin")
    result = subprocess.run([cnn, "import", bad_path, "-o", bad_out], capture_output=True, text=True)
    if result.returncode != 4 or "Elu" not in result.stderr or "/Elu" not in result.stderr or os.path.exists(bad_out):
        fail(f"import of an Elu graph: exit {result.returncode}, stderr {result.stderr!r}")
    print(f"  unsupported operator refused: {result.stderr.strip()}")


def torch_style_activations(onnx, path, trained_path):
    """The activations network in the node orders of torch.onnx.export at opset 13 (checked against
    its output for nn.SiLU, nn.GELU() and nn.GELU(approximate='tanh')): SiLU as Sigmoid then
    Mul(x, sigmoid); GELU as Div(x, c), Erf, Add(erf, c), Mul(x, ...), Mul(..., c); the tanh form as
    Mul(x, x), Mul(x, x2), Mul(c, x3), Add(x, ...), Mul(c, ...), Tanh, Add(c, tanh), Mul(x, ...),
    Mul(c, ...); each constant c a Constant node of shape (). The weights are those trained in
    `trained_path` (cnn's export of the activations network); after the last conv come a SiLU, a
    GELU, a tanh GELU and a LeakyRelu (alpha 0.1), then GlobalMaxPool and Flatten."""
    from onnx import TensorProto, helper, numpy_helper

    trained = {t.name: numpy_helper.to_array(t) for t in onnx.load(trained_path).graph.initializer}
    inits = [numpy_helper.from_array(np.ascontiguousarray(trained[name], dtype=np.float32), name)
             for name in trained if name.endswith(".weight") or name.endswith(".bias")]
    nodes = []
    counter = [0]

    def fresh(stem):
        counter[0] += 1
        return f"/{stem}_{counter[0]}_output_0"

    def constant(value):
        name = fresh("Constant")
        nodes.append(helper.make_node("Constant", [], [name], name=name[:-9],
                                      value=numpy_helper.from_array(np.array(value, dtype=np.float32))))
        return name

    def node(op, inputs, **attributes):
        out = fresh(op)
        nodes.append(helper.make_node(op, inputs, [out], name=out[:-9], **attributes))
        return out

    def silu(x):
        return node("Mul", [x, node("Sigmoid", [x])])

    def gelu(x):
        erf = node("Erf", [node("Div", [x, constant(np.sqrt(2.0))])])
        return node("Mul", [node("Mul", [x, node("Add", [erf, constant(1.0)])]), constant(0.5)])

    def gelu_tanh(x):
        cube = node("Mul", [x, node("Mul", [x, x])])
        inner = node("Add", [x, node("Mul", [constant(0.044715), cube])])
        tanh = node("Tanh", [node("Mul", [constant(np.sqrt(2.0 / np.pi)), inner])])
        return node("Mul", [constant(0.5), node("Mul", [x, node("Add", [constant(1.0), tanh])])])

    def conv(x, layer, stride, pads):
        return node("Conv", [x, f"{layer}.weight", f"{layer}.bias"], kernel_shape=[3, 3], strides=[stride, stride], pads=pads)

    x = silu(conv("x", "conv1", 1, [1, 1, 1, 1]))
    x = node("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
    x = gelu(conv(x, "conv2", 1, [1, 1, 1, 1]))
    x = gelu_tanh(conv(x, "conv3", 2, [0, 0, 1, 1]))  # TensorFlow's same for 14 -> 7
    x = node("LeakyRelu", [gelu_tanh(gelu(silu(conv(x, "conv4", 1, [1, 1, 1, 1]))))], alpha=0.1)
    x = node("Flatten", [node("GlobalMaxPool", [x])], axis=1)
    x = gelu(node("Gemm", [x, "dense1.weight", "dense1.bias"], transB=1))
    x = silu(node("Gemm", [x, "dense2.weight", "dense2.bias"], transB=1))
    x = gelu_tanh(node("Gemm", [x, "dense3.weight", "dense3.bias"], transB=1))
    nodes.append(helper.make_node("Gemm", [x, "dense4.weight", "dense4.bias"], ["logits"], name="/dense4/Gemm", transB=1))
    graph = helper.make_graph(nodes, "torch_jit", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 1, 28, 28])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 10])], inits)
    model = helper.make_model(graph, producer_name="pytorch", opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, path)
    return model


def torch_exported(path):
    """A small network of nn.SiLU, nn.GELU (both forms), nn.LeakyReLU and global max pooling as
    torch.onnx.export writes it at opset 13 (random weights), or None without python3-torch."""
    try:
        import torch
        import torch.nn as nn
    except ImportError:
        return None
    torch.manual_seed(5)
    net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.SiLU(), nn.MaxPool2d(2), nn.Conv2d(4, 6, 3), nn.GELU(),
                        nn.Conv2d(6, 8, 3, padding=1), nn.GELU(approximate="tanh"), nn.LeakyReLU(0.2), nn.SiLU(),
                        nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(8, 16), nn.GELU(), nn.Linear(16, 10)).eval()
    with open(os.devnull, "w") as quiet, contextlib.redirect_stderr(quiet):
        torch.onnx.export(net, torch.zeros(1, 1, 28, 28), path, opset_version=13, input_names=["x"], output_names=["logits"],
                          dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}})
    return torch.__version__


def expect_refused(cnn, onnx, model, work, name, needle):
    """`cnn import` of `model` must exit 4 naming `needle`, and write nothing."""
    path = os.path.join(work, f"{name}.onnx")
    onnx.save(model, path)
    out = os.path.join(work, f"{name}.bin")
    result = subprocess.run([cnn, "import", path, "-o", out], capture_output=True, text=True)
    if result.returncode != 4 or needle not in result.stderr or os.path.exists(out):
        fail(f"import of {name}: exit {result.returncode}, stderr {result.stderr!r}")
    print(f"  {name} refused: {result.stderr.strip()}")


def check_import_activations(cnn, cv2, onnx, work, test_x):
    paths = write_pngs(cv2, test_x, os.path.join(work, "images", "28"), 28)
    inputs = network_inputs(cv2, paths)
    onnx_path = os.path.join(work, "torch-style-activations.onnx")
    model = torch_style_activations(onnx, onnx_path, os.path.join(work, "activations.onnx"))
    imported = os.path.join(work, "torch-style-activations.bin")
    run([cnn, "import", "-q", onnx_path, "-o", imported])
    layers = [layer["name"] + (f" ({layer['config']})" if layer["config"] else "")
              for layer in json.loads(run([cnn, "summary", "-q", "--format", "json", imported]))["layers"]]
    print(f"check_clients: cnn import of the PyTorch-style activations network: {', '.join(layers)}")
    predicted = json.loads(run([cnn, "predict", "-q", "--raw", "--format", "json", "-k", "1", "-w", imported, *paths]))
    cnn_probabilities = np.array([p["probabilities"] for p in predicted], dtype=np.float64)
    compare("imported activations vs OpenCV DNN", softmax(run_opencv(cv2, onnx_path, inputs)), cnn_probabilities)
    compare("imported activations vs onnxruntime", softmax(run_onnxruntime(onnx_path, inputs, work)), cnn_probabilities)

    torch_path = os.path.join(work, "torch-exported.onnx")
    version = torch_exported(torch_path)
    if version is None:
        print("  python3-torch is not installed: torch.onnx.export's own graph not checked")
    else:
        print(f"check_clients: torch.onnx.export (PyTorch {version}) nodes: "
              f"{' '.join(n.op_type for n in onnx.load(torch_path).graph.node if n.op_type != 'Constant')}")
        run([cnn, "import", "-q", torch_path, "-o", imported])
        predicted = json.loads(run([cnn, "predict", "-q", "--raw", "--format", "json", "-k", "1", "-w", imported, *paths]))
        cnn_probabilities = np.array([p["probabilities"] for p in predicted], dtype=np.float64)
        compare("imported torch export vs onnxruntime", softmax(run_onnxruntime(torch_path, inputs, work)), cnn_probabilities)
        compare("imported torch export vs OpenCV DNN", softmax(run_opencv(cv2, torch_path, inputs)), cnn_probabilities)

    # GlobalMaxPool gives (N, C, 1, 1): without its Flatten cnn has no form for it.
    flatten = next(i for i, n in enumerate(model.graph.node) if n.op_type == "Flatten")
    unflattened = type(model)()
    unflattened.CopyFrom(model)
    unflattened.graph.node[flatten].op_type = "Identity"
    del unflattened.graph.node[flatten].attribute[:]
    expect_refused(cnn, onnx, unflattened, work, "gmp-without-flatten", "a Flatten (axis 1) must follow")
    leaky = type(model)()
    leaky.CopyFrom(model)
    next(n for n in leaky.graph.node if n.op_type == "LeakyRelu").attribute[0].f = 1.5
    expect_refused(cnn, onnx, leaky, work, "leaky-alpha-1.5", "alpha 1.5 is outside cnn's slope range")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cnn", required=True, help="the cnn executable")
    parser.add_argument("--keep", help="work in this folder and keep it (default: a temporary folder, removed)")
    args = parser.parse_args()
    try:
        import cv2
        import onnx
    except ImportError as e:
        fail(f"{e}: install python3-opencv and python3-onnx (scripts/test.sh does)")
    if not os.path.isdir(os.path.join(HERE, "node_modules", "onnxruntime-node")):
        fail(f"onnxruntime-node is not installed: run `ONNXRUNTIME_NODE_INSTALL=skip npm ci` in {HERE} (scripts/test.sh does)")
    if shutil.which("node") is None:
        fail("node is not on PATH (scripts/test.sh installs nodejs when it is missing)")

    work = args.keep or tempfile.mkdtemp(prefix="cnn-onnx-clients-")
    os.makedirs(work, exist_ok=True)
    started = time.time()
    try:
        data_dir, test_x, mnist_dir = training_digits(work)
        source = f"MNIST subset from {mnist_dir}" if mnist_dir else "synthetic digits"
        every_kind = os.path.join(work, "every-kind.cfg")
        with open(every_kind, "w") as f:
            f.write(EVERY_KIND_CONFIG)
        modern = os.path.join(work, "modern.cfg")
        with open(modern, "w") as f:
            f.write(MODERN_CONFIG)
        grouped = os.path.join(work, "grouped.cfg")
        with open(grouped, "w") as f:
            f.write(GROUPED_CONFIG)
        graph = os.path.join(work, "graph.cfg")
        with open(graph, "w") as f:
            f.write(GRAPH_CONFIG)
        print(f"check_clients: {TRAIN_IMAGES} training and {len(test_x)} test images ({source}), {cv2.__version__=}, {onnx.__version__=}")

        # (name, config, input size, epochs: the repo's configs train for one instead of their ten)
        # and the stored normalisation: None, or the config's (mean, std)
        activations = os.path.join(work, "activations.cfg")
        with open(activations, "w") as f:
            f.write(ACTIVATIONS_CONFIG)
        networks = [("lenet5", os.path.join(ROOT, "configs", "lenet5.cfg"), 28, 1, None),
                    ("lenet5-1998", os.path.join(ROOT, "configs", "lenet5-1998.cfg"), 32, 1, None),
                    ("every-kind", every_kind, 28, None, None),
                    ("modern", modern, 28, None, MODERN_NORMALIZATION),
                    ("grouped", grouped, 28, None, None),
                    ("graph", graph, 28, None, None),
                    ("activations", activations, 28, None, None)]
        for name, config, size, epochs, normalization in networks:
            model = train(args.cnn, config, data_dir, os.path.join(work, "runs", name), epochs)
            paths = write_pngs(cv2, test_x, os.path.join(work, "images", str(size)), size)
            predicted = json.loads(run([args.cnn, "predict", "-q", "--raw", "--format", "json", "-k", "1", "-w", model, *paths]))
            cnn_probabilities = np.array([p["probabilities"] for p in predicted], dtype=np.float64)
            inputs = network_inputs(cv2, paths)
            print(f"check_clients: {name}: predict's classes {np.bincount(cnn_probabilities.argmax(1), minlength=10).tolist()}, "
                  f"mean top probability {cnn_probabilities.max(1).mean():.3f}")
            # A network that answers one class for everything would make the class comparison empty.
            if len(set(cnn_probabilities.argmax(1))) < 8:
                fail(f"{name}: the trained network predicts fewer than 8 of the 10 classes; the comparison would prove little")
            check_exports(args.cnn, cv2, onnx, work, name, model, inputs, cnn_probabilities, [str(c) for c in range(10)],
                          normalization)
            if name == "grouped":
                check_grouped(args.cnn, onnx, work, paths, cnn_probabilities)
        check_colour(args.cnn, cv2, onnx, work)
        check_resnet20(args.cnn, cv2, onnx, work)
        check_import(args.cnn, cv2, onnx, work, test_x)
        check_import_activations(args.cnn, cv2, onnx, work, test_x)
        print(f"check_clients: OK in {time.time() - started:.1f} s")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
