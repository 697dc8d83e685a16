#pragma once
// The real demo server (workloads/cmd/demo-server) on free loopback ports, for tests built
// with DEMO_SERVER_BIN. Stopped (SIGTERM, then SIGKILL) when destroyed.

#include <memory>
#include <string>
#include <vector>

#include "subprocess.h"

namespace tracebench::testing {

struct DemoServerProcess {
  std::unique_ptr<ChildProcess> proc;
  std::string addr;        // HOST:PORT of the service
  std::string debug_addr;  // HOST:PORT of net/http/pprof
  explicit DemoServerProcess(const std::string& binary) {
    proc = std::make_unique<ChildProcess>(
        std::vector<std::string>{binary, "--addr", "127.0.0.1:0", "--debug-addr", "127.0.0.1:0"});
    addr = proc->wait_for_line("listening on ");
    debug_addr = proc->wait_for_line("debug listening on ");
  }
};

}  // namespace tracebench::testing
