#pragma once
// Where trace bytes come from, addressed by file offset.
//
// The reader walks a trace one generation at a time: it asks for the bytes up to
// some offset (ensure), reads them through at(), says which bytes it has read for
// good as it goes (evict), and releases everything before a generation's end once
// that generation is done. So resident memory is bounded by what is being read,
// not by the file:
//  - MappedFileSource maps a regular file (zero copy) and drops evicted and released
//    pages from the process with madvise(MADV_DONTNEED); the kernel keeps them in
//    page cache, and a page read again is faulted back in from there.
//  - StreamSource reads a pipe or other unmappable file into a buffer that holds
//    only the bytes not yet released (a generation and what follows it).
//  - MemorySource wraps bytes the caller owns (tests, fuzzing).
//
// Ownership: a source owns its mapping/buffer; pointers from at() stay valid until
// the next ensure() or release() call (StreamSource may move its buffer).
// Thread safety: one thread at a time, except that for a source with
// stable_pointers() one thread may call evict() and release() while another calls
// ensure() and at() for bytes after the released ones. Errors: IoError (errors.h).

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tracebench::trace {

class TraceSource {
 public:
  virtual ~TraceSource() = default;

  // Makes the bytes up to end_offset addressable, reading if needed. Returns the end
  // of what is available: end_offset, or less at the end of the input.
  virtual std::uint64_t ensure(std::uint64_t end_offset) = 0;

  // Pointer to the byte at offset; offset must lie in [released, available).
  virtual const std::uint8_t* at(std::uint64_t offset) const = 0;

  // Copies the bytes [offset, offset + n) that are available (ensure()d) into out and
  // returns how many. For a few bytes (a batch header) that the caller reads once: a
  // mapped file reads them without mapping their page, so that framing a generation
  // does not bring it all into memory ahead of its reading.
  virtual std::size_t peek(std::uint64_t offset, std::size_t n, std::uint8_t* out);

  // The caller needs no byte before offset any more.
  virtual void release(std::uint64_t offset) = 0;

  // A hint: the bytes in [begin, end) will most likely not be read again. Pointers
  // stay valid and reading them again is allowed (a mapped file faults the pages
  // back in); sources that cannot drop part of their buffer ignore it.
  virtual void evict(std::uint64_t /*begin*/, std::uint64_t /*end*/) {}

  // Total size when known up front (regular files, memory); nullopt for streams.
  virtual std::optional<std::uint64_t> size() const = 0;

  // True when pointers from at() stay valid across ensure() calls (until release()),
  // so that one thread may read a generation while another frames the next.
  virtual bool stable_pointers() const { return false; }
};

class MemorySource final : public TraceSource {
 public:
  explicit MemorySource(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  std::uint64_t ensure(std::uint64_t end_offset) override;
  const std::uint8_t* at(std::uint64_t offset) const override { return bytes_.data() + offset; }
  void release(std::uint64_t) override {}
  std::optional<std::uint64_t> size() const override { return bytes_.size(); }
  bool stable_pointers() const override { return true; }

 private:
  std::span<const std::uint8_t> bytes_;
};

class MappedFileSource final : public TraceSource {
 public:
  // Maps the whole file read-only. Throws IoError if it cannot be opened or mapped
  // (an empty file maps to an empty source).
  explicit MappedFileSource(const std::string& path);
  ~MappedFileSource() override;
  MappedFileSource(const MappedFileSource&) = delete;
  MappedFileSource& operator=(const MappedFileSource&) = delete;

  std::uint64_t ensure(std::uint64_t end_offset) override;
  const std::uint8_t* at(std::uint64_t offset) const override { return base_ + offset; }
  std::size_t peek(std::uint64_t offset, std::size_t n, std::uint8_t* out) override;  // pread()
  void release(std::uint64_t offset) override;
  void evict(std::uint64_t begin, std::uint64_t end) override;
  std::optional<std::uint64_t> size() const override { return size_; }
  bool stable_pointers() const override { return true; }

 private:
  int fd_ = -1;  // kept for peek()
  const std::uint8_t* base_ = nullptr;
  std::uint64_t size_ = 0;
  std::uint64_t released_ = 0;  // page-aligned offset below which pages were dropped
};

class StreamSource final : public TraceSource {
 public:
  // Reads from fd (not owned, not closed). read_chunk_bytes is the read() size.
  explicit StreamSource(int fd, std::size_t read_chunk_bytes = 1 << 20);

  std::uint64_t ensure(std::uint64_t end_offset) override;
  const std::uint8_t* at(std::uint64_t offset) const override { return buffer_.data() + (offset - base_); }
  void release(std::uint64_t offset) override;
  std::optional<std::uint64_t> size() const override { return std::nullopt; }

 private:
  int fd_;
  std::size_t chunk_;
  std::vector<std::uint8_t> buffer_;  // bytes [base_, base_ + buffer_.size())
  std::uint64_t base_ = 0;
  bool eof_ = false;
};

// A MappedFileSource for regular files, a StreamSource otherwise ("-" is stdin).
// Throws IoError.
std::unique_ptr<TraceSource> open_trace_source(const std::string& path);

}  // namespace tracebench::trace
