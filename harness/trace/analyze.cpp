#include "trace/analyze.h"

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "trace/decoder.h"
#include "trace/handoff.h"
#include "trace/source.h"
#include "trace/summary_builder.h"
#include "trace/tokenizer.h"

namespace tracebench::trace {

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
  // Set once `error` is: the scanning thread polls this, never `error` itself, which
  // the other thread may be writing (ThreadSanitizer found that race).
  std::atomic<bool> failed{false};

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
        failed.store(true, std::memory_order_relaxed);
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

// The generations of a trace that hold batches, framed in file order. A generation
// cut inside its first batch has nothing to decode: it is released, and the first
// such cut is kept for the summary.
class GenerationFrames {
 public:
  GenerationFrames(TraceSource& source, GoVersion version, bool strict, IssueCounts& issues)
      : source_(source), framer_(source, version, strict, &issues) {}

  // Frames the next generation with batches; false at the end.
  bool next() {
    while (framer_.next(frame_)) {
      if (!frame_.batches.empty()) return true;
      if (frame_.truncated && cut_before_any_batch_.empty()) {
        cut_before_any_batch_ = frame_.truncation;
        cut_offset_ = frame_.truncated_offset;
      }
      source_.release(frame_.end_offset);
    }
    return false;
  }
  const FramedGeneration& frame() const { return frame_; }
  bool last() const { return framer_.exhausted(); }
  std::uint64_t offset() const { return framer_.offset(); }
  // The first cut inside a generation's first batch ("" when none), and its offset.
  const std::string& cut_before_any_batch() const { return cut_before_any_batch_; }
  std::uint64_t cut_offset() const { return cut_offset_; }

 private:
  TraceSource& source_;
  Framer framer_;
  FramedGeneration frame_;
  std::string cut_before_any_batch_;
  std::uint64_t cut_offset_ = 0;
};

// One thread: each event batch is scanned and interpreted in turn.
void decode_in_one_thread(Dec& decoder, TraceSource& source, GenerationFrames& frames) {
  while (frames.next()) {
    decoder.finish(decoder.prepare(source, frames.frame(), frames.last()), kEvictBytes);
    source.release(frames.frame().end_offset);
  }
}

// Scans g's event batches two at a time (scanned together, handed over in order).
void scan_and_hand_over(Dec& decoder, Dec::Prepared& g, Handoff<Work>& handoff, SharedMatcher& matcher) {
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
}

// Two threads: this one frames, reads the tables and scans (counting every event and
// noting the special ones); a helper interprets the notes, batch by batch, a few
// batches behind. Each generation's regions and tasks are matched once the helper has
// ended it, by whichever thread would otherwise wait for the other. Memory holds the
// two generations' tables, the batches in the handoff and the helper's per-generation
// state, never a whole generation of notes.
void decode_in_two_threads(Dec& decoder, SummaryBuilder& builder, TraceSource& source, GenerationFrames& frames) {
  Handoff<Work> handoff(kHandoffSlots);
  std::exception_ptr interpret_error;
  std::atomic<bool> interpret_failed{false}, helper_done{false};
  SharedMatcher matcher{builder, handoff, {}, {}, nullptr};
  builder.defer_matching([&](const std::function<bool()>& ready) { handoff.consumer_await(ready, matcher); },
                         [&] { handoff.wake(); });
  std::thread helper(interpret_handed_over, std::ref(decoder), std::ref(source), std::ref(handoff), std::ref(matcher),
                     std::ref(interpret_error), std::ref(interpret_failed), std::ref(helper_done));
  auto hand_over = [&](Work::Kind kind, Dec::Prepared* g) {
    Work& w = handoff.reserve(0, matcher);
    w.kind = kind;
    w.gen = g;
    // This thread waits for generations to end and for the helper to close.
    handoff.publish(/*urgent=*/kind == Work::Kind::kEnd || kind == Work::Kind::kClose);
  };
  std::exception_ptr scan_error;
  try {
    std::uint64_t prepared = 0;
    while (!interpret_failed.load(std::memory_order_relaxed) && !matcher.failed.load(std::memory_order_relaxed) &&
           frames.next()) {
      // The decoder keeps two prepared generations: the one before last must be ended.
      if (prepared >= 2) handoff.wait_for_progress(prepared - 1, matcher);
      Dec::Prepared& g = decoder.prepare(source, frames.frame(), frames.last());
      ++prepared;
      hand_over(Work::Kind::kBegin, &g);
      scan_and_hand_over(decoder, g, handoff, matcher);
      hand_over(Work::Kind::kEnd, &g);
    }
  } catch (...) {
    scan_error = std::current_exception();
  }
  // Ends the helper; then matches what it ended last. The first error in the file is
  // rethrown: a match error, else the helper's, else this thread's own (scan).
  hand_over(Work::Kind::kClose, nullptr);
  handoff.producer_await([&] { return helper_done.load(std::memory_order_seq_cst); }, matcher);
  helper.join();
  while (builder.match_pending()) matcher.run();
  if (matcher.error) std::rethrow_exception(matcher.error);
  if (interpret_error) std::rethrow_exception(interpret_error);
  if (scan_error) std::rethrow_exception(scan_error);
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
  GenerationFrames frames(source, s.version, options.strict, framing_issues);
  if (options.threads > 1 && source.stable_pointers())
    decode_in_two_threads(decoder, builder, source, frames);
  else
    decode_in_one_thread(decoder, source, frames);
  if (!frames.cut_before_any_batch().empty() && !s.truncated) {
    s.truncated = true;
    s.truncated_offset = frames.cut_offset();
    s.truncation = frames.cut_before_any_batch();
    framing_issues.add(Issue::kTruncated, frames.cut_offset(), frames.cut_before_any_batch());
  }
  builder.finish();
  s.bytes_read = frames.offset();
  s.file_bytes = source.size().value_or(frames.offset());
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
