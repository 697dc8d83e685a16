#include "load/load_result.h"

#include <fmt/core.h>

namespace tracebench::load {

std::string_view to_string(ErrorKind k) {
  switch (k) {
    case ErrorKind::kConnect: return "connect";
    case ErrorKind::kRead: return "read";
    case ErrorKind::kWrite: return "write";
    case ErrorKind::kTimeout: return "timeout";
    case ErrorKind::kStatus: return "status";
    case ErrorKind::kParse: return "parse";
    case ErrorKind::kTooLarge: return "too_large";
    case ErrorKind::kReset: return "reset";
    case ErrorKind::kClosed: return "closed";
  }
  return "unknown";
}

std::uint64_t ErrorCounts::total() const {
  std::uint64_t sum = 0;
  for (auto n : by_kind) sum += n;
  return sum;
}

void ErrorCounts::add(const ErrorCounts& o) {
  for (std::size_t i = 0; i < by_kind.size(); ++i) by_kind[i] += o.by_kind[i];
}

std::string ErrorCounts::kinds_text() const {
  std::string out;
  for (std::size_t i = 0; i < by_kind.size(); ++i)
    if (by_kind[i])
      out += fmt::format("{}{} {}", out.empty() ? "" : ", ", to_string(static_cast<ErrorKind>(i)), by_kind[i]);
  return out;
}

}  // namespace tracebench::load
