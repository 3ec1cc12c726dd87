// The byte format ranks use to send results to rank 0: little-endian integers,
// doubles as their IEEE-754 bit patterns (so values arrive bit for bit: NaN payloads,
// −0, subnormals), strings and vectors length-prefixed. Every message starts with a tag
// naming its kind and version, so a mismatched peer is refused, not misread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "eval/kl_stats.h"
#include "eval/score.h"

namespace cratio::dist {

class WireWriter {
 public:
  void U8(uint8_t v) { bytes_.push_back(static_cast<char>(v)); }
  void I32(int32_t v) { Fixed(static_cast<uint32_t>(v), 4); }
  void I64(int64_t v) { Fixed(static_cast<uint64_t>(v), 8); }
  void F64(double v);
  void Str(std::string_view s);
  void F64s(const std::vector<double>& v);
  void I64s(const std::vector<int64_t>& v);
  void Strs(const std::vector<std::string>& v);
  const std::string& bytes() const { return bytes_; }
  std::string Take() { return std::move(bytes_); }

 private:
  void Fixed(uint64_t v, int num_bytes);
  std::string bytes_;
};

// Reads what WireWriter wrote. The first read past the end (or a length that cannot fit)
// marks the reader failed; later reads return zeros, and Finish() reports the first
// failure with its offset. `what` names the message in errors ("rank 1's items").
class WireReader {
 public:
  WireReader(std::string_view bytes, std::string what) : bytes_(bytes), what_(std::move(what)) {}
  uint8_t U8();
  int32_t I32() { return static_cast<int32_t>(Fixed(4)); }
  int64_t I64() { return static_cast<int64_t>(Fixed(8)); }
  double F64();
  std::string Str();
  std::vector<double> F64s();
  std::vector<int64_t> I64s();
  std::vector<std::string> Strs();
  // A count that must fit in the bytes left, each element taking at least `min_bytes`.
  int64_t Count(int64_t min_bytes);
  bool ok() const { return error_.empty(); }
  // Ok when every read fit and no byte is left over.
  Status Finish() const;
  // Marks the reader failed with `message` (a semantic check of the caller).
  void Fail(const std::string& message);

 private:
  uint64_t Fixed(int num_bytes);
  bool Need(int64_t num_bytes, const char* field);
  std::string_view bytes_;
  size_t pos_ = 0;
  std::string what_;
  std::string error_;
};

// One rank's share of a ModelScore: its items (from first_item on, in eval/item_codec.h's
// lossless JSON, the one encoding of ItemResult) and its timing; the metrics are computed
// on rank 0 over all items, so they are not sent.
void WriteScoreShard(WireWriter& w, const ModelScore& s);
ModelScore ReadScoreShard(WireReader& r);

// Scored positions of `perplexity` (eval/perplexity.h's PositionSink).
void WritePositions(WireWriter& w, const std::vector<PositionComparison>& positions);
std::vector<PositionComparison> ReadPositions(WireReader& r);

// A message tag: the reader fails unless the next string is `tag`.
void WriteTag(WireWriter& w, std::string_view tag);
void ExpectTag(WireReader& r, std::string_view tag);

}  // namespace cratio::dist
