#include "trace/annotation_matcher.h"

#include <fmt/core.h>

#include <algorithm>
#include <string>

#include "trace/tick_converter.h"

namespace tracebench::trace {

// The merge loop's per-record work, inline in it; what reports an issue is out of
// line.

[[gnu::always_inline]] inline AnnotationMatcher::DurationAcc& AnnotationMatcher::duration_acc(
    std::vector<std::unique_ptr<DurationAcc>>& owners, std::vector<DurationAcc*>& fast, std::uint32_t name) {
  if (name < fast.size() && fast[name] != nullptr) [[likely]]
    return *fast[name];
  return new_duration_acc(owners, fast, name);
}

inline std::vector<AnnotationMatcher::OpenRegion>& AnnotationMatcher::stack_of(std::uint64_t g) {
  if (g != region_g_ || region_stack_ == nullptr) {
    region_stack_ = &region_stack(g);
    region_g_ = g;
  }
  return *region_stack_;
}

[[gnu::always_inline]] inline void AnnotationMatcher::match_one(const Annotation& a) {
  switch (a.kind()) {
    case AnnotKind::kRegionBegin: {
      ++duration_acc(regions_, region_accs_, a.name).begun;
      if (open_annotations_ >= max_open_annotations_) [[unlikely]] {
        too_many_open(a);
        break;
      }
      stack_of(a.key).push_back({a.name, a.ts_ns});
      ++open_annotations_;
      break;
    }
    case AnnotKind::kRegionEnd: {
      std::vector<OpenRegion>& stack = stack_of(a.key);
      if (!stack.empty() && stack.back().name == a.name) [[likely]] {
        duration_acc(regions_, region_accs_, a.name).hist.record(wrapping_difference_ns(a.ts_ns, stack.back().begin_ns));
        --open_annotations_;
        stack.pop_back();
      } else {
        region_end_off_top(a, stack);
      }
      break;
    }
    case AnnotKind::kTaskBegin: {
      ++duration_acc(tasks_, task_accs_, a.name).begun;
      if (open_annotations_ >= max_open_annotations_) [[unlikely]] {
        too_many_open(a);
        break;
      }
      auto [t, inserted] = open_tasks_.try_emplace(a.key);
      if (inserted) ++open_annotations_;
      *t = OpenTask{a.name, a.ts_ns};
      break;
    }
    case AnnotKind::kTaskEnd: {
      OpenTask* t = open_tasks_.find(a.key);
      if (t == nullptr) [[unlikely]] {
        match_issues_.add(Issue::kTaskEndWithoutBegin, annotation_offset(a),
                          fmt::format("task {} ended without a begin in the trace", a.key));
        break;
      }
      duration_acc(tasks_, task_accs_, t->name).hist.record(wrapping_difference_ns(a.ts_ns, t->begin_ns));
      open_tasks_.erase(a.key);
      --open_annotations_;
      break;
    }
  }
}

std::vector<AnnotationMatcher::OpenRegion>& AnnotationMatcher::region_stack(std::uint64_t g) {
  auto [idx, inserted] = region_stack_of_g_.try_emplace(g);
  if (inserted) {
    if (free_region_stacks_.empty()) {
      *idx = static_cast<std::uint32_t>(region_stacks_.size());
      region_stacks_.emplace_back();
    } else {
      *idx = free_region_stacks_.back();
      free_region_stacks_.pop_back();
    }
  }
  return region_stacks_[*idx];
}

// Regions still open when their goroutine ended never finish.
void AnnotationMatcher::release_region_stacks(AnnotationGeneration& gen) {
  for (std::uint64_t g : gen.destroyed_goids) {
    std::uint32_t* idx = region_stack_of_g_.find(g);
    if (idx == nullptr) continue;
    std::vector<OpenRegion>& stack = region_stacks_[*idx];
    if (!stack.empty()) match_issues_.add_n(Issue::kRegionUnfinished, stack.size());
    open_annotations_ -= stack.size();
    stack.clear();
    free_region_stacks_.push_back(*idx);
    region_stack_of_g_.erase(g);
  }
  gen.destroyed_goids.clear();
}

AnnotationMatcher::DurationAcc& AnnotationMatcher::new_duration_acc(std::vector<std::unique_ptr<DurationAcc>>& owners,
                                                                   std::vector<DurationAcc*>& fast, std::uint32_t name) {
  if (name >= owners.size()) {
    owners.resize(name + 1);
    fast.resize(name + 1, nullptr);
  }
  owners[name] = std::make_unique<DurationAcc>();
  fast[name] = owners[name].get();
  return *fast[name];
}

void AnnotationMatcher::start(AnnotationGeneration& gen) {
  matching_ = &gen;
  std::vector<MergeCursor>& heap = merge_heap_;
  heap.clear();
  bool sorted = true;
  for (std::uint32_t r = 0; r < gen.runs_used; ++r) {
    const AnnotationRun& run = gen.runs[r];
    sorted = sorted && run.sorted();
    if (run.size() > 0) heap.push_back({run[0].ts_ns, r, 0, run.chunk(0), run.chunk(0) + run.chunk_size(0)});
  }
  if (!sorted) {
    // Only a corrupt trace has a thread going back in time: sort a copy instead.
    heap.clear();
    std::vector<Annotation> all;
    for (std::uint32_t r = 0; r < gen.runs_used; ++r)
      for (std::size_t i = 0; i < gen.runs[r].size(); ++i) all.push_back(gen.runs[r][i]);
    std::stable_sort(all.begin(), all.end(), [](const Annotation& a, const Annotation& b) { return a.ts_ns < b.ts_ns; });
    for (const Annotation& a : all) match_one(a);
  } else {
    std::make_heap(heap.begin(), heap.end(), merge_later);
  }
}

bool AnnotationMatcher::step(std::size_t budget) {
  AnnotationGeneration& gen = *matching_;
  std::vector<MergeCursor>& heap = merge_heap_;
  while (!heap.empty() && budget != 0) {
    std::pop_heap(heap.begin(), heap.end(), merge_later);
    MergeCursor& c = heap.back();
    const AnnotationRun& run = gen.runs[c.run];
    // Take every record of this run up to the next run's head in one go.
    const bool alone = heap.size() == 1;
    const std::int64_t limit = alone ? std::numeric_limits<std::int64_t>::max() : heap.front().ts;
    const std::uint32_t limit_run = alone ? 0 : heap.front().run;
    bool more = true;
    for (;;) {
      match_one(*c.at);
      --budget;
      if (++c.at == c.chunk_end) {
        if (++c.chunk * AnnotationRun::kChunk >= run.size()) {
          more = false;
          break;
        }
        c.at = run.chunk(c.chunk);
        c.chunk_end = c.at + run.chunk_size(c.chunk);
      }
      const std::int64_t t = c.at->ts_ns;
      if (!(t < limit || (t == limit && c.run < limit_run)) || budget == 0) break;
    }
    if (more) {
      c.ts = c.at->ts_ns;
      std::push_heap(heap.begin(), heap.end(), merge_later);
    } else {
      heap.pop_back();
    }
  }
  if (!heap.empty()) return false;
  std::size_t used = 0;
  for (std::uint32_t r = 0; r < gen.runs_used; ++r) {
    used += gen.runs[r].chunks();
    gen.runs[r].release(pool_);
  }
  pool_.trim(used);
  gen.runs_used = 0;
  region_g_ = kNoGoroutine;
  region_stack_ = nullptr;
  release_region_stacks(gen);
  matching_ = nullptr;
  return true;
}

void AnnotationMatcher::abandon(AnnotationGeneration& gen) {
  matching_ = nullptr;
  for (std::size_t r = 0; r < gen.runs_used; ++r) gen.runs[r].release(pool_);
  gen.runs_used = 0;
  gen.destroyed_goids.clear();
}

void AnnotationMatcher::too_many_open(const Annotation& a) {
  match_issues_.add(Issue::kOpenAnnotationsDropped, annotation_offset(a), "too many regions and tasks open at once");
}

void AnnotationMatcher::region_end_off_top(const Annotation& a, std::vector<OpenRegion>& stack) {
  if (stack.empty()) {
    match_issues_.add(Issue::kRegionEndWithoutBegin, annotation_offset(a),
                      fmt::format("region '{}' of goroutine {} ended without a begin in the trace", names_.name_of(a.name),
                                  a.key));
    return;
  }
  if (matching_->cut_short && a.name == 0) {
    // A region begun in an earlier generation, whose end's name string was cut off
    // with the rest of this one: the names cannot be compared. Regions nest unless the
    // program misuses them, which the cut hides, so the end closes the innermost one.
    duration_acc(regions_, region_accs_, stack.back().name)
        .hist.record(wrapping_difference_ns(a.ts_ns, stack.back().begin_ns));
    --open_annotations_;
    stack.pop_back();
    return;
  }
  std::size_t i = stack.size();
  while (i > 0 && stack[i - 1].name != a.name) --i;
  std::string msg = fmt::format("region end '{}' of goroutine {} when the innermost open region is '{}'",
                                names_.name_of(a.name), a.key, names_.name_of(stack.back().name));
  if (strict_) throw FormatError(annotation_offset(a), "the end of the innermost open region", msg);
  match_issues_.add(Issue::kRegionMismatch, annotation_offset(a), msg);
  if (i == 0) return;  // no matching begin at all: ignore the end
  duration_acc(regions_, region_accs_, a.name).hist.record(wrapping_difference_ns(a.ts_ns, stack[i - 1].begin_ns));
  open_annotations_ -= stack.size() - (i - 1);
  stack.resize(i - 1);
}

void AnnotationMatcher::finish(std::vector<DurationStats>& regions, std::vector<DurationStats>& tasks) {
  std::uint64_t open_regions = 0;
  region_stack_of_g_.for_each([&](std::uint64_t, std::uint32_t& idx) { open_regions += region_stacks_[idx].size(); });
  if (open_regions) match_issues_.add_n(Issue::kRegionUnfinished, open_regions);
  if (open_tasks_.size() != 0) match_issues_.add_n(Issue::kTaskUnfinished, open_tasks_.size());
  auto collect = [&](std::vector<std::unique_ptr<DurationAcc>>& accs, std::vector<DurationStats>& out) {
    for (std::uint32_t i = 0; i < accs.size(); ++i) {
      if (!accs[i]) continue;
      const DurationHistogram& h = accs[i]->hist;
      DurationStats d;
      d.name = names_.name(i);
      d.count = h.count();
      d.total_ns = h.total();
      d.min_ns = h.min();
      d.p50_ns = h.quantile(0.5);
      d.p99_ns = h.quantile(0.99);
      d.max_ns = h.max();
      d.begun = accs[i]->begun;
      out.push_back(std::move(d));
    }
    std::sort(out.begin(), out.end(), [](const DurationStats& a, const DurationStats& b) {
      return a.count != b.count ? a.count > b.count : a.name < b.name;
    });
  };
  collect(regions_, regions);
  collect(tasks_, tasks);
}

}  // namespace tracebench::trace
