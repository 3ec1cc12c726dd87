// HTML report structure (the in-browser drawing check lives in tests/report_html_test.cc).
#include "report/html_report.h"

#include <gtest/gtest.h>

#include "report/sample_result_testing.h"
#include "report/svg_charts.h"

namespace cratio::report {
namespace {

using testing::SampleResult;

size_t Count(const std::string& s, const std::string& part) {
  size_t n = 0;
  for (size_t p = s.find(part); p != std::string::npos; p = s.find(part, p + 1)) ++n;
  return n;
}

TEST(HtmlReport, SelfContainedWithAllCharts) {
  const std::string h = RenderHtml(SampleResult(), Lang::kEn);
  EXPECT_EQ(h.rfind("<!DOCTYPE html>", 0), 0u);
  // No external resource: no src= / href= / url( / @import, no http(s) except the SVG
  // namespace identifier.
  EXPECT_EQ(Count(h, "src="), 0u);
  EXPECT_EQ(Count(h, "href="), 0u);
  EXPECT_EQ(Count(h, "url("), 0u);
  EXPECT_EQ(Count(h, "@import"), 0u);
  EXPECT_EQ(Count(h, "http"), Count(h, "xmlns=\"http://www.w3.org/2000/svg\""));
  for (const char* chart : {"size-retention", "latency", "task-retention", "layer-error"}) {
    EXPECT_EQ(Count(h, std::string("data-chart=\"") + chart + "\""), 1u) << chart;
  }
  // Size vs retention: base + 3 variants as circles; the front (base, int8, int4) a path.
  EXPECT_EQ(Count(h, "<circle class=\"point"), 4u);
  EXPECT_EQ(Count(h, "<circle class=\"point on-front\""), 3u);
  EXPECT_EQ(Count(h, "class=\"pareto-front\""), 1u);
  // Task retention: 2 tasks × 3 variants bars with CI whiskers; 4 layer-error bars.
  EXPECT_EQ(Count(h, "<path class=\"ci-whisker\""), 6u);
  EXPECT_EQ(Count(h, "<rect class=\"box\""), 4u);  // latency: base + 3 variants
  EXPECT_NE(h.find("<td>int8</td><td>q8_0</td><td>0.266</td><td>3.76×</td>"), std::string::npos)
      << h.substr(0, 4000);
  EXPECT_NE(h.find("id=\"cratio-chart-check\""), std::string::npos);
}

TEST(HtmlReport, EscapesNamesAndTranslates) {
  EvalResult r = SampleResult();
  r.variants[0].model.name = "<b>int8</b>";
  const std::string h = RenderHtml(r, Lang::kZh);
  EXPECT_EQ(h.find("<b>int8</b>"), std::string::npos);
  EXPECT_NE(h.find("&lt;b&gt;int8&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(h.find("<html lang=\"zh\">"), std::string::npos);
  EXPECT_NE(h.find("大小与保持率（帕累托前沿）"), std::string::npos);
  EXPECT_EQ(HtmlEscape("a&\"'"), "a&amp;&quot;&#39;");
}

TEST(HtmlReport, ChartsOmittedWhenNothingToDraw) {
  EvalResult r = SampleResult();
  for (VariantResult& v : r.variants) v.layer_errors.clear();
  EXPECT_EQ(LayerErrorChart(r, LabelsFor(Lang::kEn)), "");
  r.variants.clear();
  EXPECT_EQ(SizeRetentionChart(r, LabelsFor(Lang::kEn)), "");
  EXPECT_EQ(LatencyChart(r, LabelsFor(Lang::kEn)), "");
}

}  // namespace
}  // namespace cratio::report
