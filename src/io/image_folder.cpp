// Image folders; layout and rules in image_folder.hpp.
#include "io/image_folder.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <mutex>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/worker_team.hpp"
#include "io/data_description.hpp"
#include "io/resize_prep.hpp"

namespace cnn {

namespace fs = std::filesystem;

namespace {

// The fixed seed of the training images' order (not train.seed: the validation split must not
// change with the seed of the weights).
constexpr std::uint64_t kFolderShuffleSeed = 0x5eedf01d3125ULL;
constexpr std::uint64_t kMaxFolderImages = 100000000;

bool hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

std::vector<std::string> sorted_subfolders(const std::string& root) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (!hidden(it->path()) && it->is_directory(type_ec)) names.push_back(it->path().filename().string());
  }
  CNN_CHECK_CODE(!ec, ExitCode::kData, "{}: cannot list the folder: {}", root, ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

struct Entry {
  std::string path;
  Label label;
};

}  // namespace

bool has_image_extension(const std::string& filename) {
  std::string ext = fs::path(filename).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

FolderLayout find_folder_layout(const std::string& dir) {
  std::error_code ec;
  CNN_CHECK_CODE(fs::is_directory(dir, ec), ExitCode::kData, "{}: not a folder (data.format folder expects {}/train/<class>/*)",
                 dir, dir);
  FolderLayout layout;
  const fs::path train = fs::path(dir) / "train", test = fs::path(dir) / "test";
  if (fs::is_directory(train, ec)) {
    layout.train = train.string();
    if (fs::is_directory(test, ec)) layout.test = test.string();
  } else {
    layout.train = dir;
  }
  return layout;
}

FolderLoad load_image_folder(const std::string& root, const std::vector<std::string>* known_classes, bool shuffle,
                             const FolderOptions& options) {
  std::error_code ec;
  CNN_CHECK_CODE(fs::is_directory(root, ec), ExitCode::kData, "{}: not a folder", root);
  CNN_CHECK_CODE(options.channels == 1 || options.channels == 3, ExitCode::kUsage,
                 "images from a folder become 1 (gray) or 3 (RGB) channels, but the model input has {}", options.channels);
  const std::vector<std::string> folders = sorted_subfolders(root);
  CNN_CHECK_CODE(!folders.empty(), ExitCode::kData, "{}: no class folders (expected {}/<class>/<image>.png, one folder per class)",
                 root, root);
  FolderLoad load;
  load.data.class_names = known_classes ? *known_classes : folders;
  CNN_CHECK_CODE(load.data.class_names.size() <= static_cast<std::size_t>(kMaxClasses), ExitCode::kData,
                 "{}: {} class folders, more than {}", root, folders.size(), kMaxClasses);
  for (const std::string& name : folders) check_class_name(name, (fs::path(root) / name).string(), ExitCode::kData);

  std::vector<Entry> entries;
  for (const std::string& name : folders) {
    Label label = 0;
    if (known_classes) {
      const auto it = std::find(known_classes->begin(), known_classes->end(), name);
      CNN_CHECK_CODE(it != known_classes->end(), ExitCode::kData,
                     "{}: class '{}' is not one of the {} classes the model was trained on (train/ has no such folder)",
                     (fs::path(root) / name).string(), name, known_classes->size());
      label = static_cast<Label>(it - known_classes->begin());
    } else {
      label = static_cast<Label>(&name - folders.data());
    }
    const fs::path folder = fs::path(root) / name;
    std::vector<std::string> files;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code type_ec;
      if (hidden(it->path()) || it->is_directory(type_ec)) continue;
      if (has_image_extension(it->path().filename().string())) files.push_back(it->path().string());
      else ++load.ignored;
    }
    CNN_CHECK_CODE(!ec, ExitCode::kData, "{}: cannot list the folder: {}", folder.string(), ec.message());
    CNN_CHECK_CODE(!files.empty(), ExitCode::kData, "{}: class folder '{}' holds no images (.png, .jpg, .jpeg or .bmp)",
                   folder.string(), name);
    std::sort(files.begin(), files.end());
    for (std::string& f : files) entries.push_back({std::move(f), label});
    CNN_CHECK_CODE(entries.size() <= kMaxFolderImages, ExitCode::kData, "{}: more than {} images", root, kMaxFolderImages);
  }
  if (shuffle) {
    Rng rng(kFolderShuffleSeed);
    for (std::size_t i = entries.size(); i > 1; --i) std::swap(entries[i - 1], entries[rng.uniform_int(i)]);
  }

  // Decoding, in parallel: each member takes the next file; member 0 reports progress.
  const int total = static_cast<int>(entries.size());
  const std::size_t image_bytes = static_cast<std::size_t>(options.channels) * options.height * options.width;
  std::vector<std::uint8_t> pixels(image_bytes * entries.size());
  std::vector<char> ok(entries.size(), 0);
  std::vector<std::string> errors(entries.size());
  std::atomic<int> next{0}, done{0};
  std::atomic<bool> failed{false};
  WorkerTeam team(std::max(1, std::min(options.threads, total)));
  auto last_report = std::chrono::steady_clock::now();
  team.run([&](int member) {
    for (int i = next.fetch_add(1); i < total && !failed.load(); i = next.fetch_add(1)) {
      const Entry& e = entries[static_cast<std::size_t>(i)];
      try {
        const std::vector<std::uint8_t> image = load_resized(e.path, options.channels, options.height, options.width);
        std::copy(image.begin(), image.end(), pixels.begin() + static_cast<std::ptrdiff_t>(image_bytes * i));
        ok[static_cast<std::size_t>(i)] = 1;
      } catch (const Error& error) {
        if (error.code() != ExitCode::kIo || !options.skip_bad) failed.store(true);
        errors[static_cast<std::size_t>(i)] = error.what();
      }
      done.fetch_add(1);
      if (member == 0 && options.progress) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_report >= std::chrono::milliseconds(100)) {
          last_report = now;
          options.progress(done.load(), total);
        }
      }
    }
  });
  // A failure stops the other members early: the first one recorded in file order is reported.
  if (failed.load())
    for (std::size_t i = 0; i < entries.size(); ++i)
      if (!ok[i] && !errors[i].empty())
        CNN_FAIL(ExitCode::kData, "{}{}", errors[i], options.skip_bad ? "" : " (data.skip_bad_images: true skips such files)");
  if (options.progress) options.progress(total, total);

  Dataset& d = load.data;
  d.images.channels = options.channels;
  d.images.height = options.height;
  d.images.width = options.width;
  d.classes = static_cast<int>(d.class_names.size());
  std::size_t kept = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!ok[i]) {
      load.skipped.push_back(errors[i]);
      continue;
    }
    if (kept != i)
      std::copy_n(pixels.begin() + static_cast<std::ptrdiff_t>(image_bytes * i), image_bytes,
                  pixels.begin() + static_cast<std::ptrdiff_t>(image_bytes * kept));
    d.labels.push_back(entries[i].label);
    ++kept;
  }
  pixels.resize(image_bytes * kept);
  d.images.pixels = std::move(pixels);
  d.images.count = static_cast<int>(kept);
  CNN_CHECK_CODE(kept > 0, ExitCode::kData, "{}: none of the {} images could be decoded", root, total);
  return load;
}

}  // namespace cnn
