// numpy values made with the Builder: dumped byte-identical to numpy's own pickles (CPython 3.11
// with numpy 1.24.2 pickling the Python expression quoted with each case, in
// tools/fixturegen/pickler_cases.py), and read back typed.
#include <gtest/gtest.h>
#include <picklejar/picklejar.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "numpy_test_util.h"

namespace picklejar {
namespace {

using namespace numpy_test;

// ---- Builder values dumped as numpy pickles them ------------------------------------------------

struct BuilderCase {
  const char* name;
  const char* python;  // the Python value numpy pickled (tools/fixturegen/pickler_cases.py)
  std::function<Value(Builder&)> build;
};

template <class T, size_t N>
ByteView view_of(const T (&a)[N]) {
  return ByteView(reinterpret_cast<const uint8_t*>(a), sizeof a);
}

// Element data lives in statics: Builder arrays borrow it.
const std::vector<BuilderCase> kBuilderCases = {
    {"f8_2d", "np.array([[1.5, -2.0, 3.0], [4.0, 5.0, 6.0]], dtype='<f8')",
     [](Builder& b) {
       static const double d[] = {1.5, -2.0, 3.0, 4.0, 5.0, 6.0};
       return b.array<double>(d, std::vector<int64_t>{2, 3});
     }},
    {"i4_fortran", "np.asfortranarray(np.arange(6, dtype='<i4').reshape(2, 3))",
     [](Builder& b) {
       static const int32_t d[] = {0, 3, 1, 4, 2, 5};  // Fortran (memory) order
       return b.array<int32_t>(d, std::vector<int64_t>{2, 3}, true);
     }},
    {"u1_bool_i2",
     "[np.array([1, 2, 255], dtype='u1'), np.array([True, False], dtype='?'), np.array([-1, 300], dtype='<i2')]",
     [](Builder& b) {
       static const uint8_t u[] = {1, 2, 255};
       static const bool t[] = {true, false};
       static const int16_t i[] = {-1, 300};
       return b.list({b.array<uint8_t>(u, std::vector<int64_t>{3}), b.array<bool>(t, std::vector<int64_t>{2}),
                      b.array<int16_t>(i, std::vector<int64_t>{2})});
     }},
    {"f8_0d", "np.array(7.0, dtype='<f8')",
     [](Builder& b) {
       static const double d[] = {7.0};
       return b.array<double>(d, std::vector<int64_t>{});
     }},
    {"c16_f4_f2",
     "[np.array([1 + 2j, -3j], dtype='<c16'), np.array([0.5, -1.0], dtype='<f4'), np.array([1.0, 0.5], dtype='<f2')]",
     [](Builder& b) {
       static const std::complex<double> c[] = {{1, 2}, {-0.0, -3}};  // -3j is (-0-3j)
       static const float f[] = {0.5f, -1.0f};
       static const uint16_t h[] = {0x3c00, 0x3800};
       return b.list({b.array(b.dtype("<c16"), std::vector<int64_t>{2}, view_of(c)),
                      b.array<float>(f, std::vector<int64_t>{2}),
                      b.array(b.dtype("<f2"), std::vector<int64_t>{2}, view_of(h))});
     }},
    {"datetime",
     "[np.array([0, 86400 * 10**9], dtype='<i8').view('<M8[ns]'), np.array([3, -1], dtype='<i8').view('<m8[2s]')]",
     [](Builder& b) {
       static const int64_t t[] = {0, 86400LL * 1000000000LL};
       static const int64_t d[] = {3, -1};
       return b.list({b.array(b.dtype("<M8[ns]"), std::vector<int64_t>{2}, view_of(t)),
                      b.array(b.dtype("<m8[2s]"), std::vector<int64_t>{2}, view_of(d))});
     }},
    {"strings",
     "[np.array([b'ab', b'xyz'], dtype='S3'), np.array(['h\\xe9', 'z'], dtype='<U2'), "
     "np.array([b'\\x01\\x02'], dtype='V2')]",
     [](Builder& b) {
       static const char s[] = "ab\0xyz";
       static const char32_t u[] = {U'h', U'\u00e9', U'z', 0};
       static const uint8_t v[] = {1, 2};
       return b.list({b.array(b.dtype("|S3"), std::vector<int64_t>{2}, ByteView(reinterpret_cast<const uint8_t*>(s), 6)),
                      b.array(b.dtype("<U2"), std::vector<int64_t>{2}, view_of(u)),
                      b.array(b.dtype("|V2"), std::vector<int64_t>{1}, view_of(v))});
     }},
    {"bigendian", "np.array([1.5, -2.0], dtype='>f8')",
     [](Builder& b) {
       static const uint8_t be[] = {0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0};
       return b.array(b.dtype(">f8"), std::vector<int64_t>{2}, view_of(be));
     }},
    {"object", "a = np.empty(4, dtype=object); a[:] = ['a', None, [1, 2], 2.5] (element-wise); a.reshape(2, 2)",
     [](Builder& b) {
       std::vector<Value> items{b.str("a"), b.none(), b.list({b.integer(1), b.integer(2)}), b.float64(2.5)};
       return b.object_array(std::vector<int64_t>{2, 2}, items);
     }},
    {"scalars", "[np.float64(2.5), np.int64(-3), np.bool_(True), np.float32(0.25)]",
     [](Builder& b) {
       static const double f = 2.5;
       static const int64_t i = -3;
       static const uint8_t t = 1;
       static const float g = 0.25f;
       auto raw = [](const auto& x) { return ByteView(reinterpret_cast<const uint8_t*>(&x), sizeof x); };
       return b.list({b.scalar(b.dtype("<f8"), raw(f)), b.scalar(b.dtype("<i8"), raw(i)),
                      b.scalar(b.dtype("|b1"), raw(t)), b.scalar(b.dtype("<f4"), raw(g))});
     }},
    {"dtype", "np.dtype('>i2')", [](Builder& b) { return b.dtype(">i2"); }},
    {"shared",
     "[np.arange(3, dtype='<f8'), np.ones(2, dtype='<f8'), np.float64(1.5), object array ['x'], object array "
     "[None]]: numpy's float64 and object dtypes are singletons, shared by both arrays and the scalar",
     [](Builder& b) {
       static const double a[] = {0, 1, 2}, o[] = {1, 1}, s = 1.5;
       std::vector<Value> x{b.str("x")}, n{b.none()};
       return b.list({b.array<double>(a, std::vector<int64_t>{3}), b.array<double>(o, std::vector<int64_t>{2}),
                      b.scalar(b.dtype("<f8"), ByteView(reinterpret_cast<const uint8_t*>(&s), 8)),
                      b.object_array(std::vector<int64_t>{1}, x), b.object_array(std::vector<int64_t>{1}, n)});
     }},
};

std::string hex_of(const std::vector<uint8_t>& b) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (uint8_t c : b) {
    s += digits[c >> 4];
    s += digits[c & 15];
  }
  return s;
}

TEST(NumpyBuilder, DumpsTheBytesNumpyWrites) {
  for (const BuilderCase& c : kBuilderCases) {
    SCOPED_TRACE(std::string(c.name) + ": " + c.python);
    Document doc;
    Builder b = doc.builder();
    Value v = c.build(b);
    for (int p = 0; p <= 5; ++p) {
      DumpOptions o;
      o.protocol = p;
      // What CPython with numpy 1.24.2 wrote for the Python value (fixtures/PICKLER.tsv "numpy/" rows).
      std::string rel = "pickler/numpy/" + std::string(c.name) + ".p" + std::to_string(p) + ".pkl";
      EXPECT_EQ(hex_of(dump(v, o)), hex_of(read_bytes(kFixtures / rel))) << "protocol " << p;
    }
  }
}

TEST(NumpyBuilder, ValuesReadBackTyped) {
  Document doc;
  Builder b = doc.builder();
  static const double d[] = {1.5, -2.0, 3.0, 4.0, 5.0, 6.0};
  Value arr = b.array<double>(d, std::vector<int64_t>{2, 3});
  ASSERT_EQ(arr.kind(), Kind::kArray);
  EXPECT_EQ(arr.as_array().as<double>().data(), d);  // borrowed, not copied
  EXPECT_EQ(arr.as_array().strides(), (std::vector<int64_t>{24, 8}));
  Value fa = b.array<double>(d, std::vector<int64_t>{2, 3}, true);
  EXPECT_TRUE(fa.as_array().fortran_order());
  EXPECT_EQ(fa.as_array().strides(), (std::vector<int64_t>{8, 16}));
  Value s = b.scalar(b.dtype("<f8"), ByteView(reinterpret_cast<const uint8_t*>(&d[2]), 8));
  EXPECT_EQ(s.as_scalar().as<double>(), 3.0);
  EXPECT_EQ(b.dtype("<M8[ns]").as_dtype().datetime_unit(), "ns");
  EXPECT_EQ(b.dtype("<m8[2s]").as_dtype().datetime_count(), 2);
  EXPECT_EQ(b.dtype("|O").as_dtype().str(), "|O");
  // Round trip through every protocol keeps the typed reading.
  for (int p = 0; p <= 5; ++p) {
    DumpOptions o;
    o.protocol = p;
    std::vector<uint8_t> bytes = dump(b.list({arr, fa, s}), o);
    Document back = load(ByteView(bytes.data(), bytes.size()));
    auto v = back.root()[1].as_array().as<double>();
    EXPECT_EQ(std::vector<double>(v.begin(), v.end()), std::vector<double>(d, d + 6)) << p;
    EXPECT_TRUE(back.root()[1].as_array().fortran_order());
    EXPECT_EQ(back.root()[2].as_scalar().as<double>(), 3.0);
  }
  EXPECT_EQ(code_of([&] { (void)b.dtype("f8"); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { (void)b.dtype("<x8"); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { (void)b.array<double>(d, std::vector<int64_t>{4, 2}); }), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace picklejar
