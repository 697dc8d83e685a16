#pragma once
// The terminal form of a sweep (tracebench.sweep/v1, read with result::read_sweep): the
// levels, the fitted model and the prediction at the production rate. A figure the view
// reads as absent prints "-" or "nan", or its line is left out. Pure; thread-safe; never
// throws.

#include <string>

#include "result/sweep_result.h"

namespace tracebench::reports {

std::string format_sweep(const result::SweepView& sweep);

}  // namespace tracebench::reports
