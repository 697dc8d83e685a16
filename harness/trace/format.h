#pragma once
// Facts about Go's execution-trace wire format v2 (headers "go 1.22" to "go 1.26"):
// versions, event types, their wire arguments and the category each belongs to.
// Written from ../shared/go-trace-format.md and $(go env GOROOT)/src/internal/trace/tracev2.
//
// Everything here is constant data and pure functions: thread-safe, no allocation
// except event_name() for unknown types.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tracebench::trace {

// The trace format version, as the header's minor number. Go 1.24 writes "go 1.23";
// there is no 1.24 format.
enum class GoVersion : std::uint8_t { kGo122 = 22, kGo123 = 23, kGo125 = 25, kGo126 = 26 };

inline constexpr std::size_t kHeaderBytes = 16;            // "go 1.NN trace\0\0\0"
inline constexpr std::uint64_t kMaxBatchPayloadBytes = 64u << 10;
inline constexpr std::uint64_t kMaxStringBytes = 1u << 10;  // MaxEventTrailerDataSize
inline constexpr std::uint64_t kMaxFramesPerStack = 128;
inline constexpr std::size_t kMaxVarintBytes = 10;
inline constexpr std::uint64_t kNoThread = ~std::uint64_t{0};  // M of structural batches
inline constexpr std::uint64_t kNoGoroutine = ~std::uint64_t{0};

// Wire event types (tracev2.EventType). 53..127 are unused; 128..136 are the
// AllocFree experiment's events, which appear in ordinary event batches.
enum EventType : std::uint8_t {
  kEvNone = 0,
  kEvEventBatch = 1,
  kEvStacks = 2,
  kEvStack = 3,
  kEvStrings = 4,
  kEvString = 5,
  kEvCPUSamples = 6,
  kEvCPUSample = 7,
  kEvFrequency = 8,
  kEvProcsChange = 9,
  kEvProcStart = 10,
  kEvProcStop = 11,
  kEvProcSteal = 12,
  kEvProcStatus = 13,
  kEvGoCreate = 14,
  kEvGoCreateSyscall = 15,
  kEvGoStart = 16,
  kEvGoDestroy = 17,
  kEvGoDestroySyscall = 18,
  kEvGoStop = 19,
  kEvGoBlock = 20,
  kEvGoUnblock = 21,
  kEvGoSyscallBegin = 22,
  kEvGoSyscallEnd = 23,
  kEvGoSyscallEndBlocked = 24,
  kEvGoStatus = 25,
  kEvSTWBegin = 26,
  kEvSTWEnd = 27,
  kEvGCActive = 28,
  kEvGCBegin = 29,
  kEvGCEnd = 30,
  kEvGCSweepActive = 31,
  kEvGCSweepBegin = 32,
  kEvGCSweepEnd = 33,
  kEvGCMarkAssistActive = 34,
  kEvGCMarkAssistBegin = 35,
  kEvGCMarkAssistEnd = 36,
  kEvHeapAlloc = 37,
  kEvHeapGoal = 38,
  kEvGoLabel = 39,
  kEvUserTaskBegin = 40,
  kEvUserTaskEnd = 41,
  kEvUserRegionBegin = 42,
  kEvUserRegionEnd = 43,
  kEvUserLog = 44,
  kEvGoSwitch = 45,           // 1.23+
  kEvGoSwitchDestroy = 46,    // 1.23+
  kEvGoCreateBlocked = 47,    // 1.23+
  kEvGoStatusStack = 48,      // 1.23+
  kEvExperimentalBatch = 49,  // 1.23+
  kEvSync = 50,               // 1.25+
  kEvClockSnapshot = 51,      // 1.25+
  kEvEndOfGeneration = 52,    // 1.26+ on the wire
  kEvSpan = 128,              // AllocFree experiment, 1.23+
  kEvSpanAlloc = 129,
  kEvSpanFree = 130,
  kEvHeapObject = 131,
  kEvHeapObjectAlloc = 132,
  kEvHeapObjectFree = 133,
  kEvGoroutineStack = 134,
  kEvGoroutineStackAlloc = 135,
  kEvGoroutineStackFree = 136,
};

// What an event is about. Every event type belongs to exactly one category.
enum class Category : std::uint8_t {
  kScheduling,          // Ps, goroutine start/stop/block/unblock, status snapshots
  kGoroutineLifecycle,  // goroutine create/destroy
  kGcHeap,              // GC phases, sweeps, assists, STW, heap metrics, GC worker labels
  kSyscalls,            // syscall enter/exit
  kUserAnnotations,     // runtime/trace tasks, regions, logs
  kTables,              // string and stack tables
  kCpuSamples,          // CPU profile samples
  kFraming,             // batch headers, frequency/sync/clock, end-of-generation
  kExperimental,        // experimental batches and AllocFree events
};
inline constexpr std::size_t kCategoryCount = 9;
std::string_view category_name(Category c);  // "scheduling", "goroutine_lifecycle", ...

struct EventSpec {
  std::string_view name;  // empty for unused types
  std::uint8_t nargs = 0;  // uvarint args after the type byte, dt included
  std::array<std::string_view, 5> arg_names{};
  bool timed = false;     // first arg is a timestamp delta
  bool has_data = false;  // trailer: uvarint length + bytes
  bool is_stack = false;  // trailer: nframes x {pc, func, file, line}
  std::uint8_t since = 0;  // first format version (22, 23, 25, 26) that defines it
  Category category = Category::kFraming;
  std::int8_t string_arg = -1;  // index in args (0 = dt) of a string ID, or -1
  std::int8_t stack_arg = -1;   // index in args of the event's own stack ID, or -1
};

// The spec of any byte value; unused types get a default spec with an empty name.
const EventSpec& event_spec(std::uint8_t type);

// The spec's name, or "<unknown (N)>" (the form go tool trace -d=footprint uses).
std::string event_name(std::uint8_t type);

// Whether `type` may appear as an event inside an ordinary event batch of a trace of
// version v: the timed events the runtime of that version writes (ClockSnapshot only
// inside the sync batch, experimental events from 1.23 on).
bool valid_in_event_batch(GoVersion v, std::uint8_t type);

// Wire arg count of `type` inside event batches for version v, or -1 if the type is
// not valid there. Table-driven; this is what the hot decoding loop uses.
const std::array<std::int8_t, 256>& event_batch_arg_counts(GoVersion v);

// Parses the 16-byte header's version. nullopt if the bytes are not a Go trace
// header at all; otherwise the minor number written (which may be unsupported).
std::optional<unsigned> header_minor(std::string_view first16);
std::optional<GoVersion> supported_version(unsigned minor);
std::string_view version_name(GoVersion v);  // "1.22", "1.23", "1.25", "1.26"

// Events and bytes of one event type or category.
struct Counts {
  std::uint64_t events = 0;
  std::uint64_t bytes = 0;  // wire bytes (type byte, args, trailers; batch headers as written)
};

// Goroutine status values of GoStatus/GoStatusStack (tracev2.GoStatus).
enum class GoStatus : std::uint8_t { kBad = 0, kRunnable = 1, kRunning = 2, kSyscall = 3, kWaiting = 4 };

}  // namespace tracebench::trace
