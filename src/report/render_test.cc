// Format dispatch and the result-file helpers.
#include "report/render.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "report/sample_result_testing.h"

namespace cratio::report {
namespace {

TEST(Render, FormatsByNameAndFileRoundTrip) {
  EXPECT_EQ(ParseReportFormat("md").value(), ReportFormat::kMarkdown);
  EXPECT_EQ(ParseReportFormat("txt").value(), ReportFormat::kText);
  auto bad = ParseReportFormat("pdf");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--format 'pdf'"), std::string::npos);

  const EvalResult r = testing::SampleResult();
  EXPECT_EQ(Render(r, ReportFormat::kJson, Lang::kEn), RenderJson(r));
  EXPECT_EQ(Render(r, ReportFormat::kCsv, Lang::kZh).rfind("variant,metric,", 0), 0u);

  const auto dir = std::filesystem::temp_directory_path() /
                   ("cratio_render_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "r.json").string();
  ASSERT_TRUE(WriteFileAtomically(path, RenderJson(r)).ok());
  auto back = ReadEvalResultFile(path);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(RenderJson(*back), RenderJson(r));
  auto missing = ReadEvalResultFile((dir / "nope.json").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError);
  EXPECT_NE(missing.status().message().find("nope.json: cannot open"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cratio::report
