#pragma once
// The report of a sweep result (schema tracebench.sweep/v1, docs/sizing.md) as a Document:
// the verdict first (how trace data and overhead grow with load, and what the model says at
// the production rate), then the evidence, then the context.

#include <nlohmann/json.hpp>

#include "reports/document.h"

namespace tracebench::reports {

// Section ids, in order: verdict, levels, trace-rate, overhead, prediction, context. Reads
// only `sweep` (never the levels' own result.json); whatever part is absent (a model, a
// production rate, target CPU, a level's trace rate) is said in its section and listed in
// data["missing"]. The caller has checked the schema (classify_result); other keys are read
// tolerantly and never throw.
Document build_sweep_document(const nlohmann::json& sweep);

}  // namespace tracebench::reports
