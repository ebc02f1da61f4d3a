// PyTorch checkpoints (DESIGN.md §1b, the torch layer): the storage types, the unpickler hooks that
// turn torch's persistent ids into storages and its _rebuild_tensor_v2 / _rebuild_parameter calls
// into tensors (TensorData, model/document_impl.h), and the containers (zip, legacy stream,
// legacy tar) that hand data.pkl and the storage bytes to them. Internal.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "io/byte_reader.h"
#include "model/document_impl.h"
#include "pickle/hooks.h"
#include "picklejar/document.h"
#include "picklejar/torch.h"

namespace picklejar::internal {

// One storage type torch writes: torch.<storage> holds elements of `dtype`.
struct TorchDTypeInfo {
  std::string_view storage;  // "FloatStorage"
  torch::DType dtype;
  uint8_t itemsize;
  std::string_view name;     // torch's dtype name: "float32"
  char code;                 // the element code TensorRef::as<T>() checks: b i u f c, h (16-bit floats)
};
// The type of `storage_name` (torch.<X>Storage's X), or null for a name torch 1.13 does not write.
const TorchDTypeInfo* torch_dtype_by_storage(std::string_view storage_name);
const TorchDTypeInfo& torch_dtype_info(torch::DType dtype);
// Whether `storage_name` is a quantized storage type (QInt8Storage, QUInt8Storage, ...).
bool is_quantized_storage(std::string_view storage_name);

// Points storage `index` at `p` (`available` bytes there, described by `source` in errors, thrown
// at `offset`): kBadLength when fewer than numel * itemsize; copied into an aligned document block when `p` is misaligned for the
// element type, and byte-swapped when `swap` (a big-endian file).
void bind_torch_storage(DocumentImpl& d, uint32_t index, const uint8_t* p, uint64_t available, bool swap,
                        uint64_t offset, const std::string& source);

// Checks that tensor `t` views elements inside its storage (offset + sum((size - 1) * stride) <
// numel): kBadLength when it reaches past the end or its size or stride overflows.
void check_tensor_view(const DocumentImpl& d, const TensorData& t, uint64_t offset);

// The hooks data.pkl (or a legacy main pickle) loads with, after numpy's. persistent_load reads
// ('storage', torch.<X>Storage, key, location, numel[, view_metadata]) into one storage per key
// (the same value for every use of a key) and asks `bind` for its bytes (zip: the member; null
// for the legacy stream, whose storages follow the pickle and are bound after it). after_reduce
// reads _rebuild_tensor_v2 / _rebuild_tensor / _rebuild_parameter into tensors, checking that
// each view lies inside its storage; quantized tensors are kUnsupported.
class TorchHooks final : public VmHooks {
 public:
  using Bind = std::function<void(DocumentImpl& d, uint32_t storage, uint64_t offset)>;
  explicit TorchHooks(Bind bind) : bind_(std::move(bind)) {}

  uint32_t persistent_load(Document& doc, uint32_t pid, uint64_t offset) override;
  void after_reduce(DocumentImpl& d, uint32_t obj) override;

  // The storage type a torch.<X>Storage global names: kUnsupported for quantized and unknown ones.
  static const TorchDTypeInfo& storage_type(const DocumentImpl& d, uint32_t type_node, uint64_t offset);
  // Registers a storage (its value `node`, shared by every use), binds it when the hooks bind, and
  // returns its index (kBadLength for a size past max_input_bytes, kBadArgument for a key met before).
  uint32_t add_storage(DocumentImpl& d, uint32_t node, const TorchDTypeInfo& t, std::string key, std::string location,
                       int64_t numel, uint64_t offset);

  // key -> index into DocumentImpl's torch storages, for the storages met so far.
  const std::unordered_map<std::string, uint32_t>& storages() const { return by_key_; }

  // numpy's hooks, then these: what data.pkl loads with.
  VmHookList with_numpy();

  // For a plain pickle or joblib file (torch::load_pickle): read torch.storage._load_from_bytes(b),
  // how pickle.dump writes a storage (b: a torch.save stream of that storage alone, loaded with
  // `options`), as a storage, its bytes copied into the document; persistent ids stay inert, and a
  // _rebuild_tensor_v2 of anything else than such a storage stays an inert call.
  void read_storage_bytes(const picklejar::LoadOptions& options) { bytes_options_ = &options; }

 private:
  void storage_from_bytes(DocumentImpl& d, uint32_t obj, uint64_t offset);

  Bind bind_;
  const picklejar::LoadOptions* bytes_options_ = nullptr;
  std::unordered_map<std::string, uint32_t> by_key_;
  std::unordered_map<uint32_t, uint32_t> by_node_;  // storage node -> index
  VmHooks* both_[2] = {};
};

// ---- containers (load.cc, tar.cc): a torch file in memory (mapped, read, or the caller's).
struct TorchFile {
  torch::Format format = torch::Format::kZip;
  std::string root;  // zip: the archive's root folder
  int protocol = 0;  // the main pickle's
};

// The format of a torch file by its first bytes (zip, tar, legacy stream), or nullopt.
std::optional<torch::Format> sniff_torch_format(ByteView file);

// Loads the torch file `file` (which must outlive `doc`) into `doc`: its root is the saved object.
TorchFile load_torch_file(ByteView file, Document& doc, const picklejar::LoadOptions& options);
TorchFile load_legacy_tar(ByteView file, Document& doc, const picklejar::LoadOptions& options);
// A legacy tar's members `storages`, `tensors` and `pickle` (read into blocks of `d`; others are
// skipped, nothing is extracted): kBadArgument when one is missing or the tar is damaged.
std::map<std::string, ByteView> legacy_tar_members(ByteView file, DocumentImpl& d, const Limits& limits);

}  // namespace picklejar::internal
