// ItemResult <-> JSON, every field, doubles exact.
#include "eval/item_codec.h"

#include <cmath>
#include <limits>
#include <string>

namespace cratio {
namespace {

using nlohmann::json;

json EncodeDouble(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;  // nlohmann writes 17 significant digits: the same double reads back
}

Result<double> DecodeDouble(const json& j, std::string_view where, std::string_view field) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
  }
  return InvalidInput("{}: field '{}': expected a number, found {}", where, field, j.dump());
}

// Structurally valid UTF-8 (no overlong or surrogate checks needed for a round trip:
// only what the JSON writer accepts matters, and it accepts exactly this).
bool IsUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    }
    i += n;
  }
  return true;
}

// Model output may end inside a UTF-8 sequence: such text is kept as {"hex": "..."}.
json EncodeText(const std::string& s) {
  if (IsUtf8(s)) return s;
  std::string hex;
  hex.reserve(2 * s.size());
  for (unsigned char c : s) hex += fmt::format("{:02x}", c);
  return json{{"hex", hex}};
}

Result<std::string> DecodeText(const json& j, std::string_view where, std::string_view field) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_object() && j.contains("hex") && j["hex"].is_string()) {
    const std::string& hex = j["hex"].get_ref<const std::string&>();
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
      out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
    if (hex.size() % 2 == 0 && hex.find_first_not_of("0123456789abcdef") == std::string::npos) {
      return out;
    }
  }
  return InvalidInput("{}: field '{}': expected a string, found {}", where, field, j.dump());
}

const json* Field(const json& j, const char* name) {
  auto it = j.find(name);
  return it == j.end() ? nullptr : &*it;
}

Status Missing(std::string_view where, std::string_view field, std::string_view type) {
  return InvalidInput("{}: field '{}': expected {}", where, field, type);
}

template <typename Int>
Status GetInt(const json& j, const char* name, std::string_view where, Int* out) {
  const json* f = Field(j, name);
  if (!f || !f->is_number_integer()) return Missing(where, name, "an integer");
  *out = f->get<Int>();
  return Status::Ok();
}

Status GetString(const json& j, const char* name, std::string_view where, std::string* out) {
  const json* f = Field(j, name);
  if (!f) return Missing(where, name, "a string");
  CRATIO_ASSIGN_OR_RETURN(*out, DecodeText(*f, where, name));
  return Status::Ok();
}

const json* GetArray(const json& j, const char* name) {
  const json* f = Field(j, name);
  return f && f->is_array() ? f : nullptr;
}

}  // namespace

json EncodeItem(const ItemResult& item) {
  json j;
  j["id"] = EncodeText(item.id);
  j["slice"] = EncodeText(item.slice);
  json lp = json::array();
  for (double v : item.choice_logprob) lp.push_back(EncodeDouble(v));
  j["choice_logprob"] = std::move(lp);
  j["choice_num_tokens"] = item.choice_num_tokens;
  j["choice_num_bytes"] = item.choice_num_bytes;
  j["gold"] = item.gold;
  j["pred"] = item.pred;
  j["pred_norm"] = item.pred_norm;
  j["generated"] = EncodeText(item.generated);
  j["extracted"] = EncodeText(item.extracted);
  json refs = json::array();
  for (const std::string& r : item.references) refs.push_back(EncodeText(r));
  j["references"] = std::move(refs);
  j["nll_sum"] = EncodeDouble(item.nll_sum);
  j["num_scored_tokens"] = item.num_scored_tokens;
  j["num_scored_bytes"] = item.num_scored_bytes;
  j["correct"] = item.correct;
  j["num_truncated_tokens"] = item.num_truncated_tokens;
  return j;
}

Result<ItemResult> DecodeItem(const json& j, std::string_view where) {
  if (!j.is_object()) return InvalidInput("{}: expected an item object, found {}", where, j.dump());
  ItemResult r;
  CRATIO_RETURN_IF_ERROR(GetString(j, "id", where, &r.id));
  CRATIO_RETURN_IF_ERROR(GetString(j, "slice", where, &r.slice));
  const json* lp = GetArray(j, "choice_logprob");
  if (!lp) return Missing(where, "choice_logprob", "an array");
  for (const json& v : *lp) {
    CRATIO_ASSIGN_OR_RETURN(const double d, DecodeDouble(v, where, "choice_logprob"));
    r.choice_logprob.push_back(d);
  }
  for (const auto& [name, out] : {std::pair{"choice_num_tokens", &r.choice_num_tokens},
                                  std::pair{"choice_num_bytes", &r.choice_num_bytes}}) {
    const json* a = GetArray(j, name);
    if (!a) return Missing(where, name, "an array");
    for (const json& v : *a) {
      if (!v.is_number_integer()) return Missing(where, name, "an array of integers");
      out->push_back(v.get<int64_t>());
    }
  }
  CRATIO_RETURN_IF_ERROR(GetInt(j, "gold", where, &r.gold));
  CRATIO_RETURN_IF_ERROR(GetInt(j, "pred", where, &r.pred));
  CRATIO_RETURN_IF_ERROR(GetInt(j, "pred_norm", where, &r.pred_norm));
  CRATIO_RETURN_IF_ERROR(GetString(j, "generated", where, &r.generated));
  CRATIO_RETURN_IF_ERROR(GetString(j, "extracted", where, &r.extracted));
  const json* refs = GetArray(j, "references");
  if (!refs) return Missing(where, "references", "an array");
  for (const json& v : *refs) {
    CRATIO_ASSIGN_OR_RETURN(std::string ref, DecodeText(v, where, "references"));
    r.references.push_back(std::move(ref));
  }
  const json* nll = Field(j, "nll_sum");
  if (!nll) return Missing(where, "nll_sum", "a number");
  CRATIO_ASSIGN_OR_RETURN(r.nll_sum, DecodeDouble(*nll, where, "nll_sum"));
  CRATIO_RETURN_IF_ERROR(GetInt(j, "num_scored_tokens", where, &r.num_scored_tokens));
  CRATIO_RETURN_IF_ERROR(GetInt(j, "num_scored_bytes", where, &r.num_scored_bytes));
  CRATIO_RETURN_IF_ERROR(GetInt(j, "correct", where, &r.correct));
  CRATIO_RETURN_IF_ERROR(GetInt(j, "num_truncated_tokens", where, &r.num_truncated_tokens));
  return r;
}

std::string EncodeItems(const std::vector<ItemResult>& items) {
  json a = json::array();
  for (const ItemResult& it : items) a.push_back(EncodeItem(it));
  return a.dump(-1, ' ', false, json::error_handler_t::strict);
}

Result<std::vector<ItemResult>> DecodeItems(std::string_view text, std::string_view where) {
  json a = json::parse(text, nullptr, false);
  if (a.is_discarded() || !a.is_array()) {
    return InvalidInput("{}: expected a JSON array of items", where);
  }
  std::vector<ItemResult> items;
  items.reserve(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CRATIO_ASSIGN_OR_RETURN(ItemResult r, DecodeItem(a[i], fmt::format("{}[{}]", where, i)));
    items.push_back(std::move(r));
  }
  return items;
}

}  // namespace cratio
