// The data sources of data.format (train/data_source.hpp): IDX with transpose and class names,
// CIFAR-10 batches, image folders (layout, class names, extensions, colour and size conversion,
// parallel decoding, every bad case), normalisation, and the DataDescription's JSON form.
#include <stb_image_write.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "config/config.hpp"
#include "expect_error.hpp"
#include "idx_writer.hpp"
#include "io/cifar10.hpp"
#include "io/class_names.hpp"
#include "io/data_description.hpp"
#include "io/idx.hpp"
#include "io/image_folder.hpp"
#include "io/resize_prep.hpp"
#include "png_writer.hpp"
#include "runtime/network_input.hpp"
#include "train/data_source.hpp"

using namespace cnn;
using namespace cnn::test;
namespace fs = std::filesystem;

namespace {

// An RGBA PNG of w x h where pixel (y, x) has the colour f(y, x) = {r, g, b, a}.
template <typename F>
std::string rgba_png(int w, int h, F f) {
  std::vector<std::uint16_t> samples;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int v : f(y, x)) samples.push_back(static_cast<std::uint16_t>(v));
  return encode_png(w, h, PngColor::kRgba, 8, samples);
}

// An 8x8 mid-gray JPEG (OpenCV, quality 90). Embedded rather than made with stbi_write_jpg,
// whose encoder shifts negative ints (UBSan stops the sanitizer build there).
const char kJpeg8x8[] =
      "\xff\xd8\xff\xe0\x00\x10\x4a\x46\x49\x46\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb\x00\x43\x00\x03\x02\x02\x03\x02\x02\x03"
      "\x03\x03\x03\x04\x03\x03\x04\x05\x08\x05\x05\x04\x04\x05\x0a\x07\x07\x06\x08\x0c\x0a\x0c\x0c\x0b\x0a\x0b\x0b\x0d\x0e\x12\x10\x0d"
      "\x0e\x11\x0e\x0b\x0b\x10\x16\x10\x11\x13\x14\x15\x15\x15\x0c\x0f\x17\x18\x16\x14\x18\x12\x14\x15\x14\xff\xdb\x00\x43\x01\x03\x04"
      "\x04\x05\x04\x05\x09\x05\x05\x09\x14\x0d\x0b\x0d\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14"
      "\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\x14\xff\xc0"
      "\x00\x11\x08\x00\x08\x00\x08\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01\xff\xc4\x00\x1f\x00\x00\x01\x05\x01\x01\x01\x01\x01\x01\x00"
      "\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\xff\xc4\x00\xb5\x10\x00\x02\x01\x03\x03\x02\x04\x03\x05"
      "\x05\x04\x04\x00\x00\x01\x7d\x01\x02\x03\x00\x04\x11\x05\x12\x21\x31\x41\x06\x13\x51\x61\x07\x22\x71\x14\x32\x81\x91\xa1\x08\x23"
      "\x42\xb1\xc1\x15\x52\xd1\xf0\x24\x33\x62\x72\x82\x09\x0a\x16\x17\x18\x19\x1a\x25\x26\x27\x28\x29\x2a\x34\x35\x36\x37\x38\x39\x3a"
      "\x43\x44\x45\x46\x47\x48\x49\x4a\x53\x54\x55\x56\x57\x58\x59\x5a\x63\x64\x65\x66\x67\x68\x69\x6a\x73\x74\x75\x76\x77\x78\x79\x7a"
      "\x83\x84\x85\x86\x87\x88\x89\x8a\x92\x93\x94\x95\x96\x97\x98\x99\x9a\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xb2\xb3\xb4\xb5\xb6\xb7"
      "\xb8\xb9\xba\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xf1"
      "\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xff\xc4\x00\x1f\x01\x00\x03\x01\x01\x01\x01\x01\x01\x01\x01\x01\x00\x00\x00\x00\x00\x00\x01"
      "\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\xff\xc4\x00\xb5\x11\x00\x02\x01\x02\x04\x04\x03\x04\x07\x05\x04\x04\x00\x01\x02\x77\x00"
      "\x01\x02\x03\x11\x04\x05\x21\x31\x06\x12\x41\x51\x07\x61\x71\x13\x22\x32\x81\x08\x14\x42\x91\xa1\xb1\xc1\x09\x23\x33\x52\xf0\x15"
      "\x62\x72\xd1\x0a\x16\x24\x34\xe1\x25\xf1\x17\x18\x19\x1a\x26\x27\x28\x29\x2a\x35\x36\x37\x38\x39\x3a\x43\x44\x45\x46\x47\x48\x49"
      "\x4a\x53\x54\x55\x56\x57\x58\x59\x5a\x63\x64\x65\x66\x67\x68\x69\x6a\x73\x74\x75\x76\x77\x78\x79\x7a\x82\x83\x84\x85\x86\x87\x88"
      "\x89\x8a\x92\x93\x94\x95\x96\x97\x98\x99\x9a\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xc2\xc3\xc4"
      "\xc5\xc6\xc7\xc8\xc9\xca\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9"
      "\xfa\xff\xda\x00\x0c\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00\x28\xa2\x8a\x00\xff\xd9";

std::string gray_png(int w, int h, std::uint8_t value) {
  return encode_png(w, h, PngColor::kGray, 8, std::vector<std::uint16_t>(static_cast<std::size_t>(w) * h, value));
}

FolderOptions options(int channels, int side, int threads = 1) {
  FolderOptions o;
  o.channels = channels;
  o.height = o.width = side;
  o.threads = threads;
  return o;
}

void put(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  write_bytes(path, bytes);
}

}  // namespace

TEST_CASE("a folder's classes are its sorted folder names, images of any kind and case of extension", "[data][folder]") {
  ScratchDir dir("folder");
  const std::string root = dir.file("pets");
  // Names with spaces; sorted by bytes: "Zebra" < "a cat" < "dog".
  put(root + "/train/dog/1.PNG", gray_png(5, 7, 200));
  put(root + "/train/a cat/x.Png", rgba_png(4, 4, [](int, int) { return std::vector<int>{255, 0, 0, 255}; }));
  put(root + "/train/Zebra/z.png", gray_png(4, 4, 10));
  put(root + "/train/dog/notes.txt", "not an image");
  put(root + "/train/dog/.hidden.png", "ignored");
  fs::create_directories(root + "/train/.cache");
  // A BMP through stb_image_write, and a JPEG.
  std::vector<unsigned char> rgb(8 * 8 * 3, 128);
  REQUIRE(stbi_write_bmp((root + "/train/a cat/y.BMP").c_str(), 8, 8, 3, rgb.data()) != 0);
  write_bytes(root + "/train/Zebra/q.JpEg", std::string(kJpeg8x8, sizeof(kJpeg8x8) - 1));

  const FolderLayout layout = find_folder_layout(root);
  CHECK(layout.train == root + "/train");
  CHECK(!layout.test.has_value());
  const FolderLoad load = load_image_folder(layout.train, nullptr, false, options(3, 4));
  const Dataset& d = load.data;
  CHECK(d.class_names == std::vector<std::string>{"Zebra", "a cat", "dog"});
  CHECK(d.classes == 3);
  CHECK(d.size() == 5);
  CHECK(load.ignored == 1);  // notes.txt; the hidden file and folder do not count
  CHECK(d.images.channels == 3);
  CHECK(d.images.height == 4);
  // Unshuffled: class by class, files sorted: Zebra/q.JpEg, Zebra/z.png, a cat/x.Png, a cat/y.BMP, dog/1.PNG
  CHECK(d.labels == std::vector<Label>{0, 0, 1, 1, 2});
  // Zebra/z.png: gray 10, same size: copied exactly into R, G and B.
  for (int c = 0; c < 3; ++c) CHECK(d.images.pixels[d.images.image_size() * 1 + static_cast<std::size_t>(c) * 16] == 10);
  // a cat/x.Png: pure red stays red.
  const std::uint8_t* red = d.images.pixels.data() + d.images.image_size() * 2;
  CHECK(red[0] == 255);
  CHECK(red[16] == 0);
  CHECK(red[32] == 0);
}

TEST_CASE("the resize preparation composites on white, converts colour by BT.601 luma and stretches", "[data][folder]") {
  // Half-transparent black over white is mid gray; opaque pure green is 150/256 of 255.
  RgbaImage image;
  image.width = 2;
  image.height = 1;
  image.pixels = {0, 0, 0, 128, 0, 255, 0, 255};
  const auto gray = prepare_resized(image, 1, 1, 2, "t");
  CHECK(gray[0] == (255 * 127 + 127) / 255);
  CHECK(gray[1] == (255 * 150) >> 8);
  const auto rgb = prepare_resized(image, 3, 1, 2, "t");
  CHECK(rgb == std::vector<std::uint8_t>{127, 0, 127, 255, 127, 0});  // planar R, G, B
  // A uniform image stays uniform whatever the stretch (a 3x1 to 5x4, both directions).
  RgbaImage flat;
  flat.width = 3;
  flat.height = 1;
  flat.pixels.assign(12, 0);
  for (int i = 0; i < 3; ++i) {
    flat.pixels[4 * i] = 40;
    flat.pixels[4 * i + 1] = 80;
    flat.pixels[4 * i + 2] = 120;
    flat.pixels[4 * i + 3] = 255;
  }
  const auto big = prepare_resized(flat, 3, 4, 5, "t");
  REQUIRE(big.size() == 3u * 4 * 5);
  for (int c = 0; c < 3; ++c)
    for (int i = 0; i < 20; ++i) CHECK(big[static_cast<std::size_t>(c * 20 + i)] == 40 * (c + 1));
  expect_error([&] { prepare_resized(flat, 2, 4, 4, "t"); }, ExitCode::kUsage, "1 (gray) or 3 (RGB) channels");
}

TEST_CASE("a folder with train/ and test/ labels the test set by the training classes", "[data][folder]") {
  ScratchDir dir("folder-split");
  const std::string root = dir.file("set");
  for (const char* c : {"b", "a", "c"})
    for (int i = 0; i < 3; ++i) put(root + "/train/" + c + "/" + std::to_string(i) + ".png", gray_png(6, 6, 50 + 10 * i));
  put(root + "/test/c/0.png", gray_png(6, 6, 1));
  put(root + "/test/a/0.png", gray_png(6, 6, 2));
  DataConfig config;
  config.format = DataFormat::kFolder;
  config.dir = root;
  const LoadedData train = load_training_data(config, Shape{1, 6, 6}, {});
  CHECK(train.data.class_names == std::vector<std::string>{"a", "b", "c"});
  CHECK(train.data.size() == 9);
  const DataDescription description = describe_data(config, train.data, 9, Shape{1, 6, 6});
  CHECK(description.preparation == Preparation::kResize);
  const LoadedData test = load_test_data(description, root, Shape{1, 6, 6}, {});
  CHECK(test.data.labels == std::vector<Label>{0, 2});  // a, then c: the training indices
  CHECK(test.data.class_names == description.class_names);
  // Shuffled training order is fixed (the same on every load) and mixes the classes.
  const LoadedData again = load_training_data(config, Shape{1, 6, 6}, {});
  CHECK(again.data.labels == train.data.labels);
  CHECK(train.data.labels != std::vector<Label>{0, 0, 0, 1, 1, 1, 2, 2, 2});
  // The same pixels with several decoding threads.
  DataLoadOptions threads;
  threads.threads = 3;
  const LoadedData parallel = load_training_data(config, Shape{1, 6, 6}, threads);
  CHECK(parallel.data.images.pixels == train.data.images.pixels);

  // A class in test/ that train/ lacks.
  put(root + "/test/dog/0.png", gray_png(6, 6, 3));
  expect_error([&] { load_test_data(description, root, Shape{1, 6, 6}, {}); }, ExitCode::kData,
               "class 'dog' is not one of the 3 classes the model was trained on");
}

TEST_CASE("bad image folders are refused with the folder or file named", "[data][folder]") {
  ScratchDir dir("folder-bad");
  const std::string root = dir.file("set");
  expect_error([&] { find_folder_layout(root); }, ExitCode::kData, "not a folder");
  fs::create_directories(root);
  expect_error([&] { load_image_folder(root, nullptr, false, options(1, 4)); }, ExitCode::kData, "no class folders");
  put(root + "/one/a.png", gray_png(4, 4, 9));
  fs::create_directories(root + "/empty");
  put(root + "/empty/readme.txt", "x");
  expect_error([&] { load_image_folder(root, nullptr, false, options(1, 4)); }, ExitCode::kData,
               "class folder 'empty' holds no images");
  fs::remove_all(root + "/empty");
  put(root + "/two/good.png", gray_png(4, 4, 9));
  put(root + "/two/broken.png", "\x89PNG\r\n\x1a\n garbage");
  for (int threads : {1, 2}) {
    expect_error([&] { load_image_folder(root, nullptr, false, options(1, 4, threads)); }, ExitCode::kData,
                 root + "/two/broken.png");
    expect_error([&] { load_image_folder(root, nullptr, false, options(1, 4, threads)); }, ExitCode::kData,
                 "data.skip_bad_images");
  }
  FolderOptions skip = options(1, 4, 2);
  skip.skip_bad = true;
  const FolderLoad load = load_image_folder(root, nullptr, false, skip);
  CHECK(load.data.size() == 2);
  REQUIRE(load.skipped.size() == 1);
  CHECK(load.skipped[0].find("broken.png") != std::string::npos);
  // Channels the folder loader cannot make.
  expect_error([&] { load_image_folder(root, nullptr, false, options(4, 4)); }, ExitCode::kUsage, "1 (gray) or 3 (RGB)");
}

TEST_CASE("EMNIST-style transposed IDX images are turned upright, class names come from the config", "[data][idx]") {
  ScratchDir dir("idx-transpose");
  // One 2x3 image: rows {1 2 3}, {4 5 6}.
  const std::vector<std::uint8_t> pixels = {1, 2, 3, 4, 5, 6};
  for (const char* split : {"train", "t10k"}) {
    write_bytes(dir.file(std::string(split) + "-images-idx3-ubyte"), idx_images_bytes(pixels, 1, 2, 3));
    write_bytes(dir.file(std::string(split) + "-labels-idx1-ubyte"), idx_labels_bytes({25}));
  }
  const Dataset upright = load_split(dir.path(), true, true);
  CHECK(upright.images.height == 3);
  CHECK(upright.images.width == 2);
  CHECK(upright.images.pixels == std::vector<std::uint8_t>{1, 4, 2, 5, 3, 6});
  CHECK(upright.classes == 26);  // letters: labels 0-25

  DataConfig config;
  config.dir = dir.path();
  config.transpose = true;
  for (char c = 'a'; c <= 'z'; ++c) config.class_names.push_back(std::string(1, c));
  const LoadedData named = load_training_data(config, Shape{1, 3, 2}, {});
  CHECK(named.data.classes == 26);
  const DataDescription d = describe_data(config, named.data, 1, Shape{1, 3, 2});
  CHECK(d.class_names.back() == "z");
  CHECK(d.transpose);
  CHECK(d.preparation == Preparation::kMnistDigit);
  CHECK(load_test_data(d, dir.path(), Shape{1, 3, 2}, {}).data.images.pixels == upright.images.pixels);
  // 62 names from a file (EMNIST byclass), but fewer names than labels is refused.
  std::string file;
  for (int i = 0; i < 62; ++i) file += "c" + std::to_string(i) + (i % 2 ? "\r\n" : "\n");
  write_text(dir.file("names.txt"), file + "\n\n");
  config.class_names.clear();
  config.class_names_file = dir.file("names.txt");
  CHECK(load_training_data(config, Shape{1, 3, 2}, {}).data.classes == 62);
  write_text(dir.file("names.txt"), "a\nb\n");
  expect_error([&] { load_training_data(config, Shape{1, 3, 2}, {}); }, ExitCode::kData, "2 class names, but the labels run from 0 to 25");
  write_text(dir.file("names.txt"), "a\n\nb\n");
  expect_error([&] { read_class_names_file(dir.file("names.txt")); }, ExitCode::kData, "names.txt:2: a class name is empty");
}

TEST_CASE("CIFAR-10 records decode planar RGB with labels, and wrong files are refused", "[data][cifar]") {
  std::vector<std::uint8_t> bytes(2 * kCifarRecordBytes);
  bytes[0] = 3;
  bytes[1] = 11;                              // record 0: first red value
  bytes[1 + 1024] = 22;                       // first green value
  bytes[kCifarRecordBytes] = 9;               // record 1: label 9
  bytes[kCifarRecordBytes + 3072] = 33;       // last blue value
  Dataset d;
  decode_cifar10_records(bytes.data(), bytes.size(), "b", d);
  CHECK(d.size() == 2);
  CHECK(d.labels == std::vector<Label>{3, 9});
  CHECK(d.images.channels == 3);
  CHECK(d.images.height == 32);
  CHECK(d.images.pixels[0] == 11);
  CHECK(d.images.pixels[1024] == 22);
  CHECK(d.images.pixels[2 * 3072 - 1] == 33);
  bytes[kCifarRecordBytes] = 10;
  Dataset bad;
  expect_error([&] { decode_cifar10_records(bytes.data(), bytes.size(), "b", bad); }, ExitCode::kData,
               "b: record 1 (byte 3073) has label 10");
  expect_error([&] { decode_cifar10_records(bytes.data(), 100, "b", bad); }, ExitCode::kData, "not a whole number");

  ScratchDir dir("cifar");
  write_bytes(dir.file("data_batch_1.bin"), std::string(kCifarRecordBytes * 3, '\0'));
  expect_error([&] { load_cifar10(dir.path(), true); }, ExitCode::kData,
               "data_batch_1.bin: 9219 bytes, but a CIFAR-10 batch is exactly 30730000 bytes");
  expect_error([&] { load_cifar10(dir.path(), false); }, ExitCode::kData, "test_batch.bin: CIFAR-10 batch not found");
}

TEST_CASE("a full-size CIFAR-10 set loads 50,000 training and 10,000 test images with its class names", "[data][cifar]") {
  ScratchDir dir("cifar-full");
  auto batch = [](int salt) {
    std::string b(static_cast<std::size_t>(kCifarFileBytes), '\0');
    for (int r = 0; r < kCifarRecordsPerFile; ++r) {
      b[static_cast<std::size_t>(r) * kCifarRecordBytes] = static_cast<char>((r + salt) % 10);
      b[static_cast<std::size_t>(r) * kCifarRecordBytes + 1] = static_cast<char>(salt);
    }
    return b;
  };
  for (int i = 1; i <= 5; ++i) write_bytes(dir.file("data_batch_" + std::to_string(i) + ".bin"), batch(i));
  write_bytes(dir.file("test_batch.bin"), batch(7));
  write_text(dir.file("batches.meta.txt"), "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
  DataConfig config;
  config.format = DataFormat::kCifar10;
  config.dir = dir.path();
  const LoadedData train = load_training_data(config, Shape{3, 32, 32}, {});
  CHECK(train.data.size() == 50000);
  CHECK(train.data.labels[10000] == 2);  // data_batch_2's first record: (0 + salt 2) % 10
  CHECK(train.data.images.pixels[10000 * 3072] == 2);
  const DataDescription d = describe_data(config, train.data, 45000, Shape{3, 32, 32});
  CHECK(d.class_names[9] == "truck");
  CHECK(d.preparation == Preparation::kResize);
  const LoadedData test = load_test_data(d, dir.path(), Shape{3, 32, 32}, {});
  CHECK(test.data.size() == 10000);
  CHECK(test.data.labels[0] == 7);
}

TEST_CASE("normalisation: statistics of the training images, applied per channel in batches", "[data][normalize]") {
  ImageSet set;
  set.count = 3;
  set.channels = 2;
  set.height = 1;
  set.width = 2;
  // Channel 0 of the first two images: 0, 255, 255, 0 (mean 0.5, std 0.5); channel 1: constant 51.
  set.pixels = {0, 255, 51, 51, 255, 0, 51, 51, 9, 9, 9, 9};
  expect_error([&] { channel_statistics(set, 2); }, ExitCode::kData, "channel 1 of the training images is constant");
  set.pixels[2] = 102;  // channel 1: 102, 51, 51, 51: mean 63.75, std 22.08
  const Normalization n = channel_statistics(set, 2);
  CHECK(n.mean[0] == Approx(0.5f));
  CHECK(n.std[0] == Approx(0.5f));
  CHECK(n.mean[1] == Approx(63.75f / 255));
  CHECK(n.std[1] == Approx(std::sqrt(0.75 * 0.25) * 51 / 255));
  Tensor x;
  const std::uint32_t order[] = {0};
  fill_batch(set, {0, 0, 0}, order, 1, Shape{2, 1, 2}, x, nullptr, n);
  CHECK(x[0] == Approx(-1.0f));
  CHECK(x[1] == Approx(1.0f));
  CHECK(x[2] == Approx((102.0f / 255 - n.mean[1]) / n.std[1]));
  // The same arithmetic through apply_normalization (predict's digit path).
  Tensor y(Shape{1, 2, 1, 2});
  for (int i = 0; i < 4; ++i) y[static_cast<std::size_t>(i)] = static_cast<float>(set.pixels[static_cast<std::size_t>(i)]) * (1.0f / 255.0f);
  apply_normalization(y, n);
  for (int i = 0; i < 4; ++i) CHECK(y[static_cast<std::size_t>(i)] == x[static_cast<std::size_t>(i)]);
}

TEST_CASE("the data description round-trips through JSON and refuses hostile headers", "[data][model]") {
  DataDescription d;
  d.format = DataFormat::kFolder;
  d.class_names = {"a cat", "dog", "ü"};
  d.channels = 3;
  d.preparation = Preparation::kResize;
  d.normalization = {{0.1f, 0.2f, 0.3f}, {0.9f, 0.8f, 0.7f}};
  const nlohmann::json j = data_description_to_json(d);
  CHECK(data_description_from_json(nlohmann::json::parse(j.dump()), "m") == d);
  auto refused = [&](nlohmann::json bad, const std::string& needle) {
    expect_error([&] { data_description_from_json(bad, "m.bin"); }, ExitCode::kModel, needle);
  };
  nlohmann::json bad = j;
  bad["format"] = "tar";
  refused(bad, "unknown format 'tar'");
  bad = j;
  bad["classes"] = nlohmann::json::array();
  refused(bad, "data.classes");
  bad = j;
  bad["classes"][1] = "line\nbreak";
  refused(bad, "control character");
  bad = j;
  bad["normalization"]["std"][0] = 0;
  refused(bad, "standard deviation must be positive");
  bad = j;
  bad["normalization"]["mean"] = {1, 2};
  refused(bad, "normalization.mean: expected a list of 3 numbers");
  bad = j;
  bad["channels"] = 1e300;
  refused(bad, "data.channels");
  bad = j;
  bad["surprise"] = 1;
  refused(bad, "unknown key");
  CHECK(legacy_data_description(10, 1).class_names == default_class_names(10));
}

TEST_CASE("data config keys: format, transpose, class names, normalize, skip_bad_images", "[data][config]") {
  const std::string model = "model: {input: [3, 8, 8], layers: [flatten, {dense: {units: 2}}, softmax]}\n";
  const RunConfig c = parse_config(
      "data: {dir: photos, format: folder, normalize: {mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25]}, "
      "skip_bad_images: true}\n" + model, "c.cfg");
  CHECK(c.data.format == DataFormat::kFolder);
  CHECK(c.data.normalize == NormalizeMode::kGiven);
  CHECK(c.data.normalization.std[2] == 0.25f);
  CHECK(c.data.skip_bad_images);
  const RunConfig back = parse_settings(settings_to_json(c), "m.bin");
  CHECK(back.data.format == DataFormat::kFolder);
  CHECK(back.data.normalization == c.data.normalization);
  CHECK(back.data.skip_bad_images);
  const RunConfig e = parse_config("data: {transpose: true, class_names: [a, b], normalize: auto}\n" + model, "c.cfg");
  CHECK(e.data.transpose);
  CHECK(e.data.class_names == std::vector<std::string>{"a", "b"});
  CHECK(e.data.normalize == NormalizeMode::kAuto);
  CHECK(parse_settings(settings_to_json(e), "m.bin").data.class_names == e.data.class_names);
  auto refused = [&](const std::string& data, const std::string& needle) {
    expect_error([&] { parse_config(data + model, "c.cfg"); }, ExitCode::kUsage, needle);
  };
  refused("data: {format: tfrecord}\n", "c.cfg:1: data.format: unknown format 'tfrecord' (expected idx, cifar10 or folder)");
  refused("data: {format: folder, transpose: true}\n", "data.transpose: only IDX data");
  refused("data: {format: cifar10, class_names: [a]}\n", "data.class_names: only IDX data");
  refused("data: {skip_bad_images: true}\n", "data.skip_bad_images: only folder data");
  refused("data: {normalize: {mean: [0.5], std: [0.5]}}\n", "1 values per list, but the model input has 3 channels");
  refused("data: {normalize: {mean: [0, 0, 0], std: [0, 1, 1]}}\n", "data.normalize.std: 0 is out of range");
  refused("data: {normalize: sometimes}\n", "expected auto, none");
  refused("data: {transpose: yes please}\n", "data.transpose: expected true or false");
}
