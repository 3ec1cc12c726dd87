// GGUF reader: parses header, metadata and tensor infos from an mmapped file with every
// count, length, dim and offset checked against the file before it is used or allocated.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_set>
#include <utility>

#include "io/byte_reader.h"
#include "io/gguf.h"
#include "numeric/dtype.h"

namespace cratio {

bool LooksLikeGguf(const uint8_t* data, uint64_t size_bytes) {
  return size_bytes >= 4 && std::memcmp(data, "GGUF", 4) == 0;
}

namespace {

constexpr uint32_t kMaxMetaTypeId = 12;
constexpr int kMaxArrayDepth = 16;
constexpr uint64_t kMaxDim = uint64_t{1} << 53;
// Smallest possible encodings, used to bound counts by the bytes that remain.
// Metadata entry: key length, type, a 1-byte value.
constexpr uint64_t kMinKvBytes = 8 + 4 + 1;
// Tensor info: name length, n_dims, one dim, type, offset.
constexpr uint64_t kMinTensorInfoBytes = 8 + 4 + 8 + 4 + 8;
// Array: element type, count.
constexpr uint64_t kMinArrayBytes = 4 + 8;

// Bytes of one value of a fixed-size type; 0 for string and array.
uint64_t FixedSize(MetaType t) {
  switch (t) {
    case MetaType::kU8:
    case MetaType::kI8:
    case MetaType::kBool:
      return 1;
    case MetaType::kU16:
    case MetaType::kI16:
      return 2;
    case MetaType::kU32:
    case MetaType::kI32:
    case MetaType::kF32:
      return 4;
    case MetaType::kU64:
    case MetaType::kI64:
    case MetaType::kF64:
      return 8;
    case MetaType::kString:
    case MetaType::kArray:
      return 0;
  }
  return 0;
}

uint64_t MinEncodedSize(MetaType t) {
  if (t == MetaType::kString) return 8;
  if (t == MetaType::kArray) return kMinArrayBytes;
  return FixedSize(t);
}

uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max()
                                                      : a + b;
}

// Names the field being read, built into a string only when an error needs it (metadata
// arrays can hold hundreds of thousands of strings).
struct Where {
  const std::string* base;  // "key 'tokenizer.ggml.tokens'", "tensor 3 ('output.weight')"
  int64_t index = -1;       // array element, or -1
  std::string_view part;    // "value", "string length", ...

  std::string str() const {
    if (index >= 0) return fmt::format("{} element {} {}", *base, index, part);
    return fmt::format("{} {}", *base, part);
  }
  Where Part(std::string_view p) const { return Where{base, index, p}; }
};

struct RawTensor {
  std::string name;
  DType dtype = DType::kF32;
  Shape shape;
  uint64_t size_bytes = 0;
  uint64_t rel_offset = 0;  // from the start of the data section
};

class GgufParser {
 public:
  GgufParser(const std::string& path, std::shared_ptr<MappedFile> file)
      : path_(path),
        file_(std::move(file)),
        r_(file_->data(), file_->size(), fmt::format("{}: gguf", path)) {}

  Result<ModelFile> Parse();

 private:
  template <typename T>
  Status Get(T* out, const Where& w) {
    if (r_.remaining() < sizeof(T)) return r_.Truncated(sizeof(T), w.str());
    return r_.Read(out, "");
  }
  template <typename T>
  Status ReadScalar(const Where& w, MetaValue (*make)(T), MetaValue* out) {
    T x{};
    CRATIO_RETURN_IF_ERROR(Get(&x, w));
    *out = make(x);
    return Status::Ok();
  }
  Status Invalid(std::string_view msg) const {
    return Status(StatusCode::kInvalidInput, fmt::format("{}: {}", r_.context(), msg));
  }

  Status ReadHeader();
  Status ReadString(std::string* out, const Where& w);
  Status ReadValue(MetaType type, int depth, const Where& w, MetaValue* out);
  Status ReadMetadata();
  Status ReadAlignment();
  Status ReadTensorInfo(uint64_t i);
  Status PlaceTensors(uint64_t data_start);

  std::string path_;
  std::shared_ptr<MappedFile> file_;
  ByteReader r_;
  uint32_t version_ = 0;
  uint64_t num_tensors_ = 0;
  uint64_t num_kvs_ = 0;
  uint64_t alignment_ = kGgufDefaultAlignment;
  Metadata md_;
  std::vector<RawTensor> tensors_;
};

Status GgufParser::ReadHeader() {
  const std::string header = "header";
  const Where w{&header};
  if (r_.size() < 4) return r_.Truncated(4, "header magic");
  if (!LooksLikeGguf(r_.data(), r_.size())) {
    const uint8_t* b = r_.data();
    return Invalid(fmt::format(
        "not a GGUF file: magic bytes are {:02x} {:02x} {:02x} {:02x}, expected 47 47 55 46 "
        "(\"GGUF\")",
        b[0], b[1], b[2], b[3]));
  }
  r_.Seek(4);
  CRATIO_RETURN_IF_ERROR(Get(&version_, w.Part("version")));
  if (version_ == 1) {
    return Invalid(
        "GGUF version 1 is not supported (it uses 32-bit counts and lengths); re-convert the "
        "model with a current llama.cpp");
  }
  if (version_ != 0 && (version_ & 0xFFFF) == 0) {
    return Invalid(fmt::format(
        "version field reads 0x{:08x}: this is a big-endian GGUF file, and cratio reads "
        "little-endian files only",
        version_));
  }
  if (version_ != 2 && version_ != 3) {
    return Invalid(
        fmt::format("unsupported GGUF version {} (cratio reads versions 2 and 3)", version_));
  }
  CRATIO_RETURN_IF_ERROR(Get(&num_tensors_, w.Part("tensor count")));
  CRATIO_RETURN_IF_ERROR(Get(&num_kvs_, w.Part("metadata count")));
  // Bound both counts by the smallest encoding of each item, so nothing below can reserve
  // memory for a count the file cannot hold.
  const uint64_t left = r_.remaining();
  if (num_kvs_ > left / kMinKvBytes) {
    return Invalid(fmt::format(
        "metadata count {} needs at least {} bytes each at offset {}, file has only {} bytes "
        "left (corrupt header or truncated?)",
        num_kvs_, kMinKvBytes, r_.offset(), left));
  }
  if (num_tensors_ > left / kMinTensorInfoBytes ||
      num_tensors_ * kMinTensorInfoBytes > left - num_kvs_ * kMinKvBytes) {
    return Invalid(fmt::format(
        "tensor count {} needs at least {} bytes each at offset {} (after {} metadata entries), "
        "file has only {} bytes left (corrupt header or truncated?)",
        num_tensors_, kMinTensorInfoBytes, r_.offset(), num_kvs_, left));
  }
  return Status::Ok();
}

Status GgufParser::ReadString(std::string* out, const Where& w) {
  uint64_t len = 0;
  if (r_.remaining() < sizeof(len)) return r_.Truncated(sizeof(len), w.str() + " string length");
  CRATIO_RETURN_IF_ERROR(r_.Read(&len, ""));
  if (len > r_.remaining()) {
    return Invalid(
        fmt::format("{} string has length {} at offset {}, but only {} bytes remain "
                    "(corrupt or truncated?)",
                    w.str(), len, r_.offset() - 8, r_.remaining()));
  }
  const uint64_t start = r_.offset();
  const uint8_t* bytes = nullptr;
  CRATIO_RETURN_IF_ERROR(r_.ReadBytes(len, &bytes, ""));
  if (auto bad = FindInvalidUtf8(bytes, len)) {
    return Invalid(fmt::format("{} string is not valid UTF-8: byte 0x{:02x} at offset {}", w.str(),
                               bytes[*bad], start + *bad));
  }
  out->assign(reinterpret_cast<const char*>(bytes), len);
  return Status::Ok();
}

Status GgufParser::ReadValue(MetaType type, int depth, const Where& w, MetaValue* out) {
  switch (type) {
    case MetaType::kU8:
      return ReadScalar<uint8_t>(w, &MetaValue::U8, out);
    case MetaType::kI8:
      return ReadScalar<int8_t>(w, &MetaValue::I8, out);
    case MetaType::kU16:
      return ReadScalar<uint16_t>(w, &MetaValue::U16, out);
    case MetaType::kI16:
      return ReadScalar<int16_t>(w, &MetaValue::I16, out);
    case MetaType::kU32:
      return ReadScalar<uint32_t>(w, &MetaValue::U32, out);
    case MetaType::kI32:
      return ReadScalar<int32_t>(w, &MetaValue::I32, out);
    case MetaType::kU64:
      return ReadScalar<uint64_t>(w, &MetaValue::U64, out);
    case MetaType::kI64:
      return ReadScalar<int64_t>(w, &MetaValue::I64, out);
    case MetaType::kF32:
    case MetaType::kF64: {
      CRATIO_RETURN_IF_ERROR(type == MetaType::kF32 ? ReadScalar<float>(w, &MetaValue::F32, out)
                                                    : ReadScalar<double>(w, &MetaValue::F64, out));
      const double x = std::get<double>(out->v);  // floats are held as double
      // A NaN or infinite setting (epsilon, RoPE base, scaling factors) would silently
      // poison every computation; array elements (token scores) are left as they are.
      if (depth == 0 && !std::isfinite(x)) {
        return Invalid(fmt::format("{} is {} at offset {}; metadata numbers must be finite",
                                   w.str(), x, r_.offset() - FixedSize(type)));
      }
      break;
    }
    case MetaType::kBool: {
      uint8_t x = 0;
      CRATIO_RETURN_IF_ERROR(Get(&x, w));
      if (x > 1) {
        return Invalid(fmt::format("{} is a bool stored as byte {} at offset {}; expected 0 or 1",
                                   w.str(), x, r_.offset() - 1));
      }
      *out = MetaValue::Bool(x == 1);
      break;
    }
    case MetaType::kString: {
      std::string s;
      CRATIO_RETURN_IF_ERROR(ReadString(&s, w));
      *out = MetaValue::Str(std::move(s));
      break;
    }
    case MetaType::kArray: {
      if (depth >= kMaxArrayDepth) {
        return Invalid(fmt::format("{} nests arrays more than {} deep at offset {}", w.str(),
                                   kMaxArrayDepth, r_.offset()));
      }
      uint32_t elem_id = 0;
      uint64_t count = 0;
      CRATIO_RETURN_IF_ERROR(Get(&elem_id, w.Part("array element type")));
      if (elem_id > kMaxMetaTypeId) {
        return Invalid(fmt::format("{} has unknown array element type id {} at offset {}", w.str(),
                                   elem_id, r_.offset() - 4));
      }
      const auto elem = static_cast<MetaType>(elem_id);
      CRATIO_RETURN_IF_ERROR(Get(&count, w.Part("array length")));
      const uint64_t min_bytes = MinEncodedSize(elem);
      if (count > r_.remaining() / min_bytes) {
        return Invalid(fmt::format(
            "{} is an array of {} {} elements at offset {}, needing at least {} bytes each, but "
            "only {} bytes remain (corrupt or truncated?)",
            w.str(), count, MetaTypeName(elem), r_.offset() - 8, min_bytes, r_.remaining()));
      }
      std::vector<MetaValue> items(count);
      for (uint64_t i = 0; i < count; ++i) {
        const Where wi{w.base, static_cast<int64_t>(i), "value"};
        CRATIO_RETURN_IF_ERROR(ReadValue(elem, depth + 1, wi, &items[i]));
      }
      *out = MetaValue::Array(elem, std::move(items));
      break;
    }
  }
  return Status::Ok();
}

Status GgufParser::ReadMetadata() {
  std::unordered_set<std::string> seen;
  seen.reserve(num_kvs_);
  for (uint64_t i = 0; i < num_kvs_; ++i) {
    const std::string entry = fmt::format("metadata entry {}", i);
    const uint64_t key_offset = r_.offset();
    std::string key;
    CRATIO_RETURN_IF_ERROR(ReadString(&key, Where{&entry, -1, "key"}));
    const std::string base = fmt::format("key '{}'", key);
    if (!seen.insert(key).second) {
      return Invalid(
          fmt::format("duplicate metadata key '{}' (entry {} at offset {})", key, i, key_offset));
    }
    const Where w{&base, -1, "value"};
    uint32_t type_id = 0;
    CRATIO_RETURN_IF_ERROR(Get(&type_id, w.Part("value type")));
    if (type_id > kMaxMetaTypeId) {
      return Invalid(fmt::format("key '{}' has unknown value type id {} at offset {}", key, type_id,
                                 r_.offset() - 4));
    }
    MetaValue value;
    CRATIO_RETURN_IF_ERROR(ReadValue(static_cast<MetaType>(type_id), 0, w, &value));
    md_.Append(std::move(key), std::move(value));
  }
  return Status::Ok();
}

Status GgufParser::ReadAlignment() {
  const MetaValue* v = md_.Find(kKeyGeneralAlignment);
  if (!v) return Status::Ok();
  if (!v->is_integer()) {
    return Invalid(fmt::format("{} has type {}; expected an integer", kKeyGeneralAlignment,
                               MetaTypeName(v->type)));
  }
  const std::optional<int64_t> a = v->AsInt();
  if (!a || *a <= 0 || !std::has_single_bit(static_cast<uint64_t>(*a))) {
    const std::string shown = a ? std::to_string(*a) : std::to_string(std::get<uint64_t>(v->v));
    return Invalid(
        fmt::format("{} is {}; it must be a nonzero power of two", kKeyGeneralAlignment, shown));
  }
  alignment_ = static_cast<uint64_t>(*a);
  return Status::Ok();
}

Status GgufParser::ReadTensorInfo(uint64_t i) {
  const std::string entry = fmt::format("tensor info {}", i);
  RawTensor t;
  CRATIO_RETURN_IF_ERROR(ReadString(&t.name, Where{&entry, -1, "name"}));
  const std::string base = fmt::format("tensor '{}'", t.name);
  const Where w{&base};
  uint32_t num_dims = 0;
  CRATIO_RETURN_IF_ERROR(Get(&num_dims, w.Part("n_dims")));
  if (num_dims < 1 || num_dims > static_cast<uint32_t>(Shape::kMaxDims)) {
    return Invalid(fmt::format("tensor '{}' has n_dims {} at offset {}; expected 1..{}", t.name,
                               num_dims, r_.offset() - 4, Shape::kMaxDims));
  }
  // ne[0] is the row length (innermost); Shape wants outermost first.
  uint64_t ne[Shape::kMaxDims] = {};
  uint64_t num_elements = 1;
  for (uint32_t d = 0; d < num_dims; ++d) {
    CRATIO_RETURN_IF_ERROR(Get(&ne[d], w.Part("dims")));
    if (ne[d] > kMaxDim) {
      return Invalid(
          fmt::format("tensor '{}' dim {} is {}, above the limit 2^53", t.name, d, ne[d]));
    }
    if (__builtin_mul_overflow(num_elements, ne[d], &num_elements) ||
        num_elements > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Invalid(
          fmt::format("tensor '{}' dims overflow: the product of its first {} dims "
                      "exceeds 2^63 elements",
                      t.name, d + 1));
    }
  }
  int64_t dims[Shape::kMaxDims];
  for (uint32_t d = 0; d < num_dims; ++d) dims[d] = static_cast<int64_t>(ne[num_dims - 1 - d]);
  t.shape = Shape::FromRange(dims, dims + num_dims);

  uint32_t type_id = 0;
  CRATIO_RETURN_IF_ERROR(Get(&type_id, w.Part("type")));
  const std::optional<DType> dtype = DTypeFromGgmlId(type_id);
  if (!dtype) {
    return Invalid(
        fmt::format("tensor '{}' has unknown or unsupported ggml type id {}", t.name, type_id));
  }
  t.dtype = *dtype;
  const DTypeInfo& info = GetDTypeInfo(t.dtype);
  const auto cols = static_cast<int64_t>(ne[0]);
  if (!RowFitsBlocks(t.dtype, cols)) {
    return Invalid(
        fmt::format("tensor '{}' ({}, shape {}) has row length {}, not a multiple of "
                    "the {} block size {}",
                    t.name, info.name, t.shape.ToString(), cols, info.name, info.block_size));
  }
  const uint64_t rows = ne[0] == 0 ? 0 : num_elements / ne[0];
  const auto row_bytes = static_cast<uint64_t>(RowBytes(t.dtype, cols));
  if (__builtin_mul_overflow(rows, row_bytes, &t.size_bytes)) {
    return Invalid(fmt::format("tensor '{}' ({}, shape {}) byte size overflows 64 bits", t.name,
                               info.name, t.shape.ToString()));
  }
  CRATIO_RETURN_IF_ERROR(Get(&t.rel_offset, w.Part("data offset")));
  tensors_.push_back(std::move(t));
  return Status::Ok();
}

Status GgufParser::PlaceTensors(uint64_t data_start) {
  const uint64_t file_bytes = r_.size();
  for (const RawTensor& t : tensors_) {
    const uint64_t abs = SaturatingAdd(data_start, t.rel_offset);
    if (t.rel_offset % alignment_ != 0) {
      return Invalid(
          fmt::format("tensor '{}' data offset {} (file offset {}) is not a multiple "
                      "of the alignment {}",
                      t.name, t.rel_offset, abs, alignment_));
    }
    if (abs > file_bytes || t.size_bytes > file_bytes - abs) {
      return Invalid(
          fmt::format("tensor '{}' needs {} bytes at offset {}, file has {} "
                      "(truncated?)",
                      t.name, t.size_bytes, abs, file_bytes));
    }
  }
  // Non-empty tensors sorted by offset must not overlap their successor.
  std::vector<const RawTensor*> order;
  for (const RawTensor& t : tensors_)
    if (t.size_bytes > 0) order.push_back(&t);
  std::sort(order.begin(), order.end(),
            [](const RawTensor* a, const RawTensor* b) { return a->rel_offset < b->rel_offset; });
  for (size_t i = 1; i < order.size(); ++i) {
    const RawTensor& a = *order[i - 1];
    const RawTensor& b = *order[i];
    if (a.rel_offset + a.size_bytes > b.rel_offset) {
      return Invalid(
          fmt::format("tensors '{}' (data bytes [{}, {})) and '{}' (data bytes [{}, {})) overlap",
                      a.name, a.rel_offset, a.rel_offset + a.size_bytes, b.name, b.rel_offset,
                      b.rel_offset + b.size_bytes));
    }
  }
  return Status::Ok();
}

Result<ModelFile> GgufParser::Parse() {
  CRATIO_RETURN_IF_ERROR(ReadHeader());
  CRATIO_RETURN_IF_ERROR(ReadMetadata());
  CRATIO_RETURN_IF_ERROR(ReadAlignment());

  tensors_.reserve(num_tensors_);  // bounded by the file size in ReadHeader
  std::unordered_set<std::string> names;
  names.reserve(num_tensors_);
  for (uint64_t i = 0; i < num_tensors_; ++i) {
    CRATIO_RETURN_IF_ERROR(ReadTensorInfo(i));
    if (!names.insert(tensors_.back().name).second) {
      return Invalid(
          fmt::format("duplicate tensor name '{}' (tensor info {})", tensors_.back().name, i));
    }
  }
  // The data section starts at the next multiple of the alignment (offset and alignment
  // are both below 2^63, so this cannot overflow).
  const uint64_t end_of_infos = r_.offset();
  const uint64_t data_start = (end_of_infos + alignment_ - 1) / alignment_ * alignment_;
  CRATIO_RETURN_IF_ERROR(PlaceTensors(data_start));

  ModelFile mf;
  mf.format = FileFormat::kGguf;
  mf.path = path_;
  mf.gguf_version = version_;
  mf.alignment = alignment_;
  mf.metadata = std::move(md_);
  mf.tensors.reserve(tensors_.size());
  for (RawTensor& t : tensors_) {
    TensorEntry e;
    e.file_offset = data_start + t.rel_offset;
    const uint8_t* data = file_->data() + e.file_offset;
    // general.alignment may be as small as 1, leaving a tensor where its element or block
    // type cannot be read in place (an f32 at an odd address: undefined behaviour, found
    // by fuzzing). Such a tensor is copied to an aligned buffer; the default 32 never is.
    const uint64_t block_bytes = static_cast<uint64_t>(GetDTypeInfo(t.dtype).block_bytes);
    const uint64_t need = std::min<uint64_t>(8, block_bytes & (~block_bytes + 1));
    if (t.size_bytes > 0 && reinterpret_cast<uintptr_t>(data) % need != 0) {
      auto copy = std::make_shared<AlignedBuffer>(t.size_bytes);
      std::memcpy(copy->data(), data, t.size_bytes);
      data = reinterpret_cast<const uint8_t*>(copy->data());
      mf.owned.push_back(std::move(copy));
    }
    e.view = TensorView{t.dtype, t.shape, data, t.size_bytes};
    e.file_name = t.name;
    e.name = std::move(t.name);
    mf.tensors.push_back(std::move(e));
  }
  mf.mappings.push_back(file_);
  return mf;
}

}  // namespace

Result<ModelFile> ReadGguf(const std::string& path) {
  CRATIO_ASSIGN_OR_RETURN(std::shared_ptr<MappedFile> file, MappedFile::Open(path));
  GgufParser parser(path, std::move(file));
  return parser.Parse();
}

}  // namespace cratio
