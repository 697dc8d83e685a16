#include "target/agent_client.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>

#include "target/http_failure.h"
#include "target/httplib_include.h"
#include "load/clock.h"
#include "target/tcp_connect.h"
#include "units/duration_text.h"

namespace tracebench::target {
namespace {

constexpr std::string_view kPrefix = "/debug/tracebench/flightrecorder/";

struct Reply {
  int status = 0;
  std::string body;
};

// The agent's JSON {"error": "..."} text, else the body itself as one line.
std::string error_text(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("error") && j["error"].is_string()) return one_line(j["error"].get<std::string>());
  std::string text = one_line(body);
  return text.empty() ? "(empty body)" : text;
}

}  // namespace

AgentStatus parse_agent_status(const std::string& json_text) {
  auto j = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) throw std::invalid_argument("not a JSON object: " + one_line(json_text, 120));
  AgentStatus s;
  try {
    // Every field is optional so an older or newer agent still parses; fields are only added.
    s.enabled = j.value("enabled", false);
    s.min_age_ns = j.value("min_age_ns", std::int64_t{0});
    s.max_bytes = j.value("max_bytes", std::uint64_t{0});
    s.snapshots_taken = j.value("snapshots_taken", std::uint64_t{0});
    s.tracing_active = j.value("tracing_active", false);
    s.go_version = j.value("go_version", std::string{});
    s.files_written = j.value("files_written", std::uint64_t{0});
    if (auto it = j.find("started_at"); it != j.end() && it->is_string()) s.started_at = it->get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(fmt::format("unexpected field type in {}: {}", one_line(json_text, 120), e.what()));
  }
  return s;
}

AgentClient::AgentClient(std::string host, std::uint16_t port, std::string token, std::int64_t timeout_ns)
    : host_(std::move(host)), port_(port), token_(std::move(token)), timeout_ns_(timeout_ns) {}

std::string AgentClient::url(std::string_view endpoint) const {
  return fmt::format("http://{}{}{}", host_port(host_, port_), kPrefix, endpoint);
}

namespace {

httplib::Client make_client(const std::string& host, std::uint16_t port, const std::string& token,
                            std::int64_t timeout_ns) {
  httplib::Client client(host, port);
  const auto timeout = std::chrono::microseconds(timeout_ns / 1000);
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  if (!token.empty()) client.set_bearer_token_auth(token);
  return client;
}

[[noreturn]] void throw_transport(std::string_view method, const std::string& url, const TransportFailure& f) {
  throw AgentError(fmt::format("{} {}: {}", method, url, describe(f)), 0);
}

[[noreturn]] void throw_status(std::string_view method, const std::string& url, int status, const std::string& body) {
  throw AgentError(fmt::format("{} {}: HTTP {}: {}", method, url, status, error_text(body)), status);
}

}  // namespace

std::string AgentClient::call(std::string_view method, std::string_view endpoint) {
  const std::string target = fmt::format("{}{}", kPrefix, endpoint);
  httplib::Client client = make_client(host_, port_, token_, timeout_ns_);
  const std::int64_t t0 = load::monotonic_ns();
  httplib::Result res = method == "POST" ? client.Post(target) : client.Get(target);
  if (res.error() != httplib::Error::Success) {
    TransportFailure f;
    f.error = res.error();
    f.host = host_;
    f.port = port_;
    f.idle_ns = load::monotonic_ns() - t0;
    f.read_timeout_ns = timeout_ns_;
    throw_transport(method, url(endpoint), f);
  }
  if (res->status != 200) throw_status(method, url(endpoint), res->status, res->body);
  return std::move(res->body);
}

AgentStatus AgentClient::call_for_status(std::string_view method, std::string_view endpoint) {
  const std::string body = call(method, endpoint);
  try {
    return parse_agent_status(body);
  } catch (const std::invalid_argument& e) {
    throw AgentError(fmt::format("{} {}: HTTP 200 but not the agent's status JSON: {}", method, url(endpoint), e.what()),
                     200);
  }
}

AgentProcessSample AgentClient::process() {
  const std::string body = call("GET", "process");
  try {
    return parse_agent_process_sample(body);
  } catch (const std::invalid_argument& e) {
    throw AgentError(fmt::format("GET {}: HTTP 200 but not the agent's process JSON: {}", url("process"), e.what()), 200);
  }
}

std::optional<AgentStatus> AgentClient::probe() {
  try {
    return status();
  } catch (const AgentError& e) {
    if (e.http_status() == 404) return std::nullopt;
    throw;
  }
}

AgentStatus AgentClient::status() { return call_for_status("GET", "status"); }

AgentStatus AgentClient::start(std::int64_t min_age_ns, std::uint64_t max_bytes) {
  if (min_age_ns < 0) throw std::invalid_argument(fmt::format("min_age_ns must be >= 0, got {}", min_age_ns));
  std::string endpoint = "start";
  char sep = '?';
  if (min_age_ns > 0) {
    endpoint += fmt::format("{}min_age={}", sep, units::go_duration_text(min_age_ns));
    sep = '&';
  }
  if (max_bytes > 0) endpoint += fmt::format("{}max_bytes={}", sep, max_bytes);
  return call_for_status("POST", endpoint);
}

AgentStatus AgentClient::stop() { return call_for_status("POST", "stop"); }

SnapshotResult AgentClient::snapshot(const std::string& out_path) {
  const std::string target = fmt::format("{}snapshot", kPrefix);
  const std::string full_url = url("snapshot");
  const int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    throw AgentError(fmt::format("GET {}: cannot create {}: {}", full_url, out_path, std::strerror(errno)), 0);

  httplib::Client client = make_client(host_, port_, token_, timeout_ns_);
  int status = 0;
  std::uint64_t bytes = 0;
  std::string head, error_body;
  int write_errno = 0;
  std::int64_t last_activity_ns = load::monotonic_ns();
  const std::int64_t t0 = last_activity_ns;

  auto on_response = [&](const httplib::Response& response) {
    status = response.status;
    last_activity_ns = load::monotonic_ns();
    return true;
  };
  auto on_body = [&](const char* data, std::size_t n) {
    last_activity_ns = load::monotonic_ns();
    if (status != 200) {
      error_body.append(data, std::min(n, kErrorBodyMax - std::min(kErrorBodyMax, error_body.size())));
      return true;
    }
    if (head.size() < kTraceMagic.size()) head.append(data, std::min(n, kTraceMagic.size() - head.size()));
    for (std::size_t off = 0; off < n;) {
      const ssize_t w = ::write(fd, data + off, n - off);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        write_errno = errno;
        return false;
      }
      off += static_cast<std::size_t>(w);
    }
    bytes += n;
    return true;
  };
  httplib::Result res = client.Get(target, httplib::Headers{}, on_response, on_body);
  const std::int64_t end_ns = load::monotonic_ns();
  if (::close(fd) != 0 && write_errno == 0) write_errno = errno;

  // A partial file must never pass for a snapshot: remove it on any failure.
  auto fail = [&](std::string what, int http_status) {
    ::unlink(out_path.c_str());
    throw AgentError(std::move(what), http_status);
  };
  if (write_errno != 0)
    fail(fmt::format("GET {}: cannot write {}: {}", full_url, out_path, std::strerror(write_errno)), status);
  if (res.error() != httplib::Error::Success) {
    TransportFailure f;
    f.error = res.error();
    f.host = host_;
    f.port = port_;
    f.got_headers = status != 0;
    f.body_bytes = bytes;
    f.idle_ns = end_ns - last_activity_ns;
    f.read_timeout_ns = timeout_ns_;
    fail(fmt::format("GET {}: {}", full_url, describe(f)), status);
  }
  if (status != 200) fail(fmt::format("GET {}: HTTP {}: {}", full_url, status, error_text(error_body)), status);
  if (head.compare(0, kTraceMagic.size(), kTraceMagic) != 0)
    fail(fmt::format("GET {}: the response is not a Go execution trace (it starts with \"{}\", expected \"go 1.\")",
                     full_url, one_line(head)),
         status);
  SnapshotResult r;
  r.bytes = bytes;
  r.duration_ns = end_ns - t0;
  return r;
}

}  // namespace tracebench::target
