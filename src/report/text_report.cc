// Text report renderer: a small tree builder plus one function per section.
#include "report/text_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "report/format.h"

namespace cratio::report {
namespace {

// A tree node: its own line and its children. Rendered with ├─ / └─ / │ prefixes.
struct Node {
  std::string text;
  std::vector<Node> children;
  Node& Add(std::string t) {
    children.push_back(Node{std::move(t), {}});
    return children.back();
  }
};

void RenderChildren(const Node& n, const std::string& prefix, std::string* out) {
  for (size_t i = 0; i < n.children.size(); ++i) {
    const bool last = i + 1 == n.children.size();
    *out += prefix + (last ? "└─ " : "├─ ") + n.children[i].text + "\n";
    RenderChildren(n.children[i], prefix + (last ? "   " : "│  "), out);
  }
}

std::string RenderTree(const Node& root) {
  std::string out = root.text + "\n";
  RenderChildren(root, "", &out);
  return out;
}

// "0.990 [0.975, 1.005]"-style value with its interval, or the value alone.
std::string ValueAndCi(const Estimate& e, int decimals) {
  std::string s = FormatFixed(e.value, decimals);
  if (e.has_ci()) s += " " + FormatInterval(e, decimals);
  return s;
}

std::string PercentAndCi(const Estimate& e) {
  std::string s = FormatPercent(e.value);
  if (e.has_ci()) s += " " + FormatInterval(e, 1, 100.0);
  return s;
}

std::string Mark(bool ok) { return ok ? "✓" : "✗"; }

void AddRatios(const Labels& l, const VariantResult& v, Node* parent) {
  Node& n = parent->Add(fmt::format("{}  ({})", l.compression_ratios, l.ratio_legend));
  size_t width = 0;
  for (const compare::DimensionRatio& r : v.ratios) {
    width = std::max(width, DisplayWidth(DimensionLabel(l, r.dimension)));
  }
  for (const compare::DimensionRatio& r : v.ratios) {
    const std::string values = FormatSizeValue(r.dimension, r.original) + " → " +
                               FormatSizeValue(r.dimension, r.compressed);
    n.Add(fmt::format("{}  {}  {} {}  {} {}", PadRight(DimensionLabel(l, r.dimension), width),
                      PadRight(values, 24), l.ratio, FormatFixed(r.ratio, 3), l.factor,
                      std::isnan(r.factor) ? std::string(kMissing)
                                           : FormatFixed(r.factor, 2) + "×"));
  }
}

void AddRetention(const Labels& l, const VariantResult& v, Node* parent) {
  Node& n = parent->Add(std::string(l.performance_retention));
  for (const TaskQuality& t : v.tasks) {
    Node& tn = n.Add(fmt::format("{} ({}, {} {})  {} → {}  {} {}", t.task, t.metric,
                                 t.num_items, l.items, FormatFixed(t.base.value, 3),
                                 FormatFixed(t.variant.value, 3), l.retention,
                                 PercentAndCi(t.retention)));
    tn.Add(fmt::format("{} {}, {} {}, {} = {}, {} {}", l.flips_right_to_wrong,
                       t.flips_right_to_wrong, l.flips_wrong_to_right, t.flips_wrong_to_right,
                       l.mcnemar_p, FormatFixed(t.mcnemar_p, 3), l.agreement,
                       FormatPercent(t.agreement)));
    if (!t.worst_slice.empty()) {
      for (const SliceQuality& s : t.slices) {
        if (s.slice == t.worst_slice) {
          tn.Add(fmt::format("{}: {} {}", l.worst_slice, s.slice, PercentAndCi(s.retention)));
        }
      }
    }
  }
  if (v.perplexity) {
    const PerplexityComparison& p = *v.perplexity;
    n.Add(fmt::format("{} ({}, {} {})  {} → {} (×{})  {} {} nats  {} {}", l.perplexity, p.text,
                      p.num_tokens, l.tokens, FormatFixed(p.base_ppl.value, 2),
                      FormatFixed(p.variant_ppl.value, 2), ValueAndCi(p.ppl_ratio, 3), l.kl,
                      FormatFixed(p.kl_nats.value, 4), l.top1_agreement,
                      FormatPercent(p.top1_agreement.value)));
  }
  n.Add(fmt::format("{}  {}", l.overall_retention, PercentAndCi(v.overall_retention)));
}

std::string LatencyTriple(const LatencySummary& s) {
  return fmt::format("{}/{}/{} ms", FormatFixed(s.latency_p50_ms, 1),
                     FormatFixed(s.latency_p90_ms, 1), FormatFixed(s.latency_p99_ms, 1));
}

void AddEfficiency(const Labels& l, const VariantResult& v, Node* parent) {
  Node& n = parent->Add(std::string(l.inference_efficiency));
  for (const ScenarioPerformance& s : v.scenarios) {
    Node& sn = n.Add(fmt::format(
        "{}  {} P50/P90/P99 {} → {}  {} P99 {} → {} ms  {} → {} {}  {} {}×{}", s.scenario,
        l.latency, LatencyTriple(s.base), LatencyTriple(s.variant), l.ttft,
        FormatFixed(s.base.ttft_p99_ms, 1), FormatFixed(s.variant.ttft_p99_ms, 1),
        FormatFixed(s.base.tokens_per_s, 1), FormatFixed(s.variant.tokens_per_s, 1),
        l.tokens_per_s, l.speedup, FormatFixed(s.speedup.value, 2),
        s.speedup.has_ci() ? " " + FormatInterval(s.speedup, 2) : ""));
    for (const std::string& region : s.slower_regions) {
      sn.Add(fmt::format("✗ {}: {}", l.slower_in, region));
    }
  }
  const ResourceUsage& r = v.resources;
  const std::string energy =
      std::isnan(r.energy_j)
          ? fmt::format("{} {}: {}", l.energy, l.unavailable, r.energy_unavailable_reason)
          : fmt::format("{} {:.1f} J", l.energy, r.energy_j);
  n.Add(fmt::format("{}  {} {}  {} {}{}  {}", l.resources, l.peak_rss,
                    FormatBytes(r.peak_rss_bytes), l.kv_cache, FormatBytes(r.kv_bytes_per_token),
                    l.per_token, energy));
  Node& en = n.Add(std::string(l.efficiency_score));
  size_t width = 0;
  for (const EfficiencyEntry& e : v.efficiency) {
    width = std::max(width, DisplayWidth(DimensionLabel(l, e.dimension)));
  }
  for (const EfficiencyEntry& e : v.efficiency) {
    en.Add(fmt::format("{}  {}", PadRight(DimensionLabel(l, e.dimension), width),
                       ValueAndCi(e.score, 2)));
  }
  n.Add(fmt::format("{}  {}  ·  {}: {}", l.overall_score, ValueAndCi(v.overall_score, 2),
                    l.pareto_front, v.on_pareto_front ? l.yes : l.no));
}

void AddVerdict(const Labels& l, const EvalResult& r, const VariantResult& v, Node* parent) {
  Node& n = parent->Add(std::string(l.overall_verdict));
  for (const compare::ConstraintCheck& c : v.constraints) {
    const compare::Constraint& k = c.constraint;
    std::string line = fmt::format("{} {} {} {}", Mark(c.pass), k.metric,
                                   compare::CompareOpSymbol(k.op), FormatShort(k.threshold));
    if (!c.measured) {
      line += fmt::format("  ({})", l.not_measured);
    } else {
      line += fmt::format("  {} {}", l.value, FormatShort(c.value));
      if (c.bound != c.value) line += fmt::format(", {} {}", l.ci_bound, FormatShort(c.bound));
      line += fmt::format(", {} {}", l.margin, FormatShortSigned(c.margin));
    }
    n.Add(line);
  }
  if (v.fake_compression) {
    const compare::FakeCompressionCheck& f = *v.fake_compression;
    n.Add(fmt::format("{} {}: {} {} / {} {} ({}, {} ±{})", Mark(f.ok), l.fake_compression,
                      FormatBytes(f.file_bytes), l.on_disk, FormatBytes(f.expected_bytes),
                      l.claimed, FormatSigned(100.0 * f.relative_difference, 1) + " %",
                      l.tolerance, FormatPercent(f.tolerance, 0)));
  }
  if (v.calibration_overlap) {
    const compare::OverlapReport& o = *v.calibration_overlap;
    n.Add(fmt::format("{} {}: {}/{} {} (n = {})", Mark(o.num_items_overlapping == 0),
                      l.calibration_overlap, o.num_items_overlapping, o.num_items,
                      l.items_share_ngram, o.ngram));
  }
  if (!r.verdict.requirements.empty()) {
    n.Add(fmt::format("{} {}", Mark(v.passes_all_constraints),
                      v.passes_all_constraints ? l.passes_all : l.fails_some));
  }
}

}  // namespace

std::string RenderText(const EvalResult& r, Lang lang) {
  const Labels& l = LabelsFor(lang);
  std::string out = fmt::format("{}\n", l.title);
  const ModelInfo& b = r.base;
  out += fmt::format("{}: {}  (sha256 {}, {} {}, {})\n", l.base_model, b.name,
                     b.sha256.substr(0, 16), FormatCount(b.accounting.params_total),
                     l.parameters, FormatBytes(b.accounting.file_bytes));
  const EnvironmentInfo& e = r.environment;
  out += fmt::format("{}: {}, {} {}, {} {}, {}  [{}]\n", l.environment, e.cpu_model,
                     e.kernel_isa, l.kernels, e.num_threads, l.threads, e.os,
                     e.fingerprint.substr(0, 12));
  out += fmt::format("{}: {}  {} s\n", l.run, r.run.started_at_utc, FormatFixed(r.run.wall_s, 1));
  out += fmt::format("{}: {}\n", l.requirements,
                     r.verdict.requirements.empty() ? std::string(l.none) : r.verdict.requirements);
  for (const VariantResult& v : r.variants) {
    Node root{fmt::format("\n{} {}{}", l.variant, v.model.name,
                          v.model.recipe.empty() ? ""
                                                 : fmt::format("  ({} {})", l.recipe, v.model.recipe)),
              {}};
    AddRatios(l, v, &root);
    AddRetention(l, v, &root);
    AddEfficiency(l, v, &root);
    AddVerdict(l, r, v, &root);
    out += RenderTree(root);
  }
  Node summary{fmt::format("\n{}", l.summary), {}};
  std::vector<std::string> front;
  for (const VariantResult& v : r.variants) {
    if (v.on_pareto_front) front.push_back(v.model.name);
  }
  if (r.verdict.base_on_pareto_front) front.insert(front.begin(), std::string(l.base_label));
  summary.Add(fmt::format("{}: {}", l.pareto_front, fmt::join(front, ", ")));
  std::string score;
  for (const VariantResult& v : r.variants) {
    if (v.model.name == r.verdict.best_variant) score = FormatFixed(v.overall_score.value, 2);
  }
  if (r.verdict.best_variant.empty()) {
    summary.Add(fmt::format("✗ {}", r.variants.empty() ? l.none : l.no_variant_passes));
  } else {
    summary.Add(fmt::format("✓ {}: {} ({} {})",
                            r.verdict.requirements.empty() ? l.highest_score : l.best_variant,
                            r.verdict.best_variant, l.overall_score, score));
  }
  out += RenderTree(summary);
  return out;
}

}  // namespace cratio::report
