// End-to-end: a corpus of malformed model files, generated here from valid tiny models made
// by `cratio make-model` / `cratio convert` (GGUF, safetensors directory with config.json
// and tokenizer.json, llama2.c): truncation at every structural boundary, bit flips in
// headers, oversized counts and dimensions, overlapping and misaligned tensors, NaN / Inf
// in metadata, invalid UTF-8 and deeply nested JSON. Every variant must make `cratio info`
// exit with code 2 and a message naming the file, inside a CPU-time, wall-time and
// address-space limit (limits, not timing assertions: a variant that hits one fails).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "testing/run_cli.h"
#include "testing/test_data.h"

namespace cratio {
namespace {

namespace fs = std::filesystem;
using testing::CliResult;
using testing::Describe;
using testing::ReadWholeFile;
using testing::RunCli;
using Json = nlohmann::ordered_json;

// Limits for one `cratio info` run on a file of at most a few hundred KiB.
constexpr rlim_t kAddressSpaceLimitBytes = rlim_t{4} << 30;  // virtual, incl. thread stacks
constexpr rlim_t kCpuLimitSeconds = 30;
constexpr auto kWallLimit = std::chrono::seconds(120);

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kUnderAsan = true;  // ASan reserves terabytes of shadow: no RLIMIT_AS
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kUnderAsan = true;
#else
constexpr bool kUnderAsan = false;
#endif
#else
constexpr bool kUnderAsan = false;
#endif

// Runs `cratio args...` in a child limited in address space and CPU time, killed after
// kWallLimit. exit_code is 128 + signal when it was killed (SIGXCPU, SIGKILL, SIGSEGV...).
CliResult RunBounded(const std::vector<std::string>& args, const std::string& scratch) {
  const std::string out_path = scratch + "/stdout", err_path = scratch + "/stderr";
  std::vector<std::string> storage{testing::CratioBin()};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  CliResult r;
  std::fflush(stdout);  // or the child's freopen would write our buffered output again
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid == 0) {
    if (!kUnderAsan) {
      const rlimit as{kAddressSpaceLimitBytes, kAddressSpaceLimitBytes};
      setrlimit(RLIMIT_AS, &as);
    }
    const rlimit cpu{kCpuLimitSeconds, kCpuLimitSeconds};
    setrlimit(RLIMIT_CPU, &cpu);
    if (!freopen(out_path.c_str(), "w", stdout) || !freopen(err_path.c_str(), "w", stderr)) {
      _exit(126);
    }
    execvp(argv[0], argv.data());
    _exit(127);
  }
  if (pid < 0) return r;
  const auto deadline = std::chrono::steady_clock::now() + kWallLimit;
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      r.err = "killed after the wall-clock limit\n";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.exit_code = 128 + WTERMSIG(status);
  r.out = ReadWholeFile(out_path);
  r.err += ReadWholeFile(err_path);
  return r;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

template <typename T>
void Poke(std::string* bytes, uint64_t offset, T value) {
  std::memcpy(bytes->data() + offset, &value, sizeof(T));
}
template <typename T>
T Peek(const std::string& bytes, uint64_t offset) {
  T v;
  std::memcpy(&v, bytes.data() + offset, sizeof(T));
  return v;
}

// One malformed input: `run` is what `cratio info` is given (a file or a directory), and
// the message must contain `run` (for a directory, the file inside it starts with it).
struct Variant {
  std::string name;
  std::string run;
};

// Writes variants under `root` and collects them.
class Corpus {
 public:
  explicit Corpus(std::string root) : root_(std::move(root)) {}
  // A single-file variant named `name` with extension `ext`.
  void AddFile(const std::string& name, const std::string& ext, const std::string& bytes) {
    const std::string path = fmt(name) + ext;
    WriteFile(path, bytes);
    variants_.push_back({name, path});
  }
  // A directory variant: a copy of `files` (name -> bytes) with `changed` replaced.
  void AddDir(const std::string& name, std::map<std::string, std::string> files,
              const std::string& changed_name, const std::string& changed_bytes) {
    const std::string dir = fmt(name);
    fs::create_directories(dir);
    files[changed_name] = changed_bytes;
    for (const auto& [f, b] : files) WriteFile(dir + "/" + f, b);
    variants_.push_back({name, dir});
  }
  const std::vector<Variant>& variants() const { return variants_; }

 private:
  std::string fmt(const std::string& name) {
    return root_ + "/v" + std::to_string(variants_.size()) + "_" + Sanitize(name);
  }
  static std::string Sanitize(std::string s) {
    for (char& c : s) {
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    return s.substr(0, 60);
  }
  std::string root_;
  std::vector<Variant> variants_;
};

// ---- GGUF structure, walked here independently of the reader ------------------------

struct GgufKv {
  std::string key;
  uint64_t key_len_offset = 0;  // the u64 key length
  uint32_t type = 0;
  uint64_t value_offset = 0;  // after the u32 type
  std::vector<uint64_t> element_offsets;  // arrays: the first few elements
};
struct GgufTensorInfo {
  uint64_t name_len_offset = 0, ndims_offset = 0, dims_offset = 0, type_offset = 0,
           offset_offset = 0;
  uint32_t ndims = 0;
  uint64_t rel_offset = 0;
};
struct GgufLayout {
  std::vector<GgufKv> kvs;
  std::vector<GgufTensorInfo> tensors;
  std::vector<uint64_t> boundaries;  // start of every field walked
  uint64_t data_start = 0;
};

uint64_t ScalarBytes(uint32_t type) {
  switch (type) {
    case 0: case 1: case 7: return 1;
    case 2: case 3: return 2;
    case 4: case 5: case 6: return 4;
    case 10: case 11: case 12: return 8;
  }
  return 0;
}

// Skips one value of `type` at *pos, recording boundaries of the first array elements.
void SkipValue(const std::string& b, uint32_t type, uint64_t* pos, GgufLayout* l, GgufKv* kv) {
  l->boundaries.push_back(*pos);
  if (type == 8) {
    *pos += 8 + Peek<uint64_t>(b, *pos);
  } else if (type == 9) {
    const uint32_t et = Peek<uint32_t>(b, *pos);
    const uint64_t n = Peek<uint64_t>(b, *pos + 4);
    l->boundaries.push_back(*pos + 4);
    *pos += 12;
    for (uint64_t i = 0; i < n; ++i) {
      if (kv && i < 3) kv->element_offsets.push_back(*pos);
      if (i < 3) {
        SkipValue(b, et, pos, l, nullptr);
      } else if (et == 8) {
        *pos += 8 + Peek<uint64_t>(b, *pos);
      } else {
        *pos += ScalarBytes(et);
      }
    }
  } else {
    *pos += ScalarBytes(type);
  }
}

GgufLayout WalkGguf(const std::string& b) {
  GgufLayout l;
  l.boundaries = {0, 4, 8, 16};
  const uint64_t n_tensors = Peek<uint64_t>(b, 8), n_kv = Peek<uint64_t>(b, 16);
  uint64_t pos = 24;
  for (uint64_t i = 0; i < n_kv; ++i) {
    GgufKv kv;
    kv.key_len_offset = pos;
    const uint64_t len = Peek<uint64_t>(b, pos);
    kv.key = b.substr(pos + 8, len);
    l.boundaries.push_back(pos);
    l.boundaries.push_back(pos + 8);
    pos += 8 + len;
    l.boundaries.push_back(pos);
    kv.type = Peek<uint32_t>(b, pos);
    pos += 4;
    kv.value_offset = pos;
    SkipValue(b, kv.type, &pos, &l, &kv);
    l.kvs.push_back(std::move(kv));
  }
  for (uint64_t i = 0; i < n_tensors; ++i) {
    GgufTensorInfo t;
    t.name_len_offset = pos;
    l.boundaries.push_back(pos);
    pos += 8 + Peek<uint64_t>(b, pos);
    t.ndims_offset = pos;
    t.ndims = Peek<uint32_t>(b, pos);
    t.dims_offset = pos + 4;
    pos += 4 + 8 * uint64_t{t.ndims};
    t.type_offset = pos;
    t.offset_offset = pos + 4;
    t.rel_offset = Peek<uint64_t>(b, pos + 4);
    for (uint64_t f : {t.ndims_offset, t.dims_offset, t.type_offset, t.offset_offset}) {
      l.boundaries.push_back(f);
    }
    pos += 12;
    l.tensors.push_back(t);
  }
  l.data_start = (pos + 31) / 32 * 32;
  l.boundaries.push_back(pos);
  l.boundaries.push_back(l.data_start);
  for (const GgufTensorInfo& t : l.tensors) {
    l.boundaries.push_back(l.data_start + t.rel_offset + 1);  // inside each tensor's data
  }
  return l;
}

const GgufKv* FindKv(const GgufLayout& l, std::string_view key) {
  for (const GgufKv& kv : l.kvs) {
    if (kv.key == key) return &kv;
  }
  return nullptr;
}

// A tiny valid model in every format, made once per test program.
struct Sources {
  std::string gguf;                          // bytes of a valid GGUF
  std::map<std::string, std::string> hf;     // safetensors directory: file -> bytes
  std::string llama2c;                       // bytes of a valid v0 checkpoint
};

const Sources& GetSources() {
  static const Sources* sources = [] {
    auto* s = new Sources;
    const fs::path dir = fs::temp_directory_path() /
                         ("cratio_corpus_src_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "ll");
    const std::string gguf = (dir / "tiny.gguf").string();
    const std::vector<std::vector<std::string>> runs = {
        {"make-model", "--dim", "32", "--layers", "2", "--ffn", "64", "--heads", "4",
         "--kv-heads", "2", "--vocab", "259", "--ctx", "32", "-o", gguf},
        {"convert", gguf, (dir / "hf").string()},
        {"convert", gguf, (dir / "ll" / "tiny.bin").string()}};
    for (const auto& args : runs) {
      const CliResult r = RunCli(args);
      EXPECT_EQ(r.exit_code, 0) << Describe(r);
    }
    s->gguf = ReadWholeFile(gguf);
    for (const auto& e : fs::directory_iterator(dir / "hf")) {
      s->hf[e.path().filename().string()] = ReadWholeFile(e.path().string());
    }
    s->llama2c = ReadWholeFile((dir / "ll" / "tiny.bin").string());
    fs::remove_all(dir);
    return s;
  }();
  return *sources;
}

// ---- the variants --------------------------------------------------------------------

void AddGgufVariants(Corpus* c) {
  const std::string& src = GetSources().gguf;
  ASSERT_GT(src.size(), 1000u);
  const GgufLayout l = WalkGguf(src);
  ASSERT_GT(l.tensors.size(), 2u);
  ASSERT_EQ(l.data_start % 32, 0u);

  // Truncation at every structural boundary walked (each is inside the file, before the
  // end of the tensor data, so the file must be refused).
  std::vector<uint64_t> cuts = l.boundaries;
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  for (uint64_t cut : cuts) {
    ASSERT_LT(cut, src.size());
    c->AddFile("gguf truncated at " + std::to_string(cut), ".gguf", src.substr(0, cut));
  }

  auto with = [&](const std::string& name, const std::function<void(std::string*)>& edit) {
    std::string b = src;
    edit(&b);
    c->AddFile(name, ".gguf", b);
  };
  // Bit flips in the header: the magic (one per byte), the version (not bit 0: 3 -> 2 is
  // a valid version), and high bits of the two counts (a count the file cannot hold).
  for (int byte = 0; byte < 4; ++byte) {
    with("gguf magic bit flip " + std::to_string(byte), [&](std::string* b) { (*b)[byte] ^= 0x20; });
  }
  for (int bit : {1, 2, 5, 8, 16, 24, 31}) {
    with("gguf version bit " + std::to_string(bit),
         [&](std::string* b) { Poke(b, 4, Peek<uint32_t>(*b, 4) ^ (1u << bit)); });
  }
  for (int bit : {20, 32, 48, 62, 63}) {
    with("gguf tensor count bit " + std::to_string(bit),
         [&](std::string* b) { Poke(b, 8, Peek<uint64_t>(*b, 8) ^ (uint64_t{1} << bit)); });
    with("gguf kv count bit " + std::to_string(bit),
         [&](std::string* b) { Poke(b, 16, Peek<uint64_t>(*b, 16) ^ (uint64_t{1} << bit)); });
  }

  // Oversized lengths and counts inside the metadata.
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  for (uint64_t len : {kMax, uint64_t{1} << 63, uint64_t{src.size()}}) {
    with("gguf key length " + std::to_string(len),
         [&](std::string* b) { Poke(b, l.kvs[0].key_len_offset, len); });
  }
  int strings = 0, arrays = 0;
  for (const GgufKv& kv : l.kvs) {
    if (kv.type == 8 && strings++ < 3) {
      for (uint64_t len : {kMax, uint64_t{src.size()}}) {
        with("gguf string length " + kv.key + " " + std::to_string(len),
             [&](std::string* b) { Poke(b, kv.value_offset, len); });
      }
    }
    if (kv.type == 9 && arrays++ < 3) {
      for (uint64_t n : {kMax, uint64_t{1} << 62, uint64_t{src.size()}}) {
        with("gguf array count " + kv.key + " " + std::to_string(n),
             [&](std::string* b) { Poke(b, kv.value_offset + 4, n); });
      }
      with("gguf array element type 13 " + kv.key,
           [&](std::string* b) { Poke(b, kv.value_offset, uint32_t{13}); });
    }
  }
  with("gguf value type 13", [&](std::string* b) { Poke(b, l.kvs[0].value_offset - 4, uint32_t{13}); });
  with("gguf value type 2^31",
       [&](std::string* b) { Poke(b, l.kvs[0].value_offset - 4, uint32_t{1} << 31); });

  // Tensor infos: dimensions, types, offsets.
  const GgufTensorInfo& t0 = l.tensors[0];
  const GgufTensorInfo& t1 = l.tensors[1];
  const GgufTensorInfo& tl = l.tensors.back();
  for (uint32_t nd : {0u, 5u, 0xFFFFFFFFu}) {
    with("gguf n_dims " + std::to_string(nd), [&](std::string* b) { Poke(b, t0.ndims_offset, nd); });
  }
  for (uint64_t d : {kMax, (uint64_t{1} << 53) + 32, uint64_t{1} << 40, uint64_t{0x10000} * 32}) {
    with("gguf dim0 " + std::to_string(d), [&](std::string* b) { Poke(b, t0.dims_offset, d); });
  }
  with("gguf dims product overflows", [&](std::string* b) {
    for (uint32_t d = 0; d < t1.ndims; ++d) Poke(b, t1.dims_offset + 8 * d, uint64_t{1} << 40);
  });
  with("gguf dim not a block multiple", [&](std::string* b) {
    Poke(b, t1.type_offset, uint32_t{8});  // q8_0: rows must be multiples of 32
    Poke(b, t1.dims_offset, uint64_t{33});
  });
  for (uint32_t type : {4u, 99u, 0xFFFFFFFFu}) {  // 4 and 5 (Q4_2 / Q4_3) were removed
    with("gguf tensor type " + std::to_string(type),
         [&](std::string* b) { Poke(b, t0.type_offset, type); });
  }
  for (uint64_t off : {kMax - 31, uint64_t{1} << 62, uint64_t{src.size()}, tl.rel_offset + 32}) {
    with("gguf offset " + std::to_string(off),
         [&](std::string* b) { Poke(b, tl.offset_offset, off / 32 * 32); });
  }
  for (uint64_t delta : {1u, 4u, 16u}) {
    with("gguf misaligned offset +" + std::to_string(delta),
         [&](std::string* b) { Poke(b, t1.offset_offset, t1.rel_offset + delta); });
  }
  with("gguf tensors overlap (same offset)",
       [&](std::string* b) { Poke(b, t1.offset_offset, t0.rel_offset); });
  with("gguf tensors overlap (last onto first)",
       [&](std::string* b) { Poke(b, tl.offset_offset, t0.rel_offset); });
  with("gguf duplicate tensor name", [&](std::string* b) {
    // Give tensor 1 tensor 0's name when both names have the same length.
    const uint64_t n0 = Peek<uint64_t>(*b, t0.name_len_offset);
    const uint64_t n1 = Peek<uint64_t>(*b, t1.name_len_offset);
    if (n0 == n1) {
      b->replace(t1.name_len_offset + 8, n1, b->substr(t0.name_len_offset + 8, n0));
    } else {
      Poke(b, t1.name_len_offset, kMax);
    }
  });

  // NaN / Inf in float metadata.
  for (const GgufKv& kv : l.kvs) {
    if (kv.type != 6) continue;
    for (float v : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                    -std::numeric_limits<float>::infinity()}) {
      with("gguf " + kv.key + " = " + std::to_string(v),
           [&](std::string* b) { Poke(b, kv.value_offset, v); });
    }
  }

  // Invalid UTF-8 in keys and strings.
  const std::pair<const char*, std::string> bad_utf8[] = {
      {"ff", "\xff"}, {"continuation", "\x80"}, {"overlong c0", "\xc0"}, {"f5", "\xf5"}};
  for (size_t k = 0; k < 3 && k < l.kvs.size(); ++k) {
    for (const auto& bad : bad_utf8) {
      with(std::string("gguf key utf8 ") + bad.first + " " + l.kvs[k].key,
           [&](std::string* b) { b->replace(l.kvs[k].key_len_offset + 8, 1, bad.second); });
    }
  }
  if (const GgufKv* tokens = FindKv(l, "tokenizer.ggml.tokens")) {
    const uint64_t first = tokens->element_offsets.at(0);
    ASSERT_GE(Peek<uint64_t>(src, first), 3u);
    with("gguf token utf8 surrogate", [&](std::string* b) {
      (*b)[first + 8] = '\xed';  // U+D800, a surrogate: never valid in UTF-8
      (*b)[first + 9] = '\xa0';
      (*b)[first + 10] = '\x80';
    });
    with("gguf token utf8 truncated sequence", [&](std::string* b) {
      (*b)[first + 8 + Peek<uint64_t>(src, first) - 1] = '\xe4';  // a 3-byte lead, then nothing
    });
  }
}

// safetensors: (u64 header length, JSON header, data) in a directory with config.json and
// tokenizer.json.
std::string WithHeader(const Json& header, const std::string& data) {
  std::string text = header.dump();
  while (text.size() % 8) text += ' ';
  std::string out(8, '\0');
  const uint64_t n = text.size();
  std::memcpy(out.data(), &n, 8);
  return out + text + data;
}

std::string Nested(int depth, const std::string& open, const std::string& close,
                   const std::string& inner) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += open;
  s += inner;
  for (int i = 0; i < depth; ++i) s += close;
  return s;
}

void AddSafetensorsVariants(Corpus* c) {
  const std::map<std::string, std::string>& files = GetSources().hf;
  ASSERT_TRUE(files.count("model.safetensors") && files.count("config.json") &&
              files.count("tokenizer.json"));
  const std::string& st = files.at("model.safetensors");
  const uint64_t header_bytes = Peek<uint64_t>(st, 0);
  const Json header = Json::parse(st.substr(8, header_bytes));
  const std::string data = st.substr(8 + header_bytes);
  auto add_st = [&](const std::string& name, const std::string& bytes) {
    c->AddDir("st " + name, files, "model.safetensors", bytes);
  };

  // Truncation: inside the length, inside the header, at the data start, in each tensor.
  std::vector<uint64_t> cuts = {0, 4, 7, 8, 9, 8 + header_bytes / 2, 8 + header_bytes - 1,
                                8 + header_bytes};
  std::vector<std::string> names;
  for (const auto& [name, t] : header.items()) {
    if (name == "__metadata__") continue;
    names.push_back(name);
    const uint64_t begin = t["data_offsets"][0].get<uint64_t>();
    const uint64_t end = t["data_offsets"][1].get<uint64_t>();
    if (end > begin) cuts.push_back(8 + header_bytes + begin + 1);
  }
  for (uint64_t cut : cuts) add_st("truncated at " + std::to_string(cut), st.substr(0, cut));

  // The length field.
  for (uint64_t n : {std::numeric_limits<uint64_t>::max(), uint64_t{1} << 63,
                     uint64_t{st.size()}, (uint64_t{100} << 20) + 1, uint64_t{0}, uint64_t{1}}) {
    std::string b = st;
    Poke(&b, 0, n);
    add_st("header length " + std::to_string(n), b);
  }

  // Tensor entries: dtype, shape, data_offsets.
  auto edit = [&](const std::string& name, const std::string& tensor,
                  const std::function<void(Json&)>& fn) {
    Json h = header;
    fn(h[tensor]);
    add_st(name + " " + tensor, WithHeader(h, data));
  };
  for (size_t i = 0; i < names.size() && i < 3; ++i) {
    const std::string& t = names[i];
    const uint64_t begin = header[t]["data_offsets"][0].get<uint64_t>();
    const uint64_t end = header[t]["data_offsets"][1].get<uint64_t>();
    edit("dtype unknown", t, [](Json& e) { e["dtype"] = "Q4_K"; });
    edit("dtype number", t, [](Json& e) { e["dtype"] = 7; });
    edit("dtype missing", t, [](Json& e) { e.erase("dtype"); });
    edit("shape rank 5", t, [](Json& e) { e["shape"] = {1, 1, 1, 1, 1}; });
    edit("shape negative", t, [](Json& e) { e["shape"] = {-1, 4}; });
    edit("shape huge", t, [](Json& e) { e["shape"] = {uint64_t{1} << 49, uint64_t{1} << 49}; });
    edit("shape float", t, [](Json& e) { e["shape"] = {2.5}; });
    edit("shape size mismatch", t, [](Json& e) { e["shape"] = {3}; });
    edit("offsets one byte longer", t, [&](Json& e) { e["data_offsets"] = {begin, end + 1}; });
    edit("offsets reversed", t, [&](Json& e) { e["data_offsets"] = {end, begin}; });
    edit("offsets past the end", t,
         [&](Json& e) { e["data_offsets"] = {begin + data.size(), end + data.size()}; });
    edit("offsets max", t, [&](Json& e) {
      e["data_offsets"] = {std::numeric_limits<uint64_t>::max() - (end - begin),
                           std::numeric_limits<uint64_t>::max()};
    });
    edit("offsets three", t, [&](Json& e) { e["data_offsets"] = {begin, end, end}; });
    edit("offsets missing", t, [](Json& e) { e.erase("data_offsets"); });
    edit("not an object", t, [](Json& e) { e = "tensor"; });
    if (i > 0) {
      // Overlap the previous tensor (sizes permitting) and misalign by a few bytes.
      const uint64_t pb = header[names[i - 1]]["data_offsets"][0].get<uint64_t>();
      edit("overlaps previous", t, [&](Json& e) { e["data_offsets"] = {pb, pb + end - begin}; });
      edit("shifted by 2 bytes", t,
           [&](Json& e) { e["data_offsets"] = {begin - 2, end - 2}; });
    }
  }

  // Whole-header damage.
  const std::string text = header.dump();
  auto raw = [&](const std::string& name, std::string t) {
    while (t.size() % 8) t += ' ';
    std::string b(8, '\0');
    Poke(&b, 0, uint64_t{t.size()});
    add_st(name, b + t + data);
  };
  raw("header json cut", text.substr(0, text.size() / 2));
  raw("header is a list", "[" + text + "]");
  raw("header trailing garbage", text + "}}");
  raw("header NaN", "{\"__metadata__\": {\"x\": NaN}}");
  raw("header duplicate key", "{\"a\": 1, \"a\": 2}");
  raw("header metadata not a string", "{\"__metadata__\": {\"x\": 3}}");
  raw("header nested 100000", "{\"__metadata__\": " + Nested(100000, "[", "]", "") + "}");
  raw("header nested objects 5000", Nested(5000, "{\"a\":", "}", "1"));
  std::string bad = text;
  bad.replace(bad.find('"') + 1, 1, "\xff");
  raw("header invalid utf8 ff", bad);
  bad = text;
  bad.replace(bad.find('"') + 1, 3, "\xed\xa0\x80");
  raw("header invalid utf8 surrogate", bad);

  // config.json damage.
  const std::string& config = files.at("config.json");
  auto add_cfg = [&](const std::string& name, const std::string& bytes) {
    c->AddDir("config " + name, files, "config.json", bytes);
  };
  add_cfg("empty", "");
  add_cfg("cut", config.substr(0, config.size() / 2));
  add_cfg("nested", Nested(100000, "[", "]", ""));
  add_cfg("not an object", "[1, 2]");
  add_cfg("invalid utf8", "{\"model_type\": \"ll\xff\"}");
  const Json cfg = Json::parse(config);
  auto cfg_edit = [&](const std::string& name, const std::function<void(Json&)>& fn) {
    Json j = cfg;
    fn(j);
    add_cfg(name, j.dump());
  };
  for (const char* field : {"hidden_size", "num_hidden_layers", "num_attention_heads",
                            "intermediate_size", "vocab_size"}) {
    cfg_edit(std::string(field) + " negative", [&](Json& j) { j[field] = -4; });
    cfg_edit(std::string(field) + " huge", [&](Json& j) { j[field] = uint64_t{1} << 62; });
    cfg_edit(std::string(field) + " string", [&](Json& j) { j[field] = "64"; });
  }
  cfg_edit("rms_norm_eps string", [](Json& j) { j["rms_norm_eps"] = "tiny"; });
  cfg_edit("architectures unknown", [](Json& j) { j["architectures"] = {"GPTNeoXForCausalLM"}; });
  add_cfg("NaN literal", "{\"rms_norm_eps\": NaN}");
  add_cfg("Infinity literal", "{\"rope_theta\": Infinity}");

  // tokenizer.json damage.
  const std::string& tok = files.at("tokenizer.json");
  auto add_tok = [&](const std::string& name, const std::string& bytes) {
    c->AddDir("tokenizer " + name, files, "tokenizer.json", bytes);
  };
  add_tok("empty", "");
  add_tok("cut", tok.substr(0, tok.size() / 2));
  add_tok("nested", Nested(100000, "{\"a\":", "}", "1"));
  add_tok("invalid utf8", "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"\xc0\xaf\": 0}}}");
  const Json tj = Json::parse(tok);
  auto tok_edit = [&](const std::string& name, const std::function<void(Json&)>& fn) {
    Json j = tj;
    fn(j);
    add_tok(name, j.dump());
  };
  tok_edit("model missing", [](Json& j) { j.erase("model"); });
  tok_edit("model type Unigram", [](Json& j) { j["model"]["type"] = "Unigram"; });
  tok_edit("vocab not an object", [](Json& j) { j["model"]["vocab"] = {1, 2}; });
  tok_edit("vocab id huge", [](Json& j) { j["model"]["vocab"]["zz_new"] = int64_t{1} << 40; });
  tok_edit("vocab id negative", [](Json& j) { j["model"]["vocab"]["zz_new"] = -1; });
  tok_edit("vocab id string", [](Json& j) { j["model"]["vocab"]["zz_new"] = "3"; });
  tok_edit("merges not a list", [](Json& j) { j["model"]["merges"] = 5; });
  tok_edit("merge without space", [](Json& j) { j["model"]["merges"].push_back("abc"); });
  tok_edit("merge triple", [](Json& j) { j["model"]["merges"].push_back({"a", "b", "c"}); });
  tok_edit("added token id huge",
           [](Json& j) { j["added_tokens"] = {{{"id", int64_t{1} << 40}, {"content", "<x>"}}}; });
  tok_edit("added tokens not a list", [](Json& j) { j["added_tokens"] = "x"; });
}

void AddLlama2cVariants(Corpus* c) {
  const std::string& src = GetSources().llama2c;
  ASSERT_GT(src.size(), 28u);
  int32_t hdr[7];
  std::memcpy(hdr, src.data(), sizeof(hdr));
  const int32_t dim = hdr[0], hidden = hdr[1], layers = hdr[2], heads = hdr[3],
                kv_heads = hdr[4], vocab = hdr[5] < 0 ? -hdr[5] : hdr[5], seq = hdr[6];
  const int64_t head = dim / heads, kv_dim = head * kv_heads;
  // v0 order: embd, attn_norm, wq, wk, wv, wo, ffn_norm, w1, w2, w3, final norm, rope
  // tables, [wcls]; segment sizes in floats.
  const std::vector<int64_t> segments = {
      int64_t{vocab} * dim,   int64_t{layers} * dim,         int64_t{layers} * dim * dim,
      layers * kv_dim * dim,  layers * kv_dim * dim,         int64_t{layers} * dim * dim,
      int64_t{layers} * dim,  int64_t{layers} * hidden * dim, int64_t{layers} * dim * hidden,
      int64_t{layers} * hidden * dim, dim, seq * head / 2, seq * head / 2};
  std::vector<uint64_t> cuts = {0, 1, 4, 8, 12, 16, 20, 24, 27, 28};
  uint64_t offset = 28;
  for (int64_t s : segments) {
    cuts.push_back(offset + 4);  // inside the segment
    offset += 4 * static_cast<uint64_t>(s);
    if (offset < src.size()) cuts.push_back(offset);
  }
  for (uint64_t cut : cuts) {
    if (cut < src.size()) {
      c->AddFile("llama2c truncated at " + std::to_string(cut), ".bin", src.substr(0, cut));
    }
  }
  c->AddFile("llama2c one extra byte", ".bin", src + "x");
  c->AddFile("llama2c extra float", ".bin", src + std::string(4, '\0'));
  const char* fields[] = {"dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size",
                          "seq_len"};
  for (int f = 0; f < 7; ++f) {
    for (int32_t v : {0, -1, 1, 3, std::numeric_limits<int32_t>::max(),
                      std::numeric_limits<int32_t>::min()}) {
      if (f == 5 && v == 0) continue;
      std::string b = src;
      Poke(&b, 4 * f, v);
      c->AddFile("llama2c " + std::string(fields[f]) + " = " + std::to_string(v), ".bin", b);
    }
  }
  std::string b = src;
  Poke(&b, 20, -hdr[5]);  // flips shared classifier: wcls expected, missing
  c->AddFile("llama2c vocab sign flipped", ".bin", b);
  b = src;
  Poke(&b, 12, heads * 2);
  Poke(&b, 16, kv_heads * 3);
  c->AddFile("llama2c heads not a multiple of kv heads", ".bin", b);
  // v1: the "ak42" magic on a v0 body, a wrong version, a short header.
  std::string v1(256, '\0');
  Poke(&v1, 0, uint32_t{0x616b3432});
  Poke(&v1, 4, int32_t{1});
  std::memcpy(v1.data() + 8, hdr, sizeof(hdr));
  c->AddFile("llama2c v1 header on v0 body", ".bin", v1 + src.substr(28));
  Poke(&v1, 4, int32_t{2});
  c->AddFile("llama2c v1 version 2", ".bin", v1 + src.substr(28));
  c->AddFile("llama2c v1 header cut", ".bin", v1.substr(0, 100));
}

void ExpectAllRefused(const std::vector<Variant>& variants, const std::string& scratch) {
  std::printf("running %zu malformed variants through `cratio info`\n", variants.size());
  for (const Variant& v : variants) {
    SCOPED_TRACE(v.name + " (" + v.run + ")");
    const CliResult r = RunBounded({"info", v.run}, scratch);
    EXPECT_EQ(r.exit_code, 2) << Describe(r);
    EXPECT_NE(r.err.find(v.run), std::string::npos) << "message does not name the file\n"
                                                     << Describe(r);
  }
}

TEST(MalformedCorpus, GgufVariantsAreRefusedWithExit2NamingTheFile) {
  const std::string dir = testing::TempDir();
  Corpus c(dir);
  AddGgufVariants(&c);
  EXPECT_GE(c.variants().size(), 150u);
  ExpectAllRefused(c.variants(), dir);
}

TEST(MalformedCorpus, SafetensorsDirectoryVariantsAreRefusedWithExit2NamingTheFile) {
  const std::string dir = testing::TempDir();
  Corpus c(dir);
  AddSafetensorsVariants(&c);
  EXPECT_GE(c.variants().size(), 100u);
  ExpectAllRefused(c.variants(), dir);
}

TEST(MalformedCorpus, Llama2cVariantsAreRefusedWithExit2NamingTheFile) {
  const std::string dir = testing::TempDir();
  Corpus c(dir);
  AddLlama2cVariants(&c);
  EXPECT_GE(c.variants().size(), 50u);
  ExpectAllRefused(c.variants(), dir);
}

TEST(MalformedCorpus, SourcesAreValid) {
  // The unmodified sources must be accepted, or every refusal above proves nothing.
  const std::string dir = testing::TempDir();
  WriteFile(dir + "/ok.gguf", GetSources().gguf);
  fs::create_directories(dir + "/hf");
  for (const auto& [f, b] : GetSources().hf) WriteFile(dir + "/hf/" + f, b);
  WriteFile(dir + "/ok.bin", GetSources().llama2c);
  for (const std::string& p : {dir + "/ok.gguf", dir + "/hf", dir + "/ok.bin"}) {
    const CliResult r = RunBounded({"info", p}, dir);
    EXPECT_EQ(r.exit_code, 0) << p << "\n" << Describe(r);
    EXPECT_EQ(r.out.find("not a runnable model"), std::string::npos) << p << "\n" << r.out;
  }
}

}  // namespace
}  // namespace cratio
