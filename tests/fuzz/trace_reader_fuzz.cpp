// libFuzzer target for the trace reader: any bytes, read strictly and leniently, and
// dumped as wire text. The reader may reject input with FormatError; it must never
// crash, hang, read out of bounds, hit undefined behaviour or throw anything else.
//
// Built with clang by scripts/fuzz_trace.sh (-fsanitize=fuzzer,address,undefined);
// also compiled into the g++ regression test that replays tests/fuzz/corpus/.

#include <cstdint>
#include <cstdio>
#include <span>

#include "trace/analyze.h"
#include "trace/diagnostics.h"
#include "trace/source.h"
#include "trace/wire_dump.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace tr = tracebench::trace;
  const std::span<const std::uint8_t> bytes(data, size);
  for (bool strict : {true, false}) {
    tr::AnalyzeOptions options;
    options.strict = strict;
    options.threads = strict ? 1 : 2;  // the pipelined path too
    // Small caps so the fuzzer reaches the capped paths too.
    options.max_names = 16;
    options.max_open_annotations = 64;
    options.top_goroutines = 3;
    try {
      const tr::TraceSummary s = tr::analyze_bytes(bytes, options);
      (void)tr::diagnose(s);
      (void)s.window();
    } catch (const tr::FormatError&) {
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
