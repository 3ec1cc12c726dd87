// Memory and context guards: estimate from ComputeAccounting, limit from /proc/meminfo.
#include "model/memory_guard.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "base/cpu_features.h"
#include "model/accounting.h"

namespace cratio {
namespace {

// "1.50 GiB", "12.3 MiB", "4.0 KiB": the size in the unit that reads best.
std::string Human(uint64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (bytes >= (uint64_t{1} << 30)) return fmt::format("{:.2f} GiB", b / double(uint64_t{1} << 30));
  if (bytes >= (uint64_t{1} << 20)) return fmt::format("{:.1f} MiB", b / double(uint64_t{1} << 20));
  return fmt::format("{:.1f} KiB", b / 1024.0);
}

uint64_t SaturatingMul(uint64_t a, uint64_t b) {
  uint64_t out = 0;
  return __builtin_mul_overflow(a, b, &out) ? UINT64_MAX : out;
}

uint64_t SaturatingAdd(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

}  // namespace

Result<RunMemory> EstimateRunMemory(const ModelFile& file, const ModelConfig& config,
                                    int64_t n_ctx, int64_t n_seq, int64_t batch_tokens) {
  if (n_ctx <= 0 || n_seq <= 0 || batch_tokens <= 0) {
    return InvalidInput("memory estimate: n_ctx {}, n_seq {} and batch {} must be > 0", n_ctx,
                        n_seq, batch_tokens);
  }
  AccountingOptions opts;
  opts.context_length = n_ctx;
  opts.count_nonzero = false;
  CRATIO_ASSIGN_OR_RETURN(const ModelAccounting acc, ComputeAccounting(file, &config, opts));
  RunMemory m;
  m.weight_bytes = acc.weight_bytes;
  m.kv_cache_bytes = SaturatingMul(acc.kv_cache_bytes, static_cast<uint64_t>(n_seq));
  const uint64_t positions = SaturatingMul(static_cast<uint64_t>(n_ctx), static_cast<uint64_t>(n_seq));
  const uint64_t batch = std::min<uint64_t>(static_cast<uint64_t>(batch_tokens), positions);
  m.scratch_bytes = SaturatingMul(acc.scratch_bytes, batch);
  m.total_bytes = SaturatingAdd(SaturatingAdd(m.weight_bytes, m.kv_cache_bytes), m.scratch_bytes);
  return m;
}

uint64_t AvailableMemoryBytes() {
  std::ifstream in("/proc/meminfo");
  std::string key, unit;
  uint64_t value = 0;
  while (in >> key >> value >> unit) {
    if (key == "MemAvailable:" && unit == "kB") return value * 1024;
  }
  return TotalMemoryBytes();
}

Status CheckRunMemory(const RunMemory& need, uint64_t max_memory_bytes, std::string_view what) {
  if (need.total_bytes <= max_memory_bytes) return Status::Ok();
  return ResourceExhausted(
      "{}: needs {} bytes ({}: weights {} + KV cache {} + scratch {} bytes) but --max-memory "
      "allows {} bytes ({}); lower --ctx, use a smaller model or raise --max-memory",
      what, need.total_bytes, Human(need.total_bytes), need.weight_bytes, need.kv_cache_bytes,
      need.scratch_bytes, max_memory_bytes, Human(max_memory_bytes));
}

Status CheckContextLength(const ModelConfig& config, int64_t n_ctx, std::string_view what) {
  if (config.context_length > 0 && n_ctx > config.context_length) {
    return InvalidInput("{}: context {} is longer than the model's context length {} ('{}.context_length')",
                        what, n_ctx, config.context_length, config.arch_name);
  }
  return Status::Ok();
}

Result<uint64_t> ParseMaxMemory(std::string_view text) {
  if (text.empty()) return AvailableMemoryBytes();
  const std::string s(text);
  char* end = nullptr;
  const double number = std::strtod(s.c_str(), &end);
  std::string suffix(end);
  for (const char* tail : {"iB", "B"}) {
    if (suffix.size() > 1 && suffix.size() >= std::string_view(tail).size() &&
        suffix.compare(suffix.size() - std::string_view(tail).size(), std::string::npos, tail) == 0) {
      suffix.resize(suffix.size() - std::string_view(tail).size());
      break;
    }
  }
  int shift = -1;
  if (suffix.empty() || suffix == "B") shift = 0;
  if (suffix == "K" || suffix == "k") shift = 10;
  if (suffix == "M") shift = 20;
  if (suffix == "G") shift = 30;
  if (suffix == "T") shift = 40;
  const double bytes = number * std::ldexp(1.0, shift < 0 ? 0 : shift);
  if (end == s.c_str() || shift < 0 || !std::isfinite(number) || number <= 0 || bytes >= 1.8e19) {
    return InvalidInput("--max-memory '{}': expected a positive size such as 4096, 512M, 1.5G "
                        "or 8GiB", s);
  }
  return static_cast<uint64_t>(bytes);
}

}  // namespace cratio
