#include <fmt/core.h>

#include <algorithm>

#include "reports/writers.h"

namespace tracebench::reports {
namespace {

// One page that works offline and on paper: no script, no web font, no external resource.
// Tables scroll sideways in a narrow window instead of squeezing the figures; plots scale.
constexpr const char* kStyle = R"css(
:root { --fg: #1d2329; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa;
  --good: #1a7f37; --good-bg: #dafbe1; --warn: #8a5a00; --warn-bg: #fff8c5; --bad: #cf222e; --bad-bg: #ffebe9; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--fg); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; }
header, main, footer { max-width: 66rem; margin: 0 auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 1.2rem 0 .3rem; overflow-wrap: anywhere; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
p { margin: .5rem 0; overflow-wrap: anywhere; }
.subtitle { color: var(--muted); margin: 0 0 .6rem; }
nav { display: flex; flex-wrap: wrap; gap: .2rem 1rem; font-size: .9rem; padding: .4rem 0;
  border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); }
nav a { color: #0550ae; text-decoration: none; }
.callout { border-left: 4px solid var(--muted); background: var(--soft); padding: .5rem .8rem; margin: .8rem 0; }
.callout p { margin: 0; }
.callout.good { border-color: var(--good); background: var(--good-bg); }
.callout.warn { border-color: var(--warn); background: var(--warn-bg); }
.callout.bad { border-color: var(--bad); background: var(--bad-bg); }
#verdict .callout.bad { font-size: 1.05rem; }
.table-wrap { overflow-x: auto; margin: .6rem 0 .2rem; }
table { border-collapse: collapse; font-size: .875rem; font-variant-numeric: tabular-nums; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top;
  white-space: nowrap; }
th { background: var(--soft); font-weight: 600; }
th.r, td.r { text-align: right; }
td.bad { color: var(--bad); font-weight: 600; }
td.good { color: var(--good); font-weight: 600; }
td.warn { color: var(--warn); }
#verdict td { white-space: normal; min-width: 7rem; }
table.kv td { white-space: normal; overflow-wrap: anywhere; }
table.kv td:first-child { color: var(--muted); white-space: nowrap; }
.note { color: var(--muted); font-size: .85rem; margin: .2rem 0 .8rem; }
ul { padding-left: 1.3rem; margin: .4rem 0; }
li { margin: .15rem 0; overflow-wrap: anywhere; }
figure { margin: 1rem 0; }
figure.plot .svg { max-width: 52rem; }
figure.plot svg { display: block; width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .875rem; margin-top: .3rem; }
figure.code figcaption { margin: 0 0 .2rem; }
figure.missing { border: 1px dashed var(--line); padding: .6rem .8rem; }
pre { background: var(--soft); padding: .6rem .8rem; margin: 0; overflow-x: auto; font-size: .85rem;
  white-space: pre-wrap; overflow-wrap: anywhere; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
footer { color: var(--muted); font-size: .8rem; margin-top: 2rem; padding-bottom: 2rem; }
@media (max-width: 40rem) {
  body { font-size: 14px; }
  th, td { padding: .2rem .4rem; }
  h1 { font-size: 1.3rem; }
  /* The headline figures stack instead of scrolling: one block per mode. */
  #verdict table, #verdict tbody, #verdict tr, #verdict td { display: block; }
  #verdict thead { display: none; }
  #verdict tr { border-bottom: 1px solid var(--line); padding: .3rem 0; }
  #verdict td { border: 0; padding: .05rem .2rem; min-width: 0; }
  #verdict td:first-child { font-weight: 600; }
  #verdict td + td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-weight: 400; }
}
@media print {
  body { font-size: 10pt; }
  header, main, footer { max-width: none; padding: 0; }
  nav { display: none; }
  h2, h3 { break-after: avoid; }
  figure, .callout, tr { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  th, td { white-space: normal; }
  a { color: inherit; text-decoration: none; }
}
)css";

std::string esc(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

const char* tone_class(Tone t) {
  switch (t) {
    case Tone::kGood: return "good";
    case Tone::kWarn: return "warn";
    case Tone::kBad: return "bad";
    case Tone::kPlain: break;
  }
  return "";
}

std::string cell_class(char align, Tone tone) {
  std::string c = align == 'r' ? "r" : "";
  if (const char* t = tone_class(tone); *t) c += (c.empty() ? "" : " ") + std::string(t);
  return c.empty() ? "" : " class=\"" + c + "\"";
}

std::string table_html(const Table& t) {
  const bool has_header = std::any_of(t.header.begin(), t.header.end(), [](const auto& h) { return !h.empty(); });
  std::string out = has_header ? "<div class=\"table-wrap\"><table>\n" : "<div class=\"table-wrap\"><table class=\"kv\">\n";
  const std::size_t cols = t.header.size();
  auto align = [&](std::size_t c) { return c < t.align.size() ? t.align[c] : 'l'; };
  if (has_header) {
    out += "<thead><tr>";
    for (std::size_t c = 0; c < cols; ++c) out += "<th" + cell_class(align(c), Tone::kPlain) + ">" + esc(t.header[c]) + "</th>";
    out += "</tr></thead>\n";
  }
  out += "<tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (std::size_t c = 0; c < cols; ++c) {
      const Cell cell = c < row.size() ? row[c] : Cell("");
      const std::string label = has_header && !t.header[c].empty() ? " data-label=\"" + esc(t.header[c]) + "\"" : "";
      out += "<td" + cell_class(align(c), cell.tone) + label + ">" + esc(cell.text) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody></table></div>\n";
  if (!t.note.empty()) out += "<p class=\"note\">" + esc(t.note) + "</p>\n";
  return out;
}

}  // namespace

std::string write_html(const Document& doc, const PlotSet& plots) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + esc(doc.title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<header>\n";
  out += "<h1>" + esc(doc.title) + "</h1>\n";
  if (!doc.subtitle.empty()) out += "<p class=\"subtitle\">" + esc(doc.subtitle) + "</p>\n";
  out += "<nav aria-label=\"sections\">";
  for (const auto& s : doc.sections) out += "<a href=\"#" + esc(s.id) + "\">" + esc(s.title) + "</a>";
  out += "</nav>\n</header>\n<main>\n";
  for (const auto& section : doc.sections) {
    out += "<section id=\"" + esc(section.id) + "\">\n<h2>" + esc(section.title) + "</h2>\n";
    for (const auto& block : section.blocks) {
      std::visit(
          Overloaded{
              [&](const Paragraph& p) {
                out += "<p>" + (p.label.empty() ? "" : "<strong>" + esc(p.label) + ":</strong> ") + esc(p.text) + "</p>\n";
              },
              [&](const Heading& h) { out += "<h3>" + esc(h.text) + "</h3>\n"; },
              [&](const Callout& c) {
                out += fmt::format("<div class=\"callout {}\"><p>{}{}</p></div>\n", tone_class(c.tone),
                                   c.label.empty() ? "" : "<strong>" + esc(c.label) + ":</strong> ", esc(c.text));
              },
              [&](const BulletList& l) {
                out += "<ul>\n";
                for (const auto& item : l.items) out += "<li>" + esc(item) + "</li>\n";
                out += "</ul>\n";
              },
              [&](const Table& t) { out += table_html(t); },
              [&](const PlotRef& p) {
                auto it = plots.images.find(p.name);
                const std::string caption =
                    "<figcaption><strong>" + esc(p.title) + ".</strong> " + esc(p.caption) + "</figcaption>";
                if (it != plots.images.end() && !it->second.svg.empty()) {
                  out += "<figure class=\"plot\" id=\"plot-" + esc(p.name) + "\">\n<div class=\"svg\">" + it->second.svg +
                         "</div>\n" + caption + "\n</figure>\n";
                } else if (!plots.missing_reason.empty()) {
                  out += "<figure class=\"plot missing\" id=\"plot-" + esc(p.name) + "\">\n<p class=\"note\">Plot not drawn: " +
                         esc(plots.missing_reason) + "</p>\n" + caption + "\n</figure>\n";
                }
              },
              [&](const CodeBlock& c) {
                out += "<figure class=\"code\">";
                if (!c.caption.empty()) out += "<figcaption>" + esc(c.caption) + "</figcaption>";
                out += "<pre><code>" + esc(c.code) + "</code></pre></figure>\n";
              },
          },
          block);
    }
    out += "</section>\n";
  }
  out += "</main>\n<footer>Rendered by tracebench from the result model alone; <code>tracebench report RESULT "
         "--format html</code> renders it again.</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace tracebench::reports
