#include "trace/tables.h"

#include <algorithm>

#include "trace/varint.h"

namespace tracebench::trace {

namespace {

// Empties a dense table for the next generation: the room this one used is kept (the
// next has about as many entries), room far beyond it is given back, so that memory
// follows the current generation rather than the largest so far.
template <class T>
void clear_dense(std::vector<T>& dense, std::vector<std::uint8_t>& present, std::size_t& extent,
                 std::size_t slack) {
  if (dense.size() > 2 * extent + slack) {
    const std::size_t keep = extent + extent / 2;
    std::vector<T>(keep).swap(dense);
    std::vector<std::uint8_t>(keep, 0).swap(present);
  } else {
    std::fill(present.begin(), present.end(), 0);
  }
  extent = 0;
}

}  // namespace

void StringTable::clear() {
  clear_dense(dense_, dense_present_, extent_, kDenseSlack);
  sparse_.clear();
  count_ = 0;
}

bool StringTable::insert(std::uint64_t id, std::string_view s) {
  if (id < dense_.size() || id <= 2 * count_ + kDenseSlack) {
    if (id >= dense_.size()) {
      dense_.resize(id + 1 + dense_.size() / 2);
      dense_present_.resize(dense_.size());
    }
    if (dense_present_[id]) return false;
    dense_present_[id] = 1;
    dense_[id] = s;
    extent_ = std::max<std::size_t>(extent_, id + 1);
  } else if (!sparse_.emplace(id, s).second) {
    return false;
  }
  ++count_;
  return true;
}

const std::string_view* StringTable::find(std::uint64_t id) const {
  static constexpr std::string_view kEmpty;
  if (id < dense_.size()) {
    if (dense_present_[id]) return &dense_[id];
  } else if (auto it = sparse_.find(id); it != sparse_.end()) {
    return &it->second;
  }
  return id == 0 ? &kEmpty : nullptr;
}

void StackTable::clear() {
  clear_dense(dense_, dense_present_, extent_, kDenseSlack);
  sparse_.clear();
  count_ = 0;
}

bool StackTable::insert(std::uint64_t id, StackRef s) {
  if (id < dense_.size() || id <= 2 * count_ + kDenseSlack) {
    if (id >= dense_.size()) {
      dense_.resize(id + 1 + dense_.size() / 2);
      dense_present_.resize(dense_.size());
    }
    if (dense_present_[id]) return false;
    dense_present_[id] = 1;
    dense_[id] = s;
    extent_ = std::max<std::size_t>(extent_, id + 1);
  } else if (!sparse_.emplace(id, s).second) {
    return false;
  }
  ++count_;
  return true;
}

const StackRef* StackTable::find(std::uint64_t id) const {
  if (id < dense_.size()) return dense_present_[id] ? &dense_[id] : nullptr;
  auto it = sparse_.find(id);
  return it == sparse_.end() ? nullptr : &it->second;
}

bool StackTable::frame(const StackRef& s, std::uint32_t index, Frame& out) {
  if (index >= s.nframes) return false;
  const std::uint8_t* p = s.frames;
  const std::uint8_t* end = s.frames + s.frame_bytes;
  std::uint64_t v[4];
  for (std::uint32_t f = 0; f <= index; ++f) {
    for (auto& x : v) {
      p = read_uvarint(p, end, x);
      if (p == nullptr) return false;
    }
  }
  out = Frame{v[0], v[1], v[2], v[3]};
  return true;
}

NameTable::NameTable(std::size_t capacity) : capacity_(capacity < 2 ? 2 : capacity) {
  names_.emplace_back();
  ids_.emplace(std::string(), 0);
}

std::uint32_t NameTable::intern(std::string_view name) {
  if (auto it = ids_.find(std::string(name)); it != ids_.end()) return it->second;
  if (names_.size() + 1 >= capacity_) {
    capped_ = true;
    if (other_id_ == 0) {
      other_id_ = static_cast<std::uint32_t>(names_.size());
      names_.emplace_back("(other)");
      ids_.emplace("(other)", other_id_);
    }
    return other_id_;
  }
  auto id = static_cast<std::uint32_t>(names_.size());
  names_.emplace_back(name);
  ids_.emplace(std::string(name), id);
  return id;
}

}  // namespace tracebench::trace
