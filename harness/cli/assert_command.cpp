// `tracebench assert TRACE`: the CI gate on a trace's shape. Reads the trace once and
// checks every ceiling asked for (gates/trace_assertions.h): region durations, goroutine
// creations, bytes and events per second; lists every violation with the value seen.

#include <fmt/core.h>

#include <boost/program_options.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <sstream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/flag_parsing.h"
#include "cli/units.h"
#include "cli/usage_error.h"
#include "gates/errors.h"
#include "gates/junit.h"
#include "gates/trace_assertions.h"
#include "trace/analyze.h"
#include "units/duration_text.h"
#include "units/size_text.h"

namespace tracebench::cli {
namespace {

using units::binary_size_text;
using units::compact_duration_text;

namespace po = boost::program_options;
namespace gt = tracebench::gates;
namespace tr = tracebench::trace;

constexpr std::string_view kAssertUsage =
    "usage: tracebench assert TRACE [assertions] [options]\n"
    "\n"
    "Reads a Go execution trace (e.g. from go test -trace=trace.out -bench ...; - for stdin)\n"
    "and checks ceilings on its shape. Every assertion is checked and every violation is\n"
    "listed with the value seen. Rates are per second of the trace's own span (first to\n"
    "last event).\n"
    "\n"
    "exit: 0 no violation; 4 any violation; 3 a rate was asked of a trace that spans no\n"
    "time; 1 bad usage, TRACE unreadable or not a Go trace, or with --strict-regions a\n"
    "region the trace does not hold; 2 the JUnit file cannot be written.\n";

constexpr std::string_view kAssertionFlags =
    "--max-region, --max-goroutine-creates-per-s, --max-bytes-per-s, --max-events-per-s";

struct AssertArgs {
  std::string trace_path;
  gt::TraceLimits limits;
  bool keep_going = false;
  std::string junit_path;
};

// "5MiB", "5MiB/s" -> the part before "/s".
std::string_view without_per_second(std::string_view text) {
  if (text.ends_with("/s")) text.remove_suffix(2);
  return text;
}

std::optional<AssertArgs> parse_assert_args(const std::vector<std::string>& argv) {
  po::options_description assertions("assertions (give at least one; each may appear with the others)");
  assertions.add_options()(
      "max-region", po::value<std::vector<std::string>>()->composing()->value_name("NAME[:STAT]=DURATION"),
      "ceiling on a user region's duration; STAT is max (default: every occurrence), p99 or p50; "
      "repeatable, e.g. encode=250us, hash:p99=150us")(
      "max-goroutine-creates-per-s", po::value<std::string>()->value_name("N"),
      "ceiling on goroutines created per second, e.g. 5000 or 5k")(
      "max-bytes-per-s", po::value<std::string>()->value_name("SIZE"),
      "ceiling on trace bytes per second, e.g. 5MiB or 5MiB/s")(
      "max-events-per-s", po::value<std::string>()->value_name("N"),
      "ceiling on trace events per second, e.g. 200k");
  po::options_description options("options");
  options.add_options()("strict-regions", "a region that never occurs is an error (exit 1), not a warning")(
      "keep-going", "read past bad records (counted) instead of stopping at the first")(
      "junit", po::value<std::string>()->value_name("FILE"), "also write the assertions as JUnit XML to FILE")(
      "help,h", "print this help");
  po::options_description hidden;
  std::vector<std::string> positional;
  hidden.add_options()("trace", po::value(&positional));
  po::options_description all;
  all.add(assertions).add(options).add(hidden);
  po::positional_options_description pos;
  pos.add("trace", -1);

  const po::variables_map vm = parse_flags(argv, all, pos, "--max-", "assertion", kAssertionFlags);
  if (vm.count("help")) {
    std::ostringstream o;
    o << assertions << "\n" << options;
    fmt::print("{}\n{}", kAssertUsage, o.str());
    return std::nullopt;
  }

  AssertArgs a;
  if (positional.size() != 1) throw UsageError(fmt::format("expected one trace file, got {}", positional.size()));
  a.trace_path = positional.front();
  if (vm.count("max-region")) {
    for (const auto& text : vm["max-region"].as<std::vector<std::string>>()) {
      const gt::RegionSpec spec = parse_flag("--max-region", text, gt::split_region_spec);
      const std::int64_t ns = parse_flag("--max-region", spec.duration_text, [&](const std::string& d) {
        try {
          return parse_duration_ns(d);
        } catch (const BadValue& e) {
          throw BadValue(fmt::format("region '{}': {}", spec.name, e.what()));
        }
      });
      a.limits.regions.push_back({spec.name, spec.stat, ns});
    }
  }
  const auto count_flag = [&](const char* flag) -> std::optional<double> {
    if (!vm.count(flag)) return std::nullopt;
    return parse_flag(fmt::format("--{}", flag), vm[flag].as<std::string>(),
                      [](const std::string& t) { return parse_count(without_per_second(t)); });
  };
  a.limits.max_goroutine_creates_per_s = count_flag("max-goroutine-creates-per-s");
  a.limits.max_events_per_s = count_flag("max-events-per-s");
  if (vm.count("max-bytes-per-s"))
    a.limits.max_bytes_per_s = static_cast<double>(parse_flag(
        "--max-bytes-per-s", vm["max-bytes-per-s"].as<std::string>(),
        [](const std::string& t) { return parse_size_bytes(without_per_second(t)); }));
  if (a.limits.regions.empty() && !a.limits.max_goroutine_creates_per_s && !a.limits.max_bytes_per_s &&
      !a.limits.max_events_per_s)
    throw UsageError(fmt::format("nothing to assert: expected at least one of {}", kAssertionFlags));
  a.limits.strict_regions = vm.count("strict-regions") > 0;
  a.keep_going = vm.count("keep-going") > 0;
  if (vm.count("junit")) a.junit_path = vm["junit"].as<std::string>();
  return a;
}

std::string rate_text(double per_second) {
  if (per_second >= 1e6) return fmt::format("{:.3g}M", per_second / 1e6);
  if (per_second >= 1e3) return fmt::format("{:.3g}k", per_second / 1e3);
  return fmt::format("{:.3g}", per_second);
}

std::string value_text(gt::Quantity q, double v) {
  switch (q) {
    case gt::Quantity::kDurationNs: return compact_duration_text(static_cast<std::int64_t>(v));
    case gt::Quantity::kBytesPerSecond: return binary_size_text(static_cast<std::uint64_t>(v)) + "/s";
    case gt::Quantity::kPerSecond: return rate_text(v) + "/s";
  }
  return "?";
}

std::string seen_text(const gt::AssertionResult& r) {
  using S = gt::AssertionResult::Status;
  return r.status == S::kOk || r.status == S::kOver ? value_text(r.quantity, r.observed) : "-";
}

std::string status_text(const gt::AssertionResult& r) {
  switch (r.status) {
    case gt::AssertionResult::Status::kOk: return "ok";
    case gt::AssertionResult::Status::kOver: return "VIOLATED";
    case gt::AssertionResult::Status::kMissing: return "missing (warning)";
    case gt::AssertionResult::Status::kUnmeasurable: return "unmeasurable";
  }
  return "?";
}

// The values behind a figure, so a violation can be read without re-running inspect.
std::string context_text(const gt::AssertionResult& r, double span_s) {
  if (r.status == gt::AssertionResult::Status::kMissing || r.status == gt::AssertionResult::Status::kUnmeasurable)
    return r.note;
  if (r.quantity == gt::Quantity::kDurationNs) {
    const auto& d = r.region;
    return fmt::format("{} occurrences: p50 {}, p99 {}, max {}", d.count, compact_duration_text(d.p50_ns),
                       compact_duration_text(d.p99_ns), compact_duration_text(d.max_ns));
  }
  const std::string what = r.quantity == gt::Quantity::kBytesPerSecond ? "bytes"
                           : r.subject.starts_with("goroutine")       ? "goroutines created"
                                                                      : "timed events";
  return fmt::format("{} {} over {}", r.region.count, what,
                     compact_duration_text(static_cast<std::int64_t>(span_s * 1e9)));
}

gt::JunitSuite junit_suite(const gt::AssertReport& report, double span_s, double elapsed_s) {
  gt::JunitSuite suite;
  suite.name = "tracebench assert";
  suite.time_s = elapsed_s;
  for (const auto& r : report.results) {
    gt::JunitCase c;
    c.name = fmt::format("{} <= {}", r.subject, value_text(r.quantity, r.limit));
    c.classname = "tracebench.assert";
    const std::string detail = fmt::format("seen {} ({})", seen_text(r), context_text(r, span_s));
    if (r.violation) {
      c.status = gt::JunitCase::Status::kFailure;
      c.type = "over_limit";
      c.message = detail;
    } else if (r.status == gt::AssertionResult::Status::kUnmeasurable) {
      c.status = gt::JunitCase::Status::kError;
      c.type = "unmeasurable";
      c.message = r.note;
    } else if (r.status == gt::AssertionResult::Status::kMissing) {
      c.status = gt::JunitCase::Status::kSkipped;
      c.message = r.note;
    } else {
      c.output = detail;
    }
    suite.cases.push_back(std::move(c));
  }
  return suite;
}

}  // namespace

int assert_command(const std::vector<std::string>& argv) {
  const auto started = std::chrono::steady_clock::now();
  AssertArgs args;
  tr::TraceSummary summary;
  try {
    auto parsed = parse_assert_args(argv);
    if (!parsed) return kExitOk;
    args = std::move(*parsed);
    tr::AnalyzeOptions options;
    options.strict = !args.keep_going;
    options.goroutines = false;  // creations are counted without per-goroutine attribution
    options.annotations = !args.limits.regions.empty();
    summary = tr::analyze_file(args.trace_path, options);
  } catch (const UsageError& e) {
    fmt::print(stderr, "tracebench assert: {} (see tracebench assert --help)\n", e.what());
    return kExitUsage;
  } catch (const tr::FormatError& e) {
    fmt::print(stderr, "tracebench assert: {}: {}{}\n", args.trace_path, e.what(),
               args.keep_going ? "" : " (--keep-going reads past bad records where it can)");
    return kExitUsage;
  } catch (const tr::IoError& e) {
    fmt::print(stderr, "tracebench assert: {}\n", e.what());
    return kExitUsage;
  }

  const gt::AssertReport report = gt::assert_trace(summary, args.limits);
  for (const auto& w : report.warnings) fmt::print(stderr, "tracebench assert: warning: {}\n", w);
  if (!report.errors.empty()) {
    for (const auto& e : report.errors) fmt::print(stderr, "tracebench assert: {}: {}\n", args.trace_path, e);
    return kExitUsage;
  }

  fmt::print("trace     {} (go {}, {}, span {})\n\n", args.trace_path, tr::version_name(summary.version),
             binary_size_text(summary.file_bytes), compact_duration_text(summary.span_ns));
  fmt::print("{:<36} {:>12} {:>12}  {}\n", "assertion", "seen", "limit", "status");
  for (const auto& r : report.results)
    fmt::print("{:<36} {:>12} {:>12}  {}\n", r.subject, seen_text(r), value_text(r.quantity, r.limit), status_text(r));

  const std::size_t violations = report.violations();
  int code = kExitOk;
  if (violations > 0) {
    fmt::print("\nviolations\n");
    for (const auto& r : report.results) {
      if (!r.violation) continue;
      fmt::print("  {}: {} > {} ({})\n", r.subject, seen_text(r), value_text(r.quantity, r.limit),
                 context_text(r, report.span_s));
    }
    fmt::print("\nresult: FAIL, {} of {} assertions violated\n", violations, report.results.size());
    code = kExitBudgetFailed;
  } else if (report.unmeasurable()) {
    fmt::print("\nresult: INVALID, the trace spans no time, so its rates cannot be judged\n");
    code = kExitInvalid;
  } else {
    const auto missing = std::count_if(report.results.begin(), report.results.end(), [](const gt::AssertionResult& r) {
      return r.status == gt::AssertionResult::Status::kMissing;
    });
    fmt::print("\nresult: PASS, no violation in {} assertions{}\n", report.results.size(),
               missing ? fmt::format(" ({} on regions that do not occur: see the warnings)", missing) : "");
  }

  if (!args.junit_path.empty()) {
    const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    try {
      gt::write_junit(args.junit_path, junit_suite(report, report.span_s, elapsed_s));
    } catch (const std::exception& e) {
      std::fflush(stdout);
      fmt::print(stderr, "tracebench assert: {}\n", e.what());
      return kExitRunFailed;
    }
  }
  return code;
}

}  // namespace tracebench::cli
