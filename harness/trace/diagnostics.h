#pragma once
// Plain-language diagnostics for the known trace anti-patterns, computed from a
// TraceSummary (see docs/trace-reader.md for the rules and why the thresholds):
//
//   goroutine_churn       goroutine create/destroy events are a large share of events
//   fine_grained_regions  user annotations (regions, tasks, logs) are a large share
//   dominant_goroutine    one goroutine produced a large share of events
//   status_restatement    per-generation goroutine status events are a large share of bytes
//   tables_dominate       stack/string tables are most of the bytes (very short capture)
//   truncated             the trace was cut short
//   bad_records           records were skipped (lenient reading)
//
// Pure function of its inputs; thread-safe.

#include <cstdint>
#include <string>
#include <vector>

#include "trace/analyze.h"

namespace tracebench::trace {

struct DiagnosticThresholds {
  double churn_share = 0.20;          // lifecycle events / timed events
  double annotation_share = 0.20;     // user-annotation events / timed events
  double dominant_goroutine_share = 0.25;  // one goroutine's events / timed events
  double status_bytes_share = 0.25;   // GoStatus, GoStatusStack, ProcStatus bytes / file bytes
  double tables_bytes_share = 0.50;   // stack and string table bytes / file bytes
  std::uint64_t min_timed_events = 1000;  // fewer events: share rules stay silent
};

struct Diagnostic {
  std::string id;        // one of the names above
  bool warning = true;   // false for notes that need no action
  double share = 0;      // the measured share that triggered it, 0..1 (0 if none)
  std::string message;   // what was seen, why it matters, what to do
};

std::vector<Diagnostic> diagnose(const TraceSummary& summary, const DiagnosticThresholds& thresholds = {});

}  // namespace tracebench::trace
