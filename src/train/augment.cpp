// Data augmentation; see augment.hpp.
#include "train/augment.hpp"

#include <cmath>

#include "core/error.hpp"

namespace cnn {
namespace {

// Separates the augmentation seeds from the initialisation and shuffling streams of the same seed.
constexpr std::uint64_t kAugmentStream = 0xa5a5'9e37'79b9'7f4aULL;

std::uint64_t mix(std::uint64_t z) {  // splitmix64's finaliser: every input bit reaches every output bit
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr double kRadiansPerDegree = 3.14159265358979323846 / 180.0;

}  // namespace

std::uint64_t augment_seed(std::uint64_t run_seed, int epoch, std::int64_t position) {
  std::uint64_t h = mix(run_seed ^ kAugmentStream);
  h = mix(h + static_cast<std::uint64_t>(epoch));
  return mix(h + static_cast<std::uint64_t>(position));
}

AffineMap affine_map(const AugmentDraw& draw, int height, int width) {
  // A = s R S with S = [[1, k], [0, 1]], k = tan(shear); A^-1 = S^-1 R^T / s, S^-1 = [[1, -k], [0, 1]].
  // In double, so that the parameters of the identity give exactly a = d = 1, b = c = e = f = 0.
  const double angle = draw.angle * kRadiansPerDegree;
  const double cos_a = std::cos(angle), sin_a = std::sin(angle);
  const double k = std::tan(draw.shear * kRadiansPerDegree);
  const double s = draw.scale;
  // R^T = [[cos, sin], [-sin, cos]]; S^-1 R^T = [[cos + k sin, sin - k cos], [-sin, cos]].
  const double a = (cos_a + k * sin_a) / s, b = (sin_a - k * cos_a) / s;
  const double c = -sin_a / s, d = cos_a / s;
  const double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0;
  // source = M (q - c - t) + c = M q + (c - M (c + t)).
  const double ux = cx + draw.tx, uy = cy + draw.ty;
  AffineMap m;
  m.a = static_cast<float>(a);
  m.b = static_cast<float>(b);
  m.c = static_cast<float>(c);
  m.d = static_cast<float>(d);
  m.e = static_cast<float>(cx - (a * ux + b * uy));
  m.f = static_cast<float>(cy - (c * ux + d * uy));
  // q = flip(p + crop): x -> W - 1 - (x + crop_x) when flipped.
  m.x_sign = draw.flip ? -1.0f : 1.0f;
  m.x_offset = draw.flip ? static_cast<float>(width - 1 - draw.crop_x) : static_cast<float>(draw.crop_x);
  m.y_offset = static_cast<float>(draw.crop_y);
  return m;
}

Augmenter::Augmenter(const AugmentConfig& config, int channels, int height, int width, std::vector<float> cutout_fill)
    : config_(config), channels_(channels), height_(height), width_(width), cutout_fill_(std::move(cutout_fill)) {
  CNN_CHECK(channels > 0 && height > 0 && width > 0, "Augmenter: empty image shape {}x{}x{}", channels, height, width);
  if (cutout_fill_.empty()) cutout_fill_.assign(static_cast<std::size_t>(channels), 0.0f);
  CNN_CHECK(cutout_fill_.size() == static_cast<std::size_t>(channels), "Augmenter: {} cutout fill values for {} channels",
            cutout_fill_.size(), channels);
  const std::size_t field = static_cast<std::size_t>(height) * field_stride(width);
  if (config.elastic()) {
    // alpha folded into the row pass: G_h carries it, so no separate scaling pass.
    g_rows_ = gaussian_matrix(height, height, config.elastic_sigma, config.elastic_alpha);
    g_cols_ = gaussian_matrix(width, field_stride(width), config.elastic_sigma, 1.0f);
    scratch_.resize(field);
  }
  noise_.resize((static_cast<std::size_t>(width) + 3) / 4 * 4);
  dx_.assign(field, 0.0f);
  dy_.assign(field, 0.0f);
  framed_.assign(static_cast<std::size_t>(height + 3) * (width + 3), 0.0f);
}

AugmentDraw Augmenter::draw(Rng& rng) {
  // Always the same sequence of draws whatever is switched off, in this order, so that turning one
  // transform on or off does not reshuffle the others.
  AugmentDraw d;
  d.angle = rng.uniform(-config_.rotation, config_.rotation);
  d.scale = rng.uniform(config_.scale_min, config_.scale_max);
  d.shear = rng.uniform(-config_.shear, config_.shear);
  d.tx = rng.uniform(-config_.translate, config_.translate);
  d.ty = rng.uniform(-config_.translate, config_.translate);
  const std::uint64_t crops = static_cast<std::uint64_t>(2 * config_.crop + 1);
  d.crop_x = static_cast<int>(rng.uniform_int(crops)) - config_.crop;
  d.crop_y = static_cast<int>(rng.uniform_int(crops)) - config_.crop;
  d.flip = (rng.next_u64() >> 63) != 0 && config_.flip;
  if (config_.elastic()) {
    // Four uniform draws per 64-bit word, 16 bits each: (k + 1/2) / 2^15 - 1 for k < 2^16, symmetric
    // about 0. The Gaussian averages a hundred or more of them into each displacement, so 16 bits
    // are plenty, and drawing a quarter as many words halved the cost of the noise.
    const int stride = field_stride(width_);
    const std::size_t words = (static_cast<std::size_t>(width_) + 3) / 4;
    auto fill = [&](std::vector<float>& field) {
      for (int y = 0; y < height_; ++y) {
        for (std::size_t w = 0; w < words; ++w) {
          const std::uint64_t bits = rng.next_u64();
          for (int j = 0; j < 4; ++j) noise_[4 * w + j] = static_cast<std::uint16_t>(bits >> (16 * j));
        }
        float* row = field.data() + static_cast<std::size_t>(y) * stride;
        for (int x = 0; x < width_; ++x) row[x] = (static_cast<float>(noise_[x]) + 0.5f) * 0x1.0p-15f - 1.0f;
      }
    };
    fill(dx_);
    fill(dy_);
    smooth_field(g_rows_.data(), g_cols_.data(), height_, width_, dx_.data(), scratch_.data());
    smooth_field(g_rows_.data(), g_cols_.data(), height_, width_, dy_.data(), scratch_.data());
  }
  // Last, so that the draws above are what they were before cutout existed.
  if (config_.cutout > 0) {
    d.cutout_y = static_cast<int>(rng.uniform_int(static_cast<std::uint64_t>(height_)));
    d.cutout_x = static_cast<int>(rng.uniform_int(static_cast<std::uint64_t>(width_)));
  }
  // Random erasing after that, as torchvision's RandomErasing draws it.
  if (config_.erasing() && rng.uniform() < config_.erase_p) {
    const float area = static_cast<float>(height_) * static_cast<float>(width_);
    const float log_ratio_min = std::log(config_.erase_ratio_min), log_ratio_max = std::log(config_.erase_ratio_max);
    for (int attempt = 0; attempt < 10; ++attempt) {
      const float target = area * rng.uniform(config_.erase_scale_min, config_.erase_scale_max);
      const float ratio = std::exp(rng.uniform(log_ratio_min, log_ratio_max));
      const int h = static_cast<int>(std::lround(std::sqrt(target * ratio)));
      const int w = static_cast<int>(std::lround(std::sqrt(target / ratio)));
      if (h >= height_ || w >= width_) continue;
      d.erase_h = h;
      d.erase_w = w;
      d.erase_y = static_cast<int>(rng.uniform_int(static_cast<std::uint64_t>(height_ - h + 1)));
      d.erase_x = static_cast<int>(rng.uniform_int(static_cast<std::uint64_t>(width_ - w + 1)));
      break;
    }
  }
  return d;
}

void Augmenter::fill_rectangle(float* image, int y0, int y1, int x0, int x1) const {
  const std::size_t plane = static_cast<std::size_t>(height_) * width_;
  for (int c = 0; c < channels_; ++c)
    for (int y = y0; y < y1; ++y) {
      float* row = image + static_cast<std::size_t>(c) * plane + static_cast<std::size_t>(y) * width_;
      std::fill(row + x0, row + x1, cutout_fill_[c]);
    }
}

AugmentDraw Augmenter::apply_one(float* image, Rng& rng) {
  const AugmentDraw d = draw(rng);
  const bool elastic = config_.elastic();
  map_.build(height_, width_, affine_map(d, height_, width_), elastic ? dx_.data() : nullptr,
             elastic ? dy_.data() : nullptr);
  const std::size_t plane = static_cast<std::size_t>(height_) * width_;
  for (int c = 0; c < channels_; ++c) {
    float* p = image + static_cast<std::size_t>(c) * plane;
    frame_plane(p, height_, width_, framed_.data());
    sample_plane(map_, framed_.data(), p);
  }
  if (config_.cutout > 0) {
    const int half = config_.cutout / 2;
    const int y0 = std::max(0, d.cutout_y - half), y1 = std::min(height_, d.cutout_y + half);
    const int x0 = std::max(0, d.cutout_x - half), x1 = std::min(width_, d.cutout_x + half);
    fill_rectangle(image, y0, y1, x0, x1);
  }
  if (d.erase_h > 0 && d.erase_w > 0) fill_rectangle(image, d.erase_y, d.erase_y + d.erase_h, d.erase_x, d.erase_x + d.erase_w);
  return d;
}

void Augmenter::apply(float* images, int count, std::uint64_t run_seed, int epoch, std::int64_t first) {
  const std::size_t image = static_cast<std::size_t>(channels_) * height_ * width_;
  for (int s = 0; s < count; ++s) {
    Rng rng(augment_seed(run_seed, epoch, first + s));
    apply_one(images + static_cast<std::size_t>(s) * image, rng);
  }
}

}  // namespace cnn
