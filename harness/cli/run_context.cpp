#include "cli/run_context.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <fmt/chrono.h>
#include <fmt/core.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "cli/version.h"

namespace tracebench::cli {
namespace {
std::vector<std::string>& stored_command_line() {
  static std::vector<std::string> args;
  return args;
}
}  // namespace

void set_command_line(int argc, char** argv) { stored_command_line().assign(argv, argv + argc); }
const std::vector<std::string>& command_line() { return stored_command_line(); }

nlohmann::json run_context(const std::vector<std::string>& cmd) {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  utsname u{};
  ::uname(&u);
  std::string model;
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
#ifdef NDEBUG
  const char* build = "release";
#else
  const char* build = "debug";
#endif
  return {{"host", host},
          {"cpus", std::thread::hardware_concurrency()},
          {"cpu_model", model},
          {"kernel", std::string(u.sysname) + " " + u.release},
          {"tool", "tracebench"},
          {"tool_version", kVersion},
          {"build_type", build},
          {"command_line", cmd},
          {"started_at", fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr)))}};
}

std::vector<std::string> machine_warnings() {
  std::vector<std::string> out;
#ifndef NDEBUG
  out.push_back("tracebench was built without optimisation (debug build): its own overhead is inflated");
#endif
  std::ifstream gov("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  std::string g;
  if (gov >> g && g != "performance")
    out.push_back(fmt::format("CPU frequency scaling governor is '{}', not 'performance': figures may drift", g));
  return out;
}

}  // namespace tracebench::cli
