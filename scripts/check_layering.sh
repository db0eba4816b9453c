#!/usr/bin/env bash
# Checks that src/ folders include each other downward only (docs/architecture.md, "Folders"):
#   core <- ops, io, dist <- layers <- net <- runtime <- train <- config, onnx <- report <- cli <- main.cpp
# A file may include headers of its own folder and of folders of a lower rank; anything else (an
# include upward or sideways, and so any cycle between folders) is printed and fails the check.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A rank=([core]=0 [ops]=1 [io]=1 [dist]=1 [layers]=2 [net]=3 [runtime]=4 [train]=5 [config]=6 [onnx]=6 [c_export]=6 [quant]=5 [report]=7 [cli]=8 [.]=9)
status=0
while IFS= read -r file; do
  folder="$(dirname "${file#src/}")"
  folder="${folder%%/*}"  # a subfolder (layers/conv_methods) belongs to its folder
  if [ -z "${rank[$folder]+x}" ]; then
    echo "check_layering: $file: folder '$folder' has no rank; add it to scripts/check_layering.sh" >&2
    status=1
    continue
  fi
  while IFS= read -r included; do
    target="$(dirname "$included")"
    target="${target%%/*}"
    [ "$target" = "$folder" ] && continue
    [ -f "src/$included" ] || continue  # not one of ours (a library header)
    if [ -z "${rank[$target]+x}" ] || [ "${rank[$target]}" -ge "${rank[$folder]}" ]; then
      echo "check_layering: $file includes $included: $folder (rank ${rank[$folder]}) may include only lower folders" >&2
      status=1
    fi
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file")
done < <(find src -name '*.hpp' -o -name '*.cpp' | sort)

# The read-only commands run a model, they do not train one: they include the model runtime
# (runtime/), never train/.
for file in src/cli/predict.cpp src/cli/eval.cpp src/cli/summary.cpp src/cli/export.cpp src/onnx/*.hpp src/onnx/*.cpp; do
  if grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"train/' "$file" >&2; then
    echo "check_layering: $file (a read-only command) includes train/: use runtime/" >&2
    status=1
  fi
done
if [ "$status" -eq 0 ]; then echo "check_layering: src/ folders include downward only; read-only commands include no train/" >&2; fi
exit "$status"
