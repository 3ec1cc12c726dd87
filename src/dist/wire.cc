// See wire.h. Little-endian by construction (bytes are shifted out), so the format does
// not depend on the host's byte order.
#include "dist/wire.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "eval/item_codec.h"

namespace cratio::dist {

void WireWriter::Fixed(uint64_t v, int num_bytes) {
  for (int i = 0; i < num_bytes; ++i) bytes_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void WireWriter::F64(double v) {
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  Fixed(bits, 8);
}

void WireWriter::Str(std::string_view s) {
  I64(static_cast<int64_t>(s.size()));
  bytes_.append(s.data(), s.size());
}

void WireWriter::F64s(const std::vector<double>& v) {
  I64(static_cast<int64_t>(v.size()));
  for (double x : v) F64(x);
}

void WireWriter::I64s(const std::vector<int64_t>& v) {
  I64(static_cast<int64_t>(v.size()));
  for (int64_t x : v) I64(x);
}

void WireWriter::Strs(const std::vector<std::string>& v) {
  I64(static_cast<int64_t>(v.size()));
  for (const std::string& s : v) Str(s);
}

bool WireReader::Need(int64_t num_bytes, const char* field) {
  if (!ok()) return false;
  if (num_bytes < 0 || static_cast<uint64_t>(num_bytes) > bytes_.size() - pos_) {
    Fail(fmt::format("{} needs {} bytes at offset {}, {} left", field, num_bytes, pos_,
                     bytes_.size() - pos_));
    return false;
  }
  return true;
}

void WireReader::Fail(const std::string& message) {
  if (error_.empty()) error_ = message;
}

uint64_t WireReader::Fixed(int num_bytes) {
  if (!Need(num_bytes, "an integer")) return 0;
  uint64_t v = 0;
  for (int i = 0; i < num_bytes; ++i) {
    v |= static_cast<uint64_t>(static_cast<uint8_t>(bytes_[pos_ + i])) << (8 * i);
  }
  pos_ += num_bytes;
  // Sign-extend 4-byte values so I32 round-trips negatives.
  if (num_bytes == 4 && (v & 0x80000000u)) v |= 0xffffffff00000000ull;
  return v;
}

uint8_t WireReader::U8() { return static_cast<uint8_t>(Fixed(1)); }

double WireReader::F64() {
  const uint64_t bits = Fixed(8);
  double v = 0;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

int64_t WireReader::Count(int64_t min_bytes) {
  const int64_t n = I64();
  if (!ok()) return 0;
  if (n < 0 || n > static_cast<int64_t>(bytes_.size() - pos_) / std::max<int64_t>(1, min_bytes)) {
    Fail(fmt::format("a count of {} at offset {} does not fit the {} bytes left", n, pos_ - 8,
                     bytes_.size() - pos_));
    return 0;
  }
  return n;
}

std::string WireReader::Str() {
  const int64_t n = Count(1);
  if (!Need(n, "a string")) return {};
  std::string s(bytes_.substr(pos_, n));
  pos_ += n;
  return s;
}

std::vector<double> WireReader::F64s() {
  std::vector<double> v(Count(8));
  for (double& x : v) x = F64();
  return v;
}

std::vector<int64_t> WireReader::I64s() {
  std::vector<int64_t> v(Count(8));
  for (int64_t& x : v) x = I64();
  return v;
}

std::vector<std::string> WireReader::Strs() {
  std::vector<std::string> v(Count(8));
  for (std::string& s : v) s = Str();
  return v;
}

Status WireReader::Finish() const {
  if (!ok()) return InternalError("{}: malformed message ({} bytes): {}", what_, bytes_.size(), error_);
  if (pos_ != bytes_.size()) {
    return InternalError("{}: {} bytes left over after offset {} of {}", what_, bytes_.size() - pos_,
                         pos_, bytes_.size());
  }
  return Status::Ok();
}

void WriteTag(WireWriter& w, std::string_view tag) { w.Str(tag); }

void ExpectTag(WireReader& r, std::string_view tag) {
  const std::string got = r.Str();
  if (r.ok() && got != tag) r.Fail(fmt::format("expected a '{}' message, got '{}'", tag, got));
}

namespace {
constexpr std::string_view kScoreShardTag = "cratio.score_shard/1";
constexpr std::string_view kPositionsTag = "cratio.positions/1";
constexpr int64_t kPositionBytes = 3 * 8 + 1;
}  // namespace

void WriteScoreShard(WireWriter& w, const ModelScore& s) {
  WriteTag(w, kScoreShardTag);
  w.Str(s.model_path);
  w.I64(s.first_item);
  w.I64(s.vocab_size);
  w.I32(s.num_threads);
  w.I64(s.n_seq);
  w.I64(s.n_ctx);
  w.I64(s.prepare_ns);
  w.I64(s.timing.model_ns);
  w.I64(s.timing.total_ns);
  w.I64(s.timing.num_forward_calls);
  w.I64(s.timing.num_tokens);
  w.Str(EncodeItems(s.items));
}

ModelScore ReadScoreShard(WireReader& r) {
  ModelScore s;
  ExpectTag(r, kScoreShardTag);
  s.model_path = r.Str();
  s.first_item = r.I64();
  s.vocab_size = r.I64();
  s.num_threads = r.I32();
  s.n_seq = r.I64();
  s.n_ctx = r.I64();
  s.prepare_ns = r.I64();
  s.timing.model_ns = r.I64();
  s.timing.total_ns = r.I64();
  s.timing.num_forward_calls = r.I64();
  s.timing.num_tokens = r.I64();
  const std::string items = r.Str();
  if (!r.ok()) return s;
  auto decoded = DecodeItems(items, "items");
  if (decoded.ok()) {
    s.items = std::move(decoded).value();
  } else {
    r.Fail(decoded.status().message());
  }
  return s;
}

void WritePositions(WireWriter& w, const std::vector<PositionComparison>& positions) {
  WriteTag(w, kPositionsTag);
  w.I64(static_cast<int64_t>(positions.size()));
  for (const PositionComparison& p : positions) {
    w.F64(p.kl);
    w.U8(p.same_top ? 1 : 0);
    w.F64(p.log_p_base);
    w.F64(p.log_p_model);
  }
}

std::vector<PositionComparison> ReadPositions(WireReader& r) {
  ExpectTag(r, kPositionsTag);
  std::vector<PositionComparison> out(r.Count(kPositionBytes));
  for (PositionComparison& p : out) {
    p.kl = r.F64();
    const uint8_t same = r.U8();
    if (same > 1) r.Fail(fmt::format("same_top is {}, expected 0 or 1", same));
    p.same_top = same == 1;
    p.log_p_base = r.F64();
    p.log_p_model = r.F64();
  }
  return out;
}

}  // namespace cratio::dist
