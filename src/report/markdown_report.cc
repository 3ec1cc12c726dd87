// Markdown renderer.
#include "report/markdown_report.h"

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "report/format.h"

namespace cratio::report {
namespace {

// Escapes the characters that would break a table cell.
std::string Md(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

std::string Row(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const std::string& c : cells) out += " " + Md(c) + " |";
  return out + "\n";
}

std::string Header(const std::vector<std::string>& cells) {
  std::string out = Row(cells) + "|";
  for (size_t i = 0; i < cells.size(); ++i) out += " --- |";
  return out + "\n";
}

std::string WithCi(const Estimate& e, int decimals, double scale = 1.0, std::string_view unit = "") {
  std::string s = FormatFixed(e.value * scale, decimals) + std::string(unit);
  if (e.has_ci()) s += " " + FormatInterval(e, decimals, scale);
  return s;
}

double Ratio(const VariantResult& v, compare::SizeDimension d) {
  for (const compare::DimensionRatio& r : v.ratios) {
    if (r.dimension == d) return r.ratio;
  }
  return compare::kNaN;
}

std::string Mark(bool ok) { return ok ? "✓" : "✗"; }

}  // namespace

std::string RenderMarkdown(const EvalResult& r, Lang lang) {
  const Labels& l = LabelsFor(lang);
  std::string out = fmt::format("# {}\n\n", l.title);
  out += fmt::format("- **{}**: {} (`{}`, {} {}, {})\n", l.base_model, Md(r.base.name),
                     r.base.sha256.substr(0, 16), FormatCount(r.base.accounting.params_total),
                     l.parameters, FormatBytes(r.base.accounting.file_bytes));
  out += fmt::format("- **{}**: {}, {} {}, {} {}, {}\n", l.environment, Md(r.environment.cpu_model),
                     r.environment.kernel_isa, l.kernels, r.environment.num_threads, l.threads,
                     Md(r.environment.os));
  out += fmt::format("- **{}**: {}\n", l.run, r.run.started_at_utc);
  out += fmt::format("- **{}**: {}\n\n", l.requirements,
                     r.verdict.requirements.empty() ? std::string(l.none)
                                                    : "`" + r.verdict.requirements + "`");
  out += fmt::format("## {}\n\n", l.overview);
  out += Header({std::string(l.variant), std::string(l.recipe),
                 fmt::format("{} {}", l.file_size, l.ratio), std::string(l.overall_retention),
                 std::string(l.speedup), std::string(l.overall_score), std::string(l.pareto_front),
                 std::string(l.requirements)});
  for (const VariantResult& v : r.variants) {
    const double size = Ratio(v, compare::SizeDimension::kFileBytes);
    out += Row({v.model.name, v.model.recipe, FormatFixed(size, 3),
                WithCi(v.overall_retention, 1, 100.0, " %"),
                v.scenarios.empty() ? std::string(kMissing) : WithCi(v.scenarios[0].speedup, 2),
                WithCi(v.overall_score, 2), std::string(v.on_pareto_front ? l.yes : l.no),
                r.verdict.requirements.empty() ? std::string(kMissing)
                                               : Mark(v.passes_all_constraints)});
  }
  out += "\n";
  if (!r.verdict.best_variant.empty()) {
    out += fmt::format("**{}: {}**\n\n",
                       r.verdict.requirements.empty() ? l.highest_score : l.best_variant,
                       Md(r.verdict.best_variant));
  } else {
    out += fmt::format("**{}**\n\n", l.no_variant_passes);
  }

  for (const VariantResult& v : r.variants) {
    out += fmt::format("## {} {}\n\n", l.variant, Md(v.model.name));
    out += fmt::format("### {}\n\n_{}_\n\n", l.compression_ratios, l.ratio_legend);
    out += Header({std::string(l.dimension), std::string(l.original), std::string(l.compressed),
                   std::string(l.ratio), std::string(l.factor)});
    for (const compare::DimensionRatio& d : v.ratios) {
      out += Row({std::string(DimensionLabel(l, d.dimension)), FormatSizeValue(d.dimension, d.original),
                  FormatSizeValue(d.dimension, d.compressed), FormatFixed(d.ratio, 3),
                  std::isnan(d.factor) ? std::string(kMissing) : FormatFixed(d.factor, 2) + "×"});
    }
    out += fmt::format("\n### {}\n\n", l.performance_retention);
    out += Header({std::string(l.task), std::string(l.metric), std::string(l.items),
                   std::string(l.base_label), std::string(l.variant), std::string(l.retention),
                   std::string(l.flips_right_to_wrong), std::string(l.flips_wrong_to_right),
                   std::string(l.mcnemar_p), std::string(l.worst_slice)});
    for (const TaskQuality& t : v.tasks) {
      out += Row({t.task, t.metric, std::to_string(t.num_items), FormatFixed(t.base.value, 3),
                  FormatFixed(t.variant.value, 3), WithCi(t.retention, 1, 100.0, " %"),
                  std::to_string(t.flips_right_to_wrong), std::to_string(t.flips_wrong_to_right),
                  FormatFixed(t.mcnemar_p, 3), t.worst_slice});
    }
    if (v.perplexity) {
      const PerplexityComparison& p = *v.perplexity;
      out += fmt::format("\n{} ({}): {} → {} (×{}), {} {} nats, {} {}\n", l.perplexity,
                         Md(p.text), FormatFixed(p.base_ppl.value, 2),
                         FormatFixed(p.variant_ppl.value, 2), WithCi(p.ppl_ratio, 3), l.kl,
                         FormatFixed(p.kl_nats.value, 4), l.top1_agreement,
                         FormatPercent(p.top1_agreement.value));
    }
    out += fmt::format("\n**{}**: {}\n\n", l.overall_retention,
                       WithCi(v.overall_retention, 1, 100.0, " %"));
    out += fmt::format("### {}\n\n", l.inference_efficiency);
    out += Header({std::string(l.scenario), "P50 ms", "P90 ms", "P99 ms",
                   fmt::format("{} P99 ms", l.ttft), std::string(l.tokens_per_s),
                   std::string(l.speedup), std::string(l.slower_in)});
    for (const ScenarioPerformance& s : v.scenarios) {
      auto pair = [](double a, double b) {
        return FormatFixed(a, 1) + " → " + FormatFixed(b, 1);
      };
      std::string slower;
      for (const std::string& x : s.slower_regions) slower += (slower.empty() ? "" : ", ") + x;
      out += Row({s.scenario, pair(s.base.latency_p50_ms, s.variant.latency_p50_ms),
                  pair(s.base.latency_p90_ms, s.variant.latency_p90_ms),
                  pair(s.base.latency_p99_ms, s.variant.latency_p99_ms),
                  pair(s.base.ttft_p99_ms, s.variant.ttft_p99_ms),
                  pair(s.base.tokens_per_s, s.variant.tokens_per_s), WithCi(s.speedup, 2), slower});
    }
    const ResourceUsage& res = v.resources;
    out += fmt::format("\n{}: {} {}, {} {}{}, {} {}\n\n", l.resources, l.peak_rss,
                       FormatBytes(res.peak_rss_bytes), l.kv_cache,
                       FormatBytes(res.kv_bytes_per_token), l.per_token, l.energy,
                       std::isnan(res.energy_j)
                           ? fmt::format("{} ({})", l.unavailable, res.energy_unavailable_reason)
                           : fmt::format("{:.1f} J", res.energy_j));
    out += Header({std::string(l.efficiency_score), std::string(l.ratio), std::string(l.value)});
    for (const EfficiencyEntry& e : v.efficiency) {
      out += Row({std::string(DimensionLabel(l, e.dimension)), FormatFixed(e.ratio, 3),
                  WithCi(e.score, 2)});
    }
    out += fmt::format("\n**{}**: {} · {}: {}\n\n", l.overall_score, WithCi(v.overall_score, 2),
                       l.pareto_front, v.on_pareto_front ? l.yes : l.no);
    out += fmt::format("### {}\n\n", l.overall_verdict);
    for (const compare::ConstraintCheck& c : v.constraints) {
      const compare::Constraint& k = c.constraint;
      out += fmt::format("- {} `{} {} {}`", Mark(c.pass), k.metric, compare::CompareOpSymbol(k.op),
                         FormatShort(k.threshold));
      if (c.measured) {
        out += fmt::format(": {} {}", l.value, FormatShort(c.value));
        if (c.bound != c.value) out += fmt::format(", {} {}", l.ci_bound, FormatShort(c.bound));
        out += fmt::format(", {} {}\n", l.margin, FormatShortSigned(c.margin));
      } else {
        out += fmt::format(" ({})\n", l.not_measured);
      }
    }
    if (v.fake_compression) {
      const compare::FakeCompressionCheck& f = *v.fake_compression;
      out += fmt::format("- {} {}: {} {} / {} {} ({} %)\n", Mark(f.ok), l.fake_compression,
                         FormatBytes(f.file_bytes), l.on_disk, FormatBytes(f.expected_bytes),
                         l.claimed, FormatSigned(100.0 * f.relative_difference, 1));
    }
    if (v.calibration_overlap) {
      const compare::OverlapReport& o = *v.calibration_overlap;
      out += fmt::format("- {} {}: {}/{} {} (n = {})\n", Mark(o.num_items_overlapping == 0),
                         l.calibration_overlap, o.num_items_overlapping, o.num_items,
                         l.items_share_ngram, o.ngram);
    }
    if (!r.verdict.requirements.empty()) {
      out += fmt::format("- {} {}\n", Mark(v.passes_all_constraints),
                         v.passes_all_constraints ? l.passes_all : l.fails_some);
    }
    out += "\n";
  }
  return out;
}

}  // namespace cratio::report
