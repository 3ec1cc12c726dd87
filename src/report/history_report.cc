// `cratio history` output: run list, per-variant history with stability, run comparison.
#include "report/history_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "report/format.h"

namespace cratio::report {
namespace {

constexpr size_t kShortSha = 12;
constexpr size_t kShortEnv = 8;

std::string Short(const std::string& hex, size_t n) {
  return hex.empty() ? std::string(kMissing) : hex.substr(0, n);
}

// When a run happened: its start time, or when it was stored if the result has none.
std::string When(const StoredRun& r) {
  return r.started_at_utc.empty() ? r.stored_at_utc : r.started_at_utc;
}

std::string Label(const std::string& name, const std::string& recipe) {
  return recipe.empty() ? name : name + " (" + recipe + ")";
}

// Exact byte count ("1062500"), or "—".
std::string Bytes(double v) { return std::isnan(v) ? std::string(kMissing) : FormatFixed(v, 0); }

std::string PercentWithCi(const Estimate& e) {
  std::string s = FormatPercent(e.value, 2);
  if (e.has_ci()) s += " " + FormatInterval(e, 2, 100.0);
  return s;
}

std::string FixedWithCi(const Estimate& e) {
  std::string s = FormatFixed(e.value, 2);
  if (e.has_ci()) s += " " + FormatInterval(e, 2);
  return s;
}

bool CisDisjoint(const Estimate& a, const Estimate& b) {
  return a.has_ci() && b.has_ci() && (a.ci_high < b.ci_low || b.ci_high < a.ci_low);
}

// A number, or null when it was not measured (NaN).
nlohmann::ordered_json Num(double v) {
  return std::isnan(v) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v);
}

nlohmann::ordered_json EstimateJson(const Estimate& e) {
  return {{"value", Num(e.value)}, {"ci_low", Num(e.ci_low)}, {"ci_high", Num(e.ci_high)}};
}

nlohmann::ordered_json RunJson(const StoredRun& r) {
  return {{"run_id", r.run_id},
          {"stored_at_utc", r.stored_at_utc},
          {"started_at_utc", r.started_at_utc},
          {"base_name", r.base_name},
          {"base_sha256", r.base_sha256},
          {"env_fingerprint", r.env_fingerprint},
          {"num_variants", r.num_variants},
          {"best_variant", r.best_variant},
          {"result_sha256", r.result_sha256}};
}

}  // namespace

std::vector<VariantTrack> BuildVariantTracks(const std::vector<StoredVariant>& history,
                                             const std::vector<StoredRun>& runs) {
  std::map<int64_t, std::string> env_of_run;
  for (const StoredRun& r : runs) env_of_run[r.run_id] = r.env_fingerprint;
  std::vector<VariantTrack> tracks;
  for (const StoredVariant& v : history) {
    auto it = std::find_if(tracks.begin(), tracks.end(), [&](const VariantTrack& t) {
      return t.name == v.name && t.recipe == v.recipe;
    });
    if (it == tracks.end()) {
      tracks.push_back({v.name, v.recipe, {}, {}});
      it = tracks.end() - 1;
    }
    it->points.push_back(v);
    it->env_fingerprints.push_back(env_of_run[v.run_id]);
  }
  for (VariantTrack& t : tracks) {
    for (size_t i = 0; i < t.points.size(); ++i) {
      const double r = t.points[i].overall_retention;
      if (!std::isnan(r)) {
        t.retention_min = std::isnan(t.retention_min) ? r : std::min(t.retention_min, r);
        t.retention_max = std::isnan(t.retention_max) ? r : std::max(t.retention_max, r);
      }
      if (i > 0 && t.env_fingerprints[i] != t.env_fingerprints[i - 1]) ++t.num_env_changes;
    }
    t.retention_spread = t.retention_max - t.retention_min;
  }
  return tracks;
}

std::string RenderRunListText(const std::vector<StoredRun>& runs, const std::string& db_path) {
  if (runs.empty()) return fmt::format("no runs stored in {}\n", db_path);
  std::string out = fmt::format("{} run{} stored in {}\n", runs.size(),
                                runs.size() == 1 ? "" : "s", db_path);
  size_t name_width = 10;
  for (const StoredRun& r : runs) name_width = std::max(name_width, DisplayWidth(r.base_name));
  out += fmt::format("{:>4}  {:<20}  {}  {:<12}  {:<11}  {:>8}  {}\n", "run", "started (UTC)",
                     PadRight("base model", name_width), "sha256", "environment", "variants",
                     "best variant");
  for (const StoredRun& r : runs) {
    out += fmt::format("{:>4}  {:<20}  {}  {:<12}  {:<11}  {:>8}  {}\n", r.run_id, When(r),
                       PadRight(r.base_name, name_width), Short(r.base_sha256, kShortSha),
                       Short(r.env_fingerprint, kShortEnv), r.num_variants,
                       r.best_variant.empty() ? std::string(kMissing) : r.best_variant);
  }
  return out;
}

nlohmann::ordered_json RunListJson(const std::vector<StoredRun>& runs, const std::string& db_path) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const StoredRun& r : runs) list.push_back(RunJson(r));
  return {{"db", db_path}, {"runs", std::move(list)}};
}

std::string RenderVariantHistoryText(const std::vector<StoredRun>& runs,
                                     const std::vector<VariantTrack>& tracks) {
  if (runs.empty()) return "no runs\n";
  const StoredRun& newest = runs.back();
  std::string out = fmt::format("base model {} (sha256 {}): {} run{}\n", newest.base_name,
                                newest.base_sha256, runs.size(), runs.size() == 1 ? "" : "s");
  for (const VariantTrack& t : tracks) {
    out += fmt::format("\n{}: {} run{}\n", Label(t.name, t.recipe), t.points.size(),
                       t.points.size() == 1 ? "" : "s");
    out += fmt::format("  {:>4}  {:<20}  {:>14}  {:>9}  {:>6}  {:<4}  {}\n", "run",
                       "started (UTC)", "file bytes", "retention", "score", "pass", "environment");
    for (size_t i = 0; i < t.points.size(); ++i) {
      const StoredVariant& p = t.points[i];
      const bool changed = i > 0 && t.env_fingerprints[i] != t.env_fingerprints[i - 1];
      out += fmt::format("  {:>4}  {:<20}  {:>14}  {:>9}  {:>6}  {:<4}  {}{}\n", p.run_id,
                         p.started_at_utc, Bytes(p.file_bytes),
                         FormatPercent(p.overall_retention, 2), FormatFixed(p.overall_score, 2),
                         p.passes_all_constraints ? "yes" : "no",
                         Short(t.env_fingerprints[i], kShortEnv), changed ? " (changed)" : "");
    }
    if (t.points.size() < 2) {
      out += "  stability: one run so far, nothing to compare\n";
      continue;
    }
    const std::string env =
        t.num_env_changes == 0
            ? std::string("same environment in every run")
            : fmt::format("environment changed {} time{} between runs", t.num_env_changes,
                          t.num_env_changes == 1 ? "" : "s");
    if (std::isnan(t.retention_spread)) {
      out += fmt::format("  stability: retention not measured; {}\n", env);
    } else {
      out += fmt::format("  stability: retention min {} · max {} · spread {} pp over {} runs; {}\n",
                         FormatPercent(t.retention_min, 2), FormatPercent(t.retention_max, 2),
                         FormatFixed(t.retention_spread * 100.0, 2), t.points.size(), env);
    }
  }
  return out;
}

nlohmann::ordered_json VariantHistoryJson(const std::vector<StoredRun>& runs,
                                          const std::vector<VariantTrack>& tracks) {
  nlohmann::ordered_json variants = nlohmann::ordered_json::array();
  for (const VariantTrack& t : tracks) {
    nlohmann::ordered_json points = nlohmann::ordered_json::array();
    for (size_t i = 0; i < t.points.size(); ++i) {
      const StoredVariant& p = t.points[i];
      points.push_back({{"run_id", p.run_id},
                        {"started_at_utc", p.started_at_utc},
                        {"sha256", p.sha256},
                        {"file_bytes", Num(p.file_bytes)},
                        {"overall_retention", Num(p.overall_retention)},
                        {"overall_score", Num(p.overall_score)},
                        {"passes_all_constraints", p.passes_all_constraints},
                        {"env_fingerprint", t.env_fingerprints[i]}});
    }
    variants.push_back({{"name", t.name},
                        {"recipe", t.recipe},
                        {"runs", std::move(points)},
                        {"stability",
                         {{"num_runs", t.points.size()},
                          {"retention_min", Num(t.retention_min)},
                          {"retention_max", Num(t.retention_max)},
                          {"retention_spread", Num(t.retention_spread)},
                          {"num_env_changes", t.num_env_changes}}}});
  }
  const StoredRun* newest = runs.empty() ? nullptr : &runs.back();
  return {{"base_name", newest ? newest->base_name : ""},
          {"base_sha256", newest ? newest->base_sha256 : ""},
          {"num_runs", runs.size()},
          {"variants", std::move(variants)}};
}

std::vector<VariantDelta> CompareStoredRuns(const EvalResult& a, const EvalResult& b) {
  auto find = [](const EvalResult& r, const std::string& name) -> const VariantResult* {
    for (const VariantResult& v : r.variants) {
      if (v.model.name == name) return &v;
    }
    return nullptr;
  };
  std::vector<VariantDelta> out;
  for (const VariantResult& v : a.variants) out.push_back({v.model.name, &v, find(b, v.model.name)});
  for (const VariantResult& v : b.variants) {
    if (!find(a, v.model.name)) out.push_back({v.model.name, nullptr, &v});
  }
  for (VariantDelta& d : out) {
    if (!d.a || !d.b) continue;
    d.retention_diff = d.b->overall_retention.value - d.a->overall_retention.value;
    d.score_diff = d.b->overall_score.value - d.a->overall_score.value;
    d.file_bytes_diff = d.b->model.accounting.file_bytes - d.a->model.accounting.file_bytes;
    d.retention_beyond_ci = CisDisjoint(d.a->overall_retention, d.b->overall_retention);
    d.score_beyond_ci = CisDisjoint(d.a->overall_score, d.b->overall_score);
  }
  return out;
}

std::string RenderRunComparisonText(const IdentifiedRun& a, const IdentifiedRun& b,
                                    const std::vector<VariantDelta>& deltas) {
  const EvalResult& ra = *a.result;
  const EvalResult& rb = *b.result;
  std::string out = fmt::format("run {} ({}) vs run {} ({})\n", a.run_id, ra.run.started_at_utc,
                                b.run_id, rb.run.started_at_utc);
  if (ra.base.sha256 == rb.base.sha256) {
    out += fmt::format("base model: {} ({}) in both\n", ra.base.name,
                       Short(ra.base.sha256, kShortSha));
  } else {
    out += fmt::format("base model: {} ({}) vs {} ({}): different base models\n", ra.base.name,
                       Short(ra.base.sha256, kShortSha), rb.base.name,
                       Short(rb.base.sha256, kShortSha));
  }
  const std::string& ea = ra.environment.fingerprint;
  const std::string& eb = rb.environment.fingerprint;
  out += ea == eb ? fmt::format("environment: same ({})\n", Short(ea, kShortEnv))
                  : fmt::format("environment: changed {} → {}\n", Short(ea, kShortEnv),
                                Short(eb, kShortEnv));
  const std::string col_a = fmt::format("run {}", a.run_id);
  const std::string col_b = fmt::format("run {}", b.run_id);
  bool any_flag = false;
  for (const VariantDelta& d : deltas) {
    const VariantResult* v = d.a ? d.a : d.b;
    out += "\n" + Label(d.name, v->model.recipe);
    if (!d.a || !d.b) {
      out += fmt::format(": only in run {}\n", d.a ? a.run_id : b.run_id);
      continue;
    }
    out += "\n";
    out += fmt::format("  {:<10}  {:<26}  {:<26}  {}\n", "", col_a, col_b, "change");
    auto row = [&](const char* what, const std::string& va, const std::string& vb,
                   const std::string& diff, bool flag) {
      any_flag = any_flag || flag;
      out += fmt::format("  {:<10}  {:<26}  {:<26}  {}{}\n", what, va, vb, diff,
                         flag ? "  ! beyond CI" : "");
    };
    row("retention", PercentWithCi(d.a->overall_retention), PercentWithCi(d.b->overall_retention),
        std::isnan(d.retention_diff) ? std::string(kMissing)
                                     : FormatSigned(d.retention_diff * 100.0, 2) + " pp",
        d.retention_beyond_ci);
    row("score", FixedWithCi(d.a->overall_score), FixedWithCi(d.b->overall_score),
        std::isnan(d.score_diff) ? std::string(kMissing) : FormatSigned(d.score_diff, 2),
        d.score_beyond_ci);
    row("file bytes", Bytes(d.a->model.accounting.file_bytes),
        Bytes(d.b->model.accounting.file_bytes),
        std::isnan(d.file_bytes_diff) ? std::string(kMissing) : FormatSigned(d.file_bytes_diff, 0),
        false);
  }
  if (any_flag) out += "\n! beyond CI: the two 95 % intervals do not overlap\n";
  return out;
}

nlohmann::ordered_json RunComparisonJson(const IdentifiedRun& a, const IdentifiedRun& b,
                                         const std::vector<VariantDelta>& deltas) {
  auto run = [](const IdentifiedRun& r) -> nlohmann::ordered_json {
    return {{"run_id", r.run_id},
            {"started_at_utc", r.result->run.started_at_utc},
            {"base_name", r.result->base.name},
            {"base_sha256", r.result->base.sha256},
            {"env_fingerprint", r.result->environment.fingerprint}};
  };
  auto side = [](const VariantResult* v) -> nlohmann::ordered_json {
    if (!v) return nullptr;
    return {{"recipe", v->model.recipe},
            {"sha256", v->model.sha256},
            {"file_bytes", Num(v->model.accounting.file_bytes)},
            {"overall_retention", EstimateJson(v->overall_retention)},
            {"overall_score", EstimateJson(v->overall_score)},
            {"passes_all_constraints", v->passes_all_constraints}};
  };
  nlohmann::ordered_json variants = nlohmann::ordered_json::array();
  for (const VariantDelta& d : deltas) {
    variants.push_back({{"name", d.name},
                        {"a", side(d.a)},
                        {"b", side(d.b)},
                        {"retention_diff", Num(d.retention_diff)},
                        {"score_diff", Num(d.score_diff)},
                        {"file_bytes_diff", Num(d.file_bytes_diff)},
                        {"retention_beyond_ci", d.retention_beyond_ci},
                        {"score_beyond_ci", d.score_beyond_ci}});
  }
  return {{"a", run(a)},
          {"b", run(b)},
          {"same_environment", a.result->environment.fingerprint == b.result->environment.fingerprint},
          {"variants", std::move(variants)}};
}

}  // namespace cratio::report
