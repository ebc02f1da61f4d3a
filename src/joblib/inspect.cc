// joblib::inspect (what `picklejar info` prints) and joblib::disassemble. See reader.h.
#include <algorithm>
#include <ostream>
#include <unordered_set>

#include "model/value_access.h"
#include "codec/codec.h"
#include "joblib/reader.h"
#include "numpy/numpy.h"

namespace picklejar::joblib {

using namespace detail;
using internal::throw_error;

namespace {
// The whole decoded stream of a file or buffer (decompressed; ZF unwrapped).
// It is held in memory: it may be no longer than max_input_bytes and max_memory_bytes (a
// decompression bomb stops there with kLimitExceeded).
std::vector<uint8_t> decoded_stream(const std::filesystem::path* path, ByteView data, const picklejar::LoadOptions& po) {
  const Limits& limits = po.limits;
  std::vector<uint8_t> raw = path ? read_whole_file(*path) : std::vector<uint8_t>(data.begin(), data.end());
  if (raw.size() >= 2 && raw[0] == 'Z' && raw[1] == 'F') return read_zfile(raw, path ? path->string() : "<memory>", limits);
  internal::Codec codec = internal::sniff_codec(raw.data(), raw.size());
  if (codec == internal::Codec::kNone) return raw;
  auto src =
      internal::make_decoder(codec, internal::make_memory_source(raw.data(), raw.size()),
                             internal::decoder_memlimit(limits), po.decoder_threads);
  const uint64_t most = std::min(limits.max_input_bytes, limits.max_memory_bytes);
  std::vector<uint8_t> out;
  std::vector<uint8_t> buf(1 << 16);
  for (;;) {
    size_t k = src->read(buf.data(), buf.size());
    if (k == 0) break;
    if (out.size() + k > most)
      throw_error(ErrorCode::kLimitExceeded,
                  "the decompressed stream is longer than max_input_bytes/max_memory_bytes (" + std::to_string(most) +
                      " bytes)",
                  out.size());
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(k));
  }
  return out;
}

void disassemble_impl(const std::filesystem::path* path, ByteView data, std::ostream& out,
                      const LoadOptions& options) {
  std::vector<uint8_t> stream = decoded_stream(path, data, options.pickle);
  std::filesystem::path dir = path ? path->parent_path() : std::filesystem::path();
  if (path && dir.empty()) dir = ".";
  std::vector<internal::SkipRange> ranges = spliced_ranges(ByteView(stream.data(), stream.size()), dir, options);
  internal::disassemble_with_skips(ByteView(stream.data(), stream.size()), out, ranges);
}
}  // namespace

void disassemble(const std::filesystem::path& path, std::ostream& out, const LoadOptions& options) {
  disassemble_impl(&path, {}, out, options);
}
void disassemble(ByteView data, std::ostream& out, const LoadOptions& options) {
  disassemble_impl(nullptr, data, out, options);
}

namespace {
FileInfo inspect_loaded(Loaded& l);
}  // namespace

FileInfo inspect(const std::filesystem::path& path, const LoadOptions& options) {
  Loaded l = load_impl(&path, {}, options);
  return inspect_loaded(l);
}

FileInfo inspect(ByteView data, const LoadOptions& options) {
  Loaded l = load_impl(nullptr, data, options);
  return inspect_loaded(l);
}

FileInfo inspect(const std::filesystem::path& path, const LoadOptions& options, Document& loaded) {
  Loaded l = load_impl(&path, {}, options);
  FileInfo info = inspect_loaded(l);
  internal::impl_of(l.doc).frozen = true;
  loaded = std::move(l.doc);
  return info;
}

FileInfo inspect(ByteView data, const LoadOptions& options, Document& loaded) {
  Loaded l = load_impl(nullptr, data, options);
  FileInfo info = inspect_loaded(l);
  internal::impl_of(l.doc).frozen = true;
  loaded = std::move(l.doc);
  return info;
}

namespace {
FileInfo inspect_loaded(Loaded& l) {
  FileInfo info;
  info.format = l.format;
  info.compression = l.compression;
  info.protocol = loaded_protocol(l.doc);
  const DocumentImpl& d = internal::impl_of(l.doc);
  // Depth-first walk with paths; each value visited once.
  std::vector<std::pair<uint32_t, std::string>> work{{d.root, "root"}};
  std::unordered_set<uint32_t> seen;
  while (!work.empty() && info.arrays.size() < 100000) {
    auto [id, where] = work.back();
    work.pop_back();
    if (id == kNoNode || !seen.insert(id).second) continue;
    const internal::Node& n = d.node(id);
    if (d.tag(id) == internal::kTagArray) {
      const auto& a = d.array(id);
      info.arrays.push_back({where, internal::dtype_str(d, a.dtype), a.shape, a.nbytes});
      if (a.items != kNoNode) work.emplace_back(a.items, where + ".items");
      continue;
    }
    if (d.tag(id) != internal::kTagNone) continue;
    std::vector<std::pair<uint32_t, std::string>> next;
    switch (n.kind) {
      case Kind::kList:
      case Kind::kTuple:
      case Kind::kSet:
      case Kind::kFrozenSet: {
        uint32_t c = id == internal::kEmptyTupleNode ? 0 : d.item_count(id);
        for (uint32_t i = 0; i < c; ++i) next.emplace_back(d.items(id)[i], where + "[" + std::to_string(i) + "]");
        break;
      }
      case Kind::kDict: {
        for (uint32_t i = 0, c = d.item_count(id); i < c; ++i) {
          uint32_t k = d.items(id)[2 * i];
          std::string key = d.node(k).kind == Kind::kStr ? "'" + std::string(text(d, k)) + "'" : "#" + std::to_string(i);
          next.emplace_back(d.items(id)[2 * i + 1], where + "[" + key + "]");
        }
        break;
      }
      case Kind::kObject: {
        const internal::ObjectData& o = d.object(id);
        if (o.state != kNoNode) next.emplace_back(o.state, where + ".state");
        if (o.args != kNoNode) next.emplace_back(o.args, where + ".args");
        if (o.list_items != kNoNode) next.emplace_back(o.list_items, where + ".listitems");
        if (o.dict_items != kNoNode) next.emplace_back(o.dict_items, where + ".dictitems");
        break;
      }
      default: break;
    }
    for (auto it = next.rbegin(); it != next.rend(); ++it) work.push_back(*it);
  }
  return info;
}
}  // namespace


}  // namespace picklejar::joblib
