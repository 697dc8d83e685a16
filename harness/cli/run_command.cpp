// `tracebench run`: the three-mode overhead experiment.

#include <fmt/core.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/interrupt.h"
#include "cli/progress_line.h"
#include "cli/run_context.h"
#include "cli/run_options.h"
#include "cli/run_summary.h"
#include "cli/target_setup_flags.h"
#include "cli/usage_error.h"
#include "experiment/analysis.h"
#include "experiment/benchstat_format.h"
#include "experiment/experiment.h"
#include "experiment/run_result_json.h"
#include "experiment/trace_timing.h"
#include "experiment/verify_window.h"
#include "load/load_runner.h"
#include "load/socket_address.h"
#include "reports/render.h"
#include "reports/recommendations_text.h"
#include "result/recommendations.h"
#include "sizing/result_rates.h"
#include "sizing/sizing.h"

namespace tracebench::cli {
namespace {

using experiment::Mode;

// The live line: rounds done of a plan that grows when blocks are added (adaptive length, a
// dropped block run again).
experiment::ExperimentHooks run_hooks(const std::atomic<bool>& interrupt, ProgressLine& progress,
                                      const experiment::RunResult& run) {
  experiment::ExperimentHooks hooks;
  hooks.interrupt = &interrupt;
  hooks.on_plan = [](const experiment::RunResult& r) { fmt::print("{}\n", format_plan(r)); std::fflush(stdout); };
  hooks.on_progress = [&progress, &run](int index, Mode mode, const load::Progress& p) {
    const std::size_t total_rounds = std::max<std::size_t>(run.plan.size(), 1);
    const std::size_t done = index < 0 ? 0 : std::min(static_cast<std::size_t>(index), total_rounds);
    const int width = 20;
    const int filled = static_cast<int>(static_cast<double>(width) * static_cast<double>(done) / static_cast<double>(total_rounds));
    progress.show(fmt::format("[{}{}] {} {:<14} {:5.1f}/{:.1f}s {:>8.0f} req/s errors {}",
                              std::string(static_cast<std::size_t>(filled), '#'), std::string(static_cast<std::size_t>(width - filled), '.'),
                              index < 0 ? std::string("warm-up") : fmt::format("round {}/{}", index + 1, total_rounds),
                              experiment::to_string(mode), p.elapsed_s, p.total_s, p.recent_rps, p.errors));
  };
  return hooks;
}

void print_summary(const experiment::RunResult& run, const experiment::Analysis& analysis) {
  fmt::print("{}", format_run_summary(run, analysis));
  for (const auto& w : run.warnings) fmt::print("warning: {}\n", w);
  for (const auto& w : analysis.warnings) fmt::print("warning: {}\n", w);
  for (const auto& w : machine_warnings()) fmt::print("warning: {}\n", w);
  for (const auto& w : analysis.invalid_reasons) fmt::print("INVALID: {}\n", w);
}

// The result document with sizing's recommendations.
nlohmann::json result_document(const RunOptions& o, const experiment::RunResult& run, const experiment::Analysis& analysis,
                               bool interrupted) {
  nlohmann::json j = experiment::to_json(run, analysis, run_context(command_line()));
  for (const auto& w : machine_warnings()) j["warnings"].push_back(w);
  sizing::SizingOptions sizing_options;
  sizing_options.budget_pct = o.budget_pct;
  // With --keep-traces the captures stay on disk, so `go tool trace` is timed on the largest,
  // as `tracebench size` does; without them the recommendations say where to get it.
  experiment::time_reader_on_kept_trace(j, sizing_options);
  if (run.config.keep_traces && !interrupted) experiment::time_go_tool_trace_on_kept_trace(j, sizing_options);
  j["recommendations"] = sizing::recommend(j, sizing_options);
  return j;
}

// --verify-window: run it after a complete run; asked for and not run is said in the result
// too, never dropped.
std::optional<experiment::Verification> verify_if_asked(const RunOptions& o, const experiment::RunResult& run,
                                                        nlohmann::json& j, bool interrupted) {
  if (!o.verify_window_ns) return std::nullopt;
  std::optional<experiment::Verification> verification;
  if (!run.complete || interrupted) {
    verification = experiment::skipped_verification(
        *o.verify_window_ns, fmt::format("the run stopped early ({}): a window is verified only after a complete run",
                                         run.complete ? "interrupted" : run.stop_reason));
  } else if (!run.config.agent && !run.config.agent_skip_reason.empty()) {
    verification = experiment::skipped_verification(*o.verify_window_ns, run.config.agent_skip_reason);
  } else {
    verification = experiment::verify_window(run.config, j, *o.verify_window_ns, [&](const std::string& line) {
      fmt::print("{}\n", line);
      std::fflush(stdout);
    });
  }
  j["verification"] = verification->document;
  return verification;
}

// result.json, run.bench and the reports into --out; kExitRunFailed when one cannot be written.
int write_outputs(const RunOptions& o, const experiment::RunResult& run, const nlohmann::json& j) {
  std::ofstream json_out(o.out_dir + "/result.json");
  json_out << j.dump(2) << "\n";
  std::ofstream bench_out(o.out_dir + "/run.bench");
  experiment::write_benchstat(bench_out, run);
  int code = kExitOk;
  if (!json_out || !bench_out) {
    fmt::print(stderr, "tracebench run: cannot write the result into '{}'\n", o.out_dir);
    code = kExitRunFailed;
  } else {
    fmt::print("result: {}/result.json (benchstat -col /mode {}/run.bench)\n", o.out_dir, o.out_dir);
  }
  try {
    for (const auto& w : reports::write_run_reports(j, o.out_dir)) fmt::print("warning: {}\n", w);
    fmt::print("report: {}/report.html, {}/report.md\n", o.out_dir, o.out_dir);
    if (const auto kept = experiment::kept_trace_files(j); !kept.empty())
      fmt::print("profiles: tracebench inspect {} --pprof sync=sync.pb.gz (or net, syscall, sched) writes the "
                 "blocking profile of a kept capture for go tool pprof, and shows where goroutine time went\n",
                 kept.front());
  } catch (const std::exception& e) {
    fmt::print(stderr, "tracebench run: {}\n", e.what());
    code = kExitRunFailed;
  }
  return code;
}

// Stopped early, unwritable, invalid, or a window not shown to hold: each its exit code.
int exit_code(const experiment::RunResult& run, const experiment::Analysis& analysis,
              const std::optional<experiment::Verification>& verification, int write_code) {
  if (!run.complete) {
    fmt::print(stderr, "tracebench run: stopped early: {}\n", run.stop_reason);
    return kExitRunFailed;
  }
  if (write_code != kExitOk) return write_code;
  if (!analysis.invalid_reasons.empty()) return kExitInvalid;
  // A window that was not shown to hold (short after every retry, or an attempt that failed)
  // leaves the recommendation unproven: inconclusive.
  if (verification && sizing::inconclusive(verification->status)) {
    const nlohmann::json& reason = verification->document["reason"];
    fmt::print(stderr, "tracebench run: --verify-window: the window was not verified ({}): {}\n",
               sizing::to_string(verification->status),
               reason.is_string() ? reason.get<std::string>() : std::string("no reason given"));
    return kExitInvalid;
  }
  return kExitOk;
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  RunOptions o;
  try {
    o = parse_run_options(args);
  } catch (const UsageError& e) {
    fmt::print(stderr, "tracebench run: {}\n", e.what());
    return kExitUsage;
  }
  if (o.help) {
    fmt::print("{}", run_usage());
    return kExitOk;
  }
  const auto& interrupt = install_interrupt_handler();

  // Stops a launched target when the command returns.
  const std::optional<experiment::TargetSetup> setup = set_up_target(o, "run", o.verify_window_ns.has_value() || o.config.target_cpu != experiment::TargetCpu::kProc);
  if (!setup) return kExitRunFailed;
  const bool temp_out = o.out_dir.empty();
  o.config.out_dir = temp_out ? experiment::make_temp_dir("tracebench") : o.out_dir;

  experiment::RunResult run;
  try {
    run = experiment::prepare_run(o.config);
  } catch (const std::exception& e) {  // load::TargetUnreachable included
    fmt::print(stderr, "tracebench run: {}\n", e.what());
    return kExitRunFailed;
  }

  ProgressLine progress(o.progress);
  experiment::execute_run(run, run_hooks(interrupt, progress, run));
  progress.clear();

  const experiment::Analysis analysis = experiment::analyse(run);
  print_summary(run, analysis);
  nlohmann::json j = result_document(o, run, analysis, interrupt.load());
  const auto verification = verify_if_asked(o, run, j, interrupt.load());
  fmt::print("{}", reports::format_recommendations(result::read_recommendations_object(j["recommendations"]),
                                                    result::read_verification(j)));

  int write_code = kExitOk;
  if (!temp_out)
    write_code = write_outputs(o, run, j);
  else
    std::filesystem::remove_all(o.config.out_dir);
  return exit_code(run, analysis, verification, write_code);
}

}  // namespace tracebench::cli
