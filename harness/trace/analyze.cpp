#include "trace/analyze.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <limits>
#include <memory>

#include "trace/decoder.h"
#include "trace/duration_histogram.h"
#include "trace/handoff.h"
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
// 24 bytes: regions are matched by goroutine and name, tasks by task ID.
struct Annotation {
  std::int64_t ts_ns;
  std::uint64_t key;        // goroutine (regions) or task ID (tasks)
  std::uint32_t name;       // NameTable ID (0 for task ends)
  std::uint32_t kind_rel;   // kind in the low 2 bits; offset from the generation start above

  AnnotKind kind() const { return static_cast<AnnotKind>(kind_rel & 3u); }
};

constexpr std::size_t kAnnotationChunk = 2048;  // records: 48 KiB
using AnnotationChunk = std::array<Annotation, kAnnotationChunk>;

// The chunks of annotation records not in use, shared by the thread that collects
// them and the one that matches them (a lock per chunk of 2048 records). After each
// matched generation it keeps no more chunks than that generation used, so memory
// follows the generations being read, not the largest one so far.
class ChunkPool {
 public:
  std::unique_ptr<AnnotationChunk> take() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!free_.empty()) {
        std::unique_ptr<AnnotationChunk> c = std::move(free_.back());
        free_.pop_back();
        return c;
      }
    }
    return std::unique_ptr<AnnotationChunk>(new AnnotationChunk);  // not zero-filled
  }
  // Takes back a generation's chunks (emptying `chunks`).
  void give_back(std::vector<std::unique_ptr<AnnotationChunk>>& chunks) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& c : chunks) free_.push_back(std::move(c));
    chunks.clear();
  }
  // Frees chunks beyond `keep`.
  void trim(std::size_t keep) {
    std::vector<std::unique_ptr<AnnotationChunk>> spare;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      while (free_.size() > keep) {
        spare.push_back(std::move(free_.back()));
        free_.pop_back();
      }
    }
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<AnnotationChunk>> free_;
};

// Append-only storage for one thread's annotations of a generation, in fixed-size
// chunks taken from the pool: appending never copies, and a generation's chunks go
// back to the pool when it is done.
class AnnotationRun {
 public:
  static constexpr std::size_t kChunk = kAnnotationChunk;
  using Chunk = AnnotationChunk;

  [[gnu::always_inline]] void push(const Annotation& a, ChunkPool& pool) {
    if (write_ == write_end_) [[unlikely]]
      new_chunk(pool);
    sorted_ = sorted_ && a.ts_ns >= last_ts_;
    last_ts_ = a.ts_ns;
    *write_++ = a;
    ++size_;
  }
  std::size_t size() const { return size_; }
  bool sorted() const { return sorted_; }
  const Annotation& operator[](std::size_t i) const { return (*chunks_[i / kChunk])[i % kChunk]; }
  // The records of chunk c, and how many of them are used.
  const Annotation* chunk(std::size_t c) const { return chunks_[c]->data(); }
  std::size_t chunk_size(std::size_t c) const { return std::min(kChunk, size_ - c * kChunk); }
  std::size_t chunks() const { return chunks_.size(); }
  void release(ChunkPool& pool) {
    pool.give_back(chunks_);
    write_ = write_end_ = nullptr;
    size_ = 0;
    sorted_ = true;
    last_ts_ = std::numeric_limits<std::int64_t>::min();
  }

 private:
  [[gnu::noinline]] void new_chunk(ChunkPool& pool) {
    chunks_.push_back(pool.take());
    write_ = chunks_.back()->data();
    write_end_ = write_ + kChunk;
  }

  std::vector<std::unique_ptr<Chunk>> chunks_;
  Annotation* write_ = nullptr;  // next free record of the last chunk
  Annotation* write_end_ = nullptr;
  std::size_t size_ = 0;
  bool sorted_ = true;
  std::int64_t last_ts_ = std::numeric_limits<std::int64_t>::min();
};

struct MergeCursor {
  std::int64_t ts;       // time of the next record
  std::uint32_t run;
  std::size_t chunk;     // position: chunk index and record within it
  const Annotation* at;
  const Annotation* chunk_end;
};

// One generation's annotations: collected by the thread that interprets the events,
// matched once the generation has ended (on that thread, or with two threads by the
// other one while the next generation is interpreted; the builder keeps two).
struct AnnotationGeneration {
  std::vector<AnnotationRun> runs;  // per thread
  std::size_t runs_used = 0;
  std::uint64_t begin_offset = 0;
  std::vector<std::uint64_t> destroyed_goids;  // goroutines that ended in it
  // With deferred matching: true from the generation's end until it is matched.
  std::atomic<bool> ready{false};
};

struct OpenRegion {
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
  // issues: bad records found while interpreting; match_issues: those found while
  // matching regions and tasks (kept apart, as matching may run on another thread).
  SummaryBuilder(const AnalyzeOptions& options, TraceSummary& out, IssueCounts& issues, IssueCounts& match_issues)
      : opt_(options), out_(out), issues_(issues), match_issues_(match_issues), names_(options.max_names) {
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

  const std::array<bool, 256>& wanted_events() const { return wanted_; }
  const std::array<std::uint8_t, 256>& wanted_args() const { return wanted_args_; }
  bool wants_goroutines() const { return opt_.goroutines || opt_.annotations; }
  bool wants_user_events() const { return opt_.annotations; }
  bool wants_lifecycle() const { return opt_.goroutines; }

  // GoCreate/GoCreateBlocked (new goroutine and its start stack) and the destroying
  // events, straight from the decoder's loop.
  void goroutine_created(std::uint64_t goid, std::int64_t ts_ns, std::uint64_t start_stack) {
    on_create(goid, ts_ns, start_function(start_stack));
  }
  void goroutine_destroyed(std::uint64_t goid, std::int64_t ts_ns) {
    if (goid != kNoGoroutine) on_destroy(goid, ts_ns);
    if (opt_.annotations) collecting_->destroyed_goids.push_back(goid);
  }

  // Tasks, regions and logs, straight from the decoder's loop.
  [[gnu::always_inline]] void user_event(std::uint8_t type, std::int64_t ts_ns, std::uint64_t g, std::uint64_t m, std::uint64_t offset,
                  std::uint64_t a1, std::uint64_t a2, std::uint64_t a3) {
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
        const std::uint32_t cat = string_name(a2, offset);
        if (cat >= log_counts_.size()) log_counts_.resize(cat + 1);
        ++log_counts_[cat];
        break;
      }
      default:
        break;
    }
  }

  // Matching of each generation's regions and tasks is left to match_some(), which
  // another thread calls (while match_pending()) as this one interprets the next
  // generation. wait(ready) must return once ready() holds, which takes match_some()
  // calls on that other thread; wake() is called when match_pending() may have
  // become true (here) or a generation has been matched (there).
  void defer_matching(std::function<void(const std::function<bool()>&)> wait, std::function<void()> wake) {
    wait_for_matcher_ = std::move(wait);
    wake_matcher_ = std::move(wake);
  }

  void begin_generation(const GenerationInfo& info, const GenerationTables& tables) {
    tables_ = &tables;
    if (opt_.annotations) {
      // Matched at once (one thread), a generation's storage serves the next one.
      collecting_ = &annotations_[wait_for_matcher_ ? collect_index_ % 2 : 0];
      // Deferred: the generation before last must have been matched.
      if (wait_for_matcher_ && collecting_->ready.load(std::memory_order_acquire))
        wait_for_matcher_([g = collecting_] { return !g->ready.load(std::memory_order_seq_cst); });
      collecting_->begin_offset = info.begin_offset;
    }
    gen_truncated_ = info.truncated;
    string_names_.assign(std::min<std::size_t>(tables.strings.size() + 1, kMaxCachedId), kUncached);
    stack_start_names_.clear();
    stack_root_names_.clear();
    if (info.clock.present && !out_.wall_minus_trace_ns && info.frequency_source == FrequencySource::kSyncBatch) {
      const auto wall_ns = static_cast<std::int64_t>(info.clock.wall_sec * 1'000'000'000ull + info.clock.wall_nsec);
      out_.wall_minus_trace_ns = wall_ns - info.clock.trace_ns;
    }
  }

  template <class StackOf>
  [[gnu::always_inline]] void slice(std::uint64_t g, std::uint64_t events, std::uint64_t bytes, StackOf leave_stack) {
    if (!opt_.goroutines || g == kNoGoroutine) {
      out_.goroutines.events_without_goroutine += g == kNoGoroutine ? events : 0;
      out_.goroutines.bytes_without_goroutine += g == kNoGoroutine ? bytes : 0;
      return;
    }
    GoroutineSlot& s = slots_[slot_for(g)];
    s.events += events;
    s.bytes += bytes;
    // Name goroutines that predate the capture from the root of a blocking stack.
    if (s.name == 0) [[unlikely]] {
      if (const std::uint64_t stack = leave_stack(); stack != 0) s.name = root_function(stack);
    }
  }

  void event(const DecodedEvent& e) {
    switch (e.type) {
      case kEvGoCreate:
      case kEvGoCreateBlocked:  // only when counts-only mode asked for them: nothing to do
        break;
      case kEvGoCreateSyscall:
        if (opt_.goroutines) on_create(e.args[0], e.ts_ns, 0);
        break;
      case kEvGoDestroy:
      case kEvGoDestroySyscall:
      case kEvGoSwitchDestroy:
        if (opt_.goroutines && e.g != kNoGoroutine) on_destroy(e.g, e.ts_ns);
        if (opt_.annotations) collecting_->destroyed_goids.push_back(e.g);
        break;
      case kEvGoStatusStack:
        // A goroutine's status at a generation start, with its stack: name it if new.
        if (e.args[3] != 0) {
          GoroutineSlot& s = slots_[slot_for(e.args[0])];
          if (s.name == 0) s.name = root_function(e.args[3]);
        }
        break;
      case kEvGCBegin:
        ++out_.gc.cycles;
        gc_begin(e.args[0], e.ts_ns);
        break;
      case kEvGCActive:
        gc_active(e.args[0]);
        break;
      case kEvGCEnd:
        gc_end(e.args[0], e.ts_ns);
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

  void cpu_sample(const CpuSampleEvent&) {}

  void end_generation(const GenerationInfo& info) {
    if (opt_.annotations) {
      run_of_m_.clear();
      run_ = nullptr;
      ++collect_index_;
      if (wait_for_matcher_) {
        collecting_->ready.store(true, std::memory_order_seq_cst);
        wake_matcher_();
      } else {
        match(*collecting_);
      }
    }
    if (opt_.goroutines) fold_destroyed();
    tables_ = nullptr;

    ++out_.generations;
    out_.batches += info.batches;
    out_.ticks_per_second = info.ticks_per_second;
    if (info.frequency_source == FrequencySource::kAssumed) out_.frequency_assumed = true;
    for (unsigned t = 0; t < 256; ++t) {
      kinds_[t].events += info.counts[t].events;
      kinds_[t].bytes += info.counts[t].bytes;
    }
    out_.timed_events += info.timed_events;
    out_.header_padding_bytes += info.padding_bytes;
    out_.experimental_padding_bytes += info.experimental_padding_bytes;
    out_.skipped_bytes += info.skipped_bytes;
    const std::uint64_t timed = info.timed_events;
    const std::int64_t gen_first_ns_ = info.first_event_ns, gen_last_ns_ = info.last_event_ns;
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
    out_.kinds = kinds_;
    for (unsigned t = 0; t < 256; ++t) {
      const Counts& k = kinds_[t];
      if (k.events == 0 && k.bytes == 0) continue;
      out_.events += k.events;
      Counts& c = out_.categories[static_cast<std::size_t>(event_spec(static_cast<std::uint8_t>(t)).category)];
      c.events += k.events;
      c.bytes += k.bytes;
    }
    // Subtracted as unsigned: times at the ends of the range (a corrupt trace) wrap
    // instead of overflowing.
    out_.span_ns = have_events_ ? static_cast<std::int64_t>(static_cast<std::uint64_t>(out_.last_event_ns) -
                                                            static_cast<std::uint64_t>(out_.first_event_ns))
                                : 0;
    // From the per-type counts, so counts-only mode has them too.
    out_.goroutines.created =
        kinds_[kEvGoCreate].events + kinds_[kEvGoCreateBlocked].events + kinds_[kEvGoCreateSyscall].events;
    out_.goroutines.destroyed =
        kinds_[kEvGoDestroy].events + kinds_[kEvGoDestroySyscall].events + kinds_[kEvGoSwitchDestroy].events;
    if (opt_.annotations) finish_annotations();
    if (opt_.goroutines) finish_goroutines();
    if (names_.capped()) issues_.add(Issue::kNamesCapped, 0, fmt::format("more than {} distinct names", opt_.max_names));
  }

 private:
  // Reports a bad record: throws in strict mode, else counts it.
  void bad(Issue issue, std::uint64_t offset, const std::string& expected, const std::string& found) {
    if (opt_.strict) throw FormatError(offset, expected, found);
    issues_.add(issue, offset, FormatError(offset, expected, found).what());
  }

  // ---- names -------------------------------------------------------------------

  std::uint32_t string_name(std::uint64_t id, std::uint64_t offset) {
    if (id < string_names_.size() && string_names_[id] != kUncached) [[likely]]
      return string_names_[id];
    return string_name_slow(id, offset);
  }
  [[gnu::noinline]] std::uint32_t string_name_slow(std::uint64_t id, std::uint64_t offset) {
    const std::string_view* s = tables_->strings.find(id);
    std::uint32_t name = 0;
    if (s == nullptr) {
      // A cut-short generation lacks its string table (written at its end).
      if (!gen_truncated_)
        bad(Issue::kUnknownStringId, offset, "a string ID of this generation's string table",
            fmt::format("string ID {}", id));
    } else {
      std::lock_guard<std::mutex> lock(names_mutex_);
      name = names_.intern(*s);
    }
    if (id < string_names_.size()) string_names_[id] = name;
    return name;
  }

  // A copy of a name, for messages of the matching thread (see defer_matching).
  std::string name_of(std::uint32_t id) {
    std::lock_guard<std::mutex> lock(names_mutex_);
    return names_.name(id);
  }

  // Function of a stack's innermost frame (GoCreate's new_stack holds just the
  // goroutine's start PC) or outermost frame (the root of a blocking stack).
  std::uint32_t stack_function(std::uint64_t stack_id, bool outermost) {
    const StackRef* s = tables_->stacks.find(stack_id);
    if (s == nullptr || s->nframes == 0) return 0;
    Frame f;
    if (!StackTable::frame(*s, outermost ? s->nframes - 1 : 0, f)) return 0;
    const std::string_view* name = tables_->strings.find(f.func_string);
    if (name == nullptr) return 0;
    std::lock_guard<std::mutex> lock(names_mutex_);
    return names_.intern(*name);
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

  // The slot of a goroutine. A small direct-mapped cache in front of the hash map:
  // a thread alternates between few goroutines (ping-pong, worker and timer).
  [[gnu::always_inline]] std::uint32_t slot_for(std::uint64_t goid) {
    SlotCacheEntry& e = slot_cache_[goid & (kSlotCache - 1)];
    if (e.goid == goid && e.slot != kNoSlot) [[likely]]
      return e.slot;
    e.goid = goid;
    e.slot = slot_lookup(goid);
    return e.slot;
  }
  [[gnu::noinline]] std::uint32_t slot_lookup(std::uint64_t goid) {
    if (std::uint32_t* found = slot_index_.find(goid)) return *found;
    auto [idx, inserted] = slot_index_.try_emplace(goid);
    if (inserted) {
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
    }
    return *idx;
  }

  void on_create(std::uint64_t goid, std::int64_t ts, std::uint32_t name) {
    GoroutineSlot& s = slots_[slot_for(goid)];
    s.created = true;
    s.created_ns = ts;
    if (name != 0) s.name = name;
  }

  void on_destroy(std::uint64_t goid, std::int64_t ts) {
    // The destroyed goroutine is normally the one whose event this is.
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
    const std::size_t k = std::max<std::size_t>(opt_.top_goroutines, 1);
    if (top_.size() == k && s.events <= top_.front().first.events) return;
    GoroutineTalker t{s.goid, {}, s.events, s.bytes, s.created, s.destroyed};
    auto less_events = [](const auto& a, const auto& b) { return a.first.events > b.first.events; };
    if (top_.size() < k) {
      top_.emplace_back(t, s.name);
      std::push_heap(top_.begin(), top_.end(), less_events);
    } else {
      std::pop_heap(top_.begin(), top_.end(), less_events);
      top_.back() = {t, s.name};
      std::push_heap(top_.begin(), top_.end(), less_events);
    }
  }

  // A goroutine's events all lie in generations up to the one it ends in, so it is
  // folded into the totals and forgotten when that generation is done: the table
  // holds live goroutines only.
  void fold_destroyed() {
    for (std::uint32_t idx : destroyed_this_gen_) fold(slots_[idx]);
    if (destroyed_this_gen_.size() * 4 > slot_index_.size()) {
      // Most of the table goes (goroutine churn): one rebuild pass.
      slot_index_.erase_if([&](std::uint64_t, std::uint32_t idx) { return slots_[idx].destroyed; });
    } else {
      for (std::uint32_t idx : destroyed_this_gen_) slot_index_.erase(slots_[idx].goid);
    }
    free_slots_.insert(free_slots_.end(), destroyed_this_gen_.begin(), destroyed_this_gen_.end());
    destroyed_this_gen_.clear();
    for (auto& e : slot_cache_) e.slot = kNoSlot;  // cached slots may have been freed
    // After a generation that churned through many goroutines, give the room back: the
    // live ones move to a table of their own size.
    if (slots_.size() > 4096 && free_slots_.size() * 2 > slots_.size()) {
      std::vector<GoroutineSlot> live;
      live.reserve(slot_index_.size() + slot_index_.size() / 2 + 16);
      slot_index_.for_each([&](std::uint64_t, std::uint32_t& idx) {
        const auto moved = static_cast<std::uint32_t>(live.size());
        live.push_back(slots_[idx]);
        idx = moved;
      });
      slots_.swap(live);
      std::vector<std::uint32_t>().swap(free_slots_);
    }
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

  // GC cycles: the runtime numbers GCBegin, GCActive (a cycle still running at a
  // generation start) and GCEnd from one counter, so a cycle's end carries the number
  // after its last begin/active. Begin and end are on different threads, so either
  // may be decoded first: the unmatched side waits in a small map keyed by the
  // sequence number that closes it.
  void gc_begin(std::uint64_t seq, std::int64_t ts) { gc_open(seq + 1, ts); }

  void gc_active(std::uint64_t seq) {
    if (std::int64_t* t = gc_begins_.find(seq)) {
      const std::int64_t begin = *t;
      gc_begins_.erase(seq);
      gc_open(seq + 1, begin);
    }
  }

  void gc_end(std::uint64_t seq, std::int64_t ts) {
    if (std::int64_t* t = gc_begins_.find(seq)) {
      out_.gc.gc_total_ns += ts - *t;
      gc_begins_.erase(seq);
      return;
    }
    if (gc_ends_.size() > 1024) gc_ends_.clear();
    *gc_ends_.try_emplace(seq).first = ts;
  }

  void gc_open(std::uint64_t closing_seq, std::int64_t begin) {
    if (std::int64_t* t = gc_ends_.find(closing_seq)) {
      out_.gc.gc_total_ns += *t - begin;
      gc_ends_.erase(closing_seq);
      return;
    }
    if (gc_begins_.size() > 1024) gc_begins_.clear();
    *gc_begins_.try_emplace(closing_seq).first = begin;
  }

  // ---- annotations ---------------------------------------------------------------

  [[gnu::always_inline]] void annotate(AnnotKind kind, std::int64_t ts_ns, std::uint64_t g, std::uint64_t m, std::uint64_t offset,
                std::uint64_t task, std::uint64_t name_string, std::uint8_t type) {
    const bool region = kind == AnnotKind::kRegionBegin || kind == AnnotKind::kRegionEnd;
    if (region && g == kNoGoroutine) [[unlikely]] {
      bad(Issue::kEventWithoutGoroutine, offset, "a running goroutine for a region event",
          fmt::format("{} on thread {} with no goroutine", event_name(type), m));
      return;
    }
    const std::uint32_t name = kind == AnnotKind::kTaskEnd ? 0 : string_name(name_string, offset);
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

  std::uint64_t annotation_offset(const Annotation& a) const { return matching_->begin_offset + (a.kind_rel >> 2); }

  std::vector<OpenRegion>& region_stack(std::uint64_t g) {
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
  void release_region_stacks(AnnotationGeneration& gen) {
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

  // The accumulator of a region or task name: a raw pointer table in front of the
  // owning one, so the common case is one load.
  [[gnu::always_inline]] DurationAcc& duration_acc(std::vector<std::unique_ptr<DurationAcc>>& owners,
                                                   std::vector<DurationAcc*>& fast, std::uint32_t name) {
    if (name < fast.size() && fast[name] != nullptr) [[likely]]
      return *fast[name];
    return new_duration_acc(owners, fast, name);
  }
  [[gnu::noinline]] DurationAcc& new_duration_acc(std::vector<std::unique_ptr<DurationAcc>>& owners,
                                                  std::vector<DurationAcc*>& fast, std::uint32_t name) {
    if (name >= owners.size()) {
      owners.resize(name + 1);
      fast.resize(name + 1, nullptr);
    }
    owners[name] = std::make_unique<DurationAcc>();
    fast[name] = owners[name].get();
    return *fast[name];
  }

  // Matches the generation's annotations in time order: a k-way merge over the
  // per-thread runs (k = threads with annotations, a handful), processed as they come
  // off the merge, so nothing is copied or sorted.
  // Matches a generation's annotations in time order (a k-way merge over the
  // per-thread runs, k = threads with annotations, a handful, processed as they come
  // off the merge, so nothing is copied or sorted) and gives its storage back for
  // the generation after next. In steps: match_start, then match_step until it
  // returns true (each takes about `budget` records), so that a thread can interleave
  // the matching with other work.
  void match(AnnotationGeneration& gen) {
    match_start(gen);
    while (!match_step(std::numeric_limits<std::size_t>::max())) {
    }
  }

  void match_start(AnnotationGeneration& gen) {
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

  // True once the generation is matched and its storage given back.
  bool match_step(std::size_t budget) {
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
      gen.runs[r].release(chunk_pool_);
    }
    chunk_pool_.trim(used);
    gen.runs_used = 0;
    region_g_ = kNoGoroutine;
    region_stack_ = nullptr;
    release_region_stacks(gen);
    return true;
  }

  static bool merge_later(const MergeCursor& a, const MergeCursor& b) {
    return a.ts != b.ts ? a.ts > b.ts : a.run > b.run;
  }

 public:
  // Deferred matching (defer_matching): whether an ended generation waits to be
  // matched (or is being matched; any thread), and about `budget` records' worth of
  // matching it (one thread at a time). After a match error (strict mode) later
  // generations are given back unmatched.
  bool match_pending() const {
    return annotations_[0].ready.load(std::memory_order_seq_cst) ||
           annotations_[1].ready.load(std::memory_order_seq_cst);
  }
  void match_some(std::size_t budget) {
    AnnotationGeneration& gen = annotations_[match_index_ % 2];
    bool done = true;
    if (!match_failed_) {
      try {
        if (matching_ != &gen) match_start(gen);
        done = match_step(budget);
      } catch (...) {
        match_failed_ = true;
        give_back_unmatched(gen);
        throw;
      }
    } else {
      give_back_unmatched(gen);
    }
    if (done) {
      matching_ = nullptr;
      ++match_index_;
      gen.ready.store(false, std::memory_order_seq_cst);
      wake_matcher_();
    }
  }

 private:
  void give_back_unmatched(AnnotationGeneration& gen) {
    matching_ = nullptr;
    ++match_index_;
    for (std::size_t r = 0; r < gen.runs_used; ++r) gen.runs[r].release(chunk_pool_);
    gen.runs_used = 0;
    gen.destroyed_goids.clear();
    gen.ready.store(false, std::memory_order_seq_cst);
    wake_matcher_();
  }

  // One region or task record, in time order. The common cases stay inline in the
  // merge loop; what reports an issue is out of line.
  [[gnu::always_inline]] void match_one(const Annotation& a) {
    switch (a.kind()) {
      case AnnotKind::kRegionBegin: {
        ++duration_acc(regions_, region_accs_, a.name).begun;
        if (open_annotations_ >= opt_.max_open_annotations) [[unlikely]] {
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
          duration_acc(regions_, region_accs_, a.name).hist.record(a.ts_ns - stack.back().begin_ns);
          --open_annotations_;
          stack.pop_back();
        } else {
          region_end_off_top(a, stack);
        }
        break;
      }
      case AnnotKind::kTaskBegin: {
        ++duration_acc(tasks_, task_accs_, a.name).begun;
        if (open_annotations_ >= opt_.max_open_annotations) [[unlikely]] {
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
        duration_acc(tasks_, task_accs_, t->name).hist.record(a.ts_ns - t->begin_ns);
        open_tasks_.erase(a.key);
        --open_annotations_;
        break;
      }
    }
  }

  [[gnu::noinline]] void too_many_open(const Annotation& a) {
    match_issues_.add(Issue::kOpenAnnotationsDropped, annotation_offset(a), "too many regions and tasks open at once");
  }

  // A region end that does not close the innermost open region of its goroutine: no
  // region open, or a mismatch (the matching begin further down closes, with the
  // regions above it; none matching: the end is ignored).
  [[gnu::noinline]] void region_end_off_top(const Annotation& a, std::vector<OpenRegion>& stack) {
    if (stack.empty()) {
      match_issues_.add(Issue::kRegionEndWithoutBegin, annotation_offset(a),
                        fmt::format("region '{}' of goroutine {} ended without a begin in the trace", name_of(a.name),
                                    a.key));
      return;
    }
    std::size_t i = stack.size();
    while (i > 0 && stack[i - 1].name != a.name) --i;
    std::string msg = fmt::format("region end '{}' of goroutine {} when the innermost open region is '{}'",
                                  name_of(a.name), a.key, name_of(stack.back().name));
    if (opt_.strict) throw FormatError(annotation_offset(a), "the end of the innermost open region", msg);
    match_issues_.add(Issue::kRegionMismatch, annotation_offset(a), msg);
    if (i == 0) return;  // no matching begin at all: ignore the end
    duration_acc(regions_, region_accs_, a.name).hist.record(a.ts_ns - stack[i - 1].begin_ns);
    open_annotations_ -= stack.size() - (i - 1);
    stack.resize(i - 1);
  }

  // The open-region stack of goroutine g; consecutive records mostly share one.
  std::vector<OpenRegion>& stack_of(std::uint64_t g) {
    if (g != region_g_ || region_stack_ == nullptr) {
      region_stack_ = &region_stack(g);
      region_g_ = g;
    }
    return *region_stack_;
  }

  void finish_annotations() {
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
  IssueCounts& match_issues_;
  NameTable names_;
  std::mutex names_mutex_;  // intern() here, name() from a deferred matcher
  const GenerationTables* tables_ = nullptr;
  std::array<Counts, 256> kinds_{};

  // Per generation.
  std::vector<std::uint32_t> string_names_;
  std::vector<std::uint32_t> stack_start_names_;
  std::vector<std::uint32_t> stack_root_names_;
  bool have_events_ = false;
  bool gen_truncated_ = false;
  std::array<bool, 256> wanted_{};
  std::array<std::uint8_t, 256> wanted_args_{};

  // Goroutines.
  static constexpr std::size_t kSlotCache = 8;
  struct SlotCacheEntry {
    std::uint64_t goid = 0;
    std::uint32_t slot = kNoSlot;
  };
  std::array<SlotCacheEntry, kSlotCache> slot_cache_{};
  IdMap<std::uint32_t> slot_index_;
  std::vector<GoroutineSlot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<std::uint32_t> destroyed_this_gen_;
  std::vector<FunctionAcc> functions_;
  std::vector<std::pair<GoroutineTalker, std::uint32_t>> top_;  // min-heap by events
  DurationHistogram lifetimes_;

  // GC.
  IdMap<std::int64_t> gc_begins_, gc_ends_, stw_open_;

  // Annotations, collecting (the interpreting thread).
  ChunkPool chunk_pool_;  // shared with the matching
  AnnotationGeneration annotations_[2];
  AnnotationGeneration* collecting_ = &annotations_[0];
  std::uint64_t collect_index_ = 0;  // generations collected
  IdMap<std::uint32_t> run_of_m_;
  std::uint64_t run_m_ = 0;
  AnnotationRun* run_ = nullptr;
  std::vector<std::uint64_t> log_counts_;
  std::function<void(const std::function<bool()>&)> wait_for_matcher_;  // set: matching is deferred
  std::function<void()> wake_matcher_;

  // Annotations, matching (the interpreting thread, or the matching one when deferred).
  AnnotationGeneration* matching_ = nullptr;
  std::uint64_t match_index_ = 0;  // generations matched
  bool match_failed_ = false;
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

namespace {

using Dec = Decoder<SummaryBuilder>;

// Event-batch bytes interpreted between two evictions from the source: large enough
// that the page drops (and, with two threads, their TLB shootdowns) cost nothing.
constexpr std::uint64_t kEvictBytes = 1 << 20;
// Scanned batches that may wait between the two threads (about 1 MB of trace).
constexpr std::size_t kHandoffSlots = 16;
// Region and task records matched per turn of the scanning thread (tens of µs).
constexpr std::size_t kMatchBudget = 16384;

// One piece of work handed from the scanning thread to the interpreting one.
struct Work {
  enum class Kind : std::uint8_t { kBegin, kBatch, kEnd, kClose };
  Kind kind = Kind::kClose;
  Dec::Prepared* gen = nullptr;
  BatchNotes notes;  // kBatch: the scanned batch
};

// Matching the regions and tasks of the generations the interpreting thread has
// ended, done in pieces by whichever thread would otherwise wait for the other. A
// match error (strict mode) is kept, and comes first: it lies in a generation before
// any the threads are still reading.
struct SharedMatcher {
  SummaryBuilder& builder;
  Handoff<Work>& handoff;
  std::mutex mutex;
  std::atomic<bool> busy{false};
  std::exception_ptr error;  // guarded by mutex

  bool pending() const { return !busy.load(std::memory_order_seq_cst) && builder.match_pending(); }
  void run() {
    std::unique_lock<std::mutex> lock(mutex, std::try_to_lock);
    if (!lock.owns_lock()) return;
    busy.store(true, std::memory_order_relaxed);
    if (builder.match_pending()) {
      try {
        builder.match_some(kMatchBudget);
      } catch (...) {
        if (error == nullptr) error = std::current_exception();
      }
    }
    busy.store(false, std::memory_order_seq_cst);
    lock.unlock();
    handoff.wake();  // the other thread may wait for this piece
  }
};

// The interpreting thread of a two-thread analysis: takes the generations' begins,
// scanned batches and ends in file order until kClose, matching regions and tasks
// when it would wait. After an error it keeps
// taking work without doing it (and still counts ended generations), so the scanning
// thread never waits for it in vain; `failed` tells that thread to stop early.
void interpret_handed_over(Dec& decoder, TraceSource& source, Handoff<Work>& handoff, SharedMatcher& matcher,
                           std::exception_ptr& error, std::atomic<bool>& failed, std::atomic<bool>& done) {
  std::uint64_t evicted = 0;
  for (;;) {
    Work& w = handoff.front(matcher);
    const Work::Kind kind = w.kind;
    if (error == nullptr) {
      try {
        switch (kind) {
          case Work::Kind::kBegin:
            decoder.begin(*w.gen);
            evicted = w.gen->info.begin_offset;
            break;
          case Work::Kind::kBatch: {
            decoder.interpret(*w.gen, w.notes);
            const BatchRef& b = w.gen->batches[w.notes.batch];
            const std::uint64_t read = b.payload_offset + b.payload_bytes;
            if (read - evicted >= kEvictBytes) {
              source.evict(evicted, read);
              evicted = read;
            }
            break;
          }
          case Work::Kind::kEnd:
            decoder.end(*w.gen);
            source.release(w.gen->info.end_offset);
            break;
          case Work::Kind::kClose:
            break;
        }
      } catch (...) {
        error = std::current_exception();
        failed.store(true, std::memory_order_relaxed);
      }
    }
    if (kind == Work::Kind::kEnd) handoff.advance();
    handoff.pop();  // w belongs to the producer from here on
    if (kind == Work::Kind::kClose) {
      done.store(true, std::memory_order_seq_cst);
      handoff.wake();
      return;
    }
  }
}

}  // namespace

TraceSummary analyze_source(TraceSource& source, const std::string& path, const AnalyzeOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  TraceSummary s;
  s.path = path;
  s.version = read_header(source);
  // Bad records are counted per stage (framing and counting; interpretation), so the
  // two threads never share a counter, and merged at the end.
  IssueCounts framing_issues, analysis_issues, match_issues;
  SummaryBuilder builder(options, s, analysis_issues, match_issues);
  Dec decoder(s.version, options.strict, framing_issues, builder);
  Framer framer(source, s.version, options.strict, &framing_issues);
  const bool pipelined = options.threads > 1 && source.stable_pointers();

  std::string cut_before_any_batch;
  std::uint64_t cut_offset = 0;
  FramedGeneration frame;
  // Frames the next generation with batches; notes a cut before the first batch of one.
  auto next_frame = [&] {
    while (framer.next(frame)) {
      if (!frame.batches.empty()) return true;
      if (frame.truncated && cut_before_any_batch.empty()) {
        // Cut inside the first batch of a generation: nothing to decode, but say so.
        cut_before_any_batch = frame.truncation;
        cut_offset = frame.truncated_offset;
      }
      source.release(frame.end_offset);
    }
    return false;
  };
  if (!pipelined) {
    // One thread: each event batch is scanned and interpreted in turn.
    while (next_frame()) {
      decoder.finish(decoder.prepare(source, frame, framer.exhausted()), kEvictBytes);
      source.release(frame.end_offset);
    }
  } else {
    // Two threads: this one frames, reads the tables and scans (counting every event
    // and noting the special ones); the helper interprets the notes, batch by batch,
    // a few batches behind. Each generation's regions and tasks are matched once the
    // helper has ended it, by whichever thread would otherwise wait for the other.
    // Memory holds the two generations' tables, the batches in the handoff and the
    // helper's per-generation state, never a whole generation of notes.
    Handoff<Work> handoff(kHandoffSlots);
    std::exception_ptr interpret_error;
    std::atomic<bool> interpret_failed{false}, helper_done{false};
    SharedMatcher matcher{builder, handoff, {}, {}, nullptr};
    builder.defer_matching([&](const std::function<bool()>& ready) { handoff.consumer_await(ready, matcher); },
                           [&] { handoff.wake(); });
    std::thread helper(interpret_handed_over, std::ref(decoder), std::ref(source), std::ref(handoff),
                       std::ref(matcher), std::ref(interpret_error), std::ref(interpret_failed),
                       std::ref(helper_done));
    auto hand_over = [&](Work::Kind kind, Dec::Prepared* g) {
      Work& w = handoff.reserve(0, matcher);
      w.kind = kind;
      w.gen = g;
      // This thread waits for generations to end and for the helper to close.
      handoff.publish(/*urgent=*/kind == Work::Kind::kEnd || kind == Work::Kind::kClose);
    };
    // Ends the helper; then matches what it ended last. The first error in the file
    // is rethrown: a match error, else the helper's, else this thread's own (scan).
    auto close = [&](std::exception_ptr own) {
      hand_over(Work::Kind::kClose, nullptr);
      handoff.producer_await([&] { return helper_done.load(std::memory_order_seq_cst); }, matcher);
      helper.join();
      while (builder.match_pending()) matcher.run();
      if (matcher.error) std::rethrow_exception(matcher.error);
      if (interpret_error) std::rethrow_exception(interpret_error);
      if (own) std::rethrow_exception(own);
    };
    std::exception_ptr scan_error;
    try {
      std::uint64_t prepared = 0;
      while (!interpret_failed.load(std::memory_order_relaxed) && matcher.error == nullptr && next_frame()) {
        // The decoder keeps two prepared generations: the one before last must be ended.
        if (prepared >= 2) handoff.wait_for_progress(prepared - 1, matcher);
        Dec::Prepared& g = decoder.prepare(source, frame, framer.exhausted());
        ++prepared;
        hand_over(Work::Kind::kBegin, &g);
        // Event batches two at a time (scanned together, handed over in order).
        const auto count = static_cast<std::uint32_t>(g.batches.size());
        for (std::uint32_t i = g.next_event_batch(0); i < count;) {
          const std::uint32_t j = g.next_event_batch(i + 1);
          Work& first = handoff.reserve(0, matcher);
          first.kind = Work::Kind::kBatch;
          first.gen = &g;
          if (j < count) {
            Work& second = handoff.reserve(1, matcher);
            second.kind = Work::Kind::kBatch;
            second.gen = &g;
            decoder.scan(g, i, first.notes, j, &second.notes);
            handoff.publish();
          } else {
            decoder.scan(g, i, first.notes);
          }
          handoff.publish();
          i = j < count ? g.next_event_batch(j + 1) : count;
        }
        hand_over(Work::Kind::kEnd, &g);
      }
    } catch (...) {
      scan_error = std::current_exception();
    }
    close(scan_error);
  }
  if (!cut_before_any_batch.empty() && !s.truncated) {
    s.truncated = true;
    s.truncated_offset = cut_offset;
    s.truncation = cut_before_any_batch;
    framing_issues.add(Issue::kTruncated, cut_offset, cut_before_any_batch);
  }
  builder.finish();
  s.bytes_read = framer.offset();
  s.file_bytes = source.size().value_or(framer.offset());
  IssueCounts& issues = analysis_issues;
  issues.merge(match_issues);
  issues.merge(framing_issues);
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
