// The training report and the explain page: the metrics reader, the figures' building blocks,
// and end to end through the CLI (train leaves report.html; `cnn report` rewrites it; the page is
// well-formed HTML that names no network address and holds every figure). The same pages are
// opened in a real browser by tests/browser/browser_test.sh.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "e2e_workspace.hpp"
#include "expect_error.hpp"
#include "idx_writer.hpp"
#include "io/cifar10.hpp"
#include "png_writer.hpp"
#include "report/canvas.hpp"
#include "report/charts.hpp"
#include "report/html_report.hpp"
#include "report/run_metrics.hpp"

using namespace cnn;
using namespace cnn::test;

namespace {

// The tiny config with a second conv and an average pool (figures of both kinds of layer),
// training into run/.
struct ReportWorkspace : E2eWorkspace {
  ReportWorkspace() : E2eWorkspace("report", TinyData{600, 200}) {}
  std::string run = dir.file("run");
  TinyConfig tiny = tiny_config().with_output(run).with_layers(
      {"conv: {filters: 4, kernel: 5, padding: same, activation: relu}", "pool: {type: max, size: 2}",
       "conv: {filters: 6, kernel: 3, padding: valid, activation: relu}", "pool: {type: avg, size: 2}", "flatten", "dense: {units: 10}",
       "softmax"});
  std::string config = write_config("tiny.cfg", tiny);
};

// How often `needle` occurs in `text`.
std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

// Trains `config` on 2 threads into run/ (REQUIRE) and returns the report page it leaves.
std::string trained_report(const E2eWorkspace& w, const TinyConfig& config) {
  w.train(config, 2, "run");
  return read_text(w.file("run/report.html"));
}

// Tags outside <script> and <style> must nest: every element opened is closed in order (void
// elements excepted). Returns the first problem, or "" when the page is well-formed.
std::string html_nesting_problem(const std::string& html) {
  static const std::set<std::string> kVoid{"meta", "img", "br", "hr", "input", "link", "source", "wbr"};
  std::vector<std::string> open;
  std::size_t at = 0;
  while ((at = html.find('<', at)) != std::string::npos) {
    if (html.compare(at, 4, "<!--") == 0) {
      at = html.find("-->", at);
      if (at == std::string::npos) return "an unclosed comment";
      continue;
    }
    const std::size_t end = html.find('>', at);
    if (end == std::string::npos) return "an unclosed tag";
    std::string tag = html.substr(at + 1, end - at - 1);
    at = end + 1;
    if (tag.empty() || tag[0] == '!') continue;  // <!DOCTYPE html>
    const bool closing = tag[0] == '/';
    if (closing) tag.erase(0, 1);
    const std::string name = tag.substr(0, tag.find_first_of(" \t\n/"));
    if (closing) {
      if (open.empty() || open.back() != name) return "</" + name + "> closes <" + (open.empty() ? "nothing" : open.back()) + ">";
      open.pop_back();
    } else if (!kVoid.count(name) && tag.back() != '/') {  // `<path ... />`: self-closed (SVG, foreign content)
      open.push_back(name);
      if (name == "script" || name == "style") {  // raw text up to the closing tag
        at = html.find("</" + name + ">", at);
        if (at == std::string::npos) return "<" + name + "> is never closed";
      }
    }
  }
  return open.empty() ? "" : "<" + open.back() + "> is never closed";
}

// Attributes and CSS that would make a browser fetch something.
bool references_network(const std::string& html) {
  static const std::regex kFetch(R"((src|href|action|poster)\s*=\s*["']?\s*(https?:|//|ftp:|ws:)|url\(\s*["']?\s*(https?:|//))",
                                 std::regex::icase);
  return std::regex_search(html, kFetch);
}

}  // namespace

TEST_CASE("metrics.csv is read back, last line per epoch winning, and bad files are refused", "[report]") {
  const std::string header = "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,lr,seconds\n";
  const auto rows = parse_run_metrics(header + "1,0.5,0.8,0.4,0.85,0.001,2.5\n2,0.3,0.9,,,0.0005,2.4\n1,0.45,0.81,0.39,0.86,0.001,2.6\n", "m.csv");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].epoch == 1);
  CHECK(rows[0].train_loss == Approx(0.45));  // the resumed run's line for epoch 1
  CHECK(*rows[0].validation_accuracy == Approx(0.86));
  CHECK_FALSE(rows[1].validation_loss.has_value());
  CHECK(rows[1].lr == Approx(0.0005));

  expect_error([&] { parse_run_metrics("", "m.csv"); }, ExitCode::kData, "m.csv: empty metrics file");
  expect_error([&] { parse_run_metrics("epoch,loss\n", "m.csv"); }, ExitCode::kData, "m.csv:1: expected the header");
  expect_error([&] { parse_run_metrics(header + "1,0.5,0.8\n", "m.csv"); }, ExitCode::kData, "m.csv:2: expected 7 fields, found 3");
  expect_error([&] { parse_run_metrics(header + "1,nan,0.8,,,0.1,1\n", "m.csv"); }, ExitCode::kData,
               "m.csv:2: train_loss 'nan' is not a finite number");
  expect_error([&] { parse_run_metrics(header + "0,0.5,0.8,,,0.1,1\n", "m.csv"); }, ExitCode::kData, "m.csv:2: epoch '0'");
  expect_error([&] { parse_run_metrics(header + "1.5,0.5,0.8,,,0.1,1\n", "m.csv"); }, ExitCode::kData, "m.csv:2: epoch '1.5'");
  expect_error([&] { parse_run_metrics(header + "1,0.5x,0.8,,,0.1,1\n", "m.csv"); }, ExitCode::kData, "not a finite number");
}

TEST_CASE("steps.csv is read back in step order, last line per step winning, and bad files are refused", "[report]") {
  const std::string header = "step,epoch,loss,accuracy,lr,images_per_second\n";
  const auto rows = parse_run_steps(header + "20,1,2.1,0.3,0.01,900.5\n40,1,1.2,0.6,0.02,950\n20,1,2.0,0.31,0.01,910\n", "s.csv");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].step == 20);
  CHECK(rows[0].loss == Approx(2.0));  // the resumed run's line for step 20
  CHECK(rows[1].epoch == 1);
  CHECK(rows[1].lr == Approx(0.02));
  CHECK(rows[1].images_per_second == Approx(950));
  // TensorBoard's smoothing: debiased, so a constant stays itself from the first point.
  CHECK(smoothed({2.0, 2.0, 2.0}) == std::vector<double>{2.0, 2.0, 2.0});
  const std::vector<double> s = smoothed({0.0, 1.0}, 0.6);
  CHECK(s[0] == 0.0);
  CHECK(s[1] == Approx(0.4 / 0.64));
  expect_error([&] { parse_run_steps("", "s.csv"); }, ExitCode::kData, "s.csv: empty steps file");
  expect_error([&] { parse_run_steps("step,loss\n", "s.csv"); }, ExitCode::kData, "s.csv:1: expected the header");
  expect_error([&] { parse_run_steps(header + "1,1,0.5\n", "s.csv"); }, ExitCode::kData, "s.csv:2: expected 6 fields, found 3");
  expect_error([&] { parse_run_steps(header + "0,1,0.5,0.5,0.1,1\n", "s.csv"); }, ExitCode::kData, "s.csv:2: step '0'");
  expect_error([&] { parse_run_steps(header + "1,1,inf,0.5,0.1,1\n", "s.csv"); }, ExitCode::kData, "loss 'inf' is not a finite number");
}

TEST_CASE("report building blocks: base64, escaping, ticks, text and colour maps", "[report]") {
  CHECK(base64("") == "");
  CHECK(base64("f") == "Zg==");
  CHECK(base64("fo") == "Zm8=");
  CHECK(base64("foo") == "Zm9v");
  CHECK(base64("foobar") == "Zm9vYmFy");
  CHECK(html_escape("<a href=\"x\">&'</a>") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");

  const std::vector<double> ticks = nice_ticks(0.0, 1.0, 5);
  REQUIRE(ticks.size() >= 2);
  CHECK(ticks.front() == Approx(0.0));
  CHECK(ticks.back() == Approx(1.0));
  CHECK(ticks[1] - ticks[0] == Approx(0.2));

  // Text leaves ink, inside the width the font reports.
  Canvas canvas(100, 20);
  canvas.text(2, 2, "Loss 0.5", palette::kBlack);
  int ink = 0, rightmost = 0;
  for (int y = 0; y < 20; ++y)
    for (int x = 0; x < 100; ++x)
      if (canvas.at(x, y).r == 0) ++ink, rightmost = std::max(rightmost, x);
  CHECK(ink > 20);
  CHECK(rightmost <= 2 + Canvas::text_width("Loss 0.5"));

  // The colour maps: viridis runs dark to light; the diverging map is white at zero.
  const Rgb low = viridis(0.0f), high = viridis(1.0f);
  CHECK(low.r + low.g + low.b < high.r + high.g + high.b);
  CHECK(diverging(0.0f).r == 255);
  CHECK(diverging(-1.0f).b > diverging(-1.0f).r);
  CHECK(diverging(1.0f).r > diverging(1.0f).b);

  // A PNG round trip of the encoder: the signature and a plausible size.
  const std::string png = canvas.encode_png();
  CHECK(png.substr(1, 3) == "PNG");
}

TEST_CASE("train leaves report.html with every figure, and cnn report rewrites it offline", "[report][e2e]") {
  ReportWorkspace w;
  const RunResult train = w.cnn("train --config '" + w.config + "' --threads 1");
  INFO("stderr: " << train.err);
  REQUIRE(train.exit_code == 0);
  CHECK(train.out.find("report: " + w.run + "/report.html") != std::string::npos);
  const std::string html = read_text(w.run + "/report.html");
  CHECK(html_nesting_problem(html).empty());
  INFO(html_nesting_problem(html));
  CHECK_FALSE(references_network(html));
  CHECK(html.size() < 4u * 1024 * 1024);
  for (const char* needle : {"id=\"chart-loss\"", "id=\"chart-accuracy\"", "id=\"chart-lr\"", "id=\"fig-confusion-matrix\"",
                             "id=\"fig-filters\"", "fig-feature-maps-0-conv1", "fig-feature-maps-0-pool2", "fig-feature-maps-0-input",
                             "Most confident mistakes", "Row-normalised", "<th>precision</th>", "Chart.js v3.9",
                             "id=\"fig-class-accuracy\""}) {
    INFO(needle);
    CHECK(html.find(needle) != std::string::npos);
  }
  CHECK(html.find("of 200 test images classified correctly") != std::string::npos);
  CHECK(html.find("http-equiv=\"refresh\"") == std::string::npos);  // the run has ended: the page stays
  CHECK(html.find("id=\"live\"") == std::string::npos);
  CHECK(train.err.find("live report: rewritten after each of 3 epochs") != std::string::npos);
  // Three epochs of numbers reach the page's data.
  CHECK(html.find("\"epochs\":[1,2,3]") != std::string::npos);
  for (const char* figure : {"loss", "accuracy", "learning-rate", "confusion-matrix", "class-accuracy", "filters", "feature-maps-0-conv1",
                             "loss-per-step", "learning-rate-per-step", "images-per-second"})
    CHECK(std::filesystem::file_size(w.run + "/figures/" + figure + ".png") > 100);

  // `cnn report` writes it again, and says where.
  std::filesystem::remove(w.run + "/report.html");
  const RunResult report = w.cnn("report '" + w.run + "' --threads 1");
  INFO("stderr: " << report.err);
  REQUIRE(report.exit_code == 0);
  CHECK(report.out == "report: " + w.run + "/report.html\n");
  CHECK(read_text(w.run + "/report.html").find("id=\"fig-confusion-matrix\"") != std::string::npos);
  // A test set whose labels are all one class off: every image a mistake, each shown with
  // Grad-CAM (the last conv layer's, or another on request) and saliency for the predicted class.
  const std::string shifted = w.file("shifted");
  std::filesystem::create_directories(shifted);
  test::SyntheticSet set = test::TinyData{600, 200}.test_set();  // the workspace's
  for (std::uint8_t& label : set.labels) label = static_cast<std::uint8_t>((label + 1) % 10);
  test::write_bytes(shifted + "/t10k-images-idx3-ubyte", test::idx_images_bytes(set.pixels, 200, 28, 28));
  test::write_bytes(shifted + "/t10k-labels-idx1-ubyte", test::idx_labels_bytes(set.labels));
  REQUIRE(w.cnn("report '" + w.run + "' --threads 1 --data '" + shifted + "'").exit_code == 0);
  std::string page = read_text(w.run + "/report.html");
  CHECK(page.find("Grad-CAM on layer conv2 (middle") != std::string::npos);
  CHECK(count_of(page, "alt=\"Grad-CAM\"") == 24);  // the 24 shown
  CHECK(count_of(page, "alt=\"saliency\"") == 24);
  REQUIRE(w.cnn("report '" + w.run + "' --threads 1 --data '" + shifted + "' --cam-layer pool1").exit_code == 0);
  CHECK(read_text(w.run + "/report.html").find("Grad-CAM on layer pool1") != std::string::npos);
  const RunResult wrong = w.cnn("report '" + w.run + "' --threads 1 --cam-layer flatten1");
  CHECK(wrong.exit_code == 2);
  CHECK(wrong.err.find("--cam-layer flatten1: its output") != std::string::npos);
}

TEST_CASE("during training the report is rewritten after every epoch and reloads itself, a stopped run's does not", "[report][e2e]") {
  ReportWorkspace w;
  const std::string metrics = w.run + "/metrics.csv";
  // Mid-run: a copy of the page once two epochs are in metrics.csv, then SIGINT.
  const RunResult r = w.cnn("train --config '" + w.config + "' --epochs 400 --threads 1 & pid=$!; for i in $(seq 12000); do [ \"$(cat '" +
                            metrics + "' 2>/dev/null | wc -l)\" -ge 3 ] && break; sleep 0.01; done; cp '" + w.run + "/report.html' '" +
                            w.file("mid.html") + "'; kill -INT $pid; wait $pid");
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 130);
  const std::string mid = read_text(w.file("mid.html"));
  CHECK(html_nesting_problem(mid).empty());
  CHECK(mid.find("<meta http-equiv=\"refresh\" content=\"2\">") != std::string::npos);  // epochs of a few ms: every 2 s
  CHECK(mid.find("of 400 done") != std::string::npos);
  CHECK(mid.find("the run is still training") != std::string::npos);
  CHECK(mid.find("id=\"chart-loss\"") != std::string::npos);
  CHECK(mid.find("fig-confusion-matrix") == std::string::npos);  // no test set yet
  CHECK_FALSE(std::filesystem::exists(w.run + "/figures"));        // PNGs only at the end
  const std::string stopped = read_text(w.run + "/report.html");
  CHECK(stopped.find("http-equiv=\"refresh\"") == std::string::npos);
  CHECK(stopped.find("the run stopped before its last epoch") != std::string::npos);
  // --no-report: no page at any time.
  const RunResult quiet = w.cnn("train --config '" + w.config + "' --threads 1 --no-report --out '" + w.file("quiet") + "'");
  REQUIRE(quiet.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(w.file("quiet/report.html")));
}

TEST_CASE("with train.augment the report shows augmented samples", "[report][e2e]") {
  ReportWorkspace w;
  w.write_config("tiny.cfg", TinyConfig(w.tiny).with_augment("{rotation: 12, translate: 2}"));
  const RunResult r = w.cnn("train --config '" + w.config + "' --threads 1 --epochs 1");
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  const std::string html = read_text(w.run + "/report.html");
  CHECK(html.find("id=\"fig-augmentation\"") != std::string::npos);
  CHECK(html_nesting_problem(html).empty());
  CHECK(std::filesystem::file_size(w.run + "/figures/augmentation.png") > 100);
}

TEST_CASE("the report without a test set, with --no-report, and on bad run folders", "[report][e2e]") {
  ReportWorkspace w;
  REQUIRE(w.cnn("train --config '" + w.config + "' --threads 1 --epochs 1 --no-report").exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(w.run + "/report.html"));

  // The run's data folder has gone: the report still comes, and says how to add the test set.
  std::filesystem::rename(w.data, w.dir.file("moved"));
  RunResult r = w.cnn("report '" + w.run + "'");
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  const std::string html = read_text(w.run + "/report.html");
  CHECK(html.find("test accuracy</td><td class=\"text\">not evaluated") != std::string::npos);
  CHECK(html.find("--data DIR") != std::string::npos);
  CHECK(html.find("id=\"fig-filters\"") != std::string::npos);
  CHECK(html_nesting_problem(html).empty());
  // --data names it explicitly; a wrong --data is an error.
  r = w.cnn("report '" + w.run + "' --data '" + w.dir.file("moved") + "'");
  CHECK(r.exit_code == 0);
  CHECK(read_text(w.run + "/report.html").find("classified correctly") != std::string::npos);
  r = w.cnn("report '" + w.run + "' --data '" + w.dir.file("nowhere") + "'");
  CHECK(r.exit_code == 3);

  r = w.cnn("report '" + w.dir.file("nothing-here") + "'");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no such run folder") != std::string::npos);
  std::filesystem::create_directories(w.dir.file("empty"));
  r = w.cnn("report '" + w.dir.file("empty") + "'");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no model.bin: not a run folder") != std::string::npos);
  // A damaged metrics file is named with its line; nothing is half-written.
  std::filesystem::remove(w.run + "/report.html");
  write_text(w.run + "/metrics.csv", "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,lr,seconds\n1,0.5\n");
  r = w.cnn("report '" + w.run + "'");
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("metrics.csv:2: expected 7 fields") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(w.run + "/report.html"));
}

TEST_CASE("predict --explain writes a page with what the network saw, feature maps and probabilities", "[report][e2e]") {
  ReportWorkspace w;
  REQUIRE(w.cnn("train --config '" + w.config + "' --threads 1 --epochs 1 --no-report").exit_code == 0);
  const std::string digit = w.dir.file("my digit.png");
  std::vector<std::uint16_t> pixels(60 * 40, 255);
  for (int y = 10; y < 50; ++y)
    for (int x = 17; x < 23; ++x) pixels[static_cast<std::size_t>(y) * 40 + x] = 0;  // a dark "1" on white
  write_bytes(digit, encode_png(40, 60, PngColor::kGray, 8, pixels));
  const RunResult r = w.cnn("predict --weights '" + w.run + "/model.bin' --explain '" + w.dir.file("explain") + "' '" + digit + "'");
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  const std::string html = read_text(w.dir.file("explain/index.html"));
  CHECK(html_nesting_problem(html).empty());
  CHECK_FALSE(references_network(html));
  for (const char* file : {"input.png", "probabilities.png", "grad-cam.png", "saliency.png", "conv1.png", "pool1.png", "conv2.png",
                           "pool2.png"}) {
    INFO(file);
    CHECK(std::filesystem::file_size(w.dir.file(std::string("explain/1-my_digit/") + file)) > 50);
    CHECK(html.find(std::string("1-my_digit/") + file) != std::string::npos);
  }
  // The maps' numbers: the predicted class, from the last conv layer (conv2, 12x12), on the 28x28 input.
  const nlohmann::json evidence = nlohmann::json::parse(read_text(w.dir.file("explain/1-my_digit/evidence.json")));
  const std::string predicted = r.out.substr(r.out.find(": ") + 2, 1);
  CHECK(evidence["class_name"] == predicted);
  CHECK(evidence["cam_layer"] == "conv2");
  CHECK(evidence["cam"].size() == 12);
  CHECK(evidence["grad_cam"].size() == 28);
  CHECK(evidence["saliency"][0].size() == 28);
  CHECK(html.find("Grad-CAM for <b>" + predicted + "</b>") != std::string::npos);

  // Another class and another layer on request; wrong ones are usage errors that name the choices.
  const std::string other = w.dir.file("explain-other");
  RunResult asked = w.cnn("predict --weights '" + w.run + "/model.bin' --explain '" + other + "' --cam-class 3 --cam-layer conv1 '" + digit + "'");
  REQUIRE(asked.exit_code == 0);
  const nlohmann::json three = nlohmann::json::parse(read_text(other + "/1-my_digit/evidence.json"));
  CHECK(three["class"] == 3);
  CHECK(three["cam_layer"] == "conv1");
  CHECK(three["cam"].size() == 28);
  asked = w.cnn("predict --weights '" + w.run + "/model.bin' --explain '" + other + "' --cam-layer dense1 '" + digit + "'");
  CHECK(asked.exit_code == 2);
  CHECK(asked.err.find("--cam-layer dense1: its output (10) has no positions") != std::string::npos);
  CHECK(asked.err.find("conv1, pool1, conv2, pool2") != std::string::npos);
  asked = w.cnn("predict --weights '" + w.run + "/model.bin' --explain '" + other + "' --cam-class seven '" + digit + "'");
  CHECK(asked.exit_code == 2);
  CHECK(asked.err.find("--cam-class seven: not a class of the model") != std::string::npos);
  asked = w.cnn("predict --weights '" + w.run + "/model.bin' --cam-class 3 '" + digit + "'");
  CHECK(asked.exit_code == 2);
  CHECK(asked.err.find("give --explain DIR too") != std::string::npos);
  // An output folder that is a file is refused.
  write_text(w.dir.file("a-file"), "x");
  CHECK(w.cnn("predict --weights '" + w.run + "/model.bin' --explain '" + w.dir.file("a-file") + "' '" + digit + "'").exit_code != 0);
}

TEST_CASE("a folder run's report names its classes and shows its colour images", "[report][e2e][folder]") {
  E2eWorkspace w("report-folder", std::nullopt);
  const ScratchDir& dir = w.dir;
  // Three classes (names with spaces), RGB images of two sizes: a bar whose colour is the class.
  const char* const classes[] = {"red bar", "green bar", "blue bar"};
  for (int cls = 0; cls < 3; ++cls)
    for (int i = 0; i < 40; ++i) {
      const int side = i % 2 == 0 ? 12 : 20;
      std::vector<std::uint16_t> samples;
      for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x)
          for (int c = 0; c < 4; ++c)
            samples.push_back(static_cast<std::uint16_t>(c == 3 ? 255 : (y > side / 3 && y < 2 * side / 3 && c == cls ? 220 : 20 + (x * 7 + i) % 30)));
      const std::string folder = dir.file(std::string(i < 30 ? "photos/train/" : "photos/test/") + classes[cls]);
      std::filesystem::create_directories(folder);
      write_bytes(folder + "/img " + std::to_string(i) + ".png", encode_png(side, side, PngColor::kRgba, 8, samples));
    }
  TinyConfig rgb = TinyConfig().with_data(dir.file("photos")).with_validation(15).with_input("[3, 12, 12]");
  rgb.with_data_options("format: folder, normalize: auto").with_batch_size(16).with_seed(3).with_optimizer("{type: adam, lr: 0.01}");
  rgb.with_layers({"conv: {filters: 4, kernel: 3, padding: same, activation: relu}", "pool: {size: 2}", "flatten", "dense: {units: 3}",
                   "softmax"});
  const std::string html = trained_report(w, rgb);
  CHECK(html_nesting_problem(html).empty());
  CHECK(html.find("(folder)") != std::string::npos);
  CHECK(html.find("of 30 test images classified correctly") != std::string::npos);
  for (const char* name : classes) {
    INFO(name);
    CHECK(html.find(std::string("<th>") + name + "</th>") != std::string::npos);  // the row-normalised table
  }
  CHECK(html.find("fig-feature-maps-0-conv1") != std::string::npos);
  CHECK(std::filesystem::file_size(dir.file("run/figures/filters.png")) > 100);  // 3-channel filters in colour

  // Without a test/ folder (CIFAR-10's shared copy has none) the run's 15 validation images stand
  // in, named as such: the per-class chart, the mistakes, the final model's validation accuracy.
  std::filesystem::remove_all(dir.file("photos/test"));
  const RunResult again = w.cnn("report run");
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  const std::string validation = read_text(w.file("run/report.html"));
  CHECK(html_nesting_problem(validation).empty());
  CHECK(validation.find("<h2>Validation images (no test set)</h2>") != std::string::npos);
  CHECK(validation.find("test accuracy</td><td class=\"text\">not evaluated") != std::string::npos);
  CHECK(validation.find("of 15 validation images classified correctly") != std::string::npos);
  CHECK(validation.find("id=\"fig-class-accuracy\"") != std::string::npos);
  CHECK(validation.find("Validation image") != std::string::npos);  // the feature maps' titles
  CHECK(validation.find("test image") == std::string::npos);
  // The same images the run validated on: the final epoch's validation accuracy, to the digit.
  const std::vector<std::string> rows = metric_rows(w.file("run/metrics.csv"));
  const std::string last = rows.back();
  std::vector<std::string> fields;
  std::size_t from = 0;
  for (std::size_t comma; (comma = last.find(',', from)) != std::string::npos; from = comma + 1) fields.push_back(last.substr(from, comma - from));
  fields.push_back(last.substr(from));
  REQUIRE(fields.size() >= 5);
  const std::string accuracy = fmt::format("<strong>{:.2f} %</strong>", 100.0 * std::stod(fields[4]));
  CHECK(validation.find("classified correctly: " + accuracy) != std::string::npos);
}

TEST_CASE("a CIFAR-10 run's report names the CIFAR classes", "[report][e2e][cifar]") {
  E2eWorkspace w("report-cifar", std::nullopt);
  const ScratchDir& dir = w.dir;
  // Full-size batches (the reader accepts nothing else): each record's class is a bright block
  // in the red plane at a place of its own, so one epoch learns something.
  auto batch = [](int salt) {
    std::string b(static_cast<std::size_t>(kCifarFileBytes), '\0');
    for (int r = 0; r < kCifarRecordsPerFile; ++r) {
      const int label = (r + salt) % 10;
      char* record = &b[static_cast<std::size_t>(r) * kCifarRecordBytes];
      record[0] = static_cast<char>(label);
      for (int y = 3 * label / 2; y < 3 * label / 2 + 12; ++y)
        for (int x = 8; x < 24; ++x) record[1 + y * 32 + x] = static_cast<char>(200);
    }
    return b;
  };
  for (int i = 1; i <= 5; ++i) write_bytes(dir.file("data_batch_" + std::to_string(i) + ".bin"), batch(i));
  write_bytes(dir.file("test_batch.bin"), batch(7));
  write_text(dir.file("batches.meta.txt"), "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n");
  TinyConfig cifar = TinyConfig().with_data(dir.path()).with_validation(1000).with_input("[3, 32, 32]").with_epochs(1);
  cifar.with_data_options("format: cifar10").with_batch_size(100).with_seed(3).with_optimizer("{type: adam, lr: 0.01}");
  cifar.with_layers({"conv: {filters: 2, kernel: 4, stride: 4, activation: relu}", "flatten", "dense: {units: 10}", "softmax"});
  const std::string html = trained_report(w, cifar);
  CHECK(html_nesting_problem(html).empty());
  CHECK(html.find("(cifar10)") != std::string::npos);
  CHECK(html.find("of 10000 test images classified correctly") != std::string::npos);
  CHECK(html.find("<th>truck</th>") != std::string::npos);
  CHECK(html.find("fig-feature-maps-0-conv1") != std::string::npos);
}

TEST_CASE("steps.csv logs about 50 rows an epoch, and a resumed run continues it as if it had not stopped", "[report][e2e]") {
  ReportWorkspace w;
  // Straight through: 3 epochs.
  REQUIRE(w.cnn("train --config '" + w.config + "' --threads 1 --no-report --out '" + w.file("whole") + "'").exit_code == 0);
  // The same run stopped after 2 epochs and resumed to 3.
  REQUIRE(w.cnn("train --config '" + w.config + "' --threads 1 --no-report --epochs 2 --out '" + w.file("parts") + "'").exit_code == 0);
  REQUIRE(w.resume(w.file("parts/model.bin"), "--epochs 3 --no-report").exit_code == 0);
  // Every field but the speed, which differs from run to run.
  const auto without_speed = [](const std::string& path) {
    std::vector<std::string> rows;
    std::istringstream in(read_text(path));
    for (std::string line; std::getline(in, line);) rows.push_back(line.substr(0, line.rfind(',')));
    return rows;
  };
  const std::vector<std::string> whole = without_speed(w.file("whole/steps.csv"));
  CHECK(without_speed(w.file("parts/steps.csv")) == whole);
  // 500 training images in batches of 32: 16 steps an epoch, fewer than 50, so each is a row of
  // its own, and the rows weighted by their batch make the epoch's training loss and accuracy.
  const std::vector<StepMetrics> steps = read_run_steps(w.file("whole/steps.csv"));
  const std::vector<EpochMetrics> epochs = read_run_metrics(w.file("whole/metrics.csv"));
  REQUIRE(epochs.size() == 3);
  REQUIRE(steps.size() == 48);
  for (int e = 0; e < 3; ++e) {
    double loss = 0, accuracy = 0;
    for (int b = 0; b < 16; ++b) {
      const StepMetrics& row = steps[static_cast<std::size_t>(e * 16 + b)];
      CHECK(row.step == e * 16 + b + 1);
      CHECK(row.epoch == e + 1);
      const double images = b < 15 ? 32 : 20;
      loss += row.loss * images / 500;
      accuracy += row.accuracy * images / 500;
    }
    // metrics.csv prints 6 decimals; steps.csv 6 significant digits.
    CHECK(loss == Approx(epochs[static_cast<std::size_t>(e)].train_loss).epsilon(1e-5).margin(1e-6));
    CHECK(accuracy == Approx(epochs[static_cast<std::size_t>(e)].train_accuracy).epsilon(1e-5).margin(1e-6));
  }
  CHECK(steps.back().lr == Approx(epochs.back().lr));
  // A steps.csv that cannot be read costs the report its per-step charts, not the report.
  write_text(w.file("whole/steps.csv"), "step,epoch,loss,accuracy,lr,images_per_second\n1,1,0.5\n");
  const RunResult report = w.cnn("report '" + w.file("whole") + "' --threads 1");
  CHECK(report.exit_code == 0);
  CHECK(report.err.find("the per-step curves are left out: " + w.file("whole/steps.csv") + ":2: expected 6 fields") != std::string::npos);
  const std::string page = read_text(w.file("whole/report.html"));
  CHECK(page.find("id=\"chart-loss\"") != std::string::npos);
  CHECK(page.find("id=\"chart-step-loss\"") == std::string::npos);
}
