#include "trace/analyze.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <memory>
#include <unordered_map>

#include "trace/decoder.h"
#include "trace/duration_histogram.h"
#include "trace/source.h"
#include "trace/tokenizer.h"

namespace tracebench::trace {
namespace {

constexpr std::uint32_t kNoSlot = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint32_t kUncached = std::numeric_limits<std::uint32_t>::max();
// String and stack IDs above this are resolved without the per-generation cache.
constexpr std::uint64_t kMaxCachedId = 1 << 20;

struct GoroutineSlot {
  std::uint64_t goid = 0;
  std::uint64_t events = 0;
  std::uint64_t bytes = 0;
  std::int64_t created_ns = 0;
  std::int64_t destroyed_ns = 0;
  std::uint32_t name = 0;  // NameTable ID of the start function, 0 unknown
  bool created = false;
  bool destroyed = false;
};

struct FunctionAcc {
  std::uint64_t goroutines = 0, created = 0, events = 0, bytes = 0;
};

struct DurationAcc {
  DurationHistogram hist;
  std::uint64_t begun = 0;
};

enum class AnnotKind : std::uint8_t { kRegionBegin, kRegionEnd, kTaskBegin, kTaskEnd };

// A region/task event kept until its generation ends, then matched in time order
// (a goroutine's events can sit in batches of several threads, in any file order).
struct Annotation {
  std::int64_t ts_ns;
  std::uint64_t seq;
  std::uint64_t g;
  std::uint64_t task;
  std::uint64_t offset;
  std::uint32_t name;
  AnnotKind kind;
};

struct OpenRegion {
  std::uint64_t task;
  std::uint32_t name;
  std::int64_t begin_ns;
};

struct OpenTask {
  std::uint32_t name;
  std::int64_t begin_ns;
};

// The decoder's sink: everything tracebench computes from a trace, in one pass.
class SummaryBuilder {
 public:
  SummaryBuilder(const AnalyzeOptions& options, TraceSummary& out, IssueCounts& issues)
      : opt_(options), out_(out), issues_(issues), names_(options.max_names) {}

  void begin_generation(const GenerationInfo& info, const GenerationTables& tables) {
    tables_ = &tables;
    string_names_.assign(std::min<std::size_t>(tables.strings.size() + 1, kMaxCachedId), kUncached);
    stack_start_names_.clear();
    stack_root_names_.clear();
    gen_first_ns_ = std::numeric_limits<std::int64_t>::max();
    gen_last_ns_ = std::numeric_limits<std::int64_t>::min();
    gen_timed_before_ = timed_events_so_far();
    if (info.clock.present && !out_.wall_minus_trace_ns && info.frequency_source == FrequencySource::kSyncBatch) {
      const auto wall_ns = static_cast<std::int64_t>(info.clock.wall_sec * 1'000'000'000ull + info.clock.wall_nsec);
      out_.wall_minus_trace_ns = wall_ns - info.clock.trace_ns;
    }
  }

  void structural(std::uint8_t type, std::uint64_t count, std::uint64_t bytes) {
    kinds_[type].events += count;
    kinds_[type].bytes += bytes;
  }
  void padding(std::uint64_t bytes) { out_.header_padding_bytes += bytes; }
  void skipped(std::uint64_t bytes) { out_.skipped_bytes += bytes; }

  void event(const DecodedEvent& e) {
    Counts& k = kinds_[e.type];
    ++k.events;
    k.bytes += e.size;
    gen_first_ns_ = std::min(gen_first_ns_, e.ts_ns);
    gen_last_ns_ = std::max(gen_last_ns_, e.ts_ns);
    if (opt_.goroutines) {
      if (e.g != cur_g_ || !cur_valid_) [[unlikely]]
        switch_goroutine(e.g);
      ++pend_events_;
      pend_bytes_ += e.size;
    }
    switch (e.type) {
      case kEvGoCreate:
      case kEvGoCreateBlocked:
        ++out_.goroutines.created;
        if (opt_.goroutines) on_create(e.args[0], e.ts_ns, start_function(e.args[1]));
        break;
      case kEvGoCreateSyscall:
        ++out_.goroutines.created;
        if (opt_.goroutines) on_create(e.args[0], e.ts_ns, 0);
        break;
      case kEvGoDestroy:
      case kEvGoDestroySyscall:
      case kEvGoSwitchDestroy:
        ++out_.goroutines.destroyed;
        if (opt_.goroutines && e.g != kNoGoroutine) on_destroy(e.g, e.ts_ns);
        break;
      case kEvGoStop:
      case kEvGoBlock:
        // Name goroutines that predate the capture from the root of a blocking stack.
        if (opt_.goroutines && cur_slot_ != kNoSlot && slots_[cur_slot_].name == 0 && e.args[1] != 0)
          slots_[cur_slot_].name = root_function(e.args[1]);
        break;
      case kEvUserRegionBegin:
      case kEvUserRegionEnd:
        if (opt_.annotations)
          annotate(e, e.type == kEvUserRegionBegin ? AnnotKind::kRegionBegin : AnnotKind::kRegionEnd, e.args[0],
                   e.args[1]);
        break;
      case kEvUserTaskBegin:
        if (opt_.annotations) annotate(e, AnnotKind::kTaskBegin, e.args[0], e.args[2]);
        break;
      case kEvUserTaskEnd:
        if (opt_.annotations) annotate(e, AnnotKind::kTaskEnd, e.args[0], 0);
        break;
      case kEvUserLog:
        if (opt_.annotations) {
          std::uint32_t cat = string_name(e.args[1], e.offset);
          if (cat >= log_counts_.size()) log_counts_.resize(cat + 1);
          ++log_counts_[cat];
        }
        break;
      case kEvGCBegin:
        ++out_.gc.cycles;
        match_gc(e.args[0], e.ts_ns, true);
        break;
      case kEvGCEnd:
        match_gc(e.args[0], e.ts_ns, false);
        break;
      case kEvSTWBegin:
        if (stw_open_.size() < 4096) *stw_open_.try_emplace(e.m).first = e.ts_ns;
        break;
      case kEvSTWEnd:
        if (std::int64_t* begin = stw_open_.find(e.m)) {
          std::int64_t d = e.ts_ns - *begin;
          ++out_.gc.stw_pauses;
          out_.gc.stw_total_ns += d;
          out_.gc.stw_max_ns = std::max(out_.gc.stw_max_ns, d);
          stw_open_.erase(e.m);
        }
        break;
      case kEvHeapAlloc:
        out_.gc.heap_alloc_max_bytes = std::max(out_.gc.heap_alloc_max_bytes, e.args[0]);
        break;
      case kEvHeapGoal:
        out_.gc.heap_goal_last_bytes = e.args[0];
        break;
      case kEvProcsChange:
        out_.gc.gomaxprocs = e.args[0];
        break;
      default:
        break;
    }
  }

  void cpu_sample(const CpuSampleEvent& s) {
    gen_first_ns_ = std::min(gen_first_ns_, s.ts_ns);
    gen_last_ns_ = std::max(gen_last_ns_, s.ts_ns);
  }

  void end_generation(const GenerationInfo& info) {
    flush_pending();
    if (opt_.annotations) match_annotations();
    if (opt_.goroutines) fold_destroyed();
    tables_ = nullptr;

    ++out_.generations;
    out_.batches += info.batches;
    out_.ticks_per_second = info.ticks_per_second;
    if (info.frequency_source == FrequencySource::kAssumed) out_.frequency_assumed = true;
    const std::uint64_t timed = timed_events_so_far() - gen_timed_before_;
    if (timed > 0) {
      if (!have_events_) {
        out_.first_event_ns = gen_first_ns_;
        out_.last_event_ns = gen_last_ns_;
        have_events_ = true;
      }
      out_.first_event_ns = std::min(out_.first_event_ns, gen_first_ns_);
      out_.last_event_ns = std::max(out_.last_event_ns, gen_last_ns_);
    }
    if (out_.generation_stats.size() < opt_.max_generation_stats) {
      GenerationStats g;
      g.gen = info.gen;
      g.offset = info.begin_offset;
      g.bytes = info.end_offset - info.begin_offset;
      g.batches = info.batches;
      g.events = timed;
      g.first_event_ns = timed > 0 ? gen_first_ns_ : 0;
      g.last_event_ns = timed > 0 ? gen_last_ns_ : 0;
      g.end_marker = info.end_marker;
      g.truncated = info.truncated;
      out_.generation_stats.push_back(g);
    }
    if (info.truncated && !out_.truncated) {
      out_.truncated = true;
      out_.truncated_offset = info.truncated_offset;
      out_.truncation = info.truncation;
      issues_.add(Issue::kTruncated, info.truncated_offset, info.truncation);
    }
  }

  void finish() {
    flush_pending();
    out_.kinds = kinds_;
    for (unsigned t = 0; t < 256; ++t) {
      const Counts& k = kinds_[t];
      if (k.events == 0 && k.bytes == 0) continue;
      out_.events += k.events;
      Counts& c = out_.categories[static_cast<std::size_t>(event_spec(static_cast<std::uint8_t>(t)).category)];
      c.events += k.events;
      c.bytes += k.bytes;
    }
    out_.timed_events = timed_events_so_far();
    out_.span_ns = have_events_ ? out_.last_event_ns - out_.first_event_ns : 0;
    if (opt_.annotations) finish_annotations();
    if (opt_.goroutines) finish_goroutines();
    if (names_.capped()) issues_.add(Issue::kNamesCapped, 0, fmt::format("more than {} distinct names", opt_.max_names));
  }

 private:
  std::uint64_t timed_events_so_far() const {
    std::uint64_t n = kinds_[kEvCPUSample].events;
    for (unsigned t = kEvProcsChange; t < 256; ++t)
      if (event_spec(static_cast<std::uint8_t>(t)).timed && t != kEvClockSnapshot) n += kinds_[t].events;
    return n;
  }

  // Reports a bad record: throws in strict mode, else counts it.
  void bad(Issue issue, std::uint64_t offset, const std::string& expected, const std::string& found) {
    if (opt_.strict) throw FormatError(offset, expected, found);
    issues_.add(issue, offset, FormatError(offset, expected, found).what());
  }

  // ---- names -------------------------------------------------------------------

  std::uint32_t string_name(std::uint64_t id, std::uint64_t offset) {
    if (id < string_names_.size() && string_names_[id] != kUncached) return string_names_[id];
    const std::string_view* s = tables_->strings.find(id);
    std::uint32_t name = 0;
    if (s == nullptr) {
      bad(Issue::kUnknownStringId, offset, "a string ID of this generation's string table", fmt::format("string ID {}", id));
    } else {
      name = names_.intern(*s);
    }
    if (id < string_names_.size()) string_names_[id] = name;
    return name;
  }

  // Function of a stack's innermost frame (GoCreate's new_stack holds just the
  // goroutine's start PC) or outermost frame (the root of a blocking stack).
  std::uint32_t stack_function(std::uint64_t stack_id, bool outermost) {
    const StackRef* s = tables_->stacks.find(stack_id);
    if (s == nullptr || s->nframes == 0) return 0;
    Frame f;
    if (!StackTable::frame(*s, outermost ? s->nframes - 1 : 0, f)) return 0;
    const std::string_view* name = tables_->strings.find(f.func_string);
    return name == nullptr ? 0 : names_.intern(*name);
  }
  std::uint32_t cached_stack_function(std::vector<std::uint32_t>& cache, std::uint64_t stack_id, bool outermost) {
    if (stack_id >= kMaxCachedId) return stack_function(stack_id, outermost);
    if (stack_id >= cache.size()) cache.resize(std::max<std::size_t>(stack_id + 1, cache.size() * 2), kUncached);
    if (cache[stack_id] == kUncached) cache[stack_id] = stack_function(stack_id, outermost);
    return cache[stack_id];
  }
  std::uint32_t start_function(std::uint64_t stack_id) { return cached_stack_function(stack_start_names_, stack_id, false); }
  std::uint32_t root_function(std::uint64_t stack_id) { return cached_stack_function(stack_root_names_, stack_id, true); }

  // ---- goroutines ----------------------------------------------------------------

  std::uint32_t slot_for(std::uint64_t goid) {
    auto [idx, inserted] = slot_index_.try_emplace(goid);
    if (!inserted) return *idx;
    std::uint32_t s;
    if (!free_slots_.empty()) {
      s = free_slots_.back();
      free_slots_.pop_back();
      slots_[s] = GoroutineSlot{};
    } else {
      s = static_cast<std::uint32_t>(slots_.size());
      slots_.emplace_back();
    }
    slots_[s].goid = goid;
    *idx = s;
    ++out_.goroutines.seen;
    return s;
  }

  void flush_pending() {
    if (pend_events_ == 0) return;
    if (cur_slot_ == kNoSlot) {
      out_.goroutines.events_without_goroutine += pend_events_;
      out_.goroutines.bytes_without_goroutine += pend_bytes_;
    } else {
      slots_[cur_slot_].events += pend_events_;
      slots_[cur_slot_].bytes += pend_bytes_;
    }
    pend_events_ = pend_bytes_ = 0;
  }

  void switch_goroutine(std::uint64_t g) {
    flush_pending();
    cur_g_ = g;
    cur_valid_ = true;
    cur_slot_ = g == kNoGoroutine ? kNoSlot : slot_for(g);
  }

  void on_create(std::uint64_t goid, std::int64_t ts, std::uint32_t name) {
    GoroutineSlot& s = slots_[slot_for(goid)];
    s.created = true;
    s.created_ns = ts;
    if (name != 0) s.name = name;
  }

  void on_destroy(std::uint64_t goid, std::int64_t ts) {
    std::uint32_t idx = slot_for(goid);
    GoroutineSlot& s = slots_[idx];
    if (s.destroyed) return;
    s.destroyed = true;
    s.destroyed_ns = ts;
    destroyed_this_gen_.push_back(idx);
  }

  void fold(const GoroutineSlot& s) {
    if (s.name >= functions_.size()) functions_.resize(s.name + 1);
    FunctionAcc& f = functions_[s.name];
    ++f.goroutines;
    f.created += s.created ? 1 : 0;
    f.events += s.events;
    f.bytes += s.bytes;
    if (s.created && s.destroyed) lifetimes_.record(s.destroyed_ns - s.created_ns);
    GoroutineTalker t{s.goid, {}, s.events, s.bytes, s.created, s.destroyed};
    const std::size_t k = std::max<std::size_t>(opt_.top_goroutines, 1);
    auto less_events = [](const auto& a, const auto& b) { return a.first.events > b.first.events; };
    if (top_.size() < k) {
      top_.emplace_back(t, s.name);
      std::push_heap(top_.begin(), top_.end(), less_events);
    } else if (t.events > top_.front().first.events) {
      std::pop_heap(top_.begin(), top_.end(), less_events);
      top_.back() = {t, s.name};
      std::push_heap(top_.begin(), top_.end(), less_events);
    }
  }

  // A goroutine's events all lie in generations up to the one it ends in, so it is
  // folded into the totals and forgotten when that generation is done: the table
  // holds live goroutines only.
  void fold_destroyed() {
    for (std::uint32_t idx : destroyed_this_gen_) {
      GoroutineSlot& s = slots_[idx];
      fold(s);
      if (auto it = open_regions_.find(s.goid); it != open_regions_.end()) {
        issues_.add_n(Issue::kRegionUnfinished, it->second.size());
        open_annotations_ -= it->second.size();
        open_regions_.erase(it);
      }
      slot_index_.erase(s.goid);
      free_slots_.push_back(idx);
    }
    destroyed_this_gen_.clear();
    cur_valid_ = false;  // the current slot may have been freed
    cur_slot_ = kNoSlot;
  }

  void finish_goroutines() {
    slot_index_.for_each([&](std::uint64_t, std::uint32_t& idx) { fold(slots_[idx]); });
    std::sort(top_.begin(), top_.end(), [](const auto& a, const auto& b) {
      return a.first.events != b.first.events ? a.first.events > b.first.events : a.first.goid < b.first.goid;
    });
    for (auto& [t, name] : top_) {
      t.start_function = names_.name(name);
      out_.goroutines.top.push_back(t);
    }
    std::vector<std::uint32_t> order;
    for (std::uint32_t i = 0; i < functions_.size(); ++i)
      if (functions_[i].goroutines != 0) order.push_back(i);
    std::sort(order.begin(), order.end(),
              [&](std::uint32_t a, std::uint32_t b) { return functions_[a].events > functions_[b].events; });
    if (order.size() > opt_.top_goroutines) order.resize(opt_.top_goroutines);
    for (std::uint32_t i : order) {
      const FunctionAcc& f = functions_[i];
      out_.goroutines.by_function.push_back({names_.name(i), f.goroutines, f.created, f.events, f.bytes});
    }
    out_.goroutines.lifetimes = lifetimes_.count();
    out_.goroutines.lifetime_p50_ns = lifetimes_.quantile(0.5);
    out_.goroutines.lifetime_p99_ns = lifetimes_.quantile(0.99);
  }

  // ---- GC ------------------------------------------------------------------------

  void match_gc(std::uint64_t seq, std::int64_t ts, bool begin) {
    // Begin and end are on different threads, so either may be decoded first.
    IdMap<std::int64_t>& other = begin ? gc_ends_ : gc_begins_;
    if (std::int64_t* t = other.find(seq)) {
      out_.gc.gc_total_ns += begin ? *t - ts : ts - *t;
      other.erase(seq);
      return;
    }
    IdMap<std::int64_t>& mine = begin ? gc_begins_ : gc_ends_;
    if (mine.size() > 1024) mine.clear();
    *mine.try_emplace(seq).first = ts;
  }

  // ---- annotations ---------------------------------------------------------------

  void annotate(const DecodedEvent& e, AnnotKind kind, std::uint64_t task, std::uint64_t name_string) {
    if (e.g == kNoGoroutine && (kind == AnnotKind::kRegionBegin || kind == AnnotKind::kRegionEnd)) {
      bad(Issue::kEventWithoutGoroutine, e.offset, "a running goroutine for a region event",
          fmt::format("{} on thread {} with no goroutine", event_name(e.type), e.m));
      return;
    }
    std::uint32_t name = kind == AnnotKind::kTaskEnd ? 0 : string_name(name_string, e.offset);
    annotations_.push_back({e.ts_ns, annotations_.size(), e.g, task, e.offset, name, kind});
  }

  DurationAcc& duration_acc(std::vector<std::unique_ptr<DurationAcc>>& v, std::uint32_t name) {
    if (name >= v.size()) v.resize(name + 1);
    if (!v[name]) v[name] = std::make_unique<DurationAcc>();
    return *v[name];
  }

  void match_annotations() {
    std::sort(annotations_.begin(), annotations_.end(), [](const Annotation& a, const Annotation& b) {
      return a.ts_ns != b.ts_ns ? a.ts_ns < b.ts_ns : a.seq < b.seq;
    });
    for (const Annotation& a : annotations_) {
      switch (a.kind) {
        case AnnotKind::kRegionBegin:
          ++duration_acc(regions_, a.name).begun;
          if (open_annotations_ >= opt_.max_open_annotations) {
            issues_.add(Issue::kOpenAnnotationsDropped, a.offset, "too many regions and tasks open at once");
            break;
          }
          open_regions_[a.g].push_back({a.task, a.name, a.ts_ns});
          ++open_annotations_;
          break;
        case AnnotKind::kRegionEnd: {
          auto it = open_regions_.find(a.g);
          if (it == open_regions_.end() || it->second.empty()) {
            issues_.add(Issue::kRegionEndWithoutBegin, a.offset,
                        fmt::format("region '{}' of goroutine {} ended without a begin in the trace", names_.name(a.name), a.g));
            break;
          }
          auto& stack = it->second;
          std::size_t i = stack.size();
          while (i > 0 && !(stack[i - 1].task == a.task && stack[i - 1].name == a.name)) --i;
          if (i != stack.size()) {
            std::string msg = fmt::format(
                "region end '{}' of goroutine {} when the innermost open region is '{}'", names_.name(a.name), a.g,
                names_.name(stack.back().name));
            if (opt_.strict) throw FormatError(a.offset, "the end of the innermost open region", msg);
            issues_.add(Issue::kRegionMismatch, a.offset, msg);
          }
          if (i == 0) break;  // no matching begin at all: ignore the end
          duration_acc(regions_, a.name).hist.record(a.ts_ns - stack[i - 1].begin_ns);
          open_annotations_ -= stack.size() - (i - 1);
          stack.resize(i - 1);
          if (stack.empty()) open_regions_.erase(it);
          break;
        }
        case AnnotKind::kTaskBegin:
          ++duration_acc(tasks_, a.name).begun;
          if (open_annotations_ >= opt_.max_open_annotations) {
            issues_.add(Issue::kOpenAnnotationsDropped, a.offset, "too many regions and tasks open at once");
            break;
          }
          if (open_tasks_.emplace(a.task, OpenTask{a.name, a.ts_ns}).second) ++open_annotations_;
          break;
        case AnnotKind::kTaskEnd: {
          auto it = open_tasks_.find(a.task);
          if (it == open_tasks_.end()) {
            issues_.add(Issue::kTaskEndWithoutBegin, a.offset,
                        fmt::format("task {} ended without a begin in the trace", a.task));
            break;
          }
          duration_acc(tasks_, it->second.name).hist.record(a.ts_ns - it->second.begin_ns);
          open_tasks_.erase(it);
          --open_annotations_;
          break;
        }
      }
    }
    annotations_.clear();
  }

  void finish_annotations() {
    std::uint64_t open_regions = 0;
    for (const auto& [g, stack] : open_regions_) open_regions += stack.size();
    if (open_regions) issues_.add_n(Issue::kRegionUnfinished, open_regions);
    if (!open_tasks_.empty()) issues_.add_n(Issue::kTaskUnfinished, open_tasks_.size());
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
    collect(regions_, out_.regions);
    collect(tasks_, out_.tasks);
    for (std::uint32_t i = 0; i < log_counts_.size(); ++i)
      if (log_counts_[i]) out_.logs.push_back({names_.name(i), log_counts_[i]});
    std::sort(out_.logs.begin(), out_.logs.end(), [](const NamedCount& a, const NamedCount& b) {
      return a.count != b.count ? a.count > b.count : a.name < b.name;
    });
  }

  const AnalyzeOptions& opt_;
  TraceSummary& out_;
  IssueCounts& issues_;
  NameTable names_;
  const GenerationTables* tables_ = nullptr;
  std::array<Counts, 256> kinds_{};

  // Per generation.
  std::vector<std::uint32_t> string_names_;
  std::vector<std::uint32_t> stack_start_names_;
  std::vector<std::uint32_t> stack_root_names_;
  std::int64_t gen_first_ns_ = 0, gen_last_ns_ = 0;
  std::uint64_t gen_timed_before_ = 0;
  bool have_events_ = false;

  // Goroutines.
  std::uint64_t cur_g_ = kNoGoroutine;
  bool cur_valid_ = false;
  std::uint32_t cur_slot_ = kNoSlot;
  std::uint64_t pend_events_ = 0, pend_bytes_ = 0;
  IdMap<std::uint32_t> slot_index_;
  std::vector<GoroutineSlot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<std::uint32_t> destroyed_this_gen_;
  std::vector<FunctionAcc> functions_;
  std::vector<std::pair<GoroutineTalker, std::uint32_t>> top_;  // min-heap by events
  DurationHistogram lifetimes_;

  // GC.
  IdMap<std::int64_t> gc_begins_, gc_ends_, stw_open_;

  // Annotations.
  std::vector<Annotation> annotations_;
  std::unordered_map<std::uint64_t, std::vector<OpenRegion>> open_regions_;
  std::unordered_map<std::uint64_t, OpenTask> open_tasks_;
  std::size_t open_annotations_ = 0;
  std::vector<std::unique_ptr<DurationAcc>> regions_, tasks_;
  std::vector<std::uint64_t> log_counts_;
};

}  // namespace

double TraceSummary::bytes_per_second() const {
  return span_ns > 0 ? static_cast<double>(file_bytes) * 1e9 / static_cast<double>(span_ns) : 0;
}

double TraceSummary::events_per_second() const {
  return span_ns > 0 ? static_cast<double>(timed_events) * 1e9 / static_cast<double>(span_ns) : 0;
}

double TraceSummary::parse_mb_per_second() const {
  return parse_seconds > 0 ? static_cast<double>(file_bytes) / 1e6 / parse_seconds : 0;
}

TraceSummary analyze_source(TraceSource& source, const std::string& path, const AnalyzeOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  TraceSummary s;
  s.path = path;
  s.version = read_header(source);
  IssueCounts issues;
  SummaryBuilder builder(options, s, issues);
  Decoder<SummaryBuilder> decoder(s.version, options.strict, issues, builder);
  Framer framer(source, s.version, options.strict, &issues);
  FramedGeneration frame;
  while (framer.next(frame)) {
    if (!frame.batches.empty()) decoder.decode(source, frame, framer.exhausted());
    source.release(frame.end_offset);
  }
  builder.finish();
  s.bytes_read = framer.offset();
  s.file_bytes = source.size().value_or(framer.offset());
  for (std::size_t i = 0; i < kIssueCount; ++i) {
    const auto issue = static_cast<Issue>(i);
    const IssueCount& c = issues.get(issue);
    if (c.count == 0) continue;
    s.issues.push_back({std::string(issue_name(issue)), issue_severity(issue), c.count, c.first_offset, c.first_detail});
  }
  s.parse_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

TraceSummary analyze_bytes(std::span<const std::uint8_t> bytes, const AnalyzeOptions& options) {
  MemorySource source(bytes);
  return analyze_source(source, "<memory>", options);
}

TraceSummary analyze_file(const std::string& path, const AnalyzeOptions& options) {
  std::unique_ptr<TraceSource> source = open_trace_source(path);
  return analyze_source(*source, path, options);
}

}  // namespace tracebench::trace
