// numpy arrays as their values (`json --arrays values`): the nested lists ndarray.tolist() gives,
// each element as the Python object tolist() makes from it, printed as the JSON writer prints that
// object (docs/JSON.md "Array values"). Dtypes whose tolist() elements JSON.md cannot express
// (datetime64/timedelta64: datetime objects; longdouble: numpy scalars; structured: tuples of
// those) keep the faithful form.
#include "numpy/json_values.h"

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "base/byte_order.h"
#include "base/half_float.h"
#include "base/utf8.h"
#include "numpy/numpy.h"

namespace picklejar::internal {
namespace {

// Whether every element of `t` becomes a value JSON.md can print (see the file comment).
bool has_values_form(const DTypeData& t) {
  if (!t.fields.empty() || t.sub_base != kNoNode) return false;
  switch (t.kind) {
    case 'b': return t.itemsize == 1;
    case 'i':
    case 'u': return t.itemsize == 1 || t.itemsize == 2 || t.itemsize == 4 || t.itemsize == 8;
    case 'f': return t.itemsize == 2 || t.itemsize == 4 || t.itemsize == 8;
    case 'c': return t.itemsize == 8 || t.itemsize == 16;
    case 'S':
    case 'U':
    case 'V': return true;
    default: return false;
  }
}

double float_at(const uint8_t* p, uint64_t size) {
  if (size == 2) return half_to_double(load_unaligned<uint16_t>(p));
  if (size == 4) return static_cast<double>(load_unaligned<float>(p));
  return load_unaligned<double>(p);
}

// One native-order element as the JSON writer prints the Python object tolist() makes of it;
// false for a str element Python could not hold (a code point past U+10FFFF).
bool element_json(std::string& out, const DTypeData& t, const uint8_t* p) {
  switch (t.kind) {
    case 'b': out += p[0] ? "true" : "false"; return true;
    case 'i':
      if (t.itemsize == 1) out += std::to_string(load_unaligned<int8_t>(p));
      if (t.itemsize == 2) out += std::to_string(load_unaligned<int16_t>(p));
      if (t.itemsize == 4) out += std::to_string(load_unaligned<int32_t>(p));
      if (t.itemsize == 8) out += std::to_string(load_unaligned<int64_t>(p));
      return true;
    case 'u':
      if (t.itemsize == 1) out += std::to_string(load_unaligned<uint8_t>(p));
      if (t.itemsize == 2) out += std::to_string(load_unaligned<uint16_t>(p));
      if (t.itemsize == 4) out += std::to_string(load_unaligned<uint32_t>(p));
      if (t.itemsize == 8) out += std::to_string(load_unaligned<uint64_t>(p));
      return true;
    case 'f': json_float(out, float_at(p, t.itemsize)); return true;
    case 'c':
      out += "{\"$complex\":[";
      json_float(out, float_at(p, t.itemsize / 2));
      out += ',';
      json_float(out, float_at(p + t.itemsize / 2, t.itemsize / 2));
      out += "]}";
      return true;
    case 'S':
    case 'V': {
      // numpy's bytes_ scalar drops trailing NULs; an unstructured void's item() keeps them.
      uint64_t n = t.itemsize;
      if (t.kind == 'S') {
        while (n && p[n - 1] == 0) --n;
      }
      out += "{\"$bytes\":\"";
      hex_bytes(out, p, n);
      out += "\"}";
      return true;
    }
    case 'U': {
      uint64_t n = t.itemsize / 4;
      while (n && load_unaligned<uint32_t>(p + 4 * (n - 1)) == 0) --n;
      std::string text;
      for (uint64_t i = 0; i < n; ++i) {
        uint32_t cp = load_unaligned<uint32_t>(p + 4 * i);
        if (cp > 0x10FFFF) return false;
        append_utf8(text, cp);
      }
      json_string(out, text);
      return true;
    }
    default: return false;
  }
}

// Writes the nested lists of `shape` in C order into text(); emit(i) writes the i-th element.
template <class Text, class Emit>
bool nest(const std::vector<int64_t>& shape, size_t dim, uint64_t& index, Text& text, Emit& emit) {
  if (dim == shape.size()) return emit(index++);
  text() += '[';
  for (int64_t k = 0; k < shape[dim]; ++k) {
    if (k) text() += ',';
    if (!nest(shape, dim + 1, index, text, emit)) return false;
  }
  text() += ']';
  return true;
}

}  // namespace

void check_empty_lists(const std::vector<int64_t>& shape, const Limits& limits, uint64_t offset) {
  uint64_t lists = 1, level = 1;
  bool over = false;
  for (size_t i = 0; i < shape.size() && shape[i] != 0 && !over; ++i)
    over = shape[i] < 0 || !checked_mul(level, static_cast<uint64_t>(shape[i]), &level) ||
           __builtin_add_overflow(lists, level, &lists);
  if (over || lists > limits.max_memory_bytes / 3)
    throw_error(ErrorCode::kLimitExceeded,
                "an array of no elements whose shape names more empty lists than Limits::max_memory_bytes holds as JSON text",
                offset);
}

bool NumpyJsonValues::json(const DocumentImpl& d, uint32_t id, std::vector<Piece>& out) const {
  if (d.tag(id) != kTagArray) return false;
  const ArrayData& a = d.array(id);
  const DTypeData& t = d.dtype(a.dtype);
  uint64_t count = 1;
  for (int64_t n : a.shape) {
    if (n < 0 || !checked_mul(count, static_cast<uint64_t>(n), &count)) return false;
  }
  if (count == 0) check_empty_lists(a.shape, d.limits(), d.node(id).offset);
  std::vector<Piece> pieces(1);
  uint64_t index = 0;
  auto text = [&]() -> std::string& { return pieces.back().text; };
  if (t.kind == 'O') {
    if (a.items == kNoNode || d.item_count(a.items) != count) return false;
    const uint32_t* items = d.items(a.items);
    auto emit = [&](uint64_t i) {
      pieces.back().then = items[i];
      pieces.emplace_back();
      return true;
    };
    if (!nest(a.shape, 0, index, text, emit)) return false;
  } else {
    if (!has_values_form(t)) return false;
    uint64_t want;
    if (!checked_mul(count, t.itemsize, &want) || want > a.nbytes) return false;
    std::vector<uint8_t> c = array_c_order_bytes(d, a);
    if (c.size() < want) return false;
    if (t.byteorder == (native_order() == '<' ? '>' : '<')) swap_elements(c.data(), c.size(), swap_unit(t.kind, t.itemsize));
    // TODO(perf): the whole array's text is one piece; a huge array could be written in chunks.
    auto emit = [&](uint64_t i) { return element_json(text(), t, c.data() + i * t.itemsize); };
    if (!nest(a.shape, 0, index, text, emit)) return false;
  }
  for (Piece& p : pieces) out.push_back(std::move(p));
  return true;
}

const JsonTyped& numpy_json_values() {
  static const NumpyJsonValues values;
  return values;
}

}  // namespace picklejar::internal
