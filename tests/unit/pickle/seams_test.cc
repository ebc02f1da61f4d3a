// The pickle layer's extension seams, used the way numpy and joblib use them but with hooks and a
// saver written here: the VM's hooks (pickle/hooks.h) see REDUCE, BUILD and persistent ids in
// order and may replace what they return; the pickler's savers (pickle/pickler.h) may take over an
// object, continue later through push_resume, and add work after a BUILD. The core knows neither.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/byte_reader.h"
#include "model/value_access.h"
#include "pickle/hooks.h"
#include "pickle/pickler.h"
#include "pickle/unpickler.h"
#include "picklejar/picklejar.h"

namespace picklejar::internal {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes bytes_of(const std::string& s) { return Bytes(s.begin(), s.end()); }

// Records what it is shown; turns persistent id 'seven' into 7 and the BUILD of any object into
// the str 'built'.
class RecordingHooks final : public VmHooks {
 public:
  void after_reduce(DocumentImpl& d, uint32_t obj) override {
    (void)d;
    seen.push_back("reduce@" + std::to_string(obj));
  }
  uint32_t after_build(Document& doc, uint32_t obj, ByteReader& in, uint64_t offset) override {
    (void)obj, (void)in;
    seen.push_back("build at " + std::to_string(offset));
    const uint8_t* p = reinterpret_cast<const uint8_t*>("built");
    return impl_of(doc).add_payload(Kind::kStr, p, 5, offset);
  }
  uint32_t persistent_load(Document& doc, uint32_t pid, uint64_t offset) override {
    DocumentImpl& d = impl_of(doc);
    if (d.node(pid).kind != Kind::kStr || make_value(&d, pid).as_str() != "seven") return kNoNode;
    return d.add_int(7, offset);
  }
  std::vector<std::string> seen;
};

Document run(const Bytes& data, VmHookList hooks, const LoadOptions& options = {}) {
  Document doc;
  ByteReader in(data.data(), data.size(), options.limits.max_input_bytes);
  run_unpickler(in, doc, options, hooks);
  return doc;
}

TEST(VmHooks, SeeReduceBuildAndPersistentIdsInOrder) {
  // [m.f() with BUILD {}, pid 'seven', pid 'other'] at protocol 2 (a stream as pickle writes such
  // values; pickletools.dis checks it: BUILD at offset 20).
  const Bytes data = bytes_of(std::string("\x80\x02]q\x00(cm\nf\nq\x01)Rq\x02}q\x03" "bX\x05\x00\x00\x00sevenq\x04QX\x05"
                                          "\x00\x00\x00otherq\x05Qe.",
                                          49));
  RecordingHooks hooks;
  VmHooks* const list[] = {&hooks};
  Document doc = run(data, list);
  ASSERT_EQ(hooks.seen.size(), 2u);
  EXPECT_EQ(hooks.seen[0].rfind("reduce@", 0), 0u);
  EXPECT_EQ(hooks.seen[1], "build at 20");
  // The BUILD's replacement took the object's place; the known pid became 7; the other one is
  // left to the default (an inert persistent id).
  EXPECT_EQ(to_json(doc.root()), "[\"built\",7,{\"$persid\":\"other\"}]");
}

TEST(VmHooks, FirstReplacementEndsTheChain) {
  const Bytes data = bytes_of(std::string("\x80\x02(cm\nf\n)Rq\x00}bl.", 16));
  RecordingHooks first, second;
  VmHooks* const list[] = {&first, &second};
  run(data, list);
  EXPECT_EQ(first.seen.size(), 2u);
  EXPECT_EQ(second.seen.size(), 1u) << "after_reduce reaches every hook; after_build stops at the first that replaces";
}

// Writes every object whose callable is m.f as the int 42, and after the BUILD of m.g objects
// writes a POP and None (a continuation pushed from before_build).
class AnswerSaver final : public Saver {
 public:
  bool intercept(Pickler& p, const DocumentImpl* d, uint32_t id) override {
    const Node& c = d->node(d->object(id).callable);
    if (text_of(c) != "mf") return false;
    p.push_save(p.scratch_doc(), p.made_int(42), false);
    ++intercepted;
    return true;
  }
  void before_build(Pickler& p, const DocumentImpl* d, uint32_t id) override {
    if (text_of(d->node(d->object(id).callable)) == "mg") p.push_resume(this, 7, d, id);
  }
  void resume(Pickler& p, uint32_t code, const DocumentImpl* d, uint32_t id) override {
    (void)d, (void)id;
    resumed_code = code;
    p.op(Op::POP);
    p.op(Op::NONE);
  }
  int intercepted = 0;
  uint32_t resumed_code = 0;
};

TEST(Savers, InterceptAndContinueAfterBuild) {
  Document doc;
  Builder b = doc.builder();
  Value f = b.object(MadeBy::kReduce, b.global("m", "f"), b.tuple({}));
  Value g = b.object(MadeBy::kReduce, b.global("m", "g"), b.tuple({}));
  b.set_state(g, b.dict({}));
  Value root = b.list({f, g});
  AnswerSaver saver;
  Saver* const savers[] = {&saver};
  DumpOptions o;
  o.protocol = 2;
  std::vector<uint8_t> out;
  FunctionSink sink([&](const uint8_t* p, size_t n) { out.insert(out.end(), p, p + n); });
  dump_to(root, sink, o, {}, savers);
  EXPECT_EQ(saver.intercepted, 1);
  EXPECT_EQ(saver.resumed_code, 7u);
  // [42, m.g() BUILD {} then POP None]: the list holds 42 and None.
  Document back = load(out);
  EXPECT_EQ(to_json(back.root()), "[42,null]");
}

}  // namespace
}  // namespace picklejar::internal
