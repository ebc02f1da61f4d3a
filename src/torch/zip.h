// The zip container of torch >= 1.6: read (zip.cc) over a file's bytes in memory, written
// (zip_writer.cc) as torch.save lays it out. Internal.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/atomic_file.h"
#include "model/document_impl.h"
#include "picklejar/limits.h"
#include "picklejar/value.h"

namespace picklejar::internal {

struct ZipMember {
  std::string name;
  uint32_t method = 0;  // 0 stored, 8 deflated
  uint64_t compressed_size = 0;
  uint64_t size = 0;
  uint64_t data_offset = 0;  // where the (stored or compressed) bytes start in the file
  uint32_t crc32 = 0;
};

class ZipArchive {
 public:
  // Reads the central directory and every local header (kBadArgument for a damaged archive, a
  // member past the end of the file or members whose data overlap; kUnsupported for compression
  // other than stored/deflated).
  // `file` must outlive the archive. Member names are only compared, never used as paths.
  ZipArchive(ByteView file, const Limits& limits);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  const std::vector<ZipMember>& members() const { return members_; }  // in central directory order
  const ZipMember* find(const std::string& name) const;
  // A member's bytes: a view into the file when stored (CRC not checked: reading it would cost the
  // zero-copy load; torch's reader does not check it either), else inflated into a block of `d`
  // (CRC checked, sizes bounded by the limits).
  ByteView bytes(const ZipMember& m, DocumentImpl& d);

 private:
  struct Impl;
  struct Pos {
    uint64_t directory = 0, number = 0;
  };
  std::unique_ptr<Impl> impl_;
  Limits limits_;
  std::vector<ZipMember> members_;
  std::vector<Pos> pos_;
  std::unordered_map<std::string, size_t> index_;
};

// One member to write: its full name ("<root>/data/0") and bytes (borrowed for the call).
struct ZipRecord {
  std::string name;
  ByteView data;
};
// Writes `records` in order with minizip as torch's writer lays them out: stored (never deflated),
// each member's data starting on a 64-byte boundary, padded by a local extra field "FB" of 'Z's
// (caffe2's inline_container.cc; the alignment lets torch.load map storages in place). Output goes
// through `append`; `patch` fills in each local header's sizes and CRC after its data.
void write_torch_zip(const std::vector<ZipRecord>& records, const AppendFn& append, const PatchFn& patch);

}  // namespace picklejar::internal
