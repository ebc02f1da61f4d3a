// torch::load_pickle: joblib's loader (plain and compressed pickles, joblib containers) with torch's
// hooks asked last, reading the storages pickle.dump writes (torch.storage._load_from_bytes).
#include "joblib/reader.h"
#include "model/value_access.h"
#include "torch/torch.h"

namespace picklejar::torch {
namespace {

Document load_with_tensors(const std::filesystem::path* path, ByteView data, const LoadOptions& options) {
  internal::TorchHooks hooks(nullptr);
  hooks.read_storage_bytes(options.pickle);
  joblib::LoadOptions jo;
  jo.pickle = options.pickle;
  jo.mmap = options.mmap ? joblib::MmapMode::kReadOnly : joblib::MmapMode::kNone;
  joblib::detail::Loaded l = joblib::detail::load_impl(path, data, jo, &hooks);
  internal::impl_of(l.doc).frozen = true;  // as every load*() returns it
  return std::move(l.doc);
}

}  // namespace

Document load_pickle(const std::filesystem::path& path, const LoadOptions& options) {
  return load_with_tensors(&path, {}, options);
}

Document load_pickle(ByteView data, const LoadOptions& options) { return load_with_tensors(nullptr, data, options); }

}  // namespace picklejar::torch
