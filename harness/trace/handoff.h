#pragma once
// Handoff<T>: a fixed ring of reusable slots through which one thread (the producer)
// hands work to another (the consumer), in order. Slots are filled in place and keep
// their storage, so a steady stream of work allocates nothing. A waiting side spins
// briefly, then sleeps on a condition variable; a full ring lets its producer go on
// only once half of it is free again, so a fast producer does not wake up for every
// slot.
//
// Besides the ring, a counter the consumer advances (progress()) lets the producer wait
// for the consumer to get somewhere (wait_for_progress()).
//
// Thread safety: exactly one producer thread (reserve, publish, wait_for_progress)
// and one consumer thread (front, pop, advance); a slot belongs to the producer from
// reserve() to publish() and to the consumer from front() to pop(). No exceptions
// besides std::bad_alloc and std::system_error from the constructor and locking.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tracebench::trace {

template <class T>
class Handoff {
 public:
  // capacity: number of slots (at least 2).
  explicit Handoff(std::size_t capacity) : slots_(capacity < 2 ? 2 : capacity) {}
  Handoff(const Handoff&) = delete;
  Handoff& operator=(const Handoff&) = delete;

  // Producer: the next slot to fill (ahead = 0), or the one after it (ahead = 1, to
  // fill two before publishing them in order), waiting while the ring is full.
  // ahead must be below capacity / 2.
  T& reserve(std::size_t ahead = 0) {
    const std::uint64_t h = head_.load(std::memory_order_relaxed) + ahead;
    const std::uint64_t n = slots_.size();
    if (h - tail_.load(std::memory_order_acquire) >= n)
      await(producer_waiting_, [&] { return h - tail_.load(std::memory_order_acquire) < n / 2; });
    return slots_[h % n];
  }
  // Producer: hands the reserved slot over.
  void publish() {
    head_.store(head_.load(std::memory_order_relaxed) + 1, std::memory_order_seq_cst);
    wake(consumer_waiting_);
  }
  // Producer: waits until the consumer's progress counter reaches at least value.
  void wait_for_progress(std::uint64_t value) {
    if (progress_.load(std::memory_order_acquire) < value)
      await(producer_waiting_, [&] { return progress_.load(std::memory_order_acquire) >= value; });
  }

  // Consumer: the oldest published slot, waiting while there is none.
  T& front() {
    const std::uint64_t t = tail_.load(std::memory_order_relaxed);
    if (head_.load(std::memory_order_acquire) == t)
      await(consumer_waiting_, [&] { return head_.load(std::memory_order_acquire) != t; });
    return slots_[t % slots_.size()];
  }
  // Consumer: gives the front slot back to the producer.
  void pop() {
    const std::uint64_t t = tail_.load(std::memory_order_relaxed) + 1;
    tail_.store(t, std::memory_order_seq_cst);
    // Only when a producer waiting for room would go on (see reserve).
    if (head_.load(std::memory_order_seq_cst) - t < slots_.size() / 2) wake(producer_waiting_);
  }
  // Consumer: advances the progress counter by one.
  void advance() {
    progress_.store(progress_.load(std::memory_order_relaxed) + 1, std::memory_order_seq_cst);
    wake(producer_waiting_);
  }
  std::uint64_t progress() const { return progress_.load(std::memory_order_acquire); }

 private:
  // Spins for about a microsecond, then sleeps until ready() holds. The waiting flag
  // is set before ready() is checked under the lock, and the other side reads it
  // after its (sequentially consistent) store, so a wake-up is never lost.
  template <class Ready>
  void await(std::atomic<bool>& waiting, Ready ready) {
    for (int i = 0; i < 256; ++i) {
      if (ready()) return;
#if defined(__SSE2__)
      _mm_pause();
#endif
    }
    std::unique_lock<std::mutex> lock(mutex_);
    waiting.store(true, std::memory_order_seq_cst);
    cv_.wait(lock, ready);
    waiting.store(false, std::memory_order_relaxed);
  }
  void wake(std::atomic<bool>& waiting) {
    if (waiting.load(std::memory_order_seq_cst)) {
      std::lock_guard<std::mutex> lock(mutex_);
      cv_.notify_all();
    }
  }

  std::vector<T> slots_;
  alignas(64) std::atomic<std::uint64_t> head_{0};  // slots published
  alignas(64) std::atomic<std::uint64_t> tail_{0};  // slots given back
  alignas(64) std::atomic<std::uint64_t> progress_{0};
  std::atomic<bool> producer_waiting_{false};
  std::atomic<bool> consumer_waiting_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
};

}  // namespace tracebench::trace
