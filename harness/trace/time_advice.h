#pragma once
// Advice from a time breakdown (goroutine_states.h): which lighter or more pointed
// tool answers what the trace shows, each with the threshold that triggered it.
// Pure; no errors.

#include <string>
#include <vector>

#include "trace/goroutine_states.h"

namespace tracebench::trace {

// Shares of all goroutine time at or above which advice is given.
inline constexpr double kMostlyRunningShare = 0.5;
inline constexpr double kRunnableShare = 0.2;
inline constexpr double kOneCauseShare = 0.5;

struct TimeAdvice {
  std::string id;       // "cpu-profile", "runnable", "blocked-<cause>"
  double share = 0;     // the share that triggered it
  double threshold = 0;
  std::string message;  // one line; trace_path is named where a command is suggested
};

std::vector<TimeAdvice> advise(const TimeBreakdown& b, const std::string& trace_path);

}  // namespace tracebench::trace
