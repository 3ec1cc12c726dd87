// `cratio tokenize MODEL (--text TEXT | --file F) [--ids] [--no-bos]`: the model's own
// tokenizer applied to a text, printed as id / piece pairs or as one line of ids.
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "cli/command.h"
#include "io/model_file.h"
#include "model/tokenizer_loader.h"

namespace cratio::cli {
namespace {

struct TokenizeArgs {
  std::string model;
  std::string text;
  std::string file;
  bool ids_only = false;
  bool no_bos = false;
  bool text_given = false;
};

// A vocabulary entry made printable: control bytes and quotes escaped, UTF-8 kept.
std::string Printable(std::string_view piece) {
  std::string out;
  for (unsigned char c : piece) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\\' || c == '\'') {
      out += '\\', out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

Status RunTokenize(const TokenizeArgs& args) {
  const bool has_text = args.text_given;
  const bool has_file = !args.file.empty();
  if (has_text == has_file) {
    return InvalidInput("tokenize: give exactly one of --text TEXT or --file FILE");
  }
  std::string text = args.text;
  if (has_file) {
    std::ifstream in(args.file, std::ios::binary);
    if (!in) return IoError("tokenize: cannot open --file '{}'", args.file);
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  CRATIO_ASSIGN_OR_RETURN(const ModelFile file, ReadModelFile(args.model));
  CRATIO_ASSIGN_OR_RETURN(std::unique_ptr<Tokenizer> tokenizer, LoadTokenizer(file));
  CRATIO_ASSIGN_OR_RETURN(const std::vector<int32_t> ids,
                          tokenizer->Encode(text, /*add_special=*/!args.no_bos));
  if (args.ids_only) {
    std::string line;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i > 0) line += ' ';
      line += std::to_string(ids[i]);
    }
    std::printf("%s\n", line.c_str());
    return Status::Ok();
  }
  const std::vector<std::string>& vocab = tokenizer->spec().tokens;
  for (int32_t id : ids) {
    const std::string_view piece =
        id >= 0 && static_cast<size_t>(id) < vocab.size() ? std::string_view(vocab[id]) : "?";
    std::printf("%6d  '%s'\n", id, Printable(piece).c_str());
  }
  std::fprintf(stderr, "%zu tokens\n", ids.size());
  return Status::Ok();
}

}  // namespace

void AddTokenizeCommand(CLI::App& app, RunFn* run) {
  auto args = std::make_shared<TokenizeArgs>();
  CLI::App* cmd = app.add_subcommand("tokenize", "Tokenize a text with a model's tokenizer");
  cmd->add_option("model", args->model, "Model file with a tokenizer (GGUF, safetensors dir, ...)")
      ->required();
  CLI::Option* text = cmd->add_option("--text", args->text, "Text to tokenize");
  cmd->add_option("--file", args->file, "File whose contents to tokenize");
  cmd->add_flag("--ids", args->ids_only, "Print only the ids, on one line");
  cmd->add_flag("--no-bos", args->no_bos, "Do not add BOS (or other special tokens)");
  cmd->callback([run, args, text] {
    args->text_given = text->count() > 0;
    *run = [args] { return RunTokenize(*args); };
  });
}

}  // namespace cratio::cli
