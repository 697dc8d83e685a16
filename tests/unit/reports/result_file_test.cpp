// Bad input: a missing, empty, truncated, non-JSON or foreign result file gives one clear
// line that names the file and says what was expected. The messages are part of the contract.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

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

TEST(ResultFile, ADirectoryWithoutAResultSaysWhatItLookedFor) {
  EXPECT_EQ(load_error(kFixtures), "'" + kFixtures +
                                       "' is a directory with neither result.json nor sweep.json in it: expected a "
                                       "tracebench result, or the --out directory of tracebench run or sweep");
}

// The --out directory of run (result.json) or sweep (sweep.json, and level-N/result.json
// below it) stands for the result in it.
TEST(ResultFile, ADirectoryStandsForTheResultInIt) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / "tracebench-result-dir";
  fs::remove_all(dir);
  fs::create_directories(dir / "level-1");
  fs::copy_file(kFixtures + "/sweep_full.json", dir / "sweep.json");
  fs::copy_file(kFixtures + "/run_bare.json", dir / "level-1" / "result.json");
  EXPECT_EQ(classify_result(load_result(dir.string()), "dir"), ResultKind::kSweep);
  EXPECT_EQ(classify_result(load_result((dir / "level-1").string()), "dir"), ResultKind::kRun);
  // A truncated sweep.json in it is named by its own path.
  std::ofstream(dir / "sweep.json", std::ios::trunc) << "{\"schema\": \"tracebench.sweep/v1\", \"levels\": [";
  const std::string e = load_error(dir.string());
  EXPECT_NE(e.find("'" + (dir / "sweep.json").string() + "' is truncated: the JSON ends at byte 45"), std::string::npos)
      << e;
}

TEST(ResultFile, TruncatedFileSaysSoWithTheByteCount) {
  const std::string e = load_error(kFixtures + "/truncated.json");
  EXPECT_NE(e.find("truncated.json' is truncated: the JSON ends at byte 1500"), std::string::npos) << e;
}

TEST(ResultFile, ForeignJsonIsNotATracebenchResult) {
  const std::string path = kFixtures + "/foreign.json";
  const std::string e = error_of([&] { classify_result(load_result(path), "'" + path + "'"); });
  EXPECT_EQ(e, "'" + path +
                   "' is not a tracebench result: it has no \"schema\" key (expected \"tracebench.run/v1\" or "
                   "\"tracebench.sweep/v1\", as written by tracebench run or sweep)");
}

TEST(ResultFile, EmptyInput) {
  EXPECT_EQ(parse_error(""), "'x.json' is empty: expected a tracebench result (result.json or sweep.json, written by "
                             "tracebench run or sweep)");
  EXPECT_EQ(parse_error(" \n"), parse_error(""));
}

TEST(ResultFile, NotJsonGivesTheOffset) {
  const std::string e = parse_error("{\"schema\": tracebench}");
  EXPECT_NE(e.find("'x.json' is not JSON: "), std::string::npos) << e;
  EXPECT_NE(e.find("at byte 14; expected a tracebench result"), std::string::npos) << e;
}

// Found by the fuzzer (tests/fuzz/corpus/result_document/number-overflow.json): the parser
// throws out_of_range for such a number, which escaped and aborted `tracebench report`.
TEST(ResultFile, NumberBeyondADoubleNamesTheNumber) {
  EXPECT_EQ(parse_error("{\"schema\": \"tracebench.run/v1\", \"x\": 1e999}"),
            "'x.json' is not JSON a result can hold: number overflow parsing '1e999'; expected a tracebench result");
}

TEST(ResultFile, NotAnObject) {
  EXPECT_EQ(parse_error("[1, 2]"),
            "'x.json' holds an array, not a tracebench result (expected an object with \"schema\": "
            "\"tracebench.run/v1\" or \"tracebench.sweep/v1\")");
}

TEST(ResultFile, SchemaOfTheWrongType) {
  EXPECT_EQ(parse_error(R"({"schema": 1})"),
            "'x.json' is not a tracebench result: \"schema\" is a number, expected the string \"tracebench.run/v1\" or "
            "\"tracebench.sweep/v1\"");
}

TEST(ResultFile, UnknownSchemas) {
  EXPECT_EQ(parse_error(R"({"schema": "acme.bench/v3"})"),
            "'x.json' is not a tracebench result: its schema is \"acme.bench/v3\" (expected \"tracebench.run/v1\" or "
            "\"tracebench.sweep/v1\")");
  EXPECT_EQ(parse_error(R"({"schema": "tracebench.run/v2", "modes": {}})"),
            "'x.json' has schema \"tracebench.run/v2\", a version of the run result this tracebench does not read (it "
            "reads \"tracebench.run/v1\"); re-render it with the tracebench that wrote it");
  EXPECT_EQ(parse_error(R"({"schema": "tracebench.size/v1"})"),
            "'x.json' has schema \"tracebench.size/v1\": unsupported by tracebench report (it renders "
            "\"tracebench.run/v1\" or \"tracebench.sweep/v1\")");
  EXPECT_EQ(parse_error(R"({"schema": "tracebench.sweep/v2", "levels": []})"),
            "'x.json' has schema \"tracebench.sweep/v2\", a version of the sweep result this tracebench does not read "
            "(it reads \"tracebench.sweep/v1\"); re-render it with the tracebench that wrote it");
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

TEST(ResultFile, TruncatedSweep) {
  std::ifstream in(kFixtures + "/sweep_full.json", std::ios::binary);
  std::ostringstream whole;
  whole << in.rdbuf();
  const std::string cut = whole.str().substr(0, 2000);
  EXPECT_EQ(parse_error(cut).rfind("'x.json' is truncated: the JSON ends at byte 2000 in the middle of a value (", 0), 0u)
      << parse_error(cut);
}

// A sweep document must hold levels; everything inside a level is read tolerantly.
TEST(ResultFile, SweepWithoutLevelsOrOfTheWrongShape) {
  EXPECT_EQ(parse_error(R"({"schema": "tracebench.sweep/v1"})"),
            "'x.json': a tracebench.sweep/v1 result has no \"levels\" (expected an array of levels); the file is not a "
            "complete result");
  EXPECT_EQ(parse_error(R"({"schema": "tracebench.sweep/v1", "levels": {}})"),
            "'x.json': \"levels\" is an object, expected an array of levels");
  EXPECT_EQ(parse_error(R"({"schema": "tracebench.sweep/v1", "levels": [], "model": null})"),
            "'x.json' is a sweep with no levels: nothing to report (tracebench sweep writes an entry for every level it "
            "was asked for, run or not)");
  EXPECT_EQ(parse_error(R"({"schema": "tracebench.sweep/v1", "levels": [{"level": 1000}, 7]})"),
            "'x.json': \"levels\"[1] is a number, expected an object");
  EXPECT_EQ(parse_error(R"({"schema": "tracebench.sweep/v1", "levels": [{}], "model": [1]})"),
            "'x.json': \"model\" is an array, expected an object (or null)");
  EXPECT_EQ(parse_error(R"({"schema": "tracebench.sweep/v1", "levels": [{}], "warnings": "none"})"),
            "'x.json': \"warnings\" is a string, expected an array of lines");
}

// A sweep with no levels is refused before any file is written; one level renders.
TEST(ResultFile, SweepWithZeroLevelsIsRefusedEverywhere) {
  nlohmann::json sweep = load_result(kFixtures + "/sweep_full.json");
  sweep["levels"] = nlohmann::json::array();
  const std::string expected = "'s.json' is a sweep with no levels: nothing to report (tracebench sweep writes an "
                               "entry for every level it was asked for, run or not)";
  EXPECT_EQ(error_of([&] { build_document(sweep, "'s.json'"); }), expected);
  EXPECT_EQ(error_of([&] { render(sweep, Format::kHtml, {}, "'s.json'"); }), expected);
  const std::string dir = ::testing::TempDir() + "/tracebench-zero-levels";
  std::filesystem::remove_all(dir);
  EXPECT_THROW(write_run_reports(sweep, dir), ResultError);
  EXPECT_FALSE(std::filesystem::exists(dir + "/report.html"));
}

TEST(ResultFile, RealResultsLoad) {
  for (const char* name : {"run_full", "run_bare", "run_partial"}) {
    const auto r = load_result(kFixtures + "/" + name + ".json");
    EXPECT_EQ(classify_result(r, name), ResultKind::kRun) << name;
  }
  for (const char* name : {"sweep_full", "sweep_closed", "sweep_partial"}) {
    const auto r = load_result(kFixtures + "/" + name + ".json");
    EXPECT_EQ(classify_result(r, name), ResultKind::kSweep) << name;
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
