// libFuzzer target for the trace reader's slower paths: any bytes, read strictly and
// leniently with one thread and with two (pipelined), must give the same summary or the
// same error; and the whole input is dumped as wire text, which trace_reader_fuzz.cpp
// does only for its first bytes. A thread start per input makes this several times
// slower than trace_reader_fuzz.cpp, so it has a target and a share of the campaign of
// its own.
//
// Built with clang by scripts/fuzz.sh; also compiled into the g++ unit test that replays
// tests/fuzz/corpus/trace_threads/.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "summary_diff.h"
#include "trace/analyze.h"
#include "trace/diagnostics.h"
#include "trace/source.h"
#include "trace/wire_dump.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace tr = tracebench::trace;
  const std::span<const std::uint8_t> bytes(data, size);
  for (bool strict : {true, false}) {
    std::string outcome[2];
    tr::TraceSummary summary[2];
    for (unsigned threads : {1u, 2u}) {
      tr::AnalyzeOptions options;
      options.strict = strict;
      options.threads = threads;
      options.max_names = 16;
      options.max_open_annotations = 64;
      options.top_goroutines = 3;
      try {
        summary[threads - 1] = tr::analyze_bytes(bytes, options);
        (void)tr::diagnose(summary[threads - 1]);
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
