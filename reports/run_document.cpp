#include "reports/run_document.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "reports/context_blocks.h"
#include "reports/event_mix.h"
#include "reports/json_access.h"
#include "reports/plots.h"
#include "result/run_result.h"
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
using units::p_value_text;
using units::percent_text;
using units::rps_text;
using units::seconds_text;
using units::share_text;

struct Interval {
  double median = 0;
  std::optional<double> low, high;
  std::int64_t n = 0;
};

std::optional<Interval> interval_from(const json* o) {
  if (!o || !o->is_object()) return std::nullopt;
  auto med = number(*o, {"median"});
  if (!med) return std::nullopt;
  Interval i;
  i.median = *med;
  i.low = number(*o, {"ci_low"});
  i.high = number(*o, {"ci_high"});
  i.n = static_cast<std::int64_t>(number(*o, {"n"}).value_or(0));
  return i;
}

std::optional<Interval> interval_at(const json& j, std::initializer_list<std::string_view> path) {
  return interval_from(at(j, path));
}

using Formatter = std::function<std::string(double)>;

struct MetricInfo {
  const char* metric;  // comparisons[].metric
  const char* label;
  std::vector<std::string> path;  // under modes.<mode>
  Formatter format;
  bool higher_is_better;
};

const std::vector<MetricInfo>& metrics() {
  static const std::vector<MetricInfo> kMetrics = {
      {"throughput_rps", "throughput", {"throughput_rps"}, rps_text, true},
      {"latency_p50_ns", "p50 latency", {"latency_ns", "p50"}, duration_ns_text, false},
      {"latency_p99_ns", "p99 latency", {"latency_ns", "p99"}, duration_ns_text, false},
      {"latency_p999_ns", "p99.9 latency", {"latency_ns", "p999"}, duration_ns_text, false},
      {"target_cpu_us_per_request", "target CPU per request", {"target_cpu_us_per_request"}, cpu_us_text, false},
  };
  return kMetrics;
}

const MetricInfo* metric_info(const std::string& metric) {
  for (const auto& m : metrics())
    if (metric == m.metric) return &m;
  return nullptr;
}

std::string metric_label(const std::string& metric) {
  const MetricInfo* m = metric_info(metric);
  return m ? m->label : metric;
}

std::string interval_text(const Interval& i, const Formatter& f) {
  if (!i.low || !i.high) return "-";
  return fmt::format("[{}, {}]", f(*i.low), f(*i.high));
}

// One comparisons[] (or noise_floor[]) row.
struct Change {
  std::string mode, metric;
  std::optional<double> delta, low, high, p_raw, p_adj;
  std::int64_t n_base = 0, n_mode = 0;
  bool significant = false;
  bool higher_is_better = false;
  // One-sided 95% bounds, in results of blocked runs (absent in older ones).
  std::optional<double> bound_low, bound_high;
  // The largest cost the data allow: the upper bound of a rise, the lower one of a drop.
  std::optional<double> cost_bound() const {
    if (!bound_low || !bound_high) return std::nullopt;
    return higher_is_better ? -*bound_low : *bound_high;
  }
  // In the costly direction: throughput drop, latency and CPU rise.
  std::optional<double> cost() const { return delta ? std::optional(higher_is_better ? -*delta : *delta) : std::nullopt; }
  std::optional<double> cost_high() const {
    if (!low || !high) return std::nullopt;
    return higher_is_better ? -*low : *high;
  }
  std::optional<double> cost_low() const {
    if (!low || !high) return std::nullopt;
    return higher_is_better ? -*high : *low;
  }
};

std::vector<Change> changes(const std::vector<result::ComparisonView>& rows) {
  std::vector<Change> out;
  for (const auto& row : rows) {
    Change c;
    c.mode = row.mode;
    c.metric = row.metric;
    c.delta = row.delta_pct;
    c.low = row.ci_low_pct;
    c.high = row.ci_high_pct;
    c.p_raw = row.p_value;
    c.p_adj = row.p_adjusted;
    c.n_base = static_cast<std::int64_t>(row.n_base.value_or(0));
    c.n_mode = static_cast<std::int64_t>(row.n_mode.value_or(0));
    c.significant = row.significant;
    c.higher_is_better = c.metric == "throughput_rps";
    c.bound_low = row.bound_low_pct;
    c.bound_high = row.bound_high_pct;
    out.push_back(c);
  }
  return out;
}

const Change* find_change(const std::vector<Change>& v, const std::string& mode, const std::string& metric) {
  for (const auto& c : v)
    if (c.mode == mode && c.metric == metric) return &c;
  return nullptr;
}

std::string change_text(const Change& c) {
  std::string s = c.significant ? "" : "~ ";
  s += percent_text(c.delta.value_or(NAN));
  if (c.low && c.high) s += fmt::format(" [{}, {}]", percent_text(*c.low), percent_text(*c.high));
  return s;
}

Tone change_tone(const Change& c) {
  if (!c.significant || !c.cost()) return Tone::kPlain;
  return *c.cost() > 0 ? Tone::kBad : Tone::kGood;
}

std::vector<std::string> mode_order(const json& result) {
  static const char* const kKnown[] = {"off", "trace", "flightrecorder"};
  std::vector<std::string> out;
  const json* modes = object(result, {"modes"});
  if (!modes) return out;
  for (const char* m : kKnown)
    if (modes->contains(m)) out.push_back(m);
  for (const auto& [name, v] : modes->items())
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  return out;
}

double median_of(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const std::size_t k = v.size();
  return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
}

bool round_complete(const json& r) { return boolean(r, {"complete"}).value_or(true); }

// The target's CPU share (CPU-seconds per second), from per-round CPU per request and
// throughput: median over complete rounds. (The generator's is the result's own.)
std::optional<double> target_cpu_share(const result::RunResultView& run) {
  std::vector<double> v;
  for (const auto& r : run.rounds) {
    if (!r.complete.value_or(true)) continue;
    if (r.target_cpu_us_per_request && r.throughput_rps)
      v.push_back(*r.target_cpu_us_per_request * *r.throughput_rps / 1e6);
  }
  if (v.empty()) return std::nullopt;
  return median_of(v);
}

class Builder {
 public:
  explicit Builder(const json& document) : r_(document), run_(result::read_run_result(document)) {
    comparisons_ = changes(run_.comparisons);
    noise_ = changes(run_.noise_floor);
    modes_ = mode_order(r_);
    for (const auto& spec : run_plot_specs(r_)) plots_.push_back(spec);
    recs_ = object(r_, {"recommendations"});
    if (recs_ && recs_->empty()) recs_ = nullptr;  // an empty object: sizing did not run
    verification_ = object(r_, {"verification"});
    if (verification_ && verification_->empty()) verification_ = nullptr;
  }

  Document build() {
    Document d;
    d.title = fmt::format("tracebench: what tracing costs {} {}", text(r_, {"config", "method"}, "GET"),
                          text(r_, {"config", "path"}, "?"));
    d.subtitle = subtitle();
    // In report order; the context comes last and lists what every section found missing.
    d.sections.push_back(verdict_section());
    d.sections.push_back(overhead_section());
    d.sections.push_back(latency_section());
    d.sections.push_back(trace_section());
    d.sections.push_back(sizing_section());
    d.sections.push_back(noise_section());
    d.sections.push_back(rounds_section());
    d.sections.push_back(context_section());
    data_["kind"] = "run";
    data_["missing"] = missing_;
    data_["warnings"] = warnings_;
    d.data = data_;
    return d;
  }

 private:
  const json& r_;
  const result::RunResultView run_;
  std::vector<Change> comparisons_, noise_;
  std::vector<std::string> modes_;
  std::vector<PlotSpec> plots_;
  const json* recs_ = nullptr;
  const json* verification_ = nullptr;
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

  std::string subtitle() const {
    std::string load = text(r_, {"config", "schedule"}) == "open_loop"
                           ? fmt::format("open loop at {}", rps_text(number(r_, {"config", "rate_rps"}).value_or(NAN)))
                           : fmt::format("closed loop, {} connections",
                                         static_cast<long>(number(r_, {"config", "connections"}).value_or(0)));
    std::string s = fmt::format("target {}, {}", text(r_, {"config", "target"}, "?"), load);
    if (auto rounds = number(r_, {"config", "rounds_per_mode"}))
      s += fmt::format("; {} rounds per mode of {} measured", static_cast<long>(*rounds),
                       seconds_text(number(r_, {"config", "phase_s"}).value_or(NAN)));
    if (auto started = text(r_, {"context", "started_at"}); !started.empty()) s += "; started " + started;
    return s;
  }

  // ---- verdict ----

  Section verdict_section() {
    Section s{"verdict", "Verdict", {}};
    json verdict = json::object();
    const auto& invalid = array(r_, {"invalid_reasons"});
    const bool complete = boolean(r_, {"complete"}).value_or(true);
    std::string status = "valid";
    if (!complete) {
      status = "partial";
      s.blocks.push_back(Callout{Tone::kBad, "PARTIAL",
                                 fmt::format("the run stopped early ({}): {} of {} planned rounds ran; the figures "
                                             "below rest on the complete rounds only",
                                             text(r_, {"stop_reason"}, "no reason recorded"),
                                             array(r_, {"rounds"}).size(), array(r_, {"plan"}).size())});
    }
    if (!invalid.empty()) {
      status = "invalid";
      std::vector<std::string> reasons;
      for (const auto& line : invalid)
        if (line.is_string()) reasons.push_back(line.get<std::string>());
      s.blocks.push_back(Callout{Tone::kBad, "INVALID",
                                 "this measurement is invalid and its figures must not be trusted: " + join(reasons, "; ")});
    }
    if (status == "valid" && object(r_, {"design"})) {
      s.blocks.push_back(Callout{Tone::kGood, "Valid measurement",
                                 fmt::format("{:.0f} clean blocks, each one round of every mode in random order; "
                                             "changes are measured inside blocks with 95% intervals, \"~\" = not "
                                             "significant after Holm's correction at alpha {}",
                                             number(r_, {"design", "blocks_clean"}).value_or(0),
                                             number(r_, {"alpha"}).value_or(0.05))});
    } else if (status == "valid") {
      const double rounds = number(r_, {"config", "rounds_per_mode"}).value_or(NAN);
      s.blocks.push_back(Callout{Tone::kGood, "Valid measurement",
                                 fmt::format("{} rounds per mode in randomized balanced order; changes are "
                                             "Hodges-Lehmann shifts against off with 95% intervals, \"~\" = not "
                                             "significant after Holm's correction at alpha {}",
                                             std::isfinite(rounds) ? fmt::format("{:.0f}", rounds) : "?",
                                             number(r_, {"alpha"}).value_or(0.05))});
    }
    verdict["status"] = status;

    const json* overhead = recs_ ? object(*recs_, {"overhead"}) : nullptr;
    const std::optional<double> budget = overhead ? number(*overhead, {"budget_pct"}) : std::nullopt;
    const double budget_pct = budget.value_or(NAN);
    std::vector<Block> budget_notes;  // after the recommendation: they qualify the verdict
    std::vector<std::string> traced;
    for (const auto& m : modes_)
      if (m != "off") traced.push_back(m);

    if (traced.empty() || comparisons_.empty()) {
      s.blocks.push_back(Paragraph{"Overhead", "not measured: the result has no mode to compare against off"});
      missing("comparisons against off: the run had no trace or flightrecorder mode, or too few rounds");
    } else {
      static const char* const kHeadline[] = {"throughput_rps", "latency_p99_ns", "target_cpu_us_per_request"};
      Table t;
      t.header = {"mode", "throughput", "p99 latency", "target CPU per request"};
      t.align = "llll";
      if (budget) {
        t.header.push_back(fmt::format("{:g}% budget", budget_pct));
        t.align += "l";
      }
      for (const auto& mode : traced) {
        std::vector<Cell> row = {Cell(mode)};
        for (const char* metric : kHeadline) {
          const Change* c = find_change(comparisons_, mode, metric);
          row.push_back(c ? Cell(change_text(*c), change_tone(*c)) : Cell("not measured"));
        }
        if (budget) {
          std::string v = "-";
          for (const auto& m : array(*overhead, {"modes"}))
            if (text(m, {"mode"}) == mode) v = text(m, {"verdict"}, "-");
          row.push_back(Cell(v, v == "within" ? Tone::kGood : v == "over" ? Tone::kBad : Tone::kWarn));
        }
        t.rows.push_back(std::move(row));
      }
      t.note = "change against off [95% CI]; \"~\" not significant. For throughput a drop is the cost, for the "
               "others a rise.";
      s.blocks.push_back(std::move(t));
      json modes_json = json::array();
      for (const auto& mode : traced) {
        auto [sentence, mj] = mode_sentence(mode);
        s.blocks.push_back(Paragraph{mode, sentence});
        modes_json.push_back(mj);
      }
      verdict["modes"] = modes_json;
      if (auto nf = noise_sentence(); !nf.empty()) s.blocks.push_back(Paragraph{"Resolution", nf});
      if (budget) {
        verdict["budget_pct"] = budget_pct;
        for (const auto& note : array(*overhead, {"notes"}))
          if (note.is_string()) budget_notes.push_back(Paragraph{"Budget", note.get<std::string>()});
      } else if (recs_) {
        budget_notes.push_back(Paragraph{"Budget", "none given, so no pass/fail verdict (tracebench run --budget 2%, "
                                                   "or tracebench check RESULT for a CI gate)"});
      }
    }

    verdict["recommendation"] = recommendation_blocks(s);
    s.blocks.insert(s.blocks.end(), budget_notes.begin(), budget_notes.end());
    const std::size_t warnings = array(r_, {"warnings"}).size() + derived_warnings().size();
    if (warnings > 0)
      s.blocks.push_back(Callout{Tone::kWarn, "Warnings",
                                 fmt::format("{} warning{} about this run: see Context", warnings, warnings == 1 ? "" : "s")});
    data_["verdict"] = verdict;
    return s;
  }

  std::pair<std::string, json> mode_sentence(const std::string& mode) const {
    std::vector<std::string> costs, gains, likely;
    json mj = {{"mode", mode}, {"changes", json::array()}};
    std::optional<double> worst;
    std::string worst_metric;
    for (const auto& c : comparisons_) {
      if (c.mode != mode) continue;
      const auto cost = c.cost();
      const auto cost_high = c.cost_high();
      mj["changes"].push_back({{"metric", c.metric},
                               {"delta_pct", c.delta ? json(*c.delta) : json(nullptr)},
                               {"ci_low_pct", c.low ? json(*c.low) : json(nullptr)},
                               {"ci_high_pct", c.high ? json(*c.high) : json(nullptr)},
                               {"p_adjusted", c.p_adj ? json(*c.p_adj) : json(nullptr)},
                               {"significant", c.significant},
                               {"cost_pct", cost ? json(*cost) : json(nullptr)},
                               {"cost_high_pct", cost_high ? json(*cost_high) : json(nullptr)}});
      const std::string figure = fmt::format("{} {} [{}, {}]", metric_label(c.metric), percent_text(c.delta.value_or(NAN)),
                                             percent_text(c.low.value_or(NAN)), percent_text(c.high.value_or(NAN)));
      if (c.significant && cost && *cost > 0) costs.push_back(figure);
      if (c.significant && cost && *cost < 0) gains.push_back(figure);
      if (!c.significant && c.cost_low() && *c.cost_low() > 0) likely.push_back(figure);
      if (cost_high && (!worst || *cost_high > *worst)) {
        worst = cost_high;
        worst_metric = c.metric;
      }
    }
    std::string s;
    if (!costs.empty()) {
      s = "costs " + join(costs, ", ") + " (significant after Holm's correction)";
    } else if (!likely.empty()) {
      s = "no change significant after Holm's correction, but the 95% intervals lie wholly on the costly side for " +
          join(likely, ", ") + ": a likely cost that this many rounds cannot confirm";
    } else {
      s = "no significant cost on any metric";
      if (worst && *worst > 0)
        s += fmt::format("; the 95% intervals still allow a cost of up to {} on {}", percent_text(*worst),
                         metric_label(worst_metric));
    }
    if (!gains.empty())
      s += "; measured better than off on " + join(gains, ", ") + " (drift or noise more likely than a gain)";
    mj["significant_costs"] = costs;
    mj["likely_costs"] = likely;
    mj["worst_cost_high_pct"] = worst ? json(*worst) : json(nullptr);
    mj["worst_cost_metric"] = worst ? json(worst_metric) : json(nullptr);
    const json* overhead = recs_ ? object(*recs_, {"overhead"}) : nullptr;
    mj["budget_verdict"] = nullptr;
    if (overhead)
      for (const auto& m : array(*overhead, {"modes"}))
        if (text(m, {"mode"}) == mode && at(m, {"verdict"}) && at(m, {"verdict"})->is_string())
          mj["budget_verdict"] = text(m, {"verdict"});
    return {s + ".", mj};
  }

  std::string noise_sentence() const {
    std::optional<double> widest;
    std::string metric;
    for (const auto& c : noise_) {
      if (!c.low || !c.high) continue;
      const double w = std::max(std::fabs(*c.low), std::fabs(*c.high));
      if (!widest || w > *widest) {
        widest = w;
        metric = c.metric;
      }
    }
    if (!widest) return {};
    return fmt::format("off against off ({}) moved by up to ±{:.1f}% on {}: changes smaller than "
                       "this run's noise floor cannot be told apart here (more rounds, a quieter machine)",
                       object(r_, {"design"}) ? "adjacent blocks" : "alternate rounds", *widest, metric_label(metric));
  }

  // The flight-recorder entry to headline: the verified window, else 10 s, else the first.
  const json* pick_flight_recorder() const {
    const auto& frs = array(*recs_, {"flight_recorder"});
    if (frs.empty()) return nullptr;
    std::vector<double> wanted;
    if (verification_)
      if (auto w = number(*verification_, {"window_s"})) wanted.push_back(*w);
    wanted.push_back(10);
    for (double want : wanted)
      for (const auto& f : frs)
        if (std::fabs(number(f, {"window_s"}).value_or(-1) - want) < 1e-9) return &f;
    return &frs[0];
  }

  json recommendation_blocks(Section& s) {
    json out = json::object();
    if (!recs_) {
      s.blocks.push_back(Callout{Tone::kWarn, "Recommendation",
                                 "none in this result: it has no \"recommendations\" object (written by a "
                                 "tracebench without sizing); tracebench size RESULT computes them"});
      missing("recommendations (flight-recorder size, capture window, overhead budget verdict): no "
              "\"recommendations\" object in the result");
      return nullptr;
    }
    if (const json* fr = pick_flight_recorder()) {
      const double window = number(*fr, {"window_s"}).value_or(NAN);
      std::string line = fmt::format("flight recorder MinAge {}, MaxBytes {} for a {} window",
                                     seconds_text(number(*fr, {"min_age_s"}).value_or(NAN)),
                                     text(*fr, {"max_bytes_text"},
                                          binary_size_text(number(*fr, {"max_bytes"}).value_or(NAN))),
                                     seconds_text(window));
      if (const json* rate = object(*recs_, {"rate"}))
        line += fmt::format(", sized for the highest measured rate {}",
                            bytes_rate_text(number(*rate, {"upper_bytes_per_s"}).value_or(NAN)));
      out["flight_recorder"] = {{"window_s", window},
                                {"min_age_s", number(*fr, {"min_age_s"}) ? json(*number(*fr, {"min_age_s"})) : json(nullptr)},
                                {"max_bytes", number(*fr, {"max_bytes"}) ? json(*number(*fr, {"max_bytes"})) : json(nullptr)},
                                {"verified", nullptr}};
      if (verification_) {
        const std::string status = text(*verification_, {"status"}, "?");
        out["flight_recorder"]["verified"] = status == "verified";
        if (status == "verified") {
          line = fmt::format("flight recorder MinAge {}, MaxBytes {} for a {} window; verified on the real runtime: "
                             "a snapshot held {}",
                             seconds_text(number(*verification_, {"min_age_s"}).value_or(NAN)),
                             binary_size_text(number(*verification_, {"final_max_bytes"}).value_or(NAN)),
                             seconds_text(number(*verification_, {"window_s"}).value_or(NAN)),
                             seconds_text(number(*verification_, {"achieved_window_s"}).value_or(NAN)));
          out["flight_recorder"]["max_bytes"] = number(*verification_, {"final_max_bytes"}).value_or(NAN);
          out["flight_recorder"]["min_age_s"] = number(*verification_, {"min_age_s"}).value_or(NAN);
          out["flight_recorder"]["window_s"] = number(*verification_, {"window_s"}).value_or(NAN);
        } else {
          line += fmt::format("; verification {}: {}", status, text(*verification_, {"reason"}, "no reason given"));
        }
      } else {
        line += " (not verified: tracebench run --verify-window " + seconds_text(window) + " checks it on the target)";
      }
      s.blocks.push_back(Paragraph{"Recommendation", line});
    }
    // The capture window for the middle budget (50 MB by default).
    const auto& caps = array(*recs_, {"capture_windows"});
    if (!caps.empty()) {
      const json& c = caps[caps.size() / 2];
      if (number(c, {"seconds"}).value_or(0) > 0) {
        s.blocks.push_back(Paragraph{
            "Capture", fmt::format("{} keeps a file under {} (about {} at the median rate)", text(c, {"query"}, "?"),
                                   decimal_size_text(number(c, {"budget_bytes"}).value_or(NAN)),
                                   decimal_size_text(number(c, {"expected_bytes"}).value_or(NAN)))});
        out["capture"] = {{"budget_bytes", number(c, {"budget_bytes"}).value_or(NAN)},
                          {"seconds", number(c, {"seconds"}).value_or(NAN)},
                          {"query", text(c, {"query"})}};
      }
    }
    for (const auto& m : array(*recs_, {"missing"}))
      if (m.is_string() && m.get<std::string>().rfind("no flight-recorder sizes", 0) == 0)
        s.blocks.push_back(Paragraph{"Recommendation", m.get<std::string>()});
    return out;
  }

  // ---- overhead ----

  static std::string design_sentence(const json& d) {
    const auto clean = number(d, {"blocks_clean"}).value_or(0);
    const auto dropped = number(d, {"blocks_dropped"}).value_or(0);
    const std::string rule = text(d, {"stop_rule"});
    const auto hw = number(d, {"widest_half_width_pct"});
    const auto goal = number(d, {"precision_pct"});
    std::string out = fmt::format("{:.0f} clean blocks (one round of each mode, in random order)", clean);
    if (dropped > 0) out += fmt::format(", {:.0f} dropped and run again", dropped);
    out += fmt::format("; {:.0f} s in all; stopped: {}", number(d, {"wall_s"}).value_or(0), rule.empty() ? "-" : rule);
    if (hw) out += fmt::format("; widest 95% interval ±{:.2f}%", *hw);
    if (goal) out += fmt::format(" (goal ±{}%)", *goal);
    return out + ".";
  }

  Section overhead_section() {
    Section s{"overhead", "Overhead against off", {}};
    // A blocked run's result says how it was run and bounds every cost; an older one has neither.
    const json* design = object(r_, {"design"});
    const bool bounded = std::any_of(comparisons_.begin(), comparisons_.end(),
                                     [](const Change& c) { return c.cost_bound().has_value(); });
    if (design) s.blocks.push_back(Paragraph{"Design", design_sentence(*design)});
    Table t;
    t.header = {"metric", "mode", "median", "95% CI", "n", "change vs off", "p (Holm)", "p (raw)"};
    t.align = "llrlrlrr";
    if (bounded) {
      t.header.push_back("cost at most");
      t.align += "r";
    }
    for (const auto& m : metrics()) {
      bool first = true;
      for (const auto& mode : modes_) {
        const json* mj = object(r_, {"modes", mode});
        const auto iv = mj ? interval_from(at(*mj, m.path)) : std::nullopt;
        if (!iv) continue;
        std::vector<Cell> row = {Cell(first ? m.label : ""), Cell(mode), Cell(m.format(iv->median)),
                                 Cell(interval_text(*iv, m.format)), Cell(fmt::format("{}", iv->n))};
        first = false;
        if (const Change* c = find_change(comparisons_, mode, m.metric)) {
          row.push_back(Cell(change_text(*c), change_tone(*c)));
          row.push_back(Cell(p_value_text(c->p_adj.value_or(NAN))));
          row.push_back(Cell(p_value_text(c->p_raw.value_or(NAN))));
          if (bounded) row.push_back(Cell(c->cost_bound() ? percent_text(*c->cost_bound()) : std::string("-")));
        } else {
          row.insert(row.end(), {Cell(""), Cell(""), Cell("")});
          if (bounded) row.push_back(Cell(""));
        }
        t.rows.push_back(std::move(row));
      }
      if (first && std::string(m.metric) == "target_cpu_us_per_request")
        missing("target CPU per request: not measured (the target's process was not found on this machine; "
                "pass --target-pid or --exec)");
    }
    t.note = bounded
                 ? fmt::format("median of the rounds with its 95% CI; change = inside blocks, Hodges-Lehmann of the "
                               "blocks' log ratios with its 95% CI and signed-rank p; \"~\" = not significant after "
                               "Holm's correction over {} comparisons at alpha {}; cost at most = one-sided 95% bound "
                               "on the rise (drop, for throughput) (docs/statistics.md)",
                               comparisons_.size(), number(r_, {"alpha"}).value_or(0.05))
                 : fmt::format("median of the rounds with its 95% CI; change = Hodges-Lehmann shift in % of off's "
                               "median with its 95% CI; \"~\" = not significant after Holm's correction over {} "
                               "comparisons at alpha {} (docs/statistics.md)",
                               comparisons_.size(), number(r_, {"alpha"}).value_or(0.05));
    if (t.rows.empty())
      s.blocks.push_back(Paragraph{"", "No mode has statistics in this result."});
    else
      s.blocks.push_back(std::move(t));
    add_plot(s, "rounds_throughput");
    add_plot(s, "rounds_cpu");
    return s;
  }

  // ---- latency ----

  Section latency_section() {
    Section s{"latency", "Latency", {}};
    Table t;
    t.header = {"mode", "requests", "mean", "p50", "p90", "p99", "p99.9", "max"};
    t.align = "lrrrrrrr";
    for (const auto& mode : modes_) {
      const json* all = object(r_, {"modes", mode, "latency_all_rounds_ns"});
      if (!all) continue;
      auto d = [&](const char* k) { return or_dash(number(*all, {k}), duration_ns_text); };
      t.rows.push_back({Cell(mode), Cell(fmt::format("{:.0f}", number(*all, {"count"}).value_or(0))), Cell(d("mean")),
                        Cell(d("p50")), Cell(d("p90")), Cell(d("p99")), Cell(d("p999")), Cell(d("max"))});
    }
    if (t.rows.empty()) {
      s.blocks.push_back(Paragraph{"", "The result has no merged latency percentiles (latency_all_rounds_ns)."});
      missing("merged latency percentiles and spectrum (modes.<mode>.latency_all_rounds_ns, latency_spectrum)");
    } else {
      t.note = "every round's requests merged, for the shape of the distribution only; the comparisons use "
               "per-round figures";
      s.blocks.push_back(std::move(t));
    }
    add_plot(s, "latency_spectrum");
    return s;
  }

  // ---- trace data ----

  Section trace_section() {
    Section s{"trace-data", "Trace data", {}};
    Table t;
    t.header = {"mode", "what", "bytes [95% CI]", "bytes/s [95% CI]", "events/s [95% CI]", "window held"};
    t.align = "llllll";
    for (const auto& mode : modes_) {
      const json* mj = object(r_, {"modes", mode});
      if (!mj) continue;
      auto bytes = interval_at(*mj, {"trace_bytes"});
      auto rate = interval_at(*mj, {"trace_bytes_per_s"});
      auto events = interval_at(*mj, {"trace_events_per_s"});
      auto window = interval_at(*mj, {"fr_window_s"});
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
    if (auto go = text(r_, {"context", "target_go_version"}); !go.empty())
      s.blocks.push_back(Paragraph{"Target Go version", go + " (from the trace header)"});
    add_plot(s, "trace_rate");

    std::vector<std::string> files, errors;
    for (const auto& r : array(r_, {"rounds"}))
      for (const char* key : {"trace", "snapshot"}) {
        const json* f = object(r, {key});
        if (!f) continue;
        if (auto file = text(*f, {"file"}); !file.empty()) files.push_back(file);
        if (auto err = text(*f, {"read_error"}); !err.empty())
          errors.push_back(fmt::format("round {}: {}", static_cast<long>(number(r, {"index"}).value_or(-1)), err));
      }
    s.blocks.push_back(Heading{"Event mix by category"});
    const auto mixes = event_mix(r_);
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
    if (!errors.empty()) {
      s.blocks.push_back(Heading{"Traces that could not be read"});
      s.blocks.push_back(BulletList{errors});
    }
    return s;
  }

  static Table event_mix_table(const std::vector<ModeMix>& mixes) {
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

  std::string parse_speed_text() const {
    std::vector<std::string> parts;
    for (const auto& mode : modes_) {
      const auto iv = interval_at(r_, {"modes", mode, "parse_mb_per_s"});
      if (!iv) continue;
      parts.push_back(fmt::format("{} {:.0f} MB/s{}", mode, iv->median,
                                  iv->low && iv->high ? fmt::format(" [{:.0f}, {:.0f}]", *iv->low, *iv->high) : ""));
    }
    if (parts.empty()) return {};
    return "tracebench's reader parsed the files at " + join(parts, ", ") +
           " (median per file [95% CI]); a capture's time to open scales with its size";
  }

  // ---- sizing ----

  Section sizing_section() {
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

  void capture_blocks(Section& s) {
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

  void budget_blocks(Section& s) {
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
        t.rows.push_back(
            {Cell(first ? text(m, {"mode"}) : ""), Cell(metric_label(text(x, {"metric"}))),
             Cell(or_dash(number(x, {"cost_pct"}), percent_text)),
             Cell(fmt::format("[{}, {}]", or_dash(number(x, {"cost_low_pct"}), percent_text),
                              or_dash(number(x, {"cost_high_pct"}), percent_text))),
             Cell(or_dash(number(x, {"noise_floor_pct"}), [](double v) { return fmt::format("±{:.1f}%", v); })),
             Cell(verdict, verdict == "within" ? Tone::kGood : verdict == "over" ? Tone::kBad : Tone::kPlain)});
        first = false;
      }
    }
    t.note = "cost: throughput drop, latency and CPU-per-request rise; a budget is met only when the whole 95% "
             "interval lies below it (tracebench check gates on the same bounds)";
    s.blocks.push_back(std::move(t));
  }

  void verification_blocks(Section& s) {
    s.blocks.push_back(Heading{"Verification on the real runtime"});
    if (!verification_) {
      s.blocks.push_back(Paragraph{"", "No verification in this result: tracebench run --verify-window 10s runs the "
                                       "flight recorder with the recommended size under load and reads the window a "
                                       "real snapshot holds."});
      missing("verification of a recommended flight-recorder size (tracebench run --verify-window W)");
      return;
    }
    const std::string status = text(*verification_, {"status"}, "?");
    const Tone tone = status == "verified" ? Tone::kGood : status == "skipped" ? Tone::kWarn : Tone::kBad;
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

  // ---- noise floor ----

  Section noise_section() {
    Section s{"noise-floor", "Noise floor", {}};
    if (noise_.empty()) {
      s.blocks.push_back(Paragraph{"", "Not in this result (it needs at least two off rounds a side)."});
      missing("noise floor (off against off)");
      return s;
    }
    Table t;
    t.header = {"metric", "off vs off [95% CI]", "p (Holm)", "n"};
    t.align = "llrr";
    for (const auto& c : noise_)
      t.rows.push_back({Cell(metric_label(c.metric)), Cell(change_text(c)), Cell(p_value_text(c.p_adj.value_or(NAN))),
                        Cell(fmt::format("{}+{}", c.n_base, c.n_mode))});
    t.note = object(r_, {"design"})
                 ? "off of each even block against off of the block after it, compared like a mode (an A/A inside "
                   "the design): the change this run would \"see\" with no change at all; its interval is the run's "
                   "resolution"
                 : "the off rounds split in two (alternate rounds) and compared like a mode: the change this run "
                   "would \"see\" with no change at all; its interval is the run's resolution";
    s.blocks.push_back(std::move(t));
    return s;
  }

  // ---- rounds ----

  Section rounds_section() {
    Section s{"rounds", "Rounds", {}};
    const auto& rounds = array(r_, {"rounds"});
    if (rounds.empty()) {
      s.blocks.push_back(Paragraph{"", "The result lists no rounds."});
      missing("per-round records (rounds[])");
      return s;
    }
    Table t;
    t.header = {"#", "mode", "req/s", "p50", "p99", "p99.9", "errors", "target CPU/req", "tracebench CPU/req",
                "send lag p99", "target RSS", "trace bytes/s"};
    t.align = "rlrrrrrrrrrr";
    for (const auto& r : rounds) {
      const bool complete = round_complete(r);
      std::string rate = "-";
      for (const char* key : {"trace", "snapshot"})
        if (auto b = number(r, {key, "bytes_per_s"})) rate = bytes_rate_text(*b);
      const double errors = number(r, {"errors"}).value_or(0);
      t.rows.push_back({Cell(fmt::format("{:.0f}", number(r, {"index"}).value_or(-1))),
                        Cell(text(r, {"mode"}, "?") + (complete ? "" : " (cut short)"), complete ? Tone::kPlain : Tone::kWarn),
                        Cell(or_dash(number(r, {"throughput_rps"}), [](double v) { return fmt::format("{:.0f}", v); })),
                        Cell(or_dash(number(r, {"latency_ns", "p50"}), duration_ns_text)),
                        Cell(or_dash(number(r, {"latency_ns", "p99"}), duration_ns_text)),
                        Cell(or_dash(number(r, {"latency_ns", "p999"}), duration_ns_text)),
                        Cell(fmt::format("{:.0f}", errors), errors > 0 ? Tone::kWarn : Tone::kPlain),
                        Cell(or_dash(number(r, {"target_cpu_us_per_request"}), cpu_us_text)),
                        Cell(or_dash(number(r, {"generator_cpu_us_per_request"}), cpu_us_text)),
                        Cell(or_dash(number(r, {"send_lag_p99_ns"}), duration_ns_text)),
                        Cell(or_dash(number(r, {"target_rss_bytes"}), binary_size_text)), Cell(rate)});
    }
    t.note = "in run order; a round cut short is listed but left out of the statistics";
    s.blocks.push_back(std::move(t));
    return s;
  }

  // ---- context ----

  // Warnings this report derives from the rounds, beside the ones the run wrote.
  std::vector<std::string> derived_warnings() const {
    std::vector<std::string> out;
    const double cpus = number(r_, {"context", "cpus"}).value_or(NAN);
    if (const auto& gen = run_.generator; gen.competes_for_cpu && gen.core_share) {
      std::string w = fmt::format("the generator used {} of a CPU (median over rounds)", share_text(*gen.core_share));
      if (std::isfinite(cpus) && cpus <= 4)
        w += fmt::format(" on a host with {:.0f} CPUs: it competes with the target for CPU", cpus);
      w += "; pin them apart (tracebench run --exec CMD --pin) or run tracebench on another machine";
      out.push_back(w);
    }
    double errors = 0;
    std::size_t rounds_with_errors = 0;
    std::map<std::string, double> by_kind;  // results before errors_by_kind have the totals only
    for (const auto& r : array(r_, {"rounds"}))
      if (double e = number(r, {"errors"}).value_or(0); e > 0) {
        errors += e;
        ++rounds_with_errors;
        if (const auto* kinds = object(r, {"errors_by_kind"}))
          for (const auto& [kind, n] : kinds->items())
            if (n.is_number() && n.get<double>() > 0) by_kind[kind] += n.get<double>();
      }
    std::string kinds;
    for (const auto& [kind, n] : by_kind) kinds += fmt::format("{}{} {:.0f}", kinds.empty() ? "" : ", ", kind, n);
    if (errors > 0)
      out.push_back(fmt::format("{:.0f} requests failed in {} round{}{} (see Rounds): latency and throughput count "
                                "only answered requests",
                                errors, rounds_with_errors, rounds_with_errors == 1 ? "" : "s",
                                kinds.empty() ? "" : " (" + kinds + ")"));
    if (text(r_, {"context", "build_type"}) == "debug")
      out.push_back("tracebench was a debug build: its own overhead distorts the figures");
    return out;
  }

  Section context_section() {
    Section s{"context", "Context", {}};
    Table host = host_table(r_);
    if (text(r_, {"context", "target_go_version"}).empty())
      missing("target Go version (read from a trace header: no trace was read)");
    if (const auto& gen = run_.generator.core_share)
      host.rows.push_back({Cell("tracebench CPU"), Cell(fmt::format("{} of a CPU (median over rounds)", share_text(*gen)))});
    if (auto tgt = target_cpu_share(run_))
      host.rows.push_back({Cell("target CPU"), Cell(fmt::format("{} of a CPU (median over rounds)", share_text(*tgt)))});
    s.blocks.push_back(std::move(host));
    if (auto cmd = command_line_block(r_)) s.blocks.push_back(*cmd);

    s.blocks.push_back(Heading{"Configuration"});
    s.blocks.push_back(config_table(r_));

    std::vector<std::string> skipped;
    for (const auto& m : array(r_, {"skipped_modes"}))
      skipped.push_back(fmt::format("{}: {}", text(m, {"mode"}, "?"), text(m, {"reason"}, "no reason recorded")));
    if (!skipped.empty()) {
      s.blocks.push_back(Heading{"Skipped modes"});
      s.blocks.push_back(BulletList{skipped});
    }

    for (const auto& w : array(r_, {"warnings"}))
      if (w.is_string()) warnings_.push_back(w.get<std::string>());
    for (const auto& w : derived_warnings()) warnings_.push_back(w);
    for (auto& b : warnings_and_gaps_blocks(warnings_, missing_)) s.blocks.push_back(std::move(b));
    return s;
  }
};

}  // namespace

Document build_run_document(const nlohmann::json& result) { return Builder(result).build(); }

}  // namespace tracebench::reports
