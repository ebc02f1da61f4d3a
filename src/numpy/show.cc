// numpy values in the `show` form: a summary (dtype, shape, the first elements) instead of the
// objects they were pickled as (the ShowTyped seam of model/print.h).
#include "numpy/show.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "numpy/numpy.h"
#include "picklejar/print.h"

namespace picklejar::internal {
namespace {

// numpy values: a summary (dtype, shape, the first elements) instead of their pickled form.
std::string element_text(const DTypeData& t, const uint8_t* p) {
  auto load = [&](auto v) { return load_unaligned<decltype(v)>(p); };
  bool native = t.byteorder != (native_order() == '<' ? '>' : '<');
  if (!native) return "?";
  switch (t.kind) {
    case 'b': return p[0] ? "True" : "False";
    case 'i':
      if (t.itemsize == 1) return std::to_string(load(int8_t{}));
      if (t.itemsize == 2) return std::to_string(load(int16_t{}));
      if (t.itemsize == 4) return std::to_string(load(int32_t{}));
      if (t.itemsize == 8) return std::to_string(load(int64_t{}));
      break;
    case 'u':
      if (t.itemsize == 1) return std::to_string(load(uint8_t{}));
      if (t.itemsize == 2) return std::to_string(load(uint16_t{}));
      if (t.itemsize == 4) return std::to_string(load(uint32_t{}));
      if (t.itemsize == 8) return std::to_string(load(uint64_t{}));
      break;
    case 'f':
      if (t.itemsize == 8) return float_repr(load(double{}));
      if (t.itemsize == 4) return float_repr(static_cast<double>(load(float{})));
      break;
    default: break;
  }
  return "?";
}
std::string scalar_type_name(const DTypeData& t) {
  switch (t.kind) {
    case 'b': return "bool_";
    case 'i': return "int" + std::to_string(t.itemsize * 8);
    case 'u': return "uint" + std::to_string(t.itemsize * 8);
    case 'f': return "float" + std::to_string(t.itemsize * 8);
    case 'c': return "complex" + std::to_string(t.itemsize * 8);
    case 'S': return "bytes_";
    case 'U': return "str_";
    case 'M': return "datetime64";
    case 'm': return "timedelta64";
    default: return "void";
  }
}

}  // namespace

ShowTyped::Text NumpyShow::show(const DocumentImpl& d_, uint32_t id) const {
  Text out;
  std::string& buf_ = out.head;
  switch (d_.tag(id)) {
    case kTagDType:
      buf_ += "dtype('" + dtype_str(d_, id) + "')";
      return out;
    case kTagScalar: {
      const auto& sc = d_.scalar(id);
      const auto& t = d_.dtype(sc.dtype);
      buf_ += "numpy." + scalar_type_name(t) + "(";
      std::string v = element_text(t, sc.data);
      if (v == "?") {
        py_bytes_repr(buf_, sc.data, std::min<uint64_t>(sc.nbytes, kShowMaxBytes), sc.nbytes);
      } else {
        buf_ += v;
      }
      buf_ += ")";
      return out;
    }
    case kTagArray: {
      const auto& a = d_.array(id);
      const auto& t = d_.dtype(a.dtype);
      buf_ += "ndarray(dtype='" + dtype_str(d_, a.dtype) + "', shape=(";
      for (size_t i = 0; i < a.shape.size(); ++i) {
        if (i) buf_ += ", ";
        buf_ += std::to_string(a.shape[i]);
      }
      if (a.shape.size() == 1) buf_ += ",";
      buf_ += ")";
      if (a.fortran && a.shape.size() > 1) buf_ += ", order='F'";
      if (a.cls != kNoNode && !(global_name(d_.node(a.cls)) == "numpy.ndarray"))
        buf_ += ", class=" + global_name(d_.node(a.cls));
      if (a.items != kNoNode) {
        buf_ += ", items=";
        out.then = a.items;
        out.tail = ")";
        return out;
      }
      // The first elements in C order.
      uint64_t count = t.itemsize ? a.nbytes / t.itemsize : 0;
      if (count && element_text(t, a.data) != "?") {
        uint64_t shown = std::min<uint64_t>(count, 8);
        std::vector<uint8_t> c = array_c_order_bytes(d_, a, shown);
        buf_ += ", data=[";
        for (uint64_t i = 0; i < shown; ++i) {
          if (i) buf_ += ", ";
          buf_ += element_text(t, c.data() + i * t.itemsize);
        }
        if (shown < count) buf_ += ", ... (" + std::to_string(count) + " values)";
        buf_ += "]";
      } else {
        buf_ += ", " + std::to_string(a.nbytes) + " bytes";
      }
      buf_ += ")";
      return out;
    }
    default: return out;
  }
}

const ShowTyped& numpy_show() {
  static const NumpyShow show;
  return show;
}

}  // namespace picklejar::internal
