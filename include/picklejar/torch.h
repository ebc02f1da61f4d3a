// PyTorch checkpoints: read what torch.save writes (the zip format of torch >= 1.6, the legacy
// stream format of `_use_new_zipfile_serialization=False`, and the legacy tar format of torch < 0.4)
// into a Document whose tensors are typed, zero-copy values (Kind::kTensor, read with TensorRef).
//
//   picklejar::Document sd = picklejar::torch::load("linear.pt", {.mmap = true});
//   picklejar::torch::TensorRef w(picklejar::torch::as_dict(sd.root()).at("weight"));  // float32 (3, 4)
//   std::span<const float> ws = w.as<float>();  // a view into the mapped file
//
// Nothing is imported or run: a tensor is the inert _rebuild_tensor_v2 / _rebuild_parameter object
// torch pickled, with a typed reading on the side (Value::as_object() still shows the call).
// TorchScript archives (a constants.pkl member) are refused with kUnsupported, as are quantized
// storages. Thread safety: every function is reentrant; loaded Documents are immutable.
#pragma once

#include <complex>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "picklejar/document.h"
#include "picklejar/error.h"
#include "picklejar/export.h"
#include "picklejar/load.h"
#include "picklejar/print.h"
#include "picklejar/value.h"

namespace picklejar::torch {

// The element types of torch's storages (torch.<X>Storage, the storage type in a checkpoint).
// Numeric values are part of the ABI: append only.
enum class DType : uint8_t {
  kFloat32,     // FloatStorage
  kFloat64,     // DoubleStorage
  kFloat16,     // HalfStorage (IEEE binary16)
  kBFloat16,    // BFloat16Storage (the upper 16 bits of a float32)
  kInt64,       // LongStorage
  kInt32,       // IntStorage
  kInt16,       // ShortStorage
  kInt8,        // CharStorage
  kUInt8,       // ByteStorage (and UntypedStorage, which torch loads as bytes)
  kBool,        // BoolStorage
  kComplex64,   // ComplexFloatStorage
  kComplex128,  // ComplexDoubleStorage
};
// torch's name without "torch.": "float32", "bfloat16", "complex64", ...
PICKLEJAR_EXPORT std::string_view dtype_name(DType dtype) noexcept;
PICKLEJAR_EXPORT size_t dtype_itemsize(DType dtype) noexcept;

// A view of a loaded tensor (or nn.Parameter). Shape, strides and the storage offset are torch's,
// in elements; the data is never copied from where the load left it (the mapped file, or the
// file's bytes read into the document), except where the file's bytes were misaligned for the
// element type or in the other byte order (legacy files), which are copied once at load.
class PICKLEJAR_EXPORT TensorRef {
 public:
  TensorRef() = default;
  explicit TensorRef(Value v);  // v must be a Kind::kTensor value (else kTypeMismatch)
  Value value() const { return v_; }
  DType dtype() const;
  const std::vector<int64_t>& shape() const;
  const std::vector<int64_t>& strides() const;  // in elements, as tensor.stride()
  int64_t storage_offset() const;               // in elements, as tensor.storage_offset()
  size_t ndim() const { return shape().size(); }
  uint64_t numel() const;
  bool requires_grad() const;
  bool is_parameter() const;  // an nn.Parameter
  bool is_contiguous() const;  // tensor.is_contiguous(): row-major without gaps
  // The storage: tensors viewing one storage (views, slices, transposes, a Parameter and its
  // data) return the same Value (Value::is), as in Python they share one storage object.
  Value storage() const;
  std::string_view storage_key() const;       // "0", "1", ... (zip) or the legacy key
  std::string_view storage_location() const;  // "cpu", "cuda:0", ...
  uint64_t storage_numel() const;
  ByteView storage_bytes() const;  // the whole storage: storage_numel() * itemsize bytes
  // The bytes from the first element (storage_offset) to the end of the last one the view
  // reaches: for a contiguous tensor exactly numel() * itemsize bytes in row-major order.
  ByteView data() const;
  // The elements as T, zero-copy. Throws kTypeMismatch unless T matches dtype() (float: kFloat32,
  // double, int64_t ... bool, std::complex<float/double>; uint16_t for kFloat16 and kBFloat16
  // bit patterns) and kUnsupported unless the tensor is contiguous (use contiguous_bytes()).
  template <class T>
  std::span<const T> as() const {
    check_element(element_code<T>(), sizeof(T));
    ByteView b = data();
    return {reinterpret_cast<const T*>(b.data()), static_cast<size_t>(numel())};
  }
  // The elements in row-major order, following the strides (a copy): what tensor.contiguous()
  // holds, as numpy's tobytes() gives it.
  std::vector<uint8_t> contiguous_bytes() const;

 private:
  template <class T>
  static constexpr char element_code() {
    if constexpr (std::is_same_v<T, bool>) return 'b';
    else if constexpr (std::is_same_v<T, uint16_t>) return 'h';  // float16/bfloat16 bits
    else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) return 'i';
    else if constexpr (std::is_integral_v<T>) return 'u';
    else if constexpr (std::is_floating_point_v<T>) return 'f';
    else if constexpr (std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>) return 'c';
    else return 0;
  }
  void check_element(char code, size_t size) const;
  Value v_;
};

// The container formats torch.load reads.
enum class Format : uint8_t {
  kZip,           // torch >= 1.6: <root>/data.pkl, <root>/data/<key>, <root>/version
  kLegacyStream,  // _use_new_zipfile_serialization=False: five pickles, then the storages
  kLegacyTar,     // torch < 0.4: a tar of `storages`, `tensors` and `pickle`
};
PICKLEJAR_EXPORT std::string_view format_name(Format format) noexcept;  // "zip", "legacy stream", "legacy tar"

struct LoadOptions {
  // How data.pkl loads: limits (max_input_bytes bounds the file, max_memory_bytes what is read or
  // decompressed into memory), encoding, allowed_globals. persistent_load is not used (torch's
  // persistent ids are the storages) and buffers do not apply.
  picklejar::LoadOptions pickle{};
  // Map the file: tensors are views into the mapping (no copy, no read of the tensor bytes until
  // they are used). Without it the file is read into memory once and tensors point into that.
  bool mmap = false;
};

// The entries of a dict-like value: torch saves a state_dict as a collections.OrderedDict, which loads
// as an inert object whose SETITEMS entries are a dict (Value::as_object().dict_items): that dict.
// A plain dict is returned as it is; anything else is kTypeMismatch.
PICKLEJAR_EXPORT Value as_dict(const Value& v);

// Whether `data` starts as a torch file does: a zip (PK\3\4), a tar (ustar at 257), or the legacy
// stream (the pickled magic number). Only sniffs; does not validate.
PICKLEJAR_EXPORT bool looks_like_torch(ByteView data) noexcept;

// Loads a torch.save file: the root is the saved object (a state_dict is the collections.OrderedDict
// object torch pickles, with the items as_dict() gives and the _metadata its BUILD set). Throws
// Error: kUnsupported for TorchScript archives, quantized tensors, storage views of torch < 1.0 and
// encrypted members; kBadLength for a storage whose data is shorter than its size needs or a tensor
// reaching past its storage's end; kBadArgument for a damaged container, a missing member or
// malformed persistent ids and tensor arguments; kCompression for a deflated member that does not
// inflate to its size and CRC-32; kTruncated for a legacy file cut short; kLimitExceeded past
// options.pickle.limits; kIo when the file cannot be read.
PICKLEJAR_EXPORT Document load(const std::filesystem::path& path, const LoadOptions& options = {});
// The same from memory (no mmap): tensors point into `data`, which must outlive the Document.
PICKLEJAR_EXPORT Document load(ByteView data, const LoadOptions& options = {});

// What `picklejar info` reports for a torch file.
struct TensorInfo {
  std::string path{};   // keys joined with '.' (as safetensors names them): "0.weight", "optimizer.state.0.momentum_buffer"
  Value tensor{};
  std::string same_as{};  // the path of the first occurrence when this is the same tensor again
  bool shared_storage = false;  // another distinct tensor views the same storage
};
struct FileInfo {
  Format format = Format::kZip;
  std::string root{};  // zip: the archive's root folder
  int protocol = 0;    // data.pkl's (the main pickle's)
  std::vector<TensorInfo> tensors{};  // in pickling order (dict items in order, sequences by index)
};
// Loads `path` as load() does (handing the document over in `loaded`) and lists its tensors.
PICKLEJAR_EXPORT FileInfo inspect(const std::filesystem::path& path, const LoadOptions& options, Document& loaded);
PICKLEJAR_EXPORT FileInfo inspect(ByteView data, const LoadOptions& options, Document& loaded);

// The `show` form with tensors as `tensor(dtype=float32, shape=(3, 4), data=[...])` (numpy values
// as picklejar::write_show prints them).
PICKLEJAR_EXPORT void write_show(const Value& v, std::ostream& out, const Limits& limits = {});

// picklejar::write_json with tensors too: with options.array_values, a tensor is the nested lists
// tensor.tolist() gives (elements as docs/JSON.md "Array values" prints numpy's; bfloat16 as a float),
// as numpy arrays are; otherwise the faithful form (a tensor is the _rebuild_tensor_v2 call).
PICKLEJAR_EXPORT void write_json(const Value& v, std::ostream& out, const JsonOptions& options,
                                 const Limits& limits = {});

// Disassembles every pickle of a torch file like picklejar::disassemble: data.pkl (zip, and any other
// .pkl member), or the five pickles of a legacy stream; each listing is headed by a line naming it.
PICKLEJAR_EXPORT void disassemble(const std::filesystem::path& path, std::ostream& out, const LoadOptions& options = {});
PICKLEJAR_EXPORT void disassemble(ByteView data, std::ostream& out, const LoadOptions& options = {});


// ---- Writing (torch::dump_file)
// torch.save's zip format, as torch 1.13 writes it (and every torch >= 1.6 reads): `<root>/data.pkl`
// holds the very bytes torch.save's pickler writes for the same object (protocol 2, each storage
// the persistent id ('storage', torch.<X>Storage, key, location, numel), keys "0", "1", ... in the
// order the pickle first meets each storage), then `<root>/data/<key>` for each storage (sorted as
// strings, as torch writes them), then `<root>/version`; members stored, each one's data 64-byte
// aligned. Every tensor is written as torch writes a tensor (_rebuild_tensor_v2, _rebuild_parameter),
// whatever file it was loaded from: a legacy or tar file converts to what torch.save writes for
// the object torch.load makes of it. Storages are written whole, shared as the tensors share them.

struct DumpOptions {
  // The archive's root folder (torch: the file name without its extension). Empty: the stem of
  // dump_file's path ("archive" if it has none), and "archive" for dump(), as torch.save to a buffer.
  std::string root{};
  // torch.save's pickle_protocol (torch's DEFAULT_PROTOCOL is 2); 1-5 (protocol 0 cannot write
  // torch's tuple persistent ids).
  int protocol = 2;
  // max_depth bounds the nesting the pickler walks.
  Limits limits{};
};

// The torch.save zip of `v` in memory. Throws Error: kUnsupported for what torch.save cannot write
// (a persistent id that is not a torch storage, a PickleBuffer below protocol 5, ...),
// kInvalidArgument for an invalid Value, a bad protocol or a root holding '/', kLimitExceeded
// past options.limits.
PICKLEJAR_EXPORT std::vector<uint8_t> dump(const Value& v, const DumpOptions& options = {});
// Writes the torch.save zip of `v` to `path` atomically (a temporary file renamed over `path` when
// complete; on any error `path` is untouched and nothing is left behind). Storage bytes go from the
// document (a mapped file's pages, when loaded with mmap) straight to the file. Throws as dump(),
// and kIo when the file cannot be written.
PICKLEJAR_EXPORT void dump_file(const Value& v, const std::filesystem::path& path, const DumpOptions& options = {});

// Loads a pickle or joblib file (any compression, as joblib::load) whose tensors Python's pickle
// wrote (pickle.dump, joblib.dump: each storage a torch.storage._load_from_bytes call holding a
// torch.save stream of it) with those tensors read as tensors (Kind::kTensor), so that dump()
// writes them as torch.save does; what `picklejar recode --torch` reads from such a file. As in
// Python, each pickled tensor has a storage of its own. Throws as joblib::load, and as load() for
// a damaged storage stream.
PICKLEJAR_EXPORT Document load_pickle(const std::filesystem::path& path, const LoadOptions& options = {});
PICKLEJAR_EXPORT Document load_pickle(ByteView data, const LoadOptions& options = {});

// Making tensors with a Builder: values shaped as torch.load reads them (Kind::kTensor, TensorRef
// reads them back) and as torch.save writes them. Data is copied into the document.
//
//   picklejar::Document doc;
//   picklejar::Builder b = doc.builder();
//   std::vector<float> w = {1, 2, 3, 4, 5, 6};
//   picklejar::Value t = pt::make_tensor(b, pt::DType::kFloat32, {2, 3}, std::span<const float>(w));
//   picklejar::Value sd = pt::make_ordered_dict(b, {{b.str("weight"), t}});
//   pt::dump_file(sd, "state.pt");  // torch.load("state.pt") == OrderedDict(weight=tensor(...))
//
// A storage of `dtype` holding a copy of `data` (a whole number of elements) on device `location`
// (torch's location tag: "cpu", "cuda:0", ...; torch.load puts it back there). kInvalidArgument for
// a size that is not a whole number of elements or an empty location.
PICKLEJAR_EXPORT Value make_storage(Builder& b, DType dtype, ByteView data, std::string_view location = "cpu");
// A tensor viewing `storage` (a make_storage Value of the same document; tensors made on one
// storage share it, as views do in torch): `shape`, `strides` in elements (empty: contiguous,
// row-major) and the offset of its first element. kInvalidArgument for a Value that is not a
// storage of this document, negative sizes, strides or offset, or ranks that differ; kBadLength
// for a view reaching past the storage's end.
PICKLEJAR_EXPORT Value make_tensor(Builder& b, Value storage, const std::vector<int64_t>& shape,
                                   const std::vector<int64_t>& strides = {}, int64_t storage_offset = 0,
                                   bool requires_grad = false);
// A contiguous tensor on a new "cpu" storage holding exactly the elements of `data` (its size must
// be prod(shape) * itemsize: kInvalidArgument otherwise).
PICKLEJAR_EXPORT Value make_tensor(Builder& b, DType dtype, const std::vector<int64_t>& shape, ByteView data,
                                   bool requires_grad = false);
template <class T>
Value make_tensor(Builder& b, DType dtype, const std::vector<int64_t>& shape, std::span<const T> data,
                  bool requires_grad = false) {
  return make_tensor(b, dtype, shape, ByteView(reinterpret_cast<const uint8_t*>(data.data()), data.size_bytes()),
                     requires_grad);
}
// nn.Parameter(tensor, requires_grad): a new tensor object on `tensor`'s storage (kInvalidArgument
// unless `tensor` is a tensor of this document).
PICKLEJAR_EXPORT Value make_parameter(Builder& b, Value tensor, bool requires_grad = true);
// A collections.OrderedDict (what state_dict() returns, without its _metadata) holding `items`
// in order; add more with b.set_item(as_dict(od), key, value).
PICKLEJAR_EXPORT Value make_ordered_dict(Builder& b, std::initializer_list<std::pair<Value, Value>> items = {});

// ---- safetensors
// Writing the tensors of a loaded state_dict as a .safetensors file (huggingface's format): an
// 8-byte little-endian header length, a JSON header (`__metadata__` {"format": "pt"}, then per
// tensor its dtype code, shape and data_offsets into the bytes after the header), padded with
// spaces to a multiple of 8 bytes, then each tensor's elements in row-major order (views written
// contiguous), ordered as safetensors' own writer orders them (by dtype alignment, largest first,
// then by name). Names are the keys from the root, joined with '.' (TensorInfo::path): dicts,
// dict subclasses (OrderedDict) and lists/tuples are walked; every other value is a leaf.

struct SafetensorsOptions {
  // Refuse (kUnsupported, nothing written) a leaf safetensors cannot hold, instead of leaving it out.
  bool strict = false;
  // The most data bytes written (kLimitExceeded past it): a hostile file can name one tensor a
  // million times, or view one element a billion times with stride 0, from a few bytes.
  uint64_t max_output_bytes = uint64_t{1} << 40;
  // max_memory_bytes bounds the copy a strided view needs (the walk honours the Document's own
  // max_depth, from the Limits it was loaded with).
  Limits limits{};
};
// A leaf left out, and why: "not a tensor (int)", "complex64 tensor: safetensors has no complex
// dtype", "the name is used by another tensor", ...
struct SafetensorsSkipped {
  std::string path{};
  std::string reason{};
};
struct SafetensorsReport {
  size_t tensors = 0;       // written
  uint64_t data_bytes = 0;  // after the header
  std::vector<SafetensorsSkipped> skipped{};  // in pickling order
};

// Writes the tensors under `root` (a dict, dict subclass, list or tuple; else kTypeMismatch) to
// `path` atomically (a temporary file renamed over `path`; on any error `path` is untouched).
// Tensors are torch tensors (Kind::kTensor) and numpy arrays (C order; a big-endian one is written
// little-endian) of float64/32/16, bfloat16, int64/32/16/8, uint8/16/32/64 and bool. The same tensor
// under two names is written twice (safetensors has no sharing). Everything else is left out and
// listed in the report, or refused by options.strict. Throws Error: kTypeMismatch, kUnsupported
// (strict), kLimitExceeded, kIo.
PICKLEJAR_EXPORT SafetensorsReport write_safetensors(const Value& root, const std::filesystem::path& path,
                                                     const SafetensorsOptions& options = {});
// The same to a stream (when it fails part way, part of the file may have been written).
PICKLEJAR_EXPORT SafetensorsReport write_safetensors(const Value& root, std::ostream& out,
                                                     const SafetensorsOptions& options = {});

}  // namespace picklejar::torch
