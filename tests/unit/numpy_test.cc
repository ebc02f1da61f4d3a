// numpy support: the typed reading of fixtures/numpy/ (written by tools/gen_fixtures.py with
// CPython 3.11 + numpy 1.24) and of sklearn/model.pkl, zero-copy guarantees (in-band, out-of-band,
// a 1 GiB out-of-band array), and Builder-made numpy values dumped byte-identical to numpy's own
// pickles. Expected values below are the ones the generator pickles (see tools/gen_fixtures.py
// numpy_cases); expected bytes of the Builder tests were printed by /usr/bin/python3 with numpy
// 1.24.2 running the expressions quoted next to each case.
#include <gtest/gtest.h>
#include <picklejar/picklejar.h>

#include <cmath>
#include <algorithm>
#include <complex>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace picklejar {
namespace {

namespace fs = std::filesystem;
const fs::path kFixtures = PICKLEJAR_FIXTURES_DIR;

std::vector<uint8_t> read_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  EXPECT_TRUE(f.good()) << "missing " << p;
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), {});
}

// A fixture loaded from memory; the input (and out-of-band buffers) outlive the document.
struct Loaded {
  std::vector<uint8_t> data;
  std::vector<std::vector<uint8_t>> buffers;
  Document doc;
  Value root() const { return doc.root(); }
};

std::unique_ptr<Loaded> load_fixture(const std::string& rel, size_t buffers = 0) {
  auto l = std::make_unique<Loaded>();
  l->data = read_bytes(kFixtures / rel);
  LoadOptions o;
  if (buffers) {
    std::string stem = rel.substr(0, rel.rfind('.'));
    o.buffers.emplace();
    for (size_t i = 0; i < buffers; ++i) l->buffers.push_back(read_bytes(kFixtures / (stem + ".buf" + std::to_string(i) + ".bin")));
    for (const auto& b : l->buffers) o.buffers->push_back({ByteView(b.data(), b.size()), false});
  }
  l->doc = load(ByteView(l->data.data(), l->data.size()), o);
  return l;
}

std::string fixture(const std::string& name, int protocol) { return "numpy/" + name + ".p" + std::to_string(protocol) + ".pkl"; }

std::vector<uint8_t> bytes_of(ByteView v) { return std::vector<uint8_t>(v.begin(), v.end()); }
std::vector<uint8_t> bytes_of(std::string_view s) { return std::vector<uint8_t>(s.begin(), s.end()); }

template <class T>
std::vector<uint8_t> le_bytes(std::initializer_list<T> values) {
  std::vector<uint8_t> out;
  for (T v : values) {
    uint8_t b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out.insert(out.end(), b, b + sizeof(T));
  }
  return out;
}

// UTF-32-LE of a UTF-8 string of code points below U+10000 or 4-byte sequences, padded to n chars.
std::vector<uint8_t> ucs4(std::u32string s, size_t n) {
  s.resize(n, U'\0');
  std::vector<uint8_t> out;
  for (char32_t c : s)
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(static_cast<uint32_t>(c) >> (8 * i)));
  return out;
}

ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no picklejar::Error thrown";
  return ErrorCode::kInvalidArgument;
}

// Same value, NaN equal to NaN, -0.0 different from 0.0.
template <class F>
bool same_float(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}

std::vector<uint8_t> from_hex(std::string_view hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

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

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr float kInfF = std::numeric_limits<float>::infinity();
constexpr float kNaNF = std::numeric_limits<float>::quiet_NaN();

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

int64_t i64_at(ByteView b, size_t i) {
  int64_t v;
  std::memcpy(&v, b.data() + 8 * i, 8);
  return v;
}

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

// ---- scalars -----------------------------------------------------------------------------------

TEST(NumpyScalar, EveryScalarKind) {
  for (int p = 0; p <= 5; ++p) {
    SCOPED_TRACE(p);
    auto l = load_fixture(fixture("scalars", p));
    Value s = l->root();
    // [np.arange(2.), np.float64(1.5), np.float64(-0.0), np.int64(-7), np.bool_(True),
    //  np.float16(0.5), np.complex64(1+2j), np.str_('h\xe9llo'), np.bytes_(b'ab'),
    //  np.datetime64('2024-01-02T03:04:05.123456789', 'ns'), np.datetime64('2024-01-02', 'D'),
    //  structured np.void (7, -1.5)]
    ASSERT_EQ(s.size(), 12u);
    EXPECT_EQ(s[0].kind(), Kind::kArray);
    for (size_t i = 1; i < s.size(); ++i) EXPECT_EQ(s[i].kind(), Kind::kNumpyScalar) << i;
    EXPECT_EQ(s[1].as_scalar().as<double>(), 1.5);
    EXPECT_EQ(s[1].as_scalar().dtype().str(), "<f8");
    EXPECT_TRUE(same_float(s[2].as_scalar().as<double>(), -0.0));
    EXPECT_EQ(s[3].as_scalar().as<int64_t>(), -7);
    EXPECT_EQ(s[4].as_scalar().as<bool>(), true);
    EXPECT_EQ(s[4].as_scalar().dtype().str(), "|b1");
    EXPECT_EQ(bytes_of(s[5].as_scalar().bytes()), (std::vector<uint8_t>{0x00, 0x38}));  // float16 0.5
    EXPECT_EQ(s[5].as_scalar().dtype().str(), "<f2");
    EXPECT_EQ(s[6].as_scalar().as<std::complex<float>>(), std::complex<float>(1, 2));
    EXPECT_EQ(s[7].as_scalar().dtype().str(), "<U5");
    EXPECT_EQ(bytes_of(s[7].as_scalar().bytes()), ucs4(U"h\u00e9llo", 5));
    EXPECT_EQ(s[8].as_scalar().dtype().str(), "|S2");
    EXPECT_EQ(bytes_of(s[8].as_scalar().bytes()), bytes_of(std::string_view("ab")));
    EXPECT_EQ(s[9].as_scalar().dtype().str(), "<M8[ns]");
    EXPECT_EQ(i64_at(s[9].as_scalar().bytes(), 0), 1704164645123456789);
    EXPECT_EQ(s[10].as_scalar().dtype().datetime_unit(), "D");
    EXPECT_EQ(i64_at(s[10].as_scalar().bytes(), 0), 19724);
    DType vd = s[11].as_scalar().dtype();
    ASSERT_EQ(vd.fields().size(), 2u);
    EXPECT_EQ(vd.fields()[1].name, "b");
    std::vector<uint8_t> rec = le_bytes<int32_t>({7}), b = le_bytes<double>({-1.5});
    rec.insert(rec.end(), b.begin(), b.end());
    EXPECT_EQ(bytes_of(s[11].as_scalar().bytes()), rec);

    // Wrong T: kind or size differ.
    EXPECT_EQ(code_of([&] { (void)s[1].as_scalar().as<float>(); }), ErrorCode::kTypeMismatch);
    EXPECT_EQ(code_of([&] { (void)s[1].as_scalar().as<int64_t>(); }), ErrorCode::kTypeMismatch);
    EXPECT_EQ(code_of([&] { (void)s[3].as_scalar().as<uint64_t>(); }), ErrorCode::kTypeMismatch);
    EXPECT_EQ(code_of([&] { (void)s[9].as_scalar().as<int64_t>(); }), ErrorCode::kTypeMismatch);
    EXPECT_EQ(code_of([&] { (void)s[0].as_scalar(); }), ErrorCode::kTypeMismatch);
    EXPECT_EQ(code_of([&] { (void)s[1].as_array(); }), ErrorCode::kTypeMismatch);
  }
}

TEST(NumpyScalar, NonNativeScalarThrows) {
  // numpy/scalar_shapes: scalar(np.dtype('>f8'), ...) as numpy does not write it but loads it.
  auto l = load_fixture(fixture("scalar_shapes", 2));
  ScalarRef s = l->root()[2].as_scalar();
  EXPECT_EQ(s.dtype().str(), ">f8");
  EXPECT_EQ(code_of([&] { (void)s.as<double>(); }), ErrorCode::kTypeMismatch);
}

// ---- zero-copy ---------------------------------------------------------------------------------

struct AlignedBuffer {
  explicit AlignedBuffer(size_t n, size_t align = 64) : p(static_cast<uint8_t*>(std::aligned_alloc(align, (n + align - 1) / align * align))) {}
  ~AlignedBuffer() { std::free(p); }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  uint8_t* p;
};

bool inside(const void* p, const uint8_t* begin, size_t n) {
  auto a = reinterpret_cast<uintptr_t>(p), b = reinterpret_cast<uintptr_t>(begin);
  return a >= b && a < b + n;
}

TEST(NumpyZeroCopy, InBandMemoryLoadPointsIntoTheInput) {
  std::vector<uint8_t> payload = le_bytes<double>({0.0, -0.0, 1.5, -2.25, 1e300, 5e-324, kInf, -kInf, kNaN, 0.1});
  // Protocols 3-5 hold the element bytes as raw BINBYTES / SHORT_BINBYTES / BYTEARRAY8 payloads
  // (0-2 as latin-1 text, which loading decodes into a copy).
  for (int p = 3; p <= 5; ++p) {
    std::vector<uint8_t> file = read_bytes(kFixtures / fixture("float64", p));
    auto it = std::search(file.begin(), file.end(), payload.begin(), payload.end());
    ASSERT_NE(it, file.end());
    size_t off = static_cast<size_t>(it - file.begin());
    for (size_t shift = 0; shift < 8; ++shift) {
      SCOPED_TRACE("protocol " + std::to_string(p) + ", input at 8k+" + std::to_string(shift));
      AlignedBuffer buf(file.size() + 8);
      uint8_t* in = buf.p + shift;
      std::memcpy(in, file.data(), file.size());
      Document doc = load(ByteView(in, file.size()));
      auto v = doc.root().as_array().as<double>();
      ASSERT_EQ(v.size(), 10u);
      EXPECT_EQ(reinterpret_cast<uintptr_t>(v.data()) % alignof(double), 0u);
      if ((shift + off) % alignof(double) == 0) {
        EXPECT_EQ(reinterpret_cast<const uint8_t*>(v.data()), in + off);  // no copy
      } else {
        // A misaligned payload is copied once into the document, so that the typed view is aligned.
        EXPECT_FALSE(inside(v.data(), in, file.size()));
        EXPECT_GE(doc.memory_bytes(), payload.size());
      }
      EXPECT_EQ(std::memcmp(v.data(), payload.data(), payload.size()), 0);
    }
  }
}

TEST(NumpyZeroCopy, OutOfBandPointsIntoTheSuppliedBuffers) {
  // numpy/oob.p5: [w, r, f, r, b, z, 'tail'] with w = np.arange(6.) (writable), r = np.arange(12,
  // dtype='<i4').reshape(3, 4) read-only, f = Fortran-order complex128 (2, 3), b = '>i4' [1, 2],
  // z = read-only 0-d int64 7: five buffers (r is one object, memoized).
  auto l = load_fixture("numpy/oob.p5.pkl", 5);
  Value list = l->root();
  ASSERT_EQ(list.size(), 7u);
  auto in_buffer = [&](const ArrayRef& a, size_t i) {
    return a.bytes().data() == l->buffers[i].data() && a.bytes().size() == l->buffers[i].size();
  };
  ArrayRef w = list[0].as_array(), r = list[1].as_array(), f = list[2].as_array(), b = list[4].as_array(),
           z = list[5].as_array();
  EXPECT_TRUE(in_buffer(w, 0));
  EXPECT_EQ(reinterpret_cast<const uint8_t*>(w.as<double>().data()), l->buffers[0].data());
  EXPECT_EQ(w.as<double>()[5], 5.0);
  EXPECT_TRUE(w.writable());
  EXPECT_TRUE(in_buffer(r, 1));
  EXPECT_EQ(reinterpret_cast<const uint8_t*>(r.as<int32_t>().data()), l->buffers[1].data());
  EXPECT_EQ(r.shape(), (std::vector<int64_t>{3, 4}));
  EXPECT_FALSE(r.writable());  // READONLY_BUFFER
  EXPECT_TRUE(list[1].is(list[3]));
  EXPECT_TRUE(in_buffer(f, 2));
  EXPECT_TRUE(f.fortran_order());
  EXPECT_EQ(f.strides(), (std::vector<int64_t>{16, 32}));
  EXPECT_EQ(f.as<std::complex<double>>()[1], std::complex<double>(3, 0));  // element [1, 0]
  EXPECT_TRUE(in_buffer(b, 3));
  EXPECT_EQ(b.dtype().str(), ">i4");
  EXPECT_EQ(b.byteswapped(), le_bytes<int32_t>({1, 2}));
  EXPECT_TRUE(in_buffer(z, 4));
  EXPECT_FALSE(z.writable());
  EXPECT_EQ(z.as<int64_t>()[0], 7);
}

TEST(NumpyZeroCopy, OneGiBFloat64OutOfBand) {
  constexpr size_t kBytes = size_t{1} << 30, kCount = kBytes / sizeof(double);
  AlignedBuffer buf(kBytes, 4096);  // pages are touched only where written
  ASSERT_NE(buf.p, nullptr);
  auto* data = reinterpret_cast<double*>(buf.p);
  data[0] = 1.5;
  data[kCount / 2] = -2.0;
  data[kCount - 1] = 42.0;
  ByteView whole(buf.p, kBytes);

  // Made with the Builder, dumped at protocol 5 with the buffer out-of-band: numpy's own bytes.
  std::vector<uint8_t> pickle;
  {
    Document src;
    Builder b = src.builder();
    const int64_t shape[] = {static_cast<int64_t>(kCount)};
    Value arr = b.array(b.dtype("<f8"), shape, whole);
    EXPECT_LT(src.memory_bytes(), 1u << 20);
    DumpOptions o;
    o.protocol = 5;
    std::vector<ByteView> out_of_band;
    o.buffer_callback = [&](const Value& v) {
      out_of_band.push_back(v.as_bytes());
      return BufferPlacement::kOutOfBand;
    };
    pickle = dump(arr, o);
    ASSERT_EQ(out_of_band.size(), 1u);
    EXPECT_EQ(out_of_band[0].data(), buf.p);  // the dump did not copy it either
    EXPECT_EQ(out_of_band[0].size(), kBytes);
  }
  // pickle.dumps(np.zeros(2**27), 5, buffer_callback=lambda b: False)
  EXPECT_EQ(pickle, from_hex("8005956d000000000000008c126e756d70792e636f72652e6e756d65726963948c0b5f66726f6d6275666665"
                             "7294939428978c056e756d7079948c0564747970659493948c02663894898887945294284b038c013c944e"
                             "4e4e4affffffff4affffffff4b007494624a0000000885948c014394749452942e"));

  LoadOptions lo;
  lo.buffers = std::vector<BufferView>{{whole, false}};
  Document doc = load(ByteView(pickle.data(), pickle.size()), lo);
  ArrayRef a = doc.root().as_array();
  EXPECT_EQ(a.shape(), (std::vector<int64_t>{static_cast<int64_t>(kCount)}));
  EXPECT_TRUE(a.writable());
  std::span<const double> v = a.as<double>();
  EXPECT_EQ(v.data(), data);  // inside the caller's buffer: no copy
  ASSERT_EQ(v.size(), kCount);
  EXPECT_EQ(v[0], 1.5);
  EXPECT_EQ(v[kCount / 2], -2.0);
  EXPECT_EQ(v[kCount - 1], 42.0);
  EXPECT_LT(doc.memory_bytes(), 1u << 20);
}

// ---- the tutorial model ------------------------------------------------------------------------

// The numbers of the JSON value at "key" (nested arrays flattened), from model_iris_split.json.
std::vector<double> json_numbers(const std::string& text, const std::string& key) {
  size_t at = text.find("\"" + key + "\":");
  EXPECT_NE(at, std::string::npos) << key;
  std::vector<double> out;
  if (at == std::string::npos) return out;
  int depth = 0;
  for (size_t i = at + key.size() + 3; i < text.size(); ++i) {
    char c = text[i];
    if (c == '[') {
      ++depth;
    } else if (c == ']') {
      if (--depth == 0) break;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      char* end = nullptr;
      out.push_back(std::strtod(text.c_str() + i, &end));
      i = static_cast<size_t>(end - text.c_str()) - 1;
    }
  }
  return out;
}

TEST(NumpyModel, IrisTrainingSplitInsideTheModel) {
  std::vector<uint8_t> json = read_bytes(kFixtures / "sklearn/model_iris_split.json");
  std::string text(json.begin(), json.end());
  std::vector<double> x_train = json_numbers(text, "X_train"), y_train = json_numbers(text, "y_train");
  ASSERT_EQ(x_train.size(), 105u * 4);
  ASSERT_EQ(y_train.size(), 105u);

  auto l = load_fixture("sklearn/model.pkl");
  Value state = l->root().as_object().state;
  ArrayRef fit_x = state.at("_fit_X").as_array();
  EXPECT_EQ(fit_x.dtype().str(), "<f8");
  EXPECT_EQ(fit_x.shape(), (std::vector<int64_t>{105, 4}));
  EXPECT_EQ(fit_x.strides(), (std::vector<int64_t>{32, 8}));
  EXPECT_FALSE(fit_x.fortran_order());
  auto xv = fit_x.as<double>();
  ASSERT_EQ(xv.size(), x_train.size());
  for (size_t i = 0; i < xv.size(); ++i) EXPECT_EQ(xv[i], x_train[i]) << "X_train element " << i;

  ArrayRef y = state.at("_y").as_array();
  EXPECT_EQ(y.dtype().str(), "<i8");
  EXPECT_EQ(y.shape(), (std::vector<int64_t>{105}));
  auto yv = y.as<int64_t>();
  ASSERT_EQ(yv.size(), y_train.size());
  for (size_t i = 0; i < yv.size(); ++i) EXPECT_EQ(yv[i], static_cast<int64_t>(y_train[i])) << "y_train element " << i;

  ArrayRef classes = state.at("classes_").as_array();
  auto cv = classes.as<int64_t>();
  EXPECT_EQ(std::vector<int64_t>(cv.begin(), cv.end()), (std::vector<int64_t>{0, 1, 2}));
  // classes_ and _y share numpy's int64 dtype object in the stream.
  EXPECT_TRUE(classes.dtype().value().is(y.dtype().value()));
}

// pickle.dumps(value, protocol) for protocols 0-5, by /usr/bin/python3 3.11 with numpy 1.24.2, for the
// values of kBuilderCases (the Python expression is quoted with each case).
const std::map<std::string, std::vector<std::string>> kNumpyPickles = {
    {"f8_2d",
     {
         // protocol 0
         "636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a70300a28636e756d70790a6e"
         "6461727261790a70310a2849300a7470320a635f636f646563730a656e636f64650a70330a2856620a70340a566c6174"
         "696e310a70350a7470360a5270370a7470380a5270390a2849310a2849320a49330a747031300a636e756d70790a6474"
         "7970650a7031310a285666380a7031320a4930300a4930310a747031330a527031340a2849330a563c0a7031350a4e4e"
         "4e492d310a492d310a49300a747031360a624930300a67330a28565c75303030305c75303030305c75303030305c7530"
         "3030305c75303030305c7530303030f83f5c75303030305c75303030305c75303030305c75303030305c75303030305c"
         "75303030305c7530303030c05c75303030305c75303030305c75303030305c75303030305c75303030305c7530303030"
         "08405c75303030305c75303030305c75303030305c75303030305c75303030305c753030303010405c75303030305c75"
         "303030305c75303030305c75303030305c75303030305c753030303014405c75303030305c75303030305c7530303030"
         "5c75303030305c75303030305c753030303018400a7031370a67350a747031380a527031390a747032300a622e",
         // protocol 1
         "636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a710028636e756d70790a6e64"
         "61727261790a7101284b00747102635f636f646563730a656e636f64650a710328580100000062710458060000006c61"
         "74696e317105747106527107747108527109284b01284b024b0374710a636e756d70790a64747970650a710b28580200"
         "00006638710c4930300a4930310a74710d52710e284b0358010000003c710f4e4e4e4affffffff4affffffff4b007471"
         "10624930300a6803285832000000000000000000c3b83f00000000000000c38000000000000008400000000000001040"
         "0000000000001440000000000000184071116805747112527113747114622e",
         // protocol 2
         "8002636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7100636e756d70790a6e"
         "6461727261790a71014b00857102635f636f646563730a656e636f64650a7103580100000062710458060000006c6174"
         "696e317105867106527107877108527109284b014b024b0386710a636e756d70790a64747970650a710b580200000066"
         "38710c898887710d52710e284b0358010000003c710f4e4e4e4affffffff4affffffff4b007471106289680358320000"
         "00000000000000c3b83f00000000000000c3800000000000000840000000000000104000000000000014400000000000"
         "00184071116805867112527113747114622e",
         // protocol 3
         "8003636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7100636e756d70790a6e"
         "6461727261790a71014b008571024301627103877104527105284b014b024b03867106636e756d70790a64747970650a"
         "7107580200000066387108898887710952710a284b0358010000003c710b4e4e4e4affffffff4affffffff4b0074710c"
         "62894330000000000000f83f00000000000000c000000000000008400000000000001040000000000000144000000000"
         "00001840710d74710e622e",
         // protocol 4
         "800495ba000000000000008c156e756d70792e636f72652e6d756c74696172726179948c0c5f7265636f6e7374727563"
         "749493948c056e756d7079948c076e6461727261799493944b0085944301629487945294284b014b024b03869468038c"
         "0564747970659493948c02663894898887945294284b038c013c944e4e4e4affffffff4affffffff4b00749462894330"
         "000000000000f83f00000000000000c00000000000000840000000000000104000000000000014400000000000001840"
         "947494622e",
         // protocol 5
         "800595a5000000000000008c126e756d70792e636f72652e6e756d65726963948c0b5f66726f6d627566666572949394"
         "28963000000000000000000000000000f83f00000000000000c000000000000008400000000000001040000000000000"
         "14400000000000001840948c056e756d7079948c0564747970659493948c02663894898887945294284b038c013c944e"
         "4e4e4affffffff4affffffff4b007494624b024b0386948c014394749452942e",
     }},
    {"i4_fortran",
     {
         // protocol 0
         "636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a70300a28636e756d70790a6e"
         "6461727261790a70310a2849300a7470320a635f636f646563730a656e636f64650a70330a2856620a70340a566c6174"
         "696e310a70350a7470360a5270370a7470380a5270390a2849310a2849320a49330a747031300a636e756d70790a6474"
         "7970650a7031310a285669340a7031320a4930300a4930310a747031330a527031340a2849330a563c0a7031350a4e4e"
         "4e492d310a492d310a49300a747031360a624930310a67330a28565c75303030305c75303030305c75303030305c7530"
         "303030035c75303030305c75303030305c7530303030015c75303030305c75303030305c7530303030045c7530303030"
         "5c75303030305c7530303030025c75303030305c75303030305c7530303030055c75303030305c75303030305c753030"
         "30300a7031370a67350a747031380a527031390a747032300a622e",
         // protocol 1
         "636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a710028636e756d70790a6e64"
         "61727261790a7101284b00747102635f636f646563730a656e636f64650a710328580100000062710458060000006c61"
         "74696e317105747106527107747108527109284b01284b024b0374710a636e756d70790a64747970650a710b28580200"
         "00006934710c4930300a4930310a74710d52710e284b0358010000003c710f4e4e4e4affffffff4affffffff4b007471"
         "10624930310a680328581800000000000000030000000100000004000000020000000500000071116805747112527113"
         "747114622e",
         // protocol 2
         "8002636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7100636e756d70790a6e"
         "6461727261790a71014b00857102635f636f646563730a656e636f64650a7103580100000062710458060000006c6174"
         "696e317105867106527107877108527109284b014b024b0386710a636e756d70790a64747970650a710b580200000069"
         "34710c898887710d52710e284b0358010000003c710f4e4e4e4affffffff4affffffff4b007471106288680358180000"
         "0000000000030000000100000004000000020000000500000071116805867112527113747114622e",
         // protocol 3
         "8003636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7100636e756d70790a6e"
         "6461727261790a71014b008571024301627103877104527105284b014b024b03867106636e756d70790a64747970650a"
         "7107580200000069347108898887710952710a284b0358010000003c710b4e4e4e4affffffff4affffffff4b0074710c"
         "62884318000000000300000001000000040000000200000005000000710d74710e622e",
         // protocol 4
         "800495a2000000000000008c156e756d70792e636f72652e6d756c74696172726179948c0c5f7265636f6e7374727563"
         "749493948c056e756d7079948c076e6461727261799493944b0085944301629487945294284b014b024b03869468038c"
         "0564747970659493948c02693494898887945294284b038c013c944e4e4e4affffffff4affffffff4b00749462884318"
         "000000000300000001000000040000000200000005000000947494622e",
         // protocol 5
         "8005958d000000000000008c126e756d70792e636f72652e6e756d65726963948c0b5f66726f6d627566666572949394"
         "28961800000000000000000000000300000001000000040000000200000005000000948c056e756d7079948c05647479"
         "70659493948c02693494898887945294284b038c013c944e4e4e4affffffff4affffffff4b007494624b024b0386948c"
         "014694749452942e",
     }},
    {"u1_bool_i2",
     {
         // protocol 0
         "286c70300a636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a70310a28636e75"
         "6d70790a6e6461727261790a70320a2849300a7470330a635f636f646563730a656e636f64650a70340a2856620a7035"
         "0a566c6174696e310a70360a7470370a5270380a7470390a527031300a2849310a2849330a747031310a636e756d7079"
         "0a64747970650a7031320a285675310a7031330a4930300a4930310a747031340a527031350a2849330a567c0a703136"
         "0a4e4e4e492d310a492d310a49300a747031370a624930300a67340a28560102ff0a7031380a67360a747031390a5270"
         "32300a747032310a626167310a2867320a2849300a747032320a67380a747032330a527032340a2849310a2849320a74"
         "7032350a6731320a285662310a7032360a4930300a4930310a747032370a527032380a2849330a6731360a4e4e4e492d"
         "310a492d310a49300a747032390a624930300a67340a2856015c75303030300a7033300a67360a747033310a52703332"
         "0a747033330a626167310a2867320a2849300a747033340a67380a747033350a527033360a2849310a2849320a747033"
         "370a6731320a285669320a7033380a4930300a4930310a747033390a527034300a2849330a563c0a7034310a4e4e4e49"
         "2d310a492d310a49300a747034320a624930300a67340a2856ffff2c010a7034330a67360a747034340a527034350a74"
         "7034360a62612e",
         // protocol 1
         "5d710028636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a710128636e756d70"
         "790a6e6461727261790a7102284b00747103635f636f646563730a656e636f64650a7104285801000000627105580600"
         "00006c6174696e31710674710752710874710952710a284b01284b0374710b636e756d70790a64747970650a710c2858"
         "020000007531710d4930300a4930310a74710e52710f284b0358010000007c71104e4e4e4affffffff4affffffff4b00"
         "747111624930300a68042858040000000102c3bf71126806747113527114747115626801286802284b00747116680874"
         "7117527118284b01284b02747119680c2858020000006231711a4930300a4930310a74711b52711c284b0368104e4e4e"
         "4affffffff4affffffff4b0074711d624930300a68042858020000000100711e680674711f5271207471216268012868"
         "02284b007471226808747123527124284b01284b02747125680c285802000000693271264930300a4930310a74712752"
         "7128284b0358010000003c71294e4e4e4affffffff4affffffff4b0074712a624930300a6804285806000000c3bfc3bf"
         "2c01712b680674712c52712d74712e62652e",
         // protocol 2
         "80025d710028636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7101636e756d"
         "70790a6e6461727261790a71024b00857103635f636f646563730a656e636f64650a7104580100000062710558060000"
         "006c6174696e31710686710752710887710952710a284b014b0385710b636e756d70790a64747970650a710c58020000"
         "007531710d898887710e52710f284b0358010000007c71104e4e4e4affffffff4affffffff4b00747111628968045804"
         "0000000102c3bf7112680686711352711474711562680168024b008571166808877117527118284b014b02857119680c"
         "58020000006231711a898887711b52711c284b0368104e4e4e4affffffff4affffffff4b0074711d6289680458020000"
         "000100711e680686711f52712074712162680168024b008571226808877123527124284b014b02857125680c58020000"
         "00693271268988877127527128284b0358010000003c71294e4e4e4affffffff4affffffff4b0074712a628968045806"
         "000000c3bfc3bf2c01712b680686712c52712d74712e62652e",
         // protocol 3
         "80035d710028636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7101636e756d"
         "70790a6e6461727261790a71024b008571034301627104877105527106284b014b03857107636e756d70790a64747970"
         "650a7108580200000075317109898887710a52710b284b0358010000007c710c4e4e4e4affffffff4affffffff4b0074"
         "710d628943030102ff710e74710f62680168024b008571106804877111527112284b014b028571136808580200000062"
         "3171148988877115527116284b03680c4e4e4e4affffffff4affffffff4b007471176289430201007118747119626801"
         "68024b0085711a680487711b52711c284b014b0285711d680858020000006932711e898887711f527120284b03580100"
         "00003c71214e4e4e4affffffff4affffffff4b0074712262894304ffff2c01712374712462652e",
         // protocol 4
         "80049517010000000000005d94288c156e756d70792e636f72652e6d756c74696172726179948c0c5f7265636f6e7374"
         "727563749493948c056e756d7079948c076e6461727261799493944b0085944301629487945294284b014b0385946804"
         "8c0564747970659493948c02753194898887945294284b038c017c944e4e4e4affffffff4affffffff4b007494628943"
         "030102ff94749462680368064b008594680887945294284b014b028594680d8c02623194898887945294284b0368114e"
         "4e4e4affffffff4affffffff4b00749462894302010094749462680368064b008594680887945294284b014b02859468"
         "0d8c02693294898887945294284b038c013c944e4e4e4affffffff4affffffff4b00749462894304ffff2c0194749462"
         "652e",
         // protocol 5
         "800595f8000000000000005d94288c126e756d70792e636f72652e6e756d65726963948c0b5f66726f6d627566666572"
         "949394289603000000000000000102ff948c056e756d7079948c0564747970659493948c02753194898887945294284b"
         "038c017c944e4e4e4affffffff4affffffff4b007494624b0385948c0143947494529468032896020000000000000001"
         "009468078c02623194898887945294284b03680b4e4e4e4affffffff4affffffff4b007494624b028594680e74945294"
         "680328960400000000000000ffff2c019468078c02693294898887945294284b038c013c944e4e4e4affffffff4affff"
         "ffff4b007494624b028594680e74945294652e",
     }},
    {"f8_0d",
     {
         // protocol 0
         "636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a70300a28636e756d70790a6e"
         "6461727261790a70310a2849300a7470320a635f636f646563730a656e636f64650a70330a2856620a70340a566c6174"
         "696e310a70350a7470360a5270370a7470380a5270390a2849310a2874636e756d70790a64747970650a7031300a2856"
         "66380a7031310a4930300a4930310a747031320a527031330a2849330a563c0a7031340a4e4e4e492d310a492d310a49"
         "300a747031350a624930300a67330a28565c75303030305c75303030305c75303030305c75303030305c75303030305c"
         "75303030301c400a7031360a67350a747031370a527031380a747031390a622e",
         // protocol 1
         "636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a710028636e756d70790a6e64"
         "61727261790a7101284b00747102635f636f646563730a656e636f64650a710328580100000062710458060000006c61"
         "74696e317105747106527107747108527109284b0129636e756d70790a64747970650a710a2858020000006638710b49"
         "30300a4930310a74710c52710d284b0358010000003c710e4e4e4e4affffffff4affffffff4b0074710f624930300a68"
         "032858080000000000000000001c4071106805747111527112747113622e",
         // protocol 2
         "8002636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7100636e756d70790a6e"
         "6461727261790a71014b00857102635f636f646563730a656e636f64650a7103580100000062710458060000006c6174"
         "696e317105867106527107877108527109284b0129636e756d70790a64747970650a710a58020000006638710b898887"
         "710c52710d284b0358010000003c710e4e4e4e4affffffff4affffffff4b0074710f6289680358080000000000000000"
         "001c4071106805867111527112747113622e",
         // protocol 3
         "8003636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7100636e756d70790a6e"
         "6461727261790a71014b008571024301627103877104527105284b0129636e756d70790a64747970650a710658020000"
         "00663871078988877108527109284b0358010000003c710a4e4e4e4affffffff4affffffff4b0074710b628943080000"
         "000000001c40710c74710d622e",
         // protocol 4
         "8004958d000000000000008c156e756d70792e636f72652e6d756c74696172726179948c0c5f7265636f6e7374727563"
         "749493948c056e756d7079948c076e6461727261799493944b0085944301629487945294284b012968038c0564747970"
         "659493948c02663894898887945294284b038c013c944e4e4e4affffffff4affffffff4b007494628943080000000000"
         "001c40947494622e",
         // protocol 5
         "80059578000000000000008c126e756d70792e636f72652e6e756d65726963948c0b5f66726f6d627566666572949394"
         "289608000000000000000000000000001c40948c056e756d7079948c0564747970659493948c02663894898887945294"
         "284b038c013c944e4e4e4affffffff4affffffff4b00749462298c014394749452942e",
     }},
    {"c16_f4_f2",
     {
         // protocol 0
         "286c70300a636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a70310a28636e75"
         "6d70790a6e6461727261790a70320a2849300a7470330a635f636f646563730a656e636f64650a70340a2856620a7035"
         "0a566c6174696e310a70360a7470370a5270380a7470390a527031300a2849310a2849320a747031310a636e756d7079"
         "0a64747970650a7031320a28566331360a7031330a4930300a4930310a747031340a527031350a2849330a563c0a7031"
         "360a4e4e4e492d310a492d310a49300a747031370a624930300a67340a28565c75303030305c75303030305c75303030"
         "305c75303030305c75303030305c7530303030f03f5c75303030305c75303030305c75303030305c75303030305c7530"
         "3030305c75303030305c7530303030405c75303030305c75303030305c75303030305c75303030305c75303030305c75"
         "303030305c7530303030805c75303030305c75303030305c75303030305c75303030305c75303030305c753030303008"
         "c00a7031380a67360a747031390a527032300a747032310a626167310a2867320a2849300a747032320a67380a747032"
         "330a527032340a2849310a2849320a747032350a6731320a285666340a7032360a4930300a4930310a747032370a5270"
         "32380a2849330a6731360a4e4e4e492d310a492d310a49300a747032390a624930300a67340a28565c75303030305c75"
         "303030305c75303030303f5c75303030305c753030303080bf0a7033300a67360a747033310a527033320a747033330a"
         "626167310a2867320a2849300a747033340a67380a747033350a527033360a2849310a2849320a747033370a6731320a"
         "285666320a7033380a4930300a4930310a747033390a527034300a2849330a6731360a4e4e4e492d310a492d310a4930"
         "0a747034310a624930300a67340a28565c75303030303c5c7530303030380a7034320a67360a747034330a527034340a"
         "747034350a62612e",
         // protocol 1
         "5d710028636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a710128636e756d70"
         "790a6e6461727261790a7102284b00747103635f636f646563730a656e636f64650a7104285801000000627105580600"
         "00006c6174696e31710674710752710874710952710a284b01284b0274710b636e756d70790a64747970650a710c2858"
         "03000000633136710d4930300a4930310a74710e52710f284b0358010000003c71104e4e4e4affffffff4affffffff4b"
         "00747111624930300a6804285823000000000000000000c3b03f000000000000004000000000000000c2800000000000"
         "0008c38071126806747113527114747115626801286802284b007471166808747117527118284b01284b02747119680c"
         "2858020000006634711a4930300a4930310a74711b52711c284b0368104e4e4e4affffffff4affffffff4b0074711d62"
         "4930300a680428580a0000000000003f0000c280c2bf711e680674711f527120747121626801286802284b0074712268"
         "08747123527124284b01284b02747125680c285802000000663271264930300a4930310a747127527128284b0368104e"
         "4e4e4affffffff4affffffff4b00747129624930300a6804285804000000003c0038712a680674712b52712c74712d62"
         "652e",
         // protocol 2
         "80025d710028636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7101636e756d"
         "70790a6e6461727261790a71024b00857103635f636f646563730a656e636f64650a7104580100000062710558060000"
         "006c6174696e31710686710752710887710952710a284b014b0285710b636e756d70790a64747970650a710c58030000"
         "00633136710d898887710e52710f284b0358010000003c71104e4e4e4affffffff4affffffff4b007471116289680458"
         "23000000000000000000c3b03f000000000000004000000000000000c28000000000000008c380711268068671135271"
         "1474711562680168024b008571166808877117527118284b014b02857119680c58020000006634711a898887711b5271"
         "1c284b0368104e4e4e4affffffff4affffffff4b0074711d62896804580a0000000000003f0000c280c2bf711e680686"
         "711f52712074712162680168024b008571226808877123527124284b014b02857125680c580200000066327126898887"
         "7127527128284b0368104e4e4e4affffffff4affffffff4b00747129628968045804000000003c0038712a680686712b"
         "52712c74712d62652e",
         // protocol 3
         "80035d710028636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7101636e756d"
         "70790a6e6461727261790a71024b008571034301627104877105527106284b014b02857107636e756d70790a64747970"
         "650a710858030000006331367109898887710a52710b284b0358010000003c710c4e4e4e4affffffff4affffffff4b00"
         "74710d62894320000000000000f03f0000000000000040000000000000008000000000000008c0710e74710f62680168"
         "024b008571106804877111527112284b014b0285711368085802000000663471148988877115527116284b03680c4e4e"
         "4e4affffffff4affffffff4b00747117628943080000003f000080bf711874711962680168024b0085711a680487711b"
         "52711c284b014b0285711d680858020000006632711e898887711f527120284b03680c4e4e4e4affffffff4affffffff"
         "4b0074712162894304003c0038712274712362652e",
         // protocol 4
         "80049539010000000000005d94288c156e756d70792e636f72652e6d756c74696172726179948c0c5f7265636f6e7374"
         "727563749493948c056e756d7079948c076e6461727261799493944b0085944301629487945294284b014b0285946804"
         "8c0564747970659493948c0363313694898887945294284b038c013c944e4e4e4affffffff4affffffff4b0074946289"
         "4320000000000000f03f0000000000000040000000000000008000000000000008c094749462680368064b0085946808"
         "87945294284b014b028594680d8c02663494898887945294284b0368114e4e4e4affffffff4affffffff4b0074946289"
         "43080000003f000080bf94749462680368064b008594680887945294284b014b028594680d8c02663294898887945294"
         "284b0368114e4e4e4affffffff4affffffff4b00749462894304003c003894749462652e",
         // protocol 5
         "8005951a010000000000005d94288c126e756d70792e636f72652e6e756d65726963948c0b5f66726f6d627566666572"
         "94939428962000000000000000000000000000f03f0000000000000040000000000000008000000000000008c0948c05"
         "6e756d7079948c0564747970659493948c0363313694898887945294284b038c013c944e4e4e4affffffff4affffffff"
         "4b007494624b0285948c014394749452946803289608000000000000000000003f000080bf9468078c02663494898887"
         "945294284b03680b4e4e4e4affffffff4affffffff4b007494624b028594680e74945294680328960400000000000000"
         "003c00389468078c02663294898887945294284b03680b4e4e4e4affffffff4affffffff4b007494624b028594680e74"
         "945294652e",
     }},
    {"datetime",
     {
         // protocol 0
         "286c70300a636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a70310a28636e75"
         "6d70790a6e6461727261790a70320a2849300a7470330a635f636f646563730a656e636f64650a70340a2856620a7035"
         "0a566c6174696e310a70360a7470370a5270380a7470390a527031300a2849310a2849320a747031310a636e756d7079"
         "0a64747970650a7031320a28564d380a7031330a4930300a4930310a747031340a527031350a2849340a563c0a703136"
         "0a4e4e4e492d310a492d310a49300a2828647031370a2867340a28566e730a7031380a67360a747031390a527032300a"
         "49310a49310a49310a747032310a747032320a747032330a624930300a67340a28565c75303030305c75303030305c75"
         "303030305c75303030305c75303030305c75303030305c75303030305c75303030305c75303030305c75303030304f91"
         "944e5c75303030305c75303030300a7032340a67360a747032350a527032360a747032370a626167310a2867320a2849"
         "300a747032380a67380a747032390a527033300a2849310a2849320a747033310a6731320a28566d380a7033320a4930"
         "300a4930310a747033330a527033340a2849340a6731360a4e4e4e492d310a492d310a49300a2828647033350a286734"
         "0a2856730a7033360a67360a747033370a527033380a49320a49310a49310a747033390a747034300a747034310a6249"
         "30300a67340a2856035c75303030305c75303030305c75303030305c75303030305c75303030305c75303030305c7530"
         "303030ffffffffffffffff0a7034320a67360a747034330a527034340a747034350a62612e",
         // protocol 1
         "5d710028636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a710128636e756d70"
         "790a6e6461727261790a7102284b00747103635f636f646563730a656e636f64650a7104285801000000627105580600"
         "00006c6174696e31710674710752710874710952710a284b01284b0274710b636e756d70790a64747970650a710c2858"
         "020000004d38710d4930300a4930310a74710e52710f284b0458010000003c71104e4e4e4affffffff4affffffff4b00"
         "287d71112868042858020000006e73711268067471135271144b014b014b01747115747116747117624930300a680428"
         "5812000000000000000000000000004fc291c2944e00007118680674711952711a74711b626801286802284b0074711c"
         "680874711d52711e284b01284b0274711f680c2858020000006d3871204930300a4930310a747121527122284b046810"
         "4e4e4e4affffffff4affffffff4b00287d712328680428580100000073712468067471255271264b024b014b01747127"
         "747128747129624930300a68042858180000000300000000000000c3bfc3bfc3bfc3bfc3bfc3bfc3bfc3bf712a680674"
         "712b52712c74712d62652e",
         // protocol 2
         "80025d710028636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7101636e756d"
         "70790a6e6461727261790a71024b00857103635f636f646563730a656e636f64650a7104580100000062710558060000"
         "006c6174696e31710686710752710887710952710a284b014b0285710b636e756d70790a64747970650a710c58020000"
         "004d38710d898887710e52710f284b0458010000003c71104e4e4e4affffffff4affffffff4b007d7111286804580200"
         "00006e73711268068671135271144b014b014b0174711586711674711762896804581200000000000000000000000000"
         "4fc291c2944e00007118680686711952711a74711b62680168024b0085711c680887711d52711e284b014b0285711f68"
         "0c58020000006d3871208988877121527122284b0468104e4e4e4affffffff4affffffff4b007d712328680458010000"
         "0073712468068671255271264b024b014b017471278671287471296289680458180000000300000000000000c3bfc3bf"
         "c3bfc3bfc3bfc3bfc3bfc3bf712a680686712b52712c74712d62652e",
         // protocol 3
         "80035d710028636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7101636e756d"
         "70790a6e6461727261790a71024b008571034301627104877105527106284b014b02857107636e756d70790a64747970"
         "650a710858020000004d387109898887710a52710b284b0458010000003c710c4e4e4e4affffffff4affffffff4b007d"
         "710d2843026e73710e4b014b014b0174710f86711074711162894310000000000000000000004f91944e000071127471"
         "1362680168024b008571146804877115527116284b014b02857117680858020000006d387118898887711952711a284b"
         "04680c4e4e4e4affffffff4affffffff4b007d711b28430173711c4b024b014b0174711d86711e74711f628943100300"
         "000000000000ffffffffffffffff712074712162652e",
         // protocol 4
         "8004950f010000000000005d94288c156e756d70792e636f72652e6d756c74696172726179948c0c5f7265636f6e7374"
         "727563749493948c056e756d7079948c076e6461727261799493944b0085944301629487945294284b014b0285946804"
         "8c0564747970659493948c024d3894898887945294284b048c013c944e4e4e4affffffff4affffffff4b007d94284302"
         "6e73944b014b014b0174948694749462894310000000000000000000004f91944e000094749462680368064b00859468"
         "0887945294284b014b028594680d8c026d3894898887945294284b0468114e4e4e4affffffff4affffffff4b007d9428"
         "430173944b024b014b01749486947494628943100300000000000000ffffffffffffffff94749462652e",
         // protocol 5
         "8005950f010000000000005d94288c156e756d70792e636f72652e6d756c74696172726179948c0c5f7265636f6e7374"
         "727563749493948c056e756d7079948c076e6461727261799493944b0085944301629487945294284b014b0285946804"
         "8c0564747970659493948c024d3894898887945294284b048c013c944e4e4e4affffffff4affffffff4b007d94284302"
         "6e73944b014b014b0174948694749462894310000000000000000000004f91944e000094749462680368064b00859468"
         "0887945294284b014b028594680d8c026d3894898887945294284b0468114e4e4e4affffffff4affffffff4b007d9428"
         "430173944b024b014b01749486947494628943100300000000000000ffffffffffffffff94749462652e",
     }},
    {"strings",
     {
         // protocol 0
         "286c70300a636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a70310a28636e75"
         "6d70790a6e6461727261790a70320a2849300a7470330a635f636f646563730a656e636f64650a70340a2856620a7035"
         "0a566c6174696e310a70360a7470370a5270380a7470390a527031300a2849310a2849320a747031310a636e756d7079"
         "0a64747970650a7031320a285653330a7031330a4930300a4930310a747031340a527031350a2849330a567c0a703136"
         "0a4e4e4e49330a49310a49300a747031370a624930300a67340a285661625c753030303078797a0a7031380a67360a74"
         "7031390a527032300a747032310a626167310a2867320a2849300a747032320a67380a747032330a527032340a284931"
         "0a2849320a747032350a6731320a285655320a7032360a4930300a4930310a747032370a527032380a2849330a563c0a"
         "7032390a4e4e4e49380a49340a49380a747033300a624930300a67340a2856685c75303030305c75303030305c753030"
         "3030e95c75303030305c75303030305c75303030307a5c75303030305c75303030305c75303030305c75303030305c75"
         "303030305c75303030305c75303030300a7033310a67360a747033320a527033330a747033340a626167310a2867320a"
         "2849300a747033350a67380a747033360a527033370a2849310a2849310a747033380a6731320a285656320a7033390a"
         "4930300a4930310a747034300a527034310a2849330a6731360a4e4e4e49320a49310a49300a747034320a624930300a"
         "67340a285601020a7034330a67360a747034340a527034350a747034360a62612e",
         // protocol 1
         "5d710028636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a710128636e756d70"
         "790a6e6461727261790a7102284b00747103635f636f646563730a656e636f64650a7104285801000000627105580600"
         "00006c6174696e31710674710752710874710952710a284b01284b0274710b636e756d70790a64747970650a710c2858"
         "020000005333710d4930300a4930310a74710e52710f284b0358010000007c71104e4e4e4b034b014b00747111624930"
         "300a680428580600000061620078797a71126806747113527114747115626801286802284b0074711668087471175271"
         "18284b01284b02747119680c2858020000005532711a4930300a4930310a74711b52711c284b0358010000003c711d4e"
         "4e4e4b084b044b0874711e624930300a680428581100000068000000c3a90000007a00000000000000711f6806747120"
         "527121747122626801286802284b007471236808747124527125284b01284b01747126680c2858020000005632712749"
         "30300a4930310a747128527129284b0368104e4e4e4b024b014b0074712a624930300a68042858020000000102712b68"
         "0674712c52712d74712e62652e",
         // protocol 2
         "80025d710028636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7101636e756d"
         "70790a6e6461727261790a71024b00857103635f636f646563730a656e636f64650a7104580100000062710558060000"
         "006c6174696e31710686710752710887710952710a284b014b0285710b636e756d70790a64747970650a710c58020000"
         "005333710d898887710e52710f284b0358010000007c71104e4e4e4b034b014b00747111628968045806000000616200"
         "78797a7112680686711352711474711562680168024b008571166808877117527118284b014b02857119680c58020000"
         "005532711a898887711b52711c284b0358010000003c711d4e4e4e4b084b044b0874711e628968045811000000680000"
         "00c3a90000007a00000000000000711f680686712052712174712262680168024b008571236808877124527125284b01"
         "4b01857126680c5802000000563271278988877128527129284b0368104e4e4e4b024b014b0074712a62896804580200"
         "00000102712b680686712c52712d74712e62652e",
         // protocol 3
         "80035d710028636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7101636e756d"
         "70790a6e6461727261790a71024b008571034301627104877105527106284b014b02857107636e756d70790a64747970"
         "650a7108580200000053337109898887710a52710b284b0358010000007c710c4e4e4e4b034b014b0074710d62894306"
         "61620078797a710e74710f62680168024b008571106804877111527112284b014b028571136808580200000055327114"
         "8988877115527116284b0358010000003c71174e4e4e4b084b044b087471186289431068000000e90000007a00000000"
         "000000711974711a62680168024b0085711b680487711c52711d284b014b0185711e680858020000005632711f898887"
         "7120527121284b03680c4e4e4e4b024b014b00747122628943020102712374712462652e",
         // protocol 4
         "80049514010000000000005d94288c156e756d70792e636f72652e6d756c74696172726179948c0c5f7265636f6e7374"
         "727563749493948c056e756d7079948c076e6461727261799493944b0085944301629487945294284b014b0285946804"
         "8c0564747970659493948c02533394898887945294284b038c017c944e4e4e4b034b014b007494628943066162007879"
         "7a94749462680368064b008594680887945294284b014b028594680d8c02553294898887945294284b038c013c944e4e"
         "4e4b084b044b0874946289431068000000e90000007a0000000000000094749462680368064b00859468088794529428"
         "4b014b018594680d8c02563294898887945294284b0368114e4e4e4b024b014b00749462894302010294749462652e",
         // protocol 5
         "800595f5000000000000005d94288c126e756d70792e636f72652e6e756d65726963948c0b5f66726f6d627566666572"
         "9493942896060000000000000061620078797a948c056e756d7079948c0564747970659493948c025333948988879452"
         "94284b038c017c944e4e4e4b034b014b007494624b0285948c0143947494529468032896100000000000000068000000"
         "e90000007a000000000000009468078c02553294898887945294284b038c013c944e4e4e4b084b044b087494624b0285"
         "94680e7494529468032896020000000000000001029468078c02563294898887945294284b03680b4e4e4e4b024b014b"
         "007494624b018594680e74945294652e",
     }},
    {"bigendian",
     {
         // protocol 0
         "636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a70300a28636e756d70790a6e"
         "6461727261790a70310a2849300a7470320a635f636f646563730a656e636f64650a70330a2856620a70340a566c6174"
         "696e310a70350a7470360a5270370a7470380a5270390a2849310a2849320a747031300a636e756d70790a6474797065"
         "0a7031310a285666380a7031320a4930300a4930310a747031330a527031340a2849330a563e0a7031350a4e4e4e492d"
         "310a492d310a49300a747031360a624930300a67330a28563ff85c75303030305c75303030305c75303030305c753030"
         "30305c75303030305c7530303030c05c75303030305c75303030305c75303030305c75303030305c75303030305c7530"
         "3030305c75303030300a7031370a67350a747031380a527031390a747032300a622e",
         // protocol 1
         "636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a710028636e756d70790a6e64"
         "61727261790a7101284b00747102635f636f646563730a656e636f64650a710328580100000062710458060000006c61"
         "74696e317105747106527107747108527109284b01284b0274710a636e756d70790a64747970650a710b285802000000"
         "6638710c4930300a4930310a74710d52710e284b0358010000003e710f4e4e4e4affffffff4affffffff4b0074711062"
         "4930300a68032858120000003fc3b8000000000000c3800000000000000071116805747112527113747114622e",
         // protocol 2
         "8002636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7100636e756d70790a6e"
         "6461727261790a71014b00857102635f636f646563730a656e636f64650a7103580100000062710458060000006c6174"
         "696e317105867106527107877108527109284b014b0285710a636e756d70790a64747970650a710b5802000000663871"
         "0c898887710d52710e284b0358010000003e710f4e4e4e4affffffff4affffffff4b007471106289680358120000003f"
         "c3b8000000000000c3800000000000000071116805867112527113747114622e",
         // protocol 3
         "8003636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7100636e756d70790a6e"
         "6461727261790a71014b008571024301627103877104527105284b014b02857106636e756d70790a64747970650a7107"
         "580200000066387108898887710952710a284b0358010000003e710b4e4e4e4affffffff4affffffff4b0074710c6289"
         "43103ff8000000000000c000000000000000710d74710e622e",
         // protocol 4
         "80049598000000000000008c156e756d70792e636f72652e6d756c74696172726179948c0c5f7265636f6e7374727563"
         "749493948c056e756d7079948c076e6461727261799493944b0085944301629487945294284b014b02859468038c0564"
         "747970659493948c02663894898887945294284b038c013e944e4e4e4affffffff4affffffff4b007494628943103ff8"
         "000000000000c000000000000000947494622e",
         // protocol 5
         "80059583000000000000008c126e756d70792e636f72652e6e756d65726963948c0b5f66726f6d627566666572949394"
         "289610000000000000003ff8000000000000c000000000000000948c056e756d7079948c0564747970659493948c0266"
         "3894898887945294284b038c013e944e4e4e4affffffff4affffffff4b007494624b0285948c014394749452942e",
     }},
    {"object",
     {
         // protocol 0
         "636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a70300a28636e756d70790a6e"
         "6461727261790a70310a2849300a7470320a635f636f646563730a656e636f64650a70330a2856620a70340a566c6174"
         "696e310a70350a7470360a5270370a7470380a5270390a2849310a2849320a49320a747031300a636e756d70790a6474"
         "7970650a7031310a28564f380a7031320a4930300a4930310a747031330a527031340a2849330a567c0a7031350a4e4e"
         "4e492d310a492d310a4936330a747031360a624930300a286c7031370a56610a7031380a614e61286c7031390a49310a"
         "6149320a616146322e350a61747032300a622e",
         // protocol 1
         "636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a710028636e756d70790a6e64"
         "61727261790a7101284b00747102635f636f646563730a656e636f64650a710328580100000062710458060000006c61"
         "74696e317105747106527107747108527109284b01284b024b0274710a636e756d70790a64747970650a710b28580200"
         "00004f38710c4930300a4930310a74710d52710e284b0358010000007c710f4e4e4e4affffffff4affffffff4b3f7471"
         "10624930300a5d71112858010000006171124e5d7113284b014b026547400400000000000065747114622e",
         // protocol 2
         "8002636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7100636e756d70790a6e"
         "6461727261790a71014b00857102635f636f646563730a656e636f64650a7103580100000062710458060000006c6174"
         "696e317105867106527107877108527109284b014b024b0286710a636e756d70790a64747970650a710b58020000004f"
         "38710c898887710d52710e284b0358010000007c710f4e4e4e4affffffff4affffffff4b3f74711062895d7111285801"
         "0000006171124e5d7113284b014b026547400400000000000065747114622e",
         // protocol 3
         "8003636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7100636e756d70790a6e"
         "6461727261790a71014b008571024301627103877104527105284b014b024b02867106636e756d70790a64747970650a"
         "710758020000004f387108898887710952710a284b0358010000007c710b4e4e4e4affffffff4affffffff4b3f74710c"
         "62895d710d28580100000061710e4e5d710f284b014b026547400400000000000065747110622e",
         // protocol 4
         "800495a1000000000000008c156e756d70792e636f72652e6d756c74696172726179948c0c5f7265636f6e7374727563"
         "749493948c056e756d7079948c076e6461727261799493944b0085944301629487945294284b014b024b02869468038c"
         "0564747970659493948c024f3894898887945294284b038c017c944e4e4e4affffffff4affffffff4b3f749462895d94"
         "288c0161944e5d94284b014b0265474004000000000000657494622e",
         // protocol 5
         "800595a1000000000000008c156e756d70792e636f72652e6d756c74696172726179948c0c5f7265636f6e7374727563"
         "749493948c056e756d7079948c076e6461727261799493944b0085944301629487945294284b014b024b02869468038c"
         "0564747970659493948c024f3894898887945294284b038c017c944e4e4e4affffffff4affffffff4b3f749462895d94"
         "288c0161944e5d94284b014b0265474004000000000000657494622e",
     }},
    {"scalars",
     {
         // protocol 0
         "286c70300a636e756d70792e636f72652e6d756c746961727261790a7363616c61720a70310a28636e756d70790a6474"
         "7970650a70320a285666380a70330a4930300a4930310a7470340a5270350a2849330a563c0a70360a4e4e4e492d310a"
         "492d310a49300a7470370a62635f636f646563730a656e636f64650a70380a28565c75303030305c75303030305c7530"
         "3030305c75303030305c75303030305c753030303004400a70390a566c6174696e310a7031300a747031310a52703132"
         "0a747031330a527031340a6167310a2867320a285669380a7031350a4930300a4930310a747031360a527031370a2849"
         "330a67360a4e4e4e492d310a492d310a49300a747031380a6267380a2856fdffffffffffffff0a7031390a6731300a74"
         "7032300a527032310a747032320a527032330a6167310a2867320a285662310a7032340a4930300a4930310a74703235"
         "0a527032360a2849330a567c0a7032370a4e4e4e492d310a492d310a49300a747032380a6267380a2856010a7032390a"
         "6731300a747033300a527033310a747033320a527033330a6167310a2867320a285666340a7033340a4930300a493031"
         "0a747033350a527033360a2849330a67360a4e4e4e492d310a492d310a49300a747033370a6267380a28565c75303030"
         "305c7530303030803e0a7033380a6731300a747033390a527034300a747034310a527034320a612e",
         // protocol 1
         "5d710028636e756d70792e636f72652e6d756c746961727261790a7363616c61720a710128636e756d70790a64747970"
         "650a7102285802000000663871034930300a4930310a747104527105284b0358010000003c71064e4e4e4affffffff4a"
         "ffffffff4b0074710762635f636f646563730a656e636f64650a71082858080000000000000000000440710958060000"
         "006c6174696e31710a74710b52710c74710d52710e68012868022858020000006938710f4930300a4930310a74711052"
         "7111284b0368064e4e4e4affffffff4affffffff4b00747112626808285810000000c3bdc3bfc3bfc3bfc3bfc3bfc3bf"
         "c3bf7113680a7471145271157471165271176801286802285802000000623171184930300a4930310a74711952711a28"
         "4b0358010000007c711b4e4e4e4affffffff4affffffff4b0074711c62680828580100000001711d680a74711e52711f"
         "7471205271216801286802285802000000663471224930300a4930310a747123527124284b0368064e4e4e4affffffff"
         "4affffffff4b007471256268082858050000000000c2803e7126680a74712752712874712952712a652e",
         // protocol 2
         "80025d710028636e756d70792e636f72652e6d756c746961727261790a7363616c61720a7101636e756d70790a647479"
         "70650a71025802000000663871038988877104527105284b0358010000003c71064e4e4e4affffffff4affffffff4b00"
         "74710762635f636f646563730a656e636f64650a710858080000000000000000000440710958060000006c6174696e31"
         "710a86710b52710c86710d52710e6801680258020000006938710f8988877110527111284b0368064e4e4e4affffffff"
         "4affffffff4b007471126268085810000000c3bdc3bfc3bfc3bfc3bfc3bfc3bfc3bf7113680a86711452711586711652"
         "711768016802580200000062317118898887711952711a284b0358010000007c711b4e4e4e4affffffff4affffffff4b"
         "0074711c626808580100000001711d680a86711e52711f86712052712168016802580200000066347122898887712352"
         "7124284b0368064e4e4e4affffffff4affffffff4b0074712562680858050000000000c2803e7126680a867127527128"
         "86712952712a652e",
         // protocol 3
         "80035d710028636e756d70792e636f72652e6d756c746961727261790a7363616c61720a7101636e756d70790a647479"
         "70650a71025802000000663871038988877104527105284b0358010000003c71064e4e4e4affffffff4affffffff4b00"
         "7471076243080000000000000440710886710952710a6801680258020000006938710b898887710c52710d284b036806"
         "4e4e4e4affffffff4affffffff4b0074710e624308fdffffffffffffff710f8671105271116801680258020000006231"
         "71128988877113527114284b0358010000007c71154e4e4e4affffffff4affffffff4b00747116624301017117867118"
         "5271196801680258020000006634711a898887711b52711c284b0368064e4e4e4affffffff4affffffff4b0074711d62"
         "43040000803e711e86711f527120652e",
         // protocol 4
         "80049503010000000000005d94288c156e756d70792e636f72652e6d756c74696172726179948c067363616c61729493"
         "948c056e756d7079948c0564747970659493948c02663894898887945294284b038c013c944e4e4e4affffffff4affff"
         "ffff4b00749462430800000000000004409486945294680368068c02693894898887945294284b03680a4e4e4e4affff"
         "ffff4affffffff4b007494624308fdffffffffffffff9486945294680368068c02623194898887945294284b038c017c"
         "944e4e4e4affffffff4affffffff4b007494624301019486945294680368068c02663494898887945294284b03680a4e"
         "4e4e4affffffff4affffffff4b0074946243040000803e9486945294652e",
         // protocol 5
         "80059503010000000000005d94288c156e756d70792e636f72652e6d756c74696172726179948c067363616c61729493"
         "948c056e756d7079948c0564747970659493948c02663894898887945294284b038c013c944e4e4e4affffffff4affff"
         "ffff4b00749462430800000000000004409486945294680368068c02693894898887945294284b03680a4e4e4e4affff"
         "ffff4affffffff4b007494624308fdffffffffffffff9486945294680368068c02623194898887945294284b038c017c"
         "944e4e4e4affffffff4affffffff4b007494624301019486945294680368068c02663494898887945294284b03680a4e"
         "4e4e4affffffff4affffffff4b0074946243040000803e9486945294652e",
     }},
    {"dtype",
     {
         // protocol 0
         "636e756d70790a64747970650a70300a285669320a70310a4930300a4930310a7470320a5270330a2849330a563e0a70"
         "340a4e4e4e492d310a492d310a49300a7470350a622e",
         // protocol 1
         "636e756d70790a64747970650a7100285802000000693271014930300a4930310a747102527103284b0358010000003e"
         "71044e4e4e4affffffff4affffffff4b00747105622e",
         // protocol 2
         "8002636e756d70790a64747970650a71005802000000693271018988877102527103284b0358010000003e71044e4e4e"
         "4affffffff4affffffff4b00747105622e",
         // protocol 3
         "8003636e756d70790a64747970650a71005802000000693271018988877102527103284b0358010000003e71044e4e4e"
         "4affffffff4affffffff4b00747105622e",
         // protocol 4
         "80049537000000000000008c056e756d7079948c0564747970659493948c02693294898887945294284b038c013e944e"
         "4e4e4affffffff4affffffff4b007494622e",
         // protocol 5
         "80059537000000000000008c056e756d7079948c0564747970659493948c02693294898887945294284b038c013e944e"
         "4e4e4affffffff4affffffff4b007494622e",
     }},
    {"shared",
     {
         // protocol 0
         "286c70300a636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a70310a28636e75"
         "6d70790a6e6461727261790a70320a2849300a7470330a635f636f646563730a656e636f64650a70340a2856620a7035"
         "0a566c6174696e310a70360a7470370a5270380a7470390a527031300a2849310a2849330a747031310a636e756d7079"
         "0a64747970650a7031320a285666380a7031330a4930300a4930310a747031340a527031350a2849330a563c0a703136"
         "0a4e4e4e492d310a492d310a49300a747031370a624930300a67340a28565c75303030305c75303030305c7530303030"
         "5c75303030305c75303030305c75303030305c75303030305c75303030305c75303030305c75303030305c7530303030"
         "5c75303030305c75303030305c7530303030f03f5c75303030305c75303030305c75303030305c75303030305c753030"
         "30305c75303030305c7530303030400a7031380a67360a747031390a527032300a747032310a626167310a2867320a28"
         "49300a747032320a67380a747032330a527032340a2849310a2849320a747032350a6731350a4930300a67340a28565c"
         "75303030305c75303030305c75303030305c75303030305c75303030305c7530303030f03f5c75303030305c75303030"
         "305c75303030305c75303030305c75303030305c7530303030f03f0a7032360a67360a747032370a527032380a747032"
         "390a6261636e756d70792e636f72652e6d756c746961727261790a7363616c61720a7033300a286731350a67340a2856"
         "5c75303030305c75303030305c75303030305c75303030305c75303030305c7530303030f83f0a7033310a67360a7470"
         "33320a527033330a747033340a527033350a6167310a2867320a2849300a747033360a67380a747033370a527033380a"
         "2849310a2849310a747033390a6731320a28564f380a7034300a4930300a4930310a747034310a527034320a2849330a"
         "567c0a7034330a4e4e4e492d310a492d310a4936330a747034340a624930300a286c7034350a56780a7034360a617470"
         "34370a626167310a2867320a2849300a747034380a67380a747034390a527035300a2849310a2849310a747035310a67"
         "34320a4930300a286c7035320a4e61747035330a62612e",
         // protocol 1
         "5d710028636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a710128636e756d70"
         "790a6e6461727261790a7102284b00747103635f636f646563730a656e636f64650a7104285801000000627105580600"
         "00006c6174696e31710674710752710874710952710a284b01284b0374710b636e756d70790a64747970650a710c2858"
         "020000006638710d4930300a4930310a74710e52710f284b0358010000003c71104e4e4e4affffffff4affffffff4b00"
         "747111624930300a68042858190000000000000000000000000000000000c3b03f000000000000004071126806747113"
         "527114747115626801286802284b007471166808747117527118284b01284b02747119680f4930300a68042858120000"
         "00000000000000c3b03f000000000000c3b03f711a680674711b52711c74711d62636e756d70792e636f72652e6d756c"
         "746961727261790a7363616c61720a711e28680f6804285809000000000000000000c3b83f711f680674712052712174"
         "71225271236801286802284b007471246808747125527126284b01284b01747127680c2858020000004f387128493030"
         "0a4930310a74712952712a284b0358010000007c712b4e4e4e4affffffff4affffffff4b3f74712c624930300a5d712d"
         "580100000078712e6174712f626801286802284b007471306808747131527132284b01284b01747133682a4930300a5d"
         "71344e6174713562652e",
         // protocol 2
         "80025d710028636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7101636e756d"
         "70790a6e6461727261790a71024b00857103635f636f646563730a656e636f64650a7104580100000062710558060000"
         "006c6174696e31710686710752710887710952710a284b014b0385710b636e756d70790a64747970650a710c58020000"
         "006638710d898887710e52710f284b0358010000003c71104e4e4e4affffffff4affffffff4b00747111628968045819"
         "0000000000000000000000000000000000c3b03f00000000000000407112680686711352711474711562680168024b00"
         "8571166808877117527118284b014b02857119680f8968045812000000000000000000c3b03f000000000000c3b03f71"
         "1a680686711b52711c74711d62636e756d70792e636f72652e6d756c746961727261790a7363616c61720a711e680f68"
         "045809000000000000000000c3b83f711f6806867120527121867122527123680168024b008571246808877125527126"
         "284b014b01857127680c58020000004f387128898887712952712a284b0358010000007c712b4e4e4e4affffffff4aff"
         "ffffff4b3f74712c62895d712d580100000078712e6174712f62680168024b008571306808877131527132284b014b01"
         "857133682a895d71344e6174713562652e",
         // protocol 3
         "80035d710028636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7101636e756d"
         "70790a6e6461727261790a71024b008571034301627104877105527106284b014b03857107636e756d70790a64747970"
         "650a7108580200000066387109898887710a52710b284b0358010000003c710c4e4e4e4affffffff4affffffff4b0074"
         "710d628943180000000000000000000000000000f03f0000000000000040710e74710f62680168024b00857110680487"
         "7111527112284b014b02857113680b894310000000000000f03f000000000000f03f711474711562636e756d70792e63"
         "6f72652e6d756c746961727261790a7363616c61720a7116680b4308000000000000f83f711786711852711968016802"
         "4b0085711a680487711b52711c284b014b0185711d680858020000004f38711e898887711f527120284b035801000000"
         "7c71214e4e4e4affffffff4affffffff4b3f74712262895d712358010000007871246174712562680168024b00857126"
         "6804877127527128284b014b018571296820895d712a4e6174712b62652e",
         // protocol 4
         "80049555010000000000005d94288c156e756d70792e636f72652e6d756c74696172726179948c0c5f7265636f6e7374"
         "727563749493948c056e756d7079948c076e6461727261799493944b0085944301629487945294284b014b0385946804"
         "8c0564747970659493948c02663894898887945294284b038c013c944e4e4e4affffffff4affffffff4b007494628943"
         "180000000000000000000000000000f03f000000000000004094749462680368064b008594680887945294284b014b02"
         "85946810894310000000000000f03f000000000000f03f9474946268018c067363616c61729493946810430800000000"
         "0000f83f9486945294680368064b008594680887945294284b014b018594680d8c024f3894898887945294284b038c01"
         "7c944e4e4e4affffffff4affffffff4b3f749462895d948c01789461749462680368064b008594680887945294284b01"
         "4b0185946826895d944e61749462652e",
         // protocol 5
         "80059570010000000000005d94288c126e756d70792e636f72652e6e756d65726963948c0b5f66726f6d627566666572"
         "949394289618000000000000000000000000000000000000000000f03f0000000000000040948c056e756d7079948c05"
         "64747970659493948c02663894898887945294284b038c013c944e4e4e4affffffff4affffffff4b007494624b038594"
         "8c01439474945294680328961000000000000000000000000000f03f000000000000f03f94680a4b028594680e749452"
         "948c156e756d70792e636f72652e6d756c74696172726179948c067363616c6172949394680a4308000000000000f83f"
         "948694529468158c0c5f7265636f6e73747275637494939468058c076e6461727261799493944b008594430162948794"
         "5294284b014b01859468078c024f3894898887945294284b038c017c944e4e4e4affffffff4affffffff4b3f74946289"
         "5d948c01789461749462681c681e4b008594682087945294284b014b0185946826895d944e61749462652e",
     }},
};

// ---- Builder values dumped as numpy pickles them ------------------------------------------------

struct BuilderCase {
  const char* name;
  const char* python;  // the value numpy pickled for kNumpyPickles
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
    auto want = kNumpyPickles.find(c.name);
    ASSERT_NE(want, kNumpyPickles.end());
    ASSERT_EQ(want->second.size(), 6u);
    Document doc;
    Builder b = doc.builder();
    Value v = c.build(b);
    for (int p = 0; p <= 5; ++p) {
      DumpOptions o;
      o.protocol = p;
      EXPECT_EQ(hex_of(dump(v, o)), want->second[p]) << "protocol " << p;
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
