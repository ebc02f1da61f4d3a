// The opcode tests, continued (opcodes_test.cc has the conventions): globals and objects,
// persistent ids and extensions, and the load_file / load_stream entry points.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "picklejar/picklejar.h"

#include "opcodes_test_util.h"

namespace picklejar {
namespace {

using namespace std::string_literals;
using namespace opcode_test;

// ---- globals and objects ------------------------------------------------------------------------------

TEST(OpcodeGlobal, PushesAnInertGlobal) {
  auto l = L("cmod.sub\nOuter.Inner\n.");
  ASSERT_EQ(l.root().kind(), Kind::kGlobal);
  GlobalRef g = l.root().as_global();
  EXPECT_EQ(g.module, "mod.sub");
  EXPECT_EQ(g.name, "Outer.Inner");
}

TEST(OpcodeGlobal, FixImportsMapsPython2Names) {
  auto on = L("c__builtin__\nobject\n.");
  EXPECT_EQ(on.root().as_global().module, "builtins");
  EXPECT_EQ(on.root().as_global().name, "object");
  auto on2 = L("\x80\x02" "ccopy_reg\n_reconstructor\n.");
  EXPECT_EQ(on2.root().as_global().module, "copyreg");
  auto on3 = L("c__builtin__\nxrange\n.");  // a name mapping: xrange -> builtins.range
  EXPECT_EQ(on3.root().as_global().module, "builtins");
  EXPECT_EQ(on3.root().as_global().name, "range");

  LoadOptions off;
  off.fix_imports = false;
  auto o = L("c__builtin__\nobject\n.", off);
  EXPECT_EQ(o.root().as_global().module, "__builtin__");
  EXPECT_EQ(o.root().as_global().name, "object");

  // Protocol 3+ streams are Python 3 streams: never mapped.
  auto p3 = L("\x80\x03" "c__builtin__\nobject\n.");
  EXPECT_EQ(p3.root().as_global().module, "__builtin__");
}

TEST(OpcodeGlobal, SameNameIsTheSameGlobal) {
  auto l = L("(cm\nf\ncm\nf\nt.");
  EXPECT_TRUE(l.root()[0].equals(l.root()[1]));
}

TEST(OpcodeStackGlobal, NamesFromTheStack) {
  auto l = L("\x80\x04\x8c\x03mod\x8c\x0bOuter.Inner\x93.");
  ASSERT_EQ(l.root().kind(), Kind::kGlobal);
  EXPECT_EQ(l.root().as_global().module, "mod");
  EXPECT_EQ(l.root().as_global().name, "Outer.Inner");
  // Protocol 2 stream with STACK_GLOBAL is still subject to fix_imports.
  auto p2 = L("\x80\x02X\x0b\x00\x00\x00__builtin__X\x03\x00\x00\x00set\x93."s);
  EXPECT_EQ(p2.root().as_global().module, "builtins");
}

TEST(OpcodeReduce, UnknownCallableStaysInert) {
  auto l = L("cmod\nf\n(K\x01U\x01xtR.");
  ASSERT_EQ(l.root().kind(), Kind::kObject);
  ObjectRef o = l.root().as_object();
  EXPECT_EQ(o.how, MadeBy::kReduce);
  EXPECT_EQ(made_by_name(o.how), "reduce");
  EXPECT_EQ(o.callable.as_global().module, "mod");
  EXPECT_EQ(o.callable.as_global().name, "f");
  ASSERT_EQ(o.args.kind(), Kind::kTuple);
  ASSERT_EQ(o.args.size(), 2u);
  EXPECT_EQ(o.args[0].as_int(), 1);
  EXPECT_FALSE(o.kwargs.valid());
  EXPECT_FALSE(o.state.valid());
  EXPECT_FALSE(o.list_items.valid());
  EXPECT_FALSE(o.dict_items.valid());
}

TEST(OpcodeReduce, KnownShapeSetAndFrozenSet) {
  // pickle.dumps({1, 2}, 2)
  auto s = L("\x80\x02" "c__builtin__\nset\nq\x00]q\x01(K\x01K\x02" "e\x85q\x02Rq\x03."s);
  ASSERT_EQ(s.root().kind(), Kind::kSet);
  EXPECT_EQ(s.root().size(), 2u);
  // pickle.dumps(frozenset({1, 2}), 2)
  auto f = L("\x80\x02" "c__builtin__\nfrozenset\nq\x00]q\x01(K\x01K\x02" "e\x85q\x02Rq\x03."s);
  ASSERT_EQ(f.root().kind(), Kind::kFrozenSet);
  EXPECT_EQ(f.root().size(), 2u);
  // set() with no argument, protocol 3 names.
  auto e = L("\x80\x03" "cbuiltins\nset\n)R.");
  ASSERT_EQ(e.root().kind(), Kind::kSet);
  EXPECT_EQ(e.root().size(), 0u);
}

TEST(OpcodeReduce, KnownShapeWithoutFixImportsStaysInert) {
  LoadOptions off;
  off.fix_imports = false;
  auto s = L("\x80\x02" "c__builtin__\nset\nq\x00]q\x01(K\x01K\x02" "e\x85q\x02Rq\x03."s, off);
  ASSERT_EQ(s.root().kind(), Kind::kObject);
  EXPECT_EQ(s.root().as_object().callable.as_global().module, "__builtin__");
}

TEST(OpcodeReduce, KnownShapeByteArrayAndBytes) {
  // pickle.dumps(bytearray(b'ab'), 3)
  auto a3 = L("\x80\x03" "cbuiltins\nbytearray\nq\x00" "C\x02" "abq\x01\x85q\x02Rq\x03."s);
  ASSERT_EQ(a3.root().kind(), Kind::kByteArray);
  EXPECT_EQ(sv(a3.root().as_bytes()), "ab");
  // pickle.dumps(bytearray(b'ab'), 2): bytearray(_codecs.encode('ab', 'latin1'))
  auto a2 = L("\x80\x02" "c__builtin__\nbytearray\nq\x00" "c_codecs\nencode\nq\x01X\x02\x00\x00\x00" "abq\x02X\x06\x00\x00\x00latin1q\x03\x86q\x04Rq\x05\x85q\x06Rq\x07."s);
  ASSERT_EQ(a2.root().kind(), Kind::kByteArray);
  EXPECT_EQ(sv(a2.root().as_bytes()), "ab");
  // pickle.dumps(b'', 2)
  auto e = L("\x80\x02" "c__builtin__\nbytes\nq\x00)Rq\x01."s);
  ASSERT_EQ(e.root().kind(), Kind::kBytes);
  EXPECT_EQ(e.root().size(), 0u);
  // bytearray('\xe9', 'latin-1') as Python 2-era pickles write it.
  auto b = L("\x80\x02" "c__builtin__\nbytearray\nX\x02\x00\x00\x00\xc3\xa9X\x07\x00\x00\x00latin-1\x86R."s);
  ASSERT_EQ(b.root().kind(), Kind::kByteArray);
  EXPECT_EQ(sv(b.root().as_bytes()), "\xe9");
}

TEST(OpcodeReduce, KnownShapeCodecsEncodeLatin1) {
  // pickle.dumps(b'\xe9a', 2)
  auto l = L("\x80\x02" "c_codecs\nencode\nq\x00X\x03\x00\x00\x00\xc3\xa9" "aq\x01X\x06\x00\x00\x00latin1q\x02\x86q\x03Rq\x04."s);
  ASSERT_EQ(l.root().kind(), Kind::kBytes);
  EXPECT_EQ(sv(l.root().as_bytes()), "\xe9" "a");
  // Another encoding is not a known shape.
  auto other = L("\x80\x02" "c_codecs\nencode\nX\x01\x00\x00\x00" "aX\x05\x00\x00\x00utf-8\x86R."s);
  EXPECT_EQ(other.root().kind(), Kind::kObject);
}

TEST(OpcodeReduce, KnownShapeReconstructorProtocol0) {
  // class C (module mod), c = C(); c.x = 1; pickle.dumps(c, 0)
  auto l = L(
      "ccopy_reg\n_reconstructor\np0\n(cmod\nC\np1\nc__builtin__\nobject\np2\nNtp3\nRp4\n(dp5\nVx\np6\nI1\nsb.");
  ASSERT_EQ(l.root().kind(), Kind::kObject);
  ObjectRef o = l.root().as_object();
  EXPECT_EQ(o.how, MadeBy::kNewObj);
  EXPECT_EQ(o.callable.as_global().module, "mod");
  EXPECT_EQ(o.callable.as_global().name, "C");
  ASSERT_EQ(o.args.kind(), Kind::kTuple);
  EXPECT_EQ(o.args.size(), 0u);
  ASSERT_TRUE(o.state.valid());
  ASSERT_EQ(o.state.kind(), Kind::kDict);
  EXPECT_EQ(o.state.at("x").as_int(), 1);
}

TEST(OpcodeReduce, ReconstructorWithoutFixImportsStaysInert) {
  LoadOptions off;
  off.fix_imports = false;
  auto l = L("ccopy_reg\n_reconstructor\n(cmod\nC\nc__builtin__\nobject\nNtR.", off);
  ObjectRef o = l.root().as_object();
  EXPECT_EQ(o.how, MadeBy::kReduce);
  EXPECT_EQ(o.callable.as_global().module, "copy_reg");
  EXPECT_EQ(o.args.size(), 3u);
}

TEST(OpcodeReduce, KnownShapeGetattrNestedClass) {
  // pickle.dumps(Outer.Inner, 2) and (..., 3)
  auto p2 = L("\x80\x02" "c__builtin__\ngetattr\nq\x00" "cmod\nOuter\nq\x01X\x05\x00\x00\x00Innerq\x02\x86q\x03Rq\x04."s);
  ASSERT_EQ(p2.root().kind(), Kind::kGlobal);
  EXPECT_EQ(p2.root().as_global().module, "mod");
  EXPECT_EQ(p2.root().as_global().name, "Outer.Inner");
  auto p3 = L("\x80\x03" "cbuiltins\ngetattr\nq\x00" "cmod\nOuter\nq\x01X\x05\x00\x00\x00Innerq\x02\x86q\x03Rq\x04."s);
  EXPECT_EQ(p3.root().as_global().name, "Outer.Inner");
  // Same global as a direct STACK_GLOBAL reference would give.
  auto sg = L("\x80\x04\x8c\x03mod\x8c\x0bOuter.Inner\x93.");
  EXPECT_TRUE(p3.root().equals(sg.root()));
}

TEST(OpcodeBuild, RecordsStateOnTheObject) {
  auto l = L("\x80\x02" "cmod\nC\n)\x81}U\x01xK\x01sb.");
  ASSERT_EQ(l.root().kind(), Kind::kObject);
  ObjectRef o = l.root().as_object();
  ASSERT_TRUE(o.state.valid());
  EXPECT_EQ(o.state.at("x").as_int(), 1);
  // (None, slots) state tuples are kept as given.
  auto t = L("\x80\x02" "cmod\nC\n)\x81N}U\x01yK\x02s\x86" "b.");
  ASSERT_EQ(t.root().as_object().state.kind(), Kind::kTuple);
  EXPECT_TRUE(t.root().as_object().state[0].is_none());
}

// A reduce's state_setter (a 6-item __reduce__ result), as CPython's C pickler writes it at
// protocols 0 and 2: `setstate(obj, state)` after obj, its result popped (the bytes pickle.Pickler
// writes for a mod.C whose dispatch_table reduce is (C, (), {"a": "v"}, None, None, mod.setstate)).
const std::string kStateSetterP0 = "cmod\nC\np0\n(tRp1\ncmod\nsetstate\np2\ng1\n(dp3\nVa\np4\nVv\np5\ns\x86R0.";
const std::string kStateSetterP2 =
    "\x80\x02" "cmod\nC\nq\x00)Rq\x01" "cmod\nsetstate\nq\x02h\x01}q\x03X\x01\x00\x00\x00" "aq\x04"
    "X\x01\x00\x00\x00vq\x05s\x86R0."s;

TEST(OpcodeBuild, StateSetterCallIsKeptOnTheObject) {
  for (const std::string& data : {kStateSetterP0, kStateSetterP2}) {
    auto l = L(data);
    ASSERT_EQ(l.root().kind(), Kind::kObject);
    ObjectRef o = l.root().as_object();
    ASSERT_TRUE(o.state.valid());
    EXPECT_EQ(o.state.at("a").as_str(), "v");
    ASSERT_TRUE(o.state_setter.valid());
    EXPECT_EQ(o.state_setter.as_global().name, "setstate");
  }
}

// `POP GET` after a call keeps the popped call's arguments for the object got only when the call
// is the same (callable, opcode, argument count): what CPython writes for an object reached again
// through its own arguments (fixtures/forms recursive_*_inst). Any other popped call is dropped.
TEST(OpcodeNewObj, PoppedCallOfOtherArgumentsIsNotTheOuterCall) {
  // X.__new__(X, 1) memoized as 1 and popped; X.__new__(X) popped; GET 1.
  const std::string in = "\x80\x02" "c__main__\nX\nq\x00K\x01\x85\x81q\x01" "0h\x00)\x81" "0h\x01."s;
  auto l = L(in);
  ASSERT_EQ(l.root().kind(), Kind::kObject);
  DumpOptions o;
  o.protocol = 2;
  EXPECT_EQ(sv(ByteView(dump(l.root(), o))), "\x80\x02" "c__main__\nX\nq\x00K\x01\x85q\x01\x81q\x02."s);
}

TEST(OpcodeBuild, StateSetterCallIsWrittenAgain) {
  auto p0 = L(kStateSetterP0);
  DumpOptions o0;
  o0.protocol = 0;
  EXPECT_EQ(sv(ByteView(dump(p0.root(), o0))), kStateSetterP0);
  auto p2 = L(kStateSetterP2);
  DumpOptions o2;
  o2.protocol = 2;
  EXPECT_EQ(sv(ByteView(dump(p2.root(), o2))), kStateSetterP2);
}

TEST(OpcodeBuild, OtherPoppedCallsAreNoStateSetters) {
  // Memoized before its POP: not CPython's state_setter form.
  auto memo = L("cmod\nC\np0\n(tRp1\ncmod\nf\np2\ng1\n(d\x86" "Rp3\n0.");
  EXPECT_FALSE(memo.root().as_object().state_setter.valid());
  // A second call on an object whose state is already set changes nothing.
  auto twice = L(kStateSetterP0.substr(0, kStateSetterP0.size() - 1) + "cmod\ng\ng1\n(d\x86" "R0.");
  EXPECT_EQ(twice.root().as_object().state_setter.as_global().name, "setstate");
  EXPECT_EQ(twice.root().as_object().state.at("a").as_str(), "v");
}

TEST(OpcodeInst, InstantiatesFromMarkAndLines) {
  auto l = L("(K\x01U\x01ximod\nCls\n.");
  ASSERT_EQ(l.root().kind(), Kind::kObject);
  ObjectRef o = l.root().as_object();
  EXPECT_EQ(o.how, MadeBy::kInst);
  EXPECT_EQ(made_by_name(o.how), "inst");
  EXPECT_EQ(o.callable.as_global().module, "mod");
  EXPECT_EQ(o.callable.as_global().name, "Cls");
  ASSERT_EQ(o.args.size(), 2u);
  EXPECT_EQ(o.args[1].as_str(), "x");
  // fix_imports applies to INST names too.
  auto m = L("(i__builtin__\nobject\n.");
  EXPECT_EQ(m.root().as_object().callable.as_global().module, "builtins");
}

TEST(OpcodeObj, ClassIsFirstAfterMark) {
  auto l = L("(cmod\nCls\nK\x01K\x02o.");
  ASSERT_EQ(l.root().kind(), Kind::kObject);
  ObjectRef o = l.root().as_object();
  EXPECT_EQ(o.how, MadeBy::kObj);
  EXPECT_EQ(o.callable.as_global().name, "Cls");
  ASSERT_EQ(o.args.size(), 2u);
  EXPECT_EQ(o.args[0].as_int(), 1);
  EXPECT_EQ(L("(cmod\nCls\no.").root().as_object().args.size(), 0u);
}

TEST(OpcodeNewObj, ClsAndArgs) {
  auto l = L("\x80\x02" "cmod\nC\nK\x01\x85\x81.");
  ObjectRef o = l.root().as_object();
  EXPECT_EQ(o.how, MadeBy::kNewObj);
  EXPECT_EQ(made_by_name(o.how), "newobj");
  EXPECT_EQ(o.callable.as_global().name, "C");
  ASSERT_EQ(o.args.size(), 1u);
  EXPECT_EQ(o.args[0].as_int(), 1);
}

TEST(OpcodeNewObjEx, ClsArgsAndKwargs) {
  auto l = L("\x80\x04\x8c\x01m\x8c\x01" "C\x93K\x01\x85}\x8c\x01kK\x02s\x92.");
  ObjectRef o = l.root().as_object();
  EXPECT_EQ(o.how, MadeBy::kNewObjEx);
  EXPECT_EQ(made_by_name(o.how), "newobj_ex");
  EXPECT_EQ(o.callable.as_global().module, "m");
  ASSERT_EQ(o.args.size(), 1u);
  ASSERT_TRUE(o.kwargs.valid());
  EXPECT_EQ(o.kwargs.at("k").as_int(), 2);
}

TEST(OpcodeAppends, OnAnObjectRecordsListItems) {
  // A list subclass: NEWOBJ then APPENDS / APPEND / SETITEMS go to hidden item containers.
  auto l = L("\x80\x02" "cmod\nL\n)\x81(K\x01K\x02" "eK\x03" "a(U\x01kK\x04u.");
  ObjectRef o = l.root().as_object();
  ASSERT_TRUE(o.list_items.valid());
  ASSERT_EQ(o.list_items.size(), 3u);
  EXPECT_EQ(o.list_items[2].as_int(), 3);
  ASSERT_TRUE(o.dict_items.valid());
  EXPECT_EQ(o.dict_items.at("k").as_int(), 4);
}

// ---- persistent ids and extensions ------------------------------------------------------------------

TEST(OpcodePersId, WithoutCallbackIsInert) {
  auto l = L("Pabc\n.");
  ASSERT_EQ(l.root().kind(), Kind::kPersistentId);
  EXPECT_EQ(l.root().persistent_id().as_str(), "abc");
}

TEST(OpcodePersId, CallbackReplacesIt) {
  LoadOptions o;
  std::string seen;
  o.persistent_load = [&](Document& doc, Value pid) {
    seen = std::string(pid.as_str());
    return doc.builder().integer(42);
  };
  auto l = L("(Pabc\nPdef\nt.", o);
  EXPECT_EQ(seen, "def");
  EXPECT_EQ(l.root()[0].as_int(), 42);
  EXPECT_EQ(l.root()[1].as_int(), 42);
}

TEST(OpcodeBinPersId, WithoutCallbackIsInert) {
  auto l = L("\x80\x02U\x03" "abcK\x01\x86Q.");
  ASSERT_EQ(l.root().kind(), Kind::kPersistentId);
  Value pid = l.root().persistent_id();
  ASSERT_EQ(pid.kind(), Kind::kTuple);
  EXPECT_EQ(pid[0].as_str(), "abc");
  EXPECT_EQ(pid[1].as_int(), 1);
}

// A pickler whose persistent_id returns every object itself (CPython's pickletester
// test_return_correct_type) makes the callable and the argument tuple of a REDUCE persistent ids:
// these bytes are CPython's for b'abc\n' at protocol 2. Only persistent_load knows what a pid
// stands for; with a callback returning the pid itself, as the test's, it loads as CPython loads
// it. (Without a callback the pid stays inert and a REDUCE cannot take it as its arguments.)
TEST(OpcodeBinPersId, IdentityCallbackMakesReduceArguments) {
  LoadOptions o;
  o.persistent_load = [](Document&, Value pid) { return pid; };
  auto l = L("\x80\x02" "c_codecs\nencode\nq\x00QX\x04\x00\x00\x00" "abc\nq\x01QX\x06\x00\x00\x00" "latin1q\x02Q\x86q\x03QRq\x04Q."s, o);
  ASSERT_EQ(l.root().kind(), Kind::kBytes);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(l.root().as_bytes().data()), l.root().as_bytes().size()), "abc\n");
}

TEST(OpcodeBinPersId, CallbackGetsThePidValue) {
  LoadOptions o;
  o.persistent_load = [](Document& doc, Value pid) {
    Builder b = doc.builder();
    return b.list({pid, b.str("loaded")});
  };
  auto l = L("\x80\x02K\x07Q.", o);
  ASSERT_EQ(l.root().kind(), Kind::kList);
  EXPECT_EQ(l.root()[0].as_int(), 7);
  EXPECT_EQ(l.root()[1].as_str(), "loaded");
}

TEST(OpcodeBinPersId, CallbackExceptionPropagates) {
  LoadOptions o;
  o.persistent_load = [](Document&, Value) -> Value { throw std::runtime_error("nope"); };
  EXPECT_THROW(L("\x80\x02K\x07Q.", o), std::runtime_error);
}

TEST(OpcodeBinPersId, CallbackReturningForeignValueIsRejected) {
  Document other;
  LoadOptions o;
  o.persistent_load = [&](Document&, Value) { return other.builder().integer(1); };
  EXPECT_EQ(code_of("\x80\x02K\x07Q.", o), ErrorCode::kInvalidArgument);
}

void expect_extension(const std::string& data, int opcode) {
  try {
    L(data);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kExtension);
    EXPECT_EQ(e.offset(), 2u);
    EXPECT_EQ(e.opcode(), opcode);
  }
}

TEST(OpcodeExt1, UnregisteredExtension) { expect_extension("\x80\x02\x82\x01.", 0x82); }
TEST(OpcodeExt2, UnregisteredExtension) { expect_extension("\x80\x02\x83\x01\x01.", 0x83); }
TEST(OpcodeExt4, UnregisteredExtension) { expect_extension("\x80\x02\x84\x01\x00\x00\x00."s, 0x84); }

// ---- entry points: load_file, load_stream --------------------------------------------------------------

class TempFile {
 public:
  explicit TempFile(const std::string& contents) {
    char tmpl[] = "/tmp/picklejar_opcodes_test_XXXXXX";
    int fd = mkstemp(tmpl);
    EXPECT_GE(fd, 0);
    path_ = tmpl;
    std::string_view rest = contents;
    while (!rest.empty()) {
      ssize_t w = ::write(fd, rest.data(), rest.size());
      if (w <= 0) break;
      rest.remove_prefix(static_cast<size_t>(w));
    }
    ::close(fd);
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(LoadFile, LoadsAndCopiesPayloads) {
  std::string big(100000, 'q');
  TempFile f("\x80\x04(\x8c\x02hiB"s + le(big.size(), 4) + big + "\x8a\x09" + std::string(8, '\0') + "\x01" +
             "t.");
  Document doc = load_file(f.path());
  Value r = doc.root();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].as_str(), "hi");
  EXPECT_EQ(sv(r[1].as_bytes()), big);
  EXPECT_EQ(r[2].int_decimal(), "18446744073709551616");
  EXPECT_EQ(loaded_protocol(doc), 4);
}

TEST(LoadFile, MissingFileIsIo) {
  try {
    load_file("/nonexistent/picklejar/file.pkl");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
  }
  try {
    load_file("/tmp");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
  }
}

TEST(LoadFile, TruncatedFile) {
  TempFile f("\x80\x03" "B\x10\x00\x00\x00" "abc"s);
  try {
    load_file(f.path());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kTruncated);
    EXPECT_EQ(e.offset(), 2u);
  }
}

TEST(LoadStream, LoadsFromIstringstream) {
  std::istringstream in("\x80\x02]q\x00(X\x02\x00\x00\x00hiq\x01h\x01" "e."s);
  Document doc = load_stream(in);
  Value r = doc.root();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].as_str(), "hi");
  EXPECT_TRUE(r[0].is(r[1]));
}

TEST(LoadStream, StopsRightAfterStop) {
  const std::string first = "\x80\x02K\x01.";
  const std::string second = "\x80\x03X\x03\x00\x00\x00two."s;
  std::istringstream in(first + second + "tail");
  Document a = load_stream(in);
  EXPECT_EQ(a.root().as_int(), 1);
  EXPECT_EQ(static_cast<size_t>(in.tellg()), first.size());
  Document b = load_stream(in);
  EXPECT_EQ(b.root().as_str(), "two");
  EXPECT_EQ(loaded_protocol(b), 3);
  EXPECT_EQ(static_cast<size_t>(in.tellg()), first.size() + second.size());
  std::string rest;
  in >> rest;
  EXPECT_EQ(rest, "tail");
}

TEST(LoadStream, ConcatenatedPicklesUntilEnd) {
  std::string all;
  for (int i = 0; i < 50; ++i) all += "K" + u1(static_cast<uint8_t>(i)) + ".";
  std::istringstream in(all);
  for (int i = 0; i < 50; ++i) {
    Document d = load_stream(in);
    ASSERT_EQ(d.root().as_int(), i);
  }
  try {
    load_stream(in);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kTruncated);  // nothing left: empty input
    EXPECT_EQ(e.offset(), 0u);
  }
}

TEST(LoadStream, LargePayloadAcrossChunks) {
  std::string big(1 << 20, '\x5a');
  std::istringstream in("\x80\x04\x8e"s + le(big.size(), 8) + big + "." + "N.");
  Document d = load_stream(in);
  EXPECT_EQ(d.root().size(), big.size());
  EXPECT_EQ(sv(d.root().as_bytes()), big);
  Document n = load_stream(in);
  EXPECT_TRUE(n.root().is_none());
}

}  // namespace
}  // namespace picklejar
