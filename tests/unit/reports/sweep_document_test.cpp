// What the sweep report says, independent of format: the verdict first (trace bytes per
// request, overhead by level, the production point), every section present, what the sweep
// lacks named, and the plots' data taken from the document. Expected figures are read off the
// fixtures (real sweeps against the demo server), never typed in.

#include "reports/sweep_document.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "reports/plot_job.h"
#include "reports/render.h"
#include "reports/writers.h"
#include "units/number_text.h"
#include "units/size_text.h"

namespace tracebench::reports {
namespace {

using nlohmann::json;
using units::binary_size_text;
using units::bytes_rate_text;
using units::percent_text;

const std::string kFixtures = TRACEBENCH_REPORT_FIXTURES;

json fixture(const std::string& name) { return load_result(kFixtures + "/" + name + ".json"); }

Document build(const json& sweep) {
  EXPECT_EQ(classify_result(sweep, "sweep"), ResultKind::kSweep);
  return build_sweep_document(sweep);
}

std::vector<std::string> section_ids(const Document& d) {
  std::vector<std::string> ids;
  for (const auto& s : d.sections) ids.push_back(s.id);
  return ids;
}

const Section& section(const Document& d, const std::string& id) {
  for (const auto& s : d.sections)
    if (s.id == id) return s;
  throw std::runtime_error("no section " + id);
}

template <typename T>
std::vector<T> blocks_of(const Section& s) {
  std::vector<T> out;
  for (const auto& b : s.blocks)
    if (const T* t = std::get_if<T>(&b)) out.push_back(*t);
  return out;
}

const Paragraph* paragraph(const Section& s, const std::string& label) {
  for (const auto& b : s.blocks)
    if (const auto* p = std::get_if<Paragraph>(&b); p && p->label == label) return p;
  return nullptr;
}

const Callout* callout(const Section& s, const std::string& label) {
  for (const auto& b : s.blocks)
    if (const auto* c = std::get_if<Callout>(&b); c && c->label == label) return c;
  return nullptr;
}

bool contains(const json& lines, const std::string& needle) {
  for (const auto& s : lines)
    if (s.is_string() && s.get<std::string>().find(needle) != std::string::npos) return true;
  return false;
}

std::vector<std::string> plot_names(const json& sweep) {
  std::vector<std::string> out;
  for (const auto& s : sweep_plot_specs(sweep)) out.push_back(s.name);
  return out;
}

TEST(SweepDocument, VerdictFirstThenEvidenceThenContext) {
  const Document d = build(fixture("sweep_full"));
  EXPECT_EQ(section_ids(d),
            (std::vector<std::string>{"verdict", "levels", "trace-rate", "overhead", "prediction", "context"}));
  EXPECT_EQ(d.title, "tracebench sweep: trace data and overhead against load, GET /api");
  EXPECT_NE(d.subtitle.find("open loop at 500, 1000, 2000 req/s"), std::string::npos) << d.subtitle;
  EXPECT_NE(d.subtitle.find("production rate 4000 req/s"), std::string::npos) << d.subtitle;
}

// The verdict says what the model says, in the model's own figures.
TEST(SweepDocument, VerdictHasTheModelTheOverheadAndTheProductionPoint) {
  const json sweep = fixture("sweep_full");
  const Document d = build(sweep);
  const Section& v = section(d, "verdict");
  const json& fit = sweep["model"]["bytes_per_s"];

  const Paragraph* trace = paragraph(v, "Trace data");
  ASSERT_NE(trace, nullptr);
  EXPECT_EQ(trace->text.rfind(binary_size_text(fit["slope"].get<double>()) + " of trace per request on top of an idle " +
                                  bytes_rate_text(fit["intercept"].get<double>()),
                              0),
            0u)
      << trace->text;
  EXPECT_NE(trace->text.find(fmt::format("R² {:.3f} over 3 levels", fit["r2"].get<double>())), std::string::npos)
      << trace->text;

  // One row per traced mode and headline metric; an open-loop sweep leaves throughput out.
  const auto tables = blocks_of<Table>(v);
  ASSERT_EQ(tables.size(), 1u);
  const Table& t = tables[0];
  EXPECT_EQ(t.header.back(), "at 4000 req/s");
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(t.rows[0][0].text, "trace");
  EXPECT_EQ(t.rows[0][1].text, "target CPU per request");
  EXPECT_EQ(t.rows[2][0].text, "flightrecorder");
  for (const auto& row : t.rows) EXPECT_NE(row[1].text, "throughput");
  // The CPU row lists each level's change in load order, as the levels hold them.
  std::vector<std::string> changes;
  for (const auto& l : sweep["levels"])
    for (const auto& c : l["comparisons"])
      if (c["mode"] == "trace" && c["metric"] == "target_cpu_us_per_request")
        changes.push_back(percent_text(c["delta_pct"].get<double>()) + (c["significant"].get<bool>() ? "" : "~"));
  EXPECT_EQ(t.rows[0][2].text, fmt::format("{}", fmt::join(changes, ", ")));
  // ... and the prediction there, flagged as extrapolated.
  for (const auto& o : sweep["model"]["prediction"]["overhead"])
    if (o["mode"] == "trace" && o["metric"] == "target_cpu_us_per_request") {
      EXPECT_EQ(t.rows[0][4].text.rfind(percent_text(o["estimate"].get<double>()), 0), 0u) << t.rows[0][4].text;
      EXPECT_NE(t.rows[0][4].text.find("extrapolated"), std::string::npos);
    }

  // 4000 req/s lies above the measured levels: said before the prediction.
  const Callout* ex = callout(v, "Extrapolated");
  ASSERT_NE(ex, nullptr);
  EXPECT_EQ(ex->text, sweep["model"]["prediction"]["extrapolation"].get<std::string>());
  const Paragraph* at = paragraph(v, "At 4000 req/s");
  ASSERT_NE(at, nullptr);
  EXPECT_EQ(at->text.rfind("trace data " +
                               bytes_rate_text(sweep["model"]["prediction"]["bytes_per_s"]["estimate"].get<double>()),
                           0),
            0u);
  const Paragraph* rec = paragraph(v, "Recommendation");
  ASSERT_NE(rec, nullptr);
  for (const auto& f : sweep["model"]["prediction"]["flight_recorder"]) {
    if (f["window_s"] == 10) {
      EXPECT_NE(rec->text.find("MaxBytes " + f["max_bytes_text"].get<std::string>() + " for a 10 s window"),
                std::string::npos)
          << rec->text;
    }
  }
  EXPECT_NE(paragraph(v, "Capture"), nullptr);

  // Every level of this real sweep was marked invalid by the generator's send lag: said up front.
  const Callout* invalid = callout(v, "Marked invalid");
  ASSERT_NE(invalid, nullptr);
  EXPECT_EQ(invalid->text.rfind("500 req/s, 1000 req/s, 2000 req/s: their trace rates", 0), 0u) << invalid->text;

  const json& data = d.data["verdict"];
  EXPECT_EQ(d.data["kind"], "sweep");
  EXPECT_EQ(data["status"], "complete");
  EXPECT_EQ(data["levels"]["measured"], 3);
  EXPECT_EQ(data["levels"]["marked_invalid"], 3);
  EXPECT_EQ(data["bytes_model"]["bytes_per_request"], fit["slope"]);
  EXPECT_EQ(data["production"]["rate_rps"], 4000.0);
  EXPECT_EQ(data["production"]["extrapolated"], true);
  EXPECT_EQ(data["overhead"].size(), 4u);
  EXPECT_EQ(data["overhead"][0]["changes"].size(), 3u);
}

TEST(SweepDocument, ClosedLoopSweepJudgesThroughputAndSaysThereIsNoProductionRate) {
  const json sweep = fixture("sweep_closed");
  const Document d = build(sweep);
  const Section& v = section(d, "verdict");
  EXPECT_NE(d.subtitle.find("closed loop at 2, 8, 32 connections"), std::string::npos) << d.subtitle;
  const auto t = blocks_of<Table>(v).at(0);
  EXPECT_EQ(t.rows[0][1].text, "throughput");
  EXPECT_EQ(t.header.size(), 4u) << "no production column without a production rate";
  EXPECT_NE(callout(v, "Complete sweep"), nullptr);
  const Paragraph* p = paragraph(v, "Production rate");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->text.rfind("none given", 0), 0u);
  EXPECT_TRUE(contains(d.data["missing"], "a production rate to predict at"));
  EXPECT_TRUE(d.data["verdict"]["production"].is_null());
  // The levels table names each level by its connections.
  const auto levels = blocks_of<Table>(section(d, "levels")).at(0);
  ASSERT_EQ(levels.rows.size(), 3u);
  EXPECT_EQ(levels.rows[2][1].text, "32 connections");
}

TEST(SweepDocument, PartialSweepLeadsWithItsProblems) {
  const Document d = build(fixture("sweep_partial"));
  const Section& v = section(d, "verdict");
  const auto callouts = blocks_of<Callout>(v);
  ASSERT_GE(callouts.size(), 3u);
  EXPECT_EQ(callouts[0].label, "PARTIAL");
  EXPECT_EQ(callouts[0].tone, Tone::kBad);
  EXPECT_NE(callouts[0].text.find("2 of 4 levels were measured"), std::string::npos) << callouts[0].text;
  EXPECT_EQ(callouts[1].label, "Failed");
  EXPECT_NE(callout(v, "Marked invalid"), nullptr);
  EXPECT_EQ(callout(v, "Complete sweep"), nullptr);
  EXPECT_EQ(d.data["verdict"]["status"], "partial");
  // Two levels: the line is exact, and the verdict says R² means nothing.
  EXPECT_NE(paragraph(v, "Trace data")->text.find("two levels: the line fits them exactly"), std::string::npos);
  // No target CPU: the p99 latency row remains, no CPU row.
  const Table t = blocks_of<Table>(v).at(0);
  for (const auto& row : t.rows) EXPECT_NE(row[1].text, "target CPU per request");
  const json& missing = d.data["missing"];
  EXPECT_TRUE(contains(missing, "target CPU per request against load: not measured"));
  EXPECT_TRUE(contains(missing, "target Go version"));
  const json& warnings = d.data["warnings"];
  EXPECT_TRUE(contains(warnings, "the generator used 72% of a CPU at 1000 req/s"));
  EXPECT_TRUE(contains(warnings, "requests failed: 12 at 2000 req/s"));
  EXPECT_TRUE(contains(warnings, "figures may drift (at 500 req/s, 1000 req/s)"));
  EXPECT_FALSE(contains(warnings, "tracebench was a debug build")) << "the machine warning already says so";
  // Without CPU the overhead plot stands on p99 latency.
  for (const auto& s : sweep_plot_specs(fixture("sweep_partial"))) {
    if (s.name == "sweep_overhead") {
      EXPECT_NE(s.caption.find("p99 latency"), std::string::npos) << s.caption;
    }
  }
}

TEST(SweepDocument, LevelNotReachedIsReportedAndNotFitted) {
  json sweep = fixture("sweep_full");
  sweep["levels"][2]["status"] = "not_reached";
  sweep["levels"][2]["reason"] = "not reached: the target answered 1650 req/s of the 2000 asked";
  const Document d = build(sweep);
  const Callout* c = callout(section(d, "verdict"), "Not reached");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->text, "2000 req/s: the target answered 1650 req/s of the 2000 asked");
  // Its change is not among the measured levels' any more.
  EXPECT_EQ(d.data["verdict"]["overhead"][0]["changes"].size(), 2u);
  // It is still plotted, hollow, apart from the fitted levels.
  const auto jobs = detail::sweep_plot_jobs(sweep);
  ASSERT_FALSE(jobs.empty());
  EXPECT_EQ(jobs[0].spec.name, "sweep_trace_rate");
  EXPECT_EQ(jobs[0].data.at("fitted").size(), 2u);
  ASSERT_EQ(jobs[0].data.at("unfitted").size(), 1u);
  EXPECT_EQ(jobs[0].data.at("unfitted")[0][0], sweep["levels"][2]["trace_throughput_rps"].get<double>());
}

TEST(SweepDocument, ProductionInsideTheMeasuredRangeIsNotCalledExtrapolated) {
  json sweep = fixture("sweep_full");
  json& p = sweep["model"]["prediction"];
  p["production_rate_rps"] = 1500.0;
  p["extrapolated"] = false;
  p["extrapolation"] = nullptr;
  p["bytes_per_s"]["extrapolated"] = false;
  for (auto& o : p["overhead"]) o["extrapolated"] = false;
  const Document d = build(sweep);
  EXPECT_EQ(callout(section(d, "verdict"), "Extrapolated"), nullptr);
  EXPECT_NE(paragraph(section(d, "verdict"), "At 1500 req/s"), nullptr);
  const auto paragraphs = blocks_of<Paragraph>(section(d, "prediction"));
  ASSERT_FALSE(paragraphs.empty());
  EXPECT_EQ(paragraphs[0].text, "1500 req/s lies within the measured range: the model interpolates there.");
  // Nothing dashed: the line is drawn over the measured range only.
  for (const auto& job : detail::sweep_plot_jobs(sweep))
    for (const auto& [name, rows] : job.data) EXPECT_EQ(name.find("extrapolated"), std::string::npos) << name;
}

// The plots take their points and lines from the document: the extrapolated stretch runs from
// the last measured level to the production rate, where the prediction sits with its interval.
TEST(SweepDocument, PlotDataComesFromTheDocument) {
  const json sweep = fixture("sweep_full");
  EXPECT_EQ(plot_names(sweep), (std::vector<std::string>{"sweep_trace_rate", "sweep_overhead"}));
  const auto jobs = detail::sweep_plot_jobs(sweep);
  const auto& rate = jobs.at(0);
  const json& fit = sweep["model"]["bytes_per_s"];
  const double a = fit["intercept"], b = fit["slope"], x_max = fit["x_max"];
  ASSERT_EQ(rate.data.at("fitted").size(), 3u);
  const auto& ext = rate.data.at("model_extrapolated");
  ASSERT_EQ(ext.size(), 2u);
  EXPECT_DOUBLE_EQ(ext[0][0], x_max);
  EXPECT_DOUBLE_EQ(ext[1][0], 4000);
  EXPECT_DOUBLE_EQ(ext[1][1], (a + b * 4000) / detail::kMiB);
  const auto& prod = rate.data.at("production").at(0);
  const json& pb = sweep["model"]["prediction"]["bytes_per_s"];
  EXPECT_DOUBLE_EQ(prod[1], pb["estimate"].get<double>() / detail::kMiB);
  EXPECT_DOUBLE_EQ(prod[2], pb["pi_low"].get<double>() / detail::kMiB);
  EXPECT_DOUBLE_EQ(prod[3], pb["pi_high"].get<double>() / detail::kMiB);
  EXPECT_NE(rate.script.find("dt 2"), std::string::npos) << "the extrapolated part is dashed";
  // The overhead plot: open loop, so CPU per request only, one series per traced mode.
  const auto& over = jobs.at(1);
  EXPECT_TRUE(over.data.count("s0_model_extrapolated"));
  EXPECT_TRUE(over.data.count("s1_production"));
  EXPECT_EQ(over.script.find("throughput drop"), std::string::npos);
  EXPECT_NE(over.script.find("trace CPU per request"), std::string::npos);
  // A closed-loop sweep adds the throughput drop, with the sign turned so a cost is above 0.
  const json closed = fixture("sweep_closed");
  const auto closed_jobs = detail::sweep_plot_jobs(closed);
  ASSERT_EQ(closed_jobs.size(), 2u);
  const auto& cover = closed_jobs[1];
  EXPECT_NE(cover.script.find("trace throughput drop"), std::string::npos);
  const json& l0 = closed["levels"][0];
  for (const auto& c : l0["comparisons"])
    if (c["mode"] == "trace" && c["metric"] == "throughput_rps") {
      const auto& rows = cover.data.count("s1_sig") ? cover.data.at(c["significant"].get<bool>() ? "s1_sig" : "s1_ns")
                                                    : cover.data.at("s1_ns");
      bool found = false;
      for (const auto& r : rows)
        if (std::fabs(r[1] + c["delta_pct"].get<double>()) < 1e-9) found = true;
      EXPECT_TRUE(found) << "the throughput drop is minus the change";
    }
}

// A sweep with a single level (the others not run, or a hand-cut document): every section
// renders, and the verdict says there is no model.
TEST(SweepDocument, OneLevelRendersAndSaysThereIsNoModel) {
  json sweep = fixture("sweep_full");
  sweep["levels"] = json::array({sweep["levels"][0]});
  sweep["model"] = {{"x", "throughput_rps"},
                    {"levels_fitted", {0}},
                    {"bytes_per_s", nullptr},
                    {"events_per_s", nullptr},
                    {"overhead", json::array()},
                    {"prediction", nullptr},
                    {"notes", {"no bytes/s model: needs at least 2 levels, have 1"}}};
  const Document d = build(sweep);
  const Callout* none = callout(section(d, "verdict"), "No model");
  ASSERT_NE(none, nullptr);
  EXPECT_EQ(none->text.rfind("no bytes/s model: needs at least 2 levels, have 1: a line needs", 0), 0u) << none->text;
  EXPECT_TRUE(contains(d.data["missing"], "a model of trace bytes/s against load"));
  EXPECT_TRUE(d.data["verdict"]["bytes_model"].is_null());
  // The single level's change is still shown, without a trend.
  const auto t = blocks_of<Table>(section(d, "verdict")).at(0);
  EXPECT_EQ(t.rows[0][3].text, "-");
  // One point, no line.
  const auto jobs = detail::sweep_plot_jobs(sweep);
  ASSERT_FALSE(jobs.empty());
  EXPECT_EQ(jobs[0].data.at("fitted").size(), 1u);
  EXPECT_EQ(jobs[0].data.count("model"), 0u);
  for (Format f : {Format::kText, Format::kMarkdown, Format::kHtml, Format::kJson}) {
    const std::string out = render(sweep, f);
    EXPECT_NE(out.find("Not in this result"), std::string::npos);
  }
  // The same with a null model, as a sweep stopped before fitting would hold it.
  sweep["model"] = nullptr;
  EXPECT_NE(callout(section(build(sweep), "verdict"), "No model"), nullptr);
}

TEST(SweepDocument, JsonFormatCarriesTheVerdictAndEverySection) {
  const auto j = json::parse(render(fixture("sweep_full"), Format::kJson));
  EXPECT_EQ(j["schema"], "tracebench.report/v1");
  EXPECT_EQ(j["kind"], "sweep");
  EXPECT_EQ(j["verdict"]["status"], "complete");
  EXPECT_EQ(j["sections"].size(), 6u);
  EXPECT_EQ(j["sections"][0]["id"], "verdict");
}

TEST(SweepDocument, HtmlHasEverySectionAndPlotPlace) {
  PlotSet plots;
  for (const auto& s : sweep_plot_specs(fixture("sweep_full"))) plots.images[s.name] = PlotImage{"<svg></svg>", ""};
  const std::string html = render(fixture("sweep_full"), Format::kHtml, plots);
  for (const char* id : {"verdict", "levels", "trace-rate", "overhead", "prediction", "context"})
    EXPECT_NE(html.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
  EXPECT_NE(html.find("<figure class=\"plot\" id=\"plot-sweep_trace_rate\">"), std::string::npos);
  EXPECT_NE(html.find("<figure class=\"plot\" id=\"plot-sweep_overhead\">"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

// Every value of a real sweep, one at a time, replaced by one of another type: the report and
// the plot data still build (only the schema check may refuse).
TEST(SweepDocument, AnyValueOfTheWrongTypeIsToleratedNotFatal) {
  const json full = fixture("sweep_full");
  std::vector<json::json_pointer> paths;
  std::function<void(const json&, const json::json_pointer&)> walk = [&](const json& j, const json::json_pointer& at) {
    paths.push_back(at);
    if (j.is_object()) {
      for (const auto& [k, v] : j.items()) walk(v, at / k);
    } else if (j.is_array()) {
      for (std::size_t i = 0; i < j.size(); ++i) walk(j[i], at / i);
    }
  };
  walk(full, json::json_pointer());
  ASSERT_GT(paths.size(), 300u);
  auto other = [](const json& v) -> json {
    if (v.is_number()) return "x";
    if (v.is_string()) return 1;
    if (v.is_object()) return json::array({1});
    if (v.is_array()) return json::object({{"a", 1}});
    if (v.is_boolean()) return "yes";
    return json::object();
  };
  for (const auto& p : paths) {
    if (p.empty()) continue;
    json r = full;
    r[p] = other(r[p]);
    SCOPED_TRACE(p.to_string());
    try {
      classify_result(r, "mutated");
    } catch (const ResultError&) {
      continue;
    }
    EXPECT_NO_THROW({
      const Document d = build_sweep_document(r);
      (void)write_text(d);
      (void)detail::sweep_plot_jobs(r);
    });
  }
}

}  // namespace
}  // namespace tracebench::reports
