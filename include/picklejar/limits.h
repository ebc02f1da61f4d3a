// picklejar::Limits: the bounds every loader and walker honours, each field naming the attack it
// stops. Thread safety: a plain value type.
#pragma once

#include <cstdint>

namespace picklejar {

// Bounds on what hostile input can make the loader (and the walkers) do. Exceeding one throws
// Error(kLimitExceeded) with the offset where it happened. The defaults load anything CPython
// writes on a 64-bit machine; lower them for untrusted input.
struct Limits {
  // Total bytes of pickle stream read. Stops endless streams and decompression bombs from feeding
  // the VM forever.
  uint64_t max_input_bytes = uint64_t{1} << 40;
  // Bytes the document's own blocks (nodes, item lists, copied payloads) and, while a load runs,
  // the VM's memo and stacks may hold together. Stops inputs whose values cost far more memory
  // than their bytes (every 1-byte EMPTY_LIST is a node, every 1-byte MEMOIZE a memo slot) from
  // exhausting memory.
  uint64_t max_memory_bytes = uint64_t{16} << 30;
  // Memo entries (PUT/BINPUT/LONG_BINPUT/MEMOIZE). Stops memo bombs; a PUT at a huge index
  // costs one entry, never a table of that size.
  uint64_t max_memo_entries = uint64_t{1} << 31;
  // Items in one list, tuple, dict, set or frozenset (and depth of the VM stack). Stops one
  // container from growing without bound through repeated APPEND/DUP.
  uint64_t max_container_items = uint64_t{1} << 32;
  // Nesting depth for everything that walks a document (printing, equality, hashing of tuple keys,
  // dumping). Walkers are iterative; this stops a deep structure from turning into unbounded
  // work stacks. A 1,000,000-deep list is within the default.
  uint64_t max_depth = 10'000'000;
  // Decimal digits in a text INT/LONG line. Decimal conversion is quadratic; CPython 3.11 refuses
  // more than 4300 digits (sys.int_info.default_max_str_digits) for the same reason.
  uint64_t max_int_digits = 4300;
  // Memory a decompressor may take (at most max_memory_bytes too). Only lzma and xz need much: their
  // header names a dictionary size the decoder allocates up front (xz -9 and joblib's lzma use
  // 64 MiB), so a 13-byte .lzma header could otherwise claim 4 GiB.
  uint64_t max_decoder_bytes = uint64_t{256} << 20;
};

}  // namespace picklejar
