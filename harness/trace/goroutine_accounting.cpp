#include "trace/goroutine_accounting.h"

#include <algorithm>

#include "trace/tick_converter.h"

namespace tracebench::trace {

std::uint32_t GoroutineAccounting::slot_lookup(std::uint64_t goid) {
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
    ++out_.seen;
  }
  return *idx;
}

void GoroutineAccounting::fold(const GoroutineSlot& s) {
  if (s.name >= functions_.size()) functions_.resize(s.name + 1);
  FunctionAcc& f = functions_[s.name];
  ++f.goroutines;
  f.created += s.created ? 1 : 0;
  f.events += s.events;
  f.bytes += s.bytes;
  if (s.created && s.destroyed) lifetimes_.record(wrapping_difference_ns(s.destroyed_ns, s.created_ns));
  const std::size_t k = std::max<std::size_t>(top_goroutines_, 1);
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
void GoroutineAccounting::end_generation() {
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

void GoroutineAccounting::finish() {
  slot_index_.for_each([&](std::uint64_t, std::uint32_t& idx) { fold(slots_[idx]); });
  std::sort(top_.begin(), top_.end(), [](const auto& a, const auto& b) {
    return a.first.events != b.first.events ? a.first.events > b.first.events : a.first.goid < b.first.goid;
  });
  for (auto& [t, name] : top_) {
    t.start_function = names_.name(name);
    out_.top.push_back(t);
  }
  std::vector<std::uint32_t> order;
  for (std::uint32_t i = 0; i < functions_.size(); ++i)
    if (functions_[i].goroutines != 0) order.push_back(i);
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return functions_[a].events > functions_[b].events; });
  if (order.size() > top_goroutines_) order.resize(top_goroutines_);
  for (std::uint32_t i : order) {
    const FunctionAcc& f = functions_[i];
    out_.by_function.push_back({names_.name(i), f.goroutines, f.created, f.events, f.bytes});
  }
  out_.lifetimes = lifetimes_.count();
  out_.lifetime_p50_ns = lifetimes_.quantile(0.5);
  out_.lifetime_p99_ns = lifetimes_.quantile(0.99);
}

}  // namespace tracebench::trace
