#include "result/schema.h"

namespace tracebench::result {

SchemaCheck check_schema(const nlohmann::json& document) {
  if (!document.is_object()) return {SchemaKind::kNotObject, {}};
  auto it = document.find("schema");
  if (it == document.end()) return {SchemaKind::kMissing, {}};
  if (!it->is_string()) return {SchemaKind::kNotString, {}};
  std::string schema = it->get<std::string>();
  const auto starts = [&](std::string_view prefix) { return schema.rfind(prefix, 0) == 0; };
  SchemaKind kind = SchemaKind::kForeign;
  if (schema == kRunSchema) kind = SchemaKind::kRun;
  else if (schema == kSweepSchema) kind = SchemaKind::kSweep;
  else if (starts("tracebench.run/")) kind = SchemaKind::kOtherRunVersion;
  else if (starts("tracebench.sweep/")) kind = SchemaKind::kOtherSweepVersion;
  else if (starts("tracebench.")) kind = SchemaKind::kOtherTracebench;
  return {kind, std::move(schema)};
}

}  // namespace tracebench::result
