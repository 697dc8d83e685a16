#include "reports/context_blocks.h"

#include <fmt/core.h>

#include "reports/json_access.h"

namespace tracebench::reports {

using nlohmann::json;

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

Table host_table(const json& r) {
  Table host;
  host.header = {"", ""};
  host.align = "ll";
  auto kv = [&](const char* key, std::string value) {
    if (!value.empty()) host.rows.push_back({Cell(key), Cell(std::move(value))});
  };
  kv("host", text(r, {"context", "host"}));
  if (auto c = number(r, {"context", "cpus"})) kv("CPUs", fmt::format("{:.0f}", *c));
  kv("CPU model", text(r, {"context", "cpu_model"}));
  kv("kernel", text(r, {"context", "kernel"}));
  kv("tool", fmt::format("{} {} ({} build)", text(r, {"context", "tool"}, "tracebench"),
                         text(r, {"context", "tool_version"}, "?"), text(r, {"context", "build_type"}, "?")));
  kv("started at", text(r, {"context", "started_at"}));
  // The machine beside the target during the rounds (run results from before this was measured lack it).
  if (auto other = number(r, {"host", "other_cpu_pct", "median"}))
    kv("other processes' CPU", fmt::format("{:.1f}% of the machine (median round)", *other));
  if (auto steal = number(r, {"host", "steal_pct", "median"}))
    kv("CPU stolen by the hypervisor", fmt::format("{:.1f}% (median round)", *steal));
  const std::string go = text(r, {"context", "target_go_version"});
  kv("target Go version", go.empty() ? "unknown (no trace was read)" : go);
  kv("schema", text(r, {"schema"}));
  return host;
}

std::optional<CodeBlock> command_line_block(const json& r) {
  std::vector<std::string> argv;
  for (const auto& a : array(r, {"context", "command_line"}))
    if (a.is_string()) argv.push_back(a.get<std::string>());
  if (argv.empty()) return std::nullopt;
  return CodeBlock{"sh", "command line", shell_join(argv)};
}

Table config_table(const json& r) {
  Table cfg;
  cfg.header = {"", ""};
  cfg.align = "ll";
  if (const json* c = object(r, {"config"})) {
    for (const auto& [key, value] : c->items()) {
      std::string v;
      if (value.is_null()) continue;
      if (value.is_string()) v = value.get<std::string>();
      else if (value.is_array()) {
        std::vector<std::string> parts;
        for (const auto& x : value) parts.push_back(x.is_string() ? x.get<std::string>() : x.dump());
        v = join(parts, ", ");
      } else v = value.dump();
      cfg.rows.push_back({Cell(key), Cell(v)});
    }
  }
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
