// JUnit XML: counts, one element per status, escaping of whatever a region name holds.

#include "gates/junit.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tracebench::gates {
namespace {

using Status = JunitCase::Status;

TEST(XmlEscape, MarkupCharacters) {
  EXPECT_EQ(xml_escape(R"(a<b>&"c"'d')"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
  EXPECT_EQ(xml_escape("plain text 250µs"), "plain text 250µs");
}

TEST(XmlEscape, LineBreaksAreReferencesOnlyInAttributes) {
  EXPECT_EQ(xml_escape("a\nb\tc\rd", true), "a&#10;b&#9;c&#13;d");
  EXPECT_EQ(xml_escape("a\nb\tc", false), "a\nb\tc");
}

TEST(XmlEscape, WhatXmlCannotHoldBecomesQuestionMarks) {
  EXPECT_EQ(xml_escape(std::string("a\0b", 3)), "a?b");
  EXPECT_EQ(xml_escape("a\x01\x1f\x7f"), "a???");
  EXPECT_EQ(xml_escape("\xff\xfe"), "??");            // not UTF-8 at all
  EXPECT_EQ(xml_escape("\xc0\xaf"), "??");            // overlong '/'
  EXPECT_EQ(xml_escape("\xed\xa0\x80"), "???");       // a UTF-16 surrogate
  EXPECT_EQ(xml_escape("caf\xc3"), "caf?");           // cut short
  EXPECT_EQ(xml_escape("\xe2\x82\xac \xf0\x9f\x98\x80"), "\xe2\x82\xac \xf0\x9f\x98\x80");  // € and an emoji
}

JunitSuite sample() {
  JunitSuite s;
  s.name = "tracebench check";
  s.time_s = 0.25;
  s.cases = {
      {"throughput drop <= 2%", "tracebench.check.flightrecorder", Status::kPassed, "", "", ""},
      {"p99 latency increase <= 5%", "tracebench.check.flightrecorder", Status::kFailure, "over_budget",
       "95% CI [+7.20%, +12.50%]: even the low bound is above +5.00%, over budget", ""},
      {"target CPU per request increase <= 3%", "tracebench.check.flightrecorder", Status::kError, "inconclusive",
       "straddles", ""},
      {"region <decode> max <= 1ms", "tracebench.assert", Status::kSkipped, "ignored", "does not occur", ""},
      {"bytes/s <= 5 MiB/s", "tracebench.assert", Status::kPassed, "", "", "seen 1.2 MiB/s\nover 2s"},
  };
  return s;
}

TEST(JunitXml, CountsAndOneElementPerStatus) {
  const std::string xml = junit_xml(sample());
  const std::string want =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"tracebench check\" tests=\"5\" failures=\"1\" errors=\"1\" skipped=\"1\" time=\"0.250\">\n"
      "  <testsuite name=\"tracebench check\" tests=\"5\" failures=\"1\" errors=\"1\" skipped=\"1\" time=\"0.250\">\n"
      "    <testcase name=\"throughput drop &lt;= 2%\" classname=\"tracebench.check.flightrecorder\" time=\"0\"/>\n"
      "    <testcase name=\"p99 latency increase &lt;= 5%\" classname=\"tracebench.check.flightrecorder\" "
      "time=\"0\">\n"
      "      <failure message=\"95% CI [+7.20%, +12.50%]: even the low bound is above +5.00%, over budget\" "
      "type=\"over_budget\"/>\n"
      "    </testcase>\n"
      "    <testcase name=\"target CPU per request increase &lt;= 3%\" classname=\"tracebench.check.flightrecorder\" "
      "time=\"0\">\n"
      "      <error message=\"straddles\" type=\"inconclusive\"/>\n"
      "    </testcase>\n"
      "    <testcase name=\"region &lt;decode&gt; max &lt;= 1ms\" classname=\"tracebench.assert\" time=\"0\">\n"
      "      <skipped message=\"does not occur\"/>\n"
      "    </testcase>\n"
      "    <testcase name=\"bytes/s &lt;= 5 MiB/s\" classname=\"tracebench.assert\" time=\"0\">\n"
      "      <system-out>seen 1.2 MiB/s\nover 2s</system-out>\n"
      "    </testcase>\n"
      "  </testsuite>\n"
      "</testsuites>\n";
  EXPECT_EQ(xml, want);
}

TEST(JunitXml, EmptySuite) {
  JunitSuite s;
  s.name = "tracebench assert";
  EXPECT_NE(junit_xml(s).find("tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\""), std::string::npos);
}

TEST(WriteJunit, CreatesParentDirectories) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "tracebench-junit-test";
  std::filesystem::remove_all(dir);
  const std::string path = (dir / "reports" / "check.xml").string();
  write_junit(path, sample());
  std::ifstream in(path);
  std::stringstream got;
  got << in.rdbuf();
  EXPECT_EQ(got.str(), junit_xml(sample()));
  std::filesystem::remove_all(dir);
}

TEST(WriteJunit, UnwritablePathThrowsNamingIt) {
  try {
    write_junit("/proc/version/check.xml", sample());
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/proc/version/check.xml"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tracebench::gates
