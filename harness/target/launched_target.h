#pragma once
// A target that tracebench starts itself (`run --exec "CMD"`): started through /bin/sh,
// optionally pinned to a set of CPUs, stopped (SIGTERM, then SIGKILL) when destroyed.
// Thread-compatible.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tracebench::target {

class LaunchedTarget {
 public:
  // Starts `command` with /bin/sh -c (see exec_script: a simple command is exec'd, so pid()
  // is the server's own); its stdout/stderr go to log_path (created or truncated), stdin is
  // /dev/null. It leads a new process group, so stopping it also stops anything it started.
  // cpus (may be empty) pins it with sched_setaffinity before exec; each CPU must be one this
  // process may run on. Throws std::runtime_error naming the command: bad CPU, log not
  // writable, fork, pinning or exec of /bin/sh failed. A command that is not found is not
  // an error here: the shell exits 127 and wait_until_listening says so with the log's line.
  LaunchedTarget(const std::string& command, const std::vector<int>& cpus, const std::string& log_path);
  ~LaunchedTarget();  // stop()
  LaunchedTarget(const LaunchedTarget&) = delete;
  LaunchedTarget& operator=(const LaunchedTarget&) = delete;

  // The child's pid: the command's own when exec_script could exec it, else the shell's.
  pid_t pid() const { return pid_; }
  bool alive();  // false once the child has exited (it is reaped only by stop())
  // Waits until a TCP connect to host:port succeeds, the child exits, or timeout: returns
  // an empty string on success, else a one-line reason (including the log's last line), e.g.
  //   "`./srv` exited with code 1 before listening on 127.0.0.1:8080; last line of srv.log: bind: address in use"
  //   "`./srv` did not listen on 127.0.0.1:8080 within 10 s (nothing listens on 127.0.0.1:8080 (connection
  //    refused)); srv.log is empty"
  // A listener that /proc shows belongs to a process outside the child's process group (the
  // port was taken already) does not count: "(another process, pid 123 (nginx), listens there)".
  std::string wait_until_listening(const std::string& host, std::uint16_t port, std::int64_t timeout_ns);

  // The process of this command's process group that listens on `port` (find_listening_pid),
  // which for a compound command ("cd /srv && ./srv") is not pid() but the shell's child.
  // nullopt when /proc shows no listener, or one outside the group.
  std::optional<pid_t> listening_pid(std::uint16_t port) const;

  // SIGTERM to the process group; once the child has exited (or after grace_ns, whichever
  // comes first) SIGKILL to whatever is left of the group, then reaps the child. Blocks at
  // most about grace_ns. Idempotent; never throws.
  void stop(std::int64_t grace_ns = 3'000'000'000);
  // How the child ended: "exited with code 0", "killed by signal 9 (Killed)"; empty while it runs.
  std::string exit_description();
  const std::string& command() const { return command_; }
  const std::string& log_path() const { return log_path_; }
  // The last non-empty line of the log (at most 300 characters), empty if none.
  std::string last_log_line() const;

 private:
  // The child is only reaped in stop(): until then its zombie keeps the pid and the process
  // group id from being reused, so signalling the group can never hit a stranger.
  bool poll_exit();  // true once the child has exited; fills exit_code_/exit_signal_

  pid_t pid_ = -1;
  std::string log_path_;
  std::string command_;
  bool exited_ = false;
  bool reaped_ = false;
  int exit_code_ = -1;   // when it exited normally
  int exit_signal_ = 0;  // when a signal killed it
};

// Pins the calling thread (and threads it creates later) to the given CPUs. An empty list
// changes nothing. Returns an empty string on success, else the reason (e.g. a CPU this
// process may not use).
std::string pin_current_thread(const std::vector<int>& cpus);

// The script LaunchedTarget hands to /bin/sh -c. A simple command gets `exec` so the shell
// is replaced and the pid is the server's: "./srv --x" → "exec ./srv --x", and leading
// assignments stay in front ("GOMAXPROCS=2 ./srv" → "GOMAXPROCS=2 exec ./srv"). A command
// with a top-level `;`, `&`, `|`, newline or parenthesis, or one that already starts with
// exec, is returned unchanged (pid() is then the shell's; find_listening_pid finds the server).
std::string exec_script(const std::string& command);

// The CPUs this process may run on (sched_getaffinity), ascending; empty if unreadable.
// What `--pin` divides between the target and tracebench: a cpuset or `taskset` may allow
// fewer than the machine has online.
std::vector<int> allowed_cpus();

// "0-1,4" for messages.
std::string cpu_list_text(const std::vector<int>& cpus);

}  // namespace tracebench::target
