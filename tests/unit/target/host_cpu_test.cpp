// /proc/stat parsing, the arithmetic of other work and steal, and a real busy child seen
// as other work.

#include "target/host_cpu.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace tracebench::target {
namespace {

TEST(HostCpu, ParsesTheCpuLine) {
  auto t = parse_proc_stat_cpu_line("cpu  4372695 6476 466127 2245067 5303 10 62737 72262 0 0");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->busy, 4372695u + 6476 + 466127 + 10 + 62737);
  EXPECT_EQ(t->idle, 2245067u + 5303);
  EXPECT_EQ(t->steal, 72262u);
}

TEST(HostCpu, OldKernelLineWithoutStealIsZeroSteal) {
  auto t = parse_proc_stat_cpu_line("cpu 10 0 5 100");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->busy, 15u);
  EXPECT_EQ(t->idle, 100u);
  EXPECT_EQ(t->steal, 0u);
}

TEST(HostCpu, OtherLinesAreNotTheCpuLine) {
  EXPECT_FALSE(parse_proc_stat_cpu_line("cpu0 1 2 3 4 5 6 7 8"));
  EXPECT_FALSE(parse_proc_stat_cpu_line("cpu 1 2 x 4"));
  EXPECT_FALSE(parse_proc_stat_cpu_line("cpu 1 2"));
  EXPECT_FALSE(parse_proc_stat_cpu_line(""));
}

HostCpuSample sample(std::uint64_t busy, std::uint64_t idle, std::uint64_t steal, double self_s) {
  HostCpuSample s;
  s.ok = true;
  s.ticks = {busy, idle, steal};
  s.self_cpu_s = self_s;
  return s;
}

TEST(HostCpu, OtherWorkIsBusyTimeLessTheTargetAndTracebench) {
  const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  // 400 ticks of capacity: 200 busy (of which 50 ticks' worth the target's and 30 ours),
  // 180 idle, 20 stolen.
  const auto use = host_cpu_use(sample(1000, 5000, 100, 2.0), sample(1200, 5180, 120, 2.0 + 30 / hz), 50 / hz);
  ASSERT_TRUE(use);
  EXPECT_NEAR(use->other_pct, 120.0 / 400 * 100, 1e-9);
  EXPECT_NEAR(use->steal_pct, 20.0 / 400 * 100, 1e-9);
}

TEST(HostCpu, TickRoundingNeverMakesOtherWorkNegative) {
  const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const auto use = host_cpu_use(sample(0, 0, 0, 0), sample(10, 90, 0, 0), 12 / hz);
  ASSERT_TRUE(use);
  EXPECT_EQ(use->other_pct, 0.0);
}

TEST(HostCpu, AFailedOrEmptyIntervalIsNoFigure) {
  EXPECT_FALSE(host_cpu_use(HostCpuSample{}, sample(1, 1, 0, 0), 0));
  EXPECT_FALSE(host_cpu_use(sample(1, 1, 0, 0), sample(1, 1, 0, 0), 0));
}

TEST(HostCpu, ABusyChildIsOtherWork) {
  const HostCpuSample before = sample_host_cpu();
  ASSERT_TRUE(before.ok);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    for (;;) {
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const HostCpuSample after = sample_host_cpu();
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  const auto use = host_cpu_use(before, after, 0.0);
  ASSERT_TRUE(use);
  // One spinning process on a machine of N CPUs is 100/N per cent of it; this one had the
  // CPU at least part of the time whatever else runs.
  EXPECT_GT(use->other_pct, 100.0 / static_cast<double>(::sysconf(_SC_NPROCESSORS_ONLN)) / 4);
}

}  // namespace
}  // namespace tracebench::target
