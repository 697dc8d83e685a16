#pragma once
// The terminal form of sizing's recommendations (sizing::recommend, read with
// result::read_recommendations_object) and of a window's verification when given: the
// flight-recorder table, the Go code, capture windows, the overhead verdict and what is
// missing. A figure the views read as absent prints "?" (or 0, where it always has) or its
// line is left out. Pure; thread-safe; never throws.

#include <optional>
#include <string>

#include "result/recommendations.h"

namespace tracebench::reports {

std::string format_recommendations(const result::RecommendationsView& recommendations,
                                   const std::optional<result::VerificationView>& verification = std::nullopt);

}  // namespace tracebench::reports
