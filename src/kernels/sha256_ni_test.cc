// The SHA-NI block function gives the portable one's results: the same state after any
// number of blocks, and the same digests through Sha256 (FIPS 180-4 vectors included).
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "base/cpu_features.h"
#include "base/sha256.h"
#include "kernels/sha/sha256_ni.h"

namespace cratio::kernels {
namespace {

std::string HexOf(const std::string& text) {
  Sha256 h;
  h.Update(text.data(), text.size());
  return h.FinishHex();
}

class Sha256ShaNi : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!GetCpuFeatures().sha) GTEST_SKIP() << "this CPU has no SHA extensions";
  }
  void TearDown() override { SetSha256BlockFn(nullptr); }
};

TEST_F(Sha256ShaNi, StateMatchesPortableBlockFunction) {
  std::mt19937 rng(5);
  std::vector<uint8_t> data(64 * 37);
  for (auto& b : data) b = static_cast<uint8_t>(rng());
  for (size_t blocks : {size_t{0}, size_t{1}, size_t{2}, size_t{5}, size_t{37}}) {
    std::array<uint32_t, 8> want = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    std::array<uint32_t, 8> got = want;
    Sha256BlocksPortable(want.data(), data.data(), blocks);
    Sha256BlocksShaNi(got.data(), data.data(), blocks);
    EXPECT_EQ(got, want) << blocks << " blocks";
  }
}

TEST_F(Sha256ShaNi, DigestsMatchFipsVectorsAndPortableCode) {
  SetSha256BlockFn(Sha256BlocksShaNi);
  // FIPS 180-4 examples (one block and two blocks).
  EXPECT_EQ(HexOf("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexOf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  std::mt19937 rng(9);
  for (size_t len : {size_t{0}, size_t{55}, size_t{56}, size_t{63}, size_t{64}, size_t{65},
                     size_t{1000}, size_t{4097}}) {
    std::string text(len, '\0');
    for (char& c : text) c = static_cast<char>(rng());
    SetSha256BlockFn(Sha256BlocksShaNi);
    const std::string fast = HexOf(text);
    SetSha256BlockFn(nullptr);
    EXPECT_EQ(fast, HexOf(text)) << len << " bytes";
  }
}

}  // namespace
}  // namespace cratio::kernels
