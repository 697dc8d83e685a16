// Data-driven golden tests over hand-made traces (tests/golden/trace/*.txt), one per
// version quirk or bad-input case. Each file has a trace in Go's raw text format and
// the expected summary fields or error:
//
//   -- trace --
//   Trace Go1.25
//   ...
//   -- expect --
//   mode lenient                (optional: strict = false)
//   generations 2               any key of summary_lookup.h, compared as text
//   error byte offset 16: expected a batch header     (strict error, substring)

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "summary_lookup.h"
#include "trace/analyze.h"
#include "wire_text.h"

namespace tracebench::trace {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> golden_files() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(TRACEBENCH_GOLDEN_DIR))
    if (e.path().extension() == ".txt") files.push_back(e.path().filename().string());
  std::sort(files.begin(), files.end());
  return files;
}

struct Golden {
  std::string trace;
  std::vector<std::pair<std::string, std::string>> expect;
};

Golden read_golden(const std::string& name) {
  std::ifstream in(fs::path(TRACEBENCH_GOLDEN_DIR) / name);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  const std::string kTrace = "-- trace --\n", kExpect = "-- expect --\n";
  auto t = text.find(kTrace), e = text.find(kExpect);
  if (t == std::string::npos || e == std::string::npos) throw std::runtime_error(name + ": missing sections");
  Golden g;
  g.trace = text.substr(t + kTrace.size(), e - t - kTrace.size());
  std::istringstream lines(text.substr(e + kExpect.size()));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto sp = line.find(' ');
    g.expect.emplace_back(line.substr(0, sp), sp == std::string::npos ? "" : line.substr(sp + 1));
  }
  return g;
}

class GoldenBytes : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenBytes, MatchesExpectation) {
  const Golden g = read_golden(GetParam());
  const std::vector<std::uint8_t> bytes = testing::assemble(g.trace);
  AnalyzeOptions options;
  std::string want_error;
  for (const auto& [k, v] : g.expect) {
    if (k == "mode" && v == "lenient") options.strict = false;
    if (k == "error") want_error = v;
  }
  if (!want_error.empty()) {
    try {
      analyze_bytes(bytes, options);
      FAIL() << "expected an error containing: " << want_error;
    } catch (const FormatError& e) {
      EXPECT_NE(std::string(e.what()).find(want_error), std::string::npos)
          << "error was: " << e.what() << "\nexpected to contain: " << want_error;
    }
    return;
  }
  TraceSummary s;
  ASSERT_NO_THROW(s = analyze_bytes(bytes, options));
  for (const auto& [k, v] : g.expect) {
    if (k == "mode") continue;
    auto got = testing::lookup(s, k);
    ASSERT_TRUE(got.has_value()) << "unknown key or missing name: " << k;
    EXPECT_EQ(*got, v) << "key " << k;
  }
}

INSTANTIATE_TEST_SUITE_P(Files, GoldenBytes, ::testing::ValuesIn(golden_files()),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                           std::string n = p.param.substr(0, p.param.size() - 4);
                           std::replace_if(n.begin(), n.end(), [](char c) { return !std::isalnum(c); }, '_');
                           return n;
                         });

}  // namespace
}  // namespace tracebench::trace
