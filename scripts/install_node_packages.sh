#!/usr/bin/env bash
# Installs the npm packages the tests drive real clients with, exactly as their lock files pin
# them (npm ci; the npm registry is the only host it reaches):
#   tests/onnx_clients  onnxruntime-node (its Linux x64 CPU library is inside the package; with
#                       ONNXRUNTIME_NODE_INSTALL=skip nothing is downloaded after install)
#   tests/browser       playwright-core, which drives Debian's chromium (it downloads no browser)
# Node.js and npm come with the machine (NodeSource's nodejs carries npm); only where both are
# missing are Debian's installed, since Debian's npm conflicts with NodeSource's nodejs.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  if command -v node >/dev/null 2>&1; then
    echo "install_node_packages: node is installed without npm; install npm with the same source as node ($(command -v node))" >&2
    exit 1
  fi
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends nodejs npm
fi
for folder in tests/onnx_clients tests/browser; do
  if [ ! -d "$folder/node_modules" ] || [ "$folder/package-lock.json" -nt "$folder/node_modules" ]; then
    echo "install_node_packages: npm ci in $folder" >&2
    (cd "$folder" && ONNXRUNTIME_NODE_INSTALL=skip PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
done
