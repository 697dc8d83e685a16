#include "trace/tick_converter.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace tracebench::trace {
namespace {

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

TEST(WrappingDifference, IsThePlainDifferenceInRange) {
  EXPECT_EQ(wrapping_difference_ns(1'500, 500), 1'000);
  EXPECT_EQ(wrapping_difference_ns(500, 1'500), -1'000);
}

// Found by the fuzzer (tests/fuzz/corpus/trace_reader/region-across-the-time-range.bin): a
// region that begins near the bottom of the range and ends far above it overflowed the
// signed subtraction. The difference wraps, as Go's int64 arithmetic does.
TEST(WrappingDifference, WrapsAtTheEndsOfTheRange) {
  EXPECT_EQ(wrapping_difference_ns(35'960'521'991'936, -9'223'336'076'332'809'600),
            static_cast<std::int64_t>(35'960'521'991'936ull + 9'223'336'076'332'809'600ull));
  EXPECT_EQ(wrapping_difference_ns(kMax, kMin), -1);
  EXPECT_EQ(wrapping_difference_ns(kMin, kMax), 1);
}

}  // namespace
}  // namespace tracebench::trace
