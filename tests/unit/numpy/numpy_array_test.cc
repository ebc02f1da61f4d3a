// numpy support: the typed reading of fixtures/numpy/ (dtypes of every kind, element values,
// byte order, datetimes, strings, structured and object arrays, shapes, strides and order,
// subclasses and sharing). Expected values are the ones tools/fixturegen/numpy_cases.py pickles.
#include <gtest/gtest.h>
#include <picklejar/picklejar.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "numpy_test_util.h"

namespace picklejar {
namespace {

using namespace numpy_test;

// ---- dtypes ------------------------------------------------------------------------------------

struct WantDType {
  char kind;
  char byteorder;
  size_t itemsize;
  const char* str;
};

// numpy/dtypes: np.dtype(x) for "?", "i1", "<i2", ">i4", "<u8", "<f2", ">f8", "<c8", "g", "S5",
// "<U3", "V4", "O", "<M8[ns]", "<M8", "<m8[2s]", then the titled, aligned, subarray-field and
// object-field structured dtypes and ('<f4', (2, 3)).
const WantDType kDTypes[] = {
    {'b', '|', 1, "|b1"},   {'i', '|', 1, "|i1"},      {'i', '<', 2, "<i2"},  {'i', '>', 4, ">i4"},
    {'u', '<', 8, "<u8"},   {'f', '<', 2, "<f2"},      {'f', '>', 8, ">f8"},  {'c', '<', 8, "<c8"},
    {'f', '<', 16, "<f16"}, {'S', '|', 5, "|S5"},      {'U', '<', 12, "<U3"}, {'V', '|', 4, "|V4"},
    {'O', '|', 8, "|O"},    {'M', '<', 8, "<M8[ns]"},  {'M', '<', 8, "<M8"},  {'m', '<', 8, "<m8[2s]"},
    {'V', '|', 12, "|V12"}, {'V', '|', 24, "|V24"},    {'V', '|', 28, "|V28"}, {'V', '|', 12, "|V12"},
    {'V', '|', 24, "|V24"},
};

TEST(NumpyDType, KindByteOrderSizeAndStrOfEveryKind) {
  for (int p = 0; p <= 5; ++p) {
    SCOPED_TRACE("protocol " + std::to_string(p));
    auto l = load_fixture(fixture("dtypes", p));
    Value list = l->root();
    ASSERT_EQ(list.size(), std::size(kDTypes));
    for (size_t i = 0; i < list.size(); ++i) {
      SCOPED_TRACE(kDTypes[i].str);
      ASSERT_EQ(list[i].kind(), Kind::kDType);
      DType dt = list[i].as_dtype();
      EXPECT_EQ(dt.kind(), kDTypes[i].kind);
      EXPECT_EQ(dt.byteorder(), kDTypes[i].byteorder);
      EXPECT_EQ(dt.itemsize(), kDTypes[i].itemsize);
      EXPECT_EQ(dt.str(), kDTypes[i].str);
      EXPECT_EQ(dt.native_byte_order(), kDTypes[i].byteorder != '>');
      EXPECT_EQ(dt.has_object(), i == 12 || i == 19);
      // A dtype is an object too: numpy.dtype(typestr, False, True) + BUILD state.
      EXPECT_EQ(list[i].as_object().callable.as_global().module, "numpy");
      EXPECT_EQ(list[i].as_object().callable.as_global().name, "dtype");
    }
    DType ns = list[13].as_dtype(), generic = list[14].as_dtype(), td = list[15].as_dtype();
    EXPECT_EQ(ns.datetime_unit(), "ns");
    EXPECT_EQ(ns.datetime_count(), 1);
    EXPECT_EQ(generic.datetime_unit(), "generic");
    EXPECT_EQ(td.datetime_unit(), "s");
    EXPECT_EQ(td.datetime_count(), 2);
    EXPECT_EQ(list[0].as_dtype().datetime_unit(), "");

    // {'names': ['x', 'y'], 'formats': ['<i2', '<f4'], 'offsets': [0, 4], 'titles': ['T1', None], 'itemsize': 12}
    auto titled = list[16].as_dtype().fields();
    ASSERT_EQ(titled.size(), 2u);
    EXPECT_EQ(titled[0].name, "x");
    EXPECT_EQ(titled[0].dtype.str(), "<i2");
    EXPECT_EQ(titled[0].offset, 0);
    ASSERT_TRUE(titled[0].title.valid());
    EXPECT_EQ(titled[0].title.as_str(), "T1");
    EXPECT_EQ(titled[1].name, "y");
    EXPECT_EQ(titled[1].dtype.str(), "<f4");
    EXPECT_EQ(titled[1].offset, 4);
    EXPECT_FALSE(titled[1].title.valid());

    // [('a', 'u1'), ('b', '<f8'), ('c', '<i2')], align=True
    auto aligned = list[17].as_dtype().fields();
    ASSERT_EQ(aligned.size(), 3u);
    EXPECT_EQ(aligned[0].dtype.str(), "|u1");
    EXPECT_EQ(aligned[1].offset, 8);
    EXPECT_EQ(aligned[1].dtype.str(), "<f8");
    EXPECT_EQ(aligned[2].offset, 16);
    EXPECT_EQ(aligned[2].dtype.str(), "<i2");

    // [('id', '<i4'), ('m', '<f4', (2, 3))]: the field m is a subarray dtype.
    auto sub = list[18].as_dtype().fields();
    ASSERT_EQ(sub.size(), 2u);
    EXPECT_EQ(sub[1].name, "m");
    EXPECT_EQ(sub[1].offset, 4);
    EXPECT_EQ(sub[1].dtype.itemsize(), 24u);
    EXPECT_EQ(sub[1].dtype.subarray_base().str(), "<f4");
    EXPECT_EQ(sub[1].dtype.subarray_shape(), (std::vector<int64_t>{2, 3}));

    // [('n', '<i4'), ('o', 'O')]
    auto obj = list[19].as_dtype().fields();
    ASSERT_EQ(obj.size(), 2u);
    EXPECT_EQ(obj[1].dtype.str(), "|O");
    EXPECT_TRUE(obj[1].dtype.has_object());
    EXPECT_FALSE(obj[0].dtype.has_object());

    // ('<f4', (2, 3))
    DType subarray = list[20].as_dtype();
    EXPECT_EQ(subarray.subarray_base().str(), "<f4");
    EXPECT_EQ(subarray.subarray_shape(), (std::vector<int64_t>{2, 3}));
    EXPECT_TRUE(subarray.fields().empty());
    EXPECT_TRUE(list[0].as_dtype().subarray_shape().empty());
    EXPECT_FALSE(list[0].as_dtype().subarray_base().value().valid());
  }
}

// numpy keeps a dtype state's byte-order character as given and treats any character but the
// opposite order as native: np.dtype('i4', False, True).__setstate__((3, 'R', ...)) is '<i4'
// (on a little-endian machine). Found by fuzz_roundtrip: 'R' was kept and re-dumped, and a second
// load then byte-swapped the data.
TEST(NumpyDType, UnknownByteOrderCharacterIsNative) {
  for (const char* order : {"R", "x", "="}) {
    const std::string state = std::string("(I3\nV") + order + "\nNNNI4\nI4\nI0\nt";
    const std::string text = "cnumpy\ndtype\n(Vi4\nI00\nI01\ntR" + state + "b.";
    Document d = load(ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
    DType dt = d.root().as_dtype();
    EXPECT_TRUE(dt.native_byte_order()) << order;
    EXPECT_EQ(dt.str(), "<i4") << order;
    const std::vector<uint8_t> again = dump(d.root());
    Document back = load(ByteView(again.data(), again.size()));
    EXPECT_EQ(back.root().as_dtype().str(), "<i4") << order;
  }
}

TEST(NumpyDType, WrongKindsThrow) {
  auto l = load_fixture(fixture("dtypes", 4));
  EXPECT_EQ(code_of([&] { (void)l->root().as_dtype(); }), ErrorCode::kTypeMismatch);
  EXPECT_EQ(code_of([&] { (void)l->root()[0].as_array(); }), ErrorCode::kTypeMismatch);
  EXPECT_EQ(code_of([&] { (void)l->root()[0].as_scalar(); }), ErrorCode::kTypeMismatch);
}

// ---- numeric arrays: as<T>() -------------------------------------------------------------------

template <class T>
bool same_element(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return same_float(a, b);
  } else if constexpr (std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>) {
    return same_float(a.real(), b.real()) && same_float(a.imag(), b.imag());
  } else {
    return a == b;
  }
}

// numpy/<name>.p0-5: a 1-D array whose elements are `want`.
template <class T>
void expect_values(const std::string& name, const std::string& str, const std::vector<T>& want) {
  for (int p = 0; p <= 5; ++p) {
    SCOPED_TRACE(fixture(name, p));
    auto l = load_fixture(fixture(name, p));
    ASSERT_EQ(l->root().kind(), Kind::kArray);
    ArrayRef a = l->root().as_array();
    EXPECT_EQ(a.dtype().str(), str);
    EXPECT_EQ(a.dtype().itemsize(), sizeof(T));
    EXPECT_EQ(a.shape(), (std::vector<int64_t>{static_cast<int64_t>(want.size())}));
    EXPECT_EQ(a.strides(), (std::vector<int64_t>{static_cast<int64_t>(sizeof(T))}));
    EXPECT_EQ(a.ndim(), 1u);
    EXPECT_EQ(a.size(), want.size());
    EXPECT_FALSE(a.fortran_order());
    EXPECT_TRUE(a.writable());  // _reconstruct arrays, and BYTEARRAY8 at protocol 5
    EXPECT_FALSE(a.object_items().valid());
    if (p < 5) {  // _reconstruct(numpy.ndarray, ...); _frombuffer names no class
      ASSERT_TRUE(a.array_class().valid());
      EXPECT_EQ(a.array_class().as_global().module, "numpy");
      EXPECT_EQ(a.array_class().as_global().name, "ndarray");
    }
    std::span<const T> got = a.as<T>();
    ASSERT_EQ(got.size(), want.size());
    EXPECT_EQ(reinterpret_cast<uintptr_t>(got.data()) % alignof(T), 0u);
    for (size_t i = 0; i < want.size(); ++i) EXPECT_TRUE(same_element(got[i], want[i])) << "element " << i;
    EXPECT_EQ(a.bytes().size(), want.size() * sizeof(T));
    EXPECT_EQ(a.byteswapped(), bytes_of(a.bytes()));  // already native
  }
}


TEST(NumpyArray, BoolAndIntegers) {
  expect_values<bool>("bool", "|b1", {true, false, true, true});
  expect_values<int8_t>("int8", "|i1", {-128, -1, 0, 1, 127});
  expect_values<int16_t>("int16", "<i2", {-32768, -1, 0, 1, 32767});
  expect_values<int32_t>("int32", "<i4", {INT32_MIN, -1, 0, 1, INT32_MAX});
  expect_values<int64_t>("int64", "<i8", {INT64_MIN, -1, 0, 1, INT64_MAX});
  expect_values<uint8_t>("uint8", "|u1", {0, 1, 127, 128, 255});
  expect_values<uint16_t>("uint16", "<u2", {0, 1, 32767, 32768, 65535});
  expect_values<uint32_t>("uint32", "<u4", {0, 1, 0x7fffffffu, 0x80000000u, 0xffffffffu});
  expect_values<uint64_t>("uint64", "<u8", {0, 1, 0x7fffffffffffffffull, 0x8000000000000000ull, UINT64_MAX});
}

TEST(NumpyArray, FloatsAndComplex) {
  expect_values<float>("float32", "<f4",
                       {0.0f, -0.0f, 1.5f, -2.25f, std::numeric_limits<float>::max(),
                        std::numeric_limits<float>::denorm_min(), kInfF, kNaNF});
  expect_values<double>("float64", "<f8", {0.0, -0.0, 1.5, -2.25, 1e300, 5e-324, kInf, -kInf, kNaN, 0.1});
  expect_values<std::complex<float>>("complex64", "<c8", {{1, 2}, {-0.5f, 0.25f}, {0, 0}, {kInfF, -1}});
  expect_values<std::complex<double>>("complex128", "<c16", {{1, 2}, {-1e300, 5e-324}, {0, 0}, {kNaN, kInf}});
}

TEST(NumpyArray, Float16HasNoCppTypeButItsBytes) {
  // np.array([0.0, -0.0, 1.5, -2.0, 65504.0, 6.103515625e-05, inf, nan], '<f2').view('<u2')
  std::vector<uint8_t> want = le_bytes<uint16_t>({0, 32768, 15872, 49152, 31743, 1024, 31744, 32256});
  for (int p = 0; p <= 5; ++p) {
    auto l = load_fixture(fixture("float16", p));
    ArrayRef a = l->root().as_array();
    EXPECT_EQ(a.dtype().str(), "<f2");
    EXPECT_EQ(bytes_of(a.bytes()), want);
    EXPECT_EQ(code_of([&] { (void)a.as<uint16_t>(); }), ErrorCode::kTypeMismatch);  // 'f', not 'u'
    EXPECT_EQ(code_of([&] { (void)a.as<float>(); }), ErrorCode::kTypeMismatch);     // 4 bytes, not 2
  }
}

TEST(NumpyArray, LongDoubleValuesAndPaddingBytes) {
  static_assert(sizeof(long double) == 16, "x86-64 long double");
  for (int p = 0; p <= 5; ++p) {
    SCOPED_TRACE(p);
    auto l = load_fixture(fixture("longdouble", p));
    ArrayRef a = l->root().as_array();
    EXPECT_EQ(a.dtype().str(), "<f16");
    auto v = a.as<long double>();
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[0], 1.5L);
    EXPECT_EQ(v[1], -2.25L);
    EXPECT_EQ(v[2], 1.0L / 3.0L);
    // The 6 padding bytes after each 10-byte value are kept as pickled.
    ByteView b = a.bytes();
    EXPECT_EQ(bytes_of(b.subspan(10, 6)), std::vector<uint8_t>(6, 0));
    EXPECT_EQ(bytes_of(b.subspan(42, 6)), (std::vector<uint8_t>{0xab, 0xcd, 0xef, 0x01, 0x23, 0x45}));
  }
}

TEST(NumpyArray, WrongElementTypeThrows) {
  auto l = load_fixture(fixture("float64", 2));
  ArrayRef a = l->root().as_array();
  EXPECT_EQ(code_of([&] { (void)a.as<int64_t>(); }), ErrorCode::kTypeMismatch);   // right size, wrong kind
  EXPECT_EQ(code_of([&] { (void)a.as<uint64_t>(); }), ErrorCode::kTypeMismatch);
  EXPECT_EQ(code_of([&] { (void)a.as<float>(); }), ErrorCode::kTypeMismatch);     // right kind, wrong size
  EXPECT_EQ(code_of([&] { (void)a.as<std::complex<float>>(); }), ErrorCode::kTypeMismatch);
  EXPECT_EQ(code_of([&] { (void)a.as<bool>(); }), ErrorCode::kTypeMismatch);
  auto i = load_fixture(fixture("int32", 5));
  EXPECT_EQ(code_of([&] { (void)i->root().as_array().as<uint32_t>(); }), ErrorCode::kTypeMismatch);
  EXPECT_EQ(code_of([&] { (void)i->root().as_array().as<int64_t>(); }), ErrorCode::kTypeMismatch);
  auto s = load_fixture(fixture("bytes_S5", 3));
  EXPECT_EQ(code_of([&] { (void)s->root().as_array().as<uint8_t>(); }), ErrorCode::kTypeMismatch);
  auto o = load_fixture(fixture("object_array", 4));
  EXPECT_EQ(code_of([&] { (void)o->root().as_array().as<int64_t>(); }), ErrorCode::kTypeMismatch);
}

// ---- byte order --------------------------------------------------------------------------------

TEST(NumpyArray, BigEndian) {
  for (int p = 0; p <= 5; ++p) {
    SCOPED_TRACE(p);
    auto l = load_fixture(fixture("bigendian_i4", p));
    ArrayRef a = l->root().as_array();
    std::vector<uint8_t> native = le_bytes<int32_t>({1, -2, 0x01020304});
    if (p < 5) {
      // _reconstruct: numpy byte-swaps non-native data to native order on load (new dtype).
      EXPECT_EQ(a.dtype().str(), "<i4");
      EXPECT_TRUE(a.dtype().native_byte_order());
      auto v = a.as<int32_t>();
      EXPECT_EQ(std::vector<int32_t>(v.begin(), v.end()), (std::vector<int32_t>{1, -2, 0x01020304}));
    } else {
      // _frombuffer keeps the buffer and the '>i4' dtype: typed views refuse, byteswapped() gives native bytes.
      EXPECT_EQ(a.dtype().str(), ">i4");
      EXPECT_EQ(a.dtype().byteorder(), '>');
      EXPECT_FALSE(a.dtype().native_byte_order());
      EXPECT_EQ(code_of([&] { (void)a.as<int32_t>(); }), ErrorCode::kTypeMismatch);
      EXPECT_EQ(bytes_of(a.bytes()), (std::vector<uint8_t>{0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe, 1, 2, 3, 4}));
    }
    EXPECT_EQ(a.byteswapped(), native);

    auto f = load_fixture(fixture("bigendian_f8", p));
    ArrayRef b = f->root().as_array();
    std::vector<uint8_t> swapped = b.byteswapped();
    ASSERT_EQ(swapped.size(), 24u);
    double d[3];
    std::memcpy(d, swapped.data(), sizeof d);
    EXPECT_EQ(d[0], 1.5);
    EXPECT_TRUE(same_float(d[1], -0.0));
    EXPECT_EQ(d[2], kInf);
    EXPECT_EQ(b.dtype().str(), p < 5 ? "<f8" : ">f8");
  }
}

TEST(NumpyArray, ComplexByteSwapSwapsEachHalf) {
  // A Builder array keeps the byte order it is given (only loading byte-swaps, as numpy does).
  Document doc;
  Builder b = doc.builder();
  // np.array([1+2j], '>c8').tobytes()
  static const uint8_t be[] = {0x3f, 0x80, 0, 0, 0x40, 0, 0, 0};
  Value arr = b.array(b.dtype(">c8"), std::vector<int64_t>{1}, ByteView(be, sizeof be));
  ArrayRef a = arr.as_array();
  EXPECT_EQ(a.dtype().str(), ">c8");
  EXPECT_EQ(code_of([&] { (void)a.as<std::complex<float>>(); }), ErrorCode::kTypeMismatch);
  EXPECT_EQ(a.byteswapped(), le_bytes<float>({1.0f, 2.0f}));
}

// ---- other dtype classes -----------------------------------------------------------------------


TEST(NumpyArray, DatetimeTimedelta) {
  for (int p = 0; p <= 5; ++p) {
    SCOPED_TRACE(p);
    auto ns = load_fixture(fixture("datetime64_ns", p));
    ArrayRef a = ns->root().as_array();
    EXPECT_EQ(a.dtype().str(), "<M8[ns]");
    EXPECT_EQ(a.dtype().kind(), 'M');
    EXPECT_EQ(a.dtype().datetime_unit(), "ns");
    EXPECT_EQ(code_of([&] { (void)a.as<int64_t>(); }), ErrorCode::kTypeMismatch);  // kind 'M'
    ASSERT_EQ(a.bytes().size(), 24u);
    EXPECT_EQ(i64_at(a.bytes(), 0), 1704164645123456789);  // 2024-01-02T03:04:05.123456789
    EXPECT_EQ(i64_at(a.bytes(), 1), INT64_MIN);            // NaT
    EXPECT_EQ(i64_at(a.bytes(), 2), 0);

    auto days = load_fixture(fixture("datetime64_D", p));
    ArrayRef d = days->root().as_array();
    EXPECT_EQ(d.dtype().str(), "<M8[D]");
    EXPECT_EQ(d.dtype().datetime_unit(), "D");
    EXPECT_EQ(i64_at(d.bytes(), 0), 19782);  // 2024-02-29
    EXPECT_EQ(i64_at(d.bytes(), 1), -1);
    EXPECT_EQ(i64_at(d.bytes(), 2), INT64_MIN);

    auto gen = load_fixture(fixture("datetime64_generic", p));
    ArrayRef g = gen->root().as_array();
    EXPECT_EQ(g.dtype().str(), "<M8");
    EXPECT_EQ(g.dtype().datetime_unit(), "generic");
    EXPECT_EQ(i64_at(g.bytes(), 2), 5);

    auto td = load_fixture(fixture("timedelta64_2s", p));
    ArrayRef t = td->root().as_array();
    EXPECT_EQ(t.dtype().str(), "<m8[2s]");
    EXPECT_EQ(t.dtype().kind(), 'm');
    EXPECT_EQ(t.dtype().datetime_unit(), "s");
    EXPECT_EQ(t.dtype().datetime_count(), 2);
    EXPECT_EQ(i64_at(t.bytes(), 1), -3);
  }
}

TEST(NumpyArray, BytesStrVoid) {
  for (int p = 0; p <= 5; ++p) {
    SCOPED_TRACE(p);
    auto s = load_fixture(fixture("bytes_S5", p));
    ArrayRef a = s->root().as_array();
    EXPECT_EQ(a.dtype().str(), "|S5");
    EXPECT_EQ(a.strides(), (std::vector<int64_t>{5}));
    EXPECT_EQ(bytes_of(a.bytes()), bytes_of(std::string_view("abc\0\0\0\0\0\0\0helloa\0b\0\0", 20)));

    auto u = load_fixture(fixture("str_U3", p));
    ArrayRef b = u->root().as_array();
    EXPECT_EQ(b.dtype().str(), "<U3");
    EXPECT_EQ(b.dtype().itemsize(), 12u);
    std::vector<uint8_t> want = ucs4(U"abc", 3), empty = ucs4(U"", 3), mixed = ucs4(U"\u00e9\u20ac\U0001F600", 3);
    want.insert(want.end(), empty.begin(), empty.end());
    want.insert(want.end(), mixed.begin(), mixed.end());
    EXPECT_EQ(bytes_of(b.bytes()), want);

    auto v = load_fixture(fixture("void_V4", p));
    ArrayRef c = v->root().as_array();
    EXPECT_EQ(c.dtype().str(), "|V4");
    EXPECT_EQ(bytes_of(c.bytes()), (std::vector<uint8_t>{0, 1, 2, 3, 0xff, 0xfe, 0xfd, 0xfc}));
  }
}

TEST(NumpyArray, Structured) {
  for (int p = 0; p <= 5; ++p) {
    SCOPED_TRACE(p);
    auto t = load_fixture(fixture("struct_titles", p));
    ArrayRef a = t->root().as_array();
    EXPECT_EQ(a.dtype().str(), "|V12");
    ASSERT_EQ(a.dtype().fields().size(), 2u);
    EXPECT_EQ(a.dtype().fields()[0].title.as_str(), "T1");
    // (1, 1.5), (-2, 2.5): x at 0 (int16), y at 4 (float32), zero padding.
    std::vector<uint8_t> rec;
    for (auto [x, y] : {std::pair<int16_t, float>{1, 1.5f}, {-2, 2.5f}}) {
      auto xs = le_bytes<int16_t>({x}), ys = le_bytes<float>({y});
      rec.insert(rec.end(), xs.begin(), xs.end());
      rec.insert(rec.end(), 2, 0);
      rec.insert(rec.end(), ys.begin(), ys.end());
      rec.insert(rec.end(), 4, 0);
    }
    EXPECT_EQ(bytes_of(a.bytes()), rec);
    EXPECT_EQ(code_of([&] { (void)a.as<uint8_t>(); }), ErrorCode::kTypeMismatch);

    auto al = load_fixture(fixture("struct_aligned", p));
    ArrayRef b = al->root().as_array();
    EXPECT_EQ(b.dtype().itemsize(), 24u);
    EXPECT_EQ(b.strides(), (std::vector<int64_t>{24}));
    double bval;
    std::memcpy(&bval, b.bytes().data() + 24 + 8, 8);  // record 1, field b
    EXPECT_EQ(bval, -2.0);
    EXPECT_EQ(b.bytes()[24], 255);  // record 1, field a

    auto sub = load_fixture(fixture("struct_subarray", p));
    ArrayRef c = sub->root().as_array();
    auto fields = c.dtype().fields();
    ASSERT_EQ(fields.size(), 2u);
    EXPECT_EQ(fields[1].dtype.subarray_shape(), (std::vector<int64_t>{2, 3}));
    float m[6];
    std::memcpy(m, c.bytes().data() + 28 + 4, sizeof m);  // record 1, field m
    EXPECT_EQ(std::vector<float>(m, m + 6), (std::vector<float>{-1, -2, -3, 0.5f, 0.25f, 0.125f}));

    // A field of object dtype: numpy pickles the elements as a list of tuples.
    auto ob = load_fixture(fixture("struct_object", p));
    ArrayRef d = ob->root().as_array();
    EXPECT_TRUE(d.dtype().has_object());
    EXPECT_TRUE(d.bytes().empty());
    Value items = d.object_items();
    ASSERT_TRUE(items.valid());
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0][0].as_int(), 1);
    EXPECT_EQ(items[0][1].as_str(), "x");
    EXPECT_EQ(items[1][1][0].as_int(), 1);
    EXPECT_TRUE(items[1][1][1].is_none());
  }
}

TEST(NumpyArray, ObjectArrays) {
  for (int p = 0; p <= 5; ++p) {
    SCOPED_TRACE(p);
    auto l = load_fixture(fixture("object_array", p));
    ArrayRef a = l->root().as_array();
    EXPECT_EQ(a.dtype().str(), "|O");
    EXPECT_TRUE(a.dtype().has_object());
    EXPECT_TRUE(a.bytes().empty());
    Value items = a.object_items();
    ASSERT_EQ(items.kind(), Kind::kList);
    ASSERT_EQ(items.size(), 7u);
    // [1, 'a', None, [1, [2, None], 'x'], 'xyz', 2.5, {'k': [None]}]
    EXPECT_EQ(items[0].as_int(), 1);
    EXPECT_EQ(items[1].as_str(), "a");
    EXPECT_TRUE(items[2].is_none());
    EXPECT_EQ(items[3][1][0].as_int(), 2);
    EXPECT_TRUE(items[3][1][1].is_none());
    EXPECT_EQ(items[3][2].as_str(), "x");
    EXPECT_EQ(items[4].as_str(), "xyz");
    EXPECT_EQ(items[5].as_float(), 2.5);
    EXPECT_TRUE(items[6].at("k")[0].is_none());

    auto l2 = load_fixture(fixture("object_2d", p));
    ArrayRef b = l2->root().as_array();
    EXPECT_EQ(b.shape(), (std::vector<int64_t>{2, 2}));
    Value it = b.object_items();  // C order: a[0,0], a[0,1], a[1,0], a[1,1]
    ASSERT_EQ(it.size(), 4u);
    EXPECT_EQ(it[0].as_str(), "a");
    EXPECT_EQ(it[1][0].as_str(), "b");
    EXPECT_TRUE(it[2].is_none());
    EXPECT_EQ(it[3].kind(), Kind::kTuple);
  }
}

// ---- shapes, strides, order ---------------------------------------------------------------------

TEST(NumpyArray, ShapesStridesAndOrder) {
  for (int p = 0; p <= 5; ++p) {
    SCOPED_TRACE(p);
    auto z = load_fixture(fixture("zero_d", p));
    ArrayRef a = z->root().as_array();
    EXPECT_TRUE(a.shape().empty());
    EXPECT_TRUE(a.strides().empty());
    EXPECT_EQ(a.ndim(), 0u);
    EXPECT_EQ(a.size(), 1u);
    ASSERT_EQ(a.as<double>().size(), 1u);
    EXPECT_EQ(a.as<double>()[0], 3.5);

    auto e1 = load_fixture(fixture("empty_0x3", p));
    ArrayRef b = e1->root().as_array();
    EXPECT_EQ(b.shape(), (std::vector<int64_t>{0, 3}));
    EXPECT_EQ(b.strides(), (std::vector<int64_t>{24, 8}));  // as numpy gives a loaded (0, 3) array
    EXPECT_EQ(b.size(), 0u);
    EXPECT_TRUE(b.as<double>().empty());

    auto e2 = load_fixture(fixture("empty_3x0", p));
    ArrayRef c = e2->root().as_array();
    EXPECT_EQ(c.shape(), (std::vector<int64_t>{3, 0}));
    EXPECT_EQ(c.strides(), (std::vector<int64_t>{4, 4}));
    EXPECT_EQ(c.size(), 0u);
    EXPECT_TRUE(c.as<int32_t>().empty());

    auto co = load_fixture(fixture("c_order_2d", p));
    ArrayRef d = co->root().as_array();
    EXPECT_EQ(d.shape(), (std::vector<int64_t>{3, 4}));
    EXPECT_EQ(d.strides(), (std::vector<int64_t>{16, 4}));
    EXPECT_FALSE(d.fortran_order());
    auto dv = d.as<int32_t>();
    for (int i = 0; i < 12; ++i) EXPECT_EQ(dv[i], i);

    auto fo = load_fixture(fixture("fortran_2d", p));
    ArrayRef f = fo->root().as_array();
    EXPECT_EQ(f.shape(), (std::vector<int64_t>{3, 4}));
    EXPECT_EQ(f.strides(), (std::vector<int64_t>{8, 24}));
    EXPECT_TRUE(f.fortran_order());
    // Memory order: column by column of np.arange(12).reshape(3, 4).
    auto fv = f.as<double>();
    EXPECT_EQ(std::vector<double>(fv.begin(), fv.end()), (std::vector<double>{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}));

    auto f3 = load_fixture(fixture("fortran_3d", p));
    ArrayRef g = f3->root().as_array();
    EXPECT_EQ(g.shape(), (std::vector<int64_t>{2, 3, 4}));
    EXPECT_EQ(g.strides(), (std::vector<int64_t>{2, 4, 12}));
    EXPECT_TRUE(g.fortran_order());
    auto gv = g.as<int16_t>();
    EXPECT_EQ(gv[1], 12);  // element [1, 0, 0]
    EXPECT_EQ(gv[2], 4);   // element [0, 1, 0]

    // Non-contiguous views are pickled as C-order copies.
    auto nc = load_fixture(fixture("noncontiguous", p));
    ArrayRef h = nc->root()[0].as_array();
    auto hv = h.as<int64_t>();
    EXPECT_EQ(std::vector<int64_t>(hv.begin(), hv.end()), (std::vector<int64_t>{0, 3, 6, 9, 12, 15, 18}));
    ArrayRef k = nc->root()[1].as_array();
    EXPECT_EQ(k.shape(), (std::vector<int64_t>{3, 2}));
    EXPECT_EQ(k.strides(), (std::vector<int64_t>{16, 8}));
    auto kv = k.as<double>();
    EXPECT_EQ(std::vector<double>(kv.begin(), kv.end()), (std::vector<double>{1, 2, 5, 6, 9, 10}));
  }
}

TEST(NumpyArray, SubclassesAndSharing) {
  for (int p = 0; p <= 5; ++p) {
    SCOPED_TRACE(p);
    auto m = load_fixture(fixture("matrix", p));
    ArrayRef a = m->root().as_array();
    EXPECT_EQ(a.array_class().as_global().module, "numpy");
    EXPECT_EQ(a.array_class().as_global().name, "matrix");
    auto av = a.as<int64_t>();
    EXPECT_EQ(std::vector<int64_t>(av.begin(), av.end()), (std::vector<int64_t>{1, 2, 3, 4}));

    auto r = load_fixture(fixture("recarray", p));
    ArrayRef b = r->root().as_array();
    EXPECT_EQ(b.array_class().as_global().name, "recarray");
    EXPECT_EQ(b.dtype().kind(), 'V');
    ASSERT_EQ(b.dtype().fields().size(), 3u);
    EXPECT_EQ(b.dtype().fields()[2].name, "c");
    EXPECT_EQ(b.dtype().fields()[2].dtype.str(), "|S2");
    EXPECT_EQ(b.dtype().itemsize(), 14u);

    auto s = load_fixture(fixture("shared_array", p));
    Value list = s->root();
    EXPECT_TRUE(list[0].is(list[1]));
    EXPECT_TRUE(list[0].is(list[2].at("again")));

    auto d = load_fixture(fixture("shared_dtype", p));
    Value dl = d->root();
    EXPECT_TRUE(dl[0].as_array().dtype().value().is(dl[1].as_array().dtype().value()));
    EXPECT_TRUE(dl[0].as_array().dtype().value().is(dl[2]));
    EXPECT_TRUE(dl[3].as_array().dtype().value().is(dl[4].as_array().dtype().value()));  // numpy's float64
    EXPECT_FALSE(dl[0].as_array().dtype().value().is(dl[3].as_array().dtype().value()));
  }
}

}  // namespace
}  // namespace picklejar
