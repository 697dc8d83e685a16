// The plots drawn by the real gnuplot (scripts/setup.sh installs gnuplot-nox), and what
// happens when gnuplot is missing or fails: the reports render all the same.

#include "reports/plots.h"

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "reports/render.h"

namespace tracebench::reports {
namespace {

namespace fs = std::filesystem;
const std::string kFixtures = TRACEBENCH_REPORT_FIXTURES;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("tracebench-plots-" + name);
  fs::remove_all(dir);
  return dir.string();
}

nlohmann::json fixture(const std::string& name) { return load_result(kFixtures + "/" + name + ".json"); }

TEST(Plots, DrawsEveryPlotAsSvgAndPng) {
  ASSERT_FALSE(find_gnuplot("").empty()) << "gnuplot not found: scripts/setup.sh installs the Debian package gnuplot-nox";
  const std::string dir = fresh_dir("full");
  const PlotOutcome out = draw_plots(fixture("run_full"), dir, PlotOptions{});
  EXPECT_TRUE(out.warnings.empty()) << ::testing::PrintToString(out.warnings);
  ASSERT_EQ(out.plots.images.size(), 6u);
  for (const auto& [name, img] : out.plots.images) {
    const std::string png = read(fs::path(dir) / (name + ".png"));
    ASSERT_GT(png.size(), 2000u) << name;
    EXPECT_EQ(png.substr(1, 3), "PNG") << name;
    EXPECT_EQ(img.png_path, "plots/" + name + ".png");
    const std::string file_svg = read(fs::path(dir) / (name + ".svg"));
    EXPECT_NE(file_svg.find("<?xml"), std::string::npos) << "the file is a standalone SVG";
    // Inline form: no prolog, ids prefixed so the plots on one page do not collide.
    EXPECT_EQ(img.svg.rfind("<svg role=\"img\" aria-label=\"", 0), 0u) << name;
    EXPECT_EQ(img.svg.find("<?xml"), std::string::npos);
    EXPECT_EQ(img.svg.find("<script"), std::string::npos);
    EXPECT_EQ(img.svg.find("id='gpPt0'"), std::string::npos) << name;
    EXPECT_NE(img.svg.find("id='" + name + "-gpPt0'"), std::string::npos) << name;
    EXPECT_FALSE(std::regex_search(img.svg, std::regex(R"(https?://(?!www\.w3\.org/))"))) << name;
  }
  const std::string spectrum = out.plots.images.at("latency_spectrum").svg;
  for (const char* tic : {">90%<", ">99%<", ">99.9%<", ">99.99%<"}) EXPECT_NE(spectrum.find(tic), std::string::npos) << tic;
}

TEST(Plots, MissingGnuplotSaysWhichPackageAndTheReportsStillRender) {
  PlotOptions options;
  options.gnuplot = "/nonexistent/gnuplot";
  const std::string dir = fresh_dir("missing");
  const auto warnings = write_run_reports(fixture("run_full"), dir, options);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "plots not drawn: gnuplot was not found (install the Debian package gnuplot-nox; scripts/setup.sh does); "
            "the text, Markdown and HTML reports are complete without them");
  const std::string html = read(fs::path(dir) / "report.html");
  const std::string md = read(fs::path(dir) / "report.md");
  EXPECT_NE(html.find("<section id=\"verdict\">"), std::string::npos);
  EXPECT_NE(html.find("Plot not drawn: gnuplot is not installed (the Debian package gnuplot-nox provides it)"),
            std::string::npos);
  EXPECT_NE(md.find("_Plot not drawn (Latency by percentile): gnuplot is not installed"), std::string::npos);
  EXPECT_FALSE(fs::exists(fs::path(dir) / "plots"));
}

TEST(Plots, FailingGnuplotCostsThePlotsNotTheProcess) {
  // A "gnuplot" that exits at once without reading: writes to its pipe fail (EPIPE), and the
  // SIGPIPE they raise must not kill the caller.
  const std::string dir = fresh_dir("failing");
  fs::create_directories(dir);
  const std::string fake = dir + "/fake-gnuplot";
  std::ofstream(fake) << "#!/bin/sh\necho 'line 0: simulated failure' >&2\nexit 1\n";
  ::chmod(fake.c_str(), 0755);
  PlotOptions options;
  options.gnuplot = fake;
  const PlotOutcome out = draw_plots(fixture("run_full"), dir + "/plots", options);
  EXPECT_TRUE(out.plots.images.empty());
  ASSERT_EQ(out.warnings.size(), 6u);
  EXPECT_EQ(out.warnings[0], "plot latency_spectrum not drawn: gnuplot said: line 0: simulated failure");
  EXPECT_NE(out.plots.missing_reason.find("gnuplot failed"), std::string::npos);
}

TEST(Plots, GnuplotFromTheEnvironment) {
  ::setenv("TRACEBENCH_GNUPLOT", "/nonexistent/gp", 1);
  EXPECT_EQ(find_gnuplot(""), "");
  ::unsetenv("TRACEBENCH_GNUPLOT");
  EXPECT_EQ(find_gnuplot("/bin/sh"), "/bin/sh");
  EXPECT_EQ(find_gnuplot("sh").empty(), false);
}

TEST(Plots, WriteRunReportsWritesHtmlMarkdownAndPlots) {
  const std::string dir = fresh_dir("write");
  const auto warnings = write_run_reports(fixture("run_full"), dir);
  EXPECT_TRUE(warnings.empty()) << ::testing::PrintToString(warnings);
  const std::string html = read(fs::path(dir) / "report.html");
  const std::string md = read(fs::path(dir) / "report.md");
  for (const char* name :
       {"latency_spectrum", "rounds_throughput", "rounds_cpu", "trace_rate", "trace_event_mix", "flight_recorder"}) {
    EXPECT_TRUE(fs::exists(fs::path(dir) / "plots" / (std::string(name) + ".svg"))) << name;
    EXPECT_TRUE(fs::exists(fs::path(dir) / "plots" / (std::string(name) + ".png"))) << name;
    EXPECT_NE(html.find(std::string("<figure class=\"plot\" id=\"plot-") + name + "\">"), std::string::npos) << name;
    EXPECT_NE(md.find(std::string("](plots/") + name + ".png)"), std::string::npos) << name;
  }
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

// The flight-recorder plot carries the verified size: a diamond at the final MaxBytes and the
// window the verifying snapshot held, labelled with the window wanted and held.
TEST(Plots, FlightRecorderPlotMarksTheVerifiedPoint) {
  ASSERT_FALSE(find_gnuplot("").empty());
  const nlohmann::json run = fixture("run_full");
  const auto& v = run["verification"];
  ASSERT_EQ(v["status"], "verified");
  const std::string dir = fresh_dir("verified");
  const PlotOutcome out = draw_plots(run, dir, PlotOptions{});
  const std::string svg = out.plots.images.at("flight_recorder").svg;
  const std::string label = fmt::format("verified: {:g} s wanted, {:.3g} s held", v["window_s"].get<double>(),
                                        v["achieved_window_s"].get<double>());
  EXPECT_NE(svg.find(label), std::string::npos) << label;
  EXPECT_NE(svg.find(">verified<"), std::string::npos) << "the key names the verified point";
}

TEST(Plots, DrawsTheSweepPlots) {
  ASSERT_FALSE(find_gnuplot("").empty());
  for (const char* name : {"sweep_full", "sweep_closed", "sweep_partial"}) {
    SCOPED_TRACE(name);
    const std::string dir = fresh_dir(name);
    const PlotOutcome out = draw_plots(fixture(name), dir, PlotOptions{});
    EXPECT_TRUE(out.warnings.empty()) << ::testing::PrintToString(out.warnings);
    ASSERT_EQ(out.plots.images.size(), 2u);
    for (const char* plot : {"sweep_trace_rate", "sweep_overhead"}) {
      const std::string png = read(fs::path(dir) / (std::string(plot) + ".png"));
      ASSERT_GT(png.size(), 2000u) << plot;
      EXPECT_EQ(out.plots.images.at(plot).svg.rfind("<svg role=\"img\" aria-label=\"", 0), 0u) << plot;
    }
  }
  // The production point is labelled with its rate; the model's extrapolated part is in the key.
  const std::string dir = fresh_dir("sweep_labels");
  const PlotOutcome out = draw_plots(fixture("sweep_full"), dir, PlotOptions{});
  const std::string rate = out.plots.images.at("sweep_trace_rate").svg;
  EXPECT_NE(rate.find(">4000 req/s<"), std::string::npos);
  EXPECT_NE(rate.find(">model, extrapolated<"), std::string::npos);
  EXPECT_NE(rate.find(">production rate (extrapolated)<"), std::string::npos);
  EXPECT_NE(out.plots.images.at("sweep_overhead").svg.find(">trace CPU per request<"), std::string::npos);
}

TEST(Plots, WriteRunReportsWritesTheSweepReport) {
  const std::string dir = fresh_dir("write-sweep");
  const auto warnings = write_run_reports(fixture("sweep_full"), dir);
  EXPECT_TRUE(warnings.empty()) << ::testing::PrintToString(warnings);
  const std::string html = read(fs::path(dir) / "report.html");
  const std::string md = read(fs::path(dir) / "report.md");
  EXPECT_NE(html.find("<title>tracebench sweep: trace data and overhead against load, GET /api</title>"),
            std::string::npos);
  for (const char* name : {"sweep_trace_rate", "sweep_overhead"}) {
    EXPECT_TRUE(fs::exists(fs::path(dir) / "plots" / (std::string(name) + ".svg"))) << name;
    EXPECT_NE(html.find(std::string("<figure class=\"plot\" id=\"plot-") + name + "\">"), std::string::npos) << name;
    EXPECT_NE(md.find(std::string("](plots/") + name + ".png)"), std::string::npos) << name;
  }
}

TEST(Plots, UnwritableDirectoryIsAnError) {
  EXPECT_THROW(write_run_reports(fixture("run_full"), "/proc/tracebench-cannot-write"), std::runtime_error);
}

}  // namespace
}  // namespace tracebench::reports
