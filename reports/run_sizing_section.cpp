#include "reports/run_report_builder.h"

#include <fmt/core.h>

#include <cmath>

#include "reports/json_access.h"
#include "units/duration_text.h"
#include "units/number_text.h"
#include "units/size_text.h"

namespace tracebench::reports::run_report {

using nlohmann::json;
using units::binary_size_text;
using units::bytes_rate_text;
using units::decimal_size_text;
using units::or_dash;
using units::percent_text;
using units::seconds_text;

Section RunReportBuilder::sizing_section() {
  Section s{"sizing", "Sizing", {}};
  if (!recs_) {
    s.blocks.push_back(Callout{Tone::kWarn, "Not in this result",
                               "no \"recommendations\" object: the flight-recorder size, capture windows and the "
                               "overhead budget verdict were not computed (tracebench size RESULT computes them "
                               "from this result)"});
    add_plot(s, "flight_recorder");
    verification_blocks(s);
    return s;
  }
  if (const json* rate = object(*recs_, {"rate"})) {
    std::string line = fmt::format("{} median over {} rounds of {}, highest {} ({})",
                                   bytes_rate_text(number(*rate, {"median_bytes_per_s"}).value_or(NAN)),
                                   static_cast<long>(number(*rate, {"rounds"}).value_or(0)),
                                   text(*rate, {"source"}, "?"),
                                   bytes_rate_text(number(*rate, {"upper_bytes_per_s"}).value_or(NAN)),
                                   text(*rate, {"upper_basis"}, "upper bound"));
    s.blocks.push_back(Paragraph{"Trace rate sized from", line});
  }
  const auto& frs = array(*recs_, {"flight_recorder"});
  if (!frs.empty()) {
    s.blocks.push_back(Heading{"Flight recorder"});
    Table t;
    t.header = {"window", "MinAge", "MaxBytes", "headroom", "window at median rate", "memory live", "RSS up to"};
    t.align = "rrrrrrr";
    for (const auto& f : frs)
      t.rows.push_back({Cell(seconds_text(number(f, {"window_s"}).value_or(NAN))),
                        Cell(seconds_text(number(f, {"min_age_s"}).value_or(NAN))),
                        Cell(text(f, {"max_bytes_text"}, binary_size_text(number(f, {"max_bytes"}).value_or(NAN)))),
                        Cell(or_dash(number(f, {"headroom"}), [](double v) { return fmt::format("{:.2f}×", v); })),
                        Cell(or_dash(number(f, {"window_at_median_s"}), seconds_text)),
                        Cell(or_dash(number(f, {"expected_live_bytes"}), binary_size_text)),
                        Cell(or_dash(number(f, {"expected_rss_high_bytes"}), binary_size_text))});
    t.note = text(*recs_, {"headroom", "rule"});
    s.blocks.push_back(std::move(t));
    add_plot(s, "flight_recorder");
    if (const json* pick = pick_flight_recorder()) {
      if (auto code = text(*pick, {"go_runtime_trace"}); !code.empty())
        s.blocks.push_back(CodeBlock{"go", fmt::format("the {} window in code", seconds_text(number(*pick, {"window_s"}).value_or(NAN))), code});
      if (auto q = text(*pick, {"agent_start"}); !q.empty())
        s.blocks.push_back(Paragraph{"Agent", "POST /debug/tracebench/flightrecorder/" + q});
    }
  } else {
    add_plot(s, "flight_recorder");
  }
  if (const json* mem = object(*recs_, {"memory"})) {
    s.blocks.push_back(Heading{"Memory"});
    if (auto f = text(*mem, {"formula"}); !f.empty()) s.blocks.push_back(Paragraph{"Rule", f});
    if (const json* m = object(*mem, {"measured"}))
      s.blocks.push_back(Paragraph{
          "Measured in this run",
          fmt::format("target RSS median {} with the flight recorder on against {} off ({}); a round's ring held at "
                      "most {}",
                      binary_size_text(number(*m, {"flightrecorder_rss_median_bytes"}).value_or(NAN)),
                      binary_size_text(number(*m, {"off_rss_median_bytes"}).value_or(NAN)),
                      number(*m, {"delta_bytes"}).value_or(0) >= 0
                          ? "+" + binary_size_text(number(*m, {"delta_bytes"}).value_or(NAN))
                          : "-" + binary_size_text(-number(*m, {"delta_bytes"}).value_or(NAN)),
                      seconds_text(number(*m, {"round_held_s"}).value_or(NAN)))});
    std::vector<std::string> notes;
    for (const auto& n : array(*mem, {"notes"}))
      if (n.is_string()) notes.push_back(n.get<std::string>());
    if (!notes.empty()) s.blocks.push_back(BulletList{notes});
  }
  capture_blocks(s);
  budget_blocks(s);
  verification_blocks(s);
  std::vector<std::string> lines;
  for (const auto& m : array(*recs_, {"missing"}))
    if (m.is_string()) {
      lines.push_back("not computed: " + m.get<std::string>());
      missing("sizing: " + m.get<std::string>());
    }
  for (const auto& n : array(*recs_, {"notes"}))
    if (n.is_string()) lines.push_back("note: " + n.get<std::string>());
  if (!lines.empty()) {
    s.blocks.push_back(Heading{"Notes"});
    s.blocks.push_back(BulletList{lines});
  }
  return s;
}

void RunReportBuilder::capture_blocks(Section& s) {
  const auto& caps = array(*recs_, {"capture_windows"});
  if (caps.empty()) return;
  s.blocks.push_back(Heading{"Capture window for a file budget"});
  std::vector<std::string> tools;
  for (const auto& p : array(*recs_, {"parse_speeds"}))
    if (auto tool = text(p, {"tool"}); !tool.empty()) tools.push_back(tool);
  Table t;
  t.header = {"file budget", "seconds", "query", "file (median .. highest rate)"};
  t.align = "rrll";
  for (const auto& tool : tools) {
    t.header.push_back("open with " + tool);
    t.align += "r";
  }
  for (const auto& c : caps) {
    const double seconds = number(c, {"seconds"}).value_or(0);
    std::vector<Cell> row = {Cell(decimal_size_text(number(c, {"budget_bytes"}).value_or(NAN)))};
    if (seconds <= 0) {
      row.insert(row.end(), {Cell("-"), Cell("0.1 s already exceeds it at the highest rate"), Cell("")});
    } else {
      row.push_back(Cell(fmt::format("{:g}", seconds)));
      row.push_back(Cell(text(c, {"query"})));
      row.push_back(Cell(decimal_size_text(number(c, {"expected_bytes"}).value_or(NAN)) + " .. " +
                         decimal_size_text(number(c, {"upper_bytes"}).value_or(NAN))));
    }
    for (const auto& tool : tools) {
      std::string cell = "-";
      for (const auto& o : array(c, {"open"}))
        if (text(o, {"tool"}) == tool)
          cell = seconds_text(number(o, {"expected_seconds"}).value_or(NAN)) +
                 (boolean(o, {"extrapolated"}).value_or(false) ? "*" : "");
      row.push_back(Cell(cell));
    }
    t.rows.push_back(std::move(row));
  }
  if (!tools.empty()) t.note = "* extrapolated linearly from a smaller file";
  s.blocks.push_back(std::move(t));
  std::vector<std::string> speeds;
  for (const auto& p : array(*recs_, {"parse_speeds"}))
    speeds.push_back(fmt::format("{} parses {:.0f} MB/s{}", text(p, {"tool"}, "?"), number(p, {"mb_per_s"}).value_or(NAN),
                                 text(p, {"basis"}).empty() ? "" : " (" + text(p, {"basis"}) + ")"));
  if (!speeds.empty()) s.blocks.push_back(BulletList{speeds});
}

void RunReportBuilder::budget_blocks(Section& s) {
  const json* overhead = object(*recs_, {"overhead"});
  if (!overhead || array(*overhead, {"modes"}).empty()) return;
  const auto budget = number(*overhead, {"budget_pct"});
  s.blocks.push_back(Heading{budget ? fmt::format("Overhead against a {:g}% budget", *budget)
                                    : std::string("Overhead cost (no budget given)")});
  Table t;
  t.header = {"mode", "metric", "cost", "95% CI", "noise floor", "verdict"};
  t.align = "llrlrl";
  for (const auto& m : array(*overhead, {"modes"})) {
    bool first = true;
    for (const auto& x : array(m, {"metrics"})) {
      if (!boolean(x, {"judged"}).value_or(false)) continue;
      const std::string verdict = text(x, {"verdict"}, budget ? "-" : "");
      const auto judged = x.contains("verdict") ? result::budget_verdict(x["verdict"]) : std::nullopt;
      t.rows.push_back(
          {Cell(first ? text(m, {"mode"}) : ""), Cell(metric_label(text(x, {"metric"}))),
           Cell(or_dash(number(x, {"cost_pct"}), percent_text)),
           Cell(fmt::format("[{}, {}]", or_dash(number(x, {"cost_low_pct"}), percent_text),
                            or_dash(number(x, {"cost_high_pct"}), percent_text))),
           Cell(or_dash(number(x, {"noise_floor_pct"}), [](double v) { return fmt::format("±{:.1f}%", v); })),
           Cell(verdict, budget_tone(judged, Tone::kPlain))});
      first = false;
    }
  }
  t.note = "cost: throughput drop, latency and CPU-per-request rise; a budget is met only when the whole 95% "
           "interval lies below it (tracebench check gates on the same bounds)";
  s.blocks.push_back(std::move(t));
}

void RunReportBuilder::verification_blocks(Section& s) {
  s.blocks.push_back(Heading{"Verification on the real runtime"});
  if (!verification_) {
    s.blocks.push_back(Paragraph{"", "No verification in this result: tracebench run --verify-window 10s runs the "
                                     "flight recorder with the recommended size under load and reads the window a "
                                     "real snapshot holds."});
    missing("verification of a recommended flight-recorder size (tracebench run --verify-window W)");
    return;
  }
  const std::string status = text(*verification_, {"status"}, "?");
  const auto st = result::verification_status(*verification_);
  const Tone tone = st == result::VerificationStatus::kVerified  ? Tone::kGood
                    : st == result::VerificationStatus::kSkipped ? Tone::kWarn
                                                                 : Tone::kBad;
  s.blocks.push_back(Callout{tone, fmt::format("{} window: {}", seconds_text(number(*verification_, {"window_s"}).value_or(NAN)), status),
                             text(*verification_, {"reason"}, "no reason recorded")});
  const auto& attempts = array(*verification_, {"attempts"});
  if (!attempts.empty()) {
    Table t;
    t.header = {"attempt", "MinAge", "MaxBytes", "load for", "window held", "snapshot", "generations", "ended by",
                "RSS growth"};
    t.align = "rrrrrrrll";
    for (const auto& a : attempts) {
      const bool reached = boolean(a, {"reached"}).value_or(false);
      std::string held = or_dash(number(a, {"achieved_window_s"}), seconds_text);
      if (auto err = text(a, {"error"}); !err.empty()) held = "error: " + err;
      t.rows.push_back({Cell(fmt::format("{:.0f}", number(a, {"attempt"}).value_or(0))),
                        Cell(or_dash(number(a, {"min_age_s"}), seconds_text)),
                        Cell(or_dash(number(a, {"max_bytes"}), binary_size_text)),
                        Cell(or_dash(number(a, {"filled_s"}), seconds_text)),
                        Cell(held, reached ? Tone::kGood : Tone::kBad),
                        Cell(or_dash(number(a, {"snapshot_bytes"}), binary_size_text)),
                        Cell(or_dash(number(a, {"generations"}), [](double v) { return fmt::format("{:.0f}", v); })),
                        Cell(text(a, {"bound_text"}, "-")),
                        Cell(or_dash(number(a, {"rss_growth_bytes"}), binary_size_text))});
    }
    s.blocks.push_back(std::move(t));
  }
  if (auto code = text(*verification_, {"go_runtime_trace"}); !code.empty())
    s.blocks.push_back(CodeBlock{"go", "the verified size in code", code});
}

}  // namespace tracebench::reports::run_report
