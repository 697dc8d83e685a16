// libFuzzer target for the trace reader: any bytes, read strictly and leniently, with
// one thread and with two, and dumped as wire text. The reader may reject input with
// FormatError; it must never crash, hang, read out of bounds, hit undefined behaviour
// or throw anything else, and both thread counts must give the same summary or error.
//
// Built with clang by scripts/fuzz_trace.sh (-fsanitize=fuzzer,address,undefined);
// also compiled into the g++ regression test that replays tests/fuzz/corpus/.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "trace/analyze.h"
#include "trace/diagnostics.h"
#include "trace/source.h"
#include "trace/wire_dump.h"
#include "summary_diff.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace tr = tracebench::trace;
  const std::span<const std::uint8_t> bytes(data, size);
  for (bool strict : {true, false}) {
    // One thread and two (the pipelined path) must read any bytes alike: the same
    // summary, or the same error.
    std::string outcome[2];
    tr::TraceSummary summary[2];
    for (unsigned threads : {1u, 2u}) {
      tr::AnalyzeOptions options;
      options.strict = strict;
      options.threads = threads;
      // Small caps so the fuzzer reaches the capped paths too.
      options.max_names = 16;
      options.max_open_annotations = 64;
      options.top_goroutines = 3;
      try {
        summary[threads - 1] = tr::analyze_bytes(bytes, options);
        (void)tr::diagnose(summary[threads - 1]);
        (void)summary[threads - 1].window();
        outcome[threads - 1] = "read";
      } catch (const tr::FormatError& e) {
        outcome[threads - 1] = e.what();
      }
    }
    std::string diff = outcome[0] != outcome[1] ? "outcome: " + outcome[0] + " | " + outcome[1]
                       : outcome[0] == "read"   ? tr::testing::summary_diff(summary[0], summary[1])
                                                : "";
    if (!diff.empty()) {
      std::fprintf(stderr, "one and two threads differ (%s): %s\n", strict ? "strict" : "lenient", diff.c_str());
      std::abort();
    }
  }
  static std::FILE* devnull = std::fopen("/dev/null", "w");
  try {
    tr::MemorySource source(bytes);
    tr::dump_wire(source, devnull);
  } catch (const tr::FormatError&) {
  }
  return 0;
}
