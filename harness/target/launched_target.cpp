#include "target/launched_target.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <thread>

#include "target/process_stats.h"
#include "load/clock.h"
#include "target/tcp_connect.h"
#include "units/duration_text.h"

namespace tracebench::target {
namespace {

// Fills `set` from cpus; returns an empty string or why the list cannot be used here.
std::string make_cpu_set(const std::vector<int>& cpus, cpu_set_t& set) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (::sched_getaffinity(0, sizeof allowed, &allowed) != 0)
    return fmt::format("cannot read this process's CPU affinity: {}", std::strerror(errno));
  std::vector<int> allowed_list;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &allowed)) allowed_list.push_back(c);
  CPU_ZERO(&set);
  for (int cpu : cpus) {
    if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &allowed))
      return fmt::format("CPU {} is not one this process may use (allowed: {})", cpu, cpu_list_text(allowed_list));
    CPU_SET(cpu, &set);
  }
  return {};
}

bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

// NAME=... at the start of a word.
bool is_assignment(std::string_view word) {
  if (word.empty() || !is_name_start(word[0])) return false;
  std::size_t i = 1;
  while (i < word.size() && is_name_char(word[i])) ++i;
  return i < word.size() && word[i] == '=';
}

}  // namespace

std::string cpu_list_text(const std::vector<int>& cpus) {
  std::vector<int> sorted = cpus;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::string out;
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i;
    while (j + 1 < sorted.size() && sorted[j + 1] == sorted[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += j == i ? fmt::format("{}", sorted[i]) : fmt::format("{}-{}", sorted[i], sorted[j]);
    i = j + 1;
  }
  return out;
}

std::string exec_script(const std::string& command) {
  // Split into top-level words, honouring quotes and backslashes; any control operator or
  // grouping means this is not one simple command, and `exec` would change its meaning.
  std::vector<std::pair<std::size_t, std::size_t>> words;  // [begin, end)
  bool in_single = false, in_double = false, in_word = false;
  std::size_t word_begin = 0;
  for (std::size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    if (in_single) {
      if (c == '\'') in_single = false;
      continue;
    }
    if (c == '\\') {
      if (!in_word) word_begin = i;
      in_word = true;
      ++i;
      continue;
    }
    if (in_double) {
      if (c == '"') in_double = false;
      continue;
    }
    if (c == ';' || c == '&' || c == '|' || c == '\n' || c == '(' || c == ')' || c == '`') return command;
    if (c == ' ' || c == '\t') {
      if (in_word) words.emplace_back(word_begin, i);
      in_word = false;
      continue;
    }
    if (!in_word) word_begin = i;
    in_word = true;
    if (c == '\'') in_single = true;
    if (c == '"') in_double = true;
  }
  if (in_single || in_double) return command;  // let the shell report the syntax error
  if (in_word) words.emplace_back(word_begin, command.size());

  for (const auto& [begin, end] : words) {
    const std::string_view word(command.data() + begin, end - begin);
    if (is_assignment(word)) continue;
    static constexpr std::string_view kKeep[] = {"exec", "if", "while", "until", "for", "case", "{", "!"};
    if (std::find(std::begin(kKeep), std::end(kKeep), word) != std::end(kKeep)) return command;
    return command.substr(0, begin) + "exec " + command.substr(begin);
  }
  return command;  // empty, or assignments only
}

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> out;
  if (::sched_getaffinity(0, sizeof set, &set) != 0) return out;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) out.push_back(c);
  return out;
}

std::string pin_current_thread(const std::vector<int>& cpus) {
  if (cpus.empty()) return {};
  cpu_set_t set;
  if (std::string why = make_cpu_set(cpus, set); !why.empty()) return why;
  if (::sched_setaffinity(0, sizeof set, &set) != 0)
    return fmt::format("cannot pin to CPUs {}: {}", cpu_list_text(cpus), std::strerror(errno));
  return {};
}

LaunchedTarget::LaunchedTarget(const std::string& command, const std::vector<int>& cpus, const std::string& log_path)
    : log_path_(log_path), command_(command) {
  const auto fail = [&](const std::string& why) {
    throw std::runtime_error(fmt::format("cannot start `{}`: {}", command, why));
  };
  cpu_set_t set;
  CPU_ZERO(&set);
  if (!cpus.empty())
    if (std::string why = make_cpu_set(cpus, set); !why.empty()) fail(why);

  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) fail(fmt::format("cannot open log {}: {}", log_path, std::strerror(errno)));
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int report[2];
  if (null_fd < 0 || ::pipe2(report, O_CLOEXEC) != 0) {
    const int e = errno;
    ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    fail(fmt::format("cannot set up the child: {}", std::strerror(e)));
  }

  // Everything the child needs is prepared before fork: between fork and exec only
  // async-signal-safe calls are allowed (other threads may hold malloc's locks).
  const std::string script = exec_script(command);
  const char* argv[] = {"sh", "-c", script.c_str(), nullptr};
  const bool pin = !cpus.empty();

  const pid_t pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    ::close(log_fd);
    ::close(null_fd);
    ::close(report[0]);
    ::close(report[1]);
    fail(fmt::format("fork: {}", std::strerror(e)));
  }
  if (pid == 0) {
    // Child. Its own process group, so stop() reaches whatever the command starts.
    ::setpgid(0, 0);
    // Signal state is inherited across exec: give the target a clean one (the harness may
    // block or ignore SIGINT/SIGTERM/SIGPIPE for itself).
    for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    int failure[2] = {0, 0};  // stage (1 pin, 2 exec), errno
    if (pin && ::sched_setaffinity(0, sizeof set, &set) != 0) {
      failure[0] = 1;
      failure[1] = errno;
    } else {
      ::execv("/bin/sh", const_cast<char* const*>(argv));
      failure[0] = 2;
      failure[1] = errno;
    }
    [[maybe_unused]] ssize_t n = ::write(report[1], failure, sizeof failure);
    ::_exit(127);
  }

  // Parent. setpgid here too, so the group exists whichever side runs first.
  ::setpgid(pid, pid);
  ::close(report[1]);
  ::close(log_fd);
  ::close(null_fd);
  int failure[2] = {0, 0};
  ssize_t n;
  do {
    n = ::read(report[0], failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  ::close(report[0]);
  if (n == static_cast<ssize_t>(sizeof failure)) {  // the child wrote instead of exec'ing
    ::waitpid(pid, nullptr, 0);
    if (failure[0] == 1)
      fail(fmt::format("cannot pin to CPUs {}: {}", cpu_list_text(cpus), std::strerror(failure[1])));
    fail(fmt::format("cannot exec /bin/sh: {}", std::strerror(failure[1])));
  }
  pid_ = pid;  // EOF: exec succeeded (the pipe closed on exec)
}

LaunchedTarget::~LaunchedTarget() { stop(); }

bool LaunchedTarget::poll_exit() {
  if (pid_ <= 0 || exited_) return true;
  siginfo_t info{};
  // WNOWAIT: see that it exited without reaping it (stop() reaps).
  if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    if (errno == ECHILD) exited_ = true;  // someone else reaped it
    return exited_;
  }
  if (info.si_pid != pid_) return false;
  exited_ = true;
  if (info.si_code == CLD_EXITED)
    exit_code_ = info.si_status;
  else
    exit_signal_ = info.si_status;
  return true;
}

bool LaunchedTarget::alive() { return !poll_exit(); }

std::string LaunchedTarget::exit_description() {
  if (!poll_exit()) return {};
  if (exit_signal_ != 0) return fmt::format("killed by signal {} ({})", exit_signal_, ::strsignal(exit_signal_));
  if (exit_code_ >= 0) return fmt::format("exited with code {}", exit_code_);
  return "exited";
}

void LaunchedTarget::stop(std::int64_t grace_ns) {
  if (pid_ <= 0 || reaped_) return;
  ::kill(-pid_, SIGTERM);
  const std::int64_t deadline_ns = load::monotonic_ns() + grace_ns;
  while (!poll_exit() && load::monotonic_ns() < deadline_ns) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  // Whatever is left of the group (the leader if it ignored SIGTERM, and anything it started
  // that outlived it) is killed; the unreaped leader keeps the group id ours until here.
  ::kill(-pid_, SIGKILL);
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, 0);
  } while (r < 0 && errno == EINTR);
  if (r == pid_ && !exited_) {
    exited_ = true;
    if (WIFEXITED(status)) exit_code_ = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) exit_signal_ = WTERMSIG(status);
  }
  exited_ = true;
  reaped_ = true;
}

std::string LaunchedTarget::last_log_line() const {
  const int fd = ::open(log_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  struct stat st{};
  std::string tail;
  if (::fstat(fd, &st) == 0) {
    constexpr off_t kTail = 4096;
    const off_t from = std::max<off_t>(0, st.st_size - kTail);
    tail.resize(static_cast<std::size_t>(st.st_size - from));
    const ssize_t n = ::pread(fd, tail.data(), tail.size(), from);
    tail.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  }
  ::close(fd);
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r' || tail.back() == ' ')) tail.pop_back();
  const auto nl = tail.rfind('\n');
  return one_line(nl == std::string::npos ? tail : tail.substr(nl + 1));
}

std::optional<pid_t> LaunchedTarget::listening_pid(std::uint16_t port) const {
  const std::optional<pid_t> owner = find_listening_pid(port);
  if (!owner || pid_ <= 0 || ::getpgid(*owner) != pid_) return std::nullopt;
  return owner;
}

std::string LaunchedTarget::wait_until_listening(const std::string& host, std::uint16_t port,
                                                 std::int64_t timeout_ns) {
  const std::string where = host_port(host, port);
  const auto log_suffix = [&] {
    const std::string line = last_log_line();
    return line.empty() ? fmt::format("; {} is empty", log_path_) : fmt::format("; last line of {}: {}", log_path_, line);
  };
  const std::int64_t deadline_ns = load::monotonic_ns() + timeout_ns;
  std::string why;
  for (;;) {
    if (!alive())
      return fmt::format("`{}` {} before listening on {}{}", command_, exit_description(), where, log_suffix());
    const std::int64_t remaining_ns = deadline_ns - load::monotonic_ns();
    why = try_tcp_connect(host, port, std::clamp<std::int64_t>(remaining_ns, 50'000'000, 500'000'000));
    if (why.empty()) {
      // Something listens, but it may be another process that already had the port (our
      // child then fails to bind and exits). When /proc shows the owner, it must be ours.
      const std::optional<pid_t> owner = find_listening_pid(port);
      if (!owner || ::getpgid(*owner) == pid_) {
        if (alive()) return {};
        return fmt::format("`{}` {} before listening on {}{}", command_, exit_description(), where, log_suffix());
      }
      std::string name = process_name(*owner);
      why = fmt::format("another process, pid {}{}{}, listens there", *owner, name.empty() ? "" : " ",
                        name.empty() ? "" : "(" + name + ")");
    }
    if (load::monotonic_ns() >= deadline_ns) break;
    std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<std::int64_t>(20'000'000, deadline_ns - load::monotonic_ns())));
  }
  return fmt::format("`{}` did not listen on {} within {} ({}){}", command_, where, units::timeout_text(timeout_ns), why,
                     log_suffix());
}

}  // namespace tracebench::target
