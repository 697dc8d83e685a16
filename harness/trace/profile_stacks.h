#pragma once
// The distinct stacks of the delay profiles, kept after their generation's tables are
// gone: a stack is identified by its PCs (as cmd/trace deduplicates them), a frame by
// its PC (as a pprof Location). Key 0 is the empty stack.
//
// Not thread-safe. intern() needs the generation's tables; a stack ID missing from
// them (a generation cut before its stack table) interns as the empty stack.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "trace/generation_info.h"
#include "trace/goroutine_states.h"

namespace tracebench::trace {

class ProfileStacks {
 public:
  ProfileStacks();

  void begin_generation(const GenerationTables& tables) {
    tables_ = &tables;
    cache_.clear();
  }
  // The key of stack `id` of this generation; 0 for no stack.
  std::uint32_t intern(std::uint64_t id);

  const std::vector<std::uint32_t>& frames_of(std::uint32_t key) const { return stacks_[key]; }
  const std::vector<ProfileFrame>& frames() const { return frames_; }

 private:
  static constexpr std::uint32_t kUncached = ~std::uint32_t{0};
  std::uint32_t intern_slow(std::uint64_t id);
  std::uint32_t frame_index(std::uint64_t pc, std::uint64_t func, std::uint64_t file, std::uint64_t line);

  const GenerationTables* tables_ = nullptr;
  std::vector<std::uint32_t> cache_;  // per generation, by stack ID (small IDs)
  std::unordered_map<std::string, std::uint32_t> by_pcs_;
  std::vector<std::vector<std::uint32_t>> stacks_;
  std::unordered_map<std::uint64_t, std::uint32_t> by_pc_;
  std::vector<ProfileFrame> frames_;
};

}  // namespace tracebench::trace
