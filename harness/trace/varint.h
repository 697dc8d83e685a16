#pragma once
// Unsigned LEB128 varints as the Go runtime writes them (encoding/binary.Uvarint):
// 7 bits per byte, little-endian, high bit = more; at most 10 bytes; the 10th byte
// may only be 0 or 1. Non-minimal encodings are valid: the runtime pads every batch
// size to 10 bytes.
//
// Header-only, inline, no allocation, thread-safe.

#include <cstddef>
#include <cstdint>

namespace tracebench::trace {

namespace detail {
// Slow path of read_uvarint: multi-byte values, with the end check per byte.
inline const std::uint8_t* read_uvarint_slow(const std::uint8_t* p, const std::uint8_t* end,
                                             std::uint64_t& out) noexcept {
  std::uint64_t v = 0;
  unsigned shift = 0;
  for (int i = 0; i < 10; ++i) {
    if (p == end) return nullptr;
    const std::uint8_t b = *p++;
    if (b < 0x80) {
      if (i == 9 && b > 1) return nullptr;  // overflows 64 bits
      out = v | (static_cast<std::uint64_t>(b) << shift);
      return p;
    }
    v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    shift += 7;
  }
  return nullptr;  // more than 10 bytes
}
}  // namespace detail

// Decodes one varint at p without reading at or past end. Returns the position after
// it, or nullptr if it runs past end, is longer than 10 bytes or overflows 64 bits.
inline const std::uint8_t* read_uvarint(const std::uint8_t* p, const std::uint8_t* end,
                                        std::uint64_t& out) noexcept {
  if (p < end && *p < 0x80) [[likely]] {
    out = *p;
    return p + 1;
  }
  return detail::read_uvarint_slow(p, end, out);
}

// As read_uvarint, for callers that know at least 10 bytes are readable at p; the
// common one- and two-byte values take no loop.
inline const std::uint8_t* read_uvarint_unbounded(const std::uint8_t* p, std::uint64_t& out) noexcept {
  const std::uint8_t b0 = p[0];
  if (b0 < 0x80) [[likely]] {
    out = b0;
    return p + 1;
  }
  const std::uint8_t b1 = p[1];
  if (b1 < 0x80) {
    out = (b0 & 0x7fu) | (static_cast<std::uint64_t>(b1) << 7);
    return p + 2;
  }
  return detail::read_uvarint_slow(p, p + 10, out);
}

// Bytes of the minimal encoding of v (1..10).
inline constexpr unsigned uvarint_size(std::uint64_t v) noexcept {
  unsigned n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

}  // namespace tracebench::trace
