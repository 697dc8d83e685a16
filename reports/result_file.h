#pragma once
// Reading a result file and telling what it is, before any renderer sees it.

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "result/schema.h"

namespace tracebench::reports {

using result::kRunSchema;    // "tracebench.run/v1"
using result::kSweepSchema;  // "tracebench.sweep/v1"

// Bad input: a result file that is missing, unreadable, empty, truncated, not JSON, or not a
// result this version renders. The message is one line that names the file (or "result"),
// what was seen (byte offset, schema, key and its type) and what was expected.
class ResultError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class ResultKind { kRun, kSweep };

// Parses the file at path; a directory stands for the result.json (else sweep.json) in it, as
// run and sweep write them. Throws ResultError (see above); never returns a non-object.
nlohmann::json load_result(const std::string& path);

// Parses JSON text; `source` names it in messages (a path, "stdin"). Throws ResultError.
nlohmann::json parse_result(const std::string& json_text, const std::string& source);

// What kind of result this is, from its "schema". Throws ResultError for a document without
// a schema ("not a tracebench result"), an unknown or unsupported schema, a run result whose
// top-level keys have the wrong types (e.g. "modes" not an object), and a sweep result
// without levels (none at all, or "levels" not an array of objects) or whose "model",
// "context", "config" or "warnings" has the wrong type.
ResultKind classify_result(const nlohmann::json& result, const std::string& source);

}  // namespace tracebench::reports
