// The explain page. See explain_page.hpp.
#include "report/explain_page.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "report/charts.hpp"
#include "report/evidence_views.hpp"
#include "report/html_report.hpp"
#include "report/network_views.hpp"

namespace cnn {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStyle = R"CSS(
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1a1a1a;
       max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid #d0d0d0; }
p.meta, figcaption { color: #5a5a5a; font-size: 13px; }
figure { margin: 10px 0; break-inside: avoid; }
figure img { max-width: 100%; image-rendering: pixelated; border: 1px solid #d0d0d0; }
.top { display: flex; gap: 24px; flex-wrap: wrap; align-items: flex-start; }
.top figure { max-width: 420px; }
)CSS";

// A file-name-safe form of an image's name: letters, digits, '-', '_' and '.'.
std::string safe_stem(const std::string& path) {
  std::string stem = fs::path(path).stem().string();
  for (char& ch : stem)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.')) ch = '_';
  return stem.substr(0, 60);
}

// The evidence.json of one image: the numbers behind its Grad-CAM and saliency pictures.
std::string evidence_json(const ClassEvidence& e, const std::string& class_name, const std::string& layer_name) {
  auto rows = [](const std::vector<float>& values, int height, int width) {
    nlohmann::json out = nlohmann::json::array();
    for (int y = 0; y < height; ++y)
      out.push_back(std::vector<float>(values.begin() + static_cast<std::ptrdiff_t>(y) * width,
                                       values.begin() + static_cast<std::ptrdiff_t>(y + 1) * width));
    return out;
  };
  const nlohmann::json j = {{"class", e.class_index},
                            {"class_name", class_name},
                            {"score", e.score},
                            {"cam_layer", layer_name},
                            {"cam", rows(e.cam, e.cam_height, e.cam_width)},
                            {"grad_cam", rows(e.grad_cam, e.height, e.width)},
                            {"saliency", rows(e.saliency, e.height, e.width)}};
  return j.dump() + "\n";
}

}  // namespace

// Grad-CAM and saliency over the image, and evidence.json beside them.
std::string ExplainPage::evidence_figures(const std::string& folder, const float* pixels, const Shape& input, int scale,
                                          const ClassEvidence& e, const std::string& layer_name, const SavePicture& save) const {
  const std::string& name = class_names_[static_cast<std::size_t>(e.class_index)];
  write_file_atomically((fs::path(dir_) / folder / "evidence.json").string(), evidence_json(e, name, layer_name));
  const std::string cam = save("grad-cam.png", evidence_overlay(pixels, input, e.grad_cam, scale));
  const std::string saliency = save("saliency.png", evidence_overlay(pixels, input, e.saliency, scale, 0.99));
  std::string s = "<div class=\"top\">";
  s += fmt::format("<figure><img src=\"{}\" alt=\"Grad-CAM\"><figcaption>Grad-CAM for <b>{}</b>: where {} ({}x{}) found "
                   "evidence for it (yellow: most)</figcaption></figure>",
                   html_escape(cam), html_escape(name), html_escape(layer_name), e.cam_height, e.cam_width);
  s += fmt::format("<figure><img src=\"{}\" alt=\"saliency\"><figcaption>Saliency for <b>{}</b>: the pixels whose change "
                   "moves its score most</figcaption></figure></div>\n",
                   html_escape(saliency), html_escape(name));
  return s;
}

ExplainPage::ExplainPage(std::string dir, std::string model_path, std::vector<std::string> class_names)
    : dir_(std::move(dir)), model_path_(std::move(model_path)), class_names_(std::move(class_names)) {
  ensure_writable_folder(dir_);
}

void ExplainPage::add(Net& net, const std::string& image_path, const float* image, const float* pixels,
                      const std::vector<float>& probabilities, const ClassEvidence& evidence, int cam_layer) {
  const std::string folder = fmt::format("{}-{}", count_ + 1, safe_stem(image_path));
  std::error_code error;
  fs::create_directories(fs::path(dir_) / folder, error);
  CNN_CHECK_CODE(!error, ExitCode::kIo, "{}: cannot create the folder: {}", (fs::path(dir_) / folder).string(), error.message());
  auto save = [&](const std::string& name, const Canvas& canvas) {
    write_file_atomically((fs::path(dir_) / folder / name).string(), canvas.encode_png());
    return folder + "/" + name;
  };
  const auto top = static_cast<std::size_t>(std::max_element(probabilities.begin(), probabilities.end()) - probabilities.begin());
  const Shape& input = net.input_shape();
  const int scale = std::max(1, 168 / std::max(input[1], input[2]));
  const std::string seen = save("input.png", input_image(pixels, input, scale));
  const std::string bars = save("probabilities.png", probability_bars(probabilities, class_names_));
  body_ += fmt::format("<section><h2>{}: <strong>{}</strong> ({:.4f})</h2>\n<div class=\"top\">", html_escape(image_path),
                       html_escape(class_names_[top]), probabilities[top]);
  body_ += fmt::format("<figure><img src=\"{}\" alt=\"what the network saw\"><figcaption>What the network saw (after preparation)</figcaption></figure>",
                       html_escape(seen));
  body_ += fmt::format("<figure><img src=\"{}\" alt=\"class probabilities\"><figcaption>Class probabilities</figcaption></figure></div>\n",
                       html_escape(bars));
  body_ += evidence_figures(folder, pixels, input, scale, evidence, net.layer_name(static_cast<std::size_t>(cam_layer)), save);
  for (const FeatureMaps& layer : feature_maps(net, image)) {
    if (layer.layer_name == "input") continue;
    const std::string file = save(layer.layer_name + ".png", feature_map_grid(layer));
    body_ += fmt::format("<figure><img src=\"{}\" alt=\"{} feature maps\"><figcaption>{}: {}; one image per channel, each "
                         "scaled to its own range (dark: low, yellow: high)</figcaption></figure>\n",
                         html_escape(file), html_escape(layer.layer_name), html_escape(layer.layer_name), html_escape(layer.description));
  }
  body_ += "</section>\n";
  ++count_;
}

std::string ExplainPage::write() const {
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>cnn predict --explain</title>\n<style>";
  html += kStyle;
  html += "</style></head><body>\n<h1>What the network sees</h1>\n";
  html += "<p class=\"meta\">model " + html_escape(model_path_) +
          ". For each image: the class probabilities; where the network found the evidence for the class it explains "
          "(Grad-CAM: one layer's maps, the last conv layer's unless --cam-layer names another, weighed by how much the "
          "class's score depends on each; saliency: how much "
          "each pixel moves that score); then the layers top to bottom: every conv layer filters the maps before it, "
          "every pool layer shrinks them.</p>\n";
  html += body_ + "</body></html>\n";
  const std::string path = (fs::path(dir_) / "index.html").string();
  write_file_atomically(path, html);
  return path;
}

}  // namespace cnn
