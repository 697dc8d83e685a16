#pragma once
// The target process seen from /proc when it runs on this machine: which pid listens on a
// port, and its CPU time and memory. Linux only. Thread-safe (reads files only).

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace tracebench::target {

// The pid of the process with a TCP socket listening on `port` (IPv4 or IPv6), found via
// /proc/net/tcp{,6} and /proc/*/fd socket inodes. nullopt if none is found or visible.
std::optional<pid_t> find_listening_pid(std::uint16_t port);

struct ProcessSample {
  bool alive = false;
  double cpu_s = 0;              // utime + stime of all its threads, seconds
  std::uint64_t rss_bytes = 0;   // VmRSS
  std::int64_t taken_ns = 0;     // monotonic time of the reading
};

// One reading of /proc/<pid>/stat and /proc/<pid>/status. alive=false if the pid is gone.
ProcessSample sample_process(pid_t pid);

// The process's command name (/proc/<pid>/comm), empty if gone.
std::string process_name(pid_t pid);

}  // namespace tracebench::target
