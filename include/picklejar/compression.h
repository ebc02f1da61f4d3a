// picklejar::Codec and picklejar::Compression: the compression codecs picklejar reads (every load
// sniffs them) and writes (joblib::dump). Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "picklejar/export.h"

namespace picklejar {

// The codecs, as joblib names them. Numeric values are part of the ABI: append only.
enum class Codec : uint8_t { kNone, kZlib, kGzip, kBz2, kLzma, kXz, kLz4 };

// "none", "zlib", "gzip", "bz2", "lzma", "xz", "lz4".
PICKLEJAR_EXPORT std::string_view codec_name(Codec c) noexcept;
// The codec of a name codec_name() gives (not "none"), else nullopt.
PICKLEJAR_EXPORT std::optional<Codec> codec_from_name(std::string_view name) noexcept;

// A codec and a level: what joblib.dump's `compress` argument means.
struct Compression {
  Codec codec = Codec::kNone;
  int level = -1;  // 1-9 (lzma/xz presets and lz4: 0-9); -1: joblib's default (zlib/gzip 3, bz2 9, lzma/xz 6, lz4 0)
};

}  // namespace picklejar
