// libFuzzer target for the trace reader on one thread: any bytes, read strictly and
// leniently. The reader may reject input with FormatError; it must never crash, hang,
// read out of bounds, hit undefined behaviour or throw anything else. The two-thread path
// and the wire dump have their own target (trace_threads_fuzz.cpp): a thread start per
// input, and fmt formatting every event as text, made this one several times slower, and
// here speed is what finds bugs.
//
// Built with clang by scripts/fuzz.sh; also compiled into the g++ unit test that replays
// tests/fuzz/corpus/trace_reader/.

#include <cstdint>
#include <span>

#include "trace/analyze.h"
#include "trace/diagnostics.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace tr = tracebench::trace;
  const std::span<const std::uint8_t> bytes(data, size);
  for (bool strict : {true, false}) {
    tr::AnalyzeOptions options;
    options.strict = strict;
    options.threads = 1;
    // Small caps so the fuzzer reaches the capped paths too.
    options.max_names = 16;
    options.max_open_annotations = 64;
    options.top_goroutines = 3;
    try {
      const tr::TraceSummary summary = tr::analyze_bytes(bytes, options);
      (void)tr::diagnose(summary);
      (void)summary.window();
    } catch (const tr::FormatError&) {
    }
  }
  return 0;
}
