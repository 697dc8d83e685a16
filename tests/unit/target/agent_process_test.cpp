#include "target/agent_process.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace tracebench::target {
namespace {

using nlohmann::json;

// The shape GET process answers with (workloads/agent/process.go), small histogram.
json sample_json() {
  return json::parse(R"({"pid":4242,"started_unix_ns":1700000000000000000,"taken_unix_ns":1700000001000000000,
    "cpu_user_ns":2000000000,"cpu_system_ns":500000000,"gomaxprocs":2,
    "cpu_classes_s":{"user":3.0,"gc_total":0.5,"gc_mark_assist":0.1,"gc_mark_dedicated":0.3,"gc_mark_idle":0.05,
      "gc_pause":0.05,"scavenge_total":0.01,"scavenge_assist":0,"scavenge_background":0.01,"idle":6.49,"total":10.0},
    "gc_cycles":40,"heap_objects_bytes":1048576,"total_memory_bytes":8388608,"goroutines":12,
    "sched_latencies":{"boundaries":[null,0,1e-6,2e-6,null],"counts":[0,10,20,3]}})");
}

AgentProcessSample parsed(const json& j) { return parse_agent_process_sample(j.dump()); }

TEST(AgentProcess, ParsesTheAgentsJson) {
  const AgentProcessSample s = parsed(sample_json());
  EXPECT_EQ(s.pid, 4242);
  EXPECT_EQ(s.cpu_user_ns, 2000000000);
  EXPECT_EQ(s.gomaxprocs, 2);
  EXPECT_DOUBLE_EQ(s.cpu_classes_s.gc_total, 0.5);
  EXPECT_EQ(s.gc_cycles, 40u);
  ASSERT_EQ(s.sched_boundaries_s.size(), 5u);
  EXPECT_TRUE(std::isinf(s.sched_boundaries_s.front()) && s.sched_boundaries_s.front() < 0);
  EXPECT_TRUE(std::isinf(s.sched_boundaries_s.back()) && s.sched_boundaries_s.back() > 0);
  EXPECT_EQ(s.sched_counts, (std::vector<std::uint64_t>{0, 10, 20, 3}));
}

void expect_error(const json& j, const std::string& part) {
  try {
    parsed(j);
    ADD_FAILURE() << "accepted " << j.dump();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

TEST(AgentProcess, RefusesGarbageNamingTheKey) {
  EXPECT_THROW(parse_agent_process_sample("<html>oops</html>"), std::invalid_argument);
  expect_error(json::array(), "not a JSON object");
  json j = sample_json();
  j.erase("pid");
  expect_error(j, "'pid' is missing");
  j = sample_json();
  j["cpu_user_ns"] = "12";
  expect_error(j, "'cpu_user_ns' is not an integer");
  j = sample_json();
  j["cpu_classes_s"]["gc_total"] = -1;
  expect_error(j, "'cpu_classes_s.gc_total' is not a number of seconds >= 0");
  j = sample_json();
  j["gc_cycles"] = -3;
  expect_error(j, "'gc_cycles' is not a count");
  j = sample_json();
  j["sched_latencies"]["counts"] = {1, 2};
  expect_error(j, "'sched_latencies' is not a histogram");
  j = sample_json();
  j["sched_latencies"]["boundaries"][2] = nullptr;
  expect_error(j, "'sched_latencies.boundaries[2]'");
  j = sample_json();
  j["sched_latencies"]["boundaries"][3] = 1e-7;
  expect_error(j, "'sched_latencies.boundaries[3]' is not a number above the one before");
}

TEST(AgentProcess, WindowIsTheDifference) {
  const AgentProcessSample b = parsed(sample_json());
  json j = sample_json();
  j["cpu_user_ns"] = 2600000000;
  j["cpu_system_ns"] = 600000000;
  j["cpu_classes_s"] = {{"user", 3.5},           {"gc_total", 0.7},  {"gc_mark_assist", 0.15},
                        {"gc_mark_dedicated", 0.4}, {"gc_mark_idle", 0.1}, {"gc_pause", 0.05},
                        {"scavenge_total", 0.01}, {"scavenge_assist", 0}, {"scavenge_background", 0.01},
                        {"idle", 7.79},          {"total", 12.0}};
  j["gc_cycles"] = 43;
  j["sched_latencies"]["counts"] = {0, 15, 22, 3};
  const AgentWindowOrWhy w = agent_window(b, parsed(j));
  ASSERT_TRUE(w.window) << w.invalid;
  EXPECT_NEAR(w.window->cpu_s, 0.7, 1e-12);
  EXPECT_NEAR(w.window->cpu_classes_s.gc_total, 0.2, 1e-12);
  EXPECT_NEAR(w.window->classes_span_s, 1.0, 1e-12);  // 2 CPU-seconds of 2 Ps
  EXPECT_EQ(w.window->gc_cycles, 3u);
  EXPECT_EQ(w.window->sched_counts, (std::vector<std::uint64_t>{0, 5, 2, 0}));
}

TEST(AgentProcess, WindowRefusesAnotherProcessOrACounterGoingBack) {
  const AgentProcessSample b = parsed(sample_json());
  struct Case {
    const char* key;
    json value;
    const char* why;
  };
  for (const Case& c : std::vector<Case>{
           {"pid", 4243, "another process at the window's end (pid 4242"},
           {"started_unix_ns", 1700000000500000000, "the target restarted during the window"},
           {"cpu_user_ns", 1999999000, "user CPU time went backwards between the window's edges (2000000000 then 1999999000)"},
           {"gc_cycles", 39, "GC cycle count went backwards"},
           {"gomaxprocs", 4, "GOMAXPROCS changed during the window (2 then 4)"},
           {"cpu_system_ns", -1, "gives the agent no CPU time"},
       }) {
    json j = sample_json();
    j[c.key] = c.value;
    const AgentWindowOrWhy w = agent_window(b, parsed(j));
    EXPECT_FALSE(w.window) << c.key;
    EXPECT_NE(w.invalid.find(c.why), std::string::npos) << w.invalid;
  }
  json j = sample_json();
  j["cpu_classes_s"]["idle"] = 6.0;
  EXPECT_NE(agent_window(b, parsed(j)).invalid.find("runtime idle CPU class went backwards"), std::string::npos);
  j = sample_json();
  j["sched_latencies"]["counts"] = {0, 9, 20, 3};
  EXPECT_NE(agent_window(b, parsed(j)).invalid.find("bucket 1 went backwards (10 then 9)"), std::string::npos);
}

}  // namespace
}  // namespace tracebench::target
