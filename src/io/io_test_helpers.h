// Test helpers for the safetensors / llama2.c / tokenizer.json tests: build small
// in-memory models and raw files byte by byte.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "io/model_file.h"
#include "numeric/half.h"

namespace cratio::testing {

// Adds a tensor owning a copy of `bytes` (which must be TensorBytes(dtype, shape) long).
inline void AddOwnedTensor(ModelFile& m, const std::string& name, DType dtype, Shape shape,
                           const void* bytes) {
  const uint64_t size = TensorBytes(dtype, shape);
  auto buf = std::make_shared<AlignedBuffer>(size);
  if (size) std::memcpy(buf->data(), bytes, size);
  TensorEntry e;
  e.name = name;
  e.file_name = name;
  e.view = TensorView{dtype, shape, buf->data(), size};
  m.owned.push_back(std::move(buf));
  m.tensors.push_back(std::move(e));
}

// Deterministic floats in [-1, 1).
inline std::vector<float> RandomFloats(int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = dist(rng);
  return v;
}

// Adds a tensor of random values stored as `dtype` (F32, F16 or BF16).
inline void AddRandomTensor(ModelFile& m, const std::string& name, DType dtype, Shape shape,
                            uint32_t seed) {
  const std::vector<float> f = RandomFloats(shape.num_elements(), seed);
  if (dtype == DType::kF32) {
    AddOwnedTensor(m, name, dtype, shape, f.data());
    return;
  }
  std::vector<uint16_t> h(f.size());
  for (size_t i = 0; i < f.size(); ++i) {
    h[i] = dtype == DType::kF16 ? F32ToF16(f[i]) : F32ToBf16(f[i]);
  }
  AddOwnedTensor(m, name, dtype, shape, h.data());
}

inline void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A safetensors file: u64 header length, the header text as given, then `data`.
inline std::string SafetensorsBytes(const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return out + header + data;
}

template <typename T>
std::string AsBytes(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

// Bytes of a tensor view, for bit-exact comparisons.
inline std::string ViewBytes(const TensorView& v) {
  return std::string(static_cast<const char*>(v.data), v.size_bytes);
}

}  // namespace cratio::testing
