// Loading pickles (protocols 0-5, plain or compressed) into a Document.
// Thread safety: every function here is reentrant; different threads may load different inputs
// concurrently.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "picklejar/document.h"
#include "picklejar/export.h"
#include "picklejar/limits.h"
#include "picklejar/policy.h"
#include "picklejar/value.h"

namespace picklejar {

// A caller-supplied out-of-band buffer (protocol 5, NEXT_BUFFER). Borrowed: the memory must
// outlive the Document, which points into it without copying.
struct BufferView {
  ByteView data{};
  bool readonly = false;  // true as if the caller passed a read-only memoryview
};

// Called for PERSID/BINPERSID with the persistent id; returns the value to use instead, made in
// `doc` (with doc.builder()). May throw; the exception propagates out of load().
using PersistentLoad = std::function<Value(Document& doc, Value pid)>;

struct LoadOptions {
  Limits limits{};
  // Out-of-band buffers for NEXT_BUFFER, in order. Absent (nullopt) is like Python's buffers=None:
  // a NEXT_BUFFER is then an error, as is running out of buffers. Extra buffers are ignored.
  // The same view given twice (same memory, size and readonly flag) loads as one buffer object, as
  // Python's loader returns the same object twice; every empty view is an object of its own (it
  // has no memory to tell it by: two PickleBuffers over b'', two bytearray()s). A value
  // holding one PickleBuffer twice pickles (out-of-band, unmemoized, as CPython does) to two
  // NEXT_BUFFERs and the buffer list the callback built holds it twice.
  std::optional<std::vector<BufferView>> buffers{};
  // Without a callback, persistent ids load as inert kPersistentId values holding the pid.
  PersistentLoad persistent_load{};
  // How Python 2 str opcodes (STRING, BINSTRING, SHORT_BINSTRING) decode, as pickle.load's
  // encoding=: "ASCII" (default), "latin1" (also "latin-1", "iso-8859-1"), "utf-8", or "bytes"
  // (they load as bytes). Any other name is a codec of the C library's iconv ("koi8-r", "cp1251",
  // "shift_jis", ...), looked up, as CPython looks its codecs up, when a str needs decoding: an
  // unknown name, or bytes the codec cannot decode, is kDecode at that opcode.
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
  std::optional<std::vector<std::pair<std::string, std::string>>> allowed_globals{};
  // Strict mode by policy (picklejar/policy.h, the scanner's type): every global the stream names
  // must be in the policy, and what the stream does with it must be within its entry's use: a
  // REDUCE, OBJ or INST of it needs "call", a NEWOBJ/NEWOBJ_EX of it or a BUILD of its instance
  // "new". Else Error(kForbiddenGlobal) at that opcode. Checked as allowed_globals is (after
  // fix_imports; what a known reduce shape makes is not checked again), and together with it when
  // both are set. Shared, so one policy may gate many loads. Absent (the default): no check.
  std::shared_ptr<const Policy> policy{};
  // EXT1/EXT2/EXT4 load as the global their code is registered for (copyreg._extension_registry,
  // inverted: code -> (module, qualname)); checked like a GLOBAL of that name (fix_imports,
  // allowed_globals, policy). An unregistered code is kExtension, as Python's "unregistered
  // extension code".
  ExtensionRegistry extensions{};
  // Threads the decompressor of a compressed input may use (0: one per core). Only xz files of
  // several blocks and bz2 files of several streams (what joblib::DumpOptions::threads, `xz -T`,
  // pbzip2 and lbzip2 write) decode on more than one; each thread holds a block or stream, and
  // the decoder as a whole stays within Limits::max_decoder_bytes (past it, one thread).
  unsigned decoder_threads = 0;
};

// Loads one pickle from memory. Zero-copy: str and bytes payloads may point into `data`, which
// must outlive the returned Document. Reads up to and including the first STOP; later bytes are
// ignored. Input that starts with a codec's magic bytes (zlib, gzip, bz2, lzma, xz, lz4, as
// joblib detects them) is decompressed first (then payloads are copied). Throws Error on any bad
// input (kCompression for corrupt compressed data).
PICKLEJAR_EXPORT Document load(ByteView data, const LoadOptions& options = {});
// Loads from a file, streamed: memory use is that of the values, not twice the file. Compressed
// files are decompressed as they are read.
PICKLEJAR_EXPORT Document load_file(const std::filesystem::path& path, const LoadOptions& options = {});
// Loads from a stream, reading only up to the STOP opcode's byte when the stream allows it (a
// compressed stream is read to the end of its compressed data).
PICKLEJAR_EXPORT Document load_stream(std::istream& in, const LoadOptions& options = {});

// Same as doc.protocol() (kept from 0.1).
PICKLEJAR_EXPORT int loaded_protocol(const Document& doc) noexcept;

}  // namespace picklejar
