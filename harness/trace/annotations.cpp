#include "trace/annotations.h"

#include <fmt/core.h>

namespace tracebench::trace {

void Annotations::begin_generation(const GenerationInfo& info) {
  // Matched at once (one thread), a generation's storage serves the next one.
  collecting_ = &generations_[wait_for_matcher_ ? collect_index_ % 2 : 0];
  // Deferred: the generation before last must have been matched.
  if (wait_for_matcher_ && collecting_->ready.load(std::memory_order_acquire))
    wait_for_matcher_([g = collecting_] { return !g->ready.load(std::memory_order_seq_cst); });
  collecting_->begin_offset = info.begin_offset;
  collecting_->cut_short = info.truncated;
}

void Annotations::region_without_goroutine(std::uint64_t offset, std::uint64_t m, std::uint8_t type) {
  report_bad_record(strict_, issues_, Issue::kEventWithoutGoroutine, offset, "a running goroutine for a region event",
                    fmt::format("{} on thread {} with no goroutine", event_name(type), m));
}

void Annotations::end_generation() {
  run_of_m_.clear();
  run_ = nullptr;
  ++collect_index_;
  if (wait_for_matcher_) {
    collecting_->ready.store(true, std::memory_order_seq_cst);
    wake_matcher_();
  } else {
    matcher_.match(*collecting_);
  }
}

void Annotations::match_some(std::size_t budget) {
  AnnotationGeneration& gen = generations_[match_index_ % 2];
  bool done = true;
  if (!match_failed_) {
    try {
      if (!matcher_.matching(gen)) matcher_.start(gen);
      done = matcher_.step(budget);
    } catch (...) {
      match_failed_ = true;
      give_back_unmatched(gen);
      throw;
    }
  } else {
    // give_back_unmatched advances to the next generation itself; advancing again below
    // would put the two generation slots out of step with the scanning thread.
    give_back_unmatched(gen);
    return;
  }
  if (done) {
    ++match_index_;
    gen.ready.store(false, std::memory_order_seq_cst);
    wake_matcher_();
  }
}

void Annotations::give_back_unmatched(AnnotationGeneration& gen) {
  matcher_.abandon(gen);
  ++match_index_;
  gen.ready.store(false, std::memory_order_seq_cst);
  wake_matcher_();
}

void Annotations::finish(TraceSummary& out) {
  matcher_.finish(out.regions, out.tasks);
  for (std::uint32_t i = 0; i < log_counts_.size(); ++i)
    if (log_counts_[i]) out.logs.push_back({names_.name(i), log_counts_[i]});
  std::sort(out.logs.begin(), out.logs.end(), [](const NamedCount& a, const NamedCount& b) {
    return a.count != b.count ? a.count > b.count : a.name < b.name;
  });
}

}  // namespace tracebench::trace
