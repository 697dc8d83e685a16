#include "experiment/analysis.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "stats/graph_procedure.h"
#include "stats/paired.h"

namespace tracebench::experiment {
namespace {

// Fewer clean blocks than this cannot give a 95% CI on a median (n >= 6) nor on a paired
// change (the signed-rank interval needs 6 pairs).
constexpr int kMinRounds = 6;

std::optional<stats::Interval> interval_of(const std::vector<double>& v) {
  if (v.empty()) return std::nullopt;
  return stats::median_ci(v);
}

constexpr double kNoProbe = std::numeric_limits<double>::quiet_NaN();

// The metric in each clean block that has both modes, paired by block, in block order, with
// each round's CPU speed probe beside it (NaN where the round has none).
struct Pairs {
  std::vector<double> base, treatment;
  std::vector<double> base_probe, treatment_probe;
  void add(const RoundRecord& b, double bv, const RoundRecord& t, double tv) {
    base.push_back(bv);
    treatment.push_back(tv);
    base_probe.push_back(b.cpu_probe_ns.value_or(kNoProbe));
    treatment_probe.push_back(t.cpu_probe_ns.value_or(kNoProbe));
  }
  bool every_pair_has_the_probe() const {
    const auto has = [](double v) { return std::isfinite(v) && v > 0; };
    return std::all_of(base_probe.begin(), base_probe.end(), has) &&
           std::all_of(treatment_probe.begin(), treatment_probe.end(), has);
  }
};
Pairs block_pairs(const RunResult& run, Mode base, Mode treatment, Metric m) {
  std::map<int, std::pair<const RoundRecord*, const RoundRecord*>> by_block;
  for (const auto& r : run.rounds) {
    if (!counts(r)) continue;
    if (r.mode == base) by_block[r.block].first = &r;
    if (r.mode == treatment) by_block[r.block].second = &r;
  }
  Pairs p;
  for (const auto& [block, rounds] : by_block) {
    if (!rounds.first || !rounds.second) continue;
    const auto b = metric_value(*rounds.first, m), t = metric_value(*rounds.second, m);
    if (b && t) p.add(*rounds.first, *b, *rounds.second, *t);
  }
  return p;
}

// Inside blocks, adjusted for the machine's speed when every pair has the probe (a pair
// without it would leave the adjusted and the plain figures on different blocks) and the
// adjustment applies (enough pairs, not all tied: stats::paired_relative_change_adjusted).
ComparisonRow compare(Mode mode, Metric m, const Pairs& pairs, const std::vector<double>& base_all,
                      const std::vector<double>& treatment_all) {
  const stats::PairedChange plain = stats::paired_relative_change(pairs.base, pairs.treatment);
  ComparisonRow row{mode, m, {}, 0, 0, 1, false, 0, {}, {}, 0, {}};
  stats::PairedChange pc = plain;
  if (pairs.every_pair_has_the_probe()) {
    const stats::AdjustedChange adjusted = stats::paired_relative_change_adjusted(
        pairs.base, pairs.treatment, pairs.base_probe, pairs.treatment_probe);
    if (adjusted.applied && adjusted.change.n_pairs == plain.n_pairs) {
      pc = adjusted.change;
      row.speed_slope = adjusted.slope;
      row.unadjusted = plain;
    }
  }
  row.change = {pc.delta_pct, pc.ci_low_pct, pc.ci_high_pct, pc.p_value, pc.n_pairs, pc.n_pairs};
  row.bound_low_pct = pc.bound_low_pct;
  row.bound_high_pct = pc.bound_high_pct;
  row.ci_coverage = pc.ci_coverage;
  row.sign_blind_half_width_pct = pc.sign_blind_half_width_pct;
  if (base_all.size() >= 2 && treatment_all.size() >= 2) row.unpaired = stats::relative_change(base_all, treatment_all);
  return row;
}

// Holm's correction over a family of rows, each with its change's p-value: marks the
// significant ones, and keeps the adjusted p where the row has a place for it.
template <typename Row>
void holm(std::vector<Row>& rows, double alpha) {
  std::vector<double> p;
  for (const auto& r : rows) p.push_back(r.change.p_value);
  const auto adjusted = stats::holm_adjust(p);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if constexpr (requires { rows[i].p_adjusted; }) rows[i].p_adjusted = adjusted[i];
    rows[i].significant = adjusted[i] < alpha;
  }
}

}  // namespace

std::string_view metric_name(Metric m) {
  switch (m) {
    case Metric::kThroughput: return "throughput_rps";
    case Metric::kLatencyP50: return "latency_p50_ns";
    case Metric::kLatencyP99: return "latency_p99_ns";
    case Metric::kLatencyP999: return "latency_p999_ns";
    case Metric::kTargetCpuPerRequest: return "target_cpu_us_per_request";
    case Metric::kUserCpuPerRequest: return "user_cpu_us_per_request";
    case Metric::kGcCpuPerRequest: return "gc_cpu_us_per_request";
    case Metric::kScavengeCpuPerRequest: return "scavenge_cpu_us_per_request";
    case Metric::kGcCyclesPer1kRequests: return "gc_cycles_per_1k_requests";
    case Metric::kSchedLatencyP50: return "sched_latency_p50_ns";
    case Metric::kSchedLatencyP99: return "sched_latency_p99_ns";
  }
  return "unknown";
}

bool in_breakdown(Metric m) { return std::find(std::begin(kBreakdownMetrics), std::end(kBreakdownMetrics), m) != std::end(kBreakdownMetrics); }

std::string_view metric_unit(Metric m) {
  switch (m) {
    case Metric::kThroughput: return "req/s";
    case Metric::kTargetCpuPerRequest:
    case Metric::kUserCpuPerRequest:
    case Metric::kGcCpuPerRequest:
    case Metric::kScavengeCpuPerRequest: return "µs/req";
    case Metric::kGcCyclesPer1kRequests: return "/1k req";
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
    case Metric::kUserCpuPerRequest:
      if (r.runtime && r.runtime->cpu_us_per_request) return r.runtime->cpu_us_per_request->user;
      return std::nullopt;
    case Metric::kGcCpuPerRequest:
      if (r.runtime && r.runtime->cpu_us_per_request) return r.runtime->cpu_us_per_request->gc_total;
      return std::nullopt;
    case Metric::kScavengeCpuPerRequest:
      if (r.runtime && r.runtime->cpu_us_per_request) return r.runtime->cpu_us_per_request->scavenge_total;
      return std::nullopt;
    case Metric::kGcCyclesPer1kRequests:
      if (r.runtime) return r.runtime->gc_cycles_per_1k_requests;
      return std::nullopt;
    case Metric::kSchedLatencyP50: return r.runtime ? r.runtime->sched_latency_p50_ns : std::nullopt;
    case Metric::kSchedLatencyP99: return r.runtime ? r.runtime->sched_latency_p99_ns : std::nullopt;
  }
  return std::nullopt;
}

const MetricSummary* ModeSummary::metric(Metric m) const {
  for (const auto& ms : metrics)
    if (ms.metric == m) return &ms;
  return nullptr;
}

bool counts(const RoundRecord& r) { return r.complete && !r.dropped; }

std::vector<double> metric_samples(const RunResult& run, Mode mode, Metric m) {
  std::vector<double> out;
  for (const auto& r : run.rounds) {
    if (r.mode != mode || !counts(r)) continue;
    if (auto v = metric_value(r, m)) out.push_back(*v);
  }
  return out;
}

bool watched_for_precision(Metric m) { return m == Metric::kThroughput || m == Metric::kTargetCpuPerRequest; }

namespace {

// The widest of one half-width over the watched comparisons; nullopt when one has none.
template <typename HalfWidth>
std::optional<double> widest_watched(const Analysis& a, HalfWidth half_width) {
  std::optional<double> widest;
  for (const auto& c : a.comparisons) {
    if (!watched_for_precision(c.metric)) continue;
    const double hw = half_width(c);
    if (!std::isfinite(hw)) return std::nullopt;
    widest = std::max(widest.value_or(0.0), hw);
  }
  return widest;
}

}  // namespace

std::optional<double> widest_half_width_pct(const Analysis& a) {
  return widest_watched(a, [](const ComparisonRow& c) { return (c.change.ci_high_pct - c.change.ci_low_pct) / 2; });
}

std::optional<double> widest_sign_blind_half_width_pct(const Analysis& a) {
  return widest_watched(a, [](const ComparisonRow& c) { return c.sign_blind_half_width_pct; });
}

bool precision_goal_met(const Analysis& a, double goal_pct) {
  const auto hw = widest_half_width_pct(a);
  const auto blind = widest_sign_blind_half_width_pct(a);
  return hw && blind && *hw <= goal_pct && *blind <= goal_pct;
}

std::optional<int> blocks_for_half_width(int n, double half_width_pct, double wanted_half_width_pct) {
  if (!(half_width_pct > 0) || !(wanted_half_width_pct > 0) || n <= 0) return std::nullopt;
  const double ratio = half_width_pct / wanted_half_width_pct;
  const double blocks = std::ceil(static_cast<double>(n) * ratio * ratio);
  if (blocks > 1e6) return std::nullopt;
  return static_cast<int>(blocks);
}

namespace {

// The clean and the dropped blocks, with a warning naming the first dropped one.
void count_blocks(const RunResult& run, Analysis& a) {
  a.dropped_blocks = static_cast<int>(run.dropped_blocks.size());
  std::map<int, bool> clean;  // block -> every round counts
  for (const auto& r : run.rounds) {
    auto [it, fresh] = clean.emplace(r.block, true);
    it->second = it->second && counts(r);
  }
  for (const auto& [block, ok] : clean) a.clean_blocks += ok ? 1 : 0;
  if (a.dropped_blocks > 0)
    a.warnings.push_back(fmt::format("{} block{} dropped and run again: {}{}", a.dropped_blocks,
                                     a.dropped_blocks == 1 ? " was" : "s were", run.dropped_blocks.front().reason,
                                     a.dropped_blocks > 1 ? fmt::format(" (and {} more)", a.dropped_blocks - 1) : ""));
}

// Per mode: the medians of every metric and of the trace facts; too few rounds is invalid.
void summarise_modes(const RunResult& run, const std::vector<Mode>& modes, Analysis& a) {
  std::vector<double> run_generator_share;
  for (Mode mode : modes) {
    ModeSummary s;
    s.mode = mode;
    std::vector<double> bytes_per_s, events_per_s, bytes, window_s, rss, generator_cpu, generator_share, parse_speeds;
    for (const auto& r : run.rounds) {
      if (r.mode != mode || !counts(r)) continue;
      ++s.rounds;
      if (r.target_rss_bytes) rss.push_back(static_cast<double>(*r.target_rss_bytes));
      if (r.generator_cpu_us_per_request > 0) {
        generator_cpu.push_back(r.generator_cpu_us_per_request);
        generator_share.push_back(r.generator_cpu_us_per_request * r.throughput_rps / 1e6);
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
      if (f->parse_mb_per_s) parse_speeds.push_back(*f->parse_mb_per_s);
      for (const auto& c : f->categories) {
        auto slot = std::find_if(s.event_mix.begin(), s.event_mix.end(),
                                 [&](const TraceFacts::CategoryCounts& m) { return m.name == c.name; });
        if (slot == s.event_mix.end())
          slot = s.event_mix.insert(s.event_mix.end(), TraceFacts::CategoryCounts{c.name, 0, 0});
        slot->events += c.events;
        slot->bytes += c.bytes;
      }
    }
    for (Metric m : kAllMetrics) {
      const std::vector<double> samples = metric_samples(run, mode, m);
      // The breakdown is there only where the agent measured it.
      if (samples.empty() && in_breakdown(m)) continue;
      const stats::Interval median = stats::median_ci(samples);
      s.metrics.push_back({m, median, stats::median_ci_achieved_confidence(median.n)});
    }
    s.target_rss_bytes = interval_of(rss);
    s.generator_cpu_us_per_request = interval_of(generator_cpu);
    s.parse_mb_per_s = interval_of(parse_speeds);
    run_generator_share.insert(run_generator_share.end(), generator_share.begin(), generator_share.end());
    if (!generator_share.empty()) {
      s.generator_core_share = stats::median_ci(generator_share).estimate;
      if (*s.generator_core_share > kGeneratorCoreShareWarn) {
        a.generator_competes_for_cpu = true;
        a.warnings.push_back(fmt::format(
            "tracebench's load generator used {:.0f}% of a CPU core in mode {} ({:.1f} µs per request): where it "
            "shares cores with the target it takes CPU the target needs; give it CPUs of its own (--exec with --pin) "
            "or run it on another machine",
            *s.generator_core_share * 100, to_string(mode), s.generator_cpu_us_per_request->estimate));
      }
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
  if (!run_generator_share.empty()) a.generator_core_share = stats::median_ci(run_generator_share).estimate;
}

// Every mode against off, every metric of a family, inside blocks.
template <std::size_t N>
std::vector<ComparisonRow> compare_family(const RunResult& run, const std::vector<Mode>& modes, const Metric (&family)[N]) {
  std::vector<ComparisonRow> rows;
  for (Mode mode : modes) {
    if (mode == Mode::kOff || !run.latency_by_mode.count(Mode::kOff)) continue;
    for (Metric m : family) {
      const Pairs pairs = block_pairs(run, Mode::kOff, mode, m);
      if (pairs.base.size() < 2) continue;
      rows.push_back(compare(mode, m, pairs, metric_samples(run, Mode::kOff, m), metric_samples(run, mode, m)));
    }
  }
  return rows;
}

// One multiple test over every comparison of the run, so that a run whose modes do not differ
// flags anything at all in at most alpha of runs (docs/statistics.md, "One test per run"). The
// overhead rows share alpha and pass it on among themselves as in Holm's procedure. A mode's
// breakdown says where its CPU per request went, so it starts with nothing and is tested only
// once that mode's CPU per request is found changed: that row passes half its share to the
// mode's breakdown rows, which pass theirs to each other.
stats::TestGraph overhead_then_breakdown(const std::vector<ComparisonRow>& rows) {
  const std::size_t n = rows.size();
  stats::TestGraph g{std::vector<double>(n, 0.0), std::vector<std::vector<double>>(n, std::vector<double>(n, 0.0))};
  std::vector<std::size_t> overhead;
  for (std::size_t i = 0; i < n; ++i)
    if (!in_breakdown(rows[i].metric)) overhead.push_back(i);
  const auto breakdown_of = [&](Mode mode, std::size_t except) {
    std::vector<std::size_t> out;
    for (std::size_t k = 0; k < n; ++k)
      if (k != except && rows[k].mode == mode && in_breakdown(rows[k].metric)) out.push_back(k);
    return out;
  };
  const auto share = [&](std::size_t from, const std::vector<std::size_t>& to, double total) {
    for (std::size_t k : to) g.transitions[from][k] += total / static_cast<double>(to.size());
  };
  for (std::size_t i : overhead) {
    g.weights[i] = 1.0 / static_cast<double>(overhead.size());
    std::vector<std::size_t> others;
    for (std::size_t k : overhead)
      if (k != i) others.push_back(k);
    const std::vector<std::size_t> breakdown =
        rows[i].metric == Metric::kTargetCpuPerRequest ? breakdown_of(rows[i].mode, n) : std::vector<std::size_t>{};
    if (breakdown.empty()) {
      share(i, others, 1.0);
    } else {
      share(i, breakdown, others.empty() ? 1.0 : 0.5);
      share(i, others, 0.5);
    }
  }
  for (std::size_t i = 0; i < n; ++i)
    if (in_breakdown(rows[i].metric)) share(i, breakdown_of(rows[i].mode, i), 1.0);
  return g;
}

void compare_with_off(const RunResult& run, const std::vector<Mode>& modes, Analysis& a) {
  a.comparisons = compare_family(run, modes, kMetrics);
  const std::vector<ComparisonRow> breakdown = compare_family(run, modes, kBreakdownMetrics);
  a.comparisons.insert(a.comparisons.end(), breakdown.begin(), breakdown.end());
  std::vector<double> p;
  for (const auto& r : a.comparisons) p.push_back(r.change.p_value);
  const std::vector<double> adjusted = stats::graph_adjust(p, overhead_then_breakdown(a.comparisons));
  for (std::size_t i = 0; i < a.comparisons.size(); ++i) {
    a.comparisons[i].p_adjusted = adjusted[i];
    a.comparisons[i].significant = adjusted[i] < a.alpha;
  }
}

// Noise floor: an A/A in the same design. The off round of every even clean block is
// paired with the off round of the clean block after it: same mode, same pairing, one
// block apart, so what it flags is the machine. Its own Holm family.
void measure_noise_floor(const RunResult& run, Analysis& a) {
  for (Metric m : kMetrics) {
    std::vector<std::pair<const RoundRecord*, double>> off;  // (round, value), in block order
    for (const auto& r : run.rounds)
      if (r.mode == Mode::kOff && counts(r))
        if (auto v = metric_value(r, m)) off.emplace_back(&r, *v);
    Pairs pairs;
    for (std::size_t i = 0; i + 1 < off.size(); i += 2)
      pairs.add(*off[i].first, off[i].second, *off[i + 1].first, off[i + 1].second);
    if (pairs.base.size() < 2) continue;
    a.noise_floor.push_back(compare(Mode::kOff, m, pairs, pairs.base, pairs.treatment));
  }
  holm(a.noise_floor, a.alpha);
}

// The probe's own change, each mode against off inside blocks: the adjustment's premise that
// the mode does not move it, checked on every run. Holm across the modes.
void check_speed_reference(const RunResult& run, const std::vector<Mode>& modes, Analysis& a) {
  std::vector<SpeedReferenceCheck> rows;
  for (Mode mode : modes) {
    if (mode == Mode::kOff) continue;
    // The probe as the metric: pair it by block through the throughput rows' rounds.
    const Pairs pairs = block_pairs(run, Mode::kOff, mode, Metric::kThroughput);
    if (pairs.base.size() < 2 || !pairs.every_pair_has_the_probe()) continue;
    rows.push_back({mode, stats::paired_relative_change(pairs.base_probe, pairs.treatment_probe), 1, false});
  }
  holm(rows, a.alpha);
  a.speed_reference = std::move(rows);
  for (const auto& r : a.speed_reference)
    if (r.significant) {
      a.warnings.push_back(fmt::format(
          "the CPU speed probe itself changed with mode {} ({:+.2f}% [{:+.2f}%, {:+.2f}%] against off): the speed "
          "adjustment assumes it does not, so its figures may be off by about the slope times that change; "
          "comparisons[].unadjusted has the figures without it",
          to_string(r.mode), r.change.delta_pct, r.change.ci_low_pct, r.change.ci_high_pct));
      break;
    }
}

// A family that cannot flag anything is no check on the run: say so, and how many clean
// blocks would make it one.
void warn_where_a_family_cannot_flag(Analysis& a) {
  const auto cannot_flag = [&](const std::vector<ComparisonRow>& rows, std::size_t pairs_per_block_pair,
                               const std::string& what) {
    if (rows.empty()) return;
    // The best-placed row: at a fixed rate, throughput is the same in every round and its
    // pairs all tie, which says nothing about how many the others rest on.
    std::size_t n = 0;
    for (const auto& r : rows) n = std::max(n, r.change.n_base);
    const double m = static_cast<double>(rows.size());
    if (stats::min_signed_rank_p(n) * m < a.alpha) return;
    std::size_t needed = n;
    while (stats::min_signed_rank_p(needed) * m >= a.alpha) ++needed;
    a.warnings.push_back(fmt::format(
        "{} rests on {} pairs: the smallest p-value that gives is {:.3f}, {:.3f} after Holm over {} comparisons, so "
        "it can never flag a change; it needs {} clean blocks for that",
        what, n, stats::min_signed_rank_p(n), stats::min_signed_rank_p(n) * m, rows.size(),
        needed * pairs_per_block_pair));
  };
  std::vector<ComparisonRow> overhead;
  for (const auto& c : a.comparisons)
    if (!in_breakdown(c.metric)) overhead.push_back(c);
  cannot_flag(overhead, 1, "each mode against off");
  cannot_flag(a.noise_floor, 2, "the noise floor (off of one block against off of the next)");
}

// Carry-over: off rounds right after a round with tracing on against the other off rounds.
void measure_carry_over(const RunResult& run, Analysis& a) {
  std::map<int, const RoundRecord*> index_of;
  for (const auto& r : run.rounds) index_of[r.index] = &r;
  std::vector<CarryOver> rows;
  for (Metric m : kMetrics) {
    std::vector<double> after_tracing, after_off;
    for (const auto& r : run.rounds) {
      if (r.mode != Mode::kOff || !counts(r)) continue;
      const auto v = metric_value(r, m);
      if (!v) continue;
      auto prev = index_of.find(r.index - 1);
      const bool traced = prev != index_of.end() && !tracing_off(prev->second->mode);
      (traced ? after_tracing : after_off).push_back(*v);
    }
    if (after_tracing.size() < 3 || after_off.size() < 3) continue;
    rows.push_back({m, stats::relative_change(after_off, after_tracing), false});
  }
  holm(rows, a.alpha);
  a.carry_over = std::move(rows);
  for (const auto& c : a.carry_over)
    if (c.significant) {
      a.warnings.push_back(fmt::format(
          "carry-over: off rounds right after a round with tracing on differ from the others ({} {:+.1f}% "
          "[{:+.1f}%, {:+.1f}%], {} vs {} rounds); the randomized order spreads it over the modes, but a longer "
          "--settle-after-tracing removes it",
          metric_name(c.metric), c.change.delta_pct, c.change.ci_low_pct, c.change.ci_high_pct,
          c.change.n_treatment, c.change.n_base));
      break;
    }
}

// Intervals narrower in coverage than they are labelled (too few rounds for 95%).
void warn_about_coverage(Analysis& a) {
  for (const auto& s : a.modes)
    for (const auto& ms : s.metrics)
      if (ms.median.n >= 2 && ms.ci_coverage < 1 - a.alpha - 1e-9) {
        a.warnings.push_back(fmt::format("mode {}: with {} rounds the \"95%\" intervals of the medians cover only "
                                         "{:.1f}% (min to max)",
                                         to_string(s.mode), ms.median.n, ms.ci_coverage * 100));
        break;
      }
  for (const auto* rows : {&a.comparisons, &a.noise_floor})
    for (const auto& c : *rows)
      if (c.ci_coverage > 0 && c.ci_coverage < 1 - a.alpha - 1e-9) {
        // A breakdown metric can have far fewer pairs than the others (a class the runtime
        // left at zero in one mode), so a mode's row names the metric it is about.
        const std::string who = rows == &a.noise_floor
                                    ? std::string("the noise floor (off vs off)")
                                    : fmt::format("{} vs off on {}", to_string(c.mode), metric_name(c.metric));
        a.warnings.push_back(fmt::format("{} with {} pairs of rounds: the \"95%\" change intervals cover only {:.1f}%",
                                         who, c.change.n_base, c.ci_coverage * 100));
        break;
      }
}

}  // namespace

Analysis analyse(const RunResult& run, double alpha) {
  Analysis a;
  a.alpha = alpha;
  std::vector<Mode> modes;
  for (Mode m : run.config.modes)
    if (run.latency_by_mode.count(m)) modes.push_back(m);
  count_blocks(run, a);
  summarise_modes(run, modes, a);
  compare_with_off(run, modes, a);
  check_speed_reference(run, modes, a);
  measure_noise_floor(run, a);
  warn_where_a_family_cannot_flag(a);
  measure_carry_over(run, a);
  warn_about_coverage(a);
  return a;
}

}  // namespace tracebench::experiment
