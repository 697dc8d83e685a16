// Golden tests against the reference: traces written at test time by the real Go
// runtime (every trace-gen shape, a flight-recorder snapshot, `go test -trace`, many
// generations, the AllocFree experiment), compared with what the Go toolchain on the
// machine says about the same file:
//   go tool trace -d=footprint   event count and bytes per type, exactly
//   go tool trace -d=wire        every wire event, line by line (small traces)
//   go tool trace -d=parsed      regions, tasks, logs, goroutines created/destroyed,
//                                first/last event time (the flight-recorder window)
// and that two threads read every one of them exactly as one does.
// Labelled "go;golden". Skipped when no Go 1.25+ is found (PATH, /usr/local/go/bin,
// or $TRACEBENCH_GO).

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "trace/analyze.h"
#include "trace/duration_histogram.h"
#include "trace/source.h"
#include "trace/wire_dump.h"
#include "summary_diff.h"

namespace tracebench::trace {
namespace {

namespace fs = std::filesystem;

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a shell command; returns its exit status (-1 if it did not exit normally).
int run(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string find_go() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("TRACEBENCH_GO")) candidates.emplace_back(env);
  if (const char* path = std::getenv("PATH")) {
    std::stringstream ss(path);
    for (std::string dir; std::getline(ss, dir, ':');)
      if (!dir.empty()) candidates.push_back(dir + "/go");
  }
  candidates.emplace_back("/usr/local/go/bin/go");
  for (const auto& c : candidates)
    if (::access(c.c_str(), X_OK) == 0) return c;
  return {};
}

struct Env {
  std::string go;
  std::string dir;  // scratch directory for binaries and traces
  std::string skip_reason;
  std::map<std::string, std::string> traces;  // name -> path
};

Env* g_env = nullptr;

// What the traces are and how to make them: trace-gen shape, duration, extra env.
struct TraceRecipe {
  std::string name, shape, duration, env;
};

const std::vector<TraceRecipe>& recipes() {
  static const std::vector<TraceRecipe> r = {
      {"idle", "idle", "20ms", ""},
      {"churn", "churn", "40ms", ""},
      {"regions", "regions", "40ms", ""},
      {"background", "background", "40ms", ""},
      {"gc", "gc", "40ms", ""},
      {"syscall", "syscall", "40ms", ""},
      {"cpu", "cpu", "60ms", ""},
      {"coro", "coro", "30ms", ""},
      {"server", "server", "60ms", ""},
      {"mixed", "mixed", "40ms", ""},
      {"flight", "flight", "150ms", ""},
      {"many_generations", "server", "80ms", "GODEBUG=traceadvanceperiod=3000000"},
      {"allocfree", "gc", "20ms", "GODEBUG=traceallocfree=1"},
  };
  return r;
}

class GoEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    g_env = new Env;
    Env& e = *g_env;
    e.go = find_go();
    if (e.go.empty()) {
      e.skip_reason = "no go binary on PATH, at /usr/local/go/bin or in $TRACEBENCH_GO";
      return;
    }
    char tmpl[] = "/tmp/tracebench-go-golden-XXXXXX";
    e.dir = ::mkdtemp(tmpl);
    const std::string go = shell_quote(e.go);
    // Go needs a cache directory; CTest may run without HOME.
    const std::string go_env = std::getenv("HOME") ? "" : "GOCACHE=" + e.dir + "/gocache ";
    if (run(go_env + go + " env GOVERSION > " + e.dir + "/version 2>&1") != 0) {
      e.skip_reason = "`go env GOVERSION` failed";
      return;
    }
    std::string version = read_all(e.dir + "/version");
    int minor = 0;
    std::sscanf(version.c_str(), "go1.%d", &minor);
    if (minor < 25) {
      e.skip_reason = "Go " + version + " is older than 1.25";
      return;
    }
    const std::string gen = e.dir + "/trace-gen";
    const std::string build = "cd " + shell_quote(TRACEBENCH_WORKLOADS_DIR) + " && " + go_env + go + " build -o " +
                              shell_quote(gen) + " ./cmd/trace-gen > " + e.dir + "/build.log 2>&1";
    if (run(build) != 0) {
      e.skip_reason = "cannot build trace-gen: " + read_all(e.dir + "/build.log");
      return;
    }
    for (const auto& r : recipes()) {
      const std::string out = e.dir + "/" + r.name + ".bin";
      if (run(r.env + " " + shell_quote(gen) + " -shape " + r.shape + " -duration " + r.duration + " -o " + out) == 0)
        e.traces[r.name] = out;
    }
    const std::string gotest = e.dir + "/gotest.bin";
    if (run("cd " + shell_quote(TRACEBENCH_WORKLOADS_DIR) + " && " + go_env + go + " test -count=1 -trace=" + gotest +
            " -run TestShapes ./cmd/trace-gen > /dev/null 2>&1") == 0)
      e.traces["gotest"] = gotest;
    go_env_ = go_env;
  }
  void TearDown() override {
    if (g_env && !g_env->dir.empty()) fs::remove_all(g_env->dir);
    delete g_env;
    g_env = nullptr;
  }
  static std::string go_env_;
};
std::string GoEnvironment::go_env_;

const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new GoEnvironment);

// `go tool trace -d=<mode> path` into a file; returns its path ("" on failure).
std::string go_tool_trace(const std::string& mode, const std::string& trace) {
  const std::string out = trace + "." + mode + ".txt";
  if (fs::exists(out)) return out;
  const int rc = run(GoEnvironment::go_env_ + shell_quote(g_env->go) + " tool trace -d=" + mode + " " +
                     shell_quote(trace) + " > " + shell_quote(out) + " 2> " + shell_quote(out + ".err"));
  return rc == 0 ? out : "";
}

class GoTrace : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!g_env->skip_reason.empty()) GTEST_SKIP() << g_env->skip_reason;
    auto it = g_env->traces.find(GetParam());
    ASSERT_NE(it, g_env->traces.end()) << "the Go runtime did not write trace " << GetParam();
    path_ = it->second;
    summary_ = analyze_file(path_);  // strict: any bad record fails the test
  }
  std::string path_;
  TraceSummary summary_;
};

TEST_P(GoTrace, CountsAndBytesPerTypeMatchFootprint) {
  const std::string fp = go_tool_trace("footprint", path_);
  if (GetParam() == "allocfree" && fp.empty()) GTEST_SKIP() << "go tool trace rejects AllocFree events";
  ASSERT_FALSE(fp.empty()) << read_all(path_ + ".footprint.txt.err");
  std::istringstream in(read_all(fp));
  std::string line;
  std::getline(in, line);  // header
  std::getline(in, line);  // "-  -  -  -  -"
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> want;  // name -> (bytes, count)
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::vector<std::string> f;
    for (std::string x; row >> x;) f.push_back(x);
    if (f.size() != 5) continue;  // unnamed types (always zero)
    const std::uint64_t bytes = std::stoull(f[1]), count = std::stoull(f[3]);
    if (count > 0) want[f[0]] = {bytes, count};
  }
  ASSERT_FALSE(want.empty());
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> got;
  for (unsigned t = 0; t < 256; ++t) {
    const Counts& k = summary_.kinds[t];
    if (k.events == 0) continue;
    std::uint64_t bytes = k.bytes;
    if (t == kEvEventBatch) bytes -= summary_.header_padding_bytes;
    if (t == kEvExperimentalBatch) bytes -= summary_.experimental_padding_bytes;
    got[event_name(static_cast<std::uint8_t>(t))] = {bytes, k.events};
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(summary_.file_bytes, fs::file_size(path_));
  EXPECT_FALSE(summary_.truncated);
  EXPECT_TRUE(summary_.issues.empty() || summary_.issues.front().severity == Severity::kInfo);
}

// The bytes of a Go-quoted string (strconv.Quote's escapes; UTF-8 passes through).
std::string go_unquote(std::string_view q) {
  std::string out;
  auto hex = [&](std::size_t i, std::size_t n) { return std::stoul(std::string(q.substr(i, n)), nullptr, 16); };
  auto utf8 = [&](unsigned long r) {
    if (r < 0x80) {
      out += static_cast<char>(r);
    } else if (r < 0x800) {
      out += static_cast<char>(0xc0 | (r >> 6));
      out += static_cast<char>(0x80 | (r & 0x3f));
    } else if (r < 0x10000) {
      out += static_cast<char>(0xe0 | (r >> 12));
      out += static_cast<char>(0x80 | ((r >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (r & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (r >> 18));
      out += static_cast<char>(0x80 | ((r >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((r >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (r & 0x3f));
    }
  };
  for (std::size_t i = 1; i + 1 < q.size(); ++i) {
    if (q[i] != '\\') {
      out += q[i];
      continue;
    }
    const char e = q[++i];
    switch (e) {
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case 'x': out += static_cast<char>(hex(i + 1, 2)); i += 2; break;
      case 'u': utf8(hex(i + 1, 4)); i += 4; break;
      case 'U': utf8(hex(i + 1, 8)); i += 8; break;
      default: out += e;
    }
  }
  return out;
}

TEST_P(GoTrace, EveryWireEventMatchesTheRawDump) {
  if (fs::file_size(path_) > (6u << 20)) GTEST_SKIP() << "compared on the smaller traces only";
  const std::string want_path = go_tool_trace("wire", path_);
  if (GetParam() == "allocfree" && want_path.empty()) GTEST_SKIP() << "go tool trace rejects AllocFree events";
  ASSERT_FALSE(want_path.empty());
  const std::string got_path = path_ + ".ours.wire.txt";
  {
    auto source = open_trace_source(path_);
    FILE* out = std::fopen(got_path.c_str(), "w");
    dump_wire(*source, out);
    std::fclose(out);
  }
  std::ifstream want(want_path), got(got_path);
  std::size_t n = 0;
  for (std::string w, g;; ++n) {
    const bool more_w = static_cast<bool>(std::getline(want, w));
    const bool more_g = static_cast<bool>(std::getline(got, g));
    if (!more_w || !more_g) {
      EXPECT_EQ(more_w, more_g) << "line counts differ after line " << n;
      break;
    }
    // Data trailers are compared as bytes: experimental batches hold binary data, and
    // for some code points our quoting guesses unicode.IsPrint differently.
    const std::string kData = "\tdata=";
    if (w != g && w.rfind(kData, 0) == 0 && g.rfind(kData, 0) == 0 &&
        go_unquote(std::string_view(w).substr(kData.size())) == go_unquote(std::string_view(g).substr(kData.size())))
      continue;
    if (w != g) {
      ADD_FAILURE() << "line " << n + 1 << " differs:\n  go tool trace: " << w << "\n  tracebench:    " << g;
      break;
    }
  }
  EXPECT_GT(n, 10u);
}

struct Parsed {
  std::map<std::string, std::uint64_t> region_begins, task_begins, logs;
  std::map<std::string, std::vector<std::int64_t>> region_durations;
  // Durations whose begin and end times the Go reader did not adjust: it emits events
  // in a merged order with strictly increasing times, bumping an event that comes out
  // late to lastTs + 1, which off a 64 ns clock shows as a time not divisible by 64.
  std::map<std::string, std::vector<std::int64_t>> unadjusted_durations;
  std::uint64_t region_ends = 0;
  std::uint64_t created = 0, destroyed = 0;
  std::int64_t first = 0, last = 0;
};

std::string field(const std::string& line, const std::string& key) {
  auto i = line.find(" " + key + "=");
  if (i == std::string::npos) return {};
  i += key.size() + 2;
  if (line[i] == '"') return line.substr(i + 1, line.find('"', i + 1) - i - 1);
  return line.substr(i, line.find(' ', i) - i);
}

Parsed parse_parsed(const std::string& path) {
  Parsed p;
  std::ifstream in(path);
  std::map<std::string, std::vector<std::pair<std::string, std::int64_t>>> open;  // goroutine -> stack
  bool first = true;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("M=", 0) != 0) continue;
    std::istringstream ls(line);
    std::string m, proc, g, kind;
    ls >> m >> proc >> g >> kind;
    if (kind == "Sync") continue;
    const std::int64_t t = std::stoll(field(line, "Time"));
    if (first) p.first = t;
    first = false;
    p.last = t;
    if (kind == "RegionBegin") {
      ++p.region_begins[field(line, "Type")];
      open[g].push_back({field(line, "Type"), t});
    } else if (kind == "RegionEnd") {
      ++p.region_ends;
      auto& st = open[g];
      if (!st.empty() && st.back().first == field(line, "Type")) {
        p.region_durations[st.back().first].push_back(t - st.back().second);
        if (t % 64 == 0 && st.back().second % 64 == 0)
          p.unadjusted_durations[st.back().first].push_back(t - st.back().second);
        st.pop_back();
      }
    } else if (kind == "TaskBegin") {
      ++p.task_begins[field(line, "Type")];
    } else if (kind == "Log") {
      ++p.logs[field(line, "Category")];
    } else if (kind == "StateTransition") {
      if (line.find(" NotExist->") != std::string::npos) ++p.created;
      if (line.find("->NotExist ") != std::string::npos) ++p.destroyed;
    }
  }
  return p;
}

TEST_P(GoTrace, RegionsTasksLogsGoroutinesAndWindowMatchParsed) {
  const std::string name = GetParam();
  if (name != "regions" && name != "mixed" && name != "gotest" && name != "flight" && name != "server" &&
      name != "many_generations" && name != "churn" && name != "coro")
    GTEST_SKIP() << "compared on the traces with annotations or goroutine lifecycle";
  const std::string parsed_path = go_tool_trace("parsed", path_);
  ASSERT_FALSE(parsed_path.empty()) << read_all(path_ + ".parsed.txt.err");
  const Parsed p = parse_parsed(parsed_path);

  EXPECT_EQ(summary_.goroutines.created, p.created);
  EXPECT_EQ(summary_.goroutines.destroyed, p.destroyed);
  // The window: the Go reader emits events with strictly increasing times (it adds a
  // nanosecond to ties), so the last time may sit a few ns above the raw one.
  EXPECT_EQ(summary_.first_event_ns, p.first);
  EXPECT_LE(summary_.last_event_ns, p.last);
  EXPECT_LE(p.last - summary_.last_event_ns, 1000);

  std::map<std::string, std::uint64_t> begun, tasks, logs;
  std::uint64_t matched = 0;
  for (const auto& r : summary_.regions) {
    begun[r.name] = r.begun;
    matched += r.count;
    auto it = p.region_durations.find(r.name);
    if (it == p.region_durations.end() || r.count < 20) continue;
    std::vector<std::int64_t> d = it->second;
    EXPECT_EQ(r.count, d.size()) << r.name;
    std::sort(d.begin(), d.end());
    const std::int64_t want_p50 = d[(d.size() + 1) / 2 - 1];
    EXPECT_NEAR(static_cast<double>(r.p50_ns), static_cast<double>(want_p50), 0.02 * static_cast<double>(want_p50) + 64)
        << "p50 of region " << r.name;
    if (summary_.ticks_per_second == 15'625'000) {
      auto u = p.unadjusted_durations.find(r.name);
      if (u != p.unadjusted_durations.end() && !u->second.empty()) {
        EXPECT_GE(r.max_ns, *std::max_element(u->second.begin(), u->second.end())) << "max of region " << r.name;
      }
    }
  }
  for (const auto& t : summary_.tasks) tasks[t.name] = t.begun;
  for (const auto& l : summary_.logs) logs[l.name] = l.count;
  EXPECT_EQ(begun, p.region_begins);
  EXPECT_EQ(tasks, p.task_begins);
  EXPECT_EQ(logs, p.logs);
  std::uint64_t unmatched_ends = 0;
  for (const auto& i : summary_.issues)
    if (i.name == "region_end_without_begin") unmatched_ends = i.count;
  EXPECT_EQ(matched + unmatched_ends, p.region_ends);
}

// A trace cut anywhere is reported as truncated, never as an error, and what was read
// before the cut is summarised.
TEST_P(GoTrace, TwoThreadsGiveTheSameSummary) {
  // The pipelined reader (scanning on one thread, interpreting on another, matching
  // regions on whichever waits) against the one-thread reading above.
  AnalyzeOptions two;
  two.threads = 2;
  EXPECT_EQ(testing::summary_diff(summary_, analyze_file(path_, two)), "");
}

TEST_P(GoTrace, CutAnywhereReadsWhatCameBefore) {
  if (GetParam() != "many_generations" && GetParam() != "server") GTEST_SKIP();
  const std::string bytes = read_all(path_);
  const std::span<const std::uint8_t> all(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  for (std::size_t k = 1; k < 12; ++k) {
    const std::size_t cut = 16 + (bytes.size() - 16) * k / 12;
    TraceSummary s;
    ASSERT_NO_THROW(s = analyze_bytes(all.first(cut))) << "cut at " << cut;
    EXPECT_TRUE(s.truncated) << "cut at " << cut;
    EXPECT_LE(s.timed_events, summary_.timed_events);
    if (s.timed_events > 0) {
      EXPECT_GE(s.first_event_ns, summary_.first_event_ns);
    }
    EXPECT_FALSE(s.truncation.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, GoTrace,
                         ::testing::Values("idle", "churn", "regions", "background", "gc", "syscall", "cpu", "coro",
                                           "server", "mixed", "flight", "many_generations", "allocfree", "gotest"));

TEST(GoFlightRecorder, SnapshotWindowIsWholeGenerations) {
  if (!g_env->skip_reason.empty()) GTEST_SKIP() << g_env->skip_reason;
  auto it = g_env->traces.find("flight");
  ASSERT_NE(it, g_env->traces.end());
  const TraceSummary s = analyze_file(it->second);
  EXPECT_GE(s.generations, 1u);
  EXPECT_GT(s.span_ns, 0);
  EXPECT_EQ(s.window().span_ns, s.last_event_ns - s.first_event_ns);
  for (const auto& g : s.generation_stats) EXPECT_TRUE(g.end_marker) << "generation " << g.gen;
  EXPECT_TRUE(s.wall_minus_trace_ns.has_value());
}

}  // namespace
}  // namespace tracebench::trace
