#pragma once
// Test support: assembles traces written in Go's raw text format (what
// `go tool trace -d=wire` prints, and what Go's own trace testdata uses) into bytes,
// so hand-made traces for each version's quirks stay readable in tests/golden/trace.
//
//   Trace Go1.25                         the 16-byte header "go 1.25 trace\0\0\0"
//   EventBatch gen=1 m=1 time=10 size=auto   size computed from what follows;
//                                        "size=auto~10" pads it to 10 bytes as the
//                                        runtime does; a number is written as given
//   GoStart dt=3 g=5 g_seq=1             any event, args in spec order
//   String id=1                          followed by a data line:
//   \tdata="main.main"                   (Go-quoted bytes)
//   Stack id=1 nframes=1                 followed by nframes frame lines:
//   \tpc=4198400 func=1 file=2 line=10
//   ExperimentalBatch exp=1 gen=1 m=1 time=5   followed by a data line (the payload)
//   EndOfGeneration
//   !raw 01 ff 80                        raw bytes (into the open batch, if any)
//   !bytes "go 1.21 trace\x00\x00\x00"   raw bytes, Go-quoted
//   !drop 3                              drops the last 3 bytes written so far
//
// Any value may carry "~N" to pad its varint to N bytes. Lines starting with '#' and
// blank lines are ignored. Throws std::runtime_error naming the line on bad input.

#include <cstdint>
#include <string_view>
#include <vector>

namespace tracebench::trace::testing {

std::vector<std::uint8_t> assemble(std::string_view text);

}  // namespace tracebench::trace::testing
