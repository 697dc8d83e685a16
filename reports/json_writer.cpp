#include "reports/writers.h"

#include "result/schema.h"

namespace tracebench::reports {
namespace {

using nlohmann::json;

const char* tone_name(Tone t) {
  switch (t) {
    case Tone::kGood: return "good";
    case Tone::kWarn: return "warn";
    case Tone::kBad: return "bad";
    case Tone::kPlain: break;
  }
  return "plain";
}

json block_json(const Block& b) {
  return std::visit(
      Overloaded{
          [](const Paragraph& p) { return json{{"type", "paragraph"}, {"label", p.label}, {"text", p.text}}; },
          [](const Heading& h) { return json{{"type", "heading"}, {"text", h.text}}; },
          [](const Callout& c) {
            return json{{"type", "callout"}, {"tone", tone_name(c.tone)}, {"label", c.label}, {"text", c.text}};
          },
          [](const BulletList& l) { return json{{"type", "list"}, {"items", l.items}}; },
          [](const Table& t) {
            json rows = json::array();
            for (const auto& row : t.rows) {
              json r = json::array();
              for (const auto& c : row) r.push_back(c.text);
              rows.push_back(r);
            }
            return json{{"type", "table"}, {"header", t.header}, {"rows", rows}, {"note", t.note}};
          },
          [](const PlotRef& p) {
            return json{{"type", "plot"}, {"name", p.name}, {"title", p.title}, {"caption", p.caption}};
          },
          [](const CodeBlock& c) {
            return json{{"type", "code"}, {"language", c.language}, {"caption", c.caption}, {"code", c.code}};
          },
      },
      b);
}

}  // namespace

std::string write_json(const Document& doc) {
  json sections = json::array();
  for (const auto& s : doc.sections) {
    json blocks = json::array();
    for (const auto& b : s.blocks) blocks.push_back(block_json(b));
    sections.push_back({{"id", s.id}, {"title", s.title}, {"blocks", blocks}});
  }
  json out = {{"schema", result::kReportSchema}, {"title", doc.title}, {"subtitle", doc.subtitle}};
  for (const auto& [k, v] : doc.data.items()) out[k] = v;
  out["sections"] = sections;
  return out.dump(2) + "\n";
}

}  // namespace tracebench::reports
