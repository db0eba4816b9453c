#!/usr/bin/env bash
# `mpirun --hostfile` across two hosts (ctest: mpi_two_hosts; docs/distributed.md, "Tested across
# two hosts"). The two hosts are network namespaces joined by a veth pair, 10.77.0.1 and
# 10.77.0.2, each with its own hostname (UTS namespace) and its own view of one working folder (a
# mount namespace binds host A's or host B's folder over it). mpirun, in host A, starts the daemon
# of host B through a launch agent that stands in for ssh: it enters the namespaces of the host
# whose address it is given. Open MPI's TCP traffic is held to the veth subnet, so the ranks talk
# across the pair. The test then checks that
#   - 2 ranks x 1 thread on the two hosts train the very bits of 1 process x 2 threads (the
#     checkpoints' tensor sections byte for byte, and metrics.csv);
#   - host B received at least one gradient buffer per step over the veth (its byte counter);
#   - only rank 0 wrote: host B's folder (data copy, empty home) is as it was, and host B never
#     had the config file (rank 0 sends it);
#   - `cnn eval` split over the two hosts prints what one process prints (the model file copied
#     to host B: eval's ranks each read it).
#
#   mpi_two_hosts.sh CNN_EXE
#
# Needs root, ip (iproute2), unshare (util-linux), mpirun (openmpi-bin), python3 and a cnn built
# with MPI. Without one of them, or where the sandbox refuses namespaces, it skips: exit 77 with
# "skipped: ..." (CNN_REQUIRE_MPI_TWO_HOSTS=1 makes that a failure).
set -euo pipefail

skip() {
  echo "skipped: mpi_two_hosts: $*" >&2
  [ "${CNN_REQUIRE_MPI_TWO_HOSTS:-0}" = "1" ] && exit 1
  exit 77
}
fail() {
  echo "FAIL: mpi_two_hosts: $*" >&2
  exit 1
}

[ $# -eq 1 ] || { echo "usage: $0 CNN_EXE" >&2; exit 2; }
CNN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
HERE="$(cd "$(dirname "$0")" && pwd)"

# What every process sees of OpenBLAS: one thread, and no preset variable (a preset
# OPENBLAS_CORETYPE that reached one host and not the other would pick other kernels there; cnn
# chooses the kernels itself when none is set: cli/blas_relaunch.hpp).
for v in $(compgen -e | grep '^OPENBLAS_' || true); do unset "$v"; done
export OPENBLAS_NUM_THREADS=1

# --- Can this machine run the test? -----------------------------------------------------------
[ -x "$CNN" ] || fail "no executable $CNN"
if "$CNN" --version 2>&1 | grep -q "MPI: not built in"; then
  skip "cnn is built without MPI (install libopenmpi-dev and reconfigure)"
fi
command -v mpirun >/dev/null || skip "mpirun is not installed (apt-get install openmpi-bin)"
command -v ip >/dev/null || skip "ip is not installed (apt-get install iproute2)"
command -v unshare >/dev/null || skip "unshare is not installed (util-linux)"
command -v python3 >/dev/null || skip "python3 is not installed"
[ "$(id -u)" -eq 0 ] || skip "network namespaces need root (running as uid $(id -u))"

# Unique per run: two runs at once (ctest -j) never share a namespace, veth or folder.
TAG="cnn2h$$"
NS_A="$TAG-a" NS_B="$TAG-b"
ADDR_A=10.77.0.1 ADDR_B=10.77.0.2 SUBNET=10.77.0.0/24
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cnn-mpi-two-hosts.XXXXXX")"

# Always clean up, also after a failure or Ctrl-C: first the processes still inside the two
# namespaces (only this run's: the namespaces are its own), then the namespaces (which takes the
# veth pair with them), then the folder. The bind mounts live only in the hosts' private mount
# namespaces and go with their processes.
remove_host() {
  local pid
  [ -e "/run/netns/$1" ] || return 0
  for pid in $(ip netns pids "$1" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
  ip netns del "$1" 2>/dev/null || true
}
cleanup() {
  remove_host "$NS_A"
  remove_host "$NS_B"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# A run killed outright (SIGKILL, which no trap sees) leaves its namespaces: remove those whose
# run is gone (the pid in the name no longer exists). Only this test's names are touched.
for stale in /run/netns/cnn2h*-[ab]; do
  [ -e "$stale" ] || continue
  owner=${stale#/run/netns/cnn2h}
  kill -0 "${owner%-?}" 2>/dev/null || remove_host "${stale#/run/netns/}"
done

# --- The two hosts ----------------------------------------------------------------------------
ip netns add "$NS_A" 2>"$WORK/ip.err" || skip "ip netns add is refused here: $(head -1 "$WORK/ip.err")"
ip netns add "$NS_B" 2>"$WORK/ip.err" || skip "ip netns add is refused here: $(head -1 "$WORK/ip.err")"
# The veth pair is created with each end already in its namespace (nothing appears on the
# machine's own network, so fixed addresses cannot clash with another run's).
ip link add name veth-a netns "$NS_A" type veth peer name veth-b netns "$NS_B" 2>"$WORK/ip.err" ||
  skip "cannot create a veth pair: $(head -1 "$WORK/ip.err")"
ip -n "$NS_A" addr add "$ADDR_A/24" dev veth-a
ip -n "$NS_B" addr add "$ADDR_B/24" dev veth-b
for ns in "$NS_A" "$NS_B"; do
  ip -n "$ns" link set lo up
done
ip -n "$NS_A" link set veth-a up
ip -n "$NS_B" link set veth-b up

# Each host's own folder, seen by that host (and only there) at the same path, $VIEW: the run's
# cwd, data folder, HOME and Open MPI's session folder. Host A gets the config; both get a copy of
# the data (every rank reads the data itself, at the same path).
VIEW="$WORK/view"
mkdir -p "$VIEW" "$WORK/host-a/home" "$WORK/host-a/ompi" "$WORK/host-b/home" "$WORK/host-b/ompi"

# The launch agent: `agent ADDRESS COMMAND...`, called like ssh by mpirun (and by this script to
# run something on a host). It maps the address to the host's namespace, enters it with a mount and
# UTS namespace of its own (hostname, the host's folder bound over $VIEW), and runs the command
# string in a clean environment, the way sshd would (mpirun passes what the ranks need with -x).
AGENT="$WORK/agent.sh"
cat >"$AGENT" <<EOF
#!/usr/bin/env bash
set -euo pipefail
while [ "\${1#-}" != "\$1" ]; do shift; done  # ssh-style options: none are used
address=\$1; shift
case "\$address" in
  $ADDR_A) ns=$NS_A name=$TAG-host-a folder=$WORK/host-a ;;
  $ADDR_B) ns=$NS_B name=$TAG-host-b folder=$WORK/host-b ;;
  *) echo "agent: no host \$address" >&2; exit 255 ;;
esac
exec ip netns exec "\$ns" unshare --mount --uts -- /bin/sh -c '
  hostname "\$1" && mount --bind "\$2" "\$3" && cd "\$3" || exit 255
  shift 3
  exec env -i PATH="\$PATH" HOME="\$PWD/home" LANG=C /bin/sh -c "\$*"' agent "\$name" "\$folder" "$VIEW" "\$@"
EOF
chmod +x "$AGENT"
# In the background and waited for, so that Ctrl-C or ctest's SIGTERM reaches the trap at once.
on_host() {
  "$AGENT" "$@" &
  wait $!
}

on_host "$ADDR_B" "hostname" >"$WORK/b.name" 2>"$WORK/ip.err" ||
  skip "cannot enter a host's namespaces (ip netns exec, unshare --mount --uts, mount --bind): $(head -1 "$WORK/ip.err")"
[ "$(cat "$WORK/b.name")" = "$TAG-host-b" ] || fail "host B's hostname is $(cat "$WORK/b.name")"

# --- Tiny data and a small net ----------------------------------------------------------------
# 420 training images (60 held out: 12 steps of 30), 60 test images; class c is a bright 7x6
# square at one of 12 places on faint noise, so one epoch learns something.
python3 - "$WORK/host-a/data" <<'PY'
import os, random, struct, sys
out = sys.argv[1]
os.makedirs(out)
def write(prefix, count, seed):
    rng = random.Random(seed)
    labels = [rng.randrange(10) for _ in range(count)]
    images = bytearray()
    for c in labels:
        img = bytearray(rng.randrange(40) for _ in range(784))
        top, left = 2 + (c // 4) * 9 + rng.randrange(3) - 1, 1 + (c % 4) * 7 + rng.randrange(2)
        for y in range(max(top, 0), min(top + 7, 28)):
            for x in range(left, min(left + 6, 28)):
                img[y * 28 + x] = 200 + rng.randrange(56)
        images += img
    with open(os.path.join(out, prefix + "-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 2051, count, 28, 28) + images)
    with open(os.path.join(out, prefix + "-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 2049, count) + bytes(labels))
write("train", 420, 1001)
write("t10k", 60, 2002)
PY
cp -r "$WORK/host-a/data" "$WORK/host-b/data"
# Batch norm and dropout too: their sums and masks cross the hosts as well.
cat >"$WORK/host-a/run.cfg" <<'EOF'
data: {dir: data, validation: 60}
model:
  input: [1, 28, 28]
  layers:
    - conv: {filters: 4, kernel: 5, padding: same, activation: relu}
    - batch_norm
    - dropout: {rate: 0.2}
    - pool: {type: max, size: 2}
    - flatten
    - dense: {units: 16}
    - batch_norm
    - relu
    - dense: {units: 10}
    - softmax
train:
  epochs: 1
  batch_size: 30
  optimizer: {type: adam, lr: 0.003}
  schedule: constant
  seed: 11
output: unused
EOF
STEPS=12
PARAMETERS="$(on_host "$ADDR_A" "'$CNN' summary --format json run.cfg" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["parameters"])')"

# Host B as it is before any run: it must stay so.
snapshot_b() { (cd "$WORK/host-b" && find . -path ./ompi -prune -o -print | LC_ALL=C sort); }
snapshot_b >"$WORK/b.before"

# --- The runs ---------------------------------------------------------------------------------
printf '%s slots=1\n%s slots=1\n' "$ADDR_A" "$ADDR_B" >"$WORK/host-a/hosts"
# Under the sanitizer build, what Open MPI keeps until exit is not a leak of cnn
# (tests/lsan_mpi.supp, as in tests/test_mpi.cpp); no effect in other builds.
LSAN="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$HERE/lsan_mpi.supp:print_suppressions=0:fast_unwind_on_malloc=0"
ENV="OPENBLAS_NUM_THREADS=1 LSAN_OPTIONS='$LSAN' OMPI_MCA_mca_base_component_disable_dlclose=1"
for v in ASAN_OPTIONS UBSAN_OPTIONS; do
  [ -n "${!v:-}" ] && ENV="$ENV $v='${!v}'" && FORWARD_SANITIZER="${FORWARD_SANITIZER:-} -x $v"
done
# pml ob1 with the tcp and self BTLs only (no shared memory, no UCX), on the veth subnet only; the
# daemons' own channel (oob) too. The session folder is the host's own (orte_tmpdir_base, the same
# path everywhere), no tree spawn (host B's daemon is started by mpirun itself). -x passes the
# variables through the agent's clean environment to host B's rank.
MPIRUN="mpirun --hostfile hosts -np 2 --bind-to none --allow-run-as-root \
  --mca plm_rsh_agent '$AGENT' --mca plm_rsh_no_tree_spawn 1 \
  --mca pml ob1 --mca btl tcp,self --mca btl_tcp_if_include $SUBNET --mca oob_tcp_if_include $SUBNET \
  --mca orte_tmpdir_base '$VIEW/ompi' \
  -x OPENBLAS_NUM_THREADS -x LSAN_OPTIONS -x OMPI_MCA_mca_base_component_disable_dlclose ${FORWARD_SANITIZER:-}"
TRAIN="train -q --config run.cfg --data data --epochs 1"

rx_b() { on_host "$ADDR_B" "cat /sys/class/net/veth-b/statistics/rx_bytes"; }
rx_before="$(rx_b)"
started=$(date +%s%N)
if ! on_host "$ADDR_A" "$ENV timeout 120 $MPIRUN '$CNN' $TRAIN --threads 1 --out ranks" >"$WORK/ranks.out" 2>"$WORK/ranks.err"; then
  cat "$WORK/ranks.out" "$WORK/ranks.err" >&2
  fail "mpirun across the two hosts failed"
fi
echo "2 ranks x 1 thread on $ADDR_A and $ADDR_B: $(( ($(date +%s%N) - started) / 1000000 )) ms" >&2
rx_after="$(rx_b)"
on_host "$ADDR_A" "$ENV '$CNN' $TRAIN --threads 2 --out alone" >"$WORK/alone.out" 2>"$WORK/alone.err" ||
  { cat "$WORK/alone.err" >&2; fail "1 process x 2 threads failed"; }

# --- The checks -------------------------------------------------------------------------------
# The tensor section of a model file (docs/model-format.md): after the 24-byte preamble and the
# header JSON of length H (u64 at offset 16), up to the 4-byte CRC at the end. The headers differ
# by the run folder and the thread count.
tensors() {
  local h
  h=$(od -An -tu8 -j16 -N8 --endian=little "$1" | tr -d ' ')
  tail -c +$((24 + h + 1)) "$1" | head -c -4
}
for run in ranks alone; do
  [ -s "$WORK/host-a/$run/model.bin" ] || fail "host A has no $run/model.bin"
  tensors "$WORK/host-a/$run/model.bin" >"$WORK/$run.tensors"
done
[ "$(stat -c %s "$WORK/ranks.tensors")" -gt $((4 * PARAMETERS)) ] || fail "the tensor section is too short"
if ! cmp "$WORK/ranks.tensors" "$WORK/alone.tensors"; then
  fail "2 ranks on two hosts and 1 process x 2 threads trained different tensors"
fi
# metrics.csv without its last column (seconds).
for run in ranks alone; do sed 's/,[^,]*$//' "$WORK/host-a/$run/metrics.csv" >"$WORK/$run.metrics"; done
cmp "$WORK/ranks.metrics" "$WORK/alone.metrics" || fail "metrics.csv differs between the two runs"
echo "tensors: $(stat -c %s "$WORK/ranks.tensors") bytes, identical; metrics.csv identical" >&2

# Over the veth: each step rank 1 receives rank 0's gradient buffer (the ordered reduction
# gathers every rank's buffer), PARAMETERS floats.
received=$((rx_after - rx_before))
echo "host B received $received bytes over veth-b ($STEPS steps x $PARAMETERS floats = $((STEPS * PARAMETERS * 4)) bytes of gradients at least)" >&2
[ "$received" -ge $((STEPS * PARAMETERS * 4)) ] || fail "too little traffic over the veth pair: the ranks did not talk across it"

# Only rank 0 wrote: host B's folder is as it was (no run folder, nothing in its home), and it
# never had the config. Host A has the run folder.
snapshot_b >"$WORK/b.after"
diff "$WORK/b.before" "$WORK/b.after" >&2 || fail "something other than rank 0 wrote on host B (above)"
[ ! -e "$WORK/host-b/run.cfg" ] || fail "host B has a config file"
[ -s "$WORK/host-a/ranks/metrics.csv" ] || fail "rank 0 wrote no metrics.csv"
echo "host B's folder unchanged: $(wc -l <"$WORK/b.after") entries" >&2

# eval split over the two hosts: the same output as one process. Unlike train, eval has every
# rank read the model file itself, so host B gets a copy at the same path first.
mkdir -p "$WORK/host-b/ranks"
cp "$WORK/host-a/ranks/model.bin" "$WORK/host-b/ranks/model.bin"
EVAL="eval -q --weights ranks/model.bin --data data --predictions --format json"
on_host "$ADDR_A" "$ENV timeout 120 $MPIRUN '$CNN' $EVAL" >"$WORK/eval.ranks" 2>"$WORK/eval.err" ||
  { cat "$WORK/eval.err" >&2; fail "eval across the two hosts failed"; }
on_host "$ADDR_A" "$ENV '$CNN' $EVAL" >"$WORK/eval.alone" 2>>"$WORK/eval.err" ||
  { cat "$WORK/eval.err" >&2; fail "eval alone failed"; }
# Everything but the time it took.
python3 - "$WORK/eval.ranks" "$WORK/eval.alone" <<'PY' || fail "eval over two hosts printed other results than one process"
import json, sys
ranks, alone = (json.load(open(path)) for path in sys.argv[1:])
for d in (ranks, alone):
    d.pop("seconds")
if ranks != alone: print("ranks:", json.dumps(ranks)[:1500], "\nalone:", json.dumps(alone)[:1500], file=sys.stderr)
sys.exit(ranks != alone)
PY
echo "eval over both hosts = eval alone: $(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print("accuracy %.4f on %d test images" % (d["accuracy"], d["count"]))' "$WORK/eval.ranks")" >&2
echo "mpi_two_hosts: passed" >&2
