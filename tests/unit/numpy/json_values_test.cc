// `json --arrays values` (JsonOptions::array_values, src/numpy/json_values.cc): every
// fixtures/arrayvalues/<stem>.json, which numpy wrote as json.dumps of ndarray.tolist()
// (tools/fixturegen/array_values.py), is what picklejar prints for fixtures/numpy/<stem>.pkl; the
// default stays the faithful form.
#include <algorithm>
#include <set>
#include <sstream>

#include "numpy_test_util.h"

namespace picklejar::numpy_test {
namespace {

const fs::path kValues = kFixtures / "arrayvalues";

std::vector<std::string> value_stems() {
  std::vector<std::string> stems;
  for (const auto& e : fs::directory_iterator(kValues))
    if (e.path().extension() == ".json") stems.push_back(e.path().stem().string());
  std::sort(stems.begin(), stems.end());
  return stems;
}

std::string text_of(const fs::path& p) {
  std::vector<uint8_t> b = read_bytes(p);
  return std::string(b.begin(), b.end());
}

std::string values_json(const Value& v) { return to_json(v, JsonOptions{.array_values = true}); }

class ArrayValuesFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(ArrayValuesFixture, MatchesNumpyTolist) {
  auto l = load_fixture("numpy/" + GetParam() + ".pkl");
  EXPECT_EQ(values_json(l->root()), text_of(kValues / (GetParam() + ".json")));
  std::ostringstream streamed;
  write_json(l->root(), streamed, JsonOptions{.array_values = true});
  EXPECT_EQ(streamed.str(), values_json(l->root()));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ArrayValuesFixture, ::testing::ValuesIn(value_stems()),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '.', '_');
                           return name;
                         });

// The family covers every dtype class tolist() gives JSON values for, and the layouts; datetime64
// and longdouble keep their faithful form.
TEST(ArrayValues, FixturesCoverEveryDtypeClass) {
  std::vector<std::string> stems = value_stems();
  std::set<std::string> have(stems.begin(), stems.end());
  for (const char* name : {"bool", "int8", "int64", "uint64", "float16", "float32", "float64", "complex64",
                           "complex128", "bytes_S5", "str_U3", "void_V4", "object_array", "object_2d", "zero_d",
                           "empty_0x3", "empty_3x0", "c_order_2d", "fortran_2d", "fortran_3d", "bigendian_i4",
                           "bigendian_f8", "matrix", "shared_array", "noncontiguous", "datetime64_D",
                           "timedelta64_2s", "longdouble"}) {
    for (int p : {0, 2, 5}) EXPECT_TRUE(have.count(std::string(name) + ".p" + std::to_string(p))) << name << " p" << p;
  }
  auto faithful = load_fixture(fixture("datetime64_D", 2));
  EXPECT_EQ(values_json(faithful->root()), text_of(kFixtures / "numpy/datetime64_D.p2.json"));
}

TEST(ArrayValues, DefaultStaysFaithful) {
  auto l = load_fixture(fixture("float64", 2));
  const std::string faithful = text_of(kFixtures / "numpy/float64.p2.json");
  EXPECT_EQ(to_json(l->root()), faithful);
  EXPECT_EQ(to_json(l->root(), JsonOptions{}), faithful);
  EXPECT_EQ(to_json(l->root(), JsonOptions{.array_values = false}), faithful);
  EXPECT_NE(values_json(l->root()), faithful);
}

// Builder arrays keep the byte order they were made with (a load swaps to native order).
TEST(ArrayValues, BuiltBigEndianAndSpecialFloats) {
  Document doc;
  Builder b = doc.builder();
  alignas(8) const uint8_t be_i4[] = {0, 0, 1, 2, 0xff, 0xff, 0xff, 0xfe};
  const int64_t two[] = {2};
  const float f4[] = {NAN, -INFINITY};
  const double c16[] = {INFINITY, -0.0};
  const int64_t one[] = {1};
  Value list = b.list({b.array(b.dtype(">i4"), two, ByteView(be_i4, sizeof be_i4)),
                       b.array(std::span<const float>(f4), two),
                       b.array(b.dtype("<c16"), one, ByteView(reinterpret_cast<const uint8_t*>(c16), sizeof c16))});
  doc.set_root(list);
  EXPECT_EQ(values_json(doc.root()),
            "[[258,-2],[{\"$float\":\"nan\"},{\"$float\":\"-inf\"}],[{\"$complex\":[{\"$float\":\"inf\"},-0.0]}]]");
}

TEST(ArrayValues, ObjectArrayHoldingItselfIsAnError) {
  Document doc;
  Builder b = doc.builder();
  Value inner = b.list();
  const int64_t one[] = {1};
  const Value items[] = {inner};
  Value a = b.object_array(one, items);
  b.append(inner, a);
  doc.set_root(a);
  EXPECT_EQ(code_of([&] { values_json(doc.root()); }), ErrorCode::kUnsupported);
  EXPECT_NO_THROW(to_json(doc.root()));
}

// A shape with no elements still names its empty lists: (2**58, 0) would be 2**58 of them, text
// bounded as the document's memory is. (2, 3, 0) is three levels of them, as tolist() gives.
TEST(ArrayValues, EmptyListsOfAHugeShapeAreBounded) {
  Document doc;
  Builder b = doc.builder();
  const int64_t huge[] = {int64_t{1} << 58, 0};
  const int64_t small[] = {2, 3, 0};
  doc.set_root(b.list({b.array(b.dtype("<f8"), small, ByteView()), b.array(b.dtype("<f8"), huge, ByteView())}));
  EXPECT_EQ(code_of([&] { values_json(doc.root()); }), ErrorCode::kLimitExceeded);
  doc.set_root(b.array(b.dtype("<f8"), small, ByteView()));
  EXPECT_EQ(values_json(doc.root()), "[[[],[],[]],[[],[],[]]]");
}

}  // namespace
}  // namespace picklejar::numpy_test
