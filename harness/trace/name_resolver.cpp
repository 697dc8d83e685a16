#include "trace/name_resolver.h"

#include <fmt/core.h>

#include <algorithm>

namespace tracebench::trace {

void NameResolver::begin_generation(const GenerationInfo& info, const GenerationTables& tables) {
  tables_ = &tables;
  gen_truncated_ = info.truncated;
  string_names_.assign(std::min<std::size_t>(tables.strings.size() + 1, kMaxCachedId), kUncached);
  start_names_.clear();
  root_names_.clear();
}

std::uint32_t NameResolver::string_name_slow(std::uint64_t id, std::uint64_t offset) {
  const std::string_view* s = tables_->strings.find(id);
  std::uint32_t name = 0;
  if (s == nullptr) {
    // A cut-short generation lacks its string table (written at its end).
    if (!gen_truncated_)
      report_bad_record(strict_, issues_, Issue::kUnknownStringId, offset,
                        "a string ID of this generation's string table", fmt::format("string ID {}", id));
  } else {
    std::lock_guard<std::mutex> lock(mutex_);
    name = names_.intern(*s);
  }
  if (id < string_names_.size()) string_names_[id] = name;
  return name;
}

std::string NameResolver::name_of(std::uint32_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  return names_.name(id);
}

std::uint32_t NameResolver::stack_function(std::uint64_t stack_id, bool outermost) {
  const StackRef* s = tables_->stacks.find(stack_id);
  if (s == nullptr || s->nframes == 0) return 0;
  Frame f;
  if (!StackTable::frame(*s, outermost ? s->nframes - 1 : 0, f)) return 0;
  const std::string_view* name = tables_->strings.find(f.func_string);
  if (name == nullptr) return 0;
  std::lock_guard<std::mutex> lock(mutex_);
  return names_.intern(*name);
}

}  // namespace tracebench::trace
