// Data-parallel training over Open MPI, end to end (docs/distributed.md): `mpirun -np 2 cnn ...`
// on tiny synthetic data written here. 2 ranks x 1 thread add their gradients and batch-norm sums
// in the order that 1 process x 2 threads uses, so their results are compared bit for bit; other
// splits within a tolerance. Reruns, resume (same and different number of ranks), Ctrl-C, a killed
// rank, and a split `eval`.
//
// The tests skip (ctest reports "skipped: MPI ...") when cnn was built without MPI or mpirun is not
// installed; scripts/test.sh installs Open MPI so that CI runs them.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "e2e_workspace.hpp"

using namespace cnn::test;
namespace fs = std::filesystem;

namespace {

// A ctest skip, the way the MNIST tests report one (SKIP_REGULAR_EXPRESSION in CMakeLists.txt).
bool mpi_unavailable() {
  const RunResult version = run_cnn("--version");
  if (version.out.find("MPI: not built in") != std::string::npos) {
    WARN("skipped: MPI is not built into cnn (install libopenmpi-dev and reconfigure)");
    return true;
  }
  if (run_shell("command -v mpirun").exit_code != 0) {
    WARN("skipped: MPI: mpirun is not installed (apt-get install openmpi-bin)");
    return true;
  }
  return false;
}

// --oversubscribe: more ranks than cores is fine for a test; --bind-to none: a rank's threads may
// use every core; root (a CI container) needs Open MPI's explicit consent.
std::string mpirun(int ranks) {
  return std::string("mpirun --oversubscribe --bind-to none -np ") + std::to_string(ranks) +
         (geteuid() == 0 ? " --allow-run-as-root" : "") + " ";
}

// The tiny net, with batch norm and dropout when asked, in batches of 30 at a constant learning
// rate; its data folder does not exist (the runs give --data).
TinyConfig mpi_config(bool batch_norm, int epochs, const std::string& optimizer) {
  std::vector<std::string> layers = {"conv: {filters: 4, kernel: 5, padding: same, activation: relu}"};
  if (batch_norm) layers.insert(layers.end(), {"batch_norm", "dropout: {rate: 0.2}"});
  layers.insert(layers.end(), {"pool: {type: max, size: 2}", "flatten"});
  if (batch_norm) layers.insert(layers.end(), {"dense: {units: 16}", "batch_norm", "relu"});
  layers.insert(layers.end(), {"dense: {units: 10}", "softmax"});
  TinyConfig config = TinyConfig().with_data("no-such-folder").with_layers(layers).with_epochs(epochs).with_batch_size(30);
  return config.with_optimizer(optimizer).with_schedule("constant").with_seed(11).with_output("unused");
}

struct MpiWorkspace : E2eWorkspace {
  std::string config;
  explicit MpiWorkspace(bool batch_norm = false, int epochs = 2, const std::string& optimizer = "{type: adam, lr: 0.003}")
      : E2eWorkspace("mpi", TinyData{430, 50, false}) {
    // Under the sanitizer build, allocations that Open MPI keeps until exit are not leaks of cnn
    // (tests/lsan_mpi.supp; the ranks inherit mpirun's environment). LSan can name Open MPI's
    // libraries in a stack only if its plugins stay loaded (no dlclose at MPI_Finalize) and the
    // stack is unwound without frame pointers. No effect in other builds.
    env += "OMPI_MCA_mca_base_component_disable_dlclose=1 "
           "LSAN_OPTIONS=\"${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=" CNN_SOURCE_DIR
           "/tests/lsan_mpi.supp:print_suppressions=0:fast_unwind_on_malloc=0\" ";
    config = write_config("run.cfg", mpi_config(batch_norm, epochs, optimizer));
  }
  // mpirun for `ranks` ranks (none for 0). Its own session folder: mpiruns started at the same
  // moment (ctest -j) race to create the shared default /tmp/ompi.HOST.UID and one of them fails
  // ("A call to mkdir ... File exists").
  std::string launcher(int ranks) const {
    return ranks > 0 ? mpirun(ranks) + "--mca orte_tmpdir_base '" + dir.path() + "' " : "";
  }
  // `cnn args` in the workspace, alone (ranks 0) or under mpirun.
  RunResult cnn(int ranks, const std::string& args) const { return run_shell(command(args, launcher(ranks))); }
  std::string train_args(const std::string& out, int threads) const {
    return "train -q --config " + config + " --data " + data + " --threads " + std::to_string(threads) + " --out " + out;
  }
};

// The largest |a - b| / max(1, |b|) over every tensor of two model files.
double max_relative_difference(const std::string& a, const std::string& b) {
  const auto ta = model_tensors(a), tb = model_tensors(b);
  REQUIRE(ta.size() == tb.size());
  double worst = 0.0;
  for (const auto& [name, values] : ta) {
    const std::vector<float>& other = tb.at(name);
    REQUIRE(values.size() == other.size());
    for (std::size_t i = 0; i < values.size(); ++i)
      worst = std::max(worst, std::fabs(static_cast<double>(values[i]) - other[i]) / std::max(1.0, std::fabs(static_cast<double>(other[i]))));
  }
  return worst;
}

void require_ok(const RunResult& r) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("2 ranks x 1 thread train bit-identical to 1 process x 2 threads, and reruns are byte-identical", "[mpi]") {
  if (mpi_unavailable()) return;
  MpiWorkspace w;
  require_ok(w.cnn(0, w.train_args("alone", 2)));
  require_ok(w.cnn(2, w.train_args("ranks", 1)));
  CHECK(model_tensors(w.file("ranks/model.bin")) == model_tensors(w.file("alone/model.bin")));
  CHECK(metric_rows(w.file("ranks/metrics.csv")) == metric_rows(w.file("alone/metrics.csv")));

  // The same run again, into the same folder: the very same bytes (the header records the folder).
  const std::string first = read_bytes(w.file("ranks/model.bin"));
  require_ok(w.cnn(2, w.train_args("ranks", 1) + " --overwrite"));
  CHECK(read_bytes(w.file("ranks/model.bin")) == first);

  // MPI_Allreduce instead of the ordered sum: the same math, equal within rounding.
  require_ok(w.cnn(2, "--mpi-reduction native " + w.train_args("native", 1)));
  CHECK(max_relative_difference(w.file("native/model.bin"), w.file("alone/model.bin")) < 1e-5);
}

TEST_CASE("batch norm under mpirun computes its statistics over the whole batch across ranks", "[mpi]") {
  if (mpi_unavailable()) return;
  MpiWorkspace w(true);
  require_ok(w.cnn(0, w.train_args("alone2", 2)));
  require_ok(w.cnn(2, w.train_args("ranks2", 1)));
  // Bit for bit: each rank's half-batch statistics alone would give other numbers.
  CHECK(model_tensors(w.file("ranks2/model.bin")) == model_tensors(w.file("alone2/model.bin")));
  // 2 ranks x 2 threads against 1 process x 4 threads: the same batches and statistics, the
  // partial sums grouped differently ((a+b)+(c+d) against ((a+b)+c)+d): equal within rounding.
  // With plain SGD: Adam divides by sqrt(v), so a rounding difference in a near-zero gradient
  // can become a difference of lr in a weight within a step (measured: 5e-3 after 11 steps).
  MpiWorkspace sgd(true, 1, "{type: sgd, lr: 0.05}");
  require_ok(sgd.cnn(0, sgd.train_args("alone4", 4)));
  require_ok(sgd.cnn(2, sgd.train_args("ranks2x2", 2)));
  const double difference = max_relative_difference(sgd.file("ranks2x2/model.bin"), sgd.file("alone4/model.bin"));
  INFO("2 ranks x 2 threads against 1 process x 4 threads: largest relative difference " << difference);
  CHECK(difference < 1e-5);
}

TEST_CASE("a run of 2 ranks resumes with 2 ranks, or with 1 process, as if never stopped", "[mpi][resume]") {
  if (mpi_unavailable()) return;
  MpiWorkspace w(true, 3);
  require_ok(w.cnn(2, w.train_args("full", 1)));
  // Ctrl-C on mpirun (a condition, not a delay: a slow machine only waits longer): every rank stops
  // after the same step, rank 0 writes the checkpoint.
  // Open MPI's mpirun passes Ctrl-C on to the ranks about 2 s late (measured on Open MPI 4.1.4):
  // 200 epochs of this set were once enough to still be running then; now they are not.
  MpiWorkspace slow(false, 2000);
  const RunResult stopped = slow.interrupt(slow.train_args("stopped", 1), "stopped/metrics.csv", 1, "INT", slow.launcher(2));
  INFO(stopped.err);
  CHECK(stopped.exit_code != 0);
  CHECK(stopped.err.find("checkpoint written to stopped/model.bin") != std::string::npos);
  // "interrupted at epoch E step S" or "interrupted after epoch E": finish epoch E (a constant
  // learning rate, so the epoch count changes nothing else) and compare with a straight run.
  const auto at = stopped.err.find("epoch ", stopped.err.find("interrupted"));
  REQUIRE(at != std::string::npos);
  const std::string epochs = std::to_string(std::stoi(stopped.err.substr(at + 6)));
  require_ok(slow.cnn(2, "train -q --resume stopped/model.bin --epochs " + epochs));
  require_ok(slow.cnn(0, slow.train_args("straight", 2) + " --epochs " + epochs));
  CHECK(model_tensors(slow.file("stopped/model.bin")) == model_tensors(slow.file("straight/model.bin")));

  // Stopped at an epoch boundary (the first of 3 epochs), continued by 2 ranks and by 1 process
  // of 2 threads: both end where the uninterrupted run did.
  require_ok(w.cnn(2, w.train_args("part", 1) + " --epochs 1"));
  fs::copy(w.file("part"), w.file("part1"));
  require_ok(w.cnn(2, "train -q --resume part/model.bin --epochs 3"));
  require_ok(w.cnn(0, "train -q --resume part1/model.bin --epochs 3 --threads 2"));
  CHECK(model_tensors(w.file("part/model.bin")) == model_tensors(w.file("full/model.bin")));
  CHECK(metric_rows(w.file("part/metrics.csv")) == metric_rows(w.file("full/metrics.csv")));
  CHECK(model_tensors(w.file("part1/model.bin")) == model_tensors(w.file("full/model.bin")));
}

TEST_CASE("a killed rank ends the whole run within seconds and leaves the last checkpoint intact", "[mpi]") {
  if (mpi_unavailable()) return;
  MpiWorkspace w(false, 500);
  // mpirun's children are the ranks (found through /proc: no ps needed); kill -9 the second one
  // once an epoch is on disk, then time how long mpirun takes to end.
  const RunResult r = w.cnn(
      2, w.train_args("run", 1) +
             " & pid=$!; for i in $(seq 6000); do [ -s run/metrics.csv ] && break; sleep 0.01; done; "
             "ranks=''; for s in /proc/[0-9]*/stat; do set -- $(cat $s 2>/dev/null); [ \"$4\" = \"$pid\" ] && ranks=\"$ranks $1\"; done; "
             "set -- $ranks; [ $# -eq 2 ] || { echo \"ranks: $ranks\" >&2; kill -9 $pid; exit 98; }; "
             "start=$(date +%s); kill -9 $2; wait $pid; code=$?; echo \"exit $code after $(( $(date +%s) - start )) s\" >&2; exit $code");
  INFO(r.err);
  REQUIRE(r.exit_code != 98);
  CHECK(r.exit_code != 0);
  const auto after = r.err.rfind("exit ");
  REQUIRE(after != std::string::npos);
  const int seconds = std::stoi(r.err.substr(r.err.find(" after ", after) + 7));
  CHECK(seconds <= 10);
  CHECK(r.err.find("exited on signal 9") != std::string::npos);  // mpirun names the dead rank
  // The checkpoint of the last finished epoch loads and evaluates.
  const RunResult eval = w.cnn(0, "eval -q -w run/model.bin --data " + w.data);
  INFO(eval.err);
  CHECK(eval.exit_code == 0);
}

TEST_CASE("eval under mpirun splits the test set and prints what one process prints", "[mpi]") {
  if (mpi_unavailable()) return;
  MpiWorkspace w;
  require_ok(w.cnn(0, w.train_args("model", 1) + " --epochs 1"));
  const RunResult alone = w.cnn(0, "eval -q -w model/model.bin --predictions --data " + w.data);
  const RunResult ranks = w.cnn(2, "eval -q -w model/model.bin --predictions --data " + w.data);
  require_ok(alone);
  require_ok(ranks);
  CHECK(ranks.out == alone.out);  // counts, confusion matrix and every prediction; printed once
}

TEST_CASE("cnn loads Open MPI only under mpirun, from the plugin beside it", "[mpi]") {
  if (mpi_unavailable()) return;
  // Not linked: a plain start loads no MPI library (linked, Open MPI cost every start 3 ms and 3 MiB).
  const RunResult libraries = run_shell("ldd " CNN_EXE);
  REQUIRE(libraries.exit_code == 0);
  CHECK(libraries.out.find("libmpi") == std::string::npos);
  // `--version -v` asks the plugin for the library's version.
  const RunResult version = run_cnn("--version -v");
  REQUIRE(version.exit_code == 0);
  CHECK(version.out.find("MPI library: Open MPI v") != std::string::npos);
  // A cnn copied without its plugin, started as a rank: a clear usage error, not a crash.
  ScratchDir alone("mpi-no-plugin");
  fs::copy_file(CNN_EXE, alone.file("cnn"));
  fs::permissions(alone.file("cnn"), fs::perms::owner_exec, fs::perm_options::add);
  const RunResult rank = run_shell("OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=0 " + alone.file("cnn") + " summary " +
                                   CNN_SOURCE_DIR "/configs/lenet5.cfg");
  CHECK(rank.exit_code == 2);
  CHECK(rank.err.find("cannot load cnn's MPI plugin " + alone.file("libcnn_mpi.so")) != std::string::npos);
}
