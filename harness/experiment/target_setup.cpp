#include "experiment/target_setup.h"

#include <fmt/core.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "load/socket_address.h"
#include "target/agent_client.h"
#include "target/pprof_capture.h"

namespace tracebench::experiment {
namespace {

bool wants(const RunConfig& c, Mode m) { return std::find(c.modes.begin(), c.modes.end(), m) != c.modes.end(); }

void say(const TargetSetupOptions& o, const std::string& line) {
  if (o.note) o.note(line);
}

std::unique_ptr<target::LaunchedTarget> launch(RunConfig& config, const TargetSetupOptions& o) {
  const CpuSplit split = o.pin ? split_cpus(target::allowed_cpus()) : CpuSplit{};
  if (!o.log_dir.empty()) std::filesystem::create_directories(o.log_dir);
  const std::string log =
      (o.log_dir.empty() ? std::filesystem::temp_directory_path().string() : o.log_dir) + "/target.log";
  std::unique_ptr<target::LaunchedTarget> launched;
  try {
    launched = std::make_unique<target::LaunchedTarget>(o.exec_command, split.target_cpus, log);
  } catch (const std::exception& e) {
    throw SetupFailed(fmt::format("--exec: {}", e.what()));
  }
  const load::Endpoint& t = config.load.target;
  if (std::string why = launched->wait_until_listening(t.host, t.port, 10'000'000'000); !why.empty())
    throw SetupFailed(fmt::format("--exec '{}': {}", o.exec_command, why));
  if (o.pin && split.own_cpus.empty())
    say(o, fmt::format("--pin does nothing: this process may use only CPU {}, so the target and tracebench share it",
                       target::cpu_list_text(target::allowed_cpus())));
  if (!split.own_cpus.empty()) {
    if (std::string why = target::pin_current_thread(split.own_cpus); !why.empty()) say(o, "--pin: " + why);
  }
  // The process that serves the port: for a compound command ("cd /srv && ./srv") the
  // launched pid is /bin/sh, whose CPU would read as the target's.
  if (!config.target_pid) {
    if (auto pid = launched->listening_pid(t.port)) {
      config.target_pid = *pid;
    } else {
      config.target_pid = launched->pid();
      say(o, fmt::format("--exec: no process of `{}` is seen listening on port {}; measuring pid {} (pass "
                         "--target-pid if that is not the server)",
                         o.exec_command, t.port, launched->pid()));
    }
  }
  return launched;
}

// The target first: when it is down, that is the one thing to say.
void check_target_answers(const RunConfig& config) {
  try {
    const load::SocketAddress addr = load::resolve(config.load.target);
    if (std::string why = load::check_reachable(addr, config.load.target, config.load.connect_timeout_ns);
        !why.empty())
      throw SetupFailed(why);
  } catch (const SetupFailed&) {
    throw;
  } catch (const std::exception& e) {
    throw SetupFailed(e.what());
  }
}

void discover_pprof(RunConfig& c, const TargetSetupOptions& o) {
  const std::vector<load::Endpoint> tried =
      o.pprof_given ? std::vector<load::Endpoint>{*c.pprof} : debug_candidates(c.load.target);
  c.pprof.reset();
  std::string reasons;
  for (const auto& e : tried) {
    std::string why = target::probe_pprof(e.host, e.port);
    if (why.empty()) {
      c.pprof = e;
      return;
    }
    reasons += fmt::format("{}{}", reasons.empty() ? "" : "; ", why);
  }
  throw SetupFailed(fmt::format("no /debug/pprof/trace found (tried {}): import net/http/pprof on the target's debug "
                                "mux and pass --pprof HOST:PORT, or leave trace out of --modes",
                                reasons));
}

// Fills c.agent, or c.agent_skip_reason with what each address answered.
void discover_agent(RunConfig& c, const TargetSetupOptions& o) {
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
        return;
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
    if (o.agent_given) throw SetupFailed(fmt::format("--agent {}: {}", e.display(), why));
    reasons += fmt::format("{}{}", reasons.empty() ? "" : "; ", why);
  }
  c.agent_skip_reason = !needs_token.empty()
                            ? needs_token
                            : fmt::format("no flight-recorder agent found (tried {}): add the flight-recorder agent "
                                          "to the target's debug mux (agent.Register, see docs/agent.md) and pass "
                                          "--agent HOST:PORT",
                                          reasons);
}

}  // namespace

CpuSplit split_cpus(const std::vector<int>& allowed) {
  CpuSplit s;
  if (allowed.size() < 2) return s;
  s.target_cpus = {allowed.back()};
  s.own_cpus.assign(allowed.begin(), allowed.end() - 1);
  return s;
}

std::vector<load::Endpoint> debug_candidates(const load::Endpoint& target) {
  std::vector<load::Endpoint> out = {target};
  if (target.port != 6060) out.push_back({target.host, 6060});
  return out;
}

TargetSetup set_up_target(RunConfig& config, const TargetSetupOptions& options) {
  TargetSetup setup;
  if (!options.exec_command.empty()) setup.launched = launch(config, options);
  check_target_answers(config);
  if (wants(config, Mode::kTrace)) discover_pprof(config, options);
  // The agent serves the flightrecorder mode and --verify-window alike.
  if (wants(config, Mode::kFlightRecorder) || options.agent_wanted) discover_agent(config, options);
  return setup;
}

std::string make_temp_dir(std::string_view prefix) {
  std::string templ = (std::filesystem::temp_directory_path() / fmt::format("{}-XXXXXX", prefix)).string();
  if (!::mkdtemp(templ.data())) throw std::runtime_error("cannot create a temporary directory");
  return templ;
}

}  // namespace tracebench::experiment
