// The --pprof and --window values of `tracebench inspect`: accepted forms, and errors
// that name the value and what was expected.

#include "cli/inspect_states.h"

#include <gtest/gtest.h>

#include <string>

#include "cli/units.h"

namespace tracebench::cli {
namespace {

std::string error_of(void (*f)(const std::string&), const std::string& value) {
  try {
    f(value);
  } catch (const BadValue& e) {
    return e.what();
  }
  return "accepted";
}

TEST(PprofRequest, ParsesKindAndFile) {
  const PprofRequest r = parse_pprof_request("sched=out/a=b.pb.gz");
  EXPECT_EQ(r.kind, trace::ProfileKind::kSched);
  EXPECT_EQ(r.path, "out/a=b.pb.gz");
  auto parse = [](const std::string& v) { parse_pprof_request(v); };
  EXPECT_EQ(error_of(parse, "mutex=x"), "unknown profile kind 'mutex': expected sync, net, syscall or sched");
  EXPECT_EQ(error_of(parse, "sync"), "'sync': expected KIND=FILE with KIND one of sync, net, syscall, sched");
  EXPECT_EQ(error_of(parse, "sync="), "'sync=': expected KIND=FILE with KIND one of sync, net, syscall, sched");
}

TEST(Window, TakesEitherSideOrBoth) {
  trace::StateFilter f;
  parse_window("1s:1500ms", f);
  EXPECT_EQ(f.from_ns, 1'000'000'000);
  EXPECT_EQ(f.to_ns, 1'500'000'000);
  trace::StateFilter open_end;
  parse_window("2s:", open_end);
  EXPECT_EQ(open_end.from_ns, 2'000'000'000);
  EXPECT_FALSE(open_end.to_ns);
  auto parse = [](const std::string& v) {
    trace::StateFilter x;
    parse_window(v, x);
  };
  EXPECT_EQ(error_of(parse, "3s"),
            "'3s': expected FROM:TO, durations from the trace's first event (e.g. 1s:3s, :500ms)");
  EXPECT_EQ(error_of(parse, "3s:1s"), "'3s:1s': the window's end must come after its start");
  EXPECT_NE(error_of(parse, "1x:2s").find("'1x'"), std::string::npos);
}

}  // namespace
}  // namespace tracebench::cli
