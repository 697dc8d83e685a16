// LaunchedTarget with small shell commands: exec, pinning, logs, exit reasons, and that
// stopping it leaves nothing behind.

#include "target/launched_target.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include "target/process_stats.h"
#include "free_port.h"

namespace tracebench::target {
namespace {

std::string temp_log(const std::string& name) {
  return ::testing::TempDir() + "launched_target_test_" + std::to_string(::getpid()) + "_" + name + ".log";
}

int first_allowed_cpu() {
  cpu_set_t set;
  CPU_ZERO(&set);
  ::sched_getaffinity(0, sizeof set, &set);
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) return c;
  return 0;
}

std::string status_field(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(field + ":", 0) == 0) {
      std::string v = line.substr(field.size() + 1);
      return v.substr(v.find_first_not_of(" \t"));
    }
  return {};
}

std::uint16_t closed_port() { return tracebench::testing::free_loopback_port(); }

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

bool gone_within(pid_t pid, double timeout_s) {
  const auto t0 = std::chrono::steady_clock::now();
  while (seconds_since(t0) < timeout_s) {
    if (!sample_process(pid).alive) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(LaunchedTarget, ExecsTheCommandPinnedToOneCpu) {
  const int cpu = first_allowed_cpu();
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid;
  {
    LaunchedTarget t("sleep 30", {cpu}, temp_log("pinned"));
    pid = t.pid();
    EXPECT_TRUE(t.alive());
    // exec'd: the shell becomes the command, under the same pid (a moment after start).
    for (int i = 0; i < 200 && process_name(pid) != "sleep"; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(process_name(pid), "sleep");
    EXPECT_EQ(status_field(pid, "Cpus_allowed_list"), std::to_string(cpu));
    EXPECT_EQ(t.exit_description(), "");
    t.stop();
    EXPECT_FALSE(t.alive());
    EXPECT_EQ(t.exit_description(), "killed by signal 15 (Terminated)");
  }
  EXPECT_LT(seconds_since(t0), 2.5);  // SIGTERM was enough: no 3 s grace spent
  EXPECT_FALSE(sample_process(pid).alive);
}

TEST(LaunchedTarget, ALoopbackListenerOfAnotherProcessDoesNotCount) {
  // This test process listens; the launched `sleep` never does. (The demo-server integration
  // test covers a target that listens itself.)
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), len), 0);
  ASSERT_EQ(::listen(fd, 256), 0);  // never accepts: room for every probe
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  const std::string log = temp_log("listener");
  const std::string where = "127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  LaunchedTarget t("sleep 30", {}, log);
  EXPECT_EQ(t.wait_until_listening("127.0.0.1", ntohs(a.sin_port), 300'000'000),
            "`sleep 30` did not listen on " + where + " within 0.3 s (another process, pid " +
                std::to_string(::getpid()) + " (" + process_name(::getpid()) + "), listens there); " + log +
                " is empty");
  ::close(fd);
}

TEST(LaunchedTarget, SaysWhyItExitedBeforeListening) {
  const std::string log = temp_log("exits");
  const std::uint16_t port = closed_port();
  const std::string cmd = "echo starting; echo 'listen tcp: bind: address already in use' >&2; exit 3";
  LaunchedTarget t(cmd, {}, log);
  EXPECT_EQ(t.wait_until_listening("127.0.0.1", port, 5'000'000'000),
            "`" + cmd + "` exited with code 3 before listening on 127.0.0.1:" + std::to_string(port) +
                "; last line of " + log + ": listen tcp: bind: address already in use");
  EXPECT_EQ(t.exit_description(), "exited with code 3");
}

TEST(LaunchedTarget, CommandNotFoundExits127) {
  const std::string log = temp_log("notfound");
  LaunchedTarget t("./no-such-server-xyz --flag", {}, log);
  const std::string why = t.wait_until_listening("127.0.0.1", closed_port(), 5'000'000'000);
  EXPECT_NE(why.find("exited with code 127 before listening"), std::string::npos) << why;
  EXPECT_NE(why.find("not found"), std::string::npos) << why;
}

TEST(LaunchedTarget, TimesOutWithTheConnectError) {
  const std::string log = temp_log("timeout");
  const std::uint16_t port = closed_port();
  LaunchedTarget t("sleep 30", {}, log);
  const auto t0 = std::chrono::steady_clock::now();
  const std::string where = "127.0.0.1:" + std::to_string(port);
  EXPECT_EQ(t.wait_until_listening("127.0.0.1", port, 300'000'000),
            "`sleep 30` did not listen on " + where + " within 0.3 s (nothing listens on " + where +
                " (connection refused)); " + log + " is empty");
  EXPECT_LT(seconds_since(t0), 2.0);
}

TEST(LaunchedTarget, StopKillsEverythingTheCommandStarted) {
  const std::string log = temp_log("group");
  pid_t background = 0;
  {
    LaunchedTarget t("sleep 30 & echo $!; wait", {}, log);  // compound: the pid is the shell's
    for (int i = 0; i < 500 && background == 0; ++i) {
      std::ifstream in(log);
      in >> background;
      if (background == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_GT(background, 0);
    EXPECT_TRUE(sample_process(background).alive);
  }
  EXPECT_TRUE(gone_within(background, 2.0));
}

TEST(LaunchedTarget, SigkillAfterTheGraceWhenSigtermIsIgnored) {
  LaunchedTarget t("trap '' TERM; sleep 30", {}, temp_log("ignore"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the trap be set
  const auto t0 = std::chrono::steady_clock::now();
  t.stop(400'000'000);
  const double took_s = seconds_since(t0);
  EXPECT_GE(took_s, 0.35);
  EXPECT_LT(took_s, 2.0);
  EXPECT_EQ(t.exit_description(), "killed by signal 9 (Killed)");
}

TEST(LaunchedTarget, RejectsACpuItMayNotUse) {
  try {
    LaunchedTarget t("sleep 1", {100000}, temp_log("badcpu"));
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("cannot start `sleep 1`: CPU 100000 is not one this process may use (allowed: ", 0),
              0u)
        << e.what();
  }
}

TEST(LaunchedTarget, RejectsAnUnwritableLog) {
  try {
    LaunchedTarget t("sleep 1", {}, "/nonexistent-dir/target.log");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot start `sleep 1`: cannot open log /nonexistent-dir/target.log: No such file or directory");
  }
}

TEST(AllowedCpus, AreThoseTheAffinityMaskAllowsInOrder) {
  const std::vector<int> cpus = allowed_cpus();
  ASSERT_FALSE(cpus.empty());
  EXPECT_EQ(cpus.front(), first_allowed_cpu());
  EXPECT_TRUE(std::is_sorted(cpus.begin(), cpus.end()));
  EXPECT_EQ(cpu_list_text(cpus), status_field(::getpid(), "Cpus_allowed_list"));
}

TEST(PinCurrentThread, PinsOnlyTheCallingThread) {
  const int cpu = first_allowed_cpu();
  std::string why;
  cpu_set_t seen;
  CPU_ZERO(&seen);
  std::thread([&] {
    why = pin_current_thread({cpu});
    ::sched_getaffinity(0, sizeof seen, &seen);
  }).join();
  EXPECT_EQ(why, "");
  EXPECT_EQ(CPU_COUNT(&seen), 1);
  EXPECT_TRUE(CPU_ISSET(cpu, &seen));
  EXPECT_EQ(pin_current_thread({}), "");
  EXPECT_EQ(pin_current_thread({-1}).rfind("CPU -1 is not one this process may use", 0), 0u);
}

}  // namespace
}  // namespace tracebench::target
