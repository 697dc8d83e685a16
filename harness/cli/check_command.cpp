#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace tracebench::cli {

int check_command(const std::vector<std::string>&) {
  fmt::print(stderr, "tracebench check: not built yet\n");
  return kExitUsage;
}

}  // namespace tracebench::cli
