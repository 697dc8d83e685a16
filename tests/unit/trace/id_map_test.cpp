#include "trace/id_map.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

namespace tracebench::trace {
namespace {

TEST(IdMap, BehavesLikeAnUnorderedMapUnderRandomInsertAndErase) {
  IdMap<std::uint64_t> m;
  std::unordered_map<std::uint64_t, std::uint64_t> ref;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    // Mix of dense sequential IDs (goroutines), strided ones and huge ones (~0 included).
    std::uint64_t key;
    switch (rng() % 4) {
      case 0: key = rng() % 5000; break;
      case 1: key = (rng() % 500) << 20; break;
      case 2: key = ~0ull - rng() % 3; break;
      default: key = rng(); break;
    }
    if (rng() % 3 == 0) {
      EXPECT_EQ(m.erase(key), ref.erase(key) == 1);
    } else {
      auto [v, inserted] = m.try_emplace(key);
      auto [it, ref_inserted] = ref.try_emplace(key, 0);
      EXPECT_EQ(inserted, ref_inserted);
      *v += 1;
      it->second += 1;
    }
  }
  EXPECT_EQ(m.size(), ref.size());
  for (const auto& [k, v] : ref) {
    auto* got = m.find(k);
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(*got, v);
  }
  std::size_t seen = 0;
  m.for_each([&](std::uint64_t, std::uint64_t&) { ++seen; });
  EXPECT_EQ(seen, ref.size());
  m.clear();
  EXPECT_EQ(m.size(), 0u);
  EXPECT_EQ(m.find(1), nullptr);
  for (std::uint64_t k = 0; k < 100; ++k) *m.try_emplace(k).first = k;  // usable after clear
  EXPECT_EQ(m.size(), 100u);
}

}  // namespace
}  // namespace tracebench::trace
