#include "reports/run_report_builder.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "reports/context_blocks.h"
#include "units/number_text.h"

namespace tracebench::reports::run_report {

using nlohmann::json;
using units::share_text;

namespace {

double median_of(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const std::size_t k = v.size();
  return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
}

// The target's CPU share (CPU-seconds per second), from per-round CPU per request and
// throughput: median over complete rounds. (The generator's is the result's own.)
std::optional<double> target_cpu_share(const result::RunResultView& run) {
  std::vector<double> v;
  for (const auto& r : run.rounds) {
    if (!r.complete.value_or(true)) continue;
    if (r.target_cpu_us_per_request && r.throughput_rps)
      v.push_back(*r.target_cpu_us_per_request * *r.throughput_rps / 1e6);
  }
  if (v.empty()) return std::nullopt;
  return median_of(v);
}

}  // namespace

// Warnings this report derives from the rounds, beside the ones the run wrote.
std::vector<std::string> RunReportBuilder::derived_warnings() const {
  std::vector<std::string> out;
  const double cpus = run_.context.cpus.value_or(NAN);
  if (const auto& gen = run_.generator; gen.competes_for_cpu && gen.core_share) {
    std::string w = fmt::format("the generator used {} of a CPU (median over rounds)", share_text(*gen.core_share));
    if (std::isfinite(cpus) && cpus <= 4)
      w += fmt::format(" on a host with {:.0f} CPUs: it competes with the target for CPU", cpus);
    w += "; pin them apart (tracebench run --exec CMD --pin) or run tracebench on another machine";
    out.push_back(w);
  }
  double errors = 0;
  std::size_t rounds_with_errors = 0;
  std::map<std::string, double> by_kind;
  for (const auto& r : run_.rounds)
    if (double e = r.errors.value_or(0); e > 0) {
      errors += e;
      ++rounds_with_errors;
      for (const auto& [kind, n] : r.errors_by_kind) by_kind[kind] += n;
    }
  std::string kinds;
  for (const auto& [kind, n] : by_kind) kinds += fmt::format("{}{} {:.0f}", kinds.empty() ? "" : ", ", kind, n);
  if (errors > 0)
    out.push_back(fmt::format("{:.0f} requests failed in {} round{}{} (see Rounds): latency and throughput count "
                              "only answered requests",
                              errors, rounds_with_errors, rounds_with_errors == 1 ? "" : "s",
                              kinds.empty() ? "" : " (" + kinds + ")"));
  if (run_.context.debug_build)
    out.push_back("tracebench was a debug build: its own overhead distorts the figures");
  return out;
}

Section RunReportBuilder::context_section() {
  Section s{"context", "Context", {}};
  Table host = host_table(run_.host_and_config);
  if (run_.context.target_go_version.empty())
    missing("target Go version (read from a trace header: no trace was read)");
  if (const auto& gen = run_.generator.core_share)
    host.rows.push_back({Cell("tracebench CPU"), Cell(fmt::format("{} of a CPU (median over rounds)", share_text(*gen)))});
  if (auto tgt = target_cpu_share(run_))
    host.rows.push_back({Cell("target CPU"), Cell(fmt::format("{} of a CPU (median over rounds)", share_text(*tgt)))});
  s.blocks.push_back(std::move(host));
  if (auto cmd = command_line_block(run_.host_and_config)) s.blocks.push_back(*cmd);

  s.blocks.push_back(Heading{"Configuration"});
  s.blocks.push_back(config_table(run_.host_and_config));

  std::vector<std::string> skipped;
  for (const auto& m : run_.skipped_modes)
    skipped.push_back(fmt::format("{}: {}", m.mode.empty() ? "?" : m.mode,
                                  m.reason.empty() ? "no reason recorded" : m.reason));
  if (!skipped.empty()) {
    s.blocks.push_back(Heading{"Skipped modes"});
    s.blocks.push_back(BulletList{skipped});
  }

  warnings_ = run_.warnings;
  for (const auto& w : derived_warnings()) warnings_.push_back(w);
  for (auto& b : warnings_and_gaps_blocks(warnings_, missing_)) s.blocks.push_back(std::move(b));
  return s;
}

}  // namespace tracebench::reports::run_report
