#include "sizing/result_rates.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "result/schema.h"

namespace tracebench::sizing {

using nlohmann::json;

std::optional<double> number_at(const json& j, const std::vector<std::string>& path) {
  const json* node = &j;
  for (const auto& key : path) {
    if (!node->is_object()) return std::nullopt;
    auto it = node->find(key);
    if (it == node->end()) return std::nullopt;
    node = &*it;
  }
  if (!node->is_number()) return std::nullopt;
  const double v = node->get<double>();
  return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

std::string check_run_result(const json& document) {
  using result::SchemaKind;
  const result::SchemaCheck schema = result::check_schema(document);
  switch (schema.kind) {
    case SchemaKind::kRun: break;
    case SchemaKind::kNotObject: return "not a JSON object: not a tracebench result";
    case SchemaKind::kMissing:
    case SchemaKind::kNotString: return "no \"schema\" field: not a tracebench result";
    case SchemaKind::kSweep:
    case SchemaKind::kOtherSweepVersion:
      return fmt::format("schema \"{}\" is a sweep result; size reads a run result ({}): the sweep's model "
                         "holds its own predictions (tracebench sweep --production-rate R)",
                         schema.schema, result::kRunSchema);
    case SchemaKind::kOtherRunVersion:
      return fmt::format("schema \"{}\" is another version of the run result; this tracebench reads {}",
                         schema.schema, result::kRunSchema);
    case SchemaKind::kOtherTracebench:
    case SchemaKind::kForeign:
      return fmt::format("schema \"{}\" is not a tracebench run result ({})", schema.schema, result::kRunSchema);
  }
  try {
    result::read_run_result(document);
  } catch (const result::FormatError& e) {
    return e.what();
  }
  return {};
}

namespace {

bool counted(const result::RoundView& r) { return r.complete.value_or(true); }

// Per-round rates of one mode's complete rounds, from their trace or snapshot facts.
std::vector<double> round_rates(const result::RunResultView& run, const std::string& mode,
                                std::optional<result::TraceFactsView> result::RoundView::*facts) {
  std::vector<double> out;
  for (const auto& r : run.rounds) {
    if (r.mode != mode || !counted(r) || !(r.*facts)) continue;
    if (auto v = (r.*facts)->bytes_per_s; v && *v > 0) out.push_back(*v);
  }
  return out;
}

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

const result::Interval* bytes_per_s_of(const result::RunResultView& run, const char* mode) {
  const result::ModeView* m = run.mode(mode);
  return m ? &m->trace_bytes_per_s : nullptr;
}

}  // namespace

std::string check_result_rates(const result::RunResultView& run) {
  auto bad = [](double v, const std::string& where) {
    return !(v >= 0 && v <= kMaxBytesPerSec)
               ? fmt::format("{} = {:g} is out of range: expected a trace rate from 0 to 10 GB/s (bytes per second)",
                             where, v)
               : std::string();
  };
  for (const char* mode : {"trace", "flightrecorder"}) {
    const result::Interval* rate = bytes_per_s_of(run, mode);
    if (!rate) continue;
    for (const auto& [key, v] : {std::pair{"median", rate->median}, {"ci_low", rate->ci_low}, {"ci_high", rate->ci_high}})
      if (v)
        if (auto why = bad(*v, fmt::format("modes.{}.trace_bytes_per_s.{}", mode, key)); !why.empty()) return why;
  }
  for (std::size_t i = 0; i < run.rounds.size(); ++i) {
    const result::RoundView& r = run.rounds[i];
    for (const auto& [facts, name] : {std::pair{&r.trace, "trace"}, {&r.snapshot, "snapshot"}})
      if (*facts && (*facts)->bytes_per_s)
        if (auto why = bad(*(*facts)->bytes_per_s, fmt::format("rounds[{}].{}.bytes_per_s", i, name)); !why.empty())
          return why;
  }
  return {};
}

std::string check_result_rates(const json& document) { return check_result_rates(result::read_run_result(document)); }

namespace {

// One source's rate, as measured_rate describes; nullopt when it has none.
std::optional<MeasuredRate> rate_of(const result::RunResultView& run, const char* mode,
                                    std::optional<result::TraceFactsView> result::RoundView::*facts) {
  MeasuredRate m;
  m.source = mode;
  m.round_bytes_per_s = round_rates(run, mode, facts);
  const result::ModeView* summary = run.mode(mode);
  const result::Interval rate = summary ? summary->trace_bytes_per_s : result::Interval{};
  if (rate.median && *rate.median > 0) {
    m.median_bytes_per_s = *rate.median;
  } else if (!m.round_bytes_per_s.empty()) {
    m.median_bytes_per_s = median_of(m.round_bytes_per_s);
  } else {
    return std::nullopt;
  }
  m.ci_low = rate.ci_low;
  m.ci_high = rate.ci_high;
  if (summary) m.events_per_s_median = summary->trace_events_per_s.median;
  m.basis.median_bytes_per_s = m.median_bytes_per_s;
  const std::string what = std::string(mode) == "trace" ? "pprof capture" : "flight-recorder snapshot";
  if (m.round_bytes_per_s.size() >= 2) {
    m.basis.upper_bytes_per_s = *std::max_element(m.round_bytes_per_s.begin(), m.round_bytes_per_s.end());
    m.upper_basis = fmt::format("the highest of {} {} rounds", m.round_bytes_per_s.size(), what);
  } else if (m.ci_high && *m.ci_high > m.median_bytes_per_s) {
    m.basis.upper_bytes_per_s = *m.ci_high;
    m.upper_basis = fmt::format("the 95% CI high of the {} rounds' median", what);
  } else {
    m.basis.upper_bytes_per_s = m.median_bytes_per_s * kAssumedSpread;
    m.upper_basis = fmt::format("the {} rounds' median × {} (spread not measured: fewer than 2 rounds)", what,
                                kAssumedSpread);
  }
  m.basis.upper_bytes_per_s = std::max(m.basis.upper_bytes_per_s, m.median_bytes_per_s);
  return m;
}

std::string rate_words(double bytes_per_s) { return fmt::format("{:.2f} MiB/s", bytes_per_s / (1 << 20)); }

}  // namespace

std::optional<MeasuredRate> measured_rate(const result::RunResultView& run, std::string* why_missing) {
  if (std::string bad = check_result_rates(run); !bad.empty()) {
    if (why_missing) *why_missing = bad;
    return std::nullopt;
  }
  auto trace = rate_of(run, "trace", &result::RoundView::trace);
  auto fr = rate_of(run, "flightrecorder", &result::RoundView::snapshot);
  if (trace && fr) {
    // MaxBytes bounds the recorder's bytes, so its own rate is the one to size from; the
    // capture's is used instead only when it is the higher (never size below either).
    const bool use_fr = fr->basis.upper_bytes_per_s >= trace->basis.upper_bytes_per_s;
    MeasuredRate& chosen = use_fr ? *fr : *trace;
    const MeasuredRate& other = use_fr ? *trace : *fr;
    chosen.other_source = other.source;
    chosen.other_median_bytes_per_s = other.median_bytes_per_s;
    chosen.other_upper_bytes_per_s = other.basis.upper_bytes_per_s;
    chosen.upper_basis += use_fr ? fmt::format(": the flight recorder's own rate, the higher of the two (the pprof "
                                               "captures' highest was {})",
                                               rate_words(other.basis.upper_bytes_per_s))
                                 : fmt::format(": the pprof captures' rate, the higher of the two (the flight "
                                               "recorder's snapshots' highest was {})",
                                               rate_words(other.basis.upper_bytes_per_s));
    return chosen;
  }
  if (fr) {
    fr->upper_basis += ": the flight recorder's own rate (the run had no pprof capture rate)";
    return fr;
  }
  if (trace) {
    trace->upper_basis += ": the pprof captures' rate (the run had no flight-recorder snapshot rate)";
    return trace;
  }
  if (why_missing) {
    const bool ran_trace = run.mode("trace") || run.mode("flightrecorder");
    *why_missing = ran_trace ? "the run's trace and flight-recorder rounds measured no trace rate (every capture "
                               "failed or was empty)"
                             : "the run had neither the trace nor the flightrecorder mode, so no trace rate was "
                               "measured (run with --modes off,trace or pass --bytes-per-sec to tracebench size)";
  }
  return std::nullopt;
}

std::optional<MeasuredRate> measured_rate(const json& document, std::string* why_missing) {
  return measured_rate(result::read_run_result(document), why_missing);
}

MeasuredRate given_rate(double bytes_per_s) {
  MeasuredRate m;
  m.source = "given";
  m.median_bytes_per_s = bytes_per_s;
  m.basis.median_bytes_per_s = bytes_per_s;
  m.basis.upper_bytes_per_s = bytes_per_s * kAssumedSpread;
  m.upper_basis = fmt::format("the given rate × {} (assumed: a given rate has no measured spread)", kAssumedSpread);
  return m;
}

std::optional<double> result_parse_mb_per_s(const result::RunResultView& run) {
  const result::ModeView* trace = run.mode("trace");
  if (trace && trace->parse_mb_per_s && *trace->parse_mb_per_s > 0) return trace->parse_mb_per_s;
  return std::nullopt;
}

std::optional<double> result_parse_mb_per_s(const json& document) {
  return result_parse_mb_per_s(result::read_run_result(document));
}

}  // namespace tracebench::sizing
