// Metadata: the ordered key -> value store every model file becomes, typed exactly as
// GGUF types its values (so a GGUF file re-writes bit-identically). Keys use llama.cpp's
// spelling ("general.architecture", "llama.embedding_length", "tokenizer.ggml.tokens").
// safetensors / llama2.c readers translate their configs into these keys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace cratio {

// GGUF value type ids.
enum class MetaType : uint32_t {
  kU8 = 0, kI8 = 1, kU16 = 2, kI16 = 3, kU32 = 4, kI32 = 5, kF32 = 6, kBool = 7,
  kString = 8, kArray = 9, kU64 = 10, kI64 = 11, kF64 = 12,
};
std::string_view MetaTypeName(MetaType t);

struct MetaValue;
// An array: the element type plus elements (each a MetaValue of that type; nested
// arrays hold their own element type).
struct MetaArray {
  MetaType elem_type = MetaType::kU8;
  std::vector<MetaValue> items;
};

struct MetaValue {
  MetaType type = MetaType::kU8;
  std::variant<uint64_t, int64_t, double, bool, std::string, MetaArray> v;

  static MetaValue U8(uint8_t x) { return {MetaType::kU8, uint64_t{x}}; }
  static MetaValue I8(int8_t x) { return {MetaType::kI8, int64_t{x}}; }
  static MetaValue U16(uint16_t x) { return {MetaType::kU16, uint64_t{x}}; }
  static MetaValue I16(int16_t x) { return {MetaType::kI16, int64_t{x}}; }
  static MetaValue U32(uint32_t x) { return {MetaType::kU32, uint64_t{x}}; }
  static MetaValue I32(int32_t x) { return {MetaType::kI32, int64_t{x}}; }
  static MetaValue U64(uint64_t x) { return {MetaType::kU64, x}; }
  static MetaValue I64(int64_t x) { return {MetaType::kI64, x}; }
  static MetaValue F32(float x) { return {MetaType::kF32, double{x}}; }
  static MetaValue F64(double x) { return {MetaType::kF64, x}; }
  static MetaValue Bool(bool x) { return {MetaType::kBool, x}; }
  static MetaValue Str(std::string x) { return {MetaType::kString, std::move(x)}; }
  static MetaValue Array(MetaType elem, std::vector<MetaValue> items) {
    return {MetaType::kArray, MetaArray{elem, std::move(items)}};
  }

  bool is_integer() const;
  bool is_float() const { return type == MetaType::kF32 || type == MetaType::kF64; }
  // Integer value of any integer type (nullopt otherwise, or if it does not fit int64).
  std::optional<int64_t> AsInt() const;
  // Float value of any numeric type.
  std::optional<double> AsDouble() const;
  const std::string* AsString() const { return std::get_if<std::string>(&v); }
  const MetaArray* AsArray() const { return std::get_if<MetaArray>(&v); }
  std::optional<bool> AsBool() const;
  bool operator==(const MetaValue& o) const;
};

class Metadata {
 public:
  // Sets (replacing an existing key in place, or appending).
  void Set(std::string key, MetaValue value);
  // Appends a key the caller has already checked is absent (readers that reject duplicate
  // keys themselves); O(1), where Set is O(size()).
  void Append(std::string key, MetaValue value) {
    entries_.emplace_back(std::move(key), std::move(value));
  }
  const MetaValue* Find(std::string_view key) const;
  bool Contains(std::string_view key) const { return Find(key) != nullptr; }
  bool Erase(std::string_view key);

  std::optional<int64_t> GetInt(std::string_view key) const;
  std::optional<double> GetDouble(std::string_view key) const;
  std::optional<std::string> GetString(std::string_view key) const;
  std::optional<bool> GetBool(std::string_view key) const;
  const MetaArray* GetArray(std::string_view key) const;

  const std::vector<std::pair<std::string, MetaValue>>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  bool operator==(const Metadata& o) const { return entries_ == o.entries_; }

 private:
  std::vector<std::pair<std::string, MetaValue>> entries_;
};

}  // namespace cratio
