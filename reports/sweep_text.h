#pragma once
// The terminal form of a sweep document (tracebench.sweep/v1): the levels, the fitted
// model and the prediction at the production rate. Pure; thread-safe.

#include <string>

#include <nlohmann/json.hpp>

namespace tracebench::reports {

std::string format_sweep(const nlohmann::json& sweep);

}  // namespace tracebench::reports
