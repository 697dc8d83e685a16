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

TEST(Verdicts, WhySizingGaveNoSizesFromItsKeyOrAnOlderResultsMissingLines) {
  EXPECT_EQ(sizes_missing(json{{"sizes_missing", "no flight-recorder sizes or capture windows: no rate"},
                               {"missing", {"no flight-recorder sizes or capture windows: no rate"}}}),
            std::vector<std::string>{"no flight-recorder sizes or capture windows: no rate"});
  EXPECT_EQ(sizes_missing(json{{"missing", {"no parse speed measured", "no flight-recorder sizes: x"}}}),
            std::vector<std::string>{"no flight-recorder sizes: x"});
  EXPECT_TRUE(sizes_missing(json{{"missing", {"no parse speed measured"}}}).empty());
  EXPECT_TRUE(sizes_missing(json(nullptr)).empty());
}

}  // namespace
}  // namespace tracebench::result
