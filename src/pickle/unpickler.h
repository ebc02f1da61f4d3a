// The pickle VM: executes opcodes into a Document. Internal; the public entry points are load*().
#pragma once

#include "io/byte_reader.h"
#include "model/document_impl.h"
#include "pickle/hooks.h"
#include "picklejar/document.h"
#include "picklejar/load.h"

namespace picklejar::internal {

// Runs one pickle from `in` (up to and including STOP) and sets doc's root. Throws Error.
// `observer` (optional) sees every global, call and BUILD.
void run_unpickler(ByteReader& in, Document& doc, const LoadOptions& options, VmHookList hooks = {},
                   VmObserver* observer = nullptr);

// Runs one more, independent pickle (its own memo and stack) from `in` into the same document
// and returns its root node; the document's root and protocol are left as they were.
uint32_t run_nested_unpickler(ByteReader& in, Document& doc, const LoadOptions& options, VmHookList hooks = {},
                              VmObserver* observer = nullptr);

// How Python 2 str opcodes decode (LoadOptions::encoding). kOther: any other codec name, decoded by
// the C library's iconv under that name when a str needs it (as CPython looks a codec up only when
// it decodes: an unknown name fails there, not before).
enum class Py2Encoding { kAscii, kLatin1, kUtf8, kBytes, kOther };
Py2Encoding parse_encoding(const std::string& name);

}  // namespace picklejar::internal
