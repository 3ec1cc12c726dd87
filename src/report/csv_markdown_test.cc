// CSV (parses back, long format, values) and Markdown (tables, values, Chinese labels).
#include <gtest/gtest.h>

#include <sstream>

#include "report/csv_report.h"
#include "report/markdown_report.h"
#include "report/metrics.h"
#include "report/sample_result_testing.h"

namespace cratio::report {
namespace {

using testing::SampleResult;

// A minimal RFC 4180 reader for the test: fields, quotes, doubled quotes.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
    } else if (c == '\n') {
      rows.back().push_back(field);
      field.clear();
      rows.emplace_back();
    } else {
      field += c;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

TEST(CsvReport, LongFormatParsesBackWithValues) {
  EvalResult r = SampleResult();
  r.variants[0].model.name = "int8, \"fast\"";  // needs quoting
  const std::string csv = RenderCsv(r);
  const auto rows = ParseCsv(csv);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], (std::vector<std::string>{"variant", "metric", "value", "ci_low", "ci_high",
                                               "unit"}));
  // One row per variant × metric + one per constraint + the Pareto row.
  size_t expected = 1;
  for (const VariantResult& v : r.variants) {
    expected += VariantMetrics(v).size() + v.constraints.size() + 1;
  }
  EXPECT_EQ(rows.size(), expected);
  bool saw_retention = false, saw_require = false, saw_ttft = false;
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), 6u);
    if (row[0] == "int8, \"fast\"" && row[1] == "retention.mmlu") {
      saw_retention = true;
      EXPECT_DOUBLE_EQ(std::stod(row[2]), 0.99);
      EXPECT_DOUBLE_EQ(std::stod(row[3]), 0.975);
      EXPECT_DOUBLE_EQ(std::stod(row[4]), 1.005);
      EXPECT_EQ(row[5], "fraction");
    }
    if (row[0] == "int4" && row[1] == "latency.ttft_p99_ms") {
      saw_ttft = true;
      EXPECT_DOUBLE_EQ(std::stod(row[2]), 300);
      EXPECT_EQ(row[3], "");  // no interval
      EXPECT_EQ(row[5], "ms");
    }
    if (row[0] == "int4" && row[1] == "require:retention.mmlu>=0.98") {
      saw_require = true;
      EXPECT_EQ(row[2], "0");  // 0.96 < 0.98
    }
  }
  EXPECT_TRUE(saw_retention);
  EXPECT_TRUE(saw_ttft);
  EXPECT_TRUE(saw_require);
}

TEST(MarkdownReport, TablesCarryTheValues) {
  const std::string md = RenderMarkdown(SampleResult(), Lang::kEn);
  EXPECT_NE(md.find("# cratio evaluation report\n"), std::string::npos);
  EXPECT_NE(md.find("| Variant | recipe | File size ratio |"), std::string::npos) << md;
  // int8: size 0.266; retention 99.5 %; speedup 2.00 [1.90, 2.10]; score 2.28; passes.
  EXPECT_NE(md.find("| int8 | q8_0 | 0.266 | 99.5 % [98.2, 100.8] | 2.00 [1.90, 2.10] | 2.28 "),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| File size | 3.81 MiB | 1.01 MiB | 0.266 | 3.76× |"), std::string::npos) << md;
  EXPECT_NE(md.find("- ✓ `retention.mmlu ≥ 0.98`: value 0.99, 95 % CI bound 0.975, margin +0.01"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("- ✗ `retention.mmlu ≥ 0.98`: value 0.96"), std::string::npos) << md;
  EXPECT_NE(md.find("**Best variant passing all requirements: int8**"), std::string::npos);
  const std::string zh = RenderMarkdown(SampleResult(), Lang::kZh);
  EXPECT_NE(zh.find("### 压缩比"), std::string::npos) << zh;
  EXPECT_NE(zh.find("### 总体结论"), std::string::npos) << zh;
  EXPECT_EQ(zh.find("Compression ratios"), std::string::npos);
}

}  // namespace
}  // namespace cratio::report
