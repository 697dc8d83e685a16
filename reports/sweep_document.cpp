#include "reports/sweep_document.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "reports/context_blocks.h"
#include "reports/json_access.h"
#include "reports/plots.h"
#include "units/duration_text.h"
#include "units/number_text.h"
#include "units/size_text.h"

namespace tracebench::reports {
namespace {

using nlohmann::json;
using units::binary_size_text;
using units::bytes_rate_text;
using units::count_rate_text;
using units::cpu_us_text;
using units::decimal_size_text;
using units::duration_ns_text;
using units::or_dash;
using units::percent_text;
using units::rps_text;
using units::seconds_text;
using units::share_text;
using Formatter = std::function<std::string(double)>;

struct MetricInfo {
  const char* metric;  // levels[].comparisons[].metric and levels[].modes.<mode>.<key>
  const char* label;
  Formatter format;
};

const std::vector<MetricInfo>& metrics() {
  static const std::vector<MetricInfo> kMetrics = {
      {"throughput_rps", "throughput", rps_text},
      {"latency_p50_ns", "p50 latency", duration_ns_text},
      {"latency_p99_ns", "p99 latency", duration_ns_text},
      {"latency_p999_ns", "p99.9 latency", duration_ns_text},
      {"target_cpu_us_per_request", "target CPU per request", cpu_us_text},
  };
  return kMetrics;
}

std::string metric_label(const std::string& metric) {
  for (const auto& m : metrics())
    if (metric == m.metric) return m.label;
  return metric;
}

// In the costly direction: a throughput drop, a rise of the others.
bool higher_is_better(const std::string& metric) { return metric == "throughput_rps"; }

std::string level_label(const json& l) {
  const double level = number(l, {"level"}).value_or(NAN);
  if (text(l, {"axis"}) == "connections") return fmt::format("{:g} connections", level);
  return fmt::format("{:g} req/s", level);
}

std::string count_text(double v) { return fmt::format("{:.0f}", v); }

std::string interval_cell(const json* o, const Formatter& f) {
  if (!o) return "-";
  auto med = number(*o, {"median"});
  if (!med) return "-";
  auto lo = number(*o, {"ci_low"}), hi = number(*o, {"ci_high"});
  if (!lo || !hi) return f(*med);
  return fmt::format("{} [{}, {}]", f(*med), f(*lo), f(*hi));
}

// "~ +4.0% [-1.2%, +9.3%]" as the run report writes a change; in a list of levels the "~"
// follows the figure ("+4.0%~"), as tracebench sweep prints it, so a line never breaks between them.
std::string change_text(const json& c, bool with_ci) {
  const bool significant = boolean(c, {"significant"}).value_or(false);
  if (!with_ci) return percent_text(number(c, {"delta_pct"}).value_or(NAN)) + (significant ? "" : "~");
  std::string s = (significant ? "" : "~ ") + percent_text(number(c, {"delta_pct"}).value_or(NAN));
  auto lo = number(c, {"ci_low_pct"}), hi = number(c, {"ci_high_pct"});
  if (with_ci && lo && hi) s += fmt::format(" [{}, {}]", percent_text(*lo), percent_text(*hi));
  return s;
}

// A significant cost reads bad, a significant gain good, the rest plain.
Tone change_tone(const json& c) {
  auto d = number(c, {"delta_pct"});
  if (!boolean(c, {"significant"}).value_or(false) || !d) return Tone::kPlain;
  const double cost = higher_is_better(text(c, {"metric"})) ? -*d : *d;
  return cost > 0 ? Tone::kBad : Tone::kGood;
}

std::string points_text(double pct_points) {
  if (!std::isfinite(pct_points)) return "-";
  return fmt::format("{:+.2f} pts", pct_points);
}

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

class SweepBuilder {
 public:
  explicit SweepBuilder(const json& sweep) : s_(sweep) {
    for (const auto& l : array(s_, {"levels"}))
      if (l.is_object()) levels_.push_back(&l);
    std::stable_sort(levels_.begin(), levels_.end(), [](const json* a, const json* b) {
      return number(*a, {"level"}).value_or(0) < number(*b, {"level"}).value_or(0);
    });
    std::string axis = text(s_, {"config", "axis"});
    if (axis.empty() && !levels_.empty()) axis = text(*levels_.front(), {"axis"});
    open_loop_ = axis != "connections";
    model_ = object(s_, {"model"});
    bytes_fit_ = model_ ? object(*model_, {"bytes_per_s"}) : nullptr;
    prediction_ = model_ ? object(*model_, {"prediction"}) : nullptr;
    for (const auto& spec : sweep_plot_specs(s_)) plots_.push_back(spec);
    for (const auto& l : levels_)
      for (const auto& c : array(*l, {"comparisons"}))
        if (auto m = text(c, {"mode"}); !m.empty() && std::find(traced_.begin(), traced_.end(), m) == traced_.end())
          traced_.push_back(m);
    std::sort(traced_.begin(), traced_.end(), [](const std::string& a, const std::string& b) {
      auto rank = [](const std::string& m) { return m == "trace" ? 0 : m == "flightrecorder" ? 1 : 2; };
      return rank(a) != rank(b) ? rank(a) < rank(b) : a < b;
    });
  }

  Document build() {
    Document d;
    d.title = fmt::format("tracebench sweep: trace data and overhead against load, {} {}",
                          text(s_, {"config", "method"}, "GET"), text(s_, {"config", "path"}, "?"));
    d.subtitle = subtitle();
    d.sections.push_back(verdict_section());
    d.sections.push_back(levels_section());
    d.sections.push_back(trace_rate_section());
    d.sections.push_back(overhead_section());
    d.sections.push_back(prediction_section());
    d.sections.push_back(context_section());
    data_["kind"] = "sweep";
    data_["missing"] = missing_;
    data_["warnings"] = warnings_;
    d.data = data_;
    return d;
  }

 private:
  const json& s_;
  std::vector<const json*> levels_;  // ascending load
  std::vector<std::string> traced_;  // modes compared against off, report order
  bool open_loop_ = true;
  const json* model_ = nullptr;
  const json* bytes_fit_ = nullptr;
  const json* prediction_ = nullptr;
  std::vector<PlotSpec> plots_;
  std::vector<std::string> missing_;
  std::vector<std::string> warnings_;
  json data_ = json::object();

  void missing(const std::string& what) {
    if (std::find(missing_.begin(), missing_.end(), what) == missing_.end()) missing_.push_back(what);
  }

  void add_plot(Section& s, const std::string& name) {
    for (const auto& p : plots_)
      if (p.name == name) s.blocks.push_back(PlotRef{p.name, p.title, p.caption});
  }

  std::vector<const json*> with_status(const std::string& status) const {
    std::vector<const json*> out;
    for (const json* l : levels_)
      if (text(*l, {"status"}) == status) out.push_back(l);
    return out;
  }

  std::vector<const json*> invalid_levels() const {
    std::vector<const json*> out;
    for (const json* l : with_status("measured"))
      if (!array(*l, {"invalid_reasons"}).empty()) out.push_back(l);
    return out;
  }

  // The metrics a verdict and the overhead plot speak of: an open-loop sweep holds throughput
  // at the rate asked, so its change says nothing there.
  std::vector<std::string> headline_metrics() const {
    std::vector<std::string> out = {"target_cpu_us_per_request", "latency_p99_ns"};
    if (!open_loop_) out.insert(out.begin(), "throughput_rps");
    return out;
  }

  const json* comparison(const json& level, const std::string& mode, const std::string& metric) const {
    for (const auto& c : array(level, {"comparisons"}))
      if (text(c, {"mode"}) == mode && text(c, {"metric"}) == metric) return &c;
    return nullptr;
  }

  const json* overhead_fit(const std::string& mode, const std::string& metric) const {
    if (!model_) return nullptr;
    for (const auto& f : array(*model_, {"overhead"}))
      if (text(f, {"mode"}) == mode && text(f, {"metric"}) == metric) return &f;
    return nullptr;
  }

  const json* overhead_prediction(const std::string& mode, const std::string& metric) const {
    if (!prediction_) return nullptr;
    for (const auto& o : array(*prediction_, {"overhead"}))
      if (text(o, {"mode"}) == mode && text(o, {"metric"}) == metric) return &o;
    return nullptr;
  }

  std::optional<double> production_rate() const {
    return prediction_ ? number(*prediction_, {"production_rate_rps"}) : std::nullopt;
  }

  std::string subtitle() const {
    std::vector<std::string> names;
    for (const json* l : levels_) names.push_back(fmt::format("{:g}", number(*l, {"level"}).value_or(NAN)));
    std::string load = open_loop_ ? fmt::format("open loop at {} req/s", join(names, ", "))
                                  : fmt::format("closed loop at {} connections", join(names, ", "));
    if (open_loop_)
      if (auto c = number(s_, {"config", "connections"})) load += fmt::format(" (a pool of {:.0f} connections)", *c);
    std::string s = fmt::format("target {}, {}", text(s_, {"config", "target"}, "?"), load);
    if (auto rounds = number(s_, {"config", "rounds_per_mode"}))
      s += fmt::format("; each level {} rounds per mode of {} measured", static_cast<long>(*rounds),
                       seconds_text(number(s_, {"config", "phase_s"}).value_or(NAN)));
    if (auto r = number(s_, {"config", "production_rate_rps"})) s += fmt::format("; production rate {:g} req/s", *r);
    if (auto started = text(s_, {"context", "started_at"}); !started.empty()) s += "; started " + started;
    return s;
  }

  // ---- verdict ----

  Section verdict_section() {
    Section s{"verdict", "Verdict", {}};
    json verdict = json::object();
    const bool complete = boolean(s_, {"complete"}).value_or(true);
    const auto measured = with_status("measured");
    const auto not_reached = with_status("not_reached");
    const auto failed = with_status("failed");
    const auto not_run = with_status("not_run");
    const auto invalid = invalid_levels();
    verdict["status"] = complete ? "complete" : "partial";
    verdict["levels"] = {{"asked", levels_.size()},      {"measured", measured.size()},
                         {"not_reached", not_reached.size()}, {"failed", failed.size()},
                         {"not_run", not_run.size()},     {"marked_invalid", invalid.size()},
                         {"fitted", model_ ? array(*model_, {"levels_fitted"}).size() : 0}};

    if (!complete)
      s.blocks.push_back(Callout{Tone::kBad, "PARTIAL",
                                 fmt::format("the sweep stopped early ({}): {} of {} levels were measured; the model "
                                             "rests on those only",
                                             text(s_, {"stop_reason"}, "no reason recorded"), measured.size(),
                                             levels_.size())});
    if (!not_reached.empty()) {
      std::vector<std::string> lines;
      for (const json* l : not_reached) {
        std::string reason = text(*l, {"reason"}, "no reason recorded");
        if (reason.rfind("not reached: ", 0) == 0) reason.erase(0, 13);  // the callout's label says it
        lines.push_back(fmt::format("{}: {}", level_label(*l), reason));
      }
      s.blocks.push_back(Callout{Tone::kWarn, "Not reached", join(lines, "; ")});
    }
    if (!failed.empty()) {
      std::vector<std::string> lines;
      for (const json* l : failed) lines.push_back(fmt::format("{}: {}", level_label(*l), text(*l, {"reason"}, "failed")));
      s.blocks.push_back(Callout{Tone::kBad, "Failed", join(lines, "; ")});
    }
    if (!invalid.empty()) {
      std::vector<std::string> names;
      for (const json* l : invalid) names.push_back(level_label(*l));
      s.blocks.push_back(Callout{
          Tone::kWarn, "Marked invalid",
          invalid.size() == 1
              ? fmt::format("{}: its trace rate and CPU per request are fitted, its latency changes are blurred; see "
                            "Levels",
                            names.front())
              : fmt::format("{}: their trace rates and CPU per request are fitted, their latency changes are "
                            "blurred; see Levels",
                            join(names, ", "))});
    }
    if (complete && not_reached.empty() && failed.empty() && invalid.empty() && bytes_fit_)
      s.blocks.push_back(Callout{
          Tone::kGood, "Complete sweep",
          fmt::format("{} levels, each a full run with the modes in interleaved rounds; the model is a least-squares "
                      "line over the {} measured levels",
                      levels_.size(), measured.size())});

    trace_verdict(s, verdict);
    overhead_verdict(s, verdict);
    production_verdict(s, verdict);

    const std::size_t warnings = array(s_, {"warnings"}).size() + level_warnings().size() + derived_warnings().size();
    if (warnings > 0)
      s.blocks.push_back(Callout{Tone::kWarn, "Warnings",
                                 fmt::format("{} warning{} about this sweep: see Context", warnings, warnings == 1 ? "" : "s")});
    data_["verdict"] = verdict;
    return s;
  }

  void trace_verdict(Section& s, json& verdict) {
    if (!bytes_fit_) {
      std::vector<std::string> why;
      if (model_)
        for (const auto& n : array(*model_, {"notes"}))
          if (n.is_string() && n.get<std::string>().rfind("no bytes/s model", 0) == 0) why.push_back(n.get<std::string>());
      const std::string reason =
          why.empty() ? (model_ ? "the sweep has no bytes/s model" : "the sweep has no model (\"model\" is null)")
                      : join(why, "; ");
      s.blocks.push_back(Callout{Tone::kBad, "No model",
                                 reason + ": a line needs at least two measured levels with a trace rate (three or "
                                          "more for R² and prediction intervals)"});
      missing("a model of trace bytes/s against load: " + reason);
      verdict["bytes_model"] = nullptr;
      return;
    }
    const auto a = number(*bytes_fit_, {"intercept"}), b = number(*bytes_fit_, {"slope"});
    const auto x0 = number(*bytes_fit_, {"x_min"}), x1 = number(*bytes_fit_, {"x_max"});
    const auto r2 = number(*bytes_fit_, {"r2"});
    const auto n = number(*bytes_fit_, {"n"}).value_or(0);
    std::string line = fmt::format("{} of trace per request on top of an idle {}", binary_size_text(b.value_or(NAN)),
                                   bytes_rate_text(a.value_or(NAN)));
    if (a && b && x0 && x1)
      line += fmt::format(": {} at {} to {} at {}", bytes_rate_text(*a + *b * *x0), rps_text(*x0),
                          bytes_rate_text(*a + *b * *x1), rps_text(*x1));
    line += n == 2 ? " (two levels: the line fits them exactly, so R² = 1 says nothing)"
                   : fmt::format(" (R² {:.3f} over {:.0f} levels)", r2.value_or(NAN), n);
    if (a && *a < 0) line += "; the intercept is negative, so the line holds over the measured range only";
    if (const json* ev = object(*model_, {"events_per_s"}))
      if (auto eb = number(*ev, {"slope"})) line += fmt::format("; {:.0f} events per request", *eb);
    s.blocks.push_back(Paragraph{"Trace data", line});
    verdict["bytes_model"] = {{"idle_bytes_per_s", opt(a)}, {"bytes_per_request", opt(b)}, {"r2", opt(r2)},
                              {"n", n},                     {"x_min", opt(x0)},              {"x_max", opt(x1)}};
  }

  void overhead_verdict(Section& s, json& verdict) {
    json rows = json::array();
    const auto rate = production_rate();
    Table t;
    t.header = {"mode", "metric", "change at each level, lowest load first", "trend per 1000 req/s"};
    t.align = "llll";
    if (rate) {
      t.header.push_back(fmt::format("at {:g} req/s", *rate));
      t.align += "l";
    }
    const auto measured = with_status("measured");
    for (const auto& mode : traced_) {
      bool first = true;
      for (const auto& metric : headline_metrics()) {
        std::vector<std::string> changes;
        json changes_json = json::array();
        Tone tone = Tone::kPlain;
        for (const json* l : measured) {
          const json* c = comparison(*l, mode, metric);
          if (!c) continue;
          changes.push_back(change_text(*c, false));
          if (change_tone(*c) == Tone::kBad) tone = Tone::kBad;
          changes_json.push_back({{"level", number(*l, {"level"}).value_or(NAN)},
                                  {"delta_pct", opt(number(*c, {"delta_pct"}))},
                                  {"ci_low_pct", opt(number(*c, {"ci_low_pct"}))},
                                  {"ci_high_pct", opt(number(*c, {"ci_high_pct"}))},
                                  {"significant", boolean(*c, {"significant"}).value_or(false)}});
        }
        if (changes.empty()) continue;
        std::vector<Cell> row = {Cell(first ? mode : ""), Cell(metric_label(metric)), Cell(join(changes, ", "), tone)};
        first = false;
        json row_json = {{"mode", mode}, {"metric", metric}, {"changes", changes_json}, {"slope_pct_per_1000_rps", nullptr},
                         {"r2", nullptr}, {"at_production", nullptr}};
        const json* fit = overhead_fit(mode, metric);
        if (fit && number(*fit, {"slope"})) {
          const double per_1000 = 1000 * *number(*fit, {"slope"});
          const auto fit_n = number(*fit, {"n"}).value_or(0);
          row.push_back(Cell(fit_n == 2 ? points_text(per_1000) + " (2 levels)"
                                        : fmt::format("{} (R² {:.2f})", points_text(per_1000),
                                                      number(*fit, {"r2"}).value_or(NAN))));
          row_json["slope_pct_per_1000_rps"] = per_1000;
          row_json["r2"] = opt(number(*fit, {"r2"}));
        } else {
          row.push_back(Cell("-"));
        }
        if (rate) {
          const json* p = overhead_prediction(mode, metric);
          if (p && number(*p, {"estimate"})) {
            std::string cell = percent_text(*number(*p, {"estimate"}));
            auto lo = number(*p, {"pi_low"}), hi = number(*p, {"pi_high"});
            if (lo && hi) cell += fmt::format(" [{}, {}]", percent_text(*lo), percent_text(*hi));
            const bool extrapolated = boolean(*p, {"extrapolated"}).value_or(false);
            if (extrapolated) cell += " extrapolated";
            row.push_back(Cell(cell, extrapolated ? Tone::kWarn : Tone::kPlain));
            row_json["at_production"] = {{"estimate_pct", *number(*p, {"estimate"})}, {"pi_low_pct", opt(lo)},
                                         {"pi_high_pct", opt(hi)}, {"extrapolated", extrapolated}};
          } else {
            row.push_back(Cell("-"));
          }
        }
        t.rows.push_back(std::move(row));
        rows.push_back(row_json);
      }
    }
    verdict["overhead"] = rows;
    if (t.rows.empty()) {
      s.blocks.push_back(Paragraph{"Overhead", "not measured: no measured level compared a traced mode against off"});
      missing("overhead against load: no measured level compared the trace or flightrecorder mode against off");
      return;
    }
    t.note = std::string("change against off at each measured level (\"~\" not significant after Holm's correction "
                         "within its level); trend: the fitted slope in percentage points per 1000 req/s of off "
                         "throughput") +
             (rate ? "; at the production rate: the model's estimate [95% prediction interval]" : "") +
             (open_loop_ ? "; throughput is left out: an open-loop sweep holds it at the rate asked" : "");
    s.blocks.push_back(std::move(t));
  }

  const json* pick_flight_recorder() const {
    const auto& frs = array(*prediction_, {"flight_recorder"});
    if (frs.empty()) return nullptr;
    for (const auto& f : frs)
      if (std::fabs(number(f, {"window_s"}).value_or(-1) - 10) < 1e-9) return &f;
    return &frs[0];
  }

  std::string capture_query(const json& c) const {
    return fmt::format("GET /debug/pprof/trace?seconds={:g}", number(c, {"seconds"}).value_or(NAN));
  }

  void production_verdict(Section& s, json& verdict) {
    const auto rate = production_rate();
    if (!rate) {
      s.blocks.push_back(Paragraph{"Production rate",
                                   "none given, so nothing is predicted (tracebench sweep --production-rate R gives "
                                   "trace bytes/s, flight-recorder sizes and overhead at a load not run here); each "
                                   "level's own result.json holds the sizing for that level"});
      missing("a production rate to predict at (tracebench sweep --production-rate R)");
      verdict["production"] = nullptr;
      return;
    }
    json p = {{"rate_rps", *rate}, {"extrapolated", boolean(*prediction_, {"extrapolated"}).value_or(false)},
              {"bytes_per_s", nullptr}, {"flight_recorder", nullptr}, {"capture", nullptr}};
    if (auto why = text(*prediction_, {"extrapolation"}); !why.empty())
      s.blocks.push_back(Callout{Tone::kWarn, "Extrapolated", why});
    const json* b = object(*prediction_, {"bytes_per_s"});
    if (b && number(*b, {"estimate"})) {
      const double est = *number(*b, {"estimate"});
      auto lo = number(*b, {"pi_low"}), hi = number(*b, {"pi_high"});
      std::string line = fmt::format("trace data {} predicted", bytes_rate_text(est));
      line += lo && hi ? fmt::format(" (95% prediction interval {} to {})", bytes_rate_text(std::max(0.0, *lo)),
                                     bytes_rate_text(*hi))
                       : " (no prediction interval: it needs three or more levels)";
      s.blocks.push_back(Paragraph{fmt::format("At {:g} req/s", *rate), line});
      p["bytes_per_s"] = {{"estimate", est}, {"pi_low", opt(lo)}, {"pi_high", opt(hi)}};
    } else {
      s.blocks.push_back(Paragraph{fmt::format("At {:g} req/s", *rate), "no trace bytes/s predicted: there is no model"});
    }
    if (const json* fr = pick_flight_recorder()) {
      s.blocks.push_back(Paragraph{
          "Recommendation",
          fmt::format("flight recorder MinAge {}, MaxBytes {} for a {} window at that load (sized for the predicted "
                      "rate and the largest spread of a level; not verified: tracebench run --verify-window {} at "
                      "that load checks it)",
                      seconds_text(number(*fr, {"min_age_s"}).value_or(NAN)),
                      text(*fr, {"max_bytes_text"}, binary_size_text(number(*fr, {"max_bytes"}).value_or(NAN))),
                      seconds_text(number(*fr, {"window_s"}).value_or(NAN)),
                      seconds_text(number(*fr, {"window_s"}).value_or(NAN)))});
      p["flight_recorder"] = {{"window_s", opt(number(*fr, {"window_s"}))},
                              {"min_age_s", opt(number(*fr, {"min_age_s"}))},
                              {"max_bytes", opt(number(*fr, {"max_bytes"}))}};
    }
    const auto& caps = array(*prediction_, {"capture_windows"});
    if (!caps.empty()) {
      const json& c = caps[caps.size() / 2];
      if (number(c, {"seconds"}).value_or(0) > 0) {
        s.blocks.push_back(Paragraph{
            "Capture", fmt::format("{} keeps a file under {} (about {} at the predicted rate)", capture_query(c),
                                   decimal_size_text(number(c, {"budget_bytes"}).value_or(NAN)),
                                   decimal_size_text(number(c, {"expected_bytes"}).value_or(NAN)))});
        p["capture"] = {{"budget_bytes", opt(number(c, {"budget_bytes"}))}, {"seconds", opt(number(c, {"seconds"}))}};
      }
    }
    verdict["production"] = p;
  }

  // ---- levels ----

  Section levels_section() {
    Section s{"levels", "Levels", {}};
    Table t;
    t.header = {"#", "level", "status", "off throughput [95% CI]", "trace bytes/s [95% CI]", "from", "at",
                "events/s", "FR window", "tracebench CPU", "target CPU", "errors"};
    t.align = "rllllrrrrrrr";
    std::vector<std::string> notes;
    bool any_rate = false, any_share = false;
    for (const json* l : levels_) {
      const std::string status = text(*l, {"status"}, "?");
      const Tone tone = status == "measured" ? (array(*l, {"invalid_reasons"}).empty() ? Tone::kPlain : Tone::kWarn)
                        : status == "not_run" ? Tone::kPlain
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
    if (!any_share && !with_status("measured").empty())
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

  // ---- trace data against load ----

  Section trace_rate_section() {
    Section s{"trace-rate", "Trace data against load", {}};
    if (bytes_fit_) {
      Table t;
      t.header = {"", ""};
      t.align = "ll";
      auto se = [&](const char* key, const Formatter& f) {
        auto v = number(*bytes_fit_, {key});
        return v ? " ± " + f(*v) : std::string();
      };
      const double n = number(*bytes_fit_, {"n"}).value_or(0);
      t.rows.push_back({Cell("model"), Cell("trace bytes/s = idle + bytes per request × throughput")});
      t.rows.push_back({Cell("idle rate (intercept)"),
                        Cell(bytes_rate_text(number(*bytes_fit_, {"intercept"}).value_or(NAN)) +
                             se("intercept_se", bytes_rate_text))});
      t.rows.push_back({Cell("bytes per request (slope)"),
                        Cell(binary_size_text(number(*bytes_fit_, {"slope"}).value_or(NAN)) +
                             se("slope_se", binary_size_text))});
      t.rows.push_back({Cell("R²"), Cell(n == 2 ? std::string("1 (two levels: exact, says nothing)")
                                                : fmt::format("{:.3f}", number(*bytes_fit_, {"r2"}).value_or(NAN)))});
      t.rows.push_back({Cell("levels fitted"),
                        Cell(fmt::format("{:.0f}, from {} to {}", n,
                                         rps_text(number(*bytes_fit_, {"x_min"}).value_or(NAN)),
                                         rps_text(number(*bytes_fit_, {"x_max"}).value_or(NAN))))});
      if (auto r = number(*bytes_fit_, {"residual_se"}))
        t.rows.push_back({Cell("residual standard error"), Cell(bytes_rate_text(*r))});
      if (auto sp = number(*bytes_fit_, {"spread_factor"}))
        t.rows.push_back({Cell("largest spread of a level"),
                          Cell(fmt::format("{:.2f}× (highest round over median; the sizes use it)", *sp))});
      if (const json* ev = object(*model_, {"events_per_s"})) {
        t.rows.push_back({Cell("events per request"), Cell(fmt::format("{:.0f}", number(*ev, {"slope"}).value_or(NAN)))});
        t.rows.push_back(
            {Cell("idle events/s"), Cell(count_rate_text(number(*ev, {"intercept"}).value_or(NAN)))});
      }
      t.note = "least squares over the measured levels: x is the throughput the trace rate was measured at "
               "(the median of the rounds the level's rate came from: trace or flight recorder), y the level's "
               "median trace bytes/s; ± one standard error";
      s.blocks.push_back(std::move(t));
    } else {
      s.blocks.push_back(Paragraph{"", "No model of trace bytes/s in this sweep (see the verdict); the levels' "
                                       "measured rates are plotted as they are."});
    }
    add_plot(s, "sweep_trace_rate");
    std::vector<std::string> notes;
    if (model_)
      for (const auto& n : array(*model_, {"notes"}))
        if (n.is_string()) notes.push_back(n.get<std::string>());
    if (!notes.empty()) {
      s.blocks.push_back(Heading{"Model notes"});
      s.blocks.push_back(BulletList{notes});
    }
    return s;
  }

  // ---- overhead against load ----

  Section overhead_section() {
    Section s{"overhead", "Overhead against load", {}};
    Table t;
    t.header = {"level", "off throughput", "mode"};
    t.align = "lrl";
    for (const auto& m : metrics()) {
      t.header.push_back(m.label);
      t.align += "l";
    }
    Table med;
    med.header = {"level", "mode", "rounds"};
    med.align = "llr";
    for (const auto& m : metrics()) {
      med.header.push_back(m.label);
      med.align += "r";
    }
    for (const json* l : with_status("measured")) {
      bool first = true;
      for (const auto& mode : traced_) {
        bool any = false;
        std::vector<Cell> row = {Cell(first ? level_label(*l) : ""),
                                 Cell(first ? or_dash(number(*l, {"modes", "off", "throughput_rps"}), rps_text) : ""),
                                 Cell(mode)};
        for (const auto& m : metrics()) {
          const json* c = comparison(*l, mode, m.metric);
          if (c) any = true;
          row.push_back(c ? Cell(change_text(*c, true), change_tone(*c)) : Cell("-"));
        }
        if (!any) continue;
        first = false;
        t.rows.push_back(std::move(row));
      }
      first = true;
      if (const json* modes = object(*l, {"modes"})) {
        std::vector<std::string> names = {"off"};
        names.insert(names.end(), traced_.begin(), traced_.end());
        for (const auto& [name, v] : modes->items())
          if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
        for (const auto& mode : names) {
          const json* mj = object(*modes, {mode});
          if (!mj) continue;
          std::vector<Cell> row = {Cell(first ? level_label(*l) : ""), Cell(mode),
                                   Cell(or_dash(number(*mj, {"rounds"}), count_text))};
          for (const auto& m : metrics()) row.push_back(Cell(or_dash(number(*mj, {m.metric}), m.format)));
          med.rows.push_back(std::move(row));
          first = false;
        }
      }
    }
    if (t.rows.empty()) {
      s.blocks.push_back(Paragraph{"", "No measured level compared a traced mode against off."});
    } else {
      t.note = "each level's change against off [95% CI], Hodges-Lehmann shift in % of off's median; \"~\" not "
               "significant after Holm's correction within the level" +
               std::string(open_loop_ ? "; in an open-loop sweep throughput is held at the rate asked" : "");
      s.blocks.push_back(std::move(t));
    }
    add_plot(s, "sweep_overhead");

    if (model_ && !array(*model_, {"overhead"}).empty()) {
      s.blocks.push_back(Heading{"Fitted against load"});
      Table f;
      f.header = {"mode", "metric", "change at 0 req/s", "per 1000 req/s", "R²", "levels", "range"};
      f.align = "llrrrrl";
      for (const auto& mode : traced_)
        for (const auto& m : metrics()) {
          const json* fit = overhead_fit(mode, m.metric);
          if (!fit) continue;
          if (auto err = text(*fit, {"error"}); !err.empty()) {
            f.rows.push_back({Cell(mode), Cell(m.label), Cell("not fitted: " + err), Cell(""), Cell(""), Cell(""), Cell("")});
            continue;
          }
          const double n = number(*fit, {"n"}).value_or(0);
          f.rows.push_back({Cell(mode), Cell(m.label), Cell(percent_text(number(*fit, {"intercept"}).value_or(NAN))),
                            Cell(points_text(1000 * number(*fit, {"slope"}).value_or(NAN))),
                            Cell(n == 2 ? std::string("1 (exact)") : fmt::format("{:.2f}", number(*fit, {"r2"}).value_or(NAN))),
                            Cell(count_text(n)),
                            Cell(fmt::format("{} to {}", rps_text(number(*fit, {"x_min"}).value_or(NAN)),
                                             rps_text(number(*fit, {"x_max"}).value_or(NAN))))});
        }
      f.note = "change against off (%) = a + b × off throughput, least squares over the measured levels; \"per 1000 "
               "req/s\" is b in percentage points";
      s.blocks.push_back(std::move(f));
    }

    if (!med.rows.empty()) {
      s.blocks.push_back(Heading{"Medians at each level"});
      med.note = "each mode's median over its rounds at the level";
      s.blocks.push_back(std::move(med));
    }
    bool cpu = false;
    for (const json* l : levels_)
      for (const auto& c : array(*l, {"comparisons"}))
        if (text(c, {"metric"}) == "target_cpu_us_per_request") cpu = true;
    if (!cpu && !traced_.empty())
      missing("target CPU per request against load: not measured (the target's process was not found on this "
              "machine; pass --target-pid or --exec)");
    return s;
  }

  // ---- prediction ----

  Section prediction_section() {
    Section s{"prediction", "At the production rate", {}};
    if (!prediction_) {
      s.blocks.push_back(Paragraph{"", "No production rate was given (tracebench sweep --production-rate R), so "
                                       "nothing is predicted."});
      return s;
    }
    const double rate = production_rate().value_or(NAN);
    if (auto why = text(*prediction_, {"extrapolation"}); !why.empty())
      s.blocks.push_back(Callout{Tone::kWarn, "Extrapolated", why});
    else
      s.blocks.push_back(Paragraph{"", fmt::format("{:g} req/s lies within the measured range: the model interpolates "
                                                   "there.",
                                                   rate)});
    if (const json* b = object(*prediction_, {"bytes_per_s"})) {
      Table t;
      t.header = {"", ""};
      t.align = "ll";
      t.rows.push_back({Cell("trace bytes/s"), Cell(bytes_rate_text(number(*b, {"estimate"}).value_or(NAN)))});
      auto lo = number(*b, {"pi_low"}), hi = number(*b, {"pi_high"});
      t.rows.push_back({Cell("95% prediction interval"),
                        Cell(lo && hi ? fmt::format("{} to {}", bytes_rate_text(std::max(0.0, *lo)), bytes_rate_text(*hi))
                                      : std::string("- (needs three or more levels)"))});
      s.blocks.push_back(std::move(t));
    } else {
      s.blocks.push_back(Paragraph{"", "No trace bytes/s prediction: the sweep has no bytes/s model."});
    }
    const auto& frs = array(*prediction_, {"flight_recorder"});
    if (!frs.empty()) {
      s.blocks.push_back(Heading{"Flight recorder"});
      Table t;
      t.header = {"window", "MinAge", "MaxBytes", "memory live", "RSS up to"};
      t.align = "rrrrr";
      for (const auto& f : frs)
        t.rows.push_back({Cell(seconds_text(number(f, {"window_s"}).value_or(NAN))),
                          Cell(seconds_text(number(f, {"min_age_s"}).value_or(NAN))),
                          Cell(text(f, {"max_bytes_text"}, binary_size_text(number(f, {"max_bytes"}).value_or(NAN)))),
                          Cell(or_dash(number(f, {"expected_live_bytes"}), binary_size_text)),
                          Cell(or_dash(number(f, {"expected_rss_high_bytes"}), binary_size_text))});
      t.note = "MaxBytes = predicted rate × the largest level spread × (window + one 1 s generation), rounded up to a "
               "friendly size; MinAge = 2 × window (docs/sizing.md)";
      s.blocks.push_back(std::move(t));
      if (const json* pick = pick_flight_recorder())
        if (auto code = text(*pick, {"go_runtime_trace"}); !code.empty())
          s.blocks.push_back(CodeBlock{"go", fmt::format("the {} window in code", seconds_text(number(*pick, {"window_s"}).value_or(NAN))), code});
    }
    const auto& caps = array(*prediction_, {"capture_windows"});
    if (!caps.empty()) {
      s.blocks.push_back(Heading{"Capture window for a file budget"});
      Table t;
      t.header = {"file budget", "seconds", "query", "file (predicted .. highest rate)"};
      t.align = "rrll";
      for (const auto& c : caps) {
        const double seconds = number(c, {"seconds"}).value_or(0);
        if (seconds <= 0) {
          t.rows.push_back({Cell(decimal_size_text(number(c, {"budget_bytes"}).value_or(NAN))), Cell("-"),
                            Cell("0.1 s already exceeds it at the highest rate"), Cell("")});
          continue;
        }
        t.rows.push_back({Cell(decimal_size_text(number(c, {"budget_bytes"}).value_or(NAN))),
                          Cell(fmt::format("{:g}", seconds)), Cell(capture_query(c)),
                          Cell(decimal_size_text(number(c, {"expected_bytes"}).value_or(NAN)) + " .. " +
                               decimal_size_text(number(c, {"upper_bytes"}).value_or(NAN)))});
      }
      s.blocks.push_back(std::move(t));
    }
    const auto& over = array(*prediction_, {"overhead"});
    if (!over.empty()) {
      s.blocks.push_back(Heading{"Overhead"});
      Table t;
      t.header = {"mode", "metric", "change against off", "95% prediction interval", ""};
      t.align = "llrll";
      for (const auto& mode : traced_)
        for (const auto& m : metrics()) {
          if (open_loop_ && std::string(m.metric) == "throughput_rps") continue;
          const json* o = overhead_prediction(mode, m.metric);
          if (!o) continue;
          auto lo = number(*o, {"pi_low"}), hi = number(*o, {"pi_high"});
          const bool extrapolated = boolean(*o, {"extrapolated"}).value_or(false);
          t.rows.push_back({Cell(mode), Cell(m.label), Cell(percent_text(number(*o, {"estimate"}).value_or(NAN))),
                            Cell(lo && hi ? fmt::format("[{}, {}]", percent_text(*lo), percent_text(*hi)) : "-"),
                            Cell(extrapolated ? "extrapolated" : "", extrapolated ? Tone::kWarn : Tone::kPlain)});
        }
      t.note = "the fitted overhead lines at the production rate; a prediction interval from a few levels is wide";
      if (!t.rows.empty()) s.blocks.push_back(std::move(t));
    }
    std::vector<std::string> notes;
    for (const auto& n : array(*prediction_, {"notes"}))
      if (n.is_string()) notes.push_back(n.get<std::string>());
    if (!notes.empty()) s.blocks.push_back(BulletList{notes});
    return s;
  }

  // ---- context ----

  // Each level's run warnings, once each, naming the levels that had them.
  std::vector<std::string> level_warnings() const {
    std::vector<std::pair<std::string, std::vector<std::string>>> seen;
    for (const json* l : levels_)
      for (const auto& w : array(*l, {"warnings"})) {
        if (!w.is_string()) continue;
        auto it = std::find_if(seen.begin(), seen.end(), [&](const auto& p) { return p.first == w.get<std::string>(); });
        if (it == seen.end()) seen.push_back({w.get<std::string>(), {level_label(*l)}});
        else it->second.push_back(level_label(*l));
      }
    std::vector<std::string> out;
    for (const auto& [w, where] : seen) {
      // A sweep-wide warning (the machine's) is already listed once.
      bool sweep_wide = false;
      for (const auto& sw : array(s_, {"warnings"}))
        if (sw.is_string() && sw.get<std::string>() == w) sweep_wide = true;
      if (!sweep_wide) out.push_back(fmt::format("{} (at {})", w, join(where, ", ")));
    }
    return out;
  }

  std::vector<std::string> derived_warnings() const {
    std::vector<std::string> out;
    const double cpus = number(s_, {"context", "cpus"}).value_or(NAN);
    std::vector<std::string> busy;
    for (const json* l : levels_)
      if (auto g = number(*l, {"generator_cpu_share"}); g && *g >= 0.5)
        busy.push_back(fmt::format("{} of a CPU at {}", share_text(*g), level_label(*l)));
    if (!busy.empty()) {
      std::string w = fmt::format("the generator used {} (median over rounds)", join(busy, ", "));
      if (std::isfinite(cpus) && cpus <= 4)
        w += fmt::format(" on a host with {:.0f} CPUs: it competes with the target for CPU", cpus);
      w += "; pin them apart (tracebench sweep --exec CMD --pin) or run tracebench on another machine";
      out.push_back(w);
    }
    std::vector<std::string> failing;
    for (const json* l : levels_)
      if (double e = number(*l, {"errors"}).value_or(0); e > 0)
        failing.push_back(fmt::format("{:.0f} at {}", e, level_label(*l)));
    if (!failing.empty())
      out.push_back("requests failed: " + join(failing, ", ") +
                    " (latency and throughput count only answered requests)");
    bool said = false;  // the sweep's machine warnings already name a debug build
    for (const auto& w : array(s_, {"warnings"}))
      if (w.is_string() && w.get<std::string>().find("debug build") != std::string::npos) said = true;
    if (text(s_, {"context", "build_type"}) == "debug" && !said)
      out.push_back("tracebench was a debug build: its own overhead distorts the figures");
    return out;
  }

  Section context_section() {
    Section s{"context", "Context", {}};
    Table host = host_table(s_);
    if (text(s_, {"context", "target_go_version"}).empty())
      missing("target Go version (read from a trace header: not in this sweep document)");
    std::vector<std::string> gen, tgt;
    for (const json* l : levels_) {
      if (auto g = number(*l, {"generator_cpu_share"})) gen.push_back(share_text(*g));
      if (auto t = number(*l, {"target_cpu_share"})) tgt.push_back(share_text(*t));
    }
    if (!gen.empty())
      host.rows.push_back({Cell("tracebench CPU"), Cell(join(gen, ", ") + " of a CPU at the levels, lowest load first")});
    if (!tgt.empty())
      host.rows.push_back({Cell("target CPU"), Cell(join(tgt, ", ") + " of a CPU at the levels, lowest load first")});
    s.blocks.push_back(std::move(host));
    if (auto cmd = command_line_block(s_)) s.blocks.push_back(*cmd);
    s.blocks.push_back(Heading{"Configuration"});
    s.blocks.push_back(config_table(s_));

    for (const auto& w : array(s_, {"warnings"}))
      if (w.is_string()) warnings_.push_back(w.get<std::string>());
    for (const auto& w : level_warnings()) warnings_.push_back(w);
    for (const auto& w : derived_warnings()) warnings_.push_back(w);
    for (auto& b : warnings_and_gaps_blocks(warnings_, missing_)) s.blocks.push_back(std::move(b));
    return s;
  }
};

}  // namespace

Document build_sweep_document(const nlohmann::json& sweep) { return SweepBuilder(sweep).build(); }

}  // namespace tracebench::reports
