// A table of zeros whose pages are touched only where it is written, for lookups indexed by node
// id that few entries use (the pickler's memo: a list of a million ints memoizes one node). Internal.
//
// Why not std::vector<T>(n) or PodVector::resize: both write n zeros, so a document of a million
// nodes paid 4 MB of memset and ~1,000 page faults per dump before writing a byte (faults cost
// 10-20 us each on a virtual machine). From 1 MiB the table is an anonymous mapping, whose pages
// the kernel gives zeroed on first touch; below that, calloc.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace picklejar::internal {

template <typename T>
class ZeroedArray {
  static_assert(std::is_trivially_copyable_v<T>, "ZeroedArray holds trivially copyable values");

 public:
  ZeroedArray() = default;
  ~ZeroedArray() { release(); }
  ZeroedArray(const ZeroedArray&) = delete;
  ZeroedArray& operator=(const ZeroedArray&) = delete;

  size_t size() const { return size_; }
  T& operator[](size_t i) { return p_[i]; }
  const T& operator[](size_t i) const { return p_[i]; }

  // n zero elements; what the table held is dropped.
  void reset(size_t n) {
    release();
    if (n == 0) return;
    if (n > SIZE_MAX / sizeof(T) / 2) throw std::bad_alloc();
    size_t bytes = n * sizeof(T);
    if (bytes < kMapFrom) {
      p_ = static_cast<T*>(std::calloc(n, sizeof(T)));
      if (!p_) throw std::bad_alloc();
    } else {
      bytes = (bytes + kPage - 1) & ~(kPage - 1);
      void* q = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (q == MAP_FAILED) throw std::bad_alloc();
      p_ = static_cast<T*>(q);
      map_bytes_ = bytes;
    }
    size_ = n;
  }

  // Grows to n elements (n > size()), keeping the first size(); the new ones are zero.
  void grow(size_t n) {
    if (n <= size_) return;
    ZeroedArray bigger;
    bigger.reset(n);
    if (size_) std::memcpy(static_cast<void*>(bigger.p_), static_cast<const void*>(p_), size_ * sizeof(T));
    std::swap(p_, bigger.p_);
    std::swap(size_, bigger.size_);
    std::swap(map_bytes_, bigger.map_bytes_);
  }

 private:
  static constexpr size_t kMapFrom = size_t{1} << 20;
  static constexpr size_t kPage = 4096;

  void release() {
    if (map_bytes_) {
      ::munmap(static_cast<void*>(p_), map_bytes_);
    } else {
      std::free(p_);
    }
    p_ = nullptr;
    size_ = map_bytes_ = 0;
  }

  T* p_ = nullptr;
  size_t size_ = 0;
  size_t map_bytes_ = 0;  // the mapping's length; 0 when calloc'd
};

}  // namespace picklejar::internal
