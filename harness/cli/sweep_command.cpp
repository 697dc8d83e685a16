// `tracebench sweep`: the three-mode run at several load levels, and a model of trace
// bytes/sec and overhead against load (capacity planning). Every `tracebench run` flag is
// accepted and applies to each level; --rates or --connections LIST gives the levels.
// See docs/sizing.md.

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/flag_parsing.h"
#include "cli/interrupt.h"
#include "cli/progress_line.h"
#include "cli/run_context.h"
#include "cli/run_options.h"
#include "cli/target_setup_flags.h"
#include "cli/units.h"
#include "cli/usage_error.h"
#include "experiment/sweep_runner.h"
#include "load/load_runner.h"
#include "reports/render.h"
#include "reports/sweep_text.h"
#include "result/sweep_result.h"
#include "sizing/sizing.h"
#include "sizing/sweep.h"
#include "units/size_text.h"

namespace tracebench::cli {
namespace {

using experiment::Mode;

constexpr std::size_t kMaxLevels = 20;
// A production rate beyond this is a typo (a billion requests a second from one service).
constexpr double kMaxProductionRateRps = 1e9;
constexpr const char* kProductionRateRange = "a rate above 0 and at most 1G req/s";

struct SweepOptions {
  RunOptions run;  // every run flag, for each level
  sizing::SweepAxis axis = sizing::SweepAxis::kRate;
  std::vector<double> levels;
  std::optional<double> production_rate_rps;
  bool help = false;
};

std::string sweep_usage() {
  std::string run = run_usage();
  // run's flag tables, without its own usage lines.
  const std::size_t tables = run.find("Load:");
  return fmt::format(
      "usage: tracebench sweep --target HOST:PORT --rates 1000,2000,4000 [--production-rate R] [run flags]\n"
      "       tracebench sweep --target HOST:PORT --connections 8,32,128 [--production-rate R] [run flags]\n\n"
      "Runs the three-mode experiment of tracebench run at each load level (ascending), then\n"
      "fits trace bytes/s against load (least squares: R², the intercept is the idle rate,\n"
      "the slope the bytes per request) and each mode's overhead against load. With\n"
      "--production-rate it predicts bytes/s, MaxBytes and overhead there, flagged when it\n"
      "extrapolates.\n\n"
      "--out DIR gets sweep.json, level-N/result.json (each level's full run) and the sweep's\n"
      "report: report.html (one self-contained page), report.md and plots/ (gnuplot, Debian\n"
      "package gnuplot-nox). The report leads with the verdict (trace bytes per request and the\n"
      "idle rate, each mode's overhead at each level and its trend, the prediction at\n"
      "--production-rate), then the levels, trace bytes/s and overhead against load with the\n"
      "fitted lines (extrapolation dashed) and the production point, and the context.\n"
      "tracebench report DIR renders it again, in any format.\n\n"
      "Sweep:\n"
      "  --rates LIST             open loop: request rates, one level each (e.g. 1000,2000,4k)\n"
      "  --connections LIST       closed loop: connection counts, one level each (e.g. 8,32,128);\n"
      "                           a single value with --rates is the pool size, as in run\n"
      "  --production-rate R      predict at this rate (req/s, at most 1G) from the fitted model\n"
      "  --budget P%              overhead budget for each level's verdict (0.01% to 100%, as in size)\n\n"
      "Every tracebench run flag applies to each level (--rate and --verify-window excepted):\n\n{}",
      tables == std::string::npos ? run : run.substr(tables));
}

// "--flag=value" or "--flag value": the value, advancing i; nullopt when args[i] is not it.
std::optional<std::string> take_value(const std::vector<std::string>& args, std::size_t& i,
                                      std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const std::string n = name;
    if (args[i] == n) {
      if (i + 1 >= args.size()) throw UsageError(fmt::format("{}: missing value", n));
      return args[++i];
    }
    if (n.rfind("--", 0) == 0 && args[i].rfind(n + "=", 0) == 0) return args[i].substr(n.size() + 1);
  }
  return std::nullopt;
}

std::vector<double> parse_levels(const char* flag, const std::string& text, bool whole) {
  std::vector<double> out;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    const double v = parse_flag(flag, item, [](const std::string& s) { return parse_count(s); });
    if (!(v > 0) || (whole && (v != static_cast<double>(static_cast<long long>(v)) || v > 100000)))
      throw UsageError(fmt::format("{}: bad level '{}': expected {}", flag, item,
                                   whole ? "a whole number of connections from 1 to 100000" : "a rate above 0"));
    if (std::find(out.begin(), out.end(), v) != out.end())
      throw UsageError(fmt::format("{}: level '{}' is listed twice", flag, item));
    out.push_back(v);
  }
  if (out.size() < 2)
    throw UsageError(fmt::format("{} {}: a sweep needs at least two levels (three or more for a meaningful R²)", flag,
                                 text));
  if (out.size() > kMaxLevels) throw UsageError(fmt::format("{}: {} levels, at most {}", flag, out.size(), kMaxLevels));
  return out;
}

SweepOptions parse_sweep_options(const std::vector<std::string>& args) {
  SweepOptions o;
  std::vector<std::string> run_args;
  std::optional<std::string> rates, connections;
  std::optional<double> budget_pct;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      o.help = true;
      return o;
    }
    if (auto v = take_value(args, i, {"--rates"})) {
      rates = *v;
    } else if (auto c = take_value(args, i, {"--connections", "-c"})) {
      connections = *c;
    } else if (auto p = take_value(args, i, {"--production-rate"})) {
      double r = 0;
      try {
        r = parse_count(*p);
      } catch (const BadValue&) {
        throw UsageError(fmt::format("--production-rate: bad rate '{}': expected {}, e.g. 6000, 20k, 1.5M", *p,
                                     kProductionRateRange));
      }
      if (!(r > 0 && r <= kMaxProductionRateRps))
        throw UsageError(fmt::format("--production-rate {} is out of range: expected {}", *p, kProductionRateRange));
      o.production_rate_rps = r;
    } else if (auto b = take_value(args, i, {"--budget"})) {
      // Parsed here, with size's parser, so size and sweep accept the same budgets and say
      // the same about the ones they refuse (run's own --budget is not passed this value).
      double pct = 0;
      if (std::string bad = sizing::parse_budget_pct("--budget", *b, &pct); !bad.empty()) throw UsageError(bad);
      budget_pct = pct;
    } else if (a == "--rate" || a == "-R" || a.rfind("--rate=", 0) == 0) {
      throw UsageError("--rate: a sweep takes its rates as levels: --rates 1000,2000,4000");
    } else if (a == "--verify-window" || a.rfind("--verify-window=", 0) == 0) {
      throw UsageError("--verify-window is not a sweep flag: verify a size with tracebench run --verify-window at "
                       "the load you care about");
    } else {
      run_args.push_back(a);
    }
  }
  if (rates) {
    o.axis = sizing::SweepAxis::kRate;
    o.levels = parse_levels("--rates", *rates, false);
    if (connections) {
      if (connections->find(',') != std::string::npos)
        throw UsageError("--rates and --connections LIST: sweep one axis at a time (a single --connections value "
                         "with --rates sets the pool size)");
      run_args.insert(run_args.end(), {"--connections", *connections});
    }
  } else if (connections) {
    o.axis = sizing::SweepAxis::kConnections;
    o.levels = parse_levels("--connections", *connections, true);
  } else {
    throw UsageError("a sweep needs levels: --rates 1000,2000,4000 (open loop) or --connections 8,32,128 "
                     "(closed loop)");
  }
  // Each level sets the load (a rate or a connection count), so run's default rate, a share
  // of the warm-up's throughput, does not apply.
  run_args.insert(run_args.end(), {"--rate", "max"});
  o.run = parse_run_options(run_args);
  if (budget_pct) o.run.budget_pct = budget_pct;
  if (o.run.help) o.help = true;
  return o;
}

experiment::SweepConfig sweep_config(const SweepOptions& o) {
  experiment::SweepConfig config;
  config.base = o.run.config;
  config.axis = o.axis;
  config.levels = o.levels;
  config.production_rate_rps = o.production_rate_rps;
  config.sizing.budget_pct = o.run.budget_pct;
  return config;
}

void print_sweep_plan(const SweepOptions& o, const std::vector<double>& sorted) {
  std::string levels;
  for (double l : sorted) levels += fmt::format("{}{:g}", levels.empty() ? "" : ", ", l);
  fmt::print("sweep: {} levels of {} ({}), each a full run: {} rounds per mode of {:.2f}s after a {:.1f}s "
             "warm-up\n",
             sorted.size(), sizing::to_string(o.axis), levels, o.run.config.rounds_per_mode,
             static_cast<double>(o.run.config.phase_ns()) / 1e9, static_cast<double>(o.run.config.warmup_ns) / 1e9);
  std::fflush(stdout);
}

// A line when a level starts, the live line during it, a line with its figures when it ends.
experiment::SweepHooks sweep_hooks(const std::atomic<bool>& interrupt, ProgressLine& progress, const SweepOptions& o,
                                   std::size_t levels) {
  experiment::SweepHooks hooks;
  hooks.interrupt = &interrupt;
  hooks.on_level_start = [&progress, &o, levels](std::size_t i, double level, const experiment::RunResult& run) {
    progress.clear();
    fmt::print("level {}/{}: {:g} {}: {} rounds\n", i + 1, levels, level,
               o.axis == sizing::SweepAxis::kRate ? "req/s" : "connections", run.plan.size());
    for (const auto& s : run.skipped) fmt::print("  skipping mode {}: {}\n", experiment::to_string(s.mode), s.reason);
    std::fflush(stdout);
  };
  hooks.on_progress = [&progress, levels](std::size_t i, int round, Mode mode, const load::Progress& p) {
    progress.show(fmt::format("level {}/{} {} {:<14} {:5.1f}/{:.1f}s {:>8.0f} req/s errors {}", i + 1, levels,
                              round < 0 ? std::string("warm-up") : fmt::format("round {}", round + 1),
                              experiment::to_string(mode), p.elapsed_s, p.total_s, p.recent_rps, p.errors));
  };
  hooks.on_level_done = [&progress, levels](std::size_t i, const nlohmann::json& l) {
    progress.clear();
    std::string line = fmt::format("level {}/{}: {}", i + 1, levels, l.value("status", "?"));
    if (l.contains("modes") && l["modes"].contains("off") && l["modes"]["off"]["throughput_rps"].is_number())
      line += fmt::format(", off {:.0f} req/s", l["modes"]["off"]["throughput_rps"].get<double>());
    if (l.contains("trace_bytes_per_s") && l["trace_bytes_per_s"].is_object())
      line += fmt::format(", trace {}", units::rate_text(l["trace_bytes_per_s"]["median"].get<double>()));
    fmt::print("{}\n", line);
    if (l["reason"].is_string()) fmt::print("  {}\n", l["reason"].get<std::string>());
    std::fflush(stdout);
  };
  return hooks;
}

// sweep.json and the reports into the out folder; kExitRunFailed when one cannot be written.
int write_sweep_outputs(const std::string& out_dir, const nlohmann::json& sweep) {
  int code = kExitOk;
  std::ofstream out(out_dir + "/sweep.json");
  out << sweep.dump(2) << "\n";
  if (!out) {
    fmt::print(stderr, "tracebench sweep: cannot write '{}/sweep.json'\n", out_dir);
    code = kExitRunFailed;
  } else {
    fmt::print("result: {}/sweep.json (each level's run: {}/level-N/result.json)\n", out_dir, out_dir);
  }
  // The same reports run writes beside its result, here for the sweep document.
  try {
    for (const auto& w : reports::write_run_reports(sweep, out_dir)) fmt::print("warning: {}\n", w);
    fmt::print("report: {}/report.html, {}/report.md\n", out_dir, out_dir);
  } catch (const std::exception& e) {
    fmt::print(stderr, "tracebench sweep: {}\n", e.what());
    code = kExitRunFailed;
  }
  return code;
}

int sweep_exit_code(const nlohmann::json& sweep, int write_code) {
  if (!sweep.value("complete", false)) {
    fmt::print(stderr, "tracebench sweep: stopped early: {}\n", sweep.value("stop_reason", std::string("?")));
    return kExitRunFailed;
  }
  if (write_code != kExitOk) return write_code;
  // Levels the target could not reach, or runs marked invalid, make the model rest on less.
  for (const auto& l : sweep["levels"]) {
    if (result::level_status(l) != result::LevelStatus::kMeasured) return kExitInvalid;
    if (l.contains("invalid_reasons") && !l["invalid_reasons"].empty()) return kExitInvalid;
  }
  return kExitOk;
}

}  // namespace

int sweep_command(const std::vector<std::string>& args) {
  SweepOptions o;
  try {
    o = parse_sweep_options(args);
  } catch (const UsageError& e) {
    fmt::print(stderr, "tracebench sweep: {}\n", e.what());
    return kExitUsage;
  }
  if (o.help) {
    fmt::print("{}", sweep_usage());
    return kExitOk;
  }
  const auto& interrupt = install_interrupt_handler();

  // Stops a launched target when the command returns.
  const std::optional<experiment::TargetSetup> setup = set_up_target(o.run, "sweep", false);
  if (!setup) return kExitRunFailed;

  const experiment::SweepConfig config = sweep_config(o);
  const bool temp_out = o.run.out_dir.empty();
  std::string out_dir;
  try {
    out_dir = temp_out ? experiment::make_temp_dir("tracebench-sweep") : o.run.out_dir;
    std::filesystem::create_directories(out_dir);
  } catch (const std::exception& e) {
    fmt::print(stderr, "tracebench sweep: cannot create '{}': {}\n", o.run.out_dir, e.what());
    return kExitRunFailed;
  }

  std::vector<double> sorted = o.levels;
  std::sort(sorted.begin(), sorted.end());
  print_sweep_plan(o, sorted);

  ProgressLine progress(o.run.progress);
  nlohmann::json sweep;
  try {
    sweep = experiment::run_sweep(config, out_dir, sweep_hooks(interrupt, progress, o, sorted.size()),
                                  run_context(command_line()));
  } catch (const load::TargetUnreachable& e) {
    progress.clear();
    fmt::print(stderr, "tracebench sweep: {}\n", e.what());
    if (temp_out) std::filesystem::remove_all(out_dir);
    return kExitRunFailed;
  }
  progress.clear();
  for (const auto& w : machine_warnings()) sweep["warnings"].push_back(w);
  fmt::print("{}", reports::format_sweep(result::read_sweep(sweep)));
  for (const auto& w : sweep["warnings"]) fmt::print("warning: {}\n", w.get<std::string>());

  int write_code = kExitOk;
  if (!temp_out)
    write_code = write_sweep_outputs(out_dir, sweep);
  else
    std::filesystem::remove_all(out_dir);
  return sweep_exit_code(sweep, write_code);
}

}  // namespace tracebench::cli
