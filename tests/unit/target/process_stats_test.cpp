// /proc readings against this test's own process and its children.

#include "target/process_stats.h"

#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cmath>

namespace tracebench::target {
namespace {

// A listening socket on a free loopback port, closed on destruction.
class Listener {
 public:
  explicit Listener(int family) {
    fd_ = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    sockaddr_storage ss{};
    socklen_t len = 0;
    if (family == AF_INET6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
      a->sin6_family = AF_INET6;
      a->sin6_addr = in6addr_loopback;
      len = sizeof *a;
    } else {
      auto* a = reinterpret_cast<sockaddr_in*>(&ss);
      a->sin_family = AF_INET;
      a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      len = sizeof *a;
    }
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::listen(fd_, 4) != 0) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len);
    port_ = ntohs(family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                     : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  }
  ~Listener() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

TEST(FindListeningPid, FindsThisProcessOnIPv4) {
  Listener l(AF_INET);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(find_listening_pid(l.port()), ::getpid());
}

TEST(FindListeningPid, FindsThisProcessOnIPv6) {
  Listener l(AF_INET6);
  if (!l.ok()) GTEST_SKIP() << "no IPv6 loopback here";
  EXPECT_EQ(find_listening_pid(l.port()), ::getpid());
}

TEST(FindListeningPid, NothingListensOnAClosedPort) {
  std::uint16_t port;
  {
    Listener l(AF_INET);
    ASSERT_TRUE(l.ok());
    port = l.port();
  }
  EXPECT_EQ(find_listening_pid(port), std::nullopt);
}

TEST(SampleProcess, CpuTimeRisesWhileThisProcessSpins) {
  const ProcessSample before = sample_process(::getpid());
  ASSERT_TRUE(before.alive);
  // Spin until our own CPU time, as /proc reports it, has grown by 0.2 s (bounded by 10 s of
  // wall time, for a machine that gives us little CPU).
  const auto t0 = std::chrono::steady_clock::now();
  volatile std::uint64_t sink = 0;
  ProcessSample after = before;
  while (after.cpu_s < before.cpu_s + 0.2 && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10)) {
    for (int i = 0; i < 1'000'000; ++i) sink = sink + static_cast<std::uint64_t>(i);
    after = sample_process(::getpid());
  }
  EXPECT_GE(after.cpu_s, before.cpu_s + 0.2);
  // The precise clock and the 10 ms ticks tell the same total, to a few ticks.
  EXPECT_NEAR(after.cpu_s, after.user_s + after.system_s, 0.05);
  EXPECT_GT(after.user_s, before.user_s);
  EXPECT_GT(after.taken_ns, before.taken_ns);
  EXPECT_GT(after.rss_bytes, 1u << 20);  // a gtest binary is at least a MiB resident
  EXPECT_GE(after.threads, 1);
}

TEST(SampleProcess, CpuTimeResolvesLessThanAClockTick) {
  // About 1 ms of CPU between two readings: ticks alone would show 0 or 10 ms.
  const ProcessSample before = sample_process(::getpid());
  timespec own{};
  volatile std::uint64_t sink = 0;
  const auto t0 = std::chrono::steady_clock::now();
  ProcessSample after = before;
  while (after.cpu_s - before.cpu_s < 0.001 && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10)) {
    for (int i = 0; i < 10'000; ++i) sink = sink + static_cast<std::uint64_t>(i);
    after = sample_process(::getpid());
  }
  ASSERT_EQ(::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &own), 0);
  const double own_s = static_cast<double>(own.tv_sec) + static_cast<double>(own.tv_nsec) * 1e-9;
  EXPECT_GE(after.cpu_s - before.cpu_s, 0.001);
  EXPECT_LT(after.cpu_s - before.cpu_s, 0.009);
  EXPECT_GE(own_s, after.cpu_s);
  EXPECT_LT(own_s - after.cpu_s, 0.005);
}

TEST(SampleProcess, ZombieAndReapedChildAreNotAlive) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(0);
  // Until reaped it is a zombie: not alive, though /proc still lists it.
  for (int i = 0; i < 200 && sample_process(child).alive; ++i) ::usleep(10'000);
  EXPECT_FALSE(sample_process(child).alive);
  ::waitpid(child, nullptr, 0);
  EXPECT_FALSE(sample_process(child).alive);
  EXPECT_EQ(process_name(child), "");
}

TEST(ProcessName, IsThisTestsCommand) {
  EXPECT_EQ(process_name(::getpid()), std::string("process_stats_test").substr(0, 15));
}

TEST(IsThisMachine, LoopbackAndThisMachinesOwnAddressesAreLocal) {
  for (const char* host : {"127.0.0.1", "localhost", "::1", "127.0.1.1", "0.0.0.0"}) EXPECT_TRUE(is_this_machine(host)) << host;
  // Every address of an interface of this machine, not only loopback.
  ifaddrs* ifs = nullptr;
  ASSERT_EQ(::getifaddrs(&ifs), 0);
  for (const ifaddrs* i = ifs; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    char text[INET_ADDRSTRLEN];
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(i->ifa_addr)->sin_addr, text, sizeof text);
    EXPECT_TRUE(is_this_machine(text)) << text << " on " << i->ifa_name;
  }
  ::freeifaddrs(ifs);
  // TEST-NET-1 (RFC 5737) is never assigned; a name that does not resolve is not local.
  EXPECT_FALSE(is_this_machine("192.0.2.1"));
  EXPECT_FALSE(is_this_machine("no-such-host.invalid"));
}

}  // namespace
}  // namespace tracebench::target
