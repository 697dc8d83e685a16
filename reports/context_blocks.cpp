#include "reports/context_blocks.h"

#include <fmt/core.h>

namespace tracebench::reports {

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string shell_join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    const bool plain = !a.empty() && a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                         "0123456789-_./:=,%@+") == std::string::npos;
    std::string q = a;
    if (!plain) {
      q = "'";
      for (char ch : a) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
      q += "'";
    }
    out += (out.empty() ? "" : " ") + q;
  }
  return out;
}

Table host_table(const result::DocumentContext& c) {
  Table host;
  host.header = {"", ""};
  host.align = "ll";
  auto kv = [&](const char* key, std::string value) {
    if (!value.empty()) host.rows.push_back({Cell(key), Cell(std::move(value))});
  };
  kv("host", c.host);
  if (c.cpus) kv("CPUs", fmt::format("{:.0f}", *c.cpus));
  kv("CPU model", c.cpu_model);
  kv("kernel", c.kernel);
  kv("tool", fmt::format("{} {} ({} build)", c.tool.value_or("tracebench"), c.tool_version.value_or("?"),
                         c.build_type.value_or("?")));
  kv("started at", c.started_at);
  // The machine beside the target during the rounds (run results from before this was measured lack it).
  if (c.other_cpu_pct) kv("other processes' CPU", fmt::format("{:.1f}% of the machine (median round)", *c.other_cpu_pct));
  if (c.steal_pct) kv("CPU stolen by the hypervisor", fmt::format("{:.1f}% (median round)", *c.steal_pct));
  kv("target Go version", c.target_go_version.empty() ? "unknown (no trace was read)" : c.target_go_version);
  kv("schema", c.schema);
  return host;
}

std::optional<CodeBlock> command_line_block(const result::DocumentContext& c) {
  if (c.command_line.empty()) return std::nullopt;
  return CodeBlock{"sh", "command line", shell_join(c.command_line)};
}

Table config_table(const result::DocumentContext& c) {
  Table cfg;
  cfg.header = {"", ""};
  cfg.align = "ll";
  for (const auto& [key, value] : c.config) cfg.rows.push_back({Cell(key), Cell(value)});
  return cfg;
}

std::vector<Block> warnings_and_gaps_blocks(const std::vector<std::string>& warnings,
                                            const std::vector<std::string>& missing) {
  std::vector<Block> blocks;
  blocks.push_back(Heading{"Warnings"});
  if (warnings.empty()) blocks.push_back(Paragraph{"", "None."});
  else blocks.push_back(BulletList{warnings});
  blocks.push_back(Heading{"Not in this result"});
  if (missing.empty()) blocks.push_back(Paragraph{"", "Nothing: every part of the report had its data."});
  else blocks.push_back(BulletList{missing});
  return blocks;
}

}  // namespace tracebench::reports
