// The pickler: writes a value graph as CPython 3.11's C pickler (`pickle.dumps`) writes the same
// Python objects, byte for byte. See FORMATS.md §1.3-1.5 for the facts this follows.
//
// CPython's save() recurses; this writer is iterative: a stack of tasks, where a task either
// saves one value or continues a value whose parts have been saved (a tuple's closing opcode, a
// reduce's memo and BUILD, the next batch of 1000 items). Continuations push their follow-ups
// when they run, so a recursive tuple or object can skip what CPython skips.
//
// The extension seam (DESIGN.md §1b): a Saver writes the values of its library (numpy's arrays,
// dtypes and scalars; joblib's array wrappers) the way that library pickles them, through the
// Pickler's public members, like copyreg's dispatch table and Pickler.reducer_override in Python.
// The core (src/pickle/pickler.cc, pickler_objects.cc) knows no library. Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "model/document_impl.h"
#include "model/pod_vector.h"
#include "model/pyhash.h"
#include "pickle/opcode_table.h"
#include "picklejar/dump.h"
#include "picklejar/print.h"

namespace picklejar::internal {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(const uint8_t* p, size_t n) = 0;
};

// A ByteSink that calls a function with each chunk.
class FunctionSink final : public ByteSink {
 public:
  explicit FunctionSink(std::function<void(const uint8_t*, size_t)> f) : f_(std::move(f)) {}
  void write(const uint8_t* p, size_t n) override { f_(p, n); }

 private:
  std::function<void(const uint8_t*, size_t)> f_;
};

struct PicklerMode {
  // Batch as pickle._Pickler (pure Python) does, not as the C pickler (FORMATS.md §1.5).
  bool pure_python = false;
};

class Pickler;

// How a library's values are written. Every member has a default that leaves the value to the core.
class Saver {
 public:
  virtual ~Saver() = default;
  // First, for every object node (Kind::kObject) to be saved, before persistent_id and the memo:
  // true if this saver wrote it (joblib replaces each ndarray occurrence by a new wrapper).
  virtual bool intercept(Pickler& p, const DocumentImpl* d, uint32_t id) { (void)p, (void)d, (void)id; return false; }
  // An object node with a typed reading (DocumentImpl::tag) that is not in the memo: true if this
  // saver wrote (or pushed the tasks that write) it; false leaves it to the generic object path.
  virtual bool save_object(Pickler& p, const DocumentImpl* d, uint32_t id) { (void)p, (void)d, (void)id; return false; }
  // Memo identity by value for typed nodes: a non-empty key makes every node with that key one
  // object, one memo entry (numpy's builtin dtype objects).
  virtual std::string memo_key(const DocumentImpl* d, uint32_t id) { (void)d, (void)id; return {}; }
  // Before the BUILD of the state of object `id` (after its REDUCE and memo entry): may push tasks,
  // which run after that BUILD (joblib's placeholder data after a wrapper object's BUILD).
  virtual void before_build(Pickler& p, const DocumentImpl* d, uint32_t id) { (void)p, (void)d, (void)id; }
  // A continuation pushed with Pickler::push_resume.
  virtual void resume(Pickler& p, uint32_t code, const DocumentImpl* d, uint32_t id) {
    (void)p, (void)code, (void)d, (void)id;
  }
};
using SaverList = std::span<Saver* const>;

constexpr size_t kFrameSizeTarget = 64 * 1024;  // _FRAME_SIZE_TARGET
constexpr size_t kFrameSizeMin = 4;             // _FRAME_SIZE_MIN
constexpr size_t kFrameHeader = 9;
constexpr uint32_t kBatchSize = 1000;           // _BATCHSIZE
constexpr size_t kFlushBytes = 1 << 20;         // hand committed output to the sink past this

// The bytes of the raw text of a payload node (str, bytes, a global's module + name).
inline std::string_view text_of(const Node& n) {
  return {reinterpret_cast<const char*>(n.u.bytes.ptr), static_cast<size_t>(n.u.bytes.len)};
}

class Pickler {
 public:
  // `savers` (not owned; they must outlive the Pickler) are asked in order at each seam.
  Pickler(const DumpOptions& o, ByteSink& sink, PicklerMode mode = {}, SaverList savers = {});

  void dump(const Value& root);
  uint64_t written() const { return written_; }

  // ---- for savers: what CPython's save() and its helpers do, as tasks or as direct writes.
  // Tasks run last-pushed first: push a value's closing step before its parts.
  int protocol() const { return proto_; }
  const DumpOptions& options() const { return opt_; }
  ByteSink& sink() { return sink_; }
  void push_save(const DocumentImpl* d, uint32_t id, bool pers = true) { push(T::kSave, d, id, pers ? 1 : 0); }
  void push_op(Op o) { push(T::kOp, nullptr, static_cast<uint32_t>(o)); }
  // A global made for the dump (builtins.set, _codecs.encode, ...), saved as CPython saves it.
  void push_global(std::string_view module, std::string_view name);
  // After an object's callable and arguments: REDUCE (or NEWOBJ...), memo, then BUILD of its state.
  void push_reduce_end(const DocumentImpl* d, uint32_t id) { push(T::kReduceEnd, d, id); }
  // After the n items of a tuple made for the dump: TUPLE (or TUPLE1-3) and a memo entry.
  void push_fresh_tuple_end(uint32_t n) { push(T::kFreshTupleEnd, nullptr, n); }
  // A memo entry for an object made only for the dump.
  void push_memoize_fresh() { push(T::kMemoizeFresh); }
  // A list made for the dump holding list node `list`'s items.
  void push_fresh_list_of(const DocumentImpl* d, uint32_t list) { push(T::kFreshListOf, d, list); }
  // An interned str made for the dump: equal `key`s (non-empty) are one object, one memo entry.
  void push_interned_str(std::string key, std::string text) { push(T::kInternedStr, nullptr, intern(std::move(key), std::move(text))); }
  // Calls saver->resume(*this, code, d, id) when this task's turn comes.
  void push_resume(Saver* saver, uint32_t code, const DocumentImpl* d, uint32_t id);
  void op(Op o) {
    uint8_t b = static_cast<uint8_t>(o);
    write(&b, 1);
  }
  // An empty list, dict or tuple: its EMPTY_* opcode, or MARK and its text opcode at protocol 0.
  void empty_container(Op empty, Op text) {
    if (proto_ >= 1) {
      op(empty);
    } else {
      op(Op::MARK);
      op(text);
    }
  }
  void opcode_boundary();
  void commit_frame();
  void flush();
  // Bytes straight to the sink, outside any frame (commit_frame() and flush() first).
  void sink_write(const uint8_t* p, size_t n) {
    sink_.write(p, n);
    written_ += n;
  }
  // Bytes a nested pickler wrote to sink() (joblib's object arrays).
  void add_written(uint64_t n) { written_ += n; }
  bool in_memo(const DocumentImpl* d, uint32_t id) { return *memo_slot(d, id) != 0; }
  void memo_put(const DocumentImpl* d, uint32_t id);
  void memo_put_fresh() {
    if (!opt_.fast) write_put(memo_count_++);
  }
  void memo_get(const DocumentImpl* d, uint32_t id) { write_get(*memo_slot(d, id) - 1); }
  // Nodes the dump makes, in the scratch document (alive as long as the Pickler).
  DocumentImpl& scratch();
  const DocumentImpl* scratch_doc() { return &scratch(); }
  uint32_t made_int(int64_t v) { return scratch().add_int(v, Error::kNoOffset); }
  uint32_t made_payload(Kind kind, const uint8_t* p, uint64_t n);
  uint32_t made_str(std::string_view s);
  uint32_t made_tuple(const std::vector<uint32_t>& items);
  uint32_t made_shape(const std::vector<int64_t>& shape);
  // Bytes the dump makes (kept as long as the Pickler); returns where they now are.
  const std::vector<uint8_t>& keep(std::vector<uint8_t> bytes) {
    owned_.push_back(std::move(bytes));
    return owned_.back();
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
    kFreshListOf,   // a list made for the dump holding list node a's items
    kFreshDictOf,   // a dict made for the dump holding dict node a's items
    kResume,        // a saver's continuation: savers_[flag]->resume(code b, node a)
    kFastLeave,     // DumpOptions::fast: container node a is written (leaves fast_open_)
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
  void run();

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
  // A header and payload; a payload of 64 KiB or more goes outside any frame (C _Pickler_write_bytes).
  void write_bytes(const uint8_t* header, size_t hn, const uint8_t* data, size_t n);

  // An opcode byte, text, and a terminator ("p12\n", "L123L\n").
  void write_decimal_line(char opcode, const std::string& text, std::string_view end);

  static void le(uint8_t* p, uint64_t v, int n) {
    for (int i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
  }

  // ---- memo (FORMATS.md "Memoization")
  // Memo identity: node identity, except CPython's singletons (by value). Flat array for the root's
  // document; a map for values of other documents (persistent ids may come from anywhere).
  uint32_t* memo_slot(const DocumentImpl* d, uint32_t id);
  struct PairHash {
    size_t operator()(const std::pair<const DocumentImpl*, uint32_t>& p) const {
      return std::hash<const void*>()(p.first) * 31 + p.second;
    }
  };
  void write_put(uint64_t idx);
  void memo_put_key(const std::string& key);
  void write_get(uint64_t idx);

  // ---- save
  void save(const DocumentImpl* d, uint32_t id, bool pers);

  // Items of a container in the order CPython writes them: a set's or frozenset's in the order a
  // CPython set built from them iterates (FORMATS.md: sets are written in hash-table order).
  const uint32_t* seq_items(const DocumentImpl* d, uint32_t id);

  void save_bool(bool b);

  void save_int(const DocumentImpl& d, uint32_t id);

  void save_float(double f);

  // The str opcode for UTF-8 text `s` (FORMATS.md "Strings and byte strings").
  void write_str(std::string_view s);

  void save_str(const DocumentImpl* d, uint32_t id);

  // A str the dump makes (global names at protocol 4+, 'latin1', getattr's name). Equal strs with
  // the same non-empty key are one object; an empty key makes a new object each time (a
  // one-character str is still CPython's singleton).
  void save_made_str(const std::string& key_in, const std::string& s);
  uint32_t intern(std::string key, std::string text);

  void write_bytes_op(const uint8_t* p, uint64_t n);


  void save_bytes(const DocumentImpl* d, uint32_t id);
  void save_latin1_str(const DocumentImpl* d, uint32_t id);

  void save_bytearray(const DocumentImpl* d, uint32_t id);

  void save_buffer(const DocumentImpl* d, uint32_t id);

  void save_tuple(const DocumentImpl* d, uint32_t id);
  void tuple_end(const DocumentImpl* d, uint32_t id, uint32_t n);
  // A tuple the dump makes (reduce arguments): never reached twice, so no recursion check.
  void fresh_tuple_end(uint32_t n);

  void save_list(const DocumentImpl* d, uint32_t id);

  // Items [from, ...) of list `id` (or of an object's list items). CPython's exact-list batcher
  // writes MARK..APPENDS even for a last batch of one; the generic one writes a lone item as
  // APPEND (FORMATS.md §1.5).
  static constexpr uint8_t kExact = 1;
  // The C pickler's exact-type batchers, or pickle._Pickler's generic ones (FORMATS.md §1.5).
  uint8_t exact() const { return mode_.pure_python ? 0 : kExact; }
  static constexpr uint8_t kFreshReduce = 2;
  void batch_list(const DocumentImpl* d, uint32_t id, uint32_t from, uint8_t exact);
  // None, bool, int and float: written as they are, never memoized, no task needed.
  static bool is_number(Kind k) { return k == Kind::kNone || k == Kind::kBool || k == Kind::kInt || k == Kind::kFloat; }
  static bool holds_values(Kind k) {
    return k == Kind::kTuple || k == Kind::kList || k == Kind::kDict || k == Kind::kSet || k == Kind::kFrozenSet ||
           k == Kind::kObject;
  }
  void write_number(const DocumentImpl* d, uint32_t id);

  void save_dict(const DocumentImpl* d, uint32_t id);
  // CPython's exact-dict batcher loops while a batch was full, so a dict of 1000*k pairs ends with
  // an empty MARK SETITEMS; the generic batcher does not (FORMATS.md §1.5).
  void batch_dict(const DocumentImpl* d, uint32_t id, uint32_t from, uint8_t exact);

  void save_set(const DocumentImpl* d, uint32_t id);
  // do { MARK items ADDITEMS } while (batch was full): 1000*k items end with an empty batch.
  void batch_set(const DocumentImpl* d, uint32_t id, uint32_t from);
  // set(list(obj)) / frozenset(list(obj)) as a reduce (protocols < 4).
  void save_set_reduce(const DocumentImpl* d, uint32_t id, std::string_view name);
  void fresh_list(const DocumentImpl* d, uint32_t set_id);

  void save_frozenset(const DocumentImpl* d, uint32_t id);
  void frozenset_end(const DocumentImpl* d, uint32_t id);

  // FORMATS.md "Globals".
  void save_global(const DocumentImpl* d, uint32_t id);

  // Whether a qualname str a STACK_GLOBAL took behaves as interned: it does unless the stream
  // holds another global whose equal qualname is a different str (Cython and C functions make
  // their own), in which case the stream's own sharing is kept.
  bool qualname_interned(const DocumentImpl* d, uint32_t name_node);

  // Inert objects, re-emitted the way CPython re-pickles the object it would have built
  // (FORMATS.md "Objects via __reduce_ex__"): REDUCE objects as they were; NEWOBJ-made objects
  // through object.__reduce_ex__(protocol). INST/OBJ objects were made by calling the class; their
  // default reduce is NEWOBJ with no arguments; called with arguments, CPython's re-dump holds what
  // that __init__ did, which the stream does not, so they are written as REDUCE(cls, args), which
  // makes the same object when Python loads it.
  static bool called_with_args(const DocumentImpl* d, const ObjectData& o);
  MadeBy dump_how(const DocumentImpl* d, uint32_t id) const;
  // A tuple made for the dump from `items` (pushed so its opcodes come next).
  void push_fresh_tuple(const std::vector<std::pair<const DocumentImpl*, uint32_t>>& items);
  std::vector<std::pair<const DocumentImpl*, uint32_t>> items_of(const DocumentImpl* d, uint32_t tuple);
  void fresh_list_of(const DocumentImpl* d, uint32_t list);
  void fresh_dict_of(const DocumentImpl* d, uint32_t dict);
  // Written as copyreg._reconstructor(cls, base, state): every such object below protocol 2, and
  // at any protocol one loaded from _reconstructor in a protocol 2+ stream (kFlagReconstructor).
  bool reconstructs(const DocumentImpl* d, uint32_t id) const;
  static bool falsy(const DocumentImpl* d, uint32_t id);
  // A kFlagGetattr global as getattr(parent, name), as it was loaded.
  void save_getattr_global(const DocumentImpl* d, uint32_t id);


  void save_object(const DocumentImpl* d, uint32_t id);
  // (dict or None, {slot: value}): the state object.__getstate__ gives an object with __slots__.
  static bool is_slot_state(const DocumentImpl* d, uint32_t state);
  // cls.__new__ as a global (module, qualname + ".__new__"), pickled as getattr(cls, '__new__').
  uint32_t new_method_of(const DocumentImpl* d, uint32_t cls);
  // After functools.partial and (func,): REDUCE, memo, then BUILD (func, (cls, *args), kwargs, None).
  void partial_end(const DocumentImpl* d, uint32_t id);

  void reduce_end(const DocumentImpl* d, uint32_t id);

  void save_pers(const DocumentImpl* d, uint32_t pid);
  bool save_extension(std::string_view module, std::string_view name);
  void persid_end(const DocumentImpl*, uint32_t) { op(Op::BINPERSID); }

  // repr() of the plain values a protocol 0 persistent id may hold.
  std::string py_repr(const DocumentImpl* d, uint32_t id, int depth);

  const DumpOptions& opt_;
  PicklerMode mode_;
  std::vector<Saver*> savers_;
  uint64_t written_ = 0;
  std::unordered_map<const DocumentImpl*, std::unordered_map<std::string, uint32_t>> qualname_nodes_;
  std::map<std::pair<std::string, std::string>, int32_t> ext_codes_;  // DumpOptions::extensions inverted
  int proto_;
  ByteSink& sink_;
  const DocumentImpl* root_doc_ = nullptr;
  PodVector<uint32_t> memo_;  // node id -> memo index + 1 (0: not memoized); see assign_zeros
  std::unordered_map<std::pair<const DocumentImpl*, uint32_t>, uint32_t, PairHash> foreign_;
  std::unordered_map<std::string, uint32_t> interned_;  // singleton/interned key -> memo index + 1
  uint64_t memo_count_ = 0;
  std::vector<Task> tasks_;
  // DumpOptions::fast: the containers being written (a value met again among them holds itself).
  std::set<std::pair<const DocumentImpl*, uint32_t>> fast_open_;
  std::vector<std::pair<std::string, std::string>> strs_{{"slatin1", "latin1"}};
  const uint32_t latin1_ = 0;
  std::unique_ptr<DocumentImpl> scratch_;
  std::deque<std::vector<uint8_t>> owned_;  // bytes made for the dump (keep(); a deque: they never move)
  PyHashKey hash_key_;
  std::unordered_map<std::pair<const DocumentImpl*, uint32_t>, std::vector<uint32_t>, PairHash> set_orders_;
  std::unordered_set<std::pair<const DocumentImpl*, uint32_t>, PairHash> open_objects_;  // objects being saved
  PodVector<uint8_t> buf_;  // the output not yet given to the sink
  bool framing_ = false;
  int64_t frame_start_ = -1;
};

// Writes the pickle of `v` to `sink` with `savers`. Returns the number of bytes written.
uint64_t dump_to(const Value& v, ByteSink& sink, const DumpOptions& options, const PicklerMode& mode = {},
                 SaverList savers = {});

}  // namespace picklejar::internal
