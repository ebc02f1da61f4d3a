// The legacy tar format of torch < 0.4 (torch.load's legacy_load): a tar, read with libarchive over
// the file's bytes, of three members: `storages` (their count, then per storage a pickled (key,
// location, storage type), an int64 element count and the bytes; then a pickled list of storage
// views), `tensors` (their count, then per tensor a pickled (key, storage key, tensor type), an
// int32 ndim, 4 unused bytes, ndim int64 sizes, ndim int64 strides, an int64 storage offset) and
// `pickle`, whose persistent ids are the keys of those tensors and storages. A tensor becomes the
// _rebuild_tensor(storage, offset, size, stride) call legacy_load's set_() amounts to, read by the
// same hook as every other torch tensor.
#include <archive.h>
#include <archive_entry.h>

#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include "model/value_access.h"
#include "numpy/numpy.h"
#include "pickle/unpickler.h"
#include "torch/torch.h"

namespace picklejar::internal {
namespace {

constexpr int64_t kMaxDims = 64;

// A key as legacy_load compares them: an int (the object's address) or its decimal str.
std::optional<std::string> key_text(const DocumentImpl& d, uint32_t id) {
  const Node& n = d.node(id);
  if (n.kind == Kind::kInt && !(n.flags & kFlagBigInt)) return std::to_string(n.u.i);
  if (n.kind == Kind::kStr || n.kind == Kind::kBytes)
    return std::string(reinterpret_cast<const char*>(n.u.bytes.ptr), static_cast<size_t>(n.u.bytes.len));
  return std::nullopt;
}

// The pickle member's persistent ids: keys of the tensors and storages made from the other members.
class TarHooks final : public VmHooks {
 public:
  std::unordered_map<std::string, uint32_t> objects;
  uint32_t persistent_load(Document& doc, uint32_t pid, uint64_t offset) override {
    DocumentImpl& d = impl_of(doc);
    std::optional<std::string> key = key_text(d, pid);
    if (!key) return kNoNode;  // ('module', cls, source file, source): stays an inert persistent id
    auto it = objects.find(*key);
    if (it == objects.end())
      throw_error(ErrorCode::kBadArgument, "torch legacy tar: the pickle names '" + *key +
                                               "', which neither the tensors nor the storages member holds", offset);
    return it->second;
  }
};

// Reads the members' framing: pickles and little-endian integers, offsets within the member.
struct Member {
  const char* name;
  ByteReader in;
  Document& doc;
  const picklejar::LoadOptions& options;
  uint32_t pickle() { return run_nested_unpickler(in, doc, options, {}); }
  int64_t i64(uint64_t at) { return static_cast<int64_t>(le(8, at)); }
  uint64_t le(size_t n, uint64_t at) {
    const uint8_t* p = in.take(n);
    if (!p) throw_error(ErrorCode::kTruncated, std::string("torch legacy tar: member '") + name + "' is cut short", at);
    uint64_t v = 0;
    for (size_t i = n; i-- > 0;) v = (v << 8) | p[i];
    return v;
  }
  int64_t count(uint64_t at) {
    uint32_t c = pickle();
    const Node& n = impl_of(doc).node(c);
    if (n.kind != Kind::kInt || (n.flags & kFlagBigInt) || n.u.i < 0 || static_cast<uint64_t>(n.u.i) > in.remaining().value_or(0))
      throw_error(ErrorCode::kBadArgument, std::string("torch legacy tar: member '") + name + "' does not start with a count", at);
    return n.u.i;
  }
  const uint32_t* record(size_t items, uint64_t at) {
    uint32_t r = pickle();
    DocumentImpl& d = impl_of(doc);
    if (d.node(r).kind != Kind::kTuple || r == kEmptyTupleNode || d.item_count(r) != items)
      throw_error(ErrorCode::kBadArgument, std::string("torch legacy tar: a record of member '") + name + "' is not a " +
                                               std::to_string(items) + "-tuple", at);
    return d.items(r);
  }
};

uint32_t int_tuple(DocumentImpl& d, const std::vector<int64_t>& v, uint64_t offset) {
  if (v.empty()) return kEmptyTupleNode;
  uint32_t t = d.add_container(Kind::kTuple, offset);
  std::vector<uint32_t> ids;
  for (int64_t x : v) ids.push_back(d.add_int(x, offset));
  d.append_items(t, ids.data(), ids.size());
  return t;
}

}  // namespace

std::map<std::string, ByteView> legacy_tar_members(ByteView file, DocumentImpl& d, const Limits& limits) {
  std::unique_ptr<archive, int (*)(archive*)> a(archive_read_new(), archive_read_free);
  if (!a) throw_error(ErrorCode::kLimitExceeded, "libarchive: out of memory");
  archive_read_support_format_tar(a.get());
  if (archive_read_open_memory(a.get(), file.data(), file.size()) != ARCHIVE_OK)
    throw_error(ErrorCode::kBadArgument, std::string("torch legacy tar: ") + archive_error_string(a.get()));
  std::map<std::string, ByteView> members;
  archive_entry* e = nullptr;
  for (;;) {
    int rc = archive_read_next_header(a.get(), &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
      throw_error(ErrorCode::kBadArgument, std::string("torch legacy tar: ") + archive_error_string(a.get()));
    std::string name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
    if (name != "storages" && name != "tensors" && name != "pickle") continue;  // nothing is extracted
    if (members.count(name)) throw_error(ErrorCode::kBadArgument, "torch legacy tar: member '" + name + "' twice");
    int64_t size = archive_entry_size(e);
    if (size < 0 || static_cast<uint64_t>(size) > file.size() ||
        static_cast<uint64_t>(size) > limits.max_memory_bytes)
      throw_error(ErrorCode::kLimitExceeded, "torch legacy tar: member '" + name + "' claims " + std::to_string(size) +
                                                 " bytes, more than the file or Limits::max_memory_bytes");
    uint8_t* block = d.alloc_bytes(static_cast<size_t>(size));
    d.check_memory(0);
    for (int64_t got = 0; got < size;) {  // archive_read_data may return less than asked
      la_ssize_t n = archive_read_data(a.get(), block + got, static_cast<size_t>(size - got));
      if (n <= 0) throw_error(ErrorCode::kTruncated, "torch legacy tar: member '" + name + "' is cut short");
      got += n;
    }
    members[name] = ByteView(block, static_cast<size_t>(size));
  }
  for (const char* need : {"storages", "tensors", "pickle"})
    if (!members.count(need)) throw_error(ErrorCode::kBadArgument, std::string("torch legacy tar: no '") + need + "' member");
  return members;
}

TorchFile load_legacy_tar(ByteView file, Document& doc, const picklejar::LoadOptions& options) {
  DocumentImpl& d = impl_of(doc);
  std::map<std::string, ByteView> members = legacy_tar_members(file, d, options.limits);
  uint64_t limit = options.limits.max_input_bytes;
  TorchHooks hooks(nullptr);
  TarHooks tar;

  ByteView sb = members["storages"];
  Member st{"storages", ByteReader(sb.data(), sb.size(), limit), doc, options};
  for (int64_t i = 0, n = st.count(0); i < n; ++i) {
    uint64_t at = st.in.pos();
    const uint32_t* r = st.record(3, at);
    uint32_t key = r[0], location = r[1], type = r[2];
    auto k = key_text(d, key);
    auto loc = key_text(d, location);
    if (!k || !loc || d.node(location).kind == Kind::kInt)
      throw_error(ErrorCode::kBadArgument, "torch legacy tar: a storage record is not (key, location, type)", at);
    const TorchDTypeInfo& t = TorchHooks::storage_type(d, type, at);
    at = st.in.pos();
    int64_t numel = st.i64(at);
    uint32_t node = d.add_node(Kind::kPersistentId, at);
    d.node(node).aux = key;
    uint32_t index = hooks.add_storage(d, node, t, *k, *loc, numel, at);
    uint64_t nbytes = static_cast<uint64_t>(numel) * t.itemsize;  // bounded by add_storage
    size_t left = 0;
    at = st.in.pos();
    const uint8_t* p = st.in.take(static_cast<size_t>(nbytes), &left);
    if (!p)
      throw_error(ErrorCode::kTruncated, "torch legacy tar: storage '" + *k + "' needs " + std::to_string(nbytes) +
                                             " bytes, member 'storages' has " + std::to_string(left) + " left", at);
    bind_torch_storage(d, index, p, nbytes, false, at, "member 'storages'");
    tar.objects[*k] = node;
  }
  uint64_t at = st.in.pos();
  uint32_t views = st.pickle();
  if (d.node(views).kind != Kind::kList || d.item_count(views) != 0)
    throw_error(ErrorCode::kUnsupported, "torch legacy tar: storage views (a non-empty view list) are not supported", at);

  ByteView tb = members["tensors"];
  Member te{"tensors", ByteReader(tb.data(), tb.size(), limit), doc, options};
  uint32_t rebuild = d.add_global("torch._utils", "_rebuild_tensor", 0);
  for (int64_t i = 0, n = te.count(0); i < n; ++i) {
    at = te.in.pos();
    const uint32_t* r = te.record(3, at);
    auto k = key_text(d, r[0]);
    auto storage_key = key_text(d, r[1]);
    if (!k) throw_error(ErrorCode::kBadArgument, "torch legacy tar: a tensor key is neither an int nor a str", at);
    if (!storage_key || !hooks.storages().count(*storage_key))
      throw_error(ErrorCode::kBadArgument, "torch legacy tar: tensor '" + *k + "' names no storage of member 'storages'", at);
    uint32_t storage = d.torch_storage(hooks.storages().at(*storage_key)).node;
    at = te.in.pos();
    auto ndim = static_cast<int32_t>(te.le(4, at));
    te.le(4, at);  // legacy_load skips these: ndim was once written as 8 bytes
    if (ndim < 0 || ndim > kMaxDims)
      throw_error(ErrorCode::kBadArgument, "torch legacy tar: tensor '" + *k + "' has " + std::to_string(ndim) +
                                               " dimensions", at);
    std::vector<int64_t> size(static_cast<size_t>(ndim)), stride(static_cast<size_t>(ndim));
    for (int64_t& x : size) x = te.i64(at);
    for (int64_t& x : stride) x = te.i64(at);
    int64_t offset = te.i64(at);
    uint32_t args = d.add_container(Kind::kTuple, at);
    uint32_t parts[] = {storage, d.add_int(offset, at), int_tuple(d, size, at), int_tuple(d, stride, at)};
    d.append_items(args, parts, 4);
    uint32_t obj = d.add_object(MadeBy::kReduce, rebuild, args, at);
    hooks.after_reduce(d, obj);  // checks the view against its storage, as for every torch tensor
    tar.objects[*k] = obj;
  }

  ByteView pb = members["pickle"];
  ByteReader in(pb.data(), pb.size(), limit);
  VmHooks* both[] = {&numpy_vm_hooks(), &tar};
  run_unpickler(in, doc, options, both);
  TorchFile out;
  out.format = torch::Format::kLegacyTar;
  out.protocol = d.protocol;
  return out;
}

}  // namespace picklejar::internal
