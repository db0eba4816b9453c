// `cnn export` and `cnn import` run in a second executable, cnn-onnx, built beside cnn from the
// same main.cpp with ONNX linked in (CMake target cnn-onnx). cnn parses the command line, then
// replaces itself with cnn-onnx and the same arguments (execv: same process, same exit code).
//
// Why: ONNX and protobuf, linked into cnn, were loaded by every command: 3 ms of each start (the
// start-up goal is 10 ms) and 5 MiB of every process's memory, training included.
#pragma once

namespace cnn {

// Runs `cnn-onnx` from this executable's folder with argv; returns only on failure (throws
// cnn::Error naming the path and the reason).
[[noreturn]] void run_onnx_helper(char** argv);

}  // namespace cnn
