// The zip container of torch >= 1.6, read with minizip (Debian's libminizip) over the file's bytes
// in memory (mapped or read): a stored member is a view into those bytes (its data offset from
// unzGetCurrentFileZStreamPos64), a deflated one is inflated into a document block.
#include "torch/zip.h"

#include <unzip.h>

#include <algorithm>
#include <cstring>

#include "numpy/numpy.h"

namespace picklejar::internal {
namespace {

// minizip's file functions over a memory block (the "path" minizip passes is unused).
struct MemFile {
  ByteView data;
  uint64_t pos = 0;
};

voidpf ZCALLBACK mem_open(voidpf opaque, const void*, int) { return opaque; }
uLong ZCALLBACK mem_read(voidpf, voidpf stream, void* buf, uLong size) {
  auto* f = static_cast<MemFile*>(stream);
  uint64_t left = f->pos < f->data.size() ? f->data.size() - f->pos : 0;
  uLong n = static_cast<uLong>(std::min<uint64_t>(size, left));
  if (n) std::memcpy(buf, f->data.data() + f->pos, n);
  f->pos += n;
  return n;
}
uLong ZCALLBACK mem_write(voidpf, voidpf, const void*, uLong) { return 0; }
ZPOS64_T ZCALLBACK mem_tell(voidpf, voidpf stream) { return static_cast<MemFile*>(stream)->pos; }
long ZCALLBACK mem_seek(voidpf, voidpf stream, ZPOS64_T offset, int origin) {
  auto* f = static_cast<MemFile*>(stream);
  uint64_t base = origin == ZLIB_FILEFUNC_SEEK_SET ? 0 : origin == ZLIB_FILEFUNC_SEEK_CUR ? f->pos : f->data.size();
  if (__builtin_add_overflow(base, offset, &base) || base > f->data.size()) return -1;
  f->pos = base;
  return 0;
}
int ZCALLBACK mem_close(voidpf, voidpf) { return 0; }
int ZCALLBACK mem_error(voidpf, voidpf) { return 0; }

[[noreturn]] void zip_error(const std::string& what, uint64_t offset = 0) {
  throw_error(ErrorCode::kBadArgument, "torch zip: " + what, offset);
}

}  // namespace

struct ZipArchive::Impl {
  MemFile file;
  unzFile zf = nullptr;
  ~Impl() {
    if (zf) unzClose(zf);
  }
};

ZipArchive::ZipArchive(ByteView file, const Limits& limits) : impl_(std::make_unique<Impl>()), limits_(limits) {
  impl_->file.data = file;
  zlib_filefunc64_def fns{};
  fns.zopen64_file = mem_open;
  fns.zread_file = mem_read;
  fns.zwrite_file = mem_write;
  fns.ztell64_file = mem_tell;
  fns.zseek64_file = mem_seek;
  fns.zclose_file = mem_close;
  fns.zerror_file = mem_error;
  fns.opaque = &impl_->file;
  impl_->zf = unzOpen2_64("torch.zip", &fns);
  if (!impl_->zf) zip_error("not a readable zip archive (no end of central directory, or a damaged one)");
  unzFile zf = impl_->zf;
  int rc = unzGoToFirstFile(zf);
  while (rc == UNZ_OK) {
    if (members_.size() >= limits.max_container_items)
      throw_error(ErrorCode::kLimitExceeded, "torch zip has more members than Limits::max_container_items");
    unz_file_info64 info{};
    char name[65536];
    if (unzGetCurrentFileInfo64(zf, &info, name, sizeof name, nullptr, 0, nullptr, 0) != UNZ_OK)
      zip_error("a central directory entry cannot be read");
    ZipMember m;
    m.name.assign(name, info.size_filename);
    m.method = static_cast<uint32_t>(info.compression_method);
    m.compressed_size = info.compressed_size;
    m.size = info.uncompressed_size;
    m.crc32 = static_cast<uint32_t>(info.crc);
    unz64_file_pos where{};
    if (unzGetFilePos64(zf, &where) != UNZ_OK) zip_error("member '" + m.name + "' cannot be located");
    pos_.push_back({where.pos_in_zip_directory, where.num_of_file});
    if (unzOpenCurrentFile(zf) != UNZ_OK) zip_error("member '" + m.name + "': bad local header");
    m.data_offset = static_cast<uint64_t>(unzGetCurrentFileZStreamPos64(zf));
    unzCloseCurrentFile(zf);
    uint64_t end = 0;
    if (__builtin_add_overflow(m.data_offset, m.compressed_size, &end) || end > file.size())
      zip_error("member '" + m.name + "' (" + std::to_string(m.compressed_size) + " bytes at " +
                    std::to_string(m.data_offset) + ") runs past the end of the file (" + std::to_string(file.size()) +
                    " bytes)",
                m.data_offset);
    if (m.method == 0 && m.compressed_size != m.size)
      zip_error("stored member '" + m.name + "' says " + std::to_string(m.size) + " bytes but holds " +
                    std::to_string(m.compressed_size),
                m.data_offset);
    if (info.flag & 1)
      throw_error(ErrorCode::kUnsupported, "torch zip member '" + m.name + "' is encrypted", m.data_offset);
    // Deflate expands at most 1032:1; a larger claim is a lie (a zip bomb's), refused before any
    // memory is set aside for it.
    if (m.method == 8 && m.size / 1032 > m.compressed_size + 1)
      throw_error(ErrorCode::kCompression,
                  "torch zip member '" + m.name + "' claims " + std::to_string(m.size) + " bytes from " +
                      std::to_string(m.compressed_size) + " deflated bytes, more than deflate can produce",
                  m.data_offset);
    if (m.method != 0 && m.method != 8)
      throw_error(ErrorCode::kUnsupported,
                  "torch zip member '" + m.name + "' uses compression method " + std::to_string(m.method) +
                      " (only stored and deflated are read)",
                  m.data_offset);
    members_.push_back(std::move(m));
    rc = unzGoToNextFile(zf);
  }
  if (rc != UNZ_END_OF_LIST_OF_FILE) zip_error("the central directory is damaged");
  // No writer makes members share bytes; a zip bomb does (one deflate stream inflated once per
  // member that names it), and torch's reader would inflate it each time. Refused.
  std::vector<const ZipMember*> by_start;
  for (const ZipMember& m : members_)
    if (m.compressed_size) by_start.push_back(&m);
  std::sort(by_start.begin(), by_start.end(),
            [](const ZipMember* a, const ZipMember* b) { return a->data_offset < b->data_offset; });
  for (size_t i = 1; i < by_start.size(); ++i)
    if (by_start[i]->data_offset < by_start[i - 1]->data_offset + by_start[i - 1]->compressed_size)
      zip_error("members '" + by_start[i - 1]->name + "' and '" + by_start[i]->name + "' overlap (bytes " +
                    std::to_string(by_start[i]->data_offset) + " on)",
                by_start[i]->data_offset);
  for (size_t i = 0; i < members_.size(); ++i) index_.emplace(members_[i].name, i);
}

ZipArchive::~ZipArchive() = default;

const ZipMember* ZipArchive::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &members_[it->second];
}

ByteView ZipArchive::bytes(const ZipMember& m, DocumentImpl& d) {
  ByteView file = impl_->file.data;
  if (m.method == 0) return file.subspan(static_cast<size_t>(m.data_offset), static_cast<size_t>(m.size));
  // Deflated: inflate into a document block of the declared size (bounded by the limits first, so a
  // zip bomb's claim costs nothing), then check that the data ends there and its CRC-32 matches.
  if (m.size > limits_.max_memory_bytes || m.size > limits_.max_input_bytes)
    throw_error(ErrorCode::kLimitExceeded, "torch zip member '" + m.name + "' inflates to " + std::to_string(m.size) +
                                               " bytes, past Limits::max_memory_bytes or max_input_bytes",
                m.data_offset);
  unzFile zf = impl_->zf;
  size_t i = static_cast<size_t>(&m - members_.data());
  unz64_file_pos where{pos_[i].directory, pos_[i].number};
  if (unzGoToFilePos64(zf, &where) != UNZ_OK || unzOpenCurrentFile(zf) != UNZ_OK)
    zip_error("member '" + m.name + "' cannot be opened", m.data_offset);
  uint8_t* block = d.alloc_bytes(static_cast<size_t>(m.size));
  d.check_memory(m.data_offset);
  uint64_t got = 0;
  for (;;) {
    uint64_t room = m.size - got;
    uint8_t extra;
    unsigned ask = static_cast<unsigned>(std::min<uint64_t>(room ? room : 1, 1u << 30));
    int n = unzReadCurrentFile(zf, room ? block + got : &extra, ask);
    if (n < 0) {
      unzCloseCurrentFile(zf);
      throw_error(ErrorCode::kCompression, "torch zip member '" + m.name + "': corrupt deflate data", m.data_offset);
    }
    if (n == 0) break;
    if (!room) {
      unzCloseCurrentFile(zf);
      throw_error(ErrorCode::kCompression, "torch zip member '" + m.name + "' inflates past its declared size",
                  m.data_offset);
    }
    got += static_cast<uint64_t>(n);
  }
  int rc = unzCloseCurrentFile(zf);
  if (got != m.size)
    throw_error(ErrorCode::kCompression, "torch zip member '" + m.name + "' inflates to " + std::to_string(got) +
                                             " bytes, its header says " + std::to_string(m.size),
                m.data_offset);
  if (rc == UNZ_CRCERROR)
    throw_error(ErrorCode::kCompression, "torch zip member '" + m.name + "': CRC-32 mismatch", m.data_offset);
  return ByteView(block, static_cast<size_t>(m.size));
}

}  // namespace picklejar::internal
