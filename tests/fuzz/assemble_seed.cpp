// Writes the trace of a golden file (tests/golden/trace/*.txt) as bytes, for seeding
// the fuzzer with every hand-made version quirk. Usage: assemble_seed FILE.txt > out
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "wire_text.h"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::ifstream in(argv[1]);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const auto t = text.find("-- trace --\n"), e = text.find("-- expect --");
  if (t == std::string::npos || e == std::string::npos) return 1;
  const auto bytes = tracebench::trace::testing::assemble(text.substr(t + 12, e - t - 12));
  std::fwrite(bytes.data(), 1, bytes.size(), stdout);
  return 0;
}
