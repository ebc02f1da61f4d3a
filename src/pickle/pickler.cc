// The pickler: writes a value graph as CPython 3.11's C pickler (`pickle.dumps`) writes the same
// Python objects, byte for byte. See FORMATS.md §1.3-1.5 for the facts this follows.
//
// CPython's save() recurses; this writer is iterative: a stack of tasks, where a task either
// saves one value or continues a value whose parts have been saved (a tuple's closing opcode, a
// reduce's memo and BUILD, the next batch of 1000 items). Continuations push their follow-ups
// when they run, so a recursive tuple or object can skip what CPython skips.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "model/document_impl.h"
#include "model/pyhash.h"
#include "numpy/numpy.h"
#include "io/atomic_file.h"
#include "joblib/wrapper.h"
#include "pickle/globals.h"
#include "pickle/opcode_table.h"
#include "pickle/pickler.h"
#include "picklejar/pickle.h"

namespace picklejar {
namespace {

using internal::DocumentImpl;
using internal::kNoNode;
using internal::Node;
using internal::ObjectData;
using internal::Op;
using internal::throw_error;

constexpr size_t kFrameSizeTarget = 64 * 1024;  // _FRAME_SIZE_TARGET
constexpr size_t kFrameSizeMin = 4;             // _FRAME_SIZE_MIN
constexpr size_t kFrameHeader = 9;
constexpr uint32_t kBatchSize = 1000;           // _BATCHSIZE
constexpr size_t kFlushBytes = 1 << 20;         // hand committed output to the sink past this

std::string_view text_of(const Node& n) {
  return {reinterpret_cast<const char*>(n.u.bytes.ptr), static_cast<size_t>(n.u.bytes.len)};
}

// Decodes UTF-8 (surrogatepass; the model holds valid text) calling f(code point).
template <class F>
void decode_utf8(std::string_view s, F&& f) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  size_t n = s.size();
  for (size_t i = 0; i < n;) {
    uint32_t c = p[i];
    if (c >= 0xf0 && i + 3 < n) {
      c = ((c & 0x07) << 18) | ((p[i + 1] & 0x3fu) << 12) | ((p[i + 2] & 0x3fu) << 6) | (p[i + 3] & 0x3fu);
      i += 4;
    } else if (c >= 0xe0 && i + 2 < n) {
      c = ((c & 0x0f) << 12) | ((p[i + 1] & 0x3fu) << 6) | (p[i + 2] & 0x3fu);
      i += 3;
    } else if (c >= 0xc0 && i + 1 < n) {
      c = ((c & 0x1f) << 6) | (p[i + 1] & 0x3fu);
      i += 2;
    } else {
      i += 1;
    }
    f(c);
  }
}

// CPython keeps these as shared singletons, so equal ones are one object (and one memo entry) in a
// graph Python loaded: the empty str and one-character strs below U+0100, the empty bytes and
// one-byte bytes (except those BINBYTES & co. read: CPython's unpickler allocates them). Returns
// their key, or an empty string for an ordinary object.
// Globals are one object per (module, qualname), whichever document names them.
std::string singleton_key(const Node& n) {
  if (n.kind == Kind::kBytes && (n.u.bytes.len == 0 || (n.u.bytes.len == 1 && !(n.flags & internal::kFlagFreshByte))))
    return std::string("b") + std::string(text_of(n));
  if (n.kind == Kind::kStr) {
    std::string_view s = text_of(n);
    auto lead = s.empty() ? 0 : static_cast<uint8_t>(s[0]);
    if (s.empty() || (s.size() == 1) || (s.size() == 2 && (lead == 0xc2 || lead == 0xc3)))
      return std::string("s") + std::string(s);
  }
  if (n.kind == Kind::kGlobal) {
    std::string_view all = text_of(n);
    std::string key = "g";
    key.append(all.substr(0, n.aux)).push_back('\0');
    key.append(all.substr(n.aux));
    return key;
  }
  return {};
}

// C-implemented globals (static types, builtin functions) of CPython 3.11's standard library whose
// __qualname__ has the text of their module's name: CPython makes a C global's qualname str on each
// access, so it is never the interned module str (datetime.datetime is pickled with two 'datetime'
// strs). Found by pickling every global of the standard library whose module and qualname agree.
bool c_global_named_like_its_module(std::string_view module, std::string_view name) {
  static constexpr std::string_view kModules[] = {"array", "datetime", "fcntl", "mmap", "select", "syslog", "time"};
  return module == name && std::find(std::begin(kModules), std::end(kModules), module) != std::end(kModules);
}

using Sink = internal::ByteSink;

class VectorSink final : public Sink {
 public:
  // `hint`: the expected output size, reserved at the first write so that a large output is not
  // copied at every doubling (the pages beyond the real size are never touched).
  VectorSink(std::vector<uint8_t>& v, size_t hint) : v_(v), hint_(hint) {}
  void write(const uint8_t* p, size_t n) override {
    if (v_.capacity() - v_.size() < n) v_.reserve(std::max({v_.size() + n, v_.capacity() * 2, hint_}));
    v_.insert(v_.end(), p, p + n);
  }

 private:
  std::vector<uint8_t>& v_;
  size_t hint_;
};

class StreamSink final : public Sink {
 public:
  explicit StreamSink(std::ostream& out) : out_(out) {}
  void write(const uint8_t* p, size_t n) override {
    out_.write(reinterpret_cast<const char*>(p), static_cast<std::streamsize>(n));
    if (!out_) throw_error(ErrorCode::kIo, "write to the output stream failed");
  }

 private:
  std::ostream& out_;
};

class FnSink final : public Sink {
 public:
  explicit FnSink(const internal::AppendFn& f) : f_(f) {}
  void write(const uint8_t* p, size_t n) override { f_(p, n); }

 private:
  const internal::AppendFn& f_;
};


class Pickler {
 public:
  Pickler(const DumpOptions& o, Sink& sink, internal::PicklerMode mode = {})
      : opt_(o), mode_(mode), proto_(o.protocol), sink_(sink), hash_key_(internal::py_hash_key(o.hash_seed)) {
    if (proto_ < 0 || proto_ > 5)
      throw_error(ErrorCode::kInvalidArgument, "pickle protocol must be 0-5, not " + std::to_string(proto_));
  }

  void dump(const Value& root) {
    if (!root.valid()) throw_error(ErrorCode::kInvalidArgument, "dump: invalid Value");
    root_doc_ = root.document_impl();
    memo_.assign(root_doc_->node_count(), 0);
    if (proto_ >= 2) {
      uint8_t p[2] = {static_cast<uint8_t>(Op::PROTO), static_cast<uint8_t>(proto_)};
      write(p, 2);
    }
    framing_ = proto_ >= 4;
    push_save(root.document_impl(), root.id(), true);
    run();
    op(Op::STOP);
    commit_frame();
    flush();
  }

 private:
  // ---- tasks
  enum class T : uint8_t {
    kSave,          // save(node); b = 1 if persistent_id applies
    kOp,            // write opcode a
    kMemoize,       // memo_put(node)
    kMemoizeFresh,  // memo_put of an object made only for the dump
    kTupleEnd,      // after a tuple's items: a = node, b = size
    kFrozenSetEnd,  // after a frozenset's items (protocol 4+)
    kReduceEnd,     // after callable + args: a = node; writes REDUCE/NEWOBJ/NEWOBJ_EX then the rest
    kBatchList,     // next batch of list items: a = list node, b = next index
    kBatchDict,     // next batch of dict pairs
    kBatchSet,      // next batch of set items (protocol 4+)
    kGlobalEnd,     // memo_put of a nested global after its getattr reduce (protocol < 4)
    kPersEnd,       // after a pid: BINPERSID
    kFreshTupleEnd, // after the items of a tuple made for the dump: a = size
    kFreshList,     // a list made for the dump: a = node of the set/frozenset whose items it holds
    kInternedStr,   // an interned str (global names at protocol 4+, 'latin1'): text in strs_[a]
    kLatin1Str,     // the str bytes.decode('latin1') of bytes node a
    kPartialEnd,    // NEWOBJ_EX below protocol 4: the functools.partial's REDUCE and BUILD
    kNumpyEnd,      // an ndarray written by numpy's rules: REDUCE, memo, then (b = 0) its BUILD state
    kFreshListOf,   // a list made for the dump holding list node a's items
    kJoblibDict,    // joblib: a NumpyArrayWrapper's state dict for array node a
    kJoblibData,    // joblib: after the wrapper's BUILD, array node a's bytes (or nested pickle)
    kJoblibReload,  // joblib: after the BUILD of wrapper object a, what the reader's hook reads, POP, GET a
  };
  struct Task {
    T type;
    uint8_t flag = 0;
    const DocumentImpl* doc = nullptr;
    uint32_t a = 0;
    uint32_t b = 0;
  };

  void push(T t, const DocumentImpl* d = nullptr, uint32_t a = 0, uint32_t b = 0, uint8_t flag = 0) {
    tasks_.push_back(Task{t, flag, d, a, b});
    if (tasks_.size() > opt_.limits.max_depth * 4 + 64)
      throw_error(ErrorCode::kLimitExceeded, "value nests deeper than Limits::max_depth");
  }
  void push_save(const DocumentImpl* d, uint32_t id, bool pers = true) { push(T::kSave, d, id, pers ? 1 : 0); }
  void push_op(Op o) { push(T::kOp, nullptr, static_cast<uint32_t>(o)); }

  void run() {
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
        case T::kNumpyEnd: numpy_end(t.doc, t.a, t.b != 0); break;
        case T::kFreshListOf: fresh_list_of(t.doc, t.a); break;
        case T::kJoblibDict: joblib_dict(t.doc, t.a); break;
        case T::kJoblibData: joblib_data(t.doc, t.a); break;
        case T::kJoblibReload: joblib_reload(t.doc, t.a); break;
      }
    }
  }

  // ---- output and framing (FORMATS.md "Framing")
  void raw(const void* p, size_t n) {
    buf_.append(static_cast<const uint8_t*>(p), n);
  }
  [[gnu::always_inline]] void write(const void* p, size_t n) {
    if (framing_ && frame_start_ < 0) {
      frame_start_ = static_cast<int64_t>(buf_.size());
      buf_.resize(buf_.size() + kFrameHeader);
    }
    raw(p, n);
  }
  void op(Op o) {
    uint8_t b = static_cast<uint8_t>(o);
    write(&b, 1);
  }
  [[gnu::always_inline]] void op_arg(Op o, const void* arg, size_t n) {
    uint8_t tmp[16];
    tmp[0] = static_cast<uint8_t>(o);
    std::memcpy(tmp + 1, arg, n);
    write16(tmp, n + 1);
  }
  // write() of n <= 16 bytes from a 16-byte buffer.
  [[gnu::always_inline]] void write16(const uint8_t (&p)[16], size_t n) {
    if (framing_ && frame_start_ < 0) {
      frame_start_ = static_cast<int64_t>(buf_.size());
      buf_.resize(buf_.size() + kFrameHeader);
    }
    buf_.append_from16(p, n);
  }
  void commit_frame() {
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
  void opcode_boundary() {
    if (!framing_ || frame_start_ < 0) return;
    if (buf_.size() - static_cast<size_t>(frame_start_) - kFrameHeader >= kFrameSizeTarget) {
      commit_frame();
      if (buf_.size() >= kFlushBytes) flush();
    }
  }
  void flush() {
    if (frame_start_ >= 0) return;  // an open frame's header is not final yet
    if (!buf_.empty()) sink_write(buf_.data(), buf_.size());
    buf_.clear();
  }
  // A header and payload; a payload of 64 KiB or more goes outside any frame (C _Pickler_write_bytes).
  void write_bytes(const uint8_t* header, size_t hn, const uint8_t* data, size_t n) {
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

  void sink_write(const uint8_t* p, size_t n) {
    sink_.write(p, n);
    written_ += n;
  }

 public:
  uint64_t written() const { return written_; }

 private:
  // An opcode byte, text, and a terminator ("p12\n", "L123L\n").
  void write_decimal_line(char opcode, const std::string& text, std::string_view end) {
    std::string line;
    line.reserve(text.size() + 4);
    line.push_back(opcode);
    line.append(text);
    line.append(end);
    write(line.data(), line.size());
  }

  static void le(uint8_t* p, uint64_t v, int n) {
    for (int i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
  }

  // ---- memo (FORMATS.md "Memoization")
  // Memo identity: node identity, except CPython's singletons (by value). Flat array for the root's
  // document; a map for values of other documents (persistent ids may come from anywhere).
  uint32_t* memo_slot(const DocumentImpl* d, uint32_t id) {
    std::string key = singleton_key(d->node(id));
    if (!key.empty()) return &interned_[key];
    if (d->tag(id) == internal::kTagDType && d->dtype(id).singleton)  // numpy's builtin dtype objects
      return &interned_[std::string("\x01numpy.dtype:") + internal::dtype_str(*d, id)];
    if (d == root_doc_) {
      if (id >= memo_.size()) memo_.resize(d->node_count(), 0);
      return &memo_[id];
    }
    return &foreign_[{d, id}];
  }
  struct PairHash {
    size_t operator()(const std::pair<const DocumentImpl*, uint32_t>& p) const {
      return std::hash<const void*>()(p.first) * 31 + p.second;
    }
  };
  bool in_memo(const DocumentImpl* d, uint32_t id) { return *memo_slot(d, id) != 0; }
  void write_put(uint64_t idx) {
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
  void memo_put(const DocumentImpl* d, uint32_t id) {
    uint32_t* slot = memo_slot(d, id);
    *slot = static_cast<uint32_t>(memo_count_ + 1);
    write_put(memo_count_++);
  }
  void memo_put_key(const std::string& key) {
    interned_[key] = static_cast<uint32_t>(memo_count_ + 1);
    write_put(memo_count_++);
  }
  void memo_put_fresh() { write_put(memo_count_++); }
  void write_get(uint64_t idx) {
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
  void memo_get(const DocumentImpl* d, uint32_t id) { write_get(*memo_slot(d, id) - 1); }

  // ---- save
  void save(const DocumentImpl* d, uint32_t id, bool pers) {
    if (mode_.joblib && joblib_wrapped(d, id)) {
      save_joblib_array(d, id);
      return;
    }
    opcode_boundary();
    if (pers && opt_.persistent_id) {
      Value pid = opt_.persistent_id(Value(d, id));
      if (pid.valid()) {
        save_pers(pid.document_impl(), pid.id());
        return;
      }
    }
    const Node& n = d->node(id);
    if (is_number(n.kind)) {  // never memoized
      write_number(d, id);
      return;
    }
    if (id == internal::kEmptyTupleNode || (n.kind == Kind::kTuple && d->item_count(id) == 0)) {
      if (proto_ >= 1) {
        op(Op::EMPTY_TUPLE);
      } else {
        op(Op::MARK);
        op(Op::TUPLE);
      }
      return;
    }
    if (in_memo(d, id)) {
      memo_get(d, id);
      return;
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
  const uint32_t* seq_items(const DocumentImpl* d, uint32_t id) {
    Kind k = d->node(id).kind;
    if (k != Kind::kSet && k != Kind::kFrozenSet) return d->items(id);
    auto key = std::pair{d, id};
    auto it = set_orders_.find(key);
    if (it == set_orders_.end())
      it = set_orders_.emplace(key, internal::py_set_order(*d, d->items(id), d->item_count(id), hash_key_)).first;
    return it->second.data();
  }

  void save_bool(bool b) {
    if (proto_ >= 2) {
      op(b ? Op::NEWTRUE : Op::NEWFALSE);
    } else {
      const char* s = b ? "I01\n" : "I00\n";
      write(s, 4);
    }
  }

  void save_int(const DocumentImpl& d, uint32_t id) {
    const Node& n = d.node(id);
    bool big = n.flags & internal::kFlagBigInt;
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
      std::vector<uint8_t> bytes = internal::int_to_bytes(d, id);
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
    std::string dec = Value(&d, id).int_decimal(opt_.limits.max_int_digits);
    write_decimal_line('L', dec, "L\n");
  }

  void save_float(double f) {
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
  void write_str(std::string_view s) {
    const auto* p = reinterpret_cast<const uint8_t*>(s.data());
    size_t n = s.size();
    if (proto_ == 0) {
      std::string out = "V";
      decode_utf8(s, [&](uint32_t c) {
        static const char* hex = "0123456789abcdef";
        if (c >= 0x10000) {
          out += "\\U";
          for (int sh = 28; sh >= 0; sh -= 4) out += hex[(c >> sh) & 15];
        } else if (c >= 0x100 || c == '\\' || c == 0 || c == '\n' || c == '\r' || c == 0x1a) {
          out += "\\u";
          for (int sh = 12; sh >= 0; sh -= 4) out += hex[(c >> sh) & 15];
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

  void save_str(const DocumentImpl* d, uint32_t id) {
    write_str(text_of(d->node(id)));
    memo_put(d, id);
  }

  // A str the dump makes (global names at protocol 4+, 'latin1', getattr's name). Equal strs with
  // the same non-empty key are one object; an empty key makes a new object each time (a
  // one-character str is still CPython's singleton).
  void save_made_str(const std::string& key_in, const std::string& s) {
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
  uint32_t intern(std::string key, std::string text) {
    strs_.emplace_back(std::move(key), std::move(text));
    return static_cast<uint32_t>(strs_.size() - 1);
  }

  void write_bytes_op(const uint8_t* p, uint64_t n) {
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
  void push_global(std::string_view module, std::string_view name) {
    uint32_t g = const_cast<DocumentImpl*>(scratch_doc())->add_global(module, name, Error::kNoOffset);
    push_save(scratch_doc(), g, false);
  }
  const DocumentImpl* scratch_doc() {
    if (!scratch_) scratch_ = std::make_unique<DocumentImpl>();
    return scratch_.get();
  }

  void save_bytes(const DocumentImpl* d, uint32_t id) {
    const Node& n = d->node(id);
    if (proto_ >= 3) {
      write_bytes_op(n.u.bytes.ptr, n.u.bytes.len);
      memo_put(d, id);
      return;
    }
    // Protocols 0-2: bytes() or _codecs.encode(bytes.decode('latin1'), 'latin1') as a reduce.
    push(T::kReduceEnd, d, id, 0, kFreshReduce);
    if (n.u.bytes.len == 0) {
      push_save(scratch_doc(), internal::kEmptyTupleNode, false);
      push_global("builtins", "bytes");
    } else {
      push(T::kFreshTupleEnd, nullptr, 2);
      push(T::kInternedStr, nullptr, latin1_);
      push(T::kLatin1Str, d, id);
      if (proto_ < 2) push_op(Op::MARK);
      push_global("_codecs", "encode");
    }
  }
  void save_latin1_str(const DocumentImpl* d, uint32_t id) {
    const Node& n = d->node(id);
    std::string s;
    s.reserve(n.u.bytes.len * 2);
    for (uint64_t i = 0; i < n.u.bytes.len; ++i) {
      uint8_t c = n.u.bytes.ptr[i];
      if (c < 0x80) {
        s += static_cast<char>(c);
      } else {
        s += static_cast<char>(0xc0 | (c >> 6));
        s += static_cast<char>(0x80 | (c & 0x3f));
      }
    }
    save_made_str("", s);
  }

  void save_bytearray(const DocumentImpl* d, uint32_t id) {
    const Node& n = d->node(id);
    if (proto_ >= 5) {
      uint8_t h[9] = {static_cast<uint8_t>(Op::BYTEARRAY8)};
      le(h + 1, n.u.bytes.len, 8);
      write_bytes(h, 9, n.u.bytes.ptr, n.u.bytes.len);
      memo_put(d, id);
      return;
    }
    // bytearray() or bytearray(bytes(obj)); bytes(obj) is a new bytes object (or a singleton).
    push(T::kReduceEnd, d, id, 0, kFreshReduce);
    if (n.u.bytes.len == 0) {
      push_save(scratch_doc(), internal::kEmptyTupleNode, false);
    } else {
      auto* s = const_cast<DocumentImpl*>(scratch_doc());
      uint32_t b = s->add_payload(Kind::kBytes, n.u.bytes.ptr, n.u.bytes.len, Error::kNoOffset);
      push(T::kFreshTupleEnd, nullptr, 1);
      push_save(s, b, false);
      if (proto_ < 2) push_op(Op::MARK);
    }
    push_global("builtins", "bytearray");
  }

  void save_buffer(const DocumentImpl* d, uint32_t id) {
    if (proto_ < 5) throw_error(ErrorCode::kUnsupported, "PickleBuffer can only be pickled with protocol >= 5");
    const Node& n = d->node(id);
    bool readonly = n.flags & internal::kFlagReadonly;
    bool in_band = true;
    if (opt_.buffer_callback) in_band = opt_.buffer_callback(Value(d, id)) == BufferPlacement::kInBand;
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

  void save_tuple(const DocumentImpl* d, uint32_t id) {
    uint32_t n = d->item_count(id);
    push(T::kTupleEnd, d, id, n);
    for (uint32_t i = n; i-- > 0;) push_save(d, d->items(id)[i]);
    if (!(proto_ >= 2 && n <= 3)) push_op(Op::MARK);
  }
  void tuple_end(const DocumentImpl* d, uint32_t id, uint32_t n) {
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
  void fresh_tuple_end(uint32_t n) {
    if (proto_ >= 2 && n <= 3) {
      op(n == 1 ? Op::TUPLE1 : n == 2 ? Op::TUPLE2 : Op::TUPLE3);
    } else {
      op(Op::TUPLE);
    }
    memo_put_fresh();
  }

  void save_list(const DocumentImpl* d, uint32_t id) {
    if (proto_ >= 1) {
      op(Op::EMPTY_LIST);
    } else {
      op(Op::MARK);
      op(Op::LIST);
    }
    memo_put(d, id);
    if (d->item_count(id) > 0) push(T::kBatchList, d, id, 0, exact());
  }

  // Items [from, ...) of list `id` (or of an object's list items). CPython's exact-list batcher
  // writes MARK..APPENDS even for a last batch of one; the generic one writes a lone item as
  // APPEND (FORMATS.md §1.5).
  static constexpr uint8_t kExact = 1;
  // The C pickler's exact-type batchers, or pickle._Pickler's generic ones (FORMATS.md §1.5).
  uint8_t exact() const { return mode_.pure_python ? 0 : kExact; }
  static constexpr uint8_t kFreshReduce = 2;
  void batch_list(const DocumentImpl* d, uint32_t id, uint32_t from, uint8_t exact) {
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
    if (!opt_.persistent_id && !mode_.joblib) {
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
  // None, bool, int and float: written as they are, never memoized, no task needed.
  static bool is_number(Kind k) { return k == Kind::kNone || k == Kind::kBool || k == Kind::kInt || k == Kind::kFloat; }
  void write_number(const DocumentImpl* d, uint32_t id) {
    const Node& n = d->node(id);
    switch (n.kind) {
      case Kind::kNone: op(Op::NONE); return;
      case Kind::kBool: save_bool(n.u.i != 0); return;
      case Kind::kInt: save_int(*d, id); return;
      default: save_float(n.u.f); return;
    }
  }

  void save_dict(const DocumentImpl* d, uint32_t id) {
    if (proto_ >= 1) {
      op(Op::EMPTY_DICT);
    } else {
      op(Op::MARK);
      op(Op::DICT);
    }
    memo_put(d, id);
    if (d->item_count(id) > 0) push(T::kBatchDict, d, id, 0, exact());
  }
  // CPython's exact-dict batcher loops while a batch was full, so a dict of 1000*k pairs ends with
  // an empty MARK SETITEMS; the generic batcher does not (FORMATS.md §1.5).
  void batch_dict(const DocumentImpl* d, uint32_t id, uint32_t from, uint8_t exact) {
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

  void save_set(const DocumentImpl* d, uint32_t id) {
    if (proto_ < 4) {
      save_set_reduce(d, id, "set");
      return;
    }
    op(Op::EMPTY_SET);
    memo_put(d, id);
    if (d->item_count(id) > 0) push(T::kBatchSet, d, id, 0);
  }
  // do { MARK items ADDITEMS } while (batch was full): 1000*k items end with an empty batch.
  void batch_set(const DocumentImpl* d, uint32_t id, uint32_t from) {
    uint32_t n = d->item_count(id);
    uint32_t end = std::min(n, from + kBatchSize);
    if (mode_.pure_python && from >= n) return;  // pickle._Pickler writes no empty last batch
    if (end - from == kBatchSize) push(T::kBatchSet, d, id, end);
    push_op(Op::ADDITEMS);
    for (uint32_t i = end; i-- > from;) push_save(d, seq_items(d, id)[i]);
    push_op(Op::MARK);
  }
  // set(list(obj)) / frozenset(list(obj)) as a reduce (protocols < 4).
  void save_set_reduce(const DocumentImpl* d, uint32_t id, std::string_view name) {
    push(T::kReduceEnd, d, id, 0, kFreshReduce);
    push(T::kFreshTupleEnd, nullptr, 1);
    push(T::kFreshList, d, id);
    if (proto_ < 2) push_op(Op::MARK);
    push_global("builtins", name);
  }
  void fresh_list(const DocumentImpl* d, uint32_t set_id) {
    opcode_boundary();
    if (proto_ >= 1) {
      op(Op::EMPTY_LIST);
    } else {
      op(Op::MARK);
      op(Op::LIST);
    }
    memo_put_fresh();
    if (d->item_count(set_id) > 0) push(T::kBatchList, d, set_id, 0, exact());
  }

  void save_frozenset(const DocumentImpl* d, uint32_t id) {
    if (proto_ < 4) {
      save_set_reduce(d, id, "frozenset");
      return;
    }
    push(T::kFrozenSetEnd, d, id);
    uint32_t n = d->item_count(id);
    for (uint32_t i = n; i-- > 0;) push_save(d, seq_items(d, id)[i]);
    push_op(Op::MARK);
  }
  void frozenset_end(const DocumentImpl* d, uint32_t id) {
    if (in_memo(d, id)) {
      op(Op::POP_MARK);
      memo_get(d, id);
      return;
    }
    op(Op::FROZENSET);
    memo_put(d, id);
  }

  // FORMATS.md "Globals".
  void save_global(const DocumentImpl* d, uint32_t id) {
    const Node& n = d->node(id);
    std::string_view all = text_of(n);
    std::string module(all.substr(0, n.aux));
    std::string name(all.substr(n.aux));
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
        auto c = internal::canonical_global(module, name);
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
           intern(builtin && internal::is_builtin_function(name) ? "m" + module : "s" + module, module));
      return;
    }
    auto c = internal::canonical_global(module, name);
    module = std::string(c.first);
    name = std::string(c.second);
    size_t dot = name.rfind('.');
    if (dot != std::string::npos) {  // a nested class: getattr(parent, lastname)
      auto* s = const_cast<DocumentImpl*>(scratch_doc());
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
      auto m = internal::map_py3_global(module, name);
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

  // Whether a qualname str a STACK_GLOBAL took behaves as interned: it does unless the stream
  // holds another global whose equal qualname is a different str (Cython and C functions make
  // their own), in which case the stream's own sharing is kept.
  bool qualname_interned(const DocumentImpl* d, uint32_t name_node) {
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
  static bool called_with_args(const DocumentImpl* d, const ObjectData& o) {
    return (o.how == MadeBy::kInst || o.how == MadeBy::kObj) && o.args != internal::kEmptyTupleNode &&
           d->item_count(o.args) > 0;
  }
  static MadeBy dump_how(const DocumentImpl* d, const ObjectData& o, int proto) {
    MadeBy how = o.how;
    if (how == MadeBy::kInst || how == MadeBy::kObj) how = called_with_args(d, o) ? MadeBy::kReduce : MadeBy::kNewObj;
    if (how == MadeBy::kReduce) return how;
    if (proto < 2) return MadeBy::kReduce;                               // copyreg._reconstructor
    if (how == MadeBy::kNewObjEx && proto < 4) return MadeBy::kReduce;  // functools.partial
    return how;
  }
  // A tuple made for the dump from `items` (pushed so its opcodes come next).
  void push_fresh_tuple(const std::vector<std::pair<const DocumentImpl*, uint32_t>>& items) {
    uint32_t n = static_cast<uint32_t>(items.size());
    if (n == 0) {
      push_save(scratch_doc(), internal::kEmptyTupleNode, false);
      return;
    }
    push(T::kFreshTupleEnd, nullptr, n);
    for (uint32_t i = n; i-- > 0;) push_save(items[i].first, items[i].second);
    if (!(proto_ >= 2 && n <= 3)) push_op(Op::MARK);
  }
  std::vector<std::pair<const DocumentImpl*, uint32_t>> items_of(const DocumentImpl* d, uint32_t tuple) {
    std::vector<std::pair<const DocumentImpl*, uint32_t>> v;
    for (uint32_t i = 0, n = d->item_count(tuple); i < n; ++i) v.emplace_back(d, d->items(tuple)[i]);
    return v;
  }

  // ---- numpy (FORMATS.md §2): an ndarray is re-emitted as it was loaded when that is what numpy
  // would write at this protocol; otherwise numpy's other form is written from the array itself
  // (_frombuffer at protocol 5 for a contiguous plain array, _reconstruct + state otherwise).
  bool numpy2_paths(bool loaded_numpy2) const {
    switch (opt_.numpy_paths) {
      case NumpyPaths::kNumpy1: return false;
      case NumpyPaths::kNumpy2: return true;
      default: return loaded_numpy2;
    }
  }
  const internal::NumpyNames& numpy_names(bool numpy2) const {
    return numpy2 ? internal::kNumpy2Names : internal::kNumpy1Names;
  }
  bool frombuffer_eligible(const DocumentImpl* d, const internal::ArrayData& a) const {
    if (proto_ < 5) return false;
    const internal::DTypeData& t = d->dtype(a.dtype);
    // numpy falls back to _reconstruct when the array cannot export a buffer (datetimes, ...).
    if (t.has_object || t.itemsize == 0 || !internal::dtype_buffer_exportable(*d, a.dtype)) return false;
    if (a.cls != kNoNode) {
      const Node& c = d->node(a.cls);
      if (c.kind != Kind::kGlobal || text_of(c) != "numpyndarray" || c.aux != 5) return false;
    }
    return internal::array_c_contiguous(*d, a) || internal::array_f_contiguous(*d, a);
  }
  // Nodes the dump makes, in the scratch document.
  uint32_t made_int(int64_t v) { return const_cast<DocumentImpl*>(scratch_doc())->add_int(v, Error::kNoOffset); }
  uint32_t made_payload(Kind kind, const uint8_t* p, uint64_t n) {
    return const_cast<DocumentImpl*>(scratch_doc())->add_payload(kind, p, n, Error::kNoOffset);
  }
  uint32_t made_str(std::string_view s) {
    auto* sd = const_cast<DocumentImpl*>(scratch_doc());
    return sd->add_payload(Kind::kStr, sd->copy_bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()), s.size(),
                           Error::kNoOffset);
  }
  uint32_t made_tuple(const std::vector<uint32_t>& items) {
    if (items.empty()) return internal::kEmptyTupleNode;
    auto* sd = const_cast<DocumentImpl*>(scratch_doc());
    uint32_t t = sd->add_container(Kind::kTuple, Error::kNoOffset);
    sd->append_items(t, items.data(), items.size());
    return t;
  }
  uint32_t made_shape(const std::vector<int64_t>& shape) {
    std::vector<uint32_t> items;
    for (int64_t v : shape) items.push_back(made_int(v));
    return made_tuple(items);
  }

  // A numpy scalar as numpy re-pickles the scalar that scalar(dtype, bytes) made: scalar(dt, raw)
  // where dt is the dtype the scalar reports, not the loaded one: numpy's own singleton for the
  // builtin numeric types (one object shared by all scalars of the type, never an array's dtype,
  // which loading copies), a new dtype for each str_, bytes_, datetime64 and timedelta64 scalar (str_
  // and bytes_ sized to the value without trailing NULs), the scalar's own for void. The value is in
  // native byte order; bool_ is 0 or 1, and np.True_/np.False_ are singletons.
  bool save_numpy_scalar(const DocumentImpl* d, uint32_t id) {
    const ObjectData& o = d->object(id);
    const Node& c = d->node(o.callable);
    bool want2 = numpy2_paths(text_of(c).substr(0, c.aux).rfind("numpy._core", 0) == 0);
    const internal::ScalarData& s = d->scalar(id);
    const internal::DTypeData& t = d->dtype(s.dtype);
    if (t.kind == 'b') {
      auto& first = bool_scalars_[s.nbytes && s.data[0] ? 1 : 0];
      if (first.first && in_memo(first.first, first.second)) {
        memo_get(first.first, first.second);
        return true;
      }
      first = {d, id};
    }
    std::vector<uint8_t> raw(s.data, s.data + s.nbytes);
    bool plain = t.fields.empty() && t.sub_base == kNoNode && t.type_object == kNoNode;
    char native = internal::dtype_str_native_order();
    if (plain && t.byteorder != '|' && t.byteorder != native) {
      size_t unit = t.kind == 'c' ? t.itemsize / 2 : t.kind == 'U' ? 4 : t.itemsize;
      if (unit > 1)
        for (size_t i = 0; i + unit <= raw.size(); i += unit) std::reverse(raw.begin() + i, raw.begin() + i + unit);
    }
    uint32_t dtype = s.dtype;
    const DocumentImpl* dtype_doc = d;
    auto* sd = const_cast<DocumentImpl*>(scratch_doc());
    internal::DTypeData spec;
    spec.kind = t.kind;
    spec.itemsize = t.itemsize;
    spec.byteorder = (t.itemsize <= 1 && t.kind != 'U') || t.kind == 'S' ? '|' : native;
    if (plain && std::string_view("biufc").find(t.kind) != std::string_view::npos) {
      if (t.kind == 'b' && !raw.empty()) raw[0] = raw[0] != 0;
      uint32_t& singleton = canonical_dtypes_[std::string(1, t.kind) + std::to_string(t.itemsize)];
      if (!singleton) {
        singleton = internal::make_dtype(*sd, spec);
        internal::DTypeData marked = sd->dtype(singleton);
        marked.singleton = true;  // the same object as a Builder-made dtype of the type
        sd->set_dtype(singleton, std::move(marked));
      }
      dtype = singleton;
      dtype_doc = sd;
    } else if (plain && (t.kind == 'S' || t.kind == 'U' || t.kind == 'M' || t.kind == 'm')) {
      if (t.kind == 'S') {
        while (!raw.empty() && raw.back() == 0) raw.pop_back();
      } else if (t.kind == 'U') {
        while (raw.size() >= 4 && !raw[raw.size() - 1] && !raw[raw.size() - 2] && !raw[raw.size() - 3] &&
               !raw[raw.size() - 4])
          raw.resize(raw.size() - 4);
      }
      if (t.kind == 'S' || t.kind == 'U') spec.itemsize = raw.size();
      spec.unit = t.unit;
      spec.unit_count = t.unit_count;
      dtype = internal::make_dtype(*sd, spec);
      dtype_doc = sd;
    }
    owned_.push_back(std::move(raw));
    push(T::kReduceEnd, d, id);
    push(T::kFreshTupleEnd, nullptr, 2);
    push_save(scratch_doc(), made_payload(Kind::kBytes, owned_.back().data(), owned_.back().size()), false);
    push_save(dtype_doc, dtype);
    if (proto_ < 2) push_op(Op::MARK);
    push_global(numpy_names(want2).multiarray, "scalar");
    return true;
  }

  // Returns false when the generic object path writes what numpy would.
  bool save_numpy(const DocumentImpl* d, uint32_t id) {
    uint16_t tag = d->tag(id);
    if (tag == internal::kTagScalar) return save_numpy_scalar(d, id);
    if (tag != internal::kTagArray) return false;
    const internal::ArrayData& a = d->array(id);
    bool want_fb = frombuffer_eligible(d, a);
    bool want2 = numpy2_paths(a.numpy2_paths);
    // Always written from the array, as numpy's __reduce_ex__ makes it anew: new argument and state
    // tuples, CPython's b'b' singleton, tobytes() (a singleton when empty or 1 byte), a PickleBuffer
    // memoized as itself; none of which need be what the stream had (a BINBYTES b'b' is not the
    // singleton, a read-only 1-byte buffer was loaded as bytes, ...).
    const auto& names = numpy_names(want2);
    if (want_fb) {
      bool c_order = internal::array_c_contiguous(*d, a);
      uint32_t buf = made_payload(Kind::kBuffer, a.data, a.nbytes);
      if (!a.writable) const_cast<DocumentImpl*>(scratch_doc())->node(buf).flags |= internal::kFlagReadonly;
      push(T::kNumpyEnd, d, id, 1);
      push(T::kFreshTupleEnd, nullptr, 4);
      push_save(scratch_doc(), made_str(c_order ? "C" : "F"), false);
      push_save(scratch_doc(), made_shape(a.shape), false);
      push_save(d, a.dtype);
      push_save(scratch_doc(), buf, false);
      push_op(Op::MARK);
      push_global(names.numeric, "_frombuffer");
      return true;
    }
    push(T::kNumpyEnd, d, id, 0);
    uint32_t cls = a.cls;
    const DocumentImpl* cls_doc = d;
    if (cls == kNoNode) {
      cls = const_cast<DocumentImpl*>(scratch_doc())->add_global("numpy", "ndarray", Error::kNoOffset);
      cls_doc = scratch_doc();
    }
    push(T::kFreshTupleEnd, nullptr, 3);
    push_save(scratch_doc(), made_payload(Kind::kBytes, reinterpret_cast<const uint8_t*>("b"), 1), false);
    push_save(scratch_doc(), made_tuple({made_int(0)}), false);
    push_save(cls_doc, cls);
    if (proto_ < 2) push_op(Op::MARK);
    push_global(names.multiarray, "_reconstruct");
    return true;
  }
  // After numpy's callable and arguments: REDUCE, memo, and for _reconstruct the BUILD state
  // (1, shape, dtype, is_fortran, rawdata).
  void numpy_end(const DocumentImpl* d, uint32_t id, bool frombuffer) {
    op(Op::REDUCE);
    if (in_memo(d, id)) {
      op(Op::POP);
      memo_get(d, id);
      return;
    }
    memo_put(d, id);
    if (frombuffer) return;
    const internal::ArrayData& a = d->array(id);
    bool is_fortran = internal::array_f_contiguous(*d, a) && !internal::array_c_contiguous(*d, a);
    push_op(Op::BUILD);
    push(T::kFreshTupleEnd, nullptr, 5);
    if (a.items != kNoNode) {
      push(T::kFreshListOf, d, a.items);
    } else {
      bool in_order = is_fortran ? internal::array_f_contiguous(*d, a) : internal::array_c_contiguous(*d, a);
      if (in_order) {  // the bytes as they are, not copied
        push_save(scratch_doc(), made_payload(Kind::kBytes, a.data, a.nbytes), false);
      } else {
        owned_.push_back(is_fortran ? internal::array_f_order_bytes(*d, a) : internal::array_c_order_bytes(*d, a));
        push_save(scratch_doc(), made_payload(Kind::kBytes, owned_.back().data(), owned_.back().size()), false);
      }
    }
    push_save(scratch_doc(), is_fortran ? internal::kTrueNode : internal::kFalseNode, false);
    push_save(d, a.dtype);
    push_save(scratch_doc(), made_shape(a.shape), false);
    push_save(scratch_doc(), made_int(1), false);
    push_op(Op::MARK);  // a 5-tuple is always MARK ... TUPLE
  }
  void fresh_list_of(const DocumentImpl* d, uint32_t list) {
    opcode_boundary();
    if (proto_ >= 1) {
      op(Op::EMPTY_LIST);
    } else {
      op(Op::MARK);
      op(Op::LIST);
    }
    memo_put_fresh();
    if (d->item_count(list) > 0) push(T::kBatchList, d, list, 0, exact());
  }

  // ---- joblib (FORMATS.md §3.1-3.3): joblib's NumpyPickler.save replaces every numpy.ndarray,
  // numpy.matrix and numpy.memmap (each occurrence, before the memo) by a new NumpyArrayWrapper,
  // then writes the array's bytes right after the wrapper's BUILD.
  bool joblib_wrapped(const DocumentImpl* d, uint32_t id) const {
    if (d->tag(id) != internal::kTagArray) return false;
    uint32_t cls = d->array(id).cls;
    if (cls == kNoNode) return true;
    const Node& c = d->node(cls);
    if (c.kind != Kind::kGlobal || c.aux != 5) return false;
    std::string_view all = text_of(c);
    return all == "numpyndarray" || all == "numpymatrix" || all == "numpymemmap";
  }
  void save_joblib_array(const DocumentImpl* d, uint32_t id) {
    opcode_boundary();  // Pickler.save(wrapper)
    push(T::kJoblibData, d, id);
    push_op(Op::BUILD);
    push(T::kJoblibDict, d, id);
    push(T::kMemoizeFresh);
    if (proto_ >= 2) {  // copyreg.__newobj__: cls () NEWOBJ
      push_op(Op::NEWOBJ);
      push_save(scratch_doc(), internal::kEmptyTupleNode, false);
      push_global("joblib.numpy_pickle", "NumpyArrayWrapper");
      return;
    }
    // Protocols 0/1: copyreg._reconstructor(cls, object, None)
    push_op(Op::REDUCE);
    push(T::kFreshTupleEnd, nullptr, 3);
    push_save(scratch_doc(), internal::kNoneNode, false);
    push_global("builtins", "object");
    push_global("joblib.numpy_pickle", "NumpyArrayWrapper");
    push_op(Op::MARK);
    push_global("copyreg", "_reconstructor");
  }
  // The wrapper's __dict__: subclass, shape, order, dtype, allow_mmap, numpy_array_alignment_bytes
  // (attribute names are interned strs, shared by every wrapper).
  void joblib_dict(const DocumentImpl* d, uint32_t id) {
    opcode_boundary();
    const internal::ArrayData& a = d->array(id);
    bool has_object = d->dtype(a.dtype).has_object;
    bool f_order = internal::array_f_contiguous(*d, a) && !internal::array_c_contiguous(*d, a);
    if (proto_ >= 1) {
      op(Op::EMPTY_DICT);
    } else {
      op(Op::MARK);
      op(Op::DICT);
    }
    memo_put_fresh();
    const DocumentImpl* cls_doc = d;
    uint32_t cls = a.cls;
    if (cls == kNoNode) {
      cls = const_cast<DocumentImpl*>(scratch_doc())->add_global("numpy", "ndarray", Error::kNoOffset);
      cls_doc = scratch_doc();
    }
    struct Pair {
      const char* key;
      const DocumentImpl* doc;
      uint32_t value;
    };
    std::vector<Pair> pairs{
        {"subclass", cls_doc, cls},
        {"shape", scratch_doc(), made_shape(a.shape)},
        {"order", scratch_doc(), made_str(f_order ? "F" : "C")},
        {"dtype", d, a.dtype},
        {"allow_mmap", scratch_doc(), has_object ? internal::kFalseNode : internal::kTrueNode},
        {"numpy_array_alignment_bytes", scratch_doc(), made_int(16)},
    };
    if (proto_ >= 1) push_op(Op::SETITEMS);
    for (size_t i = pairs.size(); i-- > 0;) {
      if (proto_ == 0) push_op(Op::SETITEM);
      push_save(pairs[i].doc, pairs[i].value, false);
      push(T::kInternedStr, nullptr, intern(std::string("s") + pairs[i].key, pairs[i].key));
    }
    if (proto_ >= 1) push_op(Op::MARK);
  }
  void joblib_data(const DocumentImpl* d, uint32_t id) {
    commit_frame();  // framer.commit_frame(force=True) at protocol 4+; nothing pending below 4
    flush();
    const internal::ArrayData& a = d->array(id);
    if (d->dtype(a.dtype).has_object) {  // pickle.dump(array, file, protocol=2): the C pickler
      dump_nested_protocol2(Value(d, id));
      return;
    }
    // One byte holding the padding length (1-16), that many 0xff: the data starts at a multiple of 16.
    uint64_t pad = 16 - ((written_ + 1) % 16);
    uint8_t padding[17];
    padding[0] = static_cast<uint8_t>(pad);
    std::memset(padding + 1, 0xff, pad);
    sink_write(padding, pad + 1);
    bool f_order = internal::array_f_contiguous(*d, a) && !internal::array_c_contiguous(*d, a);
    if (f_order || internal::array_c_contiguous(*d, a)) {
      sink_write(a.data, a.nbytes);
    } else {
      std::vector<uint8_t> bytes = internal::array_c_order_bytes(*d, a);
      sink_write(bytes.data(), bytes.size());
    }
  }

  // An object of a joblib wrapper class with a state: not an array but the wrapper itself, as
  // joblib.load returns it when the stream fetches a NumpyArrayWrapper from the memo after its
  // BUILD. joblib.load reads array data after the BUILD of every wrapper and leaves the array in its
  // place, so the ordinary BUILD (what joblib.dump writes, a file neither joblib nor picklejar can
  // load) is followed by placeholder data of the layout the state describes, a POP of the array the
  // reader made of it, and the wrapper again from the memo. Legacy wrappers would read side files
  // joblib::dump does not write: refused. Returns the placeholder's data bytes (0 for an object
  // dtype, whose placeholder is a pickle of an empty object array).
  static constexpr uint64_t kMaxWrapperPlaceholder = uint64_t{16} << 20;
  uint64_t joblib_reload_bytes(const DocumentImpl* d, uint32_t id) {
    const ObjectData& o = d->object(id);
    if (internal::joblib_wrapper_of(*d, o.callable) != internal::JoblibWrapper::kNumpyArrayWrapper)
      throw_error(ErrorCode::kUnsupported,
                  "a legacy joblib array wrapper object with a state cannot be written: joblib.load would read a side "
                  "file for it");
    auto layout = internal::joblib_wrapper_layout(*d, o.state);
    if (!layout)
      throw_error(ErrorCode::kUnsupported,
                  "a NumpyArrayWrapper object whose state joblib.load cannot read as an array's cannot be written");
    if (layout->nested_pickle) return 0;
    // The reader's byte count (shape product times itemsize, no overflow), and an element count
    // numpy's reading of the array it makes accepts (at most 64 dimensions, at most 2^62 elements).
    uint64_t count = 1, nbytes = 0;
    bool ok = layout->shape.size() <= 64;
    for (int64_t v : layout->shape)
      ok = ok && internal::checked_mul(count, static_cast<uint64_t>(v), &count) && count <= (uint64_t{1} << 62);
    ok = ok && internal::checked_mul(count, d->dtype(layout->dtype).itemsize, &nbytes);
    if (!ok || nbytes > kMaxWrapperPlaceholder)
      throw_error(ErrorCode::kUnsupported, "a NumpyArrayWrapper object whose state describes an array of more than " +
                                               std::to_string(kMaxWrapperPlaceholder) + " bytes cannot be written");
    return nbytes;
  }
  // pickle.dump(value, file, protocol=2) into the same output: how joblib writes an object array.
  void dump_nested_protocol2(const Value& v) {
    DumpOptions nested_opt = opt_;
    nested_opt.protocol = 2;
    nested_opt.persistent_id = nullptr;
    Pickler nested(nested_opt, sink_);
    nested.dump(v);
    written_ += nested.written();
  }
  void joblib_reload(const DocumentImpl* d, uint32_t id) {
    commit_frame();  // the placeholder, like array data, goes outside any frame
    flush();
    uint64_t nbytes = joblib_reload_bytes(d, id);
    auto layout = internal::joblib_wrapper_layout(*d, d->object(id).state);
    if (layout->nested_pickle) {  // numpy.empty(0, dtype=object), as joblib would pickle it
      auto* sd = const_cast<DocumentImpl*>(scratch_doc());
      internal::DTypeData spec;
      spec.kind = 'O';
      spec.itemsize = 8;
      uint32_t empty = internal::make_array(*sd, internal::make_dtype(*sd, spec), {0}, false,
                                            sd->add_container(Kind::kList, Error::kNoOffset), kNoNode);
      dump_nested_protocol2(Value(sd, empty));
    } else {
      if (layout->padded) {
        uint64_t pad = 16 - ((written_ + 1) % 16);
        uint8_t padding[17];
        padding[0] = static_cast<uint8_t>(pad);
        std::memset(padding + 1, 0xff, pad);
        sink_write(padding, pad + 1);
      }
      static const uint8_t zeros[4096] = {};
      for (uint64_t left = nbytes; left > 0;) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(left, sizeof zeros));
        sink_write(zeros, n);
        left -= n;
      }
    }
    op(Op::POP);
    memo_get(d, id);
  }

  void save_object(const DocumentImpl* d, uint32_t id) {
    if (d->tag(id) != internal::kTagNone && save_numpy(d, id)) return;
    const ObjectData& o = d->object(id);
    MadeBy how = dump_how(d, o, proto_);
    // Met again while its own arguments are being written (reachable from them): CPython calls
    // __reduce_ex__ again, which returns a new argument tuple, so the args are written as a fresh
    // tuple; the outer call then writes (and memoizes) the args node, and ends with POP + GET.
    bool reentered = !open_objects_.insert({d, id}).second;
    auto push_args = [&] {
      if (reentered) {
        push_fresh_tuple(items_of(d, o.args));
      } else {
        push_save(d, o.args);
      }
    };
    push(T::kReduceEnd, d, id);
    if (o.how == MadeBy::kReduce || called_with_args(d, o)) {
      push_args();
      push_save(d, o.callable);
      return;
    }
    if (proto_ < 2) {
      // copyreg._reconstructor(cls, base, state): base is object, or list/dict for subclasses
      // that carry items (their items then go into `state`, not APPENDS/SETITEMS).
      if (o.state != kNoNode && is_slot_state(d, o.state))
        throw_error(ErrorCode::kUnsupported,
                    "cannot pickle an object with __slots__ state below protocol 2 (CPython raises TypeError)");
      push(T::kFreshTupleEnd, nullptr, 3);
      if (o.list_items != kNoNode) {
        push_save(d, o.list_items);
        push_global("builtins", "list");
      } else if (o.dict_items != kNoNode) {
        push_save(d, o.dict_items);
        push_global("builtins", "dict");
      } else {
        push_save(scratch_doc(), internal::kNoneNode, false);
        push_global("builtins", "object");
      }
      push_save(d, o.callable);
      push_op(Op::MARK);
      push_global("copyreg", "_reconstructor");
      return;
    }
    if (how == MadeBy::kReduce) {  // NEWOBJ_EX below protocol 4: partial(cls.__new__, cls, *args, **kwargs)()
      push_save(scratch_doc(), internal::kEmptyTupleNode, false);
      push(T::kPartialEnd, d, id);
      push(T::kFreshTupleEnd, nullptr, 1);
      push_save(scratch_doc(), new_method_of(d, o.callable), false);
      push_global("functools", "partial");
      return;
    }
    bool made_by_call = o.how == MadeBy::kInst || o.how == MadeBy::kObj;
    if (how == MadeBy::kNewObjEx) push_save(d, o.kwargs);
    if (made_by_call) {
      push_save(scratch_doc(), internal::kEmptyTupleNode, false);
    } else {
      push_args();
    }
    push_save(d, o.callable);
  }
  // (dict or None, {slot: value}): the state object.__getstate__ gives an object with __slots__.
  static bool is_slot_state(const DocumentImpl* d, uint32_t state) {
    const Node& n = d->node(state);
    if (n.kind != Kind::kTuple || d->item_count(state) != 2) return false;
    uint32_t first = d->items(state)[0], second = d->items(state)[1];
    Kind k0 = d->node(first).kind;
    return (k0 == Kind::kNone || k0 == Kind::kDict) && d->node(second).kind == Kind::kDict;
  }
  // cls.__new__ as a global (module, qualname + ".__new__"), pickled as getattr(cls, '__new__').
  uint32_t new_method_of(const DocumentImpl* d, uint32_t cls) {
    const Node& c = d->node(cls);
    if (c.kind != Kind::kGlobal)
      throw_error(ErrorCode::kUnsupported, "NEWOBJ_EX with a class that is not a global cannot be written below protocol 4");
    std::string_view all = text_of(c);
    std::string qual(all.substr(c.aux));
    qual += ".__new__";
    return const_cast<DocumentImpl*>(scratch_doc())->add_global(all.substr(0, c.aux), qual, Error::kNoOffset);
  }
  // After functools.partial and (func,): REDUCE, memo, then BUILD (func, (cls, *args), kwargs, None).
  void partial_end(const DocumentImpl* d, uint32_t id) {
    const ObjectData& o = d->object(id);
    op(Op::REDUCE);
    memo_put_fresh();
    push_op(Op::BUILD);
    push(T::kFreshTupleEnd, nullptr, 4);
    push_save(scratch_doc(), internal::kNoneNode, false);
    push_save(d, o.kwargs);
    auto args = items_of(d, o.args);
    args.insert(args.begin(), {d, o.callable});
    push_fresh_tuple(args);
    push_save(scratch_doc(), new_method_of(d, o.callable), false);
    push_op(Op::MARK);
  }

  void reduce_end(const DocumentImpl* d, uint32_t id) {
    const Node& n = d->node(id);
    bool fresh = n.kind != Kind::kObject;  // set/frozenset/bytes/bytearray written as a reduce
    MadeBy how = fresh ? MadeBy::kReduce : dump_how(d, d->object(id), proto_);
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
    bool reconstructed = proto_ < 2 && o.how != MadeBy::kReduce && !called_with_args(d, o);
    if (o.state != kNoNode) {
      if (mode_.joblib && internal::joblib_wrapper_of(*d, o.callable) != internal::JoblibWrapper::kNone) {
        joblib_reload_bytes(d, id);  // refuses what cannot be written before anything is pushed
        push(T::kJoblibReload, d, id);
      }
      push_op(Op::BUILD);
      push_save(d, o.state);
    }
    if (reconstructed) return;  // list/dict items went into _reconstructor's state argument
    if (o.dict_items != kNoNode) push(T::kBatchDict, d, o.dict_items, 0, 0);
    if (o.list_items != kNoNode) push(T::kBatchList, d, o.list_items, 0, 0);
  }

  void save_pers(const DocumentImpl* d, uint32_t pid) {
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
  void persid_end(const DocumentImpl*, uint32_t) { op(Op::BINPERSID); }

  // repr() of the plain values a protocol 0 persistent id may hold.
  std::string py_repr(const DocumentImpl* d, uint32_t id, int depth) {
    if (depth > 100) throw_error(ErrorCode::kLimitExceeded, "persistent id nests too deeply");
    const Node& n = d->node(id);
    switch (n.kind) {
      case Kind::kNone: return "None";
      case Kind::kBool: return n.u.i ? "True" : "False";
      case Kind::kInt: return Value(d, id).int_decimal(opt_.limits.max_int_digits);
      case Kind::kFloat: return float_repr(n.u.f);
      case Kind::kStr:
      case Kind::kBytes: {
        std::string_view s = text_of(n);
        bool sq = s.find('\'') != std::string_view::npos, dq = s.find('"') != std::string_view::npos;
        char q = sq && !dq ? '"' : '\'';
        std::string out = n.kind == Kind::kBytes ? "b" : "";
        out += q;
        for (char ch : s) {
          auto c = static_cast<uint8_t>(ch);
          if (c == static_cast<uint8_t>(q) || c == '\\') {
            out += '\\';
            out += ch;
          } else if (c == '\n') {
            out += "\\n";
          } else if (c == '\r') {
            out += "\\r";
          } else if (c == '\t') {
            out += "\\t";
          } else if (c < 0x20 || c == 0x7f || (n.kind == Kind::kBytes && c >= 0x80)) {
            static const char* hex = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
          } else {
            out += ch;  // non-ASCII str text is refused by the caller, as CPython refuses it
          }
        }
        out += q;
        return out;
      }
      case Kind::kTuple:
      case Kind::kList: {
        bool tuple = n.kind == Kind::kTuple;
        uint32_t count = id == internal::kEmptyTupleNode ? 0 : d->item_count(id);
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

  const DumpOptions& opt_;
  internal::PicklerMode mode_;
  uint64_t written_ = 0;
  std::unordered_map<const DocumentImpl*, std::unordered_map<std::string, uint32_t>> qualname_nodes_;
  int proto_;
  Sink& sink_;
  const DocumentImpl* root_doc_ = nullptr;
  std::vector<uint32_t> memo_;  // node id -> memo index + 1 (0: not memoized)
  std::unordered_map<std::pair<const DocumentImpl*, uint32_t>, uint32_t, PairHash> foreign_;
  std::unordered_map<std::string, uint32_t> interned_;  // singleton/interned key -> memo index + 1
  uint64_t memo_count_ = 0;
  std::vector<Task> tasks_;
  std::vector<std::pair<std::string, std::string>> strs_{{"slatin1", "latin1"}};
  const uint32_t latin1_ = 0;
  std::unique_ptr<DocumentImpl> scratch_;
  std::vector<std::vector<uint8_t>> owned_;  // bytes made for the dump (numpy rawdata)
  // numpy scalars: the builtin dtype singletons made for the dump ("f8" -> scratch node), and the
  // first np.False_/np.True_ written (numpy's bool scalars are singletons).
  std::unordered_map<std::string, uint32_t> canonical_dtypes_;
  std::pair<const DocumentImpl*, uint32_t> bool_scalars_[2] = {{nullptr, 0}, {nullptr, 0}};
  internal::PyHashKey hash_key_;
  std::unordered_map<std::pair<const DocumentImpl*, uint32_t>, std::vector<uint32_t>, PairHash> set_orders_;
  std::unordered_set<std::pair<const DocumentImpl*, uint32_t>, PairHash> open_objects_;  // objects being saved
  internal::PodVector<uint8_t> buf_;  // the output not yet given to the sink
  bool framing_ = false;
  int64_t frame_start_ = -1;
};

}  // namespace

namespace internal {
uint64_t dump_to(const Value& v, ByteSink& sink, const DumpOptions& options, const PicklerMode& mode) {
  Pickler p(options, sink, mode);
  p.dump(v);
  return p.written();
}
}  // namespace internal

std::vector<uint8_t> dump(const Value& v, const DumpOptions& options) {
  std::vector<uint8_t> out;
  // A pickle is typically a third to half of its document's memory (32-byte nodes become 2-10
  // byte opcodes; payloads are copied as they are).
  const uint64_t hint = v.valid() ? std::min<uint64_t>(v.document_impl()->memory_bytes() / 2, uint64_t{1} << 30) : 0;
  VectorSink sink(out, static_cast<size_t>(hint));
  Pickler(options, sink).dump(v);
  return out;
}

void dump(const Value& v, std::ostream& out, const DumpOptions& options) {
  StreamSink sink(out);
  Pickler(options, sink).dump(v);
}

void dump_file(const Value& v, const std::filesystem::path& path, const DumpOptions& options) {
  internal::write_file_atomically(path, [&](const internal::AppendFn& append) {
    FnSink sink(append);
    Pickler(options, sink).dump(v);
  });
}

}  // namespace picklejar
