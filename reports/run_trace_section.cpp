#include "reports/run_report_builder.h"

#include <fmt/core.h>

#include "reports/context_blocks.h"
#include "reports/event_mix.h"
#include "units/duration_text.h"
#include "units/number_text.h"
#include "units/repeated_notes.h"
#include "units/size_text.h"
#include "units/whole_number.h"

namespace tracebench::reports::run_report {

using nlohmann::json;
using units::binary_size_text;
using units::bytes_rate_text;
using units::count_rate_text;
using units::seconds_text;

namespace {

Table event_mix_table(const std::vector<ModeMix>& mixes) {
  Table t;
  t.header = {"category"};
  t.align = "l";
  for (const auto& m : mixes) {
    const std::string unit = m.span_s ? "/s" : "";
    t.header.push_back(m.mode + " bytes" + unit);
    t.header.push_back("% bytes");
    t.header.push_back(m.mode + " events" + unit);
    t.align += "rrr";
  }
  const std::size_t rows = mixes.front().categories.size();
  for (std::size_t i = 0; i < rows; ++i) {
    std::vector<Cell> row = {Cell(mixes.front().categories[i].category)};
    for (const auto& m : mixes) {
      const CategoryCounts& c = m.categories[i];
      const double per = m.span_s ? *m.span_s : 1;
      row.push_back(Cell(m.span_s ? bytes_rate_text(c.bytes / per) : binary_size_text(c.bytes)));
      row.push_back(Cell(m.total_bytes > 0 ? fmt::format("{:.1f}%", 100 * c.bytes / m.total_bytes) : "-"));
      row.push_back(Cell(count_rate_text(c.events / per)));
    }
    t.rows.push_back(std::move(row));
  }
  std::vector<Cell> total = {Cell("all")};
  for (const auto& m : mixes) {
    const double per = m.span_s ? *m.span_s : 1;
    total.push_back(Cell(m.span_s ? bytes_rate_text(m.total_bytes / per) : binary_size_text(m.total_bytes)));
    total.push_back(Cell("100%"));
    total.push_back(Cell(count_rate_text(m.total_events / per)));
  }
  t.rows.push_back(std::move(total));
  std::vector<std::string> spans;
  for (const auto& m : mixes)
    spans.push_back(m.span_s ? fmt::format("{} over {} of trace", m.mode, seconds_text(*m.span_s))
                             : m.mode + " over an unknown span (totals, not rates)");
  t.note = "every complete round's trace (or snapshot) of a mode counted together, categories as tracebench "
           "inspect names them: " + join(spans, "; ");
  return t;
}

}  // namespace

Section RunReportBuilder::trace_section() {
  Section s{"trace-data", "Trace data", {}};
  Table t;
  t.header = {"mode", "what", "bytes [95% CI]", "bytes/s [95% CI]", "events/s [95% CI]", "window held"};
  t.align = "llllll";
  for (const auto& mode : modes_) {
    const result::ModeView* mv = run_.mode(mode);
    if (!mv) continue;
    auto bytes = interval_from(mv->trace_bytes);
    auto rate = interval_from(mv->trace_bytes_per_s);
    auto events = interval_from(mv->trace_events_per_s);
    auto window = interval_from(mv->fr_window_s);
    if (!bytes && !rate && !events && !window) continue;
    auto cell = [](const std::optional<Interval>& i, const Formatter& f) {
      return i ? Cell(f(i->median) + " " + interval_text(*i, f)) : Cell("-");
    };
    t.rows.push_back({Cell(mode), Cell(mode == "flightrecorder" ? "snapshot" : "capture"),
                      cell(bytes, binary_size_text), cell(rate, bytes_rate_text),
                      cell(events, [](double v) { return count_rate_text(v); }),
                      window ? Cell(seconds_text(window->median) + " " + interval_text(*window, seconds_text))
                             : Cell("-")});
  }
  if (t.rows.empty()) {
    s.blocks.push_back(Paragraph{"", "No trace data in this result: the run had neither a trace nor a "
                                     "flightrecorder mode."});
    missing("trace bytes and rates: no trace or flightrecorder mode ran");
  } else {
    t.note = "median over the rounds of each mode [95% CI]; rates over the trace's own span, measured from the "
             "trace file, never estimated";
    s.blocks.push_back(std::move(t));
  }
  if (const auto& go = run_.context.target_go_version; !go.empty())
    s.blocks.push_back(Paragraph{"Target Go version", go + " (from the trace header)"});
  add_plot(s, "trace_rate");

  std::vector<std::string> files;
  std::vector<units::NoteAt> read_errors;
  for (const auto& r : run_.rounds)
    for (const auto& f : {r.trace, r.snapshot}) {
      if (!f) continue;
      if (!f->file.empty()) files.push_back(f->file);
      if (!f->read_error.empty())
        read_errors.push_back({fmt::format("round {}", units::int64_or(r.index.value_or(-1), -1)), f->read_error});
    }
  // A target whose traces the reader cannot read (an old Go) fails every round alike: once, with the count.
  const std::vector<std::string> errors = units::once_per_note(read_errors, "rounds");
  s.blocks.push_back(Heading{"Event mix by category"});
  const auto mixes = event_mix(run_);
  if (mixes.empty()) {
    std::string mix = "not in this result: it has no trace_event_mix (written by a tracebench that did not count "
                      "events by category).";
    mix += files.empty() ? " Run with --keep-traces and read a kept trace with tracebench inspect TRACE for the mix."
                         : fmt::format(" tracebench inspect {} shows it for a kept trace.", files.front());
    s.blocks.push_back(Paragraph{"", mix});
    missing("event mix by category (modes.<mode>.trace_event_mix)");
  } else {
    s.blocks.push_back(event_mix_table(mixes));
    add_plot(s, "trace_event_mix");
  }
  if (auto speeds = parse_speed_text(); !speeds.empty()) s.blocks.push_back(Paragraph{"Reader speed", speeds});
  if (!files.empty())
    s.blocks.push_back(Paragraph{
        "Profiles from the kept captures",
        fmt::format("tracebench inspect {} --pprof sync=sync.pb.gz --pprof net=net.pb.gz --pprof syscall=syscall.pb.gz "
                    "--pprof sched=sched.pb.gz writes the synchronization, network, syscall and scheduler-latency "
                    "profiles of a capture (as go tool trace -pprof does, kilobytes to share instead of the trace; "
                    "read them with go tool pprof) and shows where goroutine time went.",
                    files.front())});
  if (!errors.empty()) {
    s.blocks.push_back(Heading{"Traces that could not be read"});
    s.blocks.push_back(BulletList{errors});
  }
  return s;
}

std::string RunReportBuilder::parse_speed_text() const {
  std::vector<std::string> parts;
  for (const auto& mode : modes_) {
    const result::ModeView* mv = run_.mode(mode);
    const auto iv = mv ? interval_from(mv->parse_mb_per_s_interval) : std::nullopt;
    if (!iv) continue;
    parts.push_back(fmt::format("{} {:.0f} MB/s{}", mode, iv->median,
                                iv->low && iv->high ? fmt::format(" [{:.0f}, {:.0f}]", *iv->low, *iv->high) : ""));
  }
  if (parts.empty()) return {};
  return "tracebench's reader parsed the files at " + join(parts, ", ") +
         " (median per file [95% CI]); a capture's time to open scales with its size";
}

}  // namespace tracebench::reports::run_report
