#pragma once
// The context block every result carries (as google/benchmark's JSON does): where and how
// the figures were taken, so a reader can judge them later.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tracebench::cli {

// host, cpus, kernel, tool version, build type, full command line, UTC start time.
nlohmann::json run_context(const std::vector<std::string>& command_line);

// Warnings about the machine that make figures less trustworthy (debug build, CPU
// frequency scaling governor not "performance").
std::vector<std::string> machine_warnings();

// The full command line as given to main(), for the context block.
void set_command_line(int argc, char** argv);
const std::vector<std::string>& command_line();

}  // namespace tracebench::cli
