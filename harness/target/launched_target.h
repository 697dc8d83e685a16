#pragma once
// A target that tracebench starts itself (`run --exec "CMD"`): started through /bin/sh,
// optionally pinned to a set of CPUs, stopped (SIGTERM, then SIGKILL) when destroyed.
// Thread-compatible.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tracebench::target {

class LaunchedTarget {
 public:
  // Starts `command` with /bin/sh -c; its stdout/stderr go to log_path. cpus (may be empty)
  // pins it with sched_setaffinity before exec. Throws std::runtime_error naming the command.
  LaunchedTarget(const std::string& command, const std::vector<int>& cpus, const std::string& log_path);
  ~LaunchedTarget();
  LaunchedTarget(const LaunchedTarget&) = delete;
  LaunchedTarget& operator=(const LaunchedTarget&) = delete;

  pid_t pid() const { return pid_; }
  bool alive();  // reaps the child if it exited
  // Waits until a TCP connect to host:port succeeds, the child exits, or timeout: returns
  // an empty string on success, else a one-line reason (including the log's last line).
  std::string wait_until_listening(const std::string& host, std::uint16_t port, std::int64_t timeout_ns);

 private:
  pid_t pid_ = -1;
  std::string log_path_;
};

// Pins the calling thread (and threads it creates later) to the given CPUs.
// Returns an empty string on success, else the reason.
std::string pin_current_thread(const std::vector<int>& cpus);

}  // namespace tracebench::target
