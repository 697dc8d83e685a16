// What the run report says, independent of format: the verdict first, every section present,
// what the result lacks named, and the warnings the report derives itself.

#include "reports/run_document.h"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <functional>

#include "reports/render.h"
#include "reports/writers.h"

namespace tracebench::reports {
namespace {

const std::string kFixtures = TRACEBENCH_REPORT_FIXTURES;

nlohmann::json fixture(const std::string& name) { return load_result(kFixtures + "/" + name + ".json"); }

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

bool contains(const std::vector<std::string>& v, const std::string& needle) {
  for (const auto& s : v)
    if (s.find(needle) != std::string::npos) return true;
  return false;
}

TEST(RunDocument, VerdictFirstThenEvidenceThenContext) {
  const Document d = build_run_document(fixture("run_full"));
  EXPECT_EQ(section_ids(d), (std::vector<std::string>{"verdict", "overhead", "latency", "trace-data", "sizing",
                                                       "noise-floor", "rounds", "context"}));
  EXPECT_EQ(d.title, "tracebench: what tracing costs GET /api");
}

TEST(RunDocument, FullRunVerdictHasOverheadSignificanceAndRecommendation) {
  const Document d = build_run_document(fixture("run_full"));
  const auto& v = d.data["verdict"];
  EXPECT_EQ(v["status"], "valid");
  EXPECT_EQ(v["budget_pct"], 5.0);
  ASSERT_EQ(v["modes"].size(), 2u);
  EXPECT_EQ(v["modes"][0]["mode"], "trace");
  EXPECT_EQ(v["modes"][0]["budget_verdict"], "over");
  EXPECT_EQ(v["modes"][1]["budget_verdict"], "inconclusive");
  EXPECT_TRUE(v["modes"][0]["significant_costs"].empty());
  EXPECT_EQ(v["modes"][0]["likely_costs"].size(), 4u);
  EXPECT_EQ(v["recommendation"]["flight_recorder"]["verified"], true);
  EXPECT_EQ(v["recommendation"]["flight_recorder"]["max_bytes"], 8.0 * 1024 * 1024);
  EXPECT_EQ(v["recommendation"]["capture"]["query"], "/debug/pprof/trace?seconds=19");
  const auto paragraphs = blocks_of<Paragraph>(section(d, "verdict"));
  std::vector<std::string> texts;
  for (const auto& p : paragraphs) texts.push_back(p.label + ": " + p.text);
  // Intervals wholly on the costly side but "~" after Holm: said as a likely, unconfirmed cost.
  EXPECT_TRUE(contains(texts, "trace: no change significant after the correction for many comparisons, but the 95% intervals lie wholly "
                              "on the costly side for throughput -20.3% [-38.9%, -4.9%]"))
      << ::testing::PrintToString(texts);
  EXPECT_TRUE(contains(texts, "flightrecorder: no significant cost on any metric; the 95% intervals still allow a cost "
                              "of up to +201.4% on p99.9 latency"));
  EXPECT_TRUE(contains(texts, "Recommendation: flight recorder MinAge 4 s, MaxBytes 8 MiB for a 2 s window; verified "
                              "on the real runtime: a snapshot held 4.01 s"));
  EXPECT_TRUE(contains(texts, "Capture: /debug/pprof/trace?seconds=19 keeps a file under 50 MB"));
  // This result has every part the report renders.
  EXPECT_TRUE(d.data["missing"].empty()) << d.data["missing"].dump();
}

TEST(RunDocument, EventMixIsTabulatedPerMode) {
  const Document d = build_run_document(fixture("run_full"));
  const auto tables = blocks_of<Table>(section(d, "trace-data"));
  ASSERT_EQ(tables.size(), 2u);
  const Table& mix = tables[1];
  EXPECT_EQ(mix.header, (std::vector<std::string>{"category", "trace bytes/s", "% bytes", "trace events/s",
                                                   "flightrecorder bytes/s", "% bytes", "flightrecorder events/s"}));
  ASSERT_GE(mix.rows.size(), 3u);
  EXPECT_EQ(mix.rows.front()[0].text, "scheduling");  // the most bytes first
  EXPECT_EQ(mix.rows.back()[0].text, "all");
  EXPECT_EQ(mix.rows.back()[2].text, "100%");
  const auto paragraphs = blocks_of<Paragraph>(section(d, "trace-data"));
  bool speed = false;
  for (const auto& p : paragraphs) speed |= p.label == "Reader speed" && p.text.find("trace 508 MB/s") != std::string::npos;
  EXPECT_TRUE(speed);
}

TEST(RunDocument, BareRunSaysWhatIsMissing) {
  const Document d = build_run_document(fixture("run_bare"));
  const auto missing = d.data["missing"].get<std::vector<std::string>>();
  EXPECT_TRUE(contains(missing, "recommendations (flight-recorder size, capture window, overhead budget verdict)"));
  EXPECT_TRUE(contains(missing, "verification of a recommended flight-recorder size"));
  EXPECT_TRUE(contains(missing, "event mix by category"));
  EXPECT_TRUE(d.data["verdict"]["recommendation"].is_null());
  const auto callouts = blocks_of<Callout>(section(d, "verdict"));
  bool said = false;
  for (const auto& c : callouts) said |= c.label == "Recommendation" && c.text.find("tracebench size RESULT") != std::string::npos;
  EXPECT_TRUE(said);
  // The context lists them too.
  const auto lists = blocks_of<BulletList>(section(d, "context"));
  ASSERT_FALSE(lists.empty());
  EXPECT_TRUE(contains(lists.back().items, "recommendations"));
}

TEST(RunDocument, PartialInvalidRunLeadsWithItsProblems) {
  const Document d = build_run_document(fixture("run_partial"));
  EXPECT_EQ(d.data["verdict"]["status"], "invalid");
  const auto callouts = blocks_of<Callout>(section(d, "verdict"));
  ASSERT_GE(callouts.size(), 2u);
  EXPECT_EQ(callouts[0].label, "PARTIAL");
  EXPECT_NE(callouts[0].text.find("the run stopped early (interrupted): 10 of 12 planned rounds ran"), std::string::npos)
      << callouts[0].text;
  EXPECT_EQ(callouts[1].label, "INVALID");
  EXPECT_NE(callouts[1].text.find("mode trace has 4 complete rounds"), std::string::npos);
  // A significant cost is named as one.
  const auto& trace = d.data["verdict"]["modes"][0];
  EXPECT_EQ(trace["significant_costs"].size(), 1u);
  const auto paragraphs = blocks_of<Paragraph>(section(d, "verdict"));
  EXPECT_NE(paragraphs[0].text.find("costs p99 latency +6.1% [+3.8%, +8.9%] (significant after the correction for many comparisons)"),
            std::string::npos)
      << paragraphs[0].text;
  // Derived warnings: the generator's CPU share and failed requests, beside the run's own.
  const auto warnings = d.data["warnings"].get<std::vector<std::string>>();
  EXPECT_TRUE(contains(warnings, "the target is not local"));
  EXPECT_TRUE(contains(warnings, "of a CPU (median over rounds) on a host with 2 CPUs: it competes with the target"));
  EXPECT_TRUE(contains(warnings, "12 requests failed in 1 round "));
  const auto missing = d.data["missing"].get<std::vector<std::string>>();
  EXPECT_TRUE(contains(missing, "target CPU per request: not measured"));
  EXPECT_TRUE(contains(missing, "target Go version"));
  // The skipped mode and its reason are in the context.
  const std::string text = write_text(d);
  EXPECT_NE(text.find("flightrecorder: no flight-recorder agent at 127.0.0.1:33429"), std::string::npos);
  EXPECT_NE(text.find("(cut short)"), std::string::npos);
}

// The table's note says how the breakdown rows were corrected: in the run's one multiple test
// (result.json's multiple_test), or, in results from before it, over a family of their own.
TEST(RunDocument, TheBreakdownNoteFollowsTheResultsMultipleTest) {
  nlohmann::json j = fixture("run_full");
  nlohmann::json row = j["comparisons"][0];
  row["metric"] = "gc_cpu_us_per_request";
  row["family"] = "breakdown";
  j["comparisons"].push_back(row);
  const auto note = [](const nlohmann::json& result) {
    for (const auto& t : blocks_of<Table>(section(build_run_document(result), "overhead")))
      if (!t.note.empty()) return t.note;
    return std::string();
  };
  EXPECT_NE(note(j).find("are corrected over their own family of 1 comparisons"), std::string::npos) << note(j);
  j["multiple_test"] = "holm-overhead+gated-breakdown";
  EXPECT_NE(note(j).find("are in the same correction (1 rows), a mode's tested only once its CPU per request is "
                         "found changed"),
            std::string::npos)
      << note(j);
}

// A result that counts errors by kind (rounds[].errors_by_kind) names the kinds in the warning.
TEST(RunDocument, FailedRequestsAreNamedByKind) {
  nlohmann::json j = fixture("run_partial");
  for (auto& r : j["rounds"])
    if (r.value("errors", 0) > 0) r["errors_by_kind"] = {{"reset", 10}, {"timeout", 2}, {"parse", 0}};
  const auto warnings = build_run_document(j).data["warnings"].get<std::vector<std::string>>();
  EXPECT_TRUE(contains(warnings, "12 requests failed in 1 round (reset 10, timeout 2) (see Rounds)"))
      << nlohmann::json(warnings).dump();
}

// A target whose traces cannot be read (an old Go) fails every round alike: one line with the count.
TEST(RunDocument, AReadErrorOfEveryRoundIsSaidOnce) {
  nlohmann::json j = fixture("run_full");
  int traced = 0;
  for (auto& r : j["rounds"])
    if (r.contains("trace")) {
      r["trace"]["read_error"] = "go 1.19: the old v1 trace format";
      ++traced;
    }
  ASSERT_GT(traced, 1);
  const auto lists = blocks_of<BulletList>(section(build_run_document(j), "trace-data"));
  ASSERT_EQ(lists.size(), 1u);
  ASSERT_EQ(lists.front().items.size(), 1u) << nlohmann::json(lists.front().items).dump();
  EXPECT_NE(lists.front().items.front().find(fmt::format("go 1.19: the old v1 trace format ({} rounds: round ", traced)),
            std::string::npos)
      << lists.front().items.front();
}

TEST(RunDocument, PlotsArePlacedInTheirSections) {
  const Document d = build_run_document(fixture("run_full"));
  auto plots_in = [&](const std::string& id) {
    std::vector<std::string> names;
    for (const auto& p : blocks_of<PlotRef>(section(d, id))) names.push_back(p.name);
    return names;
  };
  EXPECT_EQ(plots_in("overhead"), (std::vector<std::string>{"rounds_throughput", "rounds_cpu"}));
  EXPECT_EQ(plots_in("latency"), (std::vector<std::string>{"latency_spectrum"}));
  EXPECT_EQ(plots_in("trace-data"), (std::vector<std::string>{"trace_rate", "trace_event_mix"}));
  EXPECT_EQ(plots_in("sizing"), (std::vector<std::string>{"flight_recorder"}));
}

TEST(RunDocument, PlotSpecsFollowTheData) {
  auto names = [](const nlohmann::json& r) {
    std::vector<std::string> out;
    for (const auto& s : run_plot_specs(r)) out.push_back(s.name);
    return out;
  };
  EXPECT_EQ(names(fixture("run_full")), (std::vector<std::string>{"latency_spectrum", "rounds_throughput", "rounds_cpu",
                                                                  "trace_rate", "trace_event_mix", "flight_recorder"}));
  // No target CPU, no event mix and no snapshot: none of their plots.
  EXPECT_EQ(names(fixture("run_partial")),
            (std::vector<std::string>{"latency_spectrum", "rounds_throughput", "trace_rate"}));
  EXPECT_TRUE(names(parse_result(R"({"schema": "tracebench.run/v1", "modes": {}})", "x")).empty());
}

TEST(RunDocument, JsonFormatCarriesTheVerdictAndEverySection) {
  const auto j = nlohmann::json::parse(render(fixture("run_full"), Format::kJson));
  EXPECT_EQ(j["schema"], "tracebench.report/v1");
  EXPECT_EQ(j["verdict"]["status"], "valid");
  EXPECT_EQ(j["sections"].size(), 8u);
  EXPECT_EQ(j["sections"][0]["id"], "verdict");
  EXPECT_EQ(j["sections"][0]["blocks"][0]["type"], "callout");
}

}  // namespace
}  // namespace tracebench::reports

namespace tracebench::reports {
namespace {

// Every value of a real result, one at a time, replaced by one of another type: the report
// and the plot data still build (a result is read tolerantly; only the schema check throws).
TEST(RunDocument, AnyValueOfTheWrongTypeIsToleratedNotFatal) {
  const nlohmann::json full = fixture("run_full");
  std::vector<nlohmann::json::json_pointer> paths;
  std::function<void(const nlohmann::json&, const nlohmann::json::json_pointer&)> walk =
      [&](const nlohmann::json& j, const nlohmann::json::json_pointer& at) {
        paths.push_back(at);
        if (j.is_object()) {
          for (const auto& [k, v] : j.items()) walk(v, at / k);
        } else if (j.is_array()) {
          const std::string last = at.empty() ? "" : at.back();
          if (last == "latency_spectrum") return;  // 70 pairs alike
          const std::size_t n = last == "rounds" ? 2 : j.size();
          for (std::size_t i = 0; i < n && i < j.size(); ++i) walk(j[i], at / i);
        }
      };
  walk(full, nlohmann::json::json_pointer());
  ASSERT_GT(paths.size(), 500u);
  auto other = [](const nlohmann::json& v) -> nlohmann::json {
    if (v.is_number()) return "x";
    if (v.is_string()) return 1;
    if (v.is_object()) return nlohmann::json::array({1});
    if (v.is_array()) return nlohmann::json::object({{"a", 1}});
    if (v.is_boolean()) return "yes";
    return nlohmann::json::object();
  };
  for (const auto& p : paths) {
    if (p.empty()) continue;
    nlohmann::json r = full;
    r[p] = other(r[p]);
    SCOPED_TRACE(p.to_string());
    try {
      classify_result(r, "mutated");
    } catch (const ResultError&) {
      continue;  // the few keys whose type the schema check guards
    }
    EXPECT_NO_THROW({
      const Document d = build_run_document(r);
      (void)write_text(d);
      (void)run_plot_specs(r);
    });
  }
}

}  // namespace
}  // namespace tracebench::reports
