// Poisson arrivals with continuous batching (see scenario_server.h).
#include "bench/scenario_server.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <random>
#include <thread>

#include "base/timer.h"

namespace cratio {

std::vector<double> PoissonArrivals(double rate_per_s, double duration_s, uint64_t seed) {
  std::vector<double> t;
  if (!(rate_per_s > 0) || !(duration_s > 0)) return t;
  std::mt19937_64 rng(seed);
  double now = 0.0;
  while (true) {
    const double u = static_cast<double>(rng() >> 11) * 0x1p-53;
    now += -std::log1p(-u) / rate_per_s;
    if (now >= duration_s) return t;
    t.push_back(now);
  }
}

double ServerResult::req_per_s() const {
  return wall_s > 0 ? static_cast<double>(requests.size()) / wall_s : 0.0;
}
double ServerResult::out_tok_per_s() const {
  int64_t tokens = 0;
  for (const ServedRequest& r : requests) tokens += r.gen_tokens;
  return wall_s > 0 ? static_cast<double>(tokens) / wall_s : 0.0;
}
double ServerResult::goodput_req_per_s() const {
  int64_t good = 0;
  for (const ServedRequest& r : requests) good += r.met_limits ? 1 : 0;
  return wall_s > 0 ? static_cast<double>(good) / wall_s : 0.0;
}
double ServerResult::slo_attainment() const {
  if (requests.empty()) return 0.0;
  int64_t good = 0;
  for (const ServedRequest& r : requests) good += r.met_limits ? 1 : 0;
  return static_cast<double>(good) / static_cast<double>(requests.size());
}

namespace {

// A request holding a sequence slot.
struct Slot {
  int64_t request = -1;   // index into the result's requests; -1: free
  int64_t prefilled = 0;  // prompt tokens in the cache
  int64_t generated = 0;  // tokens chosen so far
  int32_t next_token = 0;
  double first_token_s = 0.0;
};

}  // namespace

Result<ServerResult> RunServer(Session& session, const ServerOptions& o, EnergyMeter* meter) {
  const bool metered = meter != nullptr && meter->available();
  if (!(o.rate_per_s > 0) || !(o.duration_s > 0)) {
    return InvalidInput("bench: --rate {} and --duration {} must be > 0", o.rate_per_s,
                        o.duration_s);
  }
  if (o.prompt.hi + o.gen.hi - 1 > session.n_ctx() || session.max_batch() < session.n_seq()) {
    return InvalidInput(
        "bench: server requests of up to {} + {} tokens need a context of "
        "that size and a batch of >= {} tokens (session: {} positions, {} "
        "tokens)",
        o.prompt.hi, o.gen.hi, session.n_seq(), session.n_ctx(), session.max_batch());
  }
  ServerResult result;
  result.options = o;
  result.max_concurrency = session.n_seq();
  const std::vector<double> arrivals = PoissonArrivals(o.rate_per_s, o.duration_s, o.seed);
  std::mt19937_64 rng(o.seed ^ 0xa5a5);
  std::uniform_int_distribution<int32_t> token_dist(0,
                                                    static_cast<int32_t>(session.vocab_size() - 1));
  for (double a : arrivals) {
    ServedRequest r;
    r.arrival_s = a;
    r.prompt_tokens = o.prompt.Draw(rng);
    r.gen_tokens = o.gen.Draw(rng);
    result.requests.push_back(r);
  }
  // Warm-up: one untimed prompt, so the first arrival does not pay for cold caches.
  {
    Batch warm(session.max_batch());
    std::mt19937_64 warm_rng(o.seed);
    CRATIO_RETURN_IF_ERROR(
        PrefillRandom(session, 0, std::min(o.prompt.lo, session.max_batch()), warm_rng, warm));
  }
  session.kv_cache().Clear();
  std::vector<Slot> slots(session.n_seq());
  std::deque<int64_t> waiting;
  size_t next_arrival = 0;
  int64_t finished = 0;
  const auto total = static_cast<int64_t>(result.requests.size());
  Batch batch(session.max_batch());
  std::vector<int64_t> row_slot;  // logits row -> slot
  int64_t decode_tokens_total = 0, decode_calls = 0;
  if (metered) CRATIO_RETURN_IF_ERROR(meter->Start());
  const Stopwatch sw;

  while (finished < total) {
    double now_s = sw.ElapsedS();
    while (next_arrival < result.requests.size() &&
           result.requests[next_arrival].arrival_s <= now_s) {
      waiting.push_back(static_cast<int64_t>(next_arrival++));
    }
    for (size_t s = 0; s < slots.size() && !waiting.empty(); ++s) {
      if (slots[s].request >= 0) continue;
      slots[s] = Slot{};
      slots[s].request = waiting.front();
      waiting.pop_front();
      ServedRequest& r = result.requests[slots[s].request];
      r.queue_ms = (now_s - r.arrival_s) * 1000.0;
      session.kv_cache().ClearSequence(static_cast<int64_t>(s));
    }
    // Decode tokens first (one per running request), then prompt chunks in the room left.
    batch.Clear();
    row_slot.clear();
    int64_t decoding = 0;
    for (size_t s = 0; s < slots.size(); ++s) {
      const Slot& sl = slots[s];
      if (sl.request < 0 || sl.generated == 0) continue;
      const ServedRequest& r = result.requests[sl.request];
      batch.Add(sl.next_token, static_cast<int32_t>(r.prompt_tokens + sl.generated - 1),
                static_cast<int32_t>(s), true);
      row_slot.push_back(static_cast<int64_t>(s));
      ++decoding;
    }
    for (size_t s = 0; s < slots.size(); ++s) {
      Slot& sl = slots[s];
      if (sl.request < 0 || sl.generated > 0) continue;
      const ServedRequest& r = result.requests[sl.request];
      while (sl.prefilled < r.prompt_tokens && batch.size() < session.max_batch() &&
             static_cast<int64_t>(row_slot.size()) < session.max_logits()) {
        const bool last = sl.prefilled == r.prompt_tokens - 1;
        batch.Add(token_dist(rng), static_cast<int32_t>(sl.prefilled), static_cast<int32_t>(s),
                  last);
        if (last) row_slot.push_back(static_cast<int64_t>(s));
        ++sl.prefilled;
      }
    }
    if (batch.empty()) {
      // Idle: sleep until the next arrival.
      if (next_arrival < result.requests.size()) {
        const double wait_s = result.requests[next_arrival].arrival_s - sw.ElapsedS();
        if (wait_s > 0) std::this_thread::sleep_for(std::chrono::duration<double>(wait_s));
      }
      continue;
    }
    CRATIO_RETURN_IF_ERROR(session.Forward(batch));
    ++result.num_forward_calls;
    if (decoding > 0) {
      decode_tokens_total += decoding;
      ++decode_calls;
    }
    now_s = sw.ElapsedS();
    for (size_t row = 0; row < row_slot.size(); ++row) {
      Slot& sl = slots[row_slot[row]];
      ServedRequest& r = result.requests[sl.request];
      sl.next_token = ArgMax(session.logits(static_cast<int64_t>(row)), session.vocab_size());
      if (++sl.generated == 1) {
        sl.first_token_s = now_s;
        r.ttft_ms = (now_s - r.arrival_s) * 1000.0;
      }
      if (sl.generated == r.gen_tokens) {
        r.e2e_ms = (now_s - r.arrival_s) * 1000.0;
        r.tpot_ms = r.gen_tokens > 1 ? (now_s - sl.first_token_s) * 1000.0 /
                                           static_cast<double>(r.gen_tokens - 1)
                                     : 0.0;
        r.met_limits = r.ttft_ms <= o.ttft_limit_ms && r.tpot_ms <= o.tpot_limit_ms;
        sl.request = -1;
        ++finished;
      }
    }
  }
  result.wall_s = sw.ElapsedS();
  if (metered) {
    CRATIO_ASSIGN_OR_RETURN(const double joules, meter->StopJoules());
    result.energy_j = joules;
  }
  result.mean_decode_batch =
      decode_calls > 0 ? static_cast<double>(decode_tokens_total) / decode_calls : 0.0;
  session.kv_cache().Clear();
  return result;
}

}  // namespace cratio
