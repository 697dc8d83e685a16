// The format writers on small hand-made documents: escaping, alignment, plots present or
// missing, and an HTML page that needs nothing from the network.

#include "reports/writers.h"

#include <gtest/gtest.h>

#include <regex>

#include "reports/render.h"

namespace tracebench::reports {
namespace {

const std::string kFixtures = TRACEBENCH_REPORT_FIXTURES;

Document sample() {
  Document d;
  d.title = "t <&> \"q\"";
  d.subtitle = "sub";
  Table t;
  t.header = {"name", "value"};
  t.align = "lr";
  t.rows = {{Cell("cpu"), Cell("127.5 µs", Tone::kBad)}, {Cell("a|b"), Cell("3")}};
  t.note = "a note";
  d.sections.push_back(Section{"first", "First", {Paragraph{"Label", "text with *stars* and <tags>"}, t}});
  d.sections.push_back(Section{"second", "Second",
                               {Heading{"Sub"}, Callout{Tone::kWarn, "Warning", "careful"}, BulletList{{"one", "two"}},
                                PlotRef{"p1", "Plot one", "what it shows"}, CodeBlock{"go", "code", "x := 1\n"}}});
  return d;
}

TEST(TextWriter, AlignsColumnsByCodePointsNotBytes) {
  const std::string out = write_text(sample());
  EXPECT_NE(out.find("  name     value\n  ----  --------\n  cpu   127.5 µs\n  a|b          3\n  (a note)\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("Label: text with *stars* and <tags>"), std::string::npos);
  EXPECT_NE(out.find("Warning: careful"), std::string::npos);
  EXPECT_NE(out.find("  - one\n"), std::string::npos);
  EXPECT_NE(out.find("    x := 1\n"), std::string::npos);
  EXPECT_EQ(out.find("Plot one"), std::string::npos) << "no plots asked for: none mentioned";
  EXPECT_EQ(display_width("127.5 µs"), 8u);
}

TEST(TextWriter, WrapsLongParagraphsAt100Columns) {
  Document d;
  d.title = "t";
  d.sections.push_back(Section{"s", "S", {Paragraph{"", std::string(60, 'a') + " " + std::string(60, 'b')}}});
  const std::string out = write_text(d);
  EXPECT_NE(out.find(std::string(60, 'a') + "\n  " + std::string(60, 'b') + "\n"), std::string::npos) << out;
}

TEST(MarkdownWriter, TablesAlignmentEscapingAndPlots) {
  PlotSet plots;
  plots.images["p1"] = PlotImage{"", "plots/p1.png"};
  const std::string out = write_markdown(sample(), plots);
  EXPECT_NE(out.find("# t \\<&> \"q\"\n"), std::string::npos) << out;
  EXPECT_NE(out.find("| name | value |\n| --- | ---: |\n| cpu | **127.5 µs** |\n| a\\|b | 3 |\n"), std::string::npos) << out;
  EXPECT_NE(out.find("**Label:** text with \\*stars\\* and \\<tags>"), std::string::npos) << out;
  EXPECT_NE(out.find("> **Warning:** careful"), std::string::npos);
  EXPECT_NE(out.find("![Plot one](plots/p1.png)\n\n_what it shows_"), std::string::npos) << out;
  EXPECT_NE(out.find("```go\nx := 1\n```"), std::string::npos);
  EXPECT_NE(write_markdown(sample()).find("## Second\n\n### Sub\n"), std::string::npos);
  EXPECT_EQ(write_markdown(sample()).find("Plot one"), std::string::npos);
}

TEST(MarkdownWriter, MissingPlotsSayWhy) {
  PlotSet none;
  none.missing_reason = "gnuplot is not installed";
  EXPECT_NE(write_markdown(sample(), none).find("_Plot not drawn (Plot one): gnuplot is not installed_"),
            std::string::npos);
}

TEST(HtmlWriter, EscapesTextAndMarksTones) {
  const std::string out = write_html(sample());
  EXPECT_NE(out.find("<h1>t &lt;&amp;&gt; &quot;q&quot;</h1>"), std::string::npos);
  EXPECT_NE(out.find("<section id=\"first\">"), std::string::npos);
  EXPECT_NE(out.find("<td class=\"r bad\" data-label=\"value\">127.5 µs</td>"), std::string::npos) << out;
  EXPECT_NE(out.find("<strong>Label:</strong> text with *stars* and &lt;tags&gt;"), std::string::npos);
  EXPECT_NE(out.find("<div class=\"callout warn\">"), std::string::npos);
  EXPECT_NE(out.find("<a href=\"#second\">Second</a>"), std::string::npos);
}

TEST(HtmlWriter, InlinesPlotsOrSaysWhyNot) {
  PlotSet plots;
  plots.images["p1"] = PlotImage{"<svg role=\"img\"><rect/></svg>", "plots/p1.png"};
  const std::string with = write_html(sample(), plots);
  EXPECT_NE(with.find("<figure class=\"plot\" id=\"plot-p1\">\n<div class=\"svg\"><svg role=\"img\"><rect/></svg></div>"),
            std::string::npos)
      << with;
  PlotSet none;
  none.missing_reason = "gnuplot is not installed (the Debian package gnuplot-nox provides it)";
  const std::string without = write_html(sample(), none);
  EXPECT_NE(without.find("<figure class=\"plot missing\" id=\"plot-p1\">"), std::string::npos);
  EXPECT_NE(without.find("Plot not drawn: gnuplot is not installed (the Debian package gnuplot-nox provides it)"),
            std::string::npos);
}

TEST(HtmlWriter, TheRealReportIsSelfContained) {
  const std::string html = render(load_result(kFixtures + "/run_full.json"), Format::kHtml);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<meta name=\"viewport\""), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  for (const char* external : {"<script", "<link", "<iframe", "<img", "@import", "src=", "http://", "https://"})
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  for (const char* id : {"verdict", "overhead", "latency", "trace-data", "sizing", "noise-floor", "rounds", "context"})
    EXPECT_NE(html.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
  // Well nested at the coarse level.
  EXPECT_EQ(std::count(html.begin(), html.end(), '<') > 0, true);
  auto count = [&](const std::string& s) {
    std::size_t n = 0;
    for (std::size_t at = html.find(s); at != std::string::npos; at = html.find(s, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("<section "), count("</section>"));
  EXPECT_EQ(count("<table"), count("</table>"));
  EXPECT_EQ(count("<tr>"), count("</tr>"));
}

}  // namespace
}  // namespace tracebench::reports
