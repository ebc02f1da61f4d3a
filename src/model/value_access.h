// The library's own access to the public handles: making a Value from a node, and reaching the
// DocumentImpl behind a Value or a Document. Users cannot forge handles: the constructors and
// accessors these wrap are private, with this class their only friend. Internal.
#pragma once

#include <cstdint>

#include "base/error.h"
#include "picklejar/document.h"
#include "picklejar/value.h"

namespace picklejar::internal {

class DocumentImpl;

class ValueAccess {
 public:
  static Value make(const DocumentImpl* d, uint32_t id) { return Value(d, id); }
  static const DocumentImpl* doc(const Value& v) { return v.doc_; }
  static DocumentImpl& impl(Document& d) { return *d.impl_; }
  static const DocumentImpl& impl(const Document& d) { return *d.impl_; }
};

inline Value make_value(const DocumentImpl* d, uint32_t id) { return ValueAccess::make(d, id); }
// The DocumentImpl a Value points into (null for an invalid Value).
inline const DocumentImpl* impl_of(const Value& v) { return ValueAccess::doc(v); }
inline DocumentImpl& impl_of(Document& d) { return ValueAccess::impl(d); }
inline const DocumentImpl& impl_of(const Document& d) { return ValueAccess::impl(d); }

// The node of `v`, which a Builder of `doc` was given: kInvalidArgument if it belongs elsewhere.
inline uint32_t own_value(const Document& doc, const Value& v) {
  if (!v.valid() || impl_of(v) != &impl_of(doc))
    throw_error(ErrorCode::kInvalidArgument, "Value from another document passed to Builder");
  return v.id();
}

}  // namespace picklejar::internal
