// joblib's .joblib container: read everything joblib writes (any compression, the legacy formats
// of joblib < 0.10, Python 2 files) and write what joblib.load reads.
// Thread safety: every function here is reentrant; loaded Documents are immutable.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "picklejar/document.h"
#include "picklejar/compression.h"
#include "picklejar/export.h"
#include "picklejar/pickle.h"
#include "picklejar/value.h"

namespace picklejar::joblib {

// joblib.load's mmap_mode for uncompressed files: arrays become views into the mapped file.
enum class MmapMode : uint8_t {
  kNone,         // arrays are read into the document (decompressed straight into their blocks)
  kReadOnly,     // mmap_mode='r'
  kCopyOnWrite,  // mmap_mode='c' (a private mapping; picklejar's views are read-only anyway)
};

struct LoadOptions {
  // How the pickle itself loads: limits, and `encoding` for files written under Python 2
  // ("bytes" or "latin1" load them; the default "ASCII" refuses them as joblib does).
  picklejar::LoadOptions pickle{};
  MmapMode mmap = MmapMode::kNone;  // ignored (arrays read into memory) for compressed files
};

// Loads a joblib file (or any plain or compressed pickle): compression is detected by magic bytes
// as joblib does (zlib, gzip, bz2, lzma, xz, lz4); joblib < 0.10 files read their side files
// (`<name>_01.npy`, `<name>_01.npy.z`) from the file's directory. Arrays are numpy values
// (Kind::kArray) in native byte order, as joblib.load returns them. Throws Error.
PICKLEJAR_EXPORT Document load(const std::filesystem::path& path, const LoadOptions& options = {});
// The same from memory (no side files, no mmap). Arrays of uncompressed data point into `data`
// when aligned (joblib >= 1.2 aligns them), which must then outlive the Document.
PICKLEJAR_EXPORT Document load(ByteView data, const LoadOptions& options = {});

// joblib.dump's `compress`: a codec and a level (picklejar/compression.h).
using Compression = picklejar::Compression;
// Parses a CLI SPEC: "0"-"9" (zlib at that level; 0 is none) or "NAME[:LEVEL]" (LEVEL 0 is none, as
// joblib's (NAME, 0)). joblib.dump(obj, filename, compress=<int>) takes the codec from the file
// name's extension when it has one (compression_for_path); the CLI does too. Throws kInvalidArgument.
PICKLEJAR_EXPORT Compression parse_compression(std::string_view spec);
// What joblib.dump(obj, path, compress=0) chooses from the file name: the extension (.z .gz .bz2
// .lzma .xz .lz4) selects that codec at its default level; otherwise none.
PICKLEJAR_EXPORT Compression compression_for_path(const std::filesystem::path& path);
// The whole of joblib.dump's choice for writing `out` (empty: not a file, e.g. stdout): with no
// spec, compression_for_path(out); with a bare level "0"-"9", the codec of out's extension when it
// has one (".gz" + "3": gzip at 3; ".gz" + "0": gzip at its default level), else as
// parse_compression; with "NAME[:LEVEL]", parse_compression. What `picklejar recode --joblib
// [--compress SPEC] IN OUT` writes. Throws kInvalidArgument for a bad spec.
PICKLEJAR_EXPORT Compression compression_for(std::optional<std::string_view> spec, const std::filesystem::path& out);

struct DumpOptions {
  int protocol = 4;          // joblib's default: pickle.DEFAULT_PROTOCOL
  Compression compression{};   // none by default
  uint32_t hash_seed = 0;    // see picklejar::DumpOptions
  // Compression threads (0: one per core). With 1, the single-threaded encoders (for zlib, gzip,
  // bz2 and xz byte for byte what joblib's compressor writes). With more, zlib and gzip are still one stream (one gzip member) built
  // pigz-style, bz2 is a series of streams (bz2.BZ2File reads them as one), xz is one stream of
  // independent blocks: different bytes, the same data for joblib.load, gunzip, bunzip2 and xz.
  // lzma (.lzma) and lz4 compress on one thread whatever this says.
  unsigned threads = 1;
};

// Writes `v` as joblib.dump would: numpy arrays (numpy.ndarray, numpy.matrix) as NumpyArrayWrapper
// + their raw bytes aligned to 16, everything else as joblib's pure-Python pickler writes it. The
// uncompressed output is byte-identical to joblib 1.2's; compressed output decompresses to it.
// A NumpyArrayWrapper object itself (joblib.load returns one where a stream fetches it from the
// memo after its BUILD) is written so that it loads back: its BUILD is followed by placeholder data
// for joblib.load to read, POP and the wrapper from the memo (joblib.dump would write a file that
// does not load). kUnsupported for one that cannot be: a legacy NDArrayWrapper/ZNDArrayWrapper
// (side files), a state joblib.load cannot read, or more than 16 MiB of placeholder data.
PICKLEJAR_EXPORT std::vector<uint8_t> dump(const Value& v, const DumpOptions& options = {});
// Writes to `path` atomically (temporary file + rename); on error `path` is untouched.
PICKLEJAR_EXPORT void dump_file(const Value& v, const std::filesystem::path& path, const DumpOptions& options = {});

// Disassembles any pickle or joblib file, of any compression, like picklejar::disassemble:
// the array data joblib splices into its stream is listed as one line per array
// ("  224: [joblib array data: 24 bytes after 3 bytes of padding]"). The decompressed stream is
// held in memory: options.pickle.limits bounds it (max_input_bytes, max_memory_bytes) and the
// load that finds the arrays.
PICKLEJAR_EXPORT void disassemble(const std::filesystem::path& path, std::ostream& out,
                                  const LoadOptions& options = {});
PICKLEJAR_EXPORT void disassemble(ByteView data, std::ostream& out, const LoadOptions& options = {});

// What `picklejar info` reports.
struct ArrayInfo {
  std::string path{};   // where in the graph: "root['_fit_X']", "root[3]", "root.state['coef_']"
  std::string dtype{};  // "<f8"
  std::vector<int64_t> shape{};
  uint64_t nbytes = 0;
};
struct FileInfo {
  std::string format{};      // "pickle", "joblib", "joblib (legacy .npy side files)", "joblib (legacy ZF)"
  std::string compression{};  // "none", "zlib", "gzip", "bz2", "lzma", "xz", "lz4"
  int protocol = 0;
  std::vector<ArrayInfo> arrays{};
};
PICKLEJAR_EXPORT FileInfo inspect(const std::filesystem::path& path, const LoadOptions& options = {});
PICKLEJAR_EXPORT FileInfo inspect(ByteView data, const LoadOptions& options = {});
// The same, also handing over the document the inspection loaded (`loaded` is replaced), so a
// caller that wants both loads once, with one set of options (mmap, buffers).
PICKLEJAR_EXPORT FileInfo inspect(const std::filesystem::path& path, const LoadOptions& options, Document& loaded);
PICKLEJAR_EXPORT FileInfo inspect(ByteView data, const LoadOptions& options, Document& loaded);

}  // namespace picklejar::joblib
