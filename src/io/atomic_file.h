// Writing a file atomically: a temporary file next to the target, renamed over it only when
// complete, so a crash or an error never leaves half a file under the target's name. Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>

namespace picklejar::internal {

// Calls `produce` with a function that appends bytes to the file (buffered; large chunks are
// written straight through), then fsyncs, gives the file the mode a plain open() would (or the old
// target's), and renames it over `path`. If anything throws, `path` is untouched and the
// temporary file removed; the exception propagates. I/O failures throw Error(kIo).
using AppendFn = std::function<void(const uint8_t* p, size_t n)>;
void write_file_atomically(const std::filesystem::path& path, const std::function<void(const AppendFn&)>& produce);
// The same, for formats that fill in a header after the data it describes (a zip's local headers):
// the PatchFn overwrites n bytes at `offset` of what was appended so far (offset + n must not pass
// the end; kInvalidArgument otherwise).
using PatchFn = std::function<void(uint64_t offset, const uint8_t* p, size_t n)>;
void write_file_atomically(const std::filesystem::path& path,
                           const std::function<void(const AppendFn&, const PatchFn&)>& produce);

}  // namespace picklejar::internal
