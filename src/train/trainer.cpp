// The training loop; see trainer.hpp. Read it top-down: run_training sets up a TrainingRun, then
// for each epoch runs its steps (train_step) and ends the epoch (end_epoch); an interruption ends
// a step with a checkpoint (checkpoint_and_stop).
#include "train/trainer.hpp"

#include <chrono>
#include <cmath>
#include <fstream>
#include <numeric>
#include <thread>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/worker_team.hpp"
#include "io/atomic_file.hpp"
#include "net/builder.hpp"
#include "net/replica_set.hpp"
#include "train/augment.hpp"
#include "runtime/network_input.hpp"
#include "train/data_source.hpp"
#include "train/distributed_state.hpp"
#include "train/gradient_clipping.hpp"
#include "runtime/evaluate.hpp"
#include "net/initializer.hpp"
#include "train/schedule.hpp"
#include "train/weight_average.hpp"
#include "train/whitening.hpp"
#include "runtime/softmax_cross_entropy.hpp"

namespace cnn {
namespace {

// The shuffling stream is derived from the seed but independent of the initialisation stream.
constexpr std::uint64_t kShuffleStream = 0x5eed5eed5eed5eedULL;
constexpr int kEvalBatch = 1000;

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

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

// Copies the weights (and layer state) of a loaded model into `net`, built from the same spec.
void copy_weights(const Net& from, Net& to) {
  for (std::size_t i = 0; i < to.params().size(); ++i) *to.params()[i].value = *from.params()[i].value;
  for (std::size_t i = 0; i < to.state().size(); ++i) *to.state()[i].value = *from.state()[i].value;
}

// One thread's slice of each batch.
struct Member {
  Tensor x;
  std::vector<Label> labels;
  SoftmaxCrossEntropy loss;
  std::unique_ptr<Augmenter> augmenter;  // null when train.augment is off
  double loss_sum = 0.0;
  int correct = 0;
};

// Which parts of two data descriptions differ, for a message.
std::string differing_fields(const DataDescription& a, const DataDescription& b) {
  std::string out;
  auto note = [&](bool differs, const char* what) {
    if (differs) out += (out.empty() ? "" : ", ") + std::string(what);
  };
  note(a.format != b.format || a.transpose != b.transpose, "format");
  note(a.class_names != b.class_names, "class names");
  note(a.channels != b.channels, "channels");
  note(a.preparation != b.preparation, "preparation");
  note(!(a.normalization == b.normalization), "normalisation");
  return out;
}

// Everything one training run holds between steps.
class TrainingRun {
 public:
  TrainingRun(const TrainRequest& request, const Dataset& data);

  // The epoch's steps from progress_.batch on; when `stop` is set, the step in progress ends
  // with a checkpoint and an Error(kInterrupted).
  void run_epoch(int epoch, TrainingObserver& observer, const std::atomic<bool>& stop);
  void end_epoch(int epoch, TrainingObserver& observer);

  const Net& net() const { return *net_; }
  // The stop every rank agreed on at the last step (one process: `stop` itself).
  bool stop_agreed(const std::atomic<bool>& stop) const { return comm_.size() > 1 ? stop_agreed_ : stop.load(); }
  int first_epoch() const { return first_epoch_; }
  // Whether early stopping ends the run now (after the epochs done so far).
  bool stops_early() const {
    const int patience = settings_.early_stopping_patience;
    return patience > 0 && progress_.epoch > 0 && progress_.epoch - progress_.best_epoch >= patience;
  }
  int epochs_done() const { return progress_.epoch; }
  int best_epoch() const { return progress_.best_epoch; }
  double best_validation() const { return progress_.best_validation; }
  int train_images() const { return n_train_; }
  int validation_images() const { return n_val_; }

 private:
  void train_step(int epoch, std::int64_t b, const std::atomic<bool>& stop);
  void combine_across_ranks(double& batch_loss, int& batch_correct, const std::atomic<bool>& stop);
  void whiten_layers();
  EvalResult validate();
  void save(bool best) const;
  [[noreturn]] void checkpoint_and_stop(int epoch, std::int64_t b);

  const TrainRequest& request_;
  SingleProcess alone_;
  Communicator& comm_;  // request.comm, or alone_
  std::unique_ptr<CommunicatorReducer> rank_reducer_;  // batch-norm sums across ranks (null: one rank)
  std::vector<float> gradients_;                       // every gradient, contiguous, for one collective sum
  bool stop_agreed_ = false;
  const RunConfig& config_;
  const TrainSettings& settings_;
  const Dataset& data_;
  int n_train_ = 0, n_val_ = 0;
  std::int64_t batches_ = 0, total_steps_ = 0;
  std::unique_ptr<Net> net_;
  std::vector<Param> trained_;  // the parameters the optimizer updates (not the frozen ones)
  std::unique_ptr<Optimizer> optimizer_;
  std::unique_ptr<WeightAverage> average_;  // train.ema; null when off
  std::unique_ptr<ReplicaSet> replicas_;
  std::vector<Member> members_;
  TrainingProgress progress_;
  DataDescription data_description_;  // what the model files record; its normalisation feeds every batch
  Rng shuffle_rng_;
  std::vector<std::uint32_t> order_;  // (n_train): this epoch's shuffled training indices
  int first_epoch_ = 0;
  bool metrics_started_ = false;
  Clock::time_point epoch_start_;
  std::int64_t images_this_epoch_ = 0;
  float lr_ = 0.0f;
};

TrainingRun::TrainingRun(const TrainRequest& request, const Dataset& data)
    : request_(request), comm_(request.comm != nullptr ? *request.comm : alone_), config_(request.config),
      settings_(request.config.train), data_(data),
      shuffle_rng_(request.config.train.seed ^ kShuffleStream) {
  const int total = data.size();
  n_val_ = config_.data.validation;
  CNN_CHECK_CODE(n_val_ < total, ExitCode::kUsage, "data.validation = {} leaves no training images (the set holds {})",
                 n_val_, total);
  n_train_ = total - n_val_;
  CNN_CHECK_CODE(n_val_ > 0 || settings_.early_stopping_patience == 0, ExitCode::kUsage,
                 "train.early_stopping watches the validation accuracy: set data.validation (or --validation) above 0");
  batches_ = (n_train_ + settings_.batch_size - 1) / settings_.batch_size;
  total_steps_ = batches_ * settings_.epochs;

  net_ = build_net(config_.model);
  CNN_CHECK_CODE(net_->output_shape() == Shape{data.classes}, ExitCode::kUsage,
                 "the network outputs {} per image, but the data has {} classes (labels 0 to {}): make the last dense "
                 "layer {} units",
                 net_->output_shape().str(), data.classes, data.classes - 1, data.classes);
  check_images_fit(data.images, config_.model.input);
  data_description_ = describe_data(config_.data, data, n_train_, config_.model.input);
  trained_ = trainable_params(net_->params());
  optimizer_ = std::make_unique<Optimizer>(settings_.optimizer, settings_.decay_biases ? trained_ : without_bias_decay(trained_));
  progress_.epoch_rng = shuffle_rng_.state();

  if (request.resume) {
    const LoadedModel& saved = *request.resume;
    CNN_CHECK_CODE(to_json(saved.spec) == to_json(config_.model), ExitCode::kModel,
                   "{}: its architecture differs from the config's", request.resume_path);
    CNN_CHECK_CODE(saved.data == data_description_, ExitCode::kData, "{}: the data changed since the checkpoint ({} differ)",
                   request.resume_path, differing_fields(saved.data, data_description_));
    copy_weights(*saved.net, *net_);
    progress_ = restore_training(saved, *optimizer_, request.resume_path);
    CNN_CHECK_CODE(progress_.batch < batches_, ExitCode::kModel,
                   "{}: stopped after batch {} of an epoch that has only {} batches here (different data or batch size?)",
                   request.resume_path, progress_.batch, batches_);
    // The schedule's step counts whole epochs of this batch size (the same number when it has not
    // changed; the right position on the curve when --batch-size changed at an epoch boundary).
    progress_.global_step = static_cast<std::int64_t>(progress_.epoch) * batches_ + progress_.batch;
    shuffle_rng_.set_state(progress_.epoch_rng);
  } else if (request.init) {
    CNN_CHECK_CODE(to_json(request.init->spec) == to_json(config_.model), ExitCode::kModel,
                   "{}: its architecture differs from the config's, so its weights cannot initialise this network",
                   request.init_path);
    copy_weights(*request.init->net, *net_);
  } else {
    Rng init_rng(settings_.seed);
    initialize(net_->params(), config_.model.init, init_rng);
    for (const Param& s : net_->state()) s.value->fill(s.fill == ParamFill::kOnes ? 1.0f : 0.0f);  // e.g. running var 1
    whiten_layers();
  }
  if (comm_.size() > 1) {
    // Every rank built or loaded the same state from the same bytes; rank 0's copy is what counts.
    broadcast_training_state(comm_, *net_, *optimizer_, progress_);
    shuffle_rng_.set_state(progress_.epoch_rng);
    check_last_batch_fits_ranks(comm_.size(), n_train_, settings_.batch_size);
  }
  // The average starts from the weights the run starts with; a checkpoint's own replaces it (and
  // a checkpoint with an average gives the network the optimizer's weights back).
  if (settings_.average.enabled()) average_ = std::make_unique<WeightAverage>(settings_.average, *net_);
  if (request.resume) restore_average(*request.resume, *net_, average_.get(), request.resume_path);
  first_epoch_ = progress_.epoch;
  metrics_started_ = request.resume != nullptr;

  if (comm_.rank() == 0) {
    ensure_writable_folder(config_.output);
    // A run killed while saving leaves its temporary file behind; the checkpoint itself is whole.
    remove_stale_temporaries(checkpoint_path(config_.output));
    remove_stale_temporaries(best_path(config_.output));
  }
  if (comm_.size() > 1) rank_reducer_ = std::make_unique<CommunicatorReducer>(comm_);
  replicas_ = std::make_unique<ReplicaSet>(*net_, config_.model, settings_.threads > 0 ? settings_.threads : default_thread_count(),
                                           rank_reducer_.get());
  members_.resize(static_cast<std::size_t>(replicas_->size()));
  for (Member& me : members_) me.loss.set_label_smoothing(settings_.label_smoothing);
  for (int m = 0; m < replicas_->size(); ++m) replicas_->net(m).set_input_gradient(false);
  if (settings_.augment.enabled()) {
    const Shape& in = config_.model.input;
    // Cutout fills with the normalisation's mean: 0 in the network's input (train/augment.hpp).
    for (Member& me : members_)
      me.augmenter = std::make_unique<Augmenter>(settings_.augment, in[0], in[1], in[2], data_description_.normalization.mean);
  }
  order_.resize(static_cast<std::size_t>(n_train_));
}

void TrainingRun::run_epoch(int epoch, TrainingObserver& observer, const std::atomic<bool>& stop) {
  epoch_start_ = Clock::now();
  images_this_epoch_ = 0;
  lr_ = settings_.optimizer.lr;
  progress_.epoch = epoch;
  progress_.epoch_rng = shuffle_rng_.state();
  std::iota(order_.begin(), order_.end(), 0u);
  for (std::size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[shuffle_rng_.uniform_int(i)]);
  for (std::int64_t b = progress_.batch; b < batches_; ++b) {
    const double loss_before = progress_.loss_sum;
    const auto correct_before = progress_.correct;
    const auto seen_before = progress_.seen;
    train_step(epoch, b, stop);
    const double step_seen = static_cast<double>(progress_.seen - seen_before);
    observer.on_step({epoch + 1, settings_.epochs, b + 1, batches_,
                      progress_.loss_sum / static_cast<double>(progress_.seen),
                      static_cast<double>(progress_.correct) / static_cast<double>(progress_.seen), images_this_epoch_,
                      seconds_since(epoch_start_), progress_.global_step, lr_, (progress_.loss_sum - loss_before) / step_seen,
                      static_cast<double>(progress_.correct - correct_before) / step_seen,
                      static_cast<std::int64_t>(progress_.seen - seen_before)});
    if (stop_agreed(stop) && b + 1 < batches_) checkpoint_and_stop(epoch, b);
  }
}

// One optimizer step on batch b of the epoch's order: every member runs forward and backward on
// its slice, then the team sums the gradients, updates and copies the weights to the replicas.
// With several ranks the batch is first split over the ranks (slice_of, in rank order), each
// rank's share over its threads; the ranks' gradient sums are added (combine_across_ranks) before
// every rank applies the same update.
void TrainingRun::train_step(int epoch, std::int64_t b, const std::atomic<bool>& stop) {
  const int start = static_cast<int>(b * settings_.batch_size);
  const int n = std::min(settings_.batch_size, n_train_ - start);
  // Plain ints, not a structured binding: the lambda below captures them, which C++17 allows only
  // for variables (clang refuses a captured binding; GCC accepts it as an extension).
  const std::pair<int, int> rank_slice = slice_of(n, comm_.size(), comm_.rank());
  const int rank_begin = rank_slice.first;
  const int n_rank = rank_slice.second - rank_slice.first;  // >= 1: check_last_batch_fits_ranks
  replicas_->set_active_members(std::min(n_rank, replicas_->size()));  // the members that get images (slice_of)
  replicas_->run([&](int m, Net& replica) {
    Member& me = members_[static_cast<std::size_t>(m)];
    auto [begin, end] = slice_of(n_rank, replicas_->size(), m);
    begin += rank_begin;  // positions in the global batch: dropout's masks depend on them
    end += rank_begin;
    replica.zero_grad();
    me.loss_sum = 0.0;
    me.correct = 0;
    if (begin == end) return;
    replica.set_step({settings_.seed, progress_.global_step, begin});
    if (me.augmenter) {
      // Augmented on the [0, 1] pixels (the zero fill is black, as in the images), then normalised.
      // Keyed by the position in the epoch's order, so the split between members does not matter.
      fill_batch(data_.images, data_.labels, order_.data() + start + begin, end - begin, config_.model.input, me.x, &me.labels);
      me.augmenter->apply(me.x.data(), end - begin, settings_.seed, epoch, start + begin);
      apply_normalization(me.x, data_description_.normalization);
    } else {
      fill_batch(data_.images, data_.labels, order_.data() + start + begin, end - begin, config_.model.input, me.x, &me.labels,
                 data_description_.normalization);
    }
    me.loss_sum = me.loss.forward(replica.forward(me.x, Mode::kTrain), me.labels.data()) * (end - begin);
    me.correct = me.loss.correct();
    replica.backward(me.loss.backward(1.0f / static_cast<float>(n)));
  });
  double batch_loss = 0.0;
  int batch_correct = 0;
  for (const Member& me : members_) {
    batch_loss += me.loss_sum;
    batch_correct += me.correct;
  }
  if (comm_.size() > 1) combine_across_ranks(batch_loss, batch_correct, stop);
  batch_loss /= n;
  if (!std::isfinite(batch_loss))
    CNN_FAIL(ExitCode::kDiverged,
             "training diverged at epoch {} step {}: the loss is {}; the last checkpoint in {} is unchanged "
             "(try a lower learning rate)",
             epoch + 1, b + 1, batch_loss, config_.output);
  // Summing the gradients, the update and copying the weights to the replicas are split over
  // the team by element ranges (elementwise work: the numbers do not depend on the split).
  lr_ = learning_rate(settings_.schedule, settings_.optimizer.lr, {epoch, progress_.global_step, total_steps_, batches_});
  optimizer_->begin_step();
  if (average_) average_->begin_update();
  // With clipping, the global norm needs the whole batch's gradient first: summed in a pass of
  // its own, then scaled in the update's (train/gradient_clipping.hpp).
  const bool clip = settings_.clip_grad_norm > 0.0f;
  float clip_by = 1.0f;
  if (clip) {
    if (comm_.size() == 1) replicas_->run([&](int m, Net&) { replicas_->reduce_gradients(m, replicas_->size()); });
    clip_by = clip_factor(gradient_norm(trained_), settings_.clip_grad_norm);
  }
  replicas_->run([&](int m, Net&) {
    // Several ranks: summed in combine_across_ranks.
    if (!clip && comm_.size() == 1) replicas_->reduce_gradients(m, replicas_->size());
    if (clip) scale_gradients(trained_, clip_by, m, replicas_->size());
    optimizer_->update(lr_, m, replicas_->size());
    if (average_) average_->update(m, replicas_->size());  // reads only this part's updated elements
    replicas_->sync_weights(m, replicas_->size());
  });
  progress_.batch = b + 1;
  ++progress_.global_step;
  progress_.loss_sum += batch_loss * n;
  progress_.correct += batch_correct;
  progress_.seen += n;
  images_this_epoch_ += n;
}

// The ranks' shares of a step, added in rank order on every rank: the gradients (one contiguous
// buffer) with the loss, the correct count and the stop flag, in one collective.
void TrainingRun::combine_across_ranks(double& batch_loss, int& batch_correct, const std::atomic<bool>& stop) {
  replicas_->run([&](int m, Net&) { replicas_->reduce_gradients(m, replicas_->size()); });
  pack_gradients(*net_, gradients_);
  double counts[3] = {batch_loss, static_cast<double>(batch_correct), stop.load() ? 1.0 : 0.0};
  comm_.sum(gradients_.data(), gradients_.size(), counts, 3);
  unpack_gradients(gradients_, *net_);
  batch_loss = counts[0];
  batch_correct = static_cast<int>(counts[1]);
  stop_agreed_ = counts[2] > 0.0;
}

// A fresh run's conv layers with init: whitening get their filters from the training images
// (train/whitening.hpp) in place of the initializer's.
void TrainingRun::whiten_layers() {
  for (const LayerSpec& layer : config_.model.layers) {
    if (layer.kind != "conv" || layer.options.value("init", "") != "whitening") continue;
    CNN_CHECK_CODE(layer.inputs == std::vector<std::string>{kNetworkInputName}, ExitCode::kUsage,
                   "{}: init: whitening reads the network's input: the layer must be the first or read 'input'", layer.name);
    Tensor* weight = nullptr;
    for (const Param& p : net_->params())
      if (p.name == layer.name + ".weight") weight = p.value;
    CNN_CHECK(weight != nullptr, "{}: no weight to whiten", layer.name);
    const int patch = weight->shape()[1] * weight->shape()[2] * weight->shape()[3];
    CNN_CHECK_CODE(weight->shape()[0] == patch || weight->shape()[0] == 2 * patch, ExitCode::kUsage,
                   "{}: init: whitening needs {} filters (each direction of its {}-value patches and its negative) or {}, "
                   "not {}",
                   layer.name, 2 * patch, patch, patch, weight->shape()[0]);
    whiten_first_layer(data_.images, n_train_, config_.model.input, data_description_.normalization, *weight);
  }
}

EvalResult TrainingRun::validate() {
  EvalResult val;
  {
    // With train.ema the average is what is validated (and saved): in the network for the
    // evaluation, on every replica, then the optimizer's weights back.
    AverageInNet averaged(average_.get());
    if (average_) replicas_->sync_weights();
    val = evaluate_across(comm_, *replicas_, data_.images, data_.labels, n_train_, n_val_, kEvalBatch,
                          data_description_.normalization, settings_.validation_tta);
  }
  if (average_) replicas_->sync_weights();
  return val;
}

void TrainingRun::save(bool best) const {
  if (comm_.rank() != 0) return;  // one writer of the run folder; every rank holds the same state
  save_checkpoint(checkpoint_path(config_.output), config_.model, config_.text, *net_, optimizer_.get(), &progress_,
                  request_.settings, &data_description_, average_.get());
  if (best)
    save_checkpoint(best_path(config_.output), config_.model, config_.text, *net_, nullptr, nullptr, request_.settings,
                    &data_description_, average_.get());
}

void TrainingRun::checkpoint_and_stop(int epoch, std::int64_t b) {
  CNN_CHECK_CODE(all_finite(*net_), ExitCode::kDiverged, "training diverged at epoch {} step {}: a weight is not finite",
                 epoch + 1, b + 1);
  save(false);
  if (comm_.rank() != 0)  // the same stop on every rank; rank 0 says it
    CNN_FAIL(ExitCode::kInterrupted, "interrupted at epoch {} step {} (rank {}; rank 0 wrote the checkpoint)", epoch + 1,
             b + 1, comm_.rank());
  const std::string model = checkpoint_path(config_.output);
  CNN_FAIL(ExitCode::kInterrupted, "interrupted at epoch {} step {}; checkpoint written to {} (continue with --resume {})",
           epoch + 1, b + 1, model, model);
}

// Validation, the best-so-far, the checkpoints and the metrics line of a finished epoch.
void TrainingRun::end_epoch(int epoch, TrainingObserver& observer) {
  CNN_CHECK_CODE(all_finite(*net_), ExitCode::kDiverged,
                 "training diverged in epoch {}: a weight is not finite; the last checkpoint in {} is unchanged", epoch + 1,
                 config_.output);
  EpochReport report;
  report.epoch = epoch + 1;
  report.epochs = settings_.epochs;
  report.train_loss = progress_.seen > 0 ? progress_.loss_sum / static_cast<double>(progress_.seen) : 0.0;
  report.train_accuracy =
      progress_.seen > 0 ? static_cast<double>(progress_.correct) / static_cast<double>(progress_.seen) : 0.0;
  report.lr = lr_;
  if (n_val_ > 0) {
    const EvalResult val = validate();
    report.validation_loss = val.loss;
    report.validation_accuracy = val.accuracy();
    report.validation_confusion = val.confusion;
    if (val.accuracy() > progress_.best_validation) {
      progress_.best_validation = val.accuracy();
      progress_.best_epoch = epoch + 1;
      report.best = true;
    }
  }
  report.seconds = seconds_since(epoch_start_);
  progress_.epoch = epoch + 1;
  progress_.batch = 0;
  progress_.loss_sum = 0.0;
  progress_.correct = 0;
  progress_.seen = 0;
  progress_.epoch_rng = shuffle_rng_.state();
  if (comm_.size() > 1) check_ranks_agree(comm_, *net_, epoch + 1);
  save(report.best);
  if (comm_.rank() == 0) append_metrics(metrics_path(config_.output), !metrics_started_, report);
  metrics_started_ = true;
  observer.on_epoch(report);
}

}  // namespace

void run_training(const TrainRequest& request, const Dataset& data, TrainingObserver& observer,
                  const std::atomic<bool>& stop) {
  TrainingRun run(request, data);
  observer.on_start(run.net(), run.train_images(), run.validation_images(), run.first_epoch());
  const int epochs = request.config.train.epochs;
  const auto early_stop = [&] {
    if (!run.stops_early() || run.epochs_done() >= epochs) return false;
    observer.on_early_stop(run.epochs_done(), request.config.train.early_stopping_patience, run.best_epoch(),
                           run.best_validation());
    return true;
  };
  // A checkpoint of a run that stopped early resumes to the same end: nothing more to train.
  if (early_stop()) return;
  for (int epoch = run.first_epoch(); epoch < epochs; ++epoch) {
    run.run_epoch(epoch, observer, stop);
    run.end_epoch(epoch, observer);
    if (early_stop()) return;
    if (run.stop_agreed(stop) && epoch + 1 < epochs) {
      const std::string model = checkpoint_path(request.config.output);
      CNN_FAIL(ExitCode::kInterrupted, "interrupted after epoch {}; checkpoint written to {} (continue with --resume {})",
               epoch + 1, model, model);
    }
  }
}

}  // namespace cnn
