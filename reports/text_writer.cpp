#include <fmt/core.h>

#include <algorithm>

#include "reports/writers.h"

namespace tracebench::reports {
namespace {

constexpr std::size_t kWidth = 100;

// Greedy word wrap; `first` prefixes the first line, `rest` the others.
std::string wrap(const std::string& text, const std::string& first, const std::string& rest) {
  std::string out, line = first;
  std::size_t line_width = display_width(first);
  bool line_has_word = false;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = text.find(' ', i);
    if (j == std::string::npos) j = text.size();
    const std::string word = text.substr(i, j - i);
    i = j + 1;
    if (word.empty()) continue;
    const std::size_t w = display_width(word);
    if (line_has_word && line_width + 1 + w > kWidth) {
      out += line + "\n";
      line = rest;
      line_width = display_width(rest);
      line_has_word = false;
    }
    if (line_has_word) {
      line += " ";
      ++line_width;
    }
    line += word;
    line_width += w;
    line_has_word = true;
  }
  return out + line + "\n";
}

std::string pad(const std::string& s, std::size_t width, char align) {
  const std::size_t w = display_width(s);
  if (w >= width) return s;
  const std::string fill(width - w, ' ');
  return align == 'r' ? fill + s : s + fill;
}

std::string table_text(const Table& t) {
  const std::size_t cols = t.header.size();
  std::vector<std::size_t> width(cols, 0);
  for (std::size_t c = 0; c < cols; ++c) width[c] = display_width(t.header[c]);
  for (const auto& row : t.rows)
    for (std::size_t c = 0; c < cols && c < row.size(); ++c) width[c] = std::max(width[c], display_width(row[c].text));
  const bool has_header = std::any_of(t.header.begin(), t.header.end(), [](const auto& h) { return !h.empty(); });
  auto line = [&](auto cell_text) {
    std::string out = " ";
    for (std::size_t c = 0; c < cols; ++c) {
      const char align = c < t.align.size() ? t.align[c] : 'l';
      std::string cell = pad(cell_text(c), width[c], align);
      out += " " + cell + (c + 1 < cols ? " " : "");
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out;
  if (has_header) {
    out += line([&](std::size_t c) { return t.header[c]; });
    out += line([&](std::size_t c) { return std::string(width[c], '-'); });
  }
  for (const auto& row : t.rows) out += line([&](std::size_t c) { return c < row.size() ? row[c].text : std::string(); });
  if (!t.note.empty()) out += wrap("(" + t.note + ")", "  ", "   ");
  return out;
}

}  // namespace

std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char ch : s)
    if ((ch & 0xC0) != 0x80) ++n;
  return n;
}

std::string write_text(const Document& doc, const PlotSet& plots) {
  std::string out = doc.title + "\n" + std::string(display_width(doc.title), '=') + "\n";
  if (!doc.subtitle.empty()) out += wrap(doc.subtitle, "", "");
  for (const auto& section : doc.sections) {
    out += "\n" + section.title + "\n" + std::string(display_width(section.title), '-') + "\n";
    bool after_heading = true;
    for (const auto& block : section.blocks) {
      // A blank line between blocks, none under a heading; a plot left out leaves none.
      const bool silent_plot = std::holds_alternative<PlotRef>(block) && plots.images.empty() && plots.missing_reason.empty();
      if (!after_heading && !silent_plot) out += "\n";
      if (!silent_plot) after_heading = std::holds_alternative<Heading>(block);
      std::visit(Overloaded{
                     [&](const Paragraph& p) { out += wrap(p.label.empty() ? p.text : p.label + ": " + p.text, "", "  "); },
                     [&](const Heading& h) { out += h.text + ":\n"; },
                     [&](const Callout& c) {
                       out += wrap((c.label.empty() ? std::string() : c.label + ": ") + c.text, "", "  ");
                     },
                     [&](const BulletList& l) {
                       for (const auto& item : l.items) out += wrap(item, "  - ", "    ");
                     },
                     [&](const Table& t) { out += table_text(t); },
                     [&](const PlotRef& p) {
                       auto it = plots.images.find(p.name);
                       if (it != plots.images.end() && !it->second.png_path.empty())
                         out += fmt::format("[plot: {}: {}]\n", p.title, it->second.png_path);
                       else if (!plots.missing_reason.empty())
                         out += fmt::format("[plot not drawn: {}: {}]\n", p.title, plots.missing_reason);
                     },
                     [&](const CodeBlock& c) {
                       if (!c.caption.empty()) out += c.caption + ":\n";
                       std::size_t i = 0;
                       while (i < c.code.size()) {
                         std::size_t j = c.code.find('\n', i);
                         if (j == std::string::npos) j = c.code.size();
                         const std::string l = c.code.substr(i, j - i);
                         out += l.empty() ? "\n" : "    " + l + "\n";
                         i = j + 1;
                       }
                     },
                 },
                 block);
    }
  }
  return out;
}

}  // namespace tracebench::reports
