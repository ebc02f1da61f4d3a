// The public torch entry points (picklejar/torch.h): load, inspect, show, disassemble.

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <ostream>
#include <unordered_map>

#include "io/mapped_file.h"
#include "model/print.h"
#include "model/value_access.h"
#include "numpy/show.h"
#include "pickle/disassembler.h"
#include "picklejar/print.h"
#include "torch/paths.h"
#include "torch/tensor.h"
#include "torch/torch.h"
#include "torch/zip.h"

namespace picklejar::torch {

using internal::throw_error;

std::string_view format_name(Format format) noexcept {
  switch (format) {
    case Format::kZip: return "zip";
    case Format::kLegacyStream: return "legacy stream";
    case Format::kLegacyTar: return "legacy tar";
  }
  return "unknown";
}

Value as_dict(const Value& v) {
  if (!v.valid()) throw_error(ErrorCode::kInvalidArgument, "as_dict of an invalid (empty) Value");
  if (v.kind() == Kind::kDict) return v;
  if (v.kind() == Kind::kObject) {
    Value items = v.as_object().dict_items;
    if (items.valid()) return items;
    // An empty OrderedDict has no SETITEMS: its entries are an empty dict nowhere in the document.
  }
  throw_error(ErrorCode::kTypeMismatch, "expected a dict or a dict subclass with items (a state_dict), found " +
                                            std::string(kind_name(v.kind())), v.offset());
}

bool looks_like_torch(ByteView data) noexcept { return internal::sniff_torch_format(data).has_value(); }

namespace {

// The file's bytes in memory, kept alive by the document: mapped, or read into one document block.
ByteView file_bytes(const std::filesystem::path& path, const LoadOptions& options, Document& doc) {
  internal::DocumentImpl& d = internal::impl_of(doc);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw_error(ErrorCode::kIo, "cannot read " + path.string() + ": is a directory");
  if (options.mmap) {
    std::shared_ptr<const internal::MappedFile> m = internal::map_file(path, false);
    d.adopt(m);
    return ByteView(m->data(), m->size());
  }
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!f) throw_error(ErrorCode::kIo, "cannot read " + path.string() + ": " + std::strerror(errno));
  uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) throw_error(ErrorCode::kIo, "cannot read " + path.string() + ": " + ec.message());
  const Limits& limits = options.pickle.limits;
  if (size > limits.max_input_bytes || size > limits.max_memory_bytes)
    throw_error(ErrorCode::kLimitExceeded, path.string() + " is " + std::to_string(size) +
                                               " bytes, past Limits::max_input_bytes or max_memory_bytes (map it: "
                                               "LoadOptions::mmap)");
  uint8_t* block = d.alloc_bytes(static_cast<size_t>(size));  // huge pages advised (alloc_bytes)
  if (size && std::fread(block, 1, static_cast<size_t>(size), f.get()) != size)
    throw_error(ErrorCode::kIo, "cannot read " + path.string() + ": read error");
  return ByteView(block, static_cast<size_t>(size));
}

Document load_bytes(ByteView data, const LoadOptions& options, Document doc, internal::TorchFile* file) {
  internal::DocumentImpl& d = internal::impl_of(doc);
  d.set_limits(options.pickle.limits);
  internal::TorchFile f = internal::load_torch_file(data, doc, options.pickle);
  d.frozen = true;
  if (file) *file = f;
  return doc;
}

// Tensors in pickling order (torch/paths.h), with the first path of a tensor met again.
void walk(const internal::DocumentImpl& d, FileInfo& info) {
  internal::walk_torch_paths(
      d, d.root, [&](uint32_t id) { return d.tag(id) == internal::kTagTensor; },
      [&](internal::TorchLeaf&& leaf) {
        TensorInfo t;
        t.path = std::move(leaf.path);
        t.tensor = internal::make_value(&d, leaf.id);
        t.same_as = std::move(leaf.first);
        info.tensors.push_back(std::move(t));
      });
}

FileInfo describe(const Document& doc, const internal::TorchFile& f) {
  const internal::DocumentImpl& d = internal::impl_of(doc);
  FileInfo info;
  info.format = f.format;
  info.root = f.root;
  info.protocol = f.protocol;
  walk(d, info);
  std::unordered_map<uint32_t, uint32_t> users;  // storage -> distinct tensors
  for (const TensorInfo& t : info.tensors)
    if (t.same_as.empty()) ++users[d.tensor(t.tensor.id()).storage];
  for (TensorInfo& t : info.tensors) t.shared_storage = users[d.tensor(t.tensor.id()).storage] > 1;
  return info;
}

class TorchShow final : public internal::ShowTyped {
 public:
  Text show(const internal::DocumentImpl& d, uint32_t id) const override {
    if (d.tag(id) != internal::kTagTensor) return internal::numpy_show().show(d, id);
    Text out;
    out.head = internal::tensor_show_text(d, id);
    return out;
  }
};

}  // namespace

Document load(const std::filesystem::path& path, const LoadOptions& options) {
  Document doc;
  ByteView data = file_bytes(path, options, doc);
  return load_bytes(data, options, std::move(doc), nullptr);
}

Document load(ByteView data, const LoadOptions& options) { return load_bytes(data, options, Document(), nullptr); }

FileInfo inspect(const std::filesystem::path& path, const LoadOptions& options, Document& loaded) {
  Document doc;
  ByteView data = file_bytes(path, options, doc);
  internal::TorchFile f;
  loaded = load_bytes(data, options, std::move(doc), &f);
  return describe(loaded, f);
}

FileInfo inspect(ByteView data, const LoadOptions& options, Document& loaded) {
  internal::TorchFile f;
  loaded = load_bytes(data, options, Document(), &f);
  return describe(loaded, f);
}

void write_show(const Value& v, std::ostream& out, const Limits& limits) {
  if (!v.valid()) throw_error(ErrorCode::kInvalidArgument, "write_show: invalid Value");
  static const TorchShow show;
  internal::write_show(*internal::impl_of(v), v.id(), out, limits, &show);
}

void write_json(const Value& v, std::ostream& out, const JsonOptions& options, const Limits& limits) {
  if (!v.valid()) throw_error(ErrorCode::kInvalidArgument, "write_json: invalid Value");
  internal::write_json(*internal::impl_of(v), v.id(), out, limits,
                       options.array_values ? &internal::torch_json_values() : nullptr);
}

void disassemble(ByteView data, std::ostream& out, const LoadOptions& options) {
  auto format = internal::sniff_torch_format(data);
  if (!format) throw_error(ErrorCode::kBadArgument, "not a torch file: neither a zip, a tar nor torch's legacy stream", 0);
  if (*format == Format::kLegacyStream) {
    static constexpr const char* kNames[] = {"magic_number", "protocol_version", "sys_info", "object", "storage_keys"};
    out << "# legacy stream: five pickles, then each storage as an int64 count and its bytes\n";
    uint64_t at = 0;
    for (int i = 0; i < 5; ++i) {
      out << "\n# pickle " << i << " (" << kNames[i] << ") at offset " << at << "\n";
      at = internal::disassemble_from(data, at, out);
    }
    out << "\n# storages from offset " << at << " to " << data.size() << "\n";
    return;
  }
  Document scratch;  // holds inflated and tar members
  internal::DocumentImpl& d = internal::impl_of(scratch);
  d.set_limits(options.pickle.limits);
  if (*format == Format::kLegacyTar) {  // the object pickle (the other members mix pickles and raw data)
    picklejar::disassemble(internal::legacy_tar_members(data, d, options.pickle.limits).at("pickle"), out);
    return;
  }
  internal::ZipArchive zip(data, options.pickle.limits);
  const internal::ZipMember* first = nullptr;
  for (const internal::ZipMember& m : zip.members())
    if (m.name.size() >= 9 && m.name.compare(m.name.size() - 9, 9, "/data.pkl") == 0 && !first) first = &m;
  if (!first) throw_error(ErrorCode::kBadArgument, "torch zip has no data.pkl member");
  picklejar::disassemble(zip.bytes(*first, d), out);
  for (const internal::ZipMember& m : zip.members()) {
    if (&m == first || m.name.size() < 4 || m.name.compare(m.name.size() - 4, 4, ".pkl") != 0) continue;
    out << "\n# " << m.name << "\n";
    picklejar::disassemble(zip.bytes(m, d), out);
  }
}

void disassemble(const std::filesystem::path& path, std::ostream& out, const LoadOptions& options) {
  Document holder;
  ByteView data = file_bytes(path, options, holder);
  disassemble(data, out, options);
}

}  // namespace picklejar::torch
