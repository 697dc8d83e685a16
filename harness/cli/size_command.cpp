// `tracebench size`: flight-recorder MaxBytes/MinAge for wanted windows, capture windows
// for file budgets with their time to open, and an overhead verdict, from a run result or
// from a rate given by hand. See docs/sizing.md.

#include <boost/program_options.hpp>
#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/flag_parsing.h"
#include "cli/units.h"
#include "cli/usage_error.h"
#include "experiment/trace_timing.h"
#include "reports/recommendations_text.h"
#include "result/recommendations.h"
#include "sizing/flight_recorder_size.h"
#include "sizing/parse_speed.h"
#include "sizing/result_rates.h"
#include "sizing/sizing.h"
#include "target/go_tool_trace.h"

namespace tracebench::cli {
namespace {

namespace po = boost::program_options;

struct SizeOptions {
  std::string result_path;
  std::optional<double> bytes_per_s;
  sizing::SizingOptions sizing;
  std::string trace_path;    // --trace: time the readers on this file
  bool go_tool = true;       // time go tool trace too
  std::string go_binary;     // --go, else found on $PATH
  std::string json_path;     // --json: write the recommendations object ("-": stdout)
  bool help = false;
};

po::options_description size_flags() {
  po::options_description d("Options");
  d.add_options()
      ("bytes-per-sec", po::value<std::string>(), "size from this trace rate instead of a result (3MiB, 2.5MB/s; 1B/s to 10GB/s)")
      ("window", po::value<std::vector<std::string>>()->composing(),
       "wanted flight-recorder window (repeatable; default 1s 5s 10s 30s 60s)")
      ("file-budget", po::value<std::vector<std::string>>()->composing(),
       "capture file budget (repeatable; default 10MB 50MB 200MB)")
      ("budget", po::value<std::string>(), "overhead budget for the verdict, e.g. 2% (0.01% to 100%)")
      ("trace", po::value<std::string>(), "time tracebench's reader and go tool trace on this trace file "
                                          "(default: the largest trace a --keep-traces result still names)")
      ("no-go-tool", "do not time go tool trace")
      ("go", po::value<std::string>(), "the go command (default: $PATH, then /usr/local/go/bin/go)")
      ("json", po::value<std::string>(), "also write the recommendations as JSON to this file (- for stdout)")
      ("help,h", "show this help");
  return d;
}

std::string size_usage() {
  std::ostringstream out;
  out << "usage: tracebench size RESULT [options]\n"
         "       tracebench size --bytes-per-sec RATE [options]\n\n"
         "Flight-recorder MaxBytes and MinAge for wanted windows, /debug/pprof/trace?seconds=N\n"
         "windows for file budgets with the time to open them, and the overhead verdict, from\n"
         "a tracebench run result (result.json) or a trace rate given by hand.\n\n"
      << size_flags();
  return out.str();
}

SizeOptions parse_size_options(const std::vector<std::string>& args) {
  po::options_description all = size_flags();
  all.add_options()("result", po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add("result", -1);
  const po::variables_map vm = parse_flags(args, all, positional);
  SizeOptions o;
  if (vm.count("help")) {
    o.help = true;
    return o;
  }
  if (vm.count("result")) {
    const auto& r = vm["result"].as<std::vector<std::string>>();
    if (r.size() > 1) throw UsageError(fmt::format("one RESULT at a time, got {}: '{}' and '{}'", r.size(), r[0], r[1]));
    o.result_path = r[0];
  }
  if (vm.count("bytes-per-sec")) {
    std::string text = vm["bytes-per-sec"].as<std::string>();
    if (text.size() > 2 && text.compare(text.size() - 2, 2, "/s") == 0) text.resize(text.size() - 2);
    const double rate = static_cast<double>(parse_flag("--bytes-per-sec", text, [](const std::string& s) {
      return parse_size_bytes(s);
    }));
    // parse_size_bytes rounds to whole bytes, so 0.4 arrives as 0: the range is said in
    // whole bytes per second.
    if (rate < 1 || rate > sizing::kMaxBytesPerSec)
      throw UsageError(fmt::format("--bytes-per-sec {} is out of range: expected 1B/s to 10GB/s",
                                   vm["bytes-per-sec"].as<std::string>()));
    o.bytes_per_s = rate;
  }
  if (o.result_path.empty() && !o.bytes_per_s)
    throw UsageError("give a run result (tracebench size out/run/result.json) or a rate (--bytes-per-sec 3MiB)");
  if (!o.result_path.empty() && o.bytes_per_s)
    throw UsageError("give a run result or --bytes-per-sec, not both: the result holds its own measured rate");
  if (vm.count("window")) {
    o.sizing.windows_ns.clear();
    for (const auto& w : vm["window"].as<std::vector<std::string>>()) {
      const std::int64_t ns = parse_flag("--window", w, [](const std::string& s) { return parse_duration_ns(s); });
      if (ns < sizing::kMinWindowNs || ns > sizing::kMaxWindowNs)
        throw UsageError(fmt::format("--window {} is out of range: expected 1s to 1h (the flight recorder keeps "
                                     "whole ~1 s generations)",
                                     w));
      o.sizing.windows_ns.push_back(ns);
    }
  }
  if (vm.count("file-budget")) {
    o.sizing.file_budgets_bytes.clear();
    for (const auto& b : vm["file-budget"].as<std::vector<std::string>>()) {
      const std::uint64_t bytes = parse_flag("--file-budget", b, [](const std::string& s) { return parse_size_bytes(s); });
      if (bytes < sizing::kMinFileBudgetBytes || bytes > sizing::kMaxFileBudgetBytes)
        throw UsageError(fmt::format("--file-budget {} is out of range: expected 64KiB to 100GB", b));
      o.sizing.file_budgets_bytes.push_back(bytes);
    }
  }
  if (vm.count("budget")) {
    double pct = 0;
    if (std::string bad = sizing::parse_budget_pct("--budget", vm["budget"].as<std::string>(), &pct); !bad.empty())
      throw UsageError(bad);
    o.sizing.budget_pct = pct;
  }
  if (vm.count("trace")) o.trace_path = vm["trace"].as<std::string>();
  o.go_tool = vm.count("no-go-tool") == 0;
  if (vm.count("go")) o.go_binary = vm["go"].as<std::string>();
  if (vm.count("json")) o.json_path = vm["json"].as<std::string>();
  return o;
}

// Reads and checks a run result; throws UsageError naming the file and what is wrong.
nlohmann::json read_checked_result(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw UsageError(fmt::format("'{}' is a directory: expected a run result file (e.g. '{}/result.json')", path,
                                 path.size() > 1 && path.back() == '/' ? path.substr(0, path.size() - 1) : path));
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("cannot read '{}': no such file or not readable", path));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw UsageError(fmt::format("'{}' is not JSON (byte {}): not a tracebench result", path, e.byte));
  } catch (const std::exception& e) {  // a stream error, or a number JSON cannot hold
    throw UsageError(fmt::format("cannot read '{}': {}", path, e.what()));
  }
  if (std::string bad = sizing::check_run_result(j); !bad.empty()) throw UsageError(fmt::format("'{}': {}", path, bad));
  if (std::string bad = sizing::check_result_rates(j); !bad.empty()) throw UsageError(fmt::format("'{}': {}", path, bad));
  return j;
}

// Times the readers on `file`; what could not be timed goes into the notes.
void measure_speeds(const std::string& file, const SizeOptions& o, sizing::SizingOptions& s, bool file_was_given) {
  try {
    s.parse_speeds.push_back(experiment::measure_reader_speed(file));
  } catch (const std::exception& e) {
    if (file_was_given) throw UsageError(fmt::format("--trace '{}': {}", file, e.what()));
    s.parse_speed_notes.push_back(fmt::format("tracebench's reader could not read '{}': {}", file, e.what()));
    s.go_tool_not_timed = "go tool trace not timed: the trace file could not be read";
    return;
  }
  if (!o.go_tool) {
    s.go_tool_not_timed = "go tool trace not timed (--no-go-tool)";
    return;
  }
  const std::string go = o.go_binary.empty() ? target::find_go_binary() : o.go_binary;
  fmt::print(stderr, "timing go tool trace on {} ...\n", file);
  std::string why;
  if (auto speed = experiment::measure_go_tool_trace(file, go, 180.0, &why))
    s.parse_speeds.push_back(*speed);
  else
    s.go_tool_not_timed = "go tool trace not timed: " + why;
}

// Why go tool trace was not timed when there is no trace file to time it on.
std::string go_tool_not_timed(const SizeOptions& o, bool given_rate) {
  if (!o.go_tool) return "go tool trace not timed (--no-go-tool)";
  const std::string go = o.go_binary.empty() ? target::find_go_binary() : o.go_binary;
  if (go.empty()) return "go tool trace not timed: go not found (not on $PATH nor at /usr/local/go/bin/go; --go PATH)";
  return given_rate ? "go tool trace not timed: no trace file (pass --trace FILE)"
                    : "go tool trace not timed: no trace file kept: run with --keep-traces, or pass --trace FILE";
}

}  // namespace

int size_command(const std::vector<std::string>& args) {
  SizeOptions o;
  nlohmann::json result;
  try {
    o = parse_size_options(args);
    if (o.help) {
      fmt::print("{}", size_usage());
      return kExitOk;
    }
    if (!o.result_path.empty()) result = read_checked_result(o.result_path);
    if (std::string bad = sizing::validate(o.sizing); !bad.empty()) throw UsageError(bad);
    std::string file = o.trace_path;
    if (file.empty() && !result.is_null()) {
      const auto kept = experiment::kept_trace_files(result);
      if (!kept.empty()) file = kept.front();
    }
    if (!file.empty()) {
      measure_speeds(file, o, o.sizing, !o.trace_path.empty());
    } else {
      // Nothing to time on: say so, and why go tool trace in particular was not timed.
      const bool reader_known = !result.is_null() && sizing::result_parse_mb_per_s(result);
      if (!reader_known)
        o.sizing.parse_speed_notes.push_back(
            "no trace file to time the readers on: pass --trace FILE (e.g. curl -o demo.trace "
            "'http://DEBUG_ADDR/debug/pprof/trace?seconds=5'), or run with --keep-traces");
      o.sizing.go_tool_not_timed = go_tool_not_timed(o, result.is_null());
    }
  } catch (const UsageError& e) {
    fmt::print(stderr, "tracebench size: {}\n", e.what());
    return kExitUsage;
  }

  nlohmann::json rec = o.bytes_per_s ? sizing::recommend_for_rate(*o.bytes_per_s, o.sizing)
                                     : sizing::recommend(result, o.sizing);
  // With --json - stdout is the JSON document alone, so it parses; the text is left out.
  if (o.json_path != "-") fmt::print("{}", reports::format_recommendations(result::read_recommendations_object(rec)));
  if (!o.json_path.empty()) {
    const std::string text = rec.dump(2) + "\n";
    if (o.json_path == "-") {
      fmt::print("{}", text);
    } else {
      std::ofstream out(o.json_path);
      out << text;
      if (!out) {
        fmt::print(stderr, "tracebench size: cannot write '{}'\n", o.json_path);
        return kExitRunFailed;
      }
    }
  }
  if (o.json_path == "-")
    for (const auto& w : rec["warnings"]) fmt::print(stderr, "tracebench size: warning: {}\n", w.get<std::string>());
  if (rec["rate"].is_null()) {
    fmt::print(stderr, "tracebench size: '{}' has no measured trace rate to size from\n", o.result_path);
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace tracebench::cli
