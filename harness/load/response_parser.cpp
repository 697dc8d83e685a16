#include "load/response_parser.h"

#include <algorithm>
#include <cstring>

namespace tracebench::load {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool icontains_token(std::string_view value, std::string_view token) {
  // Header values such as "keep-alive, Upgrade": compare each comma-separated token.
  while (!value.empty()) {
    std::size_t comma = value.find(',');
    std::string_view t = value.substr(0, comma);
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    if (iequals(t, token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view to_string(ParseError e) {
  switch (e) {
    case ParseError::kNone: return "none";
    case ParseError::kBadStatusLine: return "bad status line";
    case ParseError::kBadHeader: return "bad header";
    case ParseError::kHeaderTooLarge: return "header section too large";
    case ParseError::kBadChunk: return "bad chunk framing";
    case ParseError::kBodyTooLarge: return "body too large";
    case ParseError::kTruncated: return "connection closed mid-response";
  }
  return "unknown";
}

void ResponseParser::reset(bool head_request) {
  state_ = State::kStatusLine;
  partial_.clear();
  header_bytes_ = 0;
  status_code_ = 0;
  http10_ = false;
  keep_alive_ = true;
  saw_connection_keep_alive_ = false;
  chunked_ = false;
  has_length_ = false;
  head_request_ = head_request;
  started_ = false;
  content_length_ = remaining_ = body_bytes_ = 0;
  error_ = ParseError::kNone;
}

ResponseParser::Status ResponseParser::fail(ParseError e) {
  error_ = e;
  state_ = State::kFailed;
  keep_alive_ = false;
  return Status::kError;
}

bool ResponseParser::take_line(const char*& p, const char* end, std::string_view& line) {
  const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
  if (nl == nullptr) {
    partial_.append(p, end);
    header_bytes_ += static_cast<std::size_t>(end - p);
    p = end;
    return false;
  }
  const char* stop = static_cast<const char*>(nl);
  header_bytes_ += static_cast<std::size_t>(stop - p) + 1;
  if (partial_.empty()) {
    line = std::string_view(p, static_cast<std::size_t>(stop - p));
  } else {
    partial_.append(p, stop);
    line = partial_;
  }
  p = stop + 1;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return true;
}

bool ResponseParser::on_status_line(std::string_view line) {
  // "HTTP/1.1 200 OK" — the reason phrase is optional.
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ') return false;
  if (line[7] != '0' && line[7] != '1') return false;
  http10_ = line[7] == '0';
  int code = 0;
  for (int i = 9; i < 12; ++i) {
    char c = line[static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return false;
    code = code * 10 + (c - '0');
  }
  if (line.size() > 12 && line[12] != ' ') return false;
  // The first digit is the class (RFC 9110 §15); "000" or "099" has none, and would be
  // counted neither as a success nor as any class of failure. Go's client refuses it too.
  if (code < 100) return false;
  status_code_ = code;
  return true;
}

bool ResponseParser::on_header_line(std::string_view line) {
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view name = line.substr(0, colon);
  std::string_view value = trim(line.substr(colon + 1));
  switch (name.size()) {
    case 14:
      if (iequals(name, "content-length")) {
        if (value.empty() || value.size() > 19) return false;
        std::uint64_t n = 0;
        for (char c : value) {
          if (c < '0' || c > '9') return false;
          n = n * 10 + static_cast<std::uint64_t>(c - '0');
        }
        if (has_length_ && n != content_length_) return false;  // conflicting lengths
        has_length_ = true;
        content_length_ = n;
      }
      break;
    case 17:
      if (iequals(name, "transfer-encoding") && icontains_token(value, "chunked")) chunked_ = true;
      break;
    case 10:
      if (iequals(name, "connection")) {
        if (icontains_token(value, "close")) keep_alive_ = false;
        if (icontains_token(value, "keep-alive")) saw_connection_keep_alive_ = true;
      }
      break;
    default:
      break;
  }
  return true;
}

ResponseParser::Status ResponseParser::finish_headers() {
  if (http10_ && !saw_connection_keep_alive_) keep_alive_ = false;
  const bool no_body = head_request_ || status_code_ / 100 == 1 || status_code_ == 204 || status_code_ == 304;
  if (no_body) {
    state_ = State::kDone;
    return Status::kComplete;
  }
  if (chunked_) {
    state_ = State::kChunkSize;
    return Status::kNeedMore;
  }
  if (has_length_) {
    if (content_length_ > max_body_bytes_) return fail(ParseError::kBodyTooLarge);
    remaining_ = content_length_;
    if (remaining_ == 0) {
      state_ = State::kDone;
      return Status::kComplete;
    }
    state_ = State::kBodyLength;
    return Status::kNeedMore;
  }
  // Neither length nor chunked: the body runs until the peer closes.
  keep_alive_ = false;
  state_ = State::kBodyUntilClose;
  return Status::kNeedMore;
}

ResponseParser::Status ResponseParser::feed(const char* data, std::size_t len, std::size_t& consumed) {
  const char* p = data;
  const char* const end = data + len;
  if (len > 0) started_ = true;
  std::string_view line;
  const auto stop = [&](Status s) {
    consumed = static_cast<std::size_t>(p - data);
    return s;
  };
  while (p < end) {
    switch (state_) {
      case State::kStatusLine:
        if (!take_line(p, end, line)) break;
        if (!on_status_line(line)) return stop(fail(ParseError::kBadStatusLine));
        partial_.clear();
        state_ = State::kHeaders;
        continue;
      case State::kHeaders:
        if (!take_line(p, end, line)) break;
        // Checked per line too, not only when a read ends mid-line: the limit must not
        // depend on how the socket split the bytes.
        if (header_bytes_ > kMaxHeaderBytes) return stop(fail(ParseError::kHeaderTooLarge));
        if (line.empty()) {
          partial_.clear();
          Status s = finish_headers();
          if (s != Status::kNeedMore) return stop(s);
          continue;
        }
        if (!on_header_line(line)) return stop(fail(ParseError::kBadHeader));
        partial_.clear();
        continue;
      case State::kBodyLength: {
        auto n = std::min<std::uint64_t>(remaining_, static_cast<std::uint64_t>(end - p));
        p += n;
        remaining_ -= n;
        body_bytes_ += n;
        if (remaining_ == 0) {
          state_ = State::kDone;
          return stop(Status::kComplete);
        }
        continue;
      }
      case State::kChunkSize: {
        if (!take_line(p, end, line)) break;
        std::string_view hex = trim(line.substr(0, line.find(';')));  // drop chunk extensions
        if (hex.empty() || hex.size() > 15) return stop(fail(ParseError::kBadChunk));
        std::uint64_t n = 0;
        for (char c : hex) {
          int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
          if (d < 0) return stop(fail(ParseError::kBadChunk));
          n = n * 16 + static_cast<std::uint64_t>(d);
        }
        partial_.clear();
        if (body_bytes_ + n > max_body_bytes_) return stop(fail(ParseError::kBodyTooLarge));
        remaining_ = n;
        state_ = n == 0 ? State::kTrailers : State::kChunkData;
        continue;
      }
      case State::kChunkData: {
        auto n = std::min<std::uint64_t>(remaining_, static_cast<std::uint64_t>(end - p));
        p += n;
        remaining_ -= n;
        body_bytes_ += n;
        if (remaining_ == 0) state_ = State::kChunkDataEnd;
        continue;
      }
      case State::kChunkDataEnd:
        if (!take_line(p, end, line)) break;
        if (!line.empty()) return stop(fail(ParseError::kBadChunk));
        partial_.clear();
        state_ = State::kChunkSize;
        continue;
      case State::kTrailers:
        if (!take_line(p, end, line)) break;
        partial_.clear();
        if (line.empty()) {
          state_ = State::kDone;
          return stop(Status::kComplete);
        }
        continue;
      case State::kBodyUntilClose: {
        auto n = static_cast<std::uint64_t>(end - p);
        body_bytes_ += n;
        p = end;
        if (body_bytes_ > max_body_bytes_) return stop(fail(ParseError::kBodyTooLarge));
        continue;
      }
      case State::kDone:
        return stop(Status::kComplete);
      case State::kFailed:
        return stop(Status::kError);
    }
    // take_line used up the input without finding a newline.
    break;
  }
  const bool in_header = state_ == State::kStatusLine || state_ == State::kHeaders;
  if (partial_.size() > kMaxHeaderBytes || (in_header && header_bytes_ > kMaxHeaderBytes))
    return stop(fail(ParseError::kHeaderTooLarge));
  consumed = len;
  return Status::kNeedMore;
}

ResponseParser::Status ResponseParser::on_eof() {
  if (state_ == State::kBodyUntilClose) {
    state_ = State::kDone;
    return Status::kComplete;
  }
  if (state_ == State::kDone) return Status::kComplete;
  return fail(ParseError::kTruncated);
}

}  // namespace tracebench::load
