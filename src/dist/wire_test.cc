// The rank-to-rank byte format: every ItemResult field and every double survives the trip
// bit for bit, and damaged messages are refused with the offset, never misread.
#include "dist/wire.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace cratio::dist {
namespace {

uint64_t Bits(double v) {
  uint64_t b = 0;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

double FromBits(uint64_t b) {
  double v = 0;
  std::memcpy(&v, &b, sizeof v);
  return v;
}

// Doubles whose bits a text format would lose or change.
std::vector<double> TrickyDoubles() {
  return {0.0,
          -0.0,
          0.1,
          -1.0 / 3.0,
          std::numeric_limits<double>::denorm_min(),
          std::numeric_limits<double>::min() / 3,  // subnormal
          std::numeric_limits<double>::max(),
          std::numeric_limits<double>::infinity(),
          -std::numeric_limits<double>::infinity(),
          FromBits(0x7ff8000000000123ull),  // quiet NaN with a payload
          FromBits(0xfff0000000000001ull),  // signalling NaN, sign bit set
          std::nextafter(1.0, 2.0)};
}

ItemResult SampleItem() {
  ItemResult r;
  r.id = "ARC-Easy:Mercury_7220990";
  r.slice = "physics/é";  // UTF-8 bytes travel as bytes
  for (double d : TrickyDoubles()) {
    if (!std::isnan(d)) r.choice_logprob.push_back(d);
  }
  r.choice_num_tokens = {3, 0, -1, std::numeric_limits<int64_t>::max()};
  r.choice_num_bytes = {11, std::numeric_limits<int64_t>::min()};
  r.gold = 2;
  r.pred = -1;
  r.pred_norm = std::numeric_limits<int32_t>::min();
  r.generated = std::string("with\0nul", 8);
  r.extracted = "42";
  r.references = {"42", "", "forty-two"};
  r.nll_sum = -0.0;
  r.num_scored_tokens = 1 << 20;
  r.num_scored_bytes = 123456789012345;
  r.correct = 1;
  r.num_truncated_tokens = 7;
  return r;
}

void ExpectSameBits(const std::vector<double>& a, const std::vector<double>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(Bits(a[i]), Bits(b[i])) << "index " << i;
}

TEST(Wire, DoublesRoundTripBitForBit) {
  WireWriter w;
  for (double d : TrickyDoubles()) w.F64(d);
  WireReader r(w.bytes(), "doubles");
  std::vector<double> back;
  for (size_t i = 0; i < TrickyDoubles().size(); ++i) back.push_back(r.F64());
  ASSERT_TRUE(r.Finish().ok()) << r.Finish().message();
  ExpectSameBits(back, TrickyDoubles());
}

TEST(Wire, IntegersAreLittleEndianWhateverTheHost) {
  WireWriter w;
  w.I32(-2);          // ff ff ff fe stored fe ff ff ff
  w.I64(0x0102030405060708);
  const std::string& b = w.bytes();
  ASSERT_EQ(b.size(), 12u);
  EXPECT_EQ(static_cast<uint8_t>(b[0]), 0xfe);
  EXPECT_EQ(static_cast<uint8_t>(b[3]), 0xff);
  EXPECT_EQ(static_cast<uint8_t>(b[4]), 0x08);
  EXPECT_EQ(static_cast<uint8_t>(b[11]), 0x01);
  WireReader r(b, "ints");
  EXPECT_EQ(r.I32(), -2);
  EXPECT_EQ(r.I64(), 0x0102030405060708);
  EXPECT_TRUE(r.Finish().ok());
}

TEST(Wire, ScoreShardKeepsItsRangeTimingAndItems) {
  ModelScore s;
  s.model_path = "m.gguf";
  s.first_item = 128;
  s.vocab_size = 512;
  s.num_threads = 3;
  s.n_seq = 40;
  s.n_ctx = 318;
  s.prepare_ns = 11;
  s.timing = {22, 33, 4, 5000};
  s.items = {SampleItem(), ItemResult{}};
  s.metrics = {MetricValue{}};  // not sent: rank 0 computes metrics over all items
  WireWriter w;
  WriteScoreShard(w, s);
  WireReader r(w.bytes(), "shard");
  const ModelScore out = ReadScoreShard(r);
  ASSERT_TRUE(r.Finish().ok()) << r.Finish().message();
  EXPECT_EQ(out.model_path, "m.gguf");
  EXPECT_EQ(out.first_item, 128);
  EXPECT_EQ(out.vocab_size, 512);
  EXPECT_EQ(out.num_threads, 3);
  EXPECT_EQ(out.n_seq, 40);
  EXPECT_EQ(out.n_ctx, 318);
  EXPECT_EQ(out.prepare_ns, 11);
  EXPECT_EQ(out.timing.model_ns, 22);
  EXPECT_EQ(out.timing.total_ns, 33);
  EXPECT_EQ(out.timing.num_forward_calls, 4);
  EXPECT_EQ(out.timing.num_tokens, 5000);
  ASSERT_EQ(out.items.size(), 2u);
  const ItemResult in = SampleItem();
  const ItemResult& got = out.items[0];
  EXPECT_EQ(got.id, in.id);
  EXPECT_EQ(got.slice, in.slice);
  ExpectSameBits(got.choice_logprob, in.choice_logprob);  // ±0, subnormals, ±inf, max
  EXPECT_EQ(got.choice_num_tokens, in.choice_num_tokens);
  EXPECT_EQ(got.choice_num_bytes, in.choice_num_bytes);
  EXPECT_EQ(got.gold, 2);
  EXPECT_EQ(got.pred, -1);
  EXPECT_EQ(got.pred_norm, std::numeric_limits<int32_t>::min());
  EXPECT_EQ(got.generated, std::string("with\0nul", 8));
  EXPECT_EQ(got.extracted, "42");
  EXPECT_EQ(got.references, in.references);
  EXPECT_EQ(Bits(got.nll_sum), Bits(-0.0));
  EXPECT_EQ(got.num_scored_tokens, 1 << 20);
  EXPECT_EQ(got.num_scored_bytes, 123456789012345);
  EXPECT_EQ(got.correct, 1);
  EXPECT_EQ(got.num_truncated_tokens, 7);
  EXPECT_EQ(out.items[1].gold, -1);
  EXPECT_TRUE(out.metrics.empty());
}

TEST(Wire, PositionsRoundTripBitForBit) {
  std::vector<PositionComparison> in;
  for (double d : TrickyDoubles()) in.push_back({d, in.size() % 2 == 0, -d, d / 3});
  WireWriter w;
  WritePositions(w, in);
  WireReader r(w.bytes(), "positions");
  const std::vector<PositionComparison> out = ReadPositions(r);
  ASSERT_TRUE(r.Finish().ok()) << r.Finish().message();
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(Bits(out[i].kl), Bits(in[i].kl));
    EXPECT_EQ(out[i].same_top, in[i].same_top);
    EXPECT_EQ(Bits(out[i].log_p_base), Bits(in[i].log_p_base));
    EXPECT_EQ(Bits(out[i].log_p_model), Bits(in[i].log_p_model));
  }
}

TEST(Wire, TruncatedMessageIsRefusedWithTheOffset) {
  ModelScore s;
  s.items = {SampleItem()};
  WireWriter w;
  WriteScoreShard(w, s);
  const std::string full = w.bytes();
  // Every proper prefix fails (none reads as a shorter valid shard).
  for (size_t n = 0; n < full.size(); n += 7) {
    WireReader r(std::string_view(full).substr(0, n), "rank 1's items");
    ReadScoreShard(r);
    const Status st = r.Finish();
    ASSERT_FALSE(st.ok()) << "prefix of " << n << " bytes";
    EXPECT_NE(st.message().find("rank 1's items"), std::string::npos) << st.message();
  }
  // Cut 2 bytes into the tag: its length (20, the 8 bytes at offset 0) is refused since
  // only 10 − 8 = 2 bytes follow it.
  WireReader r(std::string_view(full).substr(0, 10), "items");
  ReadScoreShard(r);
  EXPECT_EQ(r.Finish().message(),
            "items: malformed message (10 bytes): a count of 20 at offset 0 does not fit the 2 "
            "bytes left");
}

TEST(Wire, HugeCountIsRefusedBeforeAllocating) {
  WireWriter w;
  w.I64(int64_t{1} << 60);  // a count no message of this size can hold
  WireReader r(w.bytes(), "doubles");
  EXPECT_TRUE(r.F64s().empty());
  EXPECT_FALSE(r.Finish().ok());
}

TEST(Wire, TrailingBytesAndWrongTagAreErrors) {
  WireWriter w;
  WriteTag(w, "cratio.positions/1");
  w.U8(0);
  WireReader trailing(w.bytes(), "m");
  ExpectTag(trailing, "cratio.positions/1");
  EXPECT_EQ(trailing.Finish().message(), "m: 1 bytes left over after offset 26 of 27");
  WireReader wrong(w.bytes(), "m");
  ExpectTag(wrong, "cratio.score_shard/1");
  EXPECT_NE(wrong.Finish().message().find("expected a 'cratio.score_shard/1' message, got "
                                          "'cratio.positions/1'"),
            std::string::npos);
}

}  // namespace
}  // namespace cratio::dist
