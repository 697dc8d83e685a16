#include "sizing/verification.h"

namespace tracebench::sizing {

std::string_view to_string(WindowBound bound) {
  switch (bound) {
    case WindowBound::kMaxBytes: return "max_bytes";
    case WindowBound::kMinAge: return "min_age";
    case WindowBound::kHistory: return "history";
    case WindowBound::kUnknown: return "unknown";
  }
  return "?";
}

std::string_view describe(WindowBound bound) {
  switch (bound) {
    case WindowBound::kMaxBytes: return "MaxBytes reached";
    case WindowBound::kMinAge: return "MinAge reached";
    case WindowBound::kHistory: return "all since start: MaxBytes not reached";
    case WindowBound::kUnknown: return "shorter than either bound explains";
  }
  return "?";
}

WindowBound window_bound(double snapshot_bytes, std::uint64_t max_bytes, double achieved_s, double min_age_s,
                         double filled_s) {
  if (snapshot_bytes > static_cast<double>(max_bytes)) return WindowBound::kMaxBytes;
  if (achieved_s >= min_age_s) return WindowBound::kMinAge;
  if (achieved_s >= filled_s - 1.5) return WindowBound::kHistory;
  return WindowBound::kUnknown;
}

}  // namespace tracebench::sizing
