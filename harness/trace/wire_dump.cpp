#include "trace/wire_dump.h"

#include <fmt/core.h>

#include "trace/errors.h"
#include "trace/format.h"
#include "trace/tokenizer.h"
#include "trace/varint.h"

namespace tracebench::trace {
namespace {

// Number of entries in the version's spec slice (version.go): types at or past it
// are "invalid event type" for the raw reader.
unsigned spec_count(GoVersion v) {
  switch (v) {
    case GoVersion::kGo122: return kEvUserLog + 1;
    case GoVersion::kGo123: return kEvExperimentalBatch + 1;
    case GoVersion::kGo125: return kEvClockSnapshot + 1;
    case GoVersion::kGo126: return kEvGoroutineStackFree + 1;
  }
  return 0;
}

// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 if invalid.
std::size_t utf8_rune(std::string_view s, std::size_t i, char32_t& r) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  std::size_t n = c < 0xc2 ? 0 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((b(k) & 0xc0) != 0x80) return 0;
  if (n == 2) r = ((c & 0x1fu) << 6) | (b(1) & 0x3fu);
  if (n == 3) r = ((c & 0x0fu) << 12) | ((b(1) & 0x3fu) << 6) | (b(2) & 0x3fu);
  if (n == 4) r = ((c & 0x07u) << 18) | ((b(1) & 0x3fu) << 12) | ((b(2) & 0x3fu) << 6) | (b(3) & 0x3fu);
  if ((n == 3 && (r < 0x800 || (r >= 0xd800 && r <= 0xdfff))) || (n == 4 && (r < 0x10000 || r > 0x10ffff))) return 0;
  return n;
}

// An approximation of Go's unicode.IsPrint for runes >= 0x80: letters, marks,
// numbers, punctuation and symbols are printable; controls, spaces other than ASCII
// space, format characters, private use and noncharacters are not. (Unassigned code
// points, which Go also escapes, are treated as printable.)
bool printable(char32_t r) {
  if (r <= 0xa0 || r == 0xad) return false;
  if (r == 0x1680 || r == 0x180e || r == 0x3000) return false;
  if ((r >= 0x0600 && r <= 0x0605) || r == 0x061c || r == 0x06dd || r == 0x070f) return false;
  if ((r >= 0x2000 && r <= 0x200f) || (r >= 0x2028 && r <= 0x202f) || (r >= 0x205f && r <= 0x206f)) return false;
  if (r >= 0xd800 && r <= 0xf8ff) return false;
  if (r == 0xfeff || (r >= 0xfff9 && r <= 0xfffb) || (r & 0xfffe) == 0xfffe) return false;
  return r < 0xe0000;
}

}  // namespace

std::string go_quote(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '\a': out += "\\a"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\v': out += "\\v"; break;
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        default:
          if (c >= 0x20 && c < 0x7f) out += static_cast<char>(c);
          else out += fmt::format("\\x{:02x}", c);
      }
      ++i;
      continue;
    }
    char32_t r = 0;
    std::size_t n = utf8_rune(s, i, r);
    if (n == 0) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
    } else if (printable(r)) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += r < 0x10000 ? fmt::format("\\u{:04x}", static_cast<unsigned>(r)) : fmt::format("\\U{:08x}", static_cast<unsigned>(r));
      i += n;
    }
  }
  return out + "\"";
}

void dump_wire(TraceSource& source, std::FILE* out) {
  const GoVersion v = read_header(source);
  const unsigned nspecs = spec_count(v);
  std::string buf;
  auto flush = [&] {
    std::fwrite(buf.data(), 1, buf.size(), out);
    buf.clear();
  };
  static constexpr const char* kFrameFields[] = {"pc", "func", "file", "line"};
  constexpr std::uint64_t kWindow = 1 << 20;  // bytes made available at a time
  std::uint64_t pos = kHeaderBytes;
  RawEvent ev;
  std::string err;
  for (;;) {
    std::uint64_t avail = source.ensure(pos + 2 * kWindow);
    if (avail <= pos) break;
    // Events are small (the largest, a 128-frame stack, is under 6 KiB); stop one
    // window early so none straddles the end of what is available, unless at EOF.
    const bool at_eof = avail < pos + 2 * kWindow;
    const std::uint64_t stop = at_eof ? avail : pos + kWindow;
    const std::uint8_t* const base = source.at(pos);
    const std::uint8_t* p = base;
    const std::uint8_t* const end = base + (avail - pos);
    while (p < end && pos + static_cast<std::uint64_t>(p - base) < stop) {
      const std::uint64_t at = pos + static_cast<std::uint64_t>(p - base);
      if (*p == 0 || *p >= nspecs) {
        flush();
        throw FormatError(at, fmt::format("an event type of the go {} wire format", version_name(v)),
                          fmt::format("invalid event type: {}", *p));
      }
      const std::uint8_t* q = read_raw_event(p, end, ev, &err);
      if (q == nullptr) {
        flush();
        throw FormatError(at, err, "the end of the file");
      }
      const EventSpec& spec = event_spec(ev.type);
      buf += spec.name;
      for (unsigned i = 0; i < spec.nargs; ++i) fmt::format_to(std::back_inserter(buf), " {}={}", spec.arg_names[i], ev.args[i]);
      if (spec.is_stack) {
        const std::uint8_t* f = ev.frames;
        const std::uint8_t* fend = ev.frames + ev.frame_bytes;
        for (unsigned i = 0; f < fend; ++i) {
          std::uint64_t x = 0;
          f = read_uvarint(f, fend, x);
          fmt::format_to(std::back_inserter(buf), "{}{}={}", i % 4 == 0 ? "\n\t" : " ", kFrameFields[i % 4], x);
        }
      }
      if (spec.has_data) {
        buf += "\n\tdata=";
        buf += go_quote(std::string_view(reinterpret_cast<const char*>(ev.data), static_cast<std::size_t>(ev.data_bytes)));
      }
      buf += '\n';
      if (buf.size() > (1 << 16)) flush();
      p = q;
    }
    pos += static_cast<std::uint64_t>(p - base);
    source.release(pos);
  }
  flush();
}

}  // namespace tracebench::trace
