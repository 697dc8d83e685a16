// Replays inputs through the fuzz target's entry point (tests/fuzz/trace_reader_fuzz.cpp,
// compiled in here with g++): the committed corpus of crashers and edge cases, and every
// hand-made golden trace cut at every length and with every byte mutated. The entry
// point rethrows nothing but must not crash; under ctest this also runs any bad input
// through the same code the fuzzer found it with.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "wire_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace tracebench::trace {
namespace {

namespace fs = std::filesystem;

std::vector<std::uint8_t> read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::uint8_t> golden_bytes(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const auto t = text.find("-- trace --\n"), e = text.find("-- expect --");
  return testing::assemble(text.substr(t + 12, e - t - 12));
}

TEST(FuzzRegression, CommittedCorpus) {
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(TRACEBENCH_FUZZ_CORPUS_DIR)) {
    const auto bytes = read_bytes(e.path());
    SCOPED_TRACE(e.path().filename().string());
    EXPECT_EQ(LLVMFuzzerTestOneInput(bytes.data(), bytes.size()), 0);
    ++n;
  }
  EXPECT_GT(n, 5u);
}

TEST(FuzzRegression, GoldenTracesCutAndMutated) {
  std::size_t runs = 0;
  for (const auto& e : fs::directory_iterator(TRACEBENCH_GOLDEN_DIR)) {
    if (e.path().extension() != ".txt") continue;
    const auto bytes = golden_bytes(e.path());
    if (bytes.size() > 4096) continue;
    SCOPED_TRACE(e.path().filename().string());
    for (std::size_t len = 0; len <= bytes.size(); ++len, ++runs) LLVMFuzzerTestOneInput(bytes.data(), len);
    for (std::size_t i = 16; i < bytes.size(); ++i) {
      for (std::uint8_t v : {std::uint8_t{0x00}, std::uint8_t{0xff}, static_cast<std::uint8_t>(bytes[i] + 1),
                             std::uint8_t{0x80}}) {
        auto m = bytes;
        m[i] = v;
        LLVMFuzzerTestOneInput(m.data(), m.size());
        ++runs;
      }
    }
  }
  EXPECT_GT(runs, 1000u);
}

}  // namespace
}  // namespace tracebench::trace
