// picklejar::disassemble: a listing of a pickle stream identical, byte for byte, to CPython 3.11's
// `pickletools.dis(data, out)` (annotate=0, indentlevel=4), including the checks pickletools makes
// while it emulates the stack (MARK matching, memo use, stack underflow) and where it stops.
//
// How the output and errors line up with pickletools:
//  * Every opcode line is "%5d: " + "%-4s" of the opcode byte's repr + " " + 4 blanks per open MARK
//    + name, then (when there is an argument or a note) the name padded to 10 columns, " " + the
//    repr of the argument as pickletools decodes it, and " (MARK at N)" / " (as N)" notes.
//  * pickletools prints the offset column before it builds the rest of the line; the one failure
//    that happens in between (a MARK that was consumed as an ordinary stack item makes pickletools
//    index an empty list) leaves that "%5d: " fragment in the output, and so does this.
//  * Ints are printed in full whatever their size, as pickletools does under
//    sys.set_int_max_str_digits(0) (the convention of fixtures/*.dis; plain CPython 3.11 would
//    refuse to convert more than 4300 digits). Text ints (INT, LONG) only need their digits copied;
//    LONG1/LONG4 are converted from binary in O(n^2) time for n bytes, as CPython does.
//  * Checks that pickletools reports after printing the offending line (no MARK, memo misuse,
//    popping more than the stack holds) are reported after that line here too; a stack that is not
//    empty after STOP is reported after the "highest protocol" line.
//  * Argument-decoding failures (truncation, bad literals, bad UTF-8, ...) happen before anything of
//    that opcode is printed.
// Every error is a picklejar::Error carrying the opcode's offset and byte; its message is the text
// of pickletools' ValueError where there is one.
//
// Everything is iterative and bounded by the input: no recursion, and declared lengths are checked
// against the bytes left before anything is read or allocated for them. Note that, as in Python,
// the indentation grows with the number of open MARKs, so a stream of n MARKs prints O(n^2) text.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/int_text.h"
#include "base/py_repr.h"
#include "base/text_literals.h"
#include "base/utf8.h"
#include "picklejar/error.h"
#include "picklejar/print.h"
#include "pickle/disassembler.h"
#include "pickle/opcode_args.h"
#include "pickle/opcode_table.h"

namespace picklejar {
namespace {

using internal::ArgField;
using internal::ArgKind;
using internal::Op;
using internal::OpcodeInfo;
using internal::RawArg;
using internal::StackKind;
using internal::append_hex;
using internal::arg_kind_name;
using internal::repr_bytes;
using internal::repr_latin1;

// Decimal text past this many bytes of magnitude (about 158,000 digits; pickletools itself refuses
// above 4300 digits by default) is printed as Python's hex() instead: see base/int_text.h.
constexpr size_t kMaxDecimalBytes = size_t{1} << 16;

// A decoding failure: the error code and Python's message. Thrown as Error by the caller, which
// knows the opcode's offset.
struct Failure {
  ErrorCode code;
  std::string message;
};

// codecs.escape_decode of a bytes literal's body, then .decode("ascii"), with Python's messages.
bool escape_decode_ascii(std::string_view s, std::string& out, Failure& fail) {
  internal::LiteralError e;
  if (!internal::escape_decode(s, out, &e)) {
    fail = Failure{ErrorCode::kBadArgument, e.kind == internal::LiteralError::kTrailingBackslash
                                                ? std::string("Trailing \\ in string")
                                                : "invalid \\x escape at position " + std::to_string(e.begin)};
    return false;
  }
  for (size_t k = 0; k < out.size(); ++k) {
    auto b = static_cast<uint8_t>(out[k]);
    if (b >= 0x80) {
      std::string m = "'ascii' codec can't decode byte 0x";
      append_hex(m, b, 2);
      m += " in position " + std::to_string(k) + ": ordinal not in range(128)";
      fail = Failure{ErrorCode::kDecode, std::move(m)};
      return false;
    }
  }
  return true;
}

// str(data, 'raw-unicode-escape') as UTF-8, with Python's messages.
bool raw_unicode_escape_utf8(std::string_view s, std::string& out, Failure& fail) {
  internal::LiteralError e;
  if (internal::raw_unicode_escape_decode(s, out, &e)) return true;
  std::string m = "'rawunicodeescape' codec can't decode bytes in position " + std::to_string(e.begin) + "-" +
                  std::to_string(e.end - 1) + ": ";
  if (e.kind == internal::LiteralError::kTruncatedUnicodeEscape) {
    m += e.long_escape ? "truncated \\UXXXXXXXX escape" : "truncated \\uXXXX escape";
  } else {
    m += "\\Uxxxxxxxx out of range";
  }
  fail = Failure{ErrorCode::kBadArgument, std::move(m)};
  return false;
}

// repr() of the str that `str(data, 'utf-8', 'surrogatepass')` makes.
bool repr_utf8(const uint8_t* p, size_t n, std::string& out, Failure& fail) {
  internal::Utf8Error why{};
  int64_t bad = internal::find_bad_utf8(p, n, &why);
  if (bad >= 0) {
    std::string m = "'utf-8' codec can't decode byte 0x";
    append_hex(m, p[bad], 2);
    m += " in position " + std::to_string(bad) + ": " + internal::utf8_error_reason(why);
    fail = Failure{ErrorCode::kBadUtf8, std::move(m)};
    return false;
  }
  out = internal::repr_str({reinterpret_cast<const char*>(p), n});
  return true;
}

// int(line) with Python's message.
bool parse_int_line(std::string_view line, std::string& out, Failure& fail) {
  if (internal::parse_py_int(line, out)) return true;
  std::string r = repr_bytes(line);
  if (r.size() > 200) r.resize(200);  // Python formats it with %.200R
  fail = Failure{ErrorCode::kBadArgument, "invalid literal for int() with base 10: " + r};
  return false;
}

// ---- the disassembler --------------------------------------------------------------------------

// An opcode's decoded argument.
struct Arg {
  bool present = false;
  std::string repr;        // repr(arg)
  std::string key;         // memo opcodes: the index as canonical decimal text
};

class Disassembler {
 public:
  Disassembler(ByteView data, std::ostream& out) : data_(data), out_(out) {}

  // Starts at `start` instead of 0: offsets (and MARK references) are then positions in `data`,
  // as pickletools prints a pickle read from the middle of a file.
  void run(uint64_t start = 0) {
    pos_ = start;
    try {
      loop();
    } catch (...) {
      flush();
      throw;
    }
    flush();
  }

 private:
  // ---- errors
  [[noreturn]] void fail(ErrorCode code, std::string message) const {
    throw Error(code, std::move(message), op_pos_, op_);
  }
  [[noreturn]] void fail(Failure f) const { fail(f.code, std::move(f.message)); }

  // ---- input
  uint64_t left() const { return data_.size() - pos_; }
  const uint8_t* take(uint64_t n) {
    const uint8_t* p = data_.data() + pos_;
    pos_ += n;
    return p;
  }
  // The bytes up to the next newline (which is consumed).
  std::string_view line(const char* what) {
    const uint8_t* p = data_.data() + pos_;
    const void* nl = std::memchr(p, '\n', left());
    if (!nl) {
      pos_ = data_.size();
      fail(ErrorCode::kTruncated, std::string("no newline found when trying to read ") + what);
    }
    size_t len = static_cast<size_t>(static_cast<const uint8_t*>(nl) - p);
    pos_ += len + 1;
    return {reinterpret_cast<const char*>(p), len};
  }

  // The byte source of internal::decode_arg, wording errors as pickletools' readers do.
  struct ArgSource {
    Disassembler& d;
    const uint8_t* fixed(int width, ArgKind kind, ArgField field) {
      if (d.left() < static_cast<uint64_t>(width)) {
        d.pos_ = d.data_.size();
        const char* what = field == ArgField::kValue ? arg_kind_name(kind)
                           : internal::arg_fixed_signed(kind) ? "int4"
                           : width == 1                       ? "uint1"
                           : width == 4                       ? "uint4"
                                                              : "uint8";
        d.fail(ErrorCode::kTruncated, std::string("not enough data in stream to read ") + what);
      }
      return d.take(static_cast<uint64_t>(width));
    }
    void negative_length(ArgKind kind, int64_t n) {
      d.fail(ErrorCode::kBadLength, std::string(arg_kind_name(kind)) + " byte count < 0: " + std::to_string(n));
    }
    void check_count(ArgKind kind, uint64_t n) {
      if (n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        d.fail(ErrorCode::kBadLength, std::string(arg_kind_name(kind)) + " byte count > sys.maxsize: " + std::to_string(n));
    }
    const uint8_t* payload(ArgKind kind, uint64_t n) {
      if (d.left() < n) {
        if (kind == ArgKind::kLong1 || kind == ArgKind::kLong4) {
          d.pos_ = d.data_.size();
          d.fail(ErrorCode::kTruncated, std::string("not enough data in stream to read ") + arg_kind_name(kind));
        }
        d.fail(ErrorCode::kTruncated, "expected " + std::to_string(n) + " bytes in a " + arg_kind_name(kind) +
                                          ", but only " + std::to_string(d.left()) + " remain");
      }
      return d.take(n);
    }
    // GLOBAL/INST and PERSID lines are escape-decoded as they are read, so that a bad first line
    // is reported before a missing second one, as in pickletools.
    std::string_view line(ArgKind kind, int index) {
      std::string_view s = d.line(kind == ArgKind::kUnicodeNl ? "unicodestringnl" : "stringnl");
      if (kind == ArgKind::kStringNlPair || kind == ArgKind::kStringNlNoEscape) {
        Failure f;
        if (!escape_decode_ascii(s, d.text_[index], f)) d.fail(std::move(f));
        return d.text_[index];
      }
      return s;
    }
  };

  Arg read_arg(ArgKind kind) {
    ArgSource src{*this};
    const RawArg r = internal::decode_arg(kind, src);
    Arg a;
    a.present = kind != ArgKind::kNone;
    Failure f;
    switch (kind) {
      case ArgKind::kNone:
        break;
      case ArgKind::kUint1:
      case ArgKind::kUint2:
      case ArgKind::kUint4:
      case ArgKind::kUint8:
        a.repr = std::to_string(r.u);
        break;
      case ArgKind::kInt4:
        a.repr = std::to_string(r.i);
        break;
      case ArgKind::kLong1:
      case ArgKind::kLong4:
        a.repr = internal::twos_complement_to_text(r.data, static_cast<size_t>(r.u), kMaxDecimalBytes);
        break;
      case ArgKind::kDecimalNlShort:
        // pickletools reads "00" and "01" as False and True.
        if (r.line == "00" || r.line == "01") {
          a.repr = r.line == "00" ? "False" : "True";
          a.key = r.line == "00" ? "0" : "1";
          break;
        }
        if (!parse_int_line(r.line, a.repr, f)) fail(std::move(f));
        a.key = a.repr;
        break;
      case ArgKind::kDecimalNlLong: {
        std::string_view s = r.line;
        if (!s.empty() && s.back() == 'L') s.remove_suffix(1);
        if (!parse_int_line(s, a.repr, f)) fail(std::move(f));
        break;
      }
      case ArgKind::kFloatNl: {
        double v;
        if (!internal::parse_py_float(r.line, v))
          fail(ErrorCode::kBadArgument, "could not convert string to float: " + repr_bytes(r.line));
        a.repr = float_repr(v);
        break;
      }
      case ArgKind::kFloat8: {
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = (bits << 8) | r.data[i];
        double v;
        std::memcpy(&v, &bits, sizeof v);
        a.repr = float_repr(v);
        break;
      }
      case ArgKind::kStringNl: {
        std::string_view s = r.line;
        std::string_view body;
        bool quoted = false;
        for (char q : {'"', '\''}) {
          if (!s.empty() && s.front() == q) {
            if (s.back() != q) {
              fail(ErrorCode::kBadArgument,
                   "strinq quote " + repr_bytes(std::string_view(&q, 1)) + " not found at both ends of " + repr_bytes(s));
            }
            body = s.size() >= 2 ? s.substr(1, s.size() - 2) : std::string_view{};
            quoted = true;
            break;
          }
        }
        if (!quoted) fail(ErrorCode::kBadArgument, "no string quotes around " + repr_bytes(s));
        std::string text;
        if (!escape_decode_ascii(body, text, f)) fail(std::move(f));
        a.repr = repr_latin1(reinterpret_cast<const uint8_t*>(text.data()), text.size());
        break;
      }
      case ArgKind::kStringNlNoEscape:
        a.repr = repr_latin1(reinterpret_cast<const uint8_t*>(r.line.data()), r.line.size());
        break;
      case ArgKind::kStringNlPair: {
        std::string text(r.line);
        text += ' ';
        text += r.line2;
        a.repr = repr_latin1(reinterpret_cast<const uint8_t*>(text.data()), text.size());
        break;
      }
      case ArgKind::kString1:
      case ArgKind::kString4:
        a.repr = repr_latin1(r.data, static_cast<size_t>(r.u));
        break;
      case ArgKind::kBytes1:
      case ArgKind::kBytes4:
      case ArgKind::kBytes8:
        a.repr = repr_bytes(r.data, static_cast<size_t>(r.u));
        break;
      case ArgKind::kBytearray8:
        a.repr = "bytearray(" + repr_bytes(r.data, static_cast<size_t>(r.u), true) + ")";
        break;
      case ArgKind::kUnicodeNl: {
        std::string text;
        if (!raw_unicode_escape_utf8(r.line, text, f)) fail(std::move(f));
        a.repr = internal::repr_str(text);
        break;
      }
      case ArgKind::kUnicode1:
      case ArgKind::kUnicode4:
      case ArgKind::kUnicode8:
        if (!repr_utf8(r.data, static_cast<size_t>(r.u), a.repr, f)) fail(std::move(f));
        break;
    }
    if (a.key.empty() && a.present) a.key = a.repr;
    return a;
  }

  // ---- memo: pickletools keeps a dict from int to the stored stack object
  bool memo_find(const std::string& key, StackKind* kind) const {
    uint64_t small;
    if (small_key(key, &small)) {
      auto it = memo_small_.find(small);
      if (it == memo_small_.end()) return false;
      if (kind) *kind = it->second;
      return true;
    }
    auto it = memo_big_.find(key);
    if (it == memo_big_.end()) return false;
    if (kind) *kind = it->second;
    return true;
  }
  void memo_store(const std::string& key, StackKind kind) {
    uint64_t small;
    if (small_key(key, &small)) {
      memo_small_[small] = kind;
    } else {
      memo_big_[key] = kind;
    }
  }
  uint64_t memo_size() const { return memo_small_.size() + memo_big_.size(); }
  static bool small_key(const std::string& key, uint64_t* v) {
    if (key.empty() || key[0] == '-' || key.size() > 19) return false;
    uint64_t x = 0;
    for (char c : key) x = x * 10 + static_cast<uint64_t>(c - '0');
    *v = x;
    return true;
  }

  // ---- output
  void flush() {
    if (!buf_.empty()) {
      out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
      buf_.clear();
    }
  }
  void maybe_flush() {
    if (buf_.size() >= (1u << 16)) flush();
  }

  void loop() {
    for (;;) {
      while (next_skip_ < skips_.size() && skips_[next_skip_].begin == pos_) {
        const internal::SkipRange& r = skips_[next_skip_++];
        std::string pos_text = std::to_string(pos_);
        if (pos_text.size() < 5) buf_.append(5 - pos_text.size(), ' ');
        buf_ += pos_text + ": [" + r.label + "]\n";
        pos_ = std::min<uint64_t>(r.end, data_.size());
      }
      op_pos_ = pos_;
      op_ = Error::kNoOpcode;
      if (pos_ >= data_.size()) {
        fail(pos_ == 0 ? ErrorCode::kTruncated : ErrorCode::kNoStop, "pickle exhausted before seeing STOP");
      }
      const uint8_t byte = data_[pos_++];
      op_ = byte;  // reported as "byte 0xNN" when it is no opcode
      const OpcodeInfo& info = internal::opcode_info(byte);
      if (!info.name) {
        fail(ErrorCode::kUnknownOpcode,
             "at position " + std::to_string(op_pos_) + ", opcode " + repr_bytes(&byte, 1) + " unknown");
      }
      const Op op = static_cast<Op>(byte);
      Arg arg = read_arg(info.arg);

      // print("%5d:" % pos, end=' ') comes first; the rest of the line is built apart and printed
      // once complete, as pickletools does.
      std::string pos_text = std::to_string(op_pos_);
      if (pos_text.size() < 5) buf_.append(5 - pos_text.size(), ' ');
      buf_ += pos_text;
      buf_ += ": ";
      // "%-4s %s%s" % (repr(code)[1:-1], indent, name)
      std::string line;
      internal::append_str_repr_char(line, byte, '\'');
      if (line.size() < 4) line.append(4 - line.size(), ' ');
      line += ' ';
      line.append(4 * markstack_.size(), ' ');
      line += info.name;

      maxproto_ = std::max<int>(maxproto_, info.proto);
      const internal::StackEffect& e = info.effect;
      size_t numtopop = e.pops;
      std::string markmsg;
      ErrorCode err_code = ErrorCode::kBadArgument;
      std::string errmsg;

      if (e.mark_at >= 0 || (op == Op::POP && !stack_.empty() && stack_.back() == StackKind::kMark)) {
        if (!markstack_.empty()) {
          markmsg = "(MARK at " + std::to_string(markstack_.back()) + ")";
          markstack_.pop_back();
          // Pop everything down to and including the topmost mark. A mark that an ordinary opcode
          // consumed leaves markstack with no mark on the stack: Python's loop then indexes an
          // empty list (IndexError) after having printed the offset column.
          while (!stack_.empty() && stack_.back() != StackKind::kMark) stack_.pop_back();
          if (stack_.empty()) fail(ErrorCode::kMarkMisuse, "list index out of range");
          stack_.pop_back();
          numtopop = e.mark_at >= 0 ? static_cast<size_t>(e.mark_at) : 0;
        } else {
          errmsg = markmsg = "no MARK exists on stack";
          err_code = ErrorCode::kMarkMisuse;
        }
      }

      StackKind pushed_from_memo = StackKind::kAny;
      bool memo_push = false;
      if (op == Op::PUT || op == Op::BINPUT || op == Op::LONG_BINPUT || op == Op::MEMOIZE) {
        std::string key;
        if (op == Op::MEMOIZE) {
          key = std::to_string(memo_size());
          markmsg = "(as " + key + ")";
        } else {
          key = arg.key;
        }
        if (memo_find(key, nullptr)) {
          errmsg = "memo key " + (arg.present ? arg.repr : std::string("None")) + " already defined";
          err_code = ErrorCode::kBadMemoIndex;
        } else if (stack_.empty()) {
          errmsg = "stack is empty -- can't store into memo";
          err_code = ErrorCode::kStackUnderflow;
        } else if (stack_.back() == StackKind::kMark) {
          errmsg = "can't store markobject in the memo";
          err_code = ErrorCode::kMarkMisuse;
        } else {
          memo_store(key, stack_.back());
        }
      } else if (op == Op::GET || op == Op::BINGET || op == Op::LONG_BINGET) {
        if (memo_find(arg.key, &pushed_from_memo)) {
          memo_push = true;
        } else {
          errmsg = "memo key " + arg.repr + " has never been stored into";
          err_code = ErrorCode::kMemoMissing;
        }
      }

      if (arg.present || !markmsg.empty()) {
        size_t name_len = std::strlen(info.name);
        if (name_len < 10) line.append(10 - name_len, ' ');
        if (arg.present) {
          line += ' ';
          line += arg.repr;
        }
        if (!markmsg.empty()) {
          line += ' ';
          line += markmsg;
        }
      }
      buf_ += line;
      buf_ += '\n';
      maybe_flush();

      if (!errmsg.empty()) fail(err_code, std::move(errmsg));

      if (stack_.size() < numtopop) {
        fail(ErrorCode::kStackUnderflow, "tries to pop " + std::to_string(numtopop) + " items from stack with only " +
                                             std::to_string(stack_.size()) + " items");
      }
      stack_.erase(stack_.end() - static_cast<std::ptrdiff_t>(numtopop), stack_.end());
      if (e.pushes == 1 && e.push[0] == StackKind::kMark) markstack_.push_back(op_pos_);  // markobject in after
      if (memo_push) {
        stack_.push_back(pushed_from_memo);
      } else {
        for (int i = 0; i < e.pushes; ++i) stack_.push_back(e.push[i]);
      }
      if (op == Op::STOP) break;
    }

    buf_ += "highest protocol among opcodes = " + std::to_string(maxproto_) + "\n";
    if (!stack_.empty()) {
      std::string m = "stack not empty after STOP: [";
      constexpr size_t kShown = 100;  // Python lists them all; the message stays readable here
      for (size_t i = 0; i < stack_.size() && i < kShown; ++i) {
        if (i) m += ", ";
        m += internal::stack_kind_name(stack_[i]);
      }
      if (stack_.size() > kShown) m += ", ...";
      m += "]";
      fail(ErrorCode::kBadOperand, std::move(m));
    }
  }

  ByteView data_;
  std::ostream& out_;
  uint64_t pos_ = 0;
  uint64_t op_pos_ = 0;
  int op_ = Error::kNoOpcode;
  std::string buf_;
  std::vector<StackKind> stack_;
  std::string text_[2];  // escape-decoded lines of the current argument
  std::vector<uint64_t> markstack_;
  std::unordered_map<uint64_t, StackKind> memo_small_;
  std::map<std::string, StackKind> memo_big_;
  int maxproto_ = -1;

 public:
  uint64_t end() const { return pos_; }
  std::vector<internal::SkipRange> skips_;
  size_t next_skip_ = 0;
};

}  // namespace

void disassemble(ByteView data, std::ostream& out) { Disassembler(data, out).run(); }

namespace internal {
void disassemble_with_skips(ByteView data, std::ostream& out, const std::vector<SkipRange>& skips) {
  Disassembler d(data, out);
  d.skips_ = skips;
  d.run();
}

uint64_t disassemble_from(ByteView data, uint64_t start, std::ostream& out) {
  Disassembler d(data, out);
  d.run(start);
  return d.end();
}
}  // namespace internal

}  // namespace picklejar
