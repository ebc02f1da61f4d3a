#include "io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "base/error.h"

namespace picklejar::internal {

namespace {
// The process umask, read without changing it: umask(2) can only read it by setting it, and the
// moment it is 0 another thread's new files get no mask at all. Linux shows it in
// /proc/self/status ("Umask:\t0022") since 4.7; the racy read is only a fallback.
mode_t current_umask() {
  if (FILE* f = std::fopen("/proc/self/status", "re")) {
    char line[256];
    while (std::fgets(line, sizeof line, f)) {
      if (std::strncmp(line, "Umask:", 6) == 0) {
        std::fclose(f);
        return static_cast<mode_t>(std::strtoul(line + 6, nullptr, 8));
      }
    }
    std::fclose(f);
  }
  mode_t mask = ::umask(0);
  ::umask(mask);
  return mask;
}
}  // namespace

void write_file_atomically(const std::filesystem::path& path, const std::function<void(const AppendFn&)>& produce) {
  write_file_atomically(path, [&](const AppendFn& append, const PatchFn&) { produce(append); });
}

void write_file_atomically(const std::filesystem::path& path,
                           const std::function<void(const AppendFn&, const PatchFn&)>& produce) {
  std::string target = path.string();
  std::string tmp = target + ".tmp.XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) throw_error(ErrorCode::kIo, target + ": cannot create a temporary file: " + std::strerror(errno));
  try {
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
    constexpr size_t kBuffer = 1 << 20;
    std::vector<uint8_t> buf;
    buf.reserve(kBuffer);
    auto flush = [&] {
      write_all(buf.data(), buf.size());
      buf.clear();
    };
    uint64_t flushed = 0;  // bytes in the file; buf holds the ones after them
    auto append = [&](const uint8_t* p, size_t n) {
      if (buf.size() + n > kBuffer) {
        flushed += buf.size();
        flush();
      }
      if (n >= kBuffer) {
        write_all(p, n);  // large payloads go straight to the file, never through the buffer
        flushed += n;
      } else {
        buf.insert(buf.end(), p, p + n);
      }
    };
    auto patch = [&](uint64_t offset, const uint8_t* p, size_t n) {
      if (offset > flushed + buf.size() || n > flushed + buf.size() - offset)
        throw_error(ErrorCode::kInvalidArgument, target + ": patch past the end of what was written");
      while (n > 0 && offset < flushed) {  // bytes already in the file
        size_t run = static_cast<size_t>(std::min<uint64_t>(n, flushed - offset));
        ssize_t w = ::pwrite(fd, p, run, static_cast<off_t>(offset));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) throw_error(ErrorCode::kIo, target + ": " + std::strerror(w < 0 ? errno : EIO));
        offset += static_cast<uint64_t>(w);
        p += w;
        n -= static_cast<size_t>(w);
      }
      if (n) std::memcpy(buf.data() + (offset - flushed), p, n);
    };
    produce(append, patch);
    flush();
    if (::fsync(fd) != 0) throw_error(ErrorCode::kIo, target + ": fsync failed: " + std::strerror(errno));
    // mkstemp makes the file 0600; give it the mode a plain open() would (or keep the old file's).
    struct stat st {};
    mode_t mode;
    if (::stat(target.c_str(), &st) == 0) {
      mode = st.st_mode & 07777;
    } else {
      mode = 0666 & ~current_umask();
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

}  // namespace picklejar::internal
