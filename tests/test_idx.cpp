// Tests of the IDX reader: raw and gzip files, and every malformed-file case with its message.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include "cli_runner.hpp"
#include "core/error.hpp"
#include "expect_error.hpp"
#include "fifo_watchdog.hpp"
#include "idx_writer.hpp"
#include "io/idx.hpp"
#include "runtime/network_input.hpp"

using namespace cnn;
using namespace cnn::test;

namespace {

// Expects reading `bytes` as images (or labels) to fail with kData and a message containing `needle`.
void expect_images_error(const std::string& bytes, const std::string& needle) {
  ScratchDir dir("idx");
  write_bytes(dir.file("bad"), bytes);
  expect_error([&] { read_idx_images(dir.file("bad")); }, ExitCode::kData, needle);
}

void expect_labels_error(const std::string& bytes, const std::string& needle) {
  ScratchDir dir("idx");
  write_bytes(dir.file("bad"), bytes);
  expect_error([&] { read_idx_labels(dir.file("bad")); }, ExitCode::kData, needle);
}

}  // namespace

TEST_CASE("IDX images and labels are read raw and gzipped", "[idx]") {
  const SyntheticSet set = make_synthetic(7, 3);
  ScratchDir dir("idx");
  write_bytes(dir.file("i"), idx_images_bytes(set.pixels, 7, 28, 28));
  write_bytes(dir.file("l.gz"), gzip_bytes(idx_labels_bytes(set.labels)));
  write_bytes(dir.file("i.gz"), gzip_bytes(idx_images_bytes(set.pixels, 7, 28, 28)));
  const Dataset raw = load_dataset(dir.file("i"), dir.file("l.gz"));
  CHECK(raw.size() == 7);
  CHECK(raw.images.height == 28);
  CHECK(raw.images.pixels == set.pixels);
  CHECK(raw.labels == std::vector<cnn::Label>(set.labels.begin(), set.labels.end()));
  CHECK(read_idx_images(dir.file("i.gz")).pixels == set.pixels);
  // A gzip file without the .gz name is recognised by its content.
  write_bytes(dir.file("renamed"), gzip_bytes(idx_images_bytes(set.pixels, 7, 28, 28)));
  CHECK(read_idx_images(dir.file("renamed")).pixels == set.pixels);
  CHECK(find_idx_file(dir.path(), "i") == dir.file("i"));
  CHECK(find_idx_file(dir.path(), "l") == dir.file("l.gz"));
  CHECK_THROWS_AS(find_idx_file(dir.path(), "nothing"), Error);
}

TEST_CASE("malformed IDX files are refused with a message naming the problem", "[idx]") {
  const SyntheticSet set = make_synthetic(3, 4);
  const std::string images = idx_images_bytes(set.pixels, 3, 28, 28);
  const std::string labels = idx_labels_bytes(set.labels);

  expect_images_error("", "truncated");
  expect_images_error(images.substr(0, images.size() - 1), "truncated");
  expect_images_error(images.substr(0, 10), "truncated");
  expect_images_error(images + "x", "trailing data");
  expect_images_error("\x01\x02" + images.substr(2), "not an IDX file");
  std::string wrong_type = images;
  wrong_type[2] = 0x0d;  // float
  expect_images_error(wrong_type, "type byte 0x0d");
  expect_images_error(labels, "looks like a label file");  // labels where images were expected
  expect_labels_error(images, "looks like an image file");
  expect_images_error(idx_images_bytes({}, 0, 28, 28), "zero images");
  expect_images_error(idx_images_bytes(std::vector<std::uint8_t>(10), 1, 5000, 2), "absurd");
  // A header that claims far more than the file holds: refused before allocating.
  expect_images_error(idx_images_bytes(std::vector<std::uint8_t>(784), 60000000, 28, 28), "more than this");
  // Any byte is a label to the reader (the class count comes from the data); a label the network
  // has no output for is refused where data meets network (runtime/network_input.hpp check_labels).
  std::string eleventh_class = labels;
  eleventh_class.back() = 10;
  {
    ScratchDir dir("idx");
    write_bytes(dir.file("l"), eleventh_class);
    const std::vector<Label> read = read_idx_labels(dir.file("l")).labels;
    CHECK(read.back() == 10);
    expect_error([&] { check_labels(read, 10, "l"); }, ExitCode::kData, "l: label 10 at index 2 is not one of the network's 10 classes");
    check_labels(read, 11, "l");
  }
  const std::string gz = gzip_bytes(images);
  expect_images_error(gz.substr(0, gz.size() / 2), "while reading the image pixels");
  expect_labels_error(gzip_bytes(labels).substr(0, 12), "while reading");
}

TEST_CASE("a gzip stream must end where the file ends, as a raw file must", "[idx]") {
  const SyntheticSet set = make_synthetic(5, 6);
  const std::string images = idx_images_bytes(set.pixels, 5, 28, 28);
  const std::string gz = gzip_bytes(images);
  const std::string at_end = "trailing bytes after the gzip stream at byte " + std::to_string(gz.size());
  expect_images_error(gz + "garbage", at_end);
  expect_images_error(gz + std::string(512, '\0'), at_end);  // zero padding is not gzip either
  expect_images_error(gz + "\x1f", at_end);                   // half a gzip magic number
  expect_labels_error(gzip_bytes(idx_labels_bytes(set.labels)) + "x", "trailing bytes after the gzip stream");
  // Something that starts like a gzip member but is not one: a corrupt stream.
  expect_images_error(gz + "\x1f\x8b garbage", "corrupt gzip stream at byte ");
  // More data than the header holds, in the same member or in a second one: trailing data.
  expect_images_error(gzip_bytes(images + "x"), "trailing data after byte " + std::to_string(images.size()));
  expect_images_error(gz + gzip_bytes("x"), "trailing data after byte " + std::to_string(images.size()));
  // A damaged checksum, and a stream cut just before its checksum and length.
  std::string bad_crc = gz;
  bad_crc[bad_crc.size() - 8] = static_cast<char>(bad_crc[bad_crc.size() - 8] ^ 0x55);
  expect_images_error(bad_crc, "incorrect data check");
  expect_images_error(gz.substr(0, gz.size() - 8), "truncated gzip stream");
  // Concatenated members are one valid gzip stream (what `cat a.gz b.gz` makes): accepted, even
  // when a member boundary falls inside the header or a member is empty.
  ScratchDir dir("idx");
  for (const std::size_t split : {std::size_t{6}, std::size_t{16}, images.size() / 2}) {
    INFO("split at " << split);
    write_bytes(dir.file("two.gz"), gzip_bytes(images.substr(0, split)) + gzip_bytes(images.substr(split)));
    CHECK(read_idx_images(dir.file("two.gz")).pixels == set.pixels);
  }
  write_bytes(dir.file("empty-member.gz"), gz + gzip_bytes(""));
  CHECK(read_idx_images(dir.file("empty-member.gz")).pixels == set.pixels);
  // A raw file is still read exactly.
  write_bytes(dir.file("raw"), images);
  CHECK(read_idx_images(dir.file("raw")).pixels == set.pixels);
}

TEST_CASE("a FIFO, a device or a folder is refused without blocking", "[idx]") {
  ScratchDir dir("idx");
  REQUIRE(::mkfifo(dir.file("fifo").c_str(), 0600) == 0);
  expect_error_on_fifo(dir.file("fifo"), [&] { read_idx_images(dir.file("fifo")); }, ExitCode::kData,
                       dir.file("fifo") + ": not a regular file");
  expect_error_on_fifo(dir.file("fifo"), [&] { read_idx_labels(dir.file("fifo")); }, ExitCode::kData, "not a regular file");
  expect_error([] { read_idx_images("/dev/zero"); }, ExitCode::kData, "/dev/zero: not a regular file");
  expect_error([&] { read_idx_labels(dir.path()); }, ExitCode::kData, "not a regular file");
  expect_error([&] { read_idx_labels(dir.file("missing")); }, ExitCode::kData, "missing: not found");
}

TEST_CASE("image and label counts must match", "[idx]") {
  const SyntheticSet set = make_synthetic(4, 5);
  ScratchDir dir("idx");
  write_bytes(dir.file("i"), idx_images_bytes(set.pixels, 4, 28, 28));
  std::vector<std::uint8_t> fewer(set.labels.begin(), set.labels.end() - 1);
  write_bytes(dir.file("l"), idx_labels_bytes(fewer));
  expect_error([&] { load_dataset(dir.file("i"), dir.file("l")); }, ExitCode::kData, "holds 4 images but");
}

TEST_CASE("real MNIST files are read when present", "[idx][mnist]") {
  const char* dir = std::getenv("CNN_TEST_MNIST_DIR");
  if (!dir || !*dir) {  // CI sets it to the shared local copy; ctest reports this skip (CMakeLists.txt)
    WARN("skipped: CNN_TEST_MNIST_DIR is not set (a folder with MNIST's four IDX files)");
    return;
  }
  const Dataset test = load_split(dir, false);
  CHECK(test.size() == 10000);
  CHECK(test.images.height == 28);
  CHECK(test.labels[0] == 7);
  CHECK(test.labels[1] == 2);
}
