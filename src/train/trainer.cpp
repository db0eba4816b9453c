// The training loop; see trainer.hpp.
#include "train/trainer.hpp"

#include <chrono>
#include <cmath>
#include <fstream>
#include <numeric>
#include <thread>

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "net/builder.hpp"
#include "net/replica_set.hpp"
#include "train/batch.hpp"
#include "train/checkpoint.hpp"
#include "train/evaluate.hpp"
#include "train/initializer.hpp"
#include "train/schedule.hpp"
#include "train/softmax_cross_entropy.hpp"

namespace cnn {
namespace {

// The shuffling stream is derived from the seed but independent of the initialisation stream.
constexpr std::uint64_t kShuffleStream = 0x5eed5eed5eed5eedULL;
constexpr int kEvalBatch = 1000;

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool all_finite(const Net& net) {
  for (const Param& p : net.params())
    for (std::size_t i = 0; i < p.value->size(); ++i)
      if (!std::isfinite((*p.value)[i])) return false;
  return true;
}

void append_metrics(const std::string& path, bool fresh, const EpochReport& r) {
  std::ofstream out(path, fresh ? std::ios::trunc : std::ios::app);
  CNN_CHECK_CODE(out.good(), ExitCode::kIo, "{}: cannot write the metrics file", path);
  if (fresh) out << "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,lr,seconds\n";
  out << fmt::format("{},{:.6f},{:.6f},{},{},{:.6g},{:.3f}\n", r.epoch, r.train_loss, r.train_accuracy,
                     r.validation_loss ? fmt::format("{:.6f}", *r.validation_loss) : "",
                     r.validation_accuracy ? fmt::format("{:.6f}", *r.validation_accuracy) : "", r.lr, r.seconds);
  CNN_CHECK_CODE(out.good(), ExitCode::kIo, "{}: writing the metrics file failed", path);
}

}  // namespace

int default_thread_count() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }


void run_training(const TrainRequest& request, const Dataset& data, TrainingObserver& observer,
                  const std::atomic<bool>& stop) {
  const RunConfig& config = request.config;
  const TrainSettings& settings = config.train;
  const int total = data.size();
  const int n_val = config.data.validation;
  CNN_CHECK_CODE(n_val < total, ExitCode::kUsage, "data.validation = {} leaves no training images (the set holds {})", n_val,
                 total);
  const int n_train = total - n_val;

  std::unique_ptr<Net> net = build_net(config.model);
  CNN_CHECK_CODE(net->output_shape() == Shape{kNumClasses}, ExitCode::kUsage,
                 "the network outputs {} per image; MNIST-style data needs ({}) (make the last dense layer {} units)",
                 net->output_shape().str(), kNumClasses, kNumClasses);
  check_images_fit(data.images, config.model.input);
  Optimizer optimizer(settings.optimizer, net->params());
  TrainingProgress progress;
  Rng shuffle_rng(settings.seed ^ kShuffleStream);
  progress.epoch_rng = shuffle_rng.state();

  const std::int64_t batches = (n_train + settings.batch_size - 1) / settings.batch_size;
  if (request.resume) {
    const LoadedModel& saved = *request.resume;
    CNN_CHECK_CODE(to_json(saved.spec) == to_json(config.model), ExitCode::kModel,
                   "{}: its architecture differs from the config's", request.resume_path);
    for (std::size_t i = 0; i < net->params().size(); ++i) *net->params()[i].value = *saved.net->params()[i].value;
    progress = restore_training(saved, optimizer, request.resume_path);
    CNN_CHECK_CODE(progress.batch < batches, ExitCode::kModel,
                   "{}: stopped after batch {} of an epoch that has only {} batches here (different data or batch size?)",
                   request.resume_path, progress.batch, batches);
    // The schedule's step counts whole epochs of this batch size (the same number when it has not
    // changed; the right position on the curve when --batch-size changed at an epoch boundary).
    progress.global_step = static_cast<std::int64_t>(progress.epoch) * batches + progress.batch;
    shuffle_rng.set_state(progress.epoch_rng);
  } else if (request.init) {
    const LoadedModel& saved = *request.init;
    CNN_CHECK_CODE(to_json(saved.spec) == to_json(config.model), ExitCode::kModel,
                   "{}: its architecture differs from the config's, so its weights cannot initialise this network",
                   request.init_path);
    for (std::size_t i = 0; i < net->params().size(); ++i) *net->params()[i].value = *saved.net->params()[i].value;
  } else {
    Rng init_rng(settings.seed);
    initialize(net->params(), config.model.init, init_rng);
  }

  const std::string out = config.output;
  ensure_writable_folder(out);
  // A run killed while saving leaves its temporary file behind; the checkpoint itself is whole.
  remove_stale_temporaries(checkpoint_path(out));
  remove_stale_temporaries(best_path(out));
  const bool fresh_metrics = request.resume == nullptr;
  bool metrics_started = !fresh_metrics;
  const std::int64_t total_steps = batches * settings.epochs;
  observer.on_start(*net, n_train, n_val, progress.epoch);

  ReplicaSet replicas(*net, config.model, settings.threads > 0 ? settings.threads : default_thread_count());
  struct Member {  // one thread's slice of each batch
    Tensor x;
    std::vector<std::uint8_t> labels;
    SoftmaxCrossEntropy loss;
    double loss_sum = 0.0;
    int correct = 0;
  };
  std::vector<Member> members(static_cast<std::size_t>(replicas.size()));
  for (int m = 0; m < replicas.size(); ++m) replicas.net(m).set_input_gradient(false);
  std::vector<std::uint32_t> order(static_cast<std::size_t>(n_train));
  for (int epoch = progress.epoch; epoch < settings.epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    progress.epoch = epoch;
    progress.epoch_rng = shuffle_rng.state();
    std::iota(order.begin(), order.end(), 0u);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[shuffle_rng.uniform_int(i)]);
    std::int64_t images_this_run = 0;
    float lr = settings.optimizer.lr;
    for (std::int64_t b = progress.batch; b < batches; ++b) {
      const int start = static_cast<int>(b * settings.batch_size);
      const int n = std::min(settings.batch_size, n_train - start);
      replicas.run([&](int m, Net& replica) {
        Member& me = members[static_cast<std::size_t>(m)];
        const auto [begin, end] = slice_of(n, replicas.size(), m);
        replica.zero_grad();
        me.loss_sum = 0.0;
        me.correct = 0;
        if (begin == end) return;
        fill_batch(data.images, data.labels, order.data() + start + begin, end - begin, config.model.input, me.x, &me.labels);
        me.loss_sum = me.loss.forward(replica.forward(me.x, Mode::kTrain), me.labels.data()) * (end - begin);
        me.correct = me.loss.correct();
        replica.backward(me.loss.backward(1.0f / static_cast<float>(n)));
      });
      double batch_loss = 0.0;
      int batch_correct = 0;
      for (const Member& me : members) {
        batch_loss += me.loss_sum;
        batch_correct += me.correct;
      }
      batch_loss /= n;
      if (!std::isfinite(batch_loss))
        CNN_FAIL(ExitCode::kDiverged,
                 "training diverged at epoch {} step {}: the loss is {}; the last checkpoint in {} is unchanged "
                 "(try a lower learning rate)",
                 epoch + 1, b + 1, batch_loss, out);
      // Summing the gradients, the update and copying the weights to the replicas are split over
      // the team by element ranges (elementwise work: the numbers do not depend on the split).
      lr = learning_rate(settings.schedule, settings.optimizer.lr, epoch, progress.global_step, total_steps);
      optimizer.begin_step();
      replicas.run([&](int m, Net&) {
        replicas.reduce_gradients(m, replicas.size());
        optimizer.update(lr, m, replicas.size());
        replicas.sync_weights(m, replicas.size());
      });
      progress.batch = b + 1;
      ++progress.global_step;
      progress.loss_sum += batch_loss * n;
      progress.correct += batch_correct;
      progress.seen += n;
      images_this_run += n;
      observer.on_step({epoch + 1, settings.epochs, b + 1, batches, progress.loss_sum / static_cast<double>(progress.seen),
                        static_cast<double>(progress.correct) / static_cast<double>(progress.seen), images_this_run,
                        seconds_since(epoch_start)});
      if (stop.load() && b + 1 < batches) {
        CNN_CHECK_CODE(all_finite(*net), ExitCode::kDiverged, "training diverged at epoch {} step {}: a weight is not finite",
                       epoch + 1, b + 1);
        save_checkpoint(checkpoint_path(out), config.model, config.text, *net, &optimizer, &progress, request.settings);
        CNN_FAIL(ExitCode::kInterrupted, "interrupted at epoch {} step {}; checkpoint written to {} (continue with --resume {})",
                 epoch + 1, b + 1, checkpoint_path(out), checkpoint_path(out));
      }
    }
    CNN_CHECK_CODE(all_finite(*net), ExitCode::kDiverged,
                   "training diverged in epoch {}: a weight is not finite; the last checkpoint in {} is unchanged", epoch + 1, out);

    EpochReport report;
    report.epoch = epoch + 1;
    report.epochs = settings.epochs;
    report.train_loss = progress.seen > 0 ? progress.loss_sum / static_cast<double>(progress.seen) : 0.0;
    report.train_accuracy = progress.seen > 0 ? static_cast<double>(progress.correct) / static_cast<double>(progress.seen) : 0.0;
    report.lr = lr;
    if (n_val > 0) {
      const EvalResult val = evaluate(replicas, data.images, data.labels, n_train, n_val, kEvalBatch);
      report.validation_loss = val.loss;
      report.validation_accuracy = val.accuracy();
      if (val.accuracy() > progress.best_validation) {
        progress.best_validation = val.accuracy();
        progress.best_epoch = epoch + 1;
        report.best = true;
      }
    }
    report.seconds = seconds_since(epoch_start);
    progress.epoch = epoch + 1;
    progress.batch = 0;
    progress.loss_sum = 0.0;
    progress.correct = 0;
    progress.seen = 0;
    progress.epoch_rng = shuffle_rng.state();
    save_checkpoint(checkpoint_path(out), config.model, config.text, *net, &optimizer, &progress, request.settings);
    if (report.best) save_checkpoint(best_path(out), config.model, config.text, *net, nullptr, nullptr, request.settings);
    append_metrics(metrics_path(out), !metrics_started, report);
    metrics_started = true;
    observer.on_epoch(report);
    if (stop.load() && epoch + 1 < settings.epochs)
      CNN_FAIL(ExitCode::kInterrupted, "interrupted after epoch {}; checkpoint written to {} (continue with --resume {})",
               epoch + 1, checkpoint_path(out), checkpoint_path(out));
  }
}

}  // namespace cnn
