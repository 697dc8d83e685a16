// The words of a verification's status and a budget verdict: written and parsed in one place.

#include "result/verdicts.h"

#include <gtest/gtest.h>

namespace tracebench::result {
namespace {

using nlohmann::json;

TEST(Verdicts, AVerificationStatusReadsBackAsWritten) {
  for (auto s : {VerificationStatus::kVerified, VerificationStatus::kShort, VerificationStatus::kFailed,
                 VerificationStatus::kSkipped})
    EXPECT_EQ(verification_status(json{{"status", to_string(s)}}), s) << to_string(s);
  EXPECT_EQ(verification_status(json{{"status", "Verified"}}), std::nullopt);
  EXPECT_EQ(verification_status(json{{"window_s", 10}}), std::nullopt);
  EXPECT_EQ(verification_status(json("verified")), std::nullopt);
}

TEST(Verdicts, ABudgetVerdictReadsBackAsWritten) {
  EXPECT_EQ(to_string(BudgetVerdict::kWithin), "within");
  EXPECT_EQ(to_string(BudgetVerdict::kOver), "over");
  EXPECT_EQ(to_string(BudgetVerdict::kInconclusive), "inconclusive");
  for (auto v : {BudgetVerdict::kWithin, BudgetVerdict::kOver, BudgetVerdict::kInconclusive})
    EXPECT_EQ(budget_verdict(json(to_string(v))), v);
  EXPECT_EQ(budget_verdict(json(nullptr)), std::nullopt);  // no budget given
  EXPECT_EQ(budget_verdict(json("-")), std::nullopt);
}

}  // namespace
}  // namespace tracebench::result
