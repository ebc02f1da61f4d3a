// pickle/globals: the globals registry tested directly. fix_imports's name mapping in both
// directions against CPython's own _compat_pickle tables (fixtures/internals/compat_globals.tsv,
// made by tools/fixturegen/internals_cases.py), the names CPython's pickler writes, and the reduce
// shapes the loader turns into typed values (and the ones it must leave alone).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "model/value_access.h"
#include "model/document_impl.h"
#include "picklejar/picklejar.h"
#include "pickle/globals.h"

namespace picklejar {
namespace {

using internal::kNoNode;

TEST(GlobalsFixImports, BothDirectionsMatchCPythonsTables) {
  std::ifstream f(PICKLEJAR_FIXTURES_DIR "/internals/compat_globals.tsv");
  ASSERT_TRUE(f.good());
  std::string line;
  std::getline(f, line);  // header
  size_t reads = 0, writes = 0;
  while (std::getline(f, line)) {
    std::vector<std::string> c;
    std::istringstream s(line);
    for (std::string col; std::getline(s, col, '\t');) c.push_back(col);
    ASSERT_EQ(c.size(), 5u) << line;
    SCOPED_TRACE(line);
    auto [module, name] = c[0] == "read" ? internal::map_py2_global(c[1], c[2]) : internal::map_py3_global(c[1], c[2]);
    EXPECT_EQ(module, c[3]);
    EXPECT_EQ(name, c[4]);
    (c[0] == "read" ? reads : writes)++;
  }
  EXPECT_GE(reads, 100u);
  EXPECT_GE(writes, 100u);
}

TEST(GlobalsCanonical, NamesCPythonsPicklerWrites) {
  EXPECT_EQ(internal::canonical_global("functools", "reduce"),
            (std::pair<std::string_view, std::string_view>("_functools", "reduce")));
  EXPECT_EQ(internal::canonical_global("no_such_module", "x"),
            (std::pair<std::string_view, std::string_view>("no_such_module", "x")));
}

TEST(GlobalsCanonical, BuiltinFunctionsAreNotBuiltinTypes) {
  EXPECT_TRUE(internal::is_builtin_function("len"));
  EXPECT_TRUE(internal::is_builtin_function("print"));
  EXPECT_FALSE(internal::is_builtin_function("set"));
  EXPECT_FALSE(internal::is_builtin_function("no_such_function"));
}

// reduce_known_shape on Builder-made callables and args.
class KnownShape : public ::testing::Test {
 protected:
  Document doc;
  Builder b = doc.builder();
  uint32_t reduce(const Value& callable, const Value& args) {
    return internal::reduce_known_shape(internal::impl_of(doc), callable.id(), args.id(), 0, 0x52 /* REDUCE */);
  }
  Value at(uint32_t id) const { return internal::make_value(&internal::impl_of(doc), id); }
  std::string bytes_of(uint32_t id) const {
    auto v = at(id).as_bytes();
    return std::string(v.begin(), v.end());
  }
};

TEST_F(KnownShape, SetAndFrozenSetOfAList) {
  uint32_t s = reduce(b.global("builtins", "set"), b.tuple({b.list({b.integer(3), b.integer(1), b.integer(3)})}));
  ASSERT_NE(s, kNoNode);
  EXPECT_EQ(at(s).kind(), Kind::kSet);
  EXPECT_EQ(at(s).size(), 2u) << "3 twice is one item";
  uint32_t f = reduce(b.global("builtins", "frozenset"), b.tuple({}));
  ASSERT_NE(f, kNoNode);
  EXPECT_EQ(at(f).kind(), Kind::kFrozenSet);
  EXPECT_EQ(at(f).size(), 0u);
  EXPECT_EQ(reduce(b.global("builtins", "set"), b.tuple({b.integer(1)})), kNoNode) << "set(1) is not a shape";
}

TEST_F(KnownShape, BytesFromLatin1Str) {
  uint32_t e = reduce(b.global("_codecs", "encode"), b.tuple({b.str("caf\xc3\xa9"), b.str("latin1")}));
  ASSERT_NE(e, kNoNode);
  EXPECT_EQ(at(e).kind(), Kind::kBytes);
  EXPECT_EQ(bytes_of(e), "caf\xe9");
  uint32_t ba = reduce(b.global("builtins", "bytearray"), b.tuple({b.str("ab"), b.str("latin-1")}));
  ASSERT_NE(ba, kNoNode);
  EXPECT_EQ(at(ba).kind(), Kind::kByteArray);
  EXPECT_EQ(bytes_of(ba), "ab");
  uint32_t empty = reduce(b.global("builtins", "bytearray"), b.tuple({}));
  ASSERT_NE(empty, kNoNode);
  EXPECT_EQ(at(empty).size(), 0u);
  try {
    reduce(b.global("_codecs", "encode"), b.tuple({b.str("\xe2\x82\xac"), b.str("latin1")}));
    ADD_FAILURE() << "a str above U+00FF cannot be latin-1";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadArgument);
  }
  EXPECT_EQ(reduce(b.global("_codecs", "encode"), b.tuple({b.str("ab"), b.str("utf-8")})), kNoNode);
}

TEST_F(KnownShape, GetattrAndReconstructor) {
  uint32_t g = reduce(b.global("builtins", "getattr"), b.tuple({b.global("builtins", "dict"), b.str("fromkeys")}));
  ASSERT_NE(g, kNoNode);
  EXPECT_EQ(at(g).kind(), Kind::kGlobal);
  EXPECT_EQ(at(g).as_global().module, "builtins");
  EXPECT_EQ(at(g).as_global().name, "dict.fromkeys");
  uint32_t o = reduce(b.global("copyreg", "_reconstructor"),
                      b.tuple({b.global("m", "C"), b.global("builtins", "object"), b.none()}));
  ASSERT_NE(o, kNoNode);
  EXPECT_EQ(at(o).kind(), Kind::kObject);
  // A builtin value type's subclass (copyreg._reduce_ex: base int, state int(obj)): NEWOBJ(C, (0,)),
  // as int.__getnewargs__ makes it at protocol 2+.
  uint32_t i = reduce(b.global("copyreg", "_reconstructor"), b.tuple({b.global("m", "C"), b.global("builtins", "int"), b.integer(0)}));
  ASSERT_NE(i, kNoNode);
  EXPECT_EQ(at(i).as_object().how, MadeBy::kNewObj);
  EXPECT_EQ(at(i).as_object().args.size(), 1u);
  EXPECT_EQ(at(i).as_object().args[0].as_int(), 0);
  EXPECT_EQ(reduce(b.global("copyreg", "_reconstructor"), b.tuple({b.global("m", "C"), b.global("builtins", "int"), b.str("0")})),
            kNoNode) << "a state that is not the base's value is left inert";
  EXPECT_EQ(reduce(b.global("copyreg", "_reconstructor"), b.tuple({b.global("m", "C"), b.global("builtins", "set"), b.list()})),
            kNoNode) << "a base of no known shape is left inert";
}

TEST_F(KnownShape, EverythingElseStaysInert) {
  EXPECT_EQ(reduce(b.global("os", "system"), b.tuple({b.str("ls")})), kNoNode);
  EXPECT_EQ(reduce(b.str("set"), b.tuple({})), kNoNode) << "not a global";
}

}  // namespace
}  // namespace picklejar
