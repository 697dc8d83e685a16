// The plots: data taken from the result model, drawn by gnuplot through gnuplot-iostream.
// Each plot is one gnuplot process that writes the SVG and then the PNG from the same data
// files, so the two always agree.

#include "reports/plots.h"

#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>

#include <gnuplot-iostream.h>

#include "reports/event_mix.h"
#include "reports/plot_job.h"
#include "reports/result_file.h"
#include "result/run_result.h"
#include "result/sweep_result.h"

namespace tracebench::reports {

namespace detail {

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("''") : std::string(1, ch);
  return out + "'";
}

std::string color_of(const std::string& mode) {
  if (mode == "off") return "#4c72b0";
  if (mode == "trace") return "#dd8452";
  if (mode == "flightrecorder") return "#55a868";
  return "#8172b3";
}

std::string fmt_num(double v) { return fmt::format("{:.6g}", v); }

}  // namespace detail

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using detail::color_of;
using detail::fmt_num;
using detail::kMiB;
using detail::PlotJob;
using detail::quote;
using detail::Rows;

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

double color_value(const std::string& mode) { return static_cast<double>(std::stoul(color_of(mode).substr(1), nullptr, 16)); }

using result::RoundView;
using result::RunResultView;

std::vector<std::string> modes_in(const RunResultView& run) {
  static const char* const kKnown[] = {"off", "trace", "flightrecorder"};
  std::vector<std::string> out;
  for (const char* m : kKnown)
    if (run.mode(m)) out.push_back(m);
  for (const auto& mode : run.modes)
    if (std::find(out.begin(), out.end(), mode.name) == out.end()) out.push_back(mode.name);
  return out;
}

bool complete(const RoundView& round) { return round.complete.value_or(true); }

// ---- latency percentile spectrum ----

std::optional<PlotJob> latency_spectrum(const RunResultView& run) {
  PlotJob job;
  job.spec = {"latency_spectrum", "Latency by percentile",
              "every request of every round of a mode merged, HDR style: the x axis stretches the tail "
              "(90%, 99%, 99.9%, 99.99%) so the rare slow requests tracing may add are visible; both axes logarithmic"};
  std::vector<std::string> lines;
  double x_max = 1;
  for (const auto& mode : modes_in(run)) {
    Rows rows;
    for (const auto& [pct, ns] : run.mode(mode)->latency_spectrum) {
      if (pct >= 100 || ns <= 0) continue;
      const double x = 100.0 / (100.0 - pct);
      if (x > 1e6) continue;
      rows.push_back({x, ns / 1e6});
      x_max = std::max(x_max, x);
    }
    if (rows.size() < 2) continue;
    job.data[mode] = rows;
    lines.push_back(fmt::format("DATA({}) using 1:2 with lines lw 2 lc rgb {} title {}", mode, quote(color_of(mode)),
                                quote(mode)));
  }
  if (lines.empty()) return std::nullopt;
  const double range = x_max <= 1e4 * 1.0001 ? 1e4 : x_max <= 1e5 * 1.0001 ? 1e5 : 1e6;
  job.script = fmt::format(
      "set title {}\n"
      "set xlabel 'percentile'\nset ylabel 'latency (ms)'\n"
      "set logscale xy\nset xrange [1:{}]\n"
      "set xtics ('0%%' 1, '90%%' 10, '99%%' 100, '99.9%%' 1000, '99.99%%' 10000, '99.999%%' 100000, '99.9999%%' 1000000)\n"
      "set format y '%g'\nset grid xtics ytics mytics lc rgb '#dddddd'\nset key top left\n"
      "plot {}\n",
      quote(job.spec.title), fmt_num(range), fmt::format("{}", fmt::join(lines, ", \\\n  ")));
  return job;
}

// ---- per-round strips with median and CI ----

struct StripSource {
  std::string mode;
  std::string label;
  std::function<std::optional<double>(const RoundView& round)> value;  // per round, nullopt when absent
  result::Interval result::ModeView::*interval;                       // the mode's median with its CI
};

std::optional<PlotJob> round_strip(const RunResultView& run, PlotSpec spec, const std::string& ylabel, double scale,
                                   const std::vector<StripSource>& sources) {
  PlotJob job;
  job.spec = std::move(spec);
  Rows points, ci;
  std::vector<std::string> tics;
  int column = 0;
  for (const auto& src : sources) {
    std::vector<double> values;
    for (const auto& r : run.rounds)
      if (complete(r) && r.mode == src.mode)
        if (auto v = src.value(r)) values.push_back(*v / scale);
    if (values.empty()) continue;
    ++column;
    tics.push_back(fmt::format("{} {}", quote(src.label), column));
    const double color = color_value(src.mode);
    const std::size_t n = values.size();
    for (std::size_t k = 0; k < n; ++k) {  // spread in run order, so drift shows as a slope
      const double offset = n == 1 ? 0 : -0.18 + 0.36 * static_cast<double>(k) / static_cast<double>(n - 1);
      points.push_back({column - 0.08 + offset, values[k], color});
    }
    if (const result::ModeView* mv = run.mode(src.mode)) {
      const result::Interval& i = mv->*src.interval;
      const auto med = i.median, lo = i.ci_low, hi = i.ci_high;
      if (med) ci.push_back({column + 0.3, *med / scale, lo.value_or(*med) / scale, hi.value_or(*med) / scale, color});
    }
  }
  if (points.empty()) return std::nullopt;
  job.data["points"] = points;
  std::string plot = "DATA(points) using 1:2:3 with points pt 7 ps 0.8 lc rgb variable notitle";
  if (!ci.empty()) {
    job.data["ci"] = ci;
    plot += ", \\\n  DATA(ci) using 1:2:3:4:5 with yerrorbars pt 5 ps 1.1 lw 2 lc rgb variable notitle";
  }
  plot += ", \\\n  keyentry with points pt 7 ps 0.8 lc rgb '#555555' title 'one round'";
  if (!ci.empty()) plot += ", \\\n  keyentry with yerrorbars pt 5 ps 1.1 lw 2 lc rgb '#555555' title 'median, 95% CI'";
  job.script = fmt::format(
      "set title {}\nset ylabel {}\n"
      "set xrange [0.4:{}]\nset yrange [0:*]\nset xtics ({}) scale 0\n"
      "set grid ytics lc rgb '#dddddd'\nset key outside bottom center horizontal\n"
      "plot {}\n",
      quote(job.spec.title), quote(ylabel), fmt_num(column + 0.6), fmt::join(tics, ", "), plot);
  return job;
}

std::optional<PlotJob> rounds_throughput(const RunResultView& run) {
  std::vector<StripSource> src;
  for (const auto& m : modes_in(run))
    src.push_back({m, m, [](const RoundView& r) { return r.throughput_rps; }, &result::ModeView::throughput_rps});
  return round_strip(run,
                     {"rounds_throughput", "Throughput per round",
                      "each dot is one round's throughput (in run order, left to right), with the mode's median and "
                      "its 95% confidence interval beside it; the comparisons rest on these per-round figures"},
                     "requests/s", 1, src);
}

std::optional<PlotJob> rounds_cpu(const RunResultView& run) {
  std::vector<StripSource> src;
  for (const auto& m : modes_in(run))
    src.push_back({m, m, [](const RoundView& r) { return r.target_cpu_us_per_request; },
                   &result::ModeView::target_cpu_us_per_request});
  return round_strip(run,
                     {"rounds_cpu", "Target CPU per request per round",
                      "the target's CPU time over a round's measured window divided by the requests it answered, "
                      "one dot per round, with the mode's median and 95% CI; at a fixed rate this is the most "
                      "sensitive overhead measure"},
                     "CPU per request (µs)", 1, src);
}

std::optional<PlotJob> trace_rate(const RunResultView& run) {
  std::vector<StripSource> src;
  for (const auto& m : modes_in(run)) {
    if (m == "off") continue;
    const auto facts = m == "flightrecorder" ? &RoundView::snapshot : &RoundView::trace;
    src.push_back({m, m == "flightrecorder" ? "flightrecorder (snapshots)" : m + " (captures)",
                   [facts](const RoundView& r) { return r.*facts ? (r.*facts)->bytes_per_s : std::nullopt; },
                   &result::ModeView::trace_bytes_per_s});
  }
  return round_strip(run,
                     {"trace_rate", "Trace data rate per round",
                      "bytes of execution trace per second of the trace's own span, one dot per round, with the "
                      "median and 95% CI; measured from the files, never estimated"},
                     "trace data (MiB/s)", kMiB, src);
}

// ---- event mix by category ----

std::optional<PlotJob> trace_event_mix(const RunResultView& run) {
  const std::vector<ModeMix> mixes = event_mix(run);
  if (mixes.empty() || mixes.front().categories.empty()) return std::nullopt;
  const bool rates = std::all_of(mixes.begin(), mixes.end(), [](const ModeMix& m) { return m.span_s.has_value(); });
  PlotJob job;
  job.spec = {"trace_event_mix", "Trace data by event category",
              rates ? "bytes of trace per second by event category, every complete round of a mode counted together; "
                      "scheduling and goroutine events grow with request rate, user annotations with the regions and "
                      "tasks the service records"
                    : "share of the trace's bytes by event category, every complete round of a mode counted together"};
  const std::size_t n_modes = mixes.size();
  const double width = 0.8 / static_cast<double>(n_modes);
  Rows bars;
  std::vector<std::string> tics, keys;
  for (std::size_t c = 0; c < mixes.front().categories.size(); ++c) {
    std::string label = mixes.front().categories[c].category;
    std::replace(label.begin(), label.end(), '_', ' ');
    tics.push_back(fmt::format("{} {}", quote(label), c + 1));
    for (std::size_t m = 0; m < n_modes; ++m) {
      const ModeMix& mix = mixes[m];
      const double bytes = mix.categories[c].bytes;
      const double y = rates ? bytes / *mix.span_s / kMiB : (mix.total_bytes > 0 ? 100 * bytes / mix.total_bytes : 0);
      const double x = static_cast<double>(c + 1) - 0.4 + width * (static_cast<double>(m) + 0.5);
      bars.push_back({x, y, color_value(mix.mode)});
    }
  }
  for (const auto& mix : mixes)
    keys.push_back(fmt::format("keyentry with boxes fill solid 0.85 lc rgb {} title {}", quote(color_of(mix.mode)),
                               quote(mix.mode)));
  job.data["bars"] = bars;
  job.script = fmt::format(
      "set title {}\nset ylabel {}\nset xrange [0.4:{}]\nset yrange [0:*]\n"
      "set xtics ({}) scale 0 rotate by -30 left\nset grid ytics lc rgb '#dddddd'\nset key top right\n"
      "set style fill solid 0.85 noborder\nset boxwidth {}\n"
      "plot DATA(bars) using 1:2:3 with boxes lc rgb variable notitle, \\\n  {}\n",
      quote(job.spec.title), quote(rates ? "trace data (MiB/s)" : "share of trace bytes (%)"),
      fmt_num(static_cast<double>(mixes.front().categories.size()) + 0.6), fmt::join(tics, ", "), fmt_num(width * 0.92),
      fmt::join(keys, ", \\\n  "));
  return job;
}

// ---- flight recorder: MaxBytes against window ----

std::optional<PlotJob> flight_recorder(const RunResultView& run) {
  PlotJob job;
  job.spec = {"flight_recorder", "Flight recorder: MaxBytes against the window retained",
              "the lines give the window a ring of MaxBytes holds at the median and at the highest measured trace "
              "rate; squares are the recommended sizes for the wanted windows, dots the bytes and window this run's "
              "snapshots held (each round starts the recorder afresh, so they stay short), and the diamond the size "
              "verified on the real runtime"};
  std::optional<double> median_rate, upper_rate;
  const auto& recs = run.recommendations;
  if (recs && recs->rate) {
    median_rate = recs->rate->median_bytes_per_s;
    upper_rate = recs->rate->upper_bytes_per_s;
  }
  for (const char* mode : {"trace", "flightrecorder"}) {
    const result::ModeView* mv = run.mode(mode);
    if (!mv) continue;
    if (!median_rate) median_rate = mv->trace_bytes_per_s.median;
    if (!upper_rate) upper_rate = mv->trace_bytes_per_s.ci_high;
  }
  if (!median_rate || *median_rate <= 0) return std::nullopt;

  Rows recommended, snapshots, attempts, verified;
  std::vector<std::string> labels;
  if (recs)
    for (const auto& f : recs->flight_recorder) {
      const auto b = f.max_bytes, w = f.window_s;
      if (!b || !w || *b <= 0 || *w <= 0) continue;
      recommended.push_back({*b / kMiB, *w});
      labels.push_back(fmt::format("set label {} at {},{} offset 0.8,-0.6 font ',9' tc rgb '#333333'",
                                   quote(fmt::format("{:g} s", *w)), fmt_num(*b / kMiB), fmt_num(*w)));
    }
  for (const auto& r : run.rounds) {
    if (!r.snapshot) continue;
    const auto b = r.snapshot->bytes, s = r.snapshot->span_s;
    if (complete(r) && b && s && *b > 0 && *s > 0) snapshots.push_back({*b / kMiB, *s});
  }
  if (const auto& v = run.verification) {
    for (const auto& a : v->attempts) {
      const auto b = a.max_bytes, w = a.achieved_window_s;
      if (!b || !w || *b <= 0 || *w <= 0) continue;
      const bool reached = a.reached;
      (reached ? verified : attempts).push_back({*b / kMiB, *w});
      if (reached)
        labels.push_back(fmt::format("set label {} at {},{} right offset -1.8,0.9 font ',9' tc rgb '#8e44ad'",
                                     quote(fmt::format("verified: {:g} s wanted, {:.3g} s held",
                                                       v->window_s.value_or(NAN), *w)),
                                     fmt_num(*b / kMiB), fmt_num(*w)));
    }
  }
  if (recommended.empty() && snapshots.empty() && attempts.empty() && verified.empty()) return std::nullopt;

  double lo = 1e300, hi = 0;
  for (const Rows* rows : {&recommended, &snapshots, &attempts, &verified})
    for (const auto& row : *rows) {
      lo = std::min(lo, row[0]);
      hi = std::max(hi, row[0]);
    }
  lo = std::pow(10, std::floor(std::log10(lo)));
  hi = std::pow(10, std::ceil(std::log10(hi)));
  if (hi <= lo) hi = lo * 10;

  std::vector<std::string> plot;
  plot.push_back(fmt::format("x * {} / {} with lines lw 2 lc rgb '#4c72b0' title {}", fmt_num(kMiB), fmt_num(*median_rate),
                             quote("at the median rate")));
  if (upper_rate && *upper_rate > *median_rate * 1.001)
    plot.push_back(fmt::format("x * {} / {} with lines lw 2 dt 2 lc rgb '#c44e52' title {}", fmt_num(kMiB),
                               fmt_num(*upper_rate), quote("at the highest rate")));
  auto add = [&](const char* name, Rows& rows, const std::string& style, const std::string& title) {
    if (rows.empty()) return;
    job.data[name] = rows;
    plot.push_back(fmt::format("DATA({}) using 1:2 with points {} title {}", name, style, quote(title)));
  };
  add("recommended", recommended, "pt 5 ps 1.2 lc rgb '#333333'", "recommended size");
  add("snapshots", snapshots, "pt 7 ps 0.7 lc rgb '#55a868'", "this run's snapshots (bytes held)");
  add("attempts", attempts, "pt 2 ps 1.4 lw 2 lc rgb '#c44e52'", "verification: short");
  add("verified", verified, "pt 13 ps 2.2 lc rgb '#8e44ad'", "verified");
  job.script = fmt::format(
      "set title {}\nset xlabel 'MaxBytes, or bytes a snapshot held (MiB)'\nset ylabel 'window retained (s)'\n"
      "set logscale xy\nset xrange [{}:{}]\nset format x '%g'\nset format y '%g'\n"
      "set grid xtics ytics lc rgb '#dddddd'\nset key top left\nset samples 200\n{}\n"
      "plot {}\n",
      quote(job.spec.title), fmt_num(lo), fmt_num(hi), fmt::join(labels, "\n"), fmt::join(plot, ", \\\n  "));
  return job;
}

std::vector<PlotJob> run_plot_jobs(const RunResultView& run) {
  std::vector<PlotJob> jobs;
  for (auto make : {latency_spectrum, rounds_throughput, rounds_cpu, trace_rate, trace_event_mix, flight_recorder}) {
    try {
      if (auto job = make(run)) jobs.push_back(std::move(*job));
    } catch (const std::exception&) {
      // A malformed corner of the result costs its plot, never the report.
    }
  }
  return jobs;
}

// ---- drawing ----

// Writes to gnuplot's pipe after it died (a script error makes it exit) must fail with EPIPE,
// not kill tracebench: SIGPIPE is blocked for this thread while gnuplot runs, and one raised
// meanwhile is consumed before the old mask returns.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlock() {
    const timespec zero{0, 0};
    while (sigtimedwait(&pipe_, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  sigset_t pipe_{}, old_{};
};

class TempDir {
 public:
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "tracebench-plots-XXXXXX").string();
    if (!::mkdtemp(templ.data())) throw std::runtime_error("cannot create a temporary directory for plot data");
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string first_error_line(const std::string& log) {
  std::istringstream in(log);
  std::string line, fallback;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t^") == std::string::npos) continue;
    if (line.find("rror") != std::string::npos) return line;
    if (fallback.empty()) fallback = line;
  }
  return fallback.empty() ? "no message" : fallback;
}

// gnuplot's SVG made fit to sit inline beside others: no XML prolog, ids prefixed with the
// plot's name (every gnuplot SVG defines gpPt0...), a title for screen readers.
std::string inline_svg(const std::string& svg, const std::string& name, const std::string& title) {
  const auto start = svg.find("<svg");
  if (start == std::string::npos) return {};
  std::string out = svg.substr(start);
  out = std::regex_replace(out, std::regex(R"((\sid=)(['"]))"), "$1$2" + name + "-");
  out = std::regex_replace(out, std::regex(R"((href=)(['"])#)"), "$1$2#" + name + "-");
  out = std::regex_replace(out, std::regex(R"(url\(#)"), "url(#" + name + "-");
  out = std::regex_replace(out, std::regex(R"(<title>[^<]*</title>)"), "<title>" + title + "</title>");
  out = std::regex_replace(out, std::regex(R"(<desc>[^<]*</desc>\s*)"), "");
  out.replace(0, 4, "<svg role=\"img\" aria-label=\"" + title + "\"");
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string escape_xml(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '&') out += "&amp;";
    else if (ch == '<') out += "&lt;";
    else if (ch == '>') out += "&gt;";
    else if (ch == '"') out += "&quot;";
    else out += ch;
  }
  return out;
}

std::string executable_on_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : std::string();
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t i = 0;
  while (i <= dirs.size()) {
    std::size_t j = dirs.find(':', i);
    if (j == std::string::npos) j = dirs.size();
    const std::string dir = dirs.substr(i, j - i);
    const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    i = j + 1;
  }
  return {};
}

// One plot: returns "" when drawn, else why not.
std::string draw(const PlotJob& job, const std::string& gnuplot, const fs::path& data_dir, const fs::path& out_dir) {
  const fs::path svg = out_dir / (job.spec.name + ".svg");
  const fs::path png = out_dir / (job.spec.name + ".png");
  const fs::path log = data_dir / (job.spec.name + ".log");
  std::error_code ec;
  fs::remove(svg, ec);
  fs::remove(png, ec);
  std::string script = job.script;
  {
    SigpipeBlock no_sigpipe;
    // "|| true": gnuplot exits non-zero after a script error, and gnuplot-iostream would
    // then print "pclose returned error"; the outcome is judged from the files and the log.
    Gnuplot gp(shell_quote(gnuplot) + " >" + shell_quote(log.string()) + " 2>&1 || true");
    for (const auto& [name, rows] : job.data) {
      const std::string file = gp.file1d(rows, (data_dir / (job.spec.name + "-" + name + ".dat")).string());
      const std::string token = "DATA(" + name + ")";
      for (std::size_t at = script.find(token); at != std::string::npos; at = script.find(token, at))
        script.replace(at, token.size(), file);
    }
    gp << "set encoding utf8\n"
       << "set terminal svg size 760,420 dynamic noenhanced font 'sans-serif,12' background '#ffffff'\n"
       << "set output " << quote(svg.string()) << "\n"
       << script << "set output\n"
       << "set terminal pngcairo size 960,530 noenhanced font 'sans,11' background '#ffffff'\n"
       << "set output " << quote(png.string()) << "\nreplot\nset output\nexit\n";
    gp.flush();
  }
  const bool svg_ok = fs::exists(svg, ec) && fs::file_size(svg, ec) > 200;
  const bool png_ok = fs::exists(png, ec) && fs::file_size(png, ec) > 200;
  if (svg_ok && png_ok) return {};
  return fmt::format("gnuplot said: {}", first_error_line(read_file(log)));
}

// A run result the typed reader refuses has no plots (the report refuses it too).
std::vector<PlotJob> run_plot_jobs(const json& result) {
  try {
    return run_plot_jobs(result::read_run_result(result));
  } catch (const result::FormatError&) {
    return {};
  }
}

// The jobs for whatever the document is: a run result, a sweep result; nothing otherwise.
std::vector<PlotJob> plot_jobs(const json& result) {
  switch (result::check_schema(result).kind) {
    case result::SchemaKind::kSweep: return detail::sweep_plot_jobs(result::read_sweep(result));
    case result::SchemaKind::kRun: return run_plot_jobs(result);
    default: return {};
  }
}

}  // namespace

std::vector<PlotSpec> run_plot_specs(const json& result) {
  std::vector<PlotSpec> specs;
  for (const auto& job : run_plot_jobs(result)) specs.push_back(job.spec);
  return specs;
}

std::vector<PlotSpec> run_plot_specs(const result::RunResultView& run) {
  std::vector<PlotSpec> specs;
  for (const auto& job : run_plot_jobs(run)) specs.push_back(job.spec);
  return specs;
}

std::vector<PlotSpec> sweep_plot_specs(const json& sweep) { return sweep_plot_specs(result::read_sweep(sweep)); }

std::vector<PlotSpec> sweep_plot_specs(const result::SweepView& sweep) {
  std::vector<PlotSpec> specs;
  for (const auto& job : detail::sweep_plot_jobs(sweep)) specs.push_back(job.spec);
  return specs;
}

std::vector<PlotSpec> plot_specs(const json& result) {
  std::vector<PlotSpec> specs;
  for (const auto& job : plot_jobs(result)) specs.push_back(job.spec);
  return specs;
}

std::string find_gnuplot(const std::string& configured) {
  std::string want = configured;
  if (want.empty())
    if (const char* env = std::getenv("TRACEBENCH_GNUPLOT"); env && *env) want = env;
  if (want.empty()) want = "gnuplot";
  return executable_on_path(want);
}

PlotOutcome draw_plots(const json& result, const std::string& dir, const PlotOptions& options) {
  PlotOutcome outcome;
  const std::vector<PlotJob> jobs = plot_jobs(result);
  if (jobs.empty()) return outcome;
  const std::string gnuplot = find_gnuplot(options.gnuplot);
  if (gnuplot.empty()) {
    outcome.plots.missing_reason = "gnuplot is not installed (the Debian package gnuplot-nox provides it)";
    outcome.warnings.push_back(
        "plots not drawn: gnuplot was not found (install the Debian package gnuplot-nox; scripts/setup.sh does); "
        "the text, Markdown and HTML reports are complete without them");
    return outcome;
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create the plot directory '{}': {}", dir, ec.message()));
  TempDir data;
  std::vector<std::string> failed;
  for (const auto& job : jobs) {
    std::string why;
    try {
      why = draw(job, gnuplot, data.path(), dir);
    } catch (const std::exception& e) {
      why = e.what();
    }
    if (!why.empty()) {
      outcome.warnings.push_back(fmt::format("plot {} not drawn: {}", job.spec.name, why));
      failed.push_back(job.spec.name);
      continue;
    }
    PlotImage img;
    img.svg = inline_svg(read_file(fs::path(dir) / (job.spec.name + ".svg")), job.spec.name, escape_xml(job.spec.title));
    img.png_path = options.png_link_prefix + job.spec.name + ".png";
    outcome.plots.images[job.spec.name] = img;
  }
  if (outcome.plots.images.empty())
    outcome.plots.missing_reason = "gnuplot failed: " + (outcome.warnings.empty() ? "" : outcome.warnings.front());
  else if (!failed.empty())
    outcome.plots.missing_reason = "gnuplot failed on this plot (see the warnings)";
  return outcome;
}

}  // namespace tracebench::reports
