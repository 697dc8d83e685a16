#pragma once

#include <stdexcept>

namespace tracebench::gates {

// Input a gate cannot judge at all: a file that is not a run result, a mode the result
// lacks, a malformed percentage or region limit. what() is one line naming the value seen
// and what was expected; the command prints it and exits with kExitUsage.
class GateInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace tracebench::gates
