// SVG chart drawing: a linear scale, axes with ticks, and the four charts.
#include "report/svg_charts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "report/format.h"

namespace cratio::report {
namespace {

constexpr const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                    "#ff7f0e", "#17becf", "#8c564b", "#e377c2"};
constexpr const char* kBaseColor = "#444444";

const char* Color(size_t i) { return kPalette[i % (sizeof(kPalette) / sizeof(kPalette[0]))]; }

// Maps [d0, d1] onto [r0, r1].
struct Scale {
  double d0, d1, r0, r1;
  double operator()(double v) const {
    if (d1 == d0) return (r0 + r1) / 2;
    return r0 + (v - d0) / (d1 - d0) * (r1 - r0);
  }
};

// Widens [lo, hi] by 5 % on each side (and to a unit span when empty).
void Pad(double* lo, double* hi) {
  if (!(*hi > *lo)) {
    *lo -= 0.5;
    *hi += 0.5;
    return;
  }
  const double pad = 0.05 * (*hi - *lo);
  *lo -= pad;
  *hi += pad;
}

struct Frame {
  double width = 640, height = 360;
  double left = 64, right = 20, top = 34, bottom = 48;
  double x0() const { return left; }
  double x1() const { return width - right; }
  double y0() const { return height - bottom; }  // bottom edge (SVG y grows down)
  double y1() const { return top; }
};

std::string Open(const char* name, const Frame& f, std::string_view title) {
  return fmt::format(
      "<svg class=\"chart\" data-chart=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" "
      "width=\"{:.0f}\" height=\"{:.0f}\" viewBox=\"0 0 {:.0f} {:.0f}\" role=\"img\">"
      "<title>{}</title><text class=\"chart-title\" x=\"{:.1f}\" y=\"18\">{}</text>\n",
      name, f.width, f.height, f.width, f.height, HtmlEscape(title), f.left,
      HtmlEscape(title));
}

// Axis lines, 5 ticks with labels on each scaled axis, and axis titles.
std::string Axes(const Frame& f, const Scale& x, const Scale* y, std::string_view x_title,
                 std::string_view y_title, double x_tick_scale = 1.0, int x_decimals = 2,
                 double y_tick_scale = 1.0, int y_decimals = 2) {
  std::string s = fmt::format(
      "<line class=\"axis\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>"
      "<line class=\"axis\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>\n",
      f.x0(), f.y0(), f.x1(), f.y0(), f.x0(), f.y0(), f.x0(), f.y1());
  for (int i = 0; i <= 4; ++i) {
    const double v = x.d0 + (x.d1 - x.d0) * i / 4.0;
    s += fmt::format(
        "<line class=\"tick\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>"
        "<text class=\"tick-label\" x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}</text>\n",
        x(v), f.y0(), f.y0() + 4, f.y0() + 16, FormatFixed(v * x_tick_scale, x_decimals));
    if (y) {
      const double w = y->d0 + (y->d1 - y->d0) * i / 4.0;
      s += fmt::format(
          "<line class=\"tick\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\"/>"
          "<text class=\"tick-label\" x=\"{3:.1f}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>\n",
          f.x0() - 4, (*y)(w), f.x0(), f.x0() - 6, (*y)(w) + 4,
          FormatFixed(w * y_tick_scale, y_decimals));
    }
  }
  s += fmt::format(
      "<text class=\"axis-title\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n",
      (f.x0() + f.x1()) / 2, f.height - 8, HtmlEscape(x_title));
  if (!y_title.empty()) {
    s += fmt::format(
        "<text class=\"axis-title\" transform=\"translate(14,{:.1f}) rotate(-90)\" "
        "text-anchor=\"middle\">{}</text>\n",
        (f.y0() + f.y1()) / 2, HtmlEscape(y_title));
  }
  return s;
}

double FileRatio(const VariantResult& v) {
  for (const compare::DimensionRatio& d : v.ratios) {
    if (d.dimension == compare::SizeDimension::kFileBytes) return d.ratio;
  }
  return compare::kNaN;
}

}  // namespace

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string SizeRetentionChart(const EvalResult& r, const Labels& l) {
  struct P {
    std::string name;
    double size, retention;
    bool front;
    const char* color;
  };
  std::vector<P> pts = {{std::string(l.base_label), 1.0, 1.0, r.verdict.base_on_pareto_front,
                         kBaseColor}};
  for (size_t i = 0; i < r.variants.size(); ++i) {
    const VariantResult& v = r.variants[i];
    const double size = FileRatio(v);
    if (std::isnan(size) || !v.overall_retention.known()) continue;
    pts.push_back({v.model.name, size, v.overall_retention.value, v.on_pareto_front, Color(i)});
  }
  if (pts.size() < 2) return "";
  double x_lo = 0.0, x_hi = 0.0, y_lo = pts[0].retention, y_hi = pts[0].retention;
  for (const P& p : pts) {
    x_hi = std::max(x_hi, p.size);
    y_lo = std::min(y_lo, p.retention);
    y_hi = std::max(y_hi, p.retention);
  }
  x_hi *= 1.08;
  Pad(&y_lo, &y_hi);
  const Frame f;
  const Scale x{x_lo, x_hi, f.x0(), f.x1()};
  const Scale y{y_lo, y_hi, f.y0(), f.y1()};
  std::string s = Open("size-retention", f, l.size_vs_retention);
  s += Axes(f, x, &y, fmt::format("{} ({})", l.file_size, l.ratio),
            fmt::format("{} (%)", l.overall_retention), 1.0, 2, 100.0, 1);
  std::vector<P> front;
  for (const P& p : pts) {
    if (p.front) front.push_back(p);
  }
  std::sort(front.begin(), front.end(), [](const P& a, const P& b) { return a.size < b.size; });
  if (front.size() >= 2) {
    std::string d;
    for (size_t i = 0; i < front.size(); ++i) {
      d += fmt::format("{}{:.1f},{:.1f} ", i == 0 ? "M" : "L", x(front[i].size), y(front[i].retention));
    }
    s += fmt::format("<path class=\"pareto-front\" d=\"{}\" fill=\"none\" stroke=\"#555\" "
                     "stroke-width=\"1.5\" stroke-dasharray=\"5,3\"/>\n",
                     d);
  }
  for (const P& p : pts) {
    s += fmt::format(
        "<circle class=\"point{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"6\" fill=\"{}\"><title>{}: "
        "{} {:.3f}, {} {:.1f} %</title></circle>"
        "<text class=\"point-label\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n",
        p.front ? " on-front" : "", x(p.size), y(p.retention), p.color, HtmlEscape(p.name),
        l.ratio, p.size, l.retention, 100.0 * p.retention, x(p.size) + 9, y(p.retention) - 8,
        HtmlEscape(p.name));
  }
  return s + "</svg>\n";
}

std::string LatencyChart(const EvalResult& r, const Labels& l) {
  struct Row {
    std::string name;
    LatencySummary s;
    const char* color;
  };
  std::vector<Row> rows;
  for (size_t i = 0; i < r.variants.size(); ++i) {
    const VariantResult& v = r.variants[i];
    if (v.scenarios.empty()) continue;
    if (rows.empty()) rows.push_back({std::string(l.base_label), v.scenarios[0].base, kBaseColor});
    rows.push_back({v.model.name, v.scenarios[0].variant, Color(i)});
  }
  double hi = 0.0;
  for (const Row& row : rows) {
    for (double v : {row.s.latency_p50_ms, row.s.latency_p90_ms, row.s.latency_p99_ms}) {
      if (std::isfinite(v)) hi = std::max(hi, v);
    }
  }
  if (rows.empty() || !(hi > 0)) return "";
  Frame f;
  f.left = 96;
  f.height = 60 + 34.0 * rows.size() + 20;
  const Scale x{0.0, hi * 1.08, f.x0(), f.x1()};
  std::string scenario;
  for (const VariantResult& v : r.variants) {
    if (!v.scenarios.empty()) {
      scenario = v.scenarios[0].scenario;
      break;
    }
  }
  std::string s = Open("latency", f, fmt::format("{} — {}", l.latency_distribution, scenario));
  s += Axes(f, x, nullptr, fmt::format("{} (ms)", l.latency), "", 1.0, 1);
  for (size_t i = 0; i < rows.size(); ++i) {
    const LatencySummary& q = rows[i].s;
    const double cy = f.top + 24 + 34.0 * i;
    s += fmt::format("<text class=\"row-label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
                     f.x0() - 8, cy + 4, HtmlEscape(rows[i].name));
    if (!std::isfinite(q.latency_p50_ms)) continue;
    const double p90 = std::isfinite(q.latency_p90_ms) ? q.latency_p90_ms : q.latency_p50_ms;
    const double p99 = std::isfinite(q.latency_p99_ms) ? q.latency_p99_ms : p90;
    s += fmt::format(
        "<line class=\"whisker\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" "
        "stroke=\"{}\" stroke-width=\"2\"/>\n",
        x(p90), cy, x(p99), cy, rows[i].color);
    s += fmt::format(
        "<rect class=\"box\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"16\" fill=\"{}\" "
        "fill-opacity=\"0.35\" stroke=\"{}\"><title>{}: P50 {:.2f} ms, P90 {:.2f} ms, P99 "
        "{:.2f} ms</title></rect>\n",
        x(q.latency_p50_ms), cy - 8, std::max(2.0, x(p90) - x(q.latency_p50_ms)), rows[i].color,
        rows[i].color, HtmlEscape(rows[i].name), q.latency_p50_ms, p90, p99);
    s += fmt::format(
        "<line class=\"median\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" "
        "stroke=\"#000\" stroke-width=\"2\"/><line class=\"whisker-cap\" x1=\"{3:.1f}\" "
        "y1=\"{4:.1f}\" x2=\"{3:.1f}\" y2=\"{5:.1f}\" stroke=\"{6}\" stroke-width=\"2\"/>\n",
        x(q.latency_p50_ms), cy - 9, cy + 9, x(p99), cy - 5, cy + 5, rows[i].color);
  }
  return s + "</svg>\n";
}

std::string TaskRetentionChart(const EvalResult& r, const Labels& l) {
  std::vector<std::string> tasks;
  for (const VariantResult& v : r.variants) {
    for (const TaskQuality& t : v.tasks) {
      if (std::find(tasks.begin(), tasks.end(), t.task) == tasks.end()) tasks.push_back(t.task);
    }
  }
  if (tasks.empty() || r.variants.empty()) return "";
  double lo = 1.0, hi = 1.0;
  for (const VariantResult& v : r.variants) {
    for (const TaskQuality& t : v.tasks) {
      for (double x : {t.retention.value, t.retention.ci_low, t.retention.ci_high}) {
        if (std::isfinite(x)) {
          lo = std::min(lo, x);
          hi = std::max(hi, x);
        }
      }
    }
  }
  lo = std::min(0.0, lo);
  hi *= 1.05;
  Frame f;
  f.bottom = 64;
  const Scale y{lo, hi, f.y0(), f.y1()};
  const double group_w = (f.x1() - f.x0()) / tasks.size();
  const double bar_w = std::min(40.0, 0.8 * group_w / r.variants.size());
  std::string s = Open("task-retention", f, l.task_retention);
  s += fmt::format(
      "<line class=\"axis\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\"/>"
      "<line class=\"axis\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{3:.1f}\"/>\n",
      f.x0(), f.y0(), f.x1(), f.y1());
  for (int i = 0; i <= 4; ++i) {
    const double w = lo + (hi - lo) * i / 4.0;
    s += fmt::format(
        "<text class=\"tick-label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
        f.x0() - 6, y(w) + 4, FormatFixed(100.0 * w, 0));
  }
  s += fmt::format(
      "<line class=\"reference\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" "
      "stroke=\"#888\" stroke-dasharray=\"4,3\"/>\n",
      f.x0(), y(1.0), f.x1(), y(1.0));
  for (size_t ti = 0; ti < tasks.size(); ++ti) {
    const double gx = f.x0() + group_w * ti + (group_w - bar_w * r.variants.size()) / 2;
    s += fmt::format("<text class=\"tick-label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n",
                     f.x0() + group_w * (ti + 0.5), f.y0() + 16, HtmlEscape(tasks[ti]));
    for (size_t vi = 0; vi < r.variants.size(); ++vi) {
      const VariantResult& v = r.variants[vi];
      const auto it = std::find_if(v.tasks.begin(), v.tasks.end(),
                                   [&](const TaskQuality& t) { return t.task == tasks[ti]; });
      if (it == v.tasks.end() || !it->retention.known()) continue;
      const Estimate& e = it->retention;
      const double bx = gx + bar_w * vi;
      const double top = y(std::max(e.value, lo)), base = y(std::max(0.0, lo));
      s += fmt::format(
          "<rect class=\"bar\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
          "fill=\"{}\"><title>{} / {}: {} {}</title></rect>\n",
          bx + 1, std::min(top, base), bar_w - 2, std::fabs(base - top), Color(vi),
          HtmlEscape(v.model.name), HtmlEscape(tasks[ti]), FormatPercent(e.value),
          FormatInterval(e, 1, 100.0));
      if (e.has_ci()) {
        const double cx = bx + bar_w / 2;
        s += fmt::format(
            "<path class=\"ci-whisker\" d=\"M{0:.1f},{1:.1f} L{0:.1f},{2:.1f} M{3:.1f},{1:.1f} "
            "L{4:.1f},{1:.1f} M{3:.1f},{2:.1f} L{4:.1f},{2:.1f}\" stroke=\"#000\" "
            "stroke-width=\"1.2\" fill=\"none\"/>\n",
            cx, y(e.ci_low), y(e.ci_high), cx - 4, cx + 4);
      }
    }
  }
  // Legend.
  for (size_t vi = 0; vi < r.variants.size(); ++vi) {
    const double lx = f.x0() + 110.0 * vi;
    s += fmt::format(
        "<rect class=\"legend\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"10\" height=\"10\" fill=\"{}\"/>"
        "<text class=\"legend-label\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n",
        lx, f.height - 22, Color(vi), lx + 14, f.height - 13, HtmlEscape(r.variants[vi].model.name));
  }
  return s + "</svg>\n";
}

std::string LayerErrorChart(const EvalResult& r, const Labels& l) {
  size_t rows = 0;
  double hi = 0.0;
  for (const VariantResult& v : r.variants) {
    for (const LayerError& e : v.layer_errors) {
      ++rows;
      if (std::isfinite(e.relative_error)) hi = std::max(hi, e.relative_error);
    }
  }
  if (rows == 0 || !(hi > 0)) return "";
  Frame f;
  f.left = 250;
  f.height = 60 + 20.0 * rows + 20;
  const Scale x{0.0, hi * 1.1, f.x0(), f.x1()};
  std::string s = Open("layer-error", f, l.layer_error);
  s += Axes(f, x, nullptr, l.layer_error, "", 1.0, 3);
  size_t row = 0;
  for (size_t vi = 0; vi < r.variants.size(); ++vi) {
    const VariantResult& v = r.variants[vi];
    for (const LayerError& e : v.layer_errors) {
      const double cy = f.top + 14 + 20.0 * row++;
      s += fmt::format(
          "<text class=\"row-label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{} · {}</text>\n",
          f.x0() - 6, cy + 4, HtmlEscape(v.model.name), HtmlEscape(e.tensor));
      if (!std::isfinite(e.relative_error)) continue;
      s += fmt::format(
          "<rect class=\"bar\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"14\" "
          "fill=\"{}\"><title>{}: {:.4f}</title></rect>\n",
          f.x0(), cy - 7, std::max(1.0, x(e.relative_error) - f.x0()), Color(vi),
          HtmlEscape(e.tensor), e.relative_error);
    }
  }
  return s + "</svg>\n";
}

}  // namespace cratio::report
