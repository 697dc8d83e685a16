#pragma once
// How the trace reader reports bad input.
//
// Two ways, as in Perfetto's trace processor:
//  - FormatError (an exception) when the bytes cannot be read on: not a trace, an
//    unsupported version, a broken batch header, and — in strict mode — any bad
//    record. It names the byte offset, what was expected and what was found.
//  - IssueCounts, when the options allow going on: a bad record in an otherwise
//    readable trace bumps a named counter with a severity, keeps the offset and
//    message of the first occurrence, and reading continues.
//
// Everything here is a plain value type: thread-compatible (no shared state).

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tracebench::trace {

class FormatError : public std::runtime_error {
 public:
  // what() reads "byte offset <offset>: expected <expected>, found <found>" (", found"
  // omitted when found is empty).
  FormatError(std::uint64_t offset, std::string expected, std::string found = {});

  std::uint64_t offset() const noexcept { return offset_; }
  const std::string& expected() const noexcept { return expected_; }
  const std::string& found() const noexcept { return found_; }

 private:
  std::uint64_t offset_;
  std::string expected_;
  std::string found_;
};

// The file could not be opened, mapped or read. what() names the path and errno text.
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Severity : std::uint8_t {
  kInfo,      // expected in real traces (e.g. a region that began before the capture)
  kDataLoss,  // some data is missing (truncation, tables capped); figures are lower bounds
  kError,     // the trace breaks a format rule; the record was skipped
};
std::string_view severity_name(Severity s);  // "info", "data_loss", "error"

enum class Issue : std::uint8_t {
  kTruncated,                 // data_loss: the last generation or batch is cut short
  kCorruptBatch,              // error: a bad event inside a batch; the rest of the batch skipped
  kCorruptTable,              // error: a bad string/stack/CPU-sample/sync batch; the batch skipped
  kUnknownEventType,          // error: an event type this version does not define (counted in corrupt batch too)
  kGenerationOutOfOrder,      // error: a batch of an unexpected generation
  kMissingFrequency,          // data_loss: a generation without frequency (timestamps use the previous one)
  kDuplicateFrequency,        // error: more than one frequency or clock snapshot in a generation
  kMissingClockSnapshot,      // error: a 1.25+ generation without its clock snapshot
  kDuplicateStringId,         // error
  kDuplicateStackId,          // error
  kUnknownStringId,           // error: an event names a string the generation does not hold
  kUnknownStackId,            // error: a stack ID the generation does not hold
  kEventWithoutGoroutine,     // error: a region/task event on a thread with no running goroutine
  kRegionEndWithoutBegin,     // info: the region began before the capture
  kRegionMismatch,            // error: a region end that is not the innermost open region
  kRegionUnfinished,          // info: still open at the end of the trace (or at goroutine exit)
  kTaskEndWithoutBegin,       // info: the task began before the capture
  kTaskUnfinished,            // info: never ended within the trace
  kOpenAnnotationsDropped,    // data_loss: the open region/task tables hit their cap
  kNamesCapped,               // data_loss: more distinct names than the name table keeps
  kEmptyGeneration,           // error: an end-of-generation marker with no batches before it
};
inline constexpr std::size_t kIssueCount = 21;

std::string_view issue_name(Issue i);  // snake_case, e.g. "region_end_without_begin"
Severity issue_severity(Issue i);

struct IssueCount {
  std::uint64_t count = 0;
  std::uint64_t first_offset = 0;  // byte offset of the first occurrence (0 if not tied to bytes)
  std::string first_detail;        // message of the first occurrence
};

class IssueCounts {
 public:
  // Counts one occurrence; keeps offset and detail of the first.
  void add(Issue i, std::uint64_t offset, std::string_view detail);
  // Adds n occurrences without a detail (bulk counts at the end of a trace).
  void add_n(Issue i, std::uint64_t n);
  // Adds another set's counts; the first occurrence kept is the one at the lower offset.
  void merge(const IssueCounts& other);
  const IssueCount& get(Issue i) const { return counts_[static_cast<std::size_t>(i)]; }
  std::uint64_t total(Severity s) const;

 private:
  std::array<IssueCount, kIssueCount> counts_{};
};

// A bad record: throws FormatError(offset, expected, found) when strict; otherwise
// counts it in issues as `issue`, with that error's message as the detail.
void report_bad_record(bool strict, IssueCounts& issues, Issue issue, std::uint64_t offset,
                       const std::string& expected, const std::string& found);

}  // namespace tracebench::trace
