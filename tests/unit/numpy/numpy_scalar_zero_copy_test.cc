// numpy support: scalars, zero-copy guarantees (in-band, out-of-band, a 1 GiB out-of-band array)
// and the tutorial model's arrays (fixtures/sklearn/model.pkl).
#include <gtest/gtest.h>
#include <picklejar/picklejar.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "numpy_test_util.h"

namespace picklejar {
namespace {

using namespace numpy_test;

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
  // pickle.dumps(np.zeros(2**27), 5, buffer_callback=lambda b: False), by tools/fixturegen/pickler_cases.py
  EXPECT_EQ(pickle, read_bytes(kFixtures / "pickler/numpy/zeros_2_27_oob.p5.pkl"));

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

}  // namespace
}  // namespace picklejar
