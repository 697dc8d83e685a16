#pragma once
// Target set-up, the one step `run`, `sweep` and window verification share before any
// round: launch the target (--exec) and pin it, pick the pid to watch, check the target
// answers, and discover the pprof and agent endpoints (with the agent's skip reason or the
// 401 hint). Blocking; call from one thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "experiment/run_config.h"
#include "target/launched_target.h"

namespace tracebench::experiment {

// The set-up could not give a target to measure. what() is one line without the command's
// name ("--exec './srv': `./srv` exited with code 1 ..."), printed after "tracebench run: ".
struct SetupFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct TargetSetupOptions {
  std::string exec_command;  // --exec: start the target ourselves; empty: it already runs
  bool pin = false;          // --pin: the target on the last allowed CPU, tracebench on the rest
  std::string log_dir;       // target.log goes here (created); empty: the system temp dir
  bool pprof_given = false;  // config.pprof came from --pprof: only it is tried, and must answer
  bool agent_given = false;  // config.agent came from --agent: only it is tried, and must answer
  bool agent_wanted = false; // look the agent up even without the flightrecorder mode (--verify-window)
  // Lines that do not stop the set-up ("--pin does nothing: ..."), without the command name.
  std::function<void(const std::string&)> note;
};

// What the set-up owns: the launched target (stopped when this is destroyed), if any.
struct TargetSetup {
  std::unique_ptr<target::LaunchedTarget> launched;
};

// Fills config.pprof, config.agent or config.agent_skip_reason, and config.target_pid (for a
// launched target: the process listening on the target's port, else the launched pid with a
// note). Throws SetupFailed when the target cannot be launched or does not answer, the trace
// mode is asked for and no pprof answers, or an --agent given does not answer as an agent.
TargetSetup set_up_target(RunConfig& config, const TargetSetupOptions& options);

// --pin's split of the CPUs this process may use (a cpuset or taskset may allow fewer than
// the machine has): the last for the target, the rest for tracebench; both empty with fewer
// than two CPUs.
struct CpuSplit {
  std::vector<int> target_cpus, own_cpus;
};
CpuSplit split_cpus(const std::vector<int>& allowed);

// Where the debug endpoints are looked for when none is given: the target's own address
// (pprof on the main mux), then the conventional :6060 on the same host.
std::vector<load::Endpoint> debug_candidates(const load::Endpoint& target);

// A new empty directory under the system temp dir, named `prefix`-XXXXXX. Throws
// std::runtime_error when it cannot be created.
std::string make_temp_dir(std::string_view prefix);

}  // namespace tracebench::experiment
