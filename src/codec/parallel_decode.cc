// Parallel bz2 decoding. A .bz2 file of several streams (what the parallel encoder, pbzip2 and
// lbzip2 write: bz2.BZ2File reads them as one) decodes one stream per worker thread, the outputs
// handed on in order. Stream starts are found by their signature ("BZh" + level + the first
// block's or the end-of-stream magic). That guess is checked: a piece counts only when libbz2
// ends its stream exactly at the piece's end. Anything else (a signature inside compressed data,
// a stream longer than kMaxPiece, output over the cap, corrupt or truncated data, trailing bytes)
// hands the rest of the input, from that piece on, to the one-thread decoder, which decodes it as
// it would have from the start (same output, same errors and offsets). A single-stream file thus
// costs one look through its first kMaxPiece bytes, then decodes as before.
#include <bzlib.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "codec/codec.h"

namespace picklejar::internal {
namespace {

constexpr size_t kMaxPiece = size_t{8} << 20;  // compressed bytes one stream may span here
constexpr size_t kRead = size_t{1} << 20;

// Whether a bz2 stream starts at p (n bytes available, n >= 10).
bool stream_starts_at(const uint8_t* p) {
  static constexpr uint8_t kBlock[6] = {0x31, 0x41, 0x59, 0x26, 0x53, 0x59};  // pi
  static constexpr uint8_t kEnd[6] = {0x17, 0x72, 0x45, 0x38, 0x50, 0x90};    // sqrt(pi)
  return p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' && p[3] >= '1' && p[3] <= '9' &&
         (std::memcmp(p + 4, kBlock, 6) == 0 || std::memcmp(p + 4, kEnd, 6) == 0);
}

struct Piece {
  std::vector<uint8_t> in;
  uint64_t offset = 0;  // of in[0] in the compressed input
  std::vector<uint8_t> out;
  bool ok = false;
  std::thread worker;  // not started for a piece no worker could check (see cut())
};

// Decodes one whole stream; ok only if it ends exactly at the end of `p.in` within `cap` bytes.
void decode_piece(Piece& p, size_t cap) {
  bz_stream s{};
  if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK) return;
  s.next_in = reinterpret_cast<char*>(p.in.data());
  s.avail_in = static_cast<unsigned>(p.in.size());
  // A reused piece keeps its buffer: no fresh pages (and their faults) for every stream.
  p.out.resize(std::min(cap, std::max({p.in.size() * 4, p.out.capacity(), size_t{1} << 16})));
  size_t have = 0;
  for (;;) {
    s.next_out = reinterpret_cast<char*>(p.out.data() + have);
    s.avail_out = static_cast<unsigned>(p.out.size() - have);
    int rc = BZ2_bzDecompress(&s);
    have = p.out.size() - s.avail_out;
    if (rc == BZ_STREAM_END) {
      p.ok = s.avail_in == 0;
      break;
    }
    if (rc != BZ_OK) break;
    if (s.avail_out == 0) {
      if (p.out.size() >= cap) break;
      p.out.resize(std::min(cap, p.out.size() * 2));
    } else if (s.avail_in == 0) {
      break;  // the piece ends inside its stream
    }
  }
  BZ2_bzDecompressEnd(&s);
  p.out.resize(have);
  if (!p.ok) p.out = {};
}

class ParallelBz2Decoder final : public Source {
 public:
  ParallelBz2Decoder(std::unique_ptr<Source> inner, unsigned threads, uint64_t memlimit)
      : inner_(std::move(inner)),
        // What one piece may decode to: the pieces in flight share the decoder's memory limit.
        cap_(static_cast<size_t>(std::clamp<uint64_t>(memlimit / (4 * (uint64_t{threads} + 1)), 1 << 20, 64 << 20))),
        // And as many pieces as the limit holds, input and output (many cores, long streams).
        threads_(static_cast<unsigned>(std::clamp<uint64_t>(memlimit / (kMaxPiece + cap_), 1, threads))) {}
  ~ParallelBz2Decoder() override {
    for (auto& p : queue_)
      if (p->worker.joinable()) p->worker.join();
  }

  size_t read(uint8_t* dst, size_t n) override {
    size_t got = 0;
    while (got < n) {
      if (fallback_) {
        size_t k = fallback_->read(dst + got, n - got);
        if (k == 0) break;
        got += k;
      } else if (cur_ && cur_pos_ < cur_->out.size()) {
        size_t k = std::min(n - got, cur_->out.size() - cur_pos_);
        std::memcpy(dst + got, cur_->out.data() + cur_pos_, k);
        cur_pos_ += k;
        got += k;
      } else if (!next_piece()) {
        break;
      }
    }
    return got;
  }

 private:
  // Starts workers for the next pieces, then takes the first one; false at the end of the input.
  bool next_piece() {
    while (queue_.size() < threads_ && !cut_done_) {
      bool checkable = false;
      auto p = cut(checkable);
      if (!p) break;
      Piece* raw = p.get();
      if (checkable) raw->worker = std::thread([raw, cap = cap_] { decode_piece(*raw, cap); });
      queue_.push_back(std::move(p));
      if (!checkable) cut_done_ = true;  // it falls back, and takes the rest with it
    }
    if (queue_.empty()) return false;
    if (cur_) spare_ = std::move(cur_);
    cur_ = std::move(queue_.front());
    queue_.pop_front();
    if (cur_->worker.joinable()) cur_->worker.join();
    cur_pos_ = 0;
    if (!cur_->ok) fall_back();
    return true;
  }

  // The next piece: from the start of buf_ to the next stream signature, or to the end of the
  // input. `checkable` says whether a worker should decode it: not when no signature came within
  // kMaxPiece bytes, nor when the first piece is the whole input (a single-stream file decodes on
  // the calling thread as before, instead of twice when its output is over the cap).
  std::unique_ptr<Piece> cut(bool& checkable) {
    size_t searched = 1;  // a stream's own signature is at 0
    for (;;) {
      for (size_t i = searched; i + 10 <= buf_.size(); ++i) {
        const void* hit = std::memchr(buf_.data() + i, 'B', buf_.size() - 9 - i);
        if (!hit) break;
        i = static_cast<size_t>(static_cast<const uint8_t*>(hit) - buf_.data());
        if (stream_starts_at(buf_.data() + i)) {
          checkable = true;
          return take(i);
        }
      }
      searched = std::max<size_t>(searched, buf_.size() >= 9 ? buf_.size() - 9 : 0);
      if (buf_.size() >= kMaxPiece || eof_) {
        if (buf_.empty()) {
          cut_done_ = true;
          return nullptr;
        }
        checkable = eof_ && buf_offset_ > 0;
        return take(buf_.size());
      }
      size_t old = buf_.size();
      buf_.resize(old + kRead);
      size_t k = inner_->read(buf_.data() + old, kRead);
      buf_.resize(old + k);
      if (k == 0) eof_ = true;
    }
  }
  std::unique_ptr<Piece> take(size_t n) {
    auto p = spare_ ? std::move(spare_) : std::make_unique<Piece>();
    p->ok = false;
    p->offset = buf_offset_;
    p->in.assign(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(n));
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(n));
    buf_offset_ += n;
    if (buf_.empty() && eof_) cut_done_ = true;
    return p;
  }

  // cur_ failed: its bytes, the later pieces' and the unread rest go through the one-thread
  // decoder, whose errors then name the same offsets as a one-thread load's.
  void fall_back() {
    std::vector<uint8_t> rest = std::move(cur_->in);
    const uint64_t offset = cur_->offset;
    for (auto& p : queue_) {
      if (p->worker.joinable()) p->worker.join();
      rest.insert(rest.end(), p->in.begin(), p->in.end());
    }
    queue_.clear();
    rest.insert(rest.end(), buf_.begin(), buf_.end());
    buf_ = {};
    fallback_ = make_bz2_decoder(make_prefixed_source(std::move(rest), std::move(inner_)), offset);
    cur_.reset();
  }

  std::unique_ptr<Source> inner_;
  const size_t cap_;
  const unsigned threads_;
  std::vector<uint8_t> buf_;  // read, not yet cut into pieces
  uint64_t buf_offset_ = 0;
  bool eof_ = false, cut_done_ = false;
  std::deque<std::unique_ptr<Piece>> queue_;  // pieces being decoded, in order
  std::unique_ptr<Piece> cur_;                // the piece being handed out
  std::unique_ptr<Piece> spare_;              // the last one handed out, for its buffers
  size_t cur_pos_ = 0;
  std::unique_ptr<Source> fallback_;
};

}  // namespace

std::unique_ptr<Source> make_parallel_bz2_decoder(std::unique_ptr<Source> inner, unsigned threads, uint64_t memlimit) {
  return std::make_unique<ParallelBz2Decoder>(std::move(inner), threads, memlimit);
}

}  // namespace picklejar::internal
