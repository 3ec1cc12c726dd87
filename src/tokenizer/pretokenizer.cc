// Pre-tokenizer regexes (the strings llama.cpp's llm_tokenizer_bpe uses per pre type)
// and the PCRE2 splitting loop.
#include "tokenizer/pretokenizer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <array>
#include <utility>

#include "tokenizer/utf8.h"

namespace cratio {
namespace {

// GPT-2's pattern as llama.cpp spells it (the trailing "|\s+" of the original is not
// needed: text between matches becomes a piece anyway).
constexpr const char* kGpt2Regex =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S))";
// Llama 3: case-insensitive contractions spelled out, numbers in groups of up to three.
constexpr const char* kLlama3Regex =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
// Qwen2: as Llama 3 but every digit is its own piece.
constexpr const char* kQwen2Regex =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

struct NamedRecipe {
  std::array<const char*, 12> names;  // nullptr-terminated
  std::array<const char*, 4> regexes;
  bool ignore_merges;
};

const NamedRecipe kRecipes[] = {
    {{"default", ""},
     {R"([\p{P}\$\+<=>\^~\|]+)", kGpt2Regex, R"(\p{N}+)", "[0-9][0-9][0-9]"},
     false},
    {{"gpt-2", "phi-2", "jina-es", "jina-de", "jina-v2-es", "jina-v2-de", "jina-v1-en",
      "jina-v2-code", "roberta-bpe", "mpt", "olmo", "jais"},
     {kGpt2Regex},
     false},
    {{"gigachat", "exaone4", "a.x-4.0", "mellum", "modern-bert", "trillion"}, {kGpt2Regex}, false},
    {{"llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2"},
     {kLlama3Regex},
     true},
    {{"dbrx", "smaug-bpe", "chatglm-bpe", "glm4"}, {kLlama3Regex}, false},
    {{"qwen2", "deepseek-r1-qwen", "stablelm2", "megrez", "hunyuan"}, {kQwen2Regex}, false},
    {{"starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b"},
     {R"(\p{N})", kGpt2Regex},
     false},
    {{"falcon"}, {R"([\p{P}\$\+<=>\^~\|`]+)", kGpt2Regex, "[0-9][0-9][0-9]"}, false},
};

}  // namespace

Result<PreTokenizerRecipe> PreTokenizerRecipeFor(std::string_view pre) {
  std::string known;
  for (const NamedRecipe& recipe : kRecipes) {
    for (const char* name : recipe.names) {
      if (name == nullptr) break;
      if (pre == name) {
        PreTokenizerRecipe out;
        for (const char* regex : recipe.regexes) {
          if (regex != nullptr) out.regexes.emplace_back(regex);
        }
        out.ignore_merges = recipe.ignore_merges;
        return out;
      }
      if (*name != '\0') known += fmt::format("{}'{}'", known.empty() ? "" : ", ", name);
    }
  }
  return InvalidInput("tokenizer: unknown pre-tokenizer '{}' (tokenizer.ggml.pre); known: {}", pre,
                      known);
}

struct PreTokenizer::Compiled {
  std::string pattern;
  pcre2_code* code = nullptr;
  ~Compiled() { pcre2_code_free(code); }
};

PreTokenizer::PreTokenizer(std::vector<std::unique_ptr<Compiled>> compiled)
    : compiled_(std::move(compiled)) {}
PreTokenizer::PreTokenizer(PreTokenizer&&) noexcept = default;
PreTokenizer& PreTokenizer::operator=(PreTokenizer&&) noexcept = default;
PreTokenizer::~PreTokenizer() = default;

Result<PreTokenizer> PreTokenizer::Create(const std::vector<std::string>& regexes) {
  std::vector<std::unique_ptr<Compiled>> compiled;
  for (const std::string& regex : regexes) {
    auto c = std::make_unique<Compiled>();
    c->pattern = regex;
    int error_code = 0;
    PCRE2_SIZE error_offset = 0;
    c->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(regex.data()), regex.size(),
                            PCRE2_UTF | PCRE2_UCP, &error_code, &error_offset, nullptr);
    if (c->code == nullptr) {
      std::array<PCRE2_UCHAR, 256> message{};
      pcre2_get_error_message(error_code, message.data(), message.size());
      return InvalidInput("tokenizer: pre-tokenizer regex '{}' rejected at offset {}: {}", regex,
                          error_offset, reinterpret_cast<const char*>(message.data()));
    }
    // JIT is an optimisation only: without it PCRE2 interprets the same pattern.
    (void)pcre2_jit_compile(c->code, PCRE2_JIT_COMPLETE);
    compiled.push_back(std::move(c));
  }
  return PreTokenizer(std::move(compiled));
}

Status PreTokenizer::Split(std::string_view text, std::vector<std::string_view>* pieces) const {
  pieces->clear();
  if (text.empty()) return Status::Ok();
  pieces->push_back(text);
  // One ovector pair is enough: only the whole match is used.
  std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> match_data(
      pcre2_match_data_create(1, nullptr), &pcre2_match_data_free);
  if (match_data == nullptr) return ResourceExhausted("tokenizer: PCRE2 match data allocation");
  std::vector<std::string_view> next;
  for (const auto& compiled : compiled_) {
    next.clear();
    for (const std::string_view piece : *pieces) {
      const auto* subject = reinterpret_cast<PCRE2_SPTR>(piece.data());
      size_t start = 0;    // where the next search begins
      size_t emitted = 0;  // end of the last piece emitted
      while (start < piece.size()) {
        const int rc = pcre2_match(compiled->code, subject, piece.size(), start, PCRE2_NO_UTF_CHECK,
                                   match_data.get(), nullptr);
        if (rc == PCRE2_ERROR_NOMATCH) break;
        if (rc < 0) {
          std::array<PCRE2_UCHAR, 256> message{};
          pcre2_get_error_message(rc, message.data(), message.size());
          return InvalidInput(
              "tokenizer: pre-tokenizer regex '{}' failed on a piece of {} bytes: {}",
              compiled->pattern, piece.size(), reinterpret_cast<const char*>(message.data()));
        }
        const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match_data.get());
        const size_t match_begin = ovector[0], match_end = ovector[1];
        if (match_end == match_begin) {
          // An empty match yields no piece; search again one character further.
          if (match_begin >= piece.size()) break;
          start = match_begin + Utf8SequenceLength(static_cast<uint8_t>(piece[match_begin]));
          continue;
        }
        if (match_begin > emitted) next.push_back(piece.substr(emitted, match_begin - emitted));
        next.push_back(piece.substr(match_begin, match_end - match_begin));
        emitted = start = match_end;
      }
      if (emitted < piece.size()) next.push_back(piece.substr(emitted));
    }
    pieces->swap(next);
  }
  return Status::Ok();
}

}  // namespace cratio
