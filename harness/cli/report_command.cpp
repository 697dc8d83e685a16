#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace tracebench::cli {

int report_command(const std::vector<std::string>&) {
  fmt::print(stderr, "tracebench report: not built yet\n");
  return kExitUsage;
}

}  // namespace tracebench::cli
