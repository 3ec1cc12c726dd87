// `cratio report` end to end on a hand-built result: the HTML report loaded in headless
// Chromium (the page's own check script measures every SVG chart after layout and
// --dump-dom brings its findings back; skipped visibly only when chromium is missing and
// CRATIO_REQUIRE_DATA is not set), and the other formats, languages and bad inputs.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "report/result.h"
#include "report/sample_result_testing.h"
#include "testing/run_cli.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

using ::cratio::testing::DataRequired;
using ::cratio::testing::ReadWholeFile;
using ::cratio::testing::RunCli;
using ::cratio::testing::TempDir;

// The chromium binary (CRATIO_CHROMIUM overrides), or "" when none is installed.
std::string FindChromium() {
  if (const char* c = std::getenv("CRATIO_CHROMIUM"); c && *c) return c;
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (std::filesystem::exists(p)) return p;
  }
  return "";
}

// Runs chromium headless with `flags` on `url`, stdout to `out_path`. Returns the exit
// status of the shell command.
int RunChromium(const std::string& chromium, const std::string& profile, const std::string& flags,
                const std::string& url, const std::string& out_path) {
  const std::string cmd = "timeout 120 '" + chromium +
                          "' --headless=new --no-sandbox --disable-gpu --no-first-run "
                          "--user-data-dir='" + profile + "' " + flags + " '" + url + "' > '" +
                          out_path + "' 2>/dev/null";
  return std::system(cmd.c_str());
}

// Writes the hand-built sample result (report/sample_result_testing.h) as JSON.
bool WriteSample(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  const std::string text = report::RenderJson(report::testing::SampleResult());
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  return std::fclose(f) == 0 && ok;
}

nlohmann::json ChartByName(const nlohmann::json& check, const std::string& name) {
  for (const auto& c : check["charts"]) {
    if (c["name"] == name) return c;
  }
  return nlohmann::json();
}

TEST(ReportHtml, ChartsAreReallyDrawnInChromium) {
  const std::string chromium = FindChromium();
  if (chromium.empty()) {
    if (DataRequired()) FAIL() << "chromium is required (CRATIO_REQUIRE_DATA=1) but not installed";
    GTEST_SKIP() << "chromium not installed (apt-get install chromium); HTML not checked in a browser";
  }
  const std::string dir = TempDir();
  const std::string json = dir + "/result.json";
  const std::string html = dir + "/report.html";
  ASSERT_TRUE(WriteSample(json));
  const auto r = RunCli({"report", json, "--format", "html", "-o", html});
  ASSERT_EQ(r.exit_code, 0) << testing::Describe(r);

  const std::string dom_path = dir + "/dom.html";
  ASSERT_EQ(RunChromium(chromium, dir + "/profile", "--dump-dom", "file://" + html, dom_path), 0);
  const std::string dom = ReadWholeFile(dom_path);
  const std::string marker = "<pre id=\"cratio-chart-check\">";
  const size_t at = dom.find(marker);
  ASSERT_NE(at, std::string::npos) << dom.substr(0, 2000);
  const size_t end = dom.find("</pre>", at);
  const std::string payload = dom.substr(at + marker.size(), end - at - marker.size());
  ASSERT_FALSE(payload.empty()) << "the page's check script did not run";
  const nlohmann::json check = nlohmann::json::parse(payload, nullptr, false);
  ASSERT_FALSE(check.is_discarded()) << payload;
  ASSERT_EQ(check["charts"].size(), 4u) << payload;

  // Size vs retention: base + 3 variants as visible circles, the Pareto front as a path.
  const nlohmann::json scatter = ChartByName(check, "size-retention");
  EXPECT_EQ(scatter["circle"], 4) << payload;
  EXPECT_GE(scatter["path"].get<int>(), 1) << payload;
  EXPECT_GT(scatter["width"].get<int>(), 300) << payload;
  EXPECT_GT(scatter["height"].get<int>(), 200) << payload;
  // Latency: one P50–P90 box per model (base + 3).
  EXPECT_EQ(ChartByName(check, "latency")["rect"], 4) << payload;
  // Task retention: 2 tasks × 3 variants bars + 3 legend swatches; 6 CI whiskers.
  const nlohmann::json bars = ChartByName(check, "task-retention");
  EXPECT_EQ(bars["rect"], 9) << payload;
  EXPECT_EQ(bars["path"], 6) << payload;
  // Layer error: 2 tensors for each of int8 and int4.
  EXPECT_EQ(ChartByName(check, "layer-error")["rect"], 4) << payload;

  // A screenshot of the page: a real PNG with content (a blank page compresses to a few KB).
  const std::string shot = dir + "/shot.png";
  ASSERT_EQ(RunChromium(chromium, dir + "/profile2",
                        "--window-size=1100,1600 --screenshot='" + shot + "'", "file://" + html,
                        dir + "/shot.log"),
            0);
  const std::string png = ReadWholeFile(shot);
  ASSERT_GT(png.size(), 20000u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
}

TEST(ReportCli, RendersTextInBothLanguagesAndRejectsBadInput) {
  const std::string dir = TempDir();
  const std::string json = dir + "/result.json";
  ASSERT_TRUE(WriteSample(json));
  const auto en = RunCli({"report", json});
  ASSERT_EQ(en.exit_code, 0) << testing::Describe(en);
  EXPECT_NE(en.out.find("   ├─ ✓ retention.mmlu ≥ 0.98  value 0.99"), std::string::npos) << en.out;
  EXPECT_NE(en.out.find("└─ Overall verdict"), std::string::npos);
  const auto zh = RunCli({"report", json, "--lang", "zh"});
  ASSERT_EQ(zh.exit_code, 0);
  EXPECT_NE(zh.out.find("├─ 压缩比"), std::string::npos) << zh.out;
  EXPECT_NE(zh.out.find("└─ 总体结论"), std::string::npos) << zh.out;

  // JSON re-render is byte-identical; CSV and Markdown go to files.
  const auto js = RunCli({"report", json, "--format", "json"});
  EXPECT_EQ(js.out, ReadWholeFile(json));
  ASSERT_EQ(RunCli({"report", json, "--format", "csv", "-o", dir + "/r.csv"}).exit_code, 0);
  EXPECT_EQ(ReadWholeFile(dir + "/r.csv").rfind("variant,metric,value,ci_low,ci_high,unit\n", 0), 0u);
  ASSERT_EQ(RunCli({"report", json, "--format", "md", "-o", dir + "/r.md"}).exit_code, 0);
  EXPECT_NE(ReadWholeFile(dir + "/r.md").find("| int8 | q8_0 | 0.266 |"), std::string::npos);

  // --db appends; the same result again is the same run.
  const auto db1 = RunCli({"report", json, "--db", dir + "/h.db", "-o", dir + "/x.txt"});
  ASSERT_EQ(db1.exit_code, 0) << testing::Describe(db1);
  EXPECT_NE(db1.err.find("stored as run 1"), std::string::npos) << db1.err;
  const auto db2 = RunCli({"report", json, "--db", dir + "/h.db", "-o", dir + "/x.txt"});
  EXPECT_NE(db2.err.find("stored as run 1"), std::string::npos) << db2.err;

  const auto bad_format = RunCli({"report", json, "--format", "pdf"});
  EXPECT_EQ(bad_format.exit_code, 2);
  EXPECT_NE(bad_format.err.find("--format 'pdf'"), std::string::npos) << bad_format.err;
  const auto bad_lang = RunCli({"report", json, "--lang", "fr"});
  EXPECT_EQ(bad_lang.exit_code, 2);
  EXPECT_NE(bad_lang.err.find("--lang 'fr'"), std::string::npos);
  const auto missing = RunCli({"report", dir + "/nope.json"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.json: cannot open"), std::string::npos) << missing.err;
  {
    std::FILE* f = std::fopen((dir + "/bad.json").c_str(), "wb");
    std::fputs("{\"schema\": \"cratio.eval/1\", \"base\": {}, \"variants\": [{\"tasks\": 3}]}", f);
    std::fclose(f);
  }
  const auto bad = RunCli({"report", dir + "/bad.json"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("bad.json: variants[0].tasks: expected an array, found number"),
            std::string::npos)
      << bad.err;
}

}  // namespace
}  // namespace cratio
