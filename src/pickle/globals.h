// The globals registry: Python 2 -> 3 name mapping, and the reduce shapes the loader turns into
// typed values. Nothing here imports or executes anything. Internal.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "model/document_impl.h"

namespace picklejar::internal {

// find_class's fix_imports mapping for protocol < 3 streams (CPython _compat_pickle NAME_MAPPING,
// then IMPORT_MAPPING). Returns the Python 3 (module, name).
std::pair<std::string_view, std::string_view> map_py2_global(std::string_view module, std::string_view name);

// The writer's direction (REVERSE_NAME_MAPPING, then REVERSE_IMPORT_MAPPING), for protocol < 3 dumps.
std::pair<std::string_view, std::string_view> map_py3_global(std::string_view module, std::string_view name);

// The (module, qualname) CPython's pickler writes for the object that (module, name) loads as
// (functools.reduce is written _functools.reduce): whichmodule() and __qualname__, from a table
// generated from CPython 3.11's standard library. Unknown names map to themselves.
std::pair<std::string_view, std::string_view> canonical_global(std::string_view module, std::string_view name);

// True for builtins.len and the other functions of the builtins module, whose __module__ str is
// not the interned 'builtins' the builtin types report (it matters for memo sharing).
bool is_builtin_function(std::string_view name);

// If `callable(*args)` is a known reduce shape (set/frozenset/tuple/bytearray/bytes/_codecs.encode/
// copyreg._reconstructor/getattr), builds the typed value and returns its node; else kNoNode.
// The node keeps, in its flags, what a re-dump needs to write the form CPython would (getattr
// reduces, _reconstructor in protocol 2+ streams, bytes made fresh rather than cached).
// Throws Error for a known shape with arguments Python itself would reject.
uint32_t reduce_known_shape(DocumentImpl& d, uint32_t callable, uint32_t args, uint64_t offset, int opcode);

// functools.partial(cls.__new__, cls, *args, **kwargs)() as CPython writes NEWOBJ_EX at protocols
// 2-3: the NEWOBJ_EX object it stands for, else kNoNode.
uint32_t reduce_partial_new_ex(DocumentImpl& d, uint32_t callable, uint32_t args, uint64_t offset);

// A str as CPython's re-pickle holds it where it takes an interned name instead of the object the
// stream made: `str` itself, or a new node flagged kFlagInternedStr (shared at dump with the other
// interned ones of that text, not with ordinary strs). One character: the interned one is CPython's
// cached latin-1 singleton, but for the characters CPython 3.11 interns apart from it at start-up
// (the identifiers of its frozen modules: 'k', 'x', ...; a table generated from the interpreter).
// Longer: with `names_from_class` the name comes from the class's code (a Python method's or enum
// member's name, a slot name) and is never the loaded str; without (an attribute name BUILD set,
// interned from the loaded str; a keyword name, which the stream shares with those) whether it
// stays the loaded str depends on what the loading process had interned, and it is kept.
uint32_t interned_str(DocumentImpl& d, uint32_t str, bool names_from_class);
// interned_str over a dict's keys (in place; kind checked).
void intern_keys(DocumentImpl& d, uint32_t dict, bool names_from_class);

// The builtin type whose subclasses copyreg._reconstructor names as their base with a value of
// this kind as state ("int", "float", "str", "bytes", "tuple"), or empty.
std::string_view builtin_base_name(Kind k);

}  // namespace picklejar::internal
