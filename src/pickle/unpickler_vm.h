// The pickle VM's machine (input, stack, memo, values), shared by its two halves:
// unpickler_opcodes.cc runs the opcode switch, unpickler.cc holds what the switch calls out of line
// (error paths, memo, Python 2 str decoding, int literals, globals and the strict-mode allowlist,
// persistent ids, REDUCE). What runs for nearly every opcode (argument decoding, push/pop, payloads,
// str/bytes/tuple nodes, APPENDS/SETITEMS) stays inline here, so the switch compiles as it did in
// one file. One Unpickler runs one pickle and is used by one thread. Internal to src/pickle/.
#pragma once

#include <iconv.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/text_literals.h"
#include "base/utf8.h"
#include "io/byte_reader.h"
#include "model/document_impl.h"
#include "pickle/hooks.h"
#include "pickle/opcode_args.h"
#include "pickle/opcode_table.h"
#include "pickle/unpickler.h"
#include "picklejar/document.h"
#include "picklejar/pickle.h"

namespace picklejar::internal {

// What the VM's truncation errors call an opcode's fixed-width field and its text lines.
constexpr const char* field_what(Op op, ArgField field) {
  if (field == ArgField::kLength) return "length";
  switch (op) {
    case Op::BINFLOAT: return "float";
    case Op::BINGET: case Op::LONG_BINGET: case Op::BINPUT: case Op::LONG_BINPUT: return "memo index";
    case Op::EXT1: case Op::EXT2: case Op::EXT4: return "extension code";
    case Op::PROTO: return "protocol";
    case Op::FRAME: return "frame size";
    default: return "int";
  }
}
constexpr const char* line_what(Op op, int index) {
  switch (op) {
    case Op::INT: return "decimal int";
    case Op::LONG: return "decimal long";
    case Op::FLOAT: return "float";
    case Op::STRING: return "quoted string";
    case Op::UNICODE: return "raw-unicode-escape str";
    case Op::GET: case Op::PUT: return "memo index";
    case Op::GLOBAL: return index == 0 ? "module name" : "global name";
    case Op::INST: return index == 0 ? "module name" : "class name";
    default: return "persistent id";
  }
}

class Unpickler {
 public:
  Unpickler(ByteReader& in, Document& doc, const LoadOptions& opt);
  ~Unpickler() { d_.release_working(working_bytes_); }
  Unpickler(const Unpickler&) = delete;
  Unpickler& operator=(const Unpickler&) = delete;
  // Runs the pickle up to STOP and sets the document's root. Throws Error, naming the failing
  // opcode and its offset.
  void run();

  VmHookList hooks_;
  VmObserver* observer_ = nullptr;

 private:
  [[noreturn]] void fail(ErrorCode code, const std::string& msg);
  void run_opcodes();

  // ---- input
  [[gnu::always_inline]] const uint8_t* need(size_t n, const char* what) {
    size_t avail = 0;
    const uint8_t* p = in_.take(n, &avail);
    if (!p) truncated(n, avail, what);
    return p;
  }
  [[noreturn, gnu::noinline, gnu::cold]] void truncated(uint64_t n, uint64_t avail, const char* what);
  std::string_view line(const char* what);
  // A declared payload length, checked before anything is allocated for it.
  void check_length(uint64_t n);
  // A payload of n bytes that lives as long as the document.
  const uint8_t* payload(uint64_t n) {
    check_length(n);
    if (in_.stable()) return need(static_cast<size_t>(n), "payload");
    if (in_.remaining()) {
      uint8_t* dst = d_.alloc_bytes(static_cast<size_t>(n));
      if (!in_.read_into(dst, static_cast<size_t>(n))) truncated(n, 0, "payload");
      return dst;
    }
    // Unknown-length stream: read in steps so memory follows the bytes that really arrive.
    std::vector<uint8_t> tmp;
    uint64_t done = 0;
    while (done < n) {
      size_t step = static_cast<size_t>(std::min<uint64_t>(n - done, uint64_t{1} << 20));
      tmp.resize(static_cast<size_t>(done) + step);
      if (!in_.read_into(tmp.data() + done, step)) truncated(n, done, "payload");
      done += step;
    }
    return d_.copy_bytes(tmp.data(), tmp.size());
  }

  // The byte source of internal::decode_arg for opcode O, in the VM's words.
  template <Op O>
  struct ArgSource {
    Unpickler& u;
    [[gnu::always_inline]] const uint8_t* fixed(int width, ArgKind, ArgField field) {
      return u.need(static_cast<size_t>(width), field_what(O, field));
    }
    [[noreturn]] void negative_length(ArgKind kind, int64_t) {
      u.fail(ErrorCode::kBadLength, kind == ArgKind::kLong4 ? "LONG pickle has negative byte count"
                                                              : "BINSTRING pickle has negative byte count");
    }
    void check_count(ArgKind, uint64_t) {}  // payload() checks it against the input
    [[gnu::always_inline]] const uint8_t* payload(ArgKind kind, uint64_t n) {
      // An int's bytes are copied by the document: no need for a stable payload.
      if (kind == ArgKind::kLong1) return u.need(static_cast<size_t>(n), "int");
      if (kind == ArgKind::kLong4) {
        u.check_length(n);
        return u.need(static_cast<size_t>(n), "int");
      }
      return u.payload(n);
    }
    // A global's module line is checked and kept before the name line is read (which may reuse the
    // reader's line buffer).
    std::string_view line(ArgKind kind, int index) {
      std::string_view s = u.line(line_what(O, index));
      if (kind != ArgKind::kStringNlPair) return s;
      u.checked_line_utf8(s);
      if (index == 1) return s;
      u.line_hold_.assign(s);
      return u.line_hold_;
    }
  };
  // Opcode O's argument, decoded as base/opcodes.def says.
  template <Op O>
  [[gnu::always_inline]] RawArg arg() {
    ArgSource<O> src{*this};
    return decode_arg<arg_kind_of(O)>(src);
  }

  // ---- stack
  size_t fence() const { return marks_.empty() ? 0 : marks_.back(); }
  // Too few values above the fence. With a MARK there, the MARK is where a value must be
  // (CPython: "unexpected MARK found").
  [[noreturn]] void underflow();
  // One compare per push: stack_room_ is where the stack must grow (memory counted) or stop.
  [[gnu::always_inline]] void push(uint32_t id) {
    if (stack_.size() >= stack_room_) [[unlikely]] grow_stack();
    stack_.push_back(id);
  }
  [[gnu::noinline]] void grow_stack();
  void push_mark();
  uint32_t pop() {
    if (stack_.size() <= fence()) underflow();
    uint32_t v = stack_.back();
    stack_.pop_back();
    return v;
  }
  uint32_t top() {
    if (stack_.size() <= fence()) underflow();
    return stack_.back();
  }
  size_t pop_mark() {
    if (marks_.empty()) fail(ErrorCode::kMarkMisuse, "could not find MARK");
    size_t k = marks_.back();
    marks_.pop_back();
    return k;
  }
  Kind kind(uint32_t id) const { return d_.node(id).kind; }
  [[noreturn]] void bad_operand(uint32_t id, const std::string& wanted);
  // The VM's own tables count toward Limits::max_memory_bytes (with the document's blocks): each
  // growth of `add` bytes is charged before it is allocated, so the error names the opcode that
  // grew them and what grew ("VM stack", "MARK stack", "memo").
  void charge(size_t add, const char* what) {
    d_.charge_working(add, op_off_, what);
    working_bytes_ += add;
  }

  // ---- memo
  void memo_put(uint64_t idx, uint32_t id);
  void count_memo();
  void grow_memo(size_t need);
  uint32_t memo_get(uint64_t idx);
  uint64_t parse_memo_index(std::string_view s);

  // ---- values
  uint32_t make_str(const uint8_t* p, uint64_t n, bool stable_payload) {
    int64_t bad = find_bad_utf8(p, static_cast<size_t>(n));
    if (bad >= 0)
      fail(ErrorCode::kBadUtf8, "invalid UTF-8 at byte " + std::to_string(bad) + " of a " + std::to_string(n) + "-byte str");
    return d_.add_payload(Kind::kStr, stable_payload ? p : d_.copy_bytes(p, static_cast<size_t>(n)), n, op_off_);
  }
  // BINBYTES/SHORT_BINBYTES/BINBYTES8: a 1-byte one is a new object in CPython, not its singleton.
  uint32_t counted_bytes(const uint8_t* p, uint64_t n) {
    uint32_t id = d_.add_payload(Kind::kBytes, p, n, op_off_);
    if (n == 1) d_.node(id).flags |= kFlagFreshByte;
    return id;
  }
  uint32_t make_str_owned(const std::string& s);
  // Python 2 str (STRING, BINSTRING, SHORT_BINSTRING) in LoadOptions::encoding. p must live as long
  // as the document (input in memory mode, or the arena).
  uint32_t py2_str_stable(const uint8_t* p, size_t n);
  std::string py2_iconv(const uint8_t* p, size_t n);
  void check_int_digits(size_t n);  // Limits::max_int_digits
  uint32_t int_from_literal(const IntLiteral& lit);
  // INT, LONG and FLOAT lines, read as CPython's C unpickler reads them (pickle.loads), which is
  // not what pickletools says (int(line), float(line)): see unpickler.cc.
  uint32_t text_int(std::string_view line);
  uint32_t text_long(std::string_view line);
  double text_float(std::string_view line);

  // ---- globals and objects
  uint32_t make_global(std::string_view module, std::string_view name);
  // Strict mode (LoadOptions::allowed_globals and LoadOptions::policy).
  void check_allowed(std::string_view module, std::string_view name);
  // A call (REDUCE, OBJ, INST, NEWOBJ, NEWOBJ_EX) of `callable`: told to the observer, checked by
  // the strict policy.
  void note_call(uint32_t callable, uint32_t args, uint32_t kwargs) {
    if (observer_) observer_->on_call(d_, callable, args, kwargs, op_off_, op_);
    if (policy_) check_use(callable, op_ == static_cast<int>(Op::NEWOBJ) || op_ == static_cast<int>(Op::NEWOBJ_EX)
                                         ? GlobalUse::kConstruct
                                         : GlobalUse::kCall);
  }
  void note_global(uint32_t g) {
    if (observer_) observer_->on_global(d_, g, op_off_, op_);
  }
  // The policy's use check for a global `callable` (other values were checked where they were made).
  void check_use(uint32_t callable, GlobalUse use);
  std::string_view checked_line_utf8(std::string_view s);
  uint32_t persistent(uint32_t pid);
  uint32_t reduce(uint32_t callable, uint32_t args);
  // REDUCE, OBJ (wanted "a callable"), NEWOBJ and NEWOBJ_EX ("a class") of a value no Python call
  // could take: a builtin value, where CPython raises TypeError ("'int' object is not callable") or
  // UnpicklingError (NEWOBJ: "class argument isn't a type object"). Globals, inert objects and
  // persistent ids may be callable and stay accepted.
  void check_callable(uint32_t callable, const char* wanted) {
    switch (kind(callable)) {
      case Kind::kGlobal: case Kind::kObject: case Kind::kPersistentId: case Kind::kArray: case Kind::kDType:
      case Kind::kNumpyScalar: case Kind::kTensor:
        return;
      default:
        bad_operand(callable, wanted);
    }
  }
  void adopt_state_setter(uint32_t call);
  void adopt_reentry(uint32_t obj);
  void intern_state_keys(uint32_t state);
  uint32_t got(uint32_t v) {
    if (op_off_ == popped_end_) adopt_reentry(v);
    return v;
  }

  // ---- containers
  uint32_t tuple_from(size_t from) {
    size_t n = stack_.size() - from;
    if (n == 0) return kEmptyTupleNode;
    uint32_t t = d_.add_container(Kind::kTuple, op_off_);
    d_.append_items(t, stack_.data() + from, n);
    stack_.resize(from);
    return t;
  }
  // The list (APPENDS) or dict (SETITEMS) that collects an object's items, made on first use.
  // SETITEM(S) on a list: list[key] = value for each pair above `from`, as CPython's
  // PyObject_SetItem does (an int key, negative from the end, inside the list).
  void set_list_items(uint32_t list, size_t from);
  uint32_t items_of(uint32_t obj, uint32_t ObjectData::*items, Kind container);
  void do_appends(uint32_t target, size_t from) {
    if (kind(target) == Kind::kObject) target = items_of(target, &ObjectData::list_items, Kind::kList);
    if (kind(target) != Kind::kList) bad_operand(target, "a list");
    d_.append_items(target, stack_.data() + from, stack_.size() - from);
    stack_.resize(from);
  }
  void do_setitems(uint32_t target, size_t from) {
    if ((stack_.size() - from) % 2) fail(ErrorCode::kMarkMisuse, "odd number of items for SETITEMS");
    if (kind(target) == Kind::kObject) target = items_of(target, &ObjectData::dict_items, Kind::kDict);
    if (kind(target) == Kind::kList) return set_list_items(target, from);
    if (kind(target) != Kind::kDict) bad_operand(target, "a dict");
    for (size_t i = from; i < stack_.size(); i += 2) d_.set_dict_item(target, stack_[i], stack_[i + 1]);
    stack_.resize(from);
  }

  ByteReader& in_;
  Document& doc_;
  DocumentImpl& d_;
  const LoadOptions& opt_;
  const Limits& lim_;
  Py2Encoding enc_;
  struct IconvClose {
    void operator()(void* cd) const noexcept { ::iconv_close(static_cast<iconv_t>(cd)); }
  };
  std::unique_ptr<void, IconvClose> iconv_;  // Py2Encoding::kOther's converter, once opened
  PodVector<uint32_t> stack_;  // grows without copying (src/model/pod_vector.h)
  std::vector<size_t> marks_;
  PodVector<uint32_t> memo_;  // index -> node (kNoNode: none); grows by mremap, on huge pages
  std::unordered_map<uint64_t, uint32_t> sparse_;
  std::optional<Policy> allowed_;  // LoadOptions::allowed_globals as a policy
  const Policy* policy_ = nullptr;  // LoadOptions::policy
  uint64_t memo_count_ = 0;
  size_t stack_room_ = 0;     // min(stack_ capacity, max_container_items): push() slows down there
  size_t working_bytes_ = 0;  // charged to the document by charge(), released when the VM ends
  size_t next_buffer_ = 0;
  std::map<std::tuple<const uint8_t*, size_t, bool>, uint32_t> buffer_nodes_;  // a view given twice is one object
  uint64_t op_off_ = 0;
  uint64_t call_end_ = ~uint64_t{0};  // where the opcode after the last REDUCE/NEWOBJ/NEWOBJ_EX starts
  uint64_t popped_end_ = ~uint64_t{0};  // where the opcode after a POP of such a call's result starts
  uint32_t popped_call_ = kNoNode;      // that result
  int op_ = Error::kNoOpcode;
  bool in_callback_ = false;
  std::string line_hold_;  // GLOBAL/INST: the module line while the name line is read
};

}  // namespace picklejar::internal
