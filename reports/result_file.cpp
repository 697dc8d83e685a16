#include "reports/result_file.h"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "result/run_result.h"

namespace tracebench::reports {
namespace {

namespace model = tracebench::result;  // "result" names the document in this file

using nlohmann::json;

std::string type_name(const json& j) {
  if (j.is_null()) return "null";
  if (j.is_boolean()) return "a boolean";
  if (j.is_number()) return "a number";
  if (j.is_string()) return "a string";
  if (j.is_array()) return "an array";
  return "an object";
}

// nlohmann's what() starts with "[json.exception.parse_error.101] parse error at line 1,
// column 5: "; the part after the position is what went wrong.
std::string parse_detail(const json::parse_error& e) {
  std::string what = e.what();
  if (auto colon = what.find(": ", what.find("column")); colon != std::string::npos) return what.substr(colon + 2);
  return what;
}

// What either schema means in a message.
constexpr const char* kExpected = "\"tracebench.run/v1\" or \"tracebench.sweep/v1\"";

void expect_type(const json& result, const char* key, bool (json::*is)() const noexcept, const char* expected,
                 const std::string& source, bool required, const char* schema = kRunSchema) {
  auto it = result.find(key);
  if (it == result.end()) {
    if (required)
      throw ResultError(fmt::format("{}: a {} result has no \"{}\" (expected {}); the file is not a complete result",
                                    source, schema, key, expected));
    return;
  }
  if (!((*it).*is)())
    throw ResultError(fmt::format("{}: \"{}\" is {}, expected {}", source, key, type_name(*it), expected));
}

// A sweep document's top-level shape; the levels' own keys are read tolerantly.
void check_sweep(const json& result, const std::string& source) {
  expect_type(result, "levels", &json::is_array, "an array of levels", source, true, kSweepSchema);
  const json& levels = result["levels"];
  if (levels.empty())
    throw ResultError(fmt::format("{} is a sweep with no levels: nothing to report (tracebench sweep writes an entry "
                                  "for every level it was asked for, run or not)",
                                  source));
  for (std::size_t i = 0; i < levels.size(); ++i)
    if (!levels[i].is_object())
      throw ResultError(fmt::format("{}: \"levels\"[{}] is {}, expected an object", source, i, type_name(levels[i])));
  if (auto it = result.find("model"); it != result.end() && !it->is_null() && !it->is_object())
    throw ResultError(fmt::format("{}: \"model\" is {}, expected an object (or null)", source, type_name(*it)));
  expect_type(result, "context", &json::is_object, "an object", source, false);
  expect_type(result, "config", &json::is_object, "an object", source, false);
  expect_type(result, "warnings", &json::is_array, "an array of lines", source, false);
}

}  // namespace

json parse_result(const std::string& text, const std::string& source) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw ResultError(fmt::format("{} is empty: expected a tracebench result (result.json or sweep.json, written by "
                                  "tracebench run or sweep)",
                                  source));
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    if (e.byte >= text.size())
      throw ResultError(fmt::format("{} is truncated: the JSON ends at byte {} in the middle of a value ({}); "
                                    "was it copied or written while a run was still going?",
                                    source, text.size(), parse_detail(e)));
    throw ResultError(fmt::format("{} is not JSON: {} at byte {}; expected a tracebench result", source,
                                  parse_detail(e), e.byte));
  } catch (const json::exception& e) {
    // The parser reports a number beyond a double ("1e999") as out_of_range, not as a
    // parse_error, and with no offset: name the number it quotes.
    std::string what = e.what();
    if (auto end = what.find("] "); what.starts_with("[json.exception.") && end != std::string::npos)
      what.erase(0, end + 2);
    throw ResultError(fmt::format("{} is not JSON a result can hold: {}; expected a tracebench result", source, what));
  }
  if (!j.is_object())
    throw ResultError(fmt::format("{} holds {}, not a tracebench result (expected an object with \"schema\": {})",
                                  source, type_name(j), kExpected));
  return j;
}

json load_result(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    // The --out directory of run or sweep: the result it holds.
    for (const char* name : {"result.json", "sweep.json"}) {
      const auto file = std::filesystem::path(path) / name;
      if (std::filesystem::exists(file, ec)) return load_result(file.string());
    }
    throw ResultError(fmt::format("'{}' is a directory with neither result.json nor sweep.json in it: expected a "
                                  "tracebench result, or the --out directory of tracebench run or sweep",
                                  path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ResultError(fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) throw ResultError(fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
  return parse_result(buf.str(), fmt::format("'{}'", path));
}

ResultKind classify_result(const json& result, const std::string& source) {
  if (!result.is_object())
    throw ResultError(fmt::format("{} holds {}, not a tracebench result", source, type_name(result)));
  auto it = result.find("schema");
  if (it == result.end())
    throw ResultError(fmt::format("{} is not a tracebench result: it has no \"schema\" key (expected {}, as "
                                  "written by tracebench run or sweep)",
                                  source, kExpected));
  if (!it->is_string())
    throw ResultError(fmt::format("{} is not a tracebench result: \"schema\" is {}, expected the string {}", source,
                                  type_name(*it), kExpected));
  const model::SchemaCheck schema = model::check_schema(result);
  const auto other_version = [&](const char* what, const char* reads) {
    return ResultError(fmt::format("{} has schema \"{}\", a version of the {} this tracebench does not read (it "
                                   "reads \"{}\"); re-render it with the tracebench that wrote it",
                                   source, schema.schema, what, reads));
  };
  switch (schema.kind) {
    case model::SchemaKind::kRun: break;
    case model::SchemaKind::kSweep: check_sweep(result, source); return ResultKind::kSweep;
    case model::SchemaKind::kOtherRunVersion: throw other_version("run result", kRunSchema);
    case model::SchemaKind::kOtherSweepVersion: throw other_version("sweep result", kSweepSchema);
    case model::SchemaKind::kOtherTracebench:
      throw ResultError(fmt::format("{} has schema \"{}\": unsupported by tracebench report (it renders {})", source,
                                    schema.schema, kExpected));
    default:
      throw ResultError(fmt::format("{} is not a tracebench result: its schema is \"{}\" (expected {})", source,
                                    schema.schema, kExpected));
  }
  expect_type(result, "modes", &json::is_object, "an object of modes", source, true);
  expect_type(result, "comparisons", &json::is_array, "an array", source, false);
  expect_type(result, "noise_floor", &json::is_array, "an array", source, false);
  expect_type(result, "rounds", &json::is_array, "an array", source, false);
  expect_type(result, "context", &json::is_object, "an object", source, false);
  expect_type(result, "config", &json::is_object, "an object", source, false);
  expect_type(result, "warnings", &json::is_array, "an array of lines", source, false);
  expect_type(result, "invalid_reasons", &json::is_array, "an array of lines", source, false);
  for (const auto& [mode, m] : result["modes"].items())
    if (!m.is_object())
      throw ResultError(fmt::format("{}: \"modes\".\"{}\" is {}, expected an object", source, mode, type_name(m)));
  // The rest of what the typed reader needs (the rows and rounds objects, "generator").
  try {
    model::read_run_result(result);
  } catch (const model::FormatError& e) {
    throw ResultError(fmt::format("{}: {}", source, e.what()));
  }
  return ResultKind::kRun;
}

}  // namespace tracebench::reports
