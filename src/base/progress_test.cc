// Tests for the progress bar's layout and its terminal-only drawing.
#include "base/progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace cratio {
namespace {

TEST(ProgressBar, RendersFractionRateAndEta) {
  const std::string line = ProgressBar::Render("perplexity", 5, 20, "chunks", 2.5, "PPL 4.20", 10);
  // 5/20 of 10 cells filled = 2; rate 2 chunks/s; 15 left at 2/s = 7.5 s, shown rounded.
  EXPECT_EQ(line, "perplexity [##........] 5/20 chunks  2.00 chunks/s  ETA 8s  PPL 4.20");
}

TEST(ProgressBar, CompleteBarHasNoEtaAndClampsOverflow) {
  const std::string line = ProgressBar::Render("bench", 7, 4, "runs", 1.0, "", 4);
  EXPECT_EQ(line, "bench [####] 4/4 runs  4.00 runs/s");
}

TEST(ProgressBar, LongEtaIsShownInMinutesAndHours) {
  EXPECT_NE(ProgressBar::Render("x", 1, 100, "u", 60.0, "", 4).find("ETA 1h39m"),
            std::string::npos);
  EXPECT_NE(ProgressBar::Render("x", 1, 3, "u", 60.0, "", 4).find("ETA 2m00s"),
            std::string::npos);
}

TEST(ProgressBar, DrawsNothingWhenOutputIsNotATerminal) {
  FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressBar bar("quiet", 3, "steps", f);
    EXPECT_FALSE(bar.enabled());
    bar.Update(1);
    bar.Update(3);
  }
  EXPECT_EQ(std::ftell(f), 0);
  std::fclose(f);
}

TEST(ProgressBar, ForcedBarDrawsTheFinalStateAndEndsTheLine) {
  FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressBar bar("loud", 2, "steps", f, /*force=*/true);
    bar.Update(2, "done");
  }
  std::rewind(f);
  char buf[256] = {};
  const size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
  std::fclose(f);
  const std::string out(buf, n);
  EXPECT_EQ(out.front(), '\r');
  EXPECT_NE(out.find("loud [##############################] 2/2 steps"), std::string::npos);
  EXPECT_NE(out.find("done"), std::string::npos);
  EXPECT_EQ(out.back(), '\n');
}

}  // namespace
}  // namespace cratio
