// The data compiled into the binary: the demo text and the `demo` / `demo_text` tasks
// load with no data directory, and their counts are the ones written down here.
#include "eval/tasks/builtin_data.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "eval/tasks/builtin_tasks.h"
#include "eval/tasks/load_task.h"
#include "eval/tasks/text_file.h"
#include "tokenizer/utf8.h"

namespace cratio {
namespace {

// No data root: the built-in data must not need one.
constexpr const char* kNoDataRoot = "/nonexistent/cratio-data";

TEST(BuiltinDemoText, IsAsciiProseOfTheDocumentedSize) {
  const std::string_view text = BuiltinDemoText();
  // 7443 bytes as written (wc -c of the text when it was added).
  EXPECT_EQ(text.size(), 7443u);
  EXPECT_TRUE(ValidateUtf8(text).ok());
  for (size_t i = 0; i < text.size(); ++i) {
    ASSERT_LT(static_cast<unsigned char>(text[i]), 0x80u) << "byte " << i;
  }
  EXPECT_EQ(text.substr(0, 40), "Once upon a time, there was a little gir");
  EXPECT_EQ(text.back(), '\n');
}

TEST(BuiltinData, ReadTextFileReadsBuiltinPaths) {
  auto text = ReadTextFile("builtin:demo");
  ASSERT_TRUE(text.ok()) << text.status().message();
  EXPECT_EQ(*text, BuiltinDemoText());
  auto items = ReadTextFile("builtin:demo_task.jsonl");
  ASSERT_TRUE(items.ok()) << items.status().message();
  EXPECT_EQ(*items, BuiltinDemoTaskJsonl());
}

TEST(BuiltinData, UnknownNameIsAnIoErrorListingTheKnownOnes) {
  auto r = ReadTextFile("builtin:nope");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("builtin:nope"), std::string::npos) << m;
  EXPECT_NE(m.find("builtin:demo, builtin:demo_task.jsonl"), std::string::npos) << m;
}

// A task whose data is not under the data root: the IoError says which task, which root
// and how to point cratio elsewhere; with the data given explicitly it is the reader's own.
TEST(LoadTaskUnderDataRoot, MissingDataNamesTaskRootAndRemedy) {
  auto spec = ResolveTaskSpec("hellaswag", kNoDataRoot);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  auto r = LoadTaskUnderDataRoot(*spec, {}, kNoDataRoot);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("task hellaswag (data root '/nonexistent/cratio-data': set CRATIO_DATA or "
                   "pass --data)"),
            std::string::npos)
      << m;
  LoadTaskOptions given;
  given.data = "/nonexistent/elsewhere.jsonl";
  auto g = LoadTaskUnderDataRoot(*spec, given, kNoDataRoot);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), StatusCode::kIoError);
  EXPECT_EQ(g.status().message().find("set CRATIO_DATA"), std::string::npos)
      << g.status().message();
  EXPECT_NE(g.status().message().find("/nonexistent/elsewhere.jsonl"), std::string::npos)
      << g.status().message();
}

TEST(DemoTask, LoadsFortyEightItemsWithoutADataDirectory) {
  auto spec = ResolveTaskSpec("demo", kNoDataRoot);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  auto task = LoadTask(*spec);
  ASSERT_TRUE(task.ok()) << task.status().message();
  ASSERT_EQ(task->items.size(), 48u);
  EXPECT_EQ(task->sources, std::vector<std::string>{"builtin:demo_task.jsonl"});

  // The first item as written: gold "apple." at position 0, ids are "<slice>/<id>".
  const TaskItem& first = task->items[0];
  EXPECT_EQ(first.id, "food/01");
  EXPECT_EQ(first.slice, "food");
  EXPECT_EQ(first.context, "Lily was very hungry, so she ate a big");
  EXPECT_EQ(first.choices, (std::vector<std::string>{" apple.", " chair.", " sky."}));
  EXPECT_EQ(first.gold, 0);

  std::set<std::string> ids;
  std::map<std::string, int> per_slice;
  std::map<int32_t, int> per_gold;
  for (const TaskItem& item : task->items) {
    EXPECT_TRUE(ids.insert(item.id).second) << "duplicate id " << item.id;
    ASSERT_EQ(item.choices.size(), 3u) << item.id;
    ASSERT_GE(item.gold, 0) << item.id;
    ASSERT_LT(item.gold, 3) << item.id;
    EXPECT_FALSE(item.context.empty()) << item.id;
    ++per_slice[item.slice];
    ++per_gold[item.gold];
  }
  // 6 slices x 8 items = 48; gold rotates 0, 1, 2, so 48 / 3 = 16 at each position.
  EXPECT_EQ(per_slice, (std::map<std::string, int>{{"animals", 8},
                                                   {"feelings", 8},
                                                   {"food", 8},
                                                   {"places", 8},
                                                   {"things", 8},
                                                   {"time", 8}}));
  EXPECT_EQ(per_gold, (std::map<int32_t, int>{{0, 16}, {1, 16}, {2, 16}}));
}

TEST(DemoTask, TextTaskHasOneDocumentPerParagraph) {
  auto spec = ResolveTaskSpec("demo_text", kNoDataRoot);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  auto task = LoadTask(*spec);
  ASSERT_TRUE(task.ok()) << task.status().message();
  // 32 paragraphs separated by blank lines (the text has 63 newlines: 31 blank-line
  // separators of 2 each plus the final one).
  ASSERT_EQ(task->items.size(), 32u);
  EXPECT_EQ(task->items[0].text.substr(0, 17), "Once upon a time,");
  EXPECT_EQ(task->items.back().text.substr(0, 24), "Then the kite got stuck ");
}

TEST(DemoTask, BothAreListedAsBuiltins) {
  const std::vector<std::string> names = BuiltinTaskNames();
  EXPECT_NE(std::find(names.begin(), names.end(), "demo"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "demo_text"), names.end());
}

}  // namespace
}  // namespace cratio
