// Integration test on the real MNIST files, run when $CNN_TEST_MNIST_DIR names them (CI points it
// at the shared local copy): one epoch of LeNet-5, then predict must agree with eval on test
// images saved as PNG, and must read digits drawn black on white on a large canvas, off centre.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <cmath>
#include <filesystem>

#include "e2e_workspace.hpp"
#include "idx_writer.hpp"
#include "io/idx.hpp"
#include "png_writer.hpp"

using namespace cnn::test;

namespace {

// A thick stroke from (x0, y0) to (x1, y1) on a white canvas.
void stroke(std::vector<std::uint16_t>& px, int w, double x0, double y0, double x1, double y1, double thick) {
  const int h = static_cast<int>(px.size()) / w;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const double dx = x1 - x0, dy = y1 - y0;
      const double t = std::clamp(((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy), 0.0, 1.0);
      if (std::hypot(x - (x0 + t * dx), y - (y0 + t * dy)) <= thick) px[static_cast<std::size_t>(y) * w + x] = 0;
    }
}

void ring(std::vector<std::uint16_t>& px, int w, double cx, double cy, double rx, double ry, double thick) {
  const int h = static_cast<int>(px.size()) / w;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const double r = std::hypot((x - cx) / rx, (y - cy) / ry);
      if (std::abs(r - 1.0) * std::min(rx, ry) <= thick) px[static_cast<std::size_t>(y) * w + x] = 0;
    }
}

}  // namespace

TEST_CASE("LeNet-5 trained one epoch on MNIST: predict agrees with eval and reads drawn digits", "[mnist][e2e]") {
  const char* mnist = std::getenv("CNN_TEST_MNIST_DIR");
  if (!mnist || !*mnist) {  // ctest reports this skip (CMakeLists.txt)
    WARN("skipped: CNN_TEST_MNIST_DIR is not set (a folder with MNIST's four IDX files)");
    return;
  }
  E2eWorkspace ws("mnist", std::nullopt);  // the real data, the reference config
  const ScratchDir& dir = ws.dir;
  const std::string run = dir.file("run");
  const auto train = ws.cnn("train --config '" + std::string(CNN_SOURCE_DIR) + "/configs/lenet5.cfg' --data '" + mnist +
                            "' --epochs 1 --out '" + run + "'");
  INFO(train.err);
  REQUIRE(train.exit_code == 0);

  // 60 test images as an IDX pair and as 28x28 PNGs.
  const cnn::Dataset test = cnn::load_split(mnist, false);
  const int n = 60;
  std::vector<std::uint8_t> pixels(test.images.pixels.begin(), test.images.pixels.begin() + n * 784);
  std::vector<std::uint8_t> labels(test.labels.begin(), test.labels.begin() + n);
  write_bytes(dir.file("images"), idx_images_bytes(pixels, n, 28, 28));
  write_bytes(dir.file("labels"), idx_labels_bytes(labels));
  std::string files;
  for (int i = 0; i < n; ++i) {
    const std::string path = dir.file("t" + std::to_string(i) + ".png");
    write_bytes(path, encode_png(28, 28, PngColor::kGray, 8, std::vector<std::uint16_t>(pixels.begin() + i * 784, pixels.begin() + (i + 1) * 784)));
    files += " '" + path + "'";
  }
  const auto eval = run_cnn("eval --weights '" + run + "/model.bin' --images '" + dir.file("images") + "' --labels '" +
                            dir.file("labels") + "' --format json --predictions");
  REQUIRE(eval.exit_code == 0);
  const auto e = nlohmann::json::parse(eval.out);
  CHECK(e["accuracy"].get<double>() >= 0.9);
  const auto raw = ws.cnn("predict --raw --format json" + files);  // latest model
  REQUIRE(raw.exit_code == 0);
  const auto r = nlohmann::json::parse(raw.out);
  int prepared_agree = 0;
  for (int i = 0; i < n; ++i) CHECK(r[i]["class"] == e["predictions"][i]);
  // With the MNIST-style preparation on (a no-op up to resampling for MNIST digits) nearly all agree.
  const auto prepared = ws.cnn("predict --format json" + files);
  REQUIRE(prepared.exit_code == 0);
  const auto p = nlohmann::json::parse(prepared.out);
  for (int i = 0; i < n; ++i) prepared_agree += p[i]["class"] == e["predictions"][i] ? 1 : 0;
  CHECK(prepared_agree >= n * 9 / 10);

  // Digits drawn black on white on a 400x300 canvas, away from the centre.
  const int w = 400, h = 300;
  std::vector<std::uint16_t> one(static_cast<std::size_t>(w) * h, 255), seven = one, zero = one;
  stroke(one, w, 300, 40, 290, 240, 9);
  stroke(seven, w, 60, 150, 180, 150, 8);
  stroke(seven, w, 180, 150, 110, 290, 8);
  ring(zero, w, 320, 110, 45, 75, 8);
  const std::pair<const char*, std::vector<std::uint16_t>*> drawn[] = {{"one", &one}, {"seven", &seven}, {"zero", &zero}};
  std::string drawn_files;
  for (const auto& [name, px] : drawn) {
    write_bytes(dir.file(std::string(name) + ".png"), encode_png(w, h, PngColor::kGray, 8, *px));
    drawn_files += " '" + dir.file(std::string(name) + ".png") + "'";
  }
  const auto d = ws.cnn("predict --format json" + drawn_files);
  INFO(d.err);
  REQUIRE(d.exit_code == 0);
  const auto dj = nlohmann::json::parse(d.out);
  CHECK(dj[0]["class"] == 1);
  CHECK(dj[1]["class"] == 7);
  CHECK(dj[2]["class"] == 0);
}
