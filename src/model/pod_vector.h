// A growable array of trivially copyable values for the document's two big tables (nodes and
// container items). Internal.
//
// Why not std::vector: a vector grows by allocating anew, copying and freeing, so a document of N
// nodes copies ~2N nodes and touches ~3N nodes' worth of fresh pages (profiled: page faults and
// memmove were half of loading a list of a million ints). Small tables live in malloc'd memory;
// from 1 MiB on a table is its own anonymous mapping, grown with mremap (the pages move, nothing is
// copied; glibc's realloc does that only for blocks over its moving mmap threshold), and advised to
// use transparent huge pages (512x fewer page faults where the kernel allows them). The mapping
// starts on a 2 MiB boundary, and growth moves it to another one: a huge page covers only an
// aligned 2 MiB, so a 4 MiB table mapped anywhere held at most one (the million ints' item table
// took ~1,000 faults).
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace picklejar::internal {

// MADV_HUGEPAGE on `bytes` (page-aligned p, whole pages) from 2 MiB on: advice only, where
// transparent huge pages are off nothing changes. PodVector gives it a whole mapping, not just its
// 2 MiB-aligned middle (advice on part of a mapping splits it, and mremap cannot grow a range
// spanning more than one); the document's big blocks (DocumentImpl::big_block) their pages.
inline void advise_huge_pages(void* p, size_t bytes) {
#ifdef MADV_HUGEPAGE
  if (bytes >= (size_t{2} << 20)) (void)::madvise(p, bytes, MADV_HUGEPAGE);
#else
  (void)p, (void)bytes;
#endif
}

// advise_huge_pages on the whole 2 MiB-aligned windows inside [p, p + bytes), for memory a
// caller holds but did not map itself (a std::vector's buffer: only its interior is its own).
inline void advise_huge_pages_within(void* p, size_t bytes) {
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (end > begin) advise_huge_pages(reinterpret_cast<void*>(begin), end - begin);
}

template <typename T>
class PodVector {
  static_assert(std::is_trivially_copyable_v<T>, "PodVector holds trivially copyable values");

 public:
  PodVector() = default;
  ~PodVector() { release(); }
  PodVector(const PodVector&) = delete;
  PodVector& operator=(const PodVector&) = delete;
  PodVector(PodVector&& o) noexcept { take(o); }
  PodVector& operator=(PodVector&& o) noexcept {
    if (this != &o) {
      release();
      take(o);
    }
    return *this;
  }

  size_t size() const { return size_; }
  size_t capacity() const { return cap_; }
  bool empty() const { return size_ == 0; }
  T* data() { return p_; }
  const T* data() const { return p_; }
  T* begin() { return p_; }
  T* end() { return p_ + size_; }
  const T* begin() const { return p_; }
  const T* end() const { return p_ + size_; }
  T& operator[](size_t i) { return p_[i]; }
  T& back() { return p_[size_ - 1]; }
  const T& back() const { return p_[size_ - 1]; }
  void pop_back() { --size_; }
  const T& operator[](size_t i) const { return p_[i]; }

  void reserve(size_t n) {
    if (n > cap_) grow_to(n);
  }
  [[gnu::always_inline]] void push_back(const T& v) {
    if (size_ == cap_) grow_to(cap_ ? cap_ * 2 : 64);
    p_[size_++] = v;
  }
  // Appends one element of zero bytes and returns it (filled in place: no temporary to copy).
  [[gnu::always_inline]] T& push_back_zeroed() {
    if (size_ == cap_) grow_to(cap_ ? cap_ * 2 : 64);
    T* e = p_ + size_++;
    std::memset(static_cast<void*>(e), 0, sizeof(T));
    return *e;
  }
  [[gnu::always_inline]] void append(const T* p, size_t n) {
    if (n == 0) return;  // p may be null then (memcpy may not be given null)
    if (cap_ - size_ < n) grow_to(std::max(cap_ * 2, size_ + n));
    std::memcpy(static_cast<void*>(p_ + size_), static_cast<const void*>(p), n * sizeof(T));
    size_ += n;
  }
  // Appends n <= 16 elements, copying a fixed 16 from p (which must hold 16): one unaligned
  // 16-byte move instead of a memcpy call of variable length (opcodes are 1-10 bytes).
  [[gnu::always_inline]] void append_from16(const T* p, size_t n) {
    static_assert(sizeof(T) == 1, "bytes only");
    if (cap_ - size_ < 16) grow_to(std::max(cap_ * 2, size_ + 16));
    std::memcpy(static_cast<void*>(p_ + size_), static_cast<const void*>(p), 16);
    size_ += n;
  }
  void clear() { size_ = 0; }
  // Size n; new elements are left as the allocator gave them (fresh pages: zero), for a caller
  // that writes each before it reads it. Saves resize()'s memset, which also touched the pages of
  // capacity a container reserves and may never fill.
  void resize_for_overwrite(size_t n) {
    reserve(n);
    size_ = n;
  }
  // n zero elements (what the vector held is dropped), written only where the memory is not a
  // fresh mapping: a big table that few entries use then costs just the pages it touches (the
  // pickler's memo, one slot per node, of which a list of a million ints uses one). std::vector's
  // assign or resize() wrote every zero: 4 MB of memset and ~1,000 page faults per such dump.
  void assign_zeros(size_t n) {
    release();
    if (n == 0) return;
    grow_to(n);  // from empty: malloc below kMapFrom, else a fresh mapping (zero until touched)
    if (!mapped_) std::memset(static_cast<void*>(p_), 0, n * sizeof(T));
    size_ = n;
  }
  // New elements are zero bytes (as value-initialised PODs).
  void resize(size_t n) {
    reserve(n);
    if (n > size_) std::memset(static_cast<void*>(p_ + size_), 0, (n - size_) * sizeof(T));
    size_ = n;
  }

 private:
  static constexpr size_t kMapFrom = size_t{1} << 20;
  static constexpr size_t kHuge = size_t{2} << 20;  // a transparent huge page

  [[gnu::noinline]] void grow_to(size_t n) {
    if (n > SIZE_MAX / sizeof(T) / 2) throw std::bad_alloc();
    size_t bytes = n * sizeof(T);
    if (!mapped_ && bytes < kMapFrom) {
      void* q = std::realloc(static_cast<void*>(p_), bytes);
      if (!q) throw std::bad_alloc();
      p_ = static_cast<T*>(q);
      cap_ = n;
      return;
    }
    // Whole 2 MiB: a mapping a little short of a huge page's multiple holds one huge page fewer.
    bytes = (bytes + kHuge - 1) & ~(kHuge - 1);
    void* q = map_aligned(bytes);
    if (!mapped_) {
      advise_huge_pages(q, bytes);  // before the copy touches the pages
      if (size_) std::memcpy(q, static_cast<const void*>(p_), size_ * sizeof(T));
      std::free(p_);
      mapped_ = true;
    } else {
      // The pages move onto the new aligned range (replacing its fresh mapping): nothing is copied.
      void* moved = ::mremap(static_cast<void*>(p_), map_bytes_, bytes, MREMAP_MAYMOVE | MREMAP_FIXED, q);
      if (moved == MAP_FAILED) {
        ::munmap(q, bytes);
        throw std::bad_alloc();
      }
      advise_huge_pages(q, bytes);  // the moved mapping: its grown part
    }
    p_ = static_cast<T*>(q);
    map_bytes_ = bytes;
    cap_ = bytes / sizeof(T);
  }

  // A fresh anonymous mapping of `bytes` (whole 2 MiB) starting on a 2 MiB boundary: mapped 2 MiB
  // longer, the unaligned head and the tail unmapped.
  static void* map_aligned(size_t bytes) {
    void* raw = ::mmap(nullptr, bytes + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    uintptr_t start = reinterpret_cast<uintptr_t>(raw);
    uintptr_t aligned = (start + kHuge - 1) & ~(uintptr_t{kHuge} - 1);
    if (aligned > start) ::munmap(raw, aligned - start);
    size_t tail = (start + bytes + kHuge) - (aligned + bytes);
    if (tail) ::munmap(reinterpret_cast<void*>(aligned + bytes), tail);
    return reinterpret_cast<void*>(aligned);
  }

  void release() {
    if (mapped_) {
      ::munmap(static_cast<void*>(p_), map_bytes_);
    } else {
      std::free(p_);
    }
    p_ = nullptr;
    size_ = cap_ = map_bytes_ = 0;
    mapped_ = false;
  }
  void take(PodVector& o) {
    p_ = std::exchange(o.p_, nullptr);
    size_ = std::exchange(o.size_, 0);
    cap_ = std::exchange(o.cap_, 0);
    map_bytes_ = std::exchange(o.map_bytes_, 0);
    mapped_ = std::exchange(o.mapped_, false);
  }

  T* p_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
  size_t map_bytes_ = 0;  // the mapping's length, when mapped_
  bool mapped_ = false;
};

}  // namespace picklejar::internal
