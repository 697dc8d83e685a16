#pragma once
// The target process seen from /proc when it runs on this machine: which pid listens on a
// port, and its CPU time and memory. Linux only. Thread-safe (reads files only).

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace tracebench::target {

// The pid of the process with a TCP socket listening on `port` (IPv4 or IPv6), found via
// /proc/net/tcp{,6} (state 0A) and the socket inodes behind /proc/*/fd. nullopt if none is
// found or visible (another user's process hides its fds unless we are root). If several
// processes hold the socket (inherited across fork), the lowest pid. Scans every process's
// fds: milliseconds, not for a hot loop.
std::optional<pid_t> find_listening_pid(std::uint16_t port);

// Whether `host` (a name or a numeric address) is this machine: a loopback or unspecified
// address, or an address of one of its interfaces (getifaddrs). A name that does not
// resolve is not. May block on DNS for a name.
bool is_this_machine(const std::string& host);

struct ProcessSample {
  bool alive = false;            // false when the pid is gone or a zombie
  double cpu_s = 0;              // CPU time of all its threads, seconds (ns resolution)
  double user_s = 0;             // utime alone (clock ticks)
  double system_s = 0;           // stime alone (clock ticks)
  std::uint64_t rss_bytes = 0;   // VmRSS
  std::int64_t threads = 0;      // threads now
  std::int64_t taken_ns = 0;     // monotonic time of the reading
};
// cpu_s comes from the process's CPU-time clock (clock_getcpuclockid), nanosecond
// resolution; when that clock cannot be read, from utime + stime. user_s and system_s come
// in clock ticks (sysconf(_SC_CLK_TCK), 100 per second on Linux): 10 ms resolution.

// One reading of /proc/<pid>/stat and /proc/<pid>/status. alive=false if the pid is gone.
ProcessSample sample_process(pid_t pid);

// The process's command name (/proc/<pid>/comm, at most 15 bytes), empty if gone.
std::string process_name(pid_t pid);

}  // namespace tracebench::target
