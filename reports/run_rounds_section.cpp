#include "reports/run_report_builder.h"

#include <fmt/core.h>


#include "units/duration_text.h"
#include "units/number_text.h"
#include "units/size_text.h"

namespace tracebench::reports::run_report {

using nlohmann::json;
using units::binary_size_text;
using units::bytes_rate_text;
using units::cpu_us_text;
using units::duration_ns_text;
using units::or_dash;

Section RunReportBuilder::rounds_section() {
  Section s{"rounds", "Rounds", {}};
  if (run_.rounds.empty()) {
    s.blocks.push_back(Paragraph{"", "The result lists no rounds."});
    missing("per-round records (rounds[])");
    return s;
  }
  Table t;
  t.header = {"#", "mode", "req/s", "p50", "p99", "p99.9", "errors", "target CPU/req", "tracebench CPU/req",
              "send lag p99", "target RSS", "trace bytes/s"};
  t.align = "rlrrrrrrrrrr";
  for (const auto& r : run_.rounds) {
    const bool complete = r.complete.value_or(true);
    std::string rate = "-";
    for (const auto& facts : {r.trace, r.snapshot})
      if (facts && facts->bytes_per_s) rate = bytes_rate_text(*facts->bytes_per_s);
    const double errors = r.errors.value_or(0);
    t.rows.push_back({Cell(fmt::format("{:.0f}", r.index.value_or(-1))),
                      Cell((r.mode.empty() ? "?" : r.mode) + (complete ? "" : " (cut short)"),
                           complete ? Tone::kPlain : Tone::kWarn),
                      Cell(or_dash(r.throughput_rps, [](double v) { return fmt::format("{:.0f}", v); })),
                      Cell(or_dash(r.latency_p50_ns, duration_ns_text)), Cell(or_dash(r.latency_p99_ns, duration_ns_text)),
                      Cell(or_dash(r.latency_p999_ns, duration_ns_text)),
                      Cell(fmt::format("{:.0f}", errors), errors > 0 ? Tone::kWarn : Tone::kPlain),
                      Cell(or_dash(r.target_cpu_us_per_request, cpu_us_text)),
                      Cell(or_dash(r.generator_cpu_us_per_request, cpu_us_text)),
                      Cell(or_dash(r.send_lag_p99_ns, duration_ns_text)),
                      Cell(or_dash(r.target_rss_bytes, binary_size_text)), Cell(rate)});
  }
  t.note = "in run order; a round cut short is listed but left out of the statistics";
  s.blocks.push_back(std::move(t));
  return s;
}

}  // namespace tracebench::reports::run_report
