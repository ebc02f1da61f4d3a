// Printing values (tagged JSON, readable `show` text) and pickle streams (a pickletools-style
// listing). Thread safety: every function here is reentrant; threads may print values of one
// Document concurrently.
#pragma once

#include <iosfwd>
#include <string>

#include "picklejar/export.h"
#include "picklejar/limits.h"
#include "picklejar/value.h"

namespace picklejar {

// Writes the value in the tagged JSON form of docs/JSON.md (one line, no trailing newline).
PICKLEJAR_EXPORT void write_json(const Value& v, std::ostream& out, const Limits& limits = {});
PICKLEJAR_EXPORT std::string to_json(const Value& v, const Limits& limits = {});

// How write_json prints what the faithful form would print as pickled objects.
struct JsonOptions {
  // numpy arrays as the nested lists of their values that ndarray.tolist() gives (docs/JSON.md
  // "Array values") instead of the objects they were pickled as; false: the faithful form.
  bool array_values = false;
};
// write_json / to_json with `options`; the same form as above when every option is off.
PICKLEJAR_EXPORT void write_json(const Value& v, std::ostream& out, const JsonOptions& options,
                                 const Limits& limits = {});
PICKLEJAR_EXPORT std::string to_json(const Value& v, const JsonOptions& options, const Limits& limits = {});

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
