// torch.save's zip format (picklejar/torch.h "Writing"), after torch 1.13's serialization._save:
// data.pkl from picklejar's pickler with the TorchSaver below, which writes every tensor the way
// Tensor.__reduce_ex__ and Parameter.__reduce_ex__ (torch/_tensor.py, torch/nn/parameter.py)
// reduce it, with storages as _save's persistent_id names them; then the storages and `version`
// through write_torch_zip.
//
// The object graph is CPython's, so memo sharing follows what is one Python object there:
// 'storage', 'cpu' and the storage type are constants of torch's code (one object, memoized once);
// a storage's key is one str per storage (str(len(id_map)), a new str even for "0".."9", unlike a
// loaded one-character str); the pid tuple, size and stride tuples and each backward_hooks
// OrderedDict() are new objects for every tensor; the tensor itself is memoized (the same tensor
// twice is a memo GET); a Parameter's data is a new tensor each time it is pickled.
#include <algorithm>
#include <cstring>
#include <map>
#include <unordered_map>

#include "io/atomic_file.h"
#include "model/value_access.h"
#include "numpy/saver.h"
#include "pickle/pickler.h"
#include "torch/torch.h"
#include "torch/zip.h"

namespace picklejar::internal {
namespace {

constexpr uint64_t kMade = Error::kNoOffset;
constexpr std::string_view kVersionRecord = "3\n";  // caffe2's kProducedFileFormatVersion for torch 1.13

class TorchSaver final : public Saver {
 public:
  TorchSaver() : pd_(impl_of(pids_)) {}

  bool save_object(Pickler& p, const DocumentImpl* d, uint32_t id) override {
    if (d->tag(id) != kTagTensor) return false;
    const TensorData& t = d->tensor(id);
    if (!t.parameter) {
      push_tensor(p, d, t, t.requires_grad, kTensorEnd, id);
      return true;
    }
    // _rebuild_parameter(self.data, self.requires_grad, OrderedDict())
    p.push_resume(this, kTensorEnd, d, id);
    p.push_fresh_tuple_end(3);
    push_ordered_dict(p);
    p.push_save(p.scratch_doc(), t.requires_grad ? kTrueNode : kFalseNode, false);
    push_tensor(p, d, t, false, kFreshTensorEnd, id);
    if (p.protocol() < 2) p.push_op(Op::MARK);
    p.push_global("torch._utils", "_rebuild_parameter");
    return true;
  }

  void resume(Pickler& p, uint32_t code, const DocumentImpl* d, uint32_t id) override {
    p.op(Op::REDUCE);
    if (code == kTensorEnd) {
      p.memo_put(d, id);
    } else {
      p.memo_put_fresh();
    }
  }

  // DumpOptions::persistent_id: a storage met outside a tensor is written as torch.save's
  // persistent_id writes it; torch writes no other persistent ids.
  Value persistent_id(const Value& v) {
    const DocumentImpl* d = impl_of(v);
    if (d->torch_storage_count()) {
      auto& by_node = storage_nodes_[d];
      if (by_node.empty())
        for (uint32_t i = 0; i < d->torch_storage_count(); ++i) by_node.emplace(d->torch_storage(i).node, i);
      if (auto it = by_node.find(v.id()); it != by_node.end()) return make_value(&pd_, pid(d, it->second));
    }
    if (v.kind() == Kind::kPersistentId)
      throw_error(ErrorCode::kUnsupported, "torch.save writes no persistent ids but storages: the value holds another",
                  v.offset());
    return Value();
  }

  struct Record {
    std::string key;
    ByteView bytes;
  };
  // The storages the pickle named, in torch's record order: keys sorted as strings.
  std::vector<Record> records() const {
    std::vector<Record> out = written_;
    std::sort(out.begin(), out.end(), [](const Record& a, const Record& b) { return a.key < b.key; });
    return out;
  }

 private:
  enum : uint32_t { kTensorEnd, kFreshTensorEnd };

  uint32_t str_node(std::string_view s) {
    return pd_.add_payload(Kind::kStr, pd_.copy_bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()), s.size(),
                           kMade);
  }

  // A new ('storage', torch.<X>Storage, key, location, numel) tuple for storage `index` of `d`,
  // giving the storage its key the first time.
  uint32_t pid(const DocumentImpl* d, uint32_t index) {
    const TorchStorageData& s = d->torch_storage(index);
    auto [it, fresh] = keys_.try_emplace({d, index}, 0);
    if (fresh) {
      if (!s.bound)
        throw_error(ErrorCode::kInvalidArgument, "torch storage '" + s.key + "' has no data to write", kMade);
      std::string key = std::to_string(written_.size());
      uint32_t node = str_node(key);
      pd_.node(node).flags |= kFlagFreshStr;
      it->second = node;
      written_.push_back({key, ByteView(s.data, static_cast<size_t>(s.numel * s.itemsize))});
    }
    if (storage_str_ == kNoNode) {
      storage_str_ = str_node("storage");
      cpu_str_ = str_node("cpu");
    }
    const TorchDTypeInfo& t = torch_dtype_info(static_cast<torch::DType>(s.dtype));
    // _cpu_tag returns a constant; _cuda_tag and the others build a new str each call.
    uint32_t location = s.location == "cpu" ? cpu_str_ : str_node(s.location);
    uint32_t items[] = {storage_str_, pd_.add_global("torch", t.storage, kMade), it->second, location,
                        pd_.add_int(static_cast<int64_t>(s.numel), kMade)};
    uint32_t tuple = pd_.add_container(Kind::kTuple, kMade);
    pd_.append_items(tuple, items, 5);
    return tuple;
  }

  // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, OrderedDict()), then
  // REDUCE and the memo entry `end` says.
  void push_tensor(Pickler& p, const DocumentImpl* d, const TensorData& t, bool requires_grad, uint32_t end,
                   uint32_t id) {
    p.push_resume(this, end, d, id);
    p.push_fresh_tuple_end(6);
    push_ordered_dict(p);
    p.push_save(p.scratch_doc(), requires_grad ? kTrueNode : kFalseNode, false);
    p.push_save(p.scratch_doc(), p.made_shape(t.strides), false);
    p.push_save(p.scratch_doc(), p.made_shape(t.shape), false);
    p.push_save(p.scratch_doc(), p.made_int(t.storage_offset), false);
    p.push_op(Op::BINPERSID);
    p.push_save(&pd_, pid(d, t.storage), false);
    p.push_op(Op::MARK);
    p.push_global("torch._utils", "_rebuild_tensor_v2");
  }

  void push_ordered_dict(Pickler& p) {
    p.push_memoize_fresh();
    p.push_op(Op::REDUCE);
    p.push_save(p.scratch_doc(), kEmptyTupleNode, false);
    p.push_global("collections", "OrderedDict");
  }

  Document pids_;  // the persistent id tuples and their strs (the memo tells them apart by node)
  DocumentImpl& pd_;
  uint32_t storage_str_ = kNoNode, cpu_str_ = kNoNode;
  std::map<std::pair<const DocumentImpl*, uint32_t>, uint32_t> keys_;  // storage -> its key's str node
  std::vector<Record> written_;                                         // by key number
  std::unordered_map<const DocumentImpl*, std::unordered_map<uint32_t, uint32_t>> storage_nodes_;
};

class BytesSink final : public ByteSink {
 public:
  explicit BytesSink(std::vector<uint8_t>& v) : v_(v) {}
  void write(const uint8_t* p, size_t n) override { v_.insert(v_.end(), p, p + n); }

 private:
  std::vector<uint8_t>& v_;
};

// data.pkl and the zip's members for `v` under `root`. The members borrow data.pkl's bytes from
// `pkl` and the storages' from their documents.
std::vector<ZipRecord> torch_records(const Value& v, const torch::DumpOptions& o, const std::string& root,
                                     std::vector<uint8_t>& pkl) {
  if (!v.valid()) throw_error(ErrorCode::kInvalidArgument, "torch::dump of an invalid (empty) Value");
  if (o.protocol < 1 || o.protocol > 5)
    throw_error(ErrorCode::kInvalidArgument, "torch::dump protocol must be 1-5 (torch's persistent ids are tuples, "
                                             "which protocol 0 cannot write), not " + std::to_string(o.protocol));
  if (root.empty() || root.find('/') != std::string::npos || root.find('\0') != std::string::npos)
    throw_error(ErrorCode::kInvalidArgument, "torch::dump root folder '" + root + "' is empty or holds '/' or NUL");
  TorchSaver torch;
  NumpySaver numpy;
  Saver* const savers[] = {&torch, &numpy};
  DumpOptions d;
  d.protocol = o.protocol;
  d.limits = o.limits;
  d.persistent_id = [&torch](const Value& x) { return torch.persistent_id(x); };
  BytesSink sink(pkl);
  dump_to(v, sink, d, {}, savers);
  std::vector<ZipRecord> out;
  out.push_back({root + "/data.pkl", ByteView(pkl.data(), pkl.size())});
  for (const TorchSaver::Record& r : torch.records()) out.push_back({root + "/data/" + r.key, r.bytes});
  out.push_back({root + "/version", ByteView(reinterpret_cast<const uint8_t*>(kVersionRecord.data()), kVersionRecord.size())});
  return out;
}

}  // namespace
}  // namespace picklejar::internal

namespace picklejar::torch {

std::vector<uint8_t> dump(const Value& v, const DumpOptions& options) {
  std::vector<uint8_t> pkl;
  auto records = internal::torch_records(v, options, options.root.empty() ? "archive" : options.root, pkl);
  std::vector<uint8_t> out;
  internal::write_torch_zip(
      records, [&](const uint8_t* p, size_t n) { out.insert(out.end(), p, p + n); },
      [&](uint64_t at, const uint8_t* p, size_t n) { std::memcpy(out.data() + at, p, n); });
  return out;
}

void dump_file(const Value& v, const std::filesystem::path& path, const DumpOptions& options) {
  std::string root = options.root;
  if (root.empty()) root = path.stem().string();
  if (root.empty() || root == "." || root == "..") root = "archive";
  std::vector<uint8_t> pkl;  // made before the file is opened: a value torch cannot hold leaves nothing
  auto records = internal::torch_records(v, options, root, pkl);
  internal::write_file_atomically(path, [&](const internal::AppendFn& append, const internal::PatchFn& patch) {
    internal::write_torch_zip(records, append, patch);
  });
}

}  // namespace picklejar::torch
