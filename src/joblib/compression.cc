// joblib.dump's `compress` argument, as the CLI spells it. See picklejar/joblib.h.
#include <cstring>

#include "base/error.h"
#include "codec/codec.h"
#include "picklejar/joblib.h"

namespace picklejar::joblib {

using internal::throw_error;

Compression parse_compression(std::string_view spec) {
  Compression c;
  if (!spec.empty() && spec.find_first_not_of("0123456789") == std::string_view::npos) {
    if (spec.size() != 1)
      throw_error(ErrorCode::kInvalidArgument, "compression level must be 0-9, not '" + std::string(spec) + "'");
    if (spec[0] != '0') {
      c.codec = Codec::kZlib;
      c.level = spec[0] - '0';
    }
    return c;
  }
  std::string_view name = spec, level;
  if (auto colon = spec.find(':'); colon != std::string_view::npos) {
    name = spec.substr(0, colon);
    level = spec.substr(colon + 1);
  }
  std::optional<Codec> codec = codec_from_name(name);
  if (!codec)
    throw_error(ErrorCode::kInvalidArgument, "unknown compressor '" + std::string(name) + "' (zlib, gzip, bz2, lzma, xz, lz4)");
  c.codec = *codec;
  if (!level.empty()) {
    if (level.size() != 1 || level[0] < '0' || level[0] > '9')
      throw_error(ErrorCode::kInvalidArgument, "compression level must be 0-9, not '" + std::string(level) + "'");
    c.level = level[0] - '0';
    if (c.level == 0) c = Compression{};  // joblib: level 0 means no compression
  }
  return c;
}

Compression compression_for_path(const std::filesystem::path& path) {
  std::string p = path.string();
  Compression c;
  // joblib: the last registered match wins (.z zlib, .gz gzip, .bz2 bz2, .lzma lzma, .xz xz, .lz4 lz4).
  for (auto [ext, codec] : {std::pair{".z", Codec::kZlib}, {".gz", Codec::kGzip}, {".bz2", Codec::kBz2},
                            {".lzma", Codec::kLzma}, {".xz", Codec::kXz}, {".lz4", Codec::kLz4}}) {
    if (p.size() >= std::strlen(ext) && p.compare(p.size() - std::strlen(ext), std::string::npos, ext) == 0)
      c.codec = codec;
  }
  return c;
}


Compression compression_for(std::optional<std::string_view> spec, const std::filesystem::path& out) {
  if (!spec) return out.empty() ? Compression{} : compression_for_path(out);
  Compression c = parse_compression(*spec);
  bool bare_level = spec->size() == 1 && (*spec)[0] >= '0' && (*spec)[0] <= '9';
  if (bare_level && !out.empty()) {
    Compression by_name = compression_for_path(out);
    if (by_name.codec != Codec::kNone) {
      int level = (*spec)[0] - '0';
      c = {by_name.codec, level == 0 ? -1 : level};
    }
  }
  return c;
}

}  // namespace picklejar::joblib
