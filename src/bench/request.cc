// Benchmark requests (see request.h).
#include "bench/request.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "base/timer.h"

namespace cratio {

std::string LengthRange::Label() const {
  return fixed() ? fmt::format("{}", lo) : fmt::format("{}-{}", lo, hi);
}

int64_t LengthRange::Draw(std::mt19937_64& rng) const {
  if (fixed()) return lo;
  return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
}

namespace {

bool ParseInt(std::string_view s, int64_t* out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}

}  // namespace

Result<std::vector<LengthRange>> ParseLengthList(const std::string& flag, const std::string& text,
                                                 int64_t min_value) {
  std::vector<LengthRange> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view item(text.data() + start, comma - start);
    LengthRange r;
    const size_t dash = item.find('-');
    const bool ok = dash == std::string_view::npos ? ParseInt(item, &r.lo) && ((r.hi = r.lo), true)
                                                   : ParseInt(item.substr(0, dash), &r.lo) &&
                                                         ParseInt(item.substr(dash + 1), &r.hi);
    if (!ok || r.lo < min_value || r.hi < r.lo) {
      return InvalidInput(
          "{} '{}': item '{}' is not a length >= {} or a range LO-HI with "
          "{} <= LO <= HI",
          flag, text, item, min_value, min_value);
    }
    out.push_back(r);
    start = comma + 1;
  }
  return out;
}

double RequestTiming::tpot_ms() const {
  return gen_tokens > 1 ? (e2e_ms - ttft_ms) / static_cast<double>(gen_tokens - 1) : 0.0;
}

int32_t ArgMax(const float* logits, int64_t n) {
  int64_t best = 0;
  for (int64_t i = 1; i < n; ++i) {
    if (logits[i] > logits[best]) best = i;
  }
  return static_cast<int32_t>(best);
}

namespace {

Status CheckFits(const Session& session, int32_t seq, int64_t prompt_tokens, int64_t gen_tokens) {
  if (prompt_tokens < 1 || gen_tokens < 1 || seq < 0 || seq >= session.n_seq()) {
    return InvalidInput(
        "bench: request of {} prompt / {} generated tokens in sequence {} "
        "(need >= 1 each, sequence < {})",
        prompt_tokens, gen_tokens, seq, session.n_seq());
  }
  if (prompt_tokens + gen_tokens - 1 > session.n_ctx()) {
    return InvalidInput(
        "bench: {} prompt + {} generated tokens exceed the context of {} "
        "positions",
        prompt_tokens, gen_tokens, session.n_ctx());
  }
  return Status::Ok();
}

}  // namespace

Status PrefillRandom(Session& session, int32_t seq, int64_t prompt_tokens, std::mt19937_64& rng,
                     Batch& batch) {
  CRATIO_RETURN_IF_ERROR(CheckFits(session, seq, prompt_tokens, 1));
  std::uniform_int_distribution<int32_t> token_dist(0,
                                                    static_cast<int32_t>(session.vocab_size() - 1));
  session.kv_cache().ClearSequence(seq);
  const int64_t chunk = session.max_batch();
  for (int64_t begin = 0; begin < prompt_tokens; begin += chunk) {
    const int64_t end = std::min(prompt_tokens, begin + chunk);
    batch.Clear();
    for (int64_t i = begin; i < end; ++i) {
      batch.Add(token_dist(rng), static_cast<int32_t>(i), seq, i == prompt_tokens - 1);
    }
    CRATIO_RETURN_IF_ERROR(session.Forward(batch));
  }
  return Status::Ok();
}

Result<RequestTiming> RunRequest(Session& session, int32_t seq, int64_t prompt_tokens,
                                 int64_t gen_tokens, std::mt19937_64& rng, Batch& batch) {
  CRATIO_RETURN_IF_ERROR(CheckFits(session, seq, prompt_tokens, gen_tokens));
  RequestTiming t;
  t.prompt_tokens = prompt_tokens;
  t.gen_tokens = gen_tokens;
  t.itl_ms.reserve(gen_tokens > 0 ? gen_tokens - 1 : 0);
  const Stopwatch sw;
  CRATIO_RETURN_IF_ERROR(PrefillRandom(session, seq, prompt_tokens, rng, batch));
  int32_t token = ArgMax(session.logits(0), session.vocab_size());
  double last_ms = sw.ElapsedMs();
  t.ttft_ms = last_ms;
  for (int64_t i = 1; i < gen_tokens; ++i) {
    batch.Clear();
    batch.Add(token, static_cast<int32_t>(prompt_tokens + i - 1), seq, true);
    CRATIO_RETURN_IF_ERROR(session.Forward(batch));
    token = ArgMax(session.logits(0), session.vocab_size());
    const double now_ms = sw.ElapsedMs();
    t.itl_ms.push_back(now_ms - last_ms);
    last_ms = now_ms;
  }
  t.e2e_ms = last_ms;
  return t;
}

}  // namespace cratio
