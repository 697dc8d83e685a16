#pragma once
// A one-line live status on a terminal, rewritten in place; silent when stderr is not a
// terminal (piped or redirected output stays clean).

#include <string>

namespace tracebench::cli {

class ProgressLine {
 public:
  // enabled is further narrowed to "stderr is a terminal".
  explicit ProgressLine(bool enabled);
  ~ProgressLine();  // clears the line
  void show(const std::string& text);
  void clear();

 private:
  bool enabled_;
  bool shown_ = false;
};

}  // namespace tracebench::cli
