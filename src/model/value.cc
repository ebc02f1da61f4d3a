#include <cmath>
#include <cstring>

#include "model/value_access.h"
#include "model/document_impl.h"
#include "picklejar/document.h"
#include "picklejar/value.h"
#include "picklejar/version.h"

namespace picklejar {

using internal::DocumentImpl;
using internal::kNoNode;
using internal::Node;
using internal::throw_error;

const char* version() noexcept { return PICKLEJAR_VERSION_STRING; }

std::string_view kind_name(Kind kind) noexcept {
  switch (kind) {
    case Kind::kNone: return "NoneType";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kFloat: return "float";
    case Kind::kStr: return "str";
    case Kind::kBytes: return "bytes";
    case Kind::kByteArray: return "bytearray";
    case Kind::kTuple: return "tuple";
    case Kind::kList: return "list";
    case Kind::kDict: return "dict";
    case Kind::kSet: return "set";
    case Kind::kFrozenSet: return "frozenset";
    case Kind::kGlobal: return "global";
    case Kind::kObject: return "object";
    case Kind::kPersistentId: return "persistent_id";
    case Kind::kBuffer: return "PickleBuffer";
    case Kind::kArray: return "ndarray";
    case Kind::kDType: return "dtype";
    case Kind::kNumpyScalar: return "numpy scalar";
    case Kind::kTensor: return "Tensor";
  }
  return "unknown";
}

std::string_view made_by_name(MadeBy how) noexcept {
  switch (how) {
    case MadeBy::kReduce: return "reduce";
    case MadeBy::kNewObj: return "newobj";
    case MadeBy::kNewObjEx: return "newobj_ex";
    case MadeBy::kInst: return "inst";
    case MadeBy::kObj: return "obj";
  }
  return "unknown";
}

namespace {

const Node& node_of(const DocumentImpl* d, uint32_t id) {
  if (!d) throw_error(ErrorCode::kInvalidArgument, "use of an invalid (empty) Value");
  return d->node(id);
}

[[noreturn]] void mismatch(const Node& n, std::string_view wanted) {
  throw_error(ErrorCode::kTypeMismatch,
              "expected " + std::string(wanted) + ", found " + std::string(kind_name(n.kind)), n.offset);
}

const Node& expect(const DocumentImpl* d, uint32_t id, Kind k) {
  const Node& n = node_of(d, id);
  if (n.kind != k) mismatch(n, kind_name(k));
  return n;
}

bool is_sequence(Kind k) {
  return k == Kind::kTuple || k == Kind::kList || k == Kind::kSet || k == Kind::kFrozenSet;
}

Value wrap(const DocumentImpl* d, uint32_t id) { return id == kNoNode ? Value() : internal::make_value(d, id); }

}  // namespace

Kind Value::kind() const {
  const Node& n = node_of(doc_, id_);
  if (n.kind == Kind::kObject) {
    switch (n.tag) {
      case internal::kTagArray: return Kind::kArray;
      case internal::kTagDType: return Kind::kDType;
      case internal::kTagScalar: return Kind::kNumpyScalar;
      case internal::kTagTensor: return Kind::kTensor;
      default: break;
    }
  }
  return n.kind;
}
uint64_t Value::offset() const { return node_of(doc_, id_).offset; }

bool Value::as_bool() const { return expect(doc_, id_, Kind::kBool).u.i != 0; }

bool Value::fits_int64() const {
  const Node& n = node_of(doc_, id_);
  return n.kind == Kind::kBool || (n.kind == Kind::kInt && !(n.flags & internal::kFlagBigInt));
}

int64_t Value::as_int() const {
  const Node& n = node_of(doc_, id_);
  if (n.kind == Kind::kBool) return n.u.i;
  if (n.kind != Kind::kInt) mismatch(n, "int");
  if (n.flags & internal::kFlagBigInt)
    throw_error(ErrorCode::kOutOfRange, "int does not fit in int64: " + int_decimal(), n.offset);
  return n.u.i;
}

std::vector<uint8_t> Value::int_bytes() const {
  const Node& n = node_of(doc_, id_);
  if (n.kind != Kind::kInt && n.kind != Kind::kBool) mismatch(n, "int");
  return internal::int_to_bytes(*doc_, id_);
}

std::string Value::int_decimal(size_t max_digits) const {
  const Node& n = node_of(doc_, id_);
  if (n.kind == Kind::kBool || (n.kind == Kind::kInt && !(n.flags & internal::kFlagBigInt)))
    return std::to_string(n.u.i);
  if (n.kind != Kind::kInt) mismatch(n, "int");
  // Each byte adds at most 2.41 digits; refuse before doing quadratic work.
  if (n.u.bytes.len * 241 / 100 > max_digits + 3)
    throw_error(ErrorCode::kLimitExceeded, "int has more than " + std::to_string(max_digits) + " digits", n.offset);
  return internal::twos_complement_to_decimal(n.u.bytes.ptr, n.u.bytes.len);
}

double Value::as_float() const {
  const Node& n = node_of(doc_, id_);
  if (n.kind == Kind::kFloat) return n.u.f;
  if (n.kind == Kind::kBool || (n.kind == Kind::kInt && !(n.flags & internal::kFlagBigInt)))
    return static_cast<double>(n.u.i);
  if (n.kind == Kind::kInt) {
    double v = 0, scale = 1;
    const uint8_t* p = n.u.bytes.ptr;
    bool neg = p[n.u.bytes.len - 1] & 0x80;
    for (size_t i = 0; i < n.u.bytes.len; ++i) {
      v += (neg ? uint8_t(~p[i]) : p[i]) * scale;
      scale *= 256;
    }
    return neg ? -(v + 1) : v;
  }
  mismatch(n, "float");
}

std::string_view Value::as_str() const {
  const Node& n = expect(doc_, id_, Kind::kStr);
  return std::string_view(reinterpret_cast<const char*>(n.u.bytes.ptr), n.u.bytes.len);
}

ByteView Value::as_bytes() const {
  const Node& n = node_of(doc_, id_);
  if (n.kind != Kind::kBytes && n.kind != Kind::kByteArray && n.kind != Kind::kBuffer)
    mismatch(n, "bytes, bytearray or PickleBuffer");
  return ByteView(n.u.bytes.ptr, n.u.bytes.len);
}

bool Value::readonly_buffer() const {
  return expect(doc_, id_, Kind::kBuffer).flags & internal::kFlagReadonly;
}

size_t Value::size() const {
  const Node& n = node_of(doc_, id_);
  switch (n.kind) {
    case Kind::kTuple:
    case Kind::kList:
    case Kind::kDict:
    case Kind::kSet:
    case Kind::kFrozenSet:
      return n.u.items.len;
    case Kind::kStr:
    case Kind::kBytes:
    case Kind::kByteArray:
    case Kind::kBuffer:
      return n.u.bytes.len;
    default:
      mismatch(n, "a container, str or bytes");
  }
}

Value Value::operator[](size_t i) const {
  const Node& n = node_of(doc_, id_);
  if (n.kind != Kind::kTuple && n.kind != Kind::kList) mismatch(n, "tuple or list");
  if (i >= n.u.items.len)
    throw_error(ErrorCode::kOutOfRange,
                "index " + std::to_string(i) + " out of range for " + std::string(kind_name(n.kind)) + " of " +
                    std::to_string(n.u.items.len),
                n.offset);
  return internal::make_value(doc_, doc_->items(id_)[i]);
}

ItemView Value::items() const {
  const Node& n = node_of(doc_, id_);
  if (!is_sequence(n.kind)) mismatch(n, "tuple, list, set or frozenset");
  return ItemView(doc_, n.u.items.len ? doc_->items(id_) : nullptr, n.u.items.len);
}

EntryView Value::dict_items() const {
  const Node& n = expect(doc_, id_, Kind::kDict);
  return EntryView(doc_, n.u.items.len ? doc_->items(id_) : nullptr, n.u.items.len);
}

std::optional<Value> Value::find(const Value& key) const {
  const Node& n = expect(doc_, id_, Kind::kDict);
  (void)n;
  if (!key.valid()) throw_error(ErrorCode::kInvalidArgument, "lookup with an invalid Value");
  int64_t pos;
  try {
    pos = doc_->find_key(id_, key.id_, *key.doc_);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kUnhashable) return std::nullopt;
    throw;
  }
  if (pos < 0) return std::nullopt;
  return internal::make_value(doc_, doc_->items(id_)[2 * pos + 1]);
}

namespace {
// A scratch document holding one key, to look up C++ keys with the same Python equality.
template <typename F>
std::optional<Value> find_with_temp(const Value& self, F make) {
  Document tmp;
  Builder b = tmp.builder();
  Value k = make(b);
  std::optional<Value> r = self.find(k);
  return r;  // r refers to self's document, not tmp
}
}  // namespace

std::optional<Value> Value::find(std::string_view key) const {
  const Node& n = expect(doc_, id_, Kind::kDict);
  // Fast path without a scratch document: compare str keys directly.
  const uint32_t* it = doc_->items(id_);
  for (uint32_t i = 0; i < n.u.items.len; ++i) {
    const Node& k = doc_->node(it[2 * i]);
    if (k.kind == Kind::kStr && k.u.bytes.len == key.size() &&
        (key.empty() || std::memcmp(k.u.bytes.ptr, key.data(), key.size()) == 0))
      return internal::make_value(doc_, it[2 * i + 1]);
  }
  return std::nullopt;
}

std::optional<Value> Value::find(int64_t key) const {
  return find_with_temp(*this, [&](Builder& b) { return b.integer(key); });
}

Value Value::at(const Value& key) const {
  auto r = find(key);
  if (!r) throw_error(ErrorCode::kKeyNotFound, "key not found in dict", offset());
  return *r;
}
Value Value::at(std::string_view key) const {
  auto r = find(key);
  if (!r) throw_error(ErrorCode::kKeyNotFound, "key '" + std::string(key) + "' not found in dict", offset());
  return *r;
}
Value Value::at(int64_t key) const {
  auto r = find(key);
  if (!r) throw_error(ErrorCode::kKeyNotFound, "key " + std::to_string(key) + " not found in dict", offset());
  return *r;
}

bool Value::contains(const Value& key) const {
  const Node& n = node_of(doc_, id_);
  if (n.kind != Kind::kSet && n.kind != Kind::kFrozenSet) mismatch(n, "set or frozenset");
  try {
    return doc_->find_key(id_, key.id_, *key.doc_) >= 0;
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kUnhashable) return false;
    throw;
  }
}

GlobalRef Value::as_global() const {
  const Node& n = expect(doc_, id_, Kind::kGlobal);
  const char* p = reinterpret_cast<const char*>(n.u.bytes.ptr);
  return GlobalRef{std::string_view(p, n.aux), std::string_view(p + n.aux, n.u.bytes.len - n.aux)};
}

ObjectRef Value::as_object() const {
  expect(doc_, id_, Kind::kObject);
  const internal::ObjectData& o = doc_->object(id_);
  ObjectRef r;
  r.how = o.how;
  r.callable = wrap(doc_, o.callable);
  r.args = wrap(doc_, o.args);
  r.kwargs = wrap(doc_, o.kwargs);
  r.state = wrap(doc_, o.state);
  r.state_setter = wrap(doc_, o.state_setter);
  r.list_items = wrap(doc_, o.list_items);
  r.dict_items = wrap(doc_, o.dict_items);
  return r;
}

Value Value::persistent_id() const { return internal::make_value(doc_, expect(doc_, id_, Kind::kPersistentId).aux); }

bool Value::equals(const Value& other, size_t max_depth) const {
  if (!valid() || !other.valid()) return valid() == other.valid();
  return doc_->deep_equal(id_, *other.doc_, other.id_, max_depth);
}

// ---- Document ------------------------------------------------------------------------------

Document::Document() : impl_(std::make_unique<DocumentImpl>()) {}
Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;
Document::~Document() = default;

Value Document::root() const& {
  if (!impl_ || impl_->root == kNoNode) throw_error(ErrorCode::kInvalidArgument, "document has no root value");
  return internal::make_value(impl_.get(), impl_->root);
}
bool Document::has_root() const noexcept { return impl_ && impl_->root != kNoNode; }
int Document::protocol() const noexcept { return impl_ ? impl_->protocol : 0; }
bool Document::loaded() const noexcept { return impl_ && impl_->frozen; }
void Document::set_root(Value v) {
  if (impl_->frozen) throw_error(ErrorCode::kInvalidArgument, "set_root on a loaded Document: it is immutable");
  if (internal::impl_of(v) != impl_.get()) throw_error(ErrorCode::kInvalidArgument, "root from another document");
  impl_->root = v.id();
}
Builder Document::builder() {
  if (impl_->frozen) throw_error(ErrorCode::kInvalidArgument, "builder() on a loaded Document: it is immutable");
  return Builder(*this);
}
size_t Document::node_count() const noexcept { return impl_ ? impl_->node_count() : 0; }
size_t Document::memory_bytes() const noexcept { return impl_ ? impl_->memory_bytes() : 0; }

// ---- Builder -------------------------------------------------------------------------------

namespace {
constexpr uint64_t kBuilt = Error::kNoOffset;
}  // namespace

DocumentImpl& Builder::target() {
  DocumentImpl& d = internal::impl_of(*doc_);
  if (d.frozen) throw_error(ErrorCode::kInvalidArgument, "Builder of a loaded Document: it is immutable");
  return d;
}

Value Builder::none() { return internal::make_value(&target(), internal::kNoneNode); }
Value Builder::boolean(bool b) { return internal::make_value(&target(), b ? internal::kTrueNode : internal::kFalseNode); }
Value Builder::integer(int64_t v) { return internal::make_value(&target(), target().add_int(v, kBuilt)); }
Value Builder::big_integer(ByteView b) {
  return internal::make_value(&target(), target().add_int_bytes(b.data(), b.size(), kBuilt));
}
Value Builder::float64(double v) { return internal::make_value(&target(), target().add_float(v, kBuilt)); }
Value Builder::str(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  int64_t bad = internal::find_bad_utf8(p, s.size());
  if (bad >= 0) throw_error(ErrorCode::kBadUtf8, "invalid UTF-8 at byte " + std::to_string(bad) + " of the str");
  auto& d = target();
  return internal::make_value(&d, d.add_payload(Kind::kStr, d.copy_bytes(p, s.size()), s.size(), kBuilt));
}
Value Builder::bytes(ByteView data) {
  auto& d = target();
  return internal::make_value(&d, d.add_payload(Kind::kBytes, d.copy_bytes(data.data(), data.size()), data.size(), kBuilt));
}
Value Builder::bytearray(ByteView data) {
  auto& d = target();
  return internal::make_value(&d, d.add_payload(Kind::kByteArray, d.copy_bytes(data.data(), data.size()), data.size(), kBuilt));
}
Value Builder::tuple(std::span<const Value> items) {
  auto& d = target();
  if (items.empty()) return internal::make_value(&d, internal::kEmptyTupleNode);
  std::vector<uint32_t> ids;
  ids.reserve(items.size());
  for (const auto& v : items) ids.push_back(internal::own_value(*doc_, v));
  uint32_t id = d.add_container(Kind::kTuple, kBuilt);
  d.append_items(id, ids.data(), ids.size());
  return internal::make_value(&d, id);
}
Value Builder::tuple(std::initializer_list<Value> items) { return tuple(std::span<const Value>(items.begin(), items.size())); }
Value Builder::list(std::span<const Value> items) {
  auto& d = target();
  uint32_t id = d.add_container(Kind::kList, kBuilt);
  for (const auto& v : items) {
    uint32_t c = internal::own_value(*doc_, v);
    d.append_items(id, &c, 1);
  }
  return internal::make_value(&d, id);
}
Value Builder::list(std::initializer_list<Value> items) { return list(std::span<const Value>(items.begin(), items.size())); }
Value Builder::dict(std::initializer_list<std::pair<Value, Value>> items) {
  auto& d = target();
  uint32_t id = d.add_container(Kind::kDict, kBuilt);
  for (const auto& [k, v] : items) d.set_dict_item(id, internal::own_value(*doc_, k), internal::own_value(*doc_, v));
  return internal::make_value(&d, id);
}
Value Builder::set(std::initializer_list<Value> items) {
  auto& d = target();
  uint32_t id = d.add_container(Kind::kSet, kBuilt);
  for (const auto& v : items) d.add_to_set(id, internal::own_value(*doc_, v));
  return internal::make_value(&d, id);
}
Value Builder::frozenset(std::initializer_list<Value> items) {
  auto& d = target();
  uint32_t id = d.add_container(Kind::kFrozenSet, kBuilt);
  for (const auto& v : items) d.add_to_set(id, internal::own_value(*doc_, v));
  return internal::make_value(&d, id);
}
Value Builder::global(std::string_view module, std::string_view qualname) {
  auto& d = target();
  return internal::make_value(&d, d.add_global(module, qualname, kBuilt));
}
void Builder::append(Value list, Value item) {
  auto& d = target();
  uint32_t l = internal::own_value(*doc_, list);
  if (d.node(l).kind != Kind::kList) throw_error(ErrorCode::kTypeMismatch, "append needs a list");
  uint32_t c = internal::own_value(*doc_, item);
  d.append_items(l, &c, 1);
}
void Builder::set_item(Value dict, Value key, Value value) {
  auto& d = target();
  uint32_t m = internal::own_value(*doc_, dict);
  if (d.node(m).kind != Kind::kDict) throw_error(ErrorCode::kTypeMismatch, "set_item needs a dict");
  d.set_dict_item(m, internal::own_value(*doc_, key), internal::own_value(*doc_, value));
}
void Builder::add(Value set, Value item) {
  auto& d = target();
  uint32_t s = internal::own_value(*doc_, set);
  if (d.node(s).kind != Kind::kSet) throw_error(ErrorCode::kTypeMismatch, "add needs a set");
  d.add_to_set(s, internal::own_value(*doc_, item));
}

}  // namespace picklejar

namespace picklejar {

Value Builder::buffer(ByteView data, bool readonly) {
  auto& d = target();
  uint32_t id = d.add_payload(Kind::kBuffer, data.data(), data.size(), Error::kNoOffset);
  if (readonly) d.node(id).flags |= internal::kFlagReadonly;
  return internal::make_value(&d, id);
}

Value Builder::object(MadeBy how, Value callable, Value args) {
  auto& d = target();
  uint32_t c = internal::own_value(*doc_, callable);
  uint32_t a = internal::own_value(*doc_, args);
  if (d.node(a).kind != Kind::kTuple) throw_error(ErrorCode::kTypeMismatch, "object() needs an argument tuple");
  if (how == MadeBy::kNewObjEx)
    throw_error(ErrorCode::kInvalidArgument, "object(kNewObjEx, ...) needs kwargs: use object(cls, args, kwargs)");
  return internal::make_value(&d, d.add_object(how, c, a, Error::kNoOffset));
}

Value Builder::object(Value cls, Value args, Value kwargs) {
  auto& d = target();
  uint32_t c = internal::own_value(*doc_, cls);
  uint32_t a = internal::own_value(*doc_, args);
  uint32_t k = internal::own_value(*doc_, kwargs);
  if (d.node(a).kind != Kind::kTuple) throw_error(ErrorCode::kTypeMismatch, "object() needs an argument tuple");
  if (d.node(k).kind != Kind::kDict) throw_error(ErrorCode::kTypeMismatch, "object() needs a kwargs dict");
  uint32_t id = d.add_object(MadeBy::kNewObjEx, c, a, Error::kNoOffset);
  d.object(id).kwargs = k;
  return internal::make_value(&d, id);
}

void Builder::set_state(Value object, Value state) {
  auto& d = target();
  uint32_t o = internal::own_value(*doc_, object);
  if (d.node(o).kind != Kind::kObject) throw_error(ErrorCode::kTypeMismatch, "set_state needs an object");
  d.object(o).state = internal::own_value(*doc_, state);
}

}  // namespace picklejar
