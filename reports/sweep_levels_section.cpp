#include "reports/sweep_report_builder.h"

#include <fmt/core.h>

#include "reports/context_blocks.h"
#include "reports/json_access.h"
#include "units/duration_text.h"
#include "units/number_text.h"
#include "units/size_text.h"

namespace tracebench::reports::sweep_report {

using nlohmann::json;
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
  for (const json* l : levels_) {
    const std::string status = text(*l, {"status"}, "?");
    const result::LevelStatus st = result::level_status(*l);
    const Tone tone = st == result::LevelStatus::kMeasured
                          ? (array(*l, {"invalid_reasons"}).empty() ? Tone::kPlain : Tone::kWarn)
                      : st == result::LevelStatus::kNotRun ? Tone::kPlain
                                                           : Tone::kBad;
    const auto errors = number(*l, {"errors"});
    if (number(*l, {"trace_bytes_per_s", "median"})) any_rate = true;
    if (at(*l, {"generator_cpu_share"})) any_share = true;
    t.rows.push_back({Cell(fmt::format("{:.0f}", number(*l, {"index"}).value_or(-1) + 1)), Cell(level_label(*l)),
                      Cell(status, tone), Cell(interval_cell(at(*l, {"throughput_rps", "off"}), rps_text)),
                      Cell(interval_cell(at(*l, {"trace_bytes_per_s"}), bytes_rate_text)),
                      Cell(text(*l, {"trace_bytes_per_s", "source"}, "-")),
                      Cell(or_dash(number(*l, {"trace_throughput_rps"}), rps_text)),
                      Cell(or_dash(number(*l, {"trace_events_per_s"}), count_rate_text)),
                      Cell(or_dash(number(*l, {"fr_window_s"}), seconds_text)),
                      Cell(or_dash(number(*l, {"generator_cpu_share"}), share_text)),
                      Cell(or_dash(number(*l, {"target_cpu_share"}), share_text)),
                      Cell(or_dash(errors, count_text), errors.value_or(0) > 0 ? Tone::kWarn : Tone::kPlain)});
    const std::string name = fmt::format("level {:.0f} ({})", number(*l, {"index"}).value_or(-1) + 1, level_label(*l));
    if (auto reason = text(*l, {"reason"}); !reason.empty()) notes.push_back(name + ": " + reason);
    for (const auto& r : array(*l, {"invalid_reasons"}))
      if (r.is_string()) notes.push_back(name + ": marked invalid: " + r.get<std::string>());
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
  for (const json* l : levels_)
    if (auto f = text(*l, {"result"}); !f.empty()) files.push_back(f);
  if (!files.empty())
    s.blocks.push_back(Paragraph{"Each level's run",
                                 fmt::format("{} beside sweep.json, each a full run result with its own "
                                             "recommendations; tracebench report DIR/level-N renders one",
                                             join(files, ", "))});
  return s;
}

}  // namespace tracebench::reports::sweep_report
