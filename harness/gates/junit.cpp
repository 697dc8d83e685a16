#include "gates/junit.h"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace tracebench::gates {
namespace {

std::string_view status_element(JunitCase::Status s) {
  switch (s) {
    case JunitCase::Status::kFailure: return "failure";
    case JunitCase::Status::kError: return "error";
    case JunitCase::Status::kSkipped: return "skipped";
    case JunitCase::Status::kPassed: break;
  }
  return "";
}

// Length of the well-formed UTF-8 sequence at the start of s (RFC 3629: no overlongs,
// no surrogates, at most U+10FFFF), or 0 when it is not one.
std::size_t utf8_sequence_length(std::string_view s) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const auto cont = [&](std::size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  const unsigned char lead = b(0);
  if (lead >= 0xC2 && lead <= 0xDF) return cont(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (lead == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (lead == 0xED && b(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (lead == 0xF0 && b(1) < 0x90) return 0;   // overlong
    if (lead == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

std::string xml_escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      // Copy a well-formed UTF-8 sequence; a stray byte (region names are whatever the
      // program passed) would make the whole document unreadable, so it becomes '?'.
      const std::size_t len = utf8_sequence_length(text.substr(i));
      if (len == 0) {
        out += '?';
        ++i;
      } else {
        out.append(text.substr(i, len));
        i += len;
      }
      continue;
    }
    ++i;
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\r': out += attribute ? "&#13;" : "\r"; break;
      default:
        // XML 1.0 has no way to write other C0 controls, not even as references.
        out += byte < 0x20 || byte == 0x7f ? '?' : c;
    }
  }
  return out;
}

std::string junit_xml(const JunitSuite& suite) {
  std::size_t failures = 0, errors = 0, skipped = 0;
  for (const auto& c : suite.cases) {
    failures += c.status == JunitCase::Status::kFailure;
    errors += c.status == JunitCase::Status::kError;
    skipped += c.status == JunitCase::Status::kSkipped;
  }
  const std::string counts = fmt::format(R"(tests="{}" failures="{}" errors="{}" skipped="{}" time="{:.3f}")",
                                         suite.cases.size(), failures, errors, skipped, suite.time_s);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"{}\" {}>\n", xml_escape(suite.name), counts);
  out += fmt::format("  <testsuite name=\"{}\" {}>\n", xml_escape(suite.name), counts);
  for (const auto& c : suite.cases) {
    out += fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"0\"", xml_escape(c.name),
                       xml_escape(c.classname));
    const std::string_view element = status_element(c.status);
    if (element.empty() && c.output.empty()) {
      out += "/>\n";
      continue;
    }
    out += ">\n";
    if (!element.empty()) {
      out += fmt::format("      <{} message=\"{}\"", element, xml_escape(c.message));
      if (!c.type.empty() && c.status != JunitCase::Status::kSkipped) out += fmt::format(" type=\"{}\"", xml_escape(c.type));
      out += "/>\n";
    }
    if (!c.output.empty()) out += fmt::format("      <system-out>{}</system-out>\n", xml_escape(c.output, false));
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

void write_junit(const std::string& path, const JunitSuite& suite) {
  const std::filesystem::path p(path);
  std::error_code ec;
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create the directory of {}: {}", path, ec.message()));
  std::ofstream file(p, std::ios::binary | std::ios::trunc);
  if (!file) throw std::runtime_error(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  file << junit_xml(suite);
  file.close();
  if (!file) throw std::runtime_error(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
}

}  // namespace tracebench::gates
