#pragma once
// Ctrl-C handling for long commands: the first SIGINT/SIGTERM sets a flag the run polls so
// it can stop and still write what it measured; a second one exits at once.

#include <atomic>

namespace tracebench::cli {

// Installs the handlers (idempotent) and returns the flag they set.
const std::atomic<bool>& install_interrupt_handler();

}  // namespace tracebench::cli
