#pragma once
// Where the target's CPU per request comes from (--target-cpu): /proc when the target runs
// on this machine, the agent's process endpoint when it does not.

#include <optional>
#include <string_view>

namespace tracebench::experiment {

enum class TargetCpu {
  kAuto,   // /proc when the target's pid is known here, else the agent when it answers
  kProc,   // /proc/<pid>: the target must run on this machine
  kAgent,  // the agent's GET process: CPU time from the target's own operating system
};

std::string_view to_string(TargetCpu s);  // "auto", "proc", "agent"
std::optional<TargetCpu> parse_target_cpu(std::string_view text);

}  // namespace tracebench::experiment
