#include "report/checkpoint_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "report/results_store.h"

namespace cratio::report {
namespace {

std::string TempDb(const char* name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("cratio_ckpt_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto p = dir / name;
  std::filesystem::remove(p);
  return p.string();
}

TEST(CheckpointStore, PutGetSurvivesReopenAndDrops) {
  const std::string db = TempDb("a.db");
  {
    auto results = ResultsStore::Open(db);  // the eval's order: results store first
    ASSERT_TRUE(results.ok()) << results.status().message();
    auto s = CheckpointStore::Open(db);
    ASSERT_TRUE(s.ok()) << s.status().message();
    ASSERT_TRUE(s->Put("plan1", "items/arc/base/0", "[1,2]").ok());
    ASSERT_TRUE(s->Put("plan1", "items/arc/base/1", "[3]").ok());
    ASSERT_TRUE(s->Put("plan1", "items/arc/base/1", "[4]").ok());  // replaces
    ASSERT_TRUE(s->Put("plan2", "items/arc/base/0", "other").ok());
  }
  auto s = CheckpointStore::Open(db);  // a new process would see the same
  ASSERT_TRUE(s.ok());
  auto v = s->Get("plan1", "items/arc/base/1");
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(v->has_value());
  EXPECT_EQ(**v, "[4]");
  auto missing = s->Get("plan1", "items/arc/base/7");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  EXPECT_EQ(*s->Count("plan1"), 2);
  ASSERT_TRUE(s->Drop("plan1").ok());
  EXPECT_EQ(*s->Count("plan1"), 0);
  EXPECT_EQ(*s->Count("plan2"), 1);  // other plans untouched
  // The results store still opens: the extra table does not disturb it.
  EXPECT_TRUE(ResultsStore::Open(db).ok());
}

TEST(CheckpointStore, NotADatabaseIsAnError) {
  const std::string db = TempDb("junk.db");
  FILE* f = std::fopen(db.c_str(), "w");
  std::fputs("this is not sqlite, just text long enough to have a header page.....\n", f);
  std::fclose(f);
  auto s = CheckpointStore::Open(db);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find(db), std::string::npos);
}

}  // namespace
}  // namespace cratio::report
