// pickle/: the forms a load keeps for its re-dump. Every row of fixtures/FORMS.tsv (made by
// tools/fixturegen/forms_cases.py) is a stream and CPython's pickle.dumps(pickle.loads(IN), N):
// getattr reduces, copyreg._reconstructor, and CPython's cached singletons made by each opcode
// path, each re-dumped at protocols 0-5. The readers' view of those forms is tested alongside.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "../../golden/golden_fixtures.h"
#include "model/document_impl.h"
#include "model/value_access.h"
#include "picklejar/picklejar.h"

namespace picklejar {
namespace {

std::string read_fixture(const std::string& rel) {
  std::ifstream f(std::string(PICKLEJAR_FIXTURES_DIR) + "/" + rel, std::ios::binary);
  EXPECT_TRUE(f.good()) << rel;
  return {std::istreambuf_iterator<char>(f), {}};
}

// The input stays alive with the test's document: a load's payloads may point into it.
Document load_fixture(const std::string& rel, const std::string& encoding = "ASCII") {
  static std::map<std::string, std::string> inputs;
  const std::string& data = inputs.try_emplace(rel, read_fixture(rel)).first->second;
  LoadOptions o;
  o.encoding = encoding;
  return load(ByteView(reinterpret_cast<const uint8_t*>(data.data()), data.size()), o);
}

std::string dump_bytes(const Value& v, int protocol) {
  DumpOptions o;
  o.protocol = protocol;
  std::vector<uint8_t> out = dump(v, o);
  return {out.begin(), out.end()};
}

TEST(Forms, RedumpsAsCPythonDoes) {
  std::map<std::string, int> per_family;
  size_t rows = 0;
  for (const auto& c : picklejar_golden::read_tsv(picklejar_golden::kFixtures / "FORMS.tsv", 5)) {
    SCOPED_TRACE(c[0] + " " + c[2] + " at protocol " + c[3]);
    Document doc = load_fixture(c[2], c[1]);
    EXPECT_EQ(dump_bytes(doc.root(), std::stoi(c[3])), read_fixture(c[4]));
    ++per_family[c[0].substr(0, c[0].find('.'))];
    ++rows;
  }
  EXPECT_GE(rows, 900u);
  // The families the issue named: each must be present at every protocol pair it has.
  for (const char* family : {"str_upper", "dict_fromkeys", "bytearray1", "objred_rest", "recursive_list_inst",
                             "codecs_encode_twice", "bytes_of_bytearray", "py2_string_bytes"})
    EXPECT_GE(per_family[family], 6) << family;
}

// getattr(str, 'upper') reads as the dotted global; the node keeps its parent and name for the
// re-dump, and is an object of its own (each getattr of a bound method is a new object).
TEST(Forms, GetattrReadsAsDottedGlobal) {
  // pickle.dumps([dict.fromkeys, dict.fromkeys], 4): two getattr reduces, two objects.
  Document doc = load_fixture("forms/two_fromkeys.src4.in.pkl");
  Value root = doc.root();
  ASSERT_EQ(root.kind(), Kind::kList);
  GlobalRef g = root[0].as_global();
  EXPECT_EQ(g.module, "builtins");
  EXPECT_EQ(g.name, "dict.fromkeys");
  EXPECT_EQ(root[1].as_global().name, "dict.fromkeys");
  EXPECT_NE(root[0].id(), root[1].id());
  const internal::DocumentImpl& d = internal::impl_of(doc);
  EXPECT_TRUE(d.node(root[0].id()).flags & internal::kFlagGetattr);
  EXPECT_TRUE(d.node(root[0].id()).flags & internal::kFlagGetattrMethod);
  EXPECT_EQ(root[2].as_global().name, "str.upper");
}

// Below protocol 4 a capitalised name under a user class is a nested class: protocol 4 names it
// by its dotted qualname, as CPython does.
TEST(Forms, GetattrBelowProtocol4OfCapitalisedNameIsNestedClass) {
  Document doc = load_fixture("forms/nested_class.src2.in.pkl");
  const internal::DocumentImpl& d = internal::impl_of(doc);
  uint32_t inner = doc.root()[0].id();
  EXPECT_TRUE(d.node(inner).flags & internal::kFlagGetattr);
  EXPECT_FALSE(d.node(inner).flags & internal::kFlagGetattrMethod);
  std::string p4 = dump_bytes(doc.root(), 4);
  EXPECT_NE(p4.find("\x8c\x0bOuter.Inner"), std::string::npos);
}

// _reconstructor(cls, list, [...]) reads as a NEWOBJ object holding the items; in a protocol 2+
// stream the object is marked to re-dump through _reconstructor again.
TEST(Forms, ReconstructorReadsAsNewObj) {
  Document p0 = load_fixture("forms/list_subclass.src0.in.pkl");
  ObjectRef o = p0.root().as_object();
  EXPECT_EQ(o.how, MadeBy::kNewObj);
  EXPECT_EQ(o.callable.as_global().name, "MyList");
  EXPECT_EQ(o.args.size(), 0u);
  ASSERT_TRUE(o.list_items.valid());
  EXPECT_EQ(o.list_items.size(), 3u);
  EXPECT_TRUE(o.state.valid());
  EXPECT_FALSE(internal::impl_of(p0).node(p0.root().id()).flags & internal::kFlagReconstructor);

  Document p2 = load_fixture("forms/objred_rest.src2.in.pkl");
  ObjectRef r = p2.root()[0].as_object();
  EXPECT_EQ(r.how, MadeBy::kNewObj);
  EXPECT_TRUE(internal::impl_of(p2).node(p2.root()[0].id()).flags & internal::kFlagReconstructor);

  Document dict = load_fixture("forms/dict_subclass.src1.in.pkl");
  ObjectRef od = dict.root().as_object();
  ASSERT_TRUE(od.dict_items.valid());
  EXPECT_EQ(od.dict_items.size(), 2u);
}

}  // namespace
}  // namespace picklejar
