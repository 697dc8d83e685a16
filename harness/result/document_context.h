#pragma once
// The parts of a run or sweep result that describe where and how it ran, as both schemas
// write them: "context" (the machine, the tool, the command line), "host" (the machine's
// load beside the target, run results only) and "config" (every setting, written as the
// command saw it), and the "schema" itself.
//
// Read without refusing anything: a key that is absent, null or of another type reads as not
// there. The view owns its data. Pure; never throws.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tracebench::result {

// One key of "config" with its value as text: a string as written, an array's elements joined
// with ", " (an element that is not a string as its JSON), anything else as its JSON. "config"
// is free-form (each command writes its own settings), so its keys are kept as they come.
struct ConfigEntry {
  std::string key, value;
};

struct DocumentContext {
  std::string schema;  // "" when not a string
  // context.*: "" when absent.
  std::string host, cpu_model, kernel, started_at, target_go_version;
  std::optional<std::string> tool, tool_version, build_type;  // nullopt when not a string
  std::optional<double> cpus;
  std::vector<std::string> command_line;  // its string elements
  // host.other_cpu_pct.median, host.steal_pct.median: the machine's other work and the
  // hypervisor's steal in the median round (older results lack them).
  std::optional<double> other_cpu_pct, steal_pct;
  std::vector<ConfigEntry> config;  // in the document's key order, null values left out
};

DocumentContext read_document_context(const nlohmann::json& document);

}  // namespace tracebench::result
