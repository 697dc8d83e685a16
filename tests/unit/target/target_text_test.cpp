// The small pure pieces of target/: status JSON, exec scripts, message text.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "target/agent_client.h"
#include "target/launched_target.h"
#include "target/tcp_connect.h"

namespace tracebench::target {
namespace {

TEST(ParseAgentStatus, ReadsEveryDocumentedField) {
  const AgentStatus s = parse_agent_status(
      R"({"enabled":true,"min_age_ns":2000000000,"max_bytes":16777216,"snapshots_taken":3,)"
      R"("started_at":"2026-11-24T14:22:33Z","go_version":"go1.26.8","tracing_active":true,"files_written":1})");
  EXPECT_TRUE(s.enabled);
  EXPECT_EQ(s.min_age_ns, 2'000'000'000);
  EXPECT_EQ(s.max_bytes, 16777216u);
  EXPECT_EQ(s.snapshots_taken, 3u);
  EXPECT_EQ(s.started_at, "2026-11-24T14:22:33Z");
  EXPECT_EQ(s.go_version, "go1.26.8");
  EXPECT_TRUE(s.tracing_active);
  EXPECT_EQ(s.files_written, 1u);
}

TEST(ParseAgentStatus, IgnoresUnknownFieldsAndNullStart) {
  const AgentStatus s = parse_agent_status(R"({"enabled":false,"started_at":null,"new_field":[1,2],"max_bytes":10485760})");
  EXPECT_FALSE(s.enabled);
  EXPECT_EQ(s.started_at, "");
  EXPECT_EQ(s.max_bytes, 10485760u);
}

TEST(ParseAgentStatus, RejectsWhatIsNotStatusJson) {
  EXPECT_THROW(parse_agent_status("404 page not found\n"), std::invalid_argument);
  EXPECT_THROW(parse_agent_status("[1,2]"), std::invalid_argument);
  try {
    parse_agent_status(R"({"enabled":"yes"})");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(R"({"enabled":"yes"})"), std::string::npos) << e.what();
  }
}

TEST(ExecScript, ExecsASimpleCommand) {
  EXPECT_EQ(exec_script("./demo-server --addr 127.0.0.1:0"), "exec ./demo-server --addr 127.0.0.1:0");
  EXPECT_EQ(exec_script("  srv 'a b;c' \"x|y\" > log"), "  exec srv 'a b;c' \"x|y\" > log");
  EXPECT_EQ(exec_script("srv a\\;b"), "exec srv a\\;b");
}

TEST(ExecScript, KeepsLeadingAssignmentsInFront) {
  EXPECT_EQ(exec_script("GOMAXPROCS=2 GODEBUG='x=1 y' ./srv"), "GOMAXPROCS=2 GODEBUG='x=1 y' exec ./srv");
}

TEST(ExecScript, LeavesCompoundCommandsAlone) {
  for (const char* cmd : {"cd /tmp && ./srv", "./a; ./b", "./srv | tee log", "./srv &", "(./srv)", "exec ./srv",
                          "if true; then ./srv; fi", "FOO=1", "", "./srv $(echo x)", "./srv 'unterminated"})
    EXPECT_EQ(exec_script(cmd), cmd) << cmd;
}

TEST(CpuListText, CompressesRuns) {
  EXPECT_EQ(cpu_list_text({}), "");
  EXPECT_EQ(cpu_list_text({0}), "0");
  EXPECT_EQ(cpu_list_text({3, 0, 1, 2, 7, 9, 8}), "0-3,7-9");
  EXPECT_EQ(cpu_list_text({1, 1, 4}), "1,4");
}

TEST(OneLine, FoldsWhitespaceAndCuts) {
  EXPECT_EQ(one_line("Could not enable tracing: execution tracer already enabled\n"),
            "Could not enable tracing: execution tracer already enabled");
  EXPECT_EQ(one_line("  a\r\n\tb  "), "a b");
  EXPECT_EQ(one_line(std::string("x\0y", 3)), "x?y");
  EXPECT_EQ(one_line(std::string(400, 'a'), 10), std::string(10, 'a') + "...");
}

TEST(HostPort, BracketsIPv6) {
  EXPECT_EQ(host_port("127.0.0.1", 80), "127.0.0.1:80");
  EXPECT_EQ(host_port("::1", 6060), "[::1]:6060");
}

TEST(TryTcpConnect, SaysNothingListensOnARefusedPort) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), len), 0);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  const std::uint16_t port = ntohs(a.sin_port);
  ::close(fd);  // bound, never listened: now refused
  EXPECT_EQ(try_tcp_connect("127.0.0.1", port, 1'000'000'000),
            "nothing listens on 127.0.0.1:" + std::to_string(port) + " (connection refused)");
}

TEST(TryTcpConnect, NamesAHostThatDoesNotResolve) {
  const std::string why = try_tcp_connect("no-such-host.invalid", 80, 1'000'000'000);
  EXPECT_EQ(why.rfind("cannot resolve host \"no-such-host.invalid\": ", 0), 0u) << why;
}

TEST(TryTcpConnect, SucceedsOnAListeningPort) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), len), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  EXPECT_EQ(try_tcp_connect("127.0.0.1", ntohs(a.sin_port), 1'000'000'000), "");
  ::close(fd);
}

}  // namespace
}  // namespace tracebench::target
