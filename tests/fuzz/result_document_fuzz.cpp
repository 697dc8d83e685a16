// libFuzzer target for everything that reads a result file given on the command line: the
// bytes of a result.json or sweep.json go through what `report`, `check` and `size` do
// with them (less the file system, gnuplot and the trace files): parse and classify,
// build the run or sweep report and write it in every format; judge every budget; check
// the result for sizing and compute the recommendations and their text. Each may reject
// the input with its own error type (ResultError, GateInputError, result::FormatError, a
// sizing message); anything else escaping, a crash or undefined behaviour is a bug.
//
// Built with clang by scripts/fuzz.sh; also compiled into the g++ unit test that replays
// tests/fuzz/corpus/result_document/.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "gates/budget_check.h"
#include "gates/errors.h"
#include "reports/recommendations_text.h"
#include "reports/result_file.h"
#include "reports/run_document.h"
#include "reports/sweep_document.h"
#include "reports/writers.h"
#include "result/recommendations.h"
#include "result/run_result.h"
#include "sizing/result_rates.h"
#include "sizing/sizing.h"

namespace {

namespace reports = tracebench::reports;
namespace gates = tracebench::gates;
namespace sizing = tracebench::sizing;
namespace model = tracebench::result;

// `tracebench report`: the checks of result_file.h, then the report in every format.
void report(const std::string& text) {
  nlohmann::json j;
  reports::Document doc;
  try {
    j = reports::parse_result(text, "fuzz input");
    doc = reports::classify_result(j, "fuzz input") == reports::ResultKind::kRun ? reports::build_run_document(j)
                                                                                   : reports::build_sweep_document(j);
  } catch (const reports::ResultError&) {
    return;
  }
  (void)reports::write_text(doc);
  (void)reports::write_markdown(doc);
  (void)reports::write_html(doc);
  (void)reports::write_json(doc);
}

// `tracebench check` with every budget, and `tracebench size` with an overhead budget.
void check_and_size(const nlohmann::json& j) {
  try {
    (void)model::read_run_result(j);
  } catch (const model::FormatError&) {
  }
  gates::CheckOptions options;
  for (const auto& kind : gates::budget_kinds()) options.budgets.push_back({&kind, 2.0});
  try {
    const gates::CheckReport r = gates::check_result(j, options);
    for (auto policy : {gates::InconclusivePolicy::kPass, gates::InconclusivePolicy::kFail,
                        gates::InconclusivePolicy::kInconclusive})
      (void)gates::overall(r, policy);
    for (const auto& judgement : r.judgements)
      if (judgement.verdict == gates::Verdict::kNotMeasured) (void)gates::not_measured_message(judgement);
  } catch (const gates::GateInputError&) {
  }
  if (!sizing::check_run_result(j).empty() || !sizing::check_result_rates(j).empty()) return;
  sizing::SizingOptions so;
  so.budget_pct = 2.0;
  const nlohmann::json rec = sizing::recommend(j, so);
  (void)reports::format_recommendations(model::read_recommendations_object(rec));
  (void)rec.dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  report(text);
  // check and size parse the file with nlohmann directly and report its exceptions.
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    return 0;
  }
  check_and_size(j);
  return 0;
}
