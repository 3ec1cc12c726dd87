// Vocab lookup tables, special-token splitting and TokenizerSpec validation.
#include "tokenizer/vocab.h"

#include <algorithm>
#include <unordered_set>

namespace cratio {

Vocab::Vocab(const TokenizerSpec& spec) : spec_(&spec) {
  size_t num_slots = 16;
  while (num_slots < 2 * spec.tokens.size()) num_slots *= 2;
  slots_.assign(num_slots, -1);
  slot_mask_ = num_slots - 1;
  for (int32_t id = 0; id < size(); ++id) {
    const std::string_view text = Text(id);
    max_token_bytes_ = std::max(max_token_bytes_, text.size());
    size_t slot = Hash(text) & slot_mask_;
    while (slots_[slot] >= 0) slot = (slot + 1) & slot_mask_;
    slots_[slot] = id;  // tokens are unique (ValidateTokenizerSpec)
  }
  for (int32_t id = 0; id < size(); ++id) {
    const TokenType t = Type(id);
    if (t == TokenType::kControl || t == TokenType::kUserDefined || t == TokenType::kUnknown) {
      special_ids_.push_back(id);
    }
  }
  std::stable_sort(special_ids_.begin(), special_ids_.end(),
                   [&](int32_t a, int32_t b) { return Text(a).size() > Text(b).size(); });
}

std::vector<TextFragment> Vocab::SplitOnSpecialTokens(std::string_view text,
                                                      bool parse_special) const {
  std::vector<TextFragment> fragments;
  if (text.empty()) return fragments;
  fragments.push_back({-1, text});
  std::vector<TextFragment> next;
  for (const int32_t special_id : special_ids_) {
    const TokenType type = Type(special_id);
    if (!parse_special && type != TokenType::kUserDefined) continue;
    const std::string_view needle = Text(special_id);
    next.clear();
    bool found_any = false;
    for (const TextFragment& fragment : fragments) {
      if (fragment.token_id >= 0) {
        next.push_back(fragment);
        continue;
      }
      std::string_view rest = fragment.text;
      for (size_t at = rest.find(needle); at != std::string_view::npos; at = rest.find(needle)) {
        found_any = true;
        if (at > 0) next.push_back({-1, rest.substr(0, at)});
        next.push_back({special_id, rest.substr(at, needle.size())});
        rest.remove_prefix(at + needle.size());
      }
      if (!rest.empty()) next.push_back({-1, rest});
    }
    if (found_any) fragments.swap(next);
  }
  return fragments;
}

int ByteTokenValue(std::string_view text) {
  if (text.size() != 6 || text.substr(0, 3) != "<0x" || text[5] != '>') return -1;
  int value = 0;
  for (const char c : text.substr(3, 2)) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else {
      return -1;
    }
    value = value * 16 + digit;
  }
  return value;
}

Status ValidateTokenizerSpec(TokenizerSpec* spec) {
  const size_t num_tokens = spec->tokens.size();
  if (num_tokens == 0) return InvalidInput("tokenizer: the vocabulary is empty");
  if (num_tokens > static_cast<size_t>(INT32_MAX)) {
    return InvalidInput("tokenizer: {} tokens do not fit 32-bit ids", num_tokens);
  }
  if (!spec->scores.empty() && spec->scores.size() != num_tokens) {
    return InvalidInput("tokenizer: {} scores for {} tokens", spec->scores.size(), num_tokens);
  }
  if (!spec->token_types.empty() && spec->token_types.size() != num_tokens) {
    return InvalidInput("tokenizer: {} token types for {} tokens", spec->token_types.size(),
                        num_tokens);
  }
  for (size_t id = 0; id < spec->token_types.size(); ++id) {
    const int32_t t = spec->token_types[id];
    if (t < static_cast<int32_t>(TokenType::kUndefined) ||
        t > static_cast<int32_t>(TokenType::kByte)) {
      return InvalidInput("tokenizer: token {} ('{}') has type {}, expected 0..6", id,
                          spec->tokens[id], t);
    }
  }
  std::unordered_set<std::string_view> seen;
  seen.reserve(num_tokens);
  for (size_t id = 0; id < num_tokens; ++id) {
    if (spec->tokens[id].empty()) spec->tokens[id] = fmt::format("[EMPTY_{}]", id);
  }
  for (size_t id = 0; id < num_tokens; ++id) {
    if (!seen.insert(spec->tokens[id]).second) {
      return InvalidInput("tokenizer: token {} ('{}') appears twice in the vocabulary", id,
                          spec->tokens[id]);
    }
  }
  const struct {
    const char* name;
    int32_t id;
  } special[] = {{"bos", spec->bos_id},
                 {"eos", spec->eos_id},
                 {"unknown", spec->unk_id},
                 {"padding", spec->pad_id}};
  for (const auto& s : special) {
    if (s.id < -1 || s.id >= static_cast<int64_t>(num_tokens)) {
      return InvalidInput("tokenizer: {} token id {} is outside the vocabulary of {} tokens",
                          s.name, s.id, num_tokens);
    }
  }
  if (spec->add_bos && spec->bos_id < 0) {
    return InvalidInput("tokenizer: BOS is to be added but no BOS token id is set");
  }
  if (spec->add_eos && spec->eos_id < 0) {
    return InvalidInput("tokenizer: EOS is to be added but no EOS token id is set");
  }
  return Status::Ok();
}

}  // namespace cratio
