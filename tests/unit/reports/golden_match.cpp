#include "golden_match.h"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <sstream>
#include <vector>

namespace tracebench::reports::testing {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

std::string regex_escape(const std::string& s) {
  static const std::string kSpecial = R"(\^$.|?*+()[]{}/)";
  std::string out;
  for (char ch : s) {
    if (kSpecial.find(ch) != std::string::npos) out += '\\';
    out += ch;
  }
  return out;
}

constexpr const char* kNumber = R"([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)";

std::regex line_regex(const std::string& golden_line) {
  std::string re;
  std::size_t i = 0;
  while (i < golden_line.size()) {
    const std::size_t n = golden_line.find("{{N}}", i);
    const std::size_t any = golden_line.find("{{*}}", i);
    const std::size_t next = std::min(n, any);
    re += regex_escape(golden_line.substr(i, next == std::string::npos ? std::string::npos : next - i));
    if (next == std::string::npos) break;
    re += next == n ? kNumber : ".*";
    i = next + 5;
  }
  return std::regex(re);
}

bool word(char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; }

}  // namespace

std::string match_golden(const std::string& golden, const std::string& actual) {
  const auto want = lines_of(golden);
  const auto got = lines_of(actual);
  for (std::size_t i = 0; i < want.size() || i < got.size(); ++i) {
    if (i >= got.size())
      return fmt::format("line {}: the output ends early; the golden file expects:\n  {}", i + 1, want[i]);
    if (i >= want.size())
      return fmt::format("line {}: the output has more lines than the golden file:\n  {}", i + 1, got[i]);
    if (!std::regex_match(got[i], line_regex(want[i])))
      return fmt::format("line {} differs\n  golden: {}\n  actual: {}", i + 1, want[i], got[i]);
  }
  return {};
}

std::string make_golden(const std::string& actual) {
  std::string out;
  std::size_t i = 0;
  const std::size_t n = actual.size();
  while (i < n) {
    const char prev = i > 0 ? actual[i - 1] : ' ';
    std::size_t j = i;
    const bool sign = (actual[j] == '+' || actual[j] == '-') && !word(prev);
    if (sign) ++j;
    if (j < n && std::isdigit(static_cast<unsigned char>(actual[j])) && !word(prev) && prev != '.') {
      std::size_t k = j;
      while (k < n && std::isdigit(static_cast<unsigned char>(actual[k]))) ++k;
      if (k + 1 < n && actual[k] == '.' && std::isdigit(static_cast<unsigned char>(actual[k + 1]))) {
        ++k;
        while (k < n && std::isdigit(static_cast<unsigned char>(actual[k]))) ++k;
      }
      // A measured figure becomes {{N}}: one with a fraction, a sign or three digits or more,
      // or a count with a k/M/G suffix. Small integers (95% CI, 6 rounds) stay literal, and so
      // does a number glued to letters (p99, 3s, go1.26), which is part of a word.
      const bool fraction = std::find(actual.begin() + static_cast<std::ptrdiff_t>(j),
                                      actual.begin() + static_cast<std::ptrdiff_t>(k), '.') !=
                            actual.begin() + static_cast<std::ptrdiff_t>(k);
      const bool suffix = k < n && (actual[k] == 'k' || actual[k] == 'M' || actual[k] == 'G') &&
                          (k + 1 >= n || !word(actual[k + 1]));
      const bool measured = fraction || sign || k - j >= 3 || suffix;
      if (measured && (k >= n || !word(actual[k]) || suffix)) {
        out += "{{N}}";
        i = k;
        continue;
      }
    }
    out += actual[i];
    ++i;
  }
  return out;
}

}  // namespace tracebench::reports::testing
