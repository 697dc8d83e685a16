#include "target/go_tool_trace.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/core.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "load/clock.h"

extern char** environ;

namespace tracebench::target {

std::string find_go_binary() {
  if (const char* path = std::getenv("PATH")) {
    std::string all = path;
    std::size_t start = 0;
    while (start <= all.size()) {
      const std::size_t end = std::min(all.find(':', start), all.size());
      const std::string dir = all.substr(start, end - start);
      if (!dir.empty()) {
        const std::string candidate = dir + "/go";
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
      }
      start = end + 1;
    }
  }
  if (::access("/usr/local/go/bin/go", X_OK) == 0) return "/usr/local/go/bin/go";
  return {};
}

namespace {

// The child's environment: no browser is opened (BROWSER=true exits at once, successfully;
// no DISPLAY means no xdg-open).
std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string_view kv = *e;
    if (kv.rfind("DISPLAY=", 0) == 0 || kv.rfind("BROWSER=", 0) == 0) continue;
    env.emplace_back(kv);
  }
  env.emplace_back("BROWSER=true");
  return env;
}

}  // namespace

std::optional<GoToolTraceTiming> time_go_tool_trace(const std::string& path, const std::string& go_binary,
                                                     double timeout_s, std::string* why) {
  auto fail = [&](std::string text) -> std::optional<GoToolTraceTiming> {
    if (why) *why = std::move(text);
    return std::nullopt;
  };
  if (go_binary.empty()) return fail("go is not installed (not on $PATH nor at /usr/local/go/bin/go)");
  std::error_code ec;
  const auto file_bytes = std::filesystem::file_size(path, ec);
  if (ec) return fail(fmt::format("cannot read '{}': {}", path, ec.message()));

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return fail("cannot create a pipe");
  const int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, devnull, 0);
  posix_spawn_file_actions_adddup2(&actions, devnull, 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);  // go tool trace logs to stderr
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group, so the tool it execs stops with it
  std::vector<std::string> argv_s = {go_binary, "tool", "trace", "-http=127.0.0.1:0", path};
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s = child_environment();
  std::vector<char*> env;
  for (auto& e : env_s) env.push_back(e.data());
  env.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, go_binary.c_str(), &actions, &attr, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(pipe_fds[1]);
  ::close(devnull);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    return fail(fmt::format("cannot start {}: {}", go_binary, std::strerror(rc)));
  }

  const std::int64_t started = load::monotonic_ns();
  const std::int64_t deadline = started + static_cast<std::int64_t>(timeout_s * 1e9);
  std::int64_t preparing_at = 0, listening_at = 0;
  std::string pending, output;
  bool eof = false;
  while (!listening_at && !eof) {
    const std::int64_t now = load::monotonic_ns();
    if (now >= deadline) break;
    pollfd p{pipe_fds[0], POLLIN, 0};
    const int wait_ms = static_cast<int>(std::min<std::int64_t>((deadline - now) / 1'000'000 + 1, 200));
    if (::poll(&p, 1, wait_ms) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::read(pipe_fds[0], buf, sizeof buf);
    const std::int64_t at = load::monotonic_ns();
    if (n <= 0) {
      eof = true;
      break;
    }
    pending.append(buf, static_cast<std::size_t>(n));
    for (std::size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
      const std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      if (output.size() < 2000) output += line + "\n";
      if (!preparing_at && line.find("Preparing trace for viewer") != std::string::npos) preparing_at = at;
      if (line.find("Trace viewer is listening") != std::string::npos) listening_at = at;
    }
  }
  ::close(pipe_fds[0]);
  ::kill(-pid, SIGTERM);
  int status = 0;
  for (int i = 0; i < 50 && ::waitpid(pid, &status, WNOHANG) == 0; ++i) ::usleep(20'000);
  if (::waitpid(pid, &status, WNOHANG) == 0) {
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  if (!listening_at) {
    if (eof) {
      std::string first = output.substr(0, output.find('\n'));
      return fail(fmt::format("go tool trace exited before its viewer was ready: {}", first.empty() ? "no output" : first));
    }
    return fail(fmt::format("go tool trace had not opened '{}' after {:.0f} s", path, timeout_s));
  }
  GoToolTraceTiming t;
  t.file_bytes = file_bytes;
  t.seconds = static_cast<double>(listening_at - (preparing_at ? preparing_at : started)) / 1e9;
  t.startup_included = preparing_at == 0;
  return t;
}

}  // namespace tracebench::target
