// A whole file mapped into memory (private: writes, where allowed, never reach the file). What
// joblib's mmap_mode loads point their arrays into. Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>

namespace picklejar::internal {

class MappedFile {
 public:
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  const uint8_t* data() const { return static_cast<const uint8_t*>(addr_); }  // null when empty
  size_t size() const { return size_; }

 private:
  friend std::shared_ptr<const MappedFile> map_file(const std::filesystem::path& path, bool writable);
  MappedFile() = default;
  void* addr_ = nullptr;
  size_t size_ = 0;
};

// Maps `path` read-only (writable: copy-on-write, as numpy's mmap_mode='c'). Throws Error(kIo).
std::shared_ptr<const MappedFile> map_file(const std::filesystem::path& path, bool writable);

}  // namespace picklejar::internal
