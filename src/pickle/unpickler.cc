#include "pickle/unpickler.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <istream>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "numpy/numpy.h"
#include "pickle/globals.h"
#include "pickle/opcode_table.h"

namespace picklejar::internal {

Py2Encoding parse_encoding(const std::string& name) {
  std::string n;
  for (char c : name) n.push_back(c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (n == "ascii" || n == "us-ascii") return Py2Encoding::kAscii;
  if (n == "latin1" || n == "latin-1" || n == "iso-8859-1" || n == "iso8859-1" || n == "l1")
    return Py2Encoding::kLatin1;
  if (n == "utf-8" || n == "utf8") return Py2Encoding::kUtf8;
  if (n == "bytes") return Py2Encoding::kBytes;
  throw Error(ErrorCode::kInvalidArgument,
              "unsupported encoding '" + name + "' (use ASCII, latin1, utf-8 or bytes)");
}

namespace {

void put_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {  // includes lone surrogates, as "surrogatepass" writes them
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Unpickler {
 public:
  Unpickler(ByteReader& in, Document& doc, const LoadOptions& opt)
      : in_(in), doc_(doc), d_(doc.impl()), opt_(opt), lim_(opt.limits), enc_(parse_encoding(opt.encoding)) {
    d_.set_limits(opt.limits);
    if (opt.allowed_globals) {
      for (const auto& [module, name] : *opt.allowed_globals) {
        if (name == "*") allowed_modules_.insert(module);
        else allowed_.insert(module + '\0' + name);
      }
    }
  }

  void run() {
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

 private:
  [[noreturn]] void fail(ErrorCode code, const std::string& msg) { throw Error(code, msg, op_off_, op_); }

  // ---- input
  [[gnu::always_inline]] const uint8_t* need(size_t n, const char* what) {
    size_t avail = 0;
    const uint8_t* p = in_.take(n, &avail);
    if (!p) truncated(n, avail, what);
    return p;
  }
  [[noreturn, gnu::noinline, gnu::cold]] void truncated(uint64_t n, uint64_t avail, const char* what) {
    if (in_.hit_limit())
      fail(ErrorCode::kLimitExceeded, "input passes Limits::max_input_bytes (" + std::to_string(lim_.max_input_bytes) + ")");
    fail(ErrorCode::kTruncated, std::string(opcode_info(static_cast<uint8_t>(op_)).name) + " needs " +
                                    std::to_string(n) + " bytes of " + what + ", " + std::to_string(avail) + " left");
  }
  std::string_view line(const char* what) {
    std::string_view s;
    if (!in_.read_line(&s)) {
      if (in_.hit_limit())
        fail(ErrorCode::kLimitExceeded, "input passes Limits::max_input_bytes");
      fail(ErrorCode::kTruncated, std::string(opcode_info(static_cast<uint8_t>(op_)).name) +
                                      " needs a newline-terminated " + what + ", input ended first");
    }
    return s;
  }
  uint64_t u64le(const uint8_t* p, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t{p[i]} << (8 * i);
    return v;
  }
  // A declared payload length, checked before anything is allocated for it.
  void check_length(uint64_t n) {
    auto rem = in_.remaining();
    if (rem && n > *rem)
      fail(ErrorCode::kTruncated, std::string(opcode_info(static_cast<uint8_t>(op_)).name) + " declares " +
                                      std::to_string(n) + " bytes, " + std::to_string(*rem) + " left");
    if (n > lim_.max_input_bytes)
      fail(ErrorCode::kLimitExceeded, "declared length " + std::to_string(n) + " passes Limits::max_input_bytes");
  }
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

  // ---- stack
  size_t fence() const { return marks_.empty() ? 0 : marks_.back(); }
  // Too few values above the fence. With a MARK there, the MARK is where a value must be
  // (CPython: "unexpected MARK found").
  [[noreturn]] void underflow() {
    if (!marks_.empty()) fail(ErrorCode::kMarkMisuse, "unexpected MARK found");
    fail(ErrorCode::kStackUnderflow, "unpickling stack underflow");
  }
  [[gnu::always_inline]] void push(uint32_t id) {
    if (stack_.size() >= lim_.max_container_items) [[unlikely]]
      fail(ErrorCode::kLimitExceeded, "VM stack passes Limits::max_container_items");
    stack_.push_back(id);
  }
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
  [[noreturn]] void bad_operand(uint32_t id, const std::string& wanted) {
    fail(ErrorCode::kBadOperand, std::string(opcode_info(static_cast<uint8_t>(op_)).name) + " expects " + wanted +
                                     ", found " + std::string(kind_name(kind(id))));
  }

  // ---- memo
  void memo_put(uint64_t idx, uint32_t id) {
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
      memo_.resize(static_cast<size_t>(idx) + 1, kNoNode);
      memo_[idx] = id;
    } else {
      sparse_.emplace(idx, id);
    }
  }
  void count_memo() {
    if (++memo_count_ > lim_.max_memo_entries)
      fail(ErrorCode::kLimitExceeded, "memo passes Limits::max_memo_entries (" + std::to_string(lim_.max_memo_entries) + ")");
  }
  uint32_t memo_get(uint64_t idx) {
    if (idx < memo_.size() && memo_[idx] != kNoNode) return memo_[idx];
    auto it = sparse_.find(idx);
    if (it != sparse_.end()) return it->second;
    fail(ErrorCode::kMemoMissing, "memo key " + std::to_string(idx) + " not found");
  }
  uint64_t parse_memo_index(std::string_view s) {
    if (!s.empty() && s[0] == '-') fail(ErrorCode::kBadMemoIndex, "negative memo index " + std::string(s));
    uint64_t v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) {
      if (r.ec == std::errc::result_out_of_range) fail(ErrorCode::kBadMemoIndex, "memo index too large: " + std::string(s));
      fail(ErrorCode::kBadArgument, "invalid memo index line '" + std::string(s.substr(0, 40)) + "'");
    }
    return v;
  }

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
  uint32_t make_str_owned(const std::string& s) {
    return d_.add_payload(Kind::kStr, d_.copy_bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()), s.size(), op_off_);
  }
  // p must live as long as the document (input in memory mode, or the arena).
  uint32_t py2_str_stable(const uint8_t* p, size_t n) {
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
      case Py2Encoding::kLatin1: {
        std::string s;
        s.reserve(n * 2);
        for (size_t i = 0; i < n; ++i) put_utf8(s, p[i]);
        return make_str_owned(s);
      }
    }
    return kNoNode;
  }
  static std::string hex2(uint8_t b) {
    const char* h = "0123456789abcdef";
    return std::string{h[b >> 4], h[b & 15]};
  }
  uint32_t int_from_decimal(std::string_view s);
  std::string escape_decode(std::string_view s);
  std::string raw_unicode_escape_decode(std::string_view s);
  void run_opcodes();
  uint32_t make_global(std::string_view module, std::string_view name) {
    if (d_.protocol < 3 && opt_.fix_imports) {
      auto m = map_py2_global(module, name);
      module = m.first;
      name = m.second;
    }
    if (opt_.allowed_globals) check_allowed(module, name);
    return d_.add_global(module, name, op_off_);
  }
  // Strict mode (LoadOptions::allowed_globals).
  void check_allowed(std::string_view module, std::string_view name) {
    std::string key(module);
    if (allowed_modules_.count(key)) return;
    key.push_back('\0');
    key.append(name);
    if (allowed_.count(key)) return;
    fail(ErrorCode::kForbiddenGlobal, "global '" + std::string(module.substr(0, 200)) + "." +
                                          std::string(name.substr(0, 200)) + "' is not in LoadOptions::allowed_globals");
  }
  std::string_view checked_line_utf8(std::string_view s) {
    if (find_bad_utf8(reinterpret_cast<const uint8_t*>(s.data()), s.size()) >= 0)
      fail(ErrorCode::kBadUtf8, "global name is not valid UTF-8");
    return s;
  }
  uint32_t tuple_from(size_t from) {
    size_t n = stack_.size() - from;
    if (n == 0) return kEmptyTupleNode;
    uint32_t t = d_.add_container(Kind::kTuple, op_off_);
    d_.append_items(t, stack_.data() + from, n);
    stack_.resize(from);
    return t;
  }
  uint32_t list_items_of(uint32_t obj) {
    ObjectData& o = d_.object(obj);
    if (o.list_items == kNoNode) {
      uint32_t l = d_.add_container(Kind::kList, op_off_);
      d_.object(obj).list_items = l;
    }
    return d_.object(obj).list_items;
  }
  uint32_t dict_items_of(uint32_t obj) {
    ObjectData& o = d_.object(obj);
    if (o.dict_items == kNoNode) {
      uint32_t m = d_.add_container(Kind::kDict, op_off_);
      d_.object(obj).dict_items = m;
    }
    return d_.object(obj).dict_items;
  }
  void do_appends(uint32_t target, size_t from) {
    if (kind(target) == Kind::kObject) target = list_items_of(target);
    if (kind(target) != Kind::kList) bad_operand(target, "a list");
    d_.append_items(target, stack_.data() + from, stack_.size() - from);
    stack_.resize(from);
  }
  void do_setitems(uint32_t target, size_t from) {
    if ((stack_.size() - from) % 2) fail(ErrorCode::kMarkMisuse, "odd number of items for SETITEMS");
    if (kind(target) == Kind::kObject) target = dict_items_of(target);
    if (kind(target) != Kind::kDict) bad_operand(target, "a dict");
    for (size_t i = from; i < stack_.size(); i += 2) d_.set_dict_item(target, stack_[i], stack_[i + 1]);
    stack_.resize(from);
  }
  uint32_t persistent(uint32_t pid) {
    if (!opt_.persistent_load) {
      uint32_t n = d_.add_node(Kind::kPersistentId, op_off_);
      d_.node(n).aux = pid;
      return n;
    }
    in_callback_ = true;
    Value v = opt_.persistent_load(doc_, Value(&d_, pid));
    in_callback_ = false;
    if (!v.valid() || v.document_impl() != &d_)
      fail(ErrorCode::kInvalidArgument, "persistent_load returned a Value of another document");
    return v.id();
  }
  uint32_t reduce(uint32_t callable, uint32_t args) {
    if (kind(args) != Kind::kTuple) bad_operand(args, "an argument tuple");
    uint32_t known = reduce_known_shape(d_, callable, args, op_off_, op_);
    if (known != kNoNode) return known;
    uint32_t obj = d_.add_object(MadeBy::kReduce, callable, args, op_off_);
    numpy_after_reduce(d_, obj);
    return obj;
  }

  ByteReader& in_;
  Document& doc_;
  DocumentImpl& d_;
  const LoadOptions& opt_;
  const Limits& lim_;
  Py2Encoding enc_;
  PodVector<uint32_t> stack_;  // grows without copying (src/model/pod_vector.h)
  std::vector<size_t> marks_;
  std::vector<uint32_t> memo_;
  std::unordered_map<uint64_t, uint32_t> sparse_;
  std::unordered_set<std::string> allowed_;          // "module\0qualname"
  std::unordered_set<std::string> allowed_modules_;  // modules allowed with qualname "*"
  uint64_t memo_count_ = 0;
  size_t next_buffer_ = 0;
  std::map<std::tuple<const uint8_t*, size_t, bool>, uint32_t> buffer_nodes_;  // a view given twice is one object
  uint64_t op_off_ = 0;
  int op_ = Error::kNoOpcode;
  bool in_callback_ = false;

 public:
  BuildHook* hook_ = nullptr;
};

uint32_t Unpickler::int_from_decimal(std::string_view s) {
  std::string_view digits = s;
  bool neg = false;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    neg = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) fail(ErrorCode::kBadArgument, "invalid int literal '" + std::string(s.substr(0, 40)) + "'");
  for (char c : digits)
    if (c < '0' || c > '9') fail(ErrorCode::kBadArgument, "invalid int literal '" + std::string(s.substr(0, 40)) + "'");
  if (digits.size() > lim_.max_int_digits)
    fail(ErrorCode::kLimitExceeded, "int literal of " + std::to_string(digits.size()) +
                                        " digits passes Limits::max_int_digits (" + std::to_string(lim_.max_int_digits) + ")");
  if (digits.size() <= 18) {
    int64_t v = 0;
    for (char c : digits) v = v * 10 + (c - '0');
    return d_.add_int(neg ? -v : v, op_off_);
  }
  // Magnitude in 32-bit limbs, little-endian; quadratic, bounded by max_int_digits.
  std::vector<uint32_t> limbs{0};
  for (char c : digits) {
    uint64_t carry = static_cast<uint64_t>(c - '0');
    for (auto& l : limbs) {
      uint64_t x = uint64_t{l} * 10 + carry;
      l = static_cast<uint32_t>(x);
      carry = x >> 32;
    }
    if (carry) limbs.push_back(static_cast<uint32_t>(carry));
  }
  std::vector<uint8_t> bytes(limbs.size() * 4 + 1, 0);
  for (size_t i = 0; i < limbs.size(); ++i)
    for (int k = 0; k < 4; ++k) bytes[i * 4 + static_cast<size_t>(k)] = static_cast<uint8_t>(limbs[i] >> (8 * k));
  if (neg) {
    unsigned carry = 1;
    for (auto& b : bytes) {
      unsigned x = static_cast<uint8_t>(~b) + carry;
      b = static_cast<uint8_t>(x);
      carry = x >> 8;
    }
  }
  return d_.add_int_bytes(bytes.data(), bytes.size(), op_off_);
}

// Python's codecs.escape_decode, as STRING uses it.
std::string Unpickler::escape_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i >= s.size()) fail(ErrorCode::kBadArgument, "trailing \\ in STRING argument");
    char e = s[i];
    switch (e) {
      case '\n': break;
      case '\\': out.push_back('\\'); break;
      case '\'': out.push_back('\''); break;
      case '"': out.push_back('"'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 't': out.push_back('\t'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 'v': out.push_back('\v'); break;
      case 'a': out.push_back('\a'); break;
      case 'x': {
        int h1 = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
        int h2 = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
        if (h1 < 0 || h2 < 0) fail(ErrorCode::kBadArgument, "invalid \\x escape in STRING argument");
        out.push_back(static_cast<char>(h1 * 16 + h2));
        i += 2;
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          int v = e - '0';
          for (int k = 0; k < 2 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7'; ++k) v = v * 8 + (s[++i] - '0');
          out.push_back(static_cast<char>(v & 0xff));
        } else {
          out.push_back('\\');  // unknown escapes are kept, as Python does
          out.push_back(e);
        }
    }
  }
  return out;
}

// Python's raw_unicode_escape decoding (UNICODE opcode): bytes are Latin-1 code points, except
// \uXXXX and \UXXXXXXXX after an odd run of backslashes. Output is UTF-8 (surrogatepass).
std::string Unpickler::raw_unicode_escape_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c != '\\') {
      put_utf8(out, c);
      ++i;
      continue;
    }
    size_t run = 0;
    while (i + run < s.size() && s[i + run] == '\\') ++run;
    size_t after = i + run;
    if (run % 2 == 1 && after < s.size() && (s[after] == 'u' || s[after] == 'U')) {
      for (size_t k = 0; k + 1 < run; ++k) out.push_back('\\');
      int count = s[after] == 'u' ? 4 : 8;
      if (after + 1 + static_cast<size_t>(count) > s.size())
        fail(ErrorCode::kBadArgument, "truncated \\uXXXX escape in UNICODE argument");
      uint32_t cp = 0;
      for (int k = 0; k < count; ++k) {
        int h = hex_value(s[after + 1 + static_cast<size_t>(k)]);
        if (h < 0) fail(ErrorCode::kBadArgument, "truncated \\uXXXX escape in UNICODE argument");
        cp = cp * 16 + static_cast<uint32_t>(h);
      }
      if (cp > 0x10FFFF) fail(ErrorCode::kBadArgument, "\\U escape out of range in UNICODE argument");
      put_utf8(out, cp);
      i = after + 1 + static_cast<size_t>(count);
    } else {
      for (size_t k = 0; k < run; ++k) out.push_back('\\');
      i = after;
    }
  }
  return out;
}

void Unpickler::run_opcodes() {
  stack_.reserve(64);
  for (;;) {
    op_off_ = in_.pos();
    op_ = Error::kNoOpcode;
    int b = in_.next_byte();
    if (b < 0) {
      if (in_.hit_limit()) fail(ErrorCode::kLimitExceeded, "input passes Limits::max_input_bytes");
      fail(op_off_ == 0 ? ErrorCode::kTruncated : ErrorCode::kNoStop,
           op_off_ == 0 ? "empty input" : "input ended before the STOP opcode");
    }
    op_ = b;
    switch (static_cast<Op>(b)) {
      // ---- ints, floats, atoms
      case Op::INT: {
        std::string_view s = line("decimal int");
        if (s == "00") push(kFalseNode);
        else if (s == "01") push(kTrueNode);
        else push(int_from_decimal(s));
        break;
      }
      case Op::BININT: {
        const uint8_t* p = need(4, "int");
        push(d_.add_int(static_cast<int32_t>(static_cast<uint32_t>(u64le(p, 4))), op_off_));
        break;
      }
      case Op::BININT1:
        push(d_.add_int(*need(1, "int"), op_off_));
        break;
      case Op::BININT2:
        push(d_.add_int(static_cast<int64_t>(u64le(need(2, "int"), 2)), op_off_));
        break;
      case Op::LONG: {
        std::string_view s = line("decimal long");
        if (!s.empty() && s.back() == 'L') s.remove_suffix(1);
        push(int_from_decimal(s));
        break;
      }
      case Op::LONG1: {
        size_t n = *need(1, "length");
        push(d_.add_int_bytes(need(n, "int"), n, op_off_));
        break;
      }
      case Op::LONG4: {
        int32_t n = static_cast<int32_t>(static_cast<uint32_t>(u64le(need(4, "length"), 4)));
        if (n < 0) fail(ErrorCode::kBadLength, "LONG pickle has negative byte count");
        check_length(static_cast<uint64_t>(n));
        push(d_.add_int_bytes(need(static_cast<size_t>(n), "int"), static_cast<size_t>(n), op_off_));
        break;
      }
      case Op::FLOAT: {
        std::string_view s = line("float");
        std::string_view t = s;
        if (!t.empty() && t[0] == '+') t.remove_prefix(1);
        double v = 0;
        auto r = std::from_chars(t.data(), t.data() + t.size(), v);
        if (t.empty() || (r.ec != std::errc() && r.ec != std::errc::result_out_of_range) || r.ptr != t.data() + t.size())
          fail(ErrorCode::kBadArgument, "could not convert string to float: '" + std::string(s.substr(0, 40)) + "'");
        if (r.ec == std::errc::result_out_of_range) fail(ErrorCode::kBadArgument, "float out of range: '" + std::string(s.substr(0, 40)) + "'");
        push(d_.add_float(v, op_off_));
        break;
      }
      case Op::BINFLOAT: {
        const uint8_t* p = need(8, "float");
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = (bits << 8) | p[i];
        double v;
        std::memcpy(&v, &bits, 8);
        push(d_.add_float(v, op_off_));
        break;
      }
      case Op::NONE: push(kNoneNode); break;
      case Op::NEWTRUE: push(kTrueNode); break;
      case Op::NEWFALSE: push(kFalseNode); break;

      // ---- strings and bytes
      case Op::STRING: {
        std::string_view s = line("quoted string");
        if (s.size() < 2 || s.front() != s.back() || (s.front() != '\'' && s.front() != '"'))
          fail(ErrorCode::kBadArgument, "the STRING opcode argument must be quoted");
        std::string v = escape_decode(s.substr(1, s.size() - 2));
        const uint8_t* p = d_.copy_bytes(reinterpret_cast<const uint8_t*>(v.data()), v.size());
        // copy_bytes made it stable already; py2_str must not point into the line buffer.
        push(py2_str_stable(p, v.size()));
        break;
      }
      case Op::BINSTRING: {
        int32_t n = static_cast<int32_t>(static_cast<uint32_t>(u64le(need(4, "length"), 4)));
        if (n < 0) fail(ErrorCode::kBadLength, "BINSTRING pickle has negative byte count");
        const uint8_t* p = payload(static_cast<uint64_t>(n));
        push(py2_str_stable(p, static_cast<size_t>(n)));
        break;
      }
      case Op::SHORT_BINSTRING: {
        size_t n = *need(1, "length");
        const uint8_t* p = payload(n);
        push(py2_str_stable(p, n));
        break;
      }
      case Op::BINBYTES: {
        uint64_t n = u64le(need(4, "length"), 4);
        push(counted_bytes(payload(n), n));
        break;
      }
      case Op::SHORT_BINBYTES: {
        size_t n = *need(1, "length");
        push(counted_bytes(payload(n), n));
        break;
      }
      case Op::BINBYTES8: {
        uint64_t n = u64le(need(8, "length"), 8);
        push(counted_bytes(payload(n), n));
        break;
      }
      case Op::BYTEARRAY8: {
        uint64_t n = u64le(need(8, "length"), 8);
        push(d_.add_payload(Kind::kByteArray, payload(n), n, op_off_));
        break;
      }
      case Op::UNICODE: {
        std::string_view s = line("raw-unicode-escape str");
        push(make_str_owned(raw_unicode_escape_decode(s)));
        break;
      }
      case Op::SHORT_BINUNICODE: {
        size_t n = *need(1, "length");
        push(make_str(payload(n), n, true));
        break;
      }
      case Op::BINUNICODE: {
        uint64_t n = u64le(need(4, "length"), 4);
        push(make_str(payload(n), n, true));
        break;
      }
      case Op::BINUNICODE8: {
        uint64_t n = u64le(need(8, "length"), 8);
        push(make_str(payload(n), n, true));
        break;
      }

      // ---- out-of-band buffers
      case Op::NEXT_BUFFER: {
        if (!opt_.buffers)
          fail(ErrorCode::kMissingBuffer, "pickle stream refers to out-of-band data but no buffers were given");
        if (next_buffer_ >= opt_.buffers->size())
          fail(ErrorCode::kMissingBuffer, "not enough out-of-band buffers (" + std::to_string(opt_.buffers->size()) + " given)");
        const BufferView& bv = (*opt_.buffers)[next_buffer_++];
        auto [it, fresh] = buffer_nodes_.try_emplace(std::make_tuple(bv.data.data(), bv.data.size(), bv.readonly), 0);
        if (fresh) {
          it->second = d_.add_payload(Kind::kBuffer, bv.data.data(), bv.data.size(), op_off_);
          if (bv.readonly) d_.node(it->second).flags |= kFlagReadonly;
        }
        push(it->second);
        break;
      }
      case Op::READONLY_BUFFER: {
        uint32_t t = top();
        Kind k = kind(t);
        if (k == Kind::kBuffer) {
          if (!(d_.node(t).flags & kFlagReadonly)) {
            const Node& src = d_.node(t);
            uint32_t n = d_.add_payload(Kind::kBuffer, src.u.bytes.ptr, src.u.bytes.len, op_off_);
            d_.node(n).flags |= kFlagReadonly;
            stack_.back() = n;
          }
        } else if (k == Kind::kByteArray) {
          const Node& src = d_.node(t);
          uint32_t n = d_.add_payload(Kind::kBuffer, src.u.bytes.ptr, src.u.bytes.len, op_off_);
          d_.node(n).flags |= kFlagReadonly;
          stack_.back() = n;
        } else if (k != Kind::kBytes) {
          bad_operand(t, "a buffer");
        }
        break;
      }

      // ---- containers
      case Op::EMPTY_LIST: push(d_.add_container(Kind::kList, op_off_)); break;
      case Op::EMPTY_DICT: push(d_.add_container(Kind::kDict, op_off_)); break;
      case Op::EMPTY_SET: push(d_.add_container(Kind::kSet, op_off_)); break;
      case Op::EMPTY_TUPLE: push(kEmptyTupleNode); break;
      case Op::APPEND: {
        uint32_t v = pop();
        uint32_t l = top();
        stack_.push_back(v);
        do_appends(l, stack_.size() - 1);
        break;
      }
      case Op::APPENDS: {
        size_t k = pop_mark();
        if (k == 0 || stack_.size() < k || k <= fence()) underflow();  // no list below the MARK
        do_appends(stack_[k - 1], k);
        break;
      }
      case Op::LIST: {
        size_t k = pop_mark();
        uint32_t l = d_.add_container(Kind::kList, op_off_);
        d_.append_items(l, stack_.data() + k, stack_.size() - k);
        stack_.resize(k);
        push(l);
        break;
      }
      case Op::TUPLE: {
        size_t k = pop_mark();
        push(tuple_from(k));
        break;
      }
      case Op::TUPLE1:
      case Op::TUPLE2:
      case Op::TUPLE3: {
        size_t n = static_cast<size_t>(b - 0x85 + 1);
        if (stack_.size() < fence() + n) underflow();
        push(tuple_from(stack_.size() - n));
        break;
      }
      case Op::DICT: {
        size_t k = pop_mark();
        if ((stack_.size() - k) % 2) fail(ErrorCode::kMarkMisuse, "odd number of items for DICT");
        uint32_t m = d_.add_container(Kind::kDict, op_off_);
        for (size_t i = k; i < stack_.size(); i += 2) d_.set_dict_item(m, stack_[i], stack_[i + 1]);
        stack_.resize(k);
        push(m);
        break;
      }
      case Op::SETITEM: {
        if (stack_.size() < fence() + 3) underflow();
        do_setitems(stack_[stack_.size() - 3], stack_.size() - 2);
        break;
      }
      case Op::SETITEMS: {
        size_t k = pop_mark();
        if (k == 0 || k <= fence()) underflow();  // no dict below the MARK
        do_setitems(stack_[k - 1], k);
        break;
      }
      case Op::ADDITEMS: {
        size_t k = pop_mark();
        if (k == 0 || k <= fence()) underflow();  // no set below the MARK
        uint32_t s = stack_[k - 1];
        if (kind(s) != Kind::kSet) bad_operand(s, "a set");
        for (size_t i = k; i < stack_.size(); ++i) d_.add_to_set(s, stack_[i]);
        stack_.resize(k);
        break;
      }
      case Op::FROZENSET: {
        size_t k = pop_mark();
        uint32_t s = d_.add_container(Kind::kFrozenSet, op_off_);
        for (size_t i = k; i < stack_.size(); ++i) d_.add_to_set(s, stack_[i]);
        stack_.resize(k);
        push(s);
        break;
      }

      // ---- stack manipulation
      case Op::POP:
        // As CPython's C unpickler: with nothing above the mark, POP discards the mark.
        if (stack_.size() > fence()) stack_.pop_back();
        else if (!marks_.empty()) marks_.pop_back();
        else fail(ErrorCode::kStackUnderflow, "unpickling stack underflow");
        break;
      case Op::DUP:
        push(top());
        break;
      case Op::MARK:
        if (marks_.size() >= lim_.max_container_items) fail(ErrorCode::kLimitExceeded, "too many open MARKs");
        marks_.push_back(stack_.size());
        break;
      case Op::POP_MARK:
        stack_.resize(pop_mark());
        break;

      // ---- memo
      case Op::GET: push(memo_get(parse_memo_index(line("memo index")))); break;
      case Op::BINGET: push(memo_get(*need(1, "memo index"))); break;
      case Op::LONG_BINGET: push(memo_get(u64le(need(4, "memo index"), 4))); break;
      case Op::PUT: {
        uint64_t idx = parse_memo_index(line("memo index"));
        memo_put(idx, top());
        break;
      }
      case Op::BINPUT: {
        uint64_t idx = *need(1, "memo index");
        memo_put(idx, top());
        break;
      }
      case Op::LONG_BINPUT: {
        uint64_t idx = u64le(need(4, "memo index"), 4);
        memo_put(idx, top());
        break;
      }
      case Op::MEMOIZE:
        memo_put(memo_count_, top());
        break;

      // ---- globals and objects
      case Op::EXT1:
      case Op::EXT2:
      case Op::EXT4: {
        int n = b == 0x82 ? 1 : b == 0x83 ? 2 : 4;
        uint64_t code = u64le(need(static_cast<size_t>(n), "extension code"), n);
        int64_t c = n == 4 ? static_cast<int32_t>(static_cast<uint32_t>(code)) : static_cast<int64_t>(code);
        // The copyreg extension registry is empty unless a program fills it; loading never runs one.
        fail(ErrorCode::kExtension, "unregistered extension code " + std::to_string(c));
      }
      case Op::GLOBAL: {
        std::string module(checked_line_utf8(line("module name")));
        std::string_view name = checked_line_utf8(line("global name"));
        push(make_global(module, name));
        break;
      }
      case Op::STACK_GLOBAL: {
        uint32_t name = pop();
        uint32_t module = pop();
        if (kind(name) != Kind::kStr || kind(module) != Kind::kStr) fail(ErrorCode::kBadOperand, "STACK_GLOBAL requires str");
        Value mv(&d_, module), nv(&d_, name);
        uint32_t g = make_global(mv.as_str(), nv.as_str());
        d_.global_strs.emplace(g, std::pair{module, name});  // the first spelling wins
        push(g);
        break;
      }
      case Op::REDUCE: {
        uint32_t args = pop();
        uint32_t callable = pop();
        push(reduce(callable, args));
        break;
      }
      case Op::BUILD: {
        uint32_t state = pop();
        uint32_t inst = top();
        if (kind(inst) != Kind::kObject) bad_operand(inst, "an object");
        // A second BUILD (never written by CPython) replaces the recorded state.
        d_.object(inst).state = state;
        numpy_after_build(d_, inst);
        if (hook_) {
          uint32_t replaced = hook_->after_build(doc_, inst, in_, op_off_);
          if (replaced != kNoNode) stack_.back() = replaced;
        }
        break;
      }
      case Op::INST: {
        std::string module(checked_line_utf8(line("module name")));
        std::string_view name = checked_line_utf8(line("class name"));
        uint32_t cls = make_global(module, name);
        size_t k = pop_mark();
        push(d_.add_object(MadeBy::kInst, cls, tuple_from(k), op_off_));
        break;
      }
      case Op::OBJ: {
        size_t k = pop_mark();
        if (stack_.size() <= k) underflow();  // no class above the MARK
        uint32_t cls = stack_[k];
        uint32_t args = tuple_from(k + 1);
        stack_.resize(k);
        push(d_.add_object(MadeBy::kObj, cls, args, op_off_));
        break;
      }
      case Op::NEWOBJ: {
        uint32_t args = pop();
        uint32_t cls = pop();
        if (kind(args) != Kind::kTuple) bad_operand(args, "an argument tuple");
        push(d_.add_object(MadeBy::kNewObj, cls, args, op_off_));
        break;
      }
      case Op::NEWOBJ_EX: {
        uint32_t kwargs = pop();
        uint32_t args = pop();
        uint32_t cls = pop();
        if (kind(args) != Kind::kTuple) bad_operand(args, "an argument tuple");
        if (kind(kwargs) != Kind::kDict) bad_operand(kwargs, "a keyword-argument dict");
        uint32_t o = d_.add_object(MadeBy::kNewObjEx, cls, args, op_off_);
        d_.object(o).kwargs = kwargs;
        push(o);
        break;
      }
      case Op::PERSID: {
        std::string_view s = line("persistent id");
        for (char c : s)
          if (static_cast<unsigned char>(c) >= 0x80) fail(ErrorCode::kBadArgument, "persistent IDs in protocol 0 must be ASCII strings");
        uint32_t pid = d_.add_payload(Kind::kStr, d_.copy_bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()), s.size(), op_off_);
        push(persistent(pid));
        break;
      }
      case Op::BINPERSID:
        push(persistent(pop()));
        break;

      // ---- framing and control
      case Op::PROTO: {
        int p = *need(1, "protocol");
        if (p > 5) fail(ErrorCode::kUnsupportedProtocol, "unsupported pickle protocol: " + std::to_string(p));
        d_.protocol = p;
        break;
      }
      case Op::FRAME: {
        // Frames are a read-ahead hint: like CPython's C unpickler (pickle.loads), picklejar lets
        // an opcode cross a frame end and a FRAME start inside a frame (fixtures/pickle/
        // frame_crossing.pkl pins this). The declared size must fit the input.
        uint64_t n = u64le(need(8, "frame size"), 8);
        auto rem = in_.remaining();
        if (rem && n > *rem)
          fail(ErrorCode::kBadFrame, "FRAME declares " + std::to_string(n) + " bytes, " + std::to_string(*rem) + " left");
        break;
      }
      case Op::STOP: {
        uint32_t v = pop();
        d_.root = v;
        return;
      }
      default: {
        // CPython's wording and quoting: invalid load key, '\xe9' (or 'A' for a printable byte).
        char key[8];
        std::snprintf(key, sizeof key, b >= 0x20 && b < 0x7f ? "%c" : "\\x%02x", b);
        fail(ErrorCode::kUnknownOpcode, std::string("invalid load key, '") + key + "'");
      }
    }
  }
}

}  // namespace

void run_unpickler(ByteReader& in, Document& doc, const LoadOptions& options, BuildHook* hook) {
  Unpickler u(in, doc, options);
  u.hook_ = hook;
  u.run();
}

uint32_t run_nested_unpickler(ByteReader& in, Document& doc, const LoadOptions& options, BuildHook* hook) {
  DocumentImpl& d = doc.impl();
  uint32_t root = d.root;
  int protocol = d.protocol;
  Unpickler u(in, doc, options);
  u.hook_ = hook;
  u.run();
  uint32_t nested = d.root;
  d.root = root;
  d.protocol = protocol;
  return nested;
}

}  // namespace picklejar::internal

namespace picklejar {

Document load(ByteView data, const LoadOptions& options) {
  Document doc;
  internal::ByteReader in(data.data(), data.size(), options.limits.max_input_bytes);
  internal::run_unpickler(in, doc, options);
  return doc;
}

Document load_file(const std::filesystem::path& path, const LoadOptions& options) {
  auto src = internal::open_file_source(path.c_str());
  Document doc;
  internal::ByteReader in(src.get(), options.limits.max_input_bytes);
  internal::run_unpickler(in, doc, options);
  return doc;
}

Document load_stream(std::istream& stream, const LoadOptions& options) {
  auto src = internal::make_istream_source(stream);
  Document doc;
  internal::ByteReader in(src.get(), options.limits.max_input_bytes);
  internal::run_unpickler(in, doc, options);
  // Give back what was read past STOP, where the stream can seek.
  if (size_t extra = in.buffered()) {
    stream.clear();
    stream.seekg(-static_cast<std::streamoff>(extra), std::ios::cur);
    if (!stream) stream.clear();
  }
  return doc;
}

int loaded_protocol(const Document& doc) noexcept { return doc.impl().protocol; }

}  // namespace picklejar
