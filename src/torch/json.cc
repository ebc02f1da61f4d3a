// Tensors as their values (`json --arrays values` of a torch file): the nested lists
// tensor.tolist() gives, elements as docs/JSON.md "Array values" prints numpy's (bfloat16 like
// float16: a float); every other typed value as numpy's writer prints it.
#include <cstring>
#include <string>
#include <vector>

#include "base/byte_order.h"
#include "base/half_float.h"
#include "model/print.h"
#include "numpy/json_values.h"
#include "numpy/numpy.h"
#include "torch/tensor.h"
#include "torch/torch.h"

namespace picklejar::internal {
namespace {

void element_json(std::string& out, torch::DType dtype, const uint8_t* p) {
  using torch::DType;
  switch (dtype) {
    case DType::kFloat32: json_float(out, load_unaligned<float>(p)); return;
    case DType::kFloat64: json_float(out, load_unaligned<double>(p)); return;
    case DType::kFloat16: json_float(out, half_to_double(load_unaligned<uint16_t>(p))); return;
    case DType::kBFloat16: json_float(out, bfloat16_to_double(load_unaligned<uint16_t>(p))); return;
    case DType::kInt64: out += std::to_string(load_unaligned<int64_t>(p)); return;
    case DType::kInt32: out += std::to_string(load_unaligned<int32_t>(p)); return;
    case DType::kInt16: out += std::to_string(load_unaligned<int16_t>(p)); return;
    case DType::kInt8: out += std::to_string(load_unaligned<int8_t>(p)); return;
    case DType::kUInt8: out += std::to_string(p[0]); return;
    case DType::kBool: out += p[0] ? "true" : "false"; return;
    case DType::kComplex64:
    case DType::kComplex128: {
      bool wide = dtype == DType::kComplex128;
      out += "{\"$complex\":[";
      json_float(out, wide ? load_unaligned<double>(p) : load_unaligned<float>(p));
      out += ",";
      json_float(out, wide ? load_unaligned<double>(p + 8) : load_unaligned<float>(p + 4));
      out += "]}";
      return;
    }
  }
}

class TorchJsonValues final : public JsonTyped {
 public:
  bool json(const DocumentImpl& d, uint32_t id, std::vector<Piece>& out) const override {
    if (d.tag(id) != kTagTensor) return numpy_json_values().json(d, id, out);
    const TensorData& t = d.tensor(id);
    const TorchStorageData& s = d.torch_storage(t.storage);
    auto dtype = static_cast<torch::DType>(s.dtype);
    std::vector<uint8_t> bytes = tensor_row_major(d, t);
    std::string text;
    // Row-major walk: open a list per dimension, close them as indices wrap.
    size_t nd = t.shape.size();
    std::vector<int64_t> idx(nd, 0);
    uint64_t k = 0, numel = tensor_numel(t);
    if (nd == 0) {
      element_json(text, dtype, bytes.data());
    } else if (numel == 0) {
      // Lists down to the first empty dimension: (2, 0) is [[], []], (0, 3) is [].
      std::string inner = "[]";
      size_t zero = 0;
      while (t.shape[zero] != 0) ++zero;
      check_empty_lists(t.shape, d.limits(), d.node(id).offset);
      for (size_t i = zero; i-- > 0;) {
        std::string outer = "[";
        for (int64_t j = 0; j < t.shape[i]; ++j) outer += (j ? "," : "") + inner;
        inner = outer + "]";
      }
      text = inner;
    } else {
      text.append(nd, '[');
      for (;;) {
        element_json(text, dtype, bytes.data() + k * s.itemsize);
        ++k;
        size_t i = nd;
        while (i-- > 0 && ++idx[i] == t.shape[i]) {
          idx[i] = 0;
          text += ']';
        }
        if (k == numel) break;
        text += ',';
        text.append(nd - 1 - i, '[');
      }
    }
    out.push_back(Piece{std::move(text), kNoNode});
    return true;
  }
};

}  // namespace

const JsonTyped& torch_json_values() {
  static const TorchJsonValues values;
  return values;
}

}  // namespace picklejar::internal
