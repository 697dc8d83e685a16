#include "cli/run_options.h"

#include <boost/program_options.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>
#include <utility>

#include "cli/flag_parsing.h"
#include "gates/budget_check.h"
#include "sizing/sizing.h"
#include "cli/load_options.h"
#include "cli/units.h"
#include "cli/usage_error.h"

namespace po = boost::program_options;

namespace tracebench::cli {
namespace {

// A fresh order for every run unless one is asked for. With one fixed default every run would
// have the same order of rounds, and an effect of a round's position in its block would push
// every run's estimate the same way instead of cancelling over runs.
std::uint64_t parse_seed(const po::variables_map& vm) {
  if (!vm.count("seed")) {
    std::random_device entropy;
    return std::uniform_int_distribution<std::uint64_t>(1, 999'999'999)(entropy);
  }
  const std::string text = vm["seed"].as<std::string>();
  const double seed = parse_flag("--seed", text, [](const std::string& s) { return parse_count(s); });
  // Whole numbers a double holds exactly, so the seed in result.json is the one used.
  if (seed < 0 || seed != std::floor(seed) || seed > 9'007'199'254'740'992.0)
    throw UsageError(fmt::format("--seed {} is out of range: expected a whole number from 0 to 2^53", text));
  return static_cast<std::uint64_t>(seed);
}

po::options_description run_flag_descriptions() {
  po::options_description d("Experiment");
  d.add_options()
      ("modes", po::value<std::string>()->default_value("off,trace,flightrecorder"),
       "comma-separated modes to compare: off, trace, flightrecorder; off twice (off,off) adds a second "
       "baseline, off2, for an A/A run that measures the machine's false-positive rate")
      ("precision", po::value<std::string>(),
       "adaptive length: add blocks until every mode's 95% interval against off, on throughput and CPU per "
       "request, is at most +-P wide (e.g. 1%), read both as it is and with the blocks' signs drawn at random, "
       "or --max-duration ends. The default when --duration is not given (1%)")
      ("max-duration", po::value<std::string>()->default_value("2m"),
       "adaptive length: the run's wall time, warm-up included, that no further block may pass")
      ("round", po::value<std::string>()->default_value("1s"),
       "adaptive length: the measured window of one round")
      ("rounds", po::value<std::string>()->default_value("10"),
       "clean blocks (one round of each mode) to run, at least 6: with --duration it is split across them; "
       "with adaptive length it is the least number of blocks")
      ("settle", po::value<std::string>()->default_value("300ms"),
       "load after each mode switch before the round's window opens (at least 100ms with the trace mode)")
      ("settle-after-tracing", po::value<std::string>(),
       "settle instead of --settle after a round with tracing on, to keep the tracer's heap and buffers "
       "out of the next round (default: as --settle)")
      ("seed", po::value<std::string>(),
       "seed of the randomized round order (default: a fresh one for every run, printed with the plan and kept "
       "in result.json; give it to repeat a run's order)")
      ("pprof", po::value<std::string>(), "HOST:PORT serving /debug/pprof/trace (default: try the target, then HOST:6060)")
      ("agent", po::value<std::string>(), "HOST:PORT serving the flight-recorder agent (default: as --pprof)")
      ("agent-token", po::value<std::string>(), "bearer token for the agent")
      ("fr-min-age", po::value<std::string>()->default_value("10s"), "flight recorder MinAge")
      ("fr-max-bytes", po::value<std::string>()->default_value("10MiB"), "flight recorder MaxBytes")
      ("target-pid", po::value<std::string>(), "pid of the target for CPU/RSS (default: the process listening on the port)")
      ("target-cpu", po::value<std::string>()->default_value("auto"),
       "where target CPU per request comes from: proc (/proc, the target on this machine), agent (the agent's "
       "process endpoint, the target anywhere) or auto (proc when the target's process is found here, else agent)")
      ("exec", po::value<std::string>(), "start the target with this shell command and stop it at the end")
      ("pin", "with --exec: target on the last CPU, tracebench on the others")
      ("out", po::value<std::string>(), "directory for result.json, run.bench and (with --keep-traces) traces")
      ("keep-traces", "keep the raw trace and snapshot files in --out")
      ("budget", po::value<std::string>(), "overhead budget for the verdict, e.g. 2%")
      ("verify-window", po::value<std::string>(),
       "after the rounds, run the flight recorder with the size recommended for this window (e.g. 10s) "
       "and check the window a real snapshot holds");
  return d;
}

po::options_description output_flag_descriptions() {
  po::options_description d("Output");
  d.add_options()("no-progress", "no live progress line")("help,h", "show this help");
  return d;
}

}  // namespace

std::string run_usage() {
  std::ostringstream out;
  out << "usage: tracebench run --target HOST:PORT [--precision 1% | --duration 30s] [options]\n\n"
         "What Go's execution tracer costs the target: load with tracing off, with a full\n"
         "runtime/trace capture, and with the flight recorder on, in blocks that run each mode\n"
         "once in random order, then each mode against off inside blocks, with confidence\n"
         "intervals and the largest cost the data allow. By default the run adds blocks until\n"
         "the intervals are +-1% or --max-duration (2m) ends; --duration fixes the measured\n"
         "time per mode instead.\n\n";
  out << load_flag_descriptions(LoadFlagsFor::kRun) << "\n" << run_flag_descriptions() << "\n"
      << output_flag_descriptions();
  return out.str();
}

namespace {

void parse_run_modes(const po::variables_map& vm, experiment::RunConfig& c) {
  c.modes.clear();
  std::string modes = vm["modes"].as<std::string>();
  std::stringstream ss(modes);
  for (std::string m; std::getline(ss, m, ',');) {
    auto mode = experiment::parse_mode(m);
    if (!mode)
      throw UsageError(fmt::format("--modes: unknown mode '{}': expected off, trace, flightrecorder or off2", m));
    // The baseline named twice is the A/A design: the second one is off2.
    if (*mode == experiment::Mode::kOff && std::find(c.modes.begin(), c.modes.end(), *mode) != c.modes.end())
      mode = experiment::Mode::kOffAgain;
    if (std::find(c.modes.begin(), c.modes.end(), *mode) != c.modes.end())
      throw UsageError(fmt::format("--modes: mode '{}' is listed twice{}", m,
                                   *mode == experiment::Mode::kOffAgain ? " (off may appear twice, for A/A)" : ""));
    c.modes.push_back(*mode);
  }
  if (c.modes.empty()) throw UsageError("--modes: expected at least one of off, trace, flightrecorder");
  if (std::find(c.modes.begin(), c.modes.end(), experiment::Mode::kOffAgain) != c.modes.end() &&
      std::find(c.modes.begin(), c.modes.end(), experiment::Mode::kOff) == c.modes.end())
    throw UsageError("--modes: off2 is a second baseline and needs off beside it (--modes off,off)");
}

// Fixed length when --duration is given, else adaptive (with --precision or its default).
void parse_run_length(const po::variables_map& vm, std::int64_t duration_flag_ns, experiment::RunConfig& c) {
  const double rounds = parse_flag("--rounds", vm["rounds"].as<std::string>(), [](const std::string& s) { return parse_count(s); });
  if (rounds < 6 || rounds > 1000 || rounds != static_cast<double>(static_cast<int>(rounds)))
    throw UsageError(fmt::format("--rounds {} is out of range: expected a whole number from 6 to 1000 "
                                 "(fewer cannot give a 95% confidence interval on a median)",
                                 vm["rounds"].as<std::string>()));
  c.rounds_per_mode = static_cast<int>(rounds);
  const bool duration_given = !vm["duration"].defaulted();
  if (duration_given && vm.count("precision"))
    throw UsageError("--duration fixes the run's length and --precision adapts it: give one of them");
  for (const char* flag : {"max-duration", "round"})
    if (duration_given && !vm[flag].defaulted())
      throw UsageError(fmt::format("--{} belongs to adaptive length, which --duration turns off: give one of them", flag));
  if (duration_given) {
    c.duration_per_mode_ns = duration_flag_ns;
    if (c.phase_ns() < 200'000'000)
      throw UsageError(fmt::format("--duration {} split into {} rounds gives rounds under 200ms: raise --duration or "
                                   "lower --rounds",
                                   vm["duration"].as<std::string>(), c.rounds_per_mode));
  } else {
    experiment::RunConfig::PrecisionGoal goal;
    if (vm.count("precision")) {
      const std::string text = vm["precision"].as<std::string>();
      const double pct = parse_flag("--precision", text, [](const std::string& t) { return gates::parse_percent(t); });
      if (!(pct >= 0.05 && pct <= 50))
        throw UsageError(fmt::format("--precision {} is out of range: expected 0.05% to 50%", text));
      goal.pct = pct;
    }
    goal.max_duration_ns = parse_flag("--max-duration", vm["max-duration"].as<std::string>(),
                                      [](const std::string& s) { return parse_duration_ns(s); });
    const std::int64_t round_ns =
        parse_flag("--round", vm["round"].as<std::string>(), [](const std::string& s) { return parse_duration_ns(s); });
    if (round_ns < 200'000'000 || round_ns > 600'000'000'000)
      throw UsageError(fmt::format("--round {} is out of range: expected 200ms to 10m", vm["round"].as<std::string>()));
    c.duration_per_mode_ns = round_ns * c.rounds_per_mode;
    c.precision = goal;
  }
}

void parse_settle(const po::variables_map& vm, experiment::RunConfig& c) {
  c.settle_ns = parse_flag("--settle", vm["settle"].as<std::string>(), [](const std::string& s) { return parse_duration_ns(s); });
  if (vm.count("settle-after-tracing"))
    c.settle_after_tracing_ns = parse_flag("--settle-after-tracing", vm["settle-after-tracing"].as<std::string>(),
                                           [](const std::string& s) { return parse_duration_ns(s); });
  if (c.precision) {
    // The least blocks must fit: warm-up, then rounds_per_mode blocks of every mode, each
    // round its settle and window plus about 0.2 s of switching.
    const double round_s = static_cast<double>(c.phase_ns() + std::max(c.settle_ns, c.settle_after_tracing_ns)) / 1e9 + 0.2;
    const double least_s = static_cast<double>(c.warmup_ns) / 1e9 +
                           static_cast<double>(c.rounds_per_mode) * static_cast<double>(c.modes.size()) * round_s;
    if (static_cast<double>(c.precision->max_duration_ns) / 1e9 < least_s)
      throw UsageError(fmt::format("--max-duration {} cannot hold the least {} blocks of {} rounds (about {:.0f}s with "
                                   "--round {}): raise --max-duration or lower --rounds",
                                   vm["max-duration"].as<std::string>(), c.rounds_per_mode, c.modes.size(), least_s,
                                   vm["round"].as<std::string>()));
  }
  // The capture is asked for just before the settle period, and an idle target's net/http
  // holds its first bytes back, so the round starts the load without seeing them. The
  // handler calls trace.Start within milliseconds of the request, so this much settle makes
  // sure the tracer runs before the window opens; a trace that still began late drops its
  // block (the trace's clock says so: window_lead_s).
  if (std::find(c.modes.begin(), c.modes.end(), experiment::Mode::kTrace) != c.modes.end() &&
      c.settle_ns < kMinTraceSettleNs)
    throw UsageError(fmt::format("--settle {} is too short for the trace mode: the capture must be running before "
                                 "the measured window opens; give at least {}ms",
                                 vm["settle"].as<std::string>(), kMinTraceSettleNs / 1'000'000));
}

// --rate: requests per second, a share of the warm-up's closed-loop throughput (the
// default, 50%: a load the target serves with room to spare, where its CPU per request
// does not swing with the closed loop's batching) or max for closed loop.
void parse_run_rate(const po::variables_map& vm, experiment::RunConfig& c) {
  const std::string text = vm.count("rate") ? vm["rate"].as<std::string>() : std::string(kDefaultRunRate);
  if (text == "max") return;
  if (text.ends_with('%')) {
    const double pct = parse_flag("--rate", text, [](const std::string& t) { return gates::parse_percent(t); });
    if (!(pct >= 1 && pct <= 100))
      throw UsageError(fmt::format("--rate {} is out of range: expected a share from 1% to 100% of the throughput the "
                                   "warm-up measures, a rate such as 20k, or max",
                                   text));
    // Still the load flags' warm-up here: parse_run_options moves it to c.warmup_ns next.
    if (c.load.warmup_ns < kMinCapacityWarmupNs)
      throw UsageError(fmt::format("--rate {}{} sets the rate from the throughput the warm-up measures, and --warmup {}s "
                                   "is too short to measure it: give --warmup of at least {}ms, a rate such as "
                                   "--rate 20k, or --rate max",
                                   text, vm.count("rate") ? "" : " (the default)", static_cast<double>(c.load.warmup_ns) / 1e9,
                                   kMinCapacityWarmupNs / 1'000'000));
    c.rate_share = pct / 100;
    return;
  }
  double rps = 0;
  try {
    rps = parse_count(text);
  } catch (const std::exception&) {
    throw UsageError(fmt::format("--rate: bad value '{}': expected requests per second (e.g. 20k), a share of the "
                                 "throughput the warm-up measures (e.g. 50%) or max",
                                 text));
  }
  c.load.open_loop = load::OpenLoop{rps};
  if (std::string why = load::validate(c.load); !why.empty()) throw UsageError(why);
}

// Where the tracer is reached (pprof, the agent) and the flight recorder's settings.
void parse_tracer_endpoints(const po::variables_map& vm, RunOptions& o) {
  auto& c = o.config;
  if (vm.count("pprof")) {
    c.pprof = parse_flag("--pprof", vm["pprof"].as<std::string>(), load::parse_endpoint);
    o.pprof_given = true;
  }
  if (vm.count("agent")) {
    c.agent = parse_flag("--agent", vm["agent"].as<std::string>(), load::parse_endpoint);
    o.agent_given = true;
  }
  if (vm.count("agent-token")) c.agent_token = vm["agent-token"].as<std::string>();
  c.fr_min_age_ns = parse_flag("--fr-min-age", vm["fr-min-age"].as<std::string>(), [](const std::string& s) { return parse_duration_ns(s); });
  c.fr_max_bytes = parse_flag("--fr-max-bytes", vm["fr-max-bytes"].as<std::string>(), [](const std::string& s) { return parse_size_bytes(s); });
  if (c.fr_min_age_ns <= 0) throw UsageError("--fr-min-age must be greater than zero");
  if (c.fr_max_bytes == 0) throw UsageError("--fr-max-bytes must be greater than zero");
}

void parse_target_cpu_source(const po::variables_map& vm, experiment::RunConfig& c) {
  if (vm.count("target-pid")) {
    const double pid = parse_flag("--target-pid", vm["target-pid"].as<std::string>(), [](const std::string& s) { return parse_count(s); });
    if (pid < 1 || pid != static_cast<double>(static_cast<int>(pid)))
      throw UsageError(fmt::format("--target-pid '{}' is not a process id", vm["target-pid"].as<std::string>()));
    c.target_pid = static_cast<int>(pid);
  }
  const std::string text = vm["target-cpu"].as<std::string>();
  const auto source = experiment::parse_target_cpu(text);
  if (!source) throw UsageError(fmt::format("--target-cpu '{}': expected auto, proc or agent", text));
  c.target_cpu = *source;
}

void parse_run_output(const po::variables_map& vm, RunOptions& o) {
  auto& c = o.config;
  if (vm.count("exec")) o.exec_command = vm["exec"].as<std::string>();
  o.pin = vm.count("pin") > 0;
  if (o.pin && o.exec_command.empty()) throw UsageError("--pin needs --exec: only a target tracebench starts can be pinned");
  if (vm.count("out")) o.out_dir = vm["out"].as<std::string>();
  c.keep_traces = vm.count("keep-traces") > 0;
  if (c.keep_traces && o.out_dir.empty()) throw UsageError("--keep-traces needs --out DIR to keep them in");
  if (vm.count("budget")) {
    // The same parser, range and wording as size and sweep.
    double pct = 0;
    if (std::string bad = sizing::parse_budget_pct("--budget", vm["budget"].as<std::string>(), &pct); !bad.empty())
      throw UsageError(bad);
    o.budget_pct = pct;
  }
  if (vm.count("verify-window")) {
    o.verify_window_ns = parse_flag("--verify-window", vm["verify-window"].as<std::string>(),
                              [](const std::string& s) { return parse_duration_ns(s); });
    if (*o.verify_window_ns < 1'000'000'000 || *o.verify_window_ns > 600'000'000'000)
      throw UsageError(fmt::format("--verify-window {} is out of range: expected 1s to 10m",
                                   vm["verify-window"].as<std::string>()));
  }
}

}  // namespace

RunOptions parse_run_options(const std::vector<std::string>& args) {
  po::options_description all;
  all.add(load_flag_descriptions(LoadFlagsFor::kRun)).add(run_flag_descriptions()).add(output_flag_descriptions());
  const po::variables_map vm = parse_flags(args, all);
  RunOptions o;
  if (vm.count("help")) {
    o.help = true;
    return o;
  }
  auto& c = o.config;
  // The shared load flags, with run's meaning of --duration (per mode) and --warmup (before
  // the first round). They are the run's, not one load run's: the experiment sets the
  // phases of each load run it starts, so c.load keeps none.
  apply_load_flags(vm, c.load, LoadFlagsFor::kRun);
  parse_run_rate(vm, c);
  c.warmup_ns = std::exchange(c.load.warmup_ns, 0);
  const std::int64_t duration_flag_ns = std::exchange(c.load.measure_ns, 0);

  parse_run_modes(vm, c);
  parse_run_length(vm, duration_flag_ns, c);
  parse_settle(vm, c);
  c.seed = parse_seed(vm);
  parse_tracer_endpoints(vm, o);
  parse_target_cpu_source(vm, c);
  parse_run_output(vm, o);
  o.progress = !vm.count("no-progress");
  return o;
}

}  // namespace tracebench::cli
