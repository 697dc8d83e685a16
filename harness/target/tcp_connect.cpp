#include "target/tcp_connect.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tracebench::target {

std::string host_port(std::string_view host, std::uint16_t port) {
  if (host.find(':') != std::string_view::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

std::int64_t monotonic_now_ns() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

std::string seconds_text(std::int64_t ns) {
  return fmt::format("{:.3g} s", static_cast<double>(ns) / 1e9);
}

std::string one_line(std::string_view text, std::size_t max_chars) {
  std::string out;
  bool pending_space = false;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
    if (out.size() >= max_chars) {
      out += "...";
      break;
    }
  }
  return out;
}

namespace {

// -1 with errno set on failure; 0 when connected.
int connect_one(const addrinfo& ai, std::int64_t timeout_ns) {
  const int fd = ::socket(ai.ai_family, ai.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai.ai_protocol);
  if (fd < 0) return -1;
  int rc = ::connect(fd, ai.ai_addr, ai.ai_addrlen);
  if (rc != 0 && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    const int timeout_ms = static_cast<int>(std::max<std::int64_t>(1, timeout_ns / 1'000'000));
    int n;
    do {
      n = ::poll(&p, 1, timeout_ms);
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
      errno = ETIMEDOUT;
      rc = -1;
    } else if (n < 0) {
      rc = -1;
    } else {
      int so_error = 0;
      socklen_t len = sizeof so_error;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
      errno = so_error;
      rc = so_error == 0 ? 0 : -1;
    }
  }
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return rc;
}

}  // namespace

std::string try_tcp_connect(const std::string& host, std::uint16_t port, std::int64_t timeout_ns) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* list = nullptr;
  const std::string service = std::to_string(port);
  const int gai = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
  if (gai != 0 || list == nullptr)
    return fmt::format("cannot resolve host \"{}\": {}", host, gai != 0 ? gai_strerror(gai) : "no address");
  int last_errno = 0;
  for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    if (connect_one(*ai, timeout_ns) == 0) {
      ::freeaddrinfo(list);
      return {};
    }
    last_errno = errno;
  }
  ::freeaddrinfo(list);
  const std::string where = host_port(host, port);
  if (last_errno == ECONNREFUSED) return fmt::format("nothing listens on {} (connection refused)", where);
  if (last_errno == ETIMEDOUT)
    return fmt::format("no answer from {} within {} (connect timed out)", where, seconds_text(timeout_ns));
  return fmt::format("cannot connect to {}: {}", where, std::strerror(last_errno));
}

}  // namespace tracebench::target
