#include "trace/tokenizer.h"

#include <fmt/core.h>

#include <algorithm>
#include <string_view>

#include "trace/varint.h"

namespace tracebench::trace {
namespace {

// Printable form of up to 16 header bytes for error messages: "go 1.21 trace\0\0\0".
std::string quote_bytes(const std::uint8_t* p, std::size_t n) {
  std::string s = "\"";
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t c = p[i];
    if (c == 0) s += "\\0";
    else if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') s += static_cast<char>(c);
    else s += fmt::format("\\x{:02x}", c);
  }
  return s + "\"";
}

constexpr std::size_t kMaxBatchHeaderBytes = 2 + 4 * kMaxVarintBytes;

}  // namespace

GoVersion read_header(TraceSource& source) {
  std::uint64_t avail = source.ensure(kHeaderBytes);
  const std::uint8_t* p = avail > 0 ? source.at(0) : nullptr;
  std::string_view bytes(reinterpret_cast<const char*>(p), static_cast<std::size_t>(avail));
  constexpr std::string_view kWant = "a Go execution trace header \"go 1.NN trace\\0\\0\\0\"";
  if (avail < kHeaderBytes) {
    if (avail == 0) throw FormatError(0, std::string(kWant), "an empty file");
    if (std::string_view("go 1.").substr(0, std::min<std::size_t>(avail, 5)) == bytes.substr(0, 5))
      throw FormatError(avail, std::string(kWant), fmt::format("end of file after {} bytes", avail));
    throw FormatError(0, std::string(kWant), quote_bytes(p, avail) + " (not a Go execution trace?)");
  }
  auto minor = header_minor(bytes);
  if (!minor) throw FormatError(0, std::string(kWant), quote_bytes(p, kHeaderBytes) + " (not a Go execution trace?)");
  if (auto v = supported_version(*minor)) return *v;
  constexpr std::string_view kSupported = "format v2 (go 1.22, 1.23, 1.25 or 1.26)";
  if (*minor <= 21)
    throw FormatError(0, std::string(kSupported),
                      fmt::format("go 1.{}: the old v1 trace format (Go 1.21 and earlier, or "
                                  "GOEXPERIMENT=noexectracer2), which this reader does not read",
                                  *minor));
  throw FormatError(0, std::string(kSupported),
                    fmt::format("go 1.{}: unknown or unsupported trace version", *minor));
}

Framer::Framer(TraceSource& source, GoVersion version, bool strict, IssueCounts* issues,
               std::uint64_t first_batch_offset)
    : source_(source), version_(version), strict_(strict), issues_(issues), pos_(first_batch_offset) {}

void Framer::fail(std::uint64_t offset, std::string expected, std::string found) {
  if (strict_ || issues_ == nullptr) throw FormatError(offset, std::move(expected), std::move(found));
  FormatError e(offset, std::move(expected), std::move(found));
  issues_->add(Issue::kCorruptBatch, offset, e.what());
  done_ = true;
  stopped_early_ = true;
}

Framer::HeaderStatus Framer::read_batch_header(std::uint64_t at, BatchRef& b, std::string& detail) {
  // The header and the payload's first byte (its kind), copied: framing touches no
  // more of the trace than that (see TraceSource::peek).
  std::uint8_t header[kMaxBatchHeaderBytes + 1];
  const std::size_t got = source_.peek(at, sizeof header, header);
  if (got == 0) return HeaderStatus::kEndOfInput;
  const std::uint64_t avail = at + std::min<std::size_t>(got, kMaxBatchHeaderBytes);
  const std::uint8_t* const start = header;
  const std::uint8_t* const end = start + (avail - at);
  const std::uint8_t* p = start;

  const std::uint8_t type = *p++;
  if (type == kEvEndOfGeneration && version_ >= GoVersion::kGo126) return HeaderStatus::kEndMarker;
  const bool experimental = type == kEvExperimentalBatch && version_ >= GoVersion::kGo123;
  if (type != kEvEventBatch && !experimental) {
    std::string expected = version_ >= GoVersion::kGo126
                               ? "a batch header (EventBatch 0x01, ExperimentalBatch 0x31) or EndOfGeneration 0x34"
                               : version_ >= GoVersion::kGo123
                                     ? "a batch header (EventBatch 0x01 or ExperimentalBatch 0x31)"
                                     : "a batch header (EventBatch 0x01)";
    fail(at, std::move(expected), fmt::format("byte 0x{:02x} ({})", type, event_name(type)));
    return HeaderStatus::kEndOfInput;
  }
  b = BatchRef{};
  b.offset = at;
  if (experimental) {
    if (p == end) {
      detail = fmt::format("the batch header at offset {} is cut short by the end of the file", at);
      return HeaderStatus::kTruncated;
    }
    b.experiment = *p++;
    b.kind = BatchKind::kExperimental;
  }
  static constexpr const char* kFields[] = {"generation", "thread (M) ID", "timestamp", "size"};
  std::uint64_t values[4];
  unsigned canonical = experimental ? 2 : 1;
  for (int i = 0; i < 4; ++i) {
    const std::uint8_t* q = read_uvarint(p, end, values[i]);
    if (q == nullptr) {
      // Running into the end of the input is truncation; a varint that is too long
      // with bytes still after it is corruption.
      bool eof_inside = avail < at + kMaxBatchHeaderBytes;
      for (const std::uint8_t* r = p; eof_inside && r < end; ++r)
        if (*r < 0x80 || r - p >= static_cast<std::ptrdiff_t>(kMaxVarintBytes)) eof_inside = false;
      if (eof_inside) {
        detail = fmt::format("the batch header at offset {} is cut short by the end of the file", at);
        return HeaderStatus::kTruncated;
      }
      fail(at + static_cast<std::uint64_t>(p - start), fmt::format("a uvarint batch {}", kFields[i]),
           "more than 10 bytes or a value over 64 bits");
      return HeaderStatus::kEndOfInput;
    }
    canonical += uvarint_size(values[i]);
    p = q;
  }
  b.gen = values[0];
  b.m = values[1];
  b.time = values[2];
  const std::uint64_t size = values[3];
  if (size > kMaxBatchPayloadBytes) {
    fail(at, fmt::format("a batch size of at most {} bytes", kMaxBatchPayloadBytes), fmt::format("{}", size));
    return HeaderStatus::kEndOfInput;
  }
  if (b.gen == 0) {
    fail(at, "a generation number of at least 1", "0");
    return HeaderStatus::kEndOfInput;
  }
  b.header_bytes = static_cast<std::uint8_t>(p - start);
  b.canonical_header_bytes = static_cast<std::uint8_t>(canonical);
  b.payload_offset = at + b.header_bytes;
  b.payload_bytes = static_cast<std::uint32_t>(size);
  const std::uint64_t payload_end = b.payload_offset + size;
  const std::uint64_t have = source_.ensure(payload_end);
  if (have < payload_end) {
    detail = fmt::format("the batch at offset {} declares {} payload bytes but the file ends after {}", at, size,
                         have - b.payload_offset);
    return HeaderStatus::kTruncated;
  }
  if (!experimental && size > 0) {
    std::uint8_t first;
    if (b.header_bytes < got)
      first = header[b.header_bytes];
    else
      source_.peek(b.payload_offset, 1, &first);
    switch (first) {
      case kEvStrings: b.kind = BatchKind::kStrings; break;
      case kEvStacks: b.kind = BatchKind::kStacks; break;
      case kEvCPUSamples: b.kind = BatchKind::kCpuSamples; break;
      case kEvFrequency:
        if (version_ < GoVersion::kGo125) b.kind = BatchKind::kSync;
        break;
      case kEvSync:
        if (version_ >= GoVersion::kGo125) b.kind = BatchKind::kSync;
        break;
      default: break;
    }
  }
  return HeaderStatus::kBatch;
}

bool Framer::next(FramedGeneration& out) {
  out.gen = 0;
  out.batches.clear();
  out.end_marker = false;
  out.truncated = false;
  out.truncated_offset = 0;
  out.truncation.clear();
  out.begin_offset = out.end_offset = pos_;
  if (done_) return false;

  BatchRef b;
  std::string detail;
  for (;;) {
    switch (read_batch_header(pos_, b, detail)) {
      case HeaderStatus::kEndOfInput:
        done_ = true;
        if (out.batches.empty()) return false;
        if (version_ >= GoVersion::kGo126 && !stopped_early_) {
          out.truncated = true;
          out.truncated_offset = pos_;
          out.truncation = fmt::format(
              "generation {} has no end-of-generation marker before the end of the file at offset {}: "
              "the trace was likely cut short (trace.Stop not called or not waited for?)",
              out.gen, pos_);
        }
        out.end_offset = pos_;
        return true;
      case HeaderStatus::kTruncated:
        done_ = true;
        stopped_early_ = true;
        out.truncated = true;
        out.truncated_offset = pos_;
        out.truncation = detail;
        out.end_offset = pos_;
        return true;
      case HeaderStatus::kEndMarker:
        if (out.batches.empty()) {
          // An end marker with nothing before it: the Go reader rejects it.
          if (strict_ || issues_ == nullptr)
            throw FormatError(pos_, "at least one batch before an end-of-generation marker",
                              "an empty generation");
          issues_->add(Issue::kEmptyGeneration, pos_, "an end-of-generation marker with no batch before it");
          pos_ += 1;
          out.begin_offset = pos_;
          continue;
        }
        pos_ += 1;
        out.end_marker = true;
        out.end_offset = pos_;
        return true;
      case HeaderStatus::kBatch:
        break;
    }
    if (out.batches.empty()) {
      out.gen = b.gen;
      out.begin_offset = b.offset;
    } else if (b.gen != out.gen) {
      // Leave the batch for the next call: it starts the next generation.
      std::string expected, found;
      if (version_ >= GoVersion::kGo126) {
        expected = fmt::format("an end-of-generation marker or a batch of generation {}", out.gen);
        found = fmt::format("a batch of generation {} (broken trace: missing end-of-generation event, or "
                            "generations are interleaved)",
                            b.gen);
      } else if (b.gen != out.gen + 1) {
        expected = fmt::format("a batch of generation {} or {}", out.gen, out.gen + 1);
        found = fmt::format("generation {} (generations out of order)", b.gen);
      }
      if (!expected.empty()) {
        if (strict_ || issues_ == nullptr) throw FormatError(b.offset, std::move(expected), std::move(found));
        // Lenient: the batch starts a new generation; the reader goes on from there.
        issues_->add(Issue::kGenerationOutOfOrder, b.offset, FormatError(b.offset, expected, found).what());
      }
      out.end_offset = pos_;
      return true;
    }
    out.batches.push_back(b);
    pos_ = b.payload_offset + b.payload_bytes;
    out.end_offset = pos_;
  }
}

const std::uint8_t* read_raw_event(const std::uint8_t* p, const std::uint8_t* end, RawEvent& ev,
                                   std::string* error) {
  const std::uint8_t* const start = p;
  if (p >= end) {
    if (error) *error = "an event type byte";
    return nullptr;
  }
  ev.type = *p++;
  const EventSpec& spec = event_spec(ev.type);
  if (spec.name.empty()) {
    if (error) *error = "a known event type";
    return nullptr;
  }
  ev.nargs = spec.nargs;
  ev.data = nullptr;
  ev.data_bytes = 0;
  ev.frames = nullptr;
  ev.frame_bytes = 0;
  for (unsigned i = 0; i < spec.nargs; ++i) {
    p = read_uvarint(p, end, ev.args[i]);
    if (p == nullptr) {
      if (error) *error = fmt::format("{} uvarint args of {}", spec.nargs, spec.name);
      return nullptr;
    }
  }
  if (spec.has_data) {
    std::uint64_t n = 0;
    p = read_uvarint(p, end, n);
    if (p == nullptr || n > static_cast<std::uint64_t>(end - p)) {
      if (error) *error = fmt::format("the data length and bytes of {}", spec.name);
      return nullptr;
    }
    ev.data = p;
    ev.data_bytes = n;
    p += n;
  }
  if (spec.is_stack) {
    const std::uint64_t nframes = ev.args[1];
    if (nframes > kMaxFramesPerStack) {
      if (error) *error = fmt::format("at most {} frames per stack (found {})", kMaxFramesPerStack, nframes);
      return nullptr;
    }
    const std::uint8_t* frames = p;
    for (std::uint64_t i = 0; i < nframes * 4; ++i) {
      std::uint64_t v;
      p = read_uvarint(p, end, v);
      if (p == nullptr) {
        if (error) *error = fmt::format("{} frames of 4 uvarints (pc, func, file, line)", nframes);
        return nullptr;
      }
    }
    ev.frames = frames;
    ev.frame_bytes = static_cast<std::uint64_t>(p - frames);
  }
  ev.size = static_cast<std::uint32_t>(p - start);
  return p;
}

}  // namespace tracebench::trace
