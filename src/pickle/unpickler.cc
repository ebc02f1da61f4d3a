// The pickle VM's out-of-line half: its construction and error paths, the memo, Python 2 str
// decoding and int literals, globals and the strict-mode allowlist, persistent ids, REDUCE, and the
// entry points. The opcode switch is in unpickler_opcodes.cc; the machine in unpickler_vm.h.
#include "pickle/unpickler.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include "base/int_text.h"
#include "base/text_literals.h"
#include "base/utf8.h"
#include "model/value_access.h"
#include "pickle/globals.h"
#include "pickle/unpickler_vm.h"

namespace picklejar::internal {

Py2Encoding parse_encoding(const std::string& name) {
  std::string n;
  for (char c : name) n.push_back(c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (n == "ascii" || n == "us-ascii") return Py2Encoding::kAscii;
  if (n == "latin1" || n == "latin-1" || n == "iso-8859-1" || n == "iso8859-1" || n == "l1")
    return Py2Encoding::kLatin1;
  if (n == "utf-8" || n == "utf8") return Py2Encoding::kUtf8;
  if (n == "bytes") return Py2Encoding::kBytes;
  return Py2Encoding::kOther;
}

namespace {
// CPython's C unpickler reads INT, LONG, FLOAT, GET and PUT lines as C strings: a NUL ends them.
std::string_view c_text(std::string_view line) { return line.substr(0, line.find('\0')); }
std::string quoted40(std::string_view s) { return "'" + std::string(s.substr(0, 40)) + "'"; }

std::string hex2(uint8_t b) {
  const char* h = "0123456789abcdef";
  return std::string{h[b >> 4], h[b & 15]};
}

}  // namespace

Unpickler::Unpickler(ByteReader& in, Document& doc, const LoadOptions& opt)
    : in_(in), doc_(doc), d_(internal::impl_of(doc)), opt_(opt), lim_(opt.limits), enc_(parse_encoding(opt.encoding)) {
  d_.set_limits(opt.limits);
  if (opt.allowed_globals) allowed_ = Policy::from_pairs(*opt.allowed_globals);
  policy_ = opt.policy.get();
}

void Unpickler::run() {
  try {
    run_opcodes();
  } catch (const Error& e) {
    // Errors raised below the VM (document allocation, container limits, key hashing) name no
    // opcode: give them the failing opcode and its offset, as every other load error has. What
    // the persistent_load callback throws propagates untouched.
    if (e.opcode() != Error::kNoOpcode || op_ == Error::kNoOpcode || in_callback_) throw;
    throw Error(e.code(), e.message(), op_off_, op_);
  }
}

void Unpickler::fail(ErrorCode code, const std::string& msg) { throw Error(code, msg, op_off_, op_); }

// ---- input

void Unpickler::truncated(uint64_t n, uint64_t avail, const char* what) {
  if (in_.hit_limit())
    fail(ErrorCode::kLimitExceeded, "input passes Limits::max_input_bytes (" + std::to_string(lim_.max_input_bytes) + ")");
  fail(ErrorCode::kTruncated, std::string(opcode_info(static_cast<uint8_t>(op_)).name) + " needs " +
                                  std::to_string(n) + " bytes of " + what + ", " + std::to_string(avail) + " left");
}

std::string_view Unpickler::line(const char* what) {
  std::string_view s;
  if (!in_.read_line(&s)) {
    if (in_.hit_limit())
      fail(ErrorCode::kLimitExceeded, "input passes Limits::max_input_bytes");
    fail(ErrorCode::kTruncated, std::string(opcode_info(static_cast<uint8_t>(op_)).name) +
                                    " needs a newline-terminated " + what + ", input ended first");
  }
  return s;
}

void Unpickler::check_length(uint64_t n) {
  auto rem = in_.remaining();
  if (rem && n > *rem)
    fail(ErrorCode::kTruncated, std::string(opcode_info(static_cast<uint8_t>(op_)).name) + " declares " +
                                    std::to_string(n) + " bytes, " + std::to_string(*rem) + " left");
  if (n > lim_.max_input_bytes)
    fail(ErrorCode::kLimitExceeded, "declared length " + std::to_string(n) + " passes Limits::max_input_bytes");
}

// ---- stack

void Unpickler::underflow() {
  if (!marks_.empty()) fail(ErrorCode::kMarkMisuse, "unexpected MARK found");
  fail(ErrorCode::kStackUnderflow, "unpickling stack underflow");
}

void Unpickler::grow_stack() {
  if (stack_.size() >= lim_.max_container_items)
    fail(ErrorCode::kLimitExceeded, "VM stack passes Limits::max_container_items");
  if (stack_.size() == stack_.capacity()) {
    const size_t had = stack_.capacity();
    const size_t want = had ? had * 2 : 64;
    charge((want - had) * sizeof(uint32_t), "VM stack");
    stack_.reserve(want);
    // A mapped table (PodVector, from 1 MiB) rounds up to whole pages.
    if (stack_.capacity() > want) charge((stack_.capacity() - want) * sizeof(uint32_t), "VM stack");
  }
  stack_room_ = static_cast<size_t>(std::min<uint64_t>(stack_.capacity(), lim_.max_container_items));
}

void Unpickler::push_mark() {
  if (marks_.size() >= lim_.max_container_items) fail(ErrorCode::kLimitExceeded, "too many open MARKs");
  if (marks_.size() == marks_.capacity()) {
    const size_t had = marks_.capacity();
    const size_t want = had ? had * 2 : 16;
    charge((want - had) * sizeof(size_t), "MARK stack");
    marks_.reserve(want);
  }
  marks_.push_back(stack_.size());
}

void Unpickler::bad_operand(uint32_t id, const std::string& wanted) {
  fail(ErrorCode::kBadOperand, std::string(opcode_info(static_cast<uint8_t>(op_)).name) + " expects " + wanted +
                                   ", found " + std::string(kind_name(kind(id))));
}

// ---- memo

void Unpickler::memo_put(uint64_t idx, uint32_t id) {
  if (idx < memo_.size()) {
    // An empty dense slot may still have its entry in the sparse map (from before the dense
    // table grew past it): move it, so the entry is counted once (MEMOIZE uses the count).
    if (memo_[idx] == kNoNode && sparse_.erase(idx) == 0) count_memo();
    memo_[idx] = id;
    return;
  }
  auto it = sparse_.find(idx);
  if (it != sparse_.end()) {
    it->second = id;
    return;
  }
  count_memo();
  // Dense growth only as far as the entries present justify; a lone huge index goes to the map.
  if (idx <= 2 * memo_count_ + 1024) {
    if (idx >= memo_.capacity()) grow_memo(static_cast<size_t>(idx) + 1);
    const size_t had = memo_.size();
    memo_.resize_for_overwrite(static_cast<size_t>(idx) + 1);
    std::fill(memo_.begin() + had, memo_.begin() + idx, kNoNode);
    memo_[idx] = id;
  } else {
    // A map entry is a node (the pair and a link); its bucket array grows now and then.
    charge(sizeof(std::pair<const uint64_t, uint32_t>) + sizeof(void*), "memo");
    const size_t buckets = sparse_.bucket_count();
    sparse_.emplace(idx, id);
    if (sparse_.bucket_count() > buckets) charge((sparse_.bucket_count() - buckets) * sizeof(void*), "memo");
  }
}

// Capacity is chosen here (doubling), so resize() never reallocates uncounted.
void Unpickler::grow_memo(size_t need) {
  const size_t had = memo_.capacity();
  const size_t want = std::max<size_t>({need, had * 2, 64});
  charge((want - had) * sizeof(uint32_t), "memo");
  memo_.reserve(want);
}

void Unpickler::count_memo() {
  if (++memo_count_ > lim_.max_memo_entries)
    fail(ErrorCode::kLimitExceeded, "memo passes Limits::max_memo_entries (" + std::to_string(lim_.max_memo_entries) + ")");
}

uint32_t Unpickler::memo_get(uint64_t idx) {
  if (idx < memo_.size() && memo_[idx] != kNoNode) return memo_[idx];
  auto it = sparse_.find(idx);
  if (it != sparse_.end()) return it->second;
  fail(ErrorCode::kMemoMissing, "memo key " + std::to_string(idx) + " not found");
}

uint64_t Unpickler::parse_memo_index(std::string_view line) {
  // load_get/load_put: PyLong_FromString(text, NULL, 10): spaces, a sign and underscores allowed.
  IntLiteral lit;
  if (!parse_py_int_literal(c_text(line), 10, lit))
    fail(ErrorCode::kBadArgument, "invalid memo index line " + quoted40(line));
  if (lit.negative) fail(ErrorCode::kBadMemoIndex, "negative memo index " + std::string(line.substr(0, 40)));
  uint64_t v = 0;
  auto r = std::from_chars(lit.digits.data(), lit.digits.data() + lit.digits.size(), v);
  if (r.ec != std::errc()) fail(ErrorCode::kBadMemoIndex, "memo index too large: " + std::string(line.substr(0, 40)));
  return v;
}

// ---- values

uint32_t Unpickler::make_str_owned(const std::string& s) {
  return d_.add_payload(Kind::kStr, d_.copy_bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()), s.size(), op_off_);
}

// LoadOptions::encoding names another codec: glibc's iconv under that name (also with '_' read as
// '-', as Python's codec lookup reads it: koi8_r is KOI8-R). Opened at the first str that needs it.
std::string Unpickler::py2_iconv(const uint8_t* p, size_t n) {
  if (!iconv_) {
    std::string alt = opt_.encoding;
    for (char& c : alt) c = c == '_' ? '-' : c;
    for (const std::string& name : {opt_.encoding, alt}) {
      iconv_t cd = ::iconv_open("UTF-8", name.c_str());
      if (cd != reinterpret_cast<iconv_t>(-1)) {
        iconv_.reset(cd);
        break;
      }
    }
    if (!iconv_) fail(ErrorCode::kDecode, "unknown encoding '" + opt_.encoding.substr(0, 100) + "' (LoadOptions::encoding)");
  }
  iconv_t cd = static_cast<iconv_t>(iconv_.get());
  (void)::iconv(cd, nullptr, nullptr, nullptr, nullptr);  // initial shift state
  // UTF-8 of any codec's character takes at most 4 bytes per input byte: within the document's
  // memory limit before the buffer exists (the str is then charged as any payload).
  if (n > lim_.max_memory_bytes / 4)
    fail(ErrorCode::kLimitExceeded, "decoding a " + std::to_string(n) + "-byte Python 2 str could pass Limits::max_memory_bytes");
  std::string out(n * 4 + 16, '\0');
  char* in = const_cast<char*>(reinterpret_cast<const char*>(p));
  size_t in_left = n;
  char* to = out.data();
  size_t to_left = out.size();
  if (::iconv(cd, &in, &in_left, &to, &to_left) == static_cast<size_t>(-1) ||
      ::iconv(cd, nullptr, nullptr, &to, &to_left) == static_cast<size_t>(-1)) {
    size_t at = n - in_left;
    fail(ErrorCode::kDecode, "'" + opt_.encoding.substr(0, 100) + "' codec can't decode byte 0x" +
                                 (at < n ? hex2(p[at]) : std::string("??")) + " in position " + std::to_string(at));
  }
  out.resize(out.size() - to_left);
  return out;
}

uint32_t Unpickler::py2_str_stable(const uint8_t* p, size_t n) {
  switch (enc_) {
    case Py2Encoding::kBytes:
      return d_.add_payload(Kind::kBytes, p, n, op_off_);
    case Py2Encoding::kAscii:
      for (size_t i = 0; i < n; ++i)
        if (p[i] >= 0x80)
          fail(ErrorCode::kDecode, "'ascii' codec can't decode byte 0x" + hex2(p[i]) + " in position " +
                                       std::to_string(i) + " (load with encoding latin1 or bytes)");
      return d_.add_payload(Kind::kStr, p, n, op_off_);
    case Py2Encoding::kUtf8: {
      int64_t bad = find_bad_utf8(p, n);
      if (bad >= 0)
        fail(ErrorCode::kDecode, "'utf-8' codec can't decode byte 0x" + hex2(p[bad]) + " in position " + std::to_string(bad));
      // Strict UTF-8 rejects encoded surrogates, which surrogatepass accepted above.
      for (size_t i = 0; i + 2 < n; ++i)
        if (p[i] == 0xED && p[i + 1] >= 0xA0)
          fail(ErrorCode::kDecode, "'utf-8' codec can't decode byte 0xed in position " + std::to_string(i));
      return d_.add_payload(Kind::kStr, p, n, op_off_);
    }
    case Py2Encoding::kOther:
      return make_str_owned(py2_iconv(p, n));
    case Py2Encoding::kLatin1: {
      std::string s;
      s.reserve(n * 2);
      for (size_t i = 0; i < n; ++i) append_utf8(s, p[i]);
      return make_str_owned(s);
    }
  }
  return kNoNode;
}

void Unpickler::check_int_digits(size_t n) {
  if (n > lim_.max_int_digits)
    fail(ErrorCode::kLimitExceeded, "int literal of " + std::to_string(n) + " digits passes Limits::max_int_digits (" +
                                        std::to_string(lim_.max_int_digits) + ")");
}

uint32_t Unpickler::int_from_literal(const IntLiteral& lit) {
  const std::string& digits = lit.digits;
  // CPython 3.11 bounds only the quadratic conversions (bases not a power of two) the same way.
  if (lit.base == 10) check_int_digits(digits.size());
  if (lit.base == 10 && digits.size() <= 18) {
    int64_t v = 0;
    for (char c : digits) v = v * 10 + (c - '0');
    return d_.add_int(lit.negative ? -v : v, op_off_);
  }
  std::vector<uint8_t> bytes = digits_to_twos_complement(lit.negative, lit.base, digits);
  return d_.add_int_bytes(bytes.data(), bytes.size(), op_off_);
}

uint32_t Unpickler::text_int(std::string_view line) {
  // As _pickle.c's load_int: strtol(text, &end, 0) first, kept when it stops at the line's end
  // (or a NUL) without overflow: a two-byte line holding 0 or 1 is a bool (Python 2's "I00",
  // "I01"). Else PyLong_FromString(text, NULL, 0), where "010" is an error though strtol read 8.
  const std::string_view text = c_text(line);
  if (!line.empty()) {
    CStrtol r = c_strtol_base0(text);
    if (!r.overflow && r.end == text.size()) {
      // Limits::max_int_digits holds here too (the digits strtol read, and leading zeros).
      check_int_digits(static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })));
      if (line.size() == 2 && (r.value == 0 || r.value == 1)) return r.value ? kTrueNode : kFalseNode;
      return d_.add_int(r.value, op_off_);
    }
  }
  IntLiteral lit;
  if (!parse_py_int_literal(text, 0, lit)) fail(ErrorCode::kBadArgument, "could not convert string to int: " + quoted40(line));
  return int_from_literal(lit);
}

uint32_t Unpickler::text_long(std::string_view line) {
  // load_long: a last 'L' (Python 2's long suffix) becomes the NUL that ends the text.
  if (!line.empty() && line.back() == 'L') line.remove_suffix(1);
  IntLiteral lit;
  if (!parse_py_int_literal(c_text(line), 0, lit))
    fail(ErrorCode::kBadArgument, "invalid literal for int() with base 0: " + quoted40(line));
  return int_from_literal(lit);
}

double Unpickler::text_float(std::string_view line) {
  double v = 0;
  FloatFailure why = FloatFailure::kNone;
  if (!parse_py_float(c_text(line), v, FloatSyntax::kCUnpickler, &why))
    fail(ErrorCode::kBadArgument, (why == FloatFailure::kOverflow ? "value too large to convert to float: "
                                                                   : "could not convert string to float: ") +
                                      quoted40(line));
  return v;
}

// ---- globals and objects

uint32_t Unpickler::make_global(std::string_view module, std::string_view name) {
  if (d_.protocol < 3 && opt_.fix_imports) {
    auto m = map_py2_global(module, name);
    module = m.first;
    name = m.second;
  }
  if (allowed_ || policy_) check_allowed(module, name);
  uint32_t g = d_.add_global(module, name, op_off_);
  note_global(g);
  return g;
}

namespace {
std::string quoted_global(std::string_view module, std::string_view name) {
  return "global '" + std::string(module.substr(0, 200)) + "." + std::string(name.substr(0, 200)) + "'";
}
}  // namespace

void Unpickler::check_allowed(std::string_view module, std::string_view name) {
  if (allowed_ && !allowed_->allowed(module, name))
    fail(ErrorCode::kForbiddenGlobal, quoted_global(module, name) + " is not in LoadOptions::allowed_globals");
  if (policy_ && !policy_->allowed(module, name))
    fail(ErrorCode::kForbiddenGlobal, quoted_global(module, name) + " is not in LoadOptions::policy");
}

void Unpickler::check_use(uint32_t callable, GlobalUse use) {
  if (callable == kNoNode || kind(callable) != Kind::kGlobal) return;
  GlobalRef g = make_value(&d_, callable).as_global();
  auto allowed = policy_->allowed(g.module, g.name);
  if (!allowed || *allowed >= use) return;  // a global the registry made (getattr) was checked by its parts
  fail(ErrorCode::kForbiddenGlobal, quoted_global(g.module, g.name) + " may not be " +
                                        (use == GlobalUse::kCall ? "called" : "constructed") +
                                        ": LoadOptions::policy allows it for '" +
                                        std::string(global_use_name(*allowed)) + "' only");
}

std::string_view Unpickler::checked_line_utf8(std::string_view s) {
  if (find_bad_utf8(reinterpret_cast<const uint8_t*>(s.data()), s.size()) >= 0)
    fail(ErrorCode::kBadUtf8, "global name is not valid UTF-8");
  return s;
}

uint32_t Unpickler::persistent(uint32_t pid) {
  for (VmHooks* h : hooks_) {
    uint32_t made = h->persistent_load(doc_, pid, op_off_);
    if (made != kNoNode) return made;
  }
  if (!opt_.persistent_load) {
    uint32_t n = d_.add_node(Kind::kPersistentId, op_off_);
    d_.node(n).aux = pid;
    return n;
  }
  in_callback_ = true;
  Value v = opt_.persistent_load(doc_, internal::make_value(&d_, pid));
  in_callback_ = false;
  if (!v.valid() || internal::impl_of(v) != &d_)
    fail(ErrorCode::kInvalidArgument, "persistent_load returned a Value of another document");
  return v.id();
}

uint32_t Unpickler::reduce(uint32_t callable, uint32_t args) {
  if (kind(args) != Kind::kTuple) bad_operand(args, "an argument tuple");
  check_callable(callable, "a callable");
  note_call(callable, args, kNoNode);
  uint32_t known = reduce_known_shape(d_, callable, args, op_off_, op_);
  if (known == kNoNode) known = reduce_partial_new_ex(d_, callable, args, op_off_);
  if (known != kNoNode) return known;
  uint32_t obj = d_.add_object(MadeBy::kReduce, callable, args, op_off_);
  for (VmHooks* h : hooks_) h->after_reduce(d_, obj);
  return obj;
}

// CPython writes a reduce's state_setter as `state_setter obj state TUPLE2 REDUCE POP` after obj,
// in place of `state BUILD`: the call's result is dropped, its effect is obj's state. Popped right
// after its REDUCE (so never memoized), such a call is kept on obj for a dump to write again.
void Unpickler::adopt_state_setter(uint32_t call) {
  if (kind(call) != Kind::kObject) return;
  const ObjectData& c = d_.object(call);
  if (c.how != MadeBy::kReduce || c.args == kEmptyTupleNode || d_.item_count(c.args) != 2) return;
  uint32_t obj = d_.items(c.args)[0];
  uint32_t state = d_.items(c.args)[1];
  uint32_t setter = c.callable;
  if (obj == call || kind(obj) != Kind::kObject) return;
  ObjectData& o = d_.object(obj);
  if (o.state != kNoNode || o.state_setter != kNoNode) return;
  o.state = state;
  o.state_setter = setter;
}

// CPython's save_reduce, meeting an object again while writing its own arguments, writes a second
// call (`args` of the object, which that inner call made and memoized); the outer call, finding
// the object memoized, is written with its own arguments, then `POP GET`. Those arguments (a new
// tuple, and items that may be new too: list(self), tuple(self)) are kept for a dump to write again.
void Unpickler::adopt_reentry(uint32_t obj) {
  uint32_t outer = popped_call_;
  if (obj == outer || kind(obj) != Kind::kObject || kind(outer) != Kind::kObject) return;
  ObjectData& o = d_.object(obj);
  const ObjectData& p = d_.object(outer);
  if (o.reentry_args != kNoNode || p.how != o.how || p.callable != o.callable) return;
  // Made the same way (a dump reads the outer arguments as it reads `args`).
  if ((d_.node(obj).flags ^ d_.node(outer).flags) & (kFlagReconstructor | kFlagBuiltinBase)) return;
  if (d_.node(p.args).kind != Kind::kTuple || d_.item_count(p.args) != d_.item_count(o.args)) return;
  o.reentry_args = p.args;
}

// CPython's BUILD sets a dict state's str keys through sys.intern; the slot state a re-pickle
// writes takes its keys from the class's __slots__ (see interned_str).
void Unpickler::intern_state_keys(uint32_t state) {
  if (kind(state) == Kind::kTuple && d_.item_count(state) == 2) {
    intern_keys(d_, d_.items(state)[0], false);
    intern_keys(d_, d_.items(state)[1], true);
  } else {
    intern_keys(d_, state, false);
  }
}

// ---- containers

uint32_t Unpickler::items_of(uint32_t obj, uint32_t ObjectData::*items, Kind container) {
  if (d_.object(obj).*items == kNoNode) {
    uint32_t c = d_.add_container(container, op_off_);
    d_.object(obj).*items = c;  // looked up again: add_container grows the document's tables
  }
  return d_.object(obj).*items;
}

void Unpickler::set_list_items(uint32_t list, size_t from) {
  const std::string opname(opcode_info(static_cast<uint8_t>(op_)).name);
  for (size_t i = from; i < stack_.size(); i += 2) {
    const uint32_t key = stack_[i];
    if (kind(key) != Kind::kInt && kind(key) != Kind::kBool)
      fail(ErrorCode::kBadOperand, opname + " on a list expects an int index, found " + std::string(kind_name(kind(key))));
    Value k = make_value(&d_, key);
    const int64_t n = d_.item_count(list);
    int64_t at = k.fits_int64() ? k.as_int() : INT64_MIN;
    if (at < 0 && at != INT64_MIN) at += n;
    if (at < 0 || at >= n)
      fail(ErrorCode::kBadOperand, opname + ": list assignment index " + (k.fits_int64() ? std::to_string(k.as_int()) : "(a big int)") +
                                       " out of range for a list of " + std::to_string(n));
    d_.set_list_item(list, static_cast<uint32_t>(at), stack_[i + 1]);
  }
  stack_.resize(from);
}

// ---- entry points

void run_unpickler(ByteReader& in, Document& doc, const LoadOptions& options, VmHookList hooks, VmObserver* observer) {
  Unpickler u(in, doc, options);
  u.hooks_ = hooks;
  u.observer_ = observer;
  u.run();
}

uint32_t run_nested_unpickler(ByteReader& in, Document& doc, const LoadOptions& options, VmHookList hooks,
                              VmObserver* observer) {
  DocumentImpl& d = internal::impl_of(doc);
  uint32_t root = d.root;
  int protocol = d.protocol;
  Unpickler u(in, doc, options);
  u.hooks_ = hooks;
  u.observer_ = observer;
  u.run();
  uint32_t nested = d.root;
  d.root = root;
  d.protocol = protocol;
  return nested;
}

}  // namespace picklejar::internal
