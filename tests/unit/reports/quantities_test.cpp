#include "reports/quantities.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tracebench::reports {
namespace {

TEST(Quantities, Durations) {
  EXPECT_EQ(duration_ns_text(412), "412 ns");
  EXPECT_EQ(duration_ns_text(678'399), "678 µs");
  EXPECT_EQ(duration_ns_text(16'633'855), "16.6 ms");
  EXPECT_EQ(duration_ns_text(7'500'000), "7.5 ms");
  EXPECT_EQ(duration_ns_text(1'200'000'000), "1.2 s");
  EXPECT_EQ(duration_ns_text(999'700), "1 ms");  // rounds up into the next unit, never "1000 µs"
  EXPECT_EQ(duration_ns_text(NAN), "-");
}

TEST(Quantities, Bytes) {
  EXPECT_EQ(binary_bytes_text(912), "912 B");
  EXPECT_EQ(binary_bytes_text(1'579'783), "1.51 MiB");
  EXPECT_EQ(binary_bytes_text(8 << 20), "8 MiB");
  EXPECT_EQ(binary_bytes_text(1023.8 * 1024), "1 MiB");
  EXPECT_EQ(decimal_bytes_text(50'000'000), "50 MB");
  EXPECT_EQ(decimal_bytes_text(48'900'000), "48.9 MB");
  EXPECT_EQ(bytes_rate_text(1'570'741.7), "1.5 MiB/s");
}

TEST(Quantities, RatesPercentsAndP) {
  EXPECT_EQ(count_rate_text(275'876), "276k");
  EXPECT_EQ(count_rate_text(812), "812");
  EXPECT_EQ(rps_text(3931.4), "3931 req/s");
  EXPECT_EQ(cpu_us_text(127.528), "127.5 µs");
  EXPECT_EQ(percent_text(15.77), "+15.8%");
  EXPECT_EQ(percent_text(-0.44), "-0.4%");
  EXPECT_EQ(p_value_text(0.8181), "0.818");
  EXPECT_EQ(p_value_text(0.00001), "<0.001");
  EXPECT_EQ(share_text(0.904), "90%");
  EXPECT_EQ(seconds_text(0.725), "725 ms");
  EXPECT_EQ(seconds_text(4), "4 s");
  EXPECT_EQ(seconds_text(12.51), "12.5 s");
}

}  // namespace
}  // namespace tracebench::reports
