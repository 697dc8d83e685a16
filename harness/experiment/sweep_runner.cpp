#include "experiment/sweep_runner.h"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "experiment/analysis.h"
#include "experiment/run_result_json.h"
#include "experiment/trace_timing.h"
#include "load/socket_address.h"
#include "result/sweep_result.h"

namespace tracebench::experiment {

using nlohmann::json;
using sizing::SweepAxis;

namespace {

std::string level_text(SweepAxis axis, double level) {
  return axis == SweepAxis::kRate ? fmt::format("{:g} req/s", level) : fmt::format("{:g} connections", level);
}

json sweep_config_json(const SweepConfig& c) {
  json modes = json::array();
  for (auto m : c.base.modes) modes.push_back(to_string(m));
  json levels = json::array();
  for (double l : c.levels) levels.push_back(l);
  return {{"target", c.base.load.target.display()},
          {"method", c.base.load.request.method},
          {"path", c.base.load.request.path},
          {"axis", to_string(c.axis)},
          {"levels", levels},
          {"schedule", c.axis == SweepAxis::kRate ? "open_loop" : "closed_loop"},
          {"connections", c.axis == SweepAxis::kRate ? json(c.base.load.connections) : json(nullptr)},
          {"threads", c.base.load.threads},
          {"modes", modes},
          {"duration_per_mode_s", static_cast<double>(c.base.duration_per_mode_ns) / 1e9},
          {"rounds_per_mode", c.base.rounds_per_mode},
          {"phase_s", static_cast<double>(c.base.phase_ns()) / 1e9},
          {"settle_s", static_cast<double>(c.base.settle_ns) / 1e9},
          {"warmup_s", static_cast<double>(c.base.warmup_ns) / 1e9},
          {"seed", c.base.seed},
          {"pprof", c.base.pprof ? json(c.base.pprof->display()) : json(nullptr)},
          {"agent", c.base.agent ? json(c.base.agent->display()) : json(nullptr)},
          {"fr_min_age_s", static_cast<double>(c.base.fr_min_age_ns) / 1e9},
          {"fr_max_bytes", c.base.fr_max_bytes},
          {"reached_fraction", sizing::kReachedFraction},
          {"production_rate_rps", c.production_rate_rps ? json(*c.production_rate_rps) : json(nullptr)}};
}

}  // namespace

json run_sweep(const SweepConfig& config, const std::string& out_dir, const SweepHooks& hooks, const json& context) {
  std::vector<double> levels = config.levels;
  std::sort(levels.begin(), levels.end());
  SweepConfig sorted = config;
  sorted.levels = levels;
  json doc = {{"schema", sizing::kSweepSchema},
              {"complete", true},
              {"stop_reason", nullptr},
              {"context", context},
              {"config", sweep_config_json(sorted)},
              {"levels", json::array()},
              {"model", nullptr},
              {"warnings", json::array()}};
  std::string stop;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const double level = levels[i];
    const std::string dir_name = fmt::format("level-{}", i + 1);
    if (!stop.empty()) {
      json l = {{"index", i}, {"axis", to_string(config.axis)}, {"level", level}, {"status", result::to_string(result::LevelStatus::kNotRun)},
                {"reached", nullptr}, {"reason", stop}, {"result", nullptr}};
      doc["levels"].push_back(l);
      if (hooks.on_level_done) hooks.on_level_done(i, l);
      continue;
    }
    RunConfig c = config.base;
    c.rate_share.reset();  // the level sets the load, not the warm-up's throughput
    if (config.axis == SweepAxis::kRate) {
      c.load.open_loop = load::OpenLoop{level};
    } else {
      c.load.open_loop.reset();
      c.load.connections = static_cast<int>(level);
    }
    c.out_dir = out_dir + "/" + dir_name;
    RunResult run;
    try {
      run = prepare_run(c);
    } catch (const load::TargetUnreachable& e) {
      if (i == 0) throw;
      run.config = c;
      run.complete = false;
      run.stop_cause = StopCause::kTargetUnreachable;
      run.stop_reason = e.what();
    }
    if (run.complete) {
      if (hooks.on_level_start) hooks.on_level_start(i, level, run);
      ExperimentHooks eh;
      eh.interrupt = hooks.interrupt;
      eh.on_progress = [&](int round, Mode m, const load::Progress& p) {
        if (hooks.on_progress) hooks.on_progress(i, round, m, p);
      };
      execute_run(run, eh);
    }
    const Analysis analysis = analyse(run);
    json result = to_json(run, analysis, context);
    sizing::SizingOptions sizing_options = config.sizing;
    time_reader_on_kept_trace(result, sizing_options);
    result["recommendations"] = sizing::recommend(result, sizing_options);
    std::filesystem::create_directories(c.out_dir);
    const std::string result_path = c.out_dir + "/result.json";
    {
      std::ofstream out(result_path);
      out << result.dump(2) << "\n";
      if (!out) doc["warnings"].push_back(fmt::format("cannot write '{}'", result_path));
    }
    json l = sizing::summarize_level(result, config.axis, level, i);
    l["result"] = dir_name + "/result.json";
    // The target's Go version is read off a trace header; the first level that read one
    // gives it to the whole sweep, as a run result's context has it.
    if (!doc["context"].is_object()) doc["context"] = json::object();
    if (!run.target_go_version.empty() && !doc["context"].contains("target_go_version"))
      doc["context"]["target_go_version"] = run.target_go_version;
    // A rate far beyond the target can starve a round of any answer, which stops the run as
    // if the target had gone; if it still answers, the level was simply not reached.
    bool overloaded = false;
    if (!run.complete && config.axis == SweepAxis::kRate && !(hooks.interrupt && hooks.interrupt->load()) &&
        run.stop_cause == StopCause::kTargetStoppedAnswering) {
      try {
        overloaded = load::check_reachable(load::resolve(c.load.target), c.load.target, 2'000'000'000).empty();
      } catch (const std::exception&) {
        overloaded = false;
      }
    }
    if (overloaded) {
      l["status"] = result::to_string(result::LevelStatus::kNotReached);
      l["reached"] = false;
      l["reason"] = fmt::format("not reached: the run at {:g} req/s stopped ({}) while the target still answers, so "
                                "this level is not fitted",
                                level, run.stop_reason);
    }
    doc["levels"].push_back(l);
    if (hooks.on_level_done) hooks.on_level_done(i, l);
    if (!run.complete && !overloaded) {
      doc["complete"] = false;
      doc["stop_reason"] = fmt::format("level {} ({}): {}", i + 1, level_text(config.axis, level), run.stop_reason);
      stop = fmt::format("not run: the sweep stopped at level {}", i + 1);
    } else if (result::level_status(l) == result::LevelStatus::kNotReached && config.axis == SweepAxis::kRate) {
      stop = fmt::format("not run: a lower rate ({:g} req/s) was not reached", level);
    }
    if (hooks.interrupt && hooks.interrupt->load() && stop.empty()) {
      doc["complete"] = false;
      doc["stop_reason"] = "interrupted";
      stop = "not run: interrupted";
    }
  }
  doc["model"] = sizing::fit_model(doc["levels"], config.production_rate_rps, config.sizing);
  return doc;
}

}  // namespace tracebench::experiment
