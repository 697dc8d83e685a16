#pragma once
// The event mix by category of each mode's traces (modes.<mode>.trace_event_mix), with the
// trace time it covers, for the report's table and plot.

#include <optional>
#include <string>
#include <vector>

#include "result/run_result.h"

namespace tracebench::reports {

struct CategoryCounts {
  std::string category;  // as tracebench inspect names it: scheduling, gc_heap, ...
  double events = 0;
  double bytes = 0;
};

struct ModeMix {
  std::string mode;
  std::vector<CategoryCounts> categories;  // in the order of event_mix_categories()
  double total_events = 0, total_bytes = 0;
  // Seconds of trace the counts cover: the spans of the mode's complete rounds summed; nullopt
  // when the rounds do not say.
  std::optional<double> span_s;
};

// Every mode with a trace_event_mix, in report order (trace, flightrecorder, others). A
// category absent from one mode reads as zero there. Never throws.
std::vector<ModeMix> event_mix(const result::RunResultView& run);

}  // namespace tracebench::reports
