// Data augmentation of training images (config `train.augment`): a random affine transform
// (rotation, scale, shear, translation), an elastic distortion (Simard, Steinkraus and Platt 2003),
// a horizontal flip and a random crop of the zero-padded image, composed into one sampling map per
// image (ops/warp.hpp) so that each pixel is sampled once, bilinearly, and applied to every channel
// plane alike.
//
// For output pixel p = (x, y) of an (H, W) plane with centre c = ((W - 1) / 2, (H - 1) / 2):
//   q = flip(p + crop) + elastic(p)          crop: whole pixels in [-crop, crop]; flip: x -> W - 1 - x
//   source(p) = A^-1 (q - c - t) + c          A = scale * R(angle) * [[1, tan(shear)], [0, 1]]
// so the image content is sheared, rotated and scaled about the centre and moved by t.
// The elastic field is uniform noise in (-1, 1) per pixel and axis, smoothed by a Gaussian of
// `sigma` pixels (zero boundary) and multiplied by `alpha`.
//
// Cutout (DeVries and Taylor 2017), after the warp: a square of side `cutout` centred on a pixel
// drawn uniformly from the image, rows [y - cutout/2, y + cutout/2) and the same columns clipped
// to the image, set to each channel's fill value: the normalisation's mean, so that the square is
// 0 in the network's input, as in the paper's code (which masks normalised images).
//
// Random erasing (Zhong et al. 2017), last, with torchvision's RandomErasing semantics: with
// probability `erase_p` a rectangle of area fraction uniform in [erase_scale_min, erase_scale_max]
// and aspect ratio (height / width) log-uniform in [erase_ratio_min, erase_ratio_max], h and w
// rounded to whole pixels; a shape that does not fit inside the image (h >= H or w >= W) is drawn
// again, up to 10 times, after which the image is left as it is; the corner is uniform over the
// places where the rectangle fits. Its pixels get the same fill as cutout's.
//
// Determinism: each image draws its parameters from its own Rng, seeded from the run's seed, the
// epoch and the image's position in that epoch's order. The draws therefore depend neither on the
// thread that assembles the image nor on the batch size, and a resumed run replays them exactly.
#pragma once

#include <cstdint>
#include <vector>

#include "core/rng.hpp"
#include "ops/warp.hpp"

namespace cnn {

struct AugmentConfig {
  float rotation = 0.0f;                     // degrees: uniform in [-rotation, rotation]
  float scale_min = 1.0f, scale_max = 1.0f;  // uniform in [scale_min, scale_max]
  float shear = 0.0f;                        // degrees: uniform in [-shear, shear]
  float translate = 0.0f;                    // pixels: each axis uniform in [-translate, translate]
  float elastic_alpha = 0.0f;                // 0: no elastic distortion
  float elastic_sigma = 0.0f;                // pixels; > 0 when elastic_alpha > 0
  bool flip = false;                         // mirror left-right half of the images
  int crop = 0;                              // zero padding: a whole-pixel shift in [-crop, crop] per axis
  int cutout = 0;                            // the side of the square cut out; 0: none
  float erase_p = 0.0f;                      // random erasing's probability; 0: none
  float erase_scale_min = 0.02f, erase_scale_max = 0.33f;  // its area fraction (torchvision's defaults)
  float erase_ratio_min = 0.3f, erase_ratio_max = 3.3f;    // its aspect ratio, height / width

  bool enabled() const {
    return rotation > 0.0f || scale_min != 1.0f || scale_max != 1.0f || shear > 0.0f || translate > 0.0f ||
           elastic_alpha > 0.0f || flip || crop > 0 || cutout > 0 || erasing();
  }
  bool elastic() const { return elastic_alpha > 0.0f; }
  bool erasing() const { return erase_p > 0.0f; }
};

// One image's random choices.
struct AugmentDraw {
  float angle = 0.0f;  // degrees
  float scale = 1.0f;
  float shear = 0.0f;  // degrees
  float tx = 0.0f, ty = 0.0f;
  int crop_x = 0, crop_y = 0;
  bool flip = false;
  int cutout_x = 0, cutout_y = 0;  // the cutout square's centre
  int erase_x = 0, erase_y = 0;    // the erased rectangle's top-left corner
  int erase_w = 0, erase_h = 0;    // and its size; 0 x 0 when nothing is erased
};

// The sampling map's affine part for these choices on (height, width) planes.
AffineMap affine_map(const AugmentDraw& draw, int height, int width);

// The Rng seed of the image at `position` of epoch `epoch`'s order.
std::uint64_t augment_seed(std::uint64_t run_seed, int epoch, std::int64_t position);

// Augments images in place. Holds its scratch buffers, so that one per worker thread allocates
// nothing after the first image.
class Augmenter {
 public:
  // `cutout_fill`: per channel, the value of the cut-out and erased pixels (empty: 0).
  Augmenter(const AugmentConfig& config, int channels, int height, int width, std::vector<float> cutout_fill = {});

  // images: (count, C, H, W); image s is the one at position first + s of the epoch's order.
  void apply(float* images, int count, std::uint64_t run_seed, int epoch, std::int64_t first);

  // One image (C, H, W) with the choices drawn from `rng`; the draw is returned for tests.
  AugmentDraw apply_one(float* image, Rng& rng);

  // The choices and (when elastic) the displacement field of one image: what apply_one draws.
  AugmentDraw draw(Rng& rng);
  // dx, dy (H, field_stride(W)): the elastic field of the last draw (all zeros without elastic
  // distortion).
  const std::vector<float>& dx() const { return dx_; }
  const std::vector<float>& dy() const { return dy_; }

 private:
  AugmentConfig config_;
  int channels_, height_, width_;
  std::vector<float> cutout_fill_;  // (C)

  // Sets rows [y0, y1) and columns [x0, x1) of every channel of `image` to the fill.
  void fill_rectangle(float* image, int y0, int y1, int x0, int x1) const;
  std::vector<float> g_rows_;    // (H, H): alpha * the Gaussian smoothing matrix of the rows
  std::vector<float> g_cols_;    // (W, field_stride(W)): the columns' one
  std::vector<float> dx_, dy_;   // (H, field_stride(W)): elastic displacement, output pixels
  std::vector<float> scratch_;   // (H, field_stride(W))
  std::vector<std::uint16_t> noise_;  // (W rounded up to 4): one row of raw noise
  std::vector<float> framed_;           // (H + 3, W + 3): one source plane in its zero frame
  SamplingMap map_;
};

}  // namespace cnn
