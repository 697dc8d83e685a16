#include <fmt/core.h>

#include <cctype>

#include "reports/writers.h"

namespace tracebench::reports {
namespace {

bool word_char(char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0; }

// Markdown treats these as markup in running text; results carry free text (reasons, paths).
// An underscore inside a word (latency_all_rounds_ns) is left alone, as GFM does.
std::string escape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    const bool inner_underscore = ch == '_' && i > 0 && i + 1 < s.size() && word_char(s[i - 1]) && word_char(s[i + 1]);
    if (ch == '\\' || ch == '*' || ch == '`' || ch == '<' || ch == '|' || (ch == '_' && !inner_underscore)) out += '\\';
    out += ch;
  }
  return out;
}

std::string cell(const Cell& c) {
  if (c.text.empty()) return "";
  std::string t = escape(c.text);
  return c.tone == Tone::kBad || c.tone == Tone::kGood ? "**" + t + "**" : t;
}

std::string table_md(const Table& t) {
  const std::size_t cols = t.header.size();
  std::string out = "|";
  for (const auto& h : t.header) out += " " + escape(h) + " |";
  out += "\n|";
  for (std::size_t c = 0; c < cols; ++c) out += (c < t.align.size() && t.align[c] == 'r') ? " ---: |" : " --- |";
  out += "\n";
  for (const auto& row : t.rows) {
    out += "|";
    for (std::size_t c = 0; c < cols; ++c) out += " " + (c < row.size() ? cell(row[c]) : std::string()) + " |";
    out += "\n";
  }
  if (!t.note.empty()) out += "\n_" + escape(t.note) + "_\n";
  return out;
}

}  // namespace

std::string write_markdown(const Document& doc, const PlotSet& plots) {
  std::string out = "# " + escape(doc.title) + "\n\n";
  if (!doc.subtitle.empty()) out += escape(doc.subtitle) + "\n";
  for (const auto& section : doc.sections) {
    out += "\n## " + escape(section.title) + "\n";
    for (const auto& block : section.blocks) {
      out += "\n";
      std::visit(Overloaded{
                     [&](const Paragraph& p) {
                       out += (p.label.empty() ? "" : "**" + escape(p.label) + ":** ") + escape(p.text) + "\n";
                     },
                     [&](const Heading& h) { out += "### " + escape(h.text) + "\n"; },
                     [&](const Callout& c) {
                       out += "> " + (c.label.empty() ? "" : "**" + escape(c.label) + ":** ") + escape(c.text) + "\n";
                     },
                     [&](const BulletList& l) {
                       for (const auto& item : l.items) out += "- " + escape(item) + "\n";
                     },
                     [&](const Table& t) { out += table_md(t); },
                     [&](const PlotRef& p) {
                       auto it = plots.images.find(p.name);
                       if (it != plots.images.end() && !it->second.png_path.empty())
                         out += fmt::format("![{}]({})\n\n_{}_\n", escape(p.title), it->second.png_path, escape(p.caption));
                       else if (!plots.missing_reason.empty())
                         out += fmt::format("_Plot not drawn ({}): {}_\n", escape(p.title), escape(plots.missing_reason));
                       else
                         out.pop_back();  // no plots wanted: no blank line either
                     },
                     [&](const CodeBlock& c) {
                       if (!c.caption.empty()) out += escape(c.caption) + ":\n\n";
                       out += "```" + c.language + "\n" + c.code;
                       if (!c.code.empty() && c.code.back() != '\n') out += "\n";
                       out += "```\n";
                     },
                 },
                 block);
    }
  }
  return out;
}

}  // namespace tracebench::reports
