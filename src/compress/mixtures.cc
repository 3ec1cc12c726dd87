// llama.cpp's k-quant mixtures as per-tensor type rules, and the method that applies them.
#include "compress/mixtures.h"

#include <memory>
#include <string>

#include "compress/methods.h"
#include "compress/quantize.h"
#include "model/tensor_names.h"

namespace cratio {

namespace {

struct PresetRow {
  MixturePreset preset;
  std::string_view name;
  uint32_t file_type;
  DType base;
};
constexpr PresetRow kPresets[] = {
    {MixturePreset::kQ3_K_S, "q3_k_s", 11, DType::kQ3_K},
    {MixturePreset::kQ3_K_M, "q3_k_m", 12, DType::kQ3_K},
    {MixturePreset::kQ3_K_L, "q3_k_l", 13, DType::kQ3_K},
    {MixturePreset::kQ4_K_S, "q4_k_s", 14, DType::kQ4_K},
    {MixturePreset::kQ4_K_M, "q4_k_m", 15, DType::kQ4_K},
    {MixturePreset::kQ5_K_S, "q5_k_s", 16, DType::kQ5_K},
    {MixturePreset::kQ5_K_M, "q5_k_m", 17, DType::kQ5_K},
};

const PresetRow& RowOf(MixturePreset preset) {
  for (const PresetRow& r : kPresets) {
    if (r.preset == preset) return r;
  }
  return kPresets[0];
}

class MixtureMethod : public CompressionMethod {
 public:
  explicit MixtureMethod(MixturePreset preset) : preset_(preset) {}
  std::string spec() const override { return std::string(MixtureName(preset_)); }
  Status Apply(ModelFile& model, const CompressionContext& ctx,
               CompressionReport* report) const override {
    const MixtureModelInfo info = MixtureInfoOf(model);
    const MixturePreset preset = preset_;
    return ApplyTypePlan(
        model, [&](const TensorEntry& e) { return MixtureTypeFor(preset, e, info); },
        MixtureFileType(preset_), ctx, report);
  }

 private:
  MixturePreset preset_;
};

}  // namespace

std::optional<MixturePreset> MixtureFromName(std::string_view name) {
  for (const PresetRow& r : kPresets) {
    if (r.name == name) return r.preset;
  }
  return std::nullopt;
}

std::string_view MixtureName(MixturePreset preset) { return RowOf(preset).name; }
uint32_t MixtureFileType(MixturePreset preset) { return RowOf(preset).file_type; }
DType MixtureBaseType(MixturePreset preset) { return RowOf(preset).base; }

MixtureModelInfo MixtureInfoOf(const ModelFile& model) {
  MixtureModelInfo info;
  info.has_output = false;
  int64_t max_layer = -1;
  for (const TensorEntry& e : model.tensors) {
    if (e.name == "output.weight") info.has_output = true;
    if (e.name.find("attn_v.weight") != std::string::npos ||
        e.name.find("attn_qkv.weight") != std::string::npos) {
      ++info.num_attn_v;
    }
    if (auto p = ParseTensorName(e.name); p && p->layer_idx > max_layer) max_layer = p->layer_idx;
  }
  const std::string arch = model.metadata.GetString("general.architecture").value_or("llama");
  info.num_layers = model.metadata.GetInt(arch + ".block_count").value_or(max_layer + 1);
  return info;
}

bool UseMoreBits(int64_t layer_idx, int64_t num_layers) {
  return layer_idx < num_layers / 8 || layer_idx >= 7 * num_layers / 8 ||
         (layer_idx - num_layers / 8) % 3 == 2;
}

DType MixtureTypeFor(MixturePreset preset, const TensorEntry& e, const MixtureModelInfo& info) {
  using P = MixturePreset;
  const DType base = MixtureBaseType(preset);
  const std::string& name = e.name;
  const std::optional<ParsedTensorName> parsed = ParseTensorName(name);
  const int64_t layer = parsed ? parsed->layer_idx : -1;

  // The output matrix (or a tied embedding standing in for it): q6_k, or q8_0 when its
  // rows do not fit the base type's blocks.
  if (name == "output.weight" || (!info.has_output && name == "token_embd.weight")) {
    if (e.view.cols() % GetDTypeInfo(base).block_size != 0) return DType::kQ8_0;
    return DType::kQ6_K;
  }
  if (name == "token_embd.weight") return base;
  if (name.find("attn_v.weight") != std::string::npos) {
    switch (preset) {
      case P::kQ3_K_M: return layer < 2 ? DType::kQ5_K : DType::kQ4_K;
      case P::kQ3_K_L: return DType::kQ5_K;
      case P::kQ4_K_M:
      case P::kQ5_K_M: return UseMoreBits(layer, info.num_attn_v) ? DType::kQ6_K : base;
      case P::kQ4_K_S: return layer < 4 ? DType::kQ5_K : base;
      default: return base;
    }
  }
  if (name.find("ffn_down") != std::string::npos) {
    const int64_t n = info.num_layers;
    switch (preset) {
      case P::kQ3_K_M: return layer < n / 16 ? DType::kQ5_K : DType::kQ4_K;
      case P::kQ3_K_L: return DType::kQ5_K;
      case P::kQ4_K_M:
      case P::kQ5_K_M: return UseMoreBits(layer, n) ? DType::kQ6_K : base;
      case P::kQ4_K_S: return layer < n / 8 ? DType::kQ5_K : base;
      default: return base;
    }
  }
  if (name.find("attn_output.weight") != std::string::npos) {
    if (preset == P::kQ3_K_M) return DType::kQ4_K;
    if (preset == P::kQ3_K_L) return DType::kQ5_K;
    return base;
  }
  if (name.find("attn_qkv.weight") != std::string::npos) {
    if (preset == P::kQ3_K_M || preset == P::kQ3_K_L) return DType::kQ4_K;
    if (preset == P::kQ4_K_M) return DType::kQ5_K;
    if (preset == P::kQ5_K_M) return DType::kQ6_K;
    return base;
  }
  return base;
}

Result<std::unique_ptr<CompressionMethod>> MakeMixtureMethod(std::string_view name) {
  const std::optional<MixturePreset> preset = MixtureFromName(name);
  if (!preset) return InvalidInput("unknown quantization mixture '{}'", name);
  return std::unique_ptr<CompressionMethod>(std::make_unique<MixtureMethod>(*preset));
}

}  // namespace cratio
