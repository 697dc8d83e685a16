#pragma once
// What the scan of one event batch hands to its interpretation (decoder.h): where the
// batch lies, how many events it framed, and a note per special event (one the
// interpreter must look at: goroutine changes, events the sink asked for).
//
// Plain values, reused from batch to batch; one thread at a time.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>

namespace tracebench::trace {

// A special event found by the scanner, in 16 bytes: its time, where it lies in its
// batch's payload (batches are at most 64 KiB), and how many events of the batch
// came before it. The scanner writes it as two little-endian words: the time, and
// start | index << 16 | size << 32 | type << 40.
struct SpecialRef {
  std::uint64_t ts;      // ns
  std::uint16_t start;   // payload offset of its type byte
  std::uint16_t index;   // events of the batch before it
  std::uint8_t size;     // wire bytes (at most 52)
  std::uint8_t type;
};
inline constexpr std::uint32_t kNoteBytes = 16;
static_assert(sizeof(SpecialRef) == kNoteBytes);

// A growable array of SpecialRefs that, unlike std::vector::resize, does not
// initialise the room it makes: the scanner writes it.
class SpecialBuffer {
 public:
  std::size_t size() const { return size_; }
  SpecialRef* data() { return data_.get(); }
  const SpecialRef* data() const { return data_.get(); }
  // Room for n more; returns where they go. Invalidates earlier pointers.
  SpecialRef* reserve_more(std::size_t n) {
    if (size_ + n > capacity_) {
      std::size_t cap = std::max<std::size_t>(capacity_ * 2, size_ + n);
      std::unique_ptr<SpecialRef[]> bigger(new SpecialRef[cap]);  // default-initialised: not zeroed
      if (size_ != 0) std::memcpy(bigger.get(), data_.get(), size_ * sizeof(SpecialRef));
      data_ = std::move(bigger);
      capacity_ = cap;
    }
    return data_.get() + size_;
  }
  // Keeps n of the records written after reserve_more.
  void commit(std::size_t n) { size_ += n; }
  void clear() { size_ = 0; }

 private:
  std::unique_ptr<SpecialRef[]> data_;
  std::size_t size_ = 0, capacity_ = 0;
};

// One scanned event batch and its special events, in file order.
struct BatchNotes {
  std::uint32_t batch = 0;             // index in the generation's batches
  const std::uint8_t* base = nullptr;  // first payload byte
  std::uint32_t end = 0;               // payload offset after the last framed event
  std::uint32_t events = 0;            // events framed
  SpecialBuffer specials;
};

}  // namespace tracebench::trace
