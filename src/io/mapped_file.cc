#include "io/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "base/error.h"

namespace picklejar::internal {

MappedFile::~MappedFile() {
  if (addr_) ::munmap(addr_, size_);
}

std::shared_ptr<const MappedFile> map_file(const std::filesystem::path& path, bool writable) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_error(ErrorCode::kIo, "cannot open " + path.string() + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    throw_error(ErrorCode::kIo, "cannot stat " + path.string() + ": " + std::strerror(err));
  }
  std::shared_ptr<MappedFile> map(new MappedFile);
  map->size_ = static_cast<size_t>(st.st_size);
  if (map->size_) {
    void* addr = ::mmap(nullptr, map->size_, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_PRIVATE, fd, 0);
    int err = errno;
    ::close(fd);
    if (addr == MAP_FAILED) throw_error(ErrorCode::kIo, "cannot map " + path.string() + ": " + std::strerror(err));
    map->addr_ = addr;
  } else {
    ::close(fd);
  }
  return map;
}

}  // namespace picklejar::internal
