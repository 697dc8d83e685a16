// libFuzzer target for the load engine's HTTP/1.1 response parser
// (harness/load/response_parser.h): any bytes from a server, as a stream of pipelined
// responses and then the peer closing.
//
// Input: byte 0 chooses the request (bit 0: HEAD) and the body limit (bits 1-2: 0 B,
// 100 B, 64 KiB, 64 MiB); byte 1 seeds where the stream is cut into reads; the rest is
// what the server sent. The stream is parsed three ways: in one read, cut into the
// seeded reads, and one byte per read. Parsing must not crash, and all three must give
// the same responses (status, body bytes, keep-alive, where each ends) and the same
// error: framing is a function of the bytes, never of how the socket split them.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "load/response_parser.h"

namespace {

using tracebench::load::ParseError;
using tracebench::load::ResponseParser;

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "http_response_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

// What the parser made of the stream, one line per response and one for the end.
std::string parse(std::string_view stream, bool head, std::uint64_t max_body, std::uint32_t cut_seed,
                  bool byte_at_a_time) {
  ResponseParser parser(max_body);
  parser.reset(head);
  std::string log;
  std::size_t offset = 0;  // of the next byte to feed
  std::uint32_t rng = cut_seed * 2654435761u + 1;
  while (offset < stream.size()) {
    std::size_t len = stream.size() - offset;
    if (byte_at_a_time) {
      len = 1;
    } else if (cut_seed != 0) {
      rng = rng * 1103515245u + 12345u;
      len = std::min<std::size_t>(len, 1 + (rng >> 16) % 97);
    }
    std::size_t consumed = 0;
    const auto status = parser.feed(stream.data() + offset, len, consumed);
    if (consumed > len) fail("consumed more than it was given", std::to_string(consumed) + " > " + std::to_string(len));
    if (status == ResponseParser::Status::kNeedMore && consumed != len)
      fail("needs more but left bytes unread", std::to_string(consumed) + " of " + std::to_string(len));
    offset += consumed;
    if (status == ResponseParser::Status::kError) {
      if (parser.error() == ParseError::kNone) fail("an error without a reason", log);
      return log + "error " + std::string(to_string(parser.error())) + "\n";
    }
    if (status == ResponseParser::Status::kComplete) {
      if (parser.body_bytes() > max_body) fail("a body over the limit was accepted", std::to_string(parser.body_bytes()));
      if (parser.status_code() < 100 || parser.status_code() > 999)
        fail("a status code out of range", std::to_string(parser.status_code()));
      log += "response " + std::to_string(parser.status_code()) + " body " + std::to_string(parser.body_bytes()) +
             (parser.keep_alive() ? " keep-alive" : " close") + " ends at " + std::to_string(offset) + "\n";
      // The next response follows on the same connection, as in a pipelined stream.
      parser.reset(head);
    }
  }
  if (!parser.started()) return log + "eof between responses\n";
  const auto status = parser.on_eof();
  if (status == ResponseParser::Status::kComplete)
    return log + "eof completes " + std::to_string(parser.status_code()) + " body " +
           std::to_string(parser.body_bytes()) + "\n";
  return log + "eof error " + std::string(to_string(parser.error())) + "\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const bool head = data[0] & 1;
  static constexpr std::uint64_t kLimits[] = {0, 100, 64 << 10, 64ull << 20};
  const std::uint64_t max_body = kLimits[(data[0] >> 1) & 3];
  const std::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);
  const std::string whole = parse(stream, head, max_body, 0, false);
  const std::string cut = parse(stream, head, max_body, data[1] + 1u, false);
  if (cut != whole) fail("cut into reads, the stream parses differently", "whole:\n" + whole + "cut:\n" + cut);
  const std::string bytewise = parse(stream, head, max_body, 0, true);
  if (bytewise != whole)
    fail("one byte per read, the stream parses differently", "whole:\n" + whole + "bytewise:\n" + bytewise);
  return 0;
}
