// ByteReader: the unpickler's input, over memory (zero-copy) or a streamed Source. Internal.
//
// Departure from protobuf's Next()/BackUp(): a Source here is a plain read(dst, n). That lets a
// large payload be read straight into its final block (read_into), with no intermediate chunk,
// which is what streaming decompression into arrays needs (joblib issue).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace picklejar::internal {

class Source {
 public:
  virtual ~Source() = default;
  // Reads up to n bytes into dst; returns the count, 0 only at the end. Throws Error(kIo) on failure.
  virtual size_t read(uint8_t* dst, size_t n) = 0;
  // Bytes left to read, when the source knows (a regular file); nullopt otherwise.
  virtual std::optional<uint64_t> remaining() const { return std::nullopt; }
};

class ByteReader {
 public:
  // Memory mode: pointers returned by take() stay valid as long as `data` does.
  ByteReader(const uint8_t* data, size_t size, uint64_t max_bytes);
  // Streamed mode: pointers returned by take() are valid until the next read call.
  ByteReader(Source* source, uint64_t max_bytes);

  bool stable() const { return source_ == nullptr; }
  // Absolute offset of the next byte.
  uint64_t pos() const { return base_ + static_cast<uint64_t>(cur_ - start_); }

  // n bytes, contiguous; nullptr if the input ends first (then `available` gets how many were left).
  [[gnu::always_inline]] const uint8_t* take(size_t n, size_t* available = nullptr) {
    if (static_cast<size_t>(end_ - cur_) >= n && pos() + n <= max_bytes_) {
      const uint8_t* p = cur_;
      cur_ += n;
      return p;
    }
    return take_slow(n, available);
  }
  // The next byte, or -1 at the end of input.
  [[gnu::always_inline]] int next_byte() {
    if (cur_ < end_ && pos() < max_bytes_) return *cur_++;
    const uint8_t* p = take_slow(1, nullptr);
    return p ? *p : -1;
  }
  // A line without its '\n'; false if the input ends before a '\n'. Valid until the next call.
  bool read_line(std::string_view* line);
  // Copies n bytes into dst (straight from the source for the part not buffered). False if the
  // input ends first.
  bool read_into(uint8_t* dst, size_t n);
  // Bytes known to be left (memory and regular files), else nullopt.
  std::optional<uint64_t> remaining() const {
    if (!source_) return static_cast<uint64_t>(end_ - cur_);  // memory: inline, it is asked per payload
    return remaining_of_source();
  }
  // True when reading stopped because of max_bytes (to tell a limit from a truncation).
  bool hit_limit() const { return hit_limit_; }
  // Unconsumed bytes already pulled from the source (to give back to a seekable stream).
  size_t buffered() const { return static_cast<size_t>(end_ - cur_); }

 private:
  const uint8_t* take_slow(size_t n, size_t* available);
  std::optional<uint64_t> remaining_of_source() const;
  bool fill(size_t want);  // make at least `want` bytes available from cur_

  Source* source_ = nullptr;
  const uint8_t* start_ = nullptr;  // position base_ maps to
  const uint8_t* cur_ = nullptr;
  const uint8_t* end_ = nullptr;
  uint64_t base_ = 0;
  uint64_t max_bytes_;
  bool hit_limit_ = false;
  bool eof_ = false;
  std::vector<uint8_t> buf_;
};

// A source over a file descriptor it owns (closes it).
std::unique_ptr<Source> open_file_source(const char* path);
// A source over an istream (not owned).
std::unique_ptr<Source> make_istream_source(std::istream& in);
// A source over memory (not owned: it must outlive the source).
std::unique_ptr<Source> make_memory_source(const uint8_t* p, size_t n);
// A source that first replays `head` (bytes already read from `inner`, e.g. to sniff a format),
// then reads on from `inner`.
std::unique_ptr<Source> make_prefixed_source(std::vector<uint8_t> head, std::unique_ptr<Source> inner);
// Reads up to n bytes from the start of `src` (fewer only at its end).
std::vector<uint8_t> read_head(Source& src, size_t n);

}  // namespace picklejar::internal
