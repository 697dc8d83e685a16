#pragma once
// One TCP connect attempt, used to wait for a launched target and to say precisely why an
// HTTP request could not connect (cpp-httplib reports only "Connection"). Internal to
// target/. Thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

namespace tracebench::target {

// "host:port", with brackets around an IPv6 literal ("[::1]:6060").
std::string host_port(std::string_view host, std::uint16_t port);

// Connects to host:port (every resolved address in turn, each bounded by timeout_ns, with
// load::connect_within) and closes the socket again. Returns an empty string when a connect succeeded, else one line:
//   "nothing listens on HOST:PORT (connection refused)"
//   "no answer from HOST:PORT within 2 s (connect timed out)"
//   "cannot resolve host \"HOST\": <resolver message>"
//   "cannot connect to HOST:PORT: <strerror>"
std::string try_tcp_connect(const std::string& host, std::uint16_t port, std::int64_t timeout_ns);

// An HTTP body or other foreign text as one short line: whitespace runs (newlines included)
// become one space, control bytes become '?', and more than max_chars is cut with "...".
std::string one_line(std::string_view text, std::size_t max_chars = 300);

}  // namespace tracebench::target
