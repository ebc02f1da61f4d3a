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

// What a scanner (src/scan/) sees of a load: every global the stream looks up, every call and every
// BUILD, as the VM runs them and before anything acts on them (the globals registry's known reduces
// such as builtins.set or _codecs.encode, the hooks above, strict mode), so nothing the stream does
// is hidden from it. Passed to run_unpickler; when absent each of these opcodes costs one pointer
// test. An observer may throw (Error) to stop the load.
class VmObserver {
 public:
  virtual ~VmObserver() = default;
  // GLOBAL, STACK_GLOBAL or INST (`opcode`) at `offset` looked up the global node `global` (its
  // names after fix_imports).
  virtual void on_global(const DocumentImpl& d, uint32_t global, uint64_t offset, int opcode) = 0;
  // REDUCE, NEWOBJ, NEWOBJ_EX, OBJ or INST at `offset` calls (or, NEWOBJ*, constructs) `callable`
  // with the tuple `args` and, for NEWOBJ_EX, the dict `kwargs` (else kNoNode). Any node kind:
  // the stream may call a value that is no global.
  virtual void on_call(const DocumentImpl& d, uint32_t callable, uint32_t args, uint32_t kwargs, uint64_t offset,
                       int opcode) = 0;
  // BUILD at `offset` sets `state` on `obj` (any node kind).
  virtual void on_build(const DocumentImpl& d, uint32_t obj, uint32_t state, uint64_t offset) = 0;
};

// The hooks of one load, in the order they are asked.
using VmHookList = std::span<VmHooks* const>;

}  // namespace picklejar::internal
