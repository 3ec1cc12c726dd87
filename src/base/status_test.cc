#include "base/status.h"

#include <gtest/gtest.h>

namespace cratio {
namespace {

Result<int> Half(int x) {
  if (x % 2) return InvalidInput("value {} is odd", x);
  return x / 2;
}

Result<int> Quarter(int x) {
  CRATIO_ASSIGN_OR_RETURN(int h, Half(x));
  CRATIO_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(Status, ResultCarriesValueOrFirstError) {
  auto ok = Quarter(12);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 3);
  auto bad = Quarter(6);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(bad.status().message(), "value 3 is odd");
}

TEST(Status, WithPrefixAddsContextAndKeepsCode) {
  Status s = IoError("cannot open").WithPrefix("model.gguf");
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_EQ(s.message(), "model.gguf: cannot open");
  EXPECT_TRUE(Status::Ok().WithPrefix("x").ok());
}

}  // namespace
}  // namespace cratio
