"""The int8 C export (`cnn export --int8 --format c`), for check_c_export.py, which calls
check_int8() per network after the float checks:
  1. exports with --int8 (calibrating on the first 1,000 training images of the run's data) and
     reads what it printed: its int8 and float accuracy on the run's validation images;
  2. requires NAME.h's int8 macros and declarations, and NAME.c to include nothing but <stdint.h>;
  3. compiles NAME.c with tests/c_export/harness_int8.c by gcc and clang, -std=c99 -Wall -Wextra
     -Werror -pedantic, linked without -lm;
  4. runs it on the validation images: its number of correct classes must be exactly the one the
     export printed (the C computes what cnn's int8 run computed, bit for bit), and NAME_predict
     on floats must give NAME_predict_u8's class on every image;
  5. runs it on the test images: gcc's accuracy on all of them within 0.3 points of `cnn predict`'s
     (the float model's), clang's classes on the first 1,000 the same as gcc's, and on those the
     probabilities of NAME_predict summing to 1;
  6. for LeNet-5, builds it for a Cortex-M4 with the FPU left off (startup.c -DLEAVE_FPU_OFF) and
     runs NAME_predict_u8 in qemu on 100 images: the host's classes, no fault. The float entry point
     on the same board must fault (so that the check can fail).
check_int8_onnx() does the same for the int8 ONNX forms, QDQ and QLinearConv, in onnxruntime and
OpenCV.
"""
import os
import re
import subprocess

import numpy as np

import check_c_export as c  # noqa: E402  (its runner, compilers and Cortex-M4 helpers)

ACCURACY_TOLERANCE = 0.3  # points
CLASS_AGREEMENT = 0.97


def export_int8(cnn, model, folder, name):
    os.makedirs(folder, exist_ok=True)
    source = os.path.join(folder, name + ".c")
    printed = c.run([cnn, "export", model, "--int8", "--threads", "1", "-o", source]).stderr.decode()
    header_text = open(os.path.join(folder, name + ".h")).read()
    upper = name.upper()
    for needed in (f"#define {upper}_INT8 1", f"int {name}_predict_u8(const unsigned char *pixels);",
                   f"int {name}_predict(const float *input, float *probabilities);"):
        if needed not in header_text:
            c.fail(f"{name}.h lacks '{needed}'")
    source_text = open(source).read()
    includes = re.findall(r"#include\s*(\S+)", source_text)
    if includes != [f'"{name}.h"', "<stdint.h>"]:
        c.fail(f"{name}.c includes {includes}: the int8 form needs nothing but <stdint.h>")
    for banned in ("malloc", "float buffer"):
        if banned in source_text:
            c.fail(f"{name}.c uses {banned}")
    measured = re.search(r"int8 accuracy on the (\d+) validation images: .*; (\d+) of \d+ correct\)", printed)
    if not measured:
        c.fail(f"the int8 export printed no accuracy on the validation images:\n{printed}")
    macros = {k: int(v) for k, v in re.findall(r"#define (\w+) (\d+)", header_text)}
    return source, macros, int(measured.group(1)), int(measured.group(2)), printed


def build_int8(folder, name, source):
    upper = name.upper()
    programs = []
    for compiler, flags in c.COMPILERS:
        program = os.path.join(folder, f"{name}-{compiler}")
        c.run([compiler, *flags, "-I", folder, f'-DNETWORK_HEADER="{name}.h"', f"-DNETWORK_PREDICT={name}_predict",
               f"-DNETWORK_PREDICT_U8={name}_predict_u8", f"-DNETWORK_INPUTS=({upper}_CHANNELS * {upper}_HEIGHT * {upper}_WIDTH)",
               f"-DNETWORK_CLASSES={upper}_CLASSES", os.path.join(c.HERE, "harness_int8.c"), source, "-o", program])
        programs.append((compiler, program))
    return programs


def run_int8_program(program, pixels, u8_only=False):
    """Per image NAME_predict_u8's class, NAME_predict's class and probabilities (the image as
    floats); with u8_only, NAME_predict_u8's classes alone."""
    command = [program, "--u8-only"] if u8_only else [program]
    out = c.run(command, input=np.ascontiguousarray(pixels, dtype=np.uint8).tobytes()).stdout.decode()
    rows = [line.split() for line in out.splitlines()]
    if len(rows) != len(pixels):
        c.fail(f"{program}: {len(rows)} lines for {len(pixels)} images")
    from_pixels = np.array([int(r[0]) for r in rows])
    if u8_only:
        return from_pixels
    from_floats = np.array([int(r[1]) for r in rows])
    probabilities = np.array([[float(v) for v in r[2:]] for r in rows])
    return from_pixels, from_floats, probabilities


def validation_images(data_dir, count, size):
    """The last `count` training images of the run's data (what the export measured on) and their labels."""
    import check_clients as clients
    x = clients.read_idx(clients.find_idx(data_dir, "train-images-idx3-ubyte"))[-count:]
    y = clients.read_idx(clients.find_idx(data_dir, "train-labels-idx1-ubyte"))[-count:]
    return with_border(x, size), y.astype(np.int64)


def with_border(images, size):
    """28x28 digits in the model's input (a zero border for LeNet-1998's 32x32), (N, 1, size, size)."""
    border = (size - 28) // 2
    out = np.zeros((len(images), 1, size, size), dtype=np.uint8)
    out[:, 0, border:border + 28, border:border + 28] = images
    return out


def check_int8(cnn, model, work, name, data_dir, size, test_images, test_labels, cnn_classes, accuracy=True):
    """Steps 1-5 for one network; accuracy=False skips the 0.3-point bound (the small networks that
    hold every layer kind, trained a few steps, are there for the kernels, not for accuracy)."""
    folder = os.path.join(work, "c8", name)
    stem = name + "_int8"
    source, macros, validation_count, validation_correct, printed = export_int8(cnn, model, folder, stem)
    upper = stem.upper()
    print(f"check_c_export: {stem}: {macros[upper + '_WEIGHT_BYTES']} bytes of weights and tables, "
          f"{macros[upper + '_RAM_BYTES']} bytes of activations; the export says: "
          f"{printed.strip().splitlines()[-1].split('] ', 1)[-1]}")
    val_x, val_y = validation_images(data_dir, validation_count, size)
    test_x = with_border(test_images, size)
    float_accuracy = 100.0 * float(np.mean(cnn_classes == test_labels))
    host = None
    first = min(c.OTHER_COMPILER_IMAGES, len(test_images))
    for k, (compiler, program) in enumerate(build_int8(folder, stem, source)):
        from_pixels, from_floats, _ = run_int8_program(program, val_x)
        correct = int((from_pixels == val_y).sum())
        if correct != validation_correct:
            c.fail(f"{stem} by {compiler}: {correct} of {validation_count} validation images correct, the export measured "
                   f"{validation_correct}: the C does not compute what cnn's int8 run does")
        if (from_pixels != from_floats).any():
            c.fail(f"{stem} by {compiler}: {name}_predict and {name}_predict_u8 differ on {(from_pixels != from_floats).sum()} images")
        # The float entry point's probabilities on the first images (it costs as much as the int8
        # one again); the classes of the bytes on all of them for the first compiler, whose
        # accuracy is the one bounded, and on the first images for the others, which must give
        # the first's classes exactly: int8 arithmetic leaves a compiler nothing to round.
        _, from_floats, probabilities = run_int8_program(program, test_x[:first])
        if not np.allclose(probabilities.sum(1), 1.0, atol=1e-5) or (probabilities.argmax(1) != from_floats).any():
            c.fail(f"{stem} by {compiler}: the probabilities do not sum to 1 or do not peak at the class")
        if k > 0:
            from_pixels = run_int8_program(program, test_x[:first], u8_only=True)
            if (from_pixels != host[:first]).any():
                c.fail(f"{stem} by {compiler}: {int((from_pixels != host[:first]).sum())} of the first {first} test images "
                       f"get other classes than by {c.COMPILERS[0][0]}")
            print(f"  {stem} by {compiler}: validation {correct} of {validation_count} correct as the export measured; "
                  f"the first {first} test images' classes as by {c.COMPILERS[0][0]}")
            continue
        from_pixels = run_int8_program(program, test_x, u8_only=True)
        int8_accuracy = 100.0 * float(np.mean(from_pixels == test_labels))
        print(f"  {stem} by {compiler}: validation {correct} of {validation_count} correct as the export measured; "
              f"test accuracy {int8_accuracy:.2f}% against the float model's {float_accuracy:.2f}% "
              f"({len(test_labels)} images, {int((from_pixels != cnn_classes).sum())} classes differ)")
        if accuracy and abs(int8_accuracy - float_accuracy) > ACCURACY_TOLERANCE:
            c.fail(f"{stem}: int8 accuracy {int8_accuracy:.2f}% is more than {ACCURACY_TOLERANCE} points from the float "
                   f"model's {float_accuracy:.2f}%")
        host = from_pixels
    return folder, stem, source, test_x, host


def check_int8_cortex_m4(folder, stem, source, pixels, host_classes):
    """The int8 LeNet-5 on a Cortex-M4 with the FPU left off."""
    m4 = os.path.join(c.HERE, "cortex_m4")
    upper = stem.upper()
    count = min(c.M4_IMAGES, len(pixels))
    flat = pixels[:count].reshape(count, -1)
    with open(os.path.join(folder, "images.h"), "w") as f:
        f.write(f"#define IMAGE_COUNT {count}\nstatic const unsigned char images[IMAGE_COUNT][{flat.shape[1]}] = {{\n")
        f.write(",\n".join("{" + ",".join(str(int(v)) for v in row) + "}" for row in flat) + "\n};\n")
    defines = [f'-DNETWORK_HEADER="{stem}.h"', '-DIMAGES_HEADER="images.h"', f"-DNETWORK_PREDICT={stem}_predict",
               f"-DNETWORK_PREDICT_U8={stem}_predict_u8", f"-DNETWORK_INPUTS=({upper}_CHANNELS * {upper}_HEIGHT * {upper}_WIDTH)",
               f"-DNETWORK_CLASSES={upper}_CLASSES"]
    startup = os.path.join(folder, "startup-fpu-off.o")
    c.run(["arm-none-eabi-gcc", *c.ARM_FLAGS, "-std=gnu99", "-Wall", "-Wextra", "-Werror", "-DLEAVE_FPU_OFF", "-c",
           os.path.join(m4, "startup.c"), "-o", startup])
    network = os.path.join(folder, stem + ".o")
    c.run(["arm-none-eabi-gcc", *c.ARM_FLAGS, *c.WARNINGS, "-I", folder, "-c", source, "-o", network])

    def program(classify, elf):
        obj = os.path.join(folder, os.path.basename(classify) + ".o")
        c.run(["arm-none-eabi-gcc", *c.ARM_FLAGS, *c.WARNINGS, "-I", folder, *defines, "-c", classify, "-o", obj])
        c.run(["arm-none-eabi-gcc", *c.ARM_FLAGS, "-nostartfiles", "-T", os.path.join(m4, "stm32f4.ld"), "--specs=nano.specs",
               "--specs=nosys.specs", "-Wl,--gc-sections", network, obj, startup, "-o", elf])
        return subprocess.run(["qemu-system-arm", "-M", "mps2-an386", "-nographic", "-monitor", "none", "-serial", "none",
                               "-semihosting-config", "enable=on,target=native", "-kernel", elf],
                              capture_output=True, text=True, timeout=300)

    elf = os.path.join(folder, stem + "-cortex-m4.elf")
    qemu = program(os.path.join(m4, "classify_u8.c"), elf)
    if qemu.returncode != 0 or "fault" in qemu.stderr:
        c.fail(f"{stem} on the Cortex-M4 with its FPU off: qemu exited with {qemu.returncode}:\n{qemu.stderr[-2000:]}")
    printed = [int(v) for v in qemu.stderr.split() if v.isdigit()]
    if printed != [int(k) for k in host_classes[:count]]:
        c.fail(f"{stem}: the Cortex-M4 printed {printed[:20]}..., the host build {list(host_classes[:20])}...")
    text, data, bss = (int(v) for v in c.run(["arm-none-eabi-size", elf]).stdout.decode().splitlines()[-1].split()[:3])
    print(f"  {stem} on a Cortex-M4 (qemu mps2-an386) with the FPU off: {count} classes as on the host; "
          f"flash {text + data} bytes (text {text}, data {data}), RAM {data + bss} bytes (bss {bss}) + 8 KiB stack")
    floats = program(os.path.join(m4, "classify.c"), os.path.join(folder, stem + "-floats.elf"))
    if "fault" not in floats.stderr:
        c.fail(f"{stem}: the float entry point ran with the FPU off; the no-FPU check proves nothing")
    print(f"  ({stem}_predict, which takes floats, faults on the same board as it must)")


def check_int8_onnx(cnn, cv2, model, work, name, test_images, test_labels, size, min_ratio=None, int8_classes=None):
    """`cnn export --int8` to ONNX in both forms on the test images: QDQ in onnxruntime, and the
    QOperator form (--qlinear) in onnxruntime and in OpenCV's DNN module (which runs no QDQ weights):
    each accuracy within 0.3 points of the float export's in the same runtime; with min_ratio,
    each file at least that many times smaller than the float one. With int8_classes (the int8 C's
    classes of the test images; for the small networks of every layer kind, trained a few steps, whose
    accuracy proves little), each form's classes must instead agree with the C's on at least
    CLASS_AGREEMENT of the images: the same quantization, rounded by another runtime."""
    import check_clients as clients
    import onnx
    folder = os.path.join(work, "int8_onnx", name)
    os.makedirs(folder, exist_ok=True)
    paths = {form: os.path.join(folder, f"{name}{suffix}.onnx") for form, suffix in
             (("float", ""), ("QDQ", "_int8"), ("QLinearConv", "_int8_qlinear"))}
    c.run([cnn, "export", model, "-o", paths["float"]])
    for form, flags in (("QDQ", []), ("QLinearConv", ["--qlinear"])):
        printed = c.run([cnn, "export", model, "--int8", *flags, "--threads", "1", "-o", paths[form]]).stderr.decode()
        if f"int8 {form}" not in printed or "int8 accuracy on the" not in printed:
            c.fail(f"the {form} export printed no int8 line or no accuracy:\n{printed}")
    ops = {form: {n.op_type for n in onnx.load(paths[form]).graph.node} for form in ("QDQ", "QLinearConv")}
    if not {"QuantizeLinear", "DequantizeLinear"} <= ops["QDQ"]:
        c.fail(f"{paths['QDQ']} holds no QuantizeLinear/DequantizeLinear nodes: {sorted(ops['QDQ'])}")
    if "QLinearConv" not in ops["QLinearConv"] or {"Conv", "Gemm"} & ops["QLinearConv"]:
        c.fail(f"{paths['QLinearConv']} is not made of QLinearConv: {sorted(ops['QLinearConv'])}")
    inputs = with_border(test_images, size).astype(np.float32) / np.float32(255.0)
    float_size = os.path.getsize(paths["float"])
    for runtime in ("onnxruntime", "OpenCV"):
        classes = [None]  # the last run's

        def accuracy(path):
            logits = clients.run_onnxruntime(path, inputs, folder) if runtime == "onnxruntime" else clients.run_opencv(cv2, path, inputs)
            classes[0] = logits.argmax(1)
            return 100.0 * float(np.mean(classes[0] == test_labels))
        reference = accuracy(paths["float"])
        for form in ("QDQ", "QLinearConv") if runtime == "onnxruntime" else ("QLinearConv",):
            got, ratio = accuracy(paths[form]), float_size / os.path.getsize(paths[form])
            print(f"  {name}: {form} ONNX in {runtime} {got:.2f}% against the float export's {reference:.2f}% "
                  f"({len(test_labels)} images); {os.path.getsize(paths[form])} bytes, {ratio:.2f}x smaller than the float file")
            if int8_classes is not None:
                agree = float(np.mean(classes[0] == int8_classes))
                print(f"    its classes agree with the int8 C's on {100 * agree:.1f}% of the images")
                if agree < CLASS_AGREEMENT:
                    c.fail(f"{name}: the {form} model in {runtime} agrees with the int8 C on only {100 * agree:.1f}% of the images")
            elif abs(got - reference) > ACCURACY_TOLERANCE:
                c.fail(f"{name}: the {form} model's accuracy in {runtime} is more than {ACCURACY_TOLERANCE} points from the float export's")
            if min_ratio and ratio < min_ratio:
                c.fail(f"{name}: the {form} file is only {ratio:.2f}x smaller than the float one (at least {min_ratio}x)")
