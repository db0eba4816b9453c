#!/usr/bin/env bash
# Installs the npm packages the tests drive real clients with, exactly as their lock files pin
# them (npm ci; the npm registry is the only host it reaches): tests/browser (playwright-core,
# which drives Debian's chromium; it downloads no browser).
# Node.js and npm come from Debian when the machine has none.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends nodejs npm
fi
for folder in tests/browser; do
  if [ ! -d "$folder/node_modules" ] || [ "$folder/package-lock.json" -nt "$folder/node_modules" ]; then
    echo "install_node_packages: npm ci in $folder" >&2
    (cd "$folder" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
done
