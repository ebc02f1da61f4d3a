// The pickler's core: tasks, output and framing, the memo, and the builtin types but objects and
// globals (pickler_objects.cc). See pickler.h.
#include "model/value_access.h"
#include "pickle/pickler.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "base/py_repr.h"
#include "base/utf8.h"
#include "pickle/globals.h"

namespace picklejar::internal {
namespace {

// CPython keeps these as shared singletons, so equal ones are one object (and one memo entry) in a
// graph Python loaded: the empty str and one-character strs below U+0100, the empty bytes and
// one-byte bytes (except those BINBYTES & co. read: CPython's unpickler allocates them), and apart
// from them the interned names (kFlagInternedStr). Returns their key, or an empty string for an
// ordinary object.
// Globals are one object per (module, qualname), whichever document names them.
std::string singleton_key(const Node& n) {
  if (n.kind == Kind::kBytes && (n.u.bytes.len == 0 || (n.u.bytes.len == 1 && !(n.flags & internal::kFlagFreshByte))))
    return std::string("b") + std::string(text_of(n));
  if (n.kind == Kind::kStr) {
    std::string_view s = text_of(n);
    if (n.flags & internal::kFlagInternedStr) return std::string("i") + std::string(s);
    auto lead = s.empty() ? 0 : static_cast<uint8_t>(s[0]);
    bool one_char = s.size() == 1 || (s.size() == 2 && (lead == 0xc2 || lead == 0xc3));
    if (s.empty() || (one_char && !(n.flags & internal::kFlagFreshStr))) return std::string("s") + std::string(s);
  }
  if (n.kind == Kind::kGlobal && !(n.flags & kFlagGetattr)) {  // a getattr result is its own object
    std::string_view all = text_of(n);
    std::string key = "g";
    key.append(all.substr(0, n.aux)).push_back('\0');
    key.append(all.substr(n.aux));
    return key;
  }
  return {};
}

}  // namespace

Pickler::Pickler(const DumpOptions& o, ByteSink& sink, PicklerMode mode, SaverList savers)
    : opt_(o), mode_(mode), savers_(savers.begin(), savers.end()), proto_(o.protocol), sink_(sink),
      hash_key_(py_hash_key(o.hash_seed)) {
  if (proto_ < 0 || proto_ > 5)
    throw_error(ErrorCode::kInvalidArgument, "pickle protocol must be 0-5, not " + std::to_string(proto_));
  if (savers_.size() > 255) throw_error(ErrorCode::kInvalidArgument, "at most 255 savers");
}

void Pickler::push_resume(Saver* saver, uint32_t code, const DocumentImpl* d, uint32_t id) {
  auto it = std::find(savers_.begin(), savers_.end(), saver);
  if (it == savers_.end()) throw_error(ErrorCode::kInvalidArgument, "push_resume: not a saver of this Pickler");
  push(T::kResume, d, id, code, static_cast<uint8_t>(it - savers_.begin()));
}

DocumentImpl& Pickler::scratch() {
  if (!scratch_) scratch_ = std::make_unique<DocumentImpl>();
  return *scratch_;
}


void Pickler::dump(const Value& root) {
  if (!root.valid()) throw_error(ErrorCode::kInvalidArgument, "dump: invalid Value");
  root_doc_ = internal::impl_of(root);
  memo_.assign_zeros(root_doc_->node_count());
  if (proto_ >= 2) {
    uint8_t p[2] = {static_cast<uint8_t>(Op::PROTO), static_cast<uint8_t>(proto_)};
    write(p, 2);
  }
  framing_ = proto_ >= 4;
  push_save(internal::impl_of(root), root.id(), true);
  run();
  op(Op::STOP);
  commit_frame();
  flush();
}


void Pickler::run() {
  while (!tasks_.empty()) {
    Task t = tasks_.back();
    tasks_.pop_back();
    switch (t.type) {
      case T::kSave: save(t.doc, t.a, t.b != 0); break;
      case T::kOp: op(static_cast<Op>(t.a)); break;
      case T::kMemoize: memo_put(t.doc, t.a); break;
      case T::kMemoizeFresh: memo_put_fresh(); break;
      case T::kTupleEnd: tuple_end(t.doc, t.a, t.b); break;
      case T::kFrozenSetEnd: frozenset_end(t.doc, t.a); break;
      case T::kReduceEnd: reduce_end(t.doc, t.a); break;
      case T::kBatchList: batch_list(t.doc, t.a, t.b, t.flag); break;
      case T::kBatchDict: batch_dict(t.doc, t.a, t.b, t.flag); break;
      case T::kBatchSet: batch_set(t.doc, t.a, t.b); break;
      case T::kGlobalEnd: memo_put(t.doc, t.a); break;
      case T::kPersEnd: persid_end(t.doc, t.a); break;
      case T::kFreshTupleEnd: fresh_tuple_end(t.a); break;
      case T::kFreshList: fresh_list(t.doc, t.a); break;
      case T::kInternedStr: save_made_str(strs_[t.a].first, strs_[t.a].second); break;
      case T::kLatin1Str: save_latin1_str(t.doc, t.a); break;
      case T::kPartialEnd: partial_end(t.doc, t.a); break;
      case T::kFreshListOf: fresh_list_of(t.doc, t.a); break;
      case T::kFreshDictOf: fresh_dict_of(t.doc, t.a); break;
      case T::kResume: savers_[t.flag]->resume(*this, t.b, t.doc, t.a); break;
      case T::kFastLeave: fast_open_.erase({t.doc, t.a}); break;
    }
  }
}

void Pickler::commit_frame() {
  if (!framing_ || frame_start_ < 0) return;
  size_t start = static_cast<size_t>(frame_start_);
  size_t len = buf_.size() - start - kFrameHeader;
  if (len >= kFrameSizeMin) {
    buf_[start] = static_cast<uint8_t>(Op::FRAME);
    uint64_t l = len;
    for (int i = 0; i < 8; ++i) buf_[start + 1 + i] = static_cast<uint8_t>(l >> (8 * i));
  } else {
    std::memmove(buf_.data() + start, buf_.data() + start + kFrameHeader, len);
    buf_.resize(buf_.size() - kFrameHeader);
  }
  frame_start_ = -1;
}

void Pickler::opcode_boundary() {
  if (!framing_) {  // protocols 0-3: hand the output over as it grows, as frames do at 4+
    if (buf_.size() >= kFlushBytes) flush();
    return;
  }
  if (frame_start_ < 0) return;
  if (buf_.size() - static_cast<size_t>(frame_start_) - kFrameHeader >= kFrameSizeTarget) {
    commit_frame();
    if (buf_.size() >= kFlushBytes) flush();
  }
}

void Pickler::flush() {
  if (frame_start_ >= 0) return;  // an open frame's header is not final yet
  if (!buf_.empty()) sink_write(buf_.data(), buf_.size());
  buf_.clear();
}

// A header and payload; a payload of 64 KiB or more goes outside any frame (C _Pickler_write_bytes).
void Pickler::write_bytes(const uint8_t* header, size_t hn, const uint8_t* data, size_t n) {
  if (n >= kFrameSizeTarget) {
    commit_frame();
    bool framing = framing_;
    framing_ = false;
    write(header, hn);
    flush();
    sink_write(data, n);
    framing_ = framing;
  } else {
    write(header, hn);
    write(data, n);
  }
}

// An opcode byte, text, and a terminator ("p12\n", "L123L\n").
void Pickler::write_decimal_line(char opcode, const std::string& text, std::string_view end) {
  std::string line;
  line.reserve(text.size() + 4);
  line.push_back(opcode);
  line.append(text);
  line.append(end);
  write(line.data(), line.size());
}


// ---- memo (FORMATS.md "Memoization")
// Memo identity: node identity, except CPython's singletons (by value). Flat array for the root's
// document; a map for values of other documents (persistent ids may come from anywhere).
uint32_t* Pickler::memo_slot(const DocumentImpl* d, uint32_t id) {
  std::string key = singleton_key(d->node(id));
  if (!key.empty()) return &interned_[key];
  if (!savers_.empty() && d->tag(id) != kTagNone) {
    for (Saver* s : savers_) {
      std::string k = s->memo_key(d, id);
      if (!k.empty()) return &interned_["\x01" + k];  // \x01: apart from the singleton keys
    }
  }
  if (d == root_doc_) {
    if (id >= memo_.size()) memo_.resize(d->node_count());
    return &memo_[id];
  }
  return &foreign_[{d, id}];
}

void Pickler::write_put(uint64_t idx) {
  if (proto_ >= 4) {
    op(Op::MEMOIZE);
  } else if (proto_ == 0) {
    write_decimal_line('p', std::to_string(idx), "\n");
  } else if (idx < 256) {
    uint8_t b = static_cast<uint8_t>(idx);
    op_arg(Op::BINPUT, &b, 1);
  } else {
    uint8_t b[4];
    le(b, idx, 4);
    op_arg(Op::LONG_BINPUT, b, 4);
  }
}

void Pickler::memo_put(const DocumentImpl* d, uint32_t id) {
  if (opt_.fast) return;  // Pickler.fast: nothing memoized, so nothing is ever a GET
  uint32_t* slot = memo_slot(d, id);
  *slot = static_cast<uint32_t>(memo_count_ + 1);
  write_put(memo_count_++);
}

void Pickler::memo_put_key(const std::string& key) {
  if (opt_.fast) return;
  interned_[key] = static_cast<uint32_t>(memo_count_ + 1);
  write_put(memo_count_++);
}

void Pickler::write_get(uint64_t idx) {
  if (proto_ == 0) {
    write_decimal_line('g', std::to_string(idx), "\n");
  } else if (idx < 256) {
    uint8_t b = static_cast<uint8_t>(idx);
    op_arg(Op::BINGET, &b, 1);
  } else {
    uint8_t b[4];
    le(b, idx, 4);
    op_arg(Op::LONG_BINGET, b, 4);
  }
}


// ---- save
void Pickler::save(const DocumentImpl* d, uint32_t id, bool pers) {
  if (!savers_.empty() && d->node(id).kind == Kind::kObject) {
    for (Saver* s : savers_)
      if (s->intercept(*this, d, id)) return;
  }
  opcode_boundary();
  if (pers && opt_.persistent_id) {
    Value pid = opt_.persistent_id(internal::make_value(d, id));
    if (pid.valid()) {
      save_pers(internal::impl_of(pid), pid.id());
      return;
    }
  }
  const Node& n = d->node(id);
  if (is_number(n.kind)) {  // never memoized
    write_number(d, id);
    return;
  }
  if (id == kEmptyTupleNode || (n.kind == Kind::kTuple && d->item_count(id) == 0)) {
    empty_container(Op::EMPTY_TUPLE, Op::TUPLE);
    return;
  }
  if (in_memo(d, id)) {
    memo_get(d, id);
    return;
  }
  if (opt_.fast && holds_values(n.kind)) {
    // Without a memo a value that holds itself would be written inside itself without end.
    if (!fast_open_.insert({d, id}).second)
      throw_error(ErrorCode::kUnsupported,
                  "a value that holds itself cannot be pickled without a memo (DumpOptions::fast; CPython raises "
                  "ValueError)");
    push(T::kFastLeave, d, id);  // runs once everything the save below pushes is written
  }
  switch (n.kind) {
    case Kind::kStr: save_str(d, id); return;
    case Kind::kBytes: save_bytes(d, id); return;
    case Kind::kByteArray: save_bytearray(d, id); return;
    case Kind::kTuple: save_tuple(d, id); return;
    case Kind::kList: save_list(d, id); return;
    case Kind::kDict: save_dict(d, id); return;
    case Kind::kSet: save_set(d, id); return;
    case Kind::kFrozenSet: save_frozenset(d, id); return;
    case Kind::kGlobal: save_global(d, id); return;
    case Kind::kObject: save_object(d, id); return;
    case Kind::kPersistentId: save_pers(d, n.aux); return;
    case Kind::kBuffer: save_buffer(d, id); return;
    default: throw_error(ErrorCode::kUnsupported, "cannot pickle a value of kind " + std::string(kind_name(n.kind)));
  }
}


// Items of a container in the order CPython writes them: a set's or frozenset's in the order a
// CPython set built from them iterates (FORMATS.md: sets are written in hash-table order).
const uint32_t* Pickler::seq_items(const DocumentImpl* d, uint32_t id) {
  Kind k = d->node(id).kind;
  if (k != Kind::kSet && k != Kind::kFrozenSet) return d->items(id);
  auto key = std::pair{d, id};
  auto it = set_orders_.find(key);
  if (it == set_orders_.end())
    it = set_orders_.emplace(key, py_set_order(*d, d->items(id), d->item_count(id), hash_key_)).first;
  return it->second.data();
}


void Pickler::save_bool(bool b) {
  if (proto_ >= 2) {
    op(b ? Op::NEWTRUE : Op::NEWFALSE);
  } else {
    const char* s = b ? "I01\n" : "I00\n";
    write(s, 4);
  }
}


void Pickler::save_int(const DocumentImpl& d, uint32_t id) {
  const Node& n = d.node(id);
  bool big = n.flags & kFlagBigInt;
  if (!big) {
    int64_t v = n.u.i;
    if (proto_ >= 1) {
      if (v >= 0 && v <= 0xff) {
        uint8_t b = static_cast<uint8_t>(v);
        op_arg(Op::BININT1, &b, 1);
        return;
      }
      if (v >= 0 && v <= 0xffff) {
        uint8_t b[2];
        le(b, static_cast<uint64_t>(v), 2);
        op_arg(Op::BININT2, b, 2);
        return;
      }
      if (v >= INT32_MIN && v <= INT32_MAX) {
        uint8_t b[4];
        le(b, static_cast<uint64_t>(v), 4);
        op_arg(Op::BININT, b, 4);
        return;
      }
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      write_decimal_line('I', std::to_string(v), "\n");
      return;
    }
  }
  if (proto_ >= 2 && !big) {
    // LONG1 of a 64-bit value: its minimal little-endian two's complement (what CPython's
    // encode_long gives: (bit length / 8) + 1 bytes, less a redundant 0xff), without allocating.
    uint8_t h[16] = {static_cast<uint8_t>(Op::LONG1)};
    le(h + 2, static_cast<uint64_t>(n.u.i), 8);
    size_t len = 8;
    while (len > 1 && ((h[1 + len] == 0 && !(h[len] & 0x80)) || (h[1 + len] == 0xff && (h[len] & 0x80)))) --len;
    h[1] = static_cast<uint8_t>(len);
    write16(h, 2 + len);
    return;
  }
  if (proto_ >= 2) {
    std::vector<uint8_t> bytes = int_to_bytes(d, id);
    if (bytes.size() < 256) {
      uint8_t h[2] = {static_cast<uint8_t>(Op::LONG1), static_cast<uint8_t>(bytes.size())};
      write(h, 2);
    } else {
      if (bytes.size() > 0x7fffffff) throw_error(ErrorCode::kUnsupported, "int too large to pickle");
      uint8_t h[5] = {static_cast<uint8_t>(Op::LONG4)};
      le(h + 1, bytes.size(), 4);
      write(h, 5);
    }
    write(bytes.data(), bytes.size());
    return;
  }
  // Protocols 0 and 1 write the decimal text, which CPython 3.11 refuses past 4300 digits.
  std::string dec = internal::make_value(&d, id).int_decimal(opt_.limits.max_int_digits);
  write_decimal_line('L', dec, "L\n");
}


void Pickler::save_float(double f) {
  if (proto_ >= 1) {
    uint64_t bits;
    std::memcpy(&bits, &f, 8);
    uint8_t b[16] = {static_cast<uint8_t>(Op::BINFLOAT)};
    bits = __builtin_bswap64(bits);  // big-endian
    std::memcpy(b + 1, &bits, 8);
    write16(b, 9);
  } else {
    std::string s = "F" + float_repr(f) + "\n";
    write(s.data(), s.size());
  }
}


// The str opcode for UTF-8 text `s` (FORMATS.md "Strings and byte strings").
void Pickler::write_str(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  size_t n = s.size();
  if (proto_ == 0) {
    std::string out = "V";
    for_each_code_point(s, [&](uint32_t c, size_t, size_t) {
      if (c >= 0x10000) {
        out += "\\U";
        append_hex(out, c, 8);
      } else if (c >= 0x100 || c == '\\' || c == 0 || c == '\n' || c == '\r' || c == 0x1a) {
        out += "\\u";
        append_hex(out, c, 4);
      } else {
        out += static_cast<char>(c);
      }
    });
    out += '\n';
    write(out.data(), out.size());
    return;
  }
  if (proto_ >= 4 && n < 256) {
    uint8_t h[2] = {static_cast<uint8_t>(Op::SHORT_BINUNICODE), static_cast<uint8_t>(n)};
    write_bytes(h, 2, p, n);
  } else if (n <= 0xffffffffu) {
    uint8_t h[5] = {static_cast<uint8_t>(Op::BINUNICODE)};
    le(h + 1, n, 4);
    write_bytes(h, 5, p, n);
  } else if (proto_ >= 4) {
    uint8_t h[9] = {static_cast<uint8_t>(Op::BINUNICODE8)};
    le(h + 1, n, 8);
    write_bytes(h, 9, p, n);
  } else {
    throw_error(ErrorCode::kUnsupported, "cannot serialize a string larger than 4 GiB below protocol 4");
  }
}


void Pickler::save_str(const DocumentImpl* d, uint32_t id) {
  write_str(text_of(d->node(id)));
  memo_put(d, id);
}


// A str the dump makes (global names at protocol 4+, 'latin1', getattr's name). Equal strs with
// the same non-empty key are one object; an empty key makes a new object each time (a
// one-character str is still CPython's singleton).
void Pickler::save_made_str(const std::string& key_in, const std::string& s) {
  opcode_boundary();
  std::string key = key_in;
  if (s.empty() || s.size() == 1 ||
      (s.size() == 2 && (static_cast<uint8_t>(s[0]) == 0xc2 || static_cast<uint8_t>(s[0]) == 0xc3)))
    key = "s" + s;
  if (!key.empty()) {
    auto it = interned_.find(key);
    if (it != interned_.end() && it->second) {
      write_get(it->second - 1);
      return;
    }
  }
  write_str(s);
  if (key.empty()) {
    memo_put_fresh();
  } else {
    memo_put_key(key);
  }
}

uint32_t Pickler::intern(std::string key, std::string text) {
  strs_.emplace_back(std::move(key), std::move(text));
  return static_cast<uint32_t>(strs_.size() - 1);
}


void Pickler::write_bytes_op(const uint8_t* p, uint64_t n) {
  if (n < 256) {
    uint8_t h[2] = {static_cast<uint8_t>(Op::SHORT_BINBYTES), static_cast<uint8_t>(n)};
    write_bytes(h, 2, p, n);
  } else if (n <= 0xffffffffu) {
    uint8_t h[5] = {static_cast<uint8_t>(Op::BINBYTES)};
    le(h + 1, n, 4);
    write_bytes(h, 5, p, n);
  } else if (proto_ >= 4) {
    uint8_t h[9] = {static_cast<uint8_t>(Op::BINBYTES8)};
    le(h + 1, n, 8);
    write_bytes(h, 9, p, n);
  } else {
    throw_error(ErrorCode::kUnsupported, "cannot serialize a bytes object larger than 4 GiB below protocol 4");
  }
}


// A global made for the dump (builtins.set, _codecs.encode, ...), saved as CPython saves it.
void Pickler::push_global(std::string_view module, std::string_view name) {
  uint32_t g = scratch().add_global(module, name, Error::kNoOffset);
  push_save(scratch_doc(), g, false);
}


void Pickler::save_bytes(const DocumentImpl* d, uint32_t id) {
  const Node& n = d->node(id);
  if (proto_ >= 3) {
    write_bytes_op(n.u.bytes.ptr, n.u.bytes.len);
    memo_put(d, id);
    return;
  }
  // Protocols 0-2: bytes() or _codecs.encode(bytes.decode('latin1'), 'latin1') as a reduce.
  push(T::kReduceEnd, d, id, 0, kFreshReduce);
  if (n.u.bytes.len == 0) {
    push_save(scratch_doc(), kEmptyTupleNode, false);
    push_global("builtins", "bytes");
  } else {
    push(T::kFreshTupleEnd, nullptr, 2);
    push(T::kInternedStr, nullptr, latin1_);
    push(T::kLatin1Str, d, id);
    if (proto_ < 2) push_op(Op::MARK);
    push_global("_codecs", "encode");
  }
}

void Pickler::save_latin1_str(const DocumentImpl* d, uint32_t id) {
  const Node& n = d->node(id);
  std::string s;
  s.reserve(n.u.bytes.len * 2);
  for (uint64_t i = 0; i < n.u.bytes.len; ++i) append_utf8(s, n.u.bytes.ptr[i]);
  save_made_str("", s);
}


void Pickler::save_bytearray(const DocumentImpl* d, uint32_t id) {
  const Node& n = d->node(id);
  if (proto_ >= 5) {
    uint8_t h[9] = {static_cast<uint8_t>(Op::BYTEARRAY8)};
    le(h + 1, n.u.bytes.len, 8);
    write_bytes(h, 9, n.u.bytes.ptr, n.u.bytes.len);
    memo_put(d, id);
    return;
  }
  // bytearray() or bytearray(bytes(obj)); bytes(obj) is a new bytes object, even of one byte (the
  // C pickler copies the bytearray's buffer into a new object, never the one-byte singleton).
  push(T::kReduceEnd, d, id, 0, kFreshReduce);
  if (n.u.bytes.len == 0) {
    push_save(scratch_doc(), kEmptyTupleNode, false);
  } else {
    DocumentImpl* s = &scratch();
    uint32_t b = s->add_payload(Kind::kBytes, n.u.bytes.ptr, n.u.bytes.len, Error::kNoOffset);
    s->node(b).flags |= kFlagFreshByte;
    push(T::kFreshTupleEnd, nullptr, 1);
    push_save(s, b, false);
    if (proto_ < 2) push_op(Op::MARK);
  }
  push_global("builtins", "bytearray");
}


void Pickler::save_buffer(const DocumentImpl* d, uint32_t id) {
  if (proto_ < 5) throw_error(ErrorCode::kUnsupported, "PickleBuffer can only be pickled with protocol >= 5");
  const Node& n = d->node(id);
  bool readonly = n.flags & kFlagReadonly;
  bool in_band = true;
  if (opt_.buffer_callback) in_band = opt_.buffer_callback(internal::make_value(d, id)) == BufferPlacement::kInBand;
  if (in_band) {
    if (readonly) {
      write_bytes_op(n.u.bytes.ptr, n.u.bytes.len);
    } else {
      uint8_t h[9] = {static_cast<uint8_t>(Op::BYTEARRAY8)};
      le(h + 1, n.u.bytes.len, 8);
      write_bytes(h, 9, n.u.bytes.ptr, n.u.bytes.len);
    }
    memo_put(d, id);
  } else {
    op(Op::NEXT_BUFFER);
    if (readonly) op(Op::READONLY_BUFFER);
  }
}


void Pickler::save_tuple(const DocumentImpl* d, uint32_t id) {
  uint32_t n = d->item_count(id);
  push(T::kTupleEnd, d, id, n);
  for (uint32_t i = n; i-- > 0;) push_save(d, d->items(id)[i]);
  if (!(proto_ >= 2 && n <= 3)) push_op(Op::MARK);
}

void Pickler::tuple_end(const DocumentImpl* d, uint32_t id, uint32_t n) {
  bool small = proto_ >= 2 && n <= 3;
  if (in_memo(d, id)) {  // reached through itself: drop what was pushed, fetch the memo
    if (small) {
      for (uint32_t i = 0; i < n; ++i) op(Op::POP);
    } else if (proto_ >= 1) {
      op(Op::POP_MARK);
    } else {
      for (uint32_t i = 0; i <= n; ++i) op(Op::POP);
    }
    memo_get(d, id);
    return;
  }
  if (small) {
    op(n == 1 ? Op::TUPLE1 : n == 2 ? Op::TUPLE2 : Op::TUPLE3);
  } else {
    op(Op::TUPLE);
  }
  memo_put(d, id);
}

// A tuple the dump makes (reduce arguments): never reached twice, so no recursion check.
void Pickler::fresh_tuple_end(uint32_t n) {
  if (proto_ >= 2 && n <= 3) {
    op(n == 1 ? Op::TUPLE1 : n == 2 ? Op::TUPLE2 : Op::TUPLE3);
  } else {
    op(Op::TUPLE);
  }
  memo_put_fresh();
}


void Pickler::save_list(const DocumentImpl* d, uint32_t id) {
  empty_container(Op::EMPTY_LIST, Op::LIST);
  memo_put(d, id);
  if (d->item_count(id) > 0) push(T::kBatchList, d, id, 0, exact());
}

void Pickler::batch_list(const DocumentImpl* d, uint32_t id, uint32_t from, uint8_t exact) {
  uint32_t n = d->item_count(id);
  if (proto_ == 0) {
    for (uint32_t i = n; i-- > 0;) {
      push_op(Op::APPEND);
      push_save(d, seq_items(d, id)[i]);
    }
    return;
  }
  if (from >= n) return;
  uint32_t end = std::min(n, from + kBatchSize);
  bool single = exact ? n == 1 : end - from == 1;
  if (end < n) push(T::kBatchList, d, id, end, exact);
  if (single) {
    push_op(Op::APPEND);
    push_save(d, seq_items(d, id)[from]);
    return;
  }
  const uint32_t* items = seq_items(d, id);
  if (!opt_.persistent_id) {
    // The leading run of None/bool/int/float items is written here, in the order the tasks
    // would write it (MARK, then each item after its opcode boundary): no task per number.
    op(Op::MARK);
    uint32_t i = from;
    for (; i < end && is_number(d->node(items[i]).kind); ++i) {
      opcode_boundary();
      write_number(d, items[i]);
    }
    push_op(Op::APPENDS);
    for (uint32_t k = end; k-- > i;) push_save(d, items[k]);
    return;
  }
  push_op(Op::APPENDS);
  for (uint32_t i = end; i-- > from;) push_save(d, items[i]);
  push_op(Op::MARK);
}

void Pickler::write_number(const DocumentImpl* d, uint32_t id) {
  const Node& n = d->node(id);
  switch (n.kind) {
    case Kind::kNone: op(Op::NONE); return;
    case Kind::kBool: save_bool(n.u.i != 0); return;
    case Kind::kInt: save_int(*d, id); return;
    default: save_float(n.u.f); return;
  }
}


void Pickler::save_dict(const DocumentImpl* d, uint32_t id) {
  empty_container(Op::EMPTY_DICT, Op::DICT);
  memo_put(d, id);
  if (d->item_count(id) > 0) push(T::kBatchDict, d, id, 0, exact());
}

// CPython's exact-dict batcher loops while a batch was full, so a dict of 1000*k pairs ends with
// an empty MARK SETITEMS; the generic batcher does not (FORMATS.md §1.5).
void Pickler::batch_dict(const DocumentImpl* d, uint32_t id, uint32_t from, uint8_t exact) {
  uint32_t n = d->item_count(id);
  auto key = [&](uint32_t i) { return d->items(id)[2 * i]; };
  auto val = [&](uint32_t i) { return d->items(id)[2 * i + 1]; };
  if (proto_ == 0) {
    for (uint32_t i = n; i-- > 0;) {
      push_op(Op::SETITEM);
      push_save(d, val(i));
      push_save(d, key(i));
    }
    return;
  }
  if (exact) {
    if (n == 1) {
      push_op(Op::SETITEM);
      push_save(d, val(0));
      push_save(d, key(0));
      return;
    }
    uint32_t end = std::min(n, from + kBatchSize);
    if (end - from == kBatchSize) push(T::kBatchDict, d, id, end, exact);
    push_op(Op::SETITEMS);
    for (uint32_t i = end; i-- > from;) {
      push_save(d, val(i));
      push_save(d, key(i));
    }
    push_op(Op::MARK);
    return;
  }
  if (from >= n) return;
  uint32_t end = std::min(n, from + kBatchSize);
  if (end < n) push(T::kBatchDict, d, id, end, exact);
  if (end - from == 1) {
    push_op(Op::SETITEM);
    push_save(d, val(from));
    push_save(d, key(from));
    return;
  }
  push_op(Op::SETITEMS);
  for (uint32_t i = end; i-- > from;) {
    push_save(d, val(i));
    push_save(d, key(i));
  }
  push_op(Op::MARK);
}


void Pickler::save_set(const DocumentImpl* d, uint32_t id) {
  if (proto_ < 4) {
    save_set_reduce(d, id, "set");
    return;
  }
  op(Op::EMPTY_SET);
  memo_put(d, id);
  if (d->item_count(id) > 0) push(T::kBatchSet, d, id, 0);
}

// do { MARK items ADDITEMS } while (batch was full): 1000*k items end with an empty batch.
void Pickler::batch_set(const DocumentImpl* d, uint32_t id, uint32_t from) {
  uint32_t n = d->item_count(id);
  uint32_t end = std::min(n, from + kBatchSize);
  if (mode_.pure_python && from >= n) return;  // pickle._Pickler writes no empty last batch
  if (end - from == kBatchSize) push(T::kBatchSet, d, id, end);
  push_op(Op::ADDITEMS);
  for (uint32_t i = end; i-- > from;) push_save(d, seq_items(d, id)[i]);
  push_op(Op::MARK);
}

// set(list(obj)) / frozenset(list(obj)) as a reduce (protocols < 4).
void Pickler::save_set_reduce(const DocumentImpl* d, uint32_t id, std::string_view name) {
  push(T::kReduceEnd, d, id, 0, kFreshReduce);
  push(T::kFreshTupleEnd, nullptr, 1);
  push(T::kFreshList, d, id);
  if (proto_ < 2) push_op(Op::MARK);
  push_global("builtins", name);
}

void Pickler::fresh_list(const DocumentImpl* d, uint32_t set_id) {
  opcode_boundary();
  empty_container(Op::EMPTY_LIST, Op::LIST);
  memo_put_fresh();
  if (d->item_count(set_id) > 0) push(T::kBatchList, d, set_id, 0, exact());
}


void Pickler::save_frozenset(const DocumentImpl* d, uint32_t id) {
  if (proto_ < 4) {
    save_set_reduce(d, id, "frozenset");
    return;
  }
  push(T::kFrozenSetEnd, d, id);
  uint32_t n = d->item_count(id);
  for (uint32_t i = n; i-- > 0;) push_save(d, seq_items(d, id)[i]);
  push_op(Op::MARK);
}

void Pickler::frozenset_end(const DocumentImpl* d, uint32_t id) {
  if (in_memo(d, id)) {
    op(Op::POP_MARK);
    memo_get(d, id);
    return;
  }
  op(Op::FROZENSET);
  memo_put(d, id);
}

uint32_t Pickler::made_payload(Kind kind, const uint8_t* p, uint64_t n) {
  return scratch().add_payload(kind, p, n, Error::kNoOffset);
}

uint32_t Pickler::made_str(std::string_view s) {
  DocumentImpl* sd = &scratch();
  return sd->add_payload(Kind::kStr, sd->copy_bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()), s.size(),
                         Error::kNoOffset);
}

uint32_t Pickler::made_tuple(const std::vector<uint32_t>& items) {
  if (items.empty()) return kEmptyTupleNode;
  DocumentImpl* sd = &scratch();
  uint32_t t = sd->add_container(Kind::kTuple, Error::kNoOffset);
  sd->append_items(t, items.data(), items.size());
  return t;
}

uint32_t Pickler::made_shape(const std::vector<int64_t>& shape) {
  std::vector<uint32_t> items;
  for (int64_t v : shape) items.push_back(made_int(v));
  return made_tuple(items);
}

void Pickler::fresh_list_of(const DocumentImpl* d, uint32_t list) {
  opcode_boundary();
  empty_container(Op::EMPTY_LIST, Op::LIST);
  memo_put_fresh();
  if (d->item_count(list) > 0) push(T::kBatchList, d, list, 0, exact());
}

void Pickler::fresh_dict_of(const DocumentImpl* d, uint32_t dict) {
  opcode_boundary();
  empty_container(Op::EMPTY_DICT, Op::DICT);
  memo_put_fresh();
  if (d->item_count(dict) > 0) push(T::kBatchDict, d, dict, 0, exact());
}

uint64_t dump_to(const Value& v, ByteSink& sink, const DumpOptions& options, const PicklerMode& mode, SaverList savers) {
  Pickler p(options, sink, mode, savers);
  p.dump(v);
  return p.written();
}

}  // namespace picklejar::internal
