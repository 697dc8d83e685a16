#pragma once
// User annotations: UserLog events counted by category, and region and task events
// collected per generation (annotation_store.h) and matched once it has ended
// (annotation_matcher.h) — at once on the interpreting thread, or deferred to
// another thread while the next generation is interpreted (two generations' storage
// is kept for that).
//
// Thread safety: everything but match_pending() and match_some() is called by the
// interpreting thread; with deferred matching those two are called by any thread,
// one at a time.
// Errors: a region event on a thread with no goroutine is a bad record (FormatError in
// strict mode, else counted in issues); matching errors as in annotation_matcher.h,
// counted in match_issues.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "trace/analyze.h"
#include "trace/annotation_matcher.h"
#include "trace/annotation_store.h"
#include "trace/errors.h"
#include "trace/format.h"
#include "trace/generation_info.h"
#include "trace/id_map.h"
#include "trace/name_resolver.h"

namespace tracebench::trace {

class Annotations {
 public:
  // names, issues and match_issues must outlive this.
  Annotations(const AnalyzeOptions& options, NameResolver& names, IssueCounts& issues, IssueCounts& match_issues)
      : strict_(options.strict),
        names_(names),
        issues_(issues),
        matcher_(options.strict, options.max_open_annotations, names, chunk_pool_, match_issues) {}

  // Matching of each generation's regions and tasks is left to match_some(), which
  // another thread calls (while match_pending()) as this one interprets the next
  // generation. wait(ready) must return once ready() holds, which takes match_some()
  // calls on that other thread; wake() is called when match_pending() may have
  // become true (here) or a generation has been matched (there).
  void defer_matching(std::function<void(const std::function<bool()>&)> wait, std::function<void()> wake) {
    wait_for_matcher_ = std::move(wait);
    wake_matcher_ = std::move(wake);
  }

  // Deferred: waits until the generation before last has been matched.
  void begin_generation(const GenerationInfo& info);
  // A user annotation as TraceSink::user_event hands it over.
  [[gnu::always_inline]] void user_event(std::uint8_t type, std::int64_t ts_ns, std::uint64_t g, std::uint64_t m,
                                         std::uint64_t offset, std::uint64_t a1, std::uint64_t a2, std::uint64_t a3) {
    switch (type) {
      case kEvUserRegionBegin:
        annotate(AnnotKind::kRegionBegin, ts_ns, g, m, offset, a1, a2, type);
        break;
      case kEvUserRegionEnd:
        annotate(AnnotKind::kRegionEnd, ts_ns, g, m, offset, a1, a2, type);
        break;
      case kEvUserTaskBegin:
        annotate(AnnotKind::kTaskBegin, ts_ns, g, m, offset, a1, a3, type);
        break;
      case kEvUserTaskEnd:
        annotate(AnnotKind::kTaskEnd, ts_ns, g, m, offset, a1, 0, type);
        break;
      case kEvUserLog: {
        const std::uint32_t cat = names_.string_name(a2, offset);
        if (cat >= log_counts_.size()) log_counts_.resize(cat + 1);
        ++log_counts_[cat];
        break;
      }
      default:
        break;
    }
  }
  // Its open regions end unfinished once its generation is matched.
  void goroutine_destroyed(std::uint64_t goid) { collecting_->destroyed_goids.push_back(goid); }
  // Matches the generation now, or (deferred) marks it ready for match_some().
  void end_generation();

  // Deferred matching: whether an ended generation waits to be matched (or is being
  // matched; any thread), and about `budget` records' worth of matching it (one thread
  // at a time). After a match error (strict mode) later generations are given back
  // unmatched.
  bool match_pending() const {
    return generations_[0].ready.load(std::memory_order_seq_cst) ||
           generations_[1].ready.load(std::memory_order_seq_cst);
  }
  void match_some(std::size_t budget);

  // Regions, tasks and logs into out, once every generation has been matched.
  void finish(TraceSummary& out);

 private:
  [[gnu::always_inline]] void annotate(AnnotKind kind, std::int64_t ts_ns, std::uint64_t g, std::uint64_t m,
                                       std::uint64_t offset, std::uint64_t task, std::uint64_t name_string,
                                       std::uint8_t type) {
    const bool region = kind == AnnotKind::kRegionBegin || kind == AnnotKind::kRegionEnd;
    if (region && g == kNoGoroutine) [[unlikely]] {
      region_without_goroutine(offset, m, type);
      return;
    }
    const std::uint32_t name = kind == AnnotKind::kTaskEnd ? 0 : names_.string_name(name_string, offset);
    // One run per thread: a thread's events are in time order, so each run is sorted
    // and the generation's runs only need merging, not sorting.
    AnnotationGeneration& gen = *collecting_;
    if (m != run_m_ || run_ == nullptr) [[unlikely]] {
      auto [idx, inserted] = run_of_m_.try_emplace(m);
      if (inserted) {
        *idx = static_cast<std::uint32_t>(gen.runs_used++);
        if (gen.runs.size() < gen.runs_used) gen.runs.emplace_back();
      }
      run_m_ = m;
      run_ = &gen.runs[*idx];
    }
    const std::uint64_t rel = std::min<std::uint64_t>(offset - gen.begin_offset, (1u << 30) - 1);
    run_->push({ts_ns, region ? g : task, name, static_cast<std::uint32_t>(rel << 2) | static_cast<std::uint32_t>(kind)},
               chunk_pool_);
  }
  [[gnu::noinline]] void region_without_goroutine(std::uint64_t offset, std::uint64_t m, std::uint8_t type);
  void give_back_unmatched(AnnotationGeneration& gen);

  bool strict_;
  NameResolver& names_;
  IssueCounts& issues_;
  ChunkPool chunk_pool_;  // shared with the matching

  // Collecting (the interpreting thread).
  AnnotationGeneration generations_[2];
  AnnotationGeneration* collecting_ = &generations_[0];
  std::uint64_t collect_index_ = 0;  // generations collected
  IdMap<std::uint32_t> run_of_m_;
  std::uint64_t run_m_ = 0;
  AnnotationRun* run_ = nullptr;
  std::vector<std::uint64_t> log_counts_;  // by category name
  std::function<void(const std::function<bool()>&)> wait_for_matcher_;  // set: matching is deferred
  std::function<void()> wake_matcher_;

  // Matching (the interpreting thread, or the matching one when deferred).
  AnnotationMatcher matcher_;
  std::uint64_t match_index_ = 0;  // generations matched
  bool match_failed_ = false;
};

}  // namespace tracebench::trace
