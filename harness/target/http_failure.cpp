#include "target/http_failure.h"

#include <fmt/core.h>

#include "target/tcp_connect.h"
#include "units/duration_text.h"

namespace tracebench::target {

std::string describe(const TransportFailure& f) {
  using httplib::Error;
  switch (f.error) {
    case Error::Connection:
    case Error::ConnectionTimeout: {
      // cpp-httplib does not say why the connect failed; one more attempt of our own does.
      std::string why = try_tcp_connect(f.host, f.port, 2'000'000'000);
      if (why.empty()) why = fmt::format("cannot connect to {} (it accepted a retry)", host_port(f.host, f.port));
      return why;
    }
    case Error::Read: {
      // A read that waited the whole timeout went silent; anything shorter was a close or reset.
      const bool timed_out = f.read_timeout_ns > 0 && f.idle_ns >= f.read_timeout_ns - f.read_timeout_ns / 10;
      if (!f.got_headers)
        return timed_out ? fmt::format("no response within {} (read timeout)", units::timeout_text(f.read_timeout_ns))
                         : "the connection closed before a response arrived";
      return timed_out ? fmt::format("the response stopped after {} bytes of the body: no data for {} (read timeout)",
                                     f.body_bytes, units::timeout_text(f.read_timeout_ns))
                       : fmt::format("the connection closed after {} bytes of the body (the target closed it "
                                     "or exited)",
                                     f.body_bytes);
    }
    case Error::Write:
      return "sending the request failed: the connection closed";
    default:
      return fmt::format("request failed ({})", httplib::to_string(f.error));
  }
}

}  // namespace tracebench::target
