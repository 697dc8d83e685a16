#pragma once
// Incremental HTTP/1.1 response framing: finds where each response ends, whatever way the
// bytes are split across reads. Bodies are counted, never stored.
//
// Framing: Content-Length, chunked transfer-encoding (with trailers), and read-until-close
// when neither is given. Responses to HEAD and 1xx/204/304 have no body. Limits make a
// hostile or broken peer an error instead of unbounded memory: header section at most
// kMaxHeaderBytes, body at most the configured limit.
//
// Thread safety: none; one parser per connection.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tracebench::load {

enum class ParseError {
  kNone,
  kBadStatusLine,     // the peer did not answer with "HTTP/1.x NNN ..." (NNN from 100)
  kBadHeader,         // a header line without ':' or a bad Content-Length
  kHeaderTooLarge,    // more than kMaxHeaderBytes before the blank line
  kBadChunk,          // a chunk-size line that is not hex, or missing CRLF after a chunk
  kBodyTooLarge,      // declared or received body over the limit
  kTruncated,         // the connection closed in the middle of a response
};

std::string_view to_string(ParseError e);

class ResponseParser {
 public:
  static constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

  enum class Status { kNeedMore, kComplete, kError };

  explicit ResponseParser(std::uint64_t max_body_bytes = 64ull << 20) : max_body_bytes_(max_body_bytes) {}

  // Call before each request; head_request says the response carries no body.
  void reset(bool head_request = false);

  // Consumes bytes of [data, data+len). Returns kComplete when a whole response has been
  // read (`consumed` then says how many bytes belonged to it; the rest is the next
  // response's), kNeedMore when all bytes were consumed and more are needed, kError on
  // malformed input (see error()).
  Status feed(const char* data, std::size_t len, std::size_t& consumed);

  // The peer closed the connection. Completes a read-until-close body; otherwise an
  // unfinished response becomes kTruncated. Returns the resulting status.
  Status on_eof();

  int status_code() const { return status_code_; }
  // False when the peer asked to close (Connection: close, HTTP/1.0 without keep-alive,
  // or a read-until-close body): the connection must be reopened for the next request.
  bool keep_alive() const { return keep_alive_; }
  std::uint64_t body_bytes() const { return body_bytes_; }
  ParseError error() const { return error_; }
  // True once any byte of the current response arrived.
  bool started() const { return started_; }

 private:
  enum class State { kStatusLine, kHeaders, kBodyLength, kChunkSize, kChunkData, kChunkDataEnd,
                     kTrailers, kBodyUntilClose, kDone, kFailed };

  Status fail(ParseError e);
  // Completes one line into `line` (stripping CRLF); false when more bytes are needed.
  bool take_line(const char*& p, const char* end, std::string_view& line);
  bool on_status_line(std::string_view line);
  bool on_header_line(std::string_view line);
  Status finish_headers();

  std::uint64_t max_body_bytes_;
  State state_ = State::kStatusLine;
  std::string partial_;          // an incomplete line carried over between reads
  std::size_t header_bytes_ = 0;
  int status_code_ = 0;
  bool http10_ = false;
  bool keep_alive_ = true;
  bool saw_connection_keep_alive_ = false;
  bool chunked_ = false;
  bool has_length_ = false;
  bool head_request_ = false;
  bool started_ = false;
  std::uint64_t content_length_ = 0;
  std::uint64_t remaining_ = 0;
  std::uint64_t body_bytes_ = 0;
  ParseError error_ = ParseError::kNone;
};

}  // namespace tracebench::load
