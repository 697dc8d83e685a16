#include <gtest/gtest.h>

#include "load/http_request.h"
#include "load/load_config.h"
#include "load/open_loop_schedule.h"

namespace tracebench::load {
namespace {

TEST(ParseEndpoint, AcceptsHostPortForms) {
  auto e = parse_endpoint("localhost:8080");
  EXPECT_EQ(e.host, "localhost");
  EXPECT_EQ(e.port, 8080);
  e = parse_endpoint("[::1]:9");
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.port, 9);
  EXPECT_EQ(parse_endpoint("127.0.0.1:65535").port, 65535);
}

TEST(EndpointDisplay, IsReadBackByParseEndpoint) {
  for (const char* text : {"localhost:8080", "127.0.0.1:80", "[::1]:8080", "[fe80::1%lo]:6060"}) {
    const Endpoint e = parse_endpoint(text);
    EXPECT_EQ(e.display(), text);
    const Endpoint back = parse_endpoint(e.display());
    EXPECT_EQ(back.host, e.host);
    EXPECT_EQ(back.port, e.port);
  }
}

TEST(ParseEndpoint, RejectsWithValueAndExpectedForm) {
  for (const char* bad : {"localhost", "localhost:", ":8080", "localhost:0", "localhost:70000", "localhost:http",
                          "::1:80", "http://localhost:8080", "[::1]8080"}) {
    try {
      parse_endpoint(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const std::invalid_argument& e) {
      std::string m = e.what();
      EXPECT_NE(m.find(std::string("'") + bad + "'"), std::string::npos) << m;
      EXPECT_NE(m.find("expected HOST:PORT"), std::string::npos) << m;
    }
  }
}

TEST(Validate, NamesTheBadValue) {
  LoadConfig cfg;
  cfg.target = {"localhost", 80};
  EXPECT_EQ(validate(cfg), "");
  cfg.connections = 0;
  EXPECT_NE(validate(cfg).find("--connections 0"), std::string::npos);
  cfg.connections = 2;
  cfg.threads = 4;
  EXPECT_NE(validate(cfg).find("--threads 4 exceeds --connections 2"), std::string::npos);
  cfg.threads = 1;
  cfg.open_loop = OpenLoop{0};
  EXPECT_NE(validate(cfg).find("--rate 0"), std::string::npos);
  cfg = LoadConfig{};
  cfg.spin_ns = 20'000'000;
  EXPECT_NE(validate(cfg).find("--spin 20000us is out of range"), std::string::npos);
  cfg.spin_ns = 0;
  cfg.open_loop.reset();
  cfg.request.path = "health";
  EXPECT_NE(validate(cfg).find("--path 'health' must start with '/'"), std::string::npos);
  cfg.request.path = "/";
  cfg.request.headers = {{"X-Bad\r\nInjected", "1"}};
  EXPECT_NE(validate(cfg).find("not a valid header"), std::string::npos);
}

TEST(BuildRequest, SerialisesHostHeadersAndBody) {
  RequestSpec spec;
  spec.method = "POST";
  spec.path = "/api?x=1";
  spec.headers = {{"Content-Type", "application/json"}};
  spec.body = "{\"a\":1}";
  EXPECT_EQ(build_request({"127.0.0.1", 8080}, spec),
            "POST /api?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\n"
            "Content-Length: 7\r\n\r\n{\"a\":1}");
  RequestSpec get;
  get.headers = {{"host", "example"}};
  EXPECT_EQ(build_request({"::1", 80}, get), "GET / HTTP/1.1\r\nhost: example\r\n\r\n");
  EXPECT_EQ(build_request({"::1", 80}, RequestSpec{}), "GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n");
}

TEST(OpenLoopSchedule, SpacesRequestsEvenlyWithoutDrift) {
  OpenLoopSchedule s(1'000, 3.0);  // every 333.33 ms
  EXPECT_EQ(s.intended_ns(0), 1'000);
  EXPECT_EQ(s.intended_ns(1), 1'000 + 333'333'333);
  EXPECT_EQ(s.intended_ns(3), 1'000 + 1'000'000'000);
  // After a billion requests at 7 req/s the error is still under a microsecond.
  OpenLoopSchedule odd(0, 7.0);
  EXPECT_NEAR(static_cast<double>(odd.intended_ns(7'000'000'000ull)), 1e18, 1000.0);
}

TEST(OpenLoopSchedule, DueUntilStopsAtNowAndAtEnd) {
  OpenLoopSchedule s(0, 1000.0);  // every 1 ms
  EXPECT_EQ(s.due_until(0, 0, 1'000'000'000), 1u);          // request 0 is due at t=0
  EXPECT_EQ(s.due_until(0, 2'500'000, 1'000'000'000), 3u);  // 0, 1, 2 due by 2.5 ms
  EXPECT_EQ(s.due_until(3, 2'500'000, 1'000'000'000), 3u);  // cursor already there
  EXPECT_EQ(s.due_until(0, 50'000'000, 10'000'000), 10u);   // never past the end
}

TEST(OpenLoopSchedule, OffsetsInterleaveWorkers) {
  // Two workers at 500 req/s each, offset by half an interval, make one even 1000 req/s.
  OpenLoopSchedule a(0, 500.0, 0), b(0, 500.0, 1'000'000);
  EXPECT_EQ(a.intended_ns(1) - b.intended_ns(0), 1'000'000);
  EXPECT_EQ(b.intended_ns(0) - a.intended_ns(0), 1'000'000);
}

}  // namespace
}  // namespace tracebench::load
