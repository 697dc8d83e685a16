#include "trace/diagnostics.h"

#include <gtest/gtest.h>

namespace tracebench::trace {
namespace {

TraceSummary base(std::uint64_t timed) {
  TraceSummary s;
  s.timed_events = timed;
  s.events = timed;
  s.file_bytes = timed * 6;
  s.span_ns = 1'000'000'000;
  return s;
}

bool has(const std::vector<Diagnostic>& d, const std::string& id) {
  for (const auto& x : d)
    if (x.id == id) return true;
  return false;
}

TEST(Diagnostics, QuietOnAnOrdinaryTrace) {
  TraceSummary s = base(100000);
  s.categories[static_cast<std::size_t>(Category::kScheduling)] = {90000, 540000};
  s.goroutines.top.push_back({1, "main.main", 5000, 30000, false, false});
  EXPECT_TRUE(diagnose(s).empty());
}

TEST(Diagnostics, NamesGoroutineChurn) {
  TraceSummary s = base(100000);
  s.categories[static_cast<std::size_t>(Category::kGoroutineLifecycle)] = {40000, 200000};
  s.goroutines.created = 20000;
  s.goroutines.lifetimes = 20000;
  s.goroutines.lifetime_p50_ns = 3200;
  s.goroutines.by_function.push_back({"main.process", 20000, 20000, 60000, 300000});
  auto d = diagnose(s);
  ASSERT_TRUE(has(d, "goroutine_churn"));
  EXPECT_EQ(d[0].message,
            "Goroutine churn: goroutine create/destroy events are 40% of all events (20000 goroutines created, "
            "20.0k/s; median lifetime 3.2µs; most run main.process (20000 created)). A goroutine per small work "
            "item costs several events each; bound concurrency with a worker pool or a semaphore, and the trace "
            "shrinks (the program usually gets faster too).");
  EXPECT_DOUBLE_EQ(d[0].share, 0.4);
}

TEST(Diagnostics, NamesFineGrainedRegions) {
  TraceSummary s = base(100000);
  s.categories[static_cast<std::size_t>(Category::kUserAnnotations)] = {30000, 180000};
  DurationStats r;
  r.name = "parseHeader";
  r.count = 15000;
  r.begun = 15000;
  r.p50_ns = 129;
  s.regions.push_back(r);
  auto d = diagnose(s);
  ASSERT_TRUE(has(d, "fine_grained_regions"));
  EXPECT_NE(d[0].message.find("The most frequent region, 'parseHeader', ran 15000 times with a median of 129ns."),
            std::string::npos);
}

TEST(Diagnostics, NamesADominantBackgroundGoroutine) {
  TraceSummary s = base(100000);
  s.goroutines.top.push_back({42, "main.pollLoop", 60000, 300000, false, false});
  auto d = diagnose(s);
  ASSERT_TRUE(has(d, "dominant_goroutine"));
  EXPECT_NE(d[0].message.find("Goroutine 42 (main.pollLoop) produced 60% of all events, a goroutine that predates "
                              "the capture (a background loop?). Scope the capture"),
            std::string::npos);
}

TEST(Diagnostics, ShareRulesNeedEnoughEvents) {
  TraceSummary s = base(500);
  s.goroutines.top.push_back({42, "main.pollLoop", 400, 2000, false, false});
  EXPECT_TRUE(diagnose(s).empty());
}

TEST(Diagnostics, ReportsTruncationAndBadRecordsWhateverTheSize) {
  TraceSummary s = base(10);
  s.truncated = true;
  s.truncation = "the batch at offset 99 declares 40 payload bytes but the file ends after 3";
  s.bytes_read = 99;
  s.issues.push_back({"corrupt_batch", Severity::kError, 2, 120, "byte offset 120: ..."});
  auto d = diagnose(s);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].message,
            "The trace is truncated: the batch at offset 99 declares 40 payload bytes but the file ends after 3. The "
            "figures cover the 99 bytes read.");
  EXPECT_EQ(d[1].id, "bad_records");
}

TEST(Diagnostics, StatusAndTableShares) {
  TraceSummary s = base(100000);
  s.kinds[kEvGoStatusStack].bytes = s.file_bytes / 2;
  s.categories[static_cast<std::size_t>(Category::kTables)].bytes = s.file_bytes * 6 / 10;
  auto d = diagnose(s);
  EXPECT_TRUE(has(d, "status_restatement"));
  EXPECT_TRUE(has(d, "tables_dominate"));
}

}  // namespace
}  // namespace tracebench::trace
