// JSON conversion of EvalResult: one writer and one checking reader, field by field.
#include "report/result.h"

#include <cmath>

namespace cratio::report {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// NaN / ±inf → null, so the file stays valid JSON.
ordered_json Num(double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); }

ordered_json EstimateJson(const Estimate& e) {
  return {{"value", Num(e.value)}, {"ci_low", Num(e.ci_low)}, {"ci_high", Num(e.ci_high)}};
}
ordered_json ValueSeJson(const ValueWithSe& v) {
  return {{"value", Num(v.value)}, {"se", Num(v.se)}};
}

ordered_json SizeJson(const compare::SizeFigures& s) {
  ordered_json j;
  for (compare::SizeDimension d : compare::kAllSizeDimensions) {
    j[std::string(compare::SizeDimensionKey(d))] = Num(s.Get(d));
  }
  return j;
}

ordered_json ModelJson(const ModelInfo& m) {
  return {{"name", m.name},     {"recipe", m.recipe}, {"path", m.path},
          {"sha256", m.sha256}, {"accounting", SizeJson(m.accounting)}};
}

ordered_json LatencyJson(const LatencySummary& l) {
  return {{"num_samples", l.num_samples},       {"latency_p50_ms", Num(l.latency_p50_ms)},
          {"latency_p90_ms", Num(l.latency_p90_ms)}, {"latency_p99_ms", Num(l.latency_p99_ms)},
          {"ttft_p50_ms", Num(l.ttft_p50_ms)},  {"ttft_p99_ms", Num(l.ttft_p99_ms)},
          {"tokens_per_s", Num(l.tokens_per_s)}};
}

ordered_json ResourcesJson(const ResourceUsage& r) {
  return {{"peak_rss_bytes", Num(r.peak_rss_bytes)},
          {"kv_bytes_per_token", Num(r.kv_bytes_per_token)},
          {"energy_j", Num(r.energy_j)},
          {"energy_unavailable_reason", r.energy_unavailable_reason}};
}

ordered_json TaskJson(const TaskQuality& t) {
  ordered_json slices = ordered_json::array();
  for (const SliceQuality& s : t.slices) {
    slices.push_back({{"slice", s.slice},
                      {"num_items", s.num_items},
                      {"base_value", Num(s.base_value)},
                      {"variant_value", Num(s.variant_value)},
                      {"retention", EstimateJson(s.retention)}});
  }
  return {{"task", t.task},
          {"metric", t.metric},
          {"num_items", t.num_items},
          {"base", ValueSeJson(t.base)},
          {"variant", ValueSeJson(t.variant)},
          {"retention", EstimateJson(t.retention)},
          {"flips_right_to_wrong", t.flips_right_to_wrong},
          {"flips_wrong_to_right", t.flips_wrong_to_right},
          {"mcnemar_p", Num(t.mcnemar_p)},
          {"agreement", Num(t.agreement)},
          {"kl_mean_nats", Num(t.kl_mean_nats)},
          {"slices", slices},
          {"worst_slice", t.worst_slice}};
}

ordered_json PerplexityJson(const PerplexityComparison& p) {
  return {{"text", p.text},
          {"num_tokens", p.num_tokens},
          {"base_ppl", ValueSeJson(p.base_ppl)},
          {"variant_ppl", ValueSeJson(p.variant_ppl)},
          {"ppl_ratio", EstimateJson(p.ppl_ratio)},
          {"kl_nats", ValueSeJson(p.kl_nats)},
          {"kl_p99_nats", Num(p.kl_p99_nats)},
          {"kl_max_nats", Num(p.kl_max_nats)},
          {"top1_agreement", ValueSeJson(p.top1_agreement)}};
}

ordered_json FakeJson(const compare::FakeCompressionCheck& f) {
  return {{"claimed_bits_per_weight", Num(f.claimed_bits_per_weight)},
          {"num_params", Num(f.num_params)},
          {"overhead_bytes", Num(f.overhead_bytes)},
          {"expected_bytes", Num(f.expected_bytes)},
          {"file_bytes", Num(f.file_bytes)},
          {"relative_difference", Num(f.relative_difference)},
          {"tolerance", Num(f.tolerance)},
          {"ok", f.ok}};
}

ordered_json OverlapJson(const compare::OverlapReport& o) {
  return {{"ngram", o.ngram},
          {"num_items", o.num_items},
          {"num_items_too_short", o.num_items_too_short},
          {"num_items_overlapping", o.num_items_overlapping},
          {"fraction_items_overlapping", Num(o.fraction_items_overlapping)},
          {"num_item_ngrams", o.num_item_ngrams},
          {"num_shared_ngrams", o.num_shared_ngrams},
          {"overlapping_ids", o.overlapping_ids}};
}

ordered_json ConstraintJson(const compare::ConstraintCheck& c) {
  return {{"metric", c.constraint.metric},
          {"op", std::string(compare::CompareOpText(c.constraint.op))},
          {"threshold", Num(c.constraint.threshold)},
          {"measured", c.measured},
          {"value", Num(c.value)},
          {"bound", Num(c.bound)},
          {"margin", Num(c.margin)},
          {"pass", c.pass},
          {"pass_at_bound", c.pass_at_bound}};
}

ordered_json VariantJson(const VariantResult& v) {
  ordered_json j;
  j["model"] = ModelJson(v.model);
  ordered_json ratios = ordered_json::array();
  for (const compare::DimensionRatio& r : v.ratios) {
    ratios.push_back({{"dimension", std::string(compare::SizeDimensionKey(r.dimension))},
                      {"original", Num(r.original)},
                      {"compressed", Num(r.compressed)},
                      {"ratio", Num(r.ratio)},
                      {"factor", Num(r.factor)}});
  }
  j["ratios"] = ratios;
  j["tasks"] = ordered_json::array();
  for (const TaskQuality& t : v.tasks) j["tasks"].push_back(TaskJson(t));
  j["overall_retention"] = EstimateJson(v.overall_retention);
  j["perplexity"] = v.perplexity ? PerplexityJson(*v.perplexity) : ordered_json(nullptr);
  j["scenarios"] = ordered_json::array();
  for (const ScenarioPerformance& s : v.scenarios) {
    j["scenarios"].push_back({{"scenario", s.scenario},
                              {"base", LatencyJson(s.base)},
                              {"variant", LatencyJson(s.variant)},
                              {"speedup", EstimateJson(s.speedup)},
                              {"slower_regions", s.slower_regions}});
  }
  j["resources"] = ResourcesJson(v.resources);
  j["efficiency"] = ordered_json::array();
  for (const EfficiencyEntry& e : v.efficiency) {
    j["efficiency"].push_back(
        {{"dimension", e.dimension}, {"ratio", Num(e.ratio)}, {"score", EstimateJson(e.score)}});
  }
  j["overall_score"] = EstimateJson(v.overall_score);
  j["on_pareto_front"] = v.on_pareto_front;
  j["layer_errors"] = ordered_json::array();
  for (const LayerError& l : v.layer_errors) {
    j["layer_errors"].push_back(
        {{"tensor", l.tensor}, {"relative_error", Num(l.relative_error)}});
  }
  j["fake_compression"] =
      v.fake_compression ? FakeJson(*v.fake_compression) : ordered_json(nullptr);
  j["calibration_overlap"] =
      v.calibration_overlap ? OverlapJson(*v.calibration_overlap) : ordered_json(nullptr);
  j["constraints"] = ordered_json::array();
  for (const compare::ConstraintCheck& c : v.constraints) {
    j["constraints"].push_back(ConstraintJson(c));
  }
  j["passes_all_constraints"] = v.passes_all_constraints;
  return j;
}

// Reads one JSON object, remembering the first type error with its path. Missing or
// null numbers read as NaN, missing strings as "", missing counts as 0.
class In {
 public:
  In(const json* j, std::string path, Status* error) : j_(j), path_(std::move(path)), error_(error) {}

  bool Has(const char* key) const {
    return j_ && j_->is_object() && j_->contains(key) && !(*j_)[key].is_null();
  }
  double Num(const char* key) {
    const json* v = Field(key);
    if (!v || v->is_null()) return kNaN;
    if (!v->is_number()) return Fail(key, "a number", *v), kNaN;
    return v->get<double>();
  }
  int64_t Int(const char* key) {
    const json* v = Field(key);
    if (!v || v->is_null()) return 0;
    if (!v->is_number_integer()) return Fail(key, "an integer", *v), 0;
    return v->get<int64_t>();
  }
  std::string Str(const char* key) {
    const json* v = Field(key);
    if (!v || v->is_null()) return "";
    if (!v->is_string()) return Fail(key, "a string", *v), "";
    return v->get<std::string>();
  }
  bool Bool(const char* key, bool fallback = false) {
    const json* v = Field(key);
    if (!v || v->is_null()) return fallback;
    if (!v->is_boolean()) return Fail(key, "true or false", *v), fallback;
    return v->get<bool>();
  }
  In Obj(const char* key) {
    const json* v = Field(key);
    if (v && !v->is_null() && !v->is_object()) Fail(key, "an object", *v);
    return In(v && v->is_object() ? v : nullptr, Sub(key), error_);
  }
  template <typename F>
  void Arr(const char* key, F&& each) {
    const json* v = Field(key);
    if (!v || v->is_null()) return;
    if (!v->is_array()) return Fail(key, "an array", *v);
    for (size_t i = 0; i < v->size(); ++i) {
      const json& e = (*v)[i];
      const std::string p = Sub(key) + "[" + std::to_string(i) + "]";
      each(In(&e, p, error_), e);
    }
  }
  std::vector<std::string> Strings(const char* key) {
    std::vector<std::string> out;
    Arr(key, [&](In, const json& e) {
      if (e.is_string()) {
        out.push_back(e.get<std::string>());
      } else if (error_->ok()) {
        *error_ = InvalidInput("{}: expected strings, found {}", Sub(key), e.type_name());
      }
    });
    return out;
  }
  Estimate Est(const char* key) {
    In o = Obj(key);
    return Estimate{o.Num("value"), o.Num("ci_low"), o.Num("ci_high")};
  }
  ValueWithSe ValSe(const char* key) {
    In o = Obj(key);
    return ValueWithSe{o.Num("value"), o.Num("se")};
  }
  const std::string& path() const { return path_; }
  Status* error() const { return error_; }

 private:
  const json* Field(const char* key) const {
    if (!j_ || !j_->is_object()) return nullptr;
    const auto it = j_->find(key);
    return it == j_->end() ? nullptr : &*it;
  }
  std::string Sub(const char* key) const { return path_.empty() ? key : path_ + "." + key; }
  void Fail(const char* key, const char* expected, const json& found) {
    if (error_->ok()) {
      *error_ = InvalidInput("{}: expected {}, found {}", Sub(key), expected, found.type_name());
    }
  }

  const json* j_;
  std::string path_;
  Status* error_;
};

compare::SizeFigures ReadSize(In o) {
  compare::SizeFigures s;
  s.params_total = o.Num("params_total");
  s.params_nonzero = o.Num("params_nonzero");
  s.file_bytes = o.Num("file_bytes");
  s.bits_per_weight = o.Num("bits_per_weight");
  s.flops_per_token = o.Num("flops_per_token");
  s.peak_memory_bytes = o.Num("peak_memory_bytes");
  return s;
}

ModelInfo ReadModel(In o) {
  ModelInfo m;
  m.name = o.Str("name");
  m.recipe = o.Str("recipe");
  m.path = o.Str("path");
  m.sha256 = o.Str("sha256");
  m.accounting = ReadSize(o.Obj("accounting"));
  return m;
}

LatencySummary ReadLatency(In o) {
  LatencySummary l;
  l.num_samples = o.Int("num_samples");
  l.latency_p50_ms = o.Num("latency_p50_ms");
  l.latency_p90_ms = o.Num("latency_p90_ms");
  l.latency_p99_ms = o.Num("latency_p99_ms");
  l.ttft_p50_ms = o.Num("ttft_p50_ms");
  l.ttft_p99_ms = o.Num("ttft_p99_ms");
  l.tokens_per_s = o.Num("tokens_per_s");
  return l;
}

ResourceUsage ReadResources(In o) {
  ResourceUsage r;
  r.peak_rss_bytes = o.Num("peak_rss_bytes");
  r.kv_bytes_per_token = o.Num("kv_bytes_per_token");
  r.energy_j = o.Num("energy_j");
  r.energy_unavailable_reason = o.Str("energy_unavailable_reason");
  return r;
}

TaskQuality ReadTask(In o) {
  TaskQuality t;
  t.task = o.Str("task");
  t.metric = o.Str("metric");
  t.num_items = o.Int("num_items");
  t.base = o.ValSe("base");
  t.variant = o.ValSe("variant");
  t.retention = o.Est("retention");
  t.flips_right_to_wrong = o.Int("flips_right_to_wrong");
  t.flips_wrong_to_right = o.Int("flips_wrong_to_right");
  t.mcnemar_p = o.Num("mcnemar_p");
  t.agreement = o.Num("agreement");
  t.kl_mean_nats = o.Num("kl_mean_nats");
  o.Arr("slices", [&](In s, const json&) {
    SliceQuality q;
    q.slice = s.Str("slice");
    q.num_items = s.Int("num_items");
    q.base_value = s.Num("base_value");
    q.variant_value = s.Num("variant_value");
    q.retention = s.Est("retention");
    t.slices.push_back(std::move(q));
  });
  t.worst_slice = o.Str("worst_slice");
  return t;
}

VariantResult ReadVariant(In o) {
  VariantResult v;
  v.model = ReadModel(o.Obj("model"));
  o.Arr("ratios", [&](In r, const json&) {
    compare::DimensionRatio d;
    const std::string key = r.Str("dimension");
    const auto dim = compare::SizeDimensionFromKey(key);
    if (!dim && r.error()->ok()) {
      *r.error() = InvalidInput("{}.dimension: unknown size dimension '{}'", r.path(), key);
    }
    d.dimension = dim.value_or(compare::SizeDimension::kFileBytes);
    d.original = r.Num("original");
    d.compressed = r.Num("compressed");
    d.ratio = r.Num("ratio");
    d.factor = r.Num("factor");
    v.ratios.push_back(d);
  });
  o.Arr("tasks", [&](In t, const json&) { v.tasks.push_back(ReadTask(t)); });
  v.overall_retention = o.Est("overall_retention");
  if (o.Has("perplexity")) {
    In p = o.Obj("perplexity");
    PerplexityComparison c;
    c.text = p.Str("text");
    c.num_tokens = p.Int("num_tokens");
    c.base_ppl = p.ValSe("base_ppl");
    c.variant_ppl = p.ValSe("variant_ppl");
    c.ppl_ratio = p.Est("ppl_ratio");
    c.kl_nats = p.ValSe("kl_nats");
    c.kl_p99_nats = p.Num("kl_p99_nats");
    c.kl_max_nats = p.Num("kl_max_nats");
    c.top1_agreement = p.ValSe("top1_agreement");
    v.perplexity = c;
  }
  o.Arr("scenarios", [&](In s, const json&) {
    ScenarioPerformance p;
    p.scenario = s.Str("scenario");
    p.base = ReadLatency(s.Obj("base"));
    p.variant = ReadLatency(s.Obj("variant"));
    p.speedup = s.Est("speedup");
    p.slower_regions = s.Strings("slower_regions");
    v.scenarios.push_back(std::move(p));
  });
  v.resources = ReadResources(o.Obj("resources"));
  o.Arr("efficiency", [&](In e, const json&) {
    v.efficiency.push_back(EfficiencyEntry{e.Str("dimension"), e.Num("ratio"), e.Est("score")});
  });
  v.overall_score = o.Est("overall_score");
  v.on_pareto_front = o.Bool("on_pareto_front");
  o.Arr("layer_errors", [&](In l, const json&) {
    v.layer_errors.push_back(LayerError{l.Str("tensor"), l.Num("relative_error")});
  });
  if (o.Has("fake_compression")) {
    In f = o.Obj("fake_compression");
    compare::FakeCompressionCheck c;
    c.claimed_bits_per_weight = f.Num("claimed_bits_per_weight");
    c.num_params = f.Num("num_params");
    c.overhead_bytes = f.Num("overhead_bytes");
    c.expected_bytes = f.Num("expected_bytes");
    c.file_bytes = f.Num("file_bytes");
    c.relative_difference = f.Num("relative_difference");
    c.tolerance = f.Num("tolerance");
    c.ok = f.Bool("ok");
    v.fake_compression = c;
  }
  if (o.Has("calibration_overlap")) {
    In c = o.Obj("calibration_overlap");
    compare::OverlapReport r;
    r.ngram = static_cast<int>(c.Int("ngram"));
    r.num_items = c.Int("num_items");
    r.num_items_too_short = c.Int("num_items_too_short");
    r.num_items_overlapping = c.Int("num_items_overlapping");
    r.fraction_items_overlapping = c.Num("fraction_items_overlapping");
    r.num_item_ngrams = c.Int("num_item_ngrams");
    r.num_shared_ngrams = c.Int("num_shared_ngrams");
    r.overlapping_ids = c.Strings("overlapping_ids");
    v.calibration_overlap = r;
  }
  o.Arr("constraints", [&](In c, const json&) {
    compare::ConstraintCheck k;
    k.constraint.metric = c.Str("metric");
    const std::string op = c.Str("op");
    if (!compare::CompareOpFromText(op, &k.constraint.op) && c.error()->ok()) {
      *c.error() = InvalidInput("{}.op: expected >=, <=, > or <, found '{}'", c.path(), op);
    }
    k.constraint.threshold = c.Num("threshold");
    k.measured = c.Bool("measured");
    k.value = c.Num("value");
    k.bound = c.Num("bound");
    k.margin = c.Num("margin");
    k.pass = c.Bool("pass");
    k.pass_at_bound = c.Bool("pass_at_bound");
    v.constraints.push_back(k);
  });
  v.passes_all_constraints = o.Bool("passes_all_constraints");
  return v;
}

}  // namespace

nlohmann::ordered_json ToJson(const EvalResult& r) {
  ordered_json j;
  j["schema"] = r.schema;
  j["run"] = {{"cratio_version", r.run.cratio_version},
              {"command_line", r.run.command_line},
              {"started_at_utc", r.run.started_at_utc},
              {"finished_at_utc", r.run.finished_at_utc},
              {"wall_s", Num(r.run.wall_s)}};
  const EnvironmentInfo& e = r.environment;
  j["environment"] = {{"fingerprint", e.fingerprint}, {"cpu_model", e.cpu_model},
                      {"kernel_isa", e.kernel_isa},   {"num_threads", e.num_threads},
                      {"num_cores", e.num_cores},     {"memory_bytes", Num(e.memory_bytes)},
                      {"os", e.os},                   {"compiler", e.compiler}};
  j["base"] = ModelJson(r.base);
  j["base_resources"] = ResourcesJson(r.base_resources);
  j["variants"] = ordered_json::array();
  for (const VariantResult& v : r.variants) j["variants"].push_back(VariantJson(v));
  j["verdict"] = {{"requirements", r.verdict.requirements},
                  {"best_variant", r.verdict.best_variant},
                  {"constraint_failed", r.verdict.constraint_failed},
                  {"base_on_pareto_front", r.verdict.base_on_pareto_front},
                  {"summary", r.verdict.summary}};
  return j;
}

Result<EvalResult> EvalResultFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return InvalidInput("expected a JSON object, found {}", j.type_name());
  const auto schema = j.find("schema");
  if (schema == j.end() || !schema->is_string()) {
    return InvalidInput("missing \"schema\": expected \"{}\"", kResultSchema);
  }
  if (schema->get<std::string>() != kResultSchema) {
    return InvalidInput("schema \"{}\" is not supported: expected \"{}\"",
                        schema->get<std::string>(), kResultSchema);
  }
  if (!j.contains("base") || !j.contains("variants")) {
    return InvalidInput("missing \"{}\": a cratio.eval/1 result needs \"base\" and \"variants\"",
                        j.contains("base") ? "variants" : "base");
  }
  Status error;
  In root(&j, "", &error);
  EvalResult r;
  r.schema = schema->get<std::string>();
  In run = root.Obj("run");
  r.run.cratio_version = run.Str("cratio_version");
  r.run.command_line = run.Str("command_line");
  r.run.started_at_utc = run.Str("started_at_utc");
  r.run.finished_at_utc = run.Str("finished_at_utc");
  r.run.wall_s = run.Num("wall_s");
  In env = root.Obj("environment");
  r.environment.fingerprint = env.Str("fingerprint");
  r.environment.cpu_model = env.Str("cpu_model");
  r.environment.kernel_isa = env.Str("kernel_isa");
  r.environment.num_threads = static_cast<int>(env.Int("num_threads"));
  r.environment.num_cores = static_cast<int>(env.Int("num_cores"));
  r.environment.memory_bytes = env.Num("memory_bytes");
  r.environment.os = env.Str("os");
  r.environment.compiler = env.Str("compiler");
  r.base = ReadModel(root.Obj("base"));
  r.base_resources = ReadResources(root.Obj("base_resources"));
  root.Arr("variants", [&](In v, const json&) { r.variants.push_back(ReadVariant(v)); });
  In verdict = root.Obj("verdict");
  r.verdict.requirements = verdict.Str("requirements");
  r.verdict.best_variant = verdict.Str("best_variant");
  r.verdict.constraint_failed = verdict.Bool("constraint_failed");
  r.verdict.base_on_pareto_front = verdict.Bool("base_on_pareto_front", true);
  r.verdict.summary = verdict.Str("summary");
  if (!error.ok()) return error;
  return r;
}

Result<EvalResult> ParseEvalResult(std::string_view json_text, std::string_view source) {
  json j;
  try {
    j = json::parse(json_text.begin(), json_text.end());
  } catch (const json::parse_error& e) {
    return InvalidInput("{}: not valid JSON at byte {}: {}", source, e.byte, e.what());
  }
  Result<EvalResult> r = EvalResultFromJson(j);
  if (!r.ok()) return r.status().WithPrefix(source);
  return r;
}

nlohmann::ordered_json VariantResultToJson(const VariantResult& v) { return VariantJson(v); }

Result<VariantResult> VariantResultFromJson(const nlohmann::json& j, std::string_view where) {
  if (!j.is_object()) return InvalidInput("{}: expected a variant object, found {}", where, j.type_name());
  Status error;
  VariantResult v = ReadVariant(In(&j, std::string(where), &error));
  if (!error.ok()) return error;
  return v;
}

std::string RenderJson(const EvalResult& r) { return ToJson(r).dump(2) + "\n"; }

}  // namespace cratio::report
