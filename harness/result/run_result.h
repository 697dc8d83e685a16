#pragma once
// The typed reader of the run result (schema tracebench.run/v1, docs/run.md): the one place
// that knows where each figure sizing, gates and reports use sits in result.json.
//
// Containers must have their types: the document an object with the run schema; "modes" an
// object of objects; "comparisons", "noise_floor", "rounds", "skipped_modes" arrays of
// objects; "warnings" and "invalid_reasons" arrays (a line that is not a string is kept as
// its JSON text). Otherwise read_run_result throws FormatError, one line naming the key and
// what was expected. Leaves are read tolerantly: a number or string that is absent, null or
// of another type reads as not there, so a reader uses whatever part of a result exists
// (hand-made and older results hold only some keys).
//
// The view owns its data (no pointers into the JSON). Thread-safe, pure.

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "result/document_context.h"
#include "result/recommendations.h"

namespace tracebench::result {

class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Above this share of one core (median round) the load generator is said to compete with
// the target for CPU: analysis flags it, reports read the flag.
inline constexpr double kGeneratorCoreShareWarn = 0.5;

// A median with its 95% CI: {median, ci_low, ci_high, n, ci_coverage}. Every part is
// nullopt when the key (or the whole interval) is absent or null. ci_coverage is what the
// interval really covers (below 0.95 with fewer than 6 values); older results lack it.
struct Interval {
  std::optional<double> median, ci_low, ci_high, n, ci_coverage;
};

// modes.<mode>.latency_all_rounds_ns: every request of the mode's rounds merged.
struct LatencySummaryView {
  std::optional<double> count, mean, p50, p90, p99, p999, max;
};

// One category of modes.<mode>.trace_event_mix; a count that is absent reads as 0.
struct EventCategoryView {
  std::string category;  // as tracebench inspect names it: scheduling, gc_heap, ...
  double events = 0, bytes = 0;
};

struct ModeView {
  std::string name;  // "off", "trace", "flightrecorder", "off2"
  std::optional<double> rounds;  // complete rounds
  Interval throughput_rps, latency_p50_ns, latency_p99_ns, latency_p999_ns, target_cpu_us_per_request;
  bool target_cpu_measured = false;  // target_cpu_us_per_request is there and not null
  Interval trace_bytes, trace_bytes_per_s, trace_events_per_s, fr_window_s;
  // Where the target's CPU went, from the agent (runs before it, or without the agent, lack
  // them): the runtime's user, GC and scavenger CPU per request, GC cycles per 1000
  // requests, and the scheduler's latency.
  Interval user_cpu_us_per_request, gc_cpu_us_per_request, scavenge_cpu_us_per_request, gc_cycles_per_1k_requests,
      sched_latency_p50_ns, sched_latency_p99_ns;
  // The reader's speed on this mode's files: the median of the interval, or the plain
  // number of older results.
  std::optional<double> parse_mb_per_s;
  Interval parse_mb_per_s_interval;  // the interval itself (empty for older results)
  std::optional<LatencySummaryView> latency_all_rounds_ns;
  // latency_spectrum: (percentile, latency ns) points, the ones that are two numbers.
  std::vector<std::pair<double, double>> latency_spectrum;
  std::vector<EventCategoryView> trace_event_mix;  // in the document's key order; empty when absent
};

// result.json's `multiple_test` for one graphical procedure over all of a run's comparisons:
// Holm over the overhead rows, each mode's breakdown tested once its CPU per request is found
// changed (docs/statistics.md).
inline constexpr const char* kGatedBreakdown = "holm-overhead+gated-breakdown";

// One comparisons[] or noise_floor[] row: a mode against off on one metric, in %.
struct ComparisonView {
  std::string mode, metric;
  // The family: "overhead" (what a mode costs, the verdicts) or "breakdown" (where the
  // cost went); results before the breakdown have only the first and no key.
  bool breakdown = false;
  std::optional<double> delta_pct, ci_low_pct, ci_high_pct;
  std::optional<double> bound_low_pct, bound_high_pct;  // one-sided 95% bounds (blocked runs)
  std::optional<double> p_value, p_adjusted, n_base, n_mode, n_blocks;
  bool significant = false;
  // The figures above take out the machine's speed by the rounds' CPU probe (newer results).
  bool speed_adjusted = false;
};

// A round's trace or snapshot facts.
struct TraceFactsView {
  std::optional<double> bytes_per_s, bytes, span_s;
  std::string file;        // the kept file, "" when not kept
  std::string read_error;  // why the file could not be read, "" when it was
};

struct RoundView {
  std::optional<double> index;
  std::string mode;
  // Absent in some hand-made documents: sizing counts such a round as complete, check
  // does not, so the absence is kept.
  std::optional<bool> complete;
  bool dropped = false;  // its block was dropped and run again
  std::optional<double> errors, throughput_rps;
  // Failed requests by kind ("timeout", "reset", ...); empty in results written before the
  // kinds were recorded, which have the total only.
  std::map<std::string, double> errors_by_kind;
  std::optional<double> latency_p50_ns, latency_p99_ns, latency_p999_ns;
  std::optional<double> generator_cpu_us_per_request, target_cpu_us_per_request, send_lag_p99_ns, target_rss_bytes;
  // Where target_cpu_us_per_request came from ("proc", "agent"; "" in older results), both
  // sources where both were read, and why the agent's figures are missing ("" when not).
  std::string target_cpu_source;
  std::optional<double> proc_cpu_us_per_request, agent_cpu_us_per_request;
  std::string agent_invalid;
  std::optional<TraceFactsView> trace, snapshot;
};

struct SkippedMode {
  std::string mode, reason;
};

struct RunConfigView {
  std::optional<double> phase_s, settle_s, fr_max_bytes;
  // --target-cpu as asked ("auto", "proc", "agent") and the source the run used ("proc",
  // "agent", "" when neither: then target CPU was not measured); "" in older results.
  std::string target_cpu, target_cpu_source;
  std::string method, path, target;  // the request and where it went ("" when absent)
  bool open_loop = false;            // "schedule" is "open_loop" (a fixed rate), else closed loop
  std::optional<double> rate_rps, connections, rounds_per_mode;
  // The rate as a share of the warm-up's closed-loop throughput (capacity_rps), when set so.
  std::optional<double> rate_share, capacity_rps;
};

// The machine and the build the run had ("context"); "" and nullopt when absent.
struct RunContextView {
  std::string started_at, target_go_version;
  std::optional<double> cpus;
  bool debug_build = false;  // "build_type" is "debug": tracebench's own overhead distorts the figures
};

// The load generator's CPU as a share of one core, median round, and whether that competes
// with the target (above kGeneratorCoreShareWarn). Written by analysis as "generator";
// for an older result without it, derived here from the complete rounds.
struct GeneratorView {
  std::optional<double> core_share;
  bool competes_for_cpu = false;
};

// "design": how a blocked run was run (older results lack it).
struct DesignView {
  std::optional<double> blocks_clean, blocks_dropped, widest_half_width_pct, precision_pct, wall_s;
  std::string stop_rule;  // "" when absent
};

struct RunResultView {
  std::optional<bool> complete;  // absent in hand-made documents
  std::string stop_reason;
  bool has_modes = false;        // "modes" is there (it may be empty)
  std::vector<ModeView> modes;   // in the document's key order
  std::vector<ComparisonView> comparisons, noise_floor;
  std::vector<RoundView> rounds;  // in run order
  std::size_t planned_rounds = 0;  // the length of "plan": the rounds the run meant to run
  std::vector<SkippedMode> skipped_modes;
  std::vector<std::string> warnings, invalid_reasons;
  // The run itself marked the result invalid for its generator's send lag. Runs from before
  // blocks did (a line of invalid_reasons beginning "generator send lag p99"); a blocked run
  // drops the disturbed block instead, so its results never are.
  bool invalid_for_send_lag = false;
  RunConfigView config;
  RunContextView context;
  GeneratorView generator;
  std::optional<DesignView> design;  // nullopt when absent or not an object
  std::optional<double> alpha;       // the significance level of the comparisons
  // How comparisons[].p_adjusted was made: kGatedBreakdown, or empty for results from before it
  // (Holm within each family).
  std::string multiple_test;
  std::optional<RecommendationsView> recommendations;  // nullopt when sizing did not run
  std::optional<VerificationView> verification;        // nullopt when no window was verified
  DocumentContext host_and_config;  // the host, tool, command line and config tables

  // The mode by name, or nullptr.
  const ModeView* mode(std::string_view name) const;
  // The comparison of `mode` against off on `metric`, or nullptr.
  const ComparisonView* comparison(std::string_view mode, std::string_view metric) const;
};

// Reads a parsed result.json. Throws FormatError (see above); the schema errors read
//   "not a tracebench run result: the document is not a JSON object"
//   "not a tracebench run result: no 'schema' key (expected \"tracebench.run/v1\")"
//   "not a tracebench run result: schema is \"tracebench.inspect/1\", expected \"tracebench.run/v1\""
// and a container of the wrong type
//   "the result has no 'modes' object", "the result's 'rounds' is not a list",
//   "the result's 'rounds[3]' is not an object".
// The parts added for the reports (design, alpha, the merged latencies, spectrum and event
// mix, recommendations, verification, host_and_config) are read without refusing anything.
RunResultView read_run_result(const nlohmann::json& document);

}  // namespace tracebench::result
