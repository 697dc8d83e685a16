#include "trace/format.h"

#include <gtest/gtest.h>

#include <string>

namespace tracebench::trace {
namespace {

std::string header(const std::string& text) {
  std::string h = text;
  h.resize(16, '\0');
  return h;
}

TEST(Header, ReadsTheMinorVersion) {
  EXPECT_EQ(header_minor(header("go 1.22 trace")), 22u);
  EXPECT_EQ(header_minor(header("go 1.26 trace")), 26u);
  EXPECT_EQ(header_minor(header("go 1.5 trace")), 5u);  // four NULs
  EXPECT_EQ(header_minor(header("go 1.22 trac")), std::nullopt);
  EXPECT_EQ(header_minor(header("go 2.22 trace")), std::nullopt);
  EXPECT_EQ(header_minor("go 1.22 trace\0\0x"), std::nullopt);
  EXPECT_EQ(header_minor("go 1.2"), std::nullopt);
}

TEST(Header, KnowsTheFourV2Versions) {
  EXPECT_EQ(supported_version(22), GoVersion::kGo122);
  EXPECT_EQ(supported_version(23), GoVersion::kGo123);
  EXPECT_EQ(supported_version(24), std::nullopt);  // Go 1.24 writes "go 1.23"
  EXPECT_EQ(supported_version(25), GoVersion::kGo125);
  EXPECT_EQ(supported_version(26), GoVersion::kGo126);
  EXPECT_EQ(supported_version(21), std::nullopt);
  EXPECT_EQ(supported_version(27), std::nullopt);
}

TEST(EventTable, MatchesTheSpecShapes) {
  EXPECT_EQ(event_spec(kEvGoCreate).name, "GoCreate");
  EXPECT_EQ(event_spec(kEvGoCreate).nargs, 4);
  EXPECT_EQ(event_spec(kEvUserLog).nargs, 5);
  EXPECT_EQ(event_spec(kEvCPUSample).arg_names[1], "m");  // wire order time m p g stack
  EXPECT_TRUE(event_spec(kEvStack).is_stack);
  EXPECT_TRUE(event_spec(kEvString).has_data);
  EXPECT_TRUE(event_spec(kEvExperimentalBatch).has_data);
  EXPECT_EQ(event_spec(kEvEndOfGeneration).nargs, 0);
  EXPECT_EQ(event_name(53), "<unknown (53)>");
  EXPECT_EQ(event_name(kEvGoroutineStackFree), "GoroutineStackFree");
  // Every defined timed event has dt first and a category.
  for (unsigned t = 0; t < 256; ++t) {
    const EventSpec& s = event_spec(static_cast<std::uint8_t>(t));
    if (s.timed) {
      EXPECT_EQ(s.arg_names[0], "dt") << s.name;
    }
    for (unsigned i = 0; i < s.nargs; ++i) EXPECT_FALSE(s.arg_names[i].empty()) << s.name << " arg " << i;
  }
}

TEST(EventTable, GatesEventsByVersion) {
  EXPECT_TRUE(valid_in_event_batch(GoVersion::kGo122, kEvUserLog));
  EXPECT_FALSE(valid_in_event_batch(GoVersion::kGo122, kEvGoSwitch));
  EXPECT_TRUE(valid_in_event_batch(GoVersion::kGo123, kEvGoSwitch));
  EXPECT_TRUE(valid_in_event_batch(GoVersion::kGo123, kEvHeapObjectAlloc));
  EXPECT_FALSE(valid_in_event_batch(GoVersion::kGo122, kEvHeapObjectAlloc));
  // Structural events and the sync batch's clock snapshot never sit in event batches.
  EXPECT_FALSE(valid_in_event_batch(GoVersion::kGo126, kEvClockSnapshot));
  EXPECT_FALSE(valid_in_event_batch(GoVersion::kGo126, kEvString));
  EXPECT_FALSE(valid_in_event_batch(GoVersion::kGo126, kEvEndOfGeneration));
  EXPECT_EQ(event_batch_arg_counts(GoVersion::kGo126)[kEvGoStart], 3);
  EXPECT_EQ(event_batch_arg_counts(GoVersion::kGo122)[kEvGoSwitch], -1);
}

TEST(Categories, EveryEventBelongsToOne) {
  EXPECT_EQ(event_spec(kEvGoCreate).category, Category::kGoroutineLifecycle);
  EXPECT_EQ(event_spec(kEvGoStart).category, Category::kScheduling);
  EXPECT_EQ(event_spec(kEvUserRegionBegin).category, Category::kUserAnnotations);
  EXPECT_EQ(event_spec(kEvGoSyscallBegin).category, Category::kSyscalls);
  EXPECT_EQ(event_spec(kEvHeapAlloc).category, Category::kGcHeap);
  EXPECT_EQ(event_spec(kEvString).category, Category::kTables);
  EXPECT_EQ(event_spec(kEvCPUSample).category, Category::kCpuSamples);
  EXPECT_EQ(event_spec(kEvEventBatch).category, Category::kFraming);
  EXPECT_EQ(event_spec(kEvSpan).category, Category::kExperimental);
  EXPECT_EQ(category_name(Category::kTables), "stack_string_tables");
}

}  // namespace
}  // namespace tracebench::trace
