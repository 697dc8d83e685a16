#pragma once
// Matching of region and task events (annotation_store.h), one generation at a time
// in time order, into per-name duration statistics: a region ends the innermost open
// region of its goroutine with the same name, a task end closes its task ID. In a
// generation cut short, a region end whose name lies past the cut (read as "") ends
// the innermost open region. Regions still open when their goroutine ends, and what
// is open at the end of the trace, count as unfinished. Memory: open regions and
// tasks, capped by max_open_annotations.
//
// One thread at a time: the interpreting one, or with deferred matching the one that
// matches (annotations.h hands generations over).
// Errors: a region end naming another region than the innermost open one throws
// FormatError in strict mode; everything else (ends without a begin, unfinished, too
// many open) is counted in match_issues.

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "trace/analyze.h"
#include "trace/annotation_store.h"
#include "trace/duration_histogram.h"
#include "trace/errors.h"
#include "trace/format.h"
#include "trace/id_map.h"
#include "trace/name_resolver.h"

namespace tracebench::trace {

class AnnotationMatcher {
 public:
  // names, pool and match_issues must outlive the matcher.
  AnnotationMatcher(bool strict, std::size_t max_open_annotations, NameResolver& names, ChunkPool& pool,
                    IssueCounts& match_issues)
      : strict_(strict), max_open_annotations_(max_open_annotations), names_(names), pool_(pool),
        match_issues_(match_issues) {}

  // Matches a generation's annotations in time order (a k-way merge over the
  // per-thread runs, k = threads with annotations, a handful, processed as they come
  // off the merge, so nothing is copied or sorted) and gives its storage back for
  // the generation after next. In steps: start, then step until it returns true
  // (each takes about `budget` records), so that a thread can interleave the
  // matching with other work; or match, all at once.
  void match(AnnotationGeneration& gen) {
    start(gen);
    while (!step(std::numeric_limits<std::size_t>::max())) {
    }
  }
  void start(AnnotationGeneration& gen);
  // True once the generation is matched and its storage given back.
  bool step(std::size_t budget);
  // Whether gen is started and not yet done.
  bool matching(const AnnotationGeneration& gen) const { return matching_ == &gen; }
  // Gives gen's storage back unmatched (after a match error).
  void abandon(AnnotationGeneration& gen);

  // Counts what is still open as unfinished; the statistics by name, by count
  // descending.
  void finish(std::vector<DurationStats>& regions, std::vector<DurationStats>& tasks);

 private:
  struct MergeCursor {
    std::int64_t ts;       // time of the next record
    std::uint32_t run;
    std::size_t chunk;     // position: chunk index and record within it
    const Annotation* at;
    const Annotation* chunk_end;
  };
  struct OpenRegion {
    std::uint32_t name;
    std::int64_t begin_ns;
  };
  struct OpenTask {
    std::uint32_t name;
    std::int64_t begin_ns;
  };
  struct DurationAcc {
    DurationHistogram hist;
    std::uint64_t begun = 0;
  };

  static bool merge_later(const MergeCursor& a, const MergeCursor& b) {
    return a.ts != b.ts ? a.ts > b.ts : a.run > b.run;
  }
  std::uint64_t annotation_offset(const Annotation& a) const { return matching_->begin_offset + (a.kind_rel >> 2); }
  std::vector<OpenRegion>& region_stack(std::uint64_t g);
  // The open-region stack of goroutine g; consecutive records mostly share one.
  std::vector<OpenRegion>& stack_of(std::uint64_t g);
  void release_region_stacks(AnnotationGeneration& gen);
  // The accumulator of a region or task name: a raw pointer table in front of the
  // owning one, so the common case is one load.
  DurationAcc& duration_acc(std::vector<std::unique_ptr<DurationAcc>>& owners, std::vector<DurationAcc*>& fast,
                            std::uint32_t name);
  [[gnu::noinline]] DurationAcc& new_duration_acc(std::vector<std::unique_ptr<DurationAcc>>& owners,
                                                  std::vector<DurationAcc*>& fast, std::uint32_t name);
  // One region or task record, in time order. The common cases stay inline in the
  // merge loop; what reports an issue is out of line.
  void match_one(const Annotation& a);
  [[gnu::noinline]] void too_many_open(const Annotation& a);
  // A region end whose name is not that of the innermost open region of its
  // goroutine: no region open, a name past the cut of a generation cut short (the
  // innermost region closes), or a mismatch (the matching begin further down closes,
  // with the regions above it; none matching: the end is ignored).
  [[gnu::noinline]] void region_end_off_top(const Annotation& a, std::vector<OpenRegion>& stack);

  bool strict_;
  std::size_t max_open_annotations_;
  NameResolver& names_;
  ChunkPool& pool_;
  IssueCounts& match_issues_;
  AnnotationGeneration* matching_ = nullptr;
  std::vector<MergeCursor> merge_heap_;
  std::uint64_t region_g_ = kNoGoroutine;
  std::vector<OpenRegion>* region_stack_ = nullptr;
  IdMap<std::uint32_t> region_stack_of_g_;
  std::vector<std::vector<OpenRegion>> region_stacks_;
  std::vector<std::uint32_t> free_region_stacks_;
  IdMap<OpenTask> open_tasks_;
  std::size_t open_annotations_ = 0;
  std::vector<std::unique_ptr<DurationAcc>> regions_, tasks_;
  std::vector<DurationAcc*> region_accs_, task_accs_;
};

}  // namespace tracebench::trace
