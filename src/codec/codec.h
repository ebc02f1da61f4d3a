// Compression codecs behind one streaming interface (zlib, gzip, bz2, xz, lzma), used by joblib
// containers and by compressed plain pickles. Decoders are Sources (the unpickler reads through
// them, so large payloads decompress straight into their final blocks); encoders are byte sinks.
// Only the libraries' streaming C APIs are used. Internal.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "io/byte_reader.h"
#include "picklejar/compression.h"
#include "picklejar/limits.h"

namespace picklejar::internal {

// The one codec enum and its names are public (picklejar/compression.h).
using picklejar::Codec;
using picklejar::codec_from_name;
using picklejar::codec_name;
int codec_default_level(Codec c);                       // joblib's defaults: zlib/gzip 3, bz2 9, lzma/xz 6, lz4 0

// joblib's detection by magic bytes: zlib 78, gzip 1f 8b, bz2 BZ, lzma 5d 00, xz fd 37 7a 58 5a,
// lz4 04 22 4d 18.
// `head` is the first bytes of the file (5 suffice).
Codec sniff_codec(const uint8_t* head, size_t n);

// A Source that decompresses `inner`. What follows the end of the compressed data is refused
// with kCompression ("trailing data"), except what the codec's own tools read as a continuation:
// further gzip members, bz2 streams, xz streams (and xz stream padding) and lz4 frames are read as
// their concatenation (as gzip -d, bunzip2, xz -d and lz4 -d do); zlib and lzma (alone) streams end
// at their end. Truncated or corrupt data: kCompression with the compressed offset.
// `memlimit` bounds the decoder's own memory where the format lets a header choose it (the
// lzma/xz dictionary, up to 4 GiB): past it, kLimitExceeded. zlib, bz2 and lz4 need at most a few MiB.
// `threads` (0: one per core) is how many threads an xz decoder may use for a file of several
// blocks, and a bz2 decoder for a file of several streams; the other codecs decode on the calling
// thread.
std::unique_ptr<Source> make_decoder(Codec c, std::unique_ptr<Source> inner, uint64_t memlimit = UINT64_MAX,
                                     unsigned threads = 1);
// A bz2 decoder whose error messages count compressed offsets from `start_offset` (the input's
// offset of inner's first byte): the one-thread decoder the parallel one falls back to.
std::unique_ptr<Source> make_bz2_decoder(std::unique_ptr<Source> inner, uint64_t start_offset);
// bz2 files of several streams, one stream per thread (src/codec/parallel_decode.cc); what is not
// several streams decodes as make_bz2_decoder does.
std::unique_ptr<Source> make_parallel_bz2_decoder(std::unique_ptr<Source> inner, unsigned threads, uint64_t memlimit);
// A thread count as the options give it (0: one per core), resolved: at least 1.
unsigned resolve_threads(unsigned threads);
// The `memlimit` a load under `limits` gives its decoder.
inline uint64_t decoder_memlimit(const Limits& limits) {
  return std::min(limits.max_decoder_bytes, limits.max_memory_bytes);
}

// Sniffs the first bytes of `raw` (sniff_codec) and returns a Source of the decompressed stream
// when they are a codec's magic, else `raw` itself with the sniffed bytes replayed. `*found` (if
// given) gets the codec found. What load_file/load_stream and the joblib reader read through.
std::unique_ptr<Source> decode_sniffed(std::unique_ptr<Source> raw, uint64_t memlimit, Codec* found = nullptr,
                                       unsigned threads = 1);

// A byte sink writing compressed data to `out` (called with each compressed chunk).
class Encoder {
 public:
  virtual ~Encoder() = default;
  virtual void write(const uint8_t* p, size_t n) = 0;
  virtual void finish() = 0;  // flushes the end of the stream; call once
};
using ChunkWriter = std::function<void(const uint8_t* p, size_t n)>;
// level 1-9 (lzma/xz: preset 0-9). Parameters are joblib 1.2's (FORMATS.md §3.5).
std::unique_ptr<Encoder> make_encoder(Codec c, int level, ChunkWriter out);

// The same on `threads` threads (src/codec/parallel.cc): zlib and gzip as one stream/member built
// pigz-style, bz2 as concatenated streams, xz as one multi-block stream. Other codecs, and
// threads <= 1, get make_encoder's single-threaded (byte-identical to joblib's) output.
bool codec_has_parallel_encoder(Codec c);
// xz on liblzma's multi-threaded encoder (in codec.cc, beside the single-threaded one).
std::unique_ptr<Encoder> make_xz_encoder_mt(int preset, unsigned threads, ChunkWriter out);
std::unique_ptr<Encoder> make_parallel_encoder(Codec c, int level, unsigned threads, ChunkWriter out);

}  // namespace picklejar::internal
