#include "result/document_context.h"

#include "result/json_fields.h"

namespace tracebench::result {
namespace {

using fields::maybe_text;
using fields::number;
using fields::object;
using fields::strings;
using fields::text;
using nlohmann::json;

std::string config_value_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (!value.is_array()) return value.dump();
  std::string out;
  for (const auto& x : value) {
    if (!out.empty()) out += ", ";
    out += x.is_string() ? x.get<std::string>() : x.dump();
  }
  return out;
}

std::optional<double> host_median(const json* host, std::string_view key) {
  const json* figure = host ? object(*host, key) : nullptr;
  return figure ? number(*figure, "median") : std::nullopt;
}

}  // namespace

DocumentContext read_document_context(const json& document) {
  DocumentContext v;
  v.schema = text(document, "schema");
  if (const json* c = object(document, "context")) {
    v.host = text(*c, "host");
    v.cpu_model = text(*c, "cpu_model");
    v.kernel = text(*c, "kernel");
    v.started_at = text(*c, "started_at");
    v.target_go_version = text(*c, "target_go_version");
    v.tool = maybe_text(*c, "tool");
    v.tool_version = maybe_text(*c, "tool_version");
    v.build_type = maybe_text(*c, "build_type");
    v.cpus = number(*c, "cpus");
    v.command_line = strings(*c, "command_line");
  }
  const json* host = object(document, "host");
  v.other_cpu_pct = host_median(host, "other_cpu_pct");
  v.steal_pct = host_median(host, "steal_pct");
  if (const json* c = object(document, "config"))
    for (const auto& [key, value] : c->items())
      if (!value.is_null()) v.config.push_back({key, config_value_text(value)});
  return v;
}

}  // namespace tracebench::result
