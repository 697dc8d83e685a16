#pragma once

#include <stdexcept>

namespace tracebench::cli {

// Bad usage or input: the message is one line naming the flag, the value seen and what was
// expected; commands print it and exit with kExitUsage.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace tracebench::cli
