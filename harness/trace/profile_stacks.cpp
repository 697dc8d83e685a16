#include "trace/profile_stacks.h"

#include <cstring>

#include "trace/tables.h"

namespace tracebench::trace {

namespace {
// Stack IDs up to this are cached per generation in a vector; runtime IDs are dense from 1.
constexpr std::uint64_t kMaxCachedId = 1 << 20;
}  // namespace

ProfileStacks::ProfileStacks() { stacks_.emplace_back(); }

std::uint32_t ProfileStacks::intern(std::uint64_t id) {
  if (id == 0) return 0;
  if (id >= kMaxCachedId) return intern_slow(id);
  if (id >= cache_.size()) cache_.resize(id + 1, kUncached);
  if (cache_[id] == kUncached) cache_[id] = intern_slow(id);
  return cache_[id];
}

std::uint32_t ProfileStacks::intern_slow(std::uint64_t id) {
  const StackRef* s = tables_ ? tables_->stacks.find(id) : nullptr;
  if (s == nullptr || s->nframes == 0) return 0;
  std::string pcs(static_cast<std::size_t>(s->nframes) * sizeof(std::uint64_t), '\0');
  std::vector<Frame> decoded(s->nframes);
  for (std::uint32_t i = 0; i < s->nframes; ++i) {
    if (!StackTable::frame(*s, i, decoded[i])) decoded.resize(i);
    if (decoded.size() <= i) break;
    std::memcpy(pcs.data() + i * sizeof(std::uint64_t), &decoded[i].pc, sizeof(std::uint64_t));
  }
  // cmd/trace compares stacks by their PCs padded with zeros: trailing zero PCs do not
  // count, and a stack of zero PCs is no stack.
  while (!decoded.empty() && decoded.back().pc == 0) decoded.pop_back();
  if (decoded.empty()) return 0;
  pcs.resize(decoded.size() * sizeof(std::uint64_t));
  auto [it, inserted] = by_pcs_.try_emplace(std::move(pcs), static_cast<std::uint32_t>(stacks_.size()));
  if (!inserted) return it->second;
  std::vector<std::uint32_t> frames;
  frames.reserve(decoded.size());
  for (const Frame& f : decoded) frames.push_back(frame_index(f.pc, f.func_string, f.file_string, f.line));
  stacks_.push_back(std::move(frames));
  return it->second;
}

std::uint32_t ProfileStacks::frame_index(std::uint64_t pc, std::uint64_t func, std::uint64_t file,
                                         std::uint64_t line) {
  auto [it, inserted] = by_pc_.try_emplace(pc, static_cast<std::uint32_t>(frames_.size()));
  if (!inserted) return it->second;
  ProfileFrame f;
  f.pc = pc;
  if (const std::string_view* s = tables_->strings.find(func)) f.function = std::string(*s);
  if (const std::string_view* s = tables_->strings.find(file)) f.file = std::string(*s);
  f.line = static_cast<std::int64_t>(line);
  frames_.push_back(std::move(f));
  return it->second;
}

}  // namespace tracebench::trace
