#include "experiment/run_result_json.h"

#include <cmath>
#include <vector>

#include "load/load_result_json.h"
#include "result/json_number.h"
#include "result/run_result.h"

namespace tracebench::experiment {
namespace {

using nlohmann::json;

// A figure that may be NaN or infinite (an interval end with too few values, a p-value not
// computed): JSON null, as for a missing one.
json finite_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

// A median with its interval, and what that interval really covers (below 0.95 with fewer
// than 6 values: min to max).
json interval_json(const stats::Interval& i) {
  if (i.n == 0) return nullptr;
  return {{"median", i.estimate},
          {"ci_low", finite_or_null(i.low)},
          {"ci_high", finite_or_null(i.high)},
          {"n", i.n},
          {"ci_coverage", stats::median_ci_achieved_confidence(i.n)}};
}

json optional_interval(const std::optional<stats::Interval>& i) { return i ? interval_json(*i) : json(nullptr); }

json trace_facts_json(const TraceFacts& f) {
  json j = {{"bytes", f.bytes}, {"span_s", f.span_s}, {"bytes_per_s", f.bytes_per_s},
            {"events_per_s", result::number_or_null(f.events_per_s)},
            {"go_version", f.go_version}, {"file", f.file.empty() ? json(nullptr) : json(f.file)}};
  if (!f.read_error.empty()) j["read_error"] = f.read_error;
  j["parse_mb_per_s"] = result::number_or_null(f.parse_mb_per_s);
  j["window_lead_s"] = result::number_or_null(f.window_lead_s);
  j["window_trail_s"] = result::number_or_null(f.window_trail_s);
  json categories = json::object();
  for (const auto& c : f.categories) categories[c.name] = {{"events", c.events}, {"bytes", c.bytes}};
  j["categories"] = categories;
  return j;
}

json cpu_classes_json(const target::CpuClasses& c) {
  return {{"user", c.user},
          {"gc_total", c.gc_total},
          {"gc_mark_assist", c.gc_mark_assist},
          {"gc_mark_dedicated", c.gc_mark_dedicated},
          {"gc_mark_idle", c.gc_mark_idle},
          {"gc_pause", c.gc_pause},
          {"scavenge_total", c.scavenge_total},
          {"idle", c.idle},
          {"total", c.total}};
}

json runtime_json(const RuntimeFigures& f) {
  return {{"cpu_classes_us_per_request", f.cpu_us_per_request ? cpu_classes_json(*f.cpu_us_per_request) : json(nullptr)},
          {"cpu_classes_missing", f.classes_missing.empty() ? json(nullptr) : json(f.classes_missing)},
          {"cpu_classes_span_s", f.classes_span_s},
          {"gc_cycles_per_1k_requests", f.gc_cycles_per_1k_requests},
          {"sched_latency_p50_ns", result::number_or_null(f.sched_latency_p50_ns)},
          {"sched_latency_p99_ns", result::number_or_null(f.sched_latency_p99_ns)},
          {"heap_objects_bytes", f.heap_objects_bytes},
          {"total_memory_bytes", f.total_memory_bytes},
          {"goroutines", f.goroutines}};
}

json errors_by_kind_json(const load::ErrorCounts& e) {
  json j = json::object();
  for (std::size_t i = 0; i < load::kErrorKindCount; ++i)
    j[std::string(load::to_string(static_cast<load::ErrorKind>(i)))] = e.by_kind[i];
  return j;
}

json round_json(const RoundRecord& r) {
  json j = {{"index", r.index},
            {"block", r.block},
            {"mode", to_string(r.mode)},
            {"complete", r.complete},
            {"disturbed", r.disturbed.empty() ? json(nullptr) : json(r.disturbed)},
            {"dropped", r.dropped},
            {"measured_s", r.measured_s},
            {"requests", r.requests},
            {"errors", r.errors},
            {"errors_by_kind", errors_by_kind_json(r.errors_by_kind)},
            {"resent", r.resent},
            {"throughput_rps", r.throughput_rps},
            {"latency_ns", {{"p50", r.latency_p50_ns}, {"p99", r.latency_p99_ns}, {"p999", r.latency_p999_ns},
                            {"max", r.latency_max_ns}}},
            {"generator_cpu_us_per_request", r.generator_cpu_us_per_request},
            {"generator_worker_cpu_us_per_request", result::number_or_null(r.generator_worker_cpu_us_per_request)},
            {"send_lag_p99_ns", r.send_lag_p99_ns},
            {"target_cpu_us_per_request",
             result::number_or_null(r.target_cpu_us_per_request)},
            {"target_cpu_source", r.target_cpu_source ? json(to_string(*r.target_cpu_source)) : json(nullptr)},
            {"proc_cpu_us_per_request", result::number_or_null(r.proc_cpu_us_per_request)},
            {"agent_cpu_us_per_request", result::number_or_null(r.agent_cpu_us_per_request)},
            {"agent_invalid", r.agent_invalid.empty() ? json(nullptr) : json(r.agent_invalid)},
            {"runtime", r.runtime ? runtime_json(*r.runtime) : json(nullptr)},
            {"target_rss_bytes", r.target_rss_bytes ? json(*r.target_rss_bytes) : json(nullptr)},
            {"host_other_cpu_pct", result::number_or_null(r.host_other_cpu_pct)},
            {"host_steal_pct", result::number_or_null(r.host_steal_pct)},
            {"cpu_probe_ns", result::number_or_null(r.cpu_probe_ns)}};
  if (r.trace) j["trace"] = trace_facts_json(*r.trace);
  if (r.snapshot) j["snapshot"] = trace_facts_json(*r.snapshot);
  return j;
}

json change_json(const stats::Change& c) {
  return {{"delta_pct", finite_or_null(c.delta_pct)},
          {"ci_low_pct", finite_or_null(c.ci_low_pct)},
          {"ci_high_pct", finite_or_null(c.ci_high_pct)},
          {"p_value", finite_or_null(c.p_value)},
          {"n_base", c.n_base},
          {"n_mode", c.n_treatment}};
}

json paired_json(const stats::PairedChange& c) {
  return {{"delta_pct", finite_or_null(c.delta_pct)},     {"ci_low_pct", finite_or_null(c.ci_low_pct)},
          {"ci_high_pct", finite_or_null(c.ci_high_pct)}, {"bound_low_pct", finite_or_null(c.bound_low_pct)},
          {"bound_high_pct", finite_or_null(c.bound_high_pct)}, {"p_value", finite_or_null(c.p_value)},
          {"n_blocks", c.n_pairs}};
}

// The blocked (paired) figures at the top level, where check, size and the reports read
// them; the unpaired ones of earlier versions beside them under "unpaired".
json comparison_json(const ComparisonRow& c) {
  json j = change_json(c.change);
  j["mode"] = to_string(c.mode);
  j["metric"] = metric_name(c.metric);
  j["design"] = "blocked";
  j["family"] = in_breakdown(c.metric) ? "breakdown" : "overhead";
  j["n_blocks"] = c.change.n_base;
  j["bound_low_pct"] = finite_or_null(c.bound_low_pct);
  j["bound_high_pct"] = finite_or_null(c.bound_high_pct);
  j["p_adjusted"] = finite_or_null(c.p_adjusted);
  j["significant"] = c.significant;
  j["ci_coverage"] = c.ci_coverage;
  j["speed_adjusted"] = c.speed_slope.has_value();
  j["speed_slope"] = c.speed_slope ? finite_or_null(*c.speed_slope) : json(nullptr);
  j["unadjusted"] = c.unadjusted ? paired_json(*c.unadjusted) : json(nullptr);
  j["unpaired"] = c.unpaired.n_base > 0 ? change_json(c.unpaired) : json(nullptr);
  return j;
}

json design_json(const RunResult& run, const Analysis& a) {
  const RunConfig& c = run.config;
  json dropped = json::array();
  for (const auto& d : run.dropped_blocks) dropped.push_back({{"block", d.block}, {"reason", d.reason}});
  json carry = json::array();
  for (const auto& co : a.carry_over) {
    json row = change_json(co.change);
    row["metric"] = metric_name(co.metric);
    row["significant"] = co.significant;
    carry.push_back(row);
  }
  json speed = json::array();
  for (const auto& r : a.speed_reference) {
    json row = paired_json(r.change);
    row["mode"] = to_string(r.mode);
    row["p_adjusted"] = finite_or_null(r.p_adjusted);
    row["significant"] = r.significant;
    speed.push_back(row);
  }
  json checks = json::array();
  for (const auto& pc : run.precision_checks)
    checks.push_back({{"blocks_clean", pc.clean_blocks},
                      {"widest_half_width_pct", result::number_or_null(pc.widest_half_width_pct)},
                      {"widest_sign_blind_half_width_pct",
                       result::number_or_null(pc.widest_sign_blind_half_width_pct)}});
  const auto hw = widest_half_width_pct(a);
  return {{"blocks_clean", a.clean_blocks},
          {"blocks_dropped", a.dropped_blocks},
          {"dropped_blocks", dropped},
          {"stop_rule", to_string(run.stop_rule)},
          {"precision_pct", c.precision ? json(c.precision->pct) : json(nullptr)},
          {"max_duration_s", c.precision ? json(static_cast<double>(c.precision->max_duration_ns) / 1e9) : json(nullptr)},
          {"widest_half_width_pct", result::number_or_null(hw)},
          {"widest_sign_blind_half_width_pct", result::number_or_null(widest_sign_blind_half_width_pct(a))},
          {"precision_checks", checks},
          {"wall_s", run.wall_s},
          {"carry_over", carry},
          {"speed_reference", speed}};
}

json host_json(const HostLoad& h) {
  return {{"cpus", h.cpus},
          {"other_cpu_pct", optional_interval(h.other_cpu_pct)},
          {"steal_pct", optional_interval(h.steal_pct)},
          {"busy", h.busy}};
}

}  // namespace

json to_json(const RunResult& run, const Analysis& a, json context) {
  const RunConfig& c = run.config;
  if (!run.target_go_version.empty()) context["target_go_version"] = run.target_go_version;

  json modes = json::object();
  for (const auto& s : a.modes) {
    json m = {{"rounds", s.rounds}};
    json latency = json::object();
    for (const auto& ms : s.metrics) {
      switch (ms.metric) {
        case Metric::kThroughput: m["throughput_rps"] = interval_json(ms.median); break;
        case Metric::kLatencyP50: latency["p50"] = interval_json(ms.median); break;
        case Metric::kLatencyP99: latency["p99"] = interval_json(ms.median); break;
        case Metric::kLatencyP999: latency["p999"] = interval_json(ms.median); break;
        case Metric::kTargetCpuPerRequest: m["target_cpu_us_per_request"] = interval_json(ms.median); break;
        case Metric::kUserCpuPerRequest:
        case Metric::kGcCpuPerRequest:
        case Metric::kScavengeCpuPerRequest:
        case Metric::kGcCyclesPer1kRequests:
        case Metric::kSchedLatencyP50:
        case Metric::kSchedLatencyP99: m[std::string(metric_name(ms.metric))] = interval_json(ms.median); break;
      }
    }
    m["latency_ns"] = latency;
    m["trace_bytes"] = optional_interval(s.trace_bytes);
    m["trace_bytes_per_s"] = optional_interval(s.trace_bytes_per_s);
    m["trace_events_per_s"] = optional_interval(s.trace_events_per_s);
    if (s.mode == Mode::kFlightRecorder) m["fr_window_s"] = optional_interval(s.fr_window_s);
    m["target_rss_bytes"] = optional_interval(s.target_rss_bytes);
    m["generator_cpu_us_per_request"] = optional_interval(s.generator_cpu_us_per_request);
    json spectrum = json::array();
    if (auto it = run.latency_by_mode.find(s.mode); it != run.latency_by_mode.end()) {
      for (const auto& p : it->second->percentile_spectrum(5)) spectrum.push_back({p.percentile, p.value_ns});
      m["latency_all_rounds_ns"] = load::percentiles_json(*it->second);
    }
    m["latency_spectrum"] = spectrum;
    json mix = json::object();
    for (const auto& cat : s.event_mix) mix[cat.name] = {{"events", cat.events}, {"bytes", cat.bytes}};
    if (!mix.empty()) m["trace_event_mix"] = mix;
    if (s.parse_mb_per_s) m["parse_mb_per_s"] = interval_json(*s.parse_mb_per_s);
    modes[std::string(to_string(s.mode))] = m;
  }

  json comparisons = json::array();
  for (const auto& row : a.comparisons) comparisons.push_back(comparison_json(row));
  json noise = json::array();
  for (const auto& row : a.noise_floor) noise.push_back(comparison_json(row));
  json rounds = json::array();
  for (const auto& r : run.rounds) rounds.push_back(round_json(r));
  json skipped = json::array();
  for (const auto& s : run.skipped) skipped.push_back({{"mode", to_string(s.mode)}, {"reason", s.reason}});
  json plan_modes = json::array();
  for (Mode m : run.plan) plan_modes.push_back(to_string(m));
  json warnings = run.warnings;
  for (const auto& w : a.warnings) warnings.push_back(w);
  json config_modes = json::array();
  for (Mode m : c.modes) config_modes.push_back(to_string(m));

  return {
      {"schema", kRunSchema},
      {"complete", run.complete},
      {"stop_reason", run.complete ? json(nullptr) : json(run.stop_reason)},
      {"context", context},
      {"config",
       {{"target", c.load.target.display()},
        {"method", c.load.request.method},
        {"path", c.load.request.path},
        {"schedule", c.load.open_loop || c.rate_share ? "open_loop" : "closed_loop"},
        {"rate_rps", c.load.open_loop ? json(c.load.open_loop->rate_rps) : json(nullptr)},
        {"rate_share", result::number_or_null(c.rate_share)},
        {"capacity_rps", result::number_or_null(run.capacity_rps)},
        {"connections", c.load.connections},
        {"spin_s", static_cast<double>(c.load.spin_ns) / 1e9},
        {"threads", c.load.threads},
        {"modes", config_modes},
        {"duration_per_mode_s", static_cast<double>(c.duration_per_mode_ns) / 1e9},
        {"rounds_per_mode", c.rounds_per_mode},
        {"phase_s", static_cast<double>(c.phase_ns()) / 1e9},
        {"settle_s", static_cast<double>(c.settle_ns) / 1e9},
        {"settle_after_tracing_s", static_cast<double>(c.settle_after_tracing_ns > 0 ? c.settle_after_tracing_ns
                                                                                       : c.settle_ns) / 1e9},
        {"warmup_s", static_cast<double>(c.warmup_ns) / 1e9},
        {"seed", c.seed},
        {"pprof", c.pprof ? json(c.pprof->display()) : json(nullptr)},
        {"agent", c.agent ? json(c.agent->display()) : json(nullptr)},
        {"fr_min_age_s", static_cast<double>(c.fr_min_age_ns) / 1e9},
        {"fr_max_bytes", c.fr_max_bytes},
        {"target_pid", run.target_pid ? json(*run.target_pid) : json(nullptr)},
        {"target_cpu", to_string(c.target_cpu)},
        {"target_cpu_source", run.cpu_source ? json(to_string(*run.cpu_source)) : json(nullptr)},
        {"agent_process", run.agent_process}}},
      {"plan", plan_modes},
      {"skipped_modes", skipped},
      {"modes", modes},
      {"comparisons", comparisons},
      {"noise_floor", noise},
      {"design", design_json(run, a)},
      {"host", host_json(host_load(run))},
      {"generator",
       {{"core_share", result::number_or_null(a.generator_core_share)},
        {"competes_for_cpu", a.generator_competes_for_cpu}}},
      {"alpha", a.alpha},
      {"multiple_test", result::kGatedBreakdown},
      {"rounds", rounds},
      {"warnings", warnings},
      {"invalid_reasons", a.invalid_reasons},
  };
}

}  // namespace tracebench::experiment
