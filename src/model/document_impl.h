// The document arena: nodes, item lists, payload blocks, objects. Internal.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "base/int_text.h"  // twos_complement_to_decimal, for the model's users
#include "base/utf8.h"      // find_bad_utf8, for the model's users
#include "picklejar/error.h"
#include "picklejar/limits.h"
#include "model/pod_vector.h"
#include "picklejar/value.h"

namespace picklejar::internal {

constexpr uint32_t kNoNode = ~uint32_t{0};

// Fixed node ids every document has: identity of these is irrelevant in Python (None, bools and
// the empty tuple are singletons there too), so sharing them saves a node per opcode.
constexpr uint32_t kNoneNode = 0;
constexpr uint32_t kFalseNode = 1;
constexpr uint32_t kTrueNode = 2;
constexpr uint32_t kEmptyTupleNode = 3;
constexpr uint32_t kFirstFreeNode = 4;

enum NodeFlags : uint8_t {
  kFlagBigInt = 1,    // kInt: payload holds minimal little-endian two's complement bytes
  kFlagReadonly = 2,  // kBuffer: read-only
  // kBytes of length 1 that CPython holds as a new object, not its shared one-byte singleton: read
  // by BINBYTES/SHORT_BINBYTES/BINBYTES8 (its unpickler allocates these itself) or made by
  // bytes(bytearray) (a copy). _codecs.encode, bytes(str, 'latin1') and Python 2 strs read with
  // encoding='bytes' give the singleton.
  kFlagFreshByte = 4,
  // kStr of one character made fresh, not CPython's shared latin-1 singleton: str(n) for a digit n
  // (CPython 3.11 formats ints into new strs), as torch.save's storage keys "0".."9" are.
  kFlagFreshStr = 4,
  // kStr that CPython's re-pickle takes as an interned name, not as the str the stream made (a
  // method's or slot's name; an attribute name BUILD set, of one character CPython interns apart
  // from its latin-1 singleton; pickle/globals.h interned_str). Shared with the other interned
  // ones of its text, not with ordinary strs.
  kFlagInternedStr = 8,
  // kGlobal loaded from a getattr(parent, name) REDUCE: a node of its own (not interned by name; a
  // bound method is a new object per getattr), with its parent and name str in
  // DocumentImpl::getattr_args, so a re-dump writes the same reduce (see FORMATS.md "Globals").
  kFlagGetattr = 8,
  // With kFlagGetattr: the object reduces through getattr at every protocol (a method: CPython
  // wrote it so at protocol 4+, or its parent is a builtins type), not a nested class or function
  // that protocols 4+ name by a dotted qualname.
  kFlagGetattrMethod = 16,
  // kObject loaded from copyreg._reconstructor(cls, object|list|dict, state) in a stream of
  // protocol 2+: the class's own __reduce__ returns object.__reduce__()'s result, so CPython
  // re-pickles it through _reconstructor at every protocol (a plain class would be NEWOBJ at 2+).
  kFlagReconstructor = 32,
  // kObject loaded from copyreg._reconstructor(cls, B, B(obj)) for B one of int, float, str, bytes,
  // tuple (a subclass of a builtin type, at protocols 0-1): read as NEWOBJ(cls, (B(obj),)), as
  // B.__getnewargs__ makes it at 2+; B is the kind of that argument, for a re-dump below 2.
  kFlagBuiltinBase = 64,
};

struct Payload {
  const uint8_t* ptr;
  uint64_t len;
};

struct ItemRange {
  uint32_t begin;  // index into DocumentImpl::items_
  uint32_t len;    // number of items (dict: number of pairs; the pool holds 2*len ids)
  uint32_t cap;    // capacity reserved at begin (in pool entries)
  uint32_t index;  // hash index id (dict/set) or kNoNode
};

struct Node {
  Kind kind;
  uint8_t flags;
  uint16_t tag;   // reserved for re-dump details (e.g. which encoding made a value)
  uint32_t aux;   // kGlobal: module length; kObject: objects_ index; kPersistentId: pid node
  uint64_t offset;
  union {
    int64_t i;
    double f;
    Payload bytes;  // kStr, kBytes, kByteArray, kBuffer, big kInt, kGlobal (module+name)
    ItemRange items;
  } u;
};
static_assert(sizeof(Node) == 32, "nodes are kept small: a document is mostly nodes");

// What an inert object is known to be (Node::tag of a kObject node): numpy objects stay objects
// (so they print and re-dump exactly as loaded) with a typed reading on the side.
enum ObjectTag : uint16_t {
  kTagNone = 0,
  kTagArray = 1,   // numpy.ndarray: ObjectData::typed indexes arrays()
  kTagDType = 2,   // numpy.dtype: ObjectData::typed indexes dtypes()
  kTagScalar = 3,  // numpy scalar: ObjectData::typed indexes scalars()
  kTagTensor = 4,  // torch.Tensor / nn.Parameter: ObjectData::typed indexes tensors()
};

struct FieldData {
  std::string name;
  uint32_t dtype;           // a kTagDType node
  int64_t offset;
  uint32_t title = ~0u;     // node or kNoNode
};

// numpy.dtype, read from dtype(typestr, align, copy) and its BUILD state (FORMATS.md §2.3).
struct DTypeData {
  char kind = 'V';          // b i u f c S U V O M m
  char byteorder = '|';     // '<', '>' or '|' ('=' is resolved to the host's order)
  uint64_t itemsize = 0;
  int64_t alignment = -1;   // as pickled (-1 unless S/U/V)
  int64_t flags = 0;
  bool has_object = false;  // an object anywhere inside (NPY_ITEM_HASOBJECT)
  uint32_t sub_base = ~0u;  // subarray: base dtype node, shape
  std::vector<int64_t> sub_shape;
  std::vector<FieldData> fields;
  std::string unit;         // datetime64/timedelta64 unit ("ns", "D", "generic")
  int64_t unit_count = 1;
  uint32_t type_object = ~0u;  // dtype(numpy.record, ...): the type given instead of a typestr
  // numpy's own dtype object for a builtin type (np.dtype('<f8') is np.dtype('<f8'): native-order
  // numbers, bool, object), as Builder::dtype makes them and as numpy scalars re-pickle theirs:
  // all such dtypes of one type are one object (one memo entry) in a dump. Loaded dtypes never are
  // (numpy copies a dtype on load).
  bool singleton = false;
  bool has_metadata = false;  // a metadata dict (state item 8) on a non-datetime dtype
};

// numpy.ndarray, from _reconstruct + BUILD or _frombuffer (FORMATS.md §2.1, §2.2).
struct ArrayData {
  uint32_t dtype = ~0u;      // a kTagDType node
  uint32_t cls = ~0u;        // numpy.ndarray or a subclass (a global), kNoNode if unknown
  std::vector<int64_t> shape;
  std::vector<int64_t> strides;  // bytes; C or Fortran order for everything numpy 1.x writes
  const uint8_t* data = nullptr;  // element bytes (kNoNode-free, aligned for the dtype)
  uint64_t nbytes = 0;
  uint32_t items = ~0u;      // object dtype: the list of elements (C order)
  uint32_t buffer = ~0u;     // _frombuffer: the buffer-like node the data came from
  bool fortran = false;      // stored in Fortran order (is_fortran, or order 'F')
  bool writable = true;
  bool frombuffer = false;   // loaded from the protocol 5 form
  bool numpy2_paths = false; // loaded from numpy._core.* (numpy 2.x)
  bool swapped = false;      // numpy byte-swapped it to native order on load (a new dtype too)
};

struct ScalarData {
  uint32_t dtype = ~0u;
  const uint8_t* data = nullptr;
  uint64_t nbytes = 0;
};

// A torch storage (one per storage key of a checkpoint; tensors sharing a key share it), read from
// its persistent id ('storage', torch.<X>Storage, key, location, numel[, view_metadata]).
struct TorchStorageData {
  uint32_t node = ~0u;    // the storage's value (the persistent id node every use of the key shares)
  uint8_t dtype = 0;      // picklejar::torch::DType
  uint64_t itemsize = 0;
  std::string key;
  std::string location;   // "cpu", "cuda:0", ...
  uint64_t numel = 0;     // elements
  const uint8_t* data = nullptr;  // numel * itemsize bytes, native order, aligned; null until bound
  bool bound = false;
};

// A tensor: _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, hooks) or
// _rebuild_parameter(tensor, requires_grad, hooks). Checked on load to lie inside its storage.
struct TensorData {
  uint32_t storage = ~0u;        // index into DocumentImpl::torch_storages()
  int64_t storage_offset = 0;    // elements
  std::vector<int64_t> shape;
  std::vector<int64_t> strides;  // elements
  bool requires_grad = false;
  bool parameter = false;        // an nn.Parameter (its data tensor is base)
  uint32_t base = ~0u;           // the Parameter's data tensor node, else kNoNode
};

struct ObjectData {
  MadeBy how;
  uint32_t callable = kNoNode;
  uint32_t args = kNoNode;
  uint32_t kwargs = kNoNode;
  uint32_t state = kNoNode;
  // A reduce's state_setter: CPython applied `state` by calling state_setter(obj, state) (the call
  // written after obj, its result popped), not by BUILD.
  uint32_t state_setter = kNoNode;
  // The arguments of the outer call of an object reached again through its own arguments: CPython's
  // save_reduce calls __reduce_ex__ twice, the inner call's result is memoized and the outer one is
  // written with its own arguments (often fresh items, e.g. list(self)), then POP + GET. `args` are
  // the inner call's, which made the object.
  uint32_t reentry_args = kNoNode;
  uint32_t list_items = kNoNode;
  uint32_t dict_items = kNoNode;
  uint32_t typed = kNoNode;  // index into arrays_/dtypes_/scalars_ by the node's tag
};

// Open-addressing hash index over a dict's or set's items: slots hold item positions + 1 (0 = empty).
// Both live in the document's pools (index_slots_, index_hashes_), not in vectors of their own: a
// list of 200,000 16-key dicts made 600,000 mallocs and as many fresh heap pages.
struct HashIndex {
  size_t slots = 0;        // first slot in index_slots_
  size_t slot_count = 0;   // a power of two
  size_t hashes = 0;       // first hash in index_hashes_: one per item position
  size_t hash_cap = 0;     // hashes that range holds
};

class DocumentImpl {
 public:
  DocumentImpl();

  const Limits& limits() const { return limits_; }
  void set_limits(const Limits& l) { limits_ = l; }

  // ---- nodes
  size_t node_count() const { return nodes_.size(); }
  const Node& node(uint32_t id) const { return nodes_[id]; }
  Node& node(uint32_t id) { return nodes_[id]; }
  // Inline: loading is mostly these three. The slow path (growth, limits) is grow_nodes().
  [[gnu::always_inline]] uint32_t add_node(Kind kind, uint64_t offset) {
    if (nodes_.size() == nodes_.capacity()) grow_nodes(offset);
    Node& n = nodes_.push_back_zeroed();
    n.kind = kind;
    n.offset = offset;
    return static_cast<uint32_t>(nodes_.size() - 1);
  }
  // CPython's small ints (-5 to 256) are one object each, as in CPython: one node per document,
  // made where the value first appears (its offset is that one's).
  [[gnu::always_inline]] uint32_t add_int(int64_t v, uint64_t offset) {
    const bool small = v >= kSmallIntMin && v <= kSmallIntMax;
    if (small && small_ints_[v - kSmallIntMin] != 0) return small_ints_[v - kSmallIntMin];
    uint32_t id = add_node(Kind::kInt, offset);
    nodes_[id].u.i = v;
    if (small) small_ints_[v - kSmallIntMin] = id;
    return id;
  }
  // From little-endian two's complement bytes of any length (normalised; int64 when it fits).
  uint32_t add_int_bytes(const uint8_t* p, size_t n, uint64_t offset);
  [[gnu::always_inline]] uint32_t add_float(double v, uint64_t offset) {
    uint32_t id = add_node(Kind::kFloat, offset);
    nodes_[id].u.f = v;
    return id;
  }
  // Payload kinds: `p` must stay valid for the document's life (see payload_stable / copy_bytes).
  [[gnu::always_inline]] uint32_t add_payload(Kind kind, const uint8_t* p, uint64_t n, uint64_t offset) {
    uint32_t id = add_node(kind, offset);
    nodes_[id].u.bytes = Payload{p, n};
    return id;
  }
  // One node per (module, name), unless `interned` is false (a new node: kFlagGetattr globals).
  uint32_t add_global(std::string_view module, std::string_view name, uint64_t offset, bool interned = true);
  uint32_t add_container(Kind kind, uint64_t offset);
  uint32_t add_object(MadeBy how, uint32_t callable, uint32_t args, uint64_t offset);
  ObjectData& object(uint32_t node_id) { return objects_[nodes_[node_id].aux]; }
  const ObjectData& object(uint32_t node_id) const { return objects_[nodes_[node_id].aux]; }

  // ---- numpy readings of objects (see ObjectTag)
  uint16_t tag(uint32_t id) const {
    return nodes_[id].kind == Kind::kObject ? nodes_[id].tag : static_cast<uint16_t>(kTagNone);
  }
  const DTypeData& dtype(uint32_t id) const { return dtypes_[objects_[nodes_[id].aux].typed]; }
  const ArrayData& array(uint32_t id) const { return arrays_[objects_[nodes_[id].aux].typed]; }
  const ScalarData& scalar(uint32_t id) const { return scalars_[objects_[nodes_[id].aux].typed]; }
  void set_dtype(uint32_t id, DTypeData d);
  void set_array(uint32_t id, ArrayData a);
  void set_scalar(uint32_t id, ScalarData s);

  // ---- torch readings of objects (kTagTensor) and the storages they view
  const TensorData& tensor(uint32_t id) const { return tensors_[objects_[nodes_[id].aux].typed]; }
  void set_tensor(uint32_t id, TensorData t);
  uint32_t add_torch_storage(TorchStorageData s);
  const TorchStorageData& torch_storage(uint32_t i) const { return torch_storages_[i]; }
  TorchStorageData& torch_storage(uint32_t i) { return torch_storages_[i]; }
  size_t torch_storage_count() const { return torch_storages_.size(); }

  // ---- items (tuple, list, set, frozenset: ids; dict: key,value pairs)
  const uint32_t* items(uint32_t id) const { return items_.data() + nodes_[id].u.items.begin; }
  uint32_t item_count(uint32_t id) const { return nodes_[id].u.items.len; }
  // Appends to a tuple/list (no dedup).
  void append_items(uint32_t id, const uint32_t* ids, size_t n);
  // list[pos] = item for pos < item_count(id) (SETITEM on a list).
  void set_list_item(uint32_t id, uint32_t pos, uint32_t item) { items_[nodes_[id].u.items.begin + pos] = item; }
  // Dict entry pos's key replaced by an equal one (same hash: the index stays valid).
  void replace_dict_key(uint32_t id, uint32_t pos, uint32_t key) { items_[nodes_[id].u.items.begin + size_t{pos} * 2] = key; }
  // Adds to a set/frozenset with Python equality (duplicates dropped).
  void add_to_set(uint32_t id, uint32_t item);
  // dict[key] = value with Python equality: an equal existing key keeps its place and object.
  void set_dict_item(uint32_t id, uint32_t key, uint32_t value);
  // Lookup with Python equality; returns the item position or -1.
  int64_t find_key(uint32_t container, uint32_t key_doc_id, const DocumentImpl& key_doc) const;
  // The same with the key's hash already known (inserts hash once); without an index (small
  // containers) the hash is not used.
  int64_t find_key_hashed(uint32_t container, uint32_t key_doc_id, const DocumentImpl& key_doc, uint64_t h) const;

  // ---- payloads
  uint8_t* alloc_bytes(size_t n);  // 16-byte aligned, owned by the document
  const uint8_t* copy_bytes(const uint8_t* p, size_t n);
  // Keeps an input block alive for the document's life (zero-copy loads).
  void adopt(std::shared_ptr<const void> keepalive) { keepalive_.push_back(std::move(keepalive)); }

  // ---- accounting
  size_t memory_bytes() const;
  // Throws kLimitExceeded when the document's own memory passes limits().max_memory_bytes.
  void check_memory(uint64_t offset) const;
  // What a load holds for the document outside its blocks (the VM's memo and stacks) while it
  // runs: counted with them in memory_bytes(), so max_memory_bytes bounds both. The loader charges
  // each growth of its tables by `add` bytes before allocating it (throws kLimitExceeded naming
  // `what` when that would pass the limit) and releases its total when it ends.
  void charge_working(size_t add, uint64_t offset, const char* what);
  void release_working(size_t bytes) noexcept { working_bytes_ -= bytes; }

  // ---- Python semantics over nodes (may compare across documents)
  uint64_t hash_of(uint32_t id, int depth = 0) const;  // throws kUnhashable
  // hash_of for inserting into this document's dicts and sets: str keys hash through a small cache
  // by node id (records share their key strs: one hash each, not one per record). Mutating, like
  // every insert; readers use hash_of, which keeps const reads free of writes.
  uint64_t hash_for_insert(uint32_t id);
  bool key_equal(uint32_t a, const DocumentImpl& bdoc, uint32_t b, int depth = 0) const;
  // Value::equals: Python == over whole values, iterative (no recursion over lists, tuples and dict
  // values, so a 1,000,000-deep list compares), each (a, b) pair compared once (shared values and
  // DAGs cost their size, not their expansion; a cycle compares equal to a cycle of the same
  // shape, where Python would raise RecursionError). Throws kLimitExceeded past max_depth.
  bool deep_equal(uint32_t a, const DocumentImpl& bdoc, uint32_t b, uint64_t max_depth) const;

  uint32_t root = kNoNode;
  int protocol = 0;
  // Set when a load*() function returns the document: from then on it is immutable (Document's
  // builder() and set_root(), and every Builder of it, refuse to change it).
  bool frozen = false;
  // For globals loaded by STACK_GLOBAL: the module and qualname str nodes it took, so a re-dump
  // shares those strs exactly as the stream did (Python's own interning decided that sharing).
  std::unordered_map<uint32_t, std::pair<uint32_t, uint32_t>> global_strs;
  // For kFlagGetattr globals: the parent global and the name str node the getattr REDUCE took (the
  // name str's sharing is the stream's: interned for method descriptors, new for bound methods).
  std::unordered_map<uint32_t, std::pair<uint32_t, uint32_t>> getattr_args;

 private:
  void reserve_items(uint32_t id, size_t extra_entries);
  void rebuild_index(uint32_t id);
  uint64_t* index_hash_slot(HashIndex& ix, size_t pos);  // room for hash `pos` (grows the range)
  [[gnu::noinline]] void grow_nodes(uint64_t offset);  // doubles the node table, within the limits
  void check_key_depth(int depth, uint64_t offset) const;
  void index_insert(const HashIndex& ix, uint32_t pos, uint64_t h);
  void index_add(uint32_t id, uint64_t h);  // the container's last item, hash h, into its index
  uint32_t pair_stride(uint32_t id) const { return nodes_[id].kind == Kind::kDict ? 2 : 1; }

  static constexpr int64_t kSmallIntMin = -5, kSmallIntMax = 256;  // CPython's _PY_NSMALL{NEG,POS}INTS

  Limits limits_;
  PodVector<Node> nodes_;
  uint32_t small_ints_[kSmallIntMax - kSmallIntMin + 1] = {};  // node of each small int; 0: none yet
  PodVector<uint32_t> items_;
  std::vector<ObjectData> objects_;
  std::vector<DTypeData> dtypes_;
  std::vector<ArrayData> arrays_;
  std::vector<ScalarData> scalars_;
  std::vector<TensorData> tensors_;
  std::vector<TorchStorageData> torch_storages_;
  std::vector<HashIndex> indexes_;
  PodVector<uint32_t> index_slots_;  // every index's slots, range after range
  PodVector<uint64_t> index_hashes_;
  struct CachedHash {
    uint32_t id_plus_1;  // 0: empty
    uint64_t hash;
  };
  static constexpr size_t kHashCacheSize = 256;
  std::unique_ptr<CachedHash[]> hash_cache_;  // made on the first str key
  struct FreeBlock {
    void operator()(uint8_t* p) const noexcept { std::free(p); }
  };
  using Block = std::unique_ptr<uint8_t[], FreeBlock>;  // malloc'd (big ones posix_memalign'd)
  static Block big_block(size_t n);
  std::vector<Block> blocks_;
  uint8_t* block_cur_ = nullptr;
  size_t block_left_ = 0;
  size_t block_bytes_ = 0;
  size_t next_block_ = 4096;  // alloc_bytes(): the next shared block's size
  size_t working_bytes_ = 0;  // charge_working()
  std::vector<std::shared_ptr<const void>> keepalive_;
  std::unordered_map<std::string, uint32_t> globals_;  // "module\0name" -> node (interning)
};


// Minimal little-endian two's-complement bytes of an int node (empty for 0).
std::vector<uint8_t> int_to_bytes(const DocumentImpl& d, uint32_t id);

}  // namespace picklejar::internal
