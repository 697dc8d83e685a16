#include "trace/goroutine_states.h"

#include <array>
#include <chrono>
#include <memory>

#include "trace/decoder.h"
#include "trace/source.h"
#include "trace/state_follower.h"
#include "trace/tick_converter.h"
#include "trace/tokenizer.h"

namespace tracebench::trace {

namespace {
constexpr std::array<std::string_view, kProfileKindCount> kKindNames = {"sync", "net", "syscall", "sched"};
constexpr std::array<std::string_view, kWaitCauseCount> kCauseNames = {"sync", "channel", "select", "network",
                                                                       "sleep", "gc",   "other",  "unknown"};
// Event-batch bytes decoded between two evictions from the source (as analyze.cpp).
constexpr std::uint64_t kEvictBytes = 1 << 20;
}  // namespace

std::string_view profile_kind_name(ProfileKind kind) { return kKindNames[kind_index(kind)]; }

std::optional<ProfileKind> parse_profile_kind(std::string_view name) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i)
    if (kKindNames[i] == name) return static_cast<ProfileKind>(i);
  return std::nullopt;
}

std::string_view wait_cause_name(WaitCause cause) { return kCauseNames[static_cast<std::size_t>(cause)]; }

std::int64_t DelayProfile::total_delay_ns() const {
  std::int64_t t = 0;
  for (const auto& s : samples) t = wrapping_sum_ns(t, s.delay_ns);
  return t;
}

std::uint64_t DelayProfile::total_count() const {
  std::uint64_t n = 0;
  for (const auto& s : samples) n += s.count;
  return n;
}

std::int64_t StateTimes::waiting_total_ns() const {
  std::int64_t t = 0;
  for (std::int64_t w : waiting_ns) t = wrapping_sum_ns(t, w);
  return t;
}

std::int64_t StateTimes::total_ns() const {
  return wrapping_sum_ns(wrapping_sum_ns(running_ns, runnable_ns), wrapping_sum_ns(syscall_ns, waiting_total_ns()));
}

double StateAnalysis::parse_mb_per_second() const {
  return parse_seconds > 0 ? static_cast<double>(file_bytes) / 1e6 / parse_seconds : 0;
}

StateAnalysis analyze_states_source(TraceSource& source, const StateOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  StateAnalysis out;
  const GoVersion version = read_header(source);
  IssueCounts issues;
  StateFollower follower(options);
  Decoder<StateFollower> decoder(version, options.strict, issues, follower);
  Framer framer(source, version, options.strict, &issues);
  FramedGeneration frame;
  std::uint64_t offset = kHeaderBytes;
  while (framer.next(frame)) {
    if (!frame.batches.empty()) decoder.finish(decoder.prepare(source, frame, framer.exhausted()), kEvictBytes);
    source.release(frame.end_offset);
    offset = framer.offset();
  }
  follower.finish(out);
  out.file_bytes = source.size().value_or(offset);
  out.parse_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

StateAnalysis analyze_states(const std::string& path, const StateOptions& options) {
  std::unique_ptr<TraceSource> source = open_trace_source(path);
  return analyze_states_source(*source, options);
}

}  // namespace tracebench::trace
