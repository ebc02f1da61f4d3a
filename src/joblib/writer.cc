// Writing joblib files: the pickler in joblib mode (pickle._Pickler batching, arrays as
// NumpyArrayWrapper + aligned raw bytes) into an optional compressor, into memory or a file
// written atomically.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <thread>

#include "codec/codec.h"
#include "io/atomic_file.h"
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
  unsigned threads = options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  std::unique_ptr<internal::Encoder> enc = internal::make_parallel_encoder(*codec, level, threads, out);
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
  internal::write_file_atomically(path, [&](const internal::AppendFn& append) { write_joblib(v, options, append); });
}

}  // namespace picklejar::joblib
