#pragma once
// Client of the flight-recorder agent (workloads/agent, docs/agent.md) at
// /debug/tracebench/flightrecorder/ on the target's debug address.
//
// Every call is synchronous with a timeout and throws AgentError (one line naming the URL,
// the HTTP status and the agent's JSON "error" text) on failure. Thread-compatible.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace tracebench::target {

class AgentError : public std::runtime_error {
 public:
  AgentError(const std::string& what, int http_status) : std::runtime_error(what), http_status_(http_status) {}
  int http_status() const { return http_status_; }  // 0 when no response
 private:
  int http_status_;
};

struct AgentStatus {
  bool enabled = false;
  std::int64_t min_age_ns = 0;
  std::uint64_t max_bytes = 0;
  std::uint64_t snapshots_taken = 0;
  bool tracing_active = false;  // runtime/trace is on (a capture or the recorder)
  std::string go_version;       // runtime.Version() of the target
};

struct SnapshotResult {
  std::uint64_t bytes = 0;
  std::int64_t duration_ns = 0;  // time to download
};

class AgentClient {
 public:
  AgentClient(std::string host, std::uint16_t port, std::string token = {},
              std::int64_t timeout_ns = 10'000'000'000);

  // nullopt when the agent is not served there (404 on status); throws on other failures.
  std::optional<AgentStatus> probe();
  AgentStatus status();
  // min_age_ns / max_bytes of 0 mean "the Go default". Throws AgentError (409 if running).
  AgentStatus start(std::int64_t min_age_ns, std::uint64_t max_bytes);
  AgentStatus stop();
  // Streams a snapshot to out_path (created or truncated).
  SnapshotResult snapshot(const std::string& out_path);

 private:
  std::string host_;
  std::uint16_t port_;
  std::string token_;
  std::int64_t timeout_ns_;
};

}  // namespace tracebench::target
