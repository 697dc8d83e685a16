// Goroutine states on hand-made traces whose answers can be worked out by hand: events
// of one goroutine spread over threads whose batches are out of time order in the file,
// equal timestamps on two threads, cmd/trace's rule that delays before a goroutine's first
// run do not count, the window filter, and the advice thresholds. The real runtime's
// traces against go tool trace are in tests/integration/profiles.

#include <gtest/gtest.h>

#include <string>

#include "trace/goroutine_states.h"
#include "trace/source.h"
#include "trace/time_advice.h"
#include "wire_text.h"

namespace tracebench::trace {
namespace {

// Strings and stacks shared by the traces: two stacks of one frame each.
const std::string kTables = R"(EventBatch gen=1 m=18446744073709551615 time=90 size=auto
Strings
String id=1
	data="sync"
String id=2
	data="main.lock"
String id=3
	data="select"
String id=4
	data="main.go"
String id=5
	data="main.unlock"
String id=6
	data="main.worker"
EventBatch gen=1 m=18446744073709551615 time=91 size=auto
Stacks
Stack id=1 nframes=1
	pc=4096 func=2 file=4 line=10
Stack id=2 nframes=1
	pc=8192 func=5 file=4 line=20
Stack id=3 nframes=1
	pc=12288 func=6 file=4 line=30
EventBatch gen=1 m=18446744073709551615 time=92 size=auto
Frequency freq=1000000000
)";

StateAnalysis analyze(const std::string& events, const StateOptions& options = {}) {
  const auto bytes = testing::assemble("Trace Go1.22\n" + events + kTables);
  MemorySource source(bytes);
  return analyze_states_source(source, options);
}

// G5 runs on M1 and blocks on a mutex at 110; G7 on M2 unblocks it at 150 and blocks in
// a select at 155; M2 starts G5 at 160. M2's batch comes first in the file.
const std::string kCrossThread = R"(EventBatch gen=1 m=2 time=100 size=auto
GoStatus dt=1 g=7 m=2 gstatus=2
GoUnblock dt=49 g=5 g_seq=1 stack=2
GoBlock dt=5 reason_string=3 stack=0
GoStart dt=5 g=5 g_seq=2
EventBatch gen=1 m=1 time=100 size=auto
GoStatus dt=1 g=5 m=1 gstatus=2
GoBlock dt=9 reason_string=1 stack=1
)";

const DelayProfile& profile(const StateAnalysis& a, ProfileKind k) { return a.profiles[kind_index(k)]; }

TEST(GoroutineStates, FollowsAGoroutineAcrossThreadsInTimeOrderNotFileOrder) {
  const StateAnalysis a = analyze(kCrossThread);
  const DelayProfile& sync = profile(a, ProfileKind::kSync);
  ASSERT_EQ(sync.samples.size(), 1u);  // G7's select never ends: cmd/trace leaves it out
  EXPECT_EQ(sync.samples[0].count, 1u);
  EXPECT_EQ(sync.samples[0].delay_ns, 40);
  ASSERT_EQ(sync.samples[0].frames.size(), 1u);
  EXPECT_EQ(sync.frames[sync.samples[0].frames[0]].function, "main.lock");
  EXPECT_EQ(sync.frames[sync.samples[0].frames[0]].pc, 4096u);
  EXPECT_EQ(sync.frames[sync.samples[0].frames[0]].line, 10);
  // Runnable from the unblock to the start, at the unblocker's stack.
  const DelayProfile& sched = profile(a, ProfileKind::kSched);
  ASSERT_EQ(sched.samples.size(), 1u);
  EXPECT_EQ(sched.samples[0].delay_ns, 10);
  EXPECT_EQ(sched.frames[sched.samples[0].frames[0]].function, "main.unlock");
  EXPECT_TRUE(profile(a, ProfileKind::kNet).samples.empty());
  EXPECT_TRUE(profile(a, ProfileKind::kSyscall).samples.empty());

  // Every goroutine's time up to the last event (160).
  const TimeBreakdown& b = a.breakdown;
  EXPECT_EQ(b.all.running_ns, 9 + 54);
  EXPECT_EQ(b.all.runnable_ns, 10);
  EXPECT_EQ(b.all.waiting_ns[static_cast<std::size_t>(WaitCause::kSync)], 40);
  EXPECT_EQ(b.all.waiting_ns[static_cast<std::size_t>(WaitCause::kSelect)], 5);
  EXPECT_EQ(b.goroutines, 2u);
  EXPECT_EQ(b.sched_count, 1u);
  EXPECT_EQ(b.sched_max_ns, 10);
}

TEST(GoroutineStates, EqualTimesOnTwoThreadsTakeTheOrderTheStatesAllow) {
  // M3 starts G5 at 150, the very tick M2 unblocks it; M3's batch comes first.
  const StateAnalysis a = analyze(R"(EventBatch gen=1 m=3 time=100 size=auto
GoStart dt=50 g=5 g_seq=2
EventBatch gen=1 m=2 time=100 size=auto
GoStatus dt=1 g=7 m=2 gstatus=2
GoUnblock dt=49 g=5 g_seq=1 stack=2
EventBatch gen=1 m=1 time=100 size=auto
GoStatus dt=1 g=5 m=1 gstatus=2
GoBlock dt=9 reason_string=1 stack=1
)");
  ASSERT_EQ(profile(a, ProfileKind::kSync).samples.size(), 1u);
  EXPECT_EQ(profile(a, ProfileKind::kSync).samples[0].delay_ns, 40);
  EXPECT_TRUE(profile(a, ProfileKind::kSched).samples.empty());  // 0 ns runnable: no sample
  EXPECT_EQ(a.breakdown.sched_count, 1u);
  EXPECT_EQ(a.breakdown.sched_max_ns, 0);
}

TEST(GoroutineStates, DelaysBeforeAGoroutinesFirstRunAreLeftOutAsCmdTraceDoes) {
  // G5 creates G9 (start function main.worker) at 110; M2 starts G9 at 130.
  const StateAnalysis a = analyze(R"(EventBatch gen=1 m=1 time=100 size=auto
GoStatus dt=1 g=5 m=1 gstatus=2
GoCreate dt=9 new_g=9 new_stack=3 stack=1
GoBlock dt=40 reason_string=1 stack=1
EventBatch gen=1 m=2 time=100 size=auto
GoStart dt=30 g=9 g_seq=1
)");
  EXPECT_TRUE(profile(a, ProfileKind::kSched).samples.empty());
  EXPECT_EQ(a.breakdown.all.runnable_ns, 20);  // the breakdown keeps the real wait
  bool worker = false;
  for (const auto& f : a.breakdown.by_function) worker = worker || f.start_function == "main.worker";
  EXPECT_TRUE(worker);
  EXPECT_EQ(a.breakdown.created, 1u);

  StateOptions only_worker;
  only_worker.filter.start_function = "main.worker";
  const StateAnalysis w = analyze(R"(EventBatch gen=1 m=1 time=100 size=auto
GoStatus dt=1 g=5 m=1 gstatus=2
GoCreate dt=9 new_g=9 new_stack=3 stack=1
GoBlock dt=40 reason_string=1 stack=1
EventBatch gen=1 m=2 time=100 size=auto
GoStart dt=30 g=9 g_seq=1
)",
                                  only_worker);
  EXPECT_EQ(w.breakdown.goroutines, 1u);
  EXPECT_EQ(w.breakdown.all.runnable_ns, 20);
  EXPECT_EQ(w.breakdown.all.running_ns, 20);  // G9 runs from 130 to the last event (G5 blocking, 150)
}

TEST(GoroutineStates, AWindowKeepsTheOverlapOfEachInterval) {
  StateOptions o;
  o.filter.from_ns = 20;  // the first event is at 101: [121, 156]
  o.filter.to_ns = 55;
  const StateAnalysis a = analyze(kCrossThread, o);
  ASSERT_EQ(profile(a, ProfileKind::kSync).samples.size(), 1u);
  EXPECT_EQ(profile(a, ProfileKind::kSync).samples[0].delay_ns, 150 - 121);
  ASSERT_EQ(profile(a, ProfileKind::kSched).samples.size(), 1u);
  EXPECT_EQ(profile(a, ProfileKind::kSched).samples[0].delay_ns, 156 - 150);
  EXPECT_EQ(a.breakdown.span_ns, 35);
}

TEST(GoroutineStates, KindNamesRoundTrip) {
  for (auto k : {ProfileKind::kSync, ProfileKind::kNet, ProfileKind::kSyscall, ProfileKind::kSched})
    EXPECT_EQ(parse_profile_kind(profile_kind_name(k)), k);
  EXPECT_FALSE(parse_profile_kind("mutex"));
}

TimeBreakdown shares(std::int64_t running, std::int64_t runnable, std::int64_t sync) {
  TimeBreakdown b;
  b.all.running_ns = running;
  b.all.runnable_ns = runnable;
  b.all.waiting_ns[static_cast<std::size_t>(WaitCause::kSync)] = sync;
  return b;
}

TEST(TimeAdvice, FollowsTheStatedThresholds) {
  auto ids = [](const std::vector<TimeAdvice>& v) {
    std::string s;
    for (const auto& a : v) s += a.id + " ";
    return s;
  };
  EXPECT_EQ(ids(advise(shares(50, 19, 31), "t")), "cpu-profile ");
  EXPECT_EQ(ids(advise(shares(49, 20, 31), "t")), "runnable ");
  EXPECT_EQ(ids(advise(shares(30, 20, 50), "t")), "runnable blocked-sync ");
  EXPECT_EQ(ids(advise(shares(0, 0, 0), "t")), "");
  const auto v = advise(shares(10, 0, 90), "x.trace");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_DOUBLE_EQ(v[0].threshold, kOneCauseShare);
  EXPECT_NE(v[0].message.find("tracebench inspect x.trace --pprof sync=sync.pb.gz"), std::string::npos);
  EXPECT_NE(v[0].message.find("threshold 50%"), std::string::npos);
}

}  // namespace
}  // namespace tracebench::trace
