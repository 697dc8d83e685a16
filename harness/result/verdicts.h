#pragma once
// The words of result.json that say how a judgement ended, defined once: a window
// verification's "status", an overhead budget's "verdict", and why sizing gave no sizes. The writers (experiment's
// verify_window, sizing's overhead_verdict) write them with to_string; readers that decide
// on them (reports, check) parse them here, never by comparing text. Pure; thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace tracebench::result {

enum class VerificationStatus {
  kVerified,  // a snapshot held the wanted window
  kShort,     // still short after every attempt: the last size is untested
  kFailed,    // an attempt could not run or its snapshot could not be read
  kSkipped,   // not run (no agent, no measured rate, the run stopped early)
};
// "verified", "short", "failed", "skipped": the result model's "verification.status".
std::string_view to_string(VerificationStatus status);
// The "status" of a verification object; nullopt when absent or another word.
std::optional<VerificationStatus> verification_status(const nlohmann::json& verification);

// A mode's or metric's verdict against an overhead budget (recommendations.overhead).
enum class BudgetVerdict {
  kWithin,        // the interval's worst end is at or under the budget
  kOver,          // the interval's best end is over it
  kInconclusive,  // the interval straddles it
};
// "within", "over", "inconclusive": a "verdict" in recommendations.overhead.
std::string_view to_string(BudgetVerdict verdict);
// A "verdict" value; nullopt when null (no budget) or another word.
std::optional<BudgetVerdict> budget_verdict(const nlohmann::json& verdict);

// Why the recommendations hold no flight-recorder sizes or capture windows (no usable
// trace rate), in words: their "sizes_missing"; empty when sizes were computed. Results
// written before that key said it only among "missing", as the line that begins "no
// flight-recorder sizes": that line is read instead.
std::vector<std::string> sizes_missing(const nlohmann::json& recommendations);

}  // namespace tracebench::result
