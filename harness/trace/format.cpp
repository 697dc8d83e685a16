#include "trace/format.h"

#include <fmt/core.h>

namespace tracebench::trace {
namespace {

using C = Category;

// One row per defined event type. Arg names are the spec's (tracev2/events.go), so a
// wire dump reads exactly like `go tool trace -d=wire`.
struct Row {
  std::uint8_t type;
  EventSpec spec;
};

constexpr EventSpec timed(std::string_view name, std::uint8_t since, Category cat,
                          std::array<std::string_view, 5> args, std::uint8_t nargs,
                          std::int8_t string_arg = -1, std::int8_t stack_arg = -1) {
  EventSpec s;
  s.name = name;
  s.nargs = nargs;
  s.arg_names = args;
  s.timed = true;
  s.since = since;
  s.category = cat;
  s.string_arg = string_arg;
  s.stack_arg = stack_arg;
  return s;
}

constexpr EventSpec structural(std::string_view name, std::uint8_t since, Category cat,
                               std::array<std::string_view, 5> args, std::uint8_t nargs,
                               bool has_data = false, bool is_stack = false) {
  EventSpec s;
  s.name = name;
  s.nargs = nargs;
  s.arg_names = args;
  s.has_data = has_data;
  s.is_stack = is_stack;
  s.since = since;
  s.category = cat;
  return s;
}

constexpr Row kRows[] = {
    {kEvEventBatch, structural("EventBatch", 22, C::kFraming, {"gen", "m", "time", "size"}, 4)},
    {kEvStacks, structural("Stacks", 22, C::kTables, {}, 0)},
    {kEvStack, structural("Stack", 22, C::kTables, {"id", "nframes"}, 2, false, true)},
    {kEvStrings, structural("Strings", 22, C::kTables, {}, 0)},
    {kEvString, structural("String", 22, C::kTables, {"id"}, 1, true)},
    {kEvCPUSamples, structural("CPUSamples", 22, C::kCpuSamples, {}, 0)},
    {kEvCPUSample, structural("CPUSample", 22, C::kCpuSamples, {"time", "m", "p", "g", "stack"}, 5)},
    {kEvFrequency, structural("Frequency", 22, C::kFraming, {"freq"}, 1)},
    {kEvProcsChange, timed("ProcsChange", 22, C::kScheduling, {"dt", "procs_value", "stack"}, 3, -1, 2)},
    {kEvProcStart, timed("ProcStart", 22, C::kScheduling, {"dt", "p", "p_seq"}, 3)},
    {kEvProcStop, timed("ProcStop", 22, C::kScheduling, {"dt"}, 1)},
    {kEvProcSteal, timed("ProcSteal", 22, C::kScheduling, {"dt", "p", "p_seq", "m"}, 4)},
    {kEvProcStatus, timed("ProcStatus", 22, C::kScheduling, {"dt", "p", "pstatus"}, 3)},
    {kEvGoCreate,
     timed("GoCreate", 22, C::kGoroutineLifecycle, {"dt", "new_g", "new_stack", "stack"}, 4, -1, 3)},
    {kEvGoCreateSyscall, timed("GoCreateSyscall", 22, C::kGoroutineLifecycle, {"dt", "new_g"}, 2)},
    {kEvGoStart, timed("GoStart", 22, C::kScheduling, {"dt", "g", "g_seq"}, 3)},
    {kEvGoDestroy, timed("GoDestroy", 22, C::kGoroutineLifecycle, {"dt"}, 1)},
    {kEvGoDestroySyscall, timed("GoDestroySyscall", 22, C::kGoroutineLifecycle, {"dt"}, 1)},
    {kEvGoStop, timed("GoStop", 22, C::kScheduling, {"dt", "reason_string", "stack"}, 3, 1, 2)},
    {kEvGoBlock, timed("GoBlock", 22, C::kScheduling, {"dt", "reason_string", "stack"}, 3, 1, 2)},
    {kEvGoUnblock, timed("GoUnblock", 22, C::kScheduling, {"dt", "g", "g_seq", "stack"}, 4, -1, 3)},
    {kEvGoSyscallBegin, timed("GoSyscallBegin", 22, C::kSyscalls, {"dt", "p_seq", "stack"}, 3, -1, 2)},
    {kEvGoSyscallEnd, timed("GoSyscallEnd", 22, C::kSyscalls, {"dt"}, 1)},
    {kEvGoSyscallEndBlocked, timed("GoSyscallEndBlocked", 22, C::kSyscalls, {"dt"}, 1)},
    {kEvGoStatus, timed("GoStatus", 22, C::kScheduling, {"dt", "g", "m", "gstatus"}, 4)},
    {kEvSTWBegin, timed("STWBegin", 22, C::kGcHeap, {"dt", "kind_string", "stack"}, 3, 1, 2)},
    {kEvSTWEnd, timed("STWEnd", 22, C::kGcHeap, {"dt"}, 1)},
    {kEvGCActive, timed("GCActive", 22, C::kGcHeap, {"dt", "gc_seq"}, 2)},
    {kEvGCBegin, timed("GCBegin", 22, C::kGcHeap, {"dt", "gc_seq", "stack"}, 3, -1, 2)},
    {kEvGCEnd, timed("GCEnd", 22, C::kGcHeap, {"dt", "gc_seq"}, 2)},
    {kEvGCSweepActive, timed("GCSweepActive", 22, C::kGcHeap, {"dt", "p"}, 2)},
    {kEvGCSweepBegin, timed("GCSweepBegin", 22, C::kGcHeap, {"dt", "stack"}, 2, -1, 1)},
    {kEvGCSweepEnd, timed("GCSweepEnd", 22, C::kGcHeap, {"dt", "swept_value", "reclaimed_value"}, 3)},
    {kEvGCMarkAssistActive, timed("GCMarkAssistActive", 22, C::kGcHeap, {"dt", "g"}, 2)},
    {kEvGCMarkAssistBegin, timed("GCMarkAssistBegin", 22, C::kGcHeap, {"dt", "stack"}, 2, -1, 1)},
    {kEvGCMarkAssistEnd, timed("GCMarkAssistEnd", 22, C::kGcHeap, {"dt"}, 1)},
    {kEvHeapAlloc, timed("HeapAlloc", 22, C::kGcHeap, {"dt", "heapalloc_value"}, 2)},
    {kEvHeapGoal, timed("HeapGoal", 22, C::kGcHeap, {"dt", "heapgoal_value"}, 2)},
    {kEvGoLabel, timed("GoLabel", 22, C::kGcHeap, {"dt", "label_string"}, 2, 1)},
    {kEvUserTaskBegin,
     timed("UserTaskBegin", 22, C::kUserAnnotations, {"dt", "task", "parent_task", "name_string", "stack"}, 5,
           3, 4)},
    {kEvUserTaskEnd, timed("UserTaskEnd", 22, C::kUserAnnotations, {"dt", "task", "stack"}, 3, -1, 2)},
    {kEvUserRegionBegin,
     timed("UserRegionBegin", 22, C::kUserAnnotations, {"dt", "task", "name_string", "stack"}, 4, 2, 3)},
    {kEvUserRegionEnd,
     timed("UserRegionEnd", 22, C::kUserAnnotations, {"dt", "task", "name_string", "stack"}, 4, 2, 3)},
    {kEvUserLog,
     timed("UserLog", 22, C::kUserAnnotations, {"dt", "task", "key_string", "value_string", "stack"}, 5, 2, 4)},
    {kEvGoSwitch, timed("GoSwitch", 23, C::kScheduling, {"dt", "g", "g_seq"}, 3)},
    {kEvGoSwitchDestroy, timed("GoSwitchDestroy", 23, C::kGoroutineLifecycle, {"dt", "g", "g_seq"}, 3)},
    {kEvGoCreateBlocked,
     timed("GoCreateBlocked", 23, C::kGoroutineLifecycle, {"dt", "new_g", "new_stack", "stack"}, 4, -1, 3)},
    {kEvGoStatusStack, timed("GoStatusStack", 23, C::kScheduling, {"dt", "g", "m", "gstatus", "stack"}, 5, -1, 4)},
    {kEvExperimentalBatch,
     structural("ExperimentalBatch", 23, C::kExperimental, {"exp", "gen", "m", "time"}, 4, true)},
    {kEvSync, structural("Sync", 25, C::kFraming, {}, 0)},
    {kEvClockSnapshot, timed("ClockSnapshot", 25, C::kFraming, {"dt", "mono", "sec", "nsec"}, 4)},
    {kEvEndOfGeneration, structural("EndOfGeneration", 26, C::kFraming, {}, 0)},
    {kEvSpan, timed("Span", 23, C::kExperimental, {"dt", "id", "npages_value", "kindclass"}, 4)},
    {kEvSpanAlloc, timed("SpanAlloc", 23, C::kExperimental, {"dt", "id", "npages_value", "kindclass"}, 4)},
    {kEvSpanFree, timed("SpanFree", 23, C::kExperimental, {"dt", "id"}, 2)},
    {kEvHeapObject, timed("HeapObject", 23, C::kExperimental, {"dt", "id", "type"}, 3)},
    {kEvHeapObjectAlloc, timed("HeapObjectAlloc", 23, C::kExperimental, {"dt", "id", "type"}, 3)},
    {kEvHeapObjectFree, timed("HeapObjectFree", 23, C::kExperimental, {"dt", "id"}, 2)},
    {kEvGoroutineStack, timed("GoroutineStack", 23, C::kExperimental, {"dt", "id", "order"}, 3)},
    {kEvGoroutineStackAlloc, timed("GoroutineStackAlloc", 23, C::kExperimental, {"dt", "id", "order"}, 3)},
    {kEvGoroutineStackFree, timed("GoroutineStackFree", 23, C::kExperimental, {"dt", "id"}, 2)},
};

struct SpecTable {
  std::array<EventSpec, 256> specs{};
  constexpr SpecTable() {
    for (const auto& r : kRows) specs[r.type] = r.spec;
  }
};
constexpr SpecTable kSpecs;

constexpr bool valid_in_batch(GoVersion v, std::uint8_t type) {
  const EventSpec& s = kSpecs.specs[type];
  if (!s.timed || type == kEvClockSnapshot) return false;
  return static_cast<unsigned>(v) >= s.since;
}

struct ArgCountTable {
  std::array<std::int8_t, 256> counts{};
  constexpr explicit ArgCountTable(GoVersion v) {
    for (unsigned t = 0; t < 256; ++t) {
      auto type = static_cast<std::uint8_t>(t);
      counts[t] = valid_in_batch(v, type) ? static_cast<std::int8_t>(kSpecs.specs[t].nargs) : std::int8_t{-1};
    }
  }
};
constexpr ArgCountTable kArgs122(GoVersion::kGo122);
constexpr ArgCountTable kArgs123(GoVersion::kGo123);
constexpr ArgCountTable kArgs125(GoVersion::kGo125);
constexpr ArgCountTable kArgs126(GoVersion::kGo126);

}  // namespace

std::string_view category_name(Category c) {
  switch (c) {
    case Category::kScheduling: return "scheduling";
    case Category::kGoroutineLifecycle: return "goroutine_lifecycle";
    case Category::kGcHeap: return "gc_heap";
    case Category::kSyscalls: return "syscalls";
    case Category::kUserAnnotations: return "user_annotations";
    case Category::kTables: return "stack_string_tables";
    case Category::kCpuSamples: return "cpu_samples";
    case Category::kFraming: return "framing";
    case Category::kExperimental: return "experimental";
  }
  return "?";
}

const EventSpec& event_spec(std::uint8_t type) { return kSpecs.specs[type]; }

std::string event_name(std::uint8_t type) {
  const EventSpec& s = kSpecs.specs[type];
  if (!s.name.empty()) return std::string(s.name);
  return fmt::format("<unknown ({})>", type);
}

bool valid_in_event_batch(GoVersion v, std::uint8_t type) { return valid_in_batch(v, type); }

const std::array<std::int8_t, 256>& event_batch_arg_counts(GoVersion v) {
  switch (v) {
    case GoVersion::kGo122: return kArgs122.counts;
    case GoVersion::kGo123: return kArgs123.counts;
    case GoVersion::kGo125: return kArgs125.counts;
    case GoVersion::kGo126: return kArgs126.counts;
  }
  return kArgs126.counts;
}

std::optional<unsigned> header_minor(std::string_view h) {
  // "go 1.%d trace\0\0\0": a one- or two-digit minor, then " trace" and NUL padding
  // to 16 bytes (go 1.5 used four NULs).
  constexpr std::string_view kPrefix = "go 1.";
  if (h.size() < kHeaderBytes || h.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::size_t i = kPrefix.size();
  unsigned minor = 0;
  std::size_t digits = 0;
  while (i < kHeaderBytes && h[i] >= '0' && h[i] <= '9' && digits < 3) {
    minor = minor * 10 + static_cast<unsigned>(h[i] - '0');
    ++i;
    ++digits;
  }
  constexpr std::string_view kSuffix = " trace";
  if (digits == 0 || h.substr(i, kSuffix.size()) != kSuffix) return std::nullopt;
  for (i += kSuffix.size(); i < kHeaderBytes; ++i)
    if (h[i] != '\0') return std::nullopt;
  return minor;
}

std::optional<GoVersion> supported_version(unsigned minor) {
  switch (minor) {
    case 22: return GoVersion::kGo122;
    case 23: return GoVersion::kGo123;
    case 25: return GoVersion::kGo125;
    case 26: return GoVersion::kGo126;
    default: return std::nullopt;
  }
}

std::string_view version_name(GoVersion v) {
  switch (v) {
    case GoVersion::kGo122: return "1.22";
    case GoVersion::kGo123: return "1.23";
    case GoVersion::kGo125: return "1.25";
    case GoVersion::kGo126: return "1.26";
  }
  return "?";
}

}  // namespace tracebench::trace
