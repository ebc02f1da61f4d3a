// Reading joblib files (FORMATS.md §3): detect compression by magic, decompress as a stream, run
// the unpickler with a BUILD hook that, after each NumpyArrayWrapper, reads the spliced array bytes
// straight into the array's final block (or points into the mapped file), and after the legacy
// NDArrayWrapper / ZNDArrayWrapper reads the side file.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <algorithm>
#include <ostream>
#include <unordered_set>

#include "codec/codec.h"
#include "io/byte_reader.h"
#include "joblib/wrapper.h"
#include "model/document_impl.h"
#include "numpy/numpy.h"
#include "pickle/disassembler.h"
#include "pickle/unpickler.h"
#include "picklejar/joblib.h"

namespace picklejar::joblib {

using internal::ByteReader;
using internal::DocumentImpl;
using internal::kNoNode;
using internal::Source;
using internal::throw_error;

namespace {

std::string_view text(const DocumentImpl& d, uint32_t id) {
  const internal::Node& n = d.node(id);
  return {reinterpret_cast<const char*>(n.u.bytes.ptr), static_cast<size_t>(n.u.bytes.len)};
}

bool is_global(const DocumentImpl& d, uint32_t id, std::string_view module, std::string_view name) {
  const internal::Node& n = d.node(id);
  if (n.kind != Kind::kGlobal) return false;
  std::string_view all = text(d, id);
  return all.substr(0, n.aux) == module && all.substr(n.aux) == name;
}

// A state dict lookup by a str key, also accepting bytes keys (Python 2 files loaded with
// encoding='bytes'). Returns kNoNode when absent.
uint32_t state_get(const DocumentImpl& d, uint32_t dict, std::string_view key) {
  if (d.node(dict).kind != Kind::kDict) return kNoNode;
  const uint32_t* items = d.items(dict);
  for (uint32_t i = 0, n = d.item_count(dict); i < n; ++i) {
    const internal::Node& k = d.node(items[2 * i]);
    if ((k.kind == Kind::kStr || k.kind == Kind::kBytes) && text(d, items[2 * i]) == key) return items[2 * i + 1];
  }
  return kNoNode;
}

std::optional<std::vector<int64_t>> shape_of(const DocumentImpl& d, uint32_t id) {
  if (id == kNoNode) return std::nullopt;
  std::vector<int64_t> shape;
  const internal::Node& n = d.node(id);
  if (n.kind == Kind::kInt && !(n.flags & internal::kFlagBigInt)) {
    if (n.u.i < 0) return std::nullopt;
    return std::vector<int64_t>{n.u.i};
  }
  if (n.kind != Kind::kTuple) return std::nullopt;
  uint32_t c = id == internal::kEmptyTupleNode ? 0 : d.item_count(id);
  for (uint32_t i = 0; i < c; ++i) {
    const internal::Node& e = d.node(d.items(id)[i]);
    if (e.kind != Kind::kInt || (e.flags & internal::kFlagBigInt) || e.u.i < 0) return std::nullopt;
    shape.push_back(e.u.i);
  }
  return shape;
}

uint64_t checked_bytes(const std::vector<int64_t>& shape, uint64_t itemsize, uint64_t offset) {
  uint64_t n = 1;
  for (int64_t s : shape)
    if (!internal::checked_mul(n, static_cast<uint64_t>(s), &n))
      throw_error(ErrorCode::kBadLength, "joblib array shape overflows", offset);
  if (!internal::checked_mul(n, itemsize, &n)) throw_error(ErrorCode::kBadLength, "joblib array size overflows", offset);
  return n;
}

// Bytes from a reader into a document block, or a pointer into memory for memory readers.
const uint8_t* read_payload(DocumentImpl& d, ByteReader& in, uint64_t n, uint64_t offset) {
  if (auto left = in.remaining(); left && *left < n)
    throw_error(ErrorCode::kTruncated,
                "joblib array needs " + std::to_string(n) + " bytes, " + std::to_string(*left) + " left", offset);
  if (n > d.limits().max_memory_bytes)
    throw_error(ErrorCode::kLimitExceeded, "joblib array of " + std::to_string(n) + " bytes passes Limits::max_memory_bytes",
                offset);
  if (in.stable()) {
    size_t available = 0;
    const uint8_t* p = in.take(static_cast<size_t>(n), &available);
    if (!p) throw_error(ErrorCode::kTruncated, "joblib array data is cut short", offset);
    return p;
  }
  uint8_t* block = d.alloc_bytes(static_cast<size_t>(n));  // pages are touched only as data arrives
  if (!in.read_into(block, static_cast<size_t>(n)))
    throw_error(in.hit_limit() ? ErrorCode::kLimitExceeded : ErrorCode::kTruncated, "joblib array data is cut short",
                offset);
  d.check_memory(offset);
  return block;
}

// ---- joblib's _ensure_native_byte_order: array.byteswap().newbyteorder('=') for an array whose
// dtype is in the other byte order, or is structured with *all* fields in the other byte order (any
// '|' field, nested structure or subarray field leaves it as it is). newbyteorder makes a new dtype
// object each time (never numpy's builtin singleton, unlike the byte swap numpy's own unpickling
// does), so the swap is done here, before make_array sees the array.

char host_order() {
  uint16_t x = 1;
  uint8_t b;
  std::memcpy(&b, &x, 1);
  return b ? '<' : '>';
}

bool foreign_struct(const DocumentImpl& d, uint32_t dtype) {
  const internal::DTypeData& t = d.dtype(dtype);
  if (t.byteorder != '|' || t.fields.empty() || t.sub_base != kNoNode || t.has_object) return false;
  char other = host_order() == '<' ? '>' : '<';
  for (const internal::FieldData& f : t.fields)
    if (d.dtype(f.dtype).byteorder != other) return false;
  return true;
}

// The dtype newbyteorder('=') makes (numpy's PyArray_DescrNewByteorder): a new dtype object with a
// new fields dict holding a new native dtype per field; the names tuple, field names, offsets and
// titles are the old objects, and title keys are dropped from the dict (numpy skips them).
uint32_t native_struct_dtype(DocumentImpl& d, uint32_t dtype, uint64_t offset) {
  const internal::ObjectData old = d.object(dtype);  // a copy: adding nodes may move the table
  uint32_t state = old.state;
  if (state == kNoNode || d.node(state).kind != Kind::kTuple || state == internal::kEmptyTupleNode) return dtype;
  std::vector<uint32_t> items(d.items(state), d.items(state) + d.item_count(state));
  size_t fields_at = items.size() >= 7 ? 4 : items.size() == 6 ? 3 : 2;
  if (items.size() < 5 || d.node(items[fields_at]).kind != Kind::kDict) return dtype;
  uint32_t old_fields = items[fields_at];
  std::vector<uint32_t> pairs(d.items(old_fields), d.items(old_fields) + 2 * d.item_count(old_fields));
  uint32_t fields = d.add_container(Kind::kDict, offset);
  for (size_t i = 0; i < pairs.size(); i += 2) {
    uint32_t key = pairs[i], spec = pairs[i + 1];
    if (d.node(spec).kind != Kind::kTuple || spec == internal::kEmptyTupleNode || d.item_count(spec) < 2) continue;
    std::vector<uint32_t> parts(d.items(spec), d.items(spec) + d.item_count(spec));
    if (parts.size() == 3 && (parts[2] == key || (d.node(parts[2]).kind == d.node(key).kind &&
                                                  (d.node(key).kind == Kind::kStr || d.node(key).kind == Kind::kBytes) &&
                                                  text(d, parts[2]) == text(d, key))))
      continue;  // a title's entry
    if (d.tag(parts[0]) != internal::kTagDType) continue;
    internal::DTypeData native = d.dtype(parts[0]);
    native.byteorder = host_order();
    parts[0] = internal::make_dtype(d, native);
    uint32_t tuple = d.add_container(Kind::kTuple, offset);
    d.append_items(tuple, parts.data(), parts.size());
    d.set_dict_item(fields, key, tuple);
  }
  items[fields_at] = fields;
  std::vector<uint32_t> args;
  if (old.args != kNoNode && old.args != internal::kEmptyTupleNode)
    args.assign(d.items(old.args), d.items(old.args) + d.item_count(old.args));
  if (!args.empty() && d.node(args[0]).kind == Kind::kStr) {  // numpy's reduce makes a new typestr
    std::string_view s = text(d, args[0]);
    args[0] = d.add_payload(Kind::kStr, d.copy_bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()), s.size(),
                            offset);
  }
  uint32_t args_node = internal::kEmptyTupleNode;
  if (!args.empty()) {
    args_node = d.add_container(Kind::kTuple, offset);
    d.append_items(args_node, args.data(), args.size());
  }
  uint32_t obj = d.add_object(MadeBy::kReduce, old.callable, args_node, offset);
  internal::numpy_after_reduce(d, obj);
  uint32_t state_node = d.add_container(Kind::kTuple, offset);
  d.append_items(state_node, items.data(), items.size());
  d.object(obj).state = state_node;
  internal::numpy_after_build(d, obj);
  if (d.tag(obj) != internal::kTagDType) return dtype;
  return obj;
}

bool foreign_plain(const DocumentImpl& d, uint32_t dtype) {
  const internal::DTypeData& t = d.dtype(dtype);
  return t.fields.empty() && t.sub_base == kNoNode && !t.has_object && t.byteorder != '|' && t.byteorder != host_order();
}

// newbyteorder('=') of a plain dtype: a new dtype, the same but native.
uint32_t native_plain_dtype(DocumentImpl& d, uint32_t dtype) {
  internal::DTypeData native;
  const internal::DTypeData& t = d.dtype(dtype);
  native.kind = t.kind;
  native.itemsize = t.itemsize;
  native.byteorder = host_order();
  native.unit = t.unit;
  native.unit_count = t.unit_count;
  return internal::make_dtype(d, native);
}

// array.byteswap() for a plain dtype: each scalar reversed (complex: each half; str: each UCS-4 unit).
const uint8_t* swap_plain(DocumentImpl& d, uint32_t dtype, const uint8_t* p, uint64_t nbytes) {
  const internal::DTypeData& t = d.dtype(dtype);
  uint64_t unit = t.kind == 'c' ? t.itemsize / 2 : t.kind == 'U' ? 4 : t.itemsize;
  uint8_t* copy = d.alloc_bytes(static_cast<size_t>(nbytes));
  if (nbytes) std::memcpy(copy, p, static_cast<size_t>(nbytes));
  if (unit > 1)
    for (uint64_t i = 0; i + unit <= nbytes; i += unit) std::reverse(copy + i, copy + i + unit);
  return copy;
}

// array.byteswap() for a structured dtype: each field's scalars reversed (complex: each half).
const uint8_t* swap_fields(DocumentImpl& d, uint32_t dtype, const uint8_t* p, uint64_t nbytes) {
  const internal::DTypeData& t = d.dtype(dtype);
  uint8_t* copy = d.alloc_bytes(static_cast<size_t>(nbytes));
  if (nbytes) std::memcpy(copy, p, static_cast<size_t>(nbytes));
  if (t.itemsize == 0) return copy;
  for (uint64_t e = 0; e + t.itemsize <= nbytes; e += t.itemsize) {
    for (const internal::FieldData& f : t.fields) {
      const internal::DTypeData& ft = d.dtype(f.dtype);
      uint64_t unit = ft.kind == 'c' ? ft.itemsize / 2 : ft.kind == 'U' ? 4 : ft.itemsize;
      if (unit < 2 || static_cast<uint64_t>(f.offset) + ft.itemsize > t.itemsize) continue;
      uint8_t* at = copy + e + static_cast<uint64_t>(f.offset);
      for (uint64_t i = 0; i + unit <= ft.itemsize; i += unit) std::reverse(at + i, at + i + unit);
    }
  }
  return copy;
}

// joblib's _ensure_native_byte_order on the array data `p` of `dtype`: swaps (into a document
// block) and replaces *dtype when the array is not native.
const uint8_t* ensure_native(DocumentImpl& d, uint32_t* dtype, const uint8_t* p, uint64_t nbytes, uint64_t offset) {
  if (foreign_plain(d, *dtype)) {
    p = swap_plain(d, *dtype, p, nbytes);
    *dtype = native_plain_dtype(d, *dtype);
  } else if (foreign_struct(d, *dtype)) {
    p = swap_fields(d, *dtype, p, nbytes);
    *dtype = native_struct_dtype(d, *dtype, offset);
  }
  return p;
}

// ---- .npy (legacy side files): magic, version, header dict, data
struct Npy {
  std::string descr;
  bool fortran = false;
  std::vector<int64_t> shape;
  size_t data_offset = 0;
};

Npy parse_npy(const std::vector<uint8_t>& f, const std::string& name) {
  auto bad = [&](const std::string& why) -> Npy {
    throw_error(ErrorCode::kBadArgument, name + ": not a .npy file we can read: " + why);
  };
  if (f.size() < 10 || std::memcmp(f.data(), "\x93NUMPY", 6) != 0) return bad("no NUMPY magic");
  int major = f[6];
  size_t hlen, start;
  if (major == 1) {
    hlen = f[8] | (size_t{f[9]} << 8);
    start = 10;
  } else if (major == 2 || major == 3) {
    if (f.size() < 12) return bad("truncated header");
    hlen = f[8] | (size_t{f[9]} << 8) | (size_t{f[10]} << 16) | (size_t{f[11]} << 24);
    start = 12;
  } else {
    return bad("version " + std::to_string(major));
  }
  if (start + hlen > f.size()) return bad("truncated header");
  std::string h(reinterpret_cast<const char*>(f.data() + start), hlen);
  Npy npy;
  npy.data_offset = start + hlen;
  auto value_after = [&](const std::string& key) -> std::string {
    size_t k = h.find("'" + key + "'");
    if (k == std::string::npos) bad("no '" + key + "'");
    size_t colon = h.find(':', k);
    if (colon == std::string::npos) bad("malformed header");
    size_t v = h.find_first_not_of(' ', colon + 1);
    return h.substr(v);
  };
  std::string descr = value_after("descr");
  if (descr.empty() || (descr[0] != '\'' && descr[0] != '"')) bad("structured descr is not supported");
  npy.descr = descr.substr(1, descr.find(descr[0], 1) - 1);
  npy.fortran = value_after("fortran_order").rfind("True", 0) == 0;
  std::string shape = value_after("shape");
  if (shape.empty() || shape[0] != '(') bad("malformed shape");
  size_t close = shape.find(')');
  std::string inner = shape.substr(1, close - 1);
  size_t pos = 0;
  while (pos < inner.size()) {
    size_t comma = inner.find(',', pos);
    std::string part = inner.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    size_t a = part.find_first_not_of(" L");
    if (a != std::string::npos) {
      std::string digits = part.substr(a, part.find_last_not_of(" L") - a + 1);
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) bad("malformed shape");
      npy.shape.push_back(std::stoll(digits));
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return npy;
}

std::vector<uint8_t> read_whole_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) throw_error(ErrorCode::kIo, "cannot open " + p.string() + ": " + std::strerror(errno));
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), {});
}

// A ZF file ("ZF" + 19-character hex length + zlib data; joblib < 0.10): its decompressed bytes.
// The header's length is checked against `most` (the limits) before anything is decoded.
std::vector<uint8_t> read_zfile(const std::vector<uint8_t>& f, const std::string& name, const Limits& limits) {
  if (f.size() < 21 || f[0] != 'Z' || f[1] != 'F') throw_error(ErrorCode::kBadArgument, name + ": not a ZF file");
  size_t start = 21;
  if (f.size() > 21 && f[21] == ' ') start = 22;  // joblib <= 0.8.4 under Python 2 wrote 20 characters
  std::string len_text(reinterpret_cast<const char*>(f.data() + 2), 19);
  uint64_t declared = std::strtoull(len_text.c_str(), nullptr, 16);
  const uint64_t most = std::min(limits.max_input_bytes, limits.max_memory_bytes);
  if (declared > most)
    throw_error(ErrorCode::kLimitExceeded,
                name + ": ZF header declares " + std::to_string(declared) +
                    " bytes, over max_input_bytes/max_memory_bytes (" + std::to_string(most) + ")",
                2);
  struct Mem final : Source {
    const uint8_t* p;
    size_t n;
    size_t read(uint8_t* d, size_t want) override {
      size_t k = std::min(want, n);
      std::memcpy(d, p, k);
      p += k;
      n -= k;
      return k;
    }
  };
  auto mem = std::make_unique<Mem>();
  mem->p = f.data() + start;
  mem->n = f.size() - start;
  auto dec = internal::make_decoder(internal::Codec::kZlib, std::move(mem));
  std::vector<uint8_t> out;
  uint8_t buf[1 << 16];
  for (;;) {
    size_t k = dec->read(buf, sizeof buf);
    if (k == 0) break;
    out.insert(out.end(), buf, buf + k);
    if (out.size() > declared) break;  // a bomb stops here: the header bounds the output
  }
  if (out.size() != declared)
    throw_error(ErrorCode::kCompression, name + ": ZF header says " + std::to_string(declared) + " bytes, got " +
                                             std::to_string(out.size()));
  return out;
}

class Hook final : public internal::BuildHook {
 public:
  Hook(std::filesystem::path dir, const picklejar::LoadOptions& opt) : dir_(std::move(dir)), opt_(opt) {}

  uint32_t after_build(Document& doc, uint32_t obj, ByteReader& in, uint64_t offset) override {
    DocumentImpl& d = doc.impl();
    if (d.node(obj).kind != Kind::kObject) return kNoNode;
    uint32_t state = d.object(obj).state;
    switch (internal::joblib_wrapper_of(d, d.object(obj).callable)) {
      case internal::JoblibWrapper::kNumpyArrayWrapper: saw_wrapper = true; return wrapper(doc, state, in, offset);
      case internal::JoblibWrapper::kNDArrayWrapper: saw_legacy_npy = true; return legacy_npy(doc, state, offset);
      case internal::JoblibWrapper::kZNDArrayWrapper: saw_legacy_z = true; return legacy_z(d, state, offset);
      case internal::JoblibWrapper::kNone: break;
    }
    return kNoNode;
  }

  bool saw_wrapper = false, saw_legacy_npy = false, saw_legacy_z = false;
  std::vector<internal::SkipRange> ranges;  // where array data sits in the stream

 private:
  uint32_t wrapper(Document& doc, uint32_t state, ByteReader& in, uint64_t offset) {
    DocumentImpl& d = doc.impl();
    auto layout = internal::joblib_wrapper_layout(d, state);
    if (!layout) throw_error(ErrorCode::kBadArgument, "malformed joblib NumpyArrayWrapper state", offset);
    uint32_t dtype = layout->dtype;
    const std::vector<int64_t>& shape = layout->shape;
    uint32_t subclass = state_get(d, state, "subclass");
    bool fortran = layout->fortran;
    uint64_t begin = in.pos();
    if (layout->nested_pickle) {
      // A complete pickle of the array follows (protocol 2 from joblib 1.2, 5 from 1.5), which
      // joblib reads with a plain pickle.load: no hook, so a wrapper inside it is an ordinary object.
      uint32_t arr = internal::run_nested_unpickler(in, doc, opt_);
      ranges.push_back({begin, in.pos(), "joblib object array: a nested pickle of " + std::to_string(in.pos() - begin) +
                                             " bytes"});
      return arr;
    }
    if (layout->padded) {
      int pad = in.next_byte();
      if (pad < 0) throw_error(ErrorCode::kTruncated, "joblib padding byte missing", offset);
      for (int i = 0; i < pad; ++i)
        if (in.next_byte() < 0) throw_error(ErrorCode::kTruncated, "joblib padding cut short", offset);
    }
    uint64_t nbytes = checked_bytes(shape, d.dtype(dtype).itemsize, offset);
    const uint8_t* p = read_payload(d, in, nbytes, in.pos());
    ranges.push_back({begin, in.pos(), "joblib array data: " + std::to_string(nbytes) + " bytes after " +
                                           std::to_string(in.pos() - nbytes - begin) + " bytes of padding"});
    p = ensure_native(d, &dtype, p, nbytes, offset);  // a copy when swapped, even when mapped
    uint32_t raw = d.add_payload(Kind::kBytes, p, nbytes, offset);
    if (subclass != kNoNode && (d.node(subclass).kind != Kind::kGlobal || is_global(d, subclass, "numpy", "memmap")))
      subclass = kNoNode;  // joblib.load returns plain ndarrays for memmaps
    bool is_fortran = fortran && shape.size() > 1;
    uint32_t arr = internal::make_array(d, dtype, shape, is_fortran, raw, subclass);
    if (d.tag(arr) != internal::kTagArray) throw_error(ErrorCode::kBadArgument, "joblib array does not match its dtype", offset);
    return arr;
  }

  uint32_t side_array(Document& doc, const std::filesystem::path& file, uint32_t subclass, uint64_t offset) {
    DocumentImpl& d = doc.impl();
    std::vector<uint8_t> bytes = read_whole_file(file);
    Npy npy = parse_npy(bytes, file.string());
    if (npy.descr == "|O" || npy.descr == "O" || npy.descr == "|O8") {
      // np.save pickles object arrays after the header: load that pickle (np.load's plain
      // pickle.load, without joblib's hook).
      auto block = std::make_shared<std::vector<uint8_t>>(bytes.begin() + npy.data_offset, bytes.end());
      d.adopt(block);
      ByteReader in(block->data(), block->size(), opt_.limits.max_input_bytes);
      return internal::run_nested_unpickler(in, doc, opt_);
    }
    uint32_t dtype = npy_dtype(d, npy.descr, file.string());
    uint64_t nbytes = checked_bytes(npy.shape, d.dtype(dtype).itemsize, offset);
    if (npy.data_offset + nbytes > bytes.size())
      throw_error(ErrorCode::kTruncated, file.string() + ": array data cut short", offset);
    const uint8_t* p = bytes.data() + npy.data_offset;
    const uint8_t* native = ensure_native(d, &dtype, p, nbytes, offset);  // np.load, then joblib's swap
    if (native == p) native = d.copy_bytes(p, nbytes);
    uint32_t raw = d.add_payload(Kind::kBytes, native, nbytes, offset);
    return internal::make_array(d, dtype, npy.shape, npy.fortran && npy.shape.size() > 1, raw, subclass);
  }

  // The dtype np.load gives a side file's descr ("<i8", "|b1", "<U3", "<M8[ns]"): np.dtype(descr),
  // which for the builtin numeric types in this machine's byte order is numpy's singleton, one
  // object shared by every array of that type (a re-dump writes it once).
  uint32_t npy_dtype(DocumentImpl& d, const std::string& descr_in, const std::string& name) {
    std::string descr = descr_in;
    if (descr.empty()) throw_error(ErrorCode::kBadArgument, name + ": empty dtype descr");
    char order = descr[0];
    if (order == '<' || order == '>' || order == '|' || order == '=') {
      descr.erase(0, 1);
    } else {
      order = '=';
    }
    if (order == '=') order = host_order();
    internal::DTypeData t;
    t.kind = descr.empty() ? '?' : descr[0];
    std::string unit;
    size_t digits_end = descr.find('[');
    if (digits_end != std::string::npos) {
      if (descr.back() != ']' || (t.kind != 'M' && t.kind != 'm'))
        throw_error(ErrorCode::kBadArgument, name + ": unsupported dtype descr '" + descr_in + "'");
      unit = descr.substr(digits_end + 1, descr.size() - digits_end - 2);
    }
    std::string digits = descr.substr(1, digits_end == std::string::npos ? std::string::npos : digits_end - 1);
    if (std::string_view("biufcSUVMm").find(t.kind) == std::string_view::npos || digits.empty() || digits.size() > 12 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      throw_error(ErrorCode::kBadArgument, name + ": unsupported dtype descr '" + descr_in + "'");
    uint64_t size = std::stoull(digits);
    t.itemsize = t.kind == 'U' ? size * 4 : size;
    bool ordered = !(t.itemsize <= 1 && t.kind != 'U') && t.kind != 'S' && t.kind != 'V';
    t.byteorder = ordered ? order : '|';
    if (t.kind == 'M' || t.kind == 'm') {
      size_t k = 0;
      while (k < unit.size() && unit[k] >= '0' && unit[k] <= '9') ++k;
      if (k > 0 && k <= 12) t.unit_count = std::stoll(unit.substr(0, k));
      t.unit = unit.empty() ? "generic" : unit.substr(k);
    }
    bool singleton = std::string_view("biufc").find(t.kind) != std::string_view::npos &&
                     (t.byteorder == '|' || t.byteorder == host_order());
    if (!singleton) return internal::make_dtype(d, t);
    std::string key = std::string(1, t.kind) + std::to_string(t.itemsize);
    auto it = singletons_.find(key);
    if (it == singletons_.end()) it = singletons_.emplace(key, internal::make_dtype(d, t)).first;
    return it->second;
  }

  std::filesystem::path side_path(const DocumentImpl& d, uint32_t state, uint64_t offset) {
    uint32_t name = state_get(d, state, "filename");
    if (name == kNoNode || (d.node(name).kind != Kind::kStr && d.node(name).kind != Kind::kBytes))
      throw_error(ErrorCode::kBadArgument, "legacy joblib wrapper without a file name", offset);
    std::string file(text(d, name));
    if (file.find('/') != std::string::npos || file == ".." || file.empty())
      throw_error(ErrorCode::kBadArgument, "legacy joblib side file name '" + file + "' is not a plain file name", offset);
    if (dir_.empty()) throw_error(ErrorCode::kUnsupported, "legacy joblib side files need a file path, not memory", offset);
    return dir_ / file;
  }

  uint32_t legacy_npy(Document& doc, uint32_t state, uint64_t offset) {
    DocumentImpl& d = doc.impl();
    uint32_t subclass = state_get(d, state, "subclass");
    if (subclass != kNoNode && d.node(subclass).kind != Kind::kGlobal) subclass = kNoNode;
    return side_array(doc, side_path(d, state, offset), subclass, offset);
  }

  // ZNDArrayWrapper: state (1, shape, dtype, is_fortran) + init_args; the data is a ZF side file.
  uint32_t legacy_z(DocumentImpl& d, uint32_t state, uint64_t offset) {
    std::filesystem::path file = side_path(d, state, offset);
    uint32_t st = state_get(d, state, "state");
    uint32_t init = state_get(d, state, "init_args");
    if (st == kNoNode || d.node(st).kind != Kind::kTuple || st == internal::kEmptyTupleNode || d.item_count(st) != 4)
      throw_error(ErrorCode::kBadArgument, "malformed ZNDArrayWrapper state", offset);
    auto shape = shape_of(d, d.items(st)[1]);
    uint32_t dtype = d.items(st)[2];
    // Read now: adding nodes below may move the node table.
    const internal::Node& f = d.node(d.items(st)[3]);
    bool fortran_flag = (f.kind == Kind::kBool || f.kind == Kind::kInt) && f.u.i != 0;
    if (!shape || d.tag(dtype) != internal::kTagDType)
      throw_error(ErrorCode::kBadArgument, "malformed ZNDArrayWrapper state", offset);
    std::vector<uint8_t> data = read_zfile(read_whole_file(file), file.string(), opt_.limits);
    uint64_t nbytes = checked_bytes(*shape, d.dtype(dtype).itemsize, offset);
    if (data.size() != nbytes) throw_error(ErrorCode::kBadLength, file.string() + ": data size does not match the array", offset);
    const uint8_t* p = d.copy_bytes(data.data(), data.size());
    uint32_t raw = d.add_payload(Kind::kBytes, p, nbytes, offset);
    uint32_t cls = kNoNode;
    if (init != kNoNode && d.node(init).kind == Kind::kTuple && init != internal::kEmptyTupleNode && d.item_count(init) >= 1 &&
        d.node(d.items(init)[0]).kind == Kind::kGlobal)
      cls = d.items(init)[0];
    return internal::make_array(d, dtype, *shape, fortran_flag && shape->size() > 1, raw, cls);
  }

  std::filesystem::path dir_;
  const picklejar::LoadOptions& opt_;
  std::map<std::string, uint32_t> singletons_;  // npy_dtype: numpy's builtin dtype objects
};

// A Source that first replays bytes already read (the sniffed head), then reads `inner`.
class PrefixSource final : public Source {
 public:
  PrefixSource(std::vector<uint8_t> head, std::unique_ptr<Source> inner)
      : head_(std::move(head)), inner_(std::move(inner)) {}
  size_t read(uint8_t* dst, size_t n) override {
    if (pos_ < head_.size()) {
      size_t k = std::min(n, head_.size() - pos_);
      std::memcpy(dst, head_.data() + pos_, k);
      pos_ += k;
      return k;
    }
    return inner_->read(dst, n);
  }
  std::optional<uint64_t> remaining() const override {
    auto r = inner_->remaining();
    if (!r) return std::nullopt;
    return *r + (head_.size() - pos_);
  }

 private:
  std::vector<uint8_t> head_;
  std::unique_ptr<Source> inner_;
  size_t pos_ = 0;
};

class MemSource final : public Source {
 public:
  MemSource(const uint8_t* p, size_t n) : p_(p), n_(n) {}
  size_t read(uint8_t* d, size_t want) override {
    size_t k = std::min(want, n_);
    std::memcpy(d, p_, k);
    p_ += k;
    n_ -= k;
    return k;
  }
  std::optional<uint64_t> remaining() const override { return n_; }

 private:
  const uint8_t* p_;
  size_t n_;
};

// A read-only (or private) mapping of a whole file, owned by the document it backs.
struct Mapping {
  void* addr = MAP_FAILED;
  size_t size = 0;
  ~Mapping() {
    if (addr != MAP_FAILED) ::munmap(addr, size);
  }
};

struct Loaded {
  Document doc;
  std::string format;
  std::string compression;
};

Loaded load_impl(const std::filesystem::path* path, ByteView data, const LoadOptions& options) {
  Loaded out;
  const picklejar::LoadOptions& po = options.pickle;
  std::filesystem::path dir = path ? path->parent_path() : std::filesystem::path();
  if (path && dir.empty()) dir = ".";

  // Read the head to sniff the format.
  std::vector<uint8_t> head;
  std::unique_ptr<Source> file;
  if (path) {
    file = internal::open_file_source(path->c_str());
    head.resize(22);
    size_t got = 0;
    while (got < head.size()) {
      size_t k = file->read(head.data() + got, head.size() - got);
      if (k == 0) break;
      got += k;
    }
    head.resize(got);
  } else {
    head.assign(data.begin(), data.begin() + std::min<size_t>(data.size(), 22));
  }

  Hook hook(dir, po);
  if (head.size() >= 2 && head[0] == 'Z' && head[1] == 'F') {
    // joblib < 0.10 compressed: the whole pickle is one ZF block.
    std::vector<uint8_t> all;
    if (path) {
      all = read_whole_file(*path);
    } else {
      all.assign(data.begin(), data.end());
    }
    std::vector<uint8_t> pickle = read_zfile(all, path ? path->string() : std::string("<memory>"), po.limits);
    auto block = std::make_shared<std::vector<uint8_t>>(std::move(pickle));
    out.doc.impl().adopt(block);
    ByteReader in(block->data(), block->size(), po.limits.max_input_bytes);
    internal::run_unpickler(in, out.doc, po, &hook);
    out.format = "joblib (legacy ZF)";
    out.compression = "zlib";
    return out;
  }

  internal::Codec codec = internal::sniff_codec(head.data(), head.size());
  out.compression = std::string(internal::codec_name(codec));
  if (codec == internal::Codec::kNone && !path) {
    ByteReader in(data.data(), data.size(), po.limits.max_input_bytes);
    internal::run_unpickler(in, out.doc, po, &hook);
  } else if (codec == internal::Codec::kNone && options.mmap != MmapMode::kNone) {
    int fd = ::open(path->c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw_error(ErrorCode::kIo, "cannot open " + path->string() + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      throw_error(ErrorCode::kIo, "cannot stat " + path->string());
    }
    auto map = std::make_shared<Mapping>();
    map->size = static_cast<size_t>(st.st_size);
    if (map->size) {
      int prot = options.mmap == MmapMode::kCopyOnWrite ? PROT_READ | PROT_WRITE : PROT_READ;
      map->addr = ::mmap(nullptr, map->size, prot, MAP_PRIVATE, fd, 0);
    }
    ::close(fd);
    if (map->size && map->addr == MAP_FAILED)
      throw_error(ErrorCode::kIo, "cannot map " + path->string() + ": " + std::strerror(errno));
    out.doc.impl().adopt(map);
    const auto* p = map->size ? static_cast<const uint8_t*>(map->addr) : nullptr;
    ByteReader in(p, map->size, po.limits.max_input_bytes);
    internal::run_unpickler(in, out.doc, po, &hook);
  } else {
    std::unique_ptr<Source> raw;
    if (path) {
      raw = std::make_unique<PrefixSource>(std::move(head), std::move(file));
    } else {
      raw = std::make_unique<MemSource>(data.data(), data.size());
    }
    std::unique_ptr<Source> src = internal::make_decoder(codec, std::move(raw), po.limits.max_memory_bytes);
    ByteReader in(src.get(), po.limits.max_input_bytes);
    internal::run_unpickler(in, out.doc, po, &hook);
  }
  out.format = hook.saw_wrapper ? "joblib" : hook.saw_legacy_npy || hook.saw_legacy_z ? "joblib (legacy .npy side files)" : "pickle";
  return out;
}

}  // namespace

Document load(const std::filesystem::path& path, const LoadOptions& options) {
  return std::move(load_impl(&path, {}, options).doc);
}

Document load(ByteView data, const LoadOptions& options) { return std::move(load_impl(nullptr, data, options).doc); }

namespace {
// The whole decoded stream of a file or buffer (decompressed; ZF unwrapped).
// It is held in memory: it may be no longer than max_input_bytes and max_memory_bytes (a
// decompression bomb stops there with kLimitExceeded).
std::vector<uint8_t> decoded_stream(const std::filesystem::path* path, ByteView data, const Limits& limits) {
  std::vector<uint8_t> raw = path ? read_whole_file(*path) : std::vector<uint8_t>(data.begin(), data.end());
  if (raw.size() >= 2 && raw[0] == 'Z' && raw[1] == 'F') return read_zfile(raw, path ? path->string() : "<memory>", limits);
  internal::Codec codec = internal::sniff_codec(raw.data(), raw.size());
  if (codec == internal::Codec::kNone) return raw;
  auto src =
      internal::make_decoder(codec, std::make_unique<MemSource>(raw.data(), raw.size()), limits.max_memory_bytes);
  const uint64_t most = std::min(limits.max_input_bytes, limits.max_memory_bytes);
  std::vector<uint8_t> out;
  std::vector<uint8_t> buf(1 << 16);
  for (;;) {
    size_t k = src->read(buf.data(), buf.size());
    if (k == 0) break;
    if (out.size() + k > most)
      throw_error(ErrorCode::kLimitExceeded,
                  "the decompressed stream is longer than max_input_bytes/max_memory_bytes (" + std::to_string(most) +
                      " bytes)",
                  out.size());
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(k));
  }
  return out;
}

void disassemble_impl(const std::filesystem::path* path, ByteView data, std::ostream& out,
                      const LoadOptions& options) {
  std::vector<uint8_t> stream = decoded_stream(path, data, options.pickle.limits);
  // Find where joblib spliced array data by loading; a stream that does not load is listed as
  // far as it goes (the disassembler reports the error at its offset).
  std::vector<internal::SkipRange> ranges;
  try {
    Document doc;
    picklejar::LoadOptions po = options.pickle;
    po.encoding = "bytes";
    std::filesystem::path dir = path ? path->parent_path() : std::filesystem::path();
    Hook hook(dir.empty() && path ? std::filesystem::path(".") : dir, po);
    ByteReader in(stream.data(), stream.size(), po.limits.max_input_bytes);
    internal::run_unpickler(in, doc, po, &hook);
    ranges = hook.ranges;
  } catch (const Error&) {
  }
  std::sort(ranges.begin(), ranges.end(), [](const auto& a, const auto& b) { return a.begin < b.begin; });
  internal::disassemble_with_skips(ByteView(stream.data(), stream.size()), out, ranges);
}
}  // namespace

void disassemble(const std::filesystem::path& path, std::ostream& out, const LoadOptions& options) {
  disassemble_impl(&path, {}, out, options);
}
void disassemble(ByteView data, std::ostream& out, const LoadOptions& options) {
  disassemble_impl(nullptr, data, out, options);
}

namespace {
FileInfo inspect_loaded(Loaded& l);
}  // namespace

FileInfo inspect(const std::filesystem::path& path, const LoadOptions& options) {
  Loaded l = load_impl(&path, {}, options);
  return inspect_loaded(l);
}

FileInfo inspect(ByteView data, const LoadOptions& options) {
  Loaded l = load_impl(nullptr, data, options);
  return inspect_loaded(l);
}

FileInfo inspect(const std::filesystem::path& path, const LoadOptions& options, Document& loaded) {
  Loaded l = load_impl(&path, {}, options);
  FileInfo info = inspect_loaded(l);
  loaded = std::move(l.doc);
  return info;
}

FileInfo inspect(ByteView data, const LoadOptions& options, Document& loaded) {
  Loaded l = load_impl(nullptr, data, options);
  FileInfo info = inspect_loaded(l);
  loaded = std::move(l.doc);
  return info;
}

namespace {
FileInfo inspect_loaded(Loaded& l) {
  FileInfo info;
  info.format = l.format;
  info.compression = l.compression;
  info.protocol = loaded_protocol(l.doc);
  const DocumentImpl& d = l.doc.impl();
  // Depth-first walk with paths; each value visited once.
  std::vector<std::pair<uint32_t, std::string>> work{{d.root, "root"}};
  std::unordered_set<uint32_t> seen;
  while (!work.empty() && info.arrays.size() < 100000) {
    auto [id, where] = work.back();
    work.pop_back();
    if (id == kNoNode || !seen.insert(id).second) continue;
    const internal::Node& n = d.node(id);
    if (d.tag(id) == internal::kTagArray) {
      const auto& a = d.array(id);
      info.arrays.push_back({where, internal::dtype_str(d, a.dtype), a.shape, a.nbytes});
      if (a.items != kNoNode) work.emplace_back(a.items, where + ".items");
      continue;
    }
    if (d.tag(id) != internal::kTagNone) continue;
    std::vector<std::pair<uint32_t, std::string>> next;
    switch (n.kind) {
      case Kind::kList:
      case Kind::kTuple:
      case Kind::kSet:
      case Kind::kFrozenSet: {
        uint32_t c = id == internal::kEmptyTupleNode ? 0 : d.item_count(id);
        for (uint32_t i = 0; i < c; ++i) next.emplace_back(d.items(id)[i], where + "[" + std::to_string(i) + "]");
        break;
      }
      case Kind::kDict: {
        for (uint32_t i = 0, c = d.item_count(id); i < c; ++i) {
          uint32_t k = d.items(id)[2 * i];
          std::string key = d.node(k).kind == Kind::kStr ? "'" + std::string(text(d, k)) + "'" : "#" + std::to_string(i);
          next.emplace_back(d.items(id)[2 * i + 1], where + "[" + key + "]");
        }
        break;
      }
      case Kind::kObject: {
        const internal::ObjectData& o = d.object(id);
        if (o.state != kNoNode) next.emplace_back(o.state, where + ".state");
        if (o.args != kNoNode) next.emplace_back(o.args, where + ".args");
        if (o.list_items != kNoNode) next.emplace_back(o.list_items, where + ".listitems");
        if (o.dict_items != kNoNode) next.emplace_back(o.dict_items, where + ".dictitems");
        break;
      }
      default: break;
    }
    for (auto it = next.rbegin(); it != next.rend(); ++it) work.push_back(*it);
  }
  return info;
}
}  // namespace

Compression parse_compression(std::string_view spec) {
  Compression c;
  if (!spec.empty() && spec.find_first_not_of("0123456789") == std::string_view::npos) {
    if (spec.size() != 1)
      throw_error(ErrorCode::kInvalidArgument, "compression level must be 0-9, not '" + std::string(spec) + "'");
    if (spec[0] != '0') {
      c.codec = "zlib";
      c.level = spec[0] - '0';
    }
    return c;
  }
  std::string_view name = spec, level;
  if (auto colon = spec.find(':'); colon != std::string_view::npos) {
    name = spec.substr(0, colon);
    level = spec.substr(colon + 1);
  }
  if (!internal::codec_from_name(name))
    throw_error(ErrorCode::kInvalidArgument, "unknown compressor '" + std::string(name) + "' (zlib, gzip, bz2, lzma, xz, lz4)");
  c.codec = std::string(name);
  if (!level.empty()) {
    if (level.size() != 1 || level[0] < '0' || level[0] > '9')
      throw_error(ErrorCode::kInvalidArgument, "compression level must be 0-9, not '" + std::string(level) + "'");
    c.level = level[0] - '0';
    if (c.level == 0) c = Compression{};  // joblib: level 0 means no compression
  }
  return c;
}

Compression compression_for_path(const std::filesystem::path& path) {
  std::string p = path.string();
  Compression c;
  // joblib: the last registered match wins (.z zlib, .gz gzip, .bz2 bz2, .lzma lzma, .xz xz, .lz4 lz4).
  for (auto [ext, codec] : {std::pair{".z", "zlib"}, {".gz", "gzip"}, {".bz2", "bz2"}, {".lzma", "lzma"}, {".xz", "xz"},
                            {".lz4", "lz4"}}) {
    if (p.size() >= std::strlen(ext) && p.compare(p.size() - std::strlen(ext), std::string::npos, ext) == 0)
      c.codec = codec;
  }
  return c;
}

}  // namespace picklejar::joblib

namespace picklejar::internal {

// joblib's hook tests isinstance(obj, (NDArrayWrapper, NumpyArrayWrapper)); the legacy classes live
// in joblib.numpy_pickle_compat, which joblib.numpy_pickle imports them from (files name the latter).
JoblibWrapper joblib_wrapper_of(const DocumentImpl& d, uint32_t callable) {
  if (joblib::is_global(d, callable, "joblib.numpy_pickle", "NumpyArrayWrapper")) return JoblibWrapper::kNumpyArrayWrapper;
  for (std::string_view module : {"joblib.numpy_pickle", "joblib.numpy_pickle_compat"}) {
    if (joblib::is_global(d, callable, module, "NDArrayWrapper")) return JoblibWrapper::kNDArrayWrapper;
    if (joblib::is_global(d, callable, module, "ZNDArrayWrapper")) return JoblibWrapper::kZNDArrayWrapper;
  }
  return JoblibWrapper::kNone;
}

std::optional<JoblibWrapperLayout> joblib_wrapper_layout(const DocumentImpl& d, uint32_t state) {
  uint32_t dtype = joblib::state_get(d, state, "dtype");
  auto shape = joblib::shape_of(d, joblib::state_get(d, state, "shape"));
  uint32_t order = joblib::state_get(d, state, "order");
  if (dtype == kNoNode || d.tag(dtype) != kTagDType || !shape || order == kNoNode) return std::nullopt;
  JoblibWrapperLayout l;
  l.dtype = dtype;
  l.shape = std::move(*shape);
  Kind order_kind = d.node(order).kind;  // self.order == 'F' (text() reads only payload nodes)
  l.fortran = (order_kind == Kind::kStr || order_kind == Kind::kBytes) && joblib::text(d, order) == "F";
  l.nested_pickle = d.dtype(dtype).has_object;
  // safe_get_numpy_array_alignment_bytes(): absent (joblib < 1.2) or None means no padding
  uint32_t align = joblib::state_get(d, state, "numpy_array_alignment_bytes");
  l.padded = align != kNoNode && d.node(align).kind != Kind::kNone;
  return l;
}

}  // namespace picklejar::internal
