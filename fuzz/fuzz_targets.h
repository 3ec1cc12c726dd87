// The parser entry points the fuzzers drive, one function per harness. Shared by the
// libFuzzer mains in fuzz/*_fuzzer.cc and by tests/fuzz_regressions_test.cc, which replays
// every saved finding through exactly the same code in the normal build.
// Each function takes arbitrary bytes and must return (never crash, hang or allocate
// beyond what the bytes justify); errors are the expected outcome for most inputs.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/gguf.h"
#include "io/json_parse.h"
#include "io/llama2c.h"
#include "io/model_file.h"
#include "io/safetensors.h"
#include "io/tokenizer_json.h"
#include "model/accounting.h"
#include "model/config.h"
#include "model/tokenizer_loader.h"
#include "tokenizer/byte_unicode.h"
#include "tokenizer/tokenizer.h"

namespace cratio::fuzz {

// Readers take a path and mmap it; the bytes go into one anonymous in-memory file that
// is rewritten for every input and named through /proc/self/fd (no disk traffic).
class MemFile {
 public:
  MemFile() : fd_(memfd_create("cratio_fuzz", 0)) {
    if (fd_ < 0) std::abort();
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemFile() { close(fd_); }
  const std::string& Write(const uint8_t* data, size_t size) {
    if (ftruncate(fd_, 0) != 0) std::abort();
    size_t done = 0;
    while (done < size) {
      const ssize_t n = pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      if (n <= 0) std::abort();
      done += static_cast<size_t>(n);
    }
    return path_;
  }

 private:
  int fd_;
  std::string path_;
};

inline MemFile& SharedMemFile() {
  static MemFile* f = new MemFile();
  return *f;
}

// What every command does after a reader succeeds: config, tokenizer, size accounting.
inline void ExerciseModelFile(const ModelFile& file) {
  Result<ModelConfig> config = ModelConfig::FromModelFile(file);
  AccountingOptions opts;
  opts.context_length = 64;
  (void)ComputeAccounting(file, config.ok() ? &*config : nullptr, opts);
  Result<TokenizerSpec> spec = TokenizerSpecFromMetadata(file.metadata);
  if (!spec.ok()) return;
  Result<std::unique_ptr<Tokenizer>> tok = CreateTokenizer(std::move(*spec));
  if (!tok.ok()) return;
  Result<std::vector<int32_t>> ids = (*tok)->Encode("Hello world, 123 \xe4\xbd\xa0\xe5\xa5\xbd!", true);
  if (ids.ok()) (void)(*tok)->Decode(*ids);
}

inline void FuzzGguf(const uint8_t* data, size_t size) {
  Result<ModelFile> file = ReadGguf(SharedMemFile().Write(data, size));
  if (file.ok()) ExerciseModelFile(*file);
}

inline void FuzzSafetensorsHeader(const uint8_t* data, size_t size) {
  (void)ParseSafetensorsHeader(data, size, "fuzz.safetensors");
}

inline void FuzzLlama2c(const uint8_t* data, size_t size) {
  Result<ModelFile> file = ReadLlama2c(SharedMemFile().Write(data, size));
  if (file.ok()) ExerciseModelFile(*file);
}

inline void FuzzLlama2cTokenizer(const uint8_t* data, size_t size) {
  Result<Metadata> md = ReadLlama2cTokenizer(SharedMemFile().Write(data, size));
  if (!md.ok()) return;
  ModelFile file;
  file.metadata = std::move(*md);
  ExerciseModelFile(file);
}

inline void FuzzTokenizerJson(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<nlohmann::ordered_json> j = ParseJsonText(text, "fuzz tokenizer.json");
  if (!j.ok()) return;
  Result<Metadata> md = TokenizerMetadataFromJson(*j, nullptr, "fuzz tokenizer.json");
  if (!md.ok()) return;
  ModelFile file;
  file.metadata = std::move(*md);
  ExerciseModelFile(file);
}

// --- Tokenizer encode / decode over fixed vocabularies -------------------------------

// A small SentencePiece-style vocabulary: <unk> <s> </s>, 256 byte tokens, single
// characters and a few merged pieces with rising scores, one user-defined token.
inline TokenizerSpec SyntheticSpmSpec() {
  TokenizerSpec s;
  s.model = "llama";
  s.pre = "default";
  auto add = [&](std::string t, float score, TokenType type) {
    s.tokens.push_back(std::move(t));
    s.scores.push_back(score);
    s.token_types.push_back(static_cast<int32_t>(type));
  };
  add("<unk>", 0, TokenType::kUnknown);
  add("<s>", 0, TokenType::kControl);
  add("</s>", 0, TokenType::kControl);
  for (int b = 0; b < 256; ++b) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), "<0x%02X>", b);
    add(buf, 0, TokenType::kByte);
  }
  const std::string sp(kSentencePieceSpace);
  const char* pieces[] = {"a", "b", "c", "d", "e", "h", "l", "o", "t", "w", "r", "1", "2"};
  float score = -100;
  for (const char* p : pieces) add(p, score += 1, TokenType::kNormal);
  add(sp, score += 1, TokenType::kNormal);
  for (const char* p : {"he", "ll", "lo", "hel", "hello", "wo", "wor", "world"}) {
    add(p, score += 1, TokenType::kNormal);
  }
  add(sp + "h", score += 1, TokenType::kNormal);
  add(sp + "hello", score += 1, TokenType::kNormal);
  add(sp + "w", score += 1, TokenType::kNormal);
  add("<|user|>", 0, TokenType::kUserDefined);
  s.bos_id = 1;
  s.eos_id = 2;
  s.unk_id = 0;
  return s;
}

// A small byte-level BPE vocabulary: the 256 byte symbols, merges building "he", "ll",
// "hello", " w", " world", digits pairs; a control end-of-text token.
inline TokenizerSpec SyntheticBpeSpec(std::string pre) {
  TokenizerSpec s;
  s.model = "gpt2";
  s.pre = std::move(pre);
  s.add_bos = false;
  s.add_space_prefix = false;
  for (int b = 0; b < 256; ++b) s.tokens.push_back(ByteToUnicode(static_cast<uint8_t>(b)));
  const std::string G = ByteToUnicode(' ');  // "Ġ"
  const std::vector<std::pair<std::string, std::string>> merges = {
      {"h", "e"}, {"l", "l"}, {"he", "ll"}, {"hell", "o"}, {G, "w"}, {"o", "r"},
      {G + "w", "or"}, {"l", "d"}, {G + "wor", "ld"}, {"1", "2"}, {G, "t"}, {"t", "h"}};
  for (const auto& [a, b] : merges) {
    s.merges.push_back(a + " " + b);
    s.tokens.push_back(a + b);
  }
  s.tokens.push_back("<|endoftext|>");
  s.token_types.assign(s.tokens.size(), static_cast<int32_t>(TokenType::kNormal));
  s.token_types.back() = static_cast<int32_t>(TokenType::kControl);
  s.eos_id = s.bos_id = static_cast<int32_t>(s.tokens.size()) - 1;
  return s;
}

inline std::vector<std::unique_ptr<Tokenizer>> BuildEncodeTokenizers() {
  std::vector<std::unique_ptr<Tokenizer>> out;
  auto add = [&](TokenizerSpec spec) {
    Result<std::unique_ptr<Tokenizer>> t = CreateTokenizer(std::move(spec));
    if (!t.ok()) {
      std::fprintf(stderr, "fuzz: synthetic tokenizer rejected: %s\n",
                   t.status().message().c_str());
      std::abort();
    }
    out.push_back(std::move(*t));
  };
  add(SyntheticSpmSpec());
  add(SyntheticBpeSpec("gpt-2"));
  add(SyntheticBpeSpec("llama3"));
  add(SyntheticBpeSpec("qwen2"));
  // The real vocabularies, when the shared data are present (not needed to replay).
  const char* env = std::getenv("CRATIO_DATA");
  const std::string root = env ? env : "/work/shared/data";
  for (const char* name : {"ggml-vocab-llama-spm.gguf", "ggml-vocab-gpt-2.gguf"}) {
    Result<ModelFile> f = ReadModelFile(root + "/tokenizer/" + name);
    if (!f.ok()) continue;
    Result<std::unique_ptr<Tokenizer>> t = LoadTokenizer(*f);
    if (t.ok()) out.push_back(std::move(*t));
  }
  return out;
}

// Byte 0 picks the tokenizer and the operation; the rest is text (or ids, 4 bytes each).
inline void FuzzTokenizerEncode(const uint8_t* data, size_t size) {
  static const std::vector<std::unique_ptr<Tokenizer>>* tokenizers =
      new std::vector<std::unique_ptr<Tokenizer>>(BuildEncodeTokenizers());
  if (size < 1) return;
  const Tokenizer& tok = *(*tokenizers)[data[0] % tokenizers->size()];
  const int op = (data[0] / 16) % 4;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (op == 3) {
    // Decode arbitrary ids (negative and out of range included).
    std::vector<int32_t> ids((size - 1) / 4);
    if (!ids.empty()) std::memcpy(ids.data(), data + 1, ids.size() * 4);
    (void)tok.Decode(ids);
    for (int32_t id : ids) (void)tok.TokenToPiece(id);
    return;
  }
  Result<std::vector<int32_t>> ids =
      op == 2 ? tok.EncodeParsingSpecial(text, true) : tok.Encode(text, op == 1);
  if (!ids.ok()) return;
  for (int32_t id : *ids) {
    if (id < 0 || id >= tok.vocab_size()) std::abort();  // Encode must emit valid ids
  }
  const std::string decoded = tok.Decode(*ids);
  // Round trip (docs/TOKENIZERS.md): plain encoding of text without SentencePiece's own
  // space mark "▁" (which decodes to a space) gives the text back. Not across a
  // user-defined token: like llama.cpp, SentencePiece encoding starts the text after one
  // with a space prefix again.
  bool plain = op == 0 && text.find(kSentencePieceSpace) == std::string_view::npos;
  const std::vector<int32_t>& types = tok.spec().token_types;
  for (int32_t id : *ids) {
    if (static_cast<size_t>(id) < types.size() &&
        types[id] == static_cast<int32_t>(TokenType::kUserDefined)) {
      plain = false;
    }
  }
  if (plain && decoded != text) {
    std::fprintf(stderr, "round trip failed: %zu bytes in, %zu bytes out\n", text.size(),
                 decoded.size());
    std::abort();
  }
}

}  // namespace cratio::fuzz
