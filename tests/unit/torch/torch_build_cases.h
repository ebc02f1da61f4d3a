// The Builder cases of tools/fixturegen/torch_write.py (BUILD_CASES) made in C++ with the public
// API only: the unit tests compare what torch::dump writes for them with the files torch.save wrote
// (fixtures/torch-write/), and tests/interop/torch_writer.cc writes them for torch.load itself.
#pragma once

#include <picklejar/picklejar.h>
#include <picklejar/torch.h>

#include <complex>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace picklejar::torch_test {

namespace pt = picklejar::torch;

// torch.arange(n).to(dtype)'s elements, little-endian.
inline std::vector<uint8_t> arange_bytes(pt::DType t, int n) {
  std::vector<uint8_t> out;
  auto put = [&](const auto& v) {
    const auto* p = reinterpret_cast<const uint8_t*>(&v);
    out.insert(out.end(), p, p + sizeof v);
  };
  for (int k = 0; k < n; ++k) {
    float f = static_cast<float>(k);
    uint32_t fbits;
    std::memcpy(&fbits, &f, 4);
    switch (t) {
      case pt::DType::kFloat32: put(f); break;
      case pt::DType::kFloat64: put(static_cast<double>(k)); break;
      case pt::DType::kFloat16: {  // small ints are exact: exponent and the float32 mantissa's top 10 bits
        uint16_t h = k == 0 ? 0 : static_cast<uint16_t>((((fbits >> 23) & 0xff) - 127 + 15) << 10 | ((fbits >> 13) & 0x3ff));
        put(h);
        break;
      }
      case pt::DType::kBFloat16: put(static_cast<uint16_t>(fbits >> 16)); break;
      case pt::DType::kInt64: put(static_cast<int64_t>(k)); break;
      case pt::DType::kInt32: put(static_cast<int32_t>(k)); break;
      case pt::DType::kInt16: put(static_cast<int16_t>(k)); break;
      case pt::DType::kInt8: put(static_cast<int8_t>(k)); break;
      case pt::DType::kUInt8: put(static_cast<uint8_t>(k)); break;
      case pt::DType::kBool: put(static_cast<uint8_t>(k != 0)); break;
      case pt::DType::kComplex64: put(std::complex<float>(f, 0)); break;
      case pt::DType::kComplex128: put(std::complex<double>(k, 0)); break;
    }
  }
  return out;
}

inline picklejar::Value arange(picklejar::Builder& b, int n, const std::vector<int64_t>& shape,
                               pt::DType t = pt::DType::kFloat32) {
  std::vector<uint8_t> bytes = arange_bytes(t, n);
  return pt::make_tensor(b, t, shape, ByteView(bytes.data(), bytes.size()));
}

inline picklejar::Value build_case(picklejar::Builder& b, const std::string& name) {
  using picklejar::Value;
  if (name == "b_dtypes") {
    Value od = pt::make_ordered_dict(b);
    for (int i = 0; i <= static_cast<int>(pt::DType::kComplex128); ++i) {
      auto t = static_cast<pt::DType>(i);
      b.set_item(pt::as_dict(od), b.str(pt::dtype_name(t)), arange(b, 4, {4}, t));
    }
    return od;
  }
  if (name == "b_views") {
    std::vector<uint8_t> bytes = arange_bytes(pt::DType::kFloat32, 24);
    Value st = pt::make_storage(b, pt::DType::kFloat32, ByteView(bytes.data(), bytes.size()));
    Value base = pt::make_tensor(b, st, {4, 6});
    return b.dict({{b.str("base"), base},
                   {b.str("row"), pt::make_tensor(b, st, {6}, {1}, 6)},
                   {b.str("slice"), pt::make_tensor(b, st, {2, 3}, {6, 1}, 8)},
                   {b.str("t"), pt::make_tensor(b, st, {6, 4}, {1, 6})},
                   {b.str("strided"), pt::make_tensor(b, st, {4, 3}, {6, 2})},
                   {b.str("tail"), pt::make_tensor(b, st, {4}, {1}, 20)},
                   {b.str("alias"), base}});
  }
  if (name == "b_scalars_empty") {
    float two = 2.0f;
    int64_t seven = 7;
    uint8_t yes = 1;
    auto bytes = [](const auto& v) { return ByteView(reinterpret_cast<const uint8_t*>(&v), sizeof v); };
    return b.dict({{b.str("f0d"), pt::make_tensor(b, pt::DType::kFloat32, {}, bytes(two))},
                   {b.str("i0d"), pt::make_tensor(b, pt::DType::kInt64, {}, bytes(seven))},
                   {b.str("b0d"), pt::make_tensor(b, pt::DType::kBool, {}, bytes(yes))},
                   {b.str("empty"), pt::make_tensor(b, pt::DType::kFloat32, {0}, ByteView())},
                   {b.str("empty_0x3"), pt::make_tensor(b, pt::DType::kFloat32, {0, 3}, ByteView())},
                   {b.str("empty_2x0"), pt::make_tensor(b, pt::DType::kInt32, {2, 0}, ByteView())}});
  }
  if (name == "b_parameters") {
    Value w = arange(b, 6, {2, 3});
    return b.dict({{b.str("weight"), pt::make_parameter(b, w)},
                   {b.str("frozen"), pt::make_parameter(b, arange(b, 2, {2}, pt::DType::kFloat64), false)},
                   {b.str("grad"), [&] {
                      std::vector<uint8_t> g = arange_bytes(pt::DType::kFloat32, 3);
                      return pt::make_tensor(b, pt::DType::kFloat32, {3}, ByteView(g.data(), g.size()), true);
                    }()},
                   {b.str("data"), w}});
  }
  if (name == "b_state_dict") {
    Value sd = pt::make_ordered_dict(b, {{b.str("weight"), arange(b, 12, {3, 4})}, {b.str("bias"), arange(b, 3, {3})}});
    Value meta = pt::make_ordered_dict(b, {{b.str(""), b.dict({{b.str("version"), b.integer(1)}})}});
    b.set_state(sd, b.dict({{b.str("_metadata"), meta}}));
    return sd;
  }
  if (name == "b_checkpoint") {
    Value model = pt::make_ordered_dict(b, {{b.str("0.weight"), arange(b, 6, {3, 2})}, {b.str("0.bias"), arange(b, 3, {3})}});
    Value mb = b.str("momentum_buffer");  // one str in Python (an interned literal): one memo entry
    Value state = b.dict({{b.integer(0), b.dict({{mb, arange(b, 6, {3, 2})}})},
                          {b.integer(1), b.dict({{mb, arange(b, 3, {3})}})}});
    Value groups = b.list({b.dict({{b.str("lr"), b.float64(0.1)},
                                   {b.str("momentum"), b.float64(0.9)},
                                   {b.str("params"), b.list({b.integer(0), b.integer(1)})}})});
    Value opt = b.dict({{b.str("state"), state}, {b.str("param_groups"), groups}});
    return b.dict({{b.str("epoch"), b.integer(3)},
                   {b.str("model"), model},
                   {b.str("optimizer"), opt},
                   {b.str("loss"), b.float64(0.25)},
                   {b.str("note"), b.none()}});
  }
  if (name == "b_digit_keys") {
    Value t0 = arange(b, 2, {2}), t1 = arange(b, 3, {3}, pt::DType::kInt64);
    return b.dict({{b.str("0"), t0}, {b.str("1"), t1}, {b.str("2"), b.list({t0, b.str("0"), b.str("1")})}});
  }
  if (name == "b_many") {
    Value l = b.list();
    for (int k = 0; k < 12; ++k) b.append(l, arange(b, k + 1, {k + 1}));
    return l;
  }
  throw std::runtime_error("no build case " + name);
}

inline const char* const kBuildCases[] = {"b_dtypes",     "b_views",      "b_scalars_empty", "b_parameters",
                                          "b_state_dict", "b_checkpoint", "b_digit_keys",    "b_many"};

}  // namespace picklejar::torch_test
