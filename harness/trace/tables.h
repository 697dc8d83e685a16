#pragma once
// Per-generation string and stack tables, and the trace-wide name table that keeps
// names (region, task, log category, goroutine start function) after their
// generation's tables are gone.
//
// StringTable and StackTable hold views into the trace bytes of the current
// generation: they are valid until the source releases that generation. IDs are
// dense from 1 in runtime output; a dense vector serves those and a hash map any
// stray large ID, so a hostile ID cannot make the table allocate without bound.
// ID 0 means "none" (the empty string, no stack).
//
// Not thread-safe; no exceptions (lookups return null/false).

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "trace/id_map.h"

namespace tracebench::trace {

class StringTable {
 public:
  // Empties it for the next generation, keeping about as much room as this one used.
  void clear();
  // False if the ID is already present.
  bool insert(std::uint64_t id, std::string_view s);
  // Null if absent; ID 0 is always the empty string.
  const std::string_view* find(std::uint64_t id) const;
  std::size_t size() const { return count_; }

 private:
  static constexpr std::size_t kDenseSlack = 4096;
  std::vector<std::string_view> dense_;
  std::vector<std::uint8_t> dense_present_;
  std::unordered_map<std::uint64_t, std::string_view> sparse_;
  std::size_t count_ = 0;
  std::size_t extent_ = 0;  // highest dense ID inserted + 1
};

// A stack table entry: its frames still encoded (nframes x {pc, func, file, line}).
struct StackRef {
  const std::uint8_t* frames = nullptr;
  std::uint32_t frame_bytes = 0;
  std::uint32_t nframes = 0;
};

struct Frame {
  std::uint64_t pc = 0;
  std::uint64_t func_string = 0;
  std::uint64_t file_string = 0;
  std::uint64_t line = 0;
};

class StackTable {
 public:
  // Empties it for the next generation, keeping about as much room as this one used.
  void clear();
  bool insert(std::uint64_t id, StackRef s);
  const StackRef* find(std::uint64_t id) const;
  std::size_t size() const { return count_; }

  // Decodes frame `index` (0 = innermost) of a stack; false if out of range.
  static bool frame(const StackRef& s, std::uint32_t index, Frame& out);

 private:
  static constexpr std::size_t kDenseSlack = 4096;
  std::vector<StackRef> dense_;
  std::vector<std::uint8_t> dense_present_;
  std::unordered_map<std::uint64_t, StackRef> sparse_;
  std::size_t count_ = 0;
  std::size_t extent_ = 0;  // highest dense ID inserted + 1
};

// Interns names for the whole trace. ID 0 is "" (unknown). At most `capacity` distinct
// names are kept; after that intern() returns the ID of "(other)" and capped() is true.
class NameTable {
 public:
  explicit NameTable(std::size_t capacity = 4096);
  std::uint32_t intern(std::string_view name);
  const std::string& name(std::uint32_t id) const { return names_[id]; }
  std::size_t size() const { return names_.size(); }
  bool capped() const { return capped_; }

 private:
  std::size_t capacity_;
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::uint32_t> ids_;
  std::uint32_t other_id_ = 0;
  bool capped_ = false;
};

}  // namespace tracebench::trace
