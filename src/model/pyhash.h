// CPython 3.11's hash() for the hashable values of the model, and the order in which a CPython set
// built from given items iterates. The pickler needs it: Python re-pickles a set in its iteration
// order, which follows the hash table, not the order the items were added. Internal.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "model/document_impl.h"

namespace picklejar::internal {

// SipHash-1-3 key CPython derives from PYTHONHASHSEED (0: hash randomisation off, an all-zero key).
struct PyHashKey {
  uint64_t k0 = 0;
  uint64_t k1 = 0;
};
PyHashKey py_hash_key(uint32_t hash_seed);

// hash(value) as CPython 3.11 (64-bit) computes it, or nullopt where CPython hashes by address
// (None, NaN, classes, functions, instances) or the value is unhashable.
std::optional<int64_t> py_hash(const DocumentImpl& d, uint32_t id, const PyHashKey& key, int depth = 0);

// The iteration order of a CPython set (or frozenset) made by adding `items` one by one
// (set(list), ADDITEMS, FROZENSET): a simulation of CPython's open-addressing table. Returns
// `items` unchanged if any item has no reproducible hash.
std::vector<uint32_t> py_set_order(const DocumentImpl& d, const uint32_t* items, size_t n, const PyHashKey& key);

}  // namespace picklejar::internal
