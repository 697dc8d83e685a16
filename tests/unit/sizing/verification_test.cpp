// The verification's vocabulary: status and bound names as the result model writes them,
// and which bound ended a snapshot's window.

#include <gtest/gtest.h>

#include "sizing/verification.h"

namespace tracebench::sizing {
namespace {

TEST(VerificationStatus, NamesAsTheResultModelWritesThem) {
  EXPECT_EQ(to_string(VerificationStatus::kVerified), "verified");
  EXPECT_EQ(to_string(VerificationStatus::kShort), "short");
  EXPECT_EQ(to_string(VerificationStatus::kFailed), "failed");
  EXPECT_EQ(to_string(VerificationStatus::kSkipped), "skipped");
  EXPECT_TRUE(inconclusive(VerificationStatus::kShort));
  EXPECT_TRUE(inconclusive(VerificationStatus::kFailed));
  EXPECT_FALSE(inconclusive(VerificationStatus::kVerified));
  EXPECT_FALSE(inconclusive(VerificationStatus::kSkipped));
}

TEST(WindowBound, WhichBoundEndedTheWindow) {
  const std::uint64_t max_bytes = 24u << 20;
  // Larger than MaxBytes: the ring dropped its oldest generation.
  EXPECT_EQ(window_bound(25.0 * (1 << 20), max_bytes, 10.4, 20, 14), WindowBound::kMaxBytes);
  // Within MaxBytes and as long as MinAge.
  EXPECT_EQ(window_bound(20.0 * (1 << 20), max_bytes, 20.1, 20, 22), WindowBound::kMinAge);
  // Within MaxBytes, everything since the recorder started (within 1.5 s of it).
  EXPECT_EQ(window_bound(10.0 * (1 << 20), max_bytes, 11.0, 20, 12), WindowBound::kHistory);
  // Shorter than either explains.
  EXPECT_EQ(window_bound(10.0 * (1 << 20), max_bytes, 5.0, 20, 12), WindowBound::kUnknown);
  EXPECT_EQ(to_string(WindowBound::kMaxBytes), "max_bytes");
  EXPECT_EQ(describe(WindowBound::kHistory), "all since start: MaxBytes not reached");
}

}  // namespace
}  // namespace tracebench::sizing
