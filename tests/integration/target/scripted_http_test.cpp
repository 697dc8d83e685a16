// PprofCapture and AgentClient against scripted servers that misbehave on purpose: late
// headers, streams cut short, bodies that are not traces, unexpected statuses, silence.

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <thread>

#include "loopback.h"
#include "scripted_server.h"
#include "target/agent_client.h"
#include "target/pprof_capture.h"

namespace tracebench::target {
namespace {

using tracebench::testing::ScriptedServer;
using Next = ScriptedServer::Next;
using namespace tracebench::target::testing;

const std::string kTraceHeader("go 1.26 trace\0\0\0", 16);

std::string chunk(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

std::string chunked_head(int status = 200, const std::string& reason = "OK") {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
}

std::string plain_response(int status, const std::string& body, const std::string& type = "text/plain") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

// Blocks until the peer closes the connection (or timeout_ms passes).
void wait_for_peer_close(int fd, int timeout_ms) {
  char buf[256];
  const auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(timeout_ms)) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) > 0 && ::recv(fd, buf, sizeof buf, 0) <= 0) return;
  }
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string trace_url(const ScriptedServer& s) { return "http://" + s.address() + "/debug/pprof/trace"; }

TEST(PprofCaptureScripted, HeadersThatComeLateAreNotAnError) {
  // net/http holds the headers back until its buffer fills, which for an idle target can be
  // the end of the capture.
  const std::string body = kTraceHeader + std::string(5000, 'x');
  ScriptedServer server([&](int fd, int) {
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    ScriptedServer::write_all(fd, chunked_head() + chunk(body) + "0\r\n\r\n");
    return Next::kClose;
  });
  const std::string out = temp_path("late.trace");
  PprofCapture capture("127.0.0.1", server.port(), out);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(capture.start(0.5, 150'000'000), "");
  EXPECT_LT(seconds_since(t0), 0.55);  // settled, did not wait for the headers
  const CaptureResult r = capture.finish();
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.bytes, body.size());
  EXPECT_EQ(read_file(out), body);
  EXPECT_GE(r.finished_ns - r.started_ns, 550'000'000);
}

TEST(PprofCaptureScripted, StreamCutShortIsAnError) {
  ScriptedServer server([&](int fd, int) {
    ScriptedServer::write_all(fd, chunked_head() + chunk(kTraceHeader + std::string(1000, 'x')));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return Next::kReset;
  });
  PprofCapture capture("127.0.0.1", server.port(), temp_path("cut.trace"));
  EXPECT_EQ(capture.start(1.0), "");
  const CaptureResult r = capture.finish();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.bytes, 1016u);
  EXPECT_EQ(r.error, "GET " + trace_url(server) +
                         ": the connection closed after 1016 bytes of the body (the target closed it or exited)");
}

TEST(PprofCaptureScripted, BodyThatIsNotATraceIsAnError) {
  ScriptedServer server([&](int fd, int) {
    ScriptedServer::write_all(fd, plain_response(200, "<html>login</html>", "text/html"));
    return Next::kClose;
  });
  PprofCapture capture("127.0.0.1", server.port(), temp_path("html.trace"));
  const std::string expected = "GET " + trace_url(server) +
                               ": the response is not a Go execution trace (it starts with \"<html\", expected \"go 1.\")";
  EXPECT_EQ(capture.start(1.0, 2'000'000'000), expected);
  EXPECT_EQ(capture.finish().error, expected);
}

TEST(PprofCaptureScripted, OtherStatusesCarryTheirBody) {
  for (const auto& [status, body, expected_suffix] :
       {std::tuple{500, std::string("boom\n"), std::string(": HTTP 500: boom")},
        std::tuple{503, std::string("upstream\nunavailable\n"), std::string(": HTTP 503: upstream unavailable")},
        std::tuple{401, std::string(""), std::string(": HTTP 401")}}) {
    ScriptedServer server([&](int fd, int) {
      ScriptedServer::write_all(fd, plain_response(status, body));
      return Next::kClose;
    });
    PprofCapture capture("127.0.0.1", server.port(), temp_path("status.trace"));
    const std::string expected = "GET " + trace_url(server) + expected_suffix;
    EXPECT_EQ(capture.start(1.0, 2'000'000'000), expected);
    const CaptureResult r = capture.finish();
    EXPECT_EQ(r.http_status, status);
    EXPECT_EQ(r.error, expected);
  }
}

TEST(PprofCaptureScripted, FinishGivesUpOnASilentServer) {
  ScriptedServer server([&](int fd, int) {
    ScriptedServer::write_all(fd, chunked_head() + chunk(kTraceHeader));
    wait_for_peer_close(fd, 10'000);
    return Next::kClose;
  });
  PprofCapture capture("127.0.0.1", server.port(), temp_path("silent.trace"));
  EXPECT_EQ(capture.start(0.2), "");
  const auto t0 = std::chrono::steady_clock::now();
  const CaptureResult r = capture.finish(300'000'000);
  EXPECT_LT(seconds_since(t0), 2.0);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bytes, 16u);
  EXPECT_EQ(r.error, "GET " + trace_url(server) + ": abandoned: the capture did not end within 0.3 s of finish()");
}

TEST(PprofCaptureScripted, DestructorDoesNotWaitForTheCapture) {
  ScriptedServer server([&](int fd, int) {
    wait_for_peer_close(fd, 10'000);  // never answers
    return Next::kClose;
  });
  const auto t0 = std::chrono::steady_clock::now();
  {
    PprofCapture capture("127.0.0.1", server.port(), temp_path("dtor.trace"));
    EXPECT_EQ(capture.start(30.0, 50'000'000), "");
  }
  EXPECT_LT(seconds_since(t0), 2.0);
}

TEST(PprofCaptureScripted, UnwritableOutputFile) {
  PprofCapture capture("127.0.0.1", 1, "/nonexistent-dir/x.trace");
  EXPECT_EQ(capture.start(1.0), "cannot create /nonexistent-dir/x.trace: No such file or directory");
  EXPECT_EQ(capture.finish().error, "the capture was not started");
}

TEST(PprofCaptureScripted, RejectsANonPositiveLength) {
  PprofCapture capture("127.0.0.1", 1, temp_path("zero.trace"));
  EXPECT_EQ(capture.start(0), "capture length must be between 0 and 86400 s, got 0");
}

TEST(AgentClientScripted, NonJsonErrorsAndBodies) {
  ScriptedServer bad_gateway([&](int fd, int) {
    ScriptedServer::write_all(fd, plain_response(502, "bad gateway\n"));
    return Next::kClose;
  });
  AgentClient a("127.0.0.1", bad_gateway.port());
  try {
    a.status();
    FAIL() << "no exception";
  } catch (const AgentError& e) {
    EXPECT_EQ(e.http_status(), 502);
    EXPECT_EQ(std::string(e.what()),
              "GET http://" + bad_gateway.address() + "/debug/tracebench/flightrecorder/status: HTTP 502: bad gateway");
  }

  ScriptedServer not_json([&](int fd, int) {
    ScriptedServer::write_all(fd, plain_response(200, "hello"));
    return Next::kClose;
  });
  AgentClient b("127.0.0.1", not_json.port());
  try {
    b.stop();
    FAIL() << "no exception";
  } catch (const AgentError& e) {
    EXPECT_EQ(e.http_status(), 200);
    EXPECT_EQ(std::string(e.what()), "POST http://" + not_json.address() +
                                         "/debug/tracebench/flightrecorder/stop: HTTP 200 but not the agent's status "
                                         "JSON: not a JSON object: hello");
  }
}

TEST(AgentClientScripted, SnapshotCutShortLeavesNoFile) {
  ScriptedServer server([&](int fd, int) {
    ScriptedServer::write_all(fd, chunked_head() + chunk(kTraceHeader + std::string(100, 'x')));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return Next::kReset;
  });
  AgentClient agent("127.0.0.1", server.port(), {}, 2'000'000'000);
  const std::string out = temp_path("cut_snapshot.trace");
  try {
    agent.snapshot(out);
    FAIL() << "no exception";
  } catch (const AgentError& e) {
    EXPECT_EQ(e.http_status(), 200);
    EXPECT_EQ(std::string(e.what()), "GET http://" + server.address() +
                                         "/debug/tracebench/flightrecorder/snapshot: the connection closed after 116 "
                                         "bytes of the body (the target closed it or exited)");
  }
  EXPECT_FALSE(file_exists(out));
}

TEST(AgentClientScripted, SilentAgentTimesOut) {
  ScriptedServer server([&](int fd, int) {
    wait_for_peer_close(fd, 5'000);
    return Next::kClose;
  });
  AgentClient agent("127.0.0.1", server.port(), {}, 300'000'000);
  const auto t0 = std::chrono::steady_clock::now();
  try {
    agent.status();
    FAIL() << "no exception";
  } catch (const AgentError& e) {
    EXPECT_EQ(e.http_status(), 0);
    EXPECT_EQ(std::string(e.what()), "GET http://" + server.address() +
                                         "/debug/tracebench/flightrecorder/status: no response within 0.3 s (read "
                                         "timeout)");
  }
  EXPECT_LT(seconds_since(t0), 2.0);
}

// What a round's agent read meets (run marks the round's agent figures invalid with this text):
// a silent agent times out, and a 200 that is not the process JSON is an error, never a sample.
TEST(AgentClientScripted, ProcessReadTimesOutOrRefusesGarbage) {
  ScriptedServer silent([&](int fd, int) {
    wait_for_peer_close(fd, 5'000);
    return Next::kClose;
  });
  AgentClient quiet("127.0.0.1", silent.port(), {}, 300'000'000);
  const auto t0 = std::chrono::steady_clock::now();
  try {
    quiet.process();
    FAIL() << "no exception";
  } catch (const AgentError& e) {
    EXPECT_EQ(e.http_status(), 0);
    EXPECT_EQ(std::string(e.what()), "GET http://" + silent.address() +
                                         "/debug/tracebench/flightrecorder/process: no response within 0.3 s (read "
                                         "timeout)");
  }
  EXPECT_LT(seconds_since(t0), 2.0);

  ScriptedServer garbage([&](int fd, int) {
    ScriptedServer::write_all(fd, plain_response(200, "{\"pid\": \"twelve\"}", "application/json"));
    return Next::kClose;
  });
  AgentClient confused("127.0.0.1", garbage.port());
  try {
    confused.process();
    FAIL() << "no exception";
  } catch (const AgentError& e) {
    EXPECT_EQ(e.http_status(), 200);
    EXPECT_NE(std::string(e.what()).find("/debug/tracebench/flightrecorder/process: HTTP 200 but not the agent's "
                                         "process JSON: "),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace tracebench::target
