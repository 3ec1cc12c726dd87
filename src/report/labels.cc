// The English and Chinese label tables.
#include "report/labels.h"

namespace cratio::report {
namespace {

constexpr Labels kEnglish = {
    .title = "cratio evaluation report",
    .base_model = "Base model",
    .environment = "Environment",
    .threads = "threads",
    .kernels = "kernels",
    .run = "Run",
    .variant = "Variant",
    .recipe = "recipe",
    .parameters = "parameters",
    .compression_ratios = "Compression ratios",
    .ratio_legend = "ratio = compressed / original, factor = original / compressed",
    .params_total = "Parameters (total)",
    .params_nonzero = "Parameters (non-zero)",
    .file_size = "File size",
    .bits_per_weight = "Bits per weight",
    .flops_per_token = "FLOPs per token",
    .peak_memory = "Peak memory",
    .latency = "Latency",
    .ratio = "ratio",
    .factor = "factor",
    .performance_retention = "Performance retention",
    .retention = "retention",
    .items = "items",
    .flips_right_to_wrong = "flips right→wrong",
    .flips_wrong_to_right = "wrong→right",
    .mcnemar_p = "McNemar p",
    .agreement = "agreement",
    .worst_slice = "worst slice",
    .perplexity = "Perplexity",
    .tokens = "tokens",
    .kl = "KL",
    .top1_agreement = "top-1 agreement",
    .overall_retention = "Overall retention",
    .inference_efficiency = "Inference efficiency",
    .ttft = "TTFT",
    .tokens_per_s = "tok/s",
    .speedup = "speedup",
    .slower_in = "slower in",
    .resources = "Resources",
    .peak_rss = "peak RSS",
    .kv_cache = "KV cache",
    .per_token = "/token",
    .energy = "energy",
    .unavailable = "unavailable",
    .efficiency_score = "Efficiency score (retention / ratio)",
    .overall_score = "Overall score",
    .pareto_front = "Pareto front",
    .yes = "yes",
    .no = "no",
    .overall_verdict = "Overall verdict",
    .value = "value",
    .ci_bound = "95 % CI bound",
    .margin = "margin",
    .not_measured = "not measured",
    .fake_compression = "Fake-compression check",
    .on_disk = "on disk",
    .claimed = "claimed",
    .tolerance = "tolerance",
    .calibration_overlap = "Calibration overlap",
    .items_share_ngram = "items share an n-gram with the calibration text",
    .passes_all = "passes all requirements",
    .fails_some = "fails a requirement",
    .summary = "Summary",
    .best_variant = "Best variant passing all requirements",
    .no_variant_passes = "No variant passes all requirements",
    .highest_score = "Highest overall score",
    .requirements = "Requirements",
    .none = "none",
    .layer_error = "Per-layer relative weight error",
    .size_vs_retention = "Size vs retention (Pareto front)",
    .latency_distribution = "Latency distribution (P50 / P90 / P99)",
    .task_retention = "Retention per task (95 % CI)",
    .base_label = "base",
    .overview = "Overview",
    .task = "Task",
    .metric = "Metric",
    .dimension = "Dimension",
    .original = "Original",
    .compressed = "Compressed",
    .scenario = "Scenario",
    .checks = "Checks",
};

constexpr Labels kChinese = {
    .title = "cratio 评估报告",
    .base_model = "基准模型",
    .environment = "运行环境",
    .threads = "线程",
    .kernels = "计算内核",
    .run = "运行",
    .variant = "变体",
    .recipe = "配方",
    .parameters = "参数",
    .compression_ratios = "压缩比",
    .ratio_legend = "比率 = 压缩后 / 原始，倍数 = 原始 / 压缩后",
    .params_total = "参数量（总计）",
    .params_nonzero = "参数量（非零）",
    .file_size = "文件大小",
    .bits_per_weight = "每权重比特数",
    .flops_per_token = "每词元浮点运算量",
    .peak_memory = "峰值内存",
    .latency = "延迟",
    .ratio = "比率",
    .factor = "倍数",
    .performance_retention = "性能保持率",
    .retention = "保持率",
    .items = "题",
    .flips_right_to_wrong = "对→错翻转",
    .flips_wrong_to_right = "错→对",
    .mcnemar_p = "McNemar 检验 p 值",
    .agreement = "一致率",
    .worst_slice = "最差子集",
    .perplexity = "困惑度",
    .tokens = "词元",
    .kl = "KL 散度",
    .top1_agreement = "首选词一致率",
    .overall_retention = "总体保持率",
    .inference_efficiency = "推理效率",
    .ttft = "首词元延迟",
    .tokens_per_s = "词元/秒",
    .speedup = "加速比",
    .slower_in = "变慢区域",
    .resources = "资源",
    .peak_rss = "峰值常驻内存",
    .kv_cache = "KV 缓存",
    .per_token = "/词元",
    .energy = "能耗",
    .unavailable = "不可用",
    .efficiency_score = "效率分数（保持率 / 比率）",
    .overall_score = "综合分数",
    .pareto_front = "帕累托前沿",
    .yes = "是",
    .no = "否",
    .overall_verdict = "总体结论",
    .value = "数值",
    .ci_bound = "95% 置信区间边界",
    .margin = "余量",
    .not_measured = "未测量",
    .fake_compression = "虚假压缩检查",
    .on_disk = "磁盘占用",
    .claimed = "声称",
    .tolerance = "容差",
    .calibration_overlap = "校准文本重叠",
    .items_share_ngram = "题与校准文本共享 n 元组",
    .passes_all = "满足全部要求",
    .fails_some = "未满足要求",
    .summary = "总结",
    .best_variant = "满足全部要求的最佳变体",
    .no_variant_passes = "没有变体满足全部要求",
    .highest_score = "综合分数最高",
    .requirements = "要求",
    .none = "无",
    .layer_error = "逐层相对权重误差",
    .size_vs_retention = "大小与保持率（帕累托前沿）",
    .latency_distribution = "延迟分布（P50 / P90 / P99）",
    .task_retention = "各任务保持率（95% 置信区间）",
    .base_label = "基准",
    .overview = "概览",
    .task = "任务",
    .metric = "指标",
    .dimension = "维度",
    .original = "原始",
    .compressed = "压缩后",
    .scenario = "场景",
    .checks = "检查",
};

}  // namespace

Result<Lang> ParseLang(std::string_view text) {
  if (text == "en") return Lang::kEn;
  if (text == "zh" || text == "zh-CN" || text == "cn") return Lang::kZh;
  return InvalidInput("--lang '{}': expected 'en' or 'zh'", text);
}

const Labels& LabelsFor(Lang lang) { return lang == Lang::kZh ? kChinese : kEnglish; }

std::string_view DimensionLabel(const Labels& l, compare::SizeDimension d) {
  switch (d) {
    case compare::SizeDimension::kParamsTotal: return l.params_total;
    case compare::SizeDimension::kParamsNonzero: return l.params_nonzero;
    case compare::SizeDimension::kFileBytes: return l.file_size;
    case compare::SizeDimension::kBitsPerWeight: return l.bits_per_weight;
    case compare::SizeDimension::kFlopsPerToken: return l.flops_per_token;
    case compare::SizeDimension::kPeakMemory: return l.peak_memory;
  }
  return "?";
}

std::string_view DimensionLabel(const Labels& l, std::string_view key) {
  if (const auto d = compare::SizeDimensionFromKey(key)) return DimensionLabel(l, *d);
  if (key == "latency") return l.latency;
  return key;
}

}  // namespace cratio::report
