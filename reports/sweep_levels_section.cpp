#include "reports/sweep_report_builder.h"

#include <fmt/core.h>

#include "reports/context_blocks.h"
#include "units/duration_text.h"
#include "units/number_text.h"
#include "units/size_text.h"

namespace tracebench::reports::sweep_report {

using units::bytes_rate_text;
using units::count_rate_text;
using units::or_dash;
using units::rps_text;
using units::seconds_text;
using units::share_text;

Section SweepReportBuilder::levels_section() {
  Section s{"levels", "Levels", {}};
  Table t;
  t.header = {"#", "level", "status", "off throughput [95% CI]", "trace bytes/s [95% CI]", "from", "at",
              "events/s", "FR window", "tracebench CPU", "target CPU", "errors"};
  t.align = "rllllrrrrrrr";
  std::vector<std::string> notes;
  bool any_rate = false, any_share = false;
  for (const auto* l : levels_) {
    const result::LevelStatus st = l->status;
    const Tone tone = st == result::LevelStatus::kMeasured
                          ? (l->marked_invalid ? Tone::kWarn : Tone::kPlain)
                      : st == result::LevelStatus::kNotRun ? Tone::kPlain
                                                           : Tone::kBad;
    const auto& rate = l->trace_bytes_per_s;
    const auto errors = l->errors;
    if (rate && rate->median) any_rate = true;
    if (l->cpu_shares_written) any_share = true;
    t.rows.push_back({Cell(fmt::format("{:.0f}", l->index.value_or(-1) + 1)), Cell(level_label(*l)),
                      Cell(l->status_text.value_or("?"), tone), Cell(interval_cell(l->off_throughput_rps, rps_text)),
                      Cell(interval_cell(rate ? result::Interval{rate->median, rate->ci_low, rate->ci_high, {}, {}}
                                              : result::Interval{},
                                         bytes_rate_text)),
                      Cell(rate && rate->source ? *rate->source : "-"),
                      Cell(or_dash(l->trace_throughput_rps, rps_text)),
                      Cell(or_dash(l->trace_events_per_s, count_rate_text)), Cell(or_dash(l->fr_window_s, seconds_text)),
                      Cell(or_dash(l->generator_cpu_share, share_text)), Cell(or_dash(l->target_cpu_share, share_text)),
                      Cell(or_dash(errors, count_text), errors.value_or(0) > 0 ? Tone::kWarn : Tone::kPlain)});
    const std::string name = fmt::format("level {:.0f} ({})", l->index.value_or(-1) + 1, level_label(*l));
    if (l->reason && !l->reason->empty()) notes.push_back(name + ": " + *l->reason);
    for (const auto& r : l->invalid_reasons) notes.push_back(name + ": marked invalid: " + r);
  }
  t.note = "status: measured (fitted), not_reached (the target answered under the reached fraction of the rate "
           "asked; not fitted), failed, not_run; trace bytes/s: median over the level's rounds of the mode in "
           "\"from\", measured at the throughput in \"at\"; CPU: share of one CPU, median over rounds";
  s.blocks.push_back(std::move(t));
  if (!any_rate) missing("trace bytes/s at any level (the sweep needs the trace or flightrecorder mode)");
  if (!any_share && !with_status(result::LevelStatus::kMeasured).empty())
    missing("the CPU share of tracebench and of the target at each level (levels[].generator_cpu_share and "
            "target_cpu_share, written by a newer tracebench sweep)");
  if (!notes.empty()) {
    s.blocks.push_back(Heading{"Level notes"});
    s.blocks.push_back(BulletList{notes});
  }
  std::vector<std::string> files;
  for (const auto* l : levels_)
    if (!l->result.empty()) files.push_back(l->result);
  if (!files.empty())
    s.blocks.push_back(Paragraph{"Each level's run",
                                 fmt::format("{} beside sweep.json, each a full run result with its own "
                                             "recommendations; tracebench report DIR/level-N renders one",
                                             join(files, ", "))});
  return s;
}

}  // namespace tracebench::reports::sweep_report
