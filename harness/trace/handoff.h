#pragma once
// Handoff<T>: a fixed ring of reusable slots through which one thread (the producer)
// hands work to another (the consumer), in order. Slots are filled in place and keep
// their storage, so a steady stream of work allocates nothing. A waiting side spins
// briefly, then sleeps on a condition variable. Neither side wakes up for every slot:
// a full ring lets its producer go on only once half of it is free again, an empty
// one its consumer once half of it is filled or an urgent slot (one that the
// producer may wait on, see publish) was published.
//
// Besides the ring, a counter the consumer advances (progress()) lets the producer wait
// for the consumer to get somewhere (wait_for_progress()), and either side can wait
// for a condition of its own that the other side makes true and then wake()s it
// (producer_await, consumer_await). While it waits, either side can do other work
// instead: every wait takes an `idle` object with `bool pending()` (true when there
// is such work to take now; whoever makes it true calls wake()) and `void run()`
// (does one piece of it, or nothing if the other side took it first).
//
// Thread safety: exactly one producer thread (reserve, publish, wait_for_progress,
// producer_await) and one consumer thread (front, pop, advance, consumer_await);
// wake() from either; an idle object is used by both. A slot belongs to the producer from reserve() to publish() and
// to the consumer from front() to pop(). No exceptions besides std::bad_alloc and
// std::system_error from the constructor and locking, and what idle.run() throws.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tracebench::trace {

// The producer's idle work when it has none.
struct NoIdleWork {
  bool pending() const { return false; }
  void run() {}
};

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
  template <class Idle = NoIdleWork>
  T& reserve(std::size_t ahead = 0, Idle&& idle = Idle{}) {
    const std::uint64_t h = head_.load(std::memory_order_relaxed) + ahead;
    const std::uint64_t n = slots_.size();
    if (h - tail_.load(std::memory_order_acquire) >= n)
      producer_await([&] { return h - tail_.load(std::memory_order_seq_cst) < n / 2; }, idle);
    return slots_[h % n];
  }
  // Producer: hands the reserved slot over. urgent: the consumer should take it even
  // if the ring is nearly empty (the producer may wait for what it leads to).
  void publish(bool urgent = false) {
    const std::uint64_t h = head_.load(std::memory_order_relaxed) + 1;
    if (urgent) urgent_.store(h, std::memory_order_relaxed);
    head_.store(h, std::memory_order_seq_cst);
    if (urgent || h - tail_.load(std::memory_order_seq_cst) >= slots_.size() / 2) wake(consumer_waiting_);
  }
  // Producer: waits until the consumer's progress counter reaches at least value.
  template <class Idle = NoIdleWork>
  void wait_for_progress(std::uint64_t value, Idle&& idle = Idle{}) {
    producer_await([&] { return progress_.load(std::memory_order_seq_cst) >= value; }, idle);
  }
  // Producer: waits until ready() holds, doing idle work meanwhile.
  template <class Ready, class Idle>
  void producer_await(Ready ready, Idle& idle) {
    await_idle(producer_waiting_, ready, idle);
  }

  // Consumer: the oldest published slot, waiting while there is none.
  template <class Idle = NoIdleWork>
  T& front(Idle&& idle = Idle{}) {
    const std::uint64_t t = tail_.load(std::memory_order_relaxed);
    if (head_.load(std::memory_order_acquire) == t)
      await_idle(consumer_waiting_, [&] {
        const std::uint64_t h = head_.load(std::memory_order_seq_cst);
        return h - t >= slots_.size() / 2 || (h != t && urgent_.load(std::memory_order_relaxed) > t);
      }, idle);
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
  // Consumer: waits until ready() holds, doing idle work meanwhile.
  template <class Ready, class Idle>
  void consumer_await(Ready ready, Idle& idle) {
    await_idle(consumer_waiting_, ready, idle);
  }

  // Either side: wakes the other if it waits, to check its condition again. Call it
  // after a (sequentially consistent) store that may make that condition true.
  void wake() {
    wake(producer_waiting_);
    wake(consumer_waiting_);
  }

 private:
  template <class Ready, class Idle>
  void await_idle(std::atomic<bool>& waiting, Ready ready, Idle& idle) {
    for (;;) {
      if (ready()) return;
      if (idle.pending()) {
        idle.run();
        continue;
      }
      await(waiting, [&] { return ready() || idle.pending(); });
    }
  }

  // Spins for about a microsecond, then sleeps until ready() holds. The waiting flag
  // is set before ready() is checked under the lock, and the other side reads it
  // after its store, all sequentially consistent (ready()'s loads too), so a wake-up
  // is never lost.
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
  std::atomic<std::uint64_t> urgent_{0};  // head_ after the last urgent slot
  alignas(64) std::atomic<std::uint64_t> tail_{0};  // slots given back
  alignas(64) std::atomic<std::uint64_t> progress_{0};
  std::atomic<bool> producer_waiting_{false};
  std::atomic<bool> consumer_waiting_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
};

}  // namespace tracebench::trace
