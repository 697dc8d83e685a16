#pragma once
// A three-mode run: a warm-up, then rounds of off / trace / flight recorder in randomized
// balanced order, each round switching the mode on, letting the target settle, measuring a
// phase of load, and collecting the trace or snapshot.
//
// Failures: a target that cannot be reached at the start throws load::TargetUnreachable;
// anything that goes wrong later (target dies, pprof refuses, Ctrl-C) stops the run and
// returns what was measured so far with complete = false, stop_cause saying what kind of
// stop it was and stop_reason saying why in words.
// Blocking; call from one thread.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "experiment/mode.h"
#include "experiment/round_record.h"
#include "experiment/run_config.h"
#include "load/load_runner.h"
#include "stats/comparison.h"
#include "stats/histogram.h"

namespace tracebench::experiment {

struct SkippedMode {
  Mode mode;
  std::string reason;  // one line, with the hint on how to enable it
};

// Why the run stopped adding blocks.
enum class StopRule {
  kBlocksDone,         // the fixed design's clean blocks all ran
  kPrecisionReached,   // adaptive: every watched interval within ±precision
  kMaxDuration,        // adaptive: another block would pass --max-duration
  kTooManyDisturbed,   // more blocks were dropped than max_dropped_blocks
  kStopped,            // a failure or an interrupt stopped the run (see stop_reason)
};
std::string_view to_string(StopRule r);  // "blocks done", "precision reached", ...

// What stopped a run early, for callers that decide on it (a sweep tells an overloaded rate
// level from a target that is gone); stop_reason is the same fact in words, for people.
enum class StopCause {
  kNone,                    // the run did not stop early
  kInterrupted,             // the interrupt flag (Ctrl-C)
  kTargetUnreachable,       // nothing answered before the run began
  kWarmUpUnanswered,        // the warm-up got no answer at all
  kTargetStoppedAnswering,  // connections failed during the run, or a round got no answer
  kTargetExited,            // the watched target process ended during a round
  kCaptureFailed,           // the pprof trace capture did not start or failed
  kFlightRecorderFailed,    // the agent did not start the recorder or take a snapshot
};

struct DroppedBlock {
  int block = 0;
  std::string reason;  // the first disturbed round's, naming it
};

// One look the adaptive stop rule took after a block: how many clean blocks there were and
// the widest watched half-width then (nullopt: some watched interval could not be formed).
struct PrecisionCheck {
  int clean_blocks = 0;
  std::optional<double> widest_half_width_pct;
  std::optional<double> widest_sign_blind_half_width_pct;
};

struct RunResult {
  RunConfig config;
  std::vector<Mode> modes;               // the modes that run (config.modes less the skipped)
  std::vector<Mode> plan;                // every round's mode, in run order (grows with added blocks)
  std::vector<RoundRecord> rounds;       // those that ran
  std::vector<SkippedMode> skipped;
  bool complete = true;
  StopCause stop_cause = StopCause::kNone;
  std::string stop_reason;               // why the run stopped early, in words
  std::string target_go_version;         // from a trace header, when one was read
  std::optional<int> target_pid;
  // Where every round's target CPU per request comes from (kProc or kAgent; nullopt: none,
  // with a warning naming what is missing), and whether the agent's process endpoint
  // answered before the first round (its figures are then read at every window's edges).
  std::optional<TargetCpu> cpu_source;
  bool agent_process = false;
  // With config.rate_share: the closed-loop throughput of the warm-up, which set the rounds'
  // rate (config.load.open_loop) to rate_share of it.
  std::optional<double> capacity_rps;
  std::map<Mode, std::shared_ptr<stats::Histogram>> latency_by_mode;  // merged over rounds
  std::vector<std::string> warnings;
  std::vector<DroppedBlock> dropped_blocks;
  StopRule stop_rule = StopRule::kBlocksDone;
  // With config.precision: every look the stop rule took, in order, so a reader can see the
  // intervals narrow and that the run stopped at the first look within the goal.
  std::vector<PrecisionCheck> precision_checks;
  double wall_s = 0;                     // from the warm-up's start to the last round's end
};

struct ExperimentHooks {
  const std::atomic<bool>* interrupt = nullptr;
  // Before the first round, with the plan (modes already reduced by skips).
  std::function<void(const RunResult&)> on_plan;
  // Progress inside a phase: round index (-1 for warm-up), its mode, load progress.
  std::function<void(int, Mode, const load::Progress&)> on_progress;
  std::function<void(const RoundRecord&)> on_round_done;
};

// Decides which modes can run (probing pprof and the agent), where target CPU comes from,
// and fills the plan. Throws load::TargetUnreachable when the target itself does not answer,
// std::runtime_error (one line) when --target-cpu asks for a source that is not there.
RunResult prepare_run(const RunConfig& config);

// Runs a prepared plan block by block: drops (and replaces) blocks with a disturbed round,
// and with config.precision adds blocks until the goal or the time limit. Adds
// idle_target_warning() and busy_host_warning() to run.warnings when they apply.
void execute_run(RunResult& run, const ExperimentHooks& hooks);

// Below this, CPU per request cannot be a server's: even a Go "hello" handler spends
// several µs per request. Measuring it means the pid watched is not the one serving.
inline constexpr double kIdleTargetCpuUsPerRequest = 0.5;
// A warning when the complete rounds' median target CPU per request is under
// kIdleTargetCpuUsPerRequest (the pid watched is not the one serving), else "".
std::string idle_target_warning(const RunResult& run);

// The machine's load beside the target and tracebench over the complete rounds: medians of
// RoundRecord::host_other_cpu_pct and host_steal_pct, and whether either is past its limit.
struct HostLoad {
  int cpus = 0;
  std::optional<stats::Interval> other_cpu_pct;
  std::optional<stats::Interval> steal_pct;
  bool busy = false;
};
// Background on a quiet machine (system daemons, the shell) stays at a few per cent; past
// these, the target competed for its CPUs in a typical round.
inline constexpr double kBusyHostOtherCpuPct = 10.0;
inline constexpr double kBusyHostStealPct = 5.0;
HostLoad host_load(const RunResult& run);
// A warning naming the figures when `h.busy`, else "".
std::string busy_host_warning(const HostLoad& h);

}  // namespace tracebench::experiment
