#include "trace/errors.h"

#include <fmt/core.h>

namespace tracebench::trace {
namespace {

std::string format_message(std::uint64_t offset, const std::string& expected, const std::string& found) {
  if (found.empty()) return fmt::format("byte offset {}: expected {}", offset, expected);
  return fmt::format("byte offset {}: expected {}, found {}", offset, expected, found);
}

struct IssueInfo {
  std::string_view name;
  Severity severity;
};

constexpr std::array<IssueInfo, kIssueCount> kIssues = {{
    {"truncated", Severity::kDataLoss},
    {"corrupt_batch", Severity::kError},
    {"corrupt_table", Severity::kError},
    {"unknown_event_type", Severity::kError},
    {"generation_out_of_order", Severity::kError},
    {"missing_frequency", Severity::kDataLoss},
    {"duplicate_frequency", Severity::kError},
    {"missing_clock_snapshot", Severity::kError},
    {"duplicate_string_id", Severity::kError},
    {"duplicate_stack_id", Severity::kError},
    {"unknown_string_id", Severity::kError},
    {"unknown_stack_id", Severity::kError},
    {"event_without_goroutine", Severity::kError},
    {"region_end_without_begin", Severity::kInfo},
    {"region_mismatch", Severity::kError},
    {"region_unfinished", Severity::kInfo},
    {"task_end_without_begin", Severity::kInfo},
    {"task_unfinished", Severity::kInfo},
    {"open_annotations_dropped", Severity::kDataLoss},
    {"names_capped", Severity::kDataLoss},
    {"empty_generation", Severity::kError},
}};

}  // namespace

FormatError::FormatError(std::uint64_t offset, std::string expected, std::string found)
    : std::runtime_error(format_message(offset, expected, found)),
      offset_(offset),
      expected_(std::move(expected)),
      found_(std::move(found)) {}

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::kInfo: return "info";
    case Severity::kDataLoss: return "data_loss";
    case Severity::kError: return "error";
  }
  return "?";
}

std::string_view issue_name(Issue i) { return kIssues[static_cast<std::size_t>(i)].name; }
Severity issue_severity(Issue i) { return kIssues[static_cast<std::size_t>(i)].severity; }

void IssueCounts::add(Issue i, std::uint64_t offset, std::string_view detail) {
  IssueCount& c = counts_[static_cast<std::size_t>(i)];
  if (c.count == 0) {
    c.first_offset = offset;
    c.first_detail = std::string(detail);
  }
  ++c.count;
}

void IssueCounts::add_n(Issue i, std::uint64_t n) { counts_[static_cast<std::size_t>(i)].count += n; }

void IssueCounts::merge(const IssueCounts& other) {
  for (std::size_t i = 0; i < kIssueCount; ++i) {
    IssueCount& mine = counts_[i];
    const IssueCount& theirs = other.counts_[i];
    if (theirs.count == 0) continue;
    if (mine.count == 0 || (!theirs.first_detail.empty() && theirs.first_offset < mine.first_offset) ||
        mine.first_detail.empty()) {
      mine.first_offset = theirs.first_offset;
      mine.first_detail = theirs.first_detail;
    }
    mine.count += theirs.count;
  }
}

std::uint64_t IssueCounts::total(Severity s) const {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < kIssueCount; ++i)
    if (kIssues[i].severity == s) n += counts_[i].count;
  return n;
}

void report_bad_record(bool strict, IssueCounts& issues, Issue issue, std::uint64_t offset,
                       const std::string& expected, const std::string& found) {
  FormatError error(offset, expected, found);
  if (strict) throw error;
  issues.add(issue, offset, error.what());
}

}  // namespace tracebench::trace
