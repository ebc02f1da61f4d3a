// picklejar::scan and scan_file (picklejar/scan.h): the verdict over what the Scanner recorded, and
// torch's legacy formats, whose pickles are framed by raw storage bytes the scan skips.
#include <algorithm>
#include <cstring>

#include "io/mapped_file.h"
#include "model/value_access.h"
#include "pickle/unpickler.h"
#include "scan/scanner.h"
#include "torch/torch.h"

namespace picklejar {

std::string_view verdict_name(Verdict v) noexcept {
  switch (v) {
    case Verdict::kSafe: return "safe";
    case Verdict::kUnsafe: return "unsafe";
    case Verdict::kUnreadable: return "unreadable";
  }
  return "?";
}

namespace internal {
namespace {

const uint8_t* need(ByteReader& in, uint64_t n, const char* what) {
  size_t left = 0;
  const uint8_t* p = n <= SIZE_MAX ? in.take(static_cast<size_t>(n), &left) : nullptr;
  if (!p) throw_error(ErrorCode::kTruncated, std::string("torch legacy file: ") + what + " cut short", in.pos());
  return p;
}

// A storage type global's element size (torch.FloatStorage: 4), as legacy_load reads storages.
uint64_t storage_itemsize(const DocumentImpl& d, uint32_t type, uint64_t offset) {
  if (type == kNoNode || d.node(type).kind != Kind::kGlobal)
    throw_error(ErrorCode::kBadArgument, "torch legacy file: a storage type is not a global", offset);
  GlobalRef g = make_value(&d, type).as_global();
  const TorchDTypeInfo* t = torch_dtype_by_storage(g.name);
  if (!t) throw_error(ErrorCode::kUnsupported, "torch legacy file: unknown storage type " + std::string(g.name), offset);
  return t->itemsize;
}

}  // namespace

// Five pickles (magic, version, sys_info, the object, the storage keys), then per key an int64
// element count and the elements: skipped by the sizes the object's persistent ids declared.
void Scanner::scan_legacy_torch(ByteView data, const std::string& part, int depth) {
  ByteReader in(data.data(), data.size(), opt_.limits.max_input_bytes);
  run_pickles(in, part, depth, 3);
  Document doc;
  DocumentImpl& d = impl_of(doc);
  TorchHooks hooks(nullptr);
  run_one(in, doc, part, depth, hooks.with_numpy());
  uint64_t at = in.pos();
  uint32_t keys = run_one(in, doc, part, depth);
  if (d.node(keys).kind != Kind::kList) throw_error(ErrorCode::kBadArgument, "torch legacy file: the storage key list is not a list", at);
  for (uint32_t i = 0, n = d.item_count(keys); i < n; ++i) {
    uint32_t k = d.items(keys)[i];
    const Node& kn = d.node(k);
    std::string key = kn.kind == Kind::kStr ? std::string(reinterpret_cast<const char*>(kn.u.bytes.ptr), kn.u.bytes.len) : "";
    auto found = hooks.storages().find(key);
    if (found == hooks.storages().end())
      throw_error(ErrorCode::kBadArgument, "torch legacy file: storage '" + key + "' is listed but no tensor uses it", in.pos());
    uint64_t count = le(need(in, 8, "a storage size"), 8);
    const TorchStorageData& s = d.torch_storage(found->second);
    if (count != s.numel) throw_error(ErrorCode::kBadLength, "torch legacy file: storage '" + key + "' size mismatch", in.pos());
    need(in, s.numel * s.itemsize, "storage data");
  }
  if (in.remaining() && *in.remaining() > 0) run_pickles(in, part, depth);  // pickles appended after
}

namespace {

// A tar's regular members (name -> bytes), read leniently from the 512-byte headers: ustar and
// GNU long names, pax headers skipped, sizes in octal or base-256. Members are views into `t`.
std::vector<std::pair<std::string, ByteView>> tar_members(ByteView t) {
  std::vector<std::pair<std::string, ByteView>> out;
  std::string long_name;
  for (size_t at = 0; at + 512 <= t.size();) {
    const uint8_t* h = t.data() + at;
    if (std::all_of(h, h + 512, [](uint8_t b) { return b == 0; })) break;
    uint64_t size = 0;
    if (h[124] & 0x80) {
      for (int i = 125; i < 136; ++i) size = (size << 8) | h[i];
    } else {
      for (int i = 124; i < 136 && h[i]; ++i)
        if (h[i] >= '0' && h[i] <= '7') size = size * 8 + (h[i] - '0');
    }
    size_t data = at + 512;
    if (size > t.size() - data) throw_error(ErrorCode::kTruncated, "tar member runs past the end of the file", at);
    auto field = [&](size_t off, size_t n) {
      std::string s(reinterpret_cast<const char*>(h + off), n);
      return s.substr(0, s.find('\0'));
    };
    std::string name = field(0, 100);
    if (std::memcmp(h + 257, "ustar", 5) == 0 && h[345]) name = field(345, 155) + "/" + name;
    char type = static_cast<char>(h[156]);
    ByteView body = t.subspan(data, static_cast<size_t>(size));
    if (type == 'L') {
      long_name.assign(reinterpret_cast<const char*>(body.data()), body.size());
      long_name = long_name.substr(0, long_name.find('\0'));
    } else if (type == '0' || type == '\0' || type == '7') {
      out.emplace_back(long_name.empty() ? name : long_name, body);
      long_name.clear();
    }
    at = data + static_cast<size_t>((size + 511) / 512 * 512);
  }
  return out;
}

}  // namespace

// legacy_load's tar: `storages` (a count, then per storage a pickled (key, location, type), an int64
// element count and the elements; then a pickle of storage views), `tensors` (a count, then per
// tensor a pickled (key, storage key, type), int32 ndim, 4 bytes, ndim sizes and strides, an
// offset), and pickles: `pickle`, `sys_info` (any other member is sniffed as a file of its own).
void Scanner::scan_tar(ByteView data, const std::string& part, int depth) {
  auto count_of = [&](Document& doc, uint32_t node, uint64_t offset) {
    const Node& n = impl_of(doc).node(node);
    if (n.kind != Kind::kInt || n.u.i < 0) throw_error(ErrorCode::kBadArgument, "torch legacy tar: a count is not an int", offset);
    return static_cast<uint64_t>(n.u.i);
  };
  for (const auto& [name, m] : tar_members(data)) {
    std::string where = child(part, name);
    try {
      ByteReader in(m.data(), m.size(), opt_.limits.max_input_bytes);
      if (name == "storages") {
        Document doc;
        uint64_t n = count_of(doc, run_one(in, doc, where, depth), 0);
        for (uint64_t i = 0; i < n; ++i) {
          uint64_t at = in.pos();
          uint32_t t = run_one(in, doc, where, depth);
          const DocumentImpl& d = impl_of(doc);
          if (d.node(t).kind != Kind::kTuple || t == kEmptyTupleNode || d.item_count(t) != 3)
            throw_error(ErrorCode::kBadArgument, "torch legacy tar: a storage header is not (key, location, type)", at);
          uint64_t itemsize = storage_itemsize(d, d.items(t)[2], at);
          uint64_t elements = le(need(in, 8, "a storage size"), 8);
          if (elements > UINT64_MAX / itemsize) throw_error(ErrorCode::kBadLength, "torch legacy tar: storage too large", at);
          need(in, elements * itemsize, "storage data");
        }
        if (in.remaining() && *in.remaining() > 0) run_pickles(in, where, depth);  // the storage views
      } else if (name == "tensors") {
        Document doc;
        uint64_t n = count_of(doc, run_one(in, doc, where, depth), 0);
        for (uint64_t i = 0; i < n; ++i) {
          run_one(in, doc, where, depth);
          uint64_t ndim = le(need(in, 8, "a tensor's ndim"), 4);
          if (ndim > 64) throw_error(ErrorCode::kBadArgument, "torch legacy tar: ndim past 64", in.pos());
          need(in, 16 * ndim + 8, "a tensor's sizes");
        }
        if (in.remaining() && *in.remaining() > 0) run_pickles(in, where, depth);
      } else {
        report_.parts.push_back("tar member " + where);
        scan_bytes(m, where, depth + 1);
      }
    } catch (const Error& e) {
      record_error(where, e.offset() == Error::kNoOffset ? 0 : e.offset(), e.what());
    }
  }
}

}  // namespace internal

namespace {

void settle(ScanReport& r) {
  bool unsafe = !r.issues.empty();
  for (const GlobalFinding& g : r.globals) unsafe |= g.dangerous || !g.allowed;
  if (unsafe) r.verdict = Verdict::kUnsafe;
  else if (!r.error.empty()) r.verdict = Verdict::kUnreadable;
  else r.verdict = Verdict::kSafe;
}

}  // namespace

ScanReport scan(ByteView data, const ScanOptions& options) {
  ScanReport r;
  internal::Scanner s(r, options);
  s.scan_bytes(data, "", 0);
  settle(r);
  return r;
}

ScanReport scan_file(const std::filesystem::path& path, const ScanOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    internal::throw_error(ErrorCode::kIo, "cannot scan " + path.string() + ": is a directory");
  std::shared_ptr<const internal::MappedFile> map = internal::map_file(path, false);
  ScanReport r = scan(ByteView(map->data(), map->size()), options);
  r.path = path.string();
  return r;
}

}  // namespace picklejar
