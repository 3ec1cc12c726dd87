// Provenance keys survive a write/read round trip; absent keys mean "not compressed".
#include "compress/provenance.h"

#include <gtest/gtest.h>

namespace cratio {
namespace {

TEST(Provenance, RoundTripsThroughMetadata) {
  Metadata md;
  EXPECT_FALSE(ReadProvenance(md).has_value());
  Provenance p;
  p.recipe = "prune-structured:0.3+q4_k_m";
  p.source_sha256 = std::string(64, 'a');
  p.calib_sha256 = std::string(64, 'b');
  p.calib_bytes = 12345;
  WriteProvenance(p, &md);
  const std::optional<Provenance> back = ReadProvenance(md);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->recipe, p.recipe);
  EXPECT_EQ(back->source_sha256, p.source_sha256);
  EXPECT_EQ(back->calib_sha256, p.calib_sha256);
  EXPECT_EQ(back->calib_bytes, 12345);
  EXPECT_EQ(back->version, kCompressionVersion);
  EXPECT_EQ(md.GetString("cratio.compression.recipe"), p.recipe);
}

}  // namespace
}  // namespace cratio
