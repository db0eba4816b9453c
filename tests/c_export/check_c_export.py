#!/usr/bin/python3
"""The C export (`cnn export --format c`) compiled and run, by ctest as `c_export`.

For LeNet-5 (configs/lenet5.cfg), the 1998 LeNet (configs/lenet5-1998.cfg: 32x32, scaled tanh,
average pooling), configs/fashion.cfg's network (batch norm, dropout, global pooling) and the
networks of tests/onnx_clients/check_clients.py that hold every layer kind (the every-kind one,
the modern one with a stored normalisation, grouped and dilated convs, a graph with residual adds
and a concat, silu and both gelus), this script:
  1. trains each briefly with `cnn train` (one epoch on 2,000 images: an MNIST subset when
     CNN_TEST_MNIST_DIR names the MNIST files, else synthetic digits);
  2. classifies test images with `cnn predict --raw --format json`: for LeNet-5, the 1998 LeNet and
     fashion.cfg all 10,000 MNIST test images when the files are there, else 500 (synthetic);
  3. exports each with `cnn export --format c -o DIR/NAME.c` and checks what it printed and the
     header's macros;
  4. compiles NAME.c with tests/c_export/harness.c by gcc and by clang, each with
     `-std=c99 -Wall -Wextra -Werror -pedantic`, and with `-Wconversion -Wshadow` on gcc;
  5. runs the programs on the same images (float32 bytes / 255, the network's input layout), gcc's
     on all of them and clang's on the first 1,000, and requires cnn's class for every image and
     every probability within 1e-5 of cnn's;
  6. for LeNet-5, builds NAME.c for a Cortex-M4 with arm-none-eabi-gcc (hard float; startup and an
     STM32F4-sized linker script in tests/c_export/cortex_m4/), runs it in qemu-system-arm -M
     mps2-an386 with semihosting on 100 of the images, requires the host's classes and reports its
     flash and RAM; fashion.cfg's network (1.7 MB of float weights) must fail to link.
  7. checks each network's int8 form (`--int8`) as tests/c_export/int8_checks.py describes: the C
     bit for bit against the export's own measurement on the validation images, its accuracy
     (LeNet-5, the 1998 LeNet, fashion.cfg) within 0.3 points of the float model's, the same as
     int8 ONNX: QDQ in onnxruntime, the QOperator form (--qlinear) in onnxruntime and OpenCV
     (LeNet-5's files at least 3.5x smaller), and LeNet-5 on a Cortex-M4 with its FPU off.
It also checks that class names with quotes, a backslash, '*', '??=' (a trigraph) and UTF-8 come out
as C that compiles and reads back byte for byte, and that a file name that is no C identifier is refused with
nothing written.

Usage: check_c_export.py --cnn PATH/TO/cnn [--keep DIR]
Needs /usr/bin/python3 with numpy and cv2 (python3-opencv), gcc, clang, gcc-arm-none-eabi with
libnewlib-arm-none-eabi, and qemu-system-arm.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "onnx_clients"))
import check_clients as clients  # noqa: E402  (its data, training and PNG helpers)
import int8_checks as int8  # noqa: E402  (the int8 form's checks)

TOLERANCE = 1e-5
WARNINGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]
# The first compiler's programs run on every test image; the others' on the first
# OTHER_COMPILER_IMAGES, against the same references: a second compiler is there to catch C that it
# reads otherwise, which a thousand images show as well as ten thousand (and the networks' plain C
# takes up to 5 ms an image).
COMPILERS = [("gcc", WARNINGS + ["-Wconversion", "-Wshadow", "-O2"]), ("clang", WARNINGS + ["-O2"])]
OTHER_COMPILER_IMAGES = 1000


def fail(message):
    print(f"check_c_export: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, **kwargs)
    if result.returncode != 0:
        fail(f"{' '.join(command[:6])} ... exited with {result.returncode}:\n{result.stderr.decode(errors='replace')[-3000:]}")
    return result


def export_c(cnn, model, folder, name):
    os.makedirs(folder, exist_ok=True)
    source = os.path.join(folder, name + ".c")
    printed = run([cnn, "export", model, "--format", "c", "-o", source]).stderr.decode()
    header = os.path.join(folder, name + ".h")
    for path in (source, header):
        if not os.path.isfile(path):
            fail(f"the export wrote no {path}")
    text = open(header).read()
    macros = dict(re.findall(r"#define (\w+) (\d+)", text))
    upper = name.upper()
    for m in ("CHANNELS", "HEIGHT", "WIDTH", "CLASSES", "WEIGHT_BYTES", "RAM_BYTES"):
        if f"{upper}_{m}" not in macros:
            fail(f"{header} defines no {upper}_{m}")
    if f"int {name}_predict(const float *input, float *probabilities);" not in text:
        fail(f"{header} does not declare {name}_predict")
    said = re.search(r"(\d+) bytes of weights \(flash\), (\d+) bytes of activations \(RAM\)", printed)
    if not said or said.groups() != (macros[f"{upper}_WEIGHT_BYTES"], macros[f"{upper}_RAM_BYTES"]):
        fail(f"the export printed other sizes than {header} states:\n{printed}")
    for banned in ("malloc", "calloc", "free(", "#include <std"):
        if banned in open(source).read():
            fail(f"{source} uses {banned}")
    return source, {k: int(v) for k, v in macros.items()}


def build(folder, name, source):
    """The harness around NAME.c, by each compiler; returns the programs."""
    upper = name.upper()
    programs = []
    for compiler, flags in COMPILERS:
        program = os.path.join(folder, f"{name}-{compiler}")
        run([compiler, *flags, "-I", folder, f'-DNETWORK_HEADER="{name}.h"', f"-DNETWORK_PREDICT={name}_predict",
             f"-DNETWORK_INPUTS=({upper}_CHANNELS * {upper}_HEIGHT * {upper}_WIDTH)", f"-DNETWORK_CLASSES={upper}_CLASSES",
             os.path.join(HERE, "harness.c"), source, "-lm", "-o", program])
        programs.append((compiler, program))
    return programs


def run_program(program, inputs):
    out = run([program], input=np.ascontiguousarray(inputs, dtype=np.float32).tobytes()).stdout.decode()
    rows = [line.split() for line in out.splitlines()]
    classes = np.array([int(r[0]) for r in rows])
    probabilities = np.array([[float(v) for v in r[1:]] for r in rows])
    return classes, probabilities


def compare(label, classes, probabilities, cnn_probabilities):
    if probabilities.shape != cnn_probabilities.shape:
        fail(f"{label}: {probabilities.shape} probabilities for cnn's {cnn_probabilities.shape}")
    worst = float(np.abs(probabilities - cnn_probabilities).max())
    differ = int((classes != cnn_probabilities.argmax(1)).sum())
    print(f"  {label}: max |p - p_cnn| {worst:.2e}, {differ} of {len(classes)} classes differ")
    if worst > TOLERANCE or differ:
        fail(f"{label}: max |p - p_cnn| {worst:.3g} (tolerance {TOLERANCE}), {differ} classes differ from cnn predict")
    if not np.allclose(probabilities.sum(1), 1.0, atol=1e-5):
        fail(f"{label}: probabilities do not sum to 1")


ARM_FLAGS = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16", "-O2", "-ffunction-sections",
             "-fdata-sections"]
M4_IMAGES = 100


def check_cortex_m4(folder, name, source, pixels, host_classes, fits=True):
    """NAME.c for a Cortex-M4 (hard float), linked for 1 MiB of flash and 128 KiB of RAM
    (tests/c_export/cortex_m4/stm32f4.ld) and run in qemu's mps2-an386 with semihosting on the
    first M4_IMAGES images: it must print the host build's classes. With fits=False the link must
    fail for lack of room."""
    m4 = os.path.join(HERE, "cortex_m4")
    upper = name.upper()
    images = os.path.join(folder, "images.h")
    count = min(M4_IMAGES, len(pixels))
    flat = pixels[:count].reshape(count, -1)
    with open(images, "w") as f:
        f.write(f"#define IMAGE_COUNT {count}\nstatic const unsigned char images[IMAGE_COUNT][{flat.shape[1]}] = {{\n")
        f.write(",\n".join("{" + ",".join(str(int(v)) for v in row) + "}" for row in flat) + "\n};\n")
    elf = os.path.join(folder, f"{name}-cortex-m4.elf")
    compile_c = ["arm-none-eabi-gcc", *ARM_FLAGS, *WARNINGS, "-I", folder, f'-DNETWORK_HEADER="{name}.h"',
                 '-DIMAGES_HEADER="images.h"', f"-DNETWORK_PREDICT={name}_predict",
                 f"-DNETWORK_INPUTS=({upper}_CHANNELS * {upper}_HEIGHT * {upper}_WIDTH)", f"-DNETWORK_CLASSES={upper}_CLASSES"]
    objects = []
    for c_file, flags in [(source, compile_c), (os.path.join(m4, "classify.c"), compile_c),
                          (os.path.join(m4, "startup.c"), ["arm-none-eabi-gcc", *ARM_FLAGS, "-std=gnu99", "-Wall", "-Wextra", "-Werror"])]:
        obj = os.path.join(folder, os.path.basename(c_file) + ".o")
        run([*flags, "-c", c_file, "-o", obj])
        objects.append(obj)
    link = subprocess.run(["arm-none-eabi-gcc", *ARM_FLAGS, "-nostartfiles", "-T", os.path.join(m4, "stm32f4.ld"),
                           "--specs=nano.specs", "--specs=nosys.specs", "-Wl,--gc-sections", *objects, "-lm", "-o", elf],
                          capture_output=True, text=True)
    if not fits:
        if link.returncode == 0:
            fail(f"{name}: {elf} linked although its weights do not fit 1 MiB of flash")
        if "overflow" not in link.stderr and "will not fit" not in link.stderr:
            fail(f"{name}: the link failed, but not for room:\n{link.stderr[-2000:]}")
        print(f"  {name} for the Cortex-M4: the link fails as it must (1 MiB of flash is too small)")
        return
    if link.returncode != 0:
        fail(f"{name}: linking for the Cortex-M4 failed:\n{link.stderr[-3000:]}")
    size = run(["arm-none-eabi-size", elf]).stdout.decode().splitlines()[-1].split()
    text, data, bss = (int(v) for v in size[:3])
    qemu = subprocess.run(["qemu-system-arm", "-M", "mps2-an386", "-nographic", "-monitor", "none", "-serial", "none",
                           "-semihosting-config", "enable=on,target=native", "-kernel", elf],
                          capture_output=True, text=True, timeout=300)
    if qemu.returncode != 0:
        fail(f"{name}: qemu exited with {qemu.returncode}:\n{qemu.stdout[-2000:]}{qemu.stderr[-2000:]}")
    printed = [int(v) for v in qemu.stderr.split() if v.isdigit()]  # qemu writes the semihosting console to stderr
    if printed != [int(c) for c in host_classes[:count]]:
        fail(f"{name}: the Cortex-M4 printed {printed[:20]}..., the host build {list(host_classes[:20])}...")
    print(f"  {name} on a Cortex-M4 (qemu mps2-an386, hard float): {count} classes as on the host; "
          f"flash {text + data} bytes (text {text}, data {data}), RAM {data + bss} bytes (bss {bss}) + 8 KiB stack")


def check_class_names(cnn, work):
    """Hostile class names: a folder data set whose class folders are named with C's troublemakers."""
    import cv2
    names = ['say "hi"', "back\\slash", "star*", "trigraph??=", "caf\u00e9"]
    data = os.path.join(work, "names-data", "train")
    rng = np.random.default_rng(3)
    for k, n in enumerate(names):
        os.makedirs(os.path.join(data, n))
        for i in range(6):
            image = np.clip(rng.normal(40 + 40 * k, 20, size=(12, 12)), 0, 255).astype(np.uint8)
            cv2.imwrite(os.path.join(data, n, f"{i}.png"), image)
    config = os.path.join(work, "names.cfg")
    with open(config, "w") as f:
        f.write("data: {format: folder, dir: x, validation: 0}\nmodel:\n  input: [1, 12, 12]\n  layers:\n"
                "    - conv: {filters: 2, kernel: 3, activation: relu}\n    - global_avg_pool\n    - dense: {units: 5}\n"
                "    - softmax\ntrain: {epochs: 1, batch_size: 10}\n")
    model = clients.train(cnn, config, os.path.dirname(data), os.path.join(work, "runs", "names"), 1, validation=0)
    folder = os.path.join(work, "c", "names")
    source, _ = export_c(cnn, model, folder, "names")
    with open(os.path.join(folder, "print_names.c"), "w") as f:
        f.write('#include <stdio.h>\n#include "names.h"\nint main(void) {\n    int k;\n'
                "    for (k = 0; k < NAMES_CLASSES; ++k) printf(\"%s|\", names_class_names[k]);\n    return 0;\n}\n")
    for compiler, flags in COMPILERS:
        program = os.path.join(folder, f"print-{compiler}")
        run([compiler, *flags, "-I", folder, os.path.join(folder, "print_names.c"), source, "-lm", "-o", program])
        printed = run([program]).stdout.decode().split("|")[:-1]
        if printed != sorted(names):
            fail(f"class names through {compiler}: {printed!r}, not {sorted(names)!r}")
    print("  class names with quotes, a backslash, '*', '??=' and UTF-8: compiled and read back by gcc and clang")
    refused = subprocess.run([cnn, "export", model, "--format", "c", "-o", os.path.join(folder, "2fast.c")], capture_output=True)
    if refused.returncode == 0 or os.path.exists(os.path.join(folder, "2fast.c")) or os.path.exists(os.path.join(folder, "2fast.h")):
        fail("a file name that is no C identifier was not refused, or something was written")
    if b"C identifier" not in refused.stderr:
        fail(f"the refusal does not say why: {refused.stderr!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cnn", required=True, help="the cnn executable")
    parser.add_argument("--keep", help="work in this folder and keep it (default: a temporary folder, removed)")
    args = parser.parse_args()
    try:
        import cv2
    except ImportError as e:
        fail(f"{e}: install python3-opencv (scripts/test.sh does)")
    for compiler in [c for c, _ in COMPILERS] + ["arm-none-eabi-gcc", "qemu-system-arm"]:
        if shutil.which(compiler) is None:
            fail(f"{compiler} is not on PATH (scripts/test.sh installs it)")
    work = args.keep or tempfile.mkdtemp(prefix="cnn-c-export-")
    os.makedirs(work, exist_ok=True)
    started = time.time()
    try:
        data_dir, test_x, mnist_dir = clients.training_digits(work)
        all_test_x = test_x
        test_y = None if mnist_dir else clients.synthetic_digits()[3]
        all_test_y = test_y
        if mnist_dir:  # LeNet-5 runs on the whole test set
            all_test_x = clients.read_idx(clients.find_idx(mnist_dir, "t10k-images-idx3-ubyte"))
            all_test_y = clients.read_idx(clients.find_idx(mnist_dir, "t10k-labels-idx1-ubyte")).astype(np.int64)
        configs = {}
        for name, text in [("every_kind", clients.EVERY_KIND_CONFIG), ("modern", clients.MODERN_CONFIG),
                           ("grouped", clients.GROUPED_CONFIG), ("graph", clients.GRAPH_CONFIG),
                           ("activations", clients.ACTIVATIONS_CONFIG)]:
            configs[name] = os.path.join(work, name + ".cfg")
            with open(configs[name], "w") as f:
                f.write(text)
        print(f"check_c_export: {clients.TRAIN_IMAGES} training images ({'MNIST' if mnist_dir else 'synthetic'}), "
              f"{len(all_test_x)} test images for lenet5, lenet5_1998 and fashion, {len(test_x)} for the others")
        # The three networks the int8 accuracy bound (0.3 points) is for run on every test image:
        # on 500 it would be one image.
        networks = [("lenet5", os.path.join(ROOT, "configs", "lenet5.cfg"), 28, 1, all_test_x),
                    ("lenet5_1998", os.path.join(ROOT, "configs", "lenet5-1998.cfg"), 32, 1, all_test_x),
                    ("fashion", os.path.join(ROOT, "configs", "fashion.cfg"), 28, 1, all_test_x)]
        networks += [(name, path, 28, None, test_x) for name, path in configs.items()]
        for name, config, size, epochs, images in networks:
            model = clients.train(args.cnn, config, data_dir, os.path.join(work, "runs", name), epochs)
            paths = clients.write_pngs(cv2, images, os.path.join(work, "images", f"{name}"), size)
            predicted = json.loads(run([args.cnn, "predict", "-q", "--raw", "--format", "json", "-k", "1", "-w", model, *paths]).stdout)
            cnn_probabilities = np.array([p["probabilities"] for p in predicted], dtype=np.float64)
            if len(set(cnn_probabilities.argmax(1))) < 8:
                fail(f"{name}: the trained network predicts fewer than 8 of the 10 classes; the comparison would prove little")
            folder = os.path.join(work, "c", name)
            source, macros = export_c(args.cnn, model, folder, name)
            print(f"check_c_export: {name}: {macros[name.upper() + '_WEIGHT_BYTES']} bytes of weights, "
                  f"{macros[name.upper() + '_RAM_BYTES']} bytes of activations")
            inputs = clients.network_inputs(cv2, paths)
            host_classes = None
            for k, (compiler, program) in enumerate(build(folder, name, source)):
                count = len(inputs) if k == 0 else OTHER_COMPILER_IMAGES
                classes, probabilities = run_program(program, inputs[:count])
                compare(f"{name} by {compiler}", classes, probabilities, cnn_probabilities[:count])
                if k == 0:
                    host_classes = classes
            if name in ("lenet5", "fashion"):  # the reference job, and one too large for the part
                pixels = np.stack([cv2.imread(p, cv2.IMREAD_UNCHANGED) for p in paths[:M4_IMAGES]])[:, None, :, :]
                check_cortex_m4(folder, name, source, pixels, host_classes, fits=name == "lenet5")
            labels = all_test_y if images is all_test_x else all_test_y[:len(images)] if mnist_dir else test_y
            folder8, stem, source8, pixels8, host8 = int8.check_int8(
                args.cnn, model, work, name, data_dir, size, images, labels, cnn_probabilities.argmax(1),
                accuracy=name in ("lenet5", "lenet5_1998", "fashion"))
            if name == "lenet5":
                int8.check_int8_cortex_m4(folder8, stem, source8, pixels8, host8)
            if name in ("lenet5", "lenet5_1998", "fashion"):
                int8.check_int8_onnx(args.cnn, cv2, model, work, name, images, labels, size, min_ratio=3.5 if name == "lenet5" else None)
            else:  # every other layer kind in both int8 ONNX forms, against the int8 C
                int8.check_int8_onnx(args.cnn, cv2, model, work, name, images, labels, size, int8_classes=host8)
        check_class_names(args.cnn, work)
        print(f"check_c_export: OK in {time.time() - started:.1f} s")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
