#pragma once
// Names for the analyses (region, task and log category names, goroutine start
// functions): IDs of a generation's string and stack tables resolved into the
// trace-wide NameTable (tables.h), which keeps them after the generation is gone,
// with a per-generation cache by ID.
//
// Thread safety: the interpreting thread resolves; name_of() may be called from the
// matching thread meanwhile (a mutex guards the table). name() only when no other
// thread uses the resolver.
// Errors: a string ID missing from its generation's table is a bad record
// (FormatError in strict mode, else counted as unknown_string_id), except in a
// generation cut short, which lacks its tables.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <mutex>
#include <string>
#include <vector>

#include "trace/errors.h"
#include "trace/generation_info.h"
#include "trace/tables.h"

namespace tracebench::trace {

class NameResolver {
 public:
  // max_names: distinct names kept (the rest share one, and capped() says so).
  // issues must outlive the resolver.
  NameResolver(std::size_t max_names, bool strict, IssueCounts& issues)
      : strict_(strict), issues_(issues), names_(max_names) {}

  // tables stay valid until end_generation.
  void begin_generation(const GenerationInfo& info, const GenerationTables& tables);
  void end_generation() { tables_ = nullptr; }

  // The name of string `id` of this generation (0 when unknown); offset: the file
  // offset of the event that refers to it, for the error.
  std::uint32_t string_name(std::uint64_t id, std::uint64_t offset) {
    if (id < string_names_.size() && string_names_[id] != kUncached) [[likely]]
      return string_names_[id];
    return string_name_slow(id, offset);
  }
  // The function of a stack's innermost frame (GoCreate's new_stack holds just the
  // goroutine's start PC); 0 when unknown.
  std::uint32_t start_function(std::uint64_t stack_id) { return cached_stack_function(start_names_, stack_id, false); }
  // The function of a stack's outermost frame (the root of a blocking stack).
  std::uint32_t root_function(std::uint64_t stack_id) { return cached_stack_function(root_names_, stack_id, true); }

  // A copy of a name, safe beside the interpreting thread.
  std::string name_of(std::uint32_t id);
  const std::string& name(std::uint32_t id) const { return names_.name(id); }
  bool capped() const { return names_.capped(); }

 private:
  static constexpr std::uint32_t kUncached = std::numeric_limits<std::uint32_t>::max();
  // String and stack IDs above this are resolved without the per-generation cache.
  static constexpr std::uint64_t kMaxCachedId = 1 << 20;

  [[gnu::noinline]] std::uint32_t string_name_slow(std::uint64_t id, std::uint64_t offset);
  std::uint32_t stack_function(std::uint64_t stack_id, bool outermost);
  std::uint32_t cached_stack_function(std::vector<std::uint32_t>& cache, std::uint64_t stack_id, bool outermost) {
    if (stack_id >= kMaxCachedId) return stack_function(stack_id, outermost);
    if (stack_id >= cache.size()) cache.resize(std::max<std::size_t>(stack_id + 1, cache.size() * 2), kUncached);
    if (cache[stack_id] == kUncached) cache[stack_id] = stack_function(stack_id, outermost);
    return cache[stack_id];
  }

  bool strict_;
  IssueCounts& issues_;
  NameTable names_;
  std::mutex mutex_;  // intern() here, name() from a deferred matcher
  const GenerationTables* tables_ = nullptr;
  bool gen_truncated_ = false;
  // Per generation, by ID: the name, or kUncached.
  std::vector<std::uint32_t> string_names_;
  std::vector<std::uint32_t> start_names_;
  std::vector<std::uint32_t> root_names_;
};

}  // namespace tracebench::trace
