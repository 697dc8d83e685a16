#include "trace/varint.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "trace/decoder.h"

namespace tracebench::trace {
namespace {

std::vector<std::uint8_t> encode(std::uint64_t v, unsigned pad = 0) {
  std::vector<std::uint8_t> out;
  unsigned n = 0;
  do {
    std::uint8_t b = v & 0x7f;
    v >>= 7;
    ++n;
    if (v != 0 || n < pad) b |= 0x80;
    out.push_back(b);
  } while (v != 0 || n < pad);
  return out;
}

TEST(Uvarint, DecodesMinimalAndPaddedEncodings) {
  for (std::uint64_t v : {0ull, 1ull, 127ull, 128ull, 300ull, 15625000ull, ~0ull}) {
    for (unsigned pad : {0u, 10u}) {
      auto bytes = encode(v, pad);
      std::uint64_t got = 0;
      const std::uint8_t* end = read_uvarint(bytes.data(), bytes.data() + bytes.size(), got);
      ASSERT_NE(end, nullptr) << v << " pad " << pad;
      EXPECT_EQ(got, v);
      EXPECT_EQ(end, bytes.data() + bytes.size());
    }
  }
  EXPECT_EQ(uvarint_size(0), 1u);
  EXPECT_EQ(uvarint_size(127), 1u);
  EXPECT_EQ(uvarint_size(128), 2u);
  EXPECT_EQ(uvarint_size(~0ull), 10u);
}

TEST(Uvarint, RejectsOverlongOverflowingAndCutShortValues) {
  std::uint64_t v = 0;
  // 11 bytes.
  std::vector<std::uint8_t> eleven(10, 0x80);
  eleven.push_back(0x00);
  EXPECT_EQ(read_uvarint(eleven.data(), eleven.data() + eleven.size(), v), nullptr);
  // 10th byte above 1 overflows 64 bits (encoding/binary.Uvarint's rule).
  std::vector<std::uint8_t> overflow(9, 0xff);
  overflow.push_back(0x02);
  EXPECT_EQ(read_uvarint(overflow.data(), overflow.data() + overflow.size(), v), nullptr);
  // Cut short.
  std::vector<std::uint8_t> cut = {0x80, 0x80};
  EXPECT_EQ(read_uvarint(cut.data(), cut.data() + cut.size(), v), nullptr);
  EXPECT_EQ(read_uvarint(cut.data(), cut.data(), v), nullptr);
}

TEST(Uvarint, FastPathsAgreeWithTheCheckedDecoder) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 20000; ++i) {
    const unsigned bits = static_cast<unsigned>(rng() % 64) + 1;
    const std::uint64_t v = rng() >> (64 - bits);
    auto bytes = encode(v);
    const auto len = static_cast<unsigned>(bytes.size());
    bytes.resize(bytes.size() + 16, 0);
    std::uint64_t a = 0, b = 0;
    ASSERT_NE(read_uvarint_unbounded(bytes.data(), a), nullptr);
    EXPECT_EQ(a, v);
    if (len <= 8) {
      b = detail::uvarint_of_length(bytes.data(), len);
      EXPECT_EQ(b, v) << "len " << len;
    }
  }
}

TEST(Uvarint, NthEndTableFindsTheEndOfTheNthVarint) {
  // Bytes: [0x81 0x01] [0x05] [0x80 0x80 0x01] [0x00] -> ends at 2, 3, 6, 7.
  const std::uint8_t bytes[16] = {0x81, 0x01, 0x05, 0x80, 0x80, 0x01, 0x00};
  const std::uint32_t ends = detail::varint_ends16(bytes);
  // Row n + 1 for n arguments; row 0 is for types not valid in an event batch.
  EXPECT_EQ(detail::kNthEnd.v[1 + 1][ends & 0xff], 2);
  EXPECT_EQ(detail::kNthEnd.v[2 + 1][ends & 0xff], 3);
  EXPECT_EQ(detail::kNthEnd.v[3 + 1][ends & 0xff], 6);
  EXPECT_EQ(detail::kNthEnd.v[4 + 1][ends & 0xff], 7);
  EXPECT_EQ(detail::kNthEnd.v[5 + 1][0x01], 0);
  EXPECT_EQ(detail::kNthEnd.v[0][0xff], 0);
}

}  // namespace
}  // namespace tracebench::trace
