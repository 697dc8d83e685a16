// libFuzzer target for the goroutine-state pass (goroutine_states.h) and the pprof
// encoder behind `inspect --pprof`: any bytes, read strictly and leniently, with and
// without the filters, each profile encoded. The pass may reject input with FormatError;
// it must never crash, hang, read out of bounds, hit undefined behaviour or throw anything
// else, whatever order, times and IDs the goroutine events carry.
//
// Built with clang by scripts/fuzz.sh; also compiled into the g++ unit test that replays
// tests/fuzz/corpus/trace_states/.

#include <cstdint>
#include <span>

#include "trace/errors.h"
#include "trace/goroutine_states.h"
#include "trace/pprof_encoder.h"
#include "trace/source.h"
#include "trace/tick_converter.h"
#include "trace/time_advice.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace tr = tracebench::trace;
  const std::span<const std::uint8_t> bytes(data, size);
  for (int round = 0; round < 3; ++round) {
    tr::StateOptions options;
    options.strict = round == 0;
    options.top_functions = 3;
    if (round == 2) {  // every filter, so their paths are reached too
      options.filter.start_function = "main.main";
      options.filter.region = "r";
      options.filter.from_ns = 1;
      options.filter.to_ns = 1'000'000;
    }
    try {
      tr::MemorySource source(bytes);
      const tr::StateAnalysis a = tr::analyze_states_source(source, options);
      const std::int64_t span = tr::wrapping_difference_ns(a.last_event_ns, a.first_event_ns);
      for (const auto& p : a.profiles) (void)tr::encode_pprof(p, span);
      (void)tr::advise(a.breakdown, "t");
    } catch (const tr::FormatError&) {
    }
  }
  return 0;
}
