#pragma once
// The terminal summary of a load result, and the judgement of whether it is a valid
// measurement (open-loop rate reached, generator lag small, generator not saturated).

#include <string>
#include <vector>

#include "load/load_config.h"
#include "load/load_result.h"

namespace tracebench::cli {

// Reasons the figures cannot be trusted; non-empty means exit code 3.
std::vector<std::string> invalid_measurement_reasons(const load::LoadResult& r);
// Things worth knowing that do not invalidate the figures.
std::vector<std::string> load_warnings(const load::LoadResult& r);

std::string format_load_summary(const load::LoadConfig& cfg, const load::LoadResult& r, bool spectrum);

}  // namespace tracebench::cli
