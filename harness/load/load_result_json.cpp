#include "load/load_result_json.h"

namespace tracebench::load {

nlohmann::json percentiles_json(const stats::Histogram& h) {
  return {{"p50", h.value_at_percentile(50)},   {"p90", h.value_at_percentile(90)},
          {"p99", h.value_at_percentile(99)},   {"p999", h.value_at_percentile(99.9)},
          {"max", h.max()},                     {"min", h.min()},
          {"mean", h.mean()},                   {"count", h.count()}};
}

nlohmann::json to_json(const LoadConfig& cfg, const LoadResult& r) {
  nlohmann::json errors = nlohmann::json::object();
  for (std::size_t i = 0; i < kErrorKindCount; ++i) errors[std::string(to_string(static_cast<ErrorKind>(i)))] = r.errors.by_kind[i];
  errors["total"] = r.errors.total();

  nlohmann::json spectrum = nlohmann::json::array();
  for (const auto& p : r.latency.percentile_spectrum(5)) spectrum.push_back({p.percentile, p.value_ns});

  nlohmann::json per_second = nlohmann::json::array();
  for (const auto& s : r.per_second)
    per_second.push_back({{"second", s.second},
                          {"requests", s.requests},
                          {"errors", s.errors},
                          {"latency_p50_ns", s.latency_p50_ns},
                          {"latency_p99_ns", s.latency_p99_ns},
                          {"latency_max_ns", s.latency_max_ns}});

  const double cpu_us_per_request =
      r.responses_in_window ? r.generator_cpu_s * 1e6 / static_cast<double>(r.responses_in_window) : 0.0;
  nlohmann::json j = {
      {"schema", kLoadSchema},
      {"complete", r.complete},
      {"stop_reason", r.complete ? nlohmann::json(nullptr) : nlohmann::json(r.stop_reason)},
      {"config",
       {{"target", cfg.target.display()},
        {"method", cfg.request.method},
        {"path", cfg.request.path},
        {"schedule", r.open_loop ? "open_loop" : "closed_loop"},
        {"rate_rps", r.open_loop ? nlohmann::json(r.target_rate_rps) : nlohmann::json(nullptr)},
        {"connections", r.connections},
        {"threads", r.threads},
        {"duration_s", static_cast<double>(cfg.measure_ns) / 1e9},
        {"warmup_s", static_cast<double>(cfg.warmup_ns) / 1e9},
        {"timeout_s", static_cast<double>(cfg.timeout_ns) / 1e9},
        {"spin_s", static_cast<double>(cfg.spin_ns) / 1e9}}},
      {"measured_s", r.measured_s},
      {"requests", r.requests},
      {"responses_in_window", r.responses_in_window},
      {"throughput_rps", r.throughput_rps},
      {"errors", errors},
      {"reconnects", r.reconnects},
      {"resent", r.resent},
      {"bytes_read", r.bytes_read},
      {"unfinished", r.unfinished},
      {"unsent", r.unsent},
      {"waited_for_connection", r.waited_for_connection},
      {"latency_ns", percentiles_json(r.latency)},
      {"service_time_ns", percentiles_json(r.service_time)},
      {"latency_spectrum", spectrum},
      {"generator",
       {{"cpu_s", r.generator_cpu_s},
        {"cpu_us_per_request", cpu_us_per_request},
        {"cpu_share_of_one_core", r.measured_s > 0 ? r.generator_cpu_s / r.measured_s : 0.0},
        {"lag_ns",
         {{"p50", r.send_lag.value_at_percentile(50)},
          {"p99", r.send_lag.value_at_percentile(99)},
          {"max", r.send_lag.max()},
          {"count", r.send_lag.count()}}}}},
      {"per_second", per_second},
  };
  return j;
}

}  // namespace tracebench::load
