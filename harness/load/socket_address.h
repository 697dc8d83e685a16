#pragma once
// Resolving the target once before a run, and the fail-fast reachability check.

#include <sys/socket.h>

#include <cstdint>
#include <string>

#include "load/load_config.h"

namespace tracebench::load {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family = 0;
};

// Resolves host and port (numeric or by name). Throws std::runtime_error naming the host.
SocketAddress resolve(const Endpoint& target);

// One TCP connect within timeout_ns, the socket closed again: the probe behind
// check_reachable and target's connect messages. error is 0 when it connected, else the
// errno; timed_out when no answer came within timeout_ns (error is then ETIMEDOUT).
struct ConnectOutcome {
  int error = 0;
  bool timed_out = false;
};
ConnectOutcome connect_within(const SocketAddress& addr, std::int64_t timeout_ns);

// Opens and closes one TCP connection within timeout_ns. Returns an empty string on
// success, else a one-line reason naming the address ("connection refused", "timed out").
std::string check_reachable(const SocketAddress& addr, const Endpoint& target, std::int64_t timeout_ns);

// A non-blocking TCP socket with TCP_NODELAY, connect() started. Returns the fd (>= 0) and
// sets in_progress, or returns -errno when the connect failed at once.
int start_connect(const SocketAddress& addr, bool& in_progress);

}  // namespace tracebench::load
