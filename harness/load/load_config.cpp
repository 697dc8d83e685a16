#include "load/load_config.h"

#include <fmt/core.h>

#include <charconv>
#include <stdexcept>

namespace tracebench::load {

Endpoint parse_endpoint(const std::string& text) {
  const auto bad = [&](std::string_view why) {
    return std::invalid_argument(
        fmt::format("bad target '{}': {}; expected HOST:PORT, e.g. localhost:8080 or [::1]:8080", text, why));
  };
  std::string host;
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      throw bad("unclosed IPv6 bracket or missing port");
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos) throw bad("no port");
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (host.find(':') != std::string::npos) throw bad("IPv6 addresses need brackets");
  }
  if (host.empty()) throw bad("empty host");
  if (host.find('/') != std::string::npos) throw bad("a URL, not an address");
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || ptr != port_text.data() + port_text.size() || port == 0 ||
      port > 65535)
    throw bad(fmt::format("port '{}' is not a number in 1..65535", port_text));
  return Endpoint{host, static_cast<std::uint16_t>(port)};
}

std::string validate(const LoadConfig& cfg) {
  if (cfg.connections < 1 || cfg.connections > 100'000)
    return fmt::format("--connections {} is out of range: expected 1..100000", cfg.connections);
  if (cfg.threads < 1 || cfg.threads > 256)
    return fmt::format("--threads {} is out of range: expected 1..256", cfg.threads);
  if (cfg.threads > cfg.connections)
    return fmt::format("--threads {} exceeds --connections {}: each thread needs a connection", cfg.threads,
                       cfg.connections);
  if (cfg.measure_ns <= 0) return "--duration must be greater than zero";
  if (cfg.warmup_ns < 0) return "--warmup must not be negative";
  if (cfg.timeout_ns <= 0) return "--timeout must be greater than zero";
  if (cfg.spin_ns < 0 || cfg.spin_ns > 10'000'000)
    return fmt::format("--spin {}us is out of range: expected 0 to 10000us", cfg.spin_ns / 1000);
  if (cfg.open_loop && !(cfg.open_loop->rate_rps > 0 && cfg.open_loop->rate_rps <= 10'000'000))
    return fmt::format("--rate {} is out of range: expected more than 0 and at most 10M requests/s",
                       cfg.open_loop->rate_rps);
  if (cfg.request.path.empty() || cfg.request.path.front() != '/')
    return fmt::format("--path '{}' must start with '/'", cfg.request.path);
  if (cfg.request.method.empty() || cfg.request.method.find_first_of(" \r\n") != std::string::npos)
    return fmt::format("--method '{}' is not an HTTP method token", cfg.request.method);
  for (const auto& [name, value] : cfg.request.headers) {
    if (name.empty() || name.find_first_of(" :\r\n") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos)
      return fmt::format("--header '{}: {}' is not a valid header", name, value);
  }
  return {};
}

}  // namespace tracebench::load
