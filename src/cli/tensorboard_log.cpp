#include "cli/tensorboard_log.hpp"

#include <algorithm>

#include "report/charts.hpp"
#include "report/network_views.hpp"

namespace cnn {

TensorBoardLog::TensorBoardLog(TrainingObserver& inner, const std::string& run_dir, const std::string& config_text,
                               std::vector<std::string> class_names, bool resumed)
    : inner_(inner), events_(run_dir), config_text_(config_text), class_names_(std::move(class_names)), resumed_(resumed) {}

void TensorBoardLog::on_start(const Net& net, int train_images, int validation_images, int first_epoch) {
  inner_.on_start(net, train_images, validation_images, first_epoch);
  net_ = &net;
  events_.text("config", 0, config_text_);
  if (!resumed_ && first_epoch == 0) write_filters(0);
}

void TensorBoardLog::write_filters(std::int64_t epoch) {
  if (net_ == nullptr || !has_conv_layer(*net_)) return;
  const Canvas filters = filter_grid(*net_);
  events_.image("images/filters", epoch, filters.encode_png(), filters.height(), filters.width(), 3);
}

void TensorBoardLog::on_step(const StepReport& r) {
  inner_.on_step(r);
  const std::int64_t every = std::max<std::int64_t>(1, r.batches / 50);
  if (r.batch % every != 0 && r.batch != r.batches) return;
  events_.scalar("step/loss", r.global_step, static_cast<float>(r.loss));
  events_.scalar("step/accuracy", r.global_step, static_cast<float>(r.accuracy));
  events_.scalar("step/learning_rate", r.global_step, r.lr);
  if (r.seconds > 0) events_.scalar("step/images_per_second", r.global_step, static_cast<float>(static_cast<double>(r.images) / r.seconds));
}

void TensorBoardLog::on_epoch(const EpochReport& r) {
  inner_.on_epoch(r);
  events_.scalar("epoch/train_loss", r.epoch, static_cast<float>(r.train_loss));
  events_.scalar("epoch/train_accuracy", r.epoch, static_cast<float>(r.train_accuracy));
  if (r.validation_loss) events_.scalar("epoch/validation_loss", r.epoch, static_cast<float>(*r.validation_loss));
  if (r.validation_accuracy) events_.scalar("epoch/validation_accuracy", r.epoch, static_cast<float>(*r.validation_accuracy));
  events_.scalar("epoch/learning_rate", r.epoch, r.lr);
  events_.scalar("epoch/seconds", r.epoch, static_cast<float>(r.seconds));
  if (!r.validation_confusion.empty()) {
    std::vector<std::string> names = class_names_;
    if (names.size() != r.validation_confusion.size()) {
      names.clear();
      for (std::size_t c = 0; c < r.validation_confusion.size(); ++c) names.push_back(std::to_string(c));
    }
    const Canvas confusion = confusion_heatmap(r.validation_confusion, names);
    events_.image("images/confusion_matrix", r.epoch, confusion.encode_png(), confusion.height(), confusion.width(), 3);
  }
  write_filters(r.epoch);
}

void TensorBoardLog::on_early_stop(int epoch, int patience, int best_epoch, double best) {
  inner_.on_early_stop(epoch, patience, best_epoch, best);
}

}  // namespace cnn
