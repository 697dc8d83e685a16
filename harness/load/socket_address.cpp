#include "load/socket_address.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <unistd.h>

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace tracebench::load {

SocketAddress resolve(const Endpoint& target) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  const std::string port = std::to_string(target.port);
  int rc = getaddrinfo(target.host.c_str(), port.c_str(), &hints, &list);
  if (rc != 0 || list == nullptr)
    throw std::runtime_error(fmt::format("cannot resolve target host '{}': {}", target.host, gai_strerror(rc)));
  SocketAddress out;
  std::memcpy(&out.storage, list->ai_addr, list->ai_addrlen);
  out.length = list->ai_addrlen;
  out.family = list->ai_family;
  freeaddrinfo(list);
  return out;
}

int start_connect(const SocketAddress& addr, bool& in_progress) {
  int fd = ::socket(addr.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) return -errno;
  int one = 1;
  // Requests are small and latency is the product: never let Nagle hold a write back.
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  in_progress = false;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr.storage), addr.length) != 0) {
    if (errno != EINPROGRESS) {
      int err = errno;
      ::close(fd);
      return -err;
    }
    in_progress = true;
  }
  return fd;
}

ConnectOutcome connect_within(const SocketAddress& addr, std::int64_t timeout_ns) {
  bool in_progress = false;
  const int fd = start_connect(addr, in_progress);
  if (fd < 0) return {-fd, false};
  ConnectOutcome out;
  if (in_progress) {
    pollfd p{fd, POLLOUT, 0};
    const int timeout_ms = static_cast<int>(std::max<std::int64_t>(1, timeout_ns / 1'000'000));
    int rc;
    do {
      rc = ::poll(&p, 1, timeout_ms);
    } while (rc < 0 && errno == EINTR);
    if (rc == 0) {
      out = {ETIMEDOUT, true};
    } else {
      int so_error = 0;
      socklen_t len = sizeof so_error;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
      if (rc < 0) so_error = errno;
      out.error = so_error;
    }
  }
  ::close(fd);
  return out;
}

std::string check_reachable(const SocketAddress& addr, const Endpoint& target, std::int64_t timeout_ns) {
  const ConnectOutcome c = connect_within(addr, timeout_ns);
  if (c.timed_out)
    return fmt::format("cannot connect to {}: no answer within {} ms", target.display(), timeout_ns / 1'000'000);
  if (c.error != 0) return fmt::format("cannot connect to {}: {}", target.display(), std::strerror(c.error));
  return {};
}

}  // namespace tracebench::load
