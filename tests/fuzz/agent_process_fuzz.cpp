// libFuzzer target for the agent's process JSON (harness/target/agent_process.h): any bytes
// an agent, or something posing as one, answers GET process with.
//
// Parsing must not crash and may only refuse with std::invalid_argument. An accepted
// sample has a histogram of n counts and n + 1 ascending boundaries, and the window from
// the sample to itself is valid and all zero: nothing measured between two equal reads.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "target/agent_process.h"

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "agent_process_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tracebench::target;
  AgentProcessSample s;
  try {
    s = parse_agent_process_sample(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const std::invalid_argument&) {
    return 0;
  }
  if (s.sched_boundaries_s.size() != s.sched_counts.size() + 1) fail("boundaries do not fit the counts");
  for (std::size_t i = 1; i < s.sched_boundaries_s.size(); ++i)
    if (!(s.sched_boundaries_s[i] > s.sched_boundaries_s[i - 1])) fail("boundaries not ascending");
  const AgentWindowOrWhy w = agent_window(s, s);
  if (s.cpu_user_ns < 0 || s.cpu_system_ns < 0) {
    if (w.window) fail("a window without the OS's CPU time");
    return 0;
  }
  if (!w.window) fail(("a sample against itself is no window: " + w.invalid).c_str());
  if (w.window->cpu_s != 0 || w.window->gc_cycles != 0 || w.window->cpu_classes_s.total != 0) fail("non-zero window");
  for (std::uint64_t n : w.window->sched_counts)
    if (n != 0) fail("non-zero scheduler counts");
  return 0;
}
