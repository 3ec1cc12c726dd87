// SQLite results store: append, dedupe, list, load, atomicity, schema version.
#include "report/results_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "report/sample_result_testing.h"

namespace cratio::report {
namespace {

using testing::SampleResult;

std::string TempDb(const char* name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("cratio_store_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto p = dir / name;
  std::filesystem::remove(p);
  return p.string();
}

TEST(ResultsStore, AppendsListsLoadsAndDedupes) {
  const std::string path = TempDb("a.db");
  auto store = ResultsStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EvalResult r = SampleResult();
  auto id1 = store->Append(r);
  ASSERT_TRUE(id1.ok()) << id1.status().message();
  auto again = store->Append(r);  // identical JSON → same run, nothing added
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *id1);
  r.run.started_at_utc = "2026-11-30T09:00:00Z";
  r.variants[0].tasks[0].retention.value = 0.985;
  auto id2 = store->Append(r);
  ASSERT_TRUE(id2.ok());
  EXPECT_NE(*id2, *id1);

  auto runs = store->ListRuns(r.base.sha256);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].base_name, "tiny-f32");
  EXPECT_EQ((*runs)[0].best_variant, "int8");
  EXPECT_EQ((*runs)[0].num_variants, 3);
  EXPECT_EQ((*runs)[1].started_at_utc, "2026-11-30T09:00:00Z");
  EXPECT_TRUE(store->ListRuns("other")->empty());

  auto loaded = store->LoadRun(*id2);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(RenderJson(*loaded), RenderJson(r));
  auto missing = store->LoadRun(999);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("there is no run 999"), std::string::npos);

  auto hist = store->VariantHistory(r.base.sha256);
  ASSERT_TRUE(hist.ok());
  ASSERT_EQ(hist->size(), 6u);  // 2 runs × 3 variants
  EXPECT_EQ((*hist)[0].name, "int8");
  EXPECT_DOUBLE_EQ((*hist)[0].file_bytes, 1062500);
  EXPECT_TRUE((*hist)[0].passes_all_constraints);
  EXPECT_FALSE((*hist)[1].passes_all_constraints);

  // Reopening sees the same rows.
  auto reopened = ResultsStore::Open(path);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened->ListRuns()->size(), 2u);
}

TEST(ResultsStore, FailedAppendLeavesNothing) {
  const std::string path = TempDb("b.db");
  auto store = ResultsStore::Open(path);
  ASSERT_TRUE(store.ok());
  EvalResult r = SampleResult();
  r.variants[1].model.name = r.variants[0].model.name;  // violates PRIMARY KEY (run, name)
  auto id = store->Append(r);
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.status().message().find("appending variant 'int8'"), std::string::npos)
      << id.status().message();
  // The run row inserted before the failing variant row was rolled back.
  EXPECT_TRUE(store->ListRuns()->empty());
  EXPECT_TRUE(store->VariantHistory(r.base.sha256)->empty());
  EXPECT_TRUE(store->Append(SampleResult()).ok());
}

TEST(ResultsStore, RejectsOtherSchemaVersionAndNonDatabases) {
  const std::string path = TempDb("c.db");
  ASSERT_TRUE(ResultsStore::Open(path).ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE meta SET value = '99' WHERE key = 'schema_version'", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto s = ResultsStore::Open(path);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.status().message().find("schema version '99', this cratio reads version 1"),
            std::string::npos)
      << s.status().message();

  const std::string junk = TempDb("junk.db");
  std::ofstream(junk) << "this is not a database, just some text that is long enough......"
                         "................................................................";
  auto j = ResultsStore::Open(junk);
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.status().message().find("not a SQLite database"), std::string::npos)
      << j.status().message();
}

}  // namespace
}  // namespace cratio::report
