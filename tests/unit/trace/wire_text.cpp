#include "wire_text.h"

#include <fmt/core.h>

#include <charconv>
#include <optional>
#include <stdexcept>
#include <string>

#include "trace/format.h"

namespace tracebench::trace::testing {
namespace {

struct Value {
  bool auto_size = false;
  std::uint64_t v = 0;
  unsigned pad = 0;  // encode in exactly this many bytes (0: minimal)
};

void put_uvarint(std::vector<std::uint8_t>& out, std::uint64_t v, unsigned pad) {
  unsigned n = 0;
  do {
    std::uint8_t b = v & 0x7f;
    v >>= 7;
    ++n;
    if (v != 0 || n < pad) b |= 0x80;
    out.push_back(b);
  } while (v != 0 || n < pad);
}

std::string unquote(std::string_view q, std::size_t line) {
  if (q.size() < 2 || q.front() != '"' || q.back() != '"')
    throw std::runtime_error(fmt::format("line {}: expected a quoted string", line));
  std::string out;
  for (std::size_t i = 1; i + 1 < q.size(); ++i) {
    char c = q[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    char e = q[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '0': out += '\0'; break;
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case 'x': {
        unsigned v = 0;
        std::from_chars(q.data() + i + 1, q.data() + i + 3, v, 16);
        out += static_cast<char>(v);
        i += 2;
        break;
      }
      default: throw std::runtime_error(fmt::format("line {}: unknown escape \\{}", line, e));
    }
  }
  return out;
}

std::optional<std::uint8_t> type_by_name(std::string_view name) {
  for (unsigned t = 1; t < 256; ++t)
    if (event_spec(static_cast<std::uint8_t>(t)).name == name) return static_cast<std::uint8_t>(t);
  return std::nullopt;
}

Value parse_value(std::string_view text, std::size_t line) {
  Value v;
  if (auto tilde = text.find('~'); tilde != std::string_view::npos) {
    std::from_chars(text.data() + tilde + 1, text.data() + text.size(), v.pad);
    text = text.substr(0, tilde);
  }
  if (text == "auto") {
    v.auto_size = true;
    return v;
  }
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v.v);
  if (ec != std::errc() || ptr != text.data() + text.size())
    throw std::runtime_error(fmt::format("line {}: bad number '{}'", line, text));
  return v;
}

std::vector<std::string_view> fields(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    std::size_t j = i;
    bool quoted = false;
    while (j < s.size() && (quoted || (s[j] != ' ' && s[j] != '\t'))) {
      if (s[j] == '"' && (j == 0 || s[j - 1] != '\\')) quoted = !quoted;
      ++j;
    }
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

class Assembler {
 public:
  void header(unsigned minor) {
    std::string h = fmt::format("go 1.{} trace", minor);
    h.resize(kHeaderBytes, '\0');
    out_.insert(out_.end(), h.begin(), h.end());
  }

  void raw(const std::vector<std::uint8_t>& bytes) {
    auto& dst = batch_open_ ? payload_ : out_;
    dst.insert(dst.end(), bytes.begin(), bytes.end());
  }

  void drop(std::size_t n) {
    flush();
    out_.resize(out_.size() > n ? out_.size() - n : 0);
  }

  void event(std::uint8_t type, const std::vector<Value>& args, const std::string* data,
             const std::vector<Value>& frames) {
    if (type == kEvEventBatch || type == kEvExperimentalBatch) {
      flush();
      batch_open_ = true;
      batch_type_ = type;
      batch_args_ = args;
      if (type == kEvExperimentalBatch && data != nullptr) payload_.assign(data->begin(), data->end());
      return;
    }
    if (type == kEvEndOfGeneration) {
      flush();
      out_.push_back(type);
      return;
    }
    auto& dst = batch_open_ ? payload_ : out_;
    dst.push_back(type);
    for (const Value& v : args) put_uvarint(dst, v.v, v.pad);
    if (event_spec(type).has_data) {
      const std::string empty;
      const std::string& d = data ? *data : empty;
      put_uvarint(dst, d.size(), 0);
      dst.insert(dst.end(), d.begin(), d.end());
    }
    for (const Value& v : frames) put_uvarint(dst, v.v, v.pad);
  }

  std::vector<std::uint8_t> finish() {
    flush();
    return std::move(out_);
  }

 private:
  void flush() {
    if (!batch_open_) return;
    batch_open_ = false;
    out_.push_back(batch_type_);
    if (batch_type_ == kEvExperimentalBatch) {
      // exp is a raw byte; gen, m, time varints; then the payload length and bytes.
      out_.push_back(static_cast<std::uint8_t>(batch_args_[0].v));
      for (std::size_t i = 1; i < batch_args_.size(); ++i) put_uvarint(out_, batch_args_[i].v, batch_args_[i].pad);
      put_uvarint(out_, payload_.size(), 0);
    } else {
      for (std::size_t i = 0; i < 3; ++i) put_uvarint(out_, batch_args_[i].v, batch_args_[i].pad);
      const Value& size = batch_args_[3];
      put_uvarint(out_, size.auto_size ? payload_.size() : size.v, size.pad);
    }
    out_.insert(out_.end(), payload_.begin(), payload_.end());
    payload_.clear();
  }

  std::vector<std::uint8_t> out_;
  bool batch_open_ = false;
  std::uint8_t batch_type_ = 0;
  std::vector<Value> batch_args_;
  std::vector<std::uint8_t> payload_;
};

}  // namespace

std::vector<std::uint8_t> assemble(std::string_view text) {
  Assembler a;
  std::vector<std::string_view> lines;
  for (std::size_t i = 0; i <= text.size();) {
    std::size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    lines.push_back(text.substr(i, j - i));
    i = j + 1;
  }
  for (std::size_t n = 0; n < lines.size(); ++n) {
    std::string_view line = lines[n];
    const std::size_t lineno = n + 1;
    if (line.empty() || line.front() == '#' || line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto f = fields(line);
    if (f[0] == "Trace") {
      if (f.size() != 2 || f[1].substr(0, 4) != "Go1.")
        throw std::runtime_error(fmt::format("line {}: expected 'Trace Go1.NN'", lineno));
      a.header(static_cast<unsigned>(parse_value(f[1].substr(4), lineno).v));
      continue;
    }
    if (f[0] == "!raw") {
      std::vector<std::uint8_t> bytes;
      for (std::size_t i = 1; i < f.size(); ++i) {
        unsigned v = 0;
        std::from_chars(f[i].data(), f[i].data() + f[i].size(), v, 16);
        bytes.push_back(static_cast<std::uint8_t>(v));
      }
      a.raw(bytes);
      continue;
    }
    if (f[0] == "!bytes") {
      std::string s = unquote(line.substr(line.find('"')), lineno);
      a.raw(std::vector<std::uint8_t>(s.begin(), s.end()));
      continue;
    }
    if (f[0] == "!drop") {
      a.drop(parse_value(f.at(1), lineno).v);
      continue;
    }
    auto type = type_by_name(f[0]);
    if (!type) throw std::runtime_error(fmt::format("line {}: unknown event '{}'", lineno, f[0]));
    const EventSpec& spec = event_spec(*type);
    if (f.size() - 1 != spec.nargs)
      throw std::runtime_error(fmt::format("line {}: {} takes {} args", lineno, spec.name, spec.nargs));
    std::vector<Value> args;
    for (std::size_t i = 1; i < f.size(); ++i) {
      auto eq = f[i].find('=');
      if (eq == std::string_view::npos || f[i].substr(0, eq) != spec.arg_names[i - 1])
        throw std::runtime_error(
            fmt::format("line {}: expected arg '{}' of {}, got '{}'", lineno, spec.arg_names[i - 1], spec.name, f[i]));
      args.push_back(parse_value(f[i].substr(eq + 1), lineno));
    }
    std::string data;
    bool has_data = false;
    std::vector<Value> frames;
    if (spec.has_data && n + 1 < lines.size() && lines[n + 1].substr(0, 6) == "\tdata=") {
      data = unquote(lines[++n].substr(6), lineno + 1);
      has_data = true;
    }
    if (spec.is_stack) {
      for (std::uint64_t k = 0; k < args[1].v; ++k) {
        if (n + 1 >= lines.size() || lines[n + 1].substr(0, 1) != "\t")
          throw std::runtime_error(fmt::format("line {}: expected {} frame lines", lineno, args[1].v));
        for (auto ff : fields(lines[++n])) frames.push_back(parse_value(ff.substr(ff.find('=') + 1), n + 1));
      }
    }
    a.event(*type, args, has_data ? &data : nullptr, frames);
  }
  return a.finish();
}

}  // namespace tracebench::trace::testing
