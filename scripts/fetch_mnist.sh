#!/usr/bin/env bash
# Puts the four MNIST IDX files (.gz) into data/mnist (or the folder given as $1) and checks
# their md5 sums. Source, in order:
#   1. $MNIST_MIRROR when set: a local folder holding the four .gz files, or a URL prefix;
#   2. otherwise the public mirrors below.
# A file already present with the right md5 is never fetched again. A file whose md5 does not
# match is refused (and not left in the destination).
# Downloads use curl. A minimal Debian has neither curl nor ca-certificates (for HTTPS): when a file
# must come from a URL, the missing ones are installed the way scripts/setup.sh installs
# (apt-get, --no-install-recommends, sudo when not root); a local MNIST_MIRROR needs neither.
set -euo pipefail
cd "$(dirname "$0")/.."

DEST="${1:-data/mnist}"
declare -A MD5=(
  [train-images-idx3-ubyte.gz]=f68b3c2dcbeaaa9fbdd348bbdeb94873
  [train-labels-idx1-ubyte.gz]=d53e105ee54ea40749a09fcbcd1e9432
  [t10k-images-idx3-ubyte.gz]=9fb629c4189551a2d022fa330f9573f3
  [t10k-labels-idx1-ubyte.gz]=ec29112dd5afa0611ce80d1b7f02629c
)
FILES=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
# MNIST_PUBLIC_MIRRORS (space-separated URL prefixes) replaces the list, for tests and private mirrors.
read -r -a PUBLIC_MIRRORS <<<"${MNIST_PUBLIC_MIRRORS:-https://ossci-datasets.s3.amazonaws.com/mnist https://storage.googleapis.com/cvdf-datasets/mnist}"

md5_of() { md5sum "$1" | cut -d' ' -f1; }

OFFLINE_HINT="Point MNIST_MIRROR at a local folder that holds the four MNIST .gz files, e.g. MNIST_MIRROR=/path/to/mnist bash scripts/fetch_mnist.sh"

# Installs curl and ca-certificates when missing; called (not in a subshell) before downloading.
curl_ready=0
ensure_curl() {
  if [ "$curl_ready" = 1 ]; then return; fi
  local missing=() p
  if command -v dpkg-query >/dev/null 2>&1; then
    for p in curl ca-certificates; do
      if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
      fi
    done
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    echo "fetch_mnist: installing ${missing[*]} (needed to download)" >&2
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    if ! { $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"; } >&2; then
      local names="${missing[*]}"
      echo "fetch_mnist: error: ${names// / and } not installed, and 'apt-get install ${missing[*]}' failed (see above)." \
           "Install them, or: $OFFLINE_HINT" >&2
      exit 1
    fi
  fi
  if ! command -v curl >/dev/null 2>&1; then
    echo "fetch_mnist: error: curl not installed (needed to download MNIST): install curl and ca-certificates, or: $OFFLINE_HINT" >&2
    exit 1
  fi
  curl_ready=1
}

# Downloads url to file; on failure prints curl's reason (e.g. "curl: (7) Failed to connect ...").
download() {  # url file
  curl -fsSL --connect-timeout 10 --max-time 300 -o "$2" "$1" 2>&1
}

mkdir -p "$DEST"
failed=0
for f in "${FILES[@]}"; do
  target="$DEST/$f"
  if [ -f "$target" ] && [ "$(md5_of "$target")" = "${MD5[$f]}" ]; then
    echo "fetch_mnist: $target already present and verified" >&2
    continue
  fi
  tmp="$target.part"
  rm -f "$tmp"
  got=""
  if [ -n "${MNIST_MIRROR:-}" ]; then
    case "$MNIST_MIRROR" in
      http://* | https://* | ftp://*)
        ensure_curl
        if ! why="$(download "$MNIST_MIRROR/$f" "$tmp")"; then
          echo "fetch_mnist: error: could not download $MNIST_MIRROR/$f: $why" >&2
          rm -f "$tmp"; failed=1; continue
        fi ;;
      *)
        if [ ! -f "$MNIST_MIRROR/$f" ]; then
          echo "fetch_mnist: error: $f not found in MNIST_MIRROR=$MNIST_MIRROR" >&2
          failed=1; continue
        fi
        cp "$MNIST_MIRROR/$f" "$tmp" ;;
    esac
    got="$MNIST_MIRROR/$f"
  else
    ensure_curl
    reasons=""
    for mirror in "${PUBLIC_MIRRORS[@]}"; do
      if why="$(download "$mirror/$f" "$tmp")"; then got="$mirror/$f"; break; fi
      reasons+=$'\n'"  $mirror/$f: $why"
    done
    if [ -z "$got" ]; then
      echo "fetch_mnist: error: could not download $f from any public mirror (no network?):$reasons" >&2
      echo "fetch_mnist: $OFFLINE_HINT" >&2
      rm -f "$tmp"; failed=1; continue
    fi
  fi
  actual="$(md5_of "$tmp")"
  if [ "$actual" != "${MD5[$f]}" ]; then
    echo "fetch_mnist: error: $f from $got has md5 $actual, expected ${MD5[$f]}: refusing the corrupt file" >&2
    rm -f "$tmp"; failed=1; continue
  fi
  mv "$tmp" "$target"
  echo "fetch_mnist: $target verified (from $got)" >&2
done
if [ "$failed" -ne 0 ]; then exit 1; fi
echo "fetch_mnist: all four MNIST files are in $DEST" >&2
