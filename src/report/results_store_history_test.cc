// The results-store queries behind `cratio history`: read-only opening that never creates
// a file, and finding a base model by a SHA-256 prefix.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "report/results_store.h"
#include "report/sample_result_testing.h"

namespace cratio::report {
namespace {

using testing::SampleResult;

std::string TempDb(const char* name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("cratio_store_history_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto p = dir / name;
  std::filesystem::remove(p);
  return p.string();
}

TEST(ResultsStoreOpenExisting, MissingFileIsAnErrorAndIsNotCreated) {
  const std::string path = TempDb("missing.db");
  auto s = ResultsStore::OpenExisting(path);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.status().message().find("'" + path + "': no such file"), std::string::npos)
      << s.status().message();
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ResultsStoreOpenExisting, RejectsOtherDatabasesAndJunk) {
  const std::string other = TempDb("other.db");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(other.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (x INTEGER)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto o = ResultsStore::OpenExisting(other);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(o.status().message().find("not a cratio results store (no table 'meta')"),
            std::string::npos)
      << o.status().message();

  const std::string junk = TempDb("junk.db");
  std::ofstream(junk) << std::string(200, 'x');
  auto j = ResultsStore::OpenExisting(junk);
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(j.status().message().find("not a SQLite database"), std::string::npos)
      << j.status().message();
}

TEST(ResultsStoreOpenExisting, ReadsWhatOpenWroteAndCannotWrite) {
  const std::string path = TempDb("rw.db");
  {
    auto w = ResultsStore::Open(path);
    ASSERT_TRUE(w.ok()) << w.status().message();
    ASSERT_TRUE(w->Append(SampleResult()).ok());
  }
  auto r = ResultsStore::OpenExisting(path);
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto runs = r->ListRuns();
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].base_name, "tiny-f32");
  EvalResult other = SampleResult();
  other.run.started_at_utc = "2026-12-01T00:00:00Z";
  auto appended = r->Append(other);  // opened read-only
  EXPECT_FALSE(appended.ok());
  EXPECT_EQ(ResultsStore::OpenExisting(path)->ListRuns()->size(), 1u);
}

TEST(ResultsStoreFindBaseSha256, MatchesPrefixesAndExplainsFailures) {
  const std::string path = TempDb("sha.db");
  auto store = ResultsStore::Open(path);
  ASSERT_TRUE(store.ok());
  EvalResult a = SampleResult();  // base sha256 ab12cd34ef56...
  ASSERT_TRUE(store->Append(a).ok());
  const std::string full = a.base.sha256;

  EXPECT_EQ(store->FindBaseSha256("ab12").value(), full);
  EXPECT_EQ(store->FindBaseSha256("AB12CD34").value(), full);  // either case
  EXPECT_EQ(store->FindBaseSha256(full).value(), full);

  auto none = store->FindBaseSha256("ffff");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(none.status().message().find("no stored run has a base model with SHA-256 ffff"),
            std::string::npos)
      << none.status().message();

  auto bad = store->FindBaseSha256("model.gguf");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'model.gguf' is not a SHA-256 prefix (expected 4 to 64 "
                                        "hex digits, found 10 characters with a non-hex one)"),
            std::string::npos)
      << bad.status().message();
  auto short_prefix = store->FindBaseSha256("ab1");
  ASSERT_FALSE(short_prefix.ok());
  EXPECT_NE(short_prefix.status().message().find("found 3 characters)"), std::string::npos)
      << short_prefix.status().message();
  EXPECT_FALSE(store->FindBaseSha256(full + "0").ok());  // 65 digits

  EvalResult b = SampleResult();
  b.base.sha256 = "ab12ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
  ASSERT_TRUE(store->Append(b).ok());
  auto ambiguous = store->FindBaseSha256("ab12");
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_NE(ambiguous.status().message().find("SHA-256 prefix ab12 matches 2 base models (" +
                                              full + ", " + b.base.sha256 + "); give more digits"),
            std::string::npos)
      << ambiguous.status().message();
  EXPECT_EQ(store->FindBaseSha256("ab12c").value(), full);
}

}  // namespace
}  // namespace cratio::report
