// Replays a fuzz target's committed corpus (tests/fuzz/corpus/<target>/: crashers found
// once, and edge cases) through the target's entry point, compiled in here with g++ so
// the normal unit build keeps every input that ever broke a parser fixed. A target
// checks its own contract and aborts on a violation, so a regression fails this test
// with the target's message; SCOPED_TRACE names the input.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

TEST(FuzzCorpus, EveryInputReplays) {
  std::vector<fs::path> inputs;
  for (const auto& e : fs::directory_iterator(TRACEBENCH_FUZZ_CORPUS_DIR))
    if (e.is_regular_file()) inputs.push_back(e.path());
  std::sort(inputs.begin(), inputs.end());
  ASSERT_GE(inputs.size(), 3u) << "a fuzz target keeps a few seeds in " << TRACEBENCH_FUZZ_CORPUS_DIR;
  for (const auto& path : inputs) {
    SCOPED_TRACE(path.filename().string());
    std::ifstream in(path, std::ios::binary);
    const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    EXPECT_EQ(LLVMFuzzerTestOneInput(bytes.data(), bytes.size()), 0);
  }
}

}  // namespace
