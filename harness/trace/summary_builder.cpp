#include "trace/summary_builder.h"

#include <fmt/core.h>

#include <initializer_list>

namespace tracebench::trace {

SummaryBuilder::SummaryBuilder(const AnalyzeOptions& options, TraceSummary& out, IssueCounts& issues,
                               IssueCounts& match_issues)
    : opt_(options),
      out_(out),
      issues_(issues),
      names_(options.max_names, options.strict, issues),
      totals_(options.max_generation_stats, out, issues),
      goroutines_(options.goroutines, options.top_goroutines, names_, out.goroutines),
      gc_(out.gc),
      annotations_(options, names_, issues, match_issues) {
  // Which events this builder reads, and how many of their args (dt included).
  auto want = [&](std::initializer_list<std::uint8_t> types, std::uint8_t nargs) {
    for (std::uint8_t t : types) {
      wanted_[t] = true;
      wanted_args_[t] = nargs;
    }
  };
  want({kEvGCBegin, kEvGCActive, kEvGCEnd, kEvHeapAlloc, kEvHeapGoal, kEvProcsChange}, 2);
  want({kEvSTWBegin, kEvSTWEnd}, 1);
  if (options.goroutines || options.annotations) {
    want({kEvGoCreate, kEvGoCreateBlocked}, 3);  // new_g, new_stack
    want({kEvGoCreateSyscall}, 2);
    want({kEvGoDestroy, kEvGoDestroySyscall, kEvGoSwitchDestroy}, 1);
  }
  if (options.goroutines) want({kEvGoStatusStack}, 5);
  // User annotations come through user_event() when annotations are on.
}

void SummaryBuilder::begin_generation(const GenerationInfo& info, const GenerationTables& tables) {
  if (opt_.annotations) annotations_.begin_generation(info);
  names_.begin_generation(info, tables);
  totals_.begin_generation(info);
}

void SummaryBuilder::end_generation(const GenerationInfo& info) {
  if (opt_.annotations) annotations_.end_generation();
  if (opt_.goroutines) goroutines_.end_generation();
  names_.end_generation();
  totals_.end_generation(info);
}

void SummaryBuilder::finish() {
  totals_.finish();
  if (opt_.annotations) annotations_.finish(out_);
  if (opt_.goroutines) goroutines_.finish();
  if (names_.capped()) issues_.add(Issue::kNamesCapped, 0, fmt::format("more than {} distinct names", opt_.max_names));
}

}  // namespace tracebench::trace
