// SHA-256 against the FIPS 180-4 / NIST example digests.
#include "base/sha256.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "testing/test_data.h"

namespace cratio {
namespace {

std::string HexOf(const std::string& s) {
  Sha256 h;
  h.Update(s.data(), s.size());
  return h.FinishHex();
}

TEST(Sha256, EmptyMessage) {
  EXPECT_EQ(HexOf(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, Abc) {
  EXPECT_EQ(HexOf("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, TwoBlockMessage) {
  EXPECT_EQ(HexOf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, MillionAsFedInOddPieces) {
  // One million 'a' fed in 997-byte pieces: exercises the partial-block buffer.
  Sha256 h;
  const std::string piece(997, 'a');
  int64_t left = 1'000'000;
  while (left > 0) {
    const int64_t n = std::min<int64_t>(left, piece.size());
    h.Update(piece.data(), n);
    left -= n;
  }
  EXPECT_EQ(h.FinishHex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256OfPath, MatchesTheRecordedDigestOfStories260K) {
  CRATIO_REQUIRE_DATA_FILE("models/stories260K.gguf");
  auto h = Sha256OfPath(testing::DataPath("models/stories260K.gguf"));
  ASSERT_TRUE(h.ok()) << h.status().message();
  // From shared/data/SOURCES.md.
  EXPECT_EQ(*h, "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d");
}

TEST(Sha256OfPath, MissingFileIsAnError) {
  auto h = Sha256OfPath("/nonexistent/cratio/model.gguf");
  EXPECT_FALSE(h.ok());
}

}  // namespace
}  // namespace cratio
