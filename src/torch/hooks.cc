// torch's unpickler hooks: storages from persistent ids, tensors from _rebuild_tensor_v2 /
// _rebuild_tensor / _rebuild_parameter (torch/_utils.py), each checked against its storage. A call
// that does not have exactly torch's shape is an error here (unlike numpy's lenient readings): a
// torch file's tensors are what the file is for, and a reader must not hand back half of them.
#include <cstring>
#include <optional>

#include "base/byte_order.h"
#include "model/value_access.h"
#include "numpy/numpy.h"
#include "torch/torch.h"

namespace picklejar::internal {
namespace {

constexpr size_t kMaxDims = 64;  // torch has no hard limit; more than this is no real tensor

constexpr TorchDTypeInfo kDTypes[] = {
    {"FloatStorage", torch::DType::kFloat32, 4, "float32", 'f'},
    {"DoubleStorage", torch::DType::kFloat64, 8, "float64", 'f'},
    {"HalfStorage", torch::DType::kFloat16, 2, "float16", 'h'},
    {"BFloat16Storage", torch::DType::kBFloat16, 2, "bfloat16", 'h'},
    {"LongStorage", torch::DType::kInt64, 8, "int64", 'i'},
    {"IntStorage", torch::DType::kInt32, 4, "int32", 'i'},
    {"ShortStorage", torch::DType::kInt16, 2, "int16", 'i'},
    {"CharStorage", torch::DType::kInt8, 1, "int8", 'i'},
    {"ByteStorage", torch::DType::kUInt8, 1, "uint8", 'u'},
    {"BoolStorage", torch::DType::kBool, 1, "bool", 'b'},
    {"ComplexFloatStorage", torch::DType::kComplex64, 8, "complex64", 'c'},
    {"ComplexDoubleStorage", torch::DType::kComplex128, 16, "complex128", 'c'},
};

std::string_view text(const DocumentImpl& d, uint32_t id) {
  const Node& n = d.node(id);
  return {reinterpret_cast<const char*>(n.u.bytes.ptr), static_cast<size_t>(n.u.bytes.len)};
}

// A str (or a bytes: a Python 2 file loaded with encoding='bytes', as torch's _maybe_decode_ascii).
std::optional<std::string_view> str_of(const DocumentImpl& d, uint32_t id) {
  Kind k = d.node(id).kind;
  if (k == Kind::kStr || k == Kind::kBytes) return text(d, id);
  return std::nullopt;
}

std::optional<int64_t> int_of(const DocumentImpl& d, uint32_t id) {
  const Node& n = d.node(id);
  if ((n.kind == Kind::kInt && !(n.flags & kFlagBigInt)) || n.kind == Kind::kBool) return n.u.i;
  return std::nullopt;
}

uint32_t count(const DocumentImpl& d, uint32_t tuple) { return tuple == kEmptyTupleNode ? 0 : d.item_count(tuple); }

bool is_torch_global(const DocumentImpl& d, uint32_t id, std::string_view module, std::string_view name) {
  const Node& n = d.node(id);
  if (n.kind != Kind::kGlobal) return false;
  std::string_view all = text(d, id);
  return all.substr(0, n.aux) == module && all.substr(n.aux) == name;
}

// A size or stride tuple of non-negative ints (torch.Size pickles as a tuple).
std::vector<int64_t> dims(const DocumentImpl& d, uint32_t id, const char* what, uint64_t offset) {
  if (d.node(id).kind != Kind::kTuple)
    throw_error(ErrorCode::kBadArgument, std::string("torch tensor ") + what + " is a " +
                                             std::string(kind_name(d.node(id).kind)) + ", not a tuple", offset);
  uint32_t n = count(d, id);
  if (n > kMaxDims)
    throw_error(ErrorCode::kBadArgument, std::string("torch tensor ") + what + " has " + std::to_string(n) +
                                             " dimensions (at most " + std::to_string(kMaxDims) + " are read)", offset);
  std::vector<int64_t> out;
  for (uint32_t i = 0; i < n; ++i) {
    auto v = int_of(d, d.items(id)[i]);
    if (!v || *v < 0)
      throw_error(ErrorCode::kBadArgument, std::string("torch tensor ") + what + " item " + std::to_string(i) +
                                               " is not a non-negative int", offset);
    out.push_back(*v);
  }
  return out;
}

}  // namespace

const TorchDTypeInfo* torch_dtype_by_storage(std::string_view storage_name) {
  for (const TorchDTypeInfo& t : kDTypes)
    if (t.storage == storage_name) return &t;
  if (storage_name == "UntypedStorage") return &kDTypes[8];  // torch loads it as uint8
  return nullptr;
}

const TorchDTypeInfo& torch_dtype_info(torch::DType dtype) {
  for (const TorchDTypeInfo& t : kDTypes)
    if (t.dtype == dtype) return t;
  return kDTypes[0];
}

bool is_quantized_storage(std::string_view storage_name) {
  return storage_name == "QUInt8Storage" || storage_name == "QInt8Storage" || storage_name == "QInt32Storage" ||
         storage_name == "QUInt4x2Storage" || storage_name == "QUInt2x4Storage";
}

void bind_torch_storage(DocumentImpl& d, uint32_t index, const uint8_t* p, uint64_t available, bool swap,
                        uint64_t offset, const std::string& source) {
  TorchStorageData& s = d.torch_storage(index);
  uint64_t nbytes = s.numel * s.itemsize;  // checked against overflow when the storage was made
  if (available < nbytes)
    throw_error(ErrorCode::kBadLength, "torch storage '" + s.key + "' needs " + std::to_string(nbytes) + " bytes (" +
                                           std::to_string(s.numel) + " elements), " + source + " has " +
                                           std::to_string(available),
                offset);
  size_t align = torch_dtype_info(static_cast<torch::DType>(s.dtype)).code == 'c' ? s.itemsize / 2 : s.itemsize;
  if (nbytes && (swap || reinterpret_cast<uintptr_t>(p) % align != 0)) {
    if (nbytes > d.limits().max_memory_bytes)
      throw_error(ErrorCode::kLimitExceeded, "torch storage '" + s.key + "' of " + std::to_string(nbytes) +
                                                 " bytes passes Limits::max_memory_bytes",
                  offset);
    uint8_t* copy = d.alloc_bytes(static_cast<size_t>(nbytes));  // 16-byte aligned
    std::memcpy(copy, p, static_cast<size_t>(nbytes));
    if (swap) swap_elements(copy, static_cast<size_t>(nbytes), align);
    d.check_memory(offset);
    p = copy;
  }
  TorchStorageData& t = d.torch_storage(index);  // alloc_bytes does not move storages; looked up anyway
  t.data = p;
  t.bound = true;
}

void check_tensor_view(const DocumentImpl& d, const TensorData& t, uint64_t offset) {
  // The elements the view reaches: offset + sum((size - 1) * stride) must lie in the storage.
  const TorchStorageData& s = d.torch_storage(t.storage);
  uint64_t numel = 1, last = static_cast<uint64_t>(t.storage_offset);
  bool overflow = false;
  for (size_t i = 0; i < t.shape.size(); ++i) {
    uint64_t reach = 0;
    overflow |= !checked_mul(numel, static_cast<uint64_t>(t.shape[i]), &numel);
    if (t.shape[i] > 0) overflow |= !checked_mul(static_cast<uint64_t>(t.shape[i] - 1), static_cast<uint64_t>(t.strides[i]), &reach);
    overflow |= __builtin_add_overflow(last, reach, &last);
  }
  if (overflow || numel > (uint64_t{1} << 62))
    throw_error(ErrorCode::kBadLength, "torch tensor size or stride overflows", offset);
  if (numel > 0 && last >= s.numel)
    throw_error(ErrorCode::kBadLength, "torch tensor of " + std::to_string(numel) + " elements at storage offset " +
                                           std::to_string(t.storage_offset) + " reaches element " + std::to_string(last) +
                                           " of storage '" + s.key + "', which has " + std::to_string(s.numel),
                offset);
  // More elements than the storage holds: the view overlaps itself (a stride-0 expand, say). Its
  // row-major copy (contiguous_bytes, json values, safetensors) is then bounded by nothing but the
  // shape, which a hostile file chooses: a 4-byte storage viewed as 2**40 elements.
  uint64_t copy_bytes = 0;
  if (numel > s.numel && (!checked_mul(numel, uint64_t{s.itemsize}, &copy_bytes) || copy_bytes > d.limits().max_memory_bytes))
    throw_error(ErrorCode::kLimitExceeded, "torch tensor of " + std::to_string(numel) + " elements views the " +
                                               std::to_string(s.numel) + " of storage '" + s.key +
                                               "' more than once; its copy would pass Limits::max_memory_bytes",
                offset);
}

VmHookList TorchHooks::with_numpy() {
  both_[0] = &numpy_vm_hooks();
  both_[1] = this;
  return both_;
}

uint32_t TorchHooks::persistent_load(Document& doc, uint32_t pid, uint64_t offset) {
  if (bytes_options_) return kNoNode;  // a plain pickle: no storages follow to bind the ids to
  DocumentImpl& d = impl_of(doc);
  auto bad = [&](const std::string& m) { throw_error(ErrorCode::kBadArgument, "torch persistent id: " + m, offset); };
  if (d.node(pid).kind != Kind::kTuple || count(d, pid) < 1) bad("not a tuple");
  const uint32_t* it = d.items(pid);
  uint32_t n = count(d, pid);
  auto type = str_of(d, it[0]);
  if (!type || *type != "storage")
    bad("kind '" + std::string(type.value_or("?")) + "' is not 'storage' (torch.load reads only storages)");
  if (n != 5 && n != 6) bad("('storage', ...) has " + std::to_string(n) + " items, not 5 (zip) or 6 (legacy)");
  uint32_t type_node = it[1];
  auto key = str_of(d, it[2]);
  auto location = str_of(d, it[3]);
  auto numel = int_of(d, it[4]);
  const TorchDTypeInfo& t = storage_type(d, type_node, offset);
  if (!key) bad("the storage key is not a str");
  if (!location) bad("the storage location is not a str");
  if (!numel || *numel < 0) bad("the storage size is not a non-negative int");
  if (n == 6 && d.node(it[5]).kind != Kind::kNone)
    throw_error(ErrorCode::kUnsupported, "torch storage '" + std::string(*key) +
                                             "': storage views (view_metadata, torch < 1.0) are not supported",
                offset);
  std::string k(*key);
  if (auto found = by_key_.find(k); found != by_key_.end()) {
    const TorchStorageData& s = d.torch_storage(found->second);
    if (s.dtype != static_cast<uint8_t>(t.dtype) || s.numel != static_cast<uint64_t>(*numel))
      bad("storage '" + k + "' is named again with another type or size");
    return s.node;  // one storage object per key, as torch.load's loaded_storages
  }
  uint32_t node = d.add_node(Kind::kPersistentId, offset);
  d.node(node).aux = pid;
  add_storage(d, node, t, std::move(k), std::string(*location), *numel, offset);
  return node;
}

const TorchDTypeInfo& TorchHooks::storage_type(const DocumentImpl& d, uint32_t type_node, uint64_t offset) {
  if (d.node(type_node).kind != Kind::kGlobal)
    throw_error(ErrorCode::kBadArgument, "torch storage type is a " + std::string(kind_name(d.node(type_node).kind)) +
                                             ", not a global", offset);
  std::string_view all = text(d, type_node);
  std::string_view module = all.substr(0, d.node(type_node).aux), name = all.substr(d.node(type_node).aux);
  if (module != "torch")
    throw_error(ErrorCode::kBadArgument, "torch storage type " + std::string(module) + "." + std::string(name) +
                                             " is not torch's", offset);
  if (is_quantized_storage(name))
    throw_error(ErrorCode::kUnsupported, "torch." + std::string(name) + ": quantized tensors are not supported", offset);
  const TorchDTypeInfo* t = torch_dtype_by_storage(name);
  if (!t) throw_error(ErrorCode::kUnsupported, "unknown torch storage type torch." + std::string(name), offset);
  return *t;
}

uint32_t TorchHooks::add_storage(DocumentImpl& d, uint32_t node, const TorchDTypeInfo& t, std::string key,
                                 std::string location, int64_t numel, uint64_t offset) {
  uint64_t nbytes = 0;
  if (numel < 0 || !checked_mul(static_cast<uint64_t>(numel), t.itemsize, &nbytes) ||
      nbytes > d.limits().max_input_bytes)
    throw_error(ErrorCode::kBadLength, "torch storage '" + key + "' of " + std::to_string(numel) +
                                           " elements is larger than any file (Limits::max_input_bytes)",
                offset);
  if (by_key_.count(key)) throw_error(ErrorCode::kBadArgument, "torch storage '" + key + "' is defined twice", offset);
  TorchStorageData s;
  s.node = node;
  s.dtype = static_cast<uint8_t>(t.dtype);
  s.itemsize = t.itemsize;
  s.key = key;
  s.location = std::move(location);
  s.numel = static_cast<uint64_t>(numel);
  uint32_t index = d.add_torch_storage(std::move(s));
  by_key_.emplace(std::move(key), index);
  by_node_.emplace(node, index);
  if (bind_) bind_(d, index, offset);
  return index;
}

void TorchHooks::after_reduce(DocumentImpl& d, uint32_t obj) {
  if (d.node(obj).kind != Kind::kObject) return;
  const ObjectData& o = d.object(obj);
  uint32_t callable = o.callable, args = o.args;
  uint64_t offset = d.node(obj).offset;
  if (d.node(callable).kind != Kind::kGlobal) return;
  if (bytes_options_ && is_torch_global(d, callable, "torch.storage", "_load_from_bytes")) {
    storage_from_bytes(d, obj, offset);
    return;
  }
  if (is_torch_global(d, callable, "torch._utils", "_rebuild_qtensor"))
    throw_error(ErrorCode::kUnsupported, "torch._utils._rebuild_qtensor: quantized tensors are not supported", offset);
  bool v2 = is_torch_global(d, callable, "torch._utils", "_rebuild_tensor_v2");
  bool v1 = is_torch_global(d, callable, "torch._utils", "_rebuild_tensor");
  bool param = is_torch_global(d, callable, "torch._utils", "_rebuild_parameter");
  if (!v1 && !v2 && !param) return;
  std::string fn = v2 ? "_rebuild_tensor_v2" : v1 ? "_rebuild_tensor" : "_rebuild_parameter";
  uint32_t n = count(d, args);
  const uint32_t* a = d.items(args);
  if (param) {
    if (n != 3) throw_error(ErrorCode::kBadArgument, "torch " + fn + " takes 3 arguments, got " + std::to_string(n), offset);
    if (d.tag(a[0]) != kTagTensor && bytes_options_) return;
    if (d.tag(a[0]) != kTagTensor)
      throw_error(ErrorCode::kBadArgument, "torch " + fn + ": the data is not a tensor", offset);
    auto grad = int_of(d, a[1]);
    if (!grad || d.node(a[1]).kind != Kind::kBool)
      throw_error(ErrorCode::kBadArgument, "torch " + fn + ": requires_grad is not a bool", offset);
    TensorData t = d.tensor(a[0]);
    t.requires_grad = *grad != 0;
    t.parameter = true;
    t.base = a[0];
    d.set_tensor(obj, std::move(t));
    return;
  }
  if (v2 ? (n != 6 && n != 7) : n != 4)
    throw_error(ErrorCode::kBadArgument, "torch " + fn + " takes " + (v2 ? "6 or 7" : "4") + " arguments, got " +
                                             std::to_string(n), offset);
  // The storage: a persistent id this load's persistent_load made.
  auto found = by_node_.find(a[0]);
  uint32_t storage = found == by_node_.end() ? kNoNode : found->second;
  if (storage == kNoNode && bytes_options_) return;  // a plain pickle's own business: left inert
  if (storage == kNoNode) throw_error(ErrorCode::kBadArgument, "torch " + fn + ": the storage is not a torch storage", offset);
  auto storage_offset = int_of(d, a[1]);
  if (!storage_offset || *storage_offset < 0)
    throw_error(ErrorCode::kBadArgument, "torch " + fn + ": storage_offset is not a non-negative int", offset);
  TensorData t;
  t.storage = storage;
  t.storage_offset = *storage_offset;
  t.shape = dims(d, a[2], "size", offset);
  t.strides = dims(d, a[3], "stride", offset);
  if (t.shape.size() != t.strides.size())
    throw_error(ErrorCode::kBadArgument, "torch tensor size has " + std::to_string(t.shape.size()) +
                                             " dimensions, its stride " + std::to_string(t.strides.size()), offset);
  if (v2) {
    auto grad = int_of(d, a[4]);
    if (!grad || d.node(a[4]).kind != Kind::kBool)
      throw_error(ErrorCode::kBadArgument, "torch " + fn + ": requires_grad is not a bool", offset);
    t.requires_grad = *grad != 0;
  }
  check_tensor_view(d, t, offset);
  d.set_tensor(obj, std::move(t));
}

// b is what TypedStorage.__reduce__ wrote: torch.save(storage, _use_new_zipfile_serialization=False).
// It is loaded as the torch file it is (its key is a heap address, and the same storage pickled
// twice gives the same key: the storage here gets the next number instead).
void TorchHooks::storage_from_bytes(DocumentImpl& d, uint32_t obj, uint64_t offset) {
  const ObjectData& o = d.object(obj);
  if (count(d, o.args) != 1 || d.node(d.items(o.args)[0]).kind != Kind::kBytes)
    throw_error(ErrorCode::kBadArgument, "torch.storage._load_from_bytes takes one bytes argument", offset);
  const Node& b = d.node(d.items(o.args)[0]);
  Document nested;
  load_torch_file(ByteView(b.u.bytes.ptr, static_cast<size_t>(b.u.bytes.len)), nested, *bytes_options_);
  const DocumentImpl& n = impl_of(nested);
  if (n.torch_storage_count() != 1 || n.root != n.torch_storage(0).node)
    throw_error(ErrorCode::kBadArgument, "torch.storage._load_from_bytes: the stream is not one storage", offset);
  const TorchStorageData& s = n.torch_storage(0);
  uint32_t index = add_storage(d, obj, torch_dtype_info(static_cast<torch::DType>(s.dtype)),
                               std::to_string(by_key_.size()), s.location, static_cast<int64_t>(s.numel), offset);
  uint64_t nbytes = s.numel * s.itemsize;
  if (nbytes > d.limits().max_memory_bytes)
    throw_error(ErrorCode::kLimitExceeded, "torch storage of " + std::to_string(nbytes) +
                                               " bytes passes Limits::max_memory_bytes", offset);
  uint8_t* copy = d.alloc_bytes(static_cast<size_t>(nbytes ? nbytes : 1));  // the nested document ends here
  if (nbytes) std::memcpy(copy, s.data, static_cast<size_t>(nbytes));
  d.check_memory(offset);
  bind_torch_storage(d, index, copy, nbytes, false, offset, "torch.storage._load_from_bytes");
}

}  // namespace picklejar::internal
