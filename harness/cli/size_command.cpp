#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace tracebench::cli {

int size_command(const std::vector<std::string>&) {
  fmt::print(stderr, "tracebench size: not built yet\n");
  return kExitUsage;
}

}  // namespace tracebench::cli
