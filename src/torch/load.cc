// Loading a torch file from its bytes in memory: the format by its first bytes, then the zip
// (data.pkl with each storage bound to its data/<key> member as the pickle names it) or the legacy
// stream (five pickles, then the storages the fourth one named, in the order the fifth lists).
#include <algorithm>
#include <cstring>

#include "torch/torch.h"
#include "model/value_access.h"
#include "pickle/unpickler.h"
#include "torch/zip.h"

namespace picklejar::internal {
namespace {

// torch.serialization.MAGIC_NUMBER (0x1950a86a20f9469cfc6c), little-endian, as LONG1 pickles it.
constexpr uint8_t kMagic[] = {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
constexpr int64_t kLegacyProtocolVersion = 1001;

std::string_view text(const DocumentImpl& d, uint32_t id) {
  const Node& n = d.node(id);
  return {reinterpret_cast<const char*>(n.u.bytes.ptr), static_cast<size_t>(n.u.bytes.len)};
}

bool is_text(const DocumentImpl& d, uint32_t id) {
  return d.node(id).kind == Kind::kStr || d.node(id).kind == Kind::kBytes;
}

TorchFile load_zip(ByteView file, Document& doc, const picklejar::LoadOptions& options) {
  DocumentImpl& d = impl_of(doc);
  ZipArchive zip(file, options.limits);
  TorchFile out;
  out.format = torch::Format::kZip;
  if (zip.members().empty()) throw_error(ErrorCode::kBadArgument, "torch zip has no members");
  // torch's reader takes the root folder from the first member's name.
  const std::string& first = zip.members().front().name;
  size_t slash = first.find('/');
  if (slash == std::string::npos || slash == 0)
    throw_error(ErrorCode::kBadArgument, "torch zip: the first member '" + first + "' is not in a root folder");
  out.root = first.substr(0, slash);
  const std::string prefix = out.root + "/";
  if (zip.find(prefix + "constants.pkl"))
    throw_error(ErrorCode::kUnsupported, "'" + prefix +
                                             "constants.pkl' marks a TorchScript archive (torch.jit.save), which "
                                             "torch.jit.load reads; picklejar reads torch.save files only");
  const ZipMember* pkl = zip.find(prefix + "data.pkl");
  if (!pkl) throw_error(ErrorCode::kBadArgument, "torch zip has no '" + prefix + "data.pkl' member");
  bool swap = false;
  if (const ZipMember* bo = zip.find(prefix + "byteorder")) {
    ByteView b = zip.bytes(*bo, d);
    std::string_view order(reinterpret_cast<const char*>(b.data()), b.size());
    if (order == "big") {
      swap = std::endian::native == std::endian::little;
    } else if (order == "little") {
      swap = std::endian::native == std::endian::big;
    } else {
      throw_error(ErrorCode::kBadArgument, "torch zip: byteorder is '" + std::string(order.substr(0, 20)) +
                                               "', not 'little' or 'big'", bo->data_offset);
    }
  }
  TorchHooks hooks([&](DocumentImpl& dd, uint32_t index, uint64_t offset) {
    const std::string& key = dd.torch_storage(index).key;
    const ZipMember* m = zip.find(prefix + "data/" + key);
    if (!m) throw_error(ErrorCode::kBadArgument, "torch storage '" + key + "' has no member '" + prefix + "data/" + key + "'",
                        offset);
    ByteView b = zip.bytes(*m, dd);
    bind_torch_storage(dd, index, b.data(), b.size(), swap, offset,
                       "its member '" + m->name + "' (data at byte " + std::to_string(m->data_offset) + ")");
  });
  if (pkl->method == 0) {
    // Over the file from its start, so that offsets in errors are offsets in the file.
    ByteReader in(file.data(), static_cast<size_t>(pkl->data_offset + pkl->size), options.limits.max_input_bytes);
    if (!in.take(static_cast<size_t>(pkl->data_offset)))
      throw_error(ErrorCode::kLimitExceeded, "torch zip: data.pkl starts past Limits::max_input_bytes", 0);
    run_unpickler(in, doc, options, hooks.with_numpy());
  } else {
    ByteView b = zip.bytes(*pkl, d);
    ByteReader in(b.data(), b.size(), options.limits.max_input_bytes);
    run_unpickler(in, doc, options, hooks.with_numpy());
  }
  out.protocol = d.protocol;
  return out;
}

TorchFile load_legacy_stream(ByteView file, Document& doc, const picklejar::LoadOptions& options) {
  DocumentImpl& d = impl_of(doc);
  TorchFile out;
  out.format = torch::Format::kLegacyStream;
  ByteReader in(file.data(), file.size(), options.limits.max_input_bytes);
  VmHookList none{};
  uint32_t magic = run_nested_unpickler(in, doc, options, none);
  if (d.node(magic).kind != Kind::kInt || int_to_bytes(d, magic) != std::vector<uint8_t>(std::begin(kMagic), std::end(kMagic)))
    throw_error(ErrorCode::kBadArgument, "torch legacy file: the first pickle is not torch's magic number "
                                         "0x1950a86a20f9469cfc6c", 0);
  uint64_t at = in.pos();
  uint32_t version = run_nested_unpickler(in, doc, options, none);
  if (d.node(version).kind != Kind::kInt || (d.node(version).flags & kFlagBigInt) ||
      d.node(version).u.i != kLegacyProtocolVersion)
    throw_error(ErrorCode::kBadArgument, "torch legacy file: protocol version is not 1001", at);
  at = in.pos();
  uint32_t sys_info = run_nested_unpickler(in, doc, options, none);
  if (d.node(sys_info).kind != Kind::kDict) throw_error(ErrorCode::kBadArgument, "torch legacy file: sys_info is not a dict", at);
  bool swap = false;
  for (uint32_t i = 0, n = d.item_count(sys_info); i < n; ++i) {
    uint32_t k = d.items(sys_info)[2 * i], v = d.items(sys_info)[2 * i + 1];
    if (is_text(d, k) && text(d, k) == "little_endian" && d.node(v).kind == Kind::kBool)
      swap = (d.node(v).u.i != 0) != (std::endian::native == std::endian::little);
  }
  TorchHooks hooks(nullptr);  // the storages follow the pickles: bound below
  run_unpickler(in, doc, options, hooks.with_numpy());
  out.protocol = d.protocol;
  at = in.pos();
  uint32_t keys = run_nested_unpickler(in, doc, options, none);
  if (d.node(keys).kind != Kind::kList) throw_error(ErrorCode::kBadArgument, "torch legacy file: the storage key list is not a list", at);
  for (uint32_t i = 0, n = d.item_count(keys); i < n; ++i) {
    uint32_t k = d.items(keys)[i];
    if (!is_text(d, k)) throw_error(ErrorCode::kBadArgument, "torch legacy file: a storage key is not a str", at);
    std::string key(text(d, k));
    auto found = hooks.storages().find(key);
    if (found == hooks.storages().end())
      throw_error(ErrorCode::kBadArgument, "torch legacy file: storage '" + key + "' is listed but no tensor uses it", at);
    at = in.pos();
    const uint8_t* c = in.take(8);
    if (!c) throw_error(ErrorCode::kTruncated, "torch legacy file: the file ends before storage '" + key + "'", at);
    uint8_t count_bytes[8];
    std::memcpy(count_bytes, c, 8);
    if (swap) std::reverse(count_bytes, count_bytes + 8);
    int64_t count = 0;
    std::memcpy(&count, count_bytes, 8);
    const TorchStorageData& s = d.torch_storage(found->second);
    if (count < 0 || static_cast<uint64_t>(count) != s.numel)
      throw_error(ErrorCode::kBadLength, "torch legacy file: storage '" + key + "' holds " + std::to_string(count) +
                                             " elements, the pickle says " + std::to_string(s.numel), at);
    if (s.bound) throw_error(ErrorCode::kBadArgument, "torch legacy file: storage '" + key + "' is listed twice", at);
    uint64_t nbytes = s.numel * s.itemsize;
    at = in.pos();
    size_t left = 0;
    const uint8_t* p = in.take(static_cast<size_t>(nbytes), &left);
    if (!p)
      throw_error(ErrorCode::kTruncated, "torch legacy file: storage '" + key + "' needs " + std::to_string(nbytes) +
                                             " bytes, the file has " + std::to_string(left) + " left", at);
    bind_torch_storage(d, found->second, p, nbytes, swap, at, "the file");
  }
  for (const auto& [key, index] : hooks.storages())
    if (!d.torch_storage(index).bound)
      throw_error(ErrorCode::kBadArgument, "torch legacy file: storage '" + key + "' is not in the storage key list", at);
  return out;
}

}  // namespace

std::optional<torch::Format> sniff_torch_format(ByteView f) {
  if (f.size() >= 4 && std::memcmp(f.data(), "PK\x03\x04", 4) == 0) return torch::Format::kZip;
  if (f.size() >= 262 && std::memcmp(f.data() + 257, "ustar", 5) == 0) return torch::Format::kLegacyTar;
  // The legacy stream starts with the magic number pickled as LONG1 (any protocol's PROTO first).
  for (size_t i = 0; i + 2 + sizeof kMagic <= f.size() && i < 8; ++i)
    if (f[i] == 0x8a && f[i + 1] == sizeof kMagic && std::memcmp(f.data() + i + 2, kMagic, sizeof kMagic) == 0)
      return torch::Format::kLegacyStream;
  return std::nullopt;
}

TorchFile load_torch_file(ByteView file, Document& doc, const picklejar::LoadOptions& options) {
  if (file.size() > options.limits.max_input_bytes)
    throw_error(ErrorCode::kLimitExceeded, "torch file of " + std::to_string(file.size()) +
                                               " bytes passes Limits::max_input_bytes");
  auto format = sniff_torch_format(file);
  if (!format)
    throw_error(ErrorCode::kBadArgument, "not a torch file: neither a zip, a tar nor torch's legacy stream", 0);
  switch (*format) {
    case torch::Format::kZip: return load_zip(file, doc, options);
    case torch::Format::kLegacyStream: return load_legacy_stream(file, doc, options);
    case torch::Format::kLegacyTar: return load_legacy_tar(file, doc, options);
  }
  return {};
}

}  // namespace picklejar::internal
