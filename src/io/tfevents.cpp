#include "io/tfevents.hpp"

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstring>

#include "core/error.hpp"

namespace cnn {
namespace {

const std::array<std::uint32_t, 256>& crc32c_table() {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1u) != 0 ? 0x82f63b78u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  return table;
}

// Protobuf's wire format, the few pieces an Event needs.
void varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}
void key(std::string& out, int field, int wire_type) { varint(out, static_cast<std::uint64_t>(field) << 3 | static_cast<std::uint64_t>(wire_type)); }
void little_endian(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void bytes_field(std::string& out, int field, const std::string& bytes) {
  key(out, field, 2);
  varint(out, bytes.size());
  out += bytes;
}
void int_field(std::string& out, int field, std::int64_t v) {
  key(out, field, 0);
  varint(out, static_cast<std::uint64_t>(v));
}
void float_field(std::string& out, int field, float v) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  key(out, field, 5);
  little_endian(out, bits, 4);
}
void double_field(std::string& out, int field, double v) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  key(out, field, 1);
  little_endian(out, bits, 8);
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::uint32_t crc32c(const std::string& bytes) {
  std::uint32_t c = 0xffffffffu;
  for (unsigned char b : bytes) c = crc32c_table()[(c ^ b) & 0xffu] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

std::uint32_t masked_crc32c(const std::string& bytes) {
  const std::uint32_t c = crc32c(bytes);
  return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

EventFileWriter::EventFileWriter(const std::string& folder) {
  char host[256] = "localhost";
  if (::gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "localhost");
  host[sizeof host - 1] = '\0';
  path_ = folder + "/events.out.tfevents." + std::to_string(static_cast<long long>(now_seconds())) + "." + host;
  file_ = std::fopen(path_.c_str(), "wb");
  CNN_CHECK_CODE(file_ != nullptr, ExitCode::kIo, "{}: cannot create the TensorBoard event file", path_);
  std::string event;
  double_field(event, 1, now_seconds());
  bytes_field(event, 3, "brain.Event:2");
  write_record(event);
}

EventFileWriter::~EventFileWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void EventFileWriter::write_record(const std::string& record) {
  std::string length;
  little_endian(length, record.size(), 8);
  std::string framed = length;
  little_endian(framed, masked_crc32c(length), 4);
  framed += record;
  little_endian(framed, masked_crc32c(record), 4);
  CNN_CHECK_CODE(std::fwrite(framed.data(), 1, framed.size(), file_) == framed.size() && std::fflush(file_) == 0, ExitCode::kIo,
                 "{}: cannot write the TensorBoard event file", path_);
}

void EventFileWriter::write_event(std::int64_t step, const std::string& summary_value) {
  std::string summary;
  bytes_field(summary, 1, summary_value);
  std::string event;
  double_field(event, 1, now_seconds());
  int_field(event, 2, step);
  bytes_field(event, 5, summary);
  write_record(event);
}

void EventFileWriter::scalar(const std::string& tag, std::int64_t step, float value) {
  std::string v;
  bytes_field(v, 1, tag);
  float_field(v, 2, value);
  write_event(step, v);
}

void EventFileWriter::text(const std::string& tag, std::int64_t step, const std::string& text) {
  std::string plugin, metadata, shape, tensor, v;
  bytes_field(plugin, 1, "text");
  bytes_field(metadata, 1, plugin);
  int_field(tensor, 1, 7);  // DT_STRING
  bytes_field(tensor, 2, shape);
  bytes_field(tensor, 8, text);
  bytes_field(v, 1, tag);
  bytes_field(v, 9, metadata);
  bytes_field(v, 8, tensor);
  write_event(step, v);
}

void EventFileWriter::image(const std::string& tag, std::int64_t step, const std::string& png, int height, int width, int channels) {
  std::string image, v;
  int_field(image, 1, height);
  int_field(image, 2, width);
  int_field(image, 3, channels);
  bytes_field(image, 4, png);
  bytes_field(v, 1, tag);
  bytes_field(v, 4, image);
  write_event(step, v);
}

}  // namespace cnn
