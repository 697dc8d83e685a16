#pragma once
// Storage for the region and task events of a generation, collected by the
// interpreting thread and kept until the generation ends, then matched in time order
// (annotation_matcher.h): a goroutine's events can sit in batches of several threads,
// in any file order. Records live in fixed-size chunks from a pool shared by the
// collecting and the matching thread.
//
// Thread safety: ChunkPool is thread-safe; an AnnotationRun or AnnotationGeneration
// belongs to one thread at a time, handed over through AnnotationGeneration::ready.

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

namespace tracebench::trace {

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

inline constexpr std::size_t kAnnotationChunk = 2048;  // records: 48 KiB
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

// One generation's annotations: collected by the thread that interprets the events,
// matched once the generation has ended (on that thread, or with two threads by the
// other one while the next generation is interpreted; annotations.h keeps two).
struct AnnotationGeneration {
  std::vector<AnnotationRun> runs;  // per thread
  std::size_t runs_used = 0;
  std::uint64_t begin_offset = 0;
  // The file ends inside it: names whose strings lie past the end read as ""
  // (name_resolver.h).
  bool cut_short = false;
  std::vector<std::uint64_t> destroyed_goids;  // goroutines that ended in it
  // With deferred matching: true from the generation's end until it is matched.
  std::atomic<bool> ready{false};
};

}  // namespace tracebench::trace
