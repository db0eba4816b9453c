#include "cli/tensorboard_log.hpp"

#include <algorithm>

namespace cnn {

TensorBoardLog::TensorBoardLog(TrainingObserver& inner, const std::string& run_dir, const std::string& config_text)
    : inner_(inner), events_(run_dir), config_text_(config_text) {}

void TensorBoardLog::on_start(const Net& net, int train_images, int validation_images, int first_epoch) {
  inner_.on_start(net, train_images, validation_images, first_epoch);
  events_.text("config", 0, config_text_);
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
}

void TensorBoardLog::on_early_stop(int epoch, int patience, int best_epoch, double best) {
  inner_.on_early_stop(epoch, patience, best_epoch, best);
}

}  // namespace cnn
