// The text report: tree layout, values from the sample result, both languages.
#include "report/text_report.h"

#include <gtest/gtest.h>

#include <cstring>

#include "report/format.h"
#include "report/sample_result_testing.h"

namespace cratio::report {
namespace {

using testing::SampleResult;

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(TextReport, EnglishTreeHasSectionsAndVerdictLines) {
  const std::string t = RenderText(SampleResult(), Lang::kEn);
  EXPECT_TRUE(Contains(t, "Variant int8  (recipe q8_0)\n")) << t;
  EXPECT_TRUE(Contains(t, "├─ Compression ratios")) << t;
  EXPECT_TRUE(Contains(t, "├─ Performance retention")) << t;
  EXPECT_TRUE(Contains(t, "├─ Inference efficiency")) << t;
  EXPECT_TRUE(Contains(t, "└─ Overall verdict")) << t;
  // 4e6 B = 3.81 MiB → 1062500 B = 1.01 MiB; ratio 0.266, factor 3.76×.
  EXPECT_TRUE(Contains(t, "3.81 MiB → 1.01 MiB")) << t;
  EXPECT_TRUE(Contains(t, "ratio 0.266  factor 3.76×")) << t;
  // Retention 99.0 % [97.5, 100.5]; overall (0.99 + 1.00) / 2 = 99.5 % [98.3, 100.8]
  // (0.9825 and 1.0075 rounded).
  EXPECT_TRUE(Contains(t, "retention 99.0 % [97.5, 100.5]")) << t;
  EXPECT_TRUE(Contains(t, "Overall retention  99.5 % [98.2, 100.8]") ||
              Contains(t, "Overall retention  99.5 % [98.3, 100.8]"))
      << t;
  EXPECT_TRUE(Contains(t, "worst slice: astronomy 95.0 %")) << t;
  // Constraint lines computed from the values: 0.99 vs 0.98, CI low 0.975.
  EXPECT_TRUE(Contains(t, "   ├─ ✓ retention.mmlu ≥ 0.98  value 0.99, 95 % CI bound 0.975, "
                          "margin +0.01"))
      << t;
  EXPECT_TRUE(Contains(t, "✓ latency.ttft_p99_ms ≤ 500  value 400, margin +100")) << t;
  EXPECT_TRUE(Contains(t, "✗ retention.mmlu ≥ 0.98  value 0.96")) << t;
  EXPECT_TRUE(Contains(t, "✗ memory.peak_mb ≤ 6  value 8")) << t;
  EXPECT_TRUE(Contains(t, "✗ slower in: batch 8")) << t;
  EXPECT_TRUE(Contains(t, "energy unavailable: no RAPL counters")) << t;
  EXPECT_TRUE(Contains(t, "speedup 2.00× [1.90, 2.10]")) << t;
  // Fake-compression: 1062500 B on disk vs 8.5 · 1e6 / 8 = 1062500 claimed, +0.0 %.
  EXPECT_TRUE(Contains(t, "✓ Fake-compression check: 1.01 MiB on disk / 1.01 MiB claimed (+0.0 %"))
      << t;
  EXPECT_TRUE(Contains(t, "✓ Calibration overlap: 0/150")) << t;
  EXPECT_TRUE(Contains(t, "Pareto front: base, int8, int4\n")) << t;
  EXPECT_TRUE(Contains(t, "✓ Best variant passing all requirements: int8 (Overall score 2.28)"))
      << t;
}

TEST(TextReport, ChineseUsesTranslatedLabels) {
  const std::string t = RenderText(SampleResult(), Lang::kZh);
  for (const char* label : {"cratio 评估报告", "├─ 压缩比", "├─ 性能保持率", "├─ 推理效率",
                            "└─ 总体结论", "基准模型", "文件大小", "保持率 99.0 %", "加速比",
                            "帕累托前沿", "满足全部要求的最佳变体: int8"}) {
    EXPECT_TRUE(Contains(t, label)) << label << "\n" << t;
  }
  EXPECT_TRUE(Contains(t, "✓ retention.mmlu ≥ 0.98  数值 0.99")) << t;
  EXPECT_FALSE(Contains(t, "Compression ratios")) << t;
  EXPECT_FALSE(Contains(t, "Performance retention")) << t;
}

TEST(TextReport, NoPassingVariantSaysSo) {
  EvalResult r = SampleResult();
  auto cs = compare::ParseConstraints("retention.mmlu>=0.999");
  (void)FinalizeComparisons(&r, cs.value(), "retention.mmlu>=0.999");
  const std::string t = RenderText(r, Lang::kEn);
  EXPECT_TRUE(Contains(t, "└─ ✗ No variant passes all requirements")) << t;
}

TEST(Labels, EveryFieldFilledInBothLanguages) {
  // Labels holds only string_views: view it as an array and check none is empty.
  constexpr size_t kNum = sizeof(Labels) / sizeof(std::string_view);
  for (Lang lang : {Lang::kEn, Lang::kZh}) {
    std::string_view fields[kNum];
    std::memcpy(static_cast<void*>(fields), &LabelsFor(lang), sizeof(Labels));
    for (size_t i = 0; i < kNum; ++i) EXPECT_FALSE(fields[i].empty()) << "field " << i;
  }
  EXPECT_FALSE(ParseLang("fr").ok());
  EXPECT_EQ(ParseLang("zh").value(), Lang::kZh);
}

TEST(Format, WidthsAndUnits) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("压缩比"), 6u);  // three wide characters
  EXPECT_EQ(PadRight("压缩", 6), "压缩  ");
  EXPECT_EQ(FormatBytes(4e6), "3.81 MiB");  // 4e6 / 2^20 = 3.8147
  EXPECT_EQ(FormatCount(1e6), "1.00M");
  EXPECT_EQ(FormatPercent(0.995), "99.5 %");
  EXPECT_EQ(FormatShortSigned(0.01), "+0.01");
}

}  // namespace
}  // namespace cratio::report
