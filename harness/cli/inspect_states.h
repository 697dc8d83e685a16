#pragma once
// The goroutine-state part of `tracebench inspect`: --pprof KIND=FILE profiles, the
// filters, the time breakdown with its advice (text and JSON).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "trace/goroutine_states.h"

namespace tracebench::cli {

struct PprofRequest {
  trace::ProfileKind kind = trace::ProfileKind::kSync;
  std::string path;
};

// "KIND=FILE"; throws BadValue (units.h) naming the value and what was expected.
PprofRequest parse_pprof_request(const std::string& text);
// "FROM:TO" with durations (either side may be empty: from the start / to the end).
void parse_window(const std::string& text, trace::StateFilter& filter);

// Writes each requested profile; returns one line per profile for the user (what was
// written, or that it is empty / lacks stacks). Throws IoError on a write failure.
std::vector<std::string> write_profiles(const trace::StateAnalysis& a, const std::vector<PprofRequest>& requests);

void print_breakdown_text(const trace::StateAnalysis& a, const std::string& trace_path);
nlohmann::json breakdown_json(const trace::StateAnalysis& a, const std::string& trace_path);

}  // namespace tracebench::cli
