#include "model/document_impl.h"

#include "base/int_text.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace picklejar::internal {

namespace {

constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
// Recursion bound for hashing and comparing keys (tuples of tuples...). CPython's own recursion
// limit is 1000; no real pickle nests keys deeper.
constexpr int kMaxKeyDepth = 2000;

inline uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

uint64_t hash_bytes(const uint8_t* p, size_t n, uint64_t seed) {
  uint64_t h = seed ^ (n * kMul);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = mix64(h ^ w) + kMul;
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  if (n) std::memcpy(&tail, p, n);  // p may be null for an empty payload (memcpy(_, nullptr, 0) is UB)
  return mix64(h ^ tail ^ (uint64_t{n} << 56));
}

constexpr uint64_t kSeedStr = 0x5354520000000001ull;
constexpr uint64_t kSeedBytes = 0x4259544500000002ull;
constexpr uint64_t kSeedBig = 0x4249470000000003ull;
constexpr uint64_t kSeedFloat = 0x464c540000000004ull;
constexpr uint64_t kSeedTuple = 0x5455500000000005ull;
constexpr uint64_t kSeedFrozen = 0x46525a0000000006ull;
constexpr uint64_t kSeedGlobal = 0x474c420000000007ull;

// Normalises two's complement LE bytes to their minimal length.
size_t minimal_len(const uint8_t* p, size_t n) {
  while (n > 0) {
    uint8_t top = p[n - 1];
    if (top == 0x00 && (n == 1 || !(p[n - 2] & 0x80))) {
      --n;
    } else if (top == 0xff && n >= 2 && (p[n - 2] & 0x80)) {
      --n;
    } else {
      break;
    }
  }
  return n;
}

bool fits_i64(size_t n) { return n <= 8; }

int64_t bytes_to_i64(const uint8_t* p, size_t n) {
  if (n == 0) return 0;
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint64_t{p[i]} << (8 * i);
  if (n < 8 && (p[n - 1] & 0x80)) v |= ~uint64_t{0} << (8 * n);
  return static_cast<int64_t>(v);
}

// Exact two's-complement bytes of an integral double (any magnitude).
std::vector<uint8_t> integral_double_bytes(double f) {
  bool neg = f < 0;
  double a = std::fabs(f);
  int exp = 0;
  double m = std::frexp(a, &exp);  // a = m * 2^exp, m in [0.5, 1)
  uint64_t mant = static_cast<uint64_t>(std::ldexp(m, 53));
  int shift = exp - 53;  // a = mant * 2^shift
  std::vector<uint8_t> mag(static_cast<size_t>((std::max(shift, 0) + 64) / 8 + 2), 0);
  if (shift >= 0) {
    for (int i = 0; i < 64; ++i)
      if (mant >> i & 1) mag[static_cast<size_t>((i + shift) / 8)] |= uint8_t(1u << ((i + shift) % 8));
  } else {
    uint64_t v = mant >> (-shift);
    for (int i = 0; i < 8; ++i) mag[static_cast<size_t>(i)] = uint8_t(v >> (8 * i));
  }
  if (neg) negate_twos_complement(mag.data(), mag.size());
  mag.resize(minimal_len(mag.data(), mag.size()));
  return mag;
}

bool is_numeric(Kind k) { return k == Kind::kBool || k == Kind::kInt || k == Kind::kFloat; }

}  // namespace

std::vector<uint8_t> int_to_bytes(const DocumentImpl& d, uint32_t id) {
  const Node& n = d.node(id);
  if (n.kind == Kind::kBool) {
    return id == kTrueNode ? std::vector<uint8_t>{1} : std::vector<uint8_t>{};
  }
  if (n.flags & kFlagBigInt) return std::vector<uint8_t>(n.u.bytes.ptr, n.u.bytes.ptr + n.u.bytes.len);
  uint8_t buf[8];
  uint64_t v = static_cast<uint64_t>(n.u.i);
  for (int i = 0; i < 8; ++i) buf[i] = uint8_t(v >> (8 * i));
  return std::vector<uint8_t>(buf, buf + minimal_len(buf, 8));
}

DocumentImpl::DocumentImpl() {
  nodes_.reserve(64);
  add_node(Kind::kNone, Error::kNoOffset);
  add_node(Kind::kBool, Error::kNoOffset);
  nodes_[kFalseNode].u.i = 0;
  add_node(Kind::kBool, Error::kNoOffset);
  nodes_[kTrueNode].u.i = 1;
  add_container(Kind::kTuple, Error::kNoOffset);
}

void DocumentImpl::grow_nodes(uint64_t offset) {
  if (nodes_.size() >= kNoNode - 1) throw_error(ErrorCode::kLimitExceeded, "more than 2^32 values", offset);
  const size_t next_cap = nodes_.capacity() ? nodes_.capacity() * 2 : 64;
  if (memory_bytes() + next_cap * sizeof(Node) > limits_.max_memory_bytes)
    throw_error(ErrorCode::kLimitExceeded,
                "document memory would pass Limits::max_memory_bytes (" + std::to_string(limits_.max_memory_bytes) + ")",
                offset);
  nodes_.reserve(next_cap);
}

uint32_t DocumentImpl::add_int_bytes(const uint8_t* p, size_t n, uint64_t offset) {
  n = minimal_len(p, n);
  if (fits_i64(n)) return add_int(bytes_to_i64(p, n), offset);
  const uint8_t* copy = copy_bytes(p, n);
  uint32_t id = add_node(Kind::kInt, offset);
  nodes_[id].flags = kFlagBigInt;
  nodes_[id].u.bytes = Payload{copy, n};
  return id;
}

uint32_t DocumentImpl::add_global(std::string_view module, std::string_view name, uint64_t offset, bool interned) {
  std::string key;
  if (interned) {
    key.reserve(module.size() + name.size() + 1);
    key.append(module).push_back('\0');
    key.append(name);
    auto it = globals_.find(key);
    if (it != globals_.end()) return it->second;
  }
  uint8_t* mem = alloc_bytes(module.size() + name.size());
  if (!module.empty()) std::memcpy(mem, module.data(), module.size());
  if (!name.empty()) std::memcpy(mem + module.size(), name.data(), name.size());
  uint32_t id = add_node(Kind::kGlobal, offset);
  nodes_[id].aux = static_cast<uint32_t>(module.size());
  nodes_[id].u.bytes = Payload{mem, module.size() + name.size()};
  if (interned) globals_.emplace(std::move(key), id);
  return id;
}

uint32_t DocumentImpl::add_container(Kind kind, uint64_t offset) {
  uint32_t id = add_node(kind, offset);
  nodes_[id].u.items = ItemRange{static_cast<uint32_t>(items_.size()), 0, 0, kNoNode};
  return id;
}

void DocumentImpl::set_dtype(uint32_t id, DTypeData d) {
  ObjectData& o = objects_[nodes_[id].aux];
  if (nodes_[id].tag == kTagDType) {
    dtypes_[o.typed] = std::move(d);
    return;
  }
  o.typed = static_cast<uint32_t>(dtypes_.size());
  dtypes_.push_back(std::move(d));
  nodes_[id].tag = kTagDType;
}

void DocumentImpl::set_array(uint32_t id, ArrayData a) {
  ObjectData& o = objects_[nodes_[id].aux];
  if (nodes_[id].tag == kTagArray) {
    arrays_[o.typed] = std::move(a);
    return;
  }
  o.typed = static_cast<uint32_t>(arrays_.size());
  arrays_.push_back(std::move(a));
  nodes_[id].tag = kTagArray;
}

void DocumentImpl::set_scalar(uint32_t id, ScalarData s) {
  ObjectData& o = objects_[nodes_[id].aux];
  o.typed = static_cast<uint32_t>(scalars_.size());
  scalars_.push_back(s);
  nodes_[id].tag = kTagScalar;
}

void DocumentImpl::set_tensor(uint32_t id, TensorData t) {
  ObjectData& o = objects_[nodes_[id].aux];
  if (nodes_[id].tag == kTagTensor) {
    tensors_[o.typed] = std::move(t);
    return;
  }
  o.typed = static_cast<uint32_t>(tensors_.size());
  tensors_.push_back(std::move(t));
  nodes_[id].tag = kTagTensor;
}

uint32_t DocumentImpl::add_torch_storage(TorchStorageData s) {
  torch_storages_.push_back(std::move(s));
  return static_cast<uint32_t>(torch_storages_.size() - 1);
}

uint32_t DocumentImpl::add_object(MadeBy how, uint32_t callable, uint32_t args, uint64_t offset) {
  uint32_t id = add_node(Kind::kObject, offset);
  ObjectData o;
  o.how = how;
  o.callable = callable;
  o.args = args;
  nodes_[id].aux = static_cast<uint32_t>(objects_.size());
  objects_.push_back(o);
  return id;
}

void DocumentImpl::reserve_items(uint32_t id, size_t extra) {
  ItemRange& r = nodes_[id].u.items;
  size_t used = size_t{r.len} * pair_stride(id);
  size_t need = used + extra;
  // Checked on every call, not only when the block grows: the limit is exact.
  if (need > limits_.max_container_items * pair_stride(id))
    throw_error(ErrorCode::kLimitExceeded, "container passes Limits::max_container_items (" +
                                               std::to_string(limits_.max_container_items) + ")",
                nodes_[id].offset);
  if (need <= r.cap) return;
  size_t new_cap = std::max<size_t>({need, size_t{r.cap} * 2, 4});
  bool at_end = size_t{r.begin} + r.cap == items_.size();
  size_t grow = at_end ? new_cap - r.cap : new_cap;
  if (items_.size() + grow >= kNoNode)
    throw_error(ErrorCode::kLimitExceeded, "more than 2^32 container items in one document", nodes_[id].offset);
  if (items_.size() + grow > items_.capacity()) {
    size_t next = std::max(items_.capacity() * 2, items_.size() + grow);
    if (memory_bytes() + (next - items_.capacity()) * sizeof(uint32_t) > limits_.max_memory_bytes)
      throw_error(ErrorCode::kLimitExceeded, "document memory would pass Limits::max_memory_bytes",
                  nodes_[id].offset);
    items_.reserve(next);
  }
  if (at_end) {
    items_.resize_for_overwrite(items_.size() + grow);  // a container's items are written before read
  } else {
    size_t nb = items_.size();
    items_.resize_for_overwrite(nb + new_cap);
    std::copy_n(items_.begin() + r.begin, used, items_.begin() + static_cast<ptrdiff_t>(nb));
    r.begin = static_cast<uint32_t>(nb);
  }
  r.cap = static_cast<uint32_t>(new_cap);
}

void DocumentImpl::append_items(uint32_t id, const uint32_t* ids, size_t n) {
  if (n == 0) return;
  reserve_items(id, n);
  ItemRange& r = nodes_[id].u.items;
  std::copy_n(ids, n, items_.begin() + r.begin + r.len);
  r.len += static_cast<uint32_t>(n);
}

constexpr uint32_t kIndexThreshold = 8;  // a container of more items gets a hash index

void DocumentImpl::index_insert(const HashIndex& ix, uint32_t pos, uint64_t h) {
  uint32_t* slots = index_slots_.data() + ix.slots;
  size_t mask = ix.slot_count - 1;
  size_t s = h & mask;
  while (slots[s] != 0) s = (s + 1) & mask;
  slots[s] = pos + 1;
}

uint64_t* DocumentImpl::index_hash_slot(HashIndex& ix, size_t pos) {
  if (pos >= ix.hash_cap) {
    size_t cap = std::max<size_t>({pos + 1, ix.hash_cap * 2, 16});
    if (ix.hashes + ix.hash_cap == index_hashes_.size()) {  // the last range: grows in place
      index_hashes_.resize_for_overwrite(ix.hashes + cap);
    } else {
      size_t at = index_hashes_.size();
      index_hashes_.resize_for_overwrite(at + cap);
      std::memcpy(index_hashes_.data() + at, index_hashes_.data() + ix.hashes, ix.hash_cap * sizeof(uint64_t));
      ix.hashes = at;
    }
    ix.hash_cap = cap;
  }
  return index_hashes_.data() + ix.hashes + pos;
}

void DocumentImpl::rebuild_index(uint32_t id) {
  ItemRange& r = nodes_[id].u.items;
  bool fresh = r.index == kNoNode;
  if (fresh) {
    r.index = static_cast<uint32_t>(indexes_.size());
    indexes_.emplace_back();
  }
  HashIndex& ix = indexes_[r.index];
  size_t size = 16;
  while (size < size_t{r.len} * 2 + 2) size *= 2;
  // A new zeroed range of slots (the old one, if it is the pool's last, is reused in place).
  if (!fresh && ix.slots + ix.slot_count == index_slots_.size()) index_slots_.resize_for_overwrite(ix.slots);
  ix.slots = index_slots_.size();
  ix.slot_count = size;
  index_slots_.resize(ix.slots + size);
  // Hashes already known (the index grows: keys never change) are kept; only new ones are computed.
  const size_t known = fresh ? 0 : std::min<size_t>(ix.hash_cap, r.len);
  uint32_t stride = pair_stride(id);
  for (uint32_t i = 0; i < r.len; ++i) {
    uint64_t* h = index_hash_slot(ix, i);
    if (i >= known) *h = hash_for_insert(items_[r.begin + i * stride]);
    index_insert(ix, i, *h);
  }
}

// After appending an item whose hash is h: index it (or build the index once the container
// passes kIndexThreshold items).
void DocumentImpl::index_add(uint32_t id, uint64_t h) {
  const ItemRange& r = nodes_[id].u.items;
  if (r.index == kNoNode) {
    if (r.len > kIndexThreshold) rebuild_index(id);
    return;
  }
  HashIndex& ix = indexes_[r.index];
  *index_hash_slot(ix, r.len - 1) = h;
  if (size_t{r.len} * 2 + 2 > ix.slot_count) {
    rebuild_index(id);
  } else {
    index_insert(ix, r.len - 1, h);
  }
}

int64_t DocumentImpl::find_key(uint32_t c, uint32_t key, const DocumentImpl& kd) const {
  // Small containers have no index: a linear scan, no hash needed.
  if (nodes_[c].u.items.index == kNoNode) return find_key_hashed(c, key, kd, 0);
  return find_key_hashed(c, key, kd, kd.hash_of(key));
}

int64_t DocumentImpl::find_key_hashed(uint32_t c, uint32_t key, const DocumentImpl& kd, uint64_t h) const {
  const ItemRange& r = nodes_[c].u.items;
  uint32_t stride = pair_stride(c);
  if (r.index == kNoNode) {  // `h` is not used
    for (uint32_t i = 0; i < r.len; ++i)
      if (key_equal(items_[r.begin + i * stride], kd, key)) return i;
    return -1;
  }
  const HashIndex& ix = indexes_[r.index];
  const uint32_t* slots = index_slots_.data() + ix.slots;
  const uint64_t* hashes = index_hashes_.data() + ix.hashes;
  size_t mask = ix.slot_count - 1;
  for (size_t s = h & mask; slots[s] != 0; s = (s + 1) & mask) {
    uint32_t pos = slots[s] - 1;
    if (hashes[pos] == h && key_equal(items_[r.begin + pos * stride], kd, key)) return pos;
  }
  return -1;
}

uint64_t DocumentImpl::hash_for_insert(uint32_t id) {
  if (nodes_[id].kind != Kind::kStr) return hash_of(id);
  if (!hash_cache_) hash_cache_ = std::make_unique<CachedHash[]>(kHashCacheSize);  // zeroed
  CachedHash& e = hash_cache_[id & (kHashCacheSize - 1)];
  if (e.id_plus_1 != id + 1) e = {id + 1, hash_of(id)};
  return e.hash;
}

void DocumentImpl::add_to_set(uint32_t id, uint32_t item) {
  uint64_t h = hash_for_insert(item);  // throws kUnhashable first, as Python would
  if (find_key_hashed(id, item, *this, h) >= 0) return;
  append_items(id, &item, 1);
  index_add(id, h);
}

void DocumentImpl::set_dict_item(uint32_t id, uint32_t key, uint32_t value) {
  uint64_t h = hash_for_insert(key);
  int64_t pos = find_key_hashed(id, key, *this, h);
  if (pos >= 0) {
    items_[nodes_[id].u.items.begin + static_cast<size_t>(pos) * 2 + 1] = value;
    return;
  }
  uint32_t pair[2] = {key, value};
  reserve_items(id, 2);
  ItemRange& r = nodes_[id].u.items;
  items_[r.begin + r.len * 2] = pair[0];
  items_[r.begin + r.len * 2 + 1] = pair[1];
  r.len += 1;
  index_add(id, h);
}

// A block of its own for one big payload (an array's data, a file's bytes). From 4 MiB on it is
// 2 MiB-aligned with transparent huge pages advised: filling fresh memory costs a page fault per
// 4 KiB page otherwise, 65,862 faults to load a 256 MiB array where numpy, which asks for huge
// pages, takes ~10,700 (tools/bench/README.md "Huge pages"). Advice only: where THP is off, or
// the kernel has no huge page free, nothing changes.
DocumentImpl::Block DocumentImpl::big_block(size_t n) {
  constexpr size_t kHuge = size_t{2} << 20;
  void* p = nullptr;
  if (n >= 2 * kHuge) {
    if (::posix_memalign(&p, kHuge, n) != 0) p = nullptr;
    if (p) advise_huge_pages(p, n & ~size_t{4095});
  } else {
    p = std::malloc(n);
  }
  if (!p) throw std::bad_alloc();
  return Block(static_cast<uint8_t*>(p));
}

uint8_t* DocumentImpl::alloc_bytes(size_t n) {
  size_t rounded = (n + 15) & ~size_t{15};
  if (rounded < n) throw_error(ErrorCode::kLimitExceeded, "allocation size overflow");
  if (memory_bytes() + rounded > limits_.max_memory_bytes)
    throw_error(ErrorCode::kLimitExceeded, "document memory would pass Limits::max_memory_bytes (" +
                                               std::to_string(limits_.max_memory_bytes) + ")");
  if (rounded > block_left_) {
    if (rounded >= 16384) {  // big payloads get a block of their own
      blocks_.push_back(big_block(rounded));
      block_bytes_ += rounded;
      return blocks_.back().get();
    }
    // Blocks grow from 4 KiB to 64 KiB: a small document stays small (thousands of small loads
    // do not each claim 64 KiB).
    size_t size = std::max(next_block_, rounded);
    next_block_ = std::min<size_t>(next_block_ * 2, 65536);
    blocks_.emplace_back(static_cast<uint8_t*>(std::malloc(size)));
    if (!blocks_.back()) throw std::bad_alloc();
    block_bytes_ += size;
    block_cur_ = blocks_.back().get();
    block_left_ = size;
  }
  uint8_t* p = block_cur_;
  block_cur_ += rounded;
  block_left_ -= rounded;
  return p;
}

const uint8_t* DocumentImpl::copy_bytes(const uint8_t* p, size_t n) {
  uint8_t* d = alloc_bytes(n);
  if (n) std::memcpy(d, p, n);
  return d;
}

size_t DocumentImpl::memory_bytes() const {
  return nodes_.capacity() * sizeof(Node) + items_.capacity() * sizeof(uint32_t) +
         objects_.capacity() * sizeof(ObjectData) + indexes_.capacity() * sizeof(HashIndex) + block_bytes_ +
         index_slots_.capacity() * sizeof(uint32_t) + index_hashes_.capacity() * sizeof(uint64_t) + working_bytes_ + tensors_.capacity() * sizeof(TensorData) +
         torch_storages_.capacity() * sizeof(TorchStorageData);
}

void DocumentImpl::charge_working(size_t add, uint64_t offset, const char* what) {
  if (memory_bytes() + add > limits_.max_memory_bytes)
    throw_error(ErrorCode::kLimitExceeded, std::string(what) + " would pass Limits::max_memory_bytes (" +
                                               std::to_string(limits_.max_memory_bytes) + ")",
                offset);
  working_bytes_ += add;
}

void DocumentImpl::check_memory(uint64_t offset) const {
  if (memory_bytes() > limits_.max_memory_bytes)
    throw_error(ErrorCode::kLimitExceeded, "document memory passes Limits::max_memory_bytes", offset);
}

// A key container at recursion depth `depth` nests depth + 1 deep (the key itself is depth 1, as
// the printers count); Limits::max_depth bounds it, as it bounds every walker.
void DocumentImpl::check_key_depth(int depth, uint64_t offset) const {
  if (static_cast<uint64_t>(depth) + 1 > limits_.max_depth)
    throw_error(ErrorCode::kLimitExceeded,
                "key nests deeper than Limits::max_depth (" + std::to_string(limits_.max_depth) + ") to hash", offset);
}

uint64_t DocumentImpl::hash_of(uint32_t id, int depth) const {
  if (depth > kMaxKeyDepth) throw_error(ErrorCode::kLimitExceeded, "key nested too deeply to hash", nodes_[id].offset);
  const Node& n = nodes_[id];
  switch (n.kind) {
    case Kind::kNone:
      return 0x4e4f4e45ull;
    case Kind::kBool:
      return mix64(static_cast<uint64_t>(n.u.i));
    case Kind::kInt:
      if (n.flags & kFlagBigInt) return hash_bytes(n.u.bytes.ptr, n.u.bytes.len, kSeedBig);
      return mix64(static_cast<uint64_t>(n.u.i));
    case Kind::kFloat: {
      double f = n.u.f;
      if (std::isnan(f)) return mix64(id) ^ kSeedFloat;  // NaN keys match only themselves
      if (std::isfinite(f) && f == std::trunc(f)) {
        if (f >= -9223372036854775808.0 && f < 9223372036854775808.0)
          return mix64(static_cast<uint64_t>(static_cast<int64_t>(f)));
        auto b = integral_double_bytes(f);
        return hash_bytes(b.data(), b.size(), kSeedBig);
      }
      return mix64(std::bit_cast<uint64_t>(f) ^ kSeedFloat);
    }
    case Kind::kStr:
      return hash_bytes(n.u.bytes.ptr, n.u.bytes.len, kSeedStr);
    case Kind::kBytes:
      return hash_bytes(n.u.bytes.ptr, n.u.bytes.len, kSeedBytes);
    case Kind::kTuple: {
      check_key_depth(depth, n.offset);
      uint64_t h = kSeedTuple;
      const uint32_t* it = items(id);
      for (uint32_t i = 0; i < n.u.items.len; ++i) h = mix64(h ^ hash_of(it[i], depth + 1)) + kMul;
      return h;
    }
    case Kind::kFrozenSet: {
      check_key_depth(depth, n.offset);
      uint64_t h = kSeedFrozen;
      const uint32_t* it = items(id);
      for (uint32_t i = 0; i < n.u.items.len; ++i) h += mix64(hash_of(it[i], depth + 1));
      return mix64(h);
    }
    case Kind::kGlobal:
      return hash_bytes(n.u.bytes.ptr, n.u.bytes.len, kSeedGlobal ^ n.aux);
    case Kind::kObject:
    case Kind::kBuffer:
    case Kind::kPersistentId:
    case Kind::kArray:  // numpy values are objects in the node table; listed for completeness
    case Kind::kDType:
    case Kind::kNumpyScalar:
    case Kind::kTensor:
      return mix64(id + 0x1234567ull);  // identity hash (documents are compared by id too)
    case Kind::kByteArray:
    case Kind::kList:
    case Kind::kDict:
    case Kind::kSet:
      break;
  }
  throw_error(ErrorCode::kUnhashable, std::string("unhashable type: '") + std::string(kind_name(n.kind)) + "'",
              n.offset);
}

bool DocumentImpl::key_equal(uint32_t a, const DocumentImpl& bd, uint32_t b, int depth) const {
  if (this == &bd && a == b) return true;
  if (depth > kMaxKeyDepth) throw_error(ErrorCode::kLimitExceeded, "values nested too deeply to compare", nodes_[a].offset);
  const Node& x = nodes_[a];
  const Node& y = bd.nodes_[b];
  if (is_numeric(x.kind) && is_numeric(y.kind)) {
    bool xbig = x.kind == Kind::kInt && (x.flags & kFlagBigInt);
    bool ybig = y.kind == Kind::kInt && (y.flags & kFlagBigInt);
    if (x.kind == Kind::kFloat && y.kind == Kind::kFloat) return x.u.f == y.u.f;
    if (x.kind != Kind::kFloat && y.kind != Kind::kFloat) {
      if (xbig || ybig) return int_to_bytes(*this, a) == int_to_bytes(bd, b);
      return x.u.i == y.u.i;
    }
    // int vs float: equal only for an integral float with exactly that value.
    double f = x.kind == Kind::kFloat ? x.u.f : y.u.f;
    if (!std::isfinite(f) || f != std::trunc(f)) return false;
    std::vector<uint8_t> ib = x.kind == Kind::kFloat ? int_to_bytes(bd, b) : int_to_bytes(*this, a);
    return integral_double_bytes(f) == ib;
  }
  auto payload_eq = [&] {
    return x.u.bytes.len == y.u.bytes.len &&
           (x.u.bytes.len == 0 || std::memcmp(x.u.bytes.ptr, y.u.bytes.ptr, x.u.bytes.len) == 0);
  };
  switch (x.kind) {
    case Kind::kNone:
      return y.kind == Kind::kNone;
    case Kind::kStr:
      return y.kind == Kind::kStr && payload_eq();
    case Kind::kBytes:
    case Kind::kByteArray:
      return (y.kind == Kind::kBytes || y.kind == Kind::kByteArray) && payload_eq();
    case Kind::kGlobal:
      return y.kind == Kind::kGlobal && x.aux == y.aux && payload_eq();
    case Kind::kTuple:
    case Kind::kList: {
      if (y.kind != x.kind || x.u.items.len != y.u.items.len) return false;
      const uint32_t* xi = items(a);
      const uint32_t* yi = bd.items(b);
      for (uint32_t i = 0; i < x.u.items.len; ++i)
        if (!key_equal(xi[i], bd, yi[i], depth + 1)) return false;
      return true;
    }
    case Kind::kSet:
    case Kind::kFrozenSet: {
      if ((y.kind != Kind::kSet && y.kind != Kind::kFrozenSet) || x.u.items.len != y.u.items.len) return false;
      const uint32_t* xi = items(a);
      for (uint32_t i = 0; i < x.u.items.len; ++i)
        if (bd.find_key(b, xi[i], *this) < 0) return false;
      return true;
    }
    case Kind::kDict: {
      if (y.kind != Kind::kDict || x.u.items.len != y.u.items.len) return false;
      const uint32_t* xi = items(a);
      const uint32_t* yi = bd.items(b);
      for (uint32_t i = 0; i < x.u.items.len; ++i) {
        int64_t pos = bd.find_key(b, xi[2 * i], *this);
        if (pos < 0 || !key_equal(xi[2 * i + 1], bd, yi[2 * pos + 1], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;  // objects, buffers, persistent ids: identity only (checked above)
  }
}

bool DocumentImpl::deep_equal(uint32_t a, const DocumentImpl& bd, uint32_t b, uint64_t max_depth) const {
  struct Pair {
    uint32_t a, b;
    uint64_t depth;
  };
  // Pairs already taken up (flat open-addressing set of a<<32|b; ~0 is never a pair in use).
  std::vector<uint64_t> seen(64, ~uint64_t{0});
  size_t seen_count = 0;
  auto insert_seen = [&](uint64_t key) {
    if ((seen_count + 1) * 2 > seen.size()) {
      std::vector<uint64_t> old(seen.size() * 2, ~uint64_t{0});
      old.swap(seen);
      for (uint64_t k : old) {
        if (k == ~uint64_t{0}) continue;
        size_t s = mix64(k) & (seen.size() - 1);
        while (seen[s] != ~uint64_t{0}) s = (s + 1) & (seen.size() - 1);
        seen[s] = k;
      }
    }
    size_t s = mix64(key) & (seen.size() - 1);
    for (; seen[s] != ~uint64_t{0}; s = (s + 1) & (seen.size() - 1))
      if (seen[s] == key) return false;
    seen[s] = key;
    ++seen_count;
    return true;
  };
  std::vector<Pair> work{{a, b, 1}};
  while (!work.empty()) {
    Pair p = work.back();
    work.pop_back();
    if (this == &bd && p.a == p.b) continue;
    const Node& x = nodes_[p.a];
    const Node& y = bd.nodes_[p.b];
    bool container = x.kind == Kind::kList || x.kind == Kind::kTuple || x.kind == Kind::kDict;
    if (!container) {
      // Atoms, and sets (whose items are hashable, so nested no deeper than a key may be).
      if (!key_equal(p.a, bd, p.b)) return false;
      continue;
    }
    if (y.kind != x.kind || x.u.items.len != y.u.items.len) return false;
    if (!insert_seen(uint64_t{p.a} << 32 | p.b)) continue;  // compared already, or in progress (a cycle)
    if (x.u.items.len == 0) continue;
    if (p.depth + 1 > max_depth)
      throw_error(ErrorCode::kLimitExceeded,
                  "values nest deeper than max_depth (" + std::to_string(max_depth) + ") to compare", x.offset);
    const uint32_t* xi = items(p.a);
    const uint32_t* yi = bd.items(p.b);
    if (x.kind == Kind::kDict) {
      for (uint32_t i = x.u.items.len; i-- > 0;) {
        int64_t pos = bd.find_key(p.b, xi[2 * i], *this);
        if (pos < 0) return false;
        work.push_back({xi[2 * i + 1], yi[2 * pos + 1], p.depth + 1});
      }
    } else {
      for (uint32_t i = x.u.items.len; i-- > 0;) work.push_back({xi[i], yi[i], p.depth + 1});
    }
  }
  return true;
}

}  // namespace picklejar::internal
