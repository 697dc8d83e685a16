#include "target/tcp_connect.h"

#include <netdb.h>
#include <sys/socket.h>

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "load/socket_address.h"
#include "units/duration_text.h"

namespace tracebench::target {

std::string host_port(std::string_view host, std::uint16_t port) {
  if (host.find(':') != std::string_view::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
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
    load::SocketAddress addr;
    std::memcpy(&addr.storage, ai->ai_addr, ai->ai_addrlen);
    addr.length = ai->ai_addrlen;
    addr.family = ai->ai_family;
    last_errno = load::connect_within(addr, timeout_ns).error;
    if (last_errno == 0) {
      ::freeaddrinfo(list);
      return {};
    }
  }
  ::freeaddrinfo(list);
  const std::string where = host_port(host, port);
  if (last_errno == ECONNREFUSED) return fmt::format("nothing listens on {} (connection refused)", where);
  if (last_errno == ETIMEDOUT)
    return fmt::format("no answer from {} within {} (connect timed out)", where, units::timeout_text(timeout_ns));
  return fmt::format("cannot connect to {}: {}", where, std::strerror(last_errno));
}

}  // namespace tracebench::target
