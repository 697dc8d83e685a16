#pragma once
// Entry points of the tracebench subcommands. Each takes the arguments after the
// subcommand name and returns the process exit code (see exit_codes.h).

#include <string>
#include <vector>

namespace tracebench::cli {

int load_command(const std::vector<std::string>& args);
int run_command(const std::vector<std::string>& args);
int inspect_command(const std::vector<std::string>& args);
int size_command(const std::vector<std::string>& args);
int sweep_command(const std::vector<std::string>& args);
int report_command(const std::vector<std::string>& args);
int check_command(const std::vector<std::string>& args);
int assert_command(const std::vector<std::string>& args);

}  // namespace tracebench::cli
