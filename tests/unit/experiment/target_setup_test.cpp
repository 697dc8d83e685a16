// The set-up step's pure parts: --pin's split of the allowed CPUs, the debug candidates,
// and its temp directories.

#include <gtest/gtest.h>

#include <filesystem>

#include "experiment/target_setup.h"

namespace tracebench::experiment {
namespace {

TEST(SplitCpus, TheLastAllowedCpuForTheTargetTheRestForTracebench) {
  // A cpuset of 2,5,7 (not the machine's first CPUs): the split is over what is allowed.
  const CpuSplit s = split_cpus({2, 5, 7});
  EXPECT_EQ(s.target_cpus, std::vector<int>({7}));
  EXPECT_EQ(s.own_cpus, std::vector<int>({2, 5}));
}

TEST(SplitCpus, FewerThanTwoCpusSplitNothing) {
  for (const std::vector<int>& allowed : {std::vector<int>{}, std::vector<int>{0}, std::vector<int>{3}}) {
    const CpuSplit s = split_cpus(allowed);
    EXPECT_TRUE(s.target_cpus.empty());
    EXPECT_TRUE(s.own_cpus.empty());
  }
}

TEST(DebugCandidates, TheTargetThenPort6060OnTheSameHost) {
  auto c = debug_candidates({"::1", 8080});
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].display(), "[::1]:8080");
  EXPECT_EQ(c[1].display(), "[::1]:6060");
  c = debug_candidates({"localhost", 6060});
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].display(), "localhost:6060");
}

TEST(MakeTempDir, ANewEmptyDirectoryWithThePrefix) {
  const std::string a = make_temp_dir("tracebench-test");
  const std::string b = make_temp_dir("tracebench-test");
  EXPECT_NE(a, b);
  EXPECT_TRUE(std::filesystem::is_directory(a));
  EXPECT_EQ(std::filesystem::path(a).filename().string().rfind("tracebench-test-", 0), 0u) << a;
  EXPECT_TRUE(std::filesystem::is_empty(a));
  std::filesystem::remove_all(a);
  std::filesystem::remove_all(b);
}

}  // namespace
}  // namespace tracebench::experiment
