#include "load/http_request.h"

#include <fmt/core.h>

#include <strings.h>

namespace tracebench::load {

std::string build_request(const Endpoint& target, const RequestSpec& spec) {
  bool has_host = false, has_length = false;
  for (const auto& [name, value] : spec.headers) {
    has_host |= strcasecmp(name.c_str(), "host") == 0;
    has_length |= strcasecmp(name.c_str(), "content-length") == 0;
  }
  std::string out = fmt::format("{} {} HTTP/1.1\r\n", spec.method, spec.path);
  if (!has_host) {
    const bool v6 = target.host.find(':') != std::string::npos;
    out += v6 ? fmt::format("Host: [{}]:{}\r\n", target.host, target.port)
              : fmt::format("Host: {}:{}\r\n", target.host, target.port);
  }
  for (const auto& [name, value] : spec.headers) out += fmt::format("{}: {}\r\n", name, value);
  if (!spec.body.empty() && !has_length) out += fmt::format("Content-Length: {}\r\n", spec.body.size());
  out += "\r\n";
  out += spec.body;
  return out;
}

}  // namespace tracebench::load
