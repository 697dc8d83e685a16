#pragma once
// JUnit XML for CI systems (GitHub Actions test reporters, GitLab, Jenkins): one
// <testsuite> in a <testsuites> root, one <testcase> per budget or assertion.
//
// Status mapping used by check and assert: pass -> a plain testcase; a budget or
// assertion over its limit -> <failure>; a verdict the data cannot give (inconclusive,
// invalid measurement) -> <error>, so the report names the case that made the job fail.
//
// Text is escaped for XML 1.0; what XML 1.0 cannot hold (most C0 controls, bytes that
// are not well-formed UTF-8) becomes '?'. Thread safety: pure functions.

#include <string>
#include <string_view>
#include <vector>

namespace tracebench::gates {

struct JunitCase {
  enum class Status { kPassed, kFailure, kError, kSkipped };
  std::string name;
  std::string classname;
  Status status = Status::kPassed;
  std::string type;     // type attribute of <failure>/<error> (e.g. "over_budget")
  std::string message;  // one line: message attribute of <failure>/<error>/<skipped>
  std::string output;   // <system-out> text, "" for none
};

struct JunitSuite {
  std::string name;  // e.g. "tracebench check"
  double time_s = 0;
  std::vector<JunitCase> cases;
};

// The document, ending with a newline.
std::string junit_xml(const JunitSuite& suite);

// Writes junit_xml(suite) to path, creating missing parent directories. Throws
// std::runtime_error naming the path and the OS error when it cannot.
void write_junit(const std::string& path, const JunitSuite& suite);

// XML 1.0 escaping (exposed for tests). In an attribute, tab and line breaks become
// character references so they survive attribute normalisation; in element text they stay.
std::string xml_escape(std::string_view text, bool attribute = true);

}  // namespace tracebench::gates
