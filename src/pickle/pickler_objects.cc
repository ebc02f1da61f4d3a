// The pickler's objects and globals: inert objects re-emitted as CPython re-pickles them, globals
// as CPython names them, persistent ids. See pickler.h.
#include <algorithm>
#include <string>

#include "model/value_access.h"
#include "base/py_repr.h"
#include "pickle/globals.h"
#include "pickle/pickler.h"

namespace picklejar::internal {
namespace {

// C-implemented globals (static types, builtin functions) of CPython 3.11's standard library whose
// __qualname__ has the text of their module's name: CPython makes a C global's qualname str on each
// access, so it is never the interned module str (datetime.datetime is pickled with two 'datetime'
// strs). Found by pickling every global of the standard library whose module and qualname agree.
bool c_global_named_like_its_module(std::string_view module, std::string_view name) {
  static constexpr std::string_view kModules[] = {"array", "datetime", "fcntl", "mmap", "select", "syslog", "time"};
  return module == name && std::find(std::begin(kModules), std::end(kModules), module) != std::end(kModules);
}

}  // namespace


// FORMATS.md "Globals".
void Pickler::save_global(const DocumentImpl* d, uint32_t id) {
  const Node& n = d->node(id);
  if ((n.flags & kFlagGetattr) && (proto_ < 4 || (n.flags & kFlagGetattrMethod)) && d->getattr_args.count(id)) {
    save_getattr_global(d, id);
    return;
  }
  std::string_view all = text_of(n);
  std::string module(all.substr(0, n.aux));
  std::string name(all.substr(n.aux));
  if (proto_ >= 2 && !opt_.extensions.empty() && save_extension(module, name)) return;
  if (proto_ >= 4) {
    push(T::kGlobalEnd, d, id);
    push_op(Op::STACK_GLOBAL);
    // CPython writes the object's own __module__ and __qualname__ strs. Module names are
    // interned, so one object per text (but builtin functions carry the builtins module's own
    // name, not the interned 'builtins' builtin types report). A qualname is the global's own
    // str: as the stream shared it when it came from STACK_GLOBAL; else interned for names of
    // Python-defined globals and a new str for builtins (C types make theirs on each access).
    auto it = d->global_strs.find(id);
    bool loaded = it != d->global_strs.end();
    if (!loaded) {
      auto c = canonical_global(module, name);
      module = std::string(c.first);
      name = std::string(c.second);
    }
    bool builtin = module == "builtins";
    if (c_global_named_like_its_module(module, name)) {
      push(T::kInternedStr, nullptr, intern("", name));  // a new str, not the module's
    } else if (loaded && !qualname_interned(d, it->second.second)) {
      push_save(d, it->second.second);
    } else {
      push(T::kInternedStr, nullptr, intern(builtin ? "" : "s" + name, name));
    }
    push(T::kInternedStr, nullptr,
         intern(builtin && is_builtin_function(name) ? "m" + module : "s" + module, module));
    return;
  }
  auto c = canonical_global(module, name);
  module = std::string(c.first);
  name = std::string(c.second);
  size_t dot = name.rfind('.');
  if (dot != std::string::npos) {  // a nested class: getattr(parent, lastname)
    DocumentImpl* s = &scratch();
    uint32_t parent = s->add_global(module, name.substr(0, dot), Error::kNoOffset);
    std::string last = name.substr(dot + 1);
    push(T::kGlobalEnd, d, id);
    push_op(Op::REDUCE);
    push(T::kFreshTupleEnd, nullptr, 2);
    push(T::kInternedStr, nullptr, intern("", last));
    push_save(s, parent, false);
    if (proto_ < 2) push_op(Op::MARK);
    push_global("builtins", "getattr");
    return;
  }
  if (proto_ < 3 && opt_.fix_imports) {
    auto m = map_py3_global(module, name);
    module = std::string(m.first);
    name = std::string(m.second);
  }
  if (proto_ < 3) {
    for (char c : module + name) {
      if (static_cast<uint8_t>(c) >= 0x80)
        throw_error(ErrorCode::kUnsupported, "can't pickle global identifier '" + module + "." + name +
                                                 "' using pickle protocol " + std::to_string(proto_));
    }
  }
  // GLOBAL's operands end at a newline: a module or name holding one (an inert global loaded
  // from STACK_GLOBAL, which takes any strs) would write a stream that reads back as something
  // else. No importable object has such a name.
  if (module.find('\n') != std::string::npos || name.find('\n') != std::string::npos)
    throw_error(ErrorCode::kUnsupported, "can't pickle global identifier with a newline using pickle protocol " +
                                             std::to_string(proto_) + " (GLOBAL ends its operands at newlines)");
  std::string s = "c" + module + "\n" + name + "\n";
  write(s.data(), s.size());
  memo_put(d, id);
}


// A global in DumpOptions::extensions: EXT1/EXT2/EXT4 and its code, not memoized (CPython's
// save_global looks the registry up first, by the object's module and qualname).
bool Pickler::save_extension(std::string_view module, std::string_view name) {
  if (ext_codes_.empty()) {
    for (const auto& [code, global] : opt_.extensions) ext_codes_.emplace(global, code);
  }
  auto c = canonical_global(module, name);
  auto it = ext_codes_.find({std::string(c.first), std::string(c.second)});
  if (it == ext_codes_.end() || it->second <= 0) return false;
  uint8_t b[4];
  if (it->second <= 0xff) {
    b[0] = static_cast<uint8_t>(it->second);
    op_arg(Op::EXT1, b, 1);
  } else if (it->second <= 0xffff) {
    le(b, static_cast<uint64_t>(it->second), 2);
    op_arg(Op::EXT2, b, 2);
  } else {
    le(b, static_cast<uint64_t>(it->second), 4);
    op_arg(Op::EXT4, b, 4);
  }
  return true;
}

// CPython's save_reduce of (getattr, (parent, name)) with the object: memoized after its REDUCE.
void Pickler::save_getattr_global(const DocumentImpl* d, uint32_t id) {
  auto [parent, name] = d->getattr_args.at(id);
  push(T::kGlobalEnd, d, id);
  push_op(Op::REDUCE);
  push(T::kFreshTupleEnd, nullptr, 2);
  push_save(d, name);
  push_save(d, parent);
  if (proto_ < 2) push_op(Op::MARK);
  push_global("builtins", "getattr");
}

// Whether a qualname str a STACK_GLOBAL took behaves as interned: it does unless the stream
// holds another global whose equal qualname is a different str (Cython and C functions make
// their own), in which case the stream's own sharing is kept.
bool Pickler::qualname_interned(const DocumentImpl* d, uint32_t name_node) {
  auto& seen = qualname_nodes_[d];
  if (seen.empty()) {
    for (const auto& [g, strs] : d->global_strs) {
      auto [it, fresh] = seen.emplace(std::string(text_of(d->node(strs.second))), strs.second);
      if (!fresh && it->second != strs.second) it->second = kNoNode;  // two different strs
    }
  }
  auto it = seen.find(std::string(text_of(d->node(name_node))));
  return it == seen.end() || it->second != kNoNode;
}


// Inert objects, re-emitted the way CPython re-pickles the object it would have built
// (FORMATS.md "Objects via __reduce_ex__"): REDUCE objects as they were; NEWOBJ-made objects
// through object.__reduce_ex__(protocol). INST/OBJ objects were made by calling the class; their
// default reduce is NEWOBJ with no arguments; called with arguments, CPython's re-dump holds what
// that __init__ did, which the stream does not, so they are written as REDUCE(cls, args), which
// makes the same object when Python loads it.
bool Pickler::called_with_args(const DocumentImpl* d, const ObjectData& o) {
  return (o.how == MadeBy::kInst || o.how == MadeBy::kObj) && o.args != kEmptyTupleNode &&
         d->item_count(o.args) > 0;
}

// Python's bool(state) is False: None, False, 0, 0.0, an empty str/bytes/container. Inert objects
// count as true (object's default; their class is not here to ask).
bool Pickler::falsy(const DocumentImpl* d, uint32_t id) {
  const Node& n = d->node(id);
  switch (n.kind) {
    case Kind::kNone: return true;
    case Kind::kBool: return n.u.i == 0;
    case Kind::kInt: return !(n.flags & kFlagBigInt) && n.u.i == 0;
    case Kind::kFloat: return n.u.f == 0.0;
    case Kind::kStr: case Kind::kBytes: case Kind::kByteArray: return n.u.bytes.len == 0;
    case Kind::kTuple: return id == kEmptyTupleNode || d->item_count(id) == 0;
    case Kind::kList: case Kind::kDict: case Kind::kSet: case Kind::kFrozenSet: return d->item_count(id) == 0;
    default: return false;
  }
}

bool Pickler::reconstructs(const DocumentImpl* d, uint32_t id) const {
  const ObjectData& o = d->object(id);
  return o.how != MadeBy::kReduce && !called_with_args(d, o) &&
         (proto_ < 2 || (d->node(id).flags & kFlagReconstructor));
}

MadeBy Pickler::dump_how(const DocumentImpl* d, uint32_t id) const {
  const ObjectData& o = d->object(id);
  MadeBy how = o.how;
  if (how == MadeBy::kInst || how == MadeBy::kObj) how = called_with_args(d, o) ? MadeBy::kReduce : MadeBy::kNewObj;
  if (how == MadeBy::kReduce) return how;
  if (reconstructs(d, id)) return MadeBy::kReduce;                     // copyreg._reconstructor
  if (how == MadeBy::kNewObjEx && proto_ < 4) return MadeBy::kReduce;  // functools.partial
  return how;
}

// A tuple made for the dump from `items` (pushed so its opcodes come next).
void Pickler::push_fresh_tuple(const std::vector<std::pair<const DocumentImpl*, uint32_t>>& items) {
  uint32_t n = static_cast<uint32_t>(items.size());
  if (n == 0) {
    push_save(scratch_doc(), kEmptyTupleNode, false);
    return;
  }
  push(T::kFreshTupleEnd, nullptr, n);
  for (uint32_t i = n; i-- > 0;) push_save(items[i].first, items[i].second);
  if (!(proto_ >= 2 && n <= 3)) push_op(Op::MARK);
}

std::vector<std::pair<const DocumentImpl*, uint32_t>> Pickler::items_of(const DocumentImpl* d, uint32_t tuple) {
  std::vector<std::pair<const DocumentImpl*, uint32_t>> v;
  for (uint32_t i = 0, n = d->item_count(tuple); i < n; ++i) v.emplace_back(d, d->items(tuple)[i]);
  return v;
}


void Pickler::save_object(const DocumentImpl* d, uint32_t id) {
  if (d->tag(id) != kTagNone) {
    for (Saver* s : savers_)
      if (s->save_object(*this, d, id)) return;
  }
  const ObjectData& o = d->object(id);
  MadeBy how = dump_how(d, id);
  // Met again while its own arguments are being written (reachable from them): CPython calls
  // __reduce_ex__ again, which returns a new argument tuple, so the args are written as a fresh
  // tuple; the outer call then writes (and memoizes) the args node, and ends with POP + GET.
  bool reentered = !open_objects_.insert({d, id}).second;
  // A stream that held both calls (ObjectData::reentry_args) gives the outer one its own arguments.
  uint32_t args = !reentered && o.reentry_args != kNoNode ? o.reentry_args : o.args;
  auto push_args = [&] {
    if (reentered) {
      push_fresh_tuple(items_of(d, o.args));
    } else {
      push_save(d, args);
    }
  };
  push(T::kReduceEnd, d, id);
  if (o.how == MadeBy::kReduce || called_with_args(d, o)) {
    push_args();
    push_save(d, o.callable);
    return;
  }
  if (reconstructs(d, id)) {
    // copyreg._reconstructor(cls, base, state): base is object, or list/dict for subclasses
    // that carry items (their items then go into `state`, not APPENDS/SETITEMS). The state is
    // list(obj) / dict(obj), a new container on each reduce: an object reached again through its
    // own items writes a second one (CPython's `(lp10 g7 a` inside the first).
    if (o.state != kNoNode && is_slot_state(d, o.state))
      throw_error(ErrorCode::kUnsupported,
                  "cannot pickle an object with __slots__ state below protocol 2 (CPython raises TypeError)");
    push(T::kFreshTupleEnd, nullptr, 3);
    if (o.list_items != kNoNode) {
      push(T::kFreshListOf, d, o.list_items);
      push_global("builtins", "list");
    } else if (o.dict_items != kNoNode) {
      push(T::kFreshDictOf, d, o.dict_items);
      push_global("builtins", "dict");
    } else if (d->node(id).flags & kFlagBuiltinBase) {  // B(obj), the value NEWOBJ's args hold
      uint32_t value = d->items(args)[0];
      push_save(d, value);
      push_global("builtins", builtin_base_name(d->node(value).kind));
    } else {
      push_save(scratch_doc(), kNoneNode, false);
      push_global("builtins", "object");
    }
    push_save(d, o.callable);
    if (proto_ < 2) push_op(Op::MARK);
    push_global("copyreg", "_reconstructor");
    return;
  }
  if (how == MadeBy::kReduce) {  // NEWOBJ_EX below protocol 4: partial(cls.__new__, cls, *args, **kwargs)()
    push_save(scratch_doc(), kEmptyTupleNode, false);
    push(T::kPartialEnd, d, id);
    push(T::kFreshTupleEnd, nullptr, 1);
    push_save(scratch_doc(), new_method_of(d, o.callable), false);
    push_global("functools", "partial");
    return;
  }
  bool made_by_call = o.how == MadeBy::kInst || o.how == MadeBy::kObj;
  if (how == MadeBy::kNewObjEx) push_save(d, o.kwargs);
  if (made_by_call) {
    push_save(scratch_doc(), kEmptyTupleNode, false);
  } else {
    push_args();
  }
  push_save(d, o.callable);
}

// (dict or None, {slot: value}): the state object.__getstate__ gives an object with __slots__.
bool Pickler::is_slot_state(const DocumentImpl* d, uint32_t state) {
  const Node& n = d->node(state);
  if (n.kind != Kind::kTuple || d->item_count(state) != 2) return false;
  uint32_t first = d->items(state)[0], second = d->items(state)[1];
  Kind k0 = d->node(first).kind;
  return (k0 == Kind::kNone || k0 == Kind::kDict) && d->node(second).kind == Kind::kDict;
}

// cls.__new__ as a global (module, qualname + ".__new__"), pickled as getattr(cls, '__new__').
uint32_t Pickler::new_method_of(const DocumentImpl* d, uint32_t cls) {
  const Node& c = d->node(cls);
  if (c.kind != Kind::kGlobal)
    throw_error(ErrorCode::kUnsupported, "NEWOBJ_EX with a class that is not a global cannot be written below protocol 4");
  std::string_view all = text_of(c);
  std::string qual(all.substr(c.aux));
  qual += ".__new__";
  return scratch().add_global(all.substr(0, c.aux), qual, Error::kNoOffset);
}

// After functools.partial and (func,): REDUCE, memo, then BUILD (func, (cls, *args), kwargs, None).
void Pickler::partial_end(const DocumentImpl* d, uint32_t id) {
  const ObjectData& o = d->object(id);
  op(Op::REDUCE);
  memo_put_fresh();
  push_op(Op::BUILD);
  push(T::kFreshTupleEnd, nullptr, 4);
  push_save(scratch_doc(), kNoneNode, false);
  push_save(d, o.kwargs);
  auto args = items_of(d, o.args);
  args.insert(args.begin(), {d, o.callable});
  push_fresh_tuple(args);
  push_save(scratch_doc(), new_method_of(d, o.callable), false);
  push_op(Op::MARK);
}


void Pickler::reduce_end(const DocumentImpl* d, uint32_t id) {
  const Node& n = d->node(id);
  bool fresh = n.kind != Kind::kObject;  // set/frozenset/bytes/bytearray written as a reduce
  MadeBy how = fresh ? MadeBy::kReduce : dump_how(d, id);
  op(how == MadeBy::kReduce ? Op::REDUCE : how == MadeBy::kNewObj ? Op::NEWOBJ : Op::NEWOBJ_EX);
  if (!fresh) open_objects_.erase({d, id});
  if (in_memo(d, id)) {
    op(Op::POP);
    memo_get(d, id);
    return;
  }
  memo_put(d, id);
  if (fresh) return;
  const ObjectData& o = d->object(id);
  bool reconstructed = reconstructs(d, id);
  if (o.state != kNoNode && o.state_setter != kNoNode) {
    // CPython's save_reduce with a state_setter: state_setter(obj, state), the result popped.
    push_op(Op::POP);
    push_op(Op::REDUCE);
    push_op(Op::TUPLE2);
    push_save(d, o.state);
    push_save(d, id);
    push_save(d, o.state_setter);
  } else if (o.state != kNoNode && !(reconstructed && falsy(d, o.state))) {
    // (copyreg._reduce_ex, which makes the _reconstructor form, drops a falsy state: no BUILD.)
    for (Saver* s : savers_) s->before_build(*this, d, id);
    push_op(Op::BUILD);
    push_save(d, o.state);
  }
  if (reconstructed) return;  // list/dict items went into _reconstructor's state argument
  if (o.dict_items != kNoNode) push(T::kBatchDict, d, o.dict_items, 0, 0);
  if (o.list_items != kNoNode) push(T::kBatchList, d, o.list_items, 0, 0);
}


void Pickler::save_pers(const DocumentImpl* d, uint32_t pid) {
  if (proto_ >= 1) {
    push(T::kPersEnd, d, pid);
    push_save(d, pid, false);
    return;
  }
  // CPython writes str(pid): the str itself, else the repr of the value.
  std::string text = d->node(pid).kind == Kind::kStr ? std::string(text_of(d->node(pid))) : py_repr(d, pid, 0);
  for (char c : text) {
    if (static_cast<uint8_t>(c) >= 0x80 || c == '\n')
      throw_error(ErrorCode::kUnsupported, "persistent IDs in protocol 0 must be ASCII strings");
  }
  std::string s = "P" + text + "\n";
  write(s.data(), s.size());
}


// repr() of the plain values a protocol 0 persistent id may hold.
std::string Pickler::py_repr(const DocumentImpl* d, uint32_t id, int depth) {
  if (depth > 100) throw_error(ErrorCode::kLimitExceeded, "persistent id nests too deeply");
  const Node& n = d->node(id);
  switch (n.kind) {
    case Kind::kNone: return "None";
    case Kind::kBool: return n.u.i ? "True" : "False";
    case Kind::kInt: return internal::make_value(d, id).int_decimal(opt_.limits.max_int_digits);
    case Kind::kFloat: return float_repr(n.u.f);
    case Kind::kStr: return repr_str(text_of(n));  // non-ASCII text is refused by the caller, as CPython does
    case Kind::kBytes: return repr_bytes(text_of(n));
    case Kind::kTuple:
    case Kind::kList: {
      bool tuple = n.kind == Kind::kTuple;
      uint32_t count = id == kEmptyTupleNode ? 0 : d->item_count(id);
      std::string out = tuple ? "(" : "[";
      for (uint32_t i = 0; i < count; ++i) {
        if (i) out += ", ";
        out += py_repr(d, d->items(id)[i], depth + 1);
      }
      if (tuple && count == 1) out += ",";
      out += tuple ? ")" : "]";
      return out;
    }
    default:
      throw_error(ErrorCode::kUnsupported, "protocol 0 persistent ids are written as str(pid); a " +
                                               std::string(kind_name(n.kind)) + " inside one is not supported");
  }
}

}  // namespace picklejar::internal
