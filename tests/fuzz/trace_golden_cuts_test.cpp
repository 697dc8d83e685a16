// Every hand-made golden trace (tests/golden/trace/*.txt) through a trace fuzz target's
// entry point, cut at every length and with every byte after the header mutated: the
// inputs a fuzzer would try first, checked on every unit build.

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "wire_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

std::vector<std::uint8_t> golden_bytes(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const auto t = text.find("-- trace --\n"), e = text.find("-- expect --");
  return tracebench::trace::testing::assemble(text.substr(t + 12, e - t - 12));
}

TEST(FuzzGolden, TracesCutAndMutated) {
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
