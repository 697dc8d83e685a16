#pragma once
// A report as a neutral document: sections of paragraphs, tables, plots and code. One builder
// turns a result into a Document; one writer per format (text, Markdown, HTML, JSON) turns the
// Document into bytes, so every format says the same thing.

#include <map>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace tracebench::reports {

// How a callout or a cell should stand out; writers that cannot show it ignore it.
enum class Tone { kPlain, kGood, kWarn, kBad };

struct Paragraph {
  std::string label;  // shown in bold before the text when not empty
  std::string text;
};

struct Heading {  // a sub-heading inside a section
  std::string text;
};

struct Callout {
  Tone tone = Tone::kPlain;
  std::string label;  // e.g. "INVALID", "Warning"
  std::string text;
};

struct BulletList {
  std::vector<std::string> items;
};

struct Cell {
  std::string text;
  Tone tone = Tone::kPlain;
  Cell(std::string t) : text(std::move(t)) {}  // NOLINT: a plain string is a plain cell
  Cell(const char* t) : text(t) {}             // NOLINT
  Cell(std::string t, Tone tn) : text(std::move(t)), tone(tn) {}
};

struct Table {
  std::vector<std::string> header;
  std::string align;  // one char per column: 'l' or 'r'; missing columns align left
  std::vector<std::vector<Cell>> rows;
  std::string note;  // a line under the table
};

// A plot drawn by plots.h under `name` (the file stem: plots/<name>.svg and .png).
struct PlotRef {
  std::string name;
  std::string title;
  std::string caption;  // what the picture shows and how to read it
};

struct CodeBlock {
  std::string language;  // for Markdown fences: "go", "sh", "" (none)
  std::string caption;
  std::string code;
};

using Block = std::variant<Paragraph, Heading, Callout, BulletList, Table, PlotRef, CodeBlock>;

struct Section {
  std::string id;  // stable anchor: "verdict", "overhead", ...
  std::string title;
  std::vector<Block> blocks;
};

struct Document {
  std::string title;
  std::string subtitle;
  std::vector<Section> sections;
  // Structured figures for the JSON format (the verdict and what the result lacks).
  nlohmann::json data = nlohmann::json::object();
};

// A plot as the writers see it: the SVG text to inline and the PNG path to link (relative to
// the report), either may be empty.
struct PlotImage {
  std::string svg;
  std::string png_path;
};

// What writers know about plots: those drawn, and when none is, why (shown in place of each
// plot; "" to leave plots out without a word, as the text report does).
struct PlotSet {
  std::map<std::string, PlotImage> images;
  std::string missing_reason;
};

}  // namespace tracebench::reports
