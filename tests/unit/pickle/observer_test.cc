// The VM's observer seam (pickle/hooks.h VmObserver), which the scanner runs on: every global
// lookup, every call (REDUCE, NEWOBJ, NEWOBJ_EX, OBJ, INST) and every BUILD, in stream order, with
// offsets and opcodes, before the globals registry evaluates a known reduce; and strict mode by a
// Policy (LoadOptions::policy), which checks the same uses.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "io/byte_reader.h"
#include "model/value_access.h"
#include "pickle/hooks.h"
#include "pickle/opcode_table.h"
#include "pickle/unpickler.h"
#include "picklejar/picklejar.h"

namespace picklejar::internal {
namespace {

using namespace std::string_literals;

std::string name_of(const DocumentImpl& d, uint32_t id) {
  if (d.node(id).kind != Kind::kGlobal) return std::string(kind_name(d.node(id).kind));
  GlobalRef g = make_value(&d, id).as_global();
  return std::string(g.module) + "." + std::string(g.name);
}

class Recorder final : public VmObserver {
 public:
  void on_global(const DocumentImpl& d, uint32_t g, uint64_t offset, int opcode) override {
    seen.push_back(std::string(opcode_info(static_cast<uint8_t>(opcode)).name) + " " + name_of(d, g) + " @" +
                   std::to_string(offset));
  }
  void on_call(const DocumentImpl& d, uint32_t callable, uint32_t args, uint32_t kwargs, uint64_t offset,
               int opcode) override {
    uint32_t n = args == kEmptyTupleNode ? 0 : d.item_count(args);
    seen.push_back(std::string(opcode_info(static_cast<uint8_t>(opcode)).name) + " " + name_of(d, callable) + "/" +
                   std::to_string(n) + (kwargs == kNoNode ? "" : "+kw") + " @" + std::to_string(offset));
  }
  void on_build(const DocumentImpl& d, uint32_t obj, uint32_t state, uint64_t offset) override {
    seen.push_back("BUILD " + std::string(kind_name(d.node(obj).kind)) + " <- " +
                   std::string(kind_name(d.node(state).kind)) + " @" + std::to_string(offset));
  }
  std::vector<std::string> seen;
};

std::vector<std::string> observe(const std::string& p) {
  Recorder r;
  Document doc;
  ByteReader in(reinterpret_cast<const uint8_t*>(p.data()), p.size(), UINT64_MAX);
  run_unpickler(in, doc, LoadOptions{}, {}, &r);
  return r.seen;
}

TEST(VmObserver, SeesEveryLookupCallAndBuild) {
  // builtins.set([]) (which the registry turns into a set), NEWOBJ, BUILD, NEWOBJ_EX, OBJ, INST, a
  // STACK_GLOBAL and a popped REDUCE.
  // Offsets as pickletools lists them; protocol 4 keeps the Python 2 module name (no fix_imports).
  std::string p = "\x80\x04(c__builtin__\nset\n]\x85R" "cm\nC\n)\x81}b" "cm\nD\n)}\x92" "(cm\nE\nK\x01o"
                  "(K\x02im\nF\n" "\x8c\x01m\x8c\x01G\x93)R0" "t."s;
  std::vector<std::string> want = {
      "GLOBAL __builtin__.set @3", "REDUCE __builtin__.set/1 @22", "GLOBAL m.C @23",        "NEWOBJ m.C/0 @29",
      "BUILD object <- dict @31",  "GLOBAL m.D @32",               "NEWOBJ_EX m.D/0+kw @39", "GLOBAL m.E @41",
      "OBJ m.E/1 @48",             "INST m.F @52",                 "INST m.F/1 @52",         "STACK_GLOBAL m.G @63",
      "REDUCE m.G/0 @65"};
  EXPECT_EQ(observe(p), want);
}

TEST(VmObserver, SeesABuildItRefuses) {
  Recorder r;
  Document doc;
  std::string p = "\x80\x02K\x01}b."s;
  ByteReader in(reinterpret_cast<const uint8_t*>(p.data()), p.size(), UINT64_MAX);
  EXPECT_THROW(run_unpickler(in, doc, LoadOptions{}, {}, &r), Error);
  EXPECT_EQ(r.seen, std::vector<std::string>{"BUILD int <- dict @5"});
}

LoadOptions with_policy(Policy p) {
  LoadOptions o;
  o.policy = std::make_shared<const Policy>(std::move(p));
  return o;
}

ByteView view(const std::string& s) { return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

TEST(StrictPolicy, UsesBeyondTheEntryAreForbidden) {
  Policy p;
  p.allow("m", "C", GlobalUse::kConstruct).allow("m", "F", GlobalUse::kCall).allow("m", "R", GlobalUse::kReference);
  LoadOptions o = with_policy(p);
  EXPECT_NO_THROW(load(view("\x80\x02" "cm\nC\n)\x81}b."s), o));  // NEWOBJ + BUILD: "new"
  EXPECT_NO_THROW(load(view("\x80\x02" "cm\nF\n)R."s), o));
  EXPECT_NO_THROW(load(view("\x80\x02" "cm\nR\n."s), o));
  try {
    load(view("\x80\x02" "cm\nC\n)R."s), o);
    ADD_FAILURE() << "a 'new' entry was called";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kForbiddenGlobal);
    EXPECT_EQ(e.offset(), 8u);  // the REDUCE
    EXPECT_NE(e.message().find("may not be called"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load(view("\x80\x02" "cm\nR\n)\x81."s), o), Error);  // a 'ref' entry constructed
  EXPECT_THROW(load(view("\x80\x02" "cm\nX\n."s), o), Error);       // not in the policy
  // The same policy type as the scanner's built-ins.
  LoadOptions numpy = with_policy(Policy::builtin("numpy"));
  EXPECT_THROW(load(view("\x80\x02" "cnumpy\nndarray\n)R."s), numpy), Error);
  EXPECT_NO_THROW(load(view("\x80\x02" "cnumpy\nndarray\n)\x81."s), numpy));
}

}  // namespace
}  // namespace picklejar::internal
