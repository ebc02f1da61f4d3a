// The unpickler's extension seam (DESIGN.md §1b): how numpy, joblib and later formats turn the
// shapes they know (a REDUCE of a known callable, the BUILD of a known class, a persistent id) into
// typed nodes, without the VM knowing any of them. Hooks are passed to run_unpickler() by the layer
// that loads (the numpy layer's load(), joblib's reader); each is asked in the order given. Internal.
#pragma once

#include <cstdint>
#include <span>

#include "io/byte_reader.h"
#include "model/document_impl.h"
#include "picklejar/document.h"

namespace picklejar::internal {

class VmHooks {
 public:
  virtual ~VmHooks() = default;
  // After REDUCE made the inert object `obj` (reduces the globals registry knows, such as
  // builtins.set or _codecs.encode, never get here; NEWOBJ, NEWOBJ_EX, INST and OBJ objects are not
  // passed: nothing known rebuilds through them). May add a typed reading to `obj`.
  virtual void after_reduce(DocumentImpl& d, uint32_t obj) { (void)d, (void)obj; }
  // After BUILD applied its state to the object `obj` (the state is d.object(obj).state). May read
  // more bytes from `in` (joblib splices array data after its wrappers' BUILD) and return a node to
  // put on the stack in obj's place, which also ends the chain of hooks; else kNoNode.
  virtual uint32_t after_build(Document& doc, uint32_t obj, ByteReader& in, uint64_t offset) {
    (void)doc, (void)obj, (void)in, (void)offset;
    return kNoNode;
  }
  // For PERSID/BINPERSID, before LoadOptions::persistent_load: the node to push for the persistent
  // id `pid`, or kNoNode to leave it to the next hook, the callback, or an inert kPersistentId.
  virtual uint32_t persistent_load(Document& doc, uint32_t pid, uint64_t offset) {
    (void)doc, (void)pid, (void)offset;
    return kNoNode;
  }
};

// The hooks of one load, in the order they are asked.
using VmHookList = std::span<VmHooks* const>;

}  // namespace picklejar::internal
