#include "cli/units.h"

#include <gtest/gtest.h>

#include <string>

namespace tracebench::cli {
namespace {

TEST(ParseDuration, AcceptsGoStyleUnits) {
  EXPECT_EQ(parse_duration_ns("30s"), 30'000'000'000);
  EXPECT_EQ(parse_duration_ns("500ms"), 500'000'000);
  EXPECT_EQ(parse_duration_ns("1m"), 60'000'000'000);
  EXPECT_EQ(parse_duration_ns("1m30s"), 90'000'000'000);
  EXPECT_EQ(parse_duration_ns("1.5s"), 1'500'000'000);
  EXPECT_EQ(parse_duration_ns("250us"), 250'000);
  EXPECT_EQ(parse_duration_ns("7ns"), 7);
  EXPECT_EQ(parse_duration_ns("2h"), 7'200'000'000'000);
  EXPECT_EQ(parse_duration_ns("0"), 0);  // zero needs no unit; any other number does
}

TEST(ParseDuration, RejectsWithValueAndExpectation) {
  for (const char* bad : {"", "30", "s", "30x", "-1s", "1s2", "abc", "1..5s"}) {
    try {
      parse_duration_ns(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const BadValue& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("'") + bad + "'"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("expected"), std::string::npos) << e.what();
    }
  }
}

TEST(ParseSize, AcceptsDecimalAndBinaryUnits) {
  EXPECT_EQ(parse_size_bytes("4096"), 4096u);
  EXPECT_EQ(parse_size_bytes("10MiB"), 10u * 1024 * 1024);
  EXPECT_EQ(parse_size_bytes("10MB"), 10'000'000u);
  EXPECT_EQ(parse_size_bytes("64KiB"), 65536u);
  EXPECT_EQ(parse_size_bytes("1.5KiB"), 1536u);
  EXPECT_EQ(parse_size_bytes("2GiB"), 2ull << 30);
}

// Found by the fuzzer (tests/fuzz/corpus/unit_flags/size-above-2-to-the-63): sizes from 2^63
// to the limit of 1.8e19 bytes came back as 2^63.
TEST(ParseSize, AcceptsSizesAboveTwoToTheSixtyThree) {
  EXPECT_EQ(parse_size_bytes("11111111318G"), 11'111'111'318'000'001'024ull);
  EXPECT_EQ(parse_size_bytes("16000000TB"), 16'000'000'000'000'000'000ull);
  EXPECT_THROW(parse_size_bytes("19000000TB"), BadValue);
}

TEST(ParseSize, RejectsUnknownUnits) {
  EXPECT_THROW(parse_size_bytes("10XB"), BadValue);
  EXPECT_THROW(parse_size_bytes("MiB"), BadValue);
  EXPECT_THROW(parse_size_bytes("-5"), BadValue);
  EXPECT_THROW(parse_size_bytes(""), BadValue);
}

TEST(ParseCount, AcceptsSuffixes) {
  EXPECT_DOUBLE_EQ(parse_count("20000"), 20000.0);
  EXPECT_DOUBLE_EQ(parse_count("20k"), 20000.0);
  EXPECT_DOUBLE_EQ(parse_count("1.5M"), 1.5e6);
  EXPECT_THROW(parse_count("fast"), BadValue);
  EXPECT_THROW(parse_count("-3"), BadValue);
  EXPECT_THROW(parse_count("3q"), BadValue);
}

// Found by unit_flags_fuzz's contract check (tests/fuzz/corpus/unit_flags/count-overflows-with-suffix):
// the number was checked to be finite, but not the number times its suffix.
TEST(ParseCount, RejectsACountBeyondADouble) {
  const std::string huge = "1" + std::string(305, '0');
  EXPECT_DOUBLE_EQ(parse_count(huge), 1e305);
  try {
    parse_count(huge + "G");
    FAIL() << "no BadValue";
  } catch (const BadValue& e) {
    EXPECT_EQ(std::string(e.what()), "bad number '" + huge + "G': too large");
  }
}

}  // namespace
}  // namespace tracebench::cli
