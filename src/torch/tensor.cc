// Tensors as values: TensorRef (picklejar/torch.h), the strided walk over a tensor's elements and
// how an element prints.
#include "torch/tensor.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "base/byte_order.h"
#include "base/half_float.h"
#include "model/value_access.h"
#include "picklejar/print.h"
#include "torch/torch.h"

namespace picklejar::internal {

const uint8_t* tensor_first(const DocumentImpl& d, const TensorData& t) {
  const TorchStorageData& s = d.torch_storage(t.storage);
  return s.data ? s.data + static_cast<uint64_t>(t.storage_offset) * s.itemsize : nullptr;
}

uint64_t tensor_numel(const TensorData& t) {
  uint64_t n = 1;
  for (int64_t s : t.shape) n *= static_cast<uint64_t>(s);  // checked on load
  return n;
}

bool tensor_contiguous(const TensorData& t) {
  int64_t step = 1;
  for (size_t i = t.shape.size(); i-- > 0;) {
    if (t.shape[i] == 0) return true;
    if (t.shape[i] != 1 && t.strides[i] != step) return false;
    step *= t.shape[i];
  }
  return true;
}

namespace {

// n elements of `Size` bytes, `step` bytes apart from `p`, to `out` back to back. A fixed size
// lets the compiler make each copy one load and store.
template <size_t Size>
void gather(uint8_t* out, const uint8_t* p, uint64_t n, int64_t step) {
  for (uint64_t i = 0; i < n; ++i, p += step, out += Size) std::memcpy(out, p, Size);
}

void gather(uint8_t* out, const uint8_t* p, uint64_t n, int64_t step, uint64_t item) {
  if (step == static_cast<int64_t>(item)) {
    std::memcpy(out, p, static_cast<size_t>(n * item));
    return;
  }
  switch (item) {
    case 1: return gather<1>(out, p, n, step);
    case 2: return gather<2>(out, p, n, step);
    case 4: return gather<4>(out, p, n, step);
    case 8: return gather<8>(out, p, n, step);
    default: return gather<16>(out, p, n, step);  // complex128; complex64 is 8
  }
}

}  // namespace

std::vector<uint8_t> tensor_row_major(const DocumentImpl& d, const TensorData& t, uint64_t max) {
  const TorchStorageData& s = d.torch_storage(t.storage);
  uint64_t numel = std::min(tensor_numel(t), max), item = s.itemsize;
  std::vector<uint8_t> out(static_cast<size_t>(numel * item));
  const uint8_t* base = tensor_first(d, t);
  if (!numel || !base) return out;
  if (tensor_contiguous(t)) {
    std::memcpy(out.data(), base, out.size());
    return out;
  }
  // The innermost dimension as one strided run; the outer ones by an odometer whose byte offset
  // moves by a stride per step (a per-element index sum made a 16M-element stride-0 view, which
  // the fuzzer built from a 4-byte storage, take seconds).
  size_t nd = t.shape.size();
  const uint64_t run = static_cast<uint64_t>(t.shape[nd - 1]);
  const int64_t step = t.strides[nd - 1] * static_cast<int64_t>(item);
  std::vector<int64_t> idx(nd - 1, 0);
  int64_t off = 0;
  uint8_t* o = out.data();
  for (uint64_t left = numel; left;) {
    uint64_t n = std::min(run, left);
    gather(o, base + off, n, step, item);
    o += n * item;
    left -= n;
    for (size_t i = nd - 1; i-- > 0;) {
      off += t.strides[i] * static_cast<int64_t>(item);
      if (++idx[i] < t.shape[i]) break;
      off -= t.shape[i] * t.strides[i] * static_cast<int64_t>(item);
      idx[i] = 0;
    }
  }
  return out;
}

std::string tensor_element_text(torch::DType dtype, const uint8_t* p) {
  using torch::DType;
  switch (dtype) {
    case DType::kFloat32: return float_repr(load_unaligned<float>(p));
    case DType::kFloat64: return float_repr(load_unaligned<double>(p));
    case DType::kFloat16: return float_repr(half_to_double(load_unaligned<uint16_t>(p)));
    case DType::kBFloat16: return float_repr(bfloat16_to_double(load_unaligned<uint16_t>(p)));
    case DType::kInt64: return std::to_string(load_unaligned<int64_t>(p));
    case DType::kInt32: return std::to_string(load_unaligned<int32_t>(p));
    case DType::kInt16: return std::to_string(load_unaligned<int16_t>(p));
    case DType::kInt8: return std::to_string(load_unaligned<int8_t>(p));
    case DType::kUInt8: return std::to_string(load_unaligned<uint8_t>(p));
    case DType::kBool: return p[0] ? "True" : "False";
    case DType::kComplex64:
      return "(" + float_repr(load_unaligned<float>(p)) + "+" + float_repr(load_unaligned<float>(p + 4)) + "j)";
    case DType::kComplex128:
      return "(" + float_repr(load_unaligned<double>(p)) + "+" + float_repr(load_unaligned<double>(p + 8)) + "j)";
  }
  return "?";
}

std::string tensor_show_text(const DocumentImpl& d, uint32_t id) {
  constexpr uint64_t kShown = 8;
  const TensorData& t = d.tensor(id);
  const TorchStorageData& s = d.torch_storage(t.storage);
  auto dtype = static_cast<torch::DType>(s.dtype);
  std::string out = t.parameter ? "parameter(dtype=" : "tensor(dtype=";
  out += std::string(torch::dtype_name(dtype)) + ", shape=(";
  for (size_t i = 0; i < t.shape.size(); ++i) out += (i ? ", " : "") + std::to_string(t.shape[i]);
  if (t.shape.size() == 1) out += ",";
  out += ")";
  if (!tensor_contiguous(t)) {
    out += ", stride=(";
    for (size_t i = 0; i < t.strides.size(); ++i) out += (i ? ", " : "") + std::to_string(t.strides[i]);
    if (t.strides.size() == 1) out += ",";
    out += ")";
  }
  if (t.storage_offset) out += ", storage_offset=" + std::to_string(t.storage_offset);
  if (t.requires_grad) out += ", requires_grad=True";
  uint64_t numel = tensor_numel(t);
  std::vector<uint8_t> first = tensor_row_major(d, t, kShown);
  out += ", data=[";
  for (uint64_t i = 0; i * s.itemsize < first.size(); ++i)
    out += (i ? ", " : "") + tensor_element_text(dtype, first.data() + i * s.itemsize);
  if (numel > kShown) out += ", ... (" + std::to_string(numel) + " values)";
  out += "])";
  return out;
}

}  // namespace picklejar::internal

namespace picklejar::torch {

using internal::throw_error;

std::string_view dtype_name(DType dtype) noexcept { return internal::torch_dtype_info(dtype).name; }
size_t dtype_itemsize(DType dtype) noexcept { return internal::torch_dtype_info(dtype).itemsize; }

namespace {
const internal::DocumentImpl& doc_of(const Value& v) {
  const internal::DocumentImpl* d = internal::impl_of(v);
  if (!d) throw_error(ErrorCode::kInvalidArgument, "use of an invalid (empty) TensorRef");
  return *d;
}
const internal::TensorData& data_of(const Value& v) { return doc_of(v).tensor(v.id()); }
const internal::TorchStorageData& storage_of(const Value& v) {
  return doc_of(v).torch_storage(data_of(v).storage);
}
}  // namespace

TensorRef::TensorRef(Value v) : v_(v) {
  if (!v.valid()) throw_error(ErrorCode::kInvalidArgument, "TensorRef of an invalid (empty) Value");
  if (v.kind() != Kind::kTensor)
    throw_error(ErrorCode::kTypeMismatch, "expected Tensor, found " + std::string(kind_name(v.kind())), v.offset());
}

DType TensorRef::dtype() const { return static_cast<DType>(storage_of(v_).dtype); }
const std::vector<int64_t>& TensorRef::shape() const { return data_of(v_).shape; }
const std::vector<int64_t>& TensorRef::strides() const { return data_of(v_).strides; }
int64_t TensorRef::storage_offset() const { return data_of(v_).storage_offset; }
uint64_t TensorRef::numel() const { return internal::tensor_numel(data_of(v_)); }
bool TensorRef::requires_grad() const { return data_of(v_).requires_grad; }
bool TensorRef::is_parameter() const { return data_of(v_).parameter; }
bool TensorRef::is_contiguous() const { return internal::tensor_contiguous(data_of(v_)); }
Value TensorRef::storage() const { return internal::make_value(&doc_of(v_), storage_of(v_).node); }
std::string_view TensorRef::storage_key() const { return storage_of(v_).key; }
std::string_view TensorRef::storage_location() const { return storage_of(v_).location; }
uint64_t TensorRef::storage_numel() const { return storage_of(v_).numel; }

ByteView TensorRef::storage_bytes() const {
  const internal::TorchStorageData& s = storage_of(v_);
  return ByteView(s.data, static_cast<size_t>(s.numel * s.itemsize));
}

ByteView TensorRef::data() const {
  const internal::TensorData& t = data_of(v_);
  const internal::TorchStorageData& s = storage_of(v_);
  uint64_t numel = internal::tensor_numel(t);
  if (numel == 0) return ByteView(internal::tensor_first(doc_of(v_), t), 0);
  uint64_t last = 0;
  for (size_t i = 0; i < t.shape.size(); ++i) last += static_cast<uint64_t>(t.shape[i] - 1) * static_cast<uint64_t>(t.strides[i]);
  return ByteView(internal::tensor_first(doc_of(v_), t), static_cast<size_t>((last + 1) * s.itemsize));
}

std::vector<uint8_t> TensorRef::contiguous_bytes() const { return internal::tensor_row_major(doc_of(v_), data_of(v_)); }

void TensorRef::check_element(char code, size_t size) const {
  DType dt = dtype();
  const internal::TorchDTypeInfo& info = internal::torch_dtype_info(dt);
  if (code != info.code || size != info.itemsize)
    throw_error(ErrorCode::kTypeMismatch, "tensor of dtype " + std::string(info.name) +
                                              " read as another element type", v_.offset());
  if (!is_contiguous())
    throw_error(ErrorCode::kUnsupported, "tensor is not contiguous (strides in elements do not follow its shape): "
                                         "read it with contiguous_bytes()", v_.offset());
}

}  // namespace picklejar::torch
