#include "cli/target_setup_flags.h"

#include <fmt/core.h>

#include <string>

namespace tracebench::cli {

std::optional<experiment::TargetSetup> set_up_target(RunOptions& o, std::string_view command, bool agent_wanted) {
  experiment::TargetSetupOptions setup_options;
  setup_options.exec_command = o.exec_command;
  setup_options.pin = o.pin;
  setup_options.log_dir = o.out_dir;
  setup_options.pprof_given = o.pprof_given;
  setup_options.agent_given = o.agent_given;
  setup_options.agent_wanted = agent_wanted;
  setup_options.note = [command](const std::string& line) { fmt::print(stderr, "tracebench {}: {}\n", command, line); };
  try {
    return experiment::set_up_target(o.config, setup_options);
  } catch (const experiment::SetupFailed& e) {
    fmt::print(stderr, "tracebench {}: {}\n", command, e.what());
    return std::nullopt;
  }
}

}  // namespace tracebench::cli
