// tracebench: measures what Go's execution tracer costs a service. main only dispatches.

#include <fmt/core.h>

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/run_context.h"
#include "cli/version.h"

namespace {

using tracebench::cli::kExitUsage;

struct Command {
  std::string_view name;
  std::string_view summary;
  int (*run)(const std::vector<std::string>&);
};

constexpr Command kCommands[] = {
    {"run", "the three-mode experiment: what tracing and the flight recorder cost the target",
     tracebench::cli::run_command},
    {"load", "a plain load test of an HTTP target (closed or open loop)",
     tracebench::cli::load_command},
    {"inspect", "what a Go execution trace file holds, and how fast it parses",
     tracebench::cli::inspect_command},
    {"size", "flight-recorder MaxBytes and capture windows from a result or a measured rate",
     tracebench::cli::size_command},
    {"sweep", "runs at several load levels and models trace rate and overhead against load",
     tracebench::cli::sweep_command},
    {"report", "re-renders a result as text, JSON, Markdown or HTML with plots", tracebench::cli::report_command},
    {"check", "CI gate: overhead budgets judged on confidence bounds", tracebench::cli::check_command},
    {"assert", "CI gate on a trace's shape: regions, goroutine creation, bytes/s", tracebench::cli::assert_command},
};

void print_usage(std::FILE* out) {
  fmt::print(out, "usage: tracebench <command> [options]   (tracebench <command> --help)\n\ncommands:\n");
  for (const auto& c : kCommands) fmt::print(out, "  {:<10} {}\n", c.name, c.summary);
}

}  // namespace

int main(int argc, char** argv) {
  tracebench::cli::set_command_line(argc, argv);
  if (argc < 2) {
    print_usage(stderr);
    return kExitUsage;
  }
  std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(stdout);
    return 0;
  }
  if (name == "--version") {
    fmt::print("tracebench {}\n", tracebench::cli::kVersion);
    return 0;
  }
  for (const auto& c : kCommands) {
    if (c.name == name) return c.run(std::vector<std::string>(argv + 2, argv + argc));
  }
  fmt::print(stderr, "tracebench: unknown command '{}' (expected one of: ", name);
  for (std::size_t i = 0; i < std::size(kCommands); ++i)
    fmt::print(stderr, "{}{}", i ? ", " : "", kCommands[i].name);
  fmt::print(stderr, ")\n");
  return kExitUsage;
}
