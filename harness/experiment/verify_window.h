#pragma once
// Window verification (`run --verify-window`): a recommended MaxBytes tried on the real
// runtime, under the run's load, through the target's agent. The sizing maths (the size,
// its correction after a short window, which bound ended a window) is sizing's; this runs
// the load, the recorder and the snapshots. Blocking; call from one thread.

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "experiment/run_config.h"
#include "sizing/verification.h"

namespace tracebench::experiment {

struct Verification {
  sizing::VerificationStatus status = sizing::VerificationStatus::kSkipped;
  nlohmann::json document;  // the result model's "verification" object
};

// Runs the flight recorder on config.agent with the MaxBytes recommended for window_ns from
// the run's measured rate, snapshots after the window has filled, reads the window the
// snapshot really holds, corrects the size and retries (bounded) when short. Progress lines
// go to `log` when set. Never throws for a target that misbehaves: the outcome says so.
Verification verify_window(const RunConfig& config, const nlohmann::json& run_result, std::int64_t window_ns,
                           const std::function<void(const std::string&)>& log);

// The outcome for a window that was asked for and not verified, saying why.
Verification skipped_verification(std::int64_t window_ns, const std::string& why);

}  // namespace tracebench::experiment
