// `tracebench check RESULT`: the CI gate on overhead. Judges each budget on the 95%
// confidence bounds of the change in a run result (gates/budget_check.h), prints why,
// optionally writes JUnit XML, and says the outcome in the exit code.

#include <fmt/core.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/flag_parsing.h"
#include "cli/usage_error.h"
#include "gates/budget_check.h"
#include "gates/errors.h"
#include "gates/junit.h"

namespace tracebench::cli {
namespace {

namespace po = boost::program_options;
namespace gt = tracebench::gates;

constexpr std::string_view kCheckUsage =
    "usage: tracebench check RESULT --max-throughput-drop PCT --max-p99-increase PCT ... [options]\n"
    "\n"
    "Judges overhead budgets on a tracebench run result (RESULT: result.json, or the --out\n"
    "directory holding it). Each budget is judged on the 95% confidence interval of the\n"
    "change against `off`, never on the point estimate:\n"
    "  pass          the whole interval is within the budget\n"
    "  fail          even the most favourable bound is over it\n"
    "  inconclusive  the interval straddles the budget (more rounds narrow it)\n"
    "  not measured  the result has no interval for the metric (e.g. target CPU when the\n"
    "                target ran elsewhere): bad input, whatever --inconclusive says\n"
    "PCT is a percentage of the off median: 2% or 2.\n"
    "\n"
    "exit: 0 every budget passes; 4 a budget fails; 3 a budget is inconclusive (see\n"
    "--inconclusive) or the measurement is invalid (run incomplete, too few rounds,\n"
    "generator lag); 1 bad usage or input, a budget not measured; 2 the JUnit file\n"
    "cannot be written.\n";

struct CheckArgs {
  std::string result_path;
  std::vector<gt::Budget> budgets;
  std::optional<std::string> mode;
  gt::InconclusivePolicy policy = gt::InconclusivePolicy::kInconclusive;
  std::string junit_path;
};

std::string known_budget_flags() {
  std::string out;
  for (const auto& k : gt::budget_kinds()) out += fmt::format("{}--{}", out.empty() ? "" : ", ", k.flag);
  return out;
}

// nlohmann's messages start with "[json.exception.parse_error.101] "; the rest is the news.
std::string json_message(const std::exception& e) {
  std::string_view what = e.what();
  if (what.starts_with("[json.exception.")) {
    if (auto end = what.find("] "); end != std::string_view::npos) what.remove_prefix(end + 2);
  }
  return std::string(what);
}

// RESULT may be the --out directory of a run.
std::string result_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return (std::filesystem::path(path) / "result.json").string();
  return path;
}

// Throws GateInputError; the caller names the path.
nlohmann::json load_result(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw gt::GateInputError(fmt::format("cannot read: {}", std::strerror(errno)));
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw gt::GateInputError(fmt::format("not JSON: {}", json_message(e)));
  }
}

// Returns nullopt after printing help.
std::optional<CheckArgs> parse_check_args(const std::vector<std::string>& argv) {
  po::options_description budgets("budgets (PCT: 2% or 2; give at least one)");
  for (const auto& k : gt::budget_kinds()) {
    budgets.add_options()(std::string(k.flag).c_str(), po::value<std::string>()->value_name("PCT"),
                          fmt::format("largest {} of the mode vs off", k.label).c_str());
  }
  po::options_description options("options");
  options.add_options()("mode", po::value<std::string>()->value_name("MODE"),
                        "mode to judge: trace, flightrecorder or off2 (an A/A run) (default: flightrecorder if the result has it, "
                        "else trace)")(
      "inconclusive", po::value<std::string>()->value_name("HOW")->default_value("inconclusive"),
      "how an inconclusive budget counts: pass, fail (exit 4) or inconclusive (exit 3)")(
      "junit", po::value<std::string>()->value_name("FILE"), "also write the verdicts as JUnit XML to FILE")(
      "help,h", "print this help");
  po::options_description hidden;
  std::vector<std::string> positional;
  hidden.add_options()("result", po::value(&positional));
  po::options_description all;
  all.add(budgets).add(options).add(hidden);
  po::positional_options_description pos;
  pos.add("result", -1);

  const po::variables_map vm = parse_flags(argv, all, pos, "--max-", "budget", known_budget_flags());
  if (vm.count("help")) {
    std::ostringstream o;
    o << budgets << "\n" << options;
    fmt::print("{}\n{}", kCheckUsage, o.str());
    return std::nullopt;
  }

  CheckArgs a;
  if (positional.size() != 1)
    throw UsageError(fmt::format("expected one result file, got {}", positional.size()));
  a.result_path = result_file(positional.front());
  for (const auto& k : gt::budget_kinds()) {
    const std::string flag(k.flag);
    if (!vm.count(flag)) continue;
    a.budgets.push_back({&k, parse_flag("--" + flag, vm[flag].as<std::string>(),
                                        [](const std::string& t) { return gt::parse_percent(t); })});
  }
  if (a.budgets.empty()) throw UsageError(fmt::format("no budget given: expected at least one of {}", known_budget_flags()));
  if (vm.count("mode")) {
    a.mode = vm["mode"].as<std::string>();
    if (*a.mode != "trace" && *a.mode != "flightrecorder" && *a.mode != "off2")
      throw UsageError(fmt::format("--mode '{}': expected trace, flightrecorder or off2{}", *a.mode,
                                   *a.mode == "off" ? " (off is the baseline the modes are compared against)" : ""));
  }
  a.policy = parse_flag("--inconclusive", vm["inconclusive"].as<std::string>(),
                        [](const std::string& t) { return gt::parse_inconclusive_policy(t); });
  if (vm.count("junit")) a.junit_path = vm["junit"].as<std::string>();
  return a;
}

std::string limit_text(double pct) { return fmt::format("{}%", pct); }

std::string budget_title(const gt::Budget& b) { return fmt::format("{} <= {}", b.kind->label, limit_text(b.limit_pct)); }

std::string verdict_text(const gt::Judgement& j, gt::InconclusivePolicy policy) {
  const gt::Verdict v = gt::effective_verdict(j.verdict, policy);
  if (v == j.verdict) return std::string(gt::verdict_name(v));
  return fmt::format("inconclusive (counted as {})", gt::verdict_name(v));
}

void print_report(const std::string& path, const gt::CheckReport& r, gt::InconclusivePolicy policy) {
  fmt::print("check     {}\n", path);
  fmt::print("mode      {} vs off ({} + {} complete rounds)\n\n", r.mode, r.rounds_mode, r.rounds_off);
  fmt::print("{:<34} {:>7} {:>9}  {:<20}  {}\n", "budget", "limit", "change", "95% CI", "verdict");
  for (const auto& j : r.judgements) {
    const std::string change = j.delta_pct ? gt::format_pct(*j.delta_pct) : "-";
    const std::string ci = j.ci_low_pct && j.ci_high_pct
                               ? fmt::format("[{}, {}]", gt::format_pct(*j.ci_low_pct), gt::format_pct(*j.ci_high_pct))
                               : "-";
    fmt::print("{:<34} {:>7} {:>9}  {:<20}  {}\n", j.budget.kind->label, limit_text(j.budget.limit_pct), change, ci,
               verdict_text(j, policy));
  }
  fmt::print("\nwhy\n");
  for (const auto& j : r.judgements)
    fmt::print("  {:<12} {}: {}\n", gt::verdict_name(j.verdict), j.budget.kind->label, j.reason);
  if (!r.warnings.empty()) {
    fmt::print("\nwarnings from the run\n");
    for (const auto& w : r.warnings) fmt::print("  - {}\n", w);
  }
  if (!r.invalid_reasons.empty()) {
    fmt::print("\nINVALID MEASUREMENT: the verdicts above cannot be trusted\n");
    for (const auto& w : r.invalid_reasons) fmt::print("  - {}\n", w);
  }
}

gt::JunitSuite junit_suite(const gt::CheckReport& r, gt::InconclusivePolicy policy, double elapsed_s) {
  gt::JunitSuite suite;
  suite.name = "tracebench check";
  suite.time_s = elapsed_s;
  const std::string classname = fmt::format("tracebench.check.{}", r.mode);
  if (!r.invalid_reasons.empty()) {
    std::string joined;
    for (const auto& w : r.invalid_reasons) joined += (joined.empty() ? "" : "; ") + w;
    suite.cases.push_back({"measurement is valid", classname, gt::JunitCase::Status::kError, "invalid_measurement",
                           joined, ""});
  }
  for (const auto& j : r.judgements) {
    gt::JunitCase c;
    c.name = budget_title(j.budget);
    c.classname = classname;
    const gt::Verdict v = gt::effective_verdict(j.verdict, policy);
    switch (v) {
      case gt::Verdict::kPass:
        c.output = j.verdict == gt::Verdict::kInconclusive ? "inconclusive, counted as pass: " + j.reason : j.reason;
        break;
      case gt::Verdict::kFail:
        c.status = gt::JunitCase::Status::kFailure;
        c.type = j.verdict == gt::Verdict::kInconclusive ? "inconclusive" : "over_budget";
        c.message = j.reason;
        break;
      case gt::Verdict::kInconclusive:
        c.status = gt::JunitCase::Status::kError;
        c.type = "inconclusive";
        c.message = j.reason;
        break;
      case gt::Verdict::kNotMeasured:
        c.status = gt::JunitCase::Status::kError;
        c.type = "not_measured";
        c.message = gt::not_measured_message(j);
        break;
    }
    suite.cases.push_back(std::move(c));
  }
  return suite;
}

}  // namespace

int check_command(const std::vector<std::string>& argv) {
  const auto started = std::chrono::steady_clock::now();
  CheckArgs args;
  gt::CheckReport report;
  try {
    auto parsed = parse_check_args(argv);
    if (!parsed) return kExitOk;
    args = std::move(*parsed);
    const nlohmann::json result = load_result(args.result_path);
    gt::CheckOptions options;
    options.budgets = args.budgets;
    options.mode = args.mode;
    report = gt::check_result(result, options);
  } catch (const UsageError& e) {
    fmt::print(stderr, "tracebench check: {} (see tracebench check --help)\n", e.what());
    return kExitUsage;
  } catch (const gt::GateInputError& e) {
    fmt::print(stderr, "tracebench check: {}: {}\n", args.result_path, e.what());
    return kExitUsage;
  }

  print_report(args.result_path, report, args.policy);
  const gt::Outcome outcome = gt::overall(report, args.policy);
  const std::size_t total = report.judgements.size();
  std::size_t over = 0, inconclusive = 0, not_measured = 0;
  for (const auto& j : report.judgements) {
    over += j.verdict == gt::Verdict::kFail;
    inconclusive += j.verdict == gt::Verdict::kInconclusive;
    not_measured += j.verdict == gt::Verdict::kNotMeasured;
  }
  const std::string counted =
      inconclusive == 0 || args.policy == gt::InconclusivePolicy::kInconclusive
          ? ""
          : fmt::format(" ({} inconclusive counted as {} by --inconclusive)", inconclusive,
                        args.policy == gt::InconclusivePolicy::kPass ? "pass" : "fail");
  int code = kExitOk;
  switch (outcome) {
    case gt::Outcome::kPass:
      fmt::print("\nresult: PASS, {} of {} budgets met{}\n", total - inconclusive, total, counted);
      break;
    case gt::Outcome::kFail:
      fmt::print("\nresult: FAIL, {} of {} budgets over{}{}\n", over, total,
                 inconclusive ? fmt::format(", {} inconclusive", inconclusive) : "", counted);
      code = kExitBudgetFailed;
      break;
    case gt::Outcome::kInconclusive:
      fmt::print("\nresult: INCONCLUSIVE, {} of {} budgets cannot be decided from this result "
                 "(--inconclusive pass|fail decides how they count)\n",
                 inconclusive, total);
      code = kExitInvalid;
      break;
    case gt::Outcome::kInvalid:
      fmt::print("\nresult: INVALID MEASUREMENT, no verdict\n");
      code = kExitInvalid;
      break;
    case gt::Outcome::kNotMeasured:
      fmt::print("\nresult: NOT MEASURED, {} of {} budgets have no measurement in this result, no verdict\n",
                 not_measured, total);
      std::fflush(stdout);
      for (const auto& j : report.judgements)
        if (j.verdict == gt::Verdict::kNotMeasured)
          fmt::print(stderr, "tracebench check: {}: {}\n", args.result_path, gt::not_measured_message(j));
      code = kExitUsage;
      break;
  }

  if (!args.junit_path.empty()) {
    const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    try {
      gt::write_junit(args.junit_path, junit_suite(report, args.policy, elapsed_s));
    } catch (const std::exception& e) {
      std::fflush(stdout);
      fmt::print(stderr, "tracebench check: {}\n", e.what());
      return kExitRunFailed;
    }
  }
  return code;
}

}  // namespace tracebench::cli
