#pragma once
// Loopback servers that misbehave on purpose, one per row of docs/faults.md, shared by the
// `load` and `run` fault tests so both commands face the same bytes. Each answers most
// requests well and misbehaves on every Nth (counted over all connections), so a test can
// check both halves: the fault counted by kind, and every good answer still in the result.
//
// Every handler that could run on (a response that never ends, a trickle) is bounded: it
// stops when a write fails (the client gave up and closed), when the server is being torn
// down, or after kMaxHandlerS at most.

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "demo_server.h"
#include "scripted_server.h"
#include "subprocess.h"

namespace tracebench::testing {

// The real demo server on free loopback ports, for the faults a process suffers (killed,
// stopped); the tests that use it are built with DEMO_SERVER_BIN.
struct DemoServer : testing::DemoServerProcess {
  DemoServer() : DemoServerProcess(DEMO_SERVER_BIN) {}
};

class FaultServer {
 public:
  using Next = ScriptedServer::Next;
  static constexpr double kMaxHandlerS = 10;

  struct Counters {
    std::atomic<std::uint64_t> requests{0};  // request heads read, over all connections
    std::atomic<std::uint64_t> good{0};      // well-formed responses written whole
    std::atomic<std::uint64_t> faults{0};    // requests answered with the fault
    std::atomic<bool> stopping{false};
  };

  // The request's number (1-based, over all connections), whether it is a faulty one, and
  // the shared state; returns what the connection does next.
  using Script = std::function<Next(int fd, std::uint64_t k, Counters& counters)>;

  explicit FaultServer(Script script) : counters_(std::make_shared<Counters>()) {
    auto c = counters_;
    server_ = std::make_unique<ScriptedServer>([c, script](int fd, int) {
      const std::uint64_t k = ++c->requests;
      return script(fd, k, *c);
    });
  }
  ~FaultServer() {
    counters_->stopping = true;
    server_.reset();
  }

  std::string address() const { return server_->address(); }
  const Counters& counters() const { return *counters_; }

  // One send; false when the peer is gone. No SIGPIPE.
  static bool send_some(int fd, const std::string& bytes) {
    std::size_t off = 0;
    while (off < bytes.size()) {
      const ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<std::size_t>(n);
    }
    return true;
  }

  // A well-formed keep-alive answer, counted as good when written whole.
  static Next answer_ok(int fd, Counters& c) {
    if (send_some(fd, ScriptedServer::ok_response("ok"))) ++c.good;
    return Next::kKeepAlive;
  }

  // Sends `bytes` one at a time, `gap` apart; false when the peer went away or the server stops.
  static bool trickle(int fd, const std::string& bytes, std::chrono::milliseconds gap, Counters& c) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(kMaxHandlerS);
    for (char b : bytes) {
      if (c.stopping || std::chrono::steady_clock::now() > deadline) return false;
      if (!send_some(fd, std::string(1, b))) return false;
      std::this_thread::sleep_for(gap);
    }
    return true;
  }

 private:
  std::shared_ptr<Counters> counters_;
  std::unique_ptr<ScriptedServer> server_;
};

// --- The scripts, one per row -------------------------------------------------------------

// Row 3: every nth request is answered with a TCP reset: in the middle of the answer, or
// before any byte of it.
enum class ResetAt { kMidResponse, kBeforeAnswer };
inline FaultServer::Script reset_every(std::uint64_t n, ResetAt at) {
  return [n, at](int fd, std::uint64_t k, FaultServer::Counters& c) {
    if (k % n != 0) return FaultServer::answer_ok(fd, c);
    ++c.faults;
    if (at == ResetAt::kMidResponse) FaultServer::send_some(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
    return FaultServer::Next::kReset;
  };
}

// Row 4: every nth response starts (status line, headers, chunks) and never ends: a small
// chunk every 20 ms until the client gives up.
inline FaultServer::Script never_ending_every(std::uint64_t n) {
  return [n](int fd, std::uint64_t k, FaultServer::Counters& c) {
    if (k % n != 0) return FaultServer::answer_ok(fd, c);
    ++c.faults;
    if (!FaultServer::send_some(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"))
      return FaultServer::Next::kClose;
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::duration<double>(FaultServer::kMaxHandlerS);
    while (!c.stopping && std::chrono::steady_clock::now() < deadline) {
      if (!FaultServer::send_some(fd, "1\r\nx\r\n")) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return FaultServer::Next::kClose;
  };
}

// Row 5: every nth response is a chunked body of `body_bytes` in 4 KiB chunks; the others
// are small chunked bodies.
inline FaultServer::Script chunked_body_every(std::uint64_t n, std::size_t body_bytes) {
  return [n, body_bytes](int fd, std::uint64_t k, FaultServer::Counters& c) {
    if (k % n != 0) {
      if (FaultServer::send_some(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"))
        ++c.good;
      return FaultServer::Next::kKeepAlive;
    }
    ++c.faults;
    if (!FaultServer::send_some(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"))
      return FaultServer::Next::kClose;
    const std::string chunk = "1000\r\n" + std::string(4096, 'x') + "\r\n";
    for (std::size_t sent = 0; sent < body_bytes && !c.stopping; sent += 4096)
      if (!FaultServer::send_some(fd, chunk)) return FaultServer::Next::kClose;
    FaultServer::send_some(fd, "0\r\n\r\n");
    return FaultServer::Next::kKeepAlive;
  };
}

// Row 6: every nth response is malformed, in turn each of these (then the server closes:
// after a malformed head no framing is known).
inline const std::vector<std::string>& malformed_responses() {
  static const std::vector<std::string> r = {
      "HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\nok",                 // status code not digits
      "HTTP/2 200\r\nContent-Length: 2\r\n\r\nok",                      // not HTTP/1.x
      "ICY 200 OK\r\n\r\nok",                                           // not HTTP at all
      "HTTP/1.1 200 OK\r\nthis line has no colon\r\n\r\n",              // header without ':'
      "HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\nok",             // length not a number
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",  // conflicting lengths
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n",  // chunk size not hex
  };
  return r;
}
inline FaultServer::Script malformed_every(std::uint64_t n) {
  return [n](int fd, std::uint64_t k, FaultServer::Counters& c) {
    if (k % n != 0) return FaultServer::answer_ok(fd, c);
    const auto& all = malformed_responses();
    const std::uint64_t i = c.faults++ % all.size();
    FaultServer::send_some(fd, all[i]);
    return FaultServer::Next::kClose;
  };
}

// Row 7: a whole, well-formed HTTP/1.1 response (Content-Length, no "Connection: close"),
// then the server closes the connection without having said so.
inline FaultServer::Script close_after_each() {
  return [](int fd, std::uint64_t, FaultServer::Counters& c) {
    if (FaultServer::send_some(fd, ScriptedServer::ok_response("ok"))) ++c.good;
    return FaultServer::Next::kClose;
  };
}

// Row 8: every response trickles, one byte every `gap`; every nth is long enough that the
// trickle outlasts any timeout under a second.
inline FaultServer::Script trickle_every(std::uint64_t n, std::chrono::milliseconds gap) {
  return [n, gap](int fd, std::uint64_t k, FaultServer::Counters& c) {
    const bool slow = k % n == 0;
    if (slow) ++c.faults;
    const std::string body = slow ? std::string(300, 'x') : "ok";
    if (FaultServer::trickle(fd, ScriptedServer::ok_response(body), gap, c) && !slow) ++c.good;
    return FaultServer::Next::kKeepAlive;
  };
}

}  // namespace tracebench::testing
