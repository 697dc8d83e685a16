#include "experiment/analysis.h"

#include <fmt/core.h>

#include <algorithm>

#include "load/send_lag_limit.h"

namespace tracebench::experiment {
namespace {

// Fewer complete rounds than this per mode cannot give a 95% CI on a median (n >= 6) nor
// a Mann-Whitney p below 0.05 after correction.
constexpr int kMinRounds = 6;
// An open-loop generator later than this at p99 blurs the latencies being compared.
using load::kMaxSendLagP99Ns;  // load/send_lag_limit.h, shared with check

std::optional<stats::Interval> interval_of(const std::vector<double>& v) {
  if (v.empty()) return std::nullopt;
  return stats::median_ci(v);
}

}  // namespace

std::string_view metric_name(Metric m) {
  switch (m) {
    case Metric::kThroughput: return "throughput_rps";
    case Metric::kLatencyP50: return "latency_p50_ns";
    case Metric::kLatencyP99: return "latency_p99_ns";
    case Metric::kLatencyP999: return "latency_p999_ns";
    case Metric::kTargetCpuPerRequest: return "target_cpu_us_per_request";
  }
  return "unknown";
}

std::string_view metric_unit(Metric m) {
  switch (m) {
    case Metric::kThroughput: return "req/s";
    case Metric::kTargetCpuPerRequest: return "µs/req";
    default: return "ns";
  }
}

bool higher_is_better(Metric m) { return m == Metric::kThroughput; }

std::optional<double> metric_value(const RoundRecord& r, Metric m) {
  switch (m) {
    case Metric::kThroughput: return r.throughput_rps;
    case Metric::kLatencyP50: return static_cast<double>(r.latency_p50_ns);
    case Metric::kLatencyP99: return static_cast<double>(r.latency_p99_ns);
    case Metric::kLatencyP999: return static_cast<double>(r.latency_p999_ns);
    case Metric::kTargetCpuPerRequest: return r.target_cpu_us_per_request;
  }
  return std::nullopt;
}

std::vector<double> metric_samples(const RunResult& run, Mode mode, Metric m) {
  std::vector<double> out;
  for (const auto& r : run.rounds) {
    if (r.mode != mode || !r.complete) continue;
    if (auto v = metric_value(r, m)) out.push_back(*v);
  }
  return out;
}

double min_mann_whitney_p(std::size_t n_a, std::size_t n_b) {
  // C(n_a + n_b, n_a) as a double: exact enough far beyond any round count.
  double ways = 1;
  for (std::size_t i = 1; i <= n_b; ++i) ways = ways * static_cast<double>(n_a + i) / static_cast<double>(i);
  return std::min(1.0, 2.0 / ways);
}

Analysis analyse(const RunResult& run, double alpha) {
  Analysis a;
  a.alpha = alpha;
  std::vector<Mode> modes;
  for (Mode m : run.config.modes)
    if (run.latency_by_mode.count(m)) modes.push_back(m);

  bool lag_reported = false;
  for (Mode mode : modes) {
    ModeSummary s;
    s.mode = mode;
    std::vector<double> bytes_per_s, events_per_s, bytes, window_s, rss, generator_cpu, generator_share;
    for (const auto& r : run.rounds) {
      if (r.mode != mode || !r.complete) continue;
      ++s.rounds;
      if (r.target_rss_bytes) rss.push_back(static_cast<double>(*r.target_rss_bytes));
      if (r.generator_cpu_us_per_request > 0) {
        generator_cpu.push_back(r.generator_cpu_us_per_request);
        generator_share.push_back(r.generator_cpu_us_per_request * r.throughput_rps / 1e6);
      }
      // The first late round is named; one is enough to make the run invalid.
      if (r.send_lag_p99_ns > kMaxSendLagP99Ns && !lag_reported) {
        lag_reported = true;
        a.invalid_reasons.push_back(fmt::format(
            "generator send lag p99 reached {:.2f} ms in round {}: the generator could not keep its schedule",
            static_cast<double>(r.send_lag_p99_ns) / 1e6, r.index + 1));
      }
      const TraceFacts* f = r.trace ? &*r.trace : r.snapshot ? &*r.snapshot : nullptr;
      if (!f) continue;
      bytes.push_back(static_cast<double>(f->bytes));
      // A capture's or a snapshot's own bytes and events over the span its timestamps cover.
      // For a snapshot that span is the window the recorder held, so its rate is the one the
      // ring filled at with the recorder on, not borrowed from the capture rounds. A snapshot
      // the reader could not time has span 0 and no rate (read_trace_facts).
      if (f->bytes_per_s > 0) bytes_per_s.push_back(f->bytes_per_s);
      if (f->events_per_s) events_per_s.push_back(*f->events_per_s);
      if (r.snapshot && f->span_s > 0) window_s.push_back(f->span_s);
    }
    for (Metric m : kMetrics) {
      const stats::Interval median = stats::median_ci(metric_samples(run, mode, m));
      s.metrics.push_back({m, median, stats::median_ci_achieved_confidence(median.n)});
    }
    s.target_rss_bytes = interval_of(rss);
    s.generator_cpu_us_per_request = interval_of(generator_cpu);
    if (!generator_share.empty()) {
      s.generator_core_share = stats::median_ci(generator_share).estimate;
      if (*s.generator_core_share > kGeneratorCoreShareWarn)
        a.warnings.push_back(fmt::format(
            "tracebench's load generator used {:.0f}% of a CPU core in mode {} ({:.1f} µs per request): where it "
            "shares cores with the target it takes CPU the target needs; give it CPUs of its own (--exec with --pin) "
            "or run it on another machine",
            *s.generator_core_share * 100, to_string(mode), s.generator_cpu_us_per_request->estimate));
    }
    s.trace_bytes_per_s = interval_of(bytes_per_s);
    s.trace_events_per_s = interval_of(events_per_s);
    s.trace_bytes = interval_of(bytes);
    s.fr_window_s = interval_of(window_s);
    if (s.rounds < kMinRounds)
      a.invalid_reasons.push_back(fmt::format("mode {} has {} complete rounds; at least {} are needed for a 95% CI",
                                              to_string(mode), s.rounds, kMinRounds));
    a.modes.push_back(std::move(s));
  }

  // Every mode against off, every metric; then Holm across the whole family.
  for (Mode mode : modes) {
    if (mode == Mode::kOff || !run.latency_by_mode.count(Mode::kOff)) continue;
    for (Metric m : kMetrics) {
      auto base = metric_samples(run, Mode::kOff, m);
      auto treat = metric_samples(run, mode, m);
      if (base.size() < 2 || treat.size() < 2) continue;
      a.comparisons.push_back({mode, m, stats::relative_change(base, treat), 1, false,
                               stats::hodges_lehmann_achieved_confidence(base.size(), treat.size())});
    }
  }
  std::vector<double> p;
  for (const auto& c : a.comparisons) p.push_back(c.change.p_value);
  const auto adjusted = stats::holm_adjust(p);
  for (std::size_t i = 0; i < a.comparisons.size(); ++i) {
    a.comparisons[i].p_adjusted = adjusted[i];
    a.comparisons[i].significant = adjusted[i] < alpha;
  }

  // Noise floor: off rounds alternately split in two halves (in run order, so both halves
  // span the whole run), compared like any other pair; its own Holm family.
  for (Metric m : kMetrics) {
    auto off = metric_samples(run, Mode::kOff, m);
    std::vector<double> first, second;
    for (std::size_t i = 0; i < off.size(); ++i) (i % 2 ? second : first).push_back(off[i]);
    if (first.size() < 2 || second.size() < 2) continue;
    a.noise_floor.push_back({Mode::kOff, m, stats::relative_change(first, second), 1, false,
                             stats::hodges_lehmann_achieved_confidence(first.size(), second.size())});
  }
  p.clear();
  for (const auto& c : a.noise_floor) p.push_back(c.change.p_value);
  const auto adjusted_noise = stats::holm_adjust(p);
  for (std::size_t i = 0; i < a.noise_floor.size(); ++i) {
    a.noise_floor[i].p_adjusted = adjusted_noise[i];
    a.noise_floor[i].significant = adjusted_noise[i] < alpha;
  }

  // A noise floor that cannot flag anything is no check on the run: say so, and how many
  // off rounds would make it one.
  if (!a.noise_floor.empty()) {
    const std::size_t n_off = a.noise_floor.front().change.n_base + a.noise_floor.front().change.n_treatment;
    const double m = static_cast<double>(a.noise_floor.size());
    const auto best_adjusted = [&](std::size_t n) { return min_mann_whitney_p((n + 1) / 2, n / 2) * m; };
    if (best_adjusted(n_off) >= alpha) {
      std::size_t needed = n_off;
      while (best_adjusted(needed) >= alpha) ++needed;
      a.warnings.push_back(fmt::format(
          "the noise floor splits {} off rounds into {} and {}: the smallest p-value that gives is {:.3f}, {:.3f} after "
          "Holm over {} metrics, so it can never flag a change; it needs {} off rounds (--rounds {}) for that",
          n_off, (n_off + 1) / 2, n_off / 2, min_mann_whitney_p((n_off + 1) / 2, n_off / 2), best_adjusted(n_off),
          a.noise_floor.size(), needed, needed));
    }
  }
  // Intervals narrower in coverage than they are labelled (too few rounds for 95%).
  for (const auto& s : a.modes)
    for (const auto& ms : s.metrics)
      if (ms.median.n >= 2 && ms.ci_coverage < 1 - alpha - 1e-9) {
        a.warnings.push_back(fmt::format("mode {}: with {} rounds the \"95%\" intervals of the medians cover only "
                                         "{:.1f}% (min to max)",
                                         to_string(s.mode), ms.median.n, ms.ci_coverage * 100));
        break;
      }
  for (const auto* rows : {&a.comparisons, &a.noise_floor})
    for (const auto& c : *rows)
      if (c.ci_coverage > 0 && c.ci_coverage < 1 - alpha - 1e-9) {
        const std::string who = rows == &a.noise_floor ? std::string("the noise floor (off vs off)")
                                                       : fmt::format("{} vs off", to_string(c.mode));
        a.warnings.push_back(fmt::format("{} with {}+{} rounds: the \"95%\" change intervals cover only {:.1f}%", who,
                                         c.change.n_base, c.change.n_treatment, c.ci_coverage * 100));
        break;
      }
  return a;
}

}  // namespace tracebench::experiment
