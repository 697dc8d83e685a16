#pragma once
// Fast varint decoding for the event-batch scanner and interpreter, on bytes whose
// bounds are already known: 8 or 16 readable bytes at the pointer (the scanner keeps
// the last 16 bytes of a batch for the checked path), or varints already validated
// by a checked read. The format is varint.h's.
//
// Header-only, inline, no allocation, thread-safe.

#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "trace/varint.h"

namespace tracebench::trace::detail {

// kNthEnd.v[n + 1][m]: with m the end mask of 8 bytes, the byte count up to and
// including the n-th varint end (1..8), or 0 when fewer than n varints end in those 8
// bytes. Rows 0 and 1 (n = -1, a type not valid here, and n = 0) are all 0.
struct NthEndTable {
  std::uint8_t v[7][256]{};
  constexpr NthEndTable() {
    for (unsigned n = 1; n <= 5; ++n)
      for (unsigned m = 0; m < 256; ++m) {
        unsigned seen = 0;
        for (unsigned i = 0; i < 8; ++i)
          if (m >> i & 1u && ++seen == n) {
            v[n + 1][m] = static_cast<std::uint8_t>(i + 1);
            break;
          }
      }
  }
};
inline constexpr NthEndTable kNthEnd{};

// Set bits in a byte.
struct PopcountTable {
  std::uint8_t v[256]{};
  constexpr PopcountTable() {
    for (unsigned m = 0; m < 256; ++m)
      for (unsigned i = 0; i < 8; ++i) v[m] += static_cast<std::uint8_t>(m >> i & 1u);
  }
};
inline constexpr PopcountTable kPopcount8{};

// Decodes a varint of known length len (1..8) from 8 readable bytes at p: the
// continuation bits are masked off and the 7-bit groups packed together by SWAR.
[[gnu::always_inline]] inline std::uint64_t uvarint_of_length(const std::uint8_t* p, unsigned len) noexcept {
  std::uint64_t x;
  std::memcpy(&x, p, 8);  // little-endian load (x86-64 and arm64)
  if (len < 8) x &= (std::uint64_t{1} << (8 * len)) - 1;
  x &= 0x7f7f7f7f7f7f7f7full;
  x = ((x & 0x7f007f007f007f00ull) >> 1) | (x & 0x007f007f007f007full);
  x = ((x & 0x3fff00003fff0000ull) >> 2) | (x & 0x00003fff00003fffull);
  x = ((x & 0x0fffffff00000000ull) >> 4) | (x & 0x000000000fffffffull);
  return x;
}

// Bit i set when byte i of the 16 at p ends a varint (high bit clear).
[[gnu::always_inline]] inline std::uint32_t varint_ends16(const std::uint8_t* p) noexcept {
#if defined(__SSE2__)
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return ~static_cast<std::uint32_t>(_mm_movemask_epi8(v)) & 0xffffu;
#else
  std::uint32_t m = 0;
  for (unsigned i = 0; i < 16; ++i) m |= static_cast<std::uint32_t>(p[i] < 0x80) << i;
  return m;
#endif
}

// Decodes a varint the caller has validated (it ends before end); values of up to
// three bytes (IDs below 2^21, nearly all of them) without a loop.
[[gnu::always_inline]] inline const std::uint8_t* decode_valid_uvarint(const std::uint8_t* q, const std::uint8_t* end,
                                                                       std::uint64_t& v) noexcept {
  if (q[0] < 0x80) {
    v = q[0];
    return q + 1;
  }
  if (q[1] < 0x80) {
    v = (q[0] & 0x7fu) | (std::uint64_t{q[1]} << 7);
    return q + 2;
  }
  if (q[2] < 0x80) {
    v = (q[0] & 0x7fu) | (std::uint64_t{q[1] & 0x7fu} << 7) | (std::uint64_t{q[2]} << 14);
    return q + 3;
  }
  return read_uvarint(q, end, v);
}

// The n-th (0-based) of the valid varints in [p, end): the caller has validated them.
[[gnu::always_inline]] inline std::uint64_t nth_uvarint(const std::uint8_t* p, const std::uint8_t* end, int n) noexcept {
  for (; n > 0; --n) {
    while (*p >= 0x80) ++p;
    ++p;
  }
  std::uint64_t v = 0;
  return decode_valid_uvarint(p, end, v) ? v : 0;
}

}  // namespace tracebench::trace::detail
