// Loading pickles (protocols 0-5) into a Document, and printing values and pickle streams.
// Thread safety: every function here is reentrant; different threads may load different inputs
// concurrently, and may print values of one loaded Document concurrently.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "picklejar/document.h"
#include "picklejar/error.h"
#include "picklejar/export.h"
#include "picklejar/value.h"

namespace picklejar {

// Bounds on what hostile input can make the loader (and the walkers) do. Exceeding one throws
// Error(kLimitExceeded) with the offset where it happened. The defaults load anything CPython
// writes on a 64-bit machine; lower them for untrusted input.
struct Limits {
  // Total bytes of pickle stream read. Stops endless streams and decompression bombs from feeding
  // the VM forever.
  uint64_t max_input_bytes = uint64_t{1} << 40;
  // Bytes the document may allocate for its own blocks (nodes, item lists, copied payloads,
  // memo, VM stack). Stops inputs whose values cost far more memory than their bytes (every
  // 1-byte EMPTY_LIST is a node) from exhausting memory.
  uint64_t max_memory_bytes = uint64_t{16} << 30;
  // Memo entries (PUT/BINPUT/LONG_BINPUT/MEMOIZE). Stops memo bombs; a PUT at a huge index
  // costs one entry, never a table of that size.
  uint64_t max_memo_entries = uint64_t{1} << 31;
  // Items in one list, tuple, dict, set or frozenset (and depth of the VM stack). Stops one
  // container from growing without bound through repeated APPEND/DUP.
  uint64_t max_container_items = uint64_t{1} << 32;
  // Nesting depth for everything that walks a document (printing, equality, hashing of tuple keys,
  // dumping). Walkers are iterative; this stops a deep structure from turning into unbounded
  // work stacks. A 1,000,000-deep list is within the default.
  uint64_t max_depth = 10'000'000;
  // Decimal digits in a text INT/LONG line. Decimal conversion is quadratic; CPython 3.11 refuses
  // more than 4300 digits (sys.int_info.default_max_str_digits) for the same reason.
  uint64_t max_int_digits = 4300;
};

// A caller-supplied out-of-band buffer (protocol 5, NEXT_BUFFER). Borrowed: the memory must
// outlive the Document, which points into it without copying.
struct BufferView {
  ByteView data;
  bool readonly = false;  // true as if the caller passed a read-only memoryview
};

// Called for PERSID/BINPERSID with the persistent id; returns the value to use instead, made in
// `doc` (with doc.builder()). May throw; the exception propagates out of load().
using PersistentLoad = std::function<Value(Document& doc, Value pid)>;

struct LoadOptions {
  Limits limits;
  // Out-of-band buffers for NEXT_BUFFER, in order. Absent (nullopt) is like Python's buffers=None:
  // a NEXT_BUFFER is then an error, as is running out of buffers. Extra buffers are ignored.
  // The same view given twice (same memory, size and readonly flag) loads as one buffer object,
  // as Python's loader returns the same object twice: a value holding one PickleBuffer twice
  // pickles (out-of-band, unmemoized, as CPython does) to two NEXT_BUFFERs and the buffer list
  // the callback built holds it twice.
  std::optional<std::vector<BufferView>> buffers;
  // Without a callback, persistent ids load as inert kPersistentId values holding the pid.
  PersistentLoad persistent_load;
  // How Python 2 str opcodes (STRING, BINSTRING, SHORT_BINSTRING) decode, as pickle.load's
  // encoding=: "ASCII" (default), "latin1" (also "latin-1", "iso-8859-1"), "utf-8", or "bytes"
  // (they load as bytes). Anything else throws kInvalidArgument.
  std::string encoding = "ASCII";
  // For streams of protocol < 3, map Python 2 module names to Python 3 ones (__builtin__ ->
  // builtins, copy_reg -> copyreg, ...) as CPython's _compat_pickle does.
  bool fix_imports = true;
  // Strict mode: when set, every global the stream names (GLOBAL, STACK_GLOBAL, INST) must be on
  // this list of (module, qualname) pairs, else load throws Error(kForbiddenGlobal) at the offset
  // of that opcode. A qualname "*" allows every name in the module (("numpy", "*")). Names are
  // checked as the document records them: after the fix_imports mapping, so ("builtins", "set")
  // also allows a Python 2 stream's __builtin__.set. Like a restricting Unpickler.find_class, it
  // sees only names the stream looks up: what a known reduce shape makes (getattr(cls, "Inner")
  // -> cls.Inner) is not checked again. Protocols 0-2 spell some plain data with globals:
  // builtins.set/frozenset/bytearray/bytes, _codecs.encode (bytes), copyreg._reconstructor and
  // builtins.object (objects); list those to accept such streams. Absent (the default): any
  // global loads, as an inert value.
  std::optional<std::vector<std::pair<std::string, std::string>>> allowed_globals;
};

// Loads one pickle from memory. Zero-copy: str and bytes payloads may point into `data`, which
// must outlive the returned Document. Reads up to and including the first STOP; later bytes are
// ignored. Throws Error on any bad input.
PICKLEJAR_EXPORT Document load(ByteView data, const LoadOptions& options = {});
// Loads from a file, streamed: memory use is that of the values, not twice the file.
PICKLEJAR_EXPORT Document load_file(const std::filesystem::path& path, const LoadOptions& options = {});
// Loads from a stream, reading only up to the STOP opcode's byte when the stream allows it.
PICKLEJAR_EXPORT Document load_stream(std::istream& in, const LoadOptions& options = {});

// The protocol of the last PROTO opcode read by load*() for this document (0 if none).
PICKLEJAR_EXPORT int loaded_protocol(const Document& doc) noexcept;

// ---- Dumping ----------------------------------------------------------------------------------

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
  PersistentIdFn persistent_id;
  // Without a callback every PickleBuffer is written in-band.
  BufferCallbackFn buffer_callback;
  // Sets are written in the order CPython iterates them, which follows str and bytes hashes, which
  // follow PYTHONHASHSEED. 0 (the default) reproduces CPython run with PYTHONHASHSEED=0; give the
  // seed of the Python you compare with. (With random hashing, Python's own output varies per run.)
  uint32_t hash_seed = 0;
  NumpyPaths numpy_paths = NumpyPaths::kAsLoaded;
  // max_depth bounds nesting (the writer is iterative; this bounds its work stack).
  Limits limits;
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

// ---- Printing ---------------------------------------------------------------------------------

// Writes the value in the tagged JSON form of docs/JSON.md (one line, no trailing newline).
PICKLEJAR_EXPORT void write_json(const Value& v, std::ostream& out, const Limits& limits = {});
PICKLEJAR_EXPORT std::string to_json(const Value& v, const Limits& limits = {});

// Writes the value as readable, Python-like text (indented, one item per line for big
// containers). Shared values are labelled `<&N>` where first shown and printed as `<*N>` later;
// a cycle is a reference to a value still being printed.
PICKLEJAR_EXPORT void write_show(const Value& v, std::ostream& out, const Limits& limits = {});
PICKLEJAR_EXPORT std::string to_show(const Value& v, const Limits& limits = {});

// Disassembles one pickle (up to and including STOP) like Python's `pickletools.dis(data)`:
// one line per opcode with offset, opcode byte, name, argument, MARK references and memo notes.
// Throws Error (after writing the lines before the failure) if the stream is malformed.
PICKLEJAR_EXPORT void disassemble(ByteView data, std::ostream& out);

// The Python repr() of a double ("1.5", "1e+16", "nan", "-0.0"), as FLOAT and JSON print it.
PICKLEJAR_EXPORT std::string float_repr(double v);

}  // namespace picklejar
