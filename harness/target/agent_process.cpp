#include "target/agent_process.h"

#include <fmt/core.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "target/tcp_connect.h"

namespace tracebench::target {
namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& key, const std::string& expected) {
  throw std::invalid_argument(fmt::format("'{}' {}", key, expected));
}

const json& field(const json& j, const std::string& parent, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) bad(parent + key, "is missing");
  return *it;
}

std::int64_t int_field(const json& j, const std::string& parent, const char* key) {
  const json& v = field(j, parent, key);
  if (!v.is_number_integer()) bad(parent + key, "is not an integer");
  return v.get<std::int64_t>();
}

std::uint64_t count_field(const json& j, const std::string& parent, const char* key) {
  const json& v = field(j, parent, key);
  if (!v.is_number_unsigned()) bad(parent + key, "is not a count (a whole number >= 0)");
  return v.get<std::uint64_t>();
}

double seconds_field(const json& j, const std::string& parent, const char* key) {
  const json& v = field(j, parent, key);
  if (!v.is_number() || v.get<double>() < 0) bad(parent + key, "is not a number of seconds >= 0");
  return v.get<double>();
}

}  // namespace

AgentProcessSample parse_agent_process_sample(const std::string& json_text) {
  const json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) throw std::invalid_argument("not a JSON object: " + one_line(json_text, 120));
  AgentProcessSample s;
  s.pid = int_field(j, "", "pid");
  s.started_unix_ns = int_field(j, "", "started_unix_ns");
  s.taken_unix_ns = int_field(j, "", "taken_unix_ns");
  s.cpu_user_ns = int_field(j, "", "cpu_user_ns");
  s.cpu_system_ns = int_field(j, "", "cpu_system_ns");
  s.gomaxprocs = int_field(j, "", "gomaxprocs");
  const json& c = field(j, "", "cpu_classes_s");
  if (!c.is_object()) bad("cpu_classes_s", "is not an object");
  const std::string p = "cpu_classes_s.";
  CpuClasses& k = s.cpu_classes_s;
  k.user = seconds_field(c, p, "user");
  k.gc_total = seconds_field(c, p, "gc_total");
  k.gc_mark_assist = seconds_field(c, p, "gc_mark_assist");
  k.gc_mark_dedicated = seconds_field(c, p, "gc_mark_dedicated");
  k.gc_mark_idle = seconds_field(c, p, "gc_mark_idle");
  k.gc_pause = seconds_field(c, p, "gc_pause");
  k.scavenge_total = seconds_field(c, p, "scavenge_total");
  k.idle = seconds_field(c, p, "idle");
  k.total = seconds_field(c, p, "total");
  s.gc_cycles = count_field(j, "", "gc_cycles");
  s.heap_objects_bytes = count_field(j, "", "heap_objects_bytes");
  s.total_memory_bytes = count_field(j, "", "total_memory_bytes");
  s.goroutines = count_field(j, "", "goroutines");
  const json& h = field(j, "", "sched_latencies");
  if (!h.is_object()) bad("sched_latencies", "is not an object");
  const json& bounds = field(h, "sched_latencies.", "boundaries");
  const json& counts = field(h, "sched_latencies.", "counts");
  if (!bounds.is_array() || !counts.is_array() || bounds.size() != counts.size() + 1 || counts.empty())
    bad("sched_latencies", "is not a histogram (want n counts and n+1 boundaries)");
  constexpr double kInf = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    const json& b = bounds[i];
    const bool end = i == 0 || i + 1 == bounds.size();
    if (b.is_null() && end) {
      s.sched_boundaries_s.push_back(i == 0 ? -kInf : kInf);
    } else if (b.is_number() && (s.sched_boundaries_s.empty() || b.get<double>() > s.sched_boundaries_s.back())) {
      s.sched_boundaries_s.push_back(b.get<double>());
    } else {
      bad(fmt::format("sched_latencies.boundaries[{}]", i), "is not a number above the one before (null only at the ends)");
    }
  }
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (!counts[i].is_number_unsigned()) bad(fmt::format("sched_latencies.counts[{}]", i), "is not a count");
    s.sched_counts.push_back(counts[i].get<std::uint64_t>());
  }
  return s;
}

namespace {

// "went backwards" with the two readings, or "" when `after` is not below `before`.
template <typename T>
std::string backwards(const char* what, T before, T after) {
  if (after >= before) return {};
  return fmt::format("the target's {} went backwards between the window's edges ({} then {})", what, before, after);
}

}  // namespace

AgentWindowOrWhy agent_window(const AgentProcessSample& b, const AgentProcessSample& a) {
  AgentWindowOrWhy out;
  if (a.pid != b.pid || a.started_unix_ns != b.started_unix_ns) {
    out.invalid = fmt::format("the agent answered from another process at the window's end (pid {} started at {} ns, "
                              "then pid {} started at {} ns): the target restarted during the window",
                              b.pid, b.started_unix_ns, a.pid, a.started_unix_ns);
    return out;
  }
  if (b.cpu_user_ns < 0 || b.cpu_system_ns < 0 || a.cpu_user_ns < 0 || a.cpu_system_ns < 0) {
    out.invalid = "the target's operating system gives the agent no CPU time";
    return out;
  }
  if (a.gomaxprocs != b.gomaxprocs) {
    out.invalid = fmt::format("the target's GOMAXPROCS changed during the window ({} then {})", b.gomaxprocs,
                              a.gomaxprocs);
    return out;
  }
  if (a.sched_boundaries_s != b.sched_boundaries_s) {
    out.invalid = "the target's scheduler-latency histogram changed its buckets during the window";
    return out;
  }
  const CpuClasses& cb = b.cpu_classes_s;
  const CpuClasses& ca = a.cpu_classes_s;
  for (const std::string& why :
       {backwards("user CPU time", b.cpu_user_ns, a.cpu_user_ns), backwards("system CPU time", b.cpu_system_ns, a.cpu_system_ns),
        backwards("GC cycle count", b.gc_cycles, a.gc_cycles), backwards("runtime user CPU class", cb.user, ca.user),
        backwards("runtime GC CPU class", cb.gc_total, ca.gc_total),
        backwards("runtime GC assist CPU class", cb.gc_mark_assist, ca.gc_mark_assist),
        backwards("runtime GC dedicated CPU class", cb.gc_mark_dedicated, ca.gc_mark_dedicated),
        backwards("runtime GC idle-mark CPU class", cb.gc_mark_idle, ca.gc_mark_idle),
        backwards("runtime GC pause CPU class", cb.gc_pause, ca.gc_pause),
        backwards("runtime scavenger CPU class", cb.scavenge_total, ca.scavenge_total),
        backwards("runtime idle CPU class", cb.idle, ca.idle), backwards("runtime total CPU class", cb.total, ca.total)}) {
    if (!why.empty()) {
      out.invalid = why;
      return out;
    }
  }
  AgentWindow w;
  for (std::size_t i = 0; i < a.sched_counts.size(); ++i) {
    if (a.sched_counts[i] < b.sched_counts[i]) {
      out.invalid = fmt::format("the target's scheduler-latency count in bucket {} went backwards ({} then {})", i,
                                b.sched_counts[i], a.sched_counts[i]);
      return out;
    }
    w.sched_counts.push_back(a.sched_counts[i] - b.sched_counts[i]);
  }
  w.sched_boundaries_s = a.sched_boundaries_s;
  w.cpu_user_s = static_cast<double>(a.cpu_user_ns - b.cpu_user_ns) / 1e9;
  w.cpu_system_s = static_cast<double>(a.cpu_system_ns - b.cpu_system_ns) / 1e9;
  w.cpu_s = w.cpu_user_s + w.cpu_system_s;
  w.cpu_classes_s = {ca.user - cb.user,
                     ca.gc_total - cb.gc_total,
                     ca.gc_mark_assist - cb.gc_mark_assist,
                     ca.gc_mark_dedicated - cb.gc_mark_dedicated,
                     ca.gc_mark_idle - cb.gc_mark_idle,
                     ca.gc_pause - cb.gc_pause,
                     ca.scavenge_total - cb.scavenge_total,
                     ca.idle - cb.idle,
                     ca.total - cb.total};
  w.classes_span_s = a.gomaxprocs > 0 ? w.cpu_classes_s.total / static_cast<double>(a.gomaxprocs) : 0.0;
  w.gc_cycles = a.gc_cycles - b.gc_cycles;
  w.heap_objects_bytes = a.heap_objects_bytes;
  w.total_memory_bytes = a.total_memory_bytes;
  w.goroutines = a.goroutines;
  out.window = std::move(w);
  return out;
}

}  // namespace tracebench::target
