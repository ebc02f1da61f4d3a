// The globals registry: Python 2 -> 3 names (fix_imports) and the reduce shapes that become typed
// values. Matching is purely by name; nothing is imported or called.
#include "pickle/globals.h"

#include <algorithm>
#include <array>
#include <string>

namespace picklejar::internal {
namespace {

struct NamePair {
  std::string_view from_module, from_name, to_module, to_name;
};
struct ModulePair {
  std::string_view from, to;
};

constexpr NamePair kNameMapping[] = {
#define PICKLEJAR_NAME_MAPPING(a, b, c, d) {a, b, c, d},
#include "pickle/compat_tables.inc"
};
constexpr ModulePair kImportMapping[] = {
#define PICKLEJAR_IMPORT_MAPPING(a, b) {a, b},
#include "pickle/compat_tables.inc"
};
constexpr NamePair kReverseNameMapping[] = {
#define PICKLEJAR_REVERSE_NAME_MAPPING(a, b, c, d) {a, b, c, d},
#include "pickle/compat_tables.inc"
};
constexpr ModulePair kReverseImportMapping[] = {
#define PICKLEJAR_REVERSE_IMPORT_MAPPING(a, b) {a, b},
#include "pickle/compat_tables.inc"
};

constexpr NamePair kCanonicalNames[] = {
#define PICKLEJAR_CANONICAL_NAME(a, b, c, d) {a, b, c, d},
#include "pickle/compat_tables.inc"
};
constexpr std::string_view kBuiltinFunctions[] = {
#define PICKLEJAR_BUILTIN_FUNCTION(a) a,
#include "pickle/compat_tables.inc"
};
constexpr std::string_view kInternedApart =
#define PICKLEJAR_INTERNED_APART(a) a
#include "pickle/compat_tables.inc"
    ;

// The tables are generated sorted, so lookups are binary searches.
template <size_t N>
const NamePair* find_name(const NamePair (&table)[N], std::string_view m, std::string_view n) {
  auto it = std::lower_bound(std::begin(table), std::end(table), std::pair{m, n},
                             [](const NamePair& e, const std::pair<std::string_view, std::string_view>& k) {
                               return std::pair{e.from_module, e.from_name} < k;
                             });
  if (it != std::end(table) && it->from_module == m && it->from_name == n) return it;
  return nullptr;
}
template <size_t N>
const ModulePair* find_module(const ModulePair (&table)[N], std::string_view m) {
  auto it = std::lower_bound(std::begin(table), std::end(table), m,
                             [](const ModulePair& e, std::string_view k) { return e.from < k; });
  if (it != std::end(table) && it->from == m) return it;
  return nullptr;
}

template <size_t N>
constexpr bool names_sorted(const NamePair (&t)[N]) {
  for (size_t i = 1; i < N; ++i)
    if (!(std::pair{t[i - 1].from_module, t[i - 1].from_name} < std::pair{t[i].from_module, t[i].from_name}))
      return false;
  return true;
}
template <size_t N>
constexpr bool modules_sorted(const ModulePair (&t)[N]) {
  for (size_t i = 1; i < N; ++i)
    if (!(t[i - 1].from < t[i].from)) return false;
  return true;
}
static_assert(names_sorted(kNameMapping) && names_sorted(kReverseNameMapping));
static_assert(modules_sorted(kImportMapping) && modules_sorted(kReverseImportMapping));
static_assert(names_sorted(kCanonicalNames));

std::string_view text_of(const DocumentImpl& d, uint32_t id) {
  const Node& n = d.node(id);
  return {reinterpret_cast<const char*>(n.u.bytes.ptr), static_cast<size_t>(n.u.bytes.len)};
}

bool is_global(const DocumentImpl& d, uint32_t id, std::string_view module, std::string_view name) {
  const Node& n = d.node(id);
  if (n.kind != Kind::kGlobal) return false;
  std::string_view all = text_of(d, id);
  return all.substr(0, n.aux) == module && all.substr(n.aux) == name;
}

// A CapWords name ("Inner", "B2b"): an ASCII upper-case letter first, a lower-case one after it.
bool cap_words(std::string_view name) {
  if (name.empty() || !(name[0] >= 'A' && name[0] <= 'Z')) return false;
  for (char c : name.substr(1))
    if (c >= 'a' && c <= 'z') return true;
  return false;
}

bool is_latin1_name(std::string_view enc) {
  return enc == "latin1" || enc == "latin-1" || enc == "iso-8859-1" || enc == "iso8859-1" || enc == "latin_1";
}

// UTF-8 (already validated) -> latin-1 bytes; false if a code point is above U+00FF.
bool utf8_to_latin1(std::string_view s, std::string* out) {
  out->clear();
  out->reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) {
      out->push_back(static_cast<char>(c));
      ++i;
    } else if ((c & 0xe0) == 0xc0 && i + 1 < s.size() && c <= 0xc3) {
      out->push_back(static_cast<char>(((c & 0x1f) << 6) | (static_cast<uint8_t>(s[i + 1]) & 0x3f)));
      i += 2;
    } else {
      return false;
    }
  }
  return true;
}

uint32_t make_bytes_like(DocumentImpl& d, Kind kind, std::string_view data, uint64_t offset) {
  const uint8_t* p = d.copy_bytes(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  return d.add_payload(kind, p, data.size(), offset);
}

// set/frozenset(iterable) for the iterables CPython writes (a list) and other containers.
uint32_t make_set(DocumentImpl& d, Kind kind, const uint32_t* args, uint32_t nargs, uint64_t offset) {
  if (nargs > 1) return kNoNode;
  uint32_t s = d.add_container(kind, offset);
  if (nargs == 0) return s;
  Kind k = d.node(args[0]).kind;
  if (k != Kind::kList && k != Kind::kTuple && k != Kind::kSet && k != Kind::kFrozenSet) return kNoNode;
  const uint32_t n = d.item_count(args[0]);
  for (uint32_t i = 0; i < n; ++i) d.add_to_set(s, d.items(args[0])[i]);  // items() re-read: pool may move
  return s;
}

}  // namespace

std::pair<std::string_view, std::string_view> map_py2_global(std::string_view module, std::string_view name) {
  if (const NamePair* e = find_name(kNameMapping, module, name)) return {e->to_module, e->to_name};
  if (const ModulePair* e = find_module(kImportMapping, module)) return {e->to, name};
  return {module, name};
}

std::pair<std::string_view, std::string_view> map_py3_global(std::string_view module, std::string_view name) {
  if (const NamePair* e = find_name(kReverseNameMapping, module, name)) return {e->to_module, e->to_name};
  if (const ModulePair* e = find_module(kReverseImportMapping, module)) return {e->to, name};
  return {module, name};
}

std::pair<std::string_view, std::string_view> canonical_global(std::string_view module, std::string_view name) {
  if (const NamePair* e = find_name(kCanonicalNames, module, name)) return {e->to_module, e->to_name};
  return {module, name};
}

bool is_builtin_function(std::string_view name) {
  return std::binary_search(std::begin(kBuiltinFunctions), std::end(kBuiltinFunctions), name);
}

uint32_t interned_str(DocumentImpl& d, uint32_t str, bool names_from_class) {
  const Node& n = d.node(str);
  if (n.kind != Kind::kStr || (n.flags & kFlagInternedStr)) return str;
  std::string_view s = text_of(d, str);
  // One character: the interned one is the singleton unless CPython interned another first.
  bool apart = s.size() == 1 ? kInternedApart.find(s[0]) != std::string_view::npos : names_from_class;
  if (!apart) return str;
  const uint64_t offset = n.offset;
  uint32_t made = d.add_payload(Kind::kStr, reinterpret_cast<const uint8_t*>(s.data()), s.size(), offset);
  d.node(made).flags |= kFlagInternedStr;
  return made;
}

void intern_keys(DocumentImpl& d, uint32_t dict, bool names_from_class) {
  if (d.node(dict).kind != Kind::kDict) return;
  for (uint32_t i = 0, n = d.item_count(dict); i < n; ++i) {
    uint32_t key = d.items(dict)[size_t{i} * 2];
    uint32_t interned = interned_str(d, key, names_from_class);
    if (interned != key) d.replace_dict_key(dict, i, interned);
  }
}

std::string_view builtin_base_name(Kind k) {
  switch (k) {
    case Kind::kInt: case Kind::kFloat: case Kind::kStr: case Kind::kBytes: case Kind::kTuple:
      return kind_name(k);  // Python's name of the type
    default:
      return {};
  }
}

// _reconstructor's base and state for a subclass of a builtin value type: builtins.B and B(obj).
static bool builtin_base_matches(const DocumentImpl& d, uint32_t base, uint32_t state) {
  std::string_view name = builtin_base_name(d.node(state).kind);
  return !name.empty() && is_global(d, base, "builtins", name);
}

uint32_t reduce_known_shape(DocumentImpl& d, uint32_t callable, uint32_t args, uint64_t offset, int opcode) {
  const Node& cn = d.node(callable);
  if (cn.kind != Kind::kGlobal) return kNoNode;
  std::string_view all = text_of(d, callable);
  std::string_view module = all.substr(0, cn.aux);
  std::string_view name = all.substr(cn.aux);
  const uint32_t nargs = d.item_count(args);
  auto arg = [&](uint32_t i) { return d.items(args)[i]; };
  auto arg_kind = [&](uint32_t i) { return d.node(arg(i)).kind; };

  if (module == "builtins") {
    if (name == "set" || name == "frozenset") {
      std::vector<uint32_t> copy(d.items(args), d.items(args) + nargs);
      return make_set(d, name == "set" ? Kind::kSet : Kind::kFrozenSet, copy.data(), nargs, offset);
    }
    if (name == "tuple" && nargs <= 1) {  // tuple() is the empty tuple singleton; tuple(t) is t
      if (nargs == 0) return kEmptyTupleNode;
      if (arg_kind(0) == Kind::kTuple) return arg(0);
      if (arg_kind(0) != Kind::kList) return kNoNode;
      if (d.item_count(arg(0)) == 0) return kEmptyTupleNode;
      std::vector<uint32_t> copy(d.items(arg(0)), d.items(arg(0)) + d.item_count(arg(0)));
      uint32_t t = d.add_container(Kind::kTuple, offset);
      d.append_items(t, copy.data(), copy.size());
      return t;
    }
    if (name == "bytearray" || name == "bytes") {
      Kind kind = name == "bytes" ? Kind::kBytes : Kind::kByteArray;
      if (nargs == 0) return make_bytes_like(d, kind, {}, offset);
      if (nargs == 1 && (arg_kind(0) == Kind::kBytes || arg_kind(0) == Kind::kByteArray)) {
        const Node& b = d.node(arg(0));
        if (kind == Kind::kBytes && b.kind == Kind::kBytes) return arg(0);
        uint32_t made = d.add_payload(kind, b.u.bytes.ptr, b.u.bytes.len, offset);  // immutable: share the payload
        // bytes(bytearray) copies into a new object: never CPython's one-byte singleton.
        if (kind == Kind::kBytes && b.u.bytes.len == 1) d.node(made).flags |= kFlagFreshByte;
        return made;
      }
      if (nargs == 2 && arg_kind(0) == Kind::kStr && arg_kind(1) == Kind::kStr && is_latin1_name(text_of(d, arg(1)))) {
        std::string out;
        if (!utf8_to_latin1(text_of(d, arg(0)), &out))
          throw_error(ErrorCode::kBadArgument,
                      std::string(name) + "(str, 'latin-1'): the str has characters above U+00FF", offset, opcode);
        return make_bytes_like(d, kind, out, offset);
      }
      return kNoNode;
    }
    if (name == "getattr" && nargs == 2 && arg_kind(0) == Kind::kGlobal && arg_kind(1) == Kind::kStr) {
      const uint32_t parent = arg(0), attr = arg(1);
      const Node& g = d.node(parent);
      std::string_view gall = text_of(d, parent);
      std::string qual(gall.substr(g.aux));
      qual.push_back('.');
      std::string_view last = text_of(d, attr);
      qual.append(last);
      std::string gmodule(gall.substr(0, g.aux));
      // Below protocol 4 CPython writes nested classes and functions this way too, and the stream
      // does not say which it is: under a non-builtins parent, a CapWords name (an upper-case
      // letter first, a lower-case one after it) is read as a nested class; any other name as an
      // attribute that reduces through getattr (a method, an ALL_CAPS enum member). README "The
      // fidelity rule".
      bool method = d.protocol >= 4 || gmodule == "builtins" || !cap_words(last);
      uint32_t made = d.add_global(gmodule, qual, offset, /*interned=*/false);
      d.node(made).flags |= kFlagGetattr | (method ? kFlagGetattrMethod : 0);
      // A Python method's or enum member's re-pickle names it with its interned __name__ / _name_
      // (a builtin type's method makes its own: interned for a method descriptor, str.upper, a new
      // str for a builtin classmethod, dict.fromkeys; the stream written by CPython shows which).
      bool python_name = method && gmodule != "builtins";
      d.getattr_args.emplace(made, std::pair{parent, python_name ? interned_str(d, attr, true) : attr});
      return made;
    }
    return kNoNode;
  }
  if (module == "_codecs" && name == "encode") {
    if (nargs == 2 && arg_kind(0) == Kind::kStr && arg_kind(1) == Kind::kStr && is_latin1_name(text_of(d, arg(1)))) {
      std::string out;
      if (!utf8_to_latin1(text_of(d, arg(0)), &out))
        throw_error(ErrorCode::kBadArgument, "_codecs.encode(str, 'latin1'): the str has characters above U+00FF",
                    offset, opcode);
      return make_bytes_like(d, Kind::kBytes, out, offset);
    }
    return kNoNode;
  }
  if (module == "copyreg" && name == "_reconstructor") {
    // _reconstructor(cls, base, state) as copyreg._reduce_ex makes it: base object with no state,
    // or list/dict with list(obj)/dict(obj), which become the object's items (copied: the state is
    // a value of its own in the stream).
    if (nargs != 3 || arg_kind(0) != Kind::kGlobal) return kNoNode;
    const uint32_t cls = arg(0), base = arg(1), state = arg(2);
    const bool list = is_global(d, base, "builtins", "list") && d.node(state).kind == Kind::kList;
    const bool dict = is_global(d, base, "builtins", "dict") && d.node(state).kind == Kind::kDict;
    if (!list && !dict && builtin_base_matches(d, base, state)) {
      uint32_t args = d.add_container(Kind::kTuple, offset);
      d.append_items(args, &state, 1);
      uint32_t obj = d.add_object(MadeBy::kNewObj, cls, args, offset);
      d.node(obj).flags |= kFlagBuiltinBase | (d.protocol >= 2 ? kFlagReconstructor : 0);
      return obj;
    }
    if (!list && !dict && !(is_global(d, base, "builtins", "object") && state == kNoneNode)) return kNoNode;
    uint32_t obj = d.add_object(MadeBy::kNewObj, cls, kEmptyTupleNode, offset);
    if (d.protocol >= 2) d.node(obj).flags |= kFlagReconstructor;
    if (list || dict) {
      uint32_t items = d.add_container(list ? Kind::kList : Kind::kDict, offset);
      std::vector<uint32_t> copy(d.items(state), d.items(state) + d.item_count(state) * (dict ? 2 : 1));
      if (list) {
        d.append_items(items, copy.data(), copy.size());
        d.object(obj).list_items = items;
      } else {
        for (size_t i = 0; i < copy.size(); i += 2) d.set_dict_item(items, copy[i], copy[i + 1]);
        d.object(obj).dict_items = items;
      }
    }
    return obj;
  }
  return kNoNode;
}

// A class whose __getnewargs_ex__ gives keyword arguments, pickled at protocol 2 or 3: CPython writes
// functools.partial(getattr(cls, '__new__'), cls, *args, **kwargs)() -- the partial built by REDUCE
// and its BUILD state (func, (cls, *args), kwargs, None), then called with no arguments. Read as
// the NEWOBJ_EX(cls, args, kwargs) it stands for, so a re-dump writes what CPython writes for the
// object at each protocol (NEWOBJ_EX at 4+, the partial at 2-3, _reconstructor below).
uint32_t reduce_partial_new_ex(DocumentImpl& d, uint32_t callable, uint32_t args, uint64_t offset) {
  if (d.node(callable).kind != Kind::kObject || d.node(args).kind != Kind::kTuple || d.item_count(args) != 0)
    return kNoNode;
  const ObjectData& p = d.object(callable);
  if (p.how != MadeBy::kReduce || !is_global(d, p.callable, "functools", "partial") || p.state == kNoNode ||
      p.state_setter != kNoNode || p.list_items != kNoNode || p.dict_items != kNoNode)
    return kNoNode;
  const uint32_t state = p.state;
  if (d.node(state).kind != Kind::kTuple || d.item_count(state) != 4) return kNoNode;
  const uint32_t func = d.items(state)[0], fargs = d.items(state)[1], kwargs = d.items(state)[2];
  const uint32_t extra = d.items(state)[3];
  if (d.node(func).kind != Kind::kGlobal || !(d.node(func).flags & kFlagGetattr) || extra != kNoneNode ||
      d.node(fargs).kind != Kind::kTuple || d.item_count(fargs) < 1 || d.node(kwargs).kind != Kind::kDict ||
      d.item_count(kwargs) == 0)
    return kNoNode;
  auto ga = d.getattr_args.find(func);
  if (ga == d.getattr_args.end() || text_of(d, ga->second.second) != "__new__") return kNoNode;
  const uint32_t cls = ga->second.first;
  if (d.items(fargs)[0] != cls) return kNoNode;
  uint32_t new_args = kEmptyTupleNode;
  if (d.item_count(fargs) > 1) {
    std::vector<uint32_t> rest(d.items(fargs) + 1, d.items(fargs) + d.item_count(fargs));
    new_args = d.add_container(Kind::kTuple, offset);
    d.append_items(new_args, rest.data(), rest.size());
  }
  uint32_t obj = d.add_object(MadeBy::kNewObjEx, cls, new_args, offset);
  d.object(obj).kwargs = kwargs;
  intern_keys(d, kwargs, false);  // (longer keyword names: as the attribute names BUILD sets)
  return obj;
}

}  // namespace picklejar::internal
