#pragma once
// `tracebench load` flags → a validated LoadConfig. Separate from the command so tests can
// check every bad-input message without running load.

#include <boost/program_options.hpp>

#include <optional>
#include <string>
#include <vector>

#include "load/load_config.h"

namespace tracebench::cli {

struct LoadOptions {
  load::LoadConfig config;
  std::string json_path;    // empty: no JSON file
  bool progress = true;
  bool spectrum = false;    // print the full percentile spectrum
  bool help = false;
};

// Which command's --help the shared load flags appear in: `run` measures --duration per
// mode and warms up for 5 s before its first round, and its --rate also takes a share of
// the capacity the warm-up measures (run_options.cpp parses it); `load` measures --duration
// once, after a 1 s warm-up.
enum class LoadFlagsFor { kLoad, kRun };

// The flags shared by every command that drives load (load, run), with that command's
// words and defaults for --duration and --warmup.
boost::program_options::options_description load_flag_descriptions(LoadFlagsFor command = LoadFlagsFor::kLoad);

// Parses the arguments after "load". Throws UsageError (one line naming the flag, the
// value and what was expected) on any bad input. A body file is read here.
LoadOptions parse_load_options(const std::vector<std::string>& args);

// Applies the shared load flags in `vm` to cfg; used by commands that embed load. For
// kRun, --rate is left to the caller.
void apply_load_flags(const boost::program_options::variables_map& vm, load::LoadConfig& cfg,
                      LoadFlagsFor command = LoadFlagsFor::kLoad);

std::string load_usage();

}  // namespace tracebench::cli
