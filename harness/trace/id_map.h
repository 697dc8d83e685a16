#pragma once
// IdMap: an open-addressing hash map from 64-bit IDs (goroutine, thread, task IDs)
// to small values, for the per-event paths where std::unordered_map's node
// allocations cost too much. Linear probing, power-of-two capacity, load <= 1/2,
// deletion by backward shift (no tombstones). Any key is allowed, including ~0.
//
// Not thread-safe. Pointers returned by find()/insert are invalidated by the next insert
// or erase.

#include <cstdint>
#include <utility>
#include <vector>

namespace tracebench::trace {

template <class V>
class IdMap {
 public:
  IdMap() { rehash(16); }

  std::size_t size() const { return size_; }

  V* find(std::uint64_t key) {
    std::size_t i = slot_of(key);
    while (used_[i]) {
      if (keys_[i] == key) return &values_[i];
      i = (i + 1) & mask_;
    }
    return nullptr;
  }

  // Returns the value for key, inserting a default one if absent; second is true
  // when it was inserted.
  std::pair<V*, bool> try_emplace(std::uint64_t key) {
    if (2 * (size_ + 1) > keys_.size()) rehash(keys_.size() * 2);
    std::size_t i = slot_of(key);
    while (used_[i]) {
      if (keys_[i] == key) return {&values_[i], false};
      i = (i + 1) & mask_;
    }
    used_[i] = 1;
    keys_[i] = key;
    values_[i] = V{};
    ++size_;
    return {&values_[i], true};
  }

  bool erase(std::uint64_t key) {
    std::size_t i = slot_of(key);
    while (used_[i] && keys_[i] != key) i = (i + 1) & mask_;
    if (!used_[i]) return false;
    // Backward-shift deletion keeps every probe chain unbroken.
    std::size_t hole = i;
    for (std::size_t j = (i + 1) & mask_; used_[j]; j = (j + 1) & mask_) {
      std::size_t home = slot_of(keys_[j]);
      bool movable = (hole <= j) ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        keys_[hole] = keys_[j];
        values_[hole] = std::move(values_[j]);
        hole = j;
      }
    }
    used_[hole] = 0;
    values_[hole] = V{};
    --size_;
    return true;
  }

  // Erases every entry for which pred(key, value) is true, in one pass: a rebuild, so
  // erasing most of a large table costs O(capacity) instead of a shift per entry.
  template <class Pred>
  void erase_if(Pred&& pred) {
    std::vector<std::uint64_t> keys;
    std::vector<V> values;
    keys.reserve(size_);
    values.reserve(size_);
    for (std::size_t i = 0; i < keys_.size(); ++i) {
      if (used_[i] && !pred(keys_[i], values_[i])) {
        keys.push_back(keys_[i]);
        values.push_back(std::move(values_[i]));
      }
    }
    std::size_t capacity = 16;
    while (capacity < 2 * keys.size() + 2) capacity *= 2;
    // New vectors, so that a table that shrank gives its room back.
    std::vector<std::uint64_t>(capacity, 0).swap(keys_);
    std::vector<V>(capacity, V{}).swap(values_);
    std::vector<std::uint8_t>(capacity, 0).swap(used_);
    mask_ = capacity - 1;
    shift_ = 64;
    for (std::size_t c = capacity >> 4; c > 1; c >>= 1) --shift_;
    if (shift_ > 63) shift_ = 63;
    size_ = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      std::size_t j = slot_of(keys[i]);
      while (used_[j]) j = (j + 1) & mask_;
      used_[j] = 1;
      keys_[j] = keys[i];
      values_[j] = std::move(values[i]);
      ++size_;
    }
  }

  void clear() {
    keys_.assign(16, 0);
    values_.assign(16, V{});
    used_.assign(16, 0);
    mask_ = 15;
    shift_ = 63;
    size_ = 0;
  }

  template <class F>
  void for_each(F&& f) {
    for (std::size_t i = 0; i < keys_.size(); ++i)
      if (used_[i]) f(keys_[i], values_[i]);
  }

 private:
  std::size_t slot_of(std::uint64_t key) const {
    // Goroutine, task and thread IDs are mostly sequential: keep runs of 16 consecutive
    // IDs in adjacent slots (cache locality), and scatter the runs by Fibonacci
    // hashing so that strided or crafted IDs cannot pile into one probe chain.
    const std::uint64_t run = (key >> 4) * 0x9E3779B97F4A7C15ull;
    return static_cast<std::size_t>(((run >> shift_) << 4) | (key & 15)) & mask_;
  }

  void rehash(std::size_t capacity) {
    std::vector<std::uint64_t> keys(capacity);
    std::vector<V> values(capacity);
    std::vector<std::uint8_t> used(capacity);
    std::swap(keys, keys_);
    std::swap(values, values_);
    std::swap(used, used_);
    mask_ = capacity - 1;
    shift_ = 64;
    for (std::size_t c = capacity >> 4; c > 1; c >>= 1) --shift_;
    if (shift_ > 63) shift_ = 63;  // a 16-slot table uses the low key bits only
    size_ = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (!used[i]) continue;
      std::size_t j = slot_of(keys[i]);
      while (used_[j]) j = (j + 1) & mask_;
      used_[j] = 1;
      keys_[j] = keys[i];
      values_[j] = std::move(values[i]);
      ++size_;
    }
  }

  std::vector<std::uint64_t> keys_;
  std::vector<V> values_;
  std::vector<std::uint8_t> used_;
  std::size_t mask_ = 0;
  unsigned shift_ = 0;
  std::size_t size_ = 0;
};

}  // namespace tracebench::trace
