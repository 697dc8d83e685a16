// verify_window(): a recommended MaxBytes tried on the real runtime, under the run's load.
//
// Each attempt starts load, starts the recorder with MinAge = 2 × window and the MaxBytes
// under test, lets it run for the window plus two generations, takes a snapshot while the
// load still runs, and reads the window the snapshot holds off its own first and last
// event timestamps. MinAge then cannot cut the window short, so the window is what
// MaxBytes holds (or, when the ring never reached MaxBytes, everything since the start,
// which proves the size holds at least that). A short window raises MaxBytes to what the
// snapshot's own rate needs (next_max_bytes_after_short), and tries again: at most
// kMaxAttempts, each about the window + 3 s. A snapshot whose rate is above the upper
// rate the size rests on is marked "basis exceeded", and the final size is restated from
// that rate; an RSS growth above the RSS to expect is marked too.

#include "experiment/verify_window.h"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <optional>
#include <thread>

#include "load/clock.h"
#include "load/load_runner.h"
#include "sizing/flight_recorder_size.h"
#include "sizing/result_rates.h"
#include "sizing/sizing.h"
#include "target/agent_client.h"
#include "target/process_stats.h"
#include "trace/analyze.h"
#include "units/duration_text.h"
#include "units/size_text.h"

namespace tracebench::experiment {

using nlohmann::json;
using sizing::FlightRecorderSize;
using sizing::VerificationStatus;
using sizing::WindowBound;
using units::binary_size_text;
using units::rate_text;
using units::seconds_minutes_text;

namespace {

constexpr int kMaxAttempts = 3;
// Load runs this long before the recorder starts, so its first generation sees steady load.
constexpr std::int64_t kLeadInNs = 500'000'000;
// The recorder runs for the window plus this before the snapshot: two generations, so the
// ring has been rebuilt (and pruned) after the window filled.
constexpr std::int64_t kFillExtraNs = 2 * sizing::kGenerationNs;
// The background load runs this much longer than the attempt needs; it is stopped right
// after the snapshot.
constexpr std::int64_t kLoadSlackNs = 30'000'000'000;

// How long the recorder runs before the snapshot: until the window has filled and, at the
// run's median rate, until MaxBytes has too, each plus two generations. With the headroom,
// MaxBytes takes longer than the window to fill, and a snapshot taken before it did would
// show everything since the start without ever testing the size. Bounded at 3 × W + 10 s
// for a rate that came out far lower than the run's; the attempt then says MaxBytes was
// not reached.
std::int64_t fill_time_ns(std::int64_t window_ns, std::uint64_t max_bytes, double median_bytes_per_s) {
  double bytes_fill_ns = 0;
  if (median_bytes_per_s > 0) bytes_fill_ns = static_cast<double>(max_bytes) / median_bytes_per_s * 1e9;
  const double cap_ns = 3.0 * static_cast<double>(window_ns) + 10e9;
  const double fill = std::min(std::max(static_cast<double>(window_ns), bytes_fill_ns), cap_ns);
  return static_cast<std::int64_t>(fill) + kFillExtraNs;
}
// A snapshot's span is read off event timestamps; allow this much for where the first
// and last event fall.
constexpr double kToleranceS = 0.05;

// Load in the background until stopped; any exception is kept for the caller.
class BackgroundLoad {
 public:
  explicit BackgroundLoad(load::LoadConfig cfg) {
    thread_ = std::thread([this, cfg]() mutable {
      try {
        load::RunHooks hooks;
        hooks.interrupt = &stop_;
        result_ = load::run_load(cfg, hooks);
      } catch (const std::exception& e) {
        error_ = e.what();
      }
      done_.store(true);
    });
  }
  ~BackgroundLoad() { finish(); }
  BackgroundLoad(const BackgroundLoad&) = delete;
  BackgroundLoad& operator=(const BackgroundLoad&) = delete;

  bool done() const { return done_.load(); }
  void finish() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }
  const load::LoadResult& result() const { return result_; }
  const std::string& error() const { return error_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  load::LoadResult result_;
  std::string error_;
  std::thread thread_;
};

void sleep_until(std::int64_t deadline_ns, const BackgroundLoad& load) {
  for (std::int64_t now = load::monotonic_ns(); now < deadline_ns && !load.done(); now = load::monotonic_ns())
    ::usleep(static_cast<useconds_t>(std::min<std::int64_t>(deadline_ns - now, 50'000'000) / 1000));
}

std::string snapshot_path(const RunConfig& config, std::int64_t window_ns, int attempt) {
  const std::string dir =
      config.out_dir.empty() ? std::filesystem::temp_directory_path().string() : config.out_dir;
  if (config.out_dir.empty())
    return fmt::format("{}/tracebench-verify-{}-{}s-attempt{}.trace", dir, ::getpid(), window_ns / 1'000'000'000,
                       attempt);
  return fmt::format("{}/verify-{}s-attempt{}-flightrecorder.trace", dir, window_ns / 1'000'000'000, attempt);
}

bool rss_exceeded(const json& attempt) {
  return attempt.contains("rss_exceeded") && attempt["rss_exceeded"].get<bool>();
}

// One verification in progress: the size under test, the rate it rests on, the document.
class WindowVerifier {
 public:
  WindowVerifier(const RunConfig& config, const sizing::MeasuredRate& rate, std::optional<int> pid,
                 std::int64_t window_ns, const std::function<void(const std::string&)>& log)
      : config_(config),
        rate_(rate),
        pid_(pid),
        window_ns_(window_ns),
        window_s_(static_cast<double>(window_ns) / 1e9),
        log_(log),
        agent_(config.agent->host, config.agent->port, config.agent_token),
        size_(sizing::size_flight_recorder(rate.basis, window_ns)),
        initial_max_bytes_(size_.max_bytes) {
    out_ = {{"window_s", window_s_},
            {"status", to_string(VerificationStatus::kFailed)},
            {"rate_bytes_per_s", rate.basis.median_bytes_per_s},
            {"upper_bytes_per_s", rate.basis.upper_bytes_per_s},
            {"initial_max_bytes", initial_max_bytes_},
            {"min_age_s", static_cast<double>(size_.min_age_ns) / 1e9},
            {"attempts", json::array()},
            {"final_max_bytes", nullptr},
            {"reason", nullptr}};
  }

  Verification run() {
    try {
      if (agent_.status().enabled) agent_.stop();  // a recorder left running would refuse start
    } catch (const target::AgentError& e) {
      out_["reason"] = fmt::format("the agent does not answer: {}", e.what());
      return done(VerificationStatus::kFailed);
    }
    for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
      json a;
      double filled_s = 0;
      if (std::string failure = run_attempt(attempt, a, filled_s); !failure.empty()) {
        a["error"] = failure;
        out_["attempts"].push_back(a);
        out_["reason"] = fmt::format("attempt {} failed: {}", attempt, failure);
        say(out_["reason"].get<std::string>());
        return done(VerificationStatus::kFailed);
      }
      const std::string path = snapshot_path(config_, window_ns_, attempt);
      std::optional<Snapshot> snap = read_snapshot(path, filled_s, a);
      if (!snap) {
        out_["attempts"].push_back(a);
        out_["reason"] = a["error"];
        return done(VerificationStatus::kFailed);
      }
      out_["attempts"].push_back(a);
      say(fmt::format("attempt {}: the snapshot holds {:.2f} s ({}, {} generations; {})", attempt, snap->achieved_s,
                      binary_size_text(snap->file_bytes), snap->generations, describe(snap->bound)));
      if (snap->achieved_s + kToleranceS >= window_s_) return verified(*snap, a);
      raise_after_short(*snap, a);
    }
    out_["achieved_window_s"] = out_["attempts"].back()["achieved_window_s"];
    out_["final_max_bytes"] = size_.max_bytes;
    out_["reason"] = fmt::format("still short after {} attempts (last: {:.2f} s of the wanted {}); the next size, {}, "
                                 "is untested: {}, so run --verify-window again or size from a longer run",
                                 kMaxAttempts, out_["achieved_window_s"].get<double>(), seconds_minutes_text(window_s_),
                                 binary_size_text(size_.max_bytes),
                                 out_.value("basis_exceeded", false)
                                     ? "BASIS EXCEEDED: the rate at this load was above what the run measured"
                                     : "the snapshots held less than their rate explains");
    say(out_["reason"].get<std::string>());
    return done(VerificationStatus::kShort);
  }

 private:
  // What a snapshot showed.
  struct Snapshot {
    double achieved_s = 0;       // the window it holds, off its own event timestamps
    double bytes = 0;
    std::uint64_t file_bytes = 0;
    std::uint64_t generations = 0;
    double rate_bytes_per_s = 0; // bytes / achieved_s
    WindowBound bound = WindowBound::kUnknown;
  };

  void say(const std::string& line) const {
    if (log_) log_(fmt::format("verify {}: {}", seconds_minutes_text(window_s_), line));
  }

  Verification done(VerificationStatus status) {
    out_["status"] = to_string(status);
    return {status, out_};
  }

  // Load, then the recorder with the size under test, then a snapshot while the load still
  // runs. Fills the attempt's figures; "" on success, else why it failed (the snapshot file
  // is then removed).
  std::string run_attempt(int attempt, json& a, double& filled_s) {
    const std::int64_t fill_ns = fill_time_ns(window_ns_, size_.max_bytes, rate_.basis.median_bytes_per_s);
    say(fmt::format("attempt {}/{}: MinAge {}, MaxBytes {}; {} of load, then a snapshot", attempt, kMaxAttempts,
                    seconds_minutes_text(static_cast<double>(size_.min_age_ns) / 1e9), binary_size_text(size_.max_bytes),
                    seconds_minutes_text(static_cast<double>(fill_ns) / 1e9)));
    load::LoadConfig cfg = config_.load;
    cfg.warmup_ns = 0;
    cfg.measure_ns = kLeadInNs + fill_ns + kLoadSlackNs;
    const std::string path = snapshot_path(config_, window_ns_, attempt);
    a = {{"attempt", attempt},
         {"max_bytes", size_.max_bytes},
         {"min_age_s", static_cast<double>(size_.min_age_ns) / 1e9},
         {"expected_live_bytes", size_.expected_live_bytes},
         {"expected_rss_high_bytes", size_.expected_rss_high_bytes}};
    std::string failure;
    std::int64_t started = 0, snapped = 0;
    std::optional<target::ProcessSample> rss_before, rss_at;
    {
      BackgroundLoad load(cfg);
      sleep_until(load::monotonic_ns() + kLeadInNs, load);
      try {
        if (load.done()) throw std::runtime_error("the load stopped before the recorder started: " + load.error());
        if (pid_) rss_before = target::sample_process(*pid_);
        agent_.start(size_.min_age_ns, size_.max_bytes);
        started = load::monotonic_ns();
        sleep_until(started + fill_ns, load);
        if (load.done()) throw std::runtime_error("the load stopped while the window filled: " + load.error());
        if (pid_) rss_at = target::sample_process(*pid_);
        snapped = load::monotonic_ns();
        const target::SnapshotResult snap = agent_.snapshot(path);
        a["snapshot_bytes"] = snap.bytes;
        a["snapshot_download_s"] = static_cast<double>(snap.duration_ns) / 1e9;
      } catch (const std::exception& e) {
        failure = e.what();
      }
      load.finish();
      if (load.result().throughput_rps > 0) a["load_rps"] = load.result().throughput_rps;
    }
    try {
      if (agent_.status().enabled) agent_.stop();
    } catch (const target::AgentError& e) {
      if (failure.empty()) failure = fmt::format("cannot stop the flight recorder: {}", e.what());
    }
    if (!failure.empty()) {
      std::filesystem::remove(path);
      return failure;
    }
    filled_s = static_cast<double>(snapped - started) / 1e9;
    a["filled_s"] = filled_s;
    if (rss_before && rss_at && rss_before->alive && rss_at->alive) {
      const double growth = static_cast<double>(rss_at->rss_bytes) - static_cast<double>(rss_before->rss_bytes);
      a["rss_growth_bytes"] = growth;
      a["rss_exceeded"] = growth > static_cast<double>(size_.expected_rss_high_bytes);
    }
    return {};
  }

  // Reads the window a snapshot holds into the attempt's figures; nullopt (with a["error"])
  // when it cannot be read. The file is kept only with --keep-traces.
  std::optional<Snapshot> read_snapshot(const std::string& path, double filled_s, json& a) {
    trace::TraceSummary summary;
    try {
      trace::AnalyzeOptions opts;
      opts.strict = false;
      opts.goroutines = false;
      opts.annotations = false;
      summary = trace::analyze_file(path, opts);
    } catch (const std::exception& e) {
      a["error"] = fmt::format("the snapshot could not be read: {}", e.what());
      if (!config_.keep_traces) std::filesystem::remove(path);
      return std::nullopt;
    }
    if (!config_.keep_traces) std::filesystem::remove(path);
    a["file"] = config_.keep_traces ? json(path) : json(nullptr);
    Snapshot s;
    s.achieved_s = static_cast<double>(summary.window().span_ns) / 1e9;
    s.bytes = static_cast<double>(summary.file_bytes);
    s.file_bytes = summary.file_bytes;
    s.generations = summary.generations;
    s.rate_bytes_per_s = s.achieved_s > 0 ? s.bytes / s.achieved_s : 0;
    a["achieved_window_s"] = s.achieved_s;
    a["generations"] = summary.generations;
    // The runtime keeps adding older generations while those kept so far are within MaxBytes,
    // so the oldest one is the one that crosses it: the newer ones together hold at most
    // MaxBytes, and the window overshoots by the oldest one's span (nominally 1 s, longer
    // when the runtime ends a generation late).
    if (!summary.generation_stats.empty()) {
      const auto& oldest = summary.generation_stats.front();
      std::uint64_t newer_bytes = 0;
      for (std::size_t i = 1; i < summary.generation_stats.size(); ++i) newer_bytes += summary.generation_stats[i].bytes;
      a["oldest_generation_s"] = static_cast<double>(oldest.last_event_ns - oldest.first_event_ns) / 1e9;
      a["newer_generations_bytes"] = newer_bytes;
    }
    a["snapshot_bytes_per_s"] = s.achieved_s > 0 ? json(s.rate_bytes_per_s) : json(nullptr);
    a["parse_mb_per_s"] = summary.parse_mb_per_second();
    // Which bound ended the window (see the header comment of flight_recorder_size.h).
    s.bound = sizing::window_bound(s.bytes, size_.max_bytes, s.achieved_s,
                                   static_cast<double>(size_.min_age_ns) / 1e9, filled_s);
    a["bound"] = to_string(s.bound);
    a["bound_text"] = describe(s.bound);
    a["reached"] = s.achieved_s + kToleranceS >= window_s_;
    a["basis_exceeded"] = s.rate_bytes_per_s > rate_.basis.upper_bytes_per_s;
    return s;
  }

  Verification verified(const Snapshot& snap, const json& a) {
    const double achieved_s = snap.achieved_s;
    const double verify_rate = snap.rate_bytes_per_s;
    out_["achieved_window_s"] = achieved_s;
    out_["verified_max_bytes"] = size_.max_bytes;
    out_["final_max_bytes"] = size_.max_bytes;
    const FlightRecorderSize verified = size_;
    const std::string held =
        snap.bound == WindowBound::kMaxBytes
            ? fmt::format("the ring reached MaxBytes and held {:.2f} s at {}: the window is what {} holds at this "
                          "load",
                          achieved_s, rate_text(verify_rate), binary_size_text(size_.max_bytes))
            : fmt::format("the ring held all {:.2f} s since the recorder started ({} < MaxBytes {}), so {} holds "
                          "at least that at this load",
                          achieved_s, binary_size_text(snap.file_bytes), binary_size_text(size_.max_bytes),
                          binary_size_text(size_.max_bytes));
    const std::string raised =
        size_.max_bytes != initial_max_bytes_
            ? fmt::format("; raised from the computed {} after a short window", binary_size_text(initial_max_bytes_))
            : std::string();
    const std::string min_age = seconds_minutes_text(static_cast<double>(size_.min_age_ns) / 1e9);
    std::string reason = fmt::format("recommend MinAge {}, MaxBytes {}: {} (wanted {}){}", min_age,
                                     binary_size_text(size_.max_bytes), held, seconds_minutes_text(window_s_), raised);
    // A rate above the basis' upper bound means the size held the window with less margin
    // than the arithmetic assumed (on the rounding up, the crossing generation or the 50 ms
    // tolerance), not thanks to the headroom: the size to recommend is the one this rate
    // needs. A larger MaxBytes only lengthens the window (MinAge still caps it), so the
    // verified size's result stands for it too.
    if (verify_rate > rate_.basis.upper_bytes_per_s) {
      const FlightRecorderSize restated = sizing::restate_for_rate(
          rate_.basis, std::min(verify_rate, sizing::kMaxBytesPerSec / rate_.basis.spread_factor()), window_ns_);
      out_["basis_exceeded"] = true;
      out_["verify_rate_bytes_per_s"] = verify_rate;
      out_["restated_max_bytes"] = restated.max_bytes;
      const std::string exceeded = fmt::format(
          "BASIS EXCEEDED: the rate here, {}, was {:.1f}% above the {} the size rested on ({}), so the headroom "
          "did not cover it{}",
          rate_text(verify_rate), (verify_rate / rate_.basis.upper_bytes_per_s - 1) * 100,
          rate_text(rate_.basis.upper_bytes_per_s),
          rate_.source == "flightrecorder" ? "the run's flight-recorder snapshots" : "the run's pprof captures",
          snap.bound == WindowBound::kMaxBytes
              ? ": the window held on the rounding up, the crossing generation or the 50 ms tolerance"
              : ": the ring had not filled to MaxBytes, so this attempt does not show how long MaxBytes holds at "
                "this rate");
      if (restated.max_bytes > size_.max_bytes) {
        reason = fmt::format(
            "recommend MinAge {}, MaxBytes {}: sized from the rate seen here, {} × the run's spread {:.2f} × "
            "(window + 1 generation); the computed {} was verified: {} (wanted {}){}; {}; a larger MaxBytes only "
            "lengthens the window, so the verification stands for it",
            min_age, binary_size_text(restated.max_bytes), rate_text(verify_rate), rate_.basis.spread_factor(),
            binary_size_text(size_.max_bytes), held, seconds_minutes_text(window_s_), raised, exceeded);
        size_ = restated;
        out_["final_max_bytes"] = size_.max_bytes;
      } else {
        reason += fmt::format("; {}; sized from this rate × the run's spread {:.2f}, MaxBytes {} is not larger",
                              exceeded, rate_.basis.spread_factor(), binary_size_text(restated.max_bytes));
      }
    }
    if (rss_exceeded(a)) {
      out_["rss_exceeded"] = true;
      reason += fmt::format("; RSS EXCEEDED: the target's RSS grew {}, above the {} expected at most (2 × live)",
                            binary_size_text(static_cast<std::uint64_t>(a["rss_growth_bytes"].get<double>())),
                            binary_size_text(a["expected_rss_high_bytes"].get<std::uint64_t>()));
    }
    out_["reason"] = reason;
    out_["go_runtime_trace"] = sizing::go_runtime_trace_snippet(
        size_, size_.max_bytes == verified.max_bytes
                   ? fmt::format("{} window, verified: a snapshot held {:.2f} s", seconds_minutes_text(window_s_), achieved_s)
                   : fmt::format("{} window: sized from the {} seen in verification, where {} held {:.2f} s",
                                 seconds_minutes_text(window_s_), rate_text(verify_rate),
                                 binary_size_text(verified.max_bytes), achieved_s));
    say(reason);
    return done(VerificationStatus::kVerified);
  }

  // Short: size from the rate this snapshot shows, at least a quarter more.
  void raise_after_short(const Snapshot& snap, const json& a) {
    const double verify_rate = snap.rate_bytes_per_s;
    const std::uint64_t next = sizing::next_max_bytes_after_short(window_ns_, size_.max_bytes, snap.achieved_s,
                                                                  std::min(verify_rate, sizing::kMaxBytesPerSec));
    say(fmt::format("short by {}; raising MaxBytes {} -> {}", seconds_minutes_text(window_s_ - snap.achieved_s),
                    binary_size_text(size_.max_bytes), binary_size_text(next)));
    if (verify_rate > rate_.basis.upper_bytes_per_s) {
      out_["basis_exceeded"] = true;
      out_["verify_rate_bytes_per_s"] = verify_rate;
    }
    if (rss_exceeded(a)) out_["rss_exceeded"] = true;
    size_.max_bytes = next;
    size_.expected_live_bytes =
        sizing::expected_live_bytes(next, std::max(rate_.basis.upper_bytes_per_s, verify_rate));
    size_.expected_rss_high_bytes = 2 * size_.expected_live_bytes;
  }

  const RunConfig& config_;
  const sizing::MeasuredRate& rate_;
  const std::optional<int> pid_;
  const std::int64_t window_ns_;
  const double window_s_;
  const std::function<void(const std::string&)>& log_;
  target::AgentClient agent_;
  FlightRecorderSize size_;
  const std::uint64_t initial_max_bytes_;
  json out_;
};

}  // namespace

Verification skipped_verification(std::int64_t window_ns, const std::string& why) {
  return {VerificationStatus::kSkipped,
          {{"window_s", static_cast<double>(window_ns) / 1e9},
           {"status", to_string(VerificationStatus::kSkipped)},
           {"attempts", json::array()},
           {"reason", why},
           {"final_max_bytes", nullptr}}};
}

Verification verify_window(const RunConfig& config, const json& run_result, std::int64_t window_ns,
                           const std::function<void(const std::string&)>& log) {
  const double window_s = static_cast<double>(window_ns) / 1e9;
  if (window_ns < sizing::kMinWindowNs || window_ns > sizing::kMaxWindowNs)
    return skipped_verification(
        window_ns, fmt::format("window {} is out of range: expected 1s to 1h", seconds_minutes_text(window_s)));
  if (!config.agent)
    return skipped_verification(window_ns, "no flight-recorder agent: add agent.Register to the target's debug mux "
                                           "(docs/agent.md) and pass --agent HOST:PORT");
  std::string why;
  const auto rate = sizing::measured_rate(run_result, &why);
  if (!rate) return skipped_verification(window_ns, "no measured trace rate to size from: " + why);
  std::optional<int> pid = config.target_pid;
  if (!pid) {
    if (auto p = sizing::number_at(run_result, {"config", "target_pid"})) pid = static_cast<int>(*p);
  }
  return WindowVerifier(config, *rate, pid, window_ns, log).run();
}

}  // namespace tracebench::experiment
