// Long-format CSV renderer.
#include "report/csv_report.h"

#include <fmt/format.h>

#include <cmath>

#include "report/format.h"
#include "report/metrics.h"

namespace cratio::report {
namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::string Cell(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string NumCell(double v) { return std::isfinite(v) ? fmt::format("{:.10g}", v) : ""; }

}  // namespace

std::string_view MetricUnit(std::string_view m) {
  if (EndsWith(m, "_ms")) return "ms";
  if (EndsWith(m, "_mb")) return "MiB";
  if (EndsWith(m, "tokens_per_s")) return "tokens/s";
  if (EndsWith(m, "bytes_per_token")) return "bytes/token";
  if (EndsWith(m, "_nats")) return "nats";
  if (m == "energy.j") return "J";
  if (m == "size.bits_per_weight") return "bits";
  if (StartsWith(m, "params.")) return "parameters";
  if (StartsWith(m, "retention.") || StartsWith(m, "agreement.") || StartsWith(m, "quality.") ||
      StartsWith(m, "ratio.")) {
    return "fraction";
  }
  if (StartsWith(m, "speedup") || StartsWith(m, "factor.") || m == "ppl.ratio") return "x";
  if (StartsWith(m, "efficiency.") || StartsWith(m, "score.")) return "score";
  return "";
}

std::string RenderCsv(const EvalResult& r) {
  std::string out = "variant,metric,value,ci_low,ci_high,unit\n";
  for (const VariantResult& v : r.variants) {
    for (const auto& [name, e] : VariantMetrics(v)) {
      out += fmt::format("{},{},{},{},{},{}\n", Cell(v.model.name), Cell(name), NumCell(e.value),
                         NumCell(e.ci_low), NumCell(e.ci_high), Cell(MetricUnit(name)));
    }
    for (const compare::ConstraintCheck& c : v.constraints) {
      const std::string name =
          fmt::format("require:{}{}{}", c.constraint.metric,
                      compare::CompareOpText(c.constraint.op), FormatShort(c.constraint.threshold));
      out += fmt::format("{},{},{},,,pass\n", Cell(v.model.name), Cell(name), c.pass ? 1 : 0);
    }
    out += fmt::format("{},pareto_front,{},,,pass\n", Cell(v.model.name),
                       v.on_pareto_front ? 1 : 0);
  }
  return out;
}

}  // namespace cratio::report
