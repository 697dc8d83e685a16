#pragma once
// The schema name of every document tracebench writes, defined once, and what a document's
// "schema" key says it is. Thread-safe, pure.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tracebench::result {

inline constexpr const char* kRunSchema = "tracebench.run/v1";        // run: result.json (docs/run.md)
inline constexpr const char* kSweepSchema = "tracebench.sweep/v1";    // sweep: sweep.json (docs/sizing.md)
inline constexpr const char* kLoadSchema = "tracebench.load/v1";      // load --json (docs/load.md)
inline constexpr const char* kReportSchema = "tracebench.report/v1";  // report --format json (docs/reports.md)
inline constexpr const char* kInspectSchema = "tracebench.inspect/1"; // inspect --json (docs/trace-reader.md)

enum class SchemaKind {
  kNotObject,          // the document is not a JSON object
  kMissing,            // no "schema" key
  kNotString,          // "schema" is not a string
  kRun,                // kRunSchema
  kSweep,              // kSweepSchema
  kOtherRunVersion,    // "tracebench.run/..." other than kRunSchema
  kOtherSweepVersion,  // "tracebench.sweep/..." other than kSweepSchema
  kOtherTracebench,    // another "tracebench." document (load, inspect, report)
  kForeign,            // a schema that is not tracebench's
};

struct SchemaCheck {
  SchemaKind kind = SchemaKind::kNotObject;
  std::string schema;  // the "schema" value when it is a string, else ""
};

// What `document` says it is. Callers word the refusal for their own command: size, check
// and report each say what they read instead.
SchemaCheck check_schema(const nlohmann::json& document);

}  // namespace tracebench::result
