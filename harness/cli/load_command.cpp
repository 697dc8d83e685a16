// `tracebench load`: a plain load test with the same engine and histogram `run` uses.

#include <fmt/core.h>

#include <fstream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/interrupt.h"
#include "cli/load_options.h"
#include "cli/load_summary.h"
#include "cli/progress_line.h"
#include "cli/run_context.h"
#include "cli/usage_error.h"
#include "load/load_result_json.h"
#include "load/load_runner.h"

namespace tracebench::cli {

int load_command(const std::vector<std::string>& args) {
  LoadOptions opts;
  try {
    opts = parse_load_options(args);
  } catch (const UsageError& e) {
    fmt::print(stderr, "tracebench load: {}\n", e.what());
    return kExitUsage;
  }
  if (opts.help) {
    fmt::print("{}", load_usage());
    return kExitOk;
  }
  const auto& cfg = opts.config;

  ProgressLine progress(opts.progress);
  load::RunHooks hooks;
  hooks.interrupt = &install_interrupt_handler();
  hooks.on_progress = [&](const load::Progress& p) {
    progress.show(fmt::format("{} {:5.1f}s/{:.1f}s  {:>9.0f} req/s  requests {}  errors {}",
                              p.warming_up ? "warm-up" : "load   ", p.elapsed_s, p.total_s, p.recent_rps, p.requests,
                              p.errors));
  };
  load::LoadResult result;
  try {
    result = load::run_load(cfg, hooks);
  } catch (const load::TargetUnreachable& e) {
    progress.clear();
    fmt::print(stderr, "tracebench load: {}\n", e.what());
    return kExitRunFailed;
  }
  progress.clear();

  const auto invalid = invalid_measurement_reasons(result);
  auto warnings = load_warnings(result);
  for (auto& w : machine_warnings()) warnings.push_back(w);
  fmt::print("{}", format_load_summary(cfg, result, opts.spectrum));
  for (const auto& w : warnings) fmt::print("  warning: {}\n", w);
  for (const auto& w : invalid) fmt::print("  INVALID: {}\n", w);

  if (!opts.json_path.empty()) {
    nlohmann::json j = load::to_json(cfg, result);
    j["context"] = run_context(command_line());
    j["warnings"] = warnings;
    j["invalid_reasons"] = invalid;
    std::ofstream out(opts.json_path);
    out << j.dump(2) << "\n";
    if (!out) {
      fmt::print(stderr, "tracebench load: cannot write --json file '{}'\n", opts.json_path);
      return kExitRunFailed;
    }
  }

  if (!result.complete) return kExitRunFailed;
  if (result.requests == 0) {
    fmt::print(stderr,
               "tracebench load: no response from {} in the measured window ({} errors){}\n", cfg.target.display(),
               result.errors.total(),
               result.errors[load::ErrorKind::kParse] ? ": the peer does not answer in HTTP/1.1" : "");
    return kExitRunFailed;
  }
  if (!invalid.empty()) return kExitInvalid;
  return kExitOk;
}

}  // namespace tracebench::cli
