// Trace-shape assertions on hand-made summaries: region specs, every ceiling on each side
// of its limit, missing regions with and without --strict-regions, traces without a span.

#include "gates/trace_assertions.h"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "gates/errors.h"

namespace tracebench::gates {
namespace {

namespace tr = tracebench::trace;
using Status = AssertionResult::Status;

tr::DurationStats region(std::string name, std::uint64_t count, std::int64_t p50, std::int64_t p99, std::int64_t max) {
  tr::DurationStats d;
  d.name = std::move(name);
  d.count = count;
  d.begun = count;
  d.min_ns = p50;
  d.p50_ns = p50;
  d.p99_ns = p99;
  d.max_ns = max;
  d.total_ns = p50 * static_cast<std::int64_t>(count);
  return d;
}

// Like a go test -trace of BenchmarkAnnotated: 200 encode (~205µs) and hash (~101µs)
// regions over 2 s, 4 MB, 400k timed events, 300 goroutines created.
tr::TraceSummary annotated_summary() {
  tr::TraceSummary s;
  s.path = "trace.out";
  s.file_bytes = 4'000'000;
  s.timed_events = 400'000;
  s.events = 410'000;
  s.first_event_ns = 1'000'000'000;
  s.last_event_ns = 3'000'000'000;
  s.span_ns = 2'000'000'000;
  s.goroutines.created = 300;
  s.regions = {region("encode", 200, 205'000, 290'000, 1'200'000), region("hash", 200, 101'000, 130'000, 180'000)};
  return s;
}

template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const GateInputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(RegionSpec, NameStatisticAndDuration) {
  const struct {
    const char* text;
    const char* name;
    RegionStat stat;
    const char* duration;
  } cases[] = {
      {"encode=250us", "encode", RegionStat::kMax, "250us"},
      {"encode:max=250us", "encode", RegionStat::kMax, "250us"},
      {"encode:p99=300us", "encode", RegionStat::kP99, "300us"},
      {"hash:p50=1ms", "hash", RegionStat::kP50, "1ms"},
      {"a=b=2ms", "a=b", RegionStat::kMax, "2ms"},              // splits at the last '='
      {"http:handler=5ms", "http:handler", RegionStat::kMax, "5ms"},  // ':' that is not a statistic
      {"odd:p99:max=5ms", "odd:p99", RegionStat::kMax, "5ms"},      // a name ending like a statistic
      {"db query:p99=20ms", "db query", RegionStat::kP99, "20ms"},
      {"encode=bogus", "encode", RegionStat::kMax, "bogus"},        // the duration is the caller's to parse
  };
  for (const auto& c : cases) {
    const RegionSpec s = split_region_spec(c.text);
    EXPECT_EQ(s.name, c.name) << c.text;
    EXPECT_EQ(s.stat, c.stat) << c.text;
    EXPECT_EQ(s.duration_text, c.duration) << c.text;
  }
}

TEST(RegionSpec, MalformedSpecsNameTheText) {
  EXPECT_EQ(error_of([] { split_region_spec("encode"); }),
            "bad region limit 'encode': expected NAME=DURATION or NAME:STAT=DURATION (STAT max, p99 or p50), e.g. "
            "encode=250us or encode:p99=300us");
  EXPECT_EQ(error_of([] { split_region_spec("encode="); }),
            "bad region limit 'encode=': no duration after '=', e.g. encode=250us");
  EXPECT_EQ(error_of([] { split_region_spec("=1ms"); }),
            "bad region limit '=1ms': no region name before '=', e.g. encode=250us");
  EXPECT_EQ(error_of([] { split_region_spec(":p99=1ms"); }),
            "bad region limit ':p99=1ms': no region name before '=', e.g. encode=250us");
  EXPECT_EQ(error_of([] { split_region_spec("encode:p95=1ms"); }),
            "bad region limit 'encode:p95=1ms': statistic 'p95' is not offered; expected max, p99 or p50");
  for (const char* stat : {"min", "mean", "avg", "median", "p99.9"})
    EXPECT_NE(error_of([&] { split_region_spec(fmt::format("encode:{}=1ms", stat)); }).find("is not offered"),
              std::string::npos)
        << stat;
}

TEST(AssertTrace, RegionCeilingsOnEachSideOfTheValueSeen) {
  TraceLimits limits;
  limits.regions = {
      {"encode", RegionStat::kMax, 1'000'000},  // max 1.2ms > 1ms
      {"encode", RegionStat::kMax, 1'200'000},  // equal: holds
      {"encode", RegionStat::kP99, 300'000},    // 290µs holds
      {"encode", RegionStat::kP50, 200'000},    // 205µs > 200µs
      {"hash", RegionStat::kP50, 150'000},
  };
  const AssertReport r = assert_trace(annotated_summary(), limits);
  ASSERT_EQ(r.results.size(), 5u);
  const Status want[] = {Status::kOver, Status::kOk, Status::kOk, Status::kOver, Status::kOk};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(r.results[i].status, want[i]) << r.results[i].subject;
    EXPECT_EQ(r.results[i].violation, want[i] == Status::kOver) << r.results[i].subject;
    EXPECT_EQ(r.results[i].quantity, Quantity::kDurationNs);
  }
  EXPECT_EQ(r.results[0].subject, "region encode max");
  EXPECT_EQ(r.results[0].observed, 1'200'000);
  EXPECT_EQ(r.results[0].limit, 1'000'000);
  EXPECT_EQ(r.results[0].region.count, 200u);
  EXPECT_EQ(r.results[3].subject, "region encode p50");
  EXPECT_EQ(r.results[3].observed, 205'000);
  EXPECT_EQ(r.violations(), 2u);
  EXPECT_FALSE(r.unmeasurable());
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_DOUBLE_EQ(r.span_s, 2.0);
}

TEST(AssertTrace, RatesPerSecondOfSpan) {
  TraceLimits limits;
  limits.max_goroutine_creates_per_s = 150;   // 300 / 2 s = 150: holds
  limits.max_bytes_per_s = 1'000'000;         // 2 MB/s: over
  limits.max_events_per_s = 100'000;          // 200k/s: over
  const AssertReport r = assert_trace(annotated_summary(), limits);
  ASSERT_EQ(r.results.size(), 3u);
  EXPECT_EQ(r.results[0].subject, "goroutine creates/s");
  EXPECT_DOUBLE_EQ(r.results[0].observed, 150);
  EXPECT_EQ(r.results[0].status, Status::kOk);
  EXPECT_EQ(r.results[0].region.count, 300u);
  EXPECT_EQ(r.results[1].subject, "bytes/s");
  EXPECT_EQ(r.results[1].quantity, Quantity::kBytesPerSecond);
  EXPECT_DOUBLE_EQ(r.results[1].observed, 2'000'000);
  EXPECT_EQ(r.results[1].status, Status::kOver);
  EXPECT_EQ(r.results[2].subject, "events/s");
  EXPECT_DOUBLE_EQ(r.results[2].observed, 200'000);
  EXPECT_TRUE(r.results[2].violation);
  EXPECT_EQ(r.violations(), 2u);

  limits.max_goroutine_creates_per_s = 149.9;
  EXPECT_TRUE(assert_trace(annotated_summary(), limits).results[0].violation);
  limits.max_goroutine_creates_per_s = 0;  // "no goroutine may be created"
  EXPECT_TRUE(assert_trace(annotated_summary(), limits).results[0].violation);
}

TEST(AssertTrace, MissingRegionWarnsOrWithStrictRegionsIsAnError) {
  TraceLimits limits;
  limits.regions = {{"decode", RegionStat::kMax, 1'000'000}, {"hash", RegionStat::kMax, 1'000'000}};
  const AssertReport lax = assert_trace(annotated_summary(), limits);
  EXPECT_EQ(lax.results[0].status, Status::kMissing);
  EXPECT_FALSE(lax.results[0].violation);
  EXPECT_EQ(lax.results[0].note, "region 'decode' does not occur in the trace (regions in the trace: encode, hash)");
  ASSERT_EQ(lax.warnings.size(), 1u);
  EXPECT_EQ(lax.warnings[0],
            "region 'decode' does not occur in the trace (regions in the trace: encode, hash); --strict-regions "
            "makes this an error");
  EXPECT_TRUE(lax.errors.empty());
  EXPECT_EQ(lax.violations(), 0u);

  // Strict: bad input (the command exits 1), not a violation of a ceiling (exit 4).
  limits.strict_regions = true;
  limits.regions.push_back({"flush", RegionStat::kP99, 1'000'000});
  const AssertReport strict = assert_trace(annotated_summary(), limits);
  EXPECT_EQ(strict.results[0].status, Status::kMissing);
  EXPECT_FALSE(strict.results[0].violation);
  EXPECT_TRUE(strict.warnings.empty());
  EXPECT_EQ(strict.violations(), 0u);
  EXPECT_EQ(strict.errors,
            (std::vector<std::string>{"--strict-regions: region 'decode' does not occur in the trace (regions in the "
                                      "trace: encode, hash)",
                                      "--strict-regions: region 'flush' does not occur in the trace (regions in the "
                                      "trace: encode, hash)"}));
}

TEST(AssertTrace, RegionThatNeverEndsCountsAsMissing) {
  tr::TraceSummary s = annotated_summary();
  s.regions.push_back(region("flush", 0, 0, 0, 0));
  s.regions.back().begun = 3;
  TraceLimits limits;
  limits.regions = {{"flush", RegionStat::kMax, 1'000'000}};
  const AssertReport r = assert_trace(s, limits);
  EXPECT_EQ(r.results[0].status, Status::kMissing);
  EXPECT_EQ(r.results[0].note,
            "region 'flush' began 3 times but never ended within the trace (regions in the trace: encode, hash, "
            "flush)");

  s.regions.clear();
  EXPECT_EQ(assert_trace(s, limits).results[0].note,
            "region 'flush' does not occur in the trace (the trace has no user regions)");
}

TEST(AssertTrace, RatesOfATraceWithoutSpanAreUnmeasurable) {
  tr::TraceSummary s = annotated_summary();
  s.span_ns = 0;
  s.last_event_ns = s.first_event_ns;
  TraceLimits limits;
  limits.max_bytes_per_s = 1e9;
  limits.regions = {{"encode", RegionStat::kMax, 100'000}};
  const AssertReport r = assert_trace(s, limits);
  EXPECT_EQ(r.results[1].status, Status::kUnmeasurable);
  EXPECT_FALSE(r.results[1].violation);
  EXPECT_EQ(r.results[1].note, "the trace spans no time (fewer than two timed events): no rate");
  EXPECT_TRUE(r.unmeasurable());
  EXPECT_EQ(r.violations(), 1u);  // the region is still judged
}

TEST(AssertTrace, TruncationAndDataLossAreWarnings) {
  tr::TraceSummary s = annotated_summary();
  s.truncated = true;
  s.truncated_offset = 123456;
  s.truncation = "the last batch is cut short";
  s.issues.push_back({"names_capped", tr::Severity::kDataLoss, 7, 99, "name table full"});
  s.issues.push_back({"region_end_without_begin", tr::Severity::kInfo, 1, 5, "began before the capture"});
  TraceLimits limits;
  limits.max_events_per_s = 1e9;
  const AssertReport r = assert_trace(s, limits);
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_EQ(r.warnings[0],
            "the trace is cut short at byte offset 123456 (the last batch is cut short): what was read is judged");
  EXPECT_EQ(r.warnings[1], "trace reader: names_capped x7 (name table full): some figures are lower bounds");
}

TEST(RegionStatName, Names) {
  EXPECT_EQ(region_stat_name(RegionStat::kMax), "max");
  EXPECT_EQ(region_stat_name(RegionStat::kP99), "p99");
  EXPECT_EQ(region_stat_name(RegionStat::kP50), "p50");
}

}  // namespace
}  // namespace tracebench::gates
