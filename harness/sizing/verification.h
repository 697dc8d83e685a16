#pragma once
// The vocabulary of a window verification (experiment/verify_window.h runs it): how it
// ended, and which bound ended the window a snapshot held. Pure; thread-safe.

#include <cstdint>
#include <string_view>

#include "result/verdicts.h"

namespace tracebench::sizing {

// How a verification ended: its words are the result model's (result/verdicts.h).
using result::VerificationStatus;
using result::to_string;
// A window was asked for and not shown to hold: the recommendation is unproven.
inline bool inconclusive(VerificationStatus s) {
  return s == VerificationStatus::kShort || s == VerificationStatus::kFailed;
}

enum class WindowBound {
  kMaxBytes,  // the snapshot is larger than MaxBytes: the ring dropped its oldest generation
  kMinAge,    // the window reached MinAge
  kHistory,   // everything since the recorder started: MaxBytes was not reached
  kUnknown,   // shorter than either bound explains
};
// "max_bytes", "min_age", "history", "unknown": an attempt's "bound".
std::string_view to_string(WindowBound bound);
// "MaxBytes reached", "MinAge reached", ...: an attempt's "bound_text".
std::string_view describe(WindowBound bound);

// Which bound ended a snapshot's window: snapshot_bytes against max_bytes, the span it
// holds (achieved_s) against MinAge, and against the time the recorder ran (filled_s; a
// window within 1.5 s of it holds everything since the start).
WindowBound window_bound(double snapshot_bytes, std::uint64_t max_bytes, double achieved_s, double min_age_s,
                         double filled_s);

}  // namespace tracebench::sizing
