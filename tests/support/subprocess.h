#pragma once
// Runs a program to completion for CLI tests: its exit code, stdout and stderr, and how
// long it took. Bounded: the child is killed after timeout_s.

#include <string>
#include <vector>

namespace tracebench::testing {

struct ProcessResult {
  int exit_code = -1;       // -1 when killed by the timeout or a signal
  std::string out;
  std::string err;
  double elapsed_s = 0;
};

ProcessResult run_process(const std::vector<std::string>& argv, double timeout_s = 60);

// A long-running child (e.g. the demo server) whose stdout lines can be awaited.
class ChildProcess {
 public:
  // merge_stderr: the child's stderr goes to the same pipe as stdout (else /dev/null).
  explicit ChildProcess(const std::vector<std::string>& argv, bool merge_stderr = false);
  ~ChildProcess();  // SIGTERM, then SIGKILL
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Reads stdout until a line starts with prefix; returns the rest of that line, or throws
  // after timeout_s.
  std::string wait_for_line(const std::string& prefix, double timeout_s = 20);
  int pid() const { return pid_; }
  void kill_now();  // SIGKILL, as if the target crashed
  void signal(int sig);
  // Waits for the child to exit (at most timeout_s, then SIGKILL); returns its exit code,
  // -1 when killed by a signal. Stdout not yet read is kept for output().
  int wait_exit(double timeout_s = 60);
  // Everything the child printed on stdout that wait_for_line has not consumed.
  std::string output();

 private:
  int pid_ = -1;
  int stdout_fd_ = -1;
  std::string buffered_;
};

}  // namespace tracebench::testing
