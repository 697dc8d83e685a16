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
#include "cli/usage_error.h"
#include "experiment/analysis.h"
#include "experiment/benchstat_format.h"
#include "experiment/experiment.h"
#include "experiment/run_result_json.h"
#include "load/load_runner.h"
#include "load/socket_address.h"
#include "reports/render.h"
#include "sizing/parse_speed.h"
#include "sizing/result_rates.h"
#include "sizing/sizing.h"
#include "target/agent_client.h"
#include "target/launched_target.h"
#include "target/pprof_capture.h"

namespace tracebench::cli {
namespace {

// With --keep-traces the captures stay on disk, so `go tool trace` is timed on the largest,
// as `tracebench size` does; without them the recommendations say where to get it. Tens of
// seconds on a large capture, hence only for runs that kept their files.
void time_go_tool_trace(const nlohmann::json& result, sizing::SizingOptions& s) {
  const std::vector<std::string> files = sizing::kept_trace_files(result);
  if (files.empty()) return;
  const std::string go = sizing::find_go_binary();
  if (go.empty()) {
    s.parse_speed_notes.push_back("go tool trace not timed: no go command in $PATH or /usr/local/go/bin");
    return;
  }
  fmt::print(stderr, "timing go tool trace on {} ...\n", files.front());
  std::string why;
  if (auto speed = sizing::measure_go_tool_trace(files.front(), go, 180.0, &why))
    s.parse_speeds.push_back(*speed);
  else
    s.parse_speed_notes.push_back("go tool trace not timed: " + why);
}

using experiment::Mode;

bool wants(const experiment::RunConfig& c, Mode m) {
  return std::find(c.modes.begin(), c.modes.end(), m) != c.modes.end();
}

// Candidate debug addresses when none is given: the target itself (pprof on the main mux),
// then the conventional :6060 on the same host.
std::vector<load::Endpoint> debug_candidates(const load::Endpoint& target) {
  std::vector<load::Endpoint> out = {target};
  if (target.port != 6060) out.push_back({target.host, 6060});
  return out;
}

// Fills config.pprof and config.agent (or config.agent_skip_reason: what each address
// answered); returns an error line when the trace mode cannot run or an --agent given
// explicitly does not answer as an agent.
std::string discover_endpoints(RunOptions& o) {
  auto& c = o.config;
  if (wants(c, Mode::kTrace)) {
    std::vector<load::Endpoint> tried = o.pprof_given ? std::vector<load::Endpoint>{*c.pprof} : debug_candidates(c.load.target);
    c.pprof.reset();
    std::string reasons;
    for (const auto& e : tried) {
      std::string why = target::probe_pprof(e.host, e.port);
      if (why.empty()) {
        c.pprof = e;
        break;
      }
      reasons += fmt::format("{}{}", reasons.empty() ? "" : "; ", why);
    }
    if (!c.pprof)
      return fmt::format("no /debug/pprof/trace found (tried {}): import net/http/pprof on the target's debug mux "
                         "and pass --pprof HOST:PORT, or leave trace out of --modes",
                         reasons);
  }
  // The agent serves the flightrecorder mode and --verify-window alike.
  if (wants(c, Mode::kFlightRecorder) || o.verify_window_ns) {
    std::vector<load::Endpoint> tried;
    if (o.agent_given) {
      tried = {*c.agent};
    } else {
      if (c.pprof) tried.push_back(*c.pprof);
      for (const auto& e : debug_candidates(c.load.target))
        if (!c.pprof || e.display() != c.pprof->display()) tried.push_back(e);
    }
    c.agent.reset();
    std::string reasons, needs_token;
    for (const auto& e : tried) {
      target::AgentClient client(e.host, e.port, c.agent_token, 2'000'000'000);
      std::string why;
      try {
        if (auto status = client.probe()) {
          c.agent = e;
          // A recorder left running by an earlier run; if it cannot be stopped, the first
          // flight-recorder round says so.
          if (status->enabled) {
            try {
              client.stop();
            } catch (const target::AgentError&) {
            }
          }
          break;
        }
        why = fmt::format("no agent at {} (HTTP 404)", client.url("status"));
      } catch (const target::AgentError& err) {
        if (err.http_status() == 401) {
          needs_token = fmt::format("agent found at {}, but it answered 401: pass --agent-token{}", e.display(),
                                    c.agent_token.empty() ? " TOKEN" : " with the token the target was given");
          why = needs_token;
        } else {
          why = err.what();
        }
      }
      // An address given explicitly must work: quietly skipping would hide a typo.
      if (o.agent_given) return fmt::format("--agent {}: {}", e.display(), why);
      reasons += fmt::format("{}{}", reasons.empty() ? "" : "; ", why);
    }
    if (!c.agent)
      c.agent_skip_reason = !needs_token.empty()
                                ? needs_token
                                : fmt::format("no flight-recorder agent found (tried {}): add the flight-recorder agent "
                                              "to the target's debug mux (agent.Register, see docs/agent.md) and pass "
                                              "--agent HOST:PORT",
                                              reasons);
  }
  return {};
}

// The "verification" object for a --verify-window that did not run, in the shape
// sizing::verify_window() gives its own skips.
nlohmann::json skipped_verification(std::int64_t window_ns, const std::string& why) {
  return {{"window_s", static_cast<double>(window_ns) / 1e9},
          {"status", "skipped"},
          {"attempts", nlohmann::json::array()},
          {"reason", why},
          {"final_max_bytes", nullptr}};
}

std::string make_temp_dir() {
  std::string templ = (std::filesystem::temp_directory_path() / "tracebench-XXXXXX").string();
  if (!::mkdtemp(templ.data())) throw std::runtime_error("cannot create a temporary directory");
  return templ;
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

  std::unique_ptr<target::LaunchedTarget> launched;
  if (!o.exec_command.empty()) {
    // --pin splits the CPUs this process may use (a cpuset or taskset may allow fewer than
    // the machine has): the last for the target, the rest for tracebench.
    const std::vector<int> cpus = target::allowed_cpus();
    std::vector<int> target_cpus, own_cpus;
    if (o.pin && cpus.size() >= 2) {
      target_cpus = {cpus.back()};
      own_cpus.assign(cpus.begin(), cpus.end() - 1);
    }
    const std::string log = (o.out_dir.empty() ? std::filesystem::temp_directory_path().string() : o.out_dir) +
                            "/target.log";
    if (!o.out_dir.empty()) std::filesystem::create_directories(o.out_dir);
    try {
      launched = std::make_unique<target::LaunchedTarget>(o.exec_command, target_cpus, log);
    } catch (const std::exception& e) {
      fmt::print(stderr, "tracebench run: --exec: {}\n", e.what());
      return kExitRunFailed;
    }
    if (std::string why = launched->wait_until_listening(o.config.load.target.host, o.config.load.target.port,
                                                         10'000'000'000);
        !why.empty()) {
      fmt::print(stderr, "tracebench run: --exec '{}': {}\n", o.exec_command, why);
      return kExitRunFailed;
    }
    if (o.pin && cpus.size() < 2)
      fmt::print(stderr,
                 "tracebench run: --pin does nothing: this process may use only CPU {}, so the target and tracebench "
                 "share it\n",
                 target::cpu_list_text(cpus));
    if (!own_cpus.empty()) {
      if (std::string why = target::pin_current_thread(own_cpus); !why.empty())
        fmt::print(stderr, "tracebench run: --pin: {}\n", why);
    }
    // The process that serves the port: for a compound command ("cd /srv && ./srv") the
    // launched pid is /bin/sh, whose CPU would read as the target's.
    if (!o.config.target_pid) {
      if (auto pid = launched->listening_pid(o.config.load.target.port)) {
        o.config.target_pid = *pid;
      } else {
        o.config.target_pid = launched->pid();
        fmt::print(stderr,
                   "tracebench run: --exec: no process of `{}` is seen listening on port {}; measuring pid {} (pass "
                   "--target-pid if that is not the server)\n",
                   o.exec_command, o.config.load.target.port, launched->pid());
      }
    }
  }

  // The target first: when it is down, that is the one thing to say.
  try {
    const load::SocketAddress addr = load::resolve(o.config.load.target);
    if (std::string why = load::check_reachable(addr, o.config.load.target, o.config.load.connect_timeout_ns);
        !why.empty()) {
      fmt::print(stderr, "tracebench run: {}\n", why);
      return kExitRunFailed;
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "tracebench run: {}\n", e.what());
    return kExitRunFailed;
  }

  if (std::string why = discover_endpoints(o); !why.empty()) {
    fmt::print(stderr, "tracebench run: {}\n", why);
    return kExitRunFailed;
  }
  const bool temp_out = o.out_dir.empty();
  o.config.out_dir = temp_out ? make_temp_dir() : o.out_dir;

  experiment::RunResult run;
  try {
    run = experiment::prepare_run(o.config);
  } catch (const load::TargetUnreachable& e) {
    fmt::print(stderr, "tracebench run: {}\n", e.what());
    return kExitRunFailed;
  } catch (const std::exception& e) {
    fmt::print(stderr, "tracebench run: {}\n", e.what());
    return kExitRunFailed;
  }

  ProgressLine progress(o.progress);
  experiment::ExperimentHooks hooks;
  hooks.interrupt = &interrupt;
  hooks.on_plan = [](const experiment::RunResult& r) { fmt::print("{}\n", format_plan(r)); std::fflush(stdout); };
  hooks.on_progress = [&](int index, Mode mode, const load::Progress& p) {
    // The plan grows when blocks are added (adaptive length, a dropped block run again).
    const std::size_t total_rounds = std::max<std::size_t>(run.plan.size(), 1);
    const std::size_t done = index < 0 ? 0 : std::min(static_cast<std::size_t>(index), total_rounds);
    const int width = 20;
    const int filled = static_cast<int>(static_cast<double>(width) * static_cast<double>(done) / static_cast<double>(total_rounds));
    progress.show(fmt::format("[{}{}] {} {:<14} {:5.1f}/{:.1f}s {:>8.0f} req/s errors {}",
                              std::string(static_cast<std::size_t>(filled), '#'), std::string(static_cast<std::size_t>(width - filled), '.'),
                              index < 0 ? std::string("warm-up") : fmt::format("round {}/{}", index + 1, total_rounds),
                              experiment::to_string(mode), p.elapsed_s, p.total_s, p.recent_rps, p.errors));
  };
  experiment::execute_run(run, hooks);
  progress.clear();

  const experiment::Analysis analysis = experiment::analyse(run);
  fmt::print("{}", format_run_summary(run, analysis));
  for (const auto& w : run.warnings) fmt::print("warning: {}\n", w);
  for (const auto& w : analysis.warnings) fmt::print("warning: {}\n", w);
  for (const auto& w : machine_warnings()) fmt::print("warning: {}\n", w);
  for (const auto& w : analysis.invalid_reasons) fmt::print("INVALID: {}\n", w);

  nlohmann::json j = experiment::to_json(run, analysis, run_context(command_line()));
  for (const auto& w : machine_warnings()) j["warnings"].push_back(w);
  sizing::SizingOptions sizing_options;
  sizing_options.budget_pct = o.budget_pct;
  if (run.config.keep_traces && !interrupt.load()) time_go_tool_trace(j, sizing_options);
  j["recommendations"] = sizing::recommend(j, sizing_options);
  if (o.verify_window_ns) {
    // Asked for and not run is said in the result too, never dropped.
    if (!run.complete || interrupt.load()) {
      j["verification"] = skipped_verification(
          *o.verify_window_ns, fmt::format("the run stopped early ({}): a window is verified only after a complete run",
                                           run.complete ? "interrupted" : run.stop_reason));
    } else if (!run.config.agent && !run.config.agent_skip_reason.empty()) {
      j["verification"] = skipped_verification(*o.verify_window_ns, run.config.agent_skip_reason);
    } else {
      j["verification"] = sizing::verify_window(run.config, j, *o.verify_window_ns, [&](const std::string& line) {
        fmt::print("{}\n", line);
        std::fflush(stdout);
      });
    }
  }
  fmt::print("{}", sizing::format_recommendations(j["recommendations"], j.value("verification", nlohmann::json())));

  int code = kExitOk;
  if (!temp_out) {
    std::ofstream json_out(o.out_dir + "/result.json");
    json_out << j.dump(2) << "\n";
    std::ofstream bench_out(o.out_dir + "/run.bench");
    experiment::write_benchstat(bench_out, run);
    if (!json_out || !bench_out) {
      fmt::print(stderr, "tracebench run: cannot write the result into '{}'\n", o.out_dir);
      code = kExitRunFailed;
    } else {
      fmt::print("result: {}/result.json (benchstat -col /mode {}/run.bench)\n", o.out_dir, o.out_dir);
    }
    try {
      for (const auto& w : reports::write_run_reports(j, o.out_dir)) fmt::print("warning: {}\n", w);
      fmt::print("report: {}/report.html, {}/report.md\n", o.out_dir, o.out_dir);
    } catch (const std::exception& e) {
      fmt::print(stderr, "tracebench run: {}\n", e.what());
      code = kExitRunFailed;
    }
  } else {
    std::filesystem::remove_all(o.config.out_dir);
  }
  if (!run.complete) {
    fmt::print(stderr, "tracebench run: stopped early: {}\n", run.stop_reason);
    return kExitRunFailed;
  }
  if (code != kExitOk) return code;
  if (!analysis.invalid_reasons.empty()) return kExitInvalid;
  // A window that was not shown to hold (short after every retry, or an attempt that failed)
  // leaves the recommendation unproven: inconclusive.
  if (j.contains("verification")) {
    const std::string status = j["verification"].value("status", "");
    if (status == "short" || status == "failed") {
      const nlohmann::json& reason = j["verification"]["reason"];
      fmt::print(stderr, "tracebench run: --verify-window: the window was not verified ({}): {}\n", status,
                 reason.is_string() ? reason.get<std::string>() : std::string("no reason given"));
      return kExitInvalid;
    }
  }
  return kExitOk;
}

}  // namespace tracebench::cli
