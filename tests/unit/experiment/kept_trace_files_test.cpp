#include "experiment/trace_timing.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "result/schema.h"

namespace tracebench::experiment {
namespace {

using nlohmann::json;

std::string write_file(const std::string& name, std::size_t bytes) {
  const auto path = std::filesystem::temp_directory_path() / ("tracebench-kept-" + name);
  std::ofstream(path, std::ios::binary) << std::string(bytes, 'x');
  return path.string();
}

TEST(KeptTraceFiles, CapturesAndSnapshotsThatExistLargestFirst) {
  const std::string small = write_file("small.trace", 10), large = write_file("large.trace", 1000);
  const std::string empty = write_file("empty.trace", 0);
  const json result = {{"schema", result::kRunSchema},
                       {"rounds",
                        {{{"mode", "off"}},
                         {{"mode", "trace"}, {"trace", {{"file", small}}}},
                         {{"mode", "flightrecorder"}, {"snapshot", {{"file", large}}}},
                         {{"mode", "trace"}, {"trace", {{"file", empty}}}},
                         {{"mode", "trace"}, {"trace", {{"file", "/nonexistent/gone.trace"}}}},
                         {{"mode", "trace"}, {"trace", {{"bytes_per_s", 1e6}}}}}}};
  EXPECT_EQ(kept_trace_files(result), (std::vector<std::string>{large, small}));
}

TEST(KeptTraceFiles, ADocumentThatIsNotARunResultKeepsNothing) {
  const std::string file = write_file("other.trace", 10);
  EXPECT_TRUE(kept_trace_files(json{{"rounds", {{{"trace", {{"file", file}}}}}}}).empty());
  EXPECT_TRUE(kept_trace_files(json::array()).empty());
  EXPECT_TRUE(kept_trace_files(json{{"schema", result::kRunSchema}, {"rounds", 3}}).empty());
}

}  // namespace
}  // namespace tracebench::experiment
