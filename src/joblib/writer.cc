// Writing joblib files: the pickler in joblib mode (pickle._Pickler batching, arrays as
// NumpyArrayWrapper + aligned raw bytes) into an optional compressor, into memory or a file
// written atomically.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "codec/codec.h"
#include "model/document_impl.h"
#include "pickle/pickler.h"
#include "picklejar/joblib.h"

namespace picklejar::joblib {

using internal::throw_error;

namespace {

class FnSink final : public internal::ByteSink {
 public:
  explicit FnSink(internal::ChunkWriter f) : f_(std::move(f)) {}
  void write(const uint8_t* p, size_t n) override { f_(p, n); }

 private:
  internal::ChunkWriter f_;
};

// Runs the joblib pickler into `out`, compressing when asked.
void write_joblib(const Value& v, const DumpOptions& options, const internal::ChunkWriter& out) {
  picklejar::DumpOptions d;
  d.protocol = options.protocol;
  d.hash_seed = options.hash_seed;
  internal::PicklerMode mode;
  mode.pure_python = true;
  mode.joblib = true;
  const Compression& c = options.compression;
  if (c.codec.empty()) {
    FnSink sink(out);
    internal::dump_to(v, sink, d, mode);
    return;
  }
  auto codec = internal::codec_from_name(c.codec);
  if (!codec) throw_error(ErrorCode::kInvalidArgument, "unknown compressor '" + c.codec + "'");
  int level = c.level < 0 ? internal::codec_default_level(*codec) : c.level;
  bool lzma_like = *codec == internal::Codec::kLzma || *codec == internal::Codec::kXz;
  if (level > 9 || (level < 1 && !lzma_like && *codec != internal::Codec::kLz4))
    throw_error(ErrorCode::kInvalidArgument, "compression level for " + c.codec + " must be 1-9, not " + std::to_string(level));
  std::unique_ptr<internal::Encoder> enc = internal::make_encoder(*codec, level, out);
  FnSink sink([&](const uint8_t* p, size_t n) { enc->write(p, n); });
  internal::dump_to(v, sink, d, mode);
  enc->finish();
}

}  // namespace

std::vector<uint8_t> dump(const Value& v, const DumpOptions& options) {
  std::vector<uint8_t> out;
  write_joblib(v, options, [&](const uint8_t* p, size_t n) { out.insert(out.end(), p, p + n); });
  return out;
}

void dump_file(const Value& v, const std::filesystem::path& path, const DumpOptions& options) {
  std::string target = path.string();
  std::string tmp = target + ".tmp.XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) throw_error(ErrorCode::kIo, target + ": cannot create a temporary file: " + std::strerror(errno));
  try {
    std::vector<uint8_t> buf;
    buf.reserve(1 << 20);
    auto write_all = [&](const uint8_t* p, size_t n) {
      while (n > 0) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0) {
          if (errno == EINTR) continue;
          throw_error(ErrorCode::kIo, target + ": " + std::strerror(errno));
        }
        p += w;
        n -= static_cast<size_t>(w);
      }
    };
    auto flush = [&] {
      write_all(buf.data(), buf.size());
      buf.clear();
    };
    write_joblib(v, options, [&](const uint8_t* p, size_t n) {
      if (buf.size() + n > (1 << 20)) flush();
      if (n >= (1 << 20)) {
        write_all(p, n);  // large array data goes straight from the document to the file
      } else {
        buf.insert(buf.end(), p, p + n);
      }
    });
    flush();
    if (::fsync(fd) != 0) throw_error(ErrorCode::kIo, target + ": fsync failed: " + std::strerror(errno));
    struct stat st {};
    mode_t mode;
    if (::stat(target.c_str(), &st) == 0) {
      mode = st.st_mode & 07777;
    } else {
      mode_t mask = ::umask(0);
      ::umask(mask);
      mode = 0666 & ~mask;
    }
    if (::fchmod(fd, mode) != 0) throw_error(ErrorCode::kIo, target + ": chmod failed: " + std::strerror(errno));
    int rc = ::close(fd);
    fd = -1;
    if (rc != 0) throw_error(ErrorCode::kIo, target + ": close failed: " + std::strerror(errno));
    if (::rename(tmp.c_str(), target.c_str()) != 0)
      throw_error(ErrorCode::kIo, target + ": rename failed: " + std::strerror(errno));
  } catch (...) {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
}

}  // namespace picklejar::joblib
