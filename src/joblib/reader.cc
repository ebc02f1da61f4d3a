// Reading joblib files (FORMATS.md §3): detect compression by magic, decompress as a stream, run
// the unpickler with a BUILD hook that, after each NumpyArrayWrapper, reads the spliced array bytes
// straight into the array's final block (or points into the mapped file), and after the legacy
// NDArrayWrapper / ZNDArrayWrapper reads the side file.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "model/value_access.h"
#include "codec/codec.h"
#include "io/mapped_file.h"
#include "joblib/reader.h"
#include "joblib/wrapper.h"
#include "numpy/numpy.h"
#include "pickle/unpickler.h"

namespace picklejar::joblib::detail {

using internal::Source;
using internal::throw_error;

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
  if (n.kind != Kind::kTuple && n.kind != Kind::kList) return std::nullopt;  // joblib takes len() and numpy a list
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


namespace {

class Hook final : public internal::VmHooks {
 public:
  Hook(std::filesystem::path dir, const picklejar::LoadOptions& opt, internal::VmHooks* extra = nullptr)
      : dir_(std::move(dir)), opt_(opt), extra_(extra) {}

  uint32_t after_build(Document& doc, uint32_t obj, ByteReader& in, uint64_t offset) override {
    DocumentImpl& d = internal::impl_of(doc);
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

  // The hooks joblib.load's NumpyUnpickler runs: numpy's, then this one (then the extra one).
  internal::VmHookList with_numpy() {
    both_[0] = &internal::numpy_vm_hooks();
    both_[1] = this;
    both_[2] = extra_;
    return internal::VmHookList(both_, extra_ ? 3 : 2);
  }
  // What a plain pickle.load inside a joblib file runs (nested pickles, np.load's): numpy's only.
  static internal::VmHookList numpy_only() {
    static internal::VmHooks* const kNumpy[] = {&internal::numpy_vm_hooks()};
    return kNumpy;
  }

  bool saw_wrapper = false, saw_legacy_npy = false, saw_legacy_z = false;
  std::vector<internal::SkipRange> ranges;  // where array data sits in the stream

 private:
  internal::VmHooks* both_[3] = {};

  uint32_t wrapper(Document& doc, uint32_t state, ByteReader& in, uint64_t offset) {
    DocumentImpl& d = internal::impl_of(doc);
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
      uint32_t arr = internal::run_nested_unpickler(in, doc, opt_, numpy_only());
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
    DocumentImpl& d = internal::impl_of(doc);
    std::vector<uint8_t> bytes = read_whole_file(file);
    Npy npy = parse_npy(bytes, file.string());
    if (npy.descr == "|O" || npy.descr == "O" || npy.descr == "|O8") {
      // np.save pickles object arrays after the header: load that pickle (np.load's plain
      // pickle.load, without joblib's hook).
      auto block = std::make_shared<std::vector<uint8_t>>(bytes.begin() + npy.data_offset, bytes.end());
      d.adopt(block);
      ByteReader in(block->data(), block->size(), opt_.limits.max_input_bytes);
      return internal::run_nested_unpickler(in, doc, opt_, numpy_only());
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
    if (order == '=') order = internal::native_order();
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
                     (t.byteorder == '|' || t.byteorder == internal::native_order());
    if (!singleton) return internal::make_dtype(d, t);
    std::string key = std::string(1, t.kind) + std::to_string(t.itemsize);
    auto it = singletons_.find(key);
    if (it == singletons_.end()) it = singletons_.emplace(key, internal::make_dtype(d, t)).first;
    return it->second;
  }

  std::filesystem::path side_path(const DocumentImpl& d, uint32_t state, uint64_t offset) {
    std::string file = internal::joblib_side_file_name(d, state, offset);
    if (dir_.empty()) throw_error(ErrorCode::kUnsupported, "legacy joblib side files need a file path, not memory", offset);
    return dir_ / file;
  }

  uint32_t legacy_npy(Document& doc, uint32_t state, uint64_t offset) {
    DocumentImpl& d = internal::impl_of(doc);
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
  internal::VmHooks* extra_ = nullptr;
  std::map<std::string, uint32_t> singletons_;  // npy_dtype: numpy's builtin dtype objects
};

}  // namespace

Loaded load_impl(const std::filesystem::path* path, ByteView data, const LoadOptions& options,
                 internal::VmHooks* extra) {
  Loaded out;
  const picklejar::LoadOptions& po = options.pickle;
  std::filesystem::path dir = path ? path->parent_path() : std::filesystem::path();
  if (path && dir.empty()) dir = ".";

  // Read the head to sniff the format.
  std::vector<uint8_t> head;
  std::unique_ptr<Source> file;
  if (path) {
    file = internal::open_file_source(path->c_str());
    head = internal::read_head(*file, 22);
  } else {
    head.assign(data.begin(), data.begin() + std::min<size_t>(data.size(), 22));
  }

  Hook hook(dir, po, extra);
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
    internal::impl_of(out.doc).adopt(block);
    ByteReader in(block->data(), block->size(), po.limits.max_input_bytes);
    internal::run_unpickler(in, out.doc, po, hook.with_numpy());
    out.format = "joblib (legacy ZF)";
    out.compression = "zlib";
    return out;
  }

  internal::Codec codec = internal::sniff_codec(head.data(), head.size());
  out.compression = std::string(internal::codec_name(codec));
  if (codec == internal::Codec::kNone && !path) {
    ByteReader in(data.data(), data.size(), po.limits.max_input_bytes);
    internal::run_unpickler(in, out.doc, po, hook.with_numpy());
  } else if (codec == internal::Codec::kNone && options.mmap != MmapMode::kNone) {
    auto map = internal::map_file(*path, options.mmap == MmapMode::kCopyOnWrite);
    internal::impl_of(out.doc).adopt(map);  // the arrays point into it: it lives as long as the document
    ByteReader in(map->data(), map->size(), po.limits.max_input_bytes);
    internal::run_unpickler(in, out.doc, po, hook.with_numpy());
  } else {
    std::unique_ptr<Source> raw;
    if (path) {
      raw = internal::make_prefixed_source(std::move(head), std::move(file));
    } else {
      raw = internal::make_memory_source(data.data(), data.size());
    }
    std::unique_ptr<Source> src = internal::make_decoder(codec, std::move(raw), internal::decoder_memlimit(po.limits),
                                                                 po.decoder_threads);
    ByteReader in(src.get(), po.limits.max_input_bytes);
    internal::run_unpickler(in, out.doc, po, hook.with_numpy());
  }
  out.format = hook.saw_wrapper ? "joblib" : hook.saw_legacy_npy || hook.saw_legacy_z ? "joblib (legacy .npy side files)" : "pickle";
  return out;
}

std::vector<internal::SkipRange> spliced_ranges(ByteView stream, const std::filesystem::path& dir,
                                                const LoadOptions& options) {
  std::vector<internal::SkipRange> ranges;
  try {
    Document doc;
    picklejar::LoadOptions po = options.pickle;
    po.encoding = "bytes";
    Hook hook(dir, po);
    ByteReader in(stream.data(), stream.size(), po.limits.max_input_bytes);
    internal::run_unpickler(in, doc, po, hook.with_numpy());
    ranges = hook.ranges;
  } catch (const Error&) {
    // A stream that does not load is listed as far as it goes: the disassembler reports the
    // error at its offset.
  }
  std::sort(ranges.begin(), ranges.end(), [](const auto& a, const auto& b) { return a.begin < b.begin; });
  return ranges;
}

}  // namespace picklejar::joblib::detail

namespace picklejar::joblib {

namespace {
Document loaded(detail::Loaded l) {
  internal::impl_of(l.doc).frozen = true;
  return std::move(l.doc);
}
}  // namespace

Document load(const std::filesystem::path& path, const LoadOptions& options) {
  return loaded(detail::load_impl(&path, {}, options));
}

Document load(ByteView data, const LoadOptions& options) { return loaded(detail::load_impl(nullptr, data, options)); }

}  // namespace picklejar::joblib

namespace picklejar::internal {

// joblib's hook tests isinstance(obj, (NDArrayWrapper, NumpyArrayWrapper)); the legacy classes live
// in joblib.numpy_pickle_compat, which joblib.numpy_pickle imports them from (files name the latter).
JoblibWrapper joblib_wrapper_of(const DocumentImpl& d, uint32_t callable) {
  if (joblib::detail::is_global(d, callable, "joblib.numpy_pickle", "NumpyArrayWrapper")) return JoblibWrapper::kNumpyArrayWrapper;
  for (std::string_view module : {"joblib.numpy_pickle", "joblib.numpy_pickle_compat"}) {
    if (joblib::detail::is_global(d, callable, module, "NDArrayWrapper")) return JoblibWrapper::kNDArrayWrapper;
    if (joblib::detail::is_global(d, callable, module, "ZNDArrayWrapper")) return JoblibWrapper::kZNDArrayWrapper;
  }
  return JoblibWrapper::kNone;
}

std::optional<JoblibWrapperLayout> joblib_wrapper_layout(const DocumentImpl& d, uint32_t state) {
  uint32_t dtype = joblib::detail::state_get(d, state, "dtype");
  uint32_t shape_node = joblib::detail::state_get(d, state, "shape");
  // read_array takes len(self.shape): an int shape (which shape_of takes) fails there.
  if (shape_node == kNoNode || d.node(shape_node).kind == Kind::kInt) return std::nullopt;
  auto shape = joblib::detail::shape_of(d, shape_node);
  uint32_t order = joblib::detail::state_get(d, state, "order");
  // read() compares self.subclass and hands one that is not numpy's to _reconstruct, which takes
  // only a class: a missing subclass, or a plain value, fails in joblib.load.
  uint32_t subclass = joblib::detail::state_get(d, state, "subclass");
  if (subclass == kNoNode || (d.node(subclass).kind != Kind::kGlobal && d.node(subclass).kind != Kind::kObject))
    return std::nullopt;
  if (dtype == kNoNode || d.tag(dtype) != kTagDType || !shape || order == kNoNode) return std::nullopt;
  JoblibWrapperLayout l;
  l.dtype = dtype;
  l.shape = std::move(*shape);
  Kind order_kind = d.node(order).kind;  // self.order == 'F' (text() reads only payload nodes)
  l.fortran = (order_kind == Kind::kStr || order_kind == Kind::kBytes) && joblib::detail::text(d, order) == "F";
  l.nested_pickle = d.dtype(dtype).has_object;
  // safe_get_numpy_array_alignment_bytes(): absent (joblib < 1.2) or None means no padding
  uint32_t align = joblib::detail::state_get(d, state, "numpy_array_alignment_bytes");
  l.padded = align != kNoNode && d.node(align).kind != Kind::kNone;
  return l;
}

std::string joblib_side_file_name(const DocumentImpl& d, uint32_t state, uint64_t offset) {
  uint32_t name = joblib::detail::state_get(d, state, "filename");
  if (name == kNoNode || (d.node(name).kind != Kind::kStr && d.node(name).kind != Kind::kBytes))
    throw_error(ErrorCode::kBadArgument, "legacy joblib wrapper without a file name", offset);
  std::string file(joblib::detail::text(d, name));
  if (file.find('/') != std::string::npos || file == ".." || file.empty())
    throw_error(ErrorCode::kBadArgument, "legacy joblib side file name '" + file + "' is not a plain file name", offset);
  return file;
}

}  // namespace picklejar::internal
