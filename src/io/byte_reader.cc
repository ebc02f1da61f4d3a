#include "io/byte_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <istream>
#include <string>

#include "picklejar/error.h"

namespace picklejar::internal {

namespace {
constexpr size_t kChunk = 256 * 1024;
// A stream's buffer starts here and grows: thousands of small stream loads each zero-filling 256 KiB
// cost more than their parsing (and most of the sanitized tests' time).
constexpr size_t kFirstChunk = 16 * 1024;

class FileSource final : public Source {
 public:
  FileSource(int fd, uint64_t size) : fd_(fd), left_(size) {}
  ~FileSource() override { ::close(fd_); }
  size_t read(uint8_t* dst, size_t n) override {
    for (;;) {
      ssize_t r = ::read(fd_, dst, n);
      if (r >= 0) {
        left_ -= std::min<uint64_t>(left_, static_cast<uint64_t>(r));
        return static_cast<size_t>(r);
      }
      if (errno != EINTR) throw Error(ErrorCode::kIo, std::string("read failed: ") + std::strerror(errno));
    }
  }
  std::optional<uint64_t> remaining() const override { return left_; }

 private:
  int fd_;
  uint64_t left_;
};

class IstreamSource final : public Source {
 public:
  explicit IstreamSource(std::istream& in) : in_(in) {}
  size_t read(uint8_t* dst, size_t n) override {
    if (!in_.good()) return 0;
    in_.read(reinterpret_cast<char*>(dst), static_cast<std::streamsize>(n));
    if (in_.bad()) throw Error(ErrorCode::kIo, "stream read failed");
    return static_cast<size_t>(in_.gcount());
  }

 private:
  std::istream& in_;
};
}  // namespace

std::unique_ptr<Source> open_file_source(const char* path) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(ErrorCode::kIo, std::string("cannot open ") + path + ": " + std::strerror(errno));
  struct stat st{};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    throw Error(ErrorCode::kIo, std::string("cannot stat ") + path + ": " + std::strerror(e));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw Error(ErrorCode::kIo, std::string("cannot read ") + path + ": is a directory");
  }
  uint64_t size = S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : ~uint64_t{0};
  auto src = std::make_unique<FileSource>(fd, size);
  if (!S_ISREG(st.st_mode)) {
    // Pipes and devices: size unknown.
    struct Unknown final : Source {
      std::unique_ptr<Source> inner;
      size_t read(uint8_t* d, size_t n) override { return inner->read(d, n); }
    };
    auto u = std::make_unique<Unknown>();
    u->inner = std::move(src);
    return u;
  }
  return src;
}

std::unique_ptr<Source> make_istream_source(std::istream& in) { return std::make_unique<IstreamSource>(in); }

ByteReader::ByteReader(const uint8_t* data, size_t size, uint64_t max_bytes)
    : start_(data), cur_(data), end_(data + size), max_bytes_(max_bytes) {
  eof_ = true;
}

ByteReader::ByteReader(Source* source, uint64_t max_bytes) : source_(source), max_bytes_(max_bytes) {
  buf_.resize(kFirstChunk);
  start_ = cur_ = end_ = buf_.data();
}

std::optional<uint64_t> ByteReader::remaining_of_source() const {
  uint64_t buffered_left = static_cast<uint64_t>(end_ - cur_);
  auto r = source_->remaining();
  if (!r) return std::nullopt;
  return buffered_left + *r;
}

bool ByteReader::fill(size_t want) {
  if (!source_) return static_cast<size_t>(end_ - cur_) >= want;
  size_t have = static_cast<size_t>(end_ - cur_);
  if (have >= want) return true;
  // Compact: move the unread tail to the front, rebasing positions.
  size_t consumed = static_cast<size_t>(cur_ - buf_.data());
  base_ += static_cast<uint64_t>(cur_ - start_);
  if (consumed) std::memmove(buf_.data(), cur_, have);
  start_ = cur_ = buf_.data();
  end_ = buf_.data() + have;
  while (have < want && !eof_) {
    // Grow only as data actually arrives (double a buffer that is full), never to `want` at once:
    // a huge declared length (LONG4 of 2^31 - 1 bytes from a pipe) costs memory in proportion to
    // the bytes really there, not to the claim.
    // A stream longer than the first buffer (data was consumed: base_ moved) also doubles it, up to
    // kChunk: small streams cost little, long ones are read kChunk at a time.
    if (have == buf_.size() || (buf_.size() < kChunk && base_ != 0)) {
      buf_.resize(buf_.size() * 2);
      start_ = cur_ = buf_.data();
      end_ = buf_.data() + have;
    }
    size_t got = source_->read(buf_.data() + have, buf_.size() - have);
    if (got == 0) {
      eof_ = true;
      break;
    }
    have += got;
    end_ = buf_.data() + have;
  }
  return have >= want;
}

const uint8_t* ByteReader::take_slow(size_t n, size_t* available) {
  uint64_t p = pos();
  if (p + n > max_bytes_ || p + n < p) {
    hit_limit_ = true;
    if (available) *available = static_cast<size_t>(std::min<uint64_t>(max_bytes_ - std::min(p, max_bytes_), end_ - cur_));
    return nullptr;
  }
  if (source_) {
    // Grow in steps justified by bytes that really arrive: fill() reads before it grows further.
    size_t step = std::max(n, size_t{1});
    if (!fill(step)) {
      if (available) *available = static_cast<size_t>(end_ - cur_);
      return nullptr;
    }
  } else if (static_cast<size_t>(end_ - cur_) < n) {
    if (available) *available = static_cast<size_t>(end_ - cur_);
    return nullptr;
  }
  const uint8_t* r = cur_;
  cur_ += n;
  return r;
}

bool ByteReader::read_line(std::string_view* line) {
  size_t scanned = 0;
  for (;;) {
    size_t have = static_cast<size_t>(end_ - cur_);
    uint64_t limit_left = max_bytes_ - std::min(pos(), max_bytes_);
    size_t look = static_cast<size_t>(std::min<uint64_t>(have, limit_left));
    const void* nl = look > scanned ? std::memchr(cur_ + scanned, '\n', look - scanned) : nullptr;
    if (nl) {
      const uint8_t* e = static_cast<const uint8_t*>(nl);
      *line = std::string_view(reinterpret_cast<const char*>(cur_), static_cast<size_t>(e - cur_));
      cur_ = e + 1;
      return true;
    }
    scanned = look;
    if (look < have) {
      hit_limit_ = true;
      return false;
    }
    if (!source_ || eof_) return false;
    if (!fill(have + kChunk)) {
      if (static_cast<size_t>(end_ - cur_) == have) return false;
    }
  }
}

bool ByteReader::read_into(uint8_t* dst, size_t n) {
  uint64_t p = pos();
  if (p + n > max_bytes_ || p + n < p) {
    hit_limit_ = true;
    return false;
  }
  size_t have = static_cast<size_t>(end_ - cur_);
  size_t k = std::min(have, n);
  if (k) std::memcpy(dst, cur_, k);
  cur_ += k;
  if (k == n) return true;
  if (!source_) return false;
  // Straight from the source into dst: no intermediate copy for large payloads.
  size_t done = k;
  while (done < n) {
    size_t got = source_->read(dst + done, n - done);
    if (got == 0) {
      eof_ = true;
      base_ += done - k;
      return false;
    }
    done += got;
  }
  base_ += n - k;
  return true;
}

namespace {

class MemorySource final : public Source {
 public:
  MemorySource(const uint8_t* p, size_t n) : p_(p), n_(n) {}
  size_t read(uint8_t* dst, size_t want) override {
    size_t k = std::min(want, n_);
    if (k) std::memcpy(dst, p_, k);
    p_ += k;
    n_ -= k;
    return k;
  }
  std::optional<uint64_t> remaining() const override { return n_; }

 private:
  const uint8_t* p_;
  size_t n_;
};

class PrefixedSource final : public Source {
 public:
  PrefixedSource(std::vector<uint8_t> head, std::unique_ptr<Source> inner)
      : head_(std::move(head)), inner_(std::move(inner)) {}
  size_t read(uint8_t* dst, size_t n) override {
    if (pos_ < head_.size()) {
      size_t k = std::min(n, head_.size() - pos_);
      std::memcpy(dst, head_.data() + pos_, k);
      pos_ += k;
      return k;
    }
    return inner_->read(dst, n);
  }
  std::optional<uint64_t> remaining() const override {
    auto r = inner_->remaining();
    if (!r) return std::nullopt;
    return *r + (head_.size() - pos_);
  }

 private:
  std::vector<uint8_t> head_;
  std::unique_ptr<Source> inner_;
  size_t pos_ = 0;
};

}  // namespace

std::unique_ptr<Source> make_memory_source(const uint8_t* p, size_t n) { return std::make_unique<MemorySource>(p, n); }

std::unique_ptr<Source> make_prefixed_source(std::vector<uint8_t> head, std::unique_ptr<Source> inner) {
  return std::make_unique<PrefixedSource>(std::move(head), std::move(inner));
}

std::vector<uint8_t> read_head(Source& src, size_t n) {
  std::vector<uint8_t> head(n);
  size_t got = 0;
  while (got < n) {
    size_t k = src.read(head.data() + got, n - got);
    if (k == 0) break;
    got += k;
  }
  head.resize(got);
  return head;
}

}  // namespace picklejar::internal
