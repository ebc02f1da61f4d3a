// Tensors made with a Builder (picklejar/torch.h "Writing"): the same nodes a load of torch.save's
// pickle makes (a storage is its persistent id node, a tensor the _rebuild_tensor_v2 call with
// its TensorData reading), so TensorRef, show, json and both writers treat them as loaded ones.
#include <algorithm>
#include <cstring>

#include "model/value_access.h"
#include "numpy/numpy.h"
#include "torch/torch.h"

namespace picklejar::torch {
namespace {

using internal::DocumentImpl;
constexpr uint64_t kBuilt = Error::kNoOffset;
constexpr uint32_t kNoNode = internal::kNoNode;
constexpr size_t kMaxDims = 64;  // as the reader's limit

// The document `b` builds: b.none() checks that it is still open to building and is a value of it.
DocumentImpl& building(Builder& b) {
  Value probe = b.none();
  return const_cast<DocumentImpl&>(*internal::impl_of(probe));  // the Builder's own, mutable document
}

uint32_t str_node(DocumentImpl& d, std::string_view s) {
  return d.add_payload(Kind::kStr, d.copy_bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()), s.size(), kBuilt);
}

uint32_t tuple_node(DocumentImpl& d, const std::vector<uint32_t>& items) {
  if (items.empty()) return internal::kEmptyTupleNode;
  uint32_t t = d.add_container(Kind::kTuple, kBuilt);
  d.append_items(t, items.data(), items.size());
  return t;
}

uint32_t ints_node(DocumentImpl& d, const std::vector<int64_t>& v) {
  std::vector<uint32_t> items;
  for (int64_t x : v) items.push_back(d.add_int(x, kBuilt));
  return tuple_node(d, items);
}

// collections.OrderedDict(): the backward_hooks argument torch pickles with every tensor.
uint32_t ordered_dict_node(DocumentImpl& d) {
  return d.add_object(MadeBy::kReduce, d.add_global("collections", "OrderedDict", kBuilt), internal::kEmptyTupleNode,
                      kBuilt);
}

// The storage index of node `id` of `d`, or ~0u.
uint32_t storage_index(const DocumentImpl& d, uint32_t id) {
  for (uint32_t i = 0; i < d.torch_storage_count(); ++i)
    if (d.torch_storage(i).node == id) return i;
  return ~0u;
}

// _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, OrderedDict()) with its reading.
uint32_t tensor_node(DocumentImpl& d, const internal::TensorData& t) {
  uint32_t storage = d.torch_storage(t.storage).node;
  uint32_t args = tuple_node(d, {storage, d.add_int(t.storage_offset, kBuilt), ints_node(d, t.shape),
                                 ints_node(d, t.strides), t.requires_grad ? internal::kTrueNode : internal::kFalseNode,
                                 ordered_dict_node(d)});
  uint32_t obj = d.add_object(MadeBy::kReduce, d.add_global("torch._utils", "_rebuild_tensor_v2", kBuilt), args, kBuilt);
  d.set_tensor(obj, t);
  return obj;
}

[[noreturn]] void invalid(const std::string& what) { internal::throw_error(ErrorCode::kInvalidArgument, what); }

}  // namespace

Value make_storage(Builder& b, DType dtype, ByteView data, std::string_view location) {
  DocumentImpl& d = building(b);
  if (static_cast<uint8_t>(dtype) > static_cast<uint8_t>(DType::kComplex128))
    invalid("make_storage: unknown dtype " + std::to_string(static_cast<int>(dtype)));
  const internal::TorchDTypeInfo& t = internal::torch_dtype_info(dtype);
  if (data.size() % t.itemsize)
    invalid("make_storage: " + std::to_string(data.size()) + " bytes are not a whole number of " +
            std::string(t.name) + " elements");
  if (location.empty()) invalid("make_storage: the location is empty (torch's are \"cpu\", \"cuda:0\", ...)");
  uint8_t* bytes = d.alloc_bytes(data.size() ? data.size() : 1);  // 16-byte aligned, as every element needs
  if (!data.empty()) std::memcpy(bytes, data.data(), data.size());
  internal::TorchStorageData s;
  s.dtype = static_cast<uint8_t>(dtype);
  s.itemsize = t.itemsize;
  s.key = std::to_string(d.torch_storage_count());
  s.location = std::string(location);
  s.numel = data.size() / t.itemsize;
  s.data = bytes;
  s.bound = true;
  // As torch.save's persistent_id makes them: 'storage' and 'cpu' are constants of its code (one
  // object in every id; taken from the previous storage's), a key is a new str even for "0".."9".
  uint32_t storage_str = kNoNode, location_str = kNoNode;
  if (size_t n = d.torch_storage_count()) {
    const internal::TorchStorageData& prev = d.torch_storage(static_cast<uint32_t>(n - 1));
    const uint32_t* items = d.items(d.node(prev.node).aux);
    storage_str = items[0];
    if (prev.location == "cpu" && location == "cpu") location_str = items[3];
  }
  if (storage_str == kNoNode) storage_str = str_node(d, "storage");
  if (location_str == kNoNode) location_str = str_node(d, s.location);
  uint32_t key_str = str_node(d, s.key);
  d.node(key_str).flags |= internal::kFlagFreshStr;
  uint32_t pid = tuple_node(d, {storage_str, d.add_global("torch", t.storage, kBuilt), key_str, location_str,
                                d.add_int(static_cast<int64_t>(s.numel), kBuilt)});
  s.node = d.add_node(Kind::kPersistentId, kBuilt);
  d.node(s.node).aux = pid;
  d.add_torch_storage(std::move(s));
  return internal::make_value(&d, d.torch_storage(static_cast<uint32_t>(d.torch_storage_count() - 1)).node);
}

Value make_tensor(Builder& b, Value storage, const std::vector<int64_t>& shape, const std::vector<int64_t>& strides,
                  int64_t storage_offset, bool requires_grad) {
  DocumentImpl& d = building(b);
  if (!storage.valid() || internal::impl_of(storage) != &d) invalid("make_tensor: the storage is not a Value of this document");
  uint32_t index = storage_index(d, storage.id());
  if (index == ~0u) invalid("make_tensor: the Value is a " + std::string(kind_name(storage.kind())) + ", not a storage");
  if (shape.size() > kMaxDims) invalid("make_tensor: more than 64 dimensions");
  if (!strides.empty() && strides.size() != shape.size())
    invalid("make_tensor: " + std::to_string(shape.size()) + " sizes but " + std::to_string(strides.size()) + " strides");
  internal::TensorData t;
  t.storage = index;
  t.storage_offset = storage_offset;
  t.shape = shape;
  t.strides = strides;
  if (strides.empty()) {  // row-major: each stride the product of the sizes after it
    t.strides.assign(shape.size(), 1);
    for (size_t i = shape.size(); i-- > 1;) t.strides[i - 1] = t.strides[i] * std::max<int64_t>(shape[i], 1);
  }
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] < 0 || t.strides[i] < 0) invalid("make_tensor: a negative size or stride");
  if (storage_offset < 0) invalid("make_tensor: a negative storage offset");
  t.requires_grad = requires_grad;
  internal::check_tensor_view(d, t, kBuilt);
  return internal::make_value(&d, tensor_node(d, t));
}

Value make_tensor(Builder& b, DType dtype, const std::vector<int64_t>& shape, ByteView data, bool requires_grad) {
  uint64_t numel = 1;
  for (int64_t n : shape)
    if (n < 0 || !internal::checked_mul(numel, static_cast<uint64_t>(n), &numel)) invalid("make_tensor: a bad size");
  uint64_t nbytes = 0;
  if (!internal::checked_mul(numel, dtype_itemsize(dtype), &nbytes) || nbytes != data.size())
    invalid("make_tensor: " + std::to_string(data.size()) + " bytes of data for " + std::to_string(numel) + " " +
            std::string(dtype_name(dtype)) + " elements");
  return make_tensor(b, make_storage(b, dtype, data), shape, {}, 0, requires_grad);
}

Value make_parameter(Builder& b, Value tensor, bool requires_grad) {
  DocumentImpl& d = building(b);
  if (!tensor.valid() || internal::impl_of(tensor) != &d || d.tag(tensor.id()) != internal::kTagTensor)
    invalid("make_parameter: the Value is not a tensor of this document");
  // Parameter.__reduce_ex__ pickles p.data: a new tensor on the storage, without requires_grad.
  internal::TensorData data = d.tensor(tensor.id());
  data.requires_grad = false;
  data.parameter = false;
  data.base = internal::kNoNode;
  uint32_t inner = tensor_node(d, data);
  uint32_t args = tuple_node(d, {inner, requires_grad ? internal::kTrueNode : internal::kFalseNode, ordered_dict_node(d)});
  uint32_t obj = d.add_object(MadeBy::kReduce, d.add_global("torch._utils", "_rebuild_parameter", kBuilt), args, kBuilt);
  internal::TensorData t = data;
  t.requires_grad = requires_grad;
  t.parameter = true;
  t.base = inner;
  d.set_tensor(obj, std::move(t));
  return internal::make_value(&d, obj);
}

Value make_ordered_dict(Builder& b, std::initializer_list<std::pair<Value, Value>> items) {
  DocumentImpl& d = building(b);
  uint32_t obj = ordered_dict_node(d);
  uint32_t dict = d.add_container(Kind::kDict, kBuilt);
  d.object(obj).dict_items = dict;
  Value dv = internal::make_value(&d, dict);
  for (const auto& [k, v] : items) b.set_item(dv, k, v);
  return internal::make_value(&d, obj);
}

}  // namespace picklejar::torch
