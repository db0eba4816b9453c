// TensorBoard's event files, written without TensorFlow or protobuf's library: what `cnn train
// --tensorboard` leaves in the run folder (events.out.tfevents.<seconds>.<host>).
//
//   file     TFRecords: uint64 length, uint32 masked CRC-32C of the length's 8 bytes, the record,
//            uint32 masked CRC-32C of the record (little-endian; mask: ((c >> 15) | (c << 17)) +
//            0xa282ead8, CRC-32C the Castagnoli polynomial, reflected 0x82f63b78)
//   record   an Event protobuf: wall_time (1, double), step (2, int64), and file_version (3,
//            "brain.Event:2") in the first record, or summary (5): Summary { repeated Value value = 1 }
//   Value    tag (1), and simple_value (2, float) for a scalar; image (4: height 1, width 2,
//            colorspace 3, encoded_image_string 4 = PNG bytes); or, for text, metadata (9:
//            plugin_data 1 { plugin_name 1 = "text" }) and tensor (8: dtype 1 = 7 (DT_STRING),
//            tensor_shape 2 = {}, string_val 8)
// Each record is written whole and the file flushed after every write, so a reader during the
// run sees only complete records.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace cnn {

// CRC-32C of bytes, and TensorFlow's masked form of it.
std::uint32_t crc32c(const std::string& bytes);
std::uint32_t masked_crc32c(const std::string& bytes);

class EventFileWriter {
 public:
  // Creates folder/events.out.tfevents.<unix seconds>.<host> and writes the file_version event.
  // kIo errors name the file.
  explicit EventFileWriter(const std::string& folder);
  ~EventFileWriter();
  EventFileWriter(const EventFileWriter&) = delete;
  EventFileWriter& operator=(const EventFileWriter&) = delete;

  void scalar(const std::string& tag, std::int64_t step, float value);
  void text(const std::string& tag, std::int64_t step, const std::string& text);
  void image(const std::string& tag, std::int64_t step, const std::string& png, int height, int width, int channels);
  const std::string& path() const { return path_; }

 private:
  void write_event(std::int64_t step, const std::string& summary_value);
  void write_record(const std::string& record);

  std::string path_;
  std::FILE* file_ = nullptr;
};

}  // namespace cnn
