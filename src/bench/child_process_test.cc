// Child processes: stdout captured, exit codes passed on, the child's own peak RSS, and a
// readable /proc/self/status; the memory report's JSON round-trips.
#include "bench/child_process.h"

#include <gtest/gtest.h>

#include "bench/scenario_memory.h"

namespace cratio {
namespace {

TEST(RunChild, CapturesStdoutAndExitCode) {
  const auto r = RunChild({"/bin/sh", "-c", "echo hello; exit 3"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->out, "hello\n");
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_GT(r->max_rss_bytes, 0);
}

TEST(RunChild, MissingProgramIsAnError) {
  const auto r = RunChild({"/nonexistent/program"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/program"), std::string::npos);
}

TEST(ProcStatusBytes, ReadsTheHighWaterMark) {
  // RSS first: memory may grow between the two reads, and the high-water mark read
  // afterwards is never below any earlier size.
  const int64_t rss = ProcStatusBytes("VmRSS");
  const int64_t hwm = ProcStatusBytes("VmHWM");
  EXPECT_GT(rss, 0);
  EXPECT_GE(hwm, rss);
  EXPECT_EQ(hwm % 1024, 0);
  EXPECT_EQ(ProcStatusBytes("NoSuchField"), 0);
}

TEST(MemoryReport, JsonRoundTripsAndSplitsThePeak) {
  MemoryReport r;
  r.baseline_rss_bytes = 10;
  r.peak_rss_bytes = 100;
  r.weight_bytes = 50;
  r.kv_cache_bytes = 30;
  r.kv_bytes_per_token = 3;
  r.n_ctx = 5;
  r.n_seq = 2;
  EXPECT_EQ(r.scratch_and_other_bytes(), 10);  // 100 - 10 - 50 - 30
  const auto back = MemoryReportFromJson(MemoryReportToJson(r));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->peak_rss_bytes, 100);
  EXPECT_EQ(back->kv_bytes_per_token, 3);
  EXPECT_EQ(back->n_seq, 2);
  const auto bad = MemoryReportFromJson("{\"peak_rss_bytes\": 1}");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("baseline_rss_bytes"), std::string::npos);
  EXPECT_FALSE(MemoryReportFromJson("not json").ok());
}

}  // namespace
}  // namespace cratio
