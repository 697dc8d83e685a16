#pragma once
// The load result's JSON form (schema documented in docs/load-result.md). The context
// block (host, tool version, command line) is added by the caller.

#include <nlohmann/json.hpp>

#include "load/load_config.h"
#include "load/load_result.h"
#include "result/schema.h"

namespace tracebench::load {

using result::kLoadSchema;  // "tracebench.load/v1"

// {p50, p90, p99, p999, max, min, mean, count} of a histogram, in ns.
nlohmann::json percentiles_json(const stats::Histogram& h);

nlohmann::json to_json(const LoadConfig& cfg, const LoadResult& r);

}  // namespace tracebench::load
