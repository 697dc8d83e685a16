// The typed reader of the run result: what it reads from a good document, what it makes of
// an absent key, and the one-line error for a missing schema or a wrongly typed container.

#include "result/run_result.h"

#include <gtest/gtest.h>

#include "result/schema.h"

namespace tracebench::result {
namespace {

using nlohmann::json;

json good_document() {
  return json::parse(R"({
    "schema": "tracebench.run/v1",
    "complete": true,
    "stop_reason": null,
    "config": {"phase_s": 0.5, "settle_s": 0.2, "fr_max_bytes": 10485760},
    "modes": {
      "off": {"rounds": 6, "throughput_rps": {"median": 1000, "ci_low": 980, "ci_high": 1020, "n": 6},
              "target_cpu_us_per_request": null},
      "trace": {"rounds": 6, "throughput_rps": {"median": 990, "ci_low": 970, "ci_high": 1010, "n": 6},
                "latency_ns": {"p99": {"median": 2e6, "ci_low": 1.9e6, "ci_high": 2.1e6, "n": 6}},
                "trace_bytes_per_s": {"median": 2e6, "ci_low": 1.9e6, "ci_high": 2.2e6, "n": 6},
                "parse_mb_per_s": {"median": 400, "n": 6}}
    },
    "comparisons": [{"mode": "trace", "metric": "throughput_rps", "delta_pct": -1.0, "ci_low_pct": -2.0,
                     "ci_high_pct": 0.1, "bound_low_pct": -1.8, "bound_high_pct": -0.1, "n_base": 6, "n_mode": 6,
                     "n_blocks": 6, "significant": false}],
    "noise_floor": [],
    "rounds": [
      {"index": 0, "mode": "off", "complete": true, "throughput_rps": 1000, "generator_cpu_us_per_request": 100,
       "send_lag_p99_ns": 2e5, "target_rss_bytes": 2e7},
      {"index": 1, "mode": "trace", "complete": false, "dropped": true, "throughput_rps": 990,
       "trace": {"bytes_per_s": 2e6}}
    ],
    "skipped_modes": [{"mode": "flightrecorder", "reason": "no agent"}],
    "warnings": ["a warning", 7],
    "invalid_reasons": [],
    "generator": {"core_share": 0.1, "competes_for_cpu": false}
  })");
}

std::string error_of(const json& document) {
  try {
    read_run_result(document);
  } catch (const FormatError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ReadRunResult, ReadsAGoodDocument) {
  const RunResultView v = read_run_result(good_document());
  EXPECT_EQ(v.complete, std::optional<bool>(true));
  EXPECT_EQ(v.stop_reason, "");
  ASSERT_TRUE(v.has_modes);
  ASSERT_EQ(v.modes.size(), 2u);
  EXPECT_EQ(v.modes[0].name, "off");  // the document's key order
  const ModeView* trace = v.mode("trace");
  ASSERT_NE(trace, nullptr);
  EXPECT_EQ(trace->rounds, 6.0);
  EXPECT_EQ(trace->throughput_rps.median, 990.0);
  EXPECT_EQ(trace->latency_p99_ns.ci_high, 2.1e6);
  EXPECT_FALSE(trace->latency_p50_ns.median);
  EXPECT_EQ(trace->trace_bytes_per_s.ci_low, 1.9e6);
  EXPECT_EQ(trace->parse_mb_per_s, 400.0);
  EXPECT_FALSE(v.mode("off")->target_cpu_measured);  // null: not measured
  EXPECT_EQ(v.mode("flightrecorder"), nullptr);

  const ComparisonView* c = v.comparison("trace", "throughput_rps");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->bound_low_pct, -1.8);
  EXPECT_EQ(c->n_blocks, 6.0);
  EXPECT_FALSE(c->significant);
  EXPECT_EQ(v.comparison("trace", "latency_p99_ns"), nullptr);

  ASSERT_EQ(v.rounds.size(), 2u);
  EXPECT_EQ(v.rounds[0].send_lag_p99_ns, 2e5);
  EXPECT_FALSE(v.rounds[0].trace);
  EXPECT_EQ(v.rounds[1].complete, std::optional<bool>(false));
  EXPECT_TRUE(v.rounds[1].dropped);
  ASSERT_TRUE(v.rounds[1].trace);
  EXPECT_EQ(v.rounds[1].trace->bytes_per_s, 2e6);

  ASSERT_EQ(v.skipped_modes.size(), 1u);
  EXPECT_EQ(v.skipped_modes[0].reason, "no agent");
  EXPECT_EQ(v.warnings, (std::vector<std::string>{"a warning", "7"}));  // a non-string line kept as its JSON
  EXPECT_EQ(v.config.fr_max_bytes, 10485760.0);
  EXPECT_EQ(v.generator.core_share, 0.1);
  EXPECT_FALSE(v.generator.competes_for_cpu);
}

TEST(ReadRunResult, AbsentKeysReadAsNotThere) {
  const RunResultView v = read_run_result(json{{"schema", kRunSchema}});
  EXPECT_FALSE(v.complete);
  EXPECT_FALSE(v.has_modes);
  EXPECT_TRUE(v.modes.empty());
  EXPECT_TRUE(v.rounds.empty());
  EXPECT_FALSE(v.config.phase_s);
  EXPECT_FALSE(v.generator.core_share);

  // A leaf of another type reads as absent, as reports and sizing always read it.
  json d = good_document();
  d["modes"]["trace"]["throughput_rps"]["median"] = "fast";
  EXPECT_FALSE(read_run_result(d).mode("trace")->throughput_rps.median);
}

TEST(ReadRunResult, SaysWhetherAComparisonIsSpeedAdjusted) {
  json d = good_document();
  EXPECT_FALSE(read_run_result(d).comparisons.at(0).speed_adjusted);  // older results have no key
  d["comparisons"][0]["speed_adjusted"] = true;
  EXPECT_TRUE(read_run_result(d).comparisons.at(0).speed_adjusted);
}

TEST(ReadRunResult, AnOlderResultDerivesTheGeneratorShareFromItsRounds) {
  json d = good_document();
  d.erase("generator");
  // Complete rounds only: 100 µs per request × 1000 req/s = 0.1 of a core.
  RunResultView v = read_run_result(d);
  EXPECT_DOUBLE_EQ(*v.generator.core_share, 0.1);
  EXPECT_FALSE(v.generator.competes_for_cpu);
  d["rounds"][0]["generator_cpu_us_per_request"] = 600;  // 0.6 of a core
  EXPECT_TRUE(read_run_result(d).generator.competes_for_cpu);
  d["rounds"][0]["generator_cpu_us_per_request"] = 500;  // exactly the threshold: not above it
  EXPECT_FALSE(read_run_result(d).generator.competes_for_cpu);
}

TEST(ReadRunResult, MissingOrWrongSchemaIsOneLine) {
  EXPECT_EQ(error_of(json::array()), "not a tracebench run result: the document is not a JSON object");
  EXPECT_EQ(error_of(json{{"modes", json::object()}}),
            "not a tracebench run result: no 'schema' key (expected \"tracebench.run/v1\")");
  EXPECT_EQ(error_of(json{{"schema", 1}}),
            "not a tracebench run result: no 'schema' key (expected \"tracebench.run/v1\")");
  EXPECT_EQ(error_of(json{{"schema", kInspectSchema}}),
            "not a tracebench run result: schema is \"tracebench.inspect/1\", expected \"tracebench.run/v1\"");
}

TEST(ReadRunResult, AContainerOfTheWrongTypeNamesItsKey) {
  const auto with = [](const char* key, json value) {
    json d = good_document();
    d[key] = std::move(value);
    return error_of(d);
  };
  EXPECT_EQ(with("modes", json::array()), "the result has no 'modes' object");
  EXPECT_EQ(with("modes", json{{"trace", 3}}), "the result's 'modes.trace' is not an object");
  EXPECT_EQ(with("rounds", "many"), "the result's 'rounds' is not a list");
  EXPECT_EQ(with("comparisons", json::array({json::object(), 5})), "the result's 'comparisons[1]' is not an object");
  EXPECT_EQ(with("invalid_reasons", "oops"), "the result's 'invalid_reasons' is not a list");
  EXPECT_EQ(with("generator", 0.9), "the result's 'generator' is not an object");
  EXPECT_EQ(with("warnings", nullptr), "no error");  // null: no warnings
}

TEST(RunResult, TellsWhetherTheRunMarkedItInvalidForSendLag) {
  json d = good_document();
  EXPECT_FALSE(read_run_result(d).invalid_for_send_lag);
  d["invalid_reasons"] = {"mode off has 2 complete rounds; at least 3 are needed for a 95% CI",
                          "generator send lag p99 reached 4.20 ms against the run's typical 0.10 ms: the generator "
                          "could not keep its schedule"};
  EXPECT_TRUE(read_run_result(d).invalid_for_send_lag);
}

TEST(CheckSchema, TellsEachKindOfDocument) {
  EXPECT_EQ(check_schema(json{{"schema", kRunSchema}}).kind, SchemaKind::kRun);
  EXPECT_EQ(check_schema(json{{"schema", kSweepSchema}}).kind, SchemaKind::kSweep);
  EXPECT_EQ(check_schema(json{{"schema", "tracebench.run/v2"}}).kind, SchemaKind::kOtherRunVersion);
  EXPECT_EQ(check_schema(json{{"schema", "tracebench.sweep/v0"}}).kind, SchemaKind::kOtherSweepVersion);
  EXPECT_EQ(check_schema(json{{"schema", kLoadSchema}}).kind, SchemaKind::kOtherTracebench);
  const SchemaCheck foreign = check_schema(json{{"schema", "acme.bench/v3"}});
  EXPECT_EQ(foreign.kind, SchemaKind::kForeign);
  EXPECT_EQ(foreign.schema, "acme.bench/v3");
  EXPECT_EQ(check_schema(json{{"schema", nullptr}}).kind, SchemaKind::kNotString);
  EXPECT_EQ(check_schema(json::object()).kind, SchemaKind::kMissing);
  EXPECT_EQ(check_schema(json(3)).kind, SchemaKind::kNotObject);
}

}  // namespace
}  // namespace tracebench::result
