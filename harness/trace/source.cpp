#include "trace/source.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "trace/errors.h"

namespace tracebench::trace {
namespace {

IoError io_error(const std::string& what, const std::string& path, int err) {
  return IoError(fmt::format("{} {}: {}", what, path, std::strerror(err)));
}

// Closes an fd on scope exit (the mapping outlives it).
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::size_t TraceSource::peek(std::uint64_t offset, std::size_t n, std::uint8_t* out) {
  const std::uint64_t avail = ensure(offset + n);
  if (avail <= offset) return 0;
  const auto got = static_cast<std::size_t>(std::min<std::uint64_t>(n, avail - offset));
  std::memcpy(out, at(offset), got);
  return got;
}

std::uint64_t MemorySource::ensure(std::uint64_t end_offset) {
  return std::min<std::uint64_t>(end_offset, bytes_.size());
}

MappedFileSource::MappedFileSource(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw io_error("cannot open", path, errno);
  FdCloser closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw io_error("cannot stat", path, errno);
  size_ = static_cast<std::uint64_t>(st.st_size);
  if (size_ == 0) return;
  void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) throw io_error("cannot map", path, errno);
  // The reader goes front to back once: ask for aggressive read-ahead.
  ::madvise(p, size_, MADV_SEQUENTIAL);
  base_ = static_cast<const std::uint8_t*>(p);
  fd_ = fd;
  closer.fd = -1;
}

MappedFileSource::~MappedFileSource() {
  if (base_ != nullptr) ::munmap(const_cast<std::uint8_t*>(base_), size_);
  if (fd_ >= 0) ::close(fd_);
}

std::size_t MappedFileSource::peek(std::uint64_t offset, std::size_t n, std::uint8_t* out) {
  if (offset >= size_) return 0;
  n = static_cast<std::size_t>(std::min<std::uint64_t>(n, size_ - offset));
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd_, out + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;  // the mapping still serves what pread cannot
    got += static_cast<std::size_t>(r);
  }
  if (got < n) std::memcpy(out + got, base_ + offset + got, n - got);
  return n;
}

std::uint64_t MappedFileSource::ensure(std::uint64_t end_offset) { return std::min(end_offset, size_); }

namespace {
const std::uint64_t kPageBytes = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}  // namespace

void MappedFileSource::release(std::uint64_t offset) {
  // Drop whole pages below offset from this process's resident set, so RSS stays at
  // about what is being read however large the file. Reading them again would fault
  // them back in from page cache, but the reader never goes back.
  std::uint64_t end = std::min(offset, size_) / kPageBytes * kPageBytes;
  if (base_ == nullptr || end <= released_) return;
  ::madvise(const_cast<std::uint8_t*>(base_) + released_, end - released_, MADV_DONTNEED);
  released_ = end;
}

void MappedFileSource::evict(std::uint64_t begin, std::uint64_t end) {
  // Only pages wholly inside the range: a page it shares with bytes still to be read
  // stays. Dropping is only a hint; a page read again comes back from page cache.
  begin = std::max(begin, released_);
  begin = (begin + kPageBytes - 1) / kPageBytes * kPageBytes;
  end = std::min(end, size_) / kPageBytes * kPageBytes;
  if (base_ == nullptr || end <= begin) return;
  ::madvise(const_cast<std::uint8_t*>(base_) + begin, end - begin, MADV_DONTNEED);
}

StreamSource::StreamSource(int fd, std::size_t read_chunk_bytes)
    : fd_(fd), chunk_(std::max<std::size_t>(read_chunk_bytes, 4096)) {}

std::uint64_t StreamSource::ensure(std::uint64_t end_offset) {
  while (!eof_ && base_ + buffer_.size() < end_offset) {
    std::size_t old = buffer_.size();
    buffer_.resize(old + chunk_);
    ssize_t n;
    do {
      n = ::read(fd_, buffer_.data() + old, chunk_);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      int err = errno;
      buffer_.resize(old);
      throw IoError(fmt::format("cannot read trace stream: {}", std::strerror(err)));
    }
    buffer_.resize(old + static_cast<std::size_t>(n));
    if (n == 0) eof_ = true;
  }
  return std::min<std::uint64_t>(end_offset, base_ + buffer_.size());
}

void StreamSource::release(std::uint64_t offset) {
  if (offset <= base_) return;
  std::uint64_t drop = std::min<std::uint64_t>(offset - base_, buffer_.size());
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(drop));
  base_ += drop;
  // Give memory back after a large generation rather than keeping the peak forever.
  if (buffer_.capacity() > 4 * (buffer_.size() + chunk_)) buffer_.shrink_to_fit();
}

std::unique_ptr<TraceSource> open_trace_source(const std::string& path) {
  if (path == "-") return std::make_unique<StreamSource>(STDIN_FILENO);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw io_error("cannot open", path, errno);
  if (S_ISDIR(st.st_mode)) throw IoError(fmt::format("cannot read {}: it is a directory", path));
  if (S_ISREG(st.st_mode)) return std::make_unique<MappedFileSource>(path);
  // A FIFO or character device: read it as a stream. The fd must outlive the
  // source, so keep it in a small owning wrapper.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw io_error("cannot open", path, errno);
  struct OwningStream final : TraceSource {
    int fd;
    StreamSource inner;
    explicit OwningStream(int f) : fd(f), inner(f) {}
    ~OwningStream() override { ::close(fd); }
    std::uint64_t ensure(std::uint64_t e) override { return inner.ensure(e); }
    const std::uint8_t* at(std::uint64_t o) const override { return inner.at(o); }
    void release(std::uint64_t o) override { inner.release(o); }
    std::optional<std::uint64_t> size() const override { return std::nullopt; }
  };
  return std::make_unique<OwningStream>(fd);
}

}  // namespace tracebench::trace
