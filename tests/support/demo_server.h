#pragma once
// The real demo server (workloads/cmd/demo-server) on free loopback ports, the one place the
// integration tests start it. Stopped (SIGTERM, then SIGKILL) when destroyed.

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "subprocess.h"

namespace tracebench::testing {

struct DemoServerProcess {
  std::unique_ptr<ChildProcess> proc;
  std::string addr;        // HOST:PORT of the service
  std::string debug_addr;  // HOST:PORT of net/http/pprof and the agent
  // `extra` are more demo-server flags; `prefix` runs the server through another command,
  // such as env(1) to set its environment.
  explicit DemoServerProcess(const std::string& binary, std::vector<std::string> extra = {},
                             std::vector<std::string> prefix = {}) {
    std::vector<std::string> argv = std::move(prefix);
    for (const char* a : {"", "--addr", "127.0.0.1:0", "--debug-addr", "127.0.0.1:0"})
      argv.push_back(*a ? std::string(a) : binary);
    argv.insert(argv.end(), extra.begin(), extra.end());
    proc = std::make_unique<ChildProcess>(argv);
    addr = proc->wait_for_line("listening on ");
    debug_addr = proc->wait_for_line("debug listening on ");
  }
};

}  // namespace tracebench::testing
