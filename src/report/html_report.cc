// HTML renderer: overview table, charts, verdicts, and the full text report per variant.
#include "report/html_report.h"

#include <fmt/format.h>

#include <cmath>

#include "report/format.h"
#include "report/svg_charts.h"
#include "report/text_report.h"

namespace cratio::report {
namespace {

constexpr const char* kCss = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", sans-serif;
       margin: 2em auto; max-width: 1000px; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f3f3f3; }
.pass { color: #1a7f37; } .fail { color: #cf222e; }
.meta { color: #555; font-size: 0.92em; }
svg.chart { display: block; margin: 1em 0; background: #fcfcfc; border: 1px solid #eee; }
svg .axis { stroke: #333; } svg .tick { stroke: #333; }
svg text { font-size: 11px; fill: #333; } svg .chart-title { font-size: 13px; font-weight: bold; }
svg .axis-title { font-size: 12px; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
#cratio-chart-check { display: none; }
)";

// Measures every chart after layout: per chart the number of shapes of each kind whose
// bounding box is not empty, and the chart's own drawn extent.
constexpr const char* kCheckScript = R"(
(function () {
  var out = { charts: [] };
  var svgs = document.querySelectorAll('svg.chart');
  for (var i = 0; i < svgs.length; ++i) {
    var svg = svgs[i];
    var b = svg.getBBox();
    var c = { name: svg.getAttribute('data-chart'), width: Math.round(b.width),
              height: Math.round(b.height), circle: 0, rect: 0, path: 0, line: 0, text: 0 };
    var kinds = ['circle', 'rect', 'path', 'line', 'text'];
    for (var k = 0; k < kinds.length; ++k) {
      var els = svg.querySelectorAll(kinds[k]);
      for (var j = 0; j < els.length; ++j) {
        var bb = els[j].getBBox();
        if (bb.width > 0 || bb.height > 0) c[kinds[k]]++;
      }
    }
    out.charts.push(c);
  }
  document.getElementById('cratio-chart-check').textContent = JSON.stringify(out);
})();
)";

std::string WithCi(const Estimate& e, int decimals, double scale = 1.0) {
  std::string s = FormatFixed(e.value * scale, decimals);
  if (e.has_ci()) s += " " + FormatInterval(e, decimals, scale);
  return s;
}

std::string PassCell(bool ok) {
  return ok ? "<td class=\"pass\">✓</td>" : "<td class=\"fail\">✗</td>";
}

}  // namespace

std::string RenderHtml(const EvalResult& r, Lang lang) {
  const Labels& l = LabelsFor(lang);
  std::string h = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{} — {}</title>\n<style>{}</style>\n</head>\n<body>\n",
      lang == Lang::kZh ? "zh" : "en", HtmlEscape(l.title), HtmlEscape(r.base.name), kCss);
  h += fmt::format("<h1>{}</h1>\n", HtmlEscape(l.title));
  h += fmt::format(
      "<p class=\"meta\">{}: <b>{}</b> ({} {}, {}, sha256 <code>{}</code>)<br>{}: {}, {} {}, {} "
      "{}, {}<br>{}: {} · {}: <code>{}</code></p>\n",
      l.base_model, HtmlEscape(r.base.name), FormatCount(r.base.accounting.params_total),
      l.parameters, FormatBytes(r.base.accounting.file_bytes), HtmlEscape(r.base.sha256.substr(0, 16)),
      l.environment, HtmlEscape(r.environment.cpu_model), HtmlEscape(r.environment.kernel_isa),
      l.kernels, r.environment.num_threads, l.threads, HtmlEscape(r.environment.os), l.run,
      HtmlEscape(r.run.started_at_utc), l.requirements,
      HtmlEscape(r.verdict.requirements.empty() ? std::string(l.none) : r.verdict.requirements));

  h += fmt::format("<h2>{}</h2>\n<table class=\"overview\">\n<tr><th>{}</th><th>{}</th><th>{} "
                   "{}</th><th>{} {}</th><th>{} (%)</th><th>{}</th><th>{}</th><th>{}</th>",
                   l.overview, l.variant, l.recipe, l.file_size, l.ratio, l.file_size, l.factor,
                   l.overall_retention, l.speedup, l.overall_score, l.pareto_front);
  if (!r.verdict.requirements.empty()) h += fmt::format("<th>{}</th>", l.requirements);
  h += "</tr>\n";
  for (const VariantResult& v : r.variants) {
    double ratio = compare::kNaN, factor = compare::kNaN;
    for (const compare::DimensionRatio& d : v.ratios) {
      if (d.dimension == compare::SizeDimension::kFileBytes) {
        ratio = d.ratio;
        factor = d.factor;
      }
    }
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
        HtmlEscape(v.model.name), HtmlEscape(v.model.recipe), FormatFixed(ratio, 3),
        std::isnan(factor) ? std::string(kMissing) : FormatFixed(factor, 2) + "×",
        WithCi(v.overall_retention, 1, 100.0),
        v.scenarios.empty() ? std::string(kMissing) : WithCi(v.scenarios[0].speedup, 2),
        WithCi(v.overall_score, 2), v.on_pareto_front ? l.yes : l.no);
    if (!r.verdict.requirements.empty()) h += PassCell(v.passes_all_constraints);
    h += "</tr>\n";
  }
  h += "</table>\n";
  if (!r.verdict.best_variant.empty()) {
    h += fmt::format("<p class=\"pass\"><b>✓ {}: {}</b></p>\n",
                     r.verdict.requirements.empty() ? l.highest_score : l.best_variant,
                     HtmlEscape(r.verdict.best_variant));
  } else {
    h += fmt::format("<p class=\"fail\"><b>✗ {}</b></p>\n", l.no_variant_passes);
  }

  h += SizeRetentionChart(r, l);
  h += LatencyChart(r, l);
  h += TaskRetentionChart(r, l);
  h += LayerErrorChart(r, l);

  for (const VariantResult& v : r.variants) {
    h += fmt::format("<h2>{} {}</h2>\n", l.variant, HtmlEscape(v.model.name));
    if (!v.constraints.empty()) {
      h += fmt::format("<table class=\"verdict\"><tr><th>{}</th><th></th><th>{}</th><th>{}</th>"
                       "<th>{}</th></tr>\n",
                       l.requirements, l.value, l.ci_bound, l.margin);
      for (const compare::ConstraintCheck& c : v.constraints) {
        const compare::Constraint& k = c.constraint;
        h += fmt::format("<tr><td><code>{} {} {}</code></td>{}<td>{}</td><td>{}</td><td>{}</td></tr>\n",
                         HtmlEscape(k.metric), compare::CompareOpSymbol(k.op),
                         FormatShort(k.threshold), PassCell(c.pass),
                         c.measured ? FormatShort(c.value) : std::string(l.not_measured),
                         FormatShort(c.bound), FormatShortSigned(c.margin));
      }
      h += "</table>\n";
    }
  }
  // The complete figures, in the same tree as the text report.
  h += fmt::format("<h2>{}</h2>\n<pre>{}</pre>\n", l.summary, HtmlEscape(RenderText(r, lang)));
  h += "<pre id=\"cratio-chart-check\"></pre>\n";
  h += fmt::format("<script>{}</script>\n</body>\n</html>\n", kCheckScript);
  return h;
}

}  // namespace cratio::report
