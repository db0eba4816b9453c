#!/usr/bin/env bash
# Checks that src/ folders include each other downward only (docs/architecture.md, "Folders"):
#   core <- ops, io, dist <- layers <- net <- train <- config, onnx <- report <- cli <- main.cpp
# A file may include headers of its own folder and of folders of a lower rank; anything else (an
# include upward or sideways, and so any cycle between folders) is printed and fails the check.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A rank=([core]=0 [ops]=1 [io]=1 [dist]=1 [layers]=2 [net]=3 [train]=4 [config]=5 [onnx]=5 [report]=6 [cli]=7 [.]=8)
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
if [ "$status" -eq 0 ]; then echo "check_layering: src/ folders include downward only" >&2; fi
exit "$status"
