// `tracebench check` as CI runs it: the real binary on result fixtures on each side of
// each budget, its exit codes, its messages for bad input, and its JUnit XML.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "subprocess.h"

namespace tracebench {
namespace {

using testing::ProcessResult;
using testing::run_process;

const std::string kTracebench = TRACEBENCH_BIN;
const std::string kFixtures = TRACEBENCH_RESULT_FIXTURES;

std::string fixture(const std::string& name) { return kFixtures + "/" + name; }

ProcessResult check(std::vector<std::string> args) {
  args.insert(args.begin(), {kTracebench, "check"});
  return run_process(args, 30);
}

// The issue's example budgets.
std::vector<std::string> ci_budgets(const std::string& result) {
  return {result, "--max-throughput-drop", "2%", "--max-p99-increase", "5%", "--max-cpu-increase", "3%"};
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string fresh_dir(const std::string& name) {
  auto dir = std::filesystem::path(::testing::TempDir()) / ("tracebench-check-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Check, WithinBudgetPassesWithExitZero) {
  auto r = check(ci_budgets(fixture("within_budget.json")));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "mode      flightrecorder vs off (10 + 10 complete rounds)")) << r.out;
  EXPECT_TRUE(has(r.out, "throughput drop                         2%    -0.40%  [-1.20%, +0.40%]      pass")) << r.out;
  EXPECT_TRUE(has(r.out, "p99 latency increase                    5%    +2.10%  [+0.50%, +3.90%]      pass")) << r.out;
  EXPECT_TRUE(has(r.out, "result: PASS, 3 of 3 budgets met")) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST(Check, OverBudgetFailsWithExitFour) {
  auto r = check(ci_budgets(fixture("over_budget.json")));
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "  fail         p99 latency increase: 95% CI [+7.20%, +12.50%]: even the low bound is above "
                         "+5.00%, over budget"))
      << r.out;
  EXPECT_TRUE(has(r.out, "  fail         throughput drop: 95% CI [-6.00%, -3.10%]: even the high bound is below "
                         "-2.00%, over budget"))
      << r.out;
  EXPECT_TRUE(has(r.out, "result: FAIL, 3 of 3 budgets over")) << r.out;
}

TEST(Check, StraddlingIntervalIsInconclusiveWithExitThreeUnlessToldOtherwise) {
  auto r = check(ci_budgets(fixture("straddles_budget.json")));
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "95% CI [+1.00%, +8.00%] straddles +5.00%")) << r.out;
  EXPECT_TRUE(has(r.out, "result: INCONCLUSIVE, 3 of 3 budgets cannot be decided")) << r.out;

  auto args = ci_budgets(fixture("straddles_budget.json"));
  args.insert(args.end(), {"--inconclusive", "pass"});
  r = check(args);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "inconclusive (counted as pass)")) << r.out;
  EXPECT_TRUE(has(r.out, "result: PASS, 0 of 3 budgets met (3 inconclusive counted as pass by --inconclusive)"))
      << r.out;

  args.back() = "fail";
  r = check(args);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "(3 inconclusive counted as fail by --inconclusive)")) << r.out;

  args.back() = "inconclusive";
  EXPECT_EQ(check(args).exit_code, 3);
}

TEST(Check, AFailingBudgetOutranksAnInconclusiveOne) {
  auto r = check(ci_budgets(fixture("mixed.json")));
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "result: FAIL, 1 of 3 budgets over, 1 inconclusive")) << r.out;
  // Only the budgets asked for are judged.
  EXPECT_EQ(check({fixture("mixed.json"), "--max-throughput-drop", "2"}).exit_code, 0);
  EXPECT_EQ(check({fixture("mixed.json"), "--max-cpu-increase", "3"}).exit_code, 3);
  EXPECT_EQ(check({fixture("mixed.json"), "--max-p99-increase", "13"}).exit_code, 0);
}

TEST(Check, InvalidMeasurementExitsThreeWhateverTheVerdicts) {
  for (const char* name : {"too_few_rounds.json", "send_lag.json", "send_lag_rounds.json", "incomplete.json"}) {
    auto args = ci_budgets(fixture(name));
    args.insert(args.end(), {"--inconclusive", "pass"});
    auto r = check(args);
    EXPECT_EQ(r.exit_code, 3) << name << r.out << r.err;
    EXPECT_TRUE(has(r.out, "INVALID MEASUREMENT: the verdicts above cannot be trusted")) << name << r.out;
    EXPECT_TRUE(has(r.out, "result: INVALID MEASUREMENT, no verdict")) << name << r.out;
  }
  auto r = check(ci_budgets(fixture("too_few_rounds.json")));
  EXPECT_TRUE(has(r.out, "  - mode flightrecorder has 4 complete rounds; at least 6 are needed for a 95% CI")) << r.out;
  r = check(ci_budgets(fixture("send_lag.json")));
  EXPECT_TRUE(has(r.out, "  - generator send lag p99 reached 3.20 ms in round 7")) << r.out;
  r = check(ci_budgets(fixture("incomplete.json")));
  EXPECT_TRUE(has(r.out, "  - the run stopped early: the target stopped answering after round 22")) << r.out;
  // Lag that run did not mark (invalid_reasons empty) is found in rounds[].send_lag_p99_ns.
  r = check({fixture("send_lag_rounds.json"), "--max-throughput-drop", "2%", "--inconclusive", "pass"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "\n  - generator send lag p99 reached 1.96 ms in round 2 against the run's typical 0.18 ms: "
                         "the generator could not keep its schedule\n"))
      << r.out;
  EXPECT_TRUE(has(r.out, "result: INVALID MEASUREMENT, no verdict")) << r.out;
  EXPECT_EQ(r.err, "");
  // Over budget on an invalid measurement is still "invalid", not "fail".
  r = check({fixture("send_lag.json"), "--max-p99-increase", "0.1"});
  EXPECT_EQ(r.exit_code, 3) << r.out;
}

TEST(Check, ModeDefaultsAndChoice) {
  auto r = check(ci_budgets(fixture("trace_only.json")));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "mode      trace vs off")) << r.out;

  auto args = ci_budgets(fixture("within_budget.json"));
  args.insert(args.end(), {"--mode", "trace"});
  r = check(args);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "mode      trace vs off")) << r.out;

  args = ci_budgets(fixture("trace_only.json"));
  args.insert(args.end(), {"--mode", "flightrecorder"});
  r = check(args);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "tracebench check: " + fixture("trace_only.json") +
                       ": the result has no flightrecorder mode: it was skipped: no flight-recorder agent at "
                       "127.0.0.1:6060 (status 404); add the agent to the service: docs/agent.md (modes in the "
                       "result: off, trace)\n");
}

TEST(Check, UnmeasuredTargetCpuIsBadInputOnlyWhenAskedFor) {
  const std::string path = fixture("no_target_cpu.json");
  const std::string err = "tracebench check: " + path +
                          ": --max-cpu-increase cannot be judged: target_cpu_us_per_request was not measured: the "
                          "target must run on this machine (tracebench run finds it by its port, or give "
                          "--target-pid), or carry the agent (--target-cpu agent, docs/agent.md)\n";
  for (const char* policy : {"inconclusive", "pass", "fail"}) {
    SCOPED_TRACE(policy);
    auto args = ci_budgets(path);
    args.insert(args.end(), {"--inconclusive", policy});
    auto r = check(args);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(r.err, err);
    EXPECT_TRUE(has(r.out, "target CPU per request increase         3%         -  -                     not measured"))
        << r.out;
    EXPECT_TRUE(has(r.out, "warnings from the run")) << r.out;
    EXPECT_TRUE(has(r.out, "result: NOT MEASURED, 1 of 3 budgets have no measurement in this result, no verdict"))
        << r.out;
    EXPECT_FALSE(has(r.out, "PASS")) << r.out;
  }
  auto r = check({path, "--max-throughput-drop", "2", "--max-p99-increase", "5"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(Check, AComparisonTheResultLacksIsNotMeasuredWhateverThePolicy) {
  // The audit's case: with --inconclusive pass a budget never measured read "PASS, 0 of 1 budgets met".
  const std::string dir = fresh_dir("nocomparison");
  std::ifstream in(fixture("within_budget.json"));
  auto result = nlohmann::json::parse(in);
  result["comparisons"] = nlohmann::json::array();
  std::ofstream(dir + "/result.json") << result.dump(2);
  auto r = check({dir, "--max-p99-increase", "5%", "--inconclusive", "pass", "--junit", dir + "/check.xml"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.err, "tracebench check: " + dir +
                       "/result.json: --max-p99-increase cannot be judged: the result has no flightrecorder vs off "
                       "comparison of latency_p99_ns\n");
  EXPECT_FALSE(has(r.out, "PASS")) << r.out;
  EXPECT_TRUE(has(r.out, "result: NOT MEASURED, 1 of 1 budgets")) << r.out;
  const std::string xml = read_file(dir + "/check.xml");
  EXPECT_TRUE(has(xml, R"(tests="1" failures="0" errors="1" skipped="0")")) << xml;
  EXPECT_TRUE(has(xml, R"(type="not_measured"/>)")) << xml;
}

TEST(Check, ResultDirectoryIsReadLikeItsResultJson) {
  const std::string dir = fresh_dir("outdir");
  std::filesystem::copy_file(fixture("over_budget.json"), dir + "/result.json");
  auto r = check(ci_budgets(dir));
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "check     " + dir + "/result.json")) << r.out;
}

struct BadInput {
  std::vector<std::string> args;
  std::string err;
};

TEST(Check, BadInputExitsOneWithAClearMessage) {
  const std::string ok = fixture("within_budget.json");
  const std::string hint = " (see tracebench check --help)\n";
  const std::string budgets =
      "--max-throughput-drop, --max-p50-increase, --max-p99-increase, --max-p999-increase, --max-cpu-increase, "
      "--max-gc-cpu-increase, --max-sched-p99-increase";
  const BadInput cases[] = {
      {{ok, "--max-thruput-drop", "2%"},
       "tracebench check: unknown budget '--max-thruput-drop': expected one of " + budgets + hint},
      // Prefixes are not guessed: each would have been taken silently for a longer budget.
      {{ok, "--max-throughput", "2%"},
       "tracebench check: unknown budget '--max-throughput': expected one of " + budgets + hint},
      {{ok, "--max-p9", "5%"},
       "tracebench check: unknown budget '--max-p9': expected one of " + budgets + hint},
      {{ok, "--max-cpu", "3%"},
       "tracebench check: unknown budget '--max-cpu': expected one of " + budgets + hint},
      {{ok, "--max-p99-increase", "5%%"},
       "tracebench check: --max-p99-increase: bad percentage '5%%': expected a non-negative number with an optional "
       "%, e.g. 2% or 0.5" + hint},
      {{ok, "--max-p99-increase", "five"},
       "tracebench check: --max-p99-increase: bad percentage 'five': expected a non-negative number with an "
       "optional %, e.g. 2% or 0.5" + hint},
      {{ok, "--max-cpu-increase=-3%"},
       "tracebench check: --max-cpu-increase: bad percentage '-3%': expected a non-negative number with an "
       "optional %, e.g. 2% or 0.5" + hint},
      {{ok},
       "tracebench check: no budget given: expected at least one of --max-throughput-drop, --max-p50-increase, "
       "--max-p99-increase, --max-p999-increase, --max-cpu-increase, --max-gc-cpu-increase, --max-sched-p99-increase" +
           hint},
      {{"--max-p99-increase", "5"}, "tracebench check: expected one result file, got 0" + hint},
      {{ok, ok, "--max-p99-increase", "5"}, "tracebench check: expected one result file, got 2" + hint},
      {{ok, "--max-p99-increase", "5", "--mode", "off"},
       "tracebench check: --mode 'off': expected trace, flightrecorder or off2 (off is the baseline the modes are "
       "compared against)" + hint},
      {{ok, "--max-p99-increase", "5", "--inconclusive", "ignore"},
       "tracebench check: --inconclusive: 'ignore': expected pass, fail or inconclusive" + hint},
      {{fixture("missing.json"), "--max-p99-increase", "5"},
       "tracebench check: " + fixture("missing.json") + ": cannot read: No such file or directory\n"},
      {{fixture("not_a_result.json"), "--max-p99-increase", "5"},
       "tracebench check: " + fixture("not_a_result.json") +
           ": not a tracebench run result: schema is \"tracebench.inspect/1\", expected \"tracebench.run/v1\"\n"},
  };
  for (const auto& c : cases) {
    auto r = check(c.args);
    EXPECT_EQ(r.exit_code, 1) << c.err;
    EXPECT_EQ(r.err, c.err);
    EXPECT_EQ(r.out, "");
  }
  const std::string dir = fresh_dir("notjson");
  std::ofstream(dir + "/result.json") << "{\"schema\": \"tracebench.run/v1\",";
  auto r = check({dir + "/result.json", "--max-p99-increase", "5"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "tracebench check: " + dir + "/result.json: not JSON: parse error at line 1, column 32"))
      << r.err;
}

TEST(Check, JunitXmlNamesEachBudgetAndHowItEnded) {
  const std::string dir = fresh_dir("junit");
  auto args = ci_budgets(fixture("mixed.json"));
  args.insert(args.end(), {"--junit", dir + "/reports/check.xml"});
  auto r = check(args);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  const std::string xml = read_file(dir + "/reports/check.xml");
  EXPECT_TRUE(has(xml, R"(<testsuite name="tracebench check" tests="3" failures="1" errors="1" skipped="0")")) << xml;
  EXPECT_TRUE(has(xml, R"(<testcase name="throughput drop &lt;= 2%" classname="tracebench.check.flightrecorder")"))
      << xml;
  EXPECT_TRUE(has(xml, R"(<failure message="95% CI [+7.20%, +12.50%]: even the low bound is above +5.00%, over budget" type="over_budget"/>)"))
      << xml;
  EXPECT_TRUE(has(xml, R"(<error message="95% CI [+0.50%, +5.00%] straddles +3.00%)")) << xml;
  EXPECT_TRUE(has(xml, R"(type="inconclusive"/>)")) << xml;

  // An invalid measurement is one more case, an error, so the CI report shows why.
  args = ci_budgets(fixture("send_lag.json"));
  args.insert(args.end(), {"--junit", dir + "/invalid.xml"});
  EXPECT_EQ(check(args).exit_code, 3);
  const std::string invalid = read_file(dir + "/invalid.xml");
  EXPECT_TRUE(has(invalid, R"(<testcase name="measurement is valid" classname="tracebench.check.flightrecorder")"))
      << invalid;
  EXPECT_TRUE(has(invalid, R"(type="invalid_measurement"/>)")) << invalid;

  // Counted as fail by the policy: a failure of type inconclusive.
  args = ci_budgets(fixture("straddles_budget.json"));
  args.insert(args.end(), {"--inconclusive", "fail", "--junit", dir + "/policy.xml"});
  EXPECT_EQ(check(args).exit_code, 4);
  EXPECT_TRUE(has(read_file(dir + "/policy.xml"), R"(failures="3" errors="0")"));

  args = ci_budgets(fixture("within_budget.json"));
  args.insert(args.end(), {"--junit", "/proc/version/check.xml"});
  r = check(args);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(has(r.err, "tracebench check: cannot create the directory of /proc/version/check.xml")) << r.err;
}

TEST(Check, HelpListsBudgetsAndExitCodes) {
  auto r = check({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--max-throughput-drop", "--max-p50-increase", "--max-p99-increase", "--max-p999-increase",
                           "--max-cpu-increase", "--max-gc-cpu-increase", "--max-sched-p99-increase", "--mode", "--inconclusive", "--junit", "exit: 0"})
    EXPECT_TRUE(has(r.out, flag)) << flag;
}

}  // namespace
}  // namespace tracebench
