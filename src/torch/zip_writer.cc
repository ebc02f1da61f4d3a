// Writing torch's zip container with minizip (Debian's libminizip): the members torch.save writes,
// stored, with their data 64-byte aligned as caffe2's PyTorchFileWriter aligns it. minizip writes
// each local header before the data and seeks back to fill in its CRC and sizes, so its file
// functions here append and patch (io/atomic_file.h) instead of writing a seekable file.
#include <zip.h>

#include <algorithm>
#include <exception>

#include "torch/zip.h"

namespace picklejar::internal {
namespace {

constexpr uint64_t kAlignment = 64;          // caffe2 inline_container.cc kFieldAlignment
constexpr size_t kLocalHeader = 30;          // a zip local file header before its name
constexpr size_t kExtraHeader = 4;           // an extra field's id and length
constexpr size_t kZip64LocalExtra = 20;      // minizip's zip64 local extra field (id, length, 2 sizes)
constexpr uLong kDosDate1980 = 0x00210000;   // 1980-01-01 00:00:00, the earliest DOS date: the bytes repeat
constexpr uLong kUtf8Names = 0x800;          // general purpose bit 11: names are UTF-8 (as torch sets it)
constexpr unsigned kChunk = 1u << 30;        // zipWriteInFileInZip takes an unsigned length

// What minizip's file functions write to: the bytes so far are appended; an earlier position is
// patched. An exception thrown by append or patch is kept and rethrown after minizip returns (it
// must not unwind through minizip's C frames).
struct ZipOut {
  const AppendFn* append;
  const PatchFn* patch;
  uint64_t pos = 0, size = 0;
  std::exception_ptr error;
};

voidpf ZCALLBACK out_open(voidpf opaque, const void*, int) { return opaque; }
uLong ZCALLBACK out_read(voidpf, voidpf, void*, uLong) { return 0; }
uLong ZCALLBACK out_write(voidpf, voidpf stream, const void* buf, uLong n) {
  auto* o = static_cast<ZipOut*>(stream);
  if (o->error) return 0;
  try {
    const auto* p = static_cast<const uint8_t*>(buf);
    uLong left = n;
    if (o->pos < o->size) {
      auto run = static_cast<uLong>(std::min<uint64_t>(left, o->size - o->pos));
      (*o->patch)(o->pos, p, run);
      o->pos += run;
      p += run;
      left -= run;
    }
    if (left) {
      (*o->append)(p, left);
      o->pos += left;
      o->size = o->pos;
    }
    return n;
  } catch (...) {
    o->error = std::current_exception();
    return 0;
  }
}
ZPOS64_T ZCALLBACK out_tell(voidpf, voidpf stream) { return static_cast<ZipOut*>(stream)->pos; }
long ZCALLBACK out_seek(voidpf, voidpf stream, ZPOS64_T offset, int origin) {
  auto* o = static_cast<ZipOut*>(stream);
  uint64_t base = origin == ZLIB_FILEFUNC_SEEK_SET ? 0 : origin == ZLIB_FILEFUNC_SEEK_CUR ? o->pos : o->size;
  if (__builtin_add_overflow(base, offset, &base) || base > o->size) return -1;  // no holes
  o->pos = base;
  return 0;
}
int ZCALLBACK out_close(voidpf, voidpf) { return 0; }
int ZCALLBACK out_error(voidpf, voidpf stream) { return static_cast<ZipOut*>(stream)->error ? 1 : 0; }

struct ZipCloser {
  zipFile z;
  ~ZipCloser() {
    if (z) zipClose(z, nullptr);
  }
};

}  // namespace

void write_torch_zip(const std::vector<ZipRecord>& records, const AppendFn& append, const PatchFn& patch) {
  ZipOut out{&append, &patch, 0, 0, nullptr};
  zlib_filefunc64_def fns{};
  fns.zopen64_file = out_open;
  fns.zread_file = out_read;
  fns.zwrite_file = out_write;
  fns.ztell64_file = out_tell;
  fns.zseek64_file = out_seek;
  fns.zclose_file = out_close;
  fns.zerror_file = out_error;
  fns.opaque = &out;
  auto check = [&](int rc, const std::string& what) {
    if (out.error) std::rethrow_exception(out.error);
    if (rc != ZIP_OK) throw_error(ErrorCode::kIo, "torch zip: minizip failed to " + what + " (" + std::to_string(rc) + ")");
  };
  ZipCloser closer{zipOpen2_64("torch.zip", APPEND_STATUS_CREATE, nullptr, &fns)};
  if (!closer.z) check(ZIP_INTERNALERROR, "start the archive");
  for (const ZipRecord& r : records) {
    bool zip64 = r.data.size() >= 0xffffffffu;
    // The data starts after the header, the name, our extra field and minizip's zip64 one.
    uint64_t start = out.size + kLocalHeader + r.name.size() + kExtraHeader + (zip64 ? kZip64LocalExtra : 0);
    size_t padding = static_cast<size_t>((kAlignment - start % kAlignment) % kAlignment);
    std::string extra = "FB";
    extra.push_back(static_cast<char>(padding & 0xff));
    extra.push_back(static_cast<char>(padding >> 8));
    extra.append(padding, 'Z');
    zip_fileinfo info{};
    info.dosDate = kDosDate1980;
    check(zipOpenNewFileInZip4_64(closer.z, r.name.c_str(), &info, extra.data(), static_cast<uInt>(extra.size()),
                                  nullptr, 0, nullptr, 0, 0, 0, -MAX_WBITS, DEF_MEM_LEVEL, Z_DEFAULT_STRATEGY,
                                  nullptr, 0, 0, kUtf8Names, zip64 ? 1 : 0),
          "open member '" + r.name + "'");
    for (size_t at = 0; at < r.data.size(); at += kChunk) {
      auto n = static_cast<unsigned>(std::min<size_t>(kChunk, r.data.size() - at));
      check(zipWriteInFileInZip(closer.z, r.data.data() + at, n), "write member '" + r.name + "'");
    }
    check(zipCloseFileInZip(closer.z), "close member '" + r.name + "'");
  }
  zipFile z = closer.z;
  closer.z = nullptr;
  check(zipClose(z, nullptr), "write the central directory");
}

}  // namespace picklejar::internal
