#include "experiment/experiment.h"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>

#include "experiment/analysis.h"
#include "experiment/disturbance.h"
#include "experiment/plan.h"
#include "load/clock.h"
#include "load/socket_address.h"
#include "target/agent_client.h"
#include "target/cpu_speed_probe.h"
#include "target/host_cpu.h"
#include "target/pprof_capture.h"
#include "target/process_stats.h"
#include "trace/analyze.h"

namespace tracebench::experiment {
namespace {

// A capture asked for this much longer than settle + phase, so it is still running when
// the measured window closes, whatever the request's latency. It costs no time: the round
// ends the capture when its window closes (PprofCapture::end_now).
constexpr std::int64_t kCaptureTailNs = 300'000'000;

// How long a round waits for a capture to show itself before the load starts: enough for a
// local target's refusal (404, another trace running) to arrive at once. A healthy target
// that is idle holds its first bytes back longer; the round goes on without them, and the
// trace's own clock later shows whether it covered the window (untraced_part).
constexpr std::int64_t kCaptureStartWaitNs = 30'000'000;

// Thrown inside a round when the run cannot go on; cause and message become the run's
// stop_cause and stop_reason.
struct RunStopped : std::runtime_error {
  RunStopped(StopCause c, const std::string& why) : std::runtime_error(why), cause(c) {}
  StopCause cause;
};

// The measured window on CLOCK_MONOTONIC, to place a trace against it.
struct Window {
  std::int64_t opened_ns = 0;
  std::int64_t closed_ns = 0;
};

TraceFacts read_trace_facts(const std::string& path, std::uint64_t bytes, double fallback_span_s,
                            std::optional<Window> window = std::nullopt) {
  TraceFacts f;
  f.file = path;
  f.bytes = bytes;
  f.span_s = fallback_span_s;
  try {
    trace::AnalyzeOptions opts;
    opts.strict = false;
    opts.annotations = false;
    opts.goroutines = false;
    const trace::TraceSummary s = trace::analyze_file(path, opts);
    f.go_version = fmt::format("go {}", trace::version_name(s.version));
    if (s.span_ns > 0) {
      f.span_s = static_cast<double>(s.span_ns) / 1e9;
      f.events_per_s = s.events_per_second();
    }
    if (s.parse_seconds > 0) f.parse_mb_per_s = s.parse_mb_per_second();
    if (window && s.mono_minus_trace_ns && s.timed_events > 0) {
      // In double: a target's damaged trace may hold any timestamps, and this must not overflow.
      const auto ns = [](std::int64_t v) { return static_cast<double>(v); };
      const double offset = ns(*s.mono_minus_trace_ns);
      f.window_lead_s = (ns(window->opened_ns) - (ns(s.first_event_ns) + offset)) / 1e9;
      f.window_trail_s = (ns(s.last_event_ns) + offset - ns(window->closed_ns)) / 1e9;
    }
    for (std::size_t c = 0; c < trace::kCategoryCount; ++c) {
      const auto& counts = s.categories[c];
      if (counts.events == 0 && counts.bytes == 0) continue;
      f.categories.push_back({std::string(trace::category_name(static_cast<trace::Category>(c))), counts.events,
                              counts.bytes});
    }
  } catch (const std::exception& e) {
    f.read_error = e.what();
  }
  f.bytes_per_s = f.span_s > 0 ? static_cast<double>(bytes) / f.span_s : 0.0;
  return f;
}

// Why a trace round cannot stand for its mode: part of its window went untraced (the capture
// began after the window opened or ended before it closed), "" when the trace covered it all
// or cannot say (no clock snapshot, unreadable).
std::string untraced_part(const TraceFacts& f) {
  if (f.window_lead_s && *f.window_lead_s < 0)
    return fmt::format("the trace capture began {:.1f} ms after the window opened: part of the window was not traced",
                       -*f.window_lead_s * 1e3);
  if (f.window_trail_s && *f.window_trail_s < 0)
    return fmt::format("the trace capture ended {:.1f} ms before the window closed: part of the window was not traced",
                       -*f.window_trail_s * 1e3);
  return {};
}

// "12 errors: reset 10, timeout 2", the kinds in load::ErrorKind's order.
std::string errors_text(const load::ErrorCounts& e) {
  const std::string kinds = e.kinds_text();
  return fmt::format("{} errors{}{}", e.total(), kinds.empty() ? "" : ": ", kinds);
}

// The agent is read twice a round, at the window's edges, on the thread that runs the load
// schedule's clock: a read that does not answer in this long leaves the round without the
// agent's figures instead of holding the window open.
constexpr std::int64_t kAgentReadTimeoutNs = 2'000'000'000;

std::string agent_hint() {
  return "add the flight-recorder agent to the target's debug mux (agent.Register, see docs/agent.md) "
         "and pass --agent HOST:PORT";
}

// Whether the agent serves GET process: an agent older than the endpoint answers 404.
void probe_agent_process(RunResult& run) {
  const RunConfig& c = run.config;
  if (!c.agent) return;
  try {
    target::AgentClient(c.agent->host, c.agent->port, c.agent_token, kAgentReadTimeoutNs).process();
    run.agent_process = true;
  } catch (const target::AgentError& e) {
    run.warnings.push_back(fmt::format("the agent does not give the target's CPU time and runtime metrics, so there "
                                       "is no breakdown of where the CPU went: {}{}",
                                       e.what(), e.http_status() == 404 ? " (an agent older than its process endpoint: "
                                                                          "update workloads/agent)"
                                                                        : ""));
  }
}

std::string no_agent_text(const RunConfig& c) {
  return c.agent_skip_reason.empty() ? "no agent found: " + agent_hint() : c.agent_skip_reason;
}

void choose_cpu_source(RunResult& run) {
  const RunConfig& c = run.config;
  switch (c.target_cpu) {
    case TargetCpu::kProc:
      if (!run.target_pid)
        throw std::runtime_error("--target-cpu proc: the target's process was not found on this machine (pass "
                                 "--target-pid, or --target-cpu agent with the agent on the target's debug mux)");
      run.cpu_source = TargetCpu::kProc;
      return;
    case TargetCpu::kAgent:
      if (!c.agent) throw std::runtime_error("--target-cpu agent: " + no_agent_text(c));
      if (!run.agent_process)
        throw std::runtime_error(fmt::format("--target-cpu agent: the agent at {} does not answer GET process (see "
                                             "the warning above; update workloads/agent)",
                                             c.agent->display()));
      run.cpu_source = TargetCpu::kAgent;
      return;
    case TargetCpu::kAuto:
      if (run.target_pid) {
        run.cpu_source = TargetCpu::kProc;
      } else if (run.agent_process) {
        run.cpu_source = TargetCpu::kAgent;
      } else {
        run.warnings.push_back(
            "the target's process was not found on this machine and no agent gives its CPU time: target CPU per "
            "request, RSS and the runtime breakdown are not measured (run it locally, pass --target-pid, or mount "
            "the agent on its debug mux and pass --agent HOST:PORT: docs/agent.md)");
      }
      return;
  }
}

}  // namespace

RunResult prepare_run(const RunConfig& config) {
  RunResult run;
  run.config = config;
  // The target must answer before anything else is tried.
  {
    load::SocketAddress addr = load::resolve(config.load.target);
    if (std::string why = load::check_reachable(addr, config.load.target, config.load.connect_timeout_ns);
        !why.empty())
      throw load::TargetUnreachable(why);
  }
  std::vector<Mode> modes;
  for (Mode m : config.modes) {
    if (m == Mode::kTrace && !config.pprof) {
      run.skipped.push_back({m, "no pprof endpoint found: import net/http/pprof on the target's debug mux, "
                                "or pass --pprof HOST:PORT"});
      continue;
    }
    if (m == Mode::kFlightRecorder && !config.agent) {
      run.skipped.push_back({m, config.agent_skip_reason.empty() ? "no flight-recorder agent found: " + agent_hint()
                                                                 : config.agent_skip_reason});
      continue;
    }
    modes.push_back(m);
  }
  run.modes = modes;
  run.plan = make_plan(modes, config.rounds_per_mode, config.seed);
  run.target_pid = config.target_pid;
  if (!run.target_pid && target::is_this_machine(config.load.target.host)) {
    if (auto pid = target::find_listening_pid(config.load.target.port)) run.target_pid = *pid;
  }
  probe_agent_process(run);
  choose_cpu_source(run);
  for (Mode m : modes) run.latency_by_mode[m] = std::make_shared<stats::Histogram>();
  return run;
}

namespace {

class RoundRunner {
 public:
  RoundRunner(RunResult& run, const ExperimentHooks& hooks) : run_(run), hooks_(hooks) {
    if (run.config.agent)
      agent_ = std::make_unique<target::AgentClient>(run.config.agent->host, run.config.agent->port,
                                                      run.config.agent_token);
    if (run.agent_process)
      agent_reader_ = std::make_unique<target::AgentClient>(run.config.agent->host, run.config.agent->port,
                                                             run.config.agent_token, kAgentReadTimeoutNs);
  }

  // Load with nothing recorded, before the first round.
  void warm_up() {
    if (run_.config.warmup_ns <= 0) return;
    load::LoadConfig cfg = run_.config.load;
    // A rate set as a share of the capacity is unknown yet: the warm-up measures it closed loop.
    if (run_.config.rate_share) cfg.open_loop.reset();
    // All measured phase: its request count tells whether the target answers; nothing is kept.
    cfg.warmup_ns = 0;
    cfg.measure_ns = run_.config.warmup_ns;
    load::RunHooks h;
    h.interrupt = hooks_.interrupt;
    h.on_progress = [&](const load::Progress& p) {
      if (hooks_.on_progress) hooks_.on_progress(-1, Mode::kOff, p);
    };
    load::LoadResult r = load::run_load(cfg, h);
    // A load run ends early only when interrupted (load_result.h).
    if (!r.complete) throw RunStopped(StopCause::kInterrupted, r.stop_reason);
    if (r.requests == 0)
      throw RunStopped(StopCause::kWarmUpUnanswered,
                       fmt::format("the target did not answer during the warm-up ({})", errors_text(r.errors)));
    if (run_.config.rate_share) set_rate_from_capacity(r.throughput_rps);
  }

  RoundRecord run_round(int index, int block, Mode mode) {
    RoundRecord rec;
    rec.index = index;
    rec.block = block;
    rec.mode = mode;
    const std::int64_t settle_ns = settle_before(mode);
    ModeCapture capture = start_mode(index, mode, settle_ns);
    WindowSamples samples;
    const load::LoadResult r = run_window(rec, settle_ns, capture, samples);
    record_load(rec, r);
    record_target_cpu(rec, r, samples);
    run_.latency_by_mode[mode]->add(r.latency);
    // Teardown and the trace facts, even for a round that went wrong, so nothing measured is lost.
    finish_mode(rec, r, capture, samples.window);
    remove_trace_files(rec);
    check_round_end(rec, r);
    return rec;
  }

  // A round that measured something but must stop the run: keep the round, then stop. The
  // caller marks the round incomplete first when what it measured cannot be trusted.
  [[noreturn]] void throw_after(const RoundRecord& rec, StopCause cause, const std::string& why) {
    pending_ = rec;
    throw RunStopped(cause, why);
  }

  std::optional<RoundRecord> take_pending() {
    auto p = std::move(pending_);
    pending_.reset();
    return p;
  }

 private:
  // The rounds run open loop at rate_share of what the closed-loop warm-up served, in whole
  // requests per second (at least one).
  void set_rate_from_capacity(double capacity_rps) {
    run_.capacity_rps = capacity_rps;
    run_.config.load.open_loop = load::OpenLoop{std::max(1.0, std::round(*run_.config.rate_share * capacity_rps))};
  }

  // One read of the agent's process endpoint: the sample, or why there is none.
  struct AgentReading {
    std::optional<target::AgentProcessSample> sample;
    std::string error;
  };

  AgentReading read_agent() {
    AgentReading out;
    if (!agent_reader_) return out;
    try {
      out.sample = agent_reader_->process();
    } catch (const target::AgentError& e) {
      out.error = e.what();
    }
    return out;
  }

  // What a traced round started before its window: the pprof capture and where it writes.
  struct ModeCapture {
    std::unique_ptr<target::PprofCapture> pprof;
    std::string trace_path;
  };

  // The samples taken at the measured window's edges.
  struct WindowSamples {
    Window window;
    target::ProcessSample before, after;
    AgentReading agent_before, agent_after;
    target::HostCpuSample host_before, host_after;
  };

  // A round after a traced one settles longer when asked, so the tracer's heap and buffers
  // do not weigh on the next round's window (carry-over).
  std::int64_t settle_before(Mode mode) {
    const RunConfig& c = run_.config;
    const std::int64_t settle_ns =
        last_mode_traced_ && c.settle_after_tracing_ns > 0 ? c.settle_after_tracing_ns : c.settle_ns;
    last_mode_traced_ = !tracing_off(mode);
    return settle_ns;
  }

  ModeCapture start_mode(int index, Mode mode, std::int64_t settle_ns) {
    const RunConfig& c = run_.config;
    ModeCapture out;
    if (mode == Mode::kTrace) {
      out.trace_path = fmt::format("{}/round{:03}-trace.trace", c.out_dir, index);
      out.pprof = std::make_unique<target::PprofCapture>(c.pprof->host, c.pprof->port, out.trace_path);
      const double seconds = static_cast<double>(settle_ns + c.phase_ns() + kCaptureTailNs) / 1e9;
      if (std::string err = out.pprof->start(seconds, kCaptureStartWaitNs); !err.empty())
        throw RunStopped(StopCause::kCaptureFailed, err);
    } else if (mode == Mode::kFlightRecorder) {
      try {
        agent_->start(c.fr_min_age_ns, c.fr_max_bytes);
      } catch (const target::AgentError& e) {
        throw RunStopped(StopCause::kFlightRecorderFailed,
                         fmt::format("cannot start the flight recorder: {}", e.what()));
      }
    }
    return out;
  }

  // The load of the round: settle, then the measured window with its edges sampled.
  load::LoadResult run_window(RoundRecord& rec, std::int64_t settle_ns, ModeCapture& capture,
                              WindowSamples& samples) {
    const RunConfig& c = run_.config;
    load::LoadConfig cfg = c.load;
    cfg.warmup_ns = settle_ns;
    cfg.measure_ns = c.phase_ns();
    load::RunHooks h;
    h.interrupt = hooks_.interrupt;
    h.on_progress = [&](const load::Progress& p) {
      if (hooks_.on_progress) hooks_.on_progress(rec.index, rec.mode, p);
    };
    target::CpuSpeedProbe probe;
    h.on_measure_start = [&] {
      samples.window.opened_ns = load::monotonic_ns();
      if (run_.target_pid) samples.before = target::sample_process(*run_.target_pid);
      samples.agent_before = read_agent();
      samples.host_before = target::sample_host_cpu();
      probe.start();
    };
    h.on_measure_end = [&] {
      rec.cpu_probe_ns = probe.stop();
      samples.host_after = target::sample_host_cpu();
      if (run_.target_pid) samples.after = target::sample_process(*run_.target_pid);
      samples.agent_after = read_agent();
      samples.window.closed_ns = load::monotonic_ns();
      // The capture was asked for with room to spare (kCaptureTailNs); ending it here keeps
      // that room from becoming idle time between rounds.
      if (capture.pprof) capture.pprof->end_now();
    };
    try {
      return load::run_load(cfg, h);
    } catch (const load::TargetUnreachable& e) {
      stop_mode(rec.mode, capture.pprof.get());
      throw RunStopped(StopCause::kTargetStoppedAnswering, fmt::format("the target stopped answering: {}", e.what()));
    }
  }

  static void record_load(RoundRecord& rec, const load::LoadResult& r) {
    rec.complete = r.complete;
    rec.measured_s = r.measured_s;
    rec.requests = r.requests;
    rec.errors = r.errors.total();
    rec.errors_by_kind = r.errors;
    rec.resent = r.resent;
    rec.throughput_rps = r.throughput_rps;
    rec.latency_p50_ns = r.latency.value_at_percentile(50);
    rec.latency_p99_ns = r.latency.value_at_percentile(99);
    rec.latency_p999_ns = r.latency.value_at_percentile(99.9);
    rec.latency_max_ns = r.latency.max();
    rec.send_lag_p99_ns = r.send_lag.value_at_percentile(99);
  }

  // CPU is sampled at the window's edges, so it is divided by the responses that arrived
  // inside the window, not by those due in it.
  void record_target_cpu(RoundRecord& rec, const load::LoadResult& r, const WindowSamples& s) {
    const auto served = static_cast<double>(r.responses_in_window);
    rec.generator_cpu_us_per_request = served > 0 ? r.generator_cpu_s * 1e6 / served : 0.0;
    if (served > 0 && r.worker_cpu_s > 0) rec.generator_worker_cpu_us_per_request = r.worker_cpu_s * 1e6 / served;
    if (run_.target_pid && s.before.alive && s.after.alive && served > 0) {
      rec.proc_cpu_us_per_request = (s.after.cpu_s - s.before.cpu_s) * 1e6 / served;
      rec.target_rss_bytes = s.after.rss_bytes;
    }
    if (agent_reader_) record_agent_window(rec, s.agent_before, s.agent_after, served, r.measured_s);
    if (run_.cpu_source == TargetCpu::kProc && rec.proc_cpu_us_per_request) {
      rec.target_cpu_us_per_request = rec.proc_cpu_us_per_request;
      rec.target_cpu_source = TargetCpu::kProc;
    } else if (run_.cpu_source == TargetCpu::kAgent && rec.agent_cpu_us_per_request) {
      rec.target_cpu_us_per_request = rec.agent_cpu_us_per_request;
      rec.target_cpu_source = TargetCpu::kAgent;
    }
    const bool target_cpu_known = run_.target_pid && s.before.alive && s.after.alive;
    if (auto use =
            target::host_cpu_use(s.host_before, s.host_after, target_cpu_known ? s.after.cpu_s - s.before.cpu_s : 0.0)) {
      rec.host_steal_pct = use->steal_pct;
      if (target_cpu_known) rec.host_other_cpu_pct = use->other_pct;
    }
  }

  // A round whose capture or snapshot failed did not measure what its mode stands for (the
  // tracer may have stopped part-way): it is kept for the record but not counted.
  void finish_mode(RoundRecord& rec, const load::LoadResult& r, ModeCapture& capture, const Window& window) {
    if (rec.mode == Mode::kTrace) {
      target::CaptureResult cap = capture.pprof->finish();
      if (cap.ok || cap.bytes > 0) {
        rec.trace = read_trace_facts(capture.trace_path, cap.bytes,
                                     static_cast<double>(cap.finished_ns - cap.started_ns) / 1e9, window);
        rec.disturbed = untraced_part(*rec.trace);
      }
      if (!cap.ok && r.complete) {
        rec.complete = false;
        throw_after(rec, StopCause::kCaptureFailed, fmt::format("the trace capture failed: {}", cap.error));
      }
    } else if (rec.mode == Mode::kFlightRecorder) {
      const std::string snap_path = fmt::format("{}/round{:03}-flightrecorder.trace", run_.config.out_dir, rec.index);
      try {
        target::SnapshotResult s = agent_->snapshot(snap_path);
        rec.snapshot = read_trace_facts(snap_path, s.bytes, 0.0);
      } catch (const target::AgentError& e) {
        stop_mode(rec.mode, nullptr);
        if (r.complete) {
          rec.complete = false;
          throw_after(rec, StopCause::kFlightRecorderFailed,
                      fmt::format("the flight-recorder snapshot failed: {}", e.what()));
        }
      }
      stop_mode(rec.mode, nullptr);
    }
  }

  void remove_trace_files(RoundRecord& rec) const {
    if (run_.config.keep_traces) return;
    for (auto* facts : {rec.trace ? &*rec.trace : nullptr, rec.snapshot ? &*rec.snapshot : nullptr}) {
      if (!facts) continue;
      std::filesystem::remove(facts->file);
      facts->file.clear();
    }
  }

  // Whether the round may be counted: it ran its whole window against a target that was
  // still there and answering. Otherwise the round is kept and the run stops.
  void check_round_end(RoundRecord& rec, const load::LoadResult& r) {
    const RunConfig& c = run_.config;
    if (!r.complete) {
      rec.complete = false;
      throw_after(rec, StopCause::kInterrupted, r.stop_reason);
    }
    if (run_.target_pid && !target::sample_process(*run_.target_pid).alive) {
      rec.complete = false;
      throw_after(rec, StopCause::kTargetExited,
                  fmt::format("the target process {} exited during round {}", *run_.target_pid, rec.index + 1));
    }
    if (r.errors[load::ErrorKind::kConnect] > 0) {
      // Connections failed during the round. When none is accepted now either, the target went
      // away part-way, even where its process is not watched (on another machine, or another
      // pid given): the round measured only part of its window and must not be counted.
      std::string why;
      try {
        why = load::check_reachable(load::resolve(c.load.target), c.load.target, c.load.connect_timeout_ns);
      } catch (const std::exception& e) {
        why = e.what();  // the name no longer resolves
      }
      if (!why.empty()) {
        rec.complete = false;
        throw_after(rec, StopCause::kTargetStoppedAnswering,
                    fmt::format("the target stopped answering during round {} ({}): {}", rec.index + 1,
                                errors_text(r.errors), why));
      }
    }
    if (r.requests == 0) {
      rec.complete = false;
      throw_after(rec, StopCause::kTargetStoppedAnswering,
                  fmt::format("the target stopped answering during round {} ({})", rec.index + 1,
                              errors_text(r.errors)));
    }
  }

  // The agent's figures of the round, or why it has none: a failed read, another process,
  // a counter that went back. Never a negative or guessed figure; the run goes on.
  static void record_agent_window(RoundRecord& rec, const AgentReading& before, const AgentReading& after,
                                  double served, double measured_s) {
    if (!before.sample || !after.sample) {
      rec.agent_invalid = !before.error.empty() ? "at the window's start: " + before.error
                          : !after.error.empty() ? "at the window's end: " + after.error
                                                 : "the agent was not read (the window did not start)";
      return;
    }
    const target::AgentWindowOrWhy w = target::agent_window(*before.sample, *after.sample);
    if (!w.window) {
      rec.agent_invalid = w.invalid;
      return;
    }
    if (served > 0) rec.agent_cpu_us_per_request = w.window->cpu_s * 1e6 / served;
    rec.runtime = runtime_figures(*w.window, served, measured_s);
  }

  void stop_mode(Mode mode, target::PprofCapture* capture) {
    if (mode == Mode::kFlightRecorder && agent_) {
      try {
        agent_->stop();
      } catch (const target::AgentError&) {
        // Already stopped, or the target is gone: either way the recorder is not running.
      }
    }
    if (capture) capture->finish(2'000'000'000);
  }

  RunResult& run_;
  const ExperimentHooks& hooks_;
  std::unique_ptr<target::AgentClient> agent_;
  std::unique_ptr<target::AgentClient> agent_reader_;  // GET process, with a short timeout
  std::optional<RoundRecord> pending_;
  bool last_mode_traced_ = false;
};

}  // namespace

std::string_view to_string(StopRule r) {
  switch (r) {
    case StopRule::kBlocksDone: return "blocks done";
    case StopRule::kPrecisionReached: return "precision reached";
    case StopRule::kMaxDuration: return "max duration";
    case StopRule::kTooManyDisturbed: return "too many disturbed blocks";
    case StopRule::kStopped: return "stopped";
  }
  return "unknown";
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

void execute_run(RunResult& run, const ExperimentHooks& hooks) {
  const RunConfig& c = run.config;
  std::filesystem::create_directories(c.out_dir);
  if (hooks.on_plan) hooks.on_plan(run);
  RoundRunner runner(run, hooks);
  const Clock::time_point start = Clock::now();
  BlockOrder order(run.modes, c.seed);
  try {
    runner.warm_up();
    const Clock::time_point first_block = Clock::now();
    int index = 0;
    for (int block = 0;; ++block) {
      const std::vector<Mode> modes = order.next();
      // The plan holds the first rounds_per_mode blocks; later ones join it as they start.
      if (static_cast<std::size_t>(index) + modes.size() > run.plan.size())
        run.plan.insert(run.plan.end(), modes.begin(), modes.end());
      for (Mode m : modes) {
        RoundRecord rec = runner.run_round(index++, block, m);
        run.rounds.push_back(rec);
        if (hooks.on_round_done) hooks.on_round_done(rec);
      }
      const int clean = drop_disturbed_blocks(run);
      if (static_cast<int>(run.dropped_blocks.size()) > c.max_dropped_blocks) {
        run.stop_rule = StopRule::kTooManyDisturbed;
        break;
      }
      if (!c.precision) {
        if (clean >= c.rounds_per_mode) {
          run.stop_rule = StopRule::kBlocksDone;
          break;
        }
        continue;
      }
      if (clean >= c.rounds_per_mode) {
        const Analysis a = analyse(run);
        run.precision_checks.push_back({clean, widest_half_width_pct(a), widest_sign_blind_half_width_pct(a)});
        if (precision_goal_met(a, c.precision->pct)) {
          run.stop_rule = StopRule::kPrecisionReached;
          break;
        }
      }
      const double per_block_s = seconds_since(first_block) / (block + 1);
      if (seconds_since(start) + per_block_s > static_cast<double>(c.precision->max_duration_ns) / 1e9) {
        run.stop_rule = StopRule::kMaxDuration;
        break;
      }
    }
    // A plan drawn for blocks that never ran (a stop before the planned count) is trimmed,
    // so plan and rounds agree on what the run was.
    if (run.plan.size() > run.rounds.size() && run.complete) run.plan.resize(run.rounds.size());
  } catch (const RunStopped& e) {
    if (auto rec = runner.take_pending()) {
      run.rounds.push_back(*rec);
      if (hooks.on_round_done) hooks.on_round_done(*rec);
    }
    run.complete = false;
    run.stop_rule = StopRule::kStopped;
    run.stop_cause = e.cause;
    run.stop_reason = e.what();
  } catch (const load::TargetUnreachable& e) {
    run.complete = false;
    run.stop_rule = StopRule::kStopped;
    run.stop_cause = StopCause::kTargetStoppedAnswering;
    run.stop_reason = fmt::format("the target stopped answering: {}", e.what());
  }
  run.wall_s = seconds_since(start);
  for (const auto& rec : run.rounds) {
    for (const auto* facts : {rec.trace ? &*rec.trace : nullptr, rec.snapshot ? &*rec.snapshot : nullptr}) {
      if (facts && !facts->go_version.empty()) run.target_go_version = facts->go_version;
    }
  }
  if (std::string w = idle_target_warning(run); !w.empty()) run.warnings.push_back(w);
  if (std::string w = busy_host_warning(host_load(run)); !w.empty()) run.warnings.push_back(w);
  if (std::string w = steady_send_lag_warning(run); !w.empty()) run.warnings.push_back(w);
}

HostLoad host_load(const RunResult& run) {
  std::vector<double> other, steal;
  for (const auto& r : run.rounds) {
    if (!r.complete) continue;
    if (r.host_other_cpu_pct) other.push_back(*r.host_other_cpu_pct);
    if (r.host_steal_pct) steal.push_back(*r.host_steal_pct);
  }
  HostLoad h;
  h.cpus = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  if (!other.empty()) h.other_cpu_pct = stats::median_ci(other);
  if (!steal.empty()) h.steal_pct = stats::median_ci(steal);
  h.busy = (h.other_cpu_pct && h.other_cpu_pct->estimate > kBusyHostOtherCpuPct) ||
           (h.steal_pct && h.steal_pct->estimate > kBusyHostStealPct);
  return h;
}

std::string busy_host_warning(const HostLoad& h) {
  if (!h.busy) return {};
  std::string what;
  if (h.other_cpu_pct && h.other_cpu_pct->estimate > kBusyHostOtherCpuPct)
    what = fmt::format("other processes used {:.0f}% of its {} CPUs", h.other_cpu_pct->estimate, h.cpus);
  if (h.steal_pct && h.steal_pct->estimate > kBusyHostStealPct)
    what += fmt::format("{}the hypervisor stole {:.0f}%", what.empty() ? "" : " and ", h.steal_pct->estimate);
  return fmt::format("the machine was busy with other work: in the median round {}. A Go target that loses its CPU "
                     "mid-request spends more CPU per request (its runtime's reaction is real work), so CPU and latency "
                     "changes include the contention, not only tracing; rerun on a quiet machine",
                     what);
}

std::string idle_target_warning(const RunResult& run) {
  if (!run.target_pid) return {};
  std::vector<double> cpu;
  for (const auto& r : run.rounds)
    // The agent's figure is the serving process's own, whatever pid is watched here.
    if (r.complete && r.target_cpu_us_per_request && r.target_cpu_source != TargetCpu::kAgent)
      cpu.push_back(*r.target_cpu_us_per_request);
  if (cpu.empty()) return {};
  std::sort(cpu.begin(), cpu.end());
  const double median = cpu[cpu.size() / 2];
  if (median >= kIdleTargetCpuUsPerRequest) return {};
  const std::string name = target::process_name(*run.target_pid);
  return fmt::format("the target's CPU per request measured {:.3f} µs: pid {}{} hardly ran while it was loaded, so it is "
                     "probably not the process serving {} (a shell or wrapper that started it?); pass --target-pid",
                     median, *run.target_pid, name.empty() ? "" : " (" + name + ")", run.config.load.target.display());
}

}  // namespace tracebench::experiment
