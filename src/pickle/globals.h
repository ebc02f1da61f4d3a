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

// The builtin type whose subclasses copyreg._reconstructor names as their base with a value of
// this kind as state ("int", "float", "str", "bytes", "tuple"), or empty.
std::string_view builtin_base_name(Kind k);

}  // namespace picklejar::internal
