#pragma once
// Words for an HTTP exchange that failed below the HTTP status level (no connection, a
// connection that closed or went silent), shared by the pprof capture and the agent client.
// Internal to target/; includes cpp-httplib, so only .cpp files include it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "target/httplib_include.h"

namespace tracebench::target {

// Of a failed response, the body bytes kept to quote in the error.
inline constexpr std::size_t kErrorBodyMax = 4096;
// How every Go execution trace file begins ("go 1.26 trace\0\0\0").
inline constexpr std::string_view kTraceMagic = "go 1.";

struct TransportFailure {
  httplib::Error error = httplib::Error::Unknown;
  std::string host;
  std::uint16_t port = 0;
  bool got_headers = false;       // a status line and headers had arrived
  std::uint64_t body_bytes = 0;   // body bytes received before the failure
  std::int64_t idle_ns = 0;       // time since the last byte arrived (or since the request)
  std::int64_t read_timeout_ns = 0;
};

// One line without the "METHOD URL: " prefix, e.g. "nothing listens on 127.0.0.1:6060
// (connection refused)" or "the connection closed after 1234 bytes of the body".
std::string describe(const TransportFailure& f);

}  // namespace tracebench::target
