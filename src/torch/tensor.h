// Reading a loaded tensor's elements (tensor.cc): the strided walk, element text. Internal.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/document_impl.h"
#include "picklejar/torch.h"

namespace picklejar::internal {

// The first element's bytes of tensor node `id` (its storage's data + storage_offset).
const uint8_t* tensor_first(const DocumentImpl& d, const TensorData& t);
// Up to `max` elements of the tensor in row-major order (all when max is ~0), copied.
std::vector<uint8_t> tensor_row_major(const DocumentImpl& d, const TensorData& t, uint64_t max = ~uint64_t{0});
uint64_t tensor_numel(const TensorData& t);
bool tensor_contiguous(const TensorData& t);
// An element as Python prints it (float repr, int, True/False, (re+imj)).
std::string tensor_element_text(torch::DType dtype, const uint8_t* p);
// The JSON writer's typed values for `json --arrays values` (json.cc): tensors as tensor.tolist(),
// the rest as numpy's writer prints them.
class JsonTyped;
const JsonTyped& torch_json_values();
// `tensor(dtype=float32, shape=(3, 4), data=[...])`, the show form.
std::string tensor_show_text(const DocumentImpl& d, uint32_t id);

}  // namespace picklejar::internal
