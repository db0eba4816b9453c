// The report page. See html_report.hpp.
#include "report/html_report.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "report/chartjs.hpp"
#include "report/network_diagram.hpp"

namespace cnn {

namespace {

constexpr const char* kStyle = R"CSS(
:root { --ink: #1a1a1a; --muted: #5a5a5a; --rule: #d0d0d0; --accent: #0072b2; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink);
       max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--rule); }
h3 { font-size: 16px; margin: 20px 0 6px; }
p.meta, figcaption, .note { color: var(--muted); font-size: 13px; }
p.live { background: #fff4d6; border-left: 4px solid #e69f00; padding: 6px 10px; }
nav a { margin-right: 14px; color: var(--accent); }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--rule); padding: 3px 8px; text-align: right; }
th { background: #f2f2f2; }
td.text, th.text { text-align: left; }
table.facts td:first-child { text-align: left; color: var(--muted); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(330px, 1fr)); gap: 16px; }
.chart { position: relative; height: 290px; border: 1px solid var(--rule); padding: 6px; }
figure { margin: 12px 0; break-inside: avoid; }
figure img { max-width: 100%; image-rendering: pixelated; border: 1px solid var(--rule); }
.mistakes { display: grid; grid-template-columns: repeat(auto-fill, minmax(120px, 1fr)); gap: 10px; }
.mistakes figure { margin: 0; text-align: center; }
.mistakes figcaption { font-size: 12px; color: var(--ink); }
.mistakes.with-maps { grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); }
.mistakes .maps { display: flex; gap: 4px; justify-content: center; }
pre { background: #f6f6f6; padding: 10px; overflow-x: auto; font-size: 12px; }
td.heat { min-width: 44px; }
@media print { body { max-width: none; padding: 0; } nav { display: none; } section { break-inside: auto; }
               .chart { height: 240px; } h2 { break-after: avoid; } }
)CSS";

// Chart.js options shared by every curve: no animation (printing and screenshots see the final
// state), exact values on hover, axis titles, the colour-blind-safe palette of charts.hpp.
constexpr const char* kChartScript = R"JS(
(function () {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const blue = 'rgb(0,114,178)', orange = 'rgb(230,159,0)', green = 'rgb(0,158,115)';
  function line(label, values, colour, dashed) {
    return { label: label, data: values, borderColor: colour, backgroundColor: colour, borderWidth: 2,
             pointRadius: values.length > 60 ? 0 : 3, borderDash: dashed ? [6, 4] : [], spanGaps: false };
  }
  function chart(id, title, yTitle, datasets, logarithmic) {
    const element = document.getElementById(id);
    if (!element) return;
    new Chart(element, {
      type: 'line',
      data: { labels: data.epochs, datasets: datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        plugins: { title: { display: true, text: title, font: { size: 15 } }, legend: { position: 'bottom' } },
        scales: { x: { title: { display: true, text: 'epoch' } },
                  y: { type: logarithmic ? 'logarithmic' : 'linear', title: { display: true, text: yTitle } } }
      }
    });
  }
  const loss = [line('training', data.train_loss, blue, false)];
  const accuracy = [line('training', data.train_accuracy, blue, false)];
  if (data.validation_loss.some(v => v !== null)) {
    loss.push(line('validation', data.validation_loss, orange, true));
    accuracy.push(line('validation', data.validation_accuracy, orange, true));
  }
  chart('chart-loss', 'Loss', 'cross-entropy (log scale)', loss, true);
  chart('chart-accuracy', 'Accuracy', 'accuracy (%)', accuracy, false);
  chart('chart-lr', 'Learning rate', 'learning rate', [line('learning rate', data.lr, green, false)], false);

  // Per step: x is the optimizer step; the epochs' points sit at each epoch's last logged step.
  const steps = data.steps;
  if (!steps) return;
  const faint = 'rgba(86,180,233,0.55)', purple = 'rgb(204,121,167)';
  function xy(values) { return values.map((v, i) => ({ x: steps.step[i], y: v })); }
  function atEpochEnds(values) {
    return data.epochs.map((e, i) => ({ x: steps.epoch_step[e], y: values[i] })).filter(p => p.x !== undefined && p.y !== null);
  }
  function curve(label, points, colour, width) {
    return { label: label, data: points, borderColor: colour, backgroundColor: colour, borderWidth: width, pointRadius: 0 };
  }
  function points(label, values, colour, dashed) {
    return { label: label, data: atEpochEnds(values), borderColor: colour, backgroundColor: colour, showLine: false,
             pointRadius: 4, pointStyle: dashed ? 'rectRot' : 'circle' };
  }
  function stepChart(id, title, yTitle, datasets, logarithmic) {
    const element = document.getElementById(id);
    if (!element) return;
    new Chart(element, {
      type: 'line', data: { datasets: datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, parsing: true,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        plugins: { title: { display: true, text: title, font: { size: 15 } }, legend: { position: 'bottom' } },
        scales: { x: { type: 'linear', title: { display: true, text: 'optimizer step' } },
                  y: { type: logarithmic ? 'logarithmic' : 'linear', title: { display: true, text: yTitle } } }
      }
    });
  }
  const hasValidation = data.validation_loss.some(v => v !== null);
  const stepLoss = [curve('logged', xy(steps.loss), faint, 1), curve('smoothed', xy(steps.loss_smoothed), blue, 2),
                    points('epoch (training)', data.train_loss, blue, false)];
  const stepAccuracy = [curve('logged', xy(steps.accuracy), faint, 1), curve('smoothed', xy(steps.accuracy_smoothed), blue, 2),
                        points('epoch (training)', data.train_accuracy, blue, false)];
  if (hasValidation) {
    stepLoss.push(points('epoch (validation)', data.validation_loss, orange, true));
    stepAccuracy.push(points('epoch (validation)', data.validation_accuracy, orange, true));
  }
  stepChart('chart-step-loss', 'Loss per step', 'cross-entropy (log scale)', stepLoss, true);
  stepChart('chart-step-accuracy', 'Accuracy per step', 'accuracy (%)', stepAccuracy, false);
  stepChart('chart-step-lr', 'Learning rate per step', 'learning rate', [curve('learning rate', xy(steps.lr), green, 2)], false);
  stepChart('chart-step-speed', 'Training speed', 'images per second', [curve('images/s', xy(steps.speed), purple, 2)], false);
})();
)JS";

// {"lr": 0.001, "type": "adam"} -> "adam, lr 0.001": a recorded settings object as a reader says it.
std::string readable_settings(const nlohmann::json& j) {
  if (!j.is_object()) return j.dump();
  std::string s = j.contains("type") && j["type"].is_string() ? j["type"].get<std::string>() : "";
  for (const auto& [key, value] : j.items()) {
    if (key == "type") continue;
    s += (s.empty() ? "" : ", ") + key + " " + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  return s;
}

std::string percent(double v) { return fmt::format("{:.2f} %", 100.0 * v); }

std::string figure_html(const Figure& f, bool linked) {
  std::string s = fmt::format("<figure id=\"fig-{}\"><img src=\"{}\" alt=\"{}\" width=\"{}\" height=\"{}\">", html_escape(f.id),
                              png_data_uri(*f.image), html_escape(f.title), f.image->width(), f.image->height());
  s += "<figcaption><strong>" + html_escape(f.title) + ".</strong> " + html_escape(f.caption);
  if (linked) s += fmt::format(" <a href=\"figures/{}.png\">PNG</a>", html_escape(f.id));
  return s + "</figcaption></figure>\n";
}

const Figure* find_figure(const ReportContent& c, const std::string& id) {
  for (const Figure& f : c.figures)
    if (f.id == id) return &f;
  return nullptr;
}

std::string run_section(const ReportContent& c) {
  std::string s = "<section id=\"run\"><h2>The run</h2><table class=\"facts\">\n";
  auto row = [&s](const std::string& key, const std::string& value) {
    s += "<tr><td>" + html_escape(key) + "</td><td class=\"text\">" + html_escape(value) + "</td></tr>\n";
  };
  row("run folder", c.run_dir);
  row("model file", c.model_path + " (" + c.created_by + ")");
  row("input", c.network.input.str());
  row("parameters", fmt::format("{} ({} trainable)", c.network.parameters(), c.network.trainable));
  row("multiply-accumulates", fmt::format("{} per image", c.network.macs));
  row("classes", fmt::format("{}", c.class_names.size()));
  if (c.settings.is_object()) {
    const nlohmann::json& data = c.settings["data"];
    if (data.is_object()) {
      row("data", data.value("dir", std::string("?")) + " (" + c.data_format + ")");
      if (data.contains("validation")) row("validation images", data["validation"].dump());
    }
    const nlohmann::json& train = c.settings["train"];
    if (train.is_object()) {
      row("batch size", train.value("batch_size", nlohmann::json()).dump());
      if (train.contains("optimizer")) row("optimizer", readable_settings(train["optimizer"]));
      if (train.contains("schedule")) row("schedule", readable_settings(train["schedule"]));
      row("seed", train.value("seed", nlohmann::json()).dump());
    }
  }
  row("threads", c.threads > 0 ? fmt::format("{}", c.threads) : std::string("all cores"));
  if (!c.metrics.empty()) {
    double total = 0.0;
    for (const EpochMetrics& m : c.metrics) total += m.seconds;
    row("epochs", fmt::format("{}", c.metrics.back().epoch));
    row("wall time", fmt::format("{:.1f} s in all, {:.2f} s per epoch on average", total, total / c.metrics.size()));
    const auto best = std::max_element(c.metrics.begin(), c.metrics.end(), [](const EpochMetrics& a, const EpochMetrics& b) {
      return a.validation_accuracy.value_or(-1) < b.validation_accuracy.value_or(-1);
    });
    if (best->validation_accuracy) {
      row("best validation accuracy", fmt::format("{} (epoch {})", percent(*best->validation_accuracy), best->epoch));
      if (c.metrics.back().validation_accuracy) row("final validation accuracy", percent(*c.metrics.back().validation_accuracy));
    }
    row("final training loss", fmt::format("{:.5f}", c.metrics.back().train_loss));
  }
  const std::string evaluated =
      c.test ? fmt::format("{} ({} of {} images; {}{})", percent(c.test->accuracy()), c.test->correct, c.test->count, c.test_source,
                           c.tta != "none" ? "; with " + c.tta + " test-time augmentation" : std::string())
             : std::string();
  if (c.test && c.split == "test") {
    row("test accuracy", evaluated);
  } else {
    row("test accuracy", "not evaluated: " + c.test_missing);
    if (c.test) row("final model on the validation images", evaluated);
  }
  return s + "</table></section>\n";
}

std::string curves_section(const ReportContent& c) {
  std::string s = "<section id=\"curves\"><h2>Curves</h2>\n";
  if (c.metrics.empty()) return s + "<p class=\"note\">The run folder has no metrics.csv yet (no epoch has finished).</p></section>\n";
  s += "<div class=\"charts\"><div class=\"chart\"><canvas id=\"chart-loss\" role=\"img\" aria-label=\"loss per epoch\"></canvas></div>"
       "<div class=\"chart\"><canvas id=\"chart-accuracy\" role=\"img\" aria-label=\"accuracy per epoch\"></canvas></div>"
       "<div class=\"chart\"><canvas id=\"chart-lr\" role=\"img\" aria-label=\"learning rate per epoch\"></canvas></div></div>\n";
  if (!c.steps.empty()) {
    s += fmt::format("<h3>Per step</h3><p class=\"note\">{} points, about 50 an epoch: each the mean of the batches since the "
                     "point before (faint), smoothed as TensorBoard smooths it (weight {}, solid), beside the epochs' "
                     "points at their last step; the learning rate of the step; images per second, the epoch's rate "
                     "so far.</p>\n",
                     c.steps.size(), kTensorBoardSmoothing);
    s += "<div class=\"charts\">";
    const std::pair<const char*, const char*> charts[] = {
        {"step-loss", "loss per step"}, {"step-accuracy", "accuracy per step"}, {"step-lr", "learning rate per step"}, {"step-speed", "images per second"}};
    for (const auto& [id, label] : charts)
      s += fmt::format("<div class=\"chart\"><canvas id=\"chart-{}\" role=\"img\" aria-label=\"{}\"></canvas></div>", id, label);
    s += "</div>\n";
  }
  s += "<details><summary>The numbers</summary><table><tr><th>epoch</th><th>training loss</th><th>training accuracy</th>"
       "<th>validation loss</th><th>validation accuracy</th><th>learning rate</th><th>seconds</th></tr>\n";
  for (const EpochMetrics& m : c.metrics)
    s += fmt::format("<tr><td>{}</td><td>{:.5f}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.6g}</td><td>{:.2f}</td></tr>\n", m.epoch,
                     m.train_loss, percent(m.train_accuracy),
                     m.validation_loss ? fmt::format("{:.5f}", *m.validation_loss) : "",
                     m.validation_accuracy ? percent(*m.validation_accuracy) : "", m.lr, m.seconds);
  return s + "</table></details></section>\n";
}

// "Test" or "Validation": the evaluated images' split, for headings and captions.
std::string split_title(const ReportContent& c) { return c.split == "test" ? "Test" : "Validation"; }

std::string test_section(const ReportContent& c, bool linked) {
  const bool validation = c.split != "test";
  std::string s = validation ? "<section id=\"test\"><h2>Validation images (no test set)</h2>\n" : "<section id=\"test\"><h2>Test set</h2>\n";
  if (!c.test) return s + "<p class=\"note\">Not evaluated: " + html_escape(c.test_missing) + "</p></section>\n";
  if (validation)
    s += "<p class=\"note\">No test set: " + html_escape(c.test_missing) +
         ". The tables, the charts and the mistakes below are the final model's on the run's validation images, "
         "the ones the run watched (and chose best.bin by): not an unbiased accuracy.</p>\n";
  const EvalResult& r = *c.test;
  s += fmt::format("<p>{} of {} {} images classified correctly: <strong>{}</strong>; mean loss {:.5f}. Source: {}.</p>\n", r.correct,
                   r.count, c.split, percent(r.accuracy()), r.loss, html_escape(c.test_source));
  if (const Figure* f = find_figure(c, "confusion-matrix")) s += figure_html(*f, linked);
  // Row-normalised: what becomes of each true class, in percent; shaded like the figure.
  s += "<h3>Row-normalised (percent of each true class)</h3><table><tr><th class=\"text\">true \\ predicted</th>";
  for (const std::string& name : c.class_names) s += "<th>" + html_escape(name) + "</th>";
  s += "</tr>\n";
  for (int t = 0; t < r.classes(); ++t) {
    const double support = static_cast<double>(r.support(t));
    s += "<tr><th class=\"text\">" + html_escape(c.class_names[static_cast<std::size_t>(t)]) + "</th>";
    for (int p = 0; p < r.classes(); ++p) {
      const double share = support > 0 ? r.confusion[static_cast<std::size_t>(t)][static_cast<std::size_t>(p)] / support : 0.0;
      const Rgb color = share == 0 ? palette::kWhite : viridis(static_cast<float>(std::sqrt(share)));
      const bool dark = share > 0 && std::sqrt(share) <= 0.6;
      s += fmt::format("<td class=\"heat\" style=\"background:rgb({},{},{});color:{}\">{}</td>", color.r, color.g, color.b,
                       dark ? "#fff" : "#000", share == 0 ? "" : fmt::format("{:.1f}", 100.0 * share));
    }
    s += "</tr>\n";
  }
  s += "</table>\n<h3>Per class</h3>";
  if (const Figure* f = find_figure(c, "class-accuracy")) s += figure_html(*f, linked);
  s += "<table><tr><th class=\"text\">class</th><th>precision</th><th>recall</th><th>images</th></tr>\n";
  for (int k = 0; k < r.classes(); ++k)
    s += fmt::format("<tr><td class=\"text\">{}</td><td>{:.4f}</td><td>{:.4f}</td><td>{}</td></tr>\n",
                     html_escape(c.class_names[static_cast<std::size_t>(k)]), r.precision(k), r.recall(k), r.support(k));
  s += "</table></section>\n";

  s += "<section id=\"mistakes\"><h2>Most confident mistakes</h2>\n";
  if (c.mistakes.empty()) return s + "<p>No " + c.split + " image was misclassified.</p></section>\n";
  const bool maps = !c.cam_layer.empty();
  s += "<p class=\"note\">" + split_title(c) + " images the model got wrong, the surest first: as the network saw them, the true class, the "
       "predicted class and the probability it gave each.";
  if (maps)
    s += " Beside each, where the network found the evidence for the class it predicted: Grad-CAM on layer " +
         html_escape(c.cam_layer) + " (middle; yellow: most) and the saliency map, the pixels whose change moves that class's "
         "score most (right).";
  s += maps ? "</p><div class=\"mistakes with-maps\">\n" : "</p><div class=\"mistakes\">\n";
  const auto img = [](const Canvas& canvas, const std::string& alt) {
    return fmt::format("<img src=\"{}\" alt=\"{}\" width=\"{}\" height=\"{}\">", png_data_uri(canvas), alt, canvas.width(),
                       canvas.height());
  };
  for (const Mistake& m : c.mistakes) {
    const std::string& truth = c.class_names[static_cast<std::size_t>(m.truth)];
    const std::string& predicted = c.class_names[static_cast<std::size_t>(m.predicted)];
    std::string pictures = img(*m.image, fmt::format("{} image {}", c.split, m.index));
    if (m.grad_cam && m.saliency)
      pictures = "<div class=\"maps\">" + pictures + img(*m.grad_cam, "Grad-CAM") + img(*m.saliency, "saliency") + "</div>";
    s += fmt::format("<figure>{}<figcaption>#{}<br>true <b>{}</b> ({:.3f})<br>predicted <b>{}</b> ({:.3f})</figcaption></figure>\n",
                     pictures, m.index, html_escape(truth), m.truth_probability, html_escape(predicted), m.confidence);
  }
  return s + "</div></section>\n";
}

std::string network_section(const ReportContent& c, bool linked) {
  const NetSummary& n = c.network;
  std::string s = "<section id=\"network\"><h2>The network</h2><table><tr><th class=\"text\">layer</th><th class=\"text\">inputs</th>"
                  "<th class=\"text\">configuration</th><th class=\"text\">output shape</th><th>parameters</th><th>MACs per image</th></tr>\n";
  s += "<tr><td class=\"text\">input</td><td class=\"text\"></td><td class=\"text\"></td><td class=\"text\">" + html_escape(n.input.str()) +
       "</td><td></td><td></td></tr>\n";
  for (const LayerSummary& l : n.layers) {
    std::string inputs;
    for (const std::string& input : l.inputs) inputs += (inputs.empty() ? "" : ", ") + input;
    s += fmt::format("<tr><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td>"
                     "<td>{}</td><td>{}</td></tr>\n",
                     html_escape(l.name), html_escape(inputs), html_escape(l.config), html_escape(l.output.str()),
                     l.trainable + l.non_trainable, l.macs);
  }
  s += fmt::format("<tr><th class=\"text\" colspan=\"4\">total</th><th>{}</th><th>{}</th></tr></table>\n", n.parameters(), n.macs);
  s += "<details open><summary>The network as a diagram: a box per layer, skip connections and branches in red</summary>\n" +
       network_diagram_svg(n) + "</details>\n";
  if (const Figure* f = find_figure(c, "filters")) s += "<h3>Filters</h3>\n" + figure_html(*f, linked);
  bool heading = false;
  for (const Figure& f : c.figures) {
    if (f.id.rfind("feature-maps-", 0) != 0) continue;
    if (!heading) {
      s += "<h3>Feature maps: what each conv and pool layer makes of a " + c.split + " image</h3>\n";
      heading = true;
    }
    s += figure_html(f, linked);
  }
  return s + "</section>\n";
}

std::string other_figures(const ReportContent& c, bool linked) {
  std::string s;
  for (const Figure& f : c.figures) {
    if (!f.in_page || f.id == "filters" || f.id == "confusion-matrix" || f.id == "class-accuracy" || f.id.rfind("feature-maps-", 0) == 0) continue;
    s += figure_html(f, linked);
  }
  return s.empty() ? s : "<section id=\"more\"><h2>More figures</h2>\n" + s + "</section>\n";
}

// The curves' numbers for the page's script; JSON inside <script type="application/json">.
std::string curve_data(const ReportContent& c) {
  nlohmann::json j = {{"epochs", nlohmann::json::array()}, {"train_loss", nlohmann::json::array()},
                      {"train_accuracy", nlohmann::json::array()}, {"validation_loss", nlohmann::json::array()},
                      {"validation_accuracy", nlohmann::json::array()}, {"lr", nlohmann::json::array()}};
  if (!c.steps.empty()) {
    nlohmann::json steps = {{"step", nlohmann::json::array()},     {"loss", nlohmann::json::array()},
                            {"accuracy", nlohmann::json::array()}, {"lr", nlohmann::json::array()},
                            {"speed", nlohmann::json::array()},    {"epoch_step", nlohmann::json::object()}};
    std::vector<double> loss, accuracy;
    for (const StepMetrics& m : c.steps) {
      steps["step"].push_back(m.step);
      loss.push_back(m.loss);
      accuracy.push_back(100.0 * m.accuracy);
      steps["lr"].push_back(m.lr);
      steps["speed"].push_back(m.images_per_second);
      steps["epoch_step"][std::to_string(m.epoch)] = m.step;  // the epoch's last logged step
    }
    steps["loss"] = loss;
    steps["accuracy"] = accuracy;
    steps["loss_smoothed"] = smoothed(loss);
    steps["accuracy_smoothed"] = smoothed(accuracy);
    j["steps"] = steps;
  }
  for (const EpochMetrics& m : c.metrics) {
    j["epochs"].push_back(m.epoch);
    j["train_loss"].push_back(m.train_loss);
    j["train_accuracy"].push_back(100.0 * m.train_accuracy);
    j["validation_loss"].push_back(m.validation_loss ? nlohmann::json(*m.validation_loss) : nlohmann::json());
    j["validation_accuracy"].push_back(m.validation_accuracy ? nlohmann::json(100.0 * *m.validation_accuracy) : nlohmann::json());
    j["lr"].push_back(m.lr);
  }
  std::string text = j.dump();
  // "</" would end the script element early.
  for (std::size_t at = text.find("</"); at != std::string::npos; at = text.find("</", at + 3)) text.replace(at, 2, "<\\/");
  return text;
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string render_report_html(const ReportContent& c, bool figures_written) {
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  // While the run trains, the page reloads itself; the run's last write leaves this out, so the
  // page stops reloading once the run has ended.
  if (c.live) s += fmt::format("<meta http-equiv=\"refresh\" content=\"{}\">\n", c.refresh_seconds);
  s += "<title>cnn report: " + html_escape(c.run_dir) + "</title>\n<style>" + kStyle + "</style>\n";
  s += "</head><body>\n<h1>Training report</h1>\n";
  if (c.live)
    s += fmt::format("<p class=\"live\" id=\"live\">Training: epoch {} of {} done (written at {}). This page reloads itself "
                     "every {} s until the run ends; then it holds the test set and the mistakes too.</p>\n",
                     c.epochs_done, c.epochs, html_escape(c.written_at), c.refresh_seconds);
  s += "<p class=\"meta\">" + html_escape(c.run_dir) + " &middot; " + html_escape(c.created_by) + "</p>\n";
  s += "<nav><a href=\"#run\">Run</a><a href=\"#curves\">Curves</a><a href=\"#test\">Test set</a><a href=\"#mistakes\">Mistakes</a>"
       "<a href=\"#network\">Network</a><a href=\"#config\">Config</a></nav>\n";
  s += run_section(c) + curves_section(c) + test_section(c, figures_written) + network_section(c, figures_written) +
       other_figures(c, figures_written);
  s += "<section id=\"config\"><h2>Config</h2><pre>" + html_escape(c.config_text) + "</pre></section>\n";
  if (figures_written) s += "<p class=\"note\">Every figure is also saved as a PNG in figures/ beside this page.</p>\n";
  s += "<script type=\"application/json\" id=\"report-data\">" + curve_data(c) + "</script>\n";
  s += "<script>";
  s += chartjs_source();
  s += "</script>\n<script>";
  s += kChartScript;
  s += "</script>\n</body></html>\n";
  return s;
}

}  // namespace cnn
