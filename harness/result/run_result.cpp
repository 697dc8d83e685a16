#include "result/run_result.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "result/json_fields.h"
#include "result/schema.h"

namespace tracebench::result {
namespace {

using nlohmann::json;

using fields::boolean;
using fields::find;
using fields::lines;
using fields::number;
using fields::objects;
using fields::text;

Interval interval(const json& object, std::string_view key) {
  const json* v = find(object, key);
  if (!v) return {};
  return {number(*v, "median"), number(*v, "ci_low"), number(*v, "ci_high"), number(*v, "n"), number(*v, "ci_coverage")};
}

ModeView read_mode(const std::string& name, const json& m) {
  ModeView v;
  v.name = name;
  v.rounds = number(m, "rounds");
  v.throughput_rps = interval(m, "throughput_rps");
  const json* latency = find(m, "latency_ns");
  if (latency) {
    v.latency_p50_ns = interval(*latency, "p50");
    v.latency_p99_ns = interval(*latency, "p99");
    v.latency_p999_ns = interval(*latency, "p999");
  }
  v.target_cpu_us_per_request = interval(m, "target_cpu_us_per_request");
  const json* cpu = find(m, "target_cpu_us_per_request");
  v.target_cpu_measured = cpu && !cpu->is_null();
  v.trace_bytes = interval(m, "trace_bytes");
  v.trace_bytes_per_s = interval(m, "trace_bytes_per_s");
  v.trace_events_per_s = interval(m, "trace_events_per_s");
  v.fr_window_s = interval(m, "fr_window_s");
  v.user_cpu_us_per_request = interval(m, "user_cpu_us_per_request");
  v.gc_cpu_us_per_request = interval(m, "gc_cpu_us_per_request");
  v.scavenge_cpu_us_per_request = interval(m, "scavenge_cpu_us_per_request");
  v.gc_cycles_per_1k_requests = interval(m, "gc_cycles_per_1k_requests");
  v.sched_latency_p50_ns = interval(m, "sched_latency_p50_ns");
  v.sched_latency_p99_ns = interval(m, "sched_latency_p99_ns");
  v.parse_mb_per_s_interval = interval(m, "parse_mb_per_s");
  v.parse_mb_per_s = v.parse_mb_per_s_interval.median;
  if (!v.parse_mb_per_s) v.parse_mb_per_s = number(m, "parse_mb_per_s");
  if (const json* all = fields::object(m, "latency_all_rounds_ns"))
    v.latency_all_rounds_ns = LatencySummaryView{number(*all, "count"), number(*all, "mean"), number(*all, "p50"),
                                                 number(*all, "p90"),   number(*all, "p99"),  number(*all, "p999"),
                                                 number(*all, "max")};
  if (const json* spectrum = find(m, "latency_spectrum"); spectrum && spectrum->is_array())
    for (const auto& p : *spectrum)
      if (p.is_array() && p.size() >= 2 && p[0].is_number() && p[1].is_number())
        v.latency_spectrum.emplace_back(p[0].get<double>(), p[1].get<double>());
  if (const json* mix = fields::object(m, "trace_event_mix"))
    for (const auto& [category, counts] : mix->items())
      v.trace_event_mix.push_back(
          {category, number(counts, "events").value_or(0), number(counts, "bytes").value_or(0)});
  return v;
}

ComparisonView read_comparison(const json& c) {
  ComparisonView v;
  v.mode = text(c, "mode");
  v.metric = text(c, "metric");
  v.breakdown = text(c, "family") == "breakdown";
  v.delta_pct = number(c, "delta_pct");
  v.ci_low_pct = number(c, "ci_low_pct");
  v.ci_high_pct = number(c, "ci_high_pct");
  v.bound_low_pct = number(c, "bound_low_pct");
  v.bound_high_pct = number(c, "bound_high_pct");
  v.p_value = number(c, "p_value");
  v.p_adjusted = number(c, "p_adjusted");
  v.n_base = number(c, "n_base");
  v.n_mode = number(c, "n_mode");
  v.n_blocks = number(c, "n_blocks");
  v.significant = boolean(c, "significant").value_or(false);
  v.speed_adjusted = boolean(c, "speed_adjusted").value_or(false);
  return v;
}

std::optional<TraceFactsView> read_facts(const json& r, std::string_view key) {
  const json* f = find(r, key);
  if (!f || !f->is_object()) return std::nullopt;
  return TraceFactsView{number(*f, "bytes_per_s"), number(*f, "bytes"), number(*f, "span_s"), text(*f, "file"),
                        text(*f, "read_error")};
}

RoundView read_round(const json& r) {
  RoundView v;
  v.index = number(r, "index");
  v.mode = text(r, "mode");
  v.complete = boolean(r, "complete");
  v.dropped = boolean(r, "dropped").value_or(false);
  v.errors = number(r, "errors");
  if (const json* kinds = find(r, "errors_by_kind"); kinds && kinds->is_object())
    for (const auto& [kind, n] : kinds->items())
      if (n.is_number() && n.get<double>() > 0) v.errors_by_kind[kind] = n.get<double>();
  v.throughput_rps = number(r, "throughput_rps");
  if (const json* latency = find(r, "latency_ns")) {
    v.latency_p50_ns = number(*latency, "p50");
    v.latency_p99_ns = number(*latency, "p99");
    v.latency_p999_ns = number(*latency, "p999");
  }
  v.generator_cpu_us_per_request = number(r, "generator_cpu_us_per_request");
  v.target_cpu_us_per_request = number(r, "target_cpu_us_per_request");
  v.send_lag_p99_ns = number(r, "send_lag_p99_ns");
  v.target_rss_bytes = number(r, "target_rss_bytes");
  v.target_cpu_source = text(r, "target_cpu_source");
  v.proc_cpu_us_per_request = number(r, "proc_cpu_us_per_request");
  v.agent_cpu_us_per_request = number(r, "agent_cpu_us_per_request");
  v.agent_invalid = text(r, "agent_invalid");
  v.trace = read_facts(r, "trace");
  v.snapshot = read_facts(r, "snapshot");
  return v;
}

// A result from before analysis wrote "generator": the median over complete rounds of
// CPU per request × requests per second, as reports used to compute it.
GeneratorView derive_generator(const std::vector<RoundView>& rounds) {
  std::vector<double> shares;
  for (const auto& r : rounds)
    if (r.complete.value_or(true) && r.generator_cpu_us_per_request && r.throughput_rps)
      shares.push_back(*r.generator_cpu_us_per_request * *r.throughput_rps / 1e6);
  if (shares.empty()) return {};
  std::sort(shares.begin(), shares.end());
  const std::size_t n = shares.size();
  const double median = n % 2 ? shares[n / 2] : (shares[n / 2 - 1] + shares[n / 2]) / 2;
  return {median, median > kGeneratorCoreShareWarn};
}

GeneratorView read_generator(const json& document, const std::vector<RoundView>& rounds) {
  const json* g = find(document, "generator");
  if (!g || g->is_null()) return derive_generator(rounds);
  if (!g->is_object()) throw FormatError("the result's 'generator' is not an object");
  return {number(*g, "core_share"), boolean(*g, "competes_for_cpu").value_or(false)};
}

}  // namespace

const ModeView* RunResultView::mode(std::string_view name) const {
  for (const auto& m : modes)
    if (m.name == name) return &m;
  return nullptr;
}

const ComparisonView* RunResultView::comparison(std::string_view mode_name, std::string_view metric) const {
  for (const auto& c : comparisons)
    if (c.mode == mode_name && c.metric == metric) return &c;
  return nullptr;
}

RunResultView read_run_result(const json& document) {
  const SchemaCheck schema = check_schema(document);
  switch (schema.kind) {
    case SchemaKind::kRun: break;
    case SchemaKind::kNotObject:
      throw FormatError("not a tracebench run result: the document is not a JSON object");
    case SchemaKind::kMissing:
    case SchemaKind::kNotString:
      throw FormatError(fmt::format("not a tracebench run result: no 'schema' key (expected \"{}\")", kRunSchema));
    default:
      throw FormatError(
          fmt::format("not a tracebench run result: schema is \"{}\", expected \"{}\"", schema.schema, kRunSchema));
  }
  RunResultView v;
  v.complete = boolean(document, "complete");
  v.stop_reason = text(document, "stop_reason");
  if (const json* modes = find(document, "modes")) {
    if (!modes->is_object()) throw FormatError("the result has no 'modes' object");
    v.has_modes = true;
    for (const auto& [name, m] : modes->items()) {
      if (!m.is_object()) throw FormatError(fmt::format("the result's 'modes.{}' is not an object", name));
      v.modes.push_back(read_mode(name, m));
    }
  }
  v.comparisons = objects<ComparisonView>(document, "comparisons", read_comparison);
  v.noise_floor = objects<ComparisonView>(document, "noise_floor", read_comparison);
  v.rounds = objects<RoundView>(document, "rounds", read_round);
  if (const json* plan = find(document, "plan"); plan && plan->is_array()) v.planned_rounds = plan->size();
  v.skipped_modes = objects<SkippedMode>(document, "skipped_modes", [](const json& s) {
    return SkippedMode{text(s, "mode"), text(s, "reason")};
  });
  v.warnings = lines(document, "warnings");
  v.invalid_reasons = lines(document, "invalid_reasons");
  v.invalid_for_send_lag = std::any_of(v.invalid_reasons.begin(), v.invalid_reasons.end(), [](const std::string& line) {
    return line.starts_with("generator send lag p99");
  });
  if (const json* c = find(document, "config"); c && c->is_object())
    v.config = {number(*c, "phase_s"),     number(*c, "settle_s"),          number(*c, "fr_max_bytes"),
                text(*c, "target_cpu"),    text(*c, "target_cpu_source"),   text(*c, "method"),
                text(*c, "path"),          text(*c, "target"),              text(*c, "schedule") == "open_loop",
                number(*c, "rate_rps"),    number(*c, "connections"),       number(*c, "rounds_per_mode"),
                number(*c, "rate_share"),  number(*c, "capacity_rps")};
  if (const json* c = find(document, "context"); c && c->is_object())
    v.context = {text(*c, "started_at"), text(*c, "target_go_version"), number(*c, "cpus"),
                 text(*c, "build_type") == "debug"};
  v.generator = read_generator(document, v.rounds);
  if (const json* d = fields::object(document, "design"))
    v.design = DesignView{number(*d, "blocks_clean"), number(*d, "blocks_dropped"),
                          number(*d, "widest_half_width_pct"), number(*d, "precision_pct"), number(*d, "wall_s"),
                          text(*d, "stop_rule")};
  v.alpha = number(document, "alpha");
  v.multiple_test = text(document, "multiple_test");
  v.recommendations = read_recommendations(document);
  v.verification = read_verification(document);
  v.host_and_config = read_document_context(document);
  return v;
}

}  // namespace tracebench::result
