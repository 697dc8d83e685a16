#include "trace/pprof_encoder.h"

#include <zlib.h>

#include <map>
#include <stdexcept>
#include <unordered_map>
#include <utility>

namespace tracebench::trace {

namespace {

// Protobuf wire format: varints and length-delimited fields, nothing else is needed.
class Message {
 public:
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      bytes_.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    bytes_.push_back(static_cast<char>(v));
  }
  void field_varint(int field, std::uint64_t v) {
    varint(static_cast<std::uint64_t>(field) << 3);
    varint(v);
  }
  void field_int64(int field, std::int64_t v) { field_varint(field, static_cast<std::uint64_t>(v)); }
  void field_bytes(int field, std::string_view s) {
    varint(static_cast<std::uint64_t>(field) << 3 | 2);
    varint(s.size());
    bytes_.append(s);
  }
  void field_message(int field, const Message& m) { field_bytes(field, m.bytes_); }
  template <class Int>
  void field_packed(int field, const std::vector<Int>& values) {
    Message packed;
    for (Int v : values) packed.varint(static_cast<std::uint64_t>(v));
    field_bytes(field, packed.bytes_);
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// profile.proto field numbers.
enum ProfileField { kSampleType = 1, kSample = 2, kLocation = 4, kFunction = 5, kStringTable = 6,
                    kDurationNanos = 10, kPeriodType = 11, kPeriod = 12 };

class Strings {
 public:
  Strings() { id(""); }
  std::int64_t id(const std::string& s) {
    auto [it, inserted] = ids_.try_emplace(s, static_cast<std::int64_t>(list_.size()));
    if (inserted) list_.push_back(s);
    return it->second;
  }
  const std::vector<std::string>& list() const { return list_; }

 private:
  std::unordered_map<std::string, std::int64_t> ids_;
  std::vector<std::string> list_;
};

Message value_type(Strings& strings, const std::string& type, const std::string& unit) {
  Message m;
  m.field_int64(1, strings.id(type));
  m.field_int64(2, strings.id(unit));
  return m;
}

}  // namespace

std::string encode_pprof_message(const DelayProfile& profile, std::int64_t duration_ns) {
  Strings strings;
  Message p;
  p.field_message(kSampleType, value_type(strings, "contentions", "count"));
  p.field_message(kSampleType, value_type(strings, "delay", "nanoseconds"));
  for (const ProfileSample& s : profile.samples) {
    Message m;
    std::vector<std::uint64_t> locations;
    for (std::uint32_t f : s.frames) locations.push_back(f + 1u);  // Location IDs are frame index + 1
    if (!locations.empty()) m.field_packed(1, locations);
    m.field_packed(2, std::vector<std::int64_t>{static_cast<std::int64_t>(s.count), s.delay_ns});
    p.field_message(kSample, m);
  }
  std::map<std::pair<std::string, std::string>, std::uint64_t> functions;  // (name, file) -> ID
  std::vector<const ProfileFrame*> function_frames;
  for (std::size_t i = 0; i < profile.frames.size(); ++i) {
    const ProfileFrame& f = profile.frames[i];
    auto [it, inserted] = functions.try_emplace({f.function, f.file}, functions.size() + 1);
    if (inserted) function_frames.push_back(&f);
    Message line;
    line.field_varint(1, it->second);
    line.field_int64(2, f.line);
    Message loc;
    loc.field_varint(1, i + 1);
    loc.field_varint(3, f.pc);
    loc.field_message(4, line);
    p.field_message(kLocation, loc);
  }
  for (std::size_t i = 0; i < function_frames.size(); ++i) {
    Message fn;
    fn.field_varint(1, i + 1);
    fn.field_int64(2, strings.id(function_frames[i]->function));
    fn.field_int64(3, strings.id(function_frames[i]->function));
    fn.field_int64(4, strings.id(function_frames[i]->file));
    p.field_message(kFunction, fn);
  }
  const Message period_type = value_type(strings, "trace", "count");
  p.field_int64(kDurationNanos, duration_ns);
  p.field_message(kPeriodType, period_type);
  p.field_int64(kPeriod, 1);
  for (const std::string& s : strings.list()) p.field_bytes(kStringTable, s);
  return p.bytes();
}

std::string encode_pprof(const DelayProfile& profile, std::int64_t duration_ns) {
  const std::string raw = encode_pprof_message(profile, duration_ns);
  z_stream z{};
  // windowBits 15 + 16: a gzip wrapper, as pprof files are.
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("zlib: deflateInit2 failed");
  std::string out(deflateBound(&z, raw.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  z.avail_in = static_cast<uInt>(raw.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate failed");
  out.resize(z.total_out);
  return out;
}

}  // namespace tracebench::trace
