#pragma once
// `run` and `sweep` set the target up from the same flags (--exec, --pin, --out, --pprof,
// --agent): experiment::set_up_target with those, its notes and failure printed to stderr
// after "tracebench COMMAND: ".

#include <optional>
#include <string_view>

#include "cli/run_options.h"
#include "experiment/target_setup.h"

namespace tracebench::cli {

// nullopt when the set-up failed (already said): the command exits kExitRunFailed.
// agent_wanted: look the agent up without the flightrecorder mode (run --verify-window).
std::optional<experiment::TargetSetup> set_up_target(RunOptions& o, std::string_view command, bool agent_wanted);

}  // namespace tracebench::cli
