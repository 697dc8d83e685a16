// Framing, sources, the wire dump and the analyze_* entry points on hand-made traces.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "trace/analyze.h"
#include "trace/source.h"
#include "trace/tokenizer.h"
#include "trace/wire_dump.h"
#include "summary_diff.h"
#include "wire_text.h"

namespace tracebench::trace {
namespace {

constexpr const char* kNoThread = "18446744073709551615";

std::string two_generations_122() {
  return std::string("Trace Go1.22\n") +
         "EventBatch gen=1 m=7 time=100 size=auto~10\n"
         "ProcStatus dt=1 p=0 pstatus=1\n"
         "GoStatus dt=1 g=1 m=7 gstatus=2\n"
         "EventBatch gen=1 m=" + kNoThread + " time=90 size=auto~10\n"
         "Frequency freq=15625000\n"
         "EventBatch gen=1 m=" + kNoThread + " time=92 size=auto\n"
         "Strings\n"
         "String id=1\n"
         "\tdata=\"main.main\"\n"
         "EventBatch gen=2 m=7 time=200 size=auto\n"
         "GoStatus dt=1 g=1 m=7 gstatus=4\n"
         "EventBatch gen=2 m=" + kNoThread + " time=201 size=auto\n"
         "Frequency freq=15625000\n";
}

TEST(Framer, SplitsGenerationsAtTheNextGenerationBefore126) {
  auto bytes = testing::assemble(two_generations_122());
  MemorySource src(bytes);
  ASSERT_EQ(read_header(src), GoVersion::kGo122);
  Framer framer(src, GoVersion::kGo122, true, nullptr);
  FramedGeneration g;
  ASSERT_TRUE(framer.next(g));
  EXPECT_EQ(g.gen, 1u);
  ASSERT_EQ(g.batches.size(), 3u);
  EXPECT_EQ(g.batches[0].kind, BatchKind::kEvents);
  EXPECT_EQ(g.batches[1].kind, BatchKind::kSync);
  EXPECT_EQ(g.batches[2].kind, BatchKind::kStrings);
  EXPECT_EQ(g.batches[0].m, 7u);
  EXPECT_EQ(g.batches[1].m, kNoThread == std::string() ? 0 : ~0ull);
  EXPECT_EQ(g.batches[0].header_bytes, 14);  // size padded to 10 bytes
  EXPECT_EQ(g.batches[0].canonical_header_bytes, 5);
  EXPECT_FALSE(g.end_marker);
  EXPECT_FALSE(framer.exhausted());
  ASSERT_TRUE(framer.next(g));
  EXPECT_EQ(g.gen, 2u);
  EXPECT_EQ(g.batches.size(), 2u);
  EXPECT_TRUE(framer.exhausted());
  EXPECT_EQ(g.end_offset, bytes.size());
  EXPECT_FALSE(framer.next(g));
}

TEST(Framer, EndsGenerationsAtTheMarkerFrom126) {
  auto bytes = testing::assemble(std::string("Trace Go1.26\n") +
                                 "EventBatch gen=5 m=1 time=10 size=auto\n"
                                 "ProcStatus dt=1 p=0 pstatus=1\n"
                                 "EndOfGeneration\n"
                                 "EventBatch gen=6 m=1 time=20 size=auto\n"
                                 "ProcStatus dt=1 p=0 pstatus=1\n"
                                 "EndOfGeneration\n");
  MemorySource src(bytes);
  read_header(src);
  Framer framer(src, GoVersion::kGo126, true, nullptr);
  FramedGeneration g;
  ASSERT_TRUE(framer.next(g));
  EXPECT_EQ(g.gen, 5u);
  EXPECT_TRUE(g.end_marker);
  ASSERT_TRUE(framer.next(g));
  EXPECT_EQ(g.gen, 6u);
  EXPECT_TRUE(g.end_marker);
  EXPECT_FALSE(g.truncated);
  EXPECT_FALSE(framer.next(g));
}

TEST(RawEvent, ReadsTrailersAndRejectsBadBytes) {
  // Stack id=3 nframes=1 {pc=1000 func=2 file=3 line=4}
  const std::uint8_t stack[] = {kEvStack, 3, 1, 0xe8, 0x07, 2, 3, 4};
  RawEvent ev;
  std::string err;
  ASSERT_EQ(read_raw_event(stack, stack + sizeof stack, ev, &err), stack + sizeof stack);
  EXPECT_EQ(ev.args[0], 3u);
  EXPECT_EQ(ev.frame_bytes, 5u);
  EXPECT_EQ(read_raw_event(stack, stack + 6, ev, &err), nullptr);
  EXPECT_EQ(err, "1 frames of 4 uvarints (pc, func, file, line)");
  const std::uint8_t str[] = {kEvString, 1, 5, 'h', 'i'};
  EXPECT_EQ(read_raw_event(str, str + sizeof str, ev, &err), nullptr);
  EXPECT_EQ(err, "the data length and bytes of String");
  const std::uint8_t unknown[] = {60};
  EXPECT_EQ(read_raw_event(unknown, unknown + 1, ev, &err), nullptr);
  EXPECT_EQ(err, "a known event type");
}

// The FormatError reading `bytes` with `threads` threads throws; a test failure and nullopt
// when it reads them without one.
std::optional<FormatError> format_error(const std::vector<std::uint8_t>& bytes, unsigned threads) {
  AnalyzeOptions o;
  o.threads = threads;
  try {
    analyze_bytes(bytes, o);
  } catch (const FormatError& e) {
    return e;
  }
  ADD_FAILURE() << "no error with " << threads << " threads";
  return std::nullopt;
}

// Reading `bytes` with `threads` threads fails with a FormatError whose text holds `needle`.
void expect_format_error(const std::vector<std::uint8_t>& bytes, unsigned threads, const std::string& needle) {
  if (auto e = format_error(bytes, threads)) {
    EXPECT_NE(std::string(e->what()).find(needle), std::string::npos) << threads << " threads: " << e->what();
  }
}

std::string dump(const std::vector<std::uint8_t>& bytes) {
  MemorySource src(bytes);
  char* buf = nullptr;
  std::size_t len = 0;
  // Closed and freed on the way out of a throwing dump too (LeakSanitizer checks the tests).
  struct Stream {
    FILE* f;
    char*& buf;
    ~Stream() {
      if (f) std::fclose(f);
      std::free(buf);
    }
  } stream{open_memstream(&buf, &len), buf};
  dump_wire(src, stream.f);
  std::fclose(stream.f);
  stream.f = nullptr;
  return std::string(buf, len);
}

TEST(WireDump, PrintsWhatTheAssemblerReads) {
  const std::string text = std::string("EventBatch gen=1 m=7 time=100 size=19\n") +
                           "ProcStatus dt=1 p=0 pstatus=1\n"
                           "GoCreate dt=2 new_g=5 new_stack=1 stack=0\n"
                           "GoStart dt=3 g=5 g_seq=1\n"
                           "EventBatch gen=1 m=" + kNoThread + " time=91 size=9\n"
                           "Stacks\n"
                           "Stack id=1 nframes=1\n"
                           "\tpc=4198400 func=1 file=2 line=10\n"
                           "EventBatch gen=1 m=" + kNoThread + " time=92 size=14\n"
                           "Strings\n"
                           "String id=1\n"
                           "\tdata=\"main.main\"\n"
                           "EndOfGeneration\n";
  EXPECT_EQ(dump(testing::assemble("Trace Go1.26\n" + text)), text);
}

TEST(WireDump, QuotesDataAsGoDoes) {
  EXPECT_EQ(go_quote("main.main"), "\"main.main\"");
  EXPECT_EQ(go_quote(std::string("a\0b\n\"\\", 6)), "\"a\\x00b\\n\\\"\\\\\"");
  EXPECT_EQ(go_quote("\x80\xff"), "\"\\x80\\xff\"");
  EXPECT_EQ(go_quote("h\xc3\xa9llo"), "\"h\xc3\xa9llo\"");  // printable UTF-8 kept
  EXPECT_EQ(go_quote("\xc2\x85"), "\"\\u0085\"");           // a C1 control escaped
}

TEST(WireDump, StopsAtAnInvalidTypeWithItsOffset) {
  auto bytes = testing::assemble("Trace Go1.22\n!raw 2d 01\n");
  try {
    dump(bytes);
    FAIL();
  } catch (const FormatError& e) {
    EXPECT_EQ(e.offset(), 16u);
    EXPECT_STREQ(e.what(), "byte offset 16: expected an event type of the go 1.22 wire format, found invalid event type: 45");
  }
}

TEST(Source, PeekCopiesWhatIsThereFromAnySource) {
  std::vector<std::uint8_t> bytes(10000);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 7);
  const std::string path = ::testing::TempDir() + "/tb_peek.bin";
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  MappedFileSource file(path);
  MemorySource memory(bytes);
  for (TraceSource* src : {static_cast<TraceSource*>(&file), static_cast<TraceSource*>(&memory)}) {
    std::uint8_t buf[16] = {};
    ASSERT_EQ(src->peek(4096 - 3, 16, buf), 16u);  // across a page boundary
    for (std::size_t i = 0; i < 16; ++i) EXPECT_EQ(buf[i], bytes[4096 - 3 + i]) << i;
    ASSERT_EQ(src->peek(bytes.size() - 5, 16, buf), 5u);  // cut by the end
    for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(buf[i], bytes[bytes.size() - 5 + i]) << i;
    EXPECT_EQ(src->peek(bytes.size(), 16, buf), 0u);
  }
  std::filesystem::remove(path);
}

TEST(Analyze, SameSummaryFromMemoryAFileAndAPipe) {
  auto bytes = testing::assemble(two_generations_122());
  const TraceSummary mem = analyze_bytes(bytes);

  const std::string path = ::testing::TempDir() + "/tb_two_gens.bin";
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  const TraceSummary file = analyze_file(path);
  std::filesystem::remove(path);

  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread writer([&] {
    // Small writes, so the stream source sees partial reads.
    for (std::size_t i = 0; i < bytes.size(); i += 7)
      (void)!::write(fds[1], bytes.data() + i, std::min<std::size_t>(7, bytes.size() - i));
    ::close(fds[1]);
  });
  StreamSource stream(fds[0], 16);
  const TraceSummary piped = analyze_source(stream, "pipe");
  writer.join();
  ::close(fds[0]);

  for (const TraceSummary* s : {&file, &piped}) {
    EXPECT_EQ(s->file_bytes, mem.file_bytes);
    EXPECT_EQ(s->events, mem.events);
    EXPECT_EQ(s->generations, 2u);
    EXPECT_EQ(s->first_event_ns, mem.first_event_ns);
    EXPECT_EQ(s->last_event_ns, mem.last_event_ns);
    for (unsigned t = 0; t < 256; ++t) EXPECT_EQ(s->kinds[t].bytes, mem.kinds[t].bytes) << t;
  }
  EXPECT_EQ(mem.window().span_ns, mem.span_ns);
  EXPECT_EQ(mem.window().first_event_ns, 101 * 64);
}

TEST(Analyze, TwoThreadsGiveTheSameSummary) {
  // Many generations, so that one is interpreted (and its regions matched) while the
  // next is scanned.
  std::string text = "Trace Go1.26\n";
  for (int gen = 1; gen <= 30; ++gen) {
    text += "EventBatch gen=" + std::to_string(gen) + " m=" + kNoThread + " time=" + std::to_string(gen * 100) +
            " size=auto\nSync\nFrequency freq=15625000\nClockSnapshot dt=1 mono=1 sec=1 nsec=1\n";
    text += "EventBatch gen=" + std::to_string(gen) + " m=3 time=" + std::to_string(gen * 100 + 1) + " size=auto\n";
    text += "GoStatus dt=1 g=1 m=3 gstatus=2\nGoCreate dt=1 new_g=" + std::to_string(100 + gen) +
            " new_stack=0 stack=0\nUserRegionBegin dt=1 task=0 name_string=1 stack=0\n"
            "UserRegionEnd dt=5 task=0 name_string=1 stack=0\nGoBlock dt=1 reason_string=0 stack=0\n"
            "GoStart dt=1 g=" + std::to_string(100 + gen) + " g_seq=1\nGoDestroy dt=2\n";
    text += "EventBatch gen=" + std::to_string(gen) + " m=" + kNoThread + " time=" + std::to_string(gen * 100 + 2) +
            " size=auto\nStrings\nString id=1\n\tdata=\"work\"\nEndOfGeneration\n";
  }
  const auto bytes = testing::assemble(text);
  AnalyzeOptions one, two;
  two.threads = 2;
  const TraceSummary a = analyze_bytes(bytes, one), b = analyze_bytes(bytes, two);
  EXPECT_EQ(testing::summary_diff(a, b), "");
  EXPECT_EQ(a.generations, 30u);
  EXPECT_EQ(b.generations, a.generations);
  EXPECT_EQ(b.events, a.events);
  EXPECT_EQ(b.span_ns, a.span_ns);
  ASSERT_EQ(b.regions.size(), 1u);
  EXPECT_EQ(b.regions[0].count, 30u);
  EXPECT_EQ(b.regions[0].p50_ns, a.regions[0].p50_ns);
  EXPECT_EQ(b.goroutines.created, a.goroutines.created);
  EXPECT_EQ(b.goroutines.lifetimes, 30u);
  EXPECT_EQ(b.goroutines.top.size(), a.goroutines.top.size());
  for (std::size_t i = 0; i < a.goroutines.top.size(); ++i) EXPECT_EQ(b.goroutines.top[i].events, a.goroutines.top[i].events);
}

TEST(Analyze, TwoThreadsReportTheFirstErrorInTheFile) {
  // Generation 1 misuses a region (an error found while interpreting it); generation 2
  // has a bad event type (found while framing it, possibly before generation 1 is
  // interpreted): the region error, earlier in the file, is the one reported.
  std::string text = "Trace Go1.26\n";
  text += std::string("EventBatch gen=1 m=") + kNoThread + " time=1 size=auto\nSync\nFrequency freq=1000000000\n"
          "ClockSnapshot dt=1 mono=1 sec=1 nsec=1\nEventBatch gen=1 m=3 time=5 size=auto\n"
          "GoStatus dt=1 g=1 m=3 gstatus=2\nUserRegionBegin dt=1 task=0 name_string=1 stack=0\n"
          "UserRegionBegin dt=1 task=0 name_string=2 stack=0\nUserRegionEnd dt=1 task=0 name_string=1 stack=0\n"
          "EventBatch gen=1 m=" + kNoThread + " time=9 size=auto\nStrings\nString id=1\n\tdata=\"a\"\n"
          "String id=2\n\tdata=\"b\"\nEndOfGeneration\n";
  text += std::string("EventBatch gen=2 m=") + kNoThread + " time=11 size=auto\nSync\nFrequency freq=1000000000\n"
          "ClockSnapshot dt=1 mono=1 sec=1 nsec=1\nEventBatch gen=2 m=3 time=15 size=auto\n!raw 35 01\nEndOfGeneration\n";
  const auto bytes = testing::assemble(text);
  for (unsigned threads : {1u, 2u}) expect_format_error(bytes, threads, "the end of the innermost open region");
}

// A Go 1.26 generation whose sync batch and one event batch (goroutine 1 running, then
// `events`) come before its strings batch, as the runtime writes them.
std::string generation_126(int gen, const std::string& events, const std::string& strings) {
  const std::string t = std::to_string(gen * 100);
  return std::string("EventBatch gen=") + std::to_string(gen) + " m=" + kNoThread + " time=" + t +
         " size=auto\nSync\nFrequency freq=1000000000\nClockSnapshot dt=1 mono=1 sec=1 nsec=1\n"
         "EventBatch gen=" + std::to_string(gen) + " m=3 time=" + t + " size=auto\nGoStatus dt=1 g=1 m=3 gstatus=2\n" +
         events + "EventBatch gen=" + std::to_string(gen) + " m=" + kNoThread + " time=" + t + " size=auto\nStrings\n" +
         strings;
}

TEST(Analyze, ARegionEndWhoseNameIsPastTheCutEndsTheInnermostRegion) {
  // Region "hash" begins in generation 1 and ends in generation 2; the trace is cut
  // before generation 2's strings batch, so the end's name cannot be read. The trace is
  // truncated, not malformed: the end closes the open region.
  const std::string gen1 = generation_126(1, "UserRegionBegin dt=1 task=0 name_string=1 stack=0\n",
                                          "String id=1\n\tdata=\"hash\"\n") + "EndOfGeneration\n";
  const std::string gen2 = generation_126(2, "UserRegionEnd dt=5 task=0 name_string=1 stack=0\n",
                                          "String id=1\n\tdata=\"hash\"\n") + "EndOfGeneration\n";
  const auto whole = testing::assemble("Trace Go1.26\n" + gen1 + gen2);
  // Where generation 2's strings batch begins.
  const std::size_t cut = testing::assemble("Trace Go1.26\n" + gen1 + gen2.substr(0, gen2.rfind("EventBatch"))).size();
  for (unsigned threads : {1u, 2u}) {
    AnalyzeOptions o;
    o.threads = threads;
    TraceSummary full = analyze_bytes(whole, o);
    TraceSummary s;
    ASSERT_NO_THROW(s = analyze_bytes(std::span(whole).first(cut), o)) << threads << " threads";
    EXPECT_FALSE(full.truncated);
    EXPECT_TRUE(s.truncated);
    for (const TraceSummary* x : {&full, &s}) {
      ASSERT_EQ(x->regions.size(), 1u) << threads << " threads";
      EXPECT_EQ(x->regions[0].name, "hash");
      EXPECT_EQ(x->regions[0].count, 1u);
      EXPECT_EQ(x->regions[0].p50_ns, 200 + 1 + 5 - (100 + 1 + 1));
      for (const auto& i : x->issues) EXPECT_TRUE(i.name == "truncated") << i.name << ": " << i.first_detail;
    }
  }
}

TEST(Analyze, ARegionMismatchInACutGenerationIsAnErrorWhenBothNamesAreKnown) {
  // Generation 2's strings batch comes before the cut: "other" is known, and does not
  // end "hash".
  const std::string gen1 = generation_126(1, "UserRegionBegin dt=1 task=0 name_string=1 stack=0\n",
                                          "String id=1\n\tdata=\"hash\"\n") + "EndOfGeneration\n";
  const std::string gen2 = std::string("EventBatch gen=2 m=") + kNoThread +
                           " time=200 size=auto\nSync\nFrequency freq=1000000000\n"
                           "ClockSnapshot dt=1 mono=1 sec=1 nsec=1\nEventBatch gen=2 m=" + kNoThread +
                           " time=200 size=auto\nStrings\nString id=1\n\tdata=\"other\"\n"
                           "EventBatch gen=2 m=3 time=200 size=auto\nGoStatus dt=1 g=1 m=3 gstatus=2\n"
                           "UserRegionEnd dt=5 task=0 name_string=1 stack=0\n";
  const auto bytes = testing::assemble("Trace Go1.26\n" + gen1 + gen2);
  for (unsigned threads : {1u, 2u})
    expect_format_error(bytes, threads,
                        "expected the end of the innermost open region, found region end 'other' of goroutine 1 "
                        "when the innermost open region is 'hash'");
}

TEST(Analyze, BadEventsOfBatchesScannedTogetherComeInFileOrder) {
  // Event batches are scanned two at a time. The second batch's bad event is met
  // first (it comes early in its batch), but the first batch's, earlier in the file,
  // is the one reported (strict) or kept as the first occurrence (lenient).
  std::string first_batch, second_batch = "ProcStatus dt=1 p=1 pstatus=1\n!raw 35 01 01 01\n";
  for (int i = 0; i < 12; ++i) first_batch += "ProcStatus dt=1 p=0 pstatus=1\n";
  first_batch += "!raw 35 01 01 01\n";
  for (int i = 0; i < 12; ++i) second_batch += "ProcStatus dt=1 p=1 pstatus=1\n";
  const std::string text = std::string("Trace Go1.26\nEventBatch gen=1 m=") + kNoThread +
                           " time=1 size=auto\nSync\nFrequency freq=15625000\n"
                           "ClockSnapshot dt=1 mono=1 sec=1 nsec=1\nEventBatch gen=1 m=3 time=5 size=auto\n" +
                           first_batch + "EventBatch gen=1 m=4 time=5 size=auto\n" + second_batch +
                           "EndOfGeneration\n";
  const auto bytes = testing::assemble(text);
  std::size_t first_bad = 0, seen = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i)
    if (bytes[i] == 0x35 && bytes[i + 1] == 1 && ++seen == 1) first_bad = i;
  ASSERT_NE(first_bad, 0u);
  for (unsigned threads : {1u, 2u}) {
    if (auto e = format_error(bytes, threads)) {
      EXPECT_EQ(e->offset(), first_bad) << threads << " threads: " << e->what();
    }
    AnalyzeOptions o;
    o.threads = threads;
    o.strict = false;
    const TraceSummary s = analyze_bytes(bytes, o);
    bool found = false;
    for (const auto& i : s.issues) {
      if (i.name != "corrupt_batch") continue;
      found = true;
      EXPECT_EQ(i.count, 2u);
      EXPECT_EQ(i.first_offset, first_bad) << threads << " threads";
    }
    EXPECT_TRUE(found);
    EXPECT_EQ(s.kinds[kEvProcStatus].events, 13u) << threads << " threads";  // 12 + 1 before the second bad event
  }
}

TEST(Analyze, FramesEventsWhoseArgumentsRunPastEightBytes) {
  // The scanner frames arguments ending within 8 bytes after the type byte in one
  // lookup, within 16 in two, and anything longer (or dt above 2 bytes) one checked
  // read at a time: padded varints make GoUnblock's args 13, 16 and 17 bytes long.
  std::string events;
  for (int i = 0; i < 4; ++i) {
    events += "GoStart dt=1 g=7 g_seq=1\n";
    events += "GoUnblock dt=1 g=5~5 g_seq=1~4 stack=0~3\n";  // 1 + 5 + 4 + 3 = 13 bytes of args
    events += "GoUnblock dt=2~2 g=5~5 g_seq=1~5 stack=0~4\n";  // 16
    events += "GoUnblock dt=1 g=5~6 g_seq=1~6 stack=0~4\n";  // 17
    events += "GoUnblock dt=1~3 g=5 g_seq=1 stack=0\n";  // dt of 3 bytes
    events += "GoBlock dt=1 reason_string=0 stack=0\n";
  }
  const std::string text = std::string("Trace Go1.26\nEventBatch gen=1 m=") + kNoThread +
                           " time=1 size=auto\nSync\nFrequency freq=15625000\n"
                           "ClockSnapshot dt=1 mono=1 sec=1 nsec=1\nEventBatch gen=1 m=3 time=5 size=auto\n" + events +
                           "EndOfGeneration\n";
  const auto bytes = testing::assemble(text);
  for (unsigned threads : {1u, 2u}) {
    AnalyzeOptions o;
    o.threads = threads;
    const TraceSummary s = analyze_bytes(bytes, o);
    EXPECT_EQ(s.kinds[kEvGoUnblock].events, 16u);
    EXPECT_EQ(s.kinds[kEvGoUnblock].bytes, 4u * ((1 + 13) + (1 + 16) + (1 + 17) + (1 + 3 + 1 + 1 + 1)));
    EXPECT_EQ(s.kinds[kEvGoStart].events, 4u);
    EXPECT_EQ(s.kinds[kEvGoBlock].events, 4u);
    // dt sums: 4 x (1 + 2 + 1 + 1 + 1 + 1) ticks of 64 ns after the first event.
    EXPECT_EQ(s.span_ns, (4 * 7 - 1) * 64);
    ASSERT_FALSE(s.goroutines.top.empty());
    EXPECT_EQ(s.goroutines.top[0].goid, 7u);
    EXPECT_EQ(s.goroutines.top[0].events, 24u);  // GoStart, four GoUnblocks and GoBlock, four times
  }
}

TEST(Analyze, LongMalformedVarintsAreReportedWhereverTheyAre) {
  // Arguments running past 8 bytes are framed in the fast loop, but a varint of more
  // than 10 bytes is malformed (found by the fuzzer: the fast loop took it) and a
  // 10-byte one may be valid (a "none" value): both go through the checked reading.
  std::string head = std::string("Trace Go1.26\nEventBatch gen=1 m=") + kNoThread +
                     " time=1 size=auto\nSync\nFrequency freq=15625000\n"
                     "ClockSnapshot dt=1 mono=1 sec=1 nsec=1\nEventBatch gen=1 m=3 time=5 size=auto\n"
                     "GoStart dt=1 g=7 g_seq=1\n";
  std::string tail;
  for (int i = 0; i < 4; ++i) tail += "GoBlock dt=1 reason_string=0 stack=0\nGoStart dt=1 g=7 g_seq=1\n";
  tail += "EndOfGeneration\n";
  const auto bad = testing::assemble(head + "GoUnblock dt=1 g=5~12 g_seq=1 stack=0\n" + tail);
  const auto none = testing::assemble(head + "GoUnblock dt=1 g=18446744073709551615 g_seq=1 stack=0\n" + tail);
  for (unsigned threads : {1u, 2u}) {
    expect_format_error(bad, threads, "4 uvarint args of GoUnblock");
    AnalyzeOptions o;
    o.threads = threads;
    const TraceSummary s = analyze_bytes(none, o);
    EXPECT_EQ(s.kinds[kEvGoUnblock].events, 1u);
    EXPECT_EQ(s.kinds[kEvGoUnblock].bytes, 1u + 1 + 10 + 1 + 1);
    EXPECT_EQ(s.kinds[kEvGoStart].events, 5u);
  }
}

TEST(Analyze, CountsOnlyModeCountsTheSame) {
  auto bytes = testing::assemble(two_generations_122());
  AnalyzeOptions fast;
  fast.goroutines = fast.annotations = false;
  const TraceSummary a = analyze_bytes(bytes), b = analyze_bytes(bytes, fast);
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.span_ns, b.span_ns);
  EXPECT_TRUE(b.goroutines.top.empty());
  EXPECT_EQ(b.goroutines.created, a.goroutines.created);  // from the per-type counts
}

TEST(Analyze, NamesTheFileWhenItCannotBeRead) {
  try {
    analyze_file("/nonexistent/trace.out");
    FAIL();
  } catch (const IoError& e) {
    EXPECT_STREQ(e.what(), "cannot open /nonexistent/trace.out: No such file or directory");
  }
  EXPECT_THROW(analyze_file("/"), IoError);
}

TEST(Analyze, EmptyFileIsNotATrace) {
  try {
    analyze_bytes({});
    FAIL();
  } catch (const FormatError& e) {
    EXPECT_STREQ(e.what(), "byte offset 0: expected a Go execution trace header \"go 1.NN trace\\0\\0\\0\", found an empty file");
  }
}

}  // namespace
}  // namespace tracebench::trace
