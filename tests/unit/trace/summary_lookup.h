#pragma once
// Test support: a TraceSummary field by dotted key, as text, for data-driven golden
// files ("kind.GoStart.events", "region.decode.count", "issue.truncated", ...).
// nullopt when the key names nothing (an unknown key, or a name not in the summary).

#include <optional>
#include <string>
#include <string_view>

#include "trace/analyze.h"

namespace tracebench::trace::testing {

std::optional<std::string> lookup(const TraceSummary& s, std::string_view key);

}  // namespace tracebench::trace::testing
