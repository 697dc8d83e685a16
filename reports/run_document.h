#pragma once
// The report of a run result (schema tracebench.run/v1) as a Document: the verdict first
// (overhead, significance, recommendation), then the evidence, then the context.

#include <nlohmann/json.hpp>

#include "reports/document.h"

namespace tracebench::reports {

// Section ids, in order: verdict, overhead, latency, trace-data, sizing, noise-floor, rounds,
// context. Reads only `result`; whatever part is absent (recommendations, verification, a
// mode, target CPU) is said in the section and listed in data["missing"]. The caller has
// checked the schema (classify_result, which also runs the typed reader,
// result/run_result.h); other keys are read tolerantly and never throw.
Document build_run_document(const nlohmann::json& result);

}  // namespace tracebench::reports
