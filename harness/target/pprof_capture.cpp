#include "target/pprof_capture.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "target/http_failure.h"
#include "target/httplib_include.h"
#include "load/clock.h"
#include "target/tcp_connect.h"
#include "units/duration_text.h"

namespace tracebench::target {
namespace {

constexpr const char* kTracePath = "/debug/pprof/trace";
constexpr std::int64_t kConnectTimeoutNs = 3'000'000'000;
// The body of a capture trickles for its whole length, and net/http holds back the headers
// until its first buffer (2-4 KiB) fills, which may be at the very end for an idle target;
// so a read may legitimately wait the capture length plus the final flush.
constexpr std::int64_t kReadSlackNs = 10'000'000'000;

void set_timeout(httplib::Client& client, std::int64_t connect_ns, std::int64_t read_ns) {
  client.set_connection_timeout(std::chrono::microseconds(connect_ns / 1000));
  client.set_read_timeout(std::chrono::microseconds(read_ns / 1000));
  client.set_write_timeout(std::chrono::microseconds(connect_ns / 1000));
}

std::string url_of(const std::string& host, std::uint16_t port, std::string_view path) {
  return fmt::format("http://{}{}", host_port(host, port), path);
}

std::string no_pprof_message(const std::string& url) {
  return fmt::format(
      "no net/http/pprof at {}: import net/http/pprof on the target's debug mux, or pass --pprof HOST:PORT", url);
}

bool write_all(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

}  // namespace

struct PprofCapture::State {
  std::string host;
  std::uint16_t port = 0;
  std::string out_path;
  std::string url;  // without the query, for messages
  std::int64_t read_timeout_ns = 0;

  httplib::Client client;
  std::thread thread;
  std::atomic<bool> cancel{false};
  std::string cancel_reason;  // set before cancel

  // Guarded by mu; the download thread sets them, start()/finish() wait on cv.
  std::mutex mu;
  std::condition_variable cv;
  bool headers_seen = false;
  int status = 0;
  bool trace_began = false;  // a 200 body began with the trace magic
  bool done = false;
  CaptureResult result;
  // A second descriptor of the request's socket, so end_now() can half-close it from the
  // caller's thread: being ours, it cannot be closed and reused under us by httplib.
  int socket_dup = -1;

  State(std::string h, std::uint16_t p, std::string out)
      : host(std::move(h)), port(p), out_path(std::move(out)), url(url_of(host, port, kTracePath)), client(host, p) {}

  void download(int fd, std::string path_and_query);
  std::string error_for_status(int http_status, const std::string& body) const;
};

std::string PprofCapture::State::error_for_status(int http_status, const std::string& body) const {
  if (http_status == 404) return no_pprof_message(url);
  // net/http/pprof answers 500 only when trace.Start fails, and trace.Start fails only when
  // another trace.Start writer holds the tracer ("execution tracer already enabled" on Go 1.25+,
  // "tracing is already enabled" before).
  if (http_status == 500 && body.find("already enabled") != std::string::npos)
    return fmt::format(
        "another execution trace is already running in the target (runtime/trace allows one trace.Start at a "
        "time): {}",
        one_line(body));
  const std::string text = one_line(body);
  return fmt::format("GET {}: HTTP {}{}{}", url, http_status, text.empty() ? "" : ": ", text);
}

void PprofCapture::State::download(int fd, std::string path_and_query) {
  client.set_socket_options([this](socket_t sock) {
    const int copy = ::fcntl(sock, F_DUPFD_CLOEXEC, 0);
    std::lock_guard lock(mu);
    if (socket_dup >= 0) ::close(socket_dup);  // a connect retried on another address
    socket_dup = copy;
  });
  std::uint64_t bytes = 0;
  std::string head;        // the first bytes of a 200 body, to check the trace magic
  std::string error_body;  // the body of a non-200 answer
  bool write_failed = false;
  int write_errno = 0;
  std::atomic<std::int64_t> last_activity_ns{load::monotonic_ns()};
  int response_status = 0;

  auto on_response = [&](const httplib::Response& response) {
    response_status = response.status;
    last_activity_ns = load::monotonic_ns();
    {
      std::lock_guard lock(mu);
      headers_seen = true;
      status = response.status;
    }
    cv.notify_all();
    return !cancel.load();
  };
  auto on_body = [&](const char* data, std::size_t n) {
    last_activity_ns = load::monotonic_ns();
    if (cancel.load()) return false;
    if (response_status != 200) {
      error_body.append(data, std::min(n, kErrorBodyMax - std::min(kErrorBodyMax, error_body.size())));
      return true;
    }
    if (head.size() < kTraceMagic.size()) {
      head.append(data, std::min(n, kTraceMagic.size() - head.size()));
      if (head.size() == kTraceMagic.size()) {
        if (head != kTraceMagic) return false;  // not a trace: stop reading it
        {
          std::lock_guard lock(mu);
          trace_began = true;
        }
        cv.notify_all();
      }
    }
    if (!write_all(fd, data, n)) {
      write_failed = true;
      write_errno = errno;
      return false;
    }
    bytes += n;
    return true;
  };

  httplib::Result res = client.Get(path_and_query, httplib::Headers{}, on_response, on_body);
  const std::int64_t end_ns = load::monotonic_ns();
  if (::close(fd) != 0 && !write_failed) {
    write_failed = true;
    write_errno = errno;
  }

  CaptureResult r;
  r.http_status = response_status;
  r.bytes = bytes;
  r.finished_ns = end_ns;
  if (write_failed) {
    r.error = fmt::format("GET {}: cannot write {}: {}", url, out_path, std::strerror(write_errno));
  } else if (cancel.load()) {
    r.error = fmt::format("GET {}: {}", url, cancel_reason);
  } else if (response_status == 200 && head.size() == kTraceMagic.size() && head != kTraceMagic) {
    r.error = fmt::format("GET {}: the response is not a Go execution trace (it starts with \"{}\", expected \"go 1.\")",
                          url, one_line(head));
  } else if (res.error() != httplib::Error::Success) {
    TransportFailure f;
    f.error = res.error();
    f.host = host;
    f.port = port;
    f.got_headers = response_status != 0;
    f.body_bytes = bytes;
    f.idle_ns = end_ns - last_activity_ns.load();
    f.read_timeout_ns = read_timeout_ns;
    r.error = fmt::format("GET {}: {}", url, describe(f));
  } else if (response_status != 200) {
    r.error = error_for_status(response_status, error_body);
  } else if (bytes == 0) {
    r.error = fmt::format("GET {}: HTTP 200 with an empty body (expected a Go execution trace)", url);
  } else if (head != kTraceMagic) {  // shorter than the magic
    r.error = fmt::format("GET {}: the response is not a Go execution trace (it starts with \"{}\", expected \"go 1.\")",
                          url, one_line(head));
  } else {
    r.ok = true;
  }
  {
    std::lock_guard lock(mu);
    r.started_ns = result.started_ns;
    result = r;
    done = true;
  }
  cv.notify_all();
}

PprofCapture::PprofCapture(std::string host, std::uint16_t port, std::string out_path)
    : state_(std::make_unique<State>(std::move(host), port, std::move(out_path))) {}

PprofCapture::~PprofCapture() {
  if (state_ && state_->thread.joinable()) {
    (void)finish(0);
  }
}

std::string PprofCapture::start(double seconds, std::int64_t settle_ns) {
  State& s = *state_;
  if (s.thread.joinable()) throw std::logic_error("PprofCapture::start called twice");
  if (!std::isfinite(seconds) || seconds <= 0 || seconds > 86400)
    return fmt::format("capture length must be between 0 and 86400 s, got {}", seconds);

  const int fd = ::open(s.out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fmt::format("cannot create {}: {}", s.out_path, std::strerror(errno));

  s.read_timeout_ns = static_cast<std::int64_t>(seconds * 1e9) + kReadSlackNs;
  set_timeout(s.client, kConnectTimeoutNs, s.read_timeout_ns);
  s.result.started_ns = load::monotonic_ns();
  s.thread = std::thread(&State::download, &s, fd, fmt::format("{}?seconds={}", kTracePath, seconds));

  std::unique_lock lock(s.mu);
  const auto settle_until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(settle_ns);
  // Go's net/http sends the headers with the first buffered bytes of the body, so a good
  // capture shows its trace magic as soon as it shows a 200.
  s.cv.wait_until(lock, settle_until,
                  [&] { return s.done || s.trace_began || (s.headers_seen && s.status != 200); });
  if (s.headers_seen && s.status != 200 && !s.done) {
    // An error answer is small and complete at once: wait briefly for its body, for the message.
    s.cv.wait_for(lock, std::chrono::seconds(2), [&] { return s.done; });
  }
  if (s.done && !s.result.ok) return s.result.error;
  if (s.headers_seen && s.status != 200)
    return s.error_for_status(s.status, "");
  return {};
}

void PprofCapture::end_now() {
  State& s = *state_;
  std::lock_guard lock(s.mu);
  if (!s.done && s.socket_dup >= 0) ::shutdown(s.socket_dup, SHUT_WR);
}

CaptureResult PprofCapture::finish(std::int64_t timeout_ns) {
  State& s = *state_;
  if (!s.thread.joinable()) {
    std::lock_guard lock(s.mu);
    if (s.done) return s.result;
    CaptureResult r;
    r.error = "the capture was not started";
    return r;
  }
  {
    std::unique_lock lock(s.mu);
    s.cv.wait_for(lock, std::chrono::nanoseconds(std::max<std::int64_t>(0, timeout_ns)), [&] { return s.done; });
    if (!s.done) {
      s.cancel_reason =
          timeout_ns > 0 ? fmt::format("abandoned: the capture did not end within {} of finish()", units::timeout_text(timeout_ns))
                         : "abandoned before it ended";
      s.cancel.store(true);
      // stop() shuts the socket down so a blocked read returns; repeat it in case the
      // request was still connecting the first time.
      while (!s.done) {
        lock.unlock();
        s.client.stop();
        lock.lock();
        s.cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return s.done; });
      }
    }
  }
  s.thread.join();
  std::lock_guard lock(s.mu);
  if (s.socket_dup >= 0) {
    ::close(s.socket_dup);
    s.socket_dup = -1;
  }
  return s.result;
}

std::string probe_pprof(const std::string& host, std::uint16_t port, std::int64_t timeout_ns) {
  constexpr const char* kIndexPath = "/debug/pprof/";
  httplib::Client client(host, port);
  set_timeout(client, timeout_ns, timeout_ns);
  const std::int64_t t0 = load::monotonic_ns();
  httplib::Result res = client.Get(kIndexPath);
  const std::string url = url_of(host, port, kIndexPath);
  if (res.error() != httplib::Error::Success) {
    TransportFailure f;
    f.error = res.error();
    f.host = host;
    f.port = port;
    f.idle_ns = load::monotonic_ns() - t0;
    f.read_timeout_ns = timeout_ns;
    return fmt::format("GET {}: {}", url, describe(f));
  }
  if (res->status == 200) return {};
  if (res->status == 404) return no_pprof_message(url);
  const std::string text = one_line(res->body);
  return fmt::format("GET {}: HTTP {}{}{}", url, res->status, text.empty() ? "" : ": ", text);
}

}  // namespace tracebench::target
