#pragma once
// The sizing arithmetic: flight-recorder MaxBytes/MinAge for a wanted window, the memory
// to expect, and `?seconds=N` capture windows for file budgets. Pure and thread-safe.
//
// What it rests on (go-trace-format.md §2, Go 1.26 src/runtime/trace/recorder.go): after
// every generation (~1 s) the recorder rebuilds its ring from the newest generation back,
// adding an older one while the total so far is <= MaxBytes and the oldest kept is no
// older than MinAge; whichever bound trips first wins, and whole generations are kept.
// The generation being written when a snapshot is taken is closed early (WriteTo forces a
// boundary), so the newest generation of a snapshot is partial: it may carry a
// generation's fixed cost (a status for every goroutine, the stack and string tables) for
// a fraction of a second. Hence:
//
//   MaxBytes >= upper_rate × (window + one generation)
//
// where upper_rate is the highest rate measured (the rate's spread), and the extra
// generation covers the partial newest one. With it, a snapshot holds at least `window`
// as long as the rate stays at or below upper_rate. MinAge is 2 × window (the Go team's
// advice: MinAge about twice the event's window), so the age bound never cuts the window
// short and MaxBytes is the bound that binds at the measured load.

#include <cstdint>
#include <string>

namespace tracebench::sizing {

// The runtime's trace advancer period (runtime defaultTraceAdvancePeriod): one generation.
inline constexpr std::int64_t kGenerationNs = 1'000'000'000;
// The smallest MaxBytes worth recommending: one trace batch (tracev2.MaxBatchSize).
inline constexpr std::uint64_t kMinMaxBytes = 64u << 10;
// The highest trace rate sizing accepts, given (--bytes-per-sec) or read from a result:
// the Go team's "busy service" writes about 10 MB/s, so 10 GB/s is already a thousand
// times that; anything above is a corrupt result or a typo, and would overflow the sizes.
inline constexpr double kMaxBytesPerSec = 10e9;
// What the arithmetic accepts as an upper rate: room for a spread factor over
// kMaxBytesPerSec, and far from overflowing a std::uint64_t over an hour's window.
inline constexpr double kMaxSizableBytesPerSec = 100 * kMaxBytesPerSec;
// Above this a MaxBytes (or the RSS to expect) is not a plausible amount of memory for one
// process's flight recorder: the output warns (a capture, not a ring, is the tool then).
inline constexpr std::uint64_t kPlausibleMemoryBytes = 64ull << 30;
// The largest friendly size a std::uint64_t holds: 1.75 × 2^63 does not fit, 1.75 × 2^62 does.
inline constexpr std::uint64_t kMaxFriendlySize = 7ull << 60;

// The rate a recommendation rests on, bytes of trace per second.
struct RateBasis {
  double median_bytes_per_s = 0;  // the typical rate
  double upper_bytes_per_s = 0;   // the highest rate to size for (>= median)
  double spread_factor() const { return median_bytes_per_s > 0 ? upper_bytes_per_s / median_bytes_per_s : 1.0; }
};

// The smallest "friendly" size >= bytes: {1, 1.25, 1.5, 1.75} × 2^k bytes (… 640 KiB,
// 1 MiB, 1.25 MiB, …, 8, 10, 12, 14, 16, 20 MiB …), never below kMinMaxBytes. Rounding
// adds at most 25%. bytes must be finite and >= 0; above kMaxFriendlySize it throws
// std::out_of_range naming the value (no friendly size fits in 64 bits).
std::uint64_t friendly_size_up(double bytes);

// Memory the recorder holds for a MaxBytes at an upper rate (see FlightRecorderSize):
// live = max_bytes + 2 generations at upper_bytes_per_s; RSS high = 2 × live.
std::uint64_t expected_live_bytes(std::uint64_t max_bytes, double upper_bytes_per_s);

struct FlightRecorderSize {
  std::int64_t window_ns = 0;     // wanted: the time a snapshot must hold
  std::int64_t min_age_ns = 0;    // 2 × window
  double exact_bytes = 0;         // upper × (window + one generation)
  std::uint64_t max_bytes = 0;    // exact_bytes rounded up to a friendly size
  double headroom = 0;            // max_bytes / (median × window): all margins together
  // The window expected at the median rate: max_bytes / median, capped by MinAge; a
  // snapshot may hold up to one generation more.
  double window_at_median_s = 0;
  // Memory the recorder holds: the ring (up to max_bytes plus the one generation that
  // crossed the bound) and the generation being written, both copied into the Go heap
  // (batch.go readBatch): max_bytes + 2 generations at the upper rate.
  std::uint64_t expected_live_bytes = 0;
  // RSS growth to allow for: the Go heap grows to about twice its live data before a GC
  // (GOGC=100), and dropped generations are garbage until then: 2 × expected_live_bytes.
  std::uint64_t expected_rss_high_bytes = 0;
};

// window_ns > 0; rate.median > 0 and rate.upper >= rate.median. Throws std::out_of_range
// when rate.upper exceeds kMaxSizableBytesPerSec or the window is over an hour (callers check
// their input first: this keeps the arithmetic from overflowing whatever reaches it).
FlightRecorderSize size_flight_recorder(const RateBasis& rate, std::int64_t window_ns);

// The size a recommendation would have had at a rate seen later (a verification's snapshot
// rate above the basis' upper rate): that rate as the median, times the basis' spread
// (upper / median) as the upper rate, for the same window. Throws as size_flight_recorder
// when rate_seen × spread exceeds kMaxSizableBytesPerSec; rate_seen > 0.
FlightRecorderSize restate_for_rate(const RateBasis& basis, double rate_seen_bytes_per_s, std::int64_t window_ns);

// The verification's correction after a short snapshot: the MaxBytes to try next, given the
// window wanted, the MaxBytes that fell short, the window its snapshot held and the trace
// rate that snapshot shows (its bytes / its span). Sized from that rate as a recommendation
// is, rate × (window + one generation), rounded up to a friendly size; at least a quarter
// more than the size that fell short, so each retry makes progress whatever the readings.
// A rate of 0 (a snapshot without a span) doubles the size. Pure; throws std::out_of_range
// when rate exceeds kMaxSizableBytesPerSec.
std::uint64_t next_max_bytes_after_short(std::int64_t window_ns, std::uint64_t max_bytes, double achieved_s,
                                         double rate_bytes_per_s);

// Go source text: "20 * time.Second", "1500 * time.Millisecond", "250 * time.Microsecond".
std::string go_duration_expr(std::int64_t ns);
// Go source text: "24 << 20", "1280 << 10", "1000".
std::string go_size_expr(std::uint64_t bytes);
// Ready-to-paste Go for runtime/trace (Go 1.25+), and for golang.org/x/exp/trace
// (Go 1.22–1.24: SetPeriod/SetSize); `comment` goes on the first line after "// ".
std::string go_runtime_trace_snippet(const FlightRecorderSize& s, const std::string& comment);
std::string go_x_exp_snippet(const FlightRecorderSize& s, const std::string& comment);
// The agent's start call (docs/agent.md): "start?min_age=20s&max_bytes=24MiB".
std::string agent_start_query(const FlightRecorderSize& s);

struct CaptureWindow {
  std::uint64_t budget_bytes = 0;
  // The `?seconds=N` to ask for: budget / upper rate, rounded down (whole seconds from 2 s,
  // tenths below). 0 when even 0.1 s would exceed the budget.
  double seconds = 0;
  double expected_bytes = 0;  // seconds × median rate
  double upper_bytes = 0;     // seconds × upper rate (<= budget)
};

// budget_bytes > 0; rate as for size_flight_recorder.
CaptureWindow capture_window_for_budget(const RateBasis& rate, std::uint64_t budget_bytes);

}  // namespace tracebench::sizing
