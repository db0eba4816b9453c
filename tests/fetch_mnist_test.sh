#!/usr/bin/env bash
# Test of scripts/fetch_mnist.sh:
#   - local mirror folder: a missing file named; verified copy; no re-copy when present; a corrupt
#     file refused (named) and not left in the destination;
#   - URL mirror, served by python3's http.server on 127.0.0.1: HTTP 404 named; files with the
#     wrong md5 refused, nothing left behind; the real files accepted;
#   - no source and no network (the public mirrors on a closed port of 127.0.0.1): curl's
#     connection failure and the MNIST_MIRROR hint;
#   - curl or ca-certificates missing: installed with apt-get (--no-install-recommends) before a
#     download, never for a local mirror; "not installed" said when that fails.
# apt-get, dpkg-query and sudo are stubs on PATH, so the test never installs anything. It needs
# curl and /usr/bin/python3 (scripts/test.sh installs both). The real MNIST files, taken from
# $CNN_TEST_MNIST_DIR (or $MNIST_MIRROR when it is a folder), enable the cases that need them.
set -uo pipefail
script="$(cd "$(dirname "$0")/.." && pwd)/scripts/fetch_mnist.sh"
FILES=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
fail() { echo "FAIL: $*" >&2; exit 1; }

python=/usr/bin/python3
[ -x "$python" ] || fail "needs $python (Debian package python3; scripts/test.sh installs it)"
command -v curl >/dev/null 2>&1 || fail "needs curl (scripts/test.sh installs it)"
real="${CNN_TEST_MNIST_DIR:-}"
if [ -z "$real" ] && [ -n "${MNIST_MIRROR:-}" ] && [ -d "$MNIST_MIRROR" ]; then real="$MNIST_MIRROR"; fi
unset MNIST_MIRROR MNIST_PUBLIC_MIRRORS

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Stubs: dpkg-query reports the packages in $STUB_INSTALLED as installed; apt-get appends its
# arguments to $STUB_LOG, links the real curl into $STUB_PROVIDES (when set) on install, and exits
# $STUB_APT_RC; sudo runs its command.
stubs="$work/stubs"
mkdir -p "$stubs"
cat >"$stubs/dpkg-query" <<'EOF'
#!/bin/sh
for pkg; do :; done
case " $STUB_INSTALLED " in *" $pkg "*) printf 'install ok installed' ;; *) exit 1 ;; esac
EOF
cat >"$stubs/apt-get" <<'EOF'
#!/bin/sh
echo "apt-get $*" >>"$STUB_LOG"
if [ "$1" = install ] && [ -n "${STUB_PROVIDES:-}" ]; then ln -sf "$STUB_CURL" "$STUB_PROVIDES/curl"; fi
exit "${STUB_APT_RC:-0}"
EOF
printf '#!/bin/sh\nexec "$@"\n' >"$stubs/sudo"
chmod +x "$stubs"/*
export PATH="$stubs:$PATH" STUB_LOG="$work/apt.log" STUB_INSTALLED="curl ca-certificates" STUB_CURL="$(command -v curl)"
: >"$STUB_LOG"
no_apt_call() { [ -s "$STUB_LOG" ] && fail "$1 called apt-get: $(cat "$STUB_LOG")"; : >"$STUB_LOG"; }

# --- Local mirror folder -------------------------------------------------------------------
mkdir -p "$work/empty"
out="$(MNIST_MIRROR="$work/empty" bash "$script" "$work/dest0" 2>&1)" && fail "empty mirror accepted"
grep -q "train-images-idx3-ubyte.gz not found in MNIST_MIRROR=$work/empty" <<<"$out" || fail "empty-mirror message: $out"
STUB_INSTALLED="" MNIST_MIRROR="$work/empty" bash "$script" "$work/dest0" >/dev/null 2>&1
no_apt_call "a local mirror (curl missing)"

if [ -n "$real" ]; then
  out="$(MNIST_MIRROR="$real" bash "$script" "$work/dest" 2>&1)" || fail "copy from mirror failed: $out"
  for f in "${FILES[@]}"; do
    cmp -s "$real/$f" "$work/dest/$f" || fail "$f not copied identically"
  done
  out="$(MNIST_MIRROR="$work/empty" bash "$script" "$work/dest" 2>&1)" || fail "second run re-fetched: $out"
  grep -q "already present and verified" <<<"$out" || fail "second run did not recognise present files"

  mkdir -p "$work/bad"
  cp "$real"/*.gz "$work/bad/"
  printf '\x00' | dd of="$work/bad/t10k-labels-idx1-ubyte.gz" bs=1 seek=100 conv=notrunc 2>/dev/null
  out="$(MNIST_MIRROR="$work/bad" bash "$script" "$work/dest2" 2>&1)" && fail "corrupted copy accepted"
  grep -q "t10k-labels-idx1-ubyte.gz .*expected ec29112dd5afa0611ce80d1b7f02629c" <<<"$out" || fail "corrupt message: $out"
  [ -e "$work/dest2/t10k-labels-idx1-ubyte.gz" ] && fail "corrupt file left in destination"
  no_apt_call "a local mirror"
fi

# --- URL mirror on 127.0.0.1 ----------------------------------------------------------------
# served/fake: four small files with the right names and the wrong md5; served/real: the real
# files (when available); served/half: only the two label files.
mkdir -p "$work/served/fake" "$work/served/half" "$work/served/real"
for f in "${FILES[@]}"; do echo "not $f" >"$work/served/fake/$f"; done
cp "$work/served/fake/"*labels* "$work/served/half/"
if [ -n "$real" ]; then cp "$real"/*.gz "$work/served/real/"; fi
"$python" -u -m http.server 0 --bind 127.0.0.1 --directory "$work/served" >"$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 100); do
  port="$(sed -n 's/^Serving HTTP on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' "$work/server.log")"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || fail "the local HTTP server did not start: $(cat "$work/server.log")"
url="http://127.0.0.1:$port"

out="$(MNIST_MIRROR="$url/half" bash "$script" "$work/dest3" 2>&1)" && fail "a URL mirror missing files was accepted"
grep -q "could not download $url/half/train-images-idx3-ubyte.gz: curl: (22).*404" <<<"$out" || fail "404 message: $out"

out="$(MNIST_MIRROR="$url/fake" bash "$script" "$work/dest4" 2>&1)" && fail "files with the wrong md5 accepted"
grep -q "train-images-idx3-ubyte.gz from $url/fake/train-images-idx3-ubyte.gz has md5 .*expected f68b3c2dcbeaaa9fbdd348bbdeb94873: refusing" \
  <<<"$out" || fail "md5-mismatch message: $out"
[ "$(grep -c "refusing the corrupt file" <<<"$out")" = 4 ] || fail "not all four fake files refused: $out"
[ -z "$(ls -A "$work/dest4")" ] || fail "refused downloads left files: $(ls -A "$work/dest4")"
no_apt_call "a download with curl and ca-certificates installed"

if [ -n "$real" ]; then
  out="$(MNIST_MIRROR="$url/real" bash "$script" "$work/dest5" 2>&1)" || fail "download of the real files failed: $out"
  for f in "${FILES[@]}"; do
    cmp -s "$real/$f" "$work/dest5/$f" || fail "$f not downloaded identically"
  done
  grep -q "dest5/t10k-images-idx3-ubyte.gz verified (from $url/real/t10k-images-idx3-ubyte.gz)" <<<"$out" \
    || fail "download message: $out"
fi

# --- No source and no network: the public mirrors on a port where nothing listens -------------
closed="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
out="$(MNIST_PUBLIC_MIRRORS="http://127.0.0.1:$closed/a http://127.0.0.1:$closed/b" bash "$script" "$work/none" 2>&1)" \
  && fail "fetch without any source succeeded"
grep -q "could not download train-images-idx3-ubyte.gz from any public mirror" <<<"$out" || fail "no-network message: $out"
grep -q "127.0.0.1:$closed/b/train-images-idx3-ubyte.gz: curl: (7) " <<<"$out" || fail "no-network reason (curl 7): $out"
grep -q "Point MNIST_MIRROR at a local folder" <<<"$out" || fail "no-network message does not mention MNIST_MIRROR: $out"

# --- curl missing: a PATH without it -----------------------------------------------------------
nocurl="$work/nocurl"
mkdir -p "$nocurl" "$work/provided"
# Only the tools fetch_mnist.sh and the stubs run (linking all of /usr/bin takes seconds): a tool
# the script starts using must be added here, or these cases fail with "command not found".
for tool in bash sh cat cp cut dirname grep id ln md5sum mkdir mv rm; do
  ln -s "$(command -v "$tool")" "$nocurl/$tool" || fail "cannot link $tool"
done
bare_path="$stubs:$work/provided:$nocurl"
PATH="$bare_path" command -v curl >/dev/null && fail "curl still on the test's bare PATH"

# apt-get fails: the script names what is missing and stops.
out="$(PATH="$bare_path" STUB_INSTALLED="" STUB_APT_RC=100 MNIST_MIRROR="$url/fake" bash "$script" "$work/dest6" 2>&1)" \
  && fail "download without curl succeeded"
grep -q "curl and ca-certificates not installed, and 'apt-get install curl ca-certificates' failed" <<<"$out" \
  || fail "failed-install message: $out"
grep -qx "apt-get update -q" "$STUB_LOG" || fail "no apt-get update: $(cat "$STUB_LOG")"
: >"$STUB_LOG"

# apt-get "succeeds" but curl is still missing: said precisely.
out="$(PATH="$bare_path" STUB_INSTALLED="curl" MNIST_MIRROR="$url/fake" bash "$script" "$work/dest7" 2>&1)" \
  && fail "download without curl succeeded"
grep -q "installing ca-certificates (needed to download)" <<<"$out" || fail "ca-certificates not installed: $out"
grep -q "error: curl not installed" <<<"$out" || fail "missing-curl message: $out"
: >"$STUB_LOG"

# apt-get installs curl: the script goes on and downloads (once per run, not per file).
out="$(PATH="$bare_path" STUB_INSTALLED="" STUB_PROVIDES="$work/provided" MNIST_MIRROR="$url/fake" bash "$script" "$work/dest8" 2>&1)" \
  && fail "files with the wrong md5 accepted"
[ "$(cat "$STUB_LOG")" = "apt-get update -q
apt-get install -y -q --no-install-recommends curl ca-certificates" ] || fail "apt-get calls: $(cat "$STUB_LOG")"
[ "$(grep -c "refusing the corrupt file" <<<"$out")" = 4 ] || fail "no download after installing curl: $out"

if [ -z "$real" ]; then
  echo "fetch_mnist_test: passed; the real MNIST files not found (CNN_TEST_MNIST_DIR unset): skipped their copy and download"
  exit 0
fi
echo "fetch_mnist_test: all cases passed"
