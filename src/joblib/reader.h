// What the joblib reader's files share (reader.cc: the load and its BUILD hook; native.cc: joblib's
// byte-order fix-up; legacy_files.cc: .npy and ZF side files; inspect.cc: info and disassembly).
// Internal.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/byte_reader.h"
#include "model/document_impl.h"
#include "pickle/disassembler.h"
#include "pickle/hooks.h"
#include "picklejar/joblib.h"

namespace picklejar::joblib::detail {

using internal::ByteReader;
using internal::DocumentImpl;
using internal::kNoNode;

// The text of a str or bytes node.
std::string_view text(const DocumentImpl& d, uint32_t id);
bool is_global(const DocumentImpl& d, uint32_t id, std::string_view module, std::string_view name);
// state[key] of a dict state, or kNoNode.
uint32_t state_get(const DocumentImpl& d, uint32_t dict, std::string_view key);
// A shape: a tuple of non-negative ints, or one int; nullopt otherwise.
std::optional<std::vector<int64_t>> shape_of(const DocumentImpl& d, uint32_t id);
// prod(shape) * itemsize, or kBadArgument/kLimitExceeded at `offset` on overflow.
uint64_t checked_bytes(const std::vector<int64_t>& shape, uint64_t itemsize, uint64_t offset);
// n bytes of array data from `in`: pointing into stable input, else read into a new aligned block.
const uint8_t* read_payload(DocumentImpl& d, ByteReader& in, uint64_t n, uint64_t offset);

// joblib's _ensure_native_byte_order (native.cc): the data in native order, *dtype replaced by the
// native dtype joblib makes; `p` itself when nothing changes.
const uint8_t* ensure_native(DocumentImpl& d, uint32_t* dtype, const uint8_t* p, uint64_t nbytes, uint64_t offset);

// ---- legacy side files (legacy_files.cc)
struct Npy {
  std::string descr;
  bool fortran = false;
  std::vector<int64_t> shape;
  size_t data_offset = 0;
};
// A .npy file's header (magic, version, header dict).
Npy parse_npy(const std::vector<uint8_t>& f, const std::string& name);
std::vector<uint8_t> read_whole_file(const std::filesystem::path& p);
// A ZF file ("ZF" + 19-character hex length + zlib data; joblib < 0.10): its decompressed bytes.
// The header's length is checked against the limits before anything is decoded.
std::vector<uint8_t> read_zfile(const std::vector<uint8_t>& f, const std::string& name, const Limits& limits);

// ---- loading (reader.cc)
struct Loaded {
  Document doc;
  std::string format;       // FileInfo::format
  std::string compression;  // FileInfo::compression
};
// joblib.load of a file (path) or of memory (data, when path is null). `extra`, when given, is
// asked after joblib's and numpy's hooks (torch's, for tensors pickled into the file).
Loaded load_impl(const std::filesystem::path* path, ByteView data, const LoadOptions& options,
                 internal::VmHooks* extra = nullptr);
// Where joblib spliced array data into a decoded stream (found by loading it; empty where the
// stream does not load). `dir`: where legacy side files are.
std::vector<internal::SkipRange> spliced_ranges(ByteView stream, const std::filesystem::path& dir,
                                                const LoadOptions& options);

}  // namespace picklejar::joblib::detail
