#include "reports/sweep_report_builder.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "reports/context_blocks.h"
#include "units/number_text.h"

namespace tracebench::reports::sweep_report {

using units::share_text;

std::vector<std::string> SweepReportBuilder::level_warnings() const {
  std::vector<std::pair<std::string, std::vector<std::string>>> seen;
  for (const auto* l : levels_)
    for (const auto& w : l->warnings) {
      auto it = std::find_if(seen.begin(), seen.end(), [&](const auto& p) { return p.first == w; });
      if (it == seen.end()) seen.push_back({w, {level_label(*l)}});
      else it->second.push_back(level_label(*l));
    }
  std::vector<std::string> out;
  for (const auto& [w, where] : seen) {
    // A sweep-wide warning (the machine's) is already listed once.
    const bool sweep_wide = std::find(s_.warnings.begin(), s_.warnings.end(), w) != s_.warnings.end();
    if (!sweep_wide) out.push_back(fmt::format("{} (at {})", w, join(where, ", ")));
  }
  return out;
}

std::vector<std::string> SweepReportBuilder::derived_warnings() const {
  std::vector<std::string> out;
  const double cpus = s_.host_and_config.cpus.value_or(NAN);
  std::vector<std::string> busy;
  for (const auto* l : levels_)
    if (const auto g = l->generator_cpu_share; g && *g >= 0.5)
      busy.push_back(fmt::format("{} of a CPU at {}", share_text(*g), level_label(*l)));
  if (!busy.empty()) {
    std::string w = fmt::format("the generator used {} (median over rounds)", join(busy, ", "));
    if (std::isfinite(cpus) && cpus <= 4)
      w += fmt::format(" on a host with {:.0f} CPUs: it competes with the target for CPU", cpus);
    w += "; pin them apart (tracebench sweep --exec CMD --pin) or run tracebench on another machine";
    out.push_back(w);
  }
  std::vector<std::string> failing;
  for (const auto* l : levels_)
    if (double e = l->errors.value_or(0); e > 0)
      failing.push_back(fmt::format("{:.0f} at {}", e, level_label(*l)));
  if (!failing.empty())
    out.push_back("requests failed: " + join(failing, ", ") +
                  " (latency and throughput count only answered requests)");
  bool said = false;  // the sweep's machine warnings already name a debug build
  for (const auto& w : s_.warnings)
    if (w.find("debug build") != std::string::npos) said = true;
  if (s_.host_and_config.build_type == "debug" && !said)
    out.push_back("tracebench was a debug build: its own overhead distorts the figures");
  return out;
}

Section SweepReportBuilder::context_section() {
  Section s{"context", "Context", {}};
  Table host = host_table(s_.host_and_config);
  if (s_.host_and_config.target_go_version.empty())
    missing("target Go version (read from a trace header: not in this sweep document)");
  std::vector<std::string> gen, tgt;
  for (const auto* l : levels_) {
    if (l->generator_cpu_share) gen.push_back(share_text(*l->generator_cpu_share));
    if (l->target_cpu_share) tgt.push_back(share_text(*l->target_cpu_share));
  }
  if (!gen.empty())
    host.rows.push_back({Cell("tracebench CPU"), Cell(join(gen, ", ") + " of a CPU at the levels, lowest load first")});
  if (!tgt.empty())
    host.rows.push_back({Cell("target CPU"), Cell(join(tgt, ", ") + " of a CPU at the levels, lowest load first")});
  s.blocks.push_back(std::move(host));
  if (auto cmd = command_line_block(s_.host_and_config)) s.blocks.push_back(*cmd);
  s.blocks.push_back(Heading{"Configuration"});
  s.blocks.push_back(config_table(s_.host_and_config));

  for (const auto& w : s_.warnings) warnings_.push_back(w);
  for (const auto& w : level_warnings()) warnings_.push_back(w);
  for (const auto& w : derived_warnings()) warnings_.push_back(w);
  for (auto& b : warnings_and_gaps_blocks(warnings_, missing_)) s.blocks.push_back(std::move(b));
  return s;
}

}  // namespace tracebench::reports::sweep_report
