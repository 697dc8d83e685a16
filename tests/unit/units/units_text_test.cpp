// The formatters of units/. Each test's expectations were those of the copy it replaces
// (target/, trace/, cli/, sizing/, reports/), so every caller prints what it printed before.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "units/duration_text.h"
#include "units/number_text.h"
#include "units/size_text.h"

namespace tracebench::units {
namespace {

constexpr std::uint64_t kKiB = 1024, kMiB = 1024 * 1024;

TEST(ThreeDigits, NeverUsesExponentNotation) {
  EXPECT_EQ(three_digits(24), "24");
  EXPECT_EQ(three_digits(1.25), "1.25");
  EXPECT_EQ(three_digits(12.51), "12.5");
  EXPECT_EQ(three_digits(0.725), "0.725");
  EXPECT_EQ(three_digits(999.7), "1000");
  EXPECT_EQ(three_digits(1234.4), "1234");
  EXPECT_EQ(three_digits(NAN), "-");
}

TEST(GoDurationText, UsesTheLargestExactUnit) {
  EXPECT_EQ(go_duration_text(10'000'000'000), "10s");
  EXPECT_EQ(go_duration_text(1'500'000'000), "1500ms");
  EXPECT_EQ(go_duration_text(250'000), "250us");
  EXPECT_EQ(go_duration_text(2'500), "2500ns");
  EXPECT_EQ(go_duration_text(1), "1ns");
  EXPECT_EQ(go_duration_text(120'000'000'000), "120s");
}

TEST(CompactDurationText, UsesReadableUnits) {
  EXPECT_EQ(compact_duration_text(800), "800ns");
  EXPECT_EQ(compact_duration_text(12'300), "12.3µs");
  EXPECT_EQ(compact_duration_text(250'000), "250µs");
  EXPECT_EQ(compact_duration_text(250'000'000), "250ms");
  EXPECT_EQ(compact_duration_text(1'500'000'000), "1.5s");
  EXPECT_EQ(compact_duration_text(-2'000'000), "-2ms");
  EXPECT_EQ(compact_duration_text(999'700), "1000µs");  // the unit is chosen before rounding
}

TEST(DurationNsText, ThreeDigitsAndTheNextUnitWhenItRoundsUp) {
  EXPECT_EQ(duration_ns_text(412), "412 ns");
  EXPECT_EQ(duration_ns_text(678'399), "678 µs");
  EXPECT_EQ(duration_ns_text(16'633'855), "16.6 ms");
  EXPECT_EQ(duration_ns_text(7'500'000), "7.5 ms");
  EXPECT_EQ(duration_ns_text(1'200'000'000), "1.2 s");
  EXPECT_EQ(duration_ns_text(999'700), "1 ms");  // rounds up into the next unit, never "1000 µs"
  EXPECT_EQ(duration_ns_text(NAN), "-");
}

TEST(SecondsText, MillisecondsBelowOneSecond) {
  EXPECT_EQ(seconds_text(0.725), "725 ms");
  EXPECT_EQ(seconds_text(4), "4 s");
  EXPECT_EQ(seconds_text(12.51), "12.5 s");
  EXPECT_EQ(seconds_text(150), "150 s");
  EXPECT_EQ(seconds_text(0), "0 s");
  EXPECT_EQ(seconds_text(NAN), "-");
}

TEST(SecondsMinutesText, MinutesFromTwoMinutes) {
  EXPECT_EQ(seconds_minutes_text(10), "10 s");
  EXPECT_EQ(seconds_minutes_text(0.25), "250 ms");
  EXPECT_EQ(seconds_minutes_text(120), "2 min");
  EXPECT_EQ(seconds_minutes_text(3600), "60 min");
}

TEST(TimeoutText, SecondsAsGiven) {
  EXPECT_EQ(timeout_text(300'000'000), "0.3 s");
  EXPECT_EQ(timeout_text(2'000'000'000), "2 s");
  EXPECT_EQ(timeout_text(10'000'000'000), "10 s");
}

TEST(BinarySizeText, ThreeDigitsInBinaryUnits) {
  EXPECT_EQ(binary_size_text(28 * kMiB), "28 MiB");
  EXPECT_EQ(binary_size_text(1280 * kKiB), "1.25 MiB");
  EXPECT_EQ(binary_size_text(16u << 20), "16 MiB");
  EXPECT_EQ(binary_size_text(512), "512 B");
  EXPECT_EQ(binary_size_text(100), "100 B");
  EXPECT_EQ(binary_size_text(912), "912 B");
  EXPECT_EQ(binary_size_text(1'579'783), "1.51 MiB");
  EXPECT_EQ(binary_size_text(8 << 20), "8 MiB");
  EXPECT_EQ(binary_size_text(1023.8 * 1024), "1 MiB");
  EXPECT_EQ(binary_size_text(48.0 * kMiB * kMiB), "48 TiB");
  EXPECT_EQ(binary_size_text(-3.0 * kMiB), "-3 MiB");
  EXPECT_EQ(binary_size_text(NAN), "-");
}

TEST(DecimalSizeText, ThreeDigitsInDecimalUnits) {
  EXPECT_EQ(decimal_size_text(50e6), "50 MB");
  EXPECT_EQ(decimal_size_text(6.75e6), "6.75 MB");
  EXPECT_EQ(decimal_size_text(48'900'000), "48.9 MB");
  EXPECT_EQ(decimal_size_text(800e3), "800 kB");
  EXPECT_EQ(decimal_size_text(999.7), "1 kB");
}

TEST(RateText, BytesPerSecond) {
  EXPECT_EQ(bytes_rate_text(1'570'741.7), "1.5 MiB/s");
  EXPECT_EQ(rate_text(2.5 * kMiB), "2.5 MiB/s");
  EXPECT_EQ(rate_text(-120 * 1024.0), "0 B/s");
  EXPECT_EQ(signed_rate_text(-120 * 1024.0), "-120 KiB/s");
  EXPECT_EQ(signed_rate_text(2.5 * kMiB), "2.5 MiB/s");
  EXPECT_EQ(signed_size_text(-3.0 * kMiB), "-3 MiB");
  EXPECT_EQ(signed_size_text(-0.2), "0 B");
}

TEST(NumberText, RatesPercentsAndP) {
  EXPECT_EQ(count_rate_text(275'876), "276k");
  EXPECT_EQ(count_rate_text(812), "812");
  EXPECT_EQ(rps_text(3931.4), "3931 req/s");
  EXPECT_EQ(cpu_us_text(127.528), "127.5 µs");
  EXPECT_EQ(percent_text(15.77), "+15.8%");
  EXPECT_EQ(percent_text(-0.44), "-0.4%");
  EXPECT_EQ(p_value_text(0.8181), "0.818");
  EXPECT_EQ(p_value_text(0.00001), "<0.001");
  EXPECT_EQ(share_text(0.904), "90%");
  EXPECT_EQ(share_text(NAN), "-");
}

TEST(OrDash, FormatsOnlyAPresentValue) {
  EXPECT_EQ(or_dash(std::optional<double>(2.0 * kMiB), binary_size_text), "2 MiB");
  EXPECT_EQ(or_dash(std::nullopt, seconds_text), "-");
}

}  // namespace
}  // namespace tracebench::units
