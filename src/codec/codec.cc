// zlib/gzip (zlib), bz2 (libbz2) and xz/lzma (liblzma) through their streaming APIs.
#include "codec/codec.h"

#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <thread>
#include <vector>

#include "base/error.h"

namespace picklejar::internal {
namespace {

constexpr size_t kChunk = 1 << 16;

[[noreturn]] void corrupt(Codec c, const std::string& what, uint64_t compressed_offset) {
  throw_error(ErrorCode::kCompression, std::string(codec_name(c)) + " stream: " + what +
                                           " (compressed offset " + std::to_string(compressed_offset) + ")");
}

// Shared input handling: refills from the inner source; remembers how much was consumed.
class InputWindow {
 public:
  // `start_offset`: the input offset of inner's first byte (for error messages).
  explicit InputWindow(std::unique_ptr<Source> inner, uint64_t start_offset = 0)
      : inner_(std::move(inner)), buf_(kChunk), consumed_(start_offset) {}
  // Makes input available; false at the end of the inner source.
  bool fill() {
    if (pos_ < len_) return true;
    consumed_ += len_;
    pos_ = len_ = 0;
    len_ = inner_->read(buf_.data(), buf_.size());
    return len_ > 0;
  }
  const uint8_t* data() const { return buf_.data() + pos_; }
  size_t size() const { return len_ - pos_; }
  void advance(size_t n) { pos_ += n; }
  uint64_t offset() const { return consumed_ + pos_; }
  // True if any byte follows (reads ahead).
  bool more() { return fill(); }
  // Makes at least n (<= kChunk) bytes available, reading more and moving what is left to the
  // front as needed (a magic number may arrive split over reads); false if the input ends first.
  // Pointers from data() are invalid after a call.
  bool ensure(size_t n) {
    while (size() < n) {
      if (pos_ > 0) {
        size_t rest = len_ - pos_;
        std::memmove(buf_.data(), buf_.data() + pos_, rest);
        consumed_ += pos_;
        pos_ = 0;
        len_ = rest;
      }
      size_t k = inner_->read(buf_.data() + len_, buf_.size() - len_);
      if (k == 0) return false;
      len_ += k;
    }
    return true;
  }

 private:
  std::unique_ptr<Source> inner_;
  std::vector<uint8_t> buf_;
  size_t pos_ = 0, len_ = 0;
  uint64_t consumed_ = 0;
};

class ZlibDecoder final : public Source {
 public:
  ZlibDecoder(Codec c, std::unique_ptr<Source> inner) : codec_(c), in_(std::move(inner)) { init(); }
  ~ZlibDecoder() override { inflateEnd(&z_); }
  size_t read(uint8_t* dst, size_t n) override {
    size_t out = 0;
    while (out < n && !done_) {
      if (z_.avail_in == 0) {
        if (!in_.fill()) corrupt(codec_, "truncated: the compressed data ends early", in_.offset());
        z_.next_in = const_cast<Bytef*>(in_.data());
        z_.avail_in = static_cast<uInt>(std::min<size_t>(in_.size(), 1u << 30));
      }
      size_t before_in = z_.avail_in;
      z_.next_out = dst + out;
      z_.avail_out = static_cast<uInt>(std::min<size_t>(n - out, 1u << 30));
      size_t before_out = z_.avail_out;
      int rc = inflate(&z_, Z_NO_FLUSH);
      in_.advance(before_in - z_.avail_in);
      out += before_out - z_.avail_out;
      if (rc == Z_STREAM_END) {
        end_of_member();
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        corrupt(codec_, z_.msg ? z_.msg : "corrupt data", in_.offset());
      }
    }
    return out;
  }

 private:
  void init() {
    std::memset(&z_, 0, sizeof z_);
    if (inflateInit2(&z_, codec_ == Codec::kGzip ? 31 : 15) != Z_OK)
      throw_error(ErrorCode::kCompression, "zlib: cannot initialise the decompressor");
  }
  // A gzip member or zlib stream ended: another gzip member continues the data; anything else
  // after the end is refused (joblib 1.2 loops forever on it).
  void end_of_member() {
    if (z_.avail_in == 0 && !in_.more()) {
      done_ = true;
      return;
    }
    z_.avail_in = 0;
    if (codec_ == Codec::kGzip && in_.ensure(2) && in_.data()[0] == 0x1f && in_.data()[1] == 0x8b) {
      inflateReset(&z_);
      return;
    }
    corrupt(codec_, "trailing data after the end of the compressed stream", in_.offset());
  }

  Codec codec_;
  InputWindow in_;
  z_stream z_{};
  bool done_ = false;
};

class Bz2Decoder final : public Source {
 public:
  explicit Bz2Decoder(std::unique_ptr<Source> inner, uint64_t start_offset = 0) : in_(std::move(inner), start_offset) {
    init();
  }
  ~Bz2Decoder() override { BZ2_bzDecompressEnd(&s_); }
  size_t read(uint8_t* dst, size_t n) override {
    size_t out = 0;
    while (out < n && !done_) {
      if (s_.avail_in == 0) {
        if (!in_.fill()) corrupt(Codec::kBz2, "truncated: the compressed data ends early", in_.offset());
        s_.next_in = reinterpret_cast<char*>(const_cast<uint8_t*>(in_.data()));
        s_.avail_in = static_cast<unsigned>(std::min<size_t>(in_.size(), 1u << 30));
      }
      size_t before_in = s_.avail_in;
      s_.next_out = reinterpret_cast<char*>(dst + out);
      s_.avail_out = static_cast<unsigned>(std::min<size_t>(n - out, 1u << 30));
      size_t before_out = s_.avail_out;
      int rc = BZ2_bzDecompress(&s_);
      in_.advance(before_in - s_.avail_in);
      out += before_out - s_.avail_out;
      if (rc == BZ_STREAM_END) {
        // Python's bz2 module reads concatenated streams; so do we.
        if (s_.avail_in == 0 && !in_.more()) {
          done_ = true;
        } else {
          s_.avail_in = 0;
          if (in_.ensure(3) && in_.data()[0] == 'B' && in_.data()[1] == 'Z' && in_.data()[2] == 'h') {
            BZ2_bzDecompressEnd(&s_);
            init();
          } else {
            corrupt(Codec::kBz2, "trailing data after the end of the compressed stream", in_.offset());
          }
        }
      } else if (rc != BZ_OK) {
        corrupt(Codec::kBz2, "corrupt data (libbz2 error " + std::to_string(rc) + ")", in_.offset());
      }
    }
    return out;
  }

 private:
  void init() {
    std::memset(&s_, 0, sizeof s_);
    if (BZ2_bzDecompressInit(&s_, 0, 0) != BZ_OK)
      throw_error(ErrorCode::kCompression, "bz2: cannot initialise the decompressor");
  }
  InputWindow in_;
  bz_stream s_{};
  bool done_ = false;
};

class LzmaDecoder final : public Source {
 public:
  LzmaDecoder(Codec c, std::unique_ptr<Source> inner, uint64_t memlimit, unsigned threads)
      : codec_(c), in_(std::move(inner)), memlimit_(memlimit == 0 ? 1 : memlimit) {
    lzma_ret rc;
    if (c == Codec::kXz) {
      // liblzma's threaded decoder decodes the blocks of a multi-block .xz file (what the
      // threaded encoder, `--threads`, writes) on several threads, and a single-block file on one,
      // as lzma_stream_decoder would. It stays inside the same memory limit: past it, it decodes on
      // one thread (memlimit_threading) or stops with LZMA_MEMLIMIT_ERROR (memlimit_stop).
      lzma_mt mt{};
      mt.flags = LZMA_CONCATENATED;
      mt.threads = threads;
      mt.memlimit_threading = memlimit_;
      mt.memlimit_stop = memlimit_;
      rc = lzma_stream_decoder_mt(&s_, &mt);
    } else {
      // Python's lzma module (FORMAT_AUTO, as joblib opens .lzma files) decodes with
      // lzma_auto_decoder, whose .lzma header check is picky (dictionary sizes 2^n or 2^n + 2^(n-1),
      // known sizes under 2^38): lzma_alone_decoder would accept headers Python refuses.
      rc = lzma_auto_decoder(&s_, memlimit_, 0);
    }
    if (rc != LZMA_OK) throw_error(ErrorCode::kCompression, "lzma: cannot initialise the decompressor");
  }
  ~LzmaDecoder() override { lzma_end(&s_); }
  size_t read(uint8_t* dst, size_t n) override {
    size_t out = 0;
    while (out < n && !done_) {
      lzma_action action = LZMA_RUN;
      if (s_.avail_in == 0) {
        if (in_.fill()) {
          s_.next_in = in_.data();
          s_.avail_in = in_.size();
        } else {
          action = LZMA_FINISH;  // lets the xz decoder check the end of concatenated streams
        }
      }
      size_t before_in = s_.avail_in;
      s_.next_out = dst + out;
      s_.avail_out = n - out;
      size_t before_out = s_.avail_out;
      lzma_ret rc = lzma_code(&s_, action);
      in_.advance(before_in - s_.avail_in);
      out += before_out - s_.avail_out;
      if (rc == LZMA_STREAM_END) {
        if (s_.avail_in != 0 || in_.more())
          corrupt(codec_, "trailing data after the end of the compressed stream", in_.offset());
        done_ = true;
      } else if (rc == LZMA_MEMLIMIT_ERROR) {
        // The header asks for a dictionary (decoder memory) past the limit: a hostile header
        // must not make us allocate gigabytes.
        throw_error(ErrorCode::kLimitExceeded,
                    std::string(codec_name(codec_)) + ": the stream needs " + std::to_string(lzma_memusage(&s_)) +
                        " bytes of decoder memory, over its limit (" + std::to_string(memlimit_) +
                        ": Limits::max_decoder_bytes, at most max_memory_bytes)",
                    in_.offset());
      } else if (rc == LZMA_BUF_ERROR && action == LZMA_FINISH) {
        corrupt(codec_, "truncated: the compressed data ends early", in_.offset());
      } else if (rc != LZMA_OK) {
        corrupt(codec_, "corrupt data (liblzma error " + std::to_string(static_cast<int>(rc)) + ")", in_.offset());
      }
    }
    return out;
  }

 private:
  Codec codec_;
  InputWindow in_;
  lzma_stream s_ = LZMA_STREAM_INIT;
  uint64_t memlimit_;
  bool done_ = false;
};

class Lz4Decoder final : public Source {
 public:
  explicit Lz4Decoder(std::unique_ptr<Source> inner) : in_(std::move(inner)) {
    if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx_, LZ4F_VERSION)))
      throw_error(ErrorCode::kCompression, "lz4: cannot initialise the decompressor");
  }
  ~Lz4Decoder() override { LZ4F_freeDecompressionContext(ctx_); }
  size_t read(uint8_t* dst, size_t n) override {
    size_t out = 0;
    while (out < n && !done_) {
      if (in_.size() == 0 && !in_.fill()) {
        if (frame_open_) corrupt(Codec::kLz4, "truncated: the compressed data ends early", in_.offset());
        done_ = true;
        break;
      }
      size_t src = in_.size(), dst_size = n - out;
      size_t hint = LZ4F_decompress(ctx_, dst + out, &dst_size, in_.data(), &src, nullptr);
      if (LZ4F_isError(hint)) corrupt(Codec::kLz4, LZ4F_getErrorName(hint), in_.offset());
      in_.advance(src);
      out += dst_size;
      frame_open_ = hint != 0;
      if (!frame_open_ && in_.size() == 0 && !in_.more()) done_ = true;
      // Concatenated frames decode as one stream, as lz4 -d does.
    }
    return out;
  }

 private:
  InputWindow in_;
  LZ4F_dctx* ctx_ = nullptr;
  bool frame_open_ = true;
  bool done_ = false;
};

// ---- encoders

class ZlibEncoder final : public Encoder {
 public:
  ZlibEncoder(Codec c, int level, ChunkWriter out) : out_(std::move(out)), buf_(kChunk) {
    // zlib.compressobj(level, DEFLATED, wbits 15 or 31, memLevel 8, strategy 0)
    if (deflateInit2(&z_, level, Z_DEFLATED, c == Codec::kGzip ? 31 : 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw_error(ErrorCode::kCompression, "zlib: cannot initialise the compressor");
  }
  ~ZlibEncoder() override { deflateEnd(&z_); }
  void write(const uint8_t* p, size_t n) override {
    while (n > 0) {
      size_t take = std::min<size_t>(n, 1u << 30);
      z_.next_in = const_cast<Bytef*>(p);
      z_.avail_in = static_cast<uInt>(take);
      run(Z_NO_FLUSH);
      p += take;
      n -= take;
    }
  }
  void finish() override { run(Z_FINISH); }

 private:
  void run(int flush) {
    for (;;) {
      z_.next_out = buf_.data();
      z_.avail_out = static_cast<uInt>(buf_.size());
      int rc = deflate(&z_, flush);
      if (rc == Z_STREAM_ERROR) throw_error(ErrorCode::kCompression, "zlib: compression failed");
      size_t have = buf_.size() - z_.avail_out;
      if (have) out_(buf_.data(), have);
      if (flush == Z_FINISH ? rc == Z_STREAM_END : (z_.avail_in == 0 && z_.avail_out != 0)) return;
    }
  }
  ChunkWriter out_;
  std::vector<uint8_t> buf_;
  z_stream z_{};
};

class Bz2Encoder final : public Encoder {
 public:
  Bz2Encoder(int level, ChunkWriter out) : out_(std::move(out)), buf_(kChunk) {
    if (BZ2_bzCompressInit(&s_, level, 0, 0) != BZ_OK)
      throw_error(ErrorCode::kCompression, "bz2: cannot initialise the compressor");
  }
  ~Bz2Encoder() override { BZ2_bzCompressEnd(&s_); }
  void write(const uint8_t* p, size_t n) override {
    while (n > 0) {
      size_t take = std::min<size_t>(n, 1u << 30);
      s_.next_in = reinterpret_cast<char*>(const_cast<uint8_t*>(p));
      s_.avail_in = static_cast<unsigned>(take);
      while (s_.avail_in > 0) {
        s_.next_out = reinterpret_cast<char*>(buf_.data());
        s_.avail_out = static_cast<unsigned>(buf_.size());
        if (BZ2_bzCompress(&s_, BZ_RUN) != BZ_RUN_OK) throw_error(ErrorCode::kCompression, "bz2: compression failed");
        if (size_t have = buf_.size() - s_.avail_out) out_(buf_.data(), have);
      }
      p += take;
      n -= take;
    }
  }
  void finish() override {
    int rc;
    do {
      s_.next_out = reinterpret_cast<char*>(buf_.data());
      s_.avail_out = static_cast<unsigned>(buf_.size());
      rc = BZ2_bzCompress(&s_, BZ_FINISH);
      if (rc != BZ_FINISH_OK && rc != BZ_STREAM_END) throw_error(ErrorCode::kCompression, "bz2: compression failed");
      if (size_t have = buf_.size() - s_.avail_out) out_(buf_.data(), have);
    } while (rc != BZ_STREAM_END);
  }

 private:
  ChunkWriter out_;
  std::vector<uint8_t> buf_;
  bz_stream s_{};
};

class LzmaEncoder final : public Encoder {
 public:
  // threads > 1 (xz only): liblzma's multi-threaded encoder, one stream of independent blocks.
  LzmaEncoder(Codec c, int preset, ChunkWriter out, unsigned threads = 1) : out_(std::move(out)), buf_(kChunk) {
    lzma_ret rc;
    if (c == Codec::kXz && threads > 1) {
      lzma_options_lzma opt;
      if (lzma_lzma_preset(&opt, static_cast<uint32_t>(preset)))
        throw_error(ErrorCode::kCompression, "xz: bad preset " + std::to_string(preset));
      lzma_mt mt{};
      mt.threads = threads;
      // xz -T uses 3 x the dictionary; half the dictionary keeps two threads busy on inputs of a
      // few tens of MiB at a cost in ratio of well under 1%.
      mt.block_size = std::max<uint64_t>(uint64_t{1} << 20, opt.dict_size / 2);
      mt.preset = static_cast<uint32_t>(preset);
      mt.check = LZMA_CHECK_CRC64;
      rc = lzma_stream_encoder_mt(&s_, &mt);
    } else if (c == Codec::kXz) {
      rc = lzma_easy_encoder(&s_, static_cast<uint32_t>(preset), LZMA_CHECK_CRC64);
    } else {
      lzma_options_lzma opt;
      if (lzma_lzma_preset(&opt, static_cast<uint32_t>(preset)))
        throw_error(ErrorCode::kCompression, "lzma: bad preset " + std::to_string(preset));
      rc = lzma_alone_encoder(&s_, &opt);
    }
    if (rc != LZMA_OK) throw_error(ErrorCode::kCompression, "lzma: cannot initialise the compressor");
  }
  ~LzmaEncoder() override { lzma_end(&s_); }
  void write(const uint8_t* p, size_t n) override {
    s_.next_in = p;
    s_.avail_in = n;
    while (s_.avail_in > 0) step(LZMA_RUN);
  }
  void finish() override {
    while (!step(LZMA_FINISH)) {
    }
  }

 private:
  bool step(lzma_action a) {
    s_.next_out = buf_.data();
    s_.avail_out = buf_.size();
    lzma_ret rc = lzma_code(&s_, a);
    if (rc != LZMA_OK && rc != LZMA_STREAM_END) throw_error(ErrorCode::kCompression, "lzma: compression failed");
    if (size_t have = buf_.size() - s_.avail_out) out_(buf_.data(), have);
    return rc == LZMA_STREAM_END;
  }
  ChunkWriter out_;
  std::vector<uint8_t> buf_;
  lzma_stream s_ = LZMA_STREAM_INIT;
};

class Lz4Encoder final : public Encoder {
 public:
  Lz4Encoder(int level, ChunkWriter out) : out_(std::move(out)) {
    if (LZ4F_isError(LZ4F_createCompressionContext(&ctx_, LZ4F_VERSION)))
      throw_error(ErrorCode::kCompression, "lz4: cannot initialise the compressor");
    // python-lz4's LZ4FrameFile defaults: 64 KiB linked blocks, no checksums, no content size.
    std::memset(&prefs_, 0, sizeof prefs_);
    prefs_.frameInfo.blockSizeID = LZ4F_max64KB;
    prefs_.frameInfo.blockMode = LZ4F_blockLinked;
    prefs_.compressionLevel = level;
    buf_.resize(LZ4F_compressBound(kChunk, &prefs_) + LZ4F_HEADER_SIZE_MAX);
    size_t n = LZ4F_compressBegin(ctx_, buf_.data(), buf_.size(), &prefs_);
    if (LZ4F_isError(n)) throw_error(ErrorCode::kCompression, "lz4: compression failed");
    out_(buf_.data(), n);
  }
  ~Lz4Encoder() override { LZ4F_freeCompressionContext(ctx_); }
  void write(const uint8_t* p, size_t n) override {
    while (n > 0) {
      size_t take = std::min(n, kChunk);
      size_t k = LZ4F_compressUpdate(ctx_, buf_.data(), buf_.size(), p, take, nullptr);
      if (LZ4F_isError(k)) throw_error(ErrorCode::kCompression, "lz4: compression failed");
      if (k) out_(buf_.data(), k);
      p += take;
      n -= take;
    }
  }
  void finish() override {
    size_t k = LZ4F_compressEnd(ctx_, buf_.data(), buf_.size(), nullptr);
    if (LZ4F_isError(k)) throw_error(ErrorCode::kCompression, "lz4: compression failed");
    if (k) out_(buf_.data(), k);
  }

 private:
  ChunkWriter out_;
  LZ4F_cctx* ctx_ = nullptr;
  LZ4F_preferences_t prefs_;
  std::vector<uint8_t> buf_;
};

}  // namespace

int codec_default_level(Codec c) {
  switch (c) {
    case Codec::kBz2: return 9;
    case Codec::kLzma:
    case Codec::kXz: return 6;
    case Codec::kLz4: return 0;
    default: return 3;
  }
}

Codec sniff_codec(const uint8_t* h, size_t n) {
  if (n >= 1 && h[0] == 0x78) return Codec::kZlib;
  if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b) return Codec::kGzip;
  if (n >= 2 && h[0] == 'B' && h[1] == 'Z') return Codec::kBz2;
  if (n >= 2 && h[0] == 0x5d && h[1] == 0x00) return Codec::kLzma;
  if (n >= 5 && std::memcmp(h, "\xfd\x37\x7a\x58\x5a", 5) == 0) return Codec::kXz;
  if (n >= 4 && std::memcmp(h, "\x04\x22\x4d\x18", 4) == 0) return Codec::kLz4;
  return Codec::kNone;
}

unsigned resolve_threads(unsigned threads) {
  return threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
}

std::unique_ptr<Source> make_decoder(Codec c, std::unique_ptr<Source> inner, uint64_t memlimit, unsigned threads) {
  threads = resolve_threads(threads);
  switch (c) {
    case Codec::kZlib:
    case Codec::kGzip: return std::make_unique<ZlibDecoder>(c, std::move(inner));
    case Codec::kBz2:
      if (threads > 1) return make_parallel_bz2_decoder(std::move(inner), threads, memlimit);
      return std::make_unique<Bz2Decoder>(std::move(inner));
    case Codec::kLzma:
    case Codec::kXz: return std::make_unique<LzmaDecoder>(c, std::move(inner), memlimit, threads);
    case Codec::kLz4: return std::make_unique<Lz4Decoder>(std::move(inner));
    default: return inner;
  }
}

std::unique_ptr<Source> make_bz2_decoder(std::unique_ptr<Source> inner, uint64_t start_offset) {
  return std::make_unique<Bz2Decoder>(std::move(inner), start_offset);
}

std::unique_ptr<Source> decode_sniffed(std::unique_ptr<Source> raw, uint64_t memlimit, Codec* found,
                                       unsigned threads) {
  std::vector<uint8_t> head = read_head(*raw, 6);
  Codec c = sniff_codec(head.data(), head.size());
  if (found) *found = c;
  auto replayed = make_prefixed_source(std::move(head), std::move(raw));
  return c == Codec::kNone ? std::move(replayed) : make_decoder(c, std::move(replayed), memlimit, threads);
}

std::unique_ptr<Encoder> make_xz_encoder_mt(int preset, unsigned threads, ChunkWriter out) {
  return std::make_unique<LzmaEncoder>(Codec::kXz, preset, std::move(out), threads);
}

std::unique_ptr<Encoder> make_encoder(Codec c, int level, ChunkWriter out) {
  switch (c) {
    case Codec::kZlib:
    case Codec::kGzip: return std::make_unique<ZlibEncoder>(c, level, std::move(out));
    case Codec::kBz2: return std::make_unique<Bz2Encoder>(level, std::move(out));
    case Codec::kLzma:
    case Codec::kXz: return std::make_unique<LzmaEncoder>(c, level, std::move(out));
    case Codec::kLz4: return std::make_unique<Lz4Encoder>(level, std::move(out));
    default: throw_error(ErrorCode::kInvalidArgument, "no encoder for codec none");
  }
}

}  // namespace picklejar::internal

namespace picklejar {

std::string_view codec_name(Codec c) noexcept {
  switch (c) {
    case Codec::kZlib: return "zlib";
    case Codec::kGzip: return "gzip";
    case Codec::kBz2: return "bz2";
    case Codec::kLzma: return "lzma";
    case Codec::kXz: return "xz";
    case Codec::kLz4: return "lz4";
    default: return "none";
  }
}

std::optional<Codec> codec_from_name(std::string_view name) noexcept {
  if (name == "zlib") return Codec::kZlib;
  if (name == "gzip") return Codec::kGzip;
  if (name == "bz2") return Codec::kBz2;
  if (name == "lzma") return Codec::kLzma;
  if (name == "xz") return Codec::kXz;
  if (name == "lz4") return Codec::kLz4;
  return std::nullopt;
}

}  // namespace picklejar
