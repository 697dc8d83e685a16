#pragma once
// The terminal form of sizing's "recommendations" object (sizing::recommend), and of a
// "verification" when given: the flight-recorder table, the Go code, capture windows, the
// overhead verdict and what is missing. Reads documents that may come from disk: a missing
// key or a wrong type prints "?" or is left out, never throws. Pure; thread-safe.

#include <string>

#include <nlohmann/json.hpp>

namespace tracebench::reports {

std::string format_recommendations(const nlohmann::json& recommendations,
                                   const nlohmann::json& verification = nullptr);

}  // namespace tracebench::reports
