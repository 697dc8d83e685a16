#pragma once
// Client of the flight-recorder agent (workloads/agent, docs/agent.md) at
// /debug/tracebench/flightrecorder/ on the target's debug address.
//
// Every call is synchronous with a timeout and throws AgentError (one line naming the
// method and URL, the HTTP status and the agent's JSON "error" text) on failure, e.g.
//   POST http://127.0.0.1:6060/debug/tracebench/flightrecorder/start?min_age=10s: HTTP 409: flight recorder already running
//   GET http://127.0.0.1:6060/debug/tracebench/flightrecorder/status: nothing listens on 127.0.0.1:6060 (connection refused)
// Thread-compatible: one object per thread, or external locking.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "target/agent_process.h"

namespace tracebench::target {

class AgentError : public std::runtime_error {
 public:
  AgentError(const std::string& what, int http_status) : std::runtime_error(what), http_status_(http_status) {}
  int http_status() const { return http_status_; }  // 0 when no response
 private:
  int http_status_;
};

// The agent's status JSON. Unknown fields are ignored, missing ones keep these defaults.
struct AgentStatus {
  bool enabled = false;
  std::int64_t min_age_ns = 0;
  std::uint64_t max_bytes = 0;
  std::uint64_t snapshots_taken = 0;
  bool tracing_active = false;  // runtime/trace is on (a capture or the recorder)
  std::string go_version;       // runtime.Version() of the target
  std::uint64_t files_written = 0;  // snapshot files of the middleware and watchdog
  std::string started_at;           // RFC 3339 UTC start of the running recorder; empty when stopped
};

struct SnapshotResult {
  std::uint64_t bytes = 0;
  std::int64_t duration_ns = 0;  // time to download
};

class AgentClient {
 public:
  // timeout_ns bounds the connect and every read (a snapshot may take longer in total as
  // long as bytes keep arriving). An empty token sends no Authorization header.
  AgentClient(std::string host, std::uint16_t port, std::string token = {},
              std::int64_t timeout_ns = 10'000'000'000);

  // nullopt when the agent is not served there (404 on status); throws on other failures
  // (including 401: the agent is there but wants a token).
  std::optional<AgentStatus> probe();
  AgentStatus status();
  // POST start?min_age=<Go duration>&max_bytes=<integer>. min_age_ns / max_bytes of 0 mean
  // "the Go default" (the parameter is left out). Throws AgentError (409 if running, or if
  // another FlightRecorder is active in the process), std::invalid_argument if min_age_ns < 0.
  AgentStatus start(std::int64_t min_age_ns, std::uint64_t max_bytes);
  // Throws AgentError 409 when the recorder is not running.
  AgentStatus stop();
  // Streams a snapshot to out_path (created or truncated). On any failure (409 when the
  // recorder is not running, a stream cut short, a body that is not a Go trace) the file is
  // removed and AgentError thrown, so a partial file never passes for a snapshot.
  SnapshotResult snapshot(const std::string& out_path);

  // GET process: the target's CPU time and runtime metrics now (404 from an agent older than
  // the endpoint). Throws AgentError, also for a 200 whose body is not the process JSON.
  AgentProcessSample process();

  // The full URL of an endpoint ("status", "start?min_age=10s"), as used in messages.
  std::string url(std::string_view endpoint) const;

 private:
  // The body of a 200 answer; throws AgentError otherwise.
  std::string call(std::string_view method, std::string_view endpoint);
  AgentStatus call_for_status(std::string_view method, std::string_view endpoint);

  std::string host_;
  std::uint16_t port_;
  std::string token_;
  std::int64_t timeout_ns_;
};

// Parses the agent's status JSON. Throws std::invalid_argument (with the text) if it is not
// a JSON object or a known field has the wrong type.
AgentStatus parse_agent_status(const std::string& json_text);

}  // namespace tracebench::target
