// Bad input: a missing, empty, truncated, non-JSON or foreign result file gives one clear
// line that names the file and says what was expected. The messages are part of the contract.

#include <gtest/gtest.h>

#include <fstream>

#include "reports/render.h"
#include "reports/result_file.h"

namespace tracebench::reports {
namespace {

const std::string kFixtures = TRACEBENCH_REPORT_FIXTURES;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ResultError& e) {
    return e.what();
  }
  return "(no ResultError)";
}

std::string load_error(const std::string& path) {
  return error_of([&] { load_result(path); });
}

std::string parse_error(const std::string& text) {
  return error_of([&] { classify_result(parse_result(text, "'x.json'"), "'x.json'"); });
}

TEST(ResultFile, MissingFileNamesThePathAndTheReason) {
  const std::string e = load_error(kFixtures + "/no-such-result.json");
  EXPECT_NE(e.find("cannot read '" + kFixtures + "/no-such-result.json'"), std::string::npos) << e;
  EXPECT_NE(e.find("No such file or directory"), std::string::npos) << e;
}

TEST(ResultFile, ADirectoryIsNotAResult) {
  const std::string e = load_error(kFixtures);
  EXPECT_NE(e.find(kFixtures), std::string::npos) << e;
}

TEST(ResultFile, TruncatedFileSaysSoWithTheByteCount) {
  const std::string e = load_error(kFixtures + "/truncated.json");
  EXPECT_NE(e.find("truncated.json' is truncated: the JSON ends at byte 1500"), std::string::npos) << e;
}

TEST(ResultFile, ForeignJsonIsNotATracebenchResult) {
  const std::string path = kFixtures + "/foreign.json";
  const std::string e = error_of([&] { classify_result(load_result(path), "'" + path + "'"); });
  EXPECT_EQ(e, "'" + path +
                   "' is not a tracebench result: it has no \"schema\" key (expected \"tracebench.run/v1\", as "
                   "written by tracebench run)");
}

TEST(ResultFile, EmptyInput) {
  EXPECT_EQ(parse_error(""), "'x.json' is empty: expected a tracebench result (result.json written by tracebench run)");
  EXPECT_EQ(parse_error(" \n"), parse_error(""));
}

TEST(ResultFile, NotJsonGivesTheOffset) {
  const std::string e = parse_error("{\"schema\": tracebench}");
  EXPECT_NE(e.find("'x.json' is not JSON: "), std::string::npos) << e;
  EXPECT_NE(e.find("at byte 14; expected a tracebench result"), std::string::npos) << e;
}

TEST(ResultFile, NotAnObject) {
  EXPECT_EQ(parse_error("[1, 2]"),
            "'x.json' holds an array, not a tracebench result (expected an object with \"schema\": \"tracebench.run/v1\")");
}

TEST(ResultFile, SchemaOfTheWrongType) {
  EXPECT_EQ(parse_error(R"({"schema": 1})"),
            "'x.json' is not a tracebench result: \"schema\" is a number, expected the string \"tracebench.run/v1\"");
}

TEST(ResultFile, UnknownSchemas) {
  EXPECT_EQ(parse_error(R"({"schema": "acme.bench/v3"})"),
            "'x.json' is not a tracebench result: its schema is \"acme.bench/v3\" (expected \"tracebench.run/v1\")");
  EXPECT_EQ(parse_error(R"({"schema": "tracebench.run/v2", "modes": {}})"),
            "'x.json' has schema \"tracebench.run/v2\", a version of the run result this tracebench does not read (it "
            "reads \"tracebench.run/v1\"); re-render it with the tracebench that wrote it");
  EXPECT_EQ(parse_error(R"({"schema": "tracebench.size/v1"})"),
            "'x.json' has schema \"tracebench.size/v1\": unsupported by tracebench report (it renders "
            "\"tracebench.run/v1\")");
}

TEST(ResultFile, RunResultWithBrokenShape) {
  EXPECT_EQ(parse_error(R"({"schema": "tracebench.run/v1"})"),
            "'x.json': a tracebench.run/v1 result has no \"modes\" (expected an object of modes); the file is not a "
            "complete result");
  EXPECT_EQ(parse_error(R"({"schema": "tracebench.run/v1", "modes": []})"),
            "'x.json': \"modes\" is an array, expected an object of modes");
  EXPECT_EQ(parse_error(R"({"schema": "tracebench.run/v1", "modes": {}, "rounds": {}})"),
            "'x.json': \"rounds\" is an object, expected an array");
  EXPECT_EQ(parse_error(R"({"schema": "tracebench.run/v1", "modes": {"off": 3}})"),
            "'x.json': \"modes\".\"off\" is a number, expected an object");
}

TEST(ResultFile, SweepIsRecognisedButHasNoReportYet) {
  const auto sweep = load_result(kFixtures + "/sweep.json");
  EXPECT_EQ(classify_result(sweep, "s"), ResultKind::kSweep);
  EXPECT_EQ(error_of([&] { build_document(sweep, "'sweep.json'"); }),
            "'sweep.json' is a sweep result (tracebench.sweep/v1): sweep reports are not implemented yet; this "
            "version renders run results (tracebench.run/v1)");
  const auto warnings = write_run_reports(sweep, ::testing::TempDir() + "/sweep-report");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("sweep results (tracebench.sweep/v1) have no report yet"), std::string::npos);
}

TEST(ResultFile, RealResultsLoad) {
  for (const char* name : {"run_full", "run_bare", "run_partial"}) {
    const auto r = load_result(kFixtures + "/" + name + ".json");
    EXPECT_EQ(classify_result(r, name), ResultKind::kRun) << name;
  }
}

TEST(ResultFile, MinimalRunResultRendersEverySection) {
  // Only the keys classify_result demands: every section still renders and says what is missing.
  const auto r = parse_result(R"({"schema": "tracebench.run/v1", "modes": {}})", "min");
  for (Format f : {Format::kText, Format::kMarkdown, Format::kHtml, Format::kJson}) {
    const std::string out = render(r, f);
    EXPECT_NE(out.find("Not in this result"), std::string::npos);
  }
}

}  // namespace
}  // namespace tracebench::reports
