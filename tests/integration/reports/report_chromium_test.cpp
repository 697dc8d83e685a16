// The HTML reports of a real short run and of a real short sweep, rendered by headless
// Chromium (Debian package chromium): the page is not blank, every section and every plot is in
// the DOM, it reads in a narrow window, and the run's prints to PDF. The screenshots are kept in
// the test's temp dir and their paths printed.

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "subprocess.h"

namespace tracebench {
namespace {

namespace fs = std::filesystem;
using testing::ChildProcess;
using testing::run_process;

const std::string kTracebench = TRACEBENCH_BIN;
const std::string kDemoServer = DEMO_SERVER_BIN;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string find_chromium() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
    if (::access(p, X_OK) == 0) return p;
  return {};
}

// ---- a PNG decoder just big enough for Chromium's screenshots (8-bit RGB/RGBA) ----

struct Image {
  std::uint32_t width = 0, height = 0;
  std::vector<std::uint8_t> rgb;  // width*height*3
};

std::uint32_t be32(const std::string& s, std::size_t at) {
  return (std::uint32_t(std::uint8_t(s[at])) << 24) | (std::uint32_t(std::uint8_t(s[at + 1])) << 16) |
         (std::uint32_t(std::uint8_t(s[at + 2])) << 8) | std::uint32_t(std::uint8_t(s[at + 3]));
}

int paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

Image decode_png(const std::string& png) {
  if (png.size() < 33 || png.compare(1, 3, "PNG") != 0) throw std::runtime_error("not a PNG");
  Image img;
  std::string idat;
  int depth = 0, color = 0, interlace = 0;
  for (std::size_t at = 8; at + 8 <= png.size();) {
    const std::uint32_t len = be32(png, at);
    const std::string type = png.substr(at + 4, 4);
    if (type == "IHDR") {
      img.width = be32(png, at + 8);
      img.height = be32(png, at + 12);
      depth = std::uint8_t(png[at + 16]);
      color = std::uint8_t(png[at + 17]);
      interlace = std::uint8_t(png[at + 20]);
    } else if (type == "IDAT") {
      idat.append(png, at + 8, len);
    }
    at += 12 + len;
  }
  if (depth != 8 || (color != 2 && color != 6) || interlace != 0)
    throw std::runtime_error("unsupported PNG (depth " + std::to_string(depth) + ", color " + std::to_string(color) + ")");
  const std::size_t bpp = color == 6 ? 4 : 3;
  const std::size_t stride = img.width * bpp;
  std::vector<std::uint8_t> raw((stride + 1) * img.height);
  uLongf raw_len = static_cast<uLongf>(raw.size());
  if (uncompress(raw.data(), &raw_len, reinterpret_cast<const Bytef*>(idat.data()), static_cast<uLong>(idat.size())) != Z_OK ||
      raw_len != raw.size())
    throw std::runtime_error("PNG data does not inflate");
  std::vector<std::uint8_t> prev(stride, 0), cur(stride);
  img.rgb.reserve(std::size_t(img.width) * img.height * 3);
  for (std::uint32_t y = 0; y < img.height; ++y) {
    const std::uint8_t* line = &raw[y * (stride + 1)];
    const int filter = line[0];
    for (std::size_t x = 0; x < stride; ++x) {
      const int a = x >= bpp ? cur[x - bpp] : 0, b = prev[x], c = x >= bpp ? prev[x - bpp] : 0;
      int v = line[1 + x];
      switch (filter) {
        case 1: v += a; break;
        case 2: v += b; break;
        case 3: v += (a + b) / 2; break;
        case 4: v += paeth(a, b, c); break;
        default: break;
      }
      cur[x] = static_cast<std::uint8_t>(v);
    }
    for (std::uint32_t x = 0; x < img.width; ++x)
      for (int k = 0; k < 3; ++k) img.rgb.push_back(cur[x * bpp + k]);
    std::swap(prev, cur);
  }
  return img;
}

struct Ink {
  double non_white = 0;  // share of pixels that are not near-white
  std::size_t colors = 0;  // distinct colours, quantized to 4 bits a channel
};

Ink ink(const Image& img, std::uint32_t y0, std::uint32_t y1) {
  std::size_t dark = 0, total = 0;
  std::set<int> colors;
  for (std::uint32_t y = y0; y < y1 && y < img.height; ++y)
    for (std::uint32_t x = 0; x < img.width; ++x) {
      const std::uint8_t* p = &img.rgb[(std::size_t(y) * img.width + x) * 3];
      ++total;
      if (p[0] < 235 || p[1] < 235 || p[2] < 235) ++dark;
      colors.insert((p[0] >> 4) << 8 | (p[1] >> 4) << 4 | (p[2] >> 4));
    }
  return {total ? double(dark) / double(total) : 0, colors.size()};
}

// ---- chromium ----

class Chromium {
 public:
  explicit Chromium(std::string bin) : bin_(std::move(bin)) {}

  testing::ProcessResult run(const std::vector<std::string>& extra, const std::string& url) {
    std::string profile = (fs::temp_directory_path() / "tracebench-chromium-XXXXXX").string();
    if (!::mkdtemp(profile.data())) throw std::runtime_error("mkdtemp");
    std::vector<std::string> argv = {bin_,
                                     "--headless",
                                     "--no-sandbox",
                                     "--disable-gpu",
                                     "--disable-quic",
                                     "--no-first-run",
                                     "--disable-background-networking",
                                     "--disable-component-update",
                                     "--disable-sync",
                                     "--disable-dev-shm-usage",
                                     "--hide-scrollbars",
                                     "--user-data-dir=" + profile};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(url);
    auto r = run_process(argv, 90);
    std::error_code ec;
    fs::remove_all(profile, ec);
    return r;
  }

 private:
  std::string bin_;
};

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

TEST(ReportChromium, RealRunReportRendersWithSectionsAndPlots) {
  const std::string chromium = find_chromium();
  if (chromium.empty()) {
    std::cerr << "\n*** SKIPPED: Chromium is not installed, so the HTML report was NOT rendered in a browser. ***\n"
                 "*** scripts/setup.sh --tests installs it (Debian package chromium); run it again.      ***\n\n";
    GTEST_SKIP() << "chromium is not installed (Debian package chromium; scripts/setup.sh --tests installs it)";
  }

  // A real short run against the demo server; `run` writes report.html beside result.json.
  auto server = std::make_unique<ChildProcess>(
      std::vector<std::string>{kDemoServer, "--addr", "127.0.0.1:0", "--debug-addr", "127.0.0.1:0"});
  const std::string addr = server->wait_for_line("listening on ");
  const std::string debug = server->wait_for_line("debug listening on ");
  const fs::path out = fs::path(::testing::TempDir()) / "tracebench-report-chromium";
  fs::remove_all(out);
  auto run = run_process({kTracebench, "run", "--target", addr, "--pprof", debug, "--path", "/api", "--duration", "3s",
                          "--rounds", "6", "--warmup", "1s", "--settle", "200ms", "--connections", "8", "--out",
                          out.string(), "--no-progress", "--rate", "max"},
                         180);
  server.reset();
  ASSERT_TRUE(run.exit_code == 0 || run.exit_code == 3) << run.out << run.err;  // 3: a noisy machine's lag
  const fs::path html = out / "report.html";
  ASSERT_TRUE(fs::exists(html)) << run.out << run.err;
  EXPECT_TRUE(fs::exists(out / "report.md"));
  EXPECT_TRUE(fs::exists(out / "plots" / "latency_spectrum.png"));
  const std::string url = "file://" + fs::absolute(html).string();
  Chromium browser(chromium);

  // The DOM Chromium built: every section, and the plots as inline SVG inside their figures.
  auto dom = browser.run({"--dump-dom"}, url);
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  for (const char* id : {"verdict", "overhead", "latency", "trace-data", "sizing", "noise-floor", "rounds", "context"})
    EXPECT_NE(dom.out.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
  for (const char* plot : {"latency_spectrum", "rounds_throughput", "trace_rate"}) {
    const std::size_t at = dom.out.find(std::string("<figure class=\"plot\" id=\"plot-") + plot + "\">");
    ASSERT_NE(at, std::string::npos) << plot;
    EXPECT_EQ(dom.out.find("<svg", at), dom.out.find("<div class=\"svg\"><svg", at) + 17) << plot;
  }
  EXPECT_GE(count(dom.out, "<figure class=\"plot\" id=\"plot-"), 4u);
  EXPECT_EQ(count(dom.out, "<figure class=\"plot missing\""), 0u);
  EXPECT_NE(dom.out.find("<strong>Recommendation:</strong>"), std::string::npos);
  EXPECT_NE(dom.out.find("<title>tracebench: what tracing costs GET /api</title>"), std::string::npos);

  // A wide screenshot: ink on the page, the header at the top, colour from the plots.
  const std::string wide = (out / "report-wide.png").string();
  auto shot = browser.run({"--window-size=1100,4200", "--screenshot=" + wide}, url);
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  const Image img = decode_png(read(wide));
  EXPECT_EQ(img.width, 1100u);
  EXPECT_EQ(img.height, 4200u);
  const Ink page = ink(img, 0, img.height);
  EXPECT_GT(page.non_white, 0.03) << "the page looks blank";
  EXPECT_GT(page.colors, 40u) << "no colour: the plots did not render";
  EXPECT_GT(ink(img, 0, 120).non_white, 0.01) << "no title at the top";
  std::cout << "screenshot: " << wide << " (" << img.width << "x" << img.height << ", "
            << static_cast<int>(page.non_white * 100) << "% ink, " << page.colors << " colours)\n";

  // A phone-width window: still readable (the page lays out, text is there).
  const std::string narrow = (out / "report-narrow.png").string();
  auto small = browser.run({"--window-size=420,1600", "--screenshot=" + narrow}, url);
  ASSERT_EQ(small.exit_code, 0) << small.err;
  const Image nimg = decode_png(read(narrow));
  EXPECT_EQ(nimg.width, 420u);
  EXPECT_GT(ink(nimg, 0, nimg.height).non_white, 0.05);
  std::cout << "screenshot: " << narrow << "\n";

  // Printable.
  const std::string pdf = (out / "report.pdf").string();
  auto print = browser.run({"--no-pdf-header-footer", "--print-to-pdf=" + pdf}, url);
  ASSERT_EQ(print.exit_code, 0) << print.err;
  const std::string pdf_bytes = read(pdf);
  EXPECT_EQ(pdf_bytes.rfind("%PDF", 0), 0u);
  EXPECT_GT(pdf_bytes.size(), 20'000u);
  std::cout << "pdf: " << pdf << "\n";
}

// A real short sweep (three open-loop levels, all three modes, a production rate above them):
// `sweep` writes report.html beside sweep.json, and Chromium renders every section and both
// plots, in a wide and in a phone-width window.
TEST(ReportChromium, RealSweepReportRendersWithSectionsAndPlots) {
  const std::string chromium = find_chromium();
  if (chromium.empty()) {
    std::cerr << "\n*** SKIPPED: Chromium is not installed, so the sweep's HTML report was NOT rendered. ***\n\n";
    GTEST_SKIP() << "chromium is not installed (Debian package chromium; scripts/setup.sh --tests installs it)";
  }
  auto server = std::make_unique<ChildProcess>(
      std::vector<std::string>{kDemoServer, "--addr", "127.0.0.1:0", "--debug-addr", "127.0.0.1:0"});
  const std::string addr = server->wait_for_line("listening on ");
  const std::string debug = server->wait_for_line("debug listening on ");
  const fs::path out = fs::path(::testing::TempDir()) / "tracebench-report-chromium-sweep";
  fs::remove_all(out);
  auto sweep = run_process({kTracebench, "sweep", "--target", addr, "--pprof", debug, "--path", "/api", "--rates",
                            "300,600,1200", "--production-rate", "2400", "--connections", "8", "--duration", "1.2s",
                            "--rounds", "6", "--warmup", "300ms", "--settle", "100ms", "--out", out.string(),
                            "--no-progress"},
                           150);
  server.reset();
  ASSERT_TRUE(sweep.exit_code == 0 || sweep.exit_code == 3) << sweep.out << sweep.err;  // 3: a noisy machine's lag
  EXPECT_NE(sweep.out.find("report: " + out.string() + "/report.html, " + out.string() + "/report.md"),
            std::string::npos)
      << sweep.out;
  for (const char* f : {"sweep.json", "report.html", "report.md", "plots/sweep_trace_rate.png",
                        "plots/sweep_trace_rate.svg", "plots/sweep_overhead.png", "level-1/result.json"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  const auto doc = nlohmann::json::parse(read((out / "sweep.json").string()));
  EXPECT_EQ(doc["context"]["target_go_version"].get<std::string>().rfind("go 1.", 0), 0u) << doc["context"].dump();
  const std::string md = read((out / "report.md").string());
  EXPECT_NE(md.find("![Trace data rate against load](plots/sweep_trace_rate.png)"), std::string::npos);

  const std::string url = "file://" + fs::absolute(out / "report.html").string();
  Chromium browser(chromium);
  auto dom = browser.run({"--dump-dom"}, url);
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  for (const char* id : {"verdict", "levels", "trace-rate", "overhead", "prediction", "context"})
    EXPECT_NE(dom.out.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
  for (const char* plot : {"sweep_trace_rate", "sweep_overhead"}) {
    const std::size_t at = dom.out.find(std::string("<figure class=\"plot\" id=\"plot-") + plot + "\">");
    ASSERT_NE(at, std::string::npos) << plot;
    EXPECT_EQ(dom.out.find("<svg", at), dom.out.find("<div class=\"svg\"><svg", at) + 17) << plot;
  }
  EXPECT_EQ(count(dom.out, "<figure class=\"plot missing\""), 0u);
  EXPECT_NE(dom.out.find("<strong>Trace data:</strong>"), std::string::npos);
  EXPECT_NE(dom.out.find("<strong>At 2400 req/s:</strong>"), std::string::npos);
  EXPECT_NE(dom.out.find("<title>tracebench sweep: trace data and overhead against load, GET /api</title>"),
            std::string::npos);
  // The verdict's model figures are the sweep's own.
  const auto& fit = doc["model"]["bytes_per_s"];
  ASSERT_TRUE(fit.is_object()) << doc["model"].dump(2);
  EXPECT_GT(fit["bytes_per_request"].get<double>(), 0) << "more load, more trace";

  const std::string wide = (out / "report-wide.png").string();
  auto shot = browser.run({"--window-size=1100,4200", "--screenshot=" + wide}, url);
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  const Image img = decode_png(read(wide));
  EXPECT_EQ(img.width, 1100u);
  const Ink page = ink(img, 0, img.height);
  EXPECT_GT(page.non_white, 0.03) << "the page looks blank";
  EXPECT_GT(page.colors, 40u) << "no colour: the plots did not render";
  EXPECT_GT(ink(img, 0, 120).non_white, 0.01) << "no title at the top";
  std::cout << "screenshot: " << wide << " (" << img.width << "x" << img.height << ", "
            << static_cast<int>(page.non_white * 100) << "% ink, " << page.colors << " colours)\n";

  const std::string narrow = (out / "report-narrow.png").string();
  auto small = browser.run({"--window-size=420,1600", "--screenshot=" + narrow}, url);
  ASSERT_EQ(small.exit_code, 0) << small.err;
  const Image nimg = decode_png(read(narrow));
  EXPECT_EQ(nimg.width, 420u);
  EXPECT_GT(ink(nimg, 0, nimg.height).non_white, 0.05);
  std::cout << "screenshot: " << narrow << "\n";
}

}  // namespace
}  // namespace tracebench
