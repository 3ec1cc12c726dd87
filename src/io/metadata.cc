// Metadata: typed values, their conversions and the ordered key store.
#include "io/metadata.h"

#include <cstring>
#include <limits>

namespace cratio {

std::string_view MetaTypeName(MetaType t) {
  switch (t) {
    case MetaType::kU8:
      return "u8";
    case MetaType::kI8:
      return "i8";
    case MetaType::kU16:
      return "u16";
    case MetaType::kI16:
      return "i16";
    case MetaType::kU32:
      return "u32";
    case MetaType::kI32:
      return "i32";
    case MetaType::kF32:
      return "f32";
    case MetaType::kBool:
      return "bool";
    case MetaType::kString:
      return "string";
    case MetaType::kArray:
      return "array";
    case MetaType::kU64:
      return "u64";
    case MetaType::kI64:
      return "i64";
    case MetaType::kF64:
      return "f64";
  }
  return "unknown";
}

bool MetaValue::is_integer() const {
  switch (type) {
    case MetaType::kU8:
    case MetaType::kI8:
    case MetaType::kU16:
    case MetaType::kI16:
    case MetaType::kU32:
    case MetaType::kI32:
    case MetaType::kU64:
    case MetaType::kI64:
      return true;
    default:
      return false;
  }
}

std::optional<int64_t> MetaValue::AsInt() const {
  if (!is_integer()) return std::nullopt;
  if (const uint64_t* u = std::get_if<uint64_t>(&v)) {
    if (*u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(*u);
  }
  if (const int64_t* i = std::get_if<int64_t>(&v)) return *i;
  return std::nullopt;
}

std::optional<double> MetaValue::AsDouble() const {
  if (is_float()) {
    if (const double* d = std::get_if<double>(&v)) return *d;
    return std::nullopt;
  }
  if (!is_integer()) return std::nullopt;
  if (const uint64_t* u = std::get_if<uint64_t>(&v)) return static_cast<double>(*u);
  if (const int64_t* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  return std::nullopt;
}

std::optional<bool> MetaValue::AsBool() const {
  if (type != MetaType::kBool) return std::nullopt;
  if (const bool* b = std::get_if<bool>(&v)) return *b;
  return std::nullopt;
}

// Floats compare by bit pattern: metadata equality means "the same value was stored", so a
// NaN equals itself (a file re-read compares equal) and 0.0 differs from -0.0.
bool MetaValue::operator==(const MetaValue& o) const {
  if (type != o.type || v.index() != o.v.index()) return false;
  if (const double* d = std::get_if<double>(&v)) {
    const double e = std::get<double>(o.v);
    return std::memcmp(d, &e, sizeof(double)) == 0;
  }
  if (const MetaArray* a = std::get_if<MetaArray>(&v)) {
    const MetaArray& b = std::get<MetaArray>(o.v);
    return a->elem_type == b.elem_type && a->items == b.items;
  }
  if (const uint64_t* u = std::get_if<uint64_t>(&v)) return *u == std::get<uint64_t>(o.v);
  if (const int64_t* i = std::get_if<int64_t>(&v)) return *i == std::get<int64_t>(o.v);
  if (const bool* b = std::get_if<bool>(&v)) return *b == std::get<bool>(o.v);
  return std::get<std::string>(v) == std::get<std::string>(o.v);
}

void Metadata::Set(std::string key, MetaValue value) {
  for (auto& [k, val] : entries_) {
    if (k == key) {
      val = std::move(value);
      return;
    }
  }
  entries_.emplace_back(std::move(key), std::move(value));
}

const MetaValue* Metadata::Find(std::string_view key) const {
  for (const auto& [k, val] : entries_) {
    if (k == key) return &val;
  }
  return nullptr;
}

bool Metadata::Erase(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == key) {
      entries_.erase(it);
      return true;
    }
  }
  return false;
}

std::optional<int64_t> Metadata::GetInt(std::string_view key) const {
  const MetaValue* v = Find(key);
  return v ? v->AsInt() : std::nullopt;
}

std::optional<double> Metadata::GetDouble(std::string_view key) const {
  const MetaValue* v = Find(key);
  return v ? v->AsDouble() : std::nullopt;
}

std::optional<std::string> Metadata::GetString(std::string_view key) const {
  const MetaValue* v = Find(key);
  if (!v || !v->AsString()) return std::nullopt;
  return *v->AsString();
}

std::optional<bool> Metadata::GetBool(std::string_view key) const {
  const MetaValue* v = Find(key);
  return v ? v->AsBool() : std::nullopt;
}

const MetaArray* Metadata::GetArray(std::string_view key) const {
  const MetaValue* v = Find(key);
  return v ? v->AsArray() : nullptr;
}

}  // namespace cratio
