// The compress driver: checks, calibration, steps, provenance, atomic write, report.
#include "compress/compress_model.h"

#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <sstream>
#include <vector>

#include "base/timer.h"
#include "base/sha256.h"
#include "compress/calibration.h"
#include "kernels/kernel_table.h"
#include "model/convert.h"

namespace cratio {

namespace {

Result<std::string> ReadTextFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return InvalidInput("--calib '{}': not a readable file", path);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("--calib '{}': cannot open it", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return IoError("--calib '{}': read failed", path);
  return ss.str();
}

// SHA-256 of a file read in 4 MiB pieces: unlike hashing a second mapping, this adds no
// resident pages of its own while the model's mapping is being read. Directories
// (safetensors) go through Sha256OfPath.
Result<std::string> HashSource(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return Sha256OfPath(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("'{}': cannot open it to hash it", path);
  Sha256 sha;
  std::vector<char> buf(4 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    sha.Update(buf.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return IoError("'{}': read failed while hashing it", path);
  return sha.FinishHex();
}

int64_t NumParams(const ModelFile& m) {
  int64_t n = 0;
  for (const TensorEntry& e : m.tensors) n += e.view.num_elements();
  return n;
}

}  // namespace

Result<std::pair<std::string, DType>> ParseTensorTypeOverride(std::string_view text) {
  const size_t eq = text.rfind('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size()) {
    return InvalidInput("--tensor-type '{}': expected PATTERN=TYPE, e.g. "
                        "'blk.*.ffn_down.weight=q6_k'",
                        text);
  }
  const std::string_view type = text.substr(eq + 1);
  const std::optional<DType> dtype = DTypeFromName(type);
  if (!dtype) {
    return InvalidInput("--tensor-type '{}': unknown type '{}' (use f32, f16, bf16, q8_0, q5_1, "
                        "q5_0, q4_1, q4_0, q6_k, q5_k, q4_k, q3_k or q2_k)",
                        text, type);
  }
  return std::make_pair(std::string(text.substr(0, eq)), *dtype);
}

Result<CompressResult> CompressModel(const std::string& in_path, const std::string& out_path,
                                     const CompressOptions& options) {
  Stopwatch watch;
  // Everything that can be checked without reading the model comes first.
  CRATIO_ASSIGN_OR_RETURN(auto steps, ParseRecipe(options.recipe));
  std::vector<std::string> inputs = {in_path};
  if (!options.calib_path.empty()) inputs.push_back(options.calib_path);
  CRATIO_RETURN_IF_ERROR(CheckOutputPath(out_path, inputs, options.force));
  CRATIO_ASSIGN_OR_RETURN(const FileFormat format, OutputFormatFromPath(out_path));
  bool needs_calib = false;
  for (const auto& step : steps) needs_calib = needs_calib || step->needs_calibration();
  if (needs_calib && options.calib_path.empty()) {
    std::string which;
    for (const auto& step : steps) {
      if (step->needs_calibration()) which += (which.empty() ? "" : ", ") + step->spec();
    }
    return InvalidInput("recipe '{}': {} needs calibration text (pass --calib FILE)",
                        options.recipe, which);
  }
  std::string calib_text;
  if (!options.calib_path.empty()) {
    CRATIO_ASSIGN_OR_RETURN(calib_text, ReadTextFile(options.calib_path));
    if (calib_text.empty()) return InvalidInput("--calib '{}': the file is empty", options.calib_path);
  }

  CRATIO_ASSIGN_OR_RETURN(ModelFile model, ReadModelFile(in_path));
  // Choosing the kernel table installs its SIMD scale searches into the quantizers and the
  // SHA-NI hash; both are bit-identical to the portable code (tested), so this changes
  // speed, never bytes.
  GetKernelTable();
  // The fingerprint of the source is computed alongside the work (it reads the whole file).
  std::future<Result<std::string>> source_sha =
      std::async(std::launch::async, [in_path] { return HashSource(in_path); });

  ThreadPool pool(options.num_threads);
  CompressResult result;
  CompressionReport& report = result.report;
  report.bytes_before = model.TotalTensorBytes();
  report.params_before = NumParams(model);

  CalibrationData calib;
  CompressionContext ctx;
  ctx.pool = &pool;
  ctx.tensor_type_overrides = options.tensor_type_overrides;
  if (!calib_text.empty()) {
    CalibrationOptions co;
    co.max_ctx = options.calib_ctx;
    co.max_chunks = options.calib_max_chunks;
    co.pool = &pool;
    auto collected = CollectCalibration(model, calib_text, co);
    if (!collected.ok()) return collected.status().WithPrefix("calibration");
    calib = std::move(*collected);
    ctx.calib = &calib;
    result.calib_tokens = calib.num_tokens;
  }

  std::string canonical;
  for (const auto& step : steps) {
    if (!canonical.empty()) canonical += '+';
    canonical += step->spec();
    CRATIO_RETURN_IF_ERROR(
        step->Apply(model, ctx, &report).WithPrefix(fmt::format("{}", step->spec())));
  }
  report.recipe = canonical;
  report.bytes_after = model.TotalTensorBytes();
  report.params_after = NumParams(model);

  Result<std::string> sha = source_sha.get();
  if (!sha.ok()) return sha.status();
  Provenance& prov = result.provenance;
  prov.recipe = canonical;
  prov.source_sha256 = *sha;
  prov.calib_sha256 = calib.text_sha256;
  prov.calib_bytes = calib.text_bytes;
  WriteProvenance(prov, &model.metadata);

  ConvertOptions convert;
  convert.pool = &pool;
  CRATIO_ASSIGN_OR_RETURN(ModelFile prepared, PrepareForFormat(model, format, convert, nullptr));
  CRATIO_RETURN_IF_ERROR(WriteModelFile(prepared, out_path, format));
  result.seconds = watch.ElapsedS();
  return result;
}

}  // namespace cratio
