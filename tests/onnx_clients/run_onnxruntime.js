// Runs an ONNX model in onnxruntime (the npm package onnxruntime-node, CPU) on a batch written by
// check_clients.py, and writes the model's one output back, both as raw little-endian float32:
//   node run_onnxruntime.js MODEL.onnx INPUT.f32 N C H W OUTPUT.f32
// Also prints the output's name and shape as JSON on stdout.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [modelPath, inputPath, n, c, h, w, outputPath] = process.argv.slice(2);
  const dims = [n, c, h, w].map(Number);
  const bytes = fs.readFileSync(inputPath);
  const pixels = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  if (pixels.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`${inputPath}: ${pixels.length} floats for ${dims}`);
  const session = await ort.InferenceSession.create(modelPath, { executionProviders: ['cpu'] });
  if (session.inputNames.length !== 1) throw new Error(`inputs ${session.inputNames}`);
  const results = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', pixels, dims) });
  const name = session.outputNames[0];
  const out = results[name];
  fs.writeFileSync(outputPath, Buffer.from(out.data.buffer, out.data.byteOffset, out.data.byteLength));
  console.log(JSON.stringify({ output: name, dims: out.dims, outputs: session.outputNames }));
}

main().catch((e) => {
  console.error(`run_onnxruntime.js: ${e.stack || e}`);
  process.exit(1);
});
