// Per-tensor type plans and the row-parallel quantizer behind every quantization method.
#include "compress/quantize.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "base/progress.h"
#include "compress/methods.h"
#include "model/convert.h"
#include "numeric/half.h"
#include "tensor/tensor.h"

namespace cratio {

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string Describe(DType dtype, const Shape& shape) {
  return fmt::format("{} {}", DTypeName(dtype), shape.ToString());
}

// Importances for `name` as the weighted quantizers take them: Σx² per input channel
// (llama.cpp's imatrix holds the mean; the scale does not change the argmin). Empty when
// there is no calibration for this tensor or its width differs.
std::vector<float> ImportanceFor(const CompressionContext& ctx, const std::string& name,
                                 int64_t cols) {
  std::vector<float> out;
  if (ctx.calib == nullptr) return out;
  auto it = ctx.calib->by_tensor.find(name);
  if (it == ctx.calib->by_tensor.end()) return out;
  const ActivationStats& st = it->second;
  if (static_cast<int64_t>(st.sum_sq.size()) != cols || st.num_tokens <= 0) return out;
  out.resize(cols);
  const double inv_tokens = 1.0 / static_cast<double>(st.num_tokens);
  for (int64_t c = 0; c < cols; ++c) out[c] = static_cast<float>(st.sum_sq[c] * inv_tokens);
  return out;
}

// Drops the resident pages of a re-typed tensor's source when it lies in one of the
// model's read-only file mappings (they are clean: the kernel re-reads them if touched
// again), so peak memory holds the outputs, not the whole source as well.
void ReleaseSourcePages(const ModelFile& model, const TensorView& src) {
  const auto* begin = static_cast<const uint8_t*>(src.data);
  for (const auto& m : model.mappings) {
    if (m == nullptr || m->data() == nullptr) continue;
    if (begin < m->data() || begin + src.size_bytes > m->data() + m->size()) continue;
    const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    // Whole pages inside the tensor only: neighbours may still be needed.
    const uintptr_t lo = (reinterpret_cast<uintptr_t>(begin) + page - 1) / page * page;
    const uintptr_t hi = (reinterpret_cast<uintptr_t>(begin) + src.size_bytes) / page * page;
    if (hi > lo) madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_DONTNEED);
    return;
  }
}

}  // namespace

bool IsQuantizableTensor(const TensorEntry& e) {
  return e.view.shape.rank() == 2 && EndsWith(e.name, "weight");
}

bool GlobMatch(std::string_view pattern, std::string_view name) {
  // Iterative matcher with one backtrack point per '*'.
  size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p, ++n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool IsWeightDType(DType dtype) {
  if (dtype == DType::kF32 || dtype == DType::kF16 || dtype == DType::kBF16) return true;
  const DTypeInfo& info = GetDTypeInfo(dtype);
  return info.is_quantized && dtype != DType::kQ8_K && info.quantize_row != nullptr;
}

DType FitDType(DType wanted, int64_t cols, std::string_view tensor_name, std::string* note) {
  if (RowFitsBlocks(wanted, cols)) return wanted;
  DType fallback = DType::kF16;
  switch (wanted) {
    case DType::kQ2_K:
    case DType::kQ3_K: fallback = DType::kQ4_0; break;
    case DType::kQ4_K: fallback = DType::kQ5_0; break;
    case DType::kQ5_K: fallback = DType::kQ5_1; break;
    case DType::kQ6_K: fallback = DType::kQ8_0; break;
    default: break;
  }
  if (!RowFitsBlocks(fallback, cols)) fallback = DType::kF16;
  if (note != nullptr) {
    *note = fmt::format("{}: rows of {} elements do not fit {}'s {}-element blocks; stored as {}",
                        tensor_name, cols, DTypeName(wanted), GetDTypeInfo(wanted).block_size,
                        DTypeName(fallback));
  }
  return fallback;
}

QuantizedTensor QuantizeTensor(const TensorView& src, DType dtype, const float* importance,
                               ThreadPool* pool) {
  const int64_t rows = src.rows();
  const int64_t cols = src.cols();
  const int64_t dst_row_bytes = RowBytes(dtype, cols);
  QuantizedTensor out;
  out.buffer = std::make_shared<AlignedBuffer>(TensorBytes(dtype, src.shape));
  const DTypeInfo& info = GetDTypeInfo(dtype);
  const bool weighted = importance != nullptr && info.is_quantized &&
                        info.quantize_row_weighted != nullptr;
  const int num_threads = pool == nullptr ? 1 : pool->num_threads();
  // Per-thread error sums, padded apart so threads do not share a cache line.
  std::vector<double> err_sq(num_threads * 8, 0.0), ref_sq(num_threads * 8, 0.0);
  auto run = [&](int64_t begin, int64_t end, int thread_idx) {
    std::vector<float> row(cols), back(cols);
    double e2 = 0.0, r2 = 0.0;
    for (int64_t r = begin; r < end; ++r) {
      std::byte* dst = out.buffer->data() + r * dst_row_bytes;
      LoadRowF32(src.row(r), src.dtype, cols, row.data());
      if (weighted) {
        info.quantize_row_weighted(row.data(), dst, cols, importance);
      } else {
        StoreRowF32(row.data(), dtype, cols, dst);
      }
      LoadRowF32(dst, dtype, cols, back.data());
      for (int64_t c = 0; c < cols; ++c) {
        const double d = static_cast<double>(row[c]) - back[c];
        e2 += d * d;
        r2 += static_cast<double>(row[c]) * row[c];
      }
    }
    err_sq[thread_idx * 8] += e2;
    ref_sq[thread_idx * 8] += r2;
  };
  if (pool == nullptr || num_threads <= 1 || rows * cols < (1 << 15)) {
    run(0, rows, 0);
  } else {
    pool->ParallelFor(rows, 1, run);
  }
  double e2 = 0.0, r2 = 0.0;
  for (int t = 0; t < num_threads; ++t) e2 += err_sq[t * 8], r2 += ref_sq[t * 8];
  out.rel_error = r2 > 0.0 ? std::sqrt(e2 / r2) : (e2 > 0.0 ? 1.0 : 0.0);
  return out;
}

Status ApplyTypePlan(ModelFile& model, const TypeChooser& choose, uint32_t file_type,
                     const CompressionContext& ctx, CompressionReport* report) {
  for (const auto& override_entry : ctx.tensor_type_overrides) {
    // A named copy: clang 14 cannot capture structured bindings in the lambda below.
    const std::string& pattern = override_entry.first;
    const DType dtype = override_entry.second;
    if (!IsWeightDType(dtype)) {
      return InvalidInput("--tensor-type {}={}: {} cannot hold weights", pattern,
                          DTypeName(dtype), DTypeName(dtype));
    }
    const bool any = std::any_of(model.tensors.begin(), model.tensors.end(),
                                 [&](const TensorEntry& e) { return GlobMatch(pattern, e.name); });
    if (!any) {
      return InvalidInput("--tensor-type {}={}: the pattern matches no tensor of '{}'", pattern,
                          DTypeName(dtype), model.path);
    }
  }
  int64_t total_elements = 0;
  for (const TensorEntry& e : model.tensors) total_elements += e.view.num_elements();
  ProgressBar progress("quantize", std::max<int64_t>(1, total_elements / 1'000'000), "M weights");
  int64_t done_elements = 0;

  for (TensorEntry& e : model.tensors) {
    const TensorView src = e.view;
    const DTypeInfo& src_info = GetDTypeInfo(src.dtype);
    const bool convertible = src.dtype == DType::kF32 || src.dtype == DType::kF16 ||
                             src.dtype == DType::kBF16 ||
                             (src_info.is_quantized && src_info.dequantize_row != nullptr);
    DType target = src.dtype;
    std::string note;
    if (IsQuantizableTensor(e)) {
      target = choose(e);
      for (const auto& [pattern, dtype] : ctx.tensor_type_overrides) {
        if (GlobMatch(pattern, e.name)) target = dtype;  // the last matching override wins
      }
      if (target != src.dtype) target = FitDType(target, src.cols(), e.name, &note);
    } else if (src.shape.rank() == 1 && src.dtype != DType::kF32 && convertible &&
               src.dtype != DType::kF64) {
      target = DType::kF32;
    }
    if (target != src.dtype && !convertible) {
      return InvalidInput("quantize: tensor '{}' is stored as {}, which cratio cannot convert",
                          e.name, DTypeName(src.dtype));
    }
    if (target != src.dtype && !RowFitsBlocks(src.dtype, src.cols())) {
      return InvalidInput("quantize: tensor '{}' ({} {}) has rows that do not fit its own blocks",
                          e.name, DTypeName(src.dtype), src.shape.ToString());
    }
    TensorChange change;
    change.name = e.name;
    change.before = Describe(src.dtype, src.shape);
    // The report's note leaves out the name its row already shows.
    change.note = note.empty() ? note : note.substr(e.name.size() + 2);
    if (!note.empty()) report->notes.push_back(note);
    if (target != src.dtype) {
      const std::vector<float> importance = ImportanceFor(ctx, e.name, src.cols());
      QuantizedTensor q = QuantizeTensor(src, target, importance.empty() ? nullptr : importance.data(),
                                         ctx.pool);
      e.view = TensorView{target, src.shape, q.buffer->data(), q.buffer->size()};
      model.owned.push_back(std::move(q.buffer));
      ReleaseSourcePages(model, src);
      change.rel_error = q.rel_error;
      if (!importance.empty() && GetDTypeInfo(target).is_quantized) {
        change.note += change.note.empty() ? "importance-weighted" : "; importance-weighted";
      }
    }
    change.after = Describe(e.view.dtype, e.view.shape);
    if (src.shape.rank() == 2 || target != src.dtype) report->tensors.push_back(std::move(change));
    done_elements += src.num_elements();
    progress.Update(done_elements / 1'000'000);
  }
  progress.Finish();

  model.metadata.Set("general.file_type", MetaValue::U32(file_type));
  model.metadata.Set("general.quantization_version", MetaValue::U32(2));
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------
// The plain quantization method: every 2-D weight to one type.

namespace {

class QuantizeMethod : public CompressionMethod {
 public:
  explicit QuantizeMethod(DType dtype) : dtype_(dtype) {}
  std::string spec() const override { return std::string(DTypeName(dtype_)); }
  Status Apply(ModelFile& model, const CompressionContext& ctx,
               CompressionReport* report) const override {
    const DType dtype = dtype_;
    return ApplyTypePlan(model, [dtype](const TensorEntry&) { return dtype; },
                         LlamaFileType(dtype_), ctx, report);
  }

 private:
  DType dtype_;
};

}  // namespace

std::unique_ptr<CompressionMethod> MakeQuantizeMethod(DType dtype) {
  return std::make_unique<QuantizeMethod>(dtype);
}

}  // namespace cratio
