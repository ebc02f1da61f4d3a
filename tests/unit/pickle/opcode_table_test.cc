// The opcode table (base/opcodes.def) against the VM and the disassembler: all 256 byte values
// (each defined opcode run in a minimal stream, each other byte an unknown-opcode error at its
// offset), the stack effects checked against what the VM leaves on its stack, and the one
// argument decoder (pickle/opcode_args.h).
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "picklejar/picklejar.h"
#include "pickle/opcode_args.h"
#include "pickle/opcode_table.h"

namespace picklejar {
namespace {

using internal::ArgKind;
using internal::opcode_info;

std::string zeros(size_t n) { return std::string(n, '\0'); }

// A stream that pushes one object of the kind a stack_before letter names.
std::string push_for(char letter) {
  switch (letter) {
    case 'a': case 'N': return "N";
    case 'M': return "(";
    case 'S': return "";  // an empty slice
    case 'i': case 'I': return "K\x01";
    case 'b': return "\x88";
    case 'f': return "G" + zeros(8);
    case 'B': return "U" + zeros(1);
    case 'y': return "C" + zeros(1);
    case 'Y': case 'v': return "\x96" + zeros(8);  // READONLY_BUFFER takes a bytearray too
    case 's': return "\x8c\x01" "a";
    case 't': return ")";
    case 'l': return "]";
    case 'd': return "}";
    case 'e': return "\x8f";
    case 'E': return "(\x91";
  }
  ADD_FAILURE() << "letter " << letter;
  return "";
}

// A minimal valid argument of each kind.
std::string arg_for(ArgKind k) {
  switch (k) {
    case ArgKind::kNone: return "";
    case ArgKind::kDecimalNlShort: return "0\n";
    case ArgKind::kDecimalNlLong: return "0L\n";
    case ArgKind::kFloatNl: return "0.5\n";
    case ArgKind::kStringNl: return "'a'\n";
    case ArgKind::kStringNlNoEscape: return "x\n";
    case ArgKind::kStringNlPair: return "m\nn\n";
    case ArgKind::kUnicodeNl: return "a\n";
    default: return zeros(static_cast<size_t>(internal::arg_fixed_width(k)));
  }
}

struct Case {
  std::string prefix;  // below the opcode's own operands; stays on the stack
  size_t kept = 0;     // items of prefix still on the stack afterwards
  std::string before;  // the operands
  std::string arg;
};

// The minimal stream for an opcode: its operands as stack_before names them (with the few that
// the VM needs to be of a particular type), then the opcode and a minimal argument.
Case case_for(uint8_t byte) {
  const auto& info = opcode_info(byte);
  Case c;
  for (const char* p = info.before; *p; ++p) c.before += push_for(*p);
  c.arg = arg_for(info.arg);
  switch (static_cast<internal::Op>(byte)) {
    case internal::Op::EXT1: c.arg = "\x01"; break;  // code 1 (0 is refused, as by CPython)
    case internal::Op::EXT2: c.arg = std::string("\x01\x00", 2); break;
    case internal::Op::EXT4: c.arg = std::string("\x01\x00\x00\x00", 4); break;
    case internal::Op::GET: case internal::Op::BINGET: case internal::Op::LONG_BINGET:
      c.prefix = "N\x94" "0";  // memo[0] = None
      break;
    case internal::Op::PUT: case internal::Op::BINPUT: case internal::Op::LONG_BINPUT:
      c.prefix = "N";  // stored, not popped
      c.kept = 1;
      break;
    // A call's callable is a global: None, like any builtin value, is refused as CPython refuses it.
    case internal::Op::REDUCE: case internal::Op::NEWOBJ: c.before = "cm\nf\n)"; break;
    case internal::Op::NEWOBJ_EX: c.before = "cm\nf\n)}"; break;
    case internal::Op::OBJ: c.before = "(cm\nf\n"; break;
    case internal::Op::BUILD: c.before = "cm\nf\n)\x81" "N"; break;
    case internal::Op::PROTO: c.arg = "\x02"; break;
    default: break;
  }
  return c;
}

bool kind_matches(char letter, const Value& v) {
  switch (letter) {
    case 'a': return true;
    case 'i': return v.kind() == Kind::kInt;
    case 'I': return v.kind() == Kind::kInt || v.kind() == Kind::kBool;
    case 'b': return v.kind() == Kind::kBool;
    case 'f': return v.kind() == Kind::kFloat;
    case 'B': return v.kind() == Kind::kStr || v.kind() == Kind::kBytes;
    case 'y': return v.kind() == Kind::kBytes;
    case 'Y': return v.kind() == Kind::kByteArray;
    case 'v': return v.kind() == Kind::kBuffer;
    case 's': return v.kind() == Kind::kStr;
    case 'N': return v.kind() == Kind::kNone;
    case 't': return v.kind() == Kind::kTuple;
    case 'l': return v.kind() == Kind::kList;
    case 'd': return v.kind() == Kind::kDict;
    case 'e': return v.kind() == Kind::kSet;
    case 'E': return v.kind() == Kind::kFrozenSet;
  }
  return false;
}

ByteView view(const std::string& s) { return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

// Every byte value: a defined opcode runs in the VM with the stack effect the table gives it (the
// result tuple holds what is left above an outer MARK), and the disassembler lists it; any other
// byte is kUnknownOpcode at its offset for both.
TEST(OpcodeTable, AllByteValues) {
  int defined = 0;
  for (int b = 0; b < 256; ++b) {
    const uint8_t byte = static_cast<uint8_t>(b);
    SCOPED_TRACE(opcode_info(byte).name ? opcode_info(byte).name : ("byte " + std::to_string(b)).c_str());
    if (!internal::is_opcode(byte)) {
      const std::string s = std::string("\x80\x02") + static_cast<char>(byte) + ".";
      try {
        load(view(s));
        ADD_FAILURE() << "loaded";
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kUnknownOpcode);
        EXPECT_EQ(e.offset(), 2u);
        EXPECT_EQ(e.opcode(), b);
      }
      std::ostringstream out;
      try {
        disassemble(view(s), out);
        ADD_FAILURE() << "disassembled";
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kUnknownOpcode);
        EXPECT_EQ(e.offset(), 2u);
      }
      continue;
    }
    ++defined;
    const auto& info = opcode_info(byte);
    const std::string name = info.name;
    std::string s;
    if (name == "STOP") {
      s = "N.";
    } else if (name == "MARK") {
      s = "((tt.";  // the pushed mark is what the inner TUPLE finds
    } else {
      Case c = case_for(byte);
      s = "(" + c.prefix + c.before + static_cast<char>(byte) + c.arg + "t.";
    }
    LoadOptions opt;
    opt.buffers = std::vector<BufferView>(1);
    if (name == "EXT1" || name == "EXT2" || name == "EXT4") {
      try {
        load(view(s), opt);
        ADD_FAILURE() << "loaded";
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kExtension);
      }
      opt.extensions = {{1, {"m", "n"}}};  // registered: the global
      Document doc = load(view(s), opt);
      ASSERT_EQ(doc.root().size(), 1u);
      EXPECT_EQ(doc.root()[0].as_global().name, "n");
    } else {
      Document doc = load(view(s), opt);
      Value r = doc.root();
      if (name == "STOP") {
        EXPECT_EQ(r.kind(), Kind::kNone);
      } else if (name == "MARK") {
        ASSERT_EQ(r.size(), 1u);
        EXPECT_EQ(r[0].size(), 0u);
      } else {
        Case c = case_for(byte);
        ASSERT_EQ(r.kind(), Kind::kTuple);
        ASSERT_EQ(r.size(), c.kept + info.effect.pushes) << "stack_after " << info.after;
        for (size_t i = 0; i < info.effect.pushes; ++i)
          EXPECT_TRUE(kind_matches(info.after[i], r[c.kept + i])) << "item " << i << " of " << info.after;
      }
    }
    std::ostringstream out;
    disassemble(view(s), out);  // pickletools' stack checks agree with the table
    EXPECT_NE(out.str().find(name), std::string::npos) << out.str();
  }
  EXPECT_EQ(defined, 68);
}

TEST(OpcodeTable, StackEffectsFollowTheLetters) {
  const auto& appends = opcode_info(static_cast<uint8_t>(internal::Op::APPENDS)).effect;
  EXPECT_EQ(appends.pops, 3);
  EXPECT_EQ(appends.mark_at, 1);
  EXPECT_EQ(appends.pushes, 1);
  EXPECT_EQ(appends.push[0], internal::StackKind::kList);
  const auto& dup = opcode_info(static_cast<uint8_t>(internal::Op::DUP)).effect;
  EXPECT_EQ(dup.pops, 1);
  EXPECT_EQ(dup.mark_at, -1);
  EXPECT_EQ(dup.pushes, 2);
  EXPECT_STREQ(internal::stack_kind_name(internal::StackKind::kIntOrBool), "int_or_bool");
  EXPECT_EQ(internal::arg_kind_of(internal::Op::BINUNICODE), ArgKind::kUnicode4);
}

// A source over a string that records what decode_arg asked for.
struct StringSource {
  explicit StringSource(std::string d) : data(std::move(d)) {}
  std::string data;
  size_t pos = 0;
  std::string log;
  const uint8_t* fixed(int width, ArgKind, internal::ArgField f) {
    log += (f == internal::ArgField::kLength ? "L" : "V") + std::to_string(width) + " ";
    if (data.size() - pos < static_cast<size_t>(width)) throw std::runtime_error("short");
    pos += static_cast<size_t>(width);
    return reinterpret_cast<const uint8_t*>(data.data()) + pos - width;
  }
  void negative_length(ArgKind, int64_t n) { throw std::runtime_error("negative " + std::to_string(n)); }
  void check_count(ArgKind, uint64_t n) { log += "C" + std::to_string(n) + " "; }
  const uint8_t* payload(ArgKind, uint64_t n) {
    log += "P" + std::to_string(n) + " ";
    if (data.size() - pos < n) throw std::runtime_error("short payload");
    pos += static_cast<size_t>(n);
    return reinterpret_cast<const uint8_t*>(data.data()) + pos - n;
  }
  std::string_view line(ArgKind, int index) {
    size_t nl = data.find('\n', pos);
    if (nl == std::string::npos) throw std::runtime_error("no newline");
    std::string_view s(data.data() + pos, nl - pos);
    pos = nl + 1;
    log += "N" + std::to_string(index) + " ";
    return s;
  }
};

TEST(OpcodeArgs, DecodesEachLayout) {
  using namespace std::string_literals;
  StringSource s("\xfe\xff\xff\xff");
  auto a = internal::decode_arg(ArgKind::kInt4, s);
  EXPECT_EQ(a.i, -2);
  EXPECT_EQ(s.log, "V4 ");

  s = StringSource("\x03\x00\x00\x00\x00\x00\x00\x00" "abc"s);
  a = internal::decode_arg(ArgKind::kUnicode8, s);
  EXPECT_EQ(a.u, 3u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(a.data), 3), "abc");
  EXPECT_EQ(s.log, "L8 C3 P3 ");

  s = StringSource("\xff\xff\xff\xff");
  EXPECT_THROW(internal::decode_arg(ArgKind::kString4, s), std::runtime_error);  // negative, before any payload
  EXPECT_EQ(s.log, "L4 ");

  s = StringSource("mod\nname\n");
  a = internal::decode_arg(ArgKind::kStringNlPair, s);
  EXPECT_EQ(a.line, "mod");
  EXPECT_EQ(a.line2, "name");

  s = StringSource("\x00\x00\x00\x00\x00\x00\xf8\x3f"s);
  a = internal::decode_arg(ArgKind::kFloat8, s);
  EXPECT_EQ(s.log, "V8 ");
  EXPECT_EQ(a.u, 8u);

  s = StringSource("");
  a = internal::decode_arg(ArgKind::kNone, s);
  EXPECT_EQ(s.log, "");
  EXPECT_STREQ(internal::arg_kind_name(ArgKind::kStringNlPair), "stringnl_noescape_pair");
}

}  // namespace
}  // namespace picklejar
