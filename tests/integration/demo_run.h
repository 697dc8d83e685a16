#pragma once
// What the tests of `tracebench run` against the real demo server share: the server on
// free loopback ports, a fresh output directory, the result document and the run's flags.
// DEMO_SERVER_BIN and TRACEBENCH_BIN come from the test's CMake target.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "demo_server.h"
#include "subprocess.h"

namespace tracebench {
namespace {

using testing::ChildProcess;
using testing::run_process;

const std::string kTracebench = TRACEBENCH_BIN;
const std::string kDemoServer = DEMO_SERVER_BIN;

struct DemoServer : testing::DemoServerProcess {
  explicit DemoServer(std::vector<std::string> extra = {}, std::vector<std::string> prefix = {})
      : DemoServerProcess(kDemoServer, std::move(extra), std::move(prefix)) {}
};

std::string fresh_dir(const std::string& name) {
  auto dir = std::filesystem::path(::testing::TempDir()) / ("tracebench-run-" + name);
  std::filesystem::remove_all(dir);
  return dir.string();
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// Closed loop unless the test sets --rate: these tests were written for it, and the default
// (a share of the warm-up's throughput) has tests of its own.
std::vector<std::string> run_args(const DemoServer& s, const std::string& out, std::vector<std::string> extra) {
  std::vector<std::string> a = {kTracebench, "run", "--target", s.addr, "--pprof", s.debug_addr, "--out", out,
                                "--no-progress"};
  if (std::find(extra.begin(), extra.end(), "--rate") == extra.end()) extra.insert(extra.end(), {"--rate", "max"});
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

}  // namespace
}  // namespace tracebench
