#include "load/worker.h"

#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cmath>

#include "load/clock.h"
#include "load/response_parser.h"

namespace tracebench::load {
namespace {

constexpr std::size_t kReadBufferBytes = 64 * 1024;
constexpr int kMaxEvents = 256;
constexpr std::int64_t kReconnectBackoffNs = 10'000'000;   // after a failed connect
constexpr std::int64_t kTimeoutCheckPeriodNs = 5'000'000;
constexpr std::int64_t kHousekeepingWaitNs = 5'000'000;    // longest epoll sleep

double thread_cpu_s() {
  timespec ts{};
  if (::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return -1;
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// RFC 9110 §9.2.2: a client may send these again after a connection failed under them.
bool is_idempotent(const std::string& method) {
  for (const char* m : {"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
    if (method == m) return true;
  return false;
}

}  // namespace

struct Worker::Connection {
  enum class State { kClosed, kConnecting, kIdle, kWriting, kReading };
  int fd = -1;
  State state = State::kClosed;
  std::uint32_t interest = 0;
  std::size_t written = 0;
  std::int64_t intended_ns = 0;   // of the request in flight
  std::int64_t sent_ns = 0;
  std::int64_t idle_since_ns = 0;
  std::int64_t retry_at_ns = 0;   // closed and waiting to reconnect
  std::uint64_t answered = 0;     // responses on the current TCP connection
  bool resend = false;            // the request in flight goes again on the connection being opened
  ResponseParser parser;
  explicit Connection(std::uint64_t max_body) : parser(max_body) {}
};

Worker::Worker(const LoadConfig& cfg, const SocketAddress& addr, const std::string& request,
               const Timeline& timeline, WorkerPlan plan, const std::atomic<bool>& stop, IntervalSeries& intervals,
               LiveCounters& live)
    : cfg_(cfg),
      addr_(addr),
      request_(request),
      timeline_(timeline),
      plan_(plan),
      stop_(stop),
      intervals_(intervals),
      live_(live),
      head_request_(cfg.request.method == "HEAD"),
      idempotent_request_(is_idempotent(cfg.request.method)),
      read_buffer_(kReadBufferBytes) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (plan_.rate_rps > 0) schedule_ = OpenLoopSchedule(timeline_.load_start_ns, plan_.rate_rps, plan_.phase_offset_ns);
  result_.open_loop = plan_.rate_rps > 0;
}

Worker::~Worker() {
  for (auto& c : connections_)
    if (c->fd >= 0) ::close(c->fd);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

void Worker::set_interest(Connection& c, std::uint32_t events) {
  if (c.interest == events) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = &c;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
  c.interest = events;
}

void Worker::open(Connection& c, std::int64_t now) {
  bool in_progress = false;
  int fd = start_connect(addr_, in_progress);
  if (fd < 0) {
    count_connect_error(now);
    abandon_resend(c);
    c.state = Connection::State::kClosed;
    c.retry_at_ns = now + kReconnectBackoffNs;
    return;
  }
  c.fd = fd;
  c.answered = 0;
  c.state = Connection::State::kConnecting;
  c.interest = EPOLLOUT;
  epoll_event ev{};
  ev.events = EPOLLOUT;
  ev.data.ptr = &c;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  c.sent_ns = now;  // the connect timeout runs from here
  if (!in_progress) on_connected(c, now);
}

void Worker::close_and_reopen(Connection& c, std::int64_t now, bool count_reconnect) {
  if (c.fd >= 0) {
    ::close(c.fd);  // also removes it from the epoll set
    c.fd = -1;
  }
  std::erase(idle_, &c);
  c.state = Connection::State::kClosed;
  c.interest = 0;
  if (count_reconnect && now < timeline_.measure_end_ns) ++result_.reconnects;
  if (now < timeline_.measure_end_ns || c.resend) open(c, now);
}

void Worker::on_connected(Connection& c, std::int64_t now) {
  int so_error = 0;
  socklen_t len = sizeof so_error;
  ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
  if (so_error != 0) {
    count_connect_error(now);
    abandon_resend(c);
    ::close(c.fd);
    c.fd = -1;
    c.state = Connection::State::kClosed;
    c.retry_at_ns = now + kReconnectBackoffNs;
    return;
  }
  set_interest(c, EPOLLIN);
  become_idle(c, now);
}

void Worker::become_idle(Connection& c, std::int64_t now) {
  c.state = Connection::State::kIdle;
  c.idle_since_ns = now;
  if (c.resend) {
    // Sent again as it was: its latency runs from its first intended time, through both attempts.
    c.resend = false;
    send(c, c.intended_ns, now, false);
    return;
  }
  if (plan_.rate_rps <= 0) {
    if (now < timeline_.measure_end_ns) send(c, now, now);  // closed loop: the next request goes out at once
    return;
  }
  if (next_unsent_ < next_due_) {
    // A request was waiting for a connection: it goes now, its lag is ours only from
    // the moment a connection was free. This holds in the drain too: a request due in the
    // window is sent late, not dropped, when the target frees a connection only after the end.
    std::int64_t intended = schedule_.intended_ns(next_unsent_++);
    if (in_window(intended)) ++result_.waited_for_connection;
    send(c, intended, now);
    return;
  }
  if (now < timeline_.measure_end_ns) idle_.push_back(&c);
}

void Worker::send(Connection& c, std::int64_t intended_ns, std::int64_t now, bool record_lag) {
  c.intended_ns = intended_ns;
  c.sent_ns = now;
  c.written = 0;
  c.parser.reset(head_request_);
  c.state = Connection::State::kWriting;
  if (record_lag && plan_.rate_rps > 0 && in_window(intended_ns))
    result_.send_lag.record(now - std::max(intended_ns, c.idle_since_ns));
  on_writable(c, now);
}

void Worker::on_writable(Connection& c, std::int64_t now) {
  while (c.written < request_.size()) {
    ssize_t n = ::send(c.fd, request_.data() + c.written, request_.size() - c.written, MSG_NOSIGNAL);
    if (n > 0) {
      c.written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      set_interest(c, EPOLLIN | EPOLLOUT);
      return;
    }
    if (n < 0 && (errno == EPIPE || errno == ECONNRESET) && can_resend(c)) {
      resend_on_new_connection(c, now);  // the close had arrived before the request went out
      return;
    }
    fail(c, ErrorKind::kWrite, now);
    return;
  }
  c.state = Connection::State::kReading;
  set_interest(c, EPOLLIN);
}

void Worker::count_error(ErrorKind kind) {
  ++result_.errors[kind];
  ++interval_errors_;
  live_.errors.fetch_add(1, std::memory_order_relaxed);
}

void Worker::count_connect_error(std::int64_t now) {
  // No request is on a connection being opened: a failed connect belongs to the window by when it happened.
  if (now >= timeline_.measure_start_ns && now < timeline_.measure_end_ns) count_error(ErrorKind::kConnect);
}

bool Worker::can_resend(const Connection& c) const {
  return idempotent_request_ && c.answered > 0 && !c.parser.started();
}

void Worker::resend_on_new_connection(Connection& c, std::int64_t now) {
  if (in_window(c.intended_ns)) ++result_.resent;
  c.resend = true;
  close_and_reopen(c, now, true);
}

void Worker::abandon_resend(Connection& c) {
  if (!c.resend) return;
  c.resend = false;
  if (in_window(c.intended_ns)) count_error(ErrorKind::kClosed);
}

void Worker::fail(Connection& c, ErrorKind kind, std::int64_t now) {
  if (in_window(c.intended_ns)) count_error(kind);
  close_and_reopen(c, now, true);
}

void Worker::on_response(Connection& c, std::int64_t now) {
  if (now >= timeline_.measure_start_ns && now < timeline_.measure_end_ns) ++result_.responses_in_window;
  if (in_window(c.intended_ns)) {
    const std::int64_t latency = now - c.intended_ns;
    result_.latency.record(latency);
    result_.service_time.record(now - c.sent_ns);
    interval_latency_.record(latency);
    ++interval_requests_;
    ++result_.requests;
    live_.requests.fetch_add(1, std::memory_order_relaxed);
    const int status = c.parser.status_code();
    if (status < 200 || status >= 400) count_error(ErrorKind::kStatus);
  }
  ++c.answered;
  if (!c.parser.keep_alive()) {
    close_and_reopen(c, now, true);
    return;
  }
  become_idle(c, now);
}

void Worker::on_readable(Connection& c) {
  for (;;) {
    ssize_t n = ::recv(c.fd, read_buffer_.data(), read_buffer_.size(), 0);
    const std::int64_t now = monotonic_ns();
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (c.state != Connection::State::kReading) {
        close_and_reopen(c, now, true);
      } else if (errno == ECONNRESET && can_resend(c)) {
        resend_on_new_connection(c, now);
      } else {
        fail(c, errno == ECONNRESET ? ErrorKind::kReset : ErrorKind::kRead, now);
      }
      return;
    }
    if (n == 0) {
      if (c.state != Connection::State::kReading) {
        close_and_reopen(c, now, true);  // an idle keep-alive connection closed by the server
        return;
      }
      if (c.parser.on_eof() == ResponseParser::Status::kComplete) {
        on_response(c, now);  // a read-until-close body; on_response reopens
        return;
      }
      if (can_resend(c)) {
        resend_on_new_connection(c, now);
        return;
      }
      fail(c, c.parser.started() ? ErrorKind::kReset : ErrorKind::kClosed, now);
      return;
    }
    if (now >= timeline_.measure_start_ns && now < timeline_.measure_end_ns)
      result_.bytes_read += static_cast<std::uint64_t>(n);
    if (c.state != Connection::State::kReading) {
      fail(c, ErrorKind::kParse, now);  // bytes nobody asked for
      return;
    }
    std::size_t consumed = 0;
    switch (c.parser.feed(read_buffer_.data(), static_cast<std::size_t>(n), consumed)) {
      case ResponseParser::Status::kNeedMore:
        if (static_cast<std::size_t>(n) == read_buffer_.size()) continue;
        return;
      case ResponseParser::Status::kComplete:
        if (consumed != static_cast<std::size_t>(n)) {
          fail(c, ErrorKind::kParse, now);  // more than one response to one request
          return;
        }
        on_response(c, now);
        return;
      case ResponseParser::Status::kError:
        fail(c,
             c.parser.error() == ParseError::kBodyTooLarge || c.parser.error() == ParseError::kHeaderTooLarge
                 ? ErrorKind::kTooLarge
                 : ErrorKind::kParse,
             now);
        return;
    }
  }
}

void Worker::on_event(Connection& c, std::uint32_t events, std::int64_t now) {
  switch (c.state) {
    case Connection::State::kConnecting:
      on_connected(c, now);
      return;
    case Connection::State::kWriting:
      if (events & (EPOLLERR | EPOLLHUP)) {
        if (can_resend(c)) {
          resend_on_new_connection(c, now);
        } else {
          fail(c, ErrorKind::kWrite, now);
        }
        return;
      }
      on_writable(c, now);
      return;
    case Connection::State::kIdle:
    case Connection::State::kReading:
      on_readable(c);
      return;
    case Connection::State::kClosed:
      return;
  }
}

void Worker::dispatch_open_loop(std::int64_t now) {
  next_due_ = schedule_.due_until(next_due_, now, timeline_.measure_end_ns);
  while (next_unsent_ < next_due_ && !idle_.empty()) {
    Connection* c = idle_.back();
    idle_.pop_back();
    send(*c, schedule_.intended_ns(next_unsent_++), now);
  }
}

void Worker::check_timeouts(std::int64_t now) {
  for (auto& c : connections_) {
    switch (c->state) {
      case Connection::State::kWriting:
      case Connection::State::kReading:
        if (now - c->sent_ns > cfg_.timeout_ns) fail(*c, ErrorKind::kTimeout, now);
        break;
      case Connection::State::kConnecting:
        if (now - c->sent_ns > cfg_.connect_timeout_ns) {
          count_connect_error(now);
          abandon_resend(*c);
          close_and_reopen(*c, now, false);
        }
        break;
      case Connection::State::kClosed:
        if (now >= c->retry_at_ns && now < timeline_.measure_end_ns) open(*c, now);
        break;
      case Connection::State::kIdle:
        break;
    }
  }
}

void Worker::roll_seconds(std::int64_t now, bool final) {
  if (now < timeline_.measure_start_ns) return;
  const std::int64_t last_second =
      (timeline_.measure_end_ns - timeline_.measure_start_ns - 1) / 1'000'000'000;
  // Replies that arrive during the drain belong to the last second.
  const std::int64_t second = std::min((now - timeline_.measure_start_ns) / 1'000'000'000, last_second);
  while (current_second_ < second || (final && current_second_ <= second)) {
    intervals_.submit(current_second_, interval_latency_, interval_requests_, interval_errors_);
    interval_latency_.reset();
    interval_requests_ = interval_errors_ = 0;
    ++current_second_;
  }
}

void Worker::run() {
  // Without this, the kernel may deliver each timed wake-up up to 50 µs late.
  ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  std::int64_t now = monotonic_ns();
  for (int i = 0; i < plan_.connections; ++i) {
    connections_.push_back(std::make_unique<Connection>(cfg_.max_body_bytes));
    open(*connections_.back(), now);
  }
  epoll_event events[kMaxEvents];
  const bool open_loop = plan_.rate_rps > 0;
  for (;;) {
    now = monotonic_ns();
    note_window_cpu(now);
    if (stop_.load(std::memory_order_relaxed)) break;
    // Before the drain check: a worker that wakes after the window ended (the host took its
    // CPU) still sends what fell due in the window, late, with the lag it had.
    if (open_loop) dispatch_open_loop(now);
    if (now >= timeline_.measure_end_ns) {
      // Draining: stop when every request due in the window is sent and every reply is in,
      // or the drain period is over.
      const bool busy = (open_loop && next_unsent_ < next_due_) ||
                        std::any_of(connections_.begin(), connections_.end(), [](const auto& c) {
                          return c->state == Connection::State::kWriting || c->state == Connection::State::kReading ||
                                 c->resend;
                        });
      if (!busy || now >= timeline_.drain_end_ns) break;
    }
    if (now >= next_timeout_check_ns_) {
      check_timeouts(now);
      next_timeout_check_ns_ = now + kTimeoutCheckPeriodNs;
    }
    roll_seconds(now, false);

    std::int64_t wait_ns = kHousekeepingWaitNs;
    if (open_loop && next_unsent_ == next_due_ && now < timeline_.measure_end_ns)
      wait_ns = std::clamp<std::int64_t>(schedule_.intended_ns(next_due_) - now - cfg_.spin_ns, 0,
                                         kHousekeepingWaitNs);
    timespec timeout{0, static_cast<long>(wait_ns)};
    int n = ::epoll_pwait2(epoll_fd_, events, kMaxEvents, &timeout, nullptr);
    if (n <= 0) continue;
    now = monotonic_ns();
    for (int i = 0; i < n; ++i) on_event(*static_cast<Connection*>(events[i].data.ptr), events[i].events, now);
  }
  now = monotonic_ns();
  for (auto& c : connections_) {
    if ((c->state == Connection::State::kWriting || c->state == Connection::State::kReading || c->resend) &&
        in_window(c->intended_ns))
      ++result_.unfinished;
  }
  if (open_loop) {
    // Requests that fell due but never went out: the target or the pool could not keep up.
    next_due_ = schedule_.due_until(next_due_, now, timeline_.measure_end_ns);
    for (std::uint64_t k = next_unsent_; k < next_due_; ++k)
      if (in_window(schedule_.intended_ns(k))) ++result_.unsent;
  }
  roll_seconds(std::max(now, timeline_.measure_start_ns), true);
  if (cpu_at_window_start_s_ >= 0 && cpu_at_window_end_s_ >= cpu_at_window_start_s_)
    result_.worker_cpu_s = cpu_at_window_end_s_ - cpu_at_window_start_s_;
}

// The loop wakes at least every kHousekeepingWaitNs, and open loop at each request's due
// time, so the readings fall within a few ms of the window's edges, as the controller's
// reading of the process's CPU does.
void Worker::note_window_cpu(std::int64_t now) {
  if (cpu_at_window_start_s_ < 0 && now >= timeline_.measure_start_ns) cpu_at_window_start_s_ = thread_cpu_s();
  if (cpu_at_window_end_s_ < 0 && now >= timeline_.measure_end_ns) cpu_at_window_end_s_ = thread_cpu_s();
}

}  // namespace tracebench::load
