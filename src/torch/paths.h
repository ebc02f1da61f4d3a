// The paths of a loaded torch file's values (paths.cc): dict keys and sequence indexes joined with
// '.', as safetensors names tensors ("0.weight", "optimizer.state.0.momentum_buffer"). Shared by
// torch::inspect (the tensors) and the safetensors writer (every value). Internal.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "model/document_impl.h"

namespace picklejar::internal {

// A value the walk reaches that it does not enter: anything but a dict, a dict subclass with
// items (an OrderedDict) or a list/tuple, and every tensor. A tensor or container met again is
// reached again with `first` naming its first path; a container met again is not entered again.
struct TorchLeaf {
  uint32_t id = 0;
  std::string path;
  std::string first;  // the first path of the same value met before, else empty
  bool named = true;  // every key on the path is a str or an int (else it holds "?")
  bool cut = false;   // the path passed kMaxPath bytes: only its end is kept, after "..."
};
constexpr size_t kMaxTorchPath = 4096;

// Walks from `root` in pickling order (dict items in order, list and tuple items by index),
// iteratively (a hostile pickle may nest a million lists; Limits::max_depth applies), calling
// `visit` for every leaf for which `want(id)` holds (paths are built only for those).
void walk_torch_paths(const DocumentImpl& d, uint32_t root, const std::function<bool(uint32_t id)>& want,
                      const std::function<void(TorchLeaf&& leaf)>& visit);

}  // namespace picklejar::internal
