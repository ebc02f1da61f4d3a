// Multi-threaded compression for joblib dumps: the output stays one stream of the codec's format,
// so every reader that reads the single-threaded output reads it too.
//  - zlib and gzip, pigz-style: the input is cut into chunks; each chunk is raw-deflated on a
//    worker, primed with the previous chunk's last 32 KiB as its dictionary (so matches reach
//    across chunk ends as in one deflate stream), and ends with a sync flush (the last with the
//    final block); the chunks are joined in order between zlib's own header and a trailer whose
//    checksum is combined from the chunks' with adler32_combine/crc32_combine. One zlib stream or
//    one gzip member (joblib 1.2 reads no second gzip member).
//  - bz2: each chunk (a whole number of bz2 blocks) is a complete bz2 stream; the streams are
//    concatenated, which bz2.BZ2File (joblib's reader), bunzip2 and picklejar read as one.
//  - xz: liblzma's multi-threaded encoder (one xz stream of independent blocks; in codec.cc).
#include <bzlib.h>
#include <zlib.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "codec/codec.h"
#include "base/error.h"

namespace picklejar::internal {
namespace {

constexpr size_t kDeflateChunk = size_t{1} << 20;  // pigz uses 128 KiB; larger chunks cost less to join
constexpr size_t kWindow = 32768;                   // deflate's window: the dictionary carried over

struct Job {
  std::vector<uint8_t> in;
  std::vector<uint8_t> dict;  // deflate: the previous chunk's tail
  bool last = false;
  std::vector<uint8_t> out;
  uint32_t check = 0;  // deflate: adler32 (zlib) or crc32 (gzip) of `in`
  bool done = false;
  std::exception_ptr error;
};

// Runs jobs on `threads` workers; the caller collects them in submission order, so at most
// `2 * threads` chunks are in memory at once.
class ChunkedParallelEncoder : public Encoder {
 public:
  ChunkedParallelEncoder(unsigned threads, size_t chunk, ChunkWriter out)
      : out_(std::move(out)), chunk_(chunk), max_inflight_(2 * size_t{threads}) {
    cur_ = std::make_shared<Job>();
    cur_->in.reserve(chunk_);
    for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
  }
  // Derived classes call stop() in their destructors (workers call their compress()).
  ~ChunkedParallelEncoder() override { stop(); }

  void write(const uint8_t* p, size_t n) override {
    while (n > 0) {
      size_t take = std::min(n, chunk_ - cur_->in.size());
      cur_->in.insert(cur_->in.end(), p, p + take);
      p += take;
      n -= take;
      if (cur_->in.size() == chunk_) submit(false);
    }
  }

  void finish() override {
    // An empty last chunk after full ones carries nothing, unless the format must close the
    // stream with it (deflate's final block).
    if (!cur_->in.empty() || submitted_ == 0 || !skip_empty_last()) submit(true);
    while (!inflight_.empty()) emit_oldest();
    trailer();
    stop();
  }

 protected:
  virtual void compress(Job& job) = 0;                  // on a worker
  virtual void emitted(const Job& job) { (void)job; }   // in order, on the caller's thread
  virtual void trailer() {}
  virtual void prepare_next(const Job& prev, Job& next) { (void)prev, (void)next; }
  virtual bool skip_empty_last() const { return false; }
  void emit(const uint8_t* p, size_t n) {
    if (n) out_(p, n);
  }
  // Workers finish the queued jobs (nobody collects them after an error; they are small) and exit.
  void stop() {
    {
      std::lock_guard<std::mutex> lock(m_);
      if (stopping_) return;
      stopping_ = true;
      queue_.clear();
    }
    work_cv_.notify_all();
    for (auto& t : workers_) t.join();
  }

 private:
  void submit(bool last) {
    std::shared_ptr<Job> job = std::move(cur_);
    job->last = last;
    cur_ = std::make_shared<Job>();
    if (!last) {
      cur_->in.reserve(chunk_);
      prepare_next(*job, *cur_);
    }
    {
      std::lock_guard<std::mutex> lock(m_);
      queue_.push_back(job);
    }
    work_cv_.notify_one();
    inflight_.push_back(std::move(job));
    ++submitted_;
    while (inflight_.size() > max_inflight_) emit_oldest();
  }

  void emit_oldest() {
    std::shared_ptr<Job> job = inflight_.front();
    {
      std::unique_lock<std::mutex> lock(m_);
      done_cv_.wait(lock, [&] { return job->done; });
    }
    inflight_.pop_front();
    if (job->error) std::rethrow_exception(job->error);
    emit(job->out.data(), job->out.size());
    emitted(*job);
  }

  void work() {
    for (;;) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock<std::mutex> lock(m_);
        work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      try {
        compress(*job);
      } catch (...) {
        job->error = std::current_exception();
      }
      {
        std::lock_guard<std::mutex> lock(m_);
        job->done = true;
      }
      done_cv_.notify_all();
    }
  }

  ChunkWriter out_;
  const size_t chunk_;
  const size_t max_inflight_;
  std::shared_ptr<Job> cur_;
  std::deque<std::shared_ptr<Job>> inflight_;  // submitted, in order; the caller's thread only
  std::mutex m_;
  std::condition_variable work_cv_, done_cv_;
  std::deque<std::shared_ptr<Job>> queue_;  // submitted, not yet taken by a worker
  bool stopping_ = false;
  uint64_t submitted_ = 0;
  std::vector<std::thread> workers_;
};

class ParallelDeflate final : public ChunkedParallelEncoder {
 public:
  ParallelDeflate(bool gzip, int level, unsigned threads, ChunkWriter out)
      : ChunkedParallelEncoder(threads, kDeflateChunk, std::move(out)), gzip_(gzip), level_(level) {
    check_ = gzip ? crc32(0, nullptr, 0) : adler32(0, nullptr, 0);
    // The headers zlib's deflate writes for windowBits 15 / 31, memLevel 8, the default strategy
    // and no gzip header fields: the single-threaded encoder's first bytes.
    if (gzip) {
      const uint8_t xfl = level == 9 ? 2 : level < 2 ? 4 : 0;
      const uint8_t h[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 3 /* OS_CODE: Unix */};
      emit(h, sizeof h);
    } else {
      const unsigned flevel = level < 2 ? 0 : level < 6 ? 1 : level == 6 ? 2 : 3;
      unsigned header = ((8u + ((15u - 8u) << 4)) << 8) | (flevel << 6);
      header += 31 - header % 31;
      const uint8_t h[2] = {static_cast<uint8_t>(header >> 8), static_cast<uint8_t>(header)};
      emit(h, sizeof h);
    }
  }
  ~ParallelDeflate() override { stop(); }

 private:
  void prepare_next(const Job& prev, Job& next) override {
    size_t keep = std::min(prev.in.size(), kWindow);
    next.dict.assign(prev.in.end() - static_cast<std::ptrdiff_t>(keep), prev.in.end());
  }

  void compress(Job& job) override {
    z_stream z{};
    if (deflateInit2(&z, level_, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw_error(ErrorCode::kCompression, "zlib: cannot initialise the compressor");
    struct End {
      z_stream* z;
      ~End() { deflateEnd(z); }
    } end{&z};
    if (!job.dict.empty() &&
        deflateSetDictionary(&z, job.dict.data(), static_cast<uInt>(job.dict.size())) != Z_OK)
      throw_error(ErrorCode::kCompression, "zlib: cannot set the dictionary");
    job.out.resize(deflateBound(&z, job.in.size()) + 64);
    z.next_in = job.in.data();
    z.avail_in = static_cast<uInt>(job.in.size());
    size_t produced = 0;
    const int flush = job.last ? Z_FINISH : Z_SYNC_FLUSH;
    for (;;) {
      z.next_out = job.out.data() + produced;
      z.avail_out = static_cast<uInt>(job.out.size() - produced);
      int rc = deflate(&z, flush);
      if (rc == Z_STREAM_ERROR) throw_error(ErrorCode::kCompression, "zlib: compression failed");
      produced = job.out.size() - z.avail_out;
      if (job.last ? rc == Z_STREAM_END : (z.avail_in == 0 && z.avail_out != 0)) break;
      job.out.resize(job.out.size() * 2);
    }
    job.out.resize(produced);
    const auto n = static_cast<uInt>(job.in.size());
    job.check = gzip_ ? crc32(0, job.in.data(), n) : adler32(1, job.in.data(), n);
  }

  void emitted(const Job& job) override {
    const auto n = static_cast<z_off_t>(job.in.size());
    check_ = gzip_ ? crc32_combine(check_, job.check, n) : adler32_combine(check_, job.check, n);
    total_ += job.in.size();
  }

  void trailer() override {
    uint8_t t[8];
    if (gzip_) {  // CRC-32 and the length mod 2^32, little-endian
      for (int i = 0; i < 4; ++i) t[i] = static_cast<uint8_t>(check_ >> (8 * i));
      for (int i = 0; i < 4; ++i) t[4 + i] = static_cast<uint8_t>(total_ >> (8 * i));
      emit(t, 8);
    } else {  // Adler-32, big-endian
      for (int i = 0; i < 4; ++i) t[i] = static_cast<uint8_t>(check_ >> (8 * (3 - i)));
      emit(t, 4);
    }
  }

  const bool gzip_;
  const int level_;
  uLong check_;
  uint64_t total_ = 0;
};

class ParallelBz2 final : public ChunkedParallelEncoder {
 public:
  ParallelBz2(int level, unsigned threads, ChunkWriter out)
      // Two of the level's blocks (level x 100 kB) a stream.
      : ChunkedParallelEncoder(threads, size_t{200000} * static_cast<size_t>(level), std::move(out)), level_(level) {}
  ~ParallelBz2() override { stop(); }

 private:
  bool skip_empty_last() const override { return true; }
  void compress(Job& job) override {
    // bz2 never grows data by more than 1% + 600 bytes.
    unsigned cap = static_cast<unsigned>(job.in.size() + job.in.size() / 100 + 600);
    job.out.resize(cap);
    int rc = BZ2_bzBuffToBuffCompress(reinterpret_cast<char*>(job.out.data()), &cap,
                                      reinterpret_cast<char*>(job.in.data()), static_cast<unsigned>(job.in.size()),
                                      level_, 0, 0);
    if (rc != BZ_OK) throw_error(ErrorCode::kCompression, "bz2: compression failed");
    job.out.resize(cap);
  }
  const int level_;
};

}  // namespace

bool codec_has_parallel_encoder(Codec c) {
  return c == Codec::kZlib || c == Codec::kGzip || c == Codec::kBz2 || c == Codec::kXz;
}

std::unique_ptr<Encoder> make_parallel_encoder(Codec c, int level, unsigned threads, ChunkWriter out) {
  if (threads <= 1 || !codec_has_parallel_encoder(c)) return make_encoder(c, level, std::move(out));
  switch (c) {
    case Codec::kZlib:
    case Codec::kGzip: return std::make_unique<ParallelDeflate>(c == Codec::kGzip, level, threads, std::move(out));
    case Codec::kBz2: return std::make_unique<ParallelBz2>(level, threads, std::move(out));
    default: return make_xz_encoder_mt(level, threads, std::move(out));
  }
}

}  // namespace picklejar::internal
