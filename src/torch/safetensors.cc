// Writing tensors as a .safetensors file (picklejar/torch.h "safetensors"). The layout follows
// huggingface safetensors' own writer (safetensors/src/tensor.rs, `prepare`): tensors sorted by
// dtype alignment (its Dtype enum order, largest first), then by name; data_offsets contiguous
// from 0, relative to the first byte after the header; the header padded with spaces to a
// multiple of 8 bytes, so every tensor's data starts 8-byte aligned in the file. Its reader checks
// that the offsets are contiguous, cover the data exactly and match shape x dtype size.
#include <algorithm>
#include <bit>
#include <cstring>
#include <ostream>
#include <unordered_set>

#include "base/error.h"
#include "base/utf8.h"
#include "io/atomic_file.h"
#include "model/print.h"
#include "model/value_access.h"
#include "picklejar/ndarray.h"
#include "picklejar/torch.h"
#include "torch/paths.h"

namespace picklejar::torch {
namespace {

using internal::throw_error;

// safetensors' dtype codes, with their rank in its Dtype enum (the sort key: larger first).
struct Code {
  const char* name;
  int rank;
};
constexpr Code kBool{"BOOL", 0}, kU8{"U8", 1}, kI8{"I8", 2}, kI16{"I16", 5}, kU16{"U16", 6}, kF16{"F16", 7},
    kBF16{"BF16", 8}, kI32{"I32", 9}, kU32{"U32", 10}, kF32{"F32", 11}, kF64{"F64", 12}, kI64{"I64", 13},
    kU64{"U64", 14};

const Code* code_of(DType t) {
  switch (t) {
    case DType::kFloat64: return &kF64;
    case DType::kFloat32: return &kF32;
    case DType::kFloat16: return &kF16;
    case DType::kBFloat16: return &kBF16;
    case DType::kInt64: return &kI64;
    case DType::kInt32: return &kI32;
    case DType::kInt16: return &kI16;
    case DType::kInt8: return &kI8;
    case DType::kUInt8: return &kU8;
    case DType::kBool: return &kBool;
    case DType::kComplex64:
    case DType::kComplex128: return nullptr;
  }
  return nullptr;
}

// numpy's kind and size: no float8 and complex in safetensors, no datetime, str, object, void.
const Code* code_of(char kind, size_t size) {
  switch (kind) {
    case 'b': return size == 1 ? &kBool : nullptr;
    case 'f': return size == 8 ? &kF64 : size == 4 ? &kF32 : size == 2 ? &kF16 : nullptr;
    case 'i': return size == 8 ? &kI64 : size == 4 ? &kI32 : size == 2 ? &kI16 : size == 1 ? &kI8 : nullptr;
    case 'u': return size == 8 ? &kU64 : size == 4 ? &kU32 : size == 2 ? &kU16 : size == 1 ? &kU8 : nullptr;
    default: return nullptr;
  }
}

struct Entry {
  std::string name;
  const Code* code;
  std::vector<int64_t> shape;
  uint64_t nbytes;
  Value v;
};

struct Plan {
  std::vector<Entry> entries;  // in file order
  std::string header;          // padded
  SafetensorsReport report;
};

// Whether a name survives the JSON header as the same text: UTF-8 without surrogates (which a
// pickled str may hold, as "surrogatepass" bytes, and safetensors' reader refuses).
bool clean_utf8(std::string_view s) {
  if (internal::find_bad_utf8(reinterpret_cast<const uint8_t*>(s.data()), s.size()) >= 0) return false;
  bool ok = true;
  internal::for_each_code_point(s, [&](uint32_t c, size_t, size_t) { ok &= c < 0xd800 || c > 0xdfff; });
  return ok;
}

// What a leaf would be written as, or the reason it cannot be (an empty name in `e` then).
std::string describe_leaf(const Value& v, Entry& e, const SafetensorsOptions& options) {
  if (v.kind() == Kind::kTensor) {
    TensorRef t(v);
    e.code = code_of(t.dtype());
    if (!e.code) return std::string(dtype_name(t.dtype())) + " tensor: safetensors has no complex dtype";
    e.shape = t.shape();
    e.nbytes = t.numel() * dtype_itemsize(t.dtype());
    if (!t.is_contiguous() && e.nbytes > options.limits.max_memory_bytes)
      throw_error(ErrorCode::kLimitExceeded, "a " + std::to_string(e.nbytes) +
                                                 "-byte strided tensor view would be copied past Limits::max_memory_bytes",
                  v.offset());
    return {};
  }
  if (v.kind() == Kind::kArray) {
    ArrayRef a(v);
    picklejar::DType dt = a.dtype();
    e.code = dt.fields().empty() && dt.subarray_shape().empty() ? code_of(dt.kind(), dt.itemsize()) : nullptr;
    if (!e.code) return "numpy array of dtype " + dt.str() + ": safetensors has no such dtype";
    size_t spread = 0;  // dimensions longer than 1: with at most one, C and Fortran order agree
    for (int64_t n : a.shape()) spread += n > 1;
    if (a.fortran_order() && spread > 1) return "numpy array in Fortran order (safetensors holds C order)";
    e.shape = a.shape();
    e.nbytes = static_cast<uint64_t>(a.size()) * dt.itemsize();
    if (a.bytes().size() != e.nbytes) return "numpy array whose data does not match its shape";
    return {};
  }
  return "not a tensor (" + std::string(kind_name(v.kind())) + ")";
}

Plan make_plan(const Value& root, const SafetensorsOptions& options) {
  const internal::DocumentImpl* d = internal::impl_of(root);
  if (!root.valid() || !d) throw_error(ErrorCode::kInvalidArgument, "write_safetensors of an invalid Value");
  Kind k = root.kind();
  bool container = k == Kind::kDict || k == Kind::kList || k == Kind::kTuple ||
                   (k == Kind::kObject && root.as_object().dict_items.valid() &&
                    root.as_object().dict_items.kind() == Kind::kDict);
  if (!container)
    throw_error(ErrorCode::kTypeMismatch, "safetensors names tensors by their keys: expected a dict, a dict "
                                          "subclass (a state_dict), a list or a tuple at the root, found " +
                                              std::string(kind_name(k)), root.offset());
  Plan plan;
  std::unordered_set<std::string> names;
  uint64_t total = 0;
  internal::walk_torch_paths(
      *d, root.id(), [](uint32_t) { return true; },
      [&](internal::TorchLeaf&& leaf) {
        Value v = internal::make_value(d, leaf.id);
        Entry e{};
        std::string why;
        if (!leaf.named) {
          why = "a key on its path is neither a str nor an int";
        } else if (leaf.cut) {
          why = "its name is longer than " + std::to_string(internal::kMaxTorchPath) + " bytes";
        } else {
          why = describe_leaf(v, e, options);
          if (why.empty() && !clean_utf8(leaf.path)) why = "its name is not valid UTF-8 (it holds a lone surrogate)";
          if (why.empty() && names.count(leaf.path)) why = "its name is used by another tensor";
        }
        if (!why.empty()) {
          if (options.strict)
            throw_error(ErrorCode::kUnsupported, "safetensors (strict): '" + leaf.path + "' cannot be written: " + why,
                        v.offset());
          plan.report.skipped.push_back({std::move(leaf.path), std::move(why)});
          return;
        }
        if (__builtin_add_overflow(total, e.nbytes, &total) || total > options.max_output_bytes)
          throw_error(ErrorCode::kLimitExceeded, "safetensors data would pass SafetensorsOptions::max_output_bytes (" +
                                                     std::to_string(options.max_output_bytes) + ") at '" + leaf.path + "'",
                      v.offset());
        names.insert(leaf.path);
        e.name = std::move(leaf.path);
        e.v = v;
        plan.entries.push_back(std::move(e));
      });
  std::stable_sort(plan.entries.begin(), plan.entries.end(), [](const Entry& a, const Entry& b) {
    return a.code->rank != b.code->rank ? a.code->rank > b.code->rank : a.name < b.name;
  });
  std::string& h = plan.header;
  h = R"({"__metadata__":{"format":"pt"})";
  uint64_t at = 0;
  for (const Entry& e : plan.entries) {
    h += ',';
    internal::json_string(h, e.name);
    h += R"(:{"dtype":")";
    h += e.code->name;
    h += R"(","shape":[)";
    for (size_t i = 0; i < e.shape.size(); ++i) h += (i ? "," : "") + std::to_string(e.shape[i]);
    h += R"(],"data_offsets":[)" + std::to_string(at) + "," + std::to_string(at + e.nbytes) + "]}";
    at += e.nbytes;
  }
  h += '}';
  h.append((8 - h.size() % 8) % 8, ' ');
  plan.report.tensors = plan.entries.size();
  plan.report.data_bytes = at;
  return plan;
}

void emit(const Plan& plan, const internal::AppendFn& append) {
  if constexpr (std::endian::native != std::endian::little)
    throw_error(ErrorCode::kUnsupported, "safetensors is little-endian: writing it on a big-endian machine is not supported");
  uint8_t len[8];
  uint64_t n = plan.header.size();
  std::memcpy(len, &n, 8);
  append(len, 8);
  append(reinterpret_cast<const uint8_t*>(plan.header.data()), plan.header.size());
  for (const Entry& e : plan.entries) {
    if (e.nbytes == 0) continue;
    if (e.v.kind() == Kind::kTensor) {
      TensorRef t(e.v);
      if (t.is_contiguous()) {
        append(t.data().data(), e.nbytes);
      } else {
        std::vector<uint8_t> b = t.contiguous_bytes();
        append(b.data(), b.size());
      }
      continue;
    }
    ArrayRef a(e.v);
    if (a.dtype().native_byte_order()) {
      append(a.bytes().data(), e.nbytes);
    } else {
      std::vector<uint8_t> b = a.byteswapped();
      append(b.data(), b.size());
    }
  }
}

}  // namespace

SafetensorsReport write_safetensors(const Value& root, const std::filesystem::path& path,
                                    const SafetensorsOptions& options) {
  Plan plan = make_plan(root, options);
  internal::write_file_atomically(path, [&](const internal::AppendFn& append) { emit(plan, append); });
  return std::move(plan.report);
}

SafetensorsReport write_safetensors(const Value& root, std::ostream& out, const SafetensorsOptions& options) {
  Plan plan = make_plan(root, options);
  emit(plan, [&](const uint8_t* p, size_t n) {
    out.write(reinterpret_cast<const char*>(p), static_cast<std::streamsize>(n));
    if (!out) throw_error(ErrorCode::kIo, "safetensors: write error");
  });
  return std::move(plan.report);
}

}  // namespace picklejar::torch
