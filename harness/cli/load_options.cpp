#include "cli/load_options.h"

#include <fmt/core.h>

#include <fstream>
#include <sstream>

#include "cli/flag_parsing.h"
#include "cli/units.h"

namespace po = boost::program_options;

namespace tracebench::cli {
namespace {

po::options_description output_flag_descriptions() {
  po::options_description d("Output");
  d.add_options()
      ("json", po::value<std::string>(), "write the result as JSON to this file")
      ("spectrum", "print the full latency percentile spectrum")
      ("no-progress", "no live progress line")
      ("help,h", "show this help");
  return d;
}

}  // namespace

po::options_description load_flag_descriptions(LoadFlagsFor command) {
  const bool run = command == LoadFlagsFor::kRun;
  po::options_description d("Load");
  d.add_options()
      ("target", po::value<std::string>(), "HOST:PORT of the HTTP/1.1 server (required)")
      ("path", po::value<std::string>()->default_value("/"), "request path and query")
      ("method", po::value<std::string>()->default_value("GET"), "request method")
      ("header,H", po::value<std::vector<std::string>>()->composing(), "extra header 'Name: value' (repeatable)")
      ("body", po::value<std::string>(), "request body")
      ("body-file", po::value<std::string>(), "read the request body from a file")
      ("connections,c", po::value<std::string>()->default_value("50"),
       "closed loop: concurrent connections; open loop: connection pool size")
      ("threads,t", po::value<std::string>()->default_value("1"), "worker threads, each with its own event loop")
      ("rate,R", po::value<std::string>(),
       run ? "open loop: requests per second (e.g. 20k), or a share of the throughput the warm-up measures "
             "closed loop (e.g. 50%); max: closed loop, as fast as the target answers. Default 50%"
           : "open loop: requests per second for the whole run (e.g. 20k); omit for closed loop")
      ("spin", po::value<std::string>()->default_value("0"),
       "open loop: busy-poll instead of sleeping when a send is due within this time (e.g. 100us), for "
       "a generator with a CPU of its own on bare metal; 0 always sleeps")
      ("duration,d", po::value<std::string>()->default_value("10s"),
       run ? "measured time per mode, split into --rounds rounds (500ms, 30s, 1m)" : "measured time (500ms, 30s, 1m)")
      ("warmup", po::value<std::string>()->default_value(run ? "5s" : "1s"),
       run ? "load with tracing off before the first round, excluded from all figures"
           : "load before measuring, excluded from all figures")
      ("timeout", po::value<std::string>()->default_value("10s"), "per-request timeout, counted as an error")
      ("max-response", po::value<std::string>()->default_value("64MiB"),
       "largest response body accepted; larger is an error");
  return d;
}

void apply_load_flags(const po::variables_map& vm, load::LoadConfig& cfg, LoadFlagsFor command) {
  if (!vm.count("target")) throw UsageError("--target is required: the HOST:PORT of the server to load, e.g. localhost:8080");
  cfg.target = parse_flag("--target", vm["target"].as<std::string>(), load::parse_endpoint);
  cfg.request.path = vm["path"].as<std::string>();
  cfg.request.method = vm["method"].as<std::string>();
  if (vm.count("header")) {
    for (const auto& h : vm["header"].as<std::vector<std::string>>()) {
      auto colon = h.find(':');
      if (colon == std::string::npos || colon == 0)
        throw UsageError(fmt::format("--header: bad header '{}': expected 'Name: value'", h));
      std::string value = h.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      cfg.request.headers.emplace_back(h.substr(0, colon), value);
    }
  }
  if (vm.count("body") && vm.count("body-file")) throw UsageError("--body and --body-file: give one, not both");
  if (vm.count("body")) cfg.request.body = vm["body"].as<std::string>();
  if (vm.count("body-file")) {
    const std::string& path = vm["body-file"].as<std::string>();
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError(fmt::format("--body-file: cannot read '{}'", path));
    std::ostringstream ss;
    ss << in.rdbuf();
    cfg.request.body = ss.str();
  }
  const auto whole = [](const char* flag, const std::string& text) {
    double v = parse_flag(flag, text, [](const std::string& s) { return parse_count(s); });
    if (v != static_cast<double>(static_cast<long long>(v)) || v > 1e9)
      throw UsageError(fmt::format("{}: bad number '{}': expected a whole number", flag, text));
    return static_cast<int>(v);
  };
  cfg.connections = whole("--connections", vm["connections"].as<std::string>());
  cfg.threads = whole("--threads", vm["threads"].as<std::string>());
  if (vm.count("rate") && command == LoadFlagsFor::kLoad)
    cfg.open_loop = load::OpenLoop{parse_flag("--rate", vm["rate"].as<std::string>(),
                                             [](const std::string& s) { return parse_count(s); })};
  cfg.measure_ns = parse_flag("--duration", vm["duration"].as<std::string>(),
                              [](const std::string& s) { return parse_duration_ns(s); });
  cfg.warmup_ns = parse_flag("--warmup", vm["warmup"].as<std::string>(),
                            [](const std::string& s) { return parse_duration_ns(s); });
  cfg.spin_ns = parse_flag("--spin", vm["spin"].as<std::string>(),
                          [](const std::string& s) { return parse_duration_ns(s); });
  cfg.timeout_ns = parse_flag("--timeout", vm["timeout"].as<std::string>(),
                             [](const std::string& s) { return parse_duration_ns(s); });
  cfg.max_body_bytes = parse_flag("--max-response", vm["max-response"].as<std::string>(),
                                 [](const std::string& s) { return parse_size_bytes(s); });
  if (std::string why = load::validate(cfg); !why.empty()) throw UsageError(why);
}

std::string load_usage() {
  std::ostringstream out;
  out << "usage: tracebench load --target HOST:PORT [options]\n\n"
         "A plain HTTP/1.1 load test (what wrk and hey do): closed loop with --connections,\n"
         "or open loop at a fixed --rate with latency measured from the intended send time.\n\n";
  out << load_flag_descriptions() << "\n" << output_flag_descriptions();
  return out.str();
}

LoadOptions parse_load_options(const std::vector<std::string>& args) {
  po::options_description all;
  all.add(load_flag_descriptions()).add(output_flag_descriptions());
  const po::variables_map vm = parse_flags(args, all);
  LoadOptions opts;
  if (vm.count("help")) {
    opts.help = true;
    return opts;
  }
  apply_load_flags(vm, opts.config);
  if (vm.count("json")) opts.json_path = vm["json"].as<std::string>();
  opts.progress = !vm.count("no-progress");
  opts.spectrum = vm.count("spectrum") > 0;
  return opts;
}

}  // namespace tracebench::cli
