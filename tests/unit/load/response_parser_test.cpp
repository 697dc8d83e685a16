#include "load/response_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace tracebench::load {
namespace {

using Status = ResponseParser::Status;

// Feeds the whole input in pieces of `step` bytes; returns the final status and the
// total bytes consumed up to completion.
Status feed_in_pieces(ResponseParser& p, const std::string& in, std::size_t step, std::size_t& used) {
  used = 0;
  while (used < in.size()) {
    std::size_t n = std::min(step, in.size() - used);
    std::size_t consumed = 0;
    Status s = p.feed(in.data() + used, n, consumed);
    used += consumed;
    if (s != Status::kNeedMore) return s;
  }
  return Status::kNeedMore;
}

struct FramingCase {
  const char* name;
  std::string response;
  int status;
  std::uint64_t body_bytes;
  bool keep_alive;
};

class Framing : public ::testing::TestWithParam<FramingCase> {};

TEST_P(Framing, CompletesAtTheRightByteWhateverTheSplit) {
  const auto& c = GetParam();
  // The next response's first bytes follow, to prove the parser stops exactly at the end.
  const std::string input = c.response + "HTTP/1.1 200 OK\r\n";
  for (std::size_t step : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}, input.size()}) {
    SCOPED_TRACE(step);
    ResponseParser p;
    p.reset();
    std::size_t used = 0;
    ASSERT_EQ(feed_in_pieces(p, input, step, used), Status::kComplete);
    EXPECT_EQ(used, c.response.size());
    EXPECT_EQ(p.status_code(), c.status);
    EXPECT_EQ(p.body_bytes(), c.body_bytes);
    EXPECT_EQ(p.keep_alive(), c.keep_alive);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Responses, Framing,
    ::testing::Values(
        FramingCase{"content_length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200, 5, true},
        FramingCase{"zero_length", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 200, 0, true},
        FramingCase{"case_insensitive", "HTTP/1.1 404 Not Found\r\ncOnTeNt-LeNgTh:3\r\n\r\nabc", 404, 3, true},
        FramingCase{"chunked",
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
                    200, 11, true},
        FramingCase{"chunked_extension_and_trailer",
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\nA;name=x\r\n0123456789\r\n0\r\n"
                    "X-Trailer: 1\r\n\r\n",
                    200, 10, true},
        FramingCase{"connection_close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", 200,
                    2, false},
        FramingCase{"http10_closes", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, 2, false},
        FramingCase{"http10_keep_alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok",
                    200, 2, true},
        FramingCase{"no_content", "HTTP/1.1 204 No Content\r\n\r\n", 204, 0, true},
        FramingCase{"not_modified", "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n", 304, 0, true},
        FramingCase{"lf_only_lines", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok", 200, 2, true},
        FramingCase{"no_reason_phrase", "HTTP/1.1 200\r\nContent-Length: 1\r\n\r\nx", 200, 1, true}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(ResponseParser, HeadResponseHasNoBodyDespiteLength) {
  ResponseParser p;
  p.reset(/*head_request=*/true);
  std::string r = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
  std::size_t consumed = 0;
  EXPECT_EQ(p.feed(r.data(), r.size(), consumed), Status::kComplete);
  EXPECT_EQ(consumed, r.size());
}

TEST(ResponseParser, ReadUntilCloseCompletesAtEof) {
  ResponseParser p;
  p.reset();
  std::string r = "HTTP/1.1 200 OK\r\n\r\nbody without length";
  std::size_t consumed = 0;
  EXPECT_EQ(p.feed(r.data(), r.size(), consumed), Status::kNeedMore);
  EXPECT_EQ(p.on_eof(), Status::kComplete);
  EXPECT_EQ(p.body_bytes(), 19u);
  EXPECT_FALSE(p.keep_alive());
}

TEST(ResponseParser, EofMidBodyIsTruncated) {
  ResponseParser p;
  p.reset();
  std::string r = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
  std::size_t consumed = 0;
  EXPECT_EQ(p.feed(r.data(), r.size(), consumed), Status::kNeedMore);
  EXPECT_TRUE(p.started());
  EXPECT_EQ(p.on_eof(), Status::kError);
  EXPECT_EQ(p.error(), ParseError::kTruncated);
}

struct GarbageCase {
  const char* name;
  std::string input;
  ParseError error;
};

class Garbage : public ::testing::TestWithParam<GarbageCase> {};

TEST_P(Garbage, IsAnErrorNotAHang) {
  const auto& c = GetParam();
  ResponseParser p(/*max_body_bytes=*/1 << 20);
  p.reset();
  std::size_t used = 0;
  EXPECT_EQ(feed_in_pieces(p, c.input, 3, used), Status::kError);
  EXPECT_EQ(p.error(), c.error) << to_string(p.error());
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, Garbage,
    ::testing::Values(
        GarbageCase{"ssh_banner", "SSH-2.0-OpenSSH_9.2p1 Debian\r\n", ParseError::kBadStatusLine},
        GarbageCase{"http2_preface", std::string("\0\0\x12\x04\0\0\0\0\0\n", 10), ParseError::kBadStatusLine},
        GarbageCase{"bad_status_code", "HTTP/1.1 2x0 OK\r\n\r\n", ParseError::kBadStatusLine},
        // Found by the fuzzer (tests/fuzz/corpus/http_response/status-000): no status class.
        GarbageCase{"status_without_class", "HTTP/1.1 000 OK\r\nContent-Length: 1000\r\n\r\n",
                    ParseError::kBadStatusLine},
        GarbageCase{"status_below_100", "HTTP/1.1 099\r\n\r\n", ParseError::kBadStatusLine},
        GarbageCase{"http2_version", "HTTP/2 200\r\n\r\n", ParseError::kBadStatusLine},
        GarbageCase{"header_without_colon", "HTTP/1.1 200 OK\r\nnonsense\r\n\r\n", ParseError::kBadHeader},
        GarbageCase{"bad_length", "HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n", ParseError::kBadHeader},
        GarbageCase{"conflicting_lengths", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                    ParseError::kBadHeader},
        GarbageCase{"bad_chunk_size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                    ParseError::kBadChunk},
        GarbageCase{"missing_chunk_crlf", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY\r\n",
                    ParseError::kBadChunk},
        GarbageCase{"body_over_limit", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n",
                    ParseError::kBodyTooLarge},
        GarbageCase{"chunks_over_limit",
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFF\r\n", ParseError::kBodyTooLarge},
        GarbageCase{"endless_header", "HTTP/1.1 200 OK\r\nX: " + std::string(70'000, 'a'),
                    ParseError::kHeaderTooLarge},
        GarbageCase{"endless_status_line", std::string(70'000, 'H'), ParseError::kHeaderTooLarge},
        GarbageCase{"many_headers", "HTTP/1.1 200 OK\r\n" + [] {
                      std::string s;
                      for (int i = 0; i < 5000; ++i) s += "X-Header-" + std::to_string(i) + ": v\r\n";
                      return s;
                    }(), ParseError::kHeaderTooLarge}),
    [](const auto& test) { return std::string(test.param.name); });

// Found by http_response_fuzz's oracle (tests/fuzz/corpus/http_response/header-over-64KiB-in-one-read):
// a header section over the limit that arrived whole in one read was accepted, while the same
// bytes in several reads were refused.
TEST(ResponseParser, HeaderLimitHoldsWhateverTheReads) {
  const std::string in = "HTTP/1.1 200 OK\r\nX: " + std::string(70'000, 'a') + "\r\nContent-Length: 0\r\n\r\n";
  for (std::size_t step : {in.size(), std::size_t{64 * 1024}, std::size_t{4096}}) {
    SCOPED_TRACE(step);
    ResponseParser p;
    p.reset();
    std::size_t used = 0;
    EXPECT_EQ(feed_in_pieces(p, in, step, used), Status::kError);
    EXPECT_EQ(p.error(), ParseError::kHeaderTooLarge);
  }
}

TEST(ResponseParser, ResetAllowsReuseOnKeepAlive) {
  ResponseParser p;
  for (int i = 0; i < 3; ++i) {
    p.reset();
    std::string r = "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx";
    std::size_t consumed = 0;
    ASSERT_EQ(p.feed(r.data(), r.size(), consumed), Status::kComplete);
    EXPECT_EQ(p.status_code(), 201);
  }
}

}  // namespace
}  // namespace tracebench::load
