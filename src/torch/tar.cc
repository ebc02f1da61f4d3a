// The legacy tar format of torch < 0.4 (members `storages`, `tensors`, `pickle`; torch.load's
// legacy_load), read with libarchive over the file's bytes.
#include <archive.h>
#include <archive_entry.h>

#include <map>
#include <memory>

#include "model/value_access.h"
#include "torch/torch.h"

namespace picklejar::internal {

TorchFile load_legacy_tar(ByteView file, Document& doc, const picklejar::LoadOptions& options) {
  DocumentImpl& d = impl_of(doc);
  std::unique_ptr<archive, int (*)(archive*)> a(archive_read_new(), archive_read_free);
  if (!a) throw_error(ErrorCode::kLimitExceeded, "libarchive: out of memory");
  archive_read_support_format_tar(a.get());
  if (archive_read_open_memory(a.get(), file.data(), file.size()) != ARCHIVE_OK)
    throw_error(ErrorCode::kBadArgument, std::string("torch legacy tar: ") + archive_error_string(a.get()));
  std::map<std::string, ByteView> members;
  archive_entry* e = nullptr;
  for (;;) {
    int rc = archive_read_next_header(a.get(), &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
      throw_error(ErrorCode::kBadArgument, std::string("torch legacy tar: ") + archive_error_string(a.get()));
    std::string name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
    if (name != "storages" && name != "tensors" && name != "pickle") continue;  // nothing is extracted
    int64_t size = archive_entry_size(e);
    if (size < 0 || static_cast<uint64_t>(size) > options.limits.max_memory_bytes)
      throw_error(ErrorCode::kLimitExceeded, "torch legacy tar: member '" + name + "' of " + std::to_string(size) +
                                                 " bytes passes Limits::max_memory_bytes");
    uint8_t* block = d.alloc_bytes(static_cast<size_t>(size));
    d.check_memory(0);
    la_ssize_t got = archive_read_data(a.get(), block, static_cast<size_t>(size));
    if (got != size)
      throw_error(ErrorCode::kTruncated, "torch legacy tar: member '" + name + "' is cut short");
    members[name] = ByteView(block, static_cast<size_t>(size));
  }
  for (const char* need : {"storages", "tensors", "pickle"})
    if (!members.count(need))
      throw_error(ErrorCode::kBadArgument, std::string("torch legacy tar: no '") + need + "' member");
  throw_error(ErrorCode::kUnsupported,
              "torch legacy tar format (torch < 0.4: members storages, tensors, pickle): its tensors are not read "
              "yet; load it with torch and save it again");
}

}  // namespace picklejar::internal
