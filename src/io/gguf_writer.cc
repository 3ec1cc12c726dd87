// GGUF writer: encodes header, metadata and tensor infos in memory (validating them before
// any file is created), then streams the tensor data straight from the caller's views.
#include <bit>
#include <cstring>
#include <limits>
#include <type_traits>
#include <unordered_set>

#include "base/atomic_file.h"
#include "io/byte_reader.h"
#include "io/gguf.h"
#include "numeric/dtype.h"

namespace cratio {
namespace {

constexpr uint32_t kWriteVersion = 3;
constexpr int kMaxArrayDepth = 16;  // what the reader accepts
constexpr int64_t kMaxDim = int64_t{1} << 53;
// Writes below this size are gathered in the sink's buffer; larger ones (tensor data) go
// straight to the file, so the weights are never copied in memory.
constexpr size_t kSinkBufferBytes = size_t{8} << 20;

uint64_t AlignUp(uint64_t x, uint64_t alignment) {
  return (x + alignment - 1) / alignment * alignment;
}

// Little-endian encoder for the header, metadata and tensor infos. (A std::string buffer:
// gcc 12 at -O3 reports false stringop-overflow errors on small std::vector appends.)
class Encoder {
 public:
  template <typename T>
  void Put(T x) {
    static_assert(std::is_trivially_copyable_v<T>);
    char raw[sizeof(T)];
    std::memcpy(raw, &x, sizeof(T));
    bytes_.append(raw, sizeof(T));
  }
  void PutString(std::string_view s) {
    Put<uint64_t>(s.size());
    bytes_.append(s);
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

class MetadataEncoder {
 public:
  MetadataEncoder(const std::string& path, Encoder* enc) : path_(path), enc_(enc) {}

  Status Key(std::string_view key) {
    if (auto bad = FindInvalidUtf8(reinterpret_cast<const uint8_t*>(key.data()), key.size())) {
      return Error(key, fmt::format("key is not valid UTF-8 (byte {})", *bad));
    }
    if (!seen_.insert(std::string(key)).second) return Error(key, "duplicate key");
    enc_->PutString(key);
    return Status::Ok();
  }

  // Writes the value type id and the value.
  Status TypedValue(std::string_view key, const MetaValue& v) {
    if (static_cast<uint32_t>(v.type) > static_cast<uint32_t>(MetaType::kF64)) {
      return Error(key, fmt::format("unknown value type id {}", static_cast<uint32_t>(v.type)));
    }
    enc_->Put<uint32_t>(static_cast<uint32_t>(v.type));
    return Value(key, v, 0);
  }

 private:
  Status Error(std::string_view key, std::string_view what) const {
    return InvalidInput("{}: gguf write: metadata key '{}': {}", path_, key, what);
  }

  template <typename T>
  Status PutInt(std::string_view key, const MetaValue& v) {
    using Limits = std::numeric_limits<T>;
    bool fits = false;
    T x{};
    if (const uint64_t* u = std::get_if<uint64_t>(&v.v)) {
      fits = *u <= static_cast<uint64_t>(Limits::max());
      x = static_cast<T>(*u);
    } else if (const int64_t* i = std::get_if<int64_t>(&v.v)) {
      if constexpr (std::is_signed_v<T>) {
        fits =
            *i >= static_cast<int64_t>(Limits::min()) && *i <= static_cast<int64_t>(Limits::max());
      } else {
        fits = *i >= 0 && static_cast<uint64_t>(*i) <= static_cast<uint64_t>(Limits::max());
      }
      x = static_cast<T>(*i);
    } else {
      return Error(key, fmt::format("{} value does not hold an integer", MetaTypeName(v.type)));
    }
    if (!fits) {
      const std::string shown = std::holds_alternative<uint64_t>(v.v)
                                    ? std::to_string(std::get<uint64_t>(v.v))
                                    : std::to_string(std::get<int64_t>(v.v));
      return Error(key, fmt::format("value {} does not fit type {}", shown, MetaTypeName(v.type)));
    }
    enc_->Put<T>(x);
    return Status::Ok();
  }

  Status Value(std::string_view key, const MetaValue& v, int depth) {
    switch (v.type) {
      case MetaType::kU8:
        return PutInt<uint8_t>(key, v);
      case MetaType::kI8:
        return PutInt<int8_t>(key, v);
      case MetaType::kU16:
        return PutInt<uint16_t>(key, v);
      case MetaType::kI16:
        return PutInt<int16_t>(key, v);
      case MetaType::kU32:
        return PutInt<uint32_t>(key, v);
      case MetaType::kI32:
        return PutInt<int32_t>(key, v);
      case MetaType::kU64:
        return PutInt<uint64_t>(key, v);
      case MetaType::kI64:
        return PutInt<int64_t>(key, v);
      case MetaType::kF32:
      case MetaType::kF64: {
        const double* d = std::get_if<double>(&v.v);
        if (!d)
          return Error(key, fmt::format("{} value does not hold a float", MetaTypeName(v.type)));
        if (v.type == MetaType::kF32) {
          enc_->Put<float>(static_cast<float>(*d));
        } else {
          enc_->Put<double>(*d);
        }
        return Status::Ok();
      }
      case MetaType::kBool: {
        const bool* b = std::get_if<bool>(&v.v);
        if (!b) return Error(key, "bool value does not hold a bool");
        enc_->Put<uint8_t>(*b ? 1 : 0);
        return Status::Ok();
      }
      case MetaType::kString: {
        const std::string* s = v.AsString();
        if (!s) return Error(key, "string value does not hold a string");
        if (auto bad = FindInvalidUtf8(reinterpret_cast<const uint8_t*>(s->data()), s->size())) {
          return Error(key, fmt::format("string value is not valid UTF-8 (byte {})", *bad));
        }
        enc_->PutString(*s);
        return Status::Ok();
      }
      case MetaType::kArray: {
        const MetaArray* a = v.AsArray();
        if (!a) return Error(key, "array value does not hold an array");
        if (depth >= kMaxArrayDepth) {
          return Error(key, fmt::format("arrays nest more than {} deep", kMaxArrayDepth));
        }
        if (static_cast<uint32_t>(a->elem_type) > static_cast<uint32_t>(MetaType::kF64)) {
          return Error(key, fmt::format("unknown array element type id {}",
                                        static_cast<uint32_t>(a->elem_type)));
        }
        enc_->Put<uint32_t>(static_cast<uint32_t>(a->elem_type));
        enc_->Put<uint64_t>(a->items.size());
        for (size_t i = 0; i < a->items.size(); ++i) {
          const MetaValue& item = a->items[i];
          if (item.type != a->elem_type) {
            return Error(key, fmt::format("array of {} holds a {} at element {}",
                                          MetaTypeName(a->elem_type), MetaTypeName(item.type), i));
          }
          CRATIO_RETURN_IF_ERROR(Value(key, item, depth + 1));
        }
        return Status::Ok();
      }
    }
    return Error(key, "unknown value type");
  }

  const std::string& path_;
  Encoder* enc_;
  std::unordered_set<std::string> seen_;
};

// The metadata value actually written for general.alignment: the caller's type, the value
// in use.
Result<MetaValue> AlignmentValue(const std::string& path, const MetaValue& given,
                                 uint64_t alignment) {
  if (!given.is_integer()) {
    return InvalidInput("{}: gguf write: metadata key '{}' has type {}; expected an integer", path,
                        kKeyGeneralAlignment, MetaTypeName(given.type));
  }
  MetaValue v = given;
  if (std::holds_alternative<int64_t>(given.v)) {
    v.v = static_cast<int64_t>(alignment);
  } else {
    v.v = alignment;
  }
  return v;
}

Status CheckTensor(const std::string& path, const TensorEntry& t) {
  const TensorView& v = t.view;
  if (t.name.size() > kGgufMaxTensorNameBytes) {
    return InvalidInput(
        "{}: gguf write: tensor '{}' name is {} bytes; llama.cpp accepts at most {}", path, t.name,
        t.name.size(), kGgufMaxTensorNameBytes);
  }
  if (auto bad = FindInvalidUtf8(reinterpret_cast<const uint8_t*>(t.name.data()), t.name.size())) {
    return InvalidInput("{}: gguf write: tensor name '{}' is not valid UTF-8 (byte {})", path,
                        t.name, *bad);
  }
  if (!DTypeFromGgmlId(static_cast<uint32_t>(v.dtype))) {
    return InvalidInput("{}: gguf write: tensor '{}' has unknown dtype id {}", path, t.name,
                        static_cast<uint32_t>(v.dtype));
  }
  if (v.shape.rank() < 1 || v.shape.rank() > Shape::kMaxDims) {
    return InvalidInput("{}: gguf write: tensor '{}' has rank {}; GGUF needs 1..{}", path, t.name,
                        v.shape.rank(), Shape::kMaxDims);
  }
  for (int d = 0; d < v.shape.rank(); ++d) {
    if (v.shape[d] < 0 || v.shape[d] > kMaxDim) {
      return InvalidInput("{}: gguf write: tensor '{}' shape {} has dim {} out of range 0..2^53",
                          path, t.name, v.shape.ToString(), d);
    }
  }
  if (!RowFitsBlocks(v.dtype, v.shape.cols())) {
    return InvalidInput(
        "{}: gguf write: tensor '{}' ({}, shape {}) row length {} is not a "
        "multiple of the block size {}",
        path, t.name, DTypeName(v.dtype), v.shape.ToString(), v.shape.cols(),
        GetDTypeInfo(v.dtype).block_size);
  }
  const uint64_t expected = TensorBytes(v.dtype, v.shape);
  if (v.size_bytes != expected) {
    return InvalidInput(
        "{}: gguf write: tensor '{}' ({}, shape {}) has {} bytes of data, "
        "expected {}",
        path, t.name, DTypeName(v.dtype), v.shape.ToString(), v.size_bytes, expected);
  }
  if (expected > 0 && v.data == nullptr) {
    return InvalidInput("{}: gguf write: tensor '{}' has no data", path, t.name);
  }
  return Status::Ok();
}

// Gathers small writes into one large buffer; large writes bypass it.
class BufferedSink {
 public:
  explicit BufferedSink(AtomicFileWriter* w) : w_(w) { buf_.reserve(kSinkBufferBytes); }

  Status Write(const void* data, size_t n) {
    if (n == 0) return Status::Ok();
    if (n >= kSinkBufferBytes) {
      CRATIO_RETURN_IF_ERROR(Flush());
      return w_->Write(data, n);
    }
    if (buf_.size() + n > kSinkBufferBytes) CRATIO_RETURN_IF_ERROR(Flush());
    const auto* p = static_cast<const uint8_t*>(data);
    buf_.insert(buf_.end(), p, p + n);
    return Status::Ok();
  }
  Status Zeros(size_t n) {
    if (buf_.size() + n > kSinkBufferBytes) CRATIO_RETURN_IF_ERROR(Flush());
    if (n >= kSinkBufferBytes) return w_->WriteZeros(n);
    buf_.resize(buf_.size() + n, 0);
    return Status::Ok();
  }
  Status Flush() {
    Status s = w_->Write(buf_.data(), buf_.size());
    buf_.clear();
    return s;
  }

 private:
  AtomicFileWriter* w_;
  std::vector<uint8_t> buf_;
};

}  // namespace

Status WriteGguf(const std::string& path, const Metadata& md,
                 const std::vector<TensorEntry>& tensors, uint64_t alignment) {
  if (alignment == 0 || !std::has_single_bit(alignment) ||
      alignment > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
    return InvalidInput("{}: gguf write: alignment {} must be a nonzero power of two below 2^31",
                        path, alignment);
  }

  Encoder enc;
  enc.Put<uint32_t>(kGgufMagic);
  enc.Put<uint32_t>(kWriteVersion);
  enc.Put<uint64_t>(tensors.size());
  const bool add_alignment_key =
      !md.Contains(kKeyGeneralAlignment) && alignment != kGgufDefaultAlignment;
  enc.Put<uint64_t>(md.size() + (add_alignment_key ? 1 : 0));

  MetadataEncoder meta(path, &enc);
  for (const auto& [key, value] : md.entries()) {
    CRATIO_RETURN_IF_ERROR(meta.Key(key));
    if (key == kKeyGeneralAlignment) {
      CRATIO_ASSIGN_OR_RETURN(MetaValue a, AlignmentValue(path, value, alignment));
      CRATIO_RETURN_IF_ERROR(meta.TypedValue(key, a));
    } else {
      CRATIO_RETURN_IF_ERROR(meta.TypedValue(key, value));
    }
  }
  if (add_alignment_key) {
    CRATIO_RETURN_IF_ERROR(meta.Key(kKeyGeneralAlignment));
    CRATIO_RETURN_IF_ERROR(
        meta.TypedValue(kKeyGeneralAlignment, MetaValue::U32(static_cast<uint32_t>(alignment))));
  }

  // Tensor infos; data offsets are assigned in order, each padded to the alignment.
  std::unordered_set<std::string_view> names;
  uint64_t rel_offset = 0;
  for (const TensorEntry& t : tensors) {
    CRATIO_RETURN_IF_ERROR(CheckTensor(path, t));
    if (!names.insert(t.name).second) {
      return InvalidInput("{}: gguf write: duplicate tensor name '{}'", path, t.name);
    }
    const Shape& shape = t.view.shape;
    enc.PutString(t.name);
    enc.Put<uint32_t>(static_cast<uint32_t>(shape.rank()));
    for (int d = shape.rank() - 1; d >= 0; --d) enc.Put<uint64_t>(shape[d]);  // innermost first
    enc.Put<uint32_t>(static_cast<uint32_t>(t.view.dtype));
    enc.Put<uint64_t>(rel_offset);
    rel_offset += AlignUp(t.view.size_bytes, alignment);
  }

  CRATIO_ASSIGN_OR_RETURN(AtomicFileWriter writer, AtomicFileWriter::Create(path));
  BufferedSink sink(&writer);
  const std::string& header = enc.bytes();
  CRATIO_RETURN_IF_ERROR(sink.Write(header.data(), header.size()));
  // A file without tensors ends right after its metadata, as llama.cpp writes it.
  if (!tensors.empty()) {
    CRATIO_RETURN_IF_ERROR(sink.Zeros(AlignUp(header.size(), alignment) - header.size()));
  }
  for (const TensorEntry& t : tensors) {
    const uint64_t n = t.view.size_bytes;
    CRATIO_RETURN_IF_ERROR(sink.Write(t.view.data, n));
    CRATIO_RETURN_IF_ERROR(sink.Zeros(AlignUp(n, alignment) - n));
  }
  CRATIO_RETURN_IF_ERROR(sink.Flush());
  return writer.Commit();
}

}  // namespace cratio
