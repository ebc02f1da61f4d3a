// Writing values as pickles: the bytes CPython 3.11's pickle.dumps writes for the same objects.
// Thread safety: every function here is reentrant; threads may dump values of one Document
// concurrently.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <vector>

#include "picklejar/export.h"
#include "picklejar/limits.h"
#include "picklejar/value.h"

namespace picklejar {

// Where a PickleBuffer goes when dumping at protocol 5 (DumpOptions::buffer_callback).
enum class BufferPlacement : uint8_t {
  kInBand,     // written into the pickle: BYTES (read-only buffer) or BYTEARRAY8 (writable)
  kOutOfBand,  // NEXT_BUFFER (+ READONLY_BUFFER): the caller passes the bytes to the loader itself
};

// Called for every value about to be written (except a persistent id's own pid). Return a valid
// Value (the pid, of any document) to write a persistent reference instead of the value, or an
// invalid Value() to write the value itself. Like Python's Pickler.persistent_id.
using PersistentIdFn = std::function<Value(const Value& v)>;
// Called, at protocol 5, for every PickleBuffer (Kind::kBuffer) written, in stream order. A
// kOutOfBand buffer's bytes (v.as_bytes()) are what the loader must get back, in the same order.
using BufferCallbackFn = std::function<BufferPlacement(const Value& buffer)>;

// Which module names numpy objects are written with.
enum class NumpyPaths : uint8_t {
  kAsLoaded,  // as the loaded pickle named them; numpy 1.x names for values made with Builder
  kNumpy1,    // numpy.core.multiarray / numpy.core.numeric (what numpy 1.x writes; 2.x reads them)
  kNumpy2,    // numpy._core.multiarray / numpy._core.numeric (numpy 2.x; numpy < 1.26.1 cannot read)
};

struct DumpOptions {
  // 0-5. The default is CPython 3.11's pickle.DEFAULT_PROTOCOL.
  int protocol = 4;
  // For protocols 0-2, write Python 2 names (builtins -> __builtin__, ...) as CPython does.
  bool fix_imports = true;
  PersistentIdFn persistent_id{};
  // Without a callback every PickleBuffer is written in-band.
  BufferCallbackFn buffer_callback{};
  // Sets are written in the order CPython iterates them, which follows str and bytes hashes, which
  // follow PYTHONHASHSEED. 0 (the default) reproduces CPython run with PYTHONHASHSEED=0; give the
  // seed of the Python you compare with. (With random hashing, Python's own output varies per run.)
  uint32_t hash_seed = 0;
  NumpyPaths numpy_paths = NumpyPaths::kAsLoaded;
  // At protocol 2+, a global registered here (by module and qualname) is written as EXT1/EXT2/EXT4
  // with its code, unmemoized, as CPython writes what copyreg.add_extension registered.
  ExtensionRegistry extensions{};
  // CPython's Pickler.fast: no memo (no PUT/MEMOIZE, no GET). A value met twice is written twice
  // and loads back as two objects; a value that holds itself cannot be written (kUnsupported, where
  // CPython raises ValueError).
  bool fast = false;
  // max_depth bounds nesting (the writer is iterative; this bounds its work stack).
  Limits limits{};
};

// Writes `v` as a pickle: the very bytes CPython 3.11's pickle.dumps(obj, protocol) writes for the
// same object graph (shared values and cycles through the memo, frames at protocol 4+, batches of
// 1000). Inert objects are written the way CPython re-pickles them (see README "Writing pickles").
// Throws Error: kUnsupported for what the protocol cannot express (a PickleBuffer below protocol
// 5, bytes above 4 GiB at protocol 3, non-ASCII global names below 3, ...), kInvalidArgument for a
// bad protocol, kLimitExceeded past Limits.
PICKLEJAR_EXPORT std::vector<uint8_t> dump(const Value& v, const DumpOptions& options = {});
// Streams the pickle to `out` (large payloads are not copied through an intermediate buffer).
PICKLEJAR_EXPORT void dump(const Value& v, std::ostream& out, const DumpOptions& options = {});
// Writes the pickle to `path` atomically: a temporary file in the same directory, renamed over
// `path` only when complete. On any error `path` is untouched and the temporary file removed.
PICKLEJAR_EXPORT void dump_file(const Value& v, const std::filesystem::path& path, const DumpOptions& options = {});

}  // namespace picklejar
