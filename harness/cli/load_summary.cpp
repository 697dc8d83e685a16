#include "cli/load_summary.h"

#include <fmt/core.h>
#include <fmt/format.h>

#include "units/duration_text.h"
#include "units/size_text.h"

namespace tracebench::cli {
namespace {

using units::binary_size_text;
using units::compact_duration_text;

// An open-loop send lag above this is comparable with the latencies being measured.
constexpr std::int64_t kMaxLagP99Ns = 1'000'000;
constexpr double kMinRateReachedFraction = 0.99;
constexpr double kSaturatedCpuShare = 0.9;

std::string d(std::int64_t ns) { return compact_duration_text(ns); }

}  // namespace

std::vector<std::string> invalid_measurement_reasons(const load::LoadResult& r) {
  std::vector<std::string> out;
  if (r.open_loop && r.measured_s > 0) {
    const double planned = r.target_rate_rps * r.measured_s;
    const double sent = planned - static_cast<double>(r.unsent);
    if (planned > 0 && sent / planned < kMinRateReachedFraction)
      out.push_back(fmt::format("rate not reached: the target served {:.0f} req/s of the {:.0f} asked; {:.0f} of "
                                "{:.0f} requests due in the window were sent ({} waited for a free connection), "
                                "so the latencies leave out the slowest; lower --rate, or raise --connections "
                                "if the target has CPU to spare",
                                r.throughput_rps, r.target_rate_rps, sent, planned, r.waited_for_connection));
    if (r.send_lag.count() && r.send_lag.value_at_percentile(99) > kMaxLagP99Ns)
      out.push_back(fmt::format("generator send lag p99 is {} (limit {}): the generator could not keep its schedule",
                                d(r.send_lag.value_at_percentile(99)), d(kMaxLagP99Ns)));
  }
  return out;
}

std::vector<std::string> load_warnings(const load::LoadResult& r) {
  std::vector<std::string> out;
  if (r.measured_s > 0) {
    const double share = r.generator_cpu_s / r.measured_s / r.threads;
    if (share > kSaturatedCpuShare)
      out.push_back(fmt::format("generator used {:.0f}% of its {} CPU(s): it may be the bottleneck; add --threads "
                                "or pin it away from the target",
                                share * 100, r.threads));
  }
  if (r.unfinished)
    out.push_back(fmt::format("{} requests were still in flight when the drain period ended", r.unfinished));
  return out;
}

std::string format_load_summary(const load::LoadConfig& cfg, const load::LoadResult& r, bool spectrum) {
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{} {} {}  {}, {} connection{}, {} thread{}, {} measured\n", cfg.target.display(),
                 cfg.request.method, cfg.request.path,
                 r.open_loop ? fmt::format("open loop at {:.0f} req/s", r.target_rate_rps) : std::string("closed loop"),
                 r.connections, r.connections == 1 ? "" : "s", r.threads, r.threads == 1 ? "" : "s",
                 fmt::format("{:.2f}s", r.measured_s));
  if (!r.complete) fmt::format_to(it, "  PARTIAL RESULT: {}\n", r.stop_reason);
  fmt::format_to(it, "\n  {:<16}{} in {:.2f}s, {:.1f} req/s, {} read\n", "responses", r.responses_in_window,
                 r.measured_s, r.throughput_rps, binary_size_text(r.bytes_read));
  if (r.open_loop)
    fmt::format_to(it, "  {:<16}{} of the requests due in the window were answered\n", "", r.requests);
  fmt::format_to(it, "  {:<16}{}", "errors", r.errors.total());
  if (r.errors.total()) fmt::format_to(it, " ({})", r.errors.kinds_text());
  fmt::format_to(it, ", {} reconnects", r.reconnects);
  if (r.resent) fmt::format_to(it, ", {} resent (the server closed without saying so)", r.resent);
  fmt::format_to(it, "\n");
  const auto line = [&](const char* name, const stats::Histogram& h) {
    fmt::format_to(it, "  {:<16}p50 {}  p90 {}  p99 {}  p99.9 {}  max {}\n", name, d(h.value_at_percentile(50)),
                   d(h.value_at_percentile(90)), d(h.value_at_percentile(99)), d(h.value_at_percentile(99.9)),
                   d(h.max()));
  };
  line(r.open_loop ? "latency" : "latency", r.latency);
  if (r.open_loop) {
    line("service time", r.service_time);
    fmt::format_to(it, "  {:<16}p50 {}  p99 {}  max {}  (actual minus intended send time)\n", "send lag",
                   d(r.send_lag.value_at_percentile(50)), d(r.send_lag.value_at_percentile(99)), d(r.send_lag.max()));
  }
  const double us_per_req =
      r.responses_in_window ? r.generator_cpu_s * 1e6 / static_cast<double>(r.responses_in_window) : 0.0;
  fmt::format_to(it, "  {:<16}{:.2f}s CPU, {:.2f} µs/request, {:.0f}% of one CPU\n", "generator", r.generator_cpu_s,
                 us_per_req, r.measured_s > 0 ? 100 * r.generator_cpu_s / r.measured_s : 0.0);
  if (spectrum) {
    fmt::format_to(it, "\n  {:>12}  {:>12}  {:>10}\n", "percentile", "latency", "count");
    for (const auto& p : r.latency.percentile_spectrum(5))
      fmt::format_to(it, "  {:>12.5f}  {:>12}  {:>10}\n", p.percentile, d(p.value_ns), p.count_at_or_below);
  }
  return out;
}

}  // namespace tracebench::cli
