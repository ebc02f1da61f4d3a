// The pickler: facts of CPython's output quoted from FORMATS.md and written out explicitly (frames,
// batching, memo sharing), set order under DumpOptions::hash_seed (against CPython run with that
// PYTHONHASHSEED: fixtures/PICKLER.tsv "seed/" rows), persistent ids and PickleBuffers.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "picklejar/picklejar.h"
#include "pickler_test_util.h"

namespace picklejar {
namespace {

using namespace std::string_literals;
using namespace pickler_test;

// ---- facts quoted from FORMATS.md, written out explicitly ------------------------------------------

TEST(PicklerFacts, RecursiveTupleAtProtocols012) {
  // t = ([],); t[0].append(t)
  Document doc;
  Builder b = doc.builder();
  Value l = b.list();
  Value t = b.tuple({l});
  b.append(l, t);
  EXPECT_EQ(D(t, 0), "((lp0\n(g0\ntp1\na00g1\n."s);
  EXPECT_EQ(D(t, 1), "(]q\x00(h\x00tq\x01" "a1h\x01."s);
  EXPECT_EQ(D(t, 2), "\x80\x02]q\x00h\x00\x85q\x01" "a0h\x01."s);
}

// STACK_GLOBAL takes any strs; GLOBAL (protocols 0-3) ends its operands at newlines, so a global
// whose name holds one cannot be written there (found by fuzz_roundtrip: the dump read back as
// another stream). Protocol 4 writes it as it came.
TEST(PicklerFacts, GlobalNameWithANewlineNeedsStackGlobal) {
  for (const std::string& s : {"\x80\x04\x8c\x05numpy\x8c\x03" "a\nb\x93."s, "\x80\x04\x8c\x03" "a\nb\x8c\x05" "dtype\x93."s}) {
    Document doc = load(view(s));
    for (int p = 0; p < 4; ++p) {
      DumpOptions o;
      o.protocol = p;
      try {
        (void)dump(doc.root(), o);
        ADD_FAILURE() << "protocol " << p << " dumped";
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kUnsupported) << e.what();
      }
    }
    DumpOptions o4;
    o4.protocol = 4;
    const auto again = dump(doc.root(), o4);
    Document back = load(ByteView(again.data(), again.size()));
    EXPECT_EQ(to_json(back.root()), to_json(doc.root()));
  }
}

TEST(PicklerFacts, NoneAtProtocol4HasNoFrame) {
  Document doc;
  EXPECT_EQ(D(doc.builder().none(), 4), "\x80\x04N."s);
}

uint64_t u64_at(const std::string& s, size_t at) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(s[at + static_cast<size_t>(i)]);
  return v;
}

TEST(PicklerFacts, FrameCommittedAtTheNextObjectPastTarget) {
  // [b'a'*60000, b'b'*60000, b'c'*10] -> FRAME 120015 then FRAME 15.
  Document doc;
  Builder b = doc.builder();
  Value v = b.list({By(b, Rep("a", 60000)), By(b, Rep("b", 60000)), By(b, Rep("c", 10))});
  std::string got = D(v, 4);
  ASSERT_EQ(got.size(), 2u + 9 + 120015 + 9 + 15);
  EXPECT_EQ(got.substr(0, 3), "\x80\x04\x95"s);
  EXPECT_EQ(u64_at(got, 3), 120015u);
  size_t second = 2 + 9 + 120015;
  EXPECT_EQ(static_cast<uint8_t>(got[second]), 0x95);
  EXPECT_EQ(u64_at(got, second + 1), 15u);
  EXPECT_EQ(got.substr(second + 9), "C\x0a" "cccccccccc\x94" "e."s);
}

TEST(PicklerFacts, LargeBytesAreWrittenOutsideAnyFrame) {
  // pickle.dumps([b'a'*70000], 4) = 80 04 5d 94 42 70 11 01 00 <70000 bytes> 94 61 2e
  Document doc;
  Builder b = doc.builder();
  std::string got = D(b.list({By(b, Rep("a", 70000))}), 4);
  EXPECT_EQ(got, "\x80\x04]\x94" "B\x70\x11\x01\x00"s + Rep("a", 70000) + "\x94" "a."s);
}

TEST(PicklerFacts, BatchQuirksOfTheCPickler) {
  Document doc;
  Builder b = doc.builder();
  auto tail = [](const std::string& s, size_t n) { return s.substr(s.size() - n); };
  // A dict of exactly 1000 pairs ends with an empty MARK SETITEMS.
  EXPECT_EQ(tail(D(DictOf(b, 1000), 2), 12), "\xe6\x03M\xe7\x03M\xe7\x03u(u."s);
  // A list of 1001 items ends with MARK x APPENDS, not x APPEND.
  EXPECT_EQ(tail(D(List(b, Ints(b, 1001)), 2), 12), "\xe6\x03M\xe7\x03" "e(M\xe8\x03" "e."s);
  // A set of 1000 items at protocol 4 ends with an empty MARK ADDITEMS.
  EXPECT_EQ(tail(D(SetOf(b, 1000), 4), 12), "\xe5\x03M\xe6\x03M\xe7\x03\x90(\x90."s);
  // The single-item special cases: a whole list/dict of one item uses APPEND/SETITEM ...
  EXPECT_EQ(D(b.list({b.integer(1)}), 2), "\x80\x02]q\x00K\x01" "a."s);
  EXPECT_EQ(D(b.dict({{b.integer(1), b.integer(2)}}), 2), "\x80\x02}q\x00K\x01K\x02s."s);
  // ... but a set of one still gets MARK ... ADDITEMS.
  EXPECT_EQ(D(b.set({b.integer(1)}), 4), "\x80\x04\x95\x07\x00\x00\x00\x00\x00\x00\x00\x8f\x94(K\x01\x90."s);
}

TEST(PicklerFacts, SingletonsShareOneMemoEntry) {
  Document doc;
  Builder b = doc.builder();
  // Two distinct Builder strs "a": CPython's one-character strs are one object -> BINGET.
  EXPECT_EQ(D(b.list({S(b, "a"), S(b, "a")}), 2), "\x80\x02]q\x00(X\x01\x00\x00\x00" "aq\x01h\x01" "e."s);
  // "" and b"" likewise.
  EXPECT_EQ(D(b.list({S(b, ""), S(b, ""), By(b, ""), By(b, "")}), 3),
            "\x80\x03]q\x00(X\x00\x00\x00\x00q\x01h\x01" "C\x00q\x02h\x02" "e."s);
  // Two distinct "ab" are two objects: two memo entries.
  EXPECT_EQ(D(b.list({S(b, "ab"), S(b, "ab")}), 2),
            "\x80\x02]q\x00(X\x02\x00\x00\x00" "abq\x01X\x02\x00\x00\x00" "abq\x02" "e."s);
  // The same Value twice is one object.
  Value ab = S(b, "ab");
  EXPECT_EQ(D(b.list({ab, ab}), 2), "\x80\x02]q\x00(X\x02\x00\x00\x00" "abq\x01h\x01" "e."s);
}
// ---- hash_seed: set iteration order follows PYTHONHASHSEED ---------------------------------------

// The cases of tools/fixturegen/pickler_cases.py's SEED_SCRIPT, each dumped by CPython run with
// PYTHONHASHSEED=<seed> at protocols 0, 2 and 4 (PICKLER.tsv rows "seed/<name>").
const char* const kSeedNames[] = {"StrSet", "StrFrozenSet", "BytesSet", "FrozenSetsInSet", "MixedSet"};
const uint32_t kSeeds[] = {0, 123, 4294967295u};

const char* const kFruits[] = {"apple", "banana", "cherry", "date", "elderberry", "fig", "grape", "kiwi"};

Value seed_value(Builder& b, const std::string& name) {
  if (name == "StrSet" || name == "StrFrozenSet") {
    // set(['apple', ...]) / frozenset([...]), inserted in this order.
    if (name == "StrSet") {
      Value s = b.set();
      for (const char* f : kFruits) b.add(s, S(b, f));
      return s;
    }
    Value items[8];
    for (int i = 0; i < 8; ++i) items[i] = S(b, kFruits[i]);
    return b.frozenset({items[0], items[1], items[2], items[3], items[4], items[5], items[6], items[7]});
  }
  if (name == "BytesSet") {
    Value s = b.set();
    for (int i = 0; i < 5; ++i) b.add(s, By(b, kFruits[i]));
    return s;
  }
  if (name == "FrozenSetsInSet") {
    // set([frozenset([1, 2]), frozenset(['ab', 'cd']), 3.25, -7, 'zz', frozenset()])
    return b.set({b.frozenset({b.integer(1), b.integer(2)}), b.frozenset({S(b, "ab"), S(b, "cd")}), b.float64(3.25),
                  b.integer(-7), S(b, "zz"), b.frozenset()});
  }
  // set([1, 'a1', b'b2', 2.5, (1, 'xy'), '€€', '😀!'])
  return b.set({b.integer(1), S(b, "a1"), By(b, "b2"), b.float64(2.5), b.tuple({b.integer(1), S(b, "xy")}),
                S(b, "\xe2\x82\xac\xe2\x82\xac"), S(b, "\xf0\x9f\x98\x80!")});
}

TEST(PicklerHashSeed, SetOrderMatchesCPythonWithThatPythonHashSeed) {
  for (const char* name : kSeedNames) {
    for (uint32_t seed : kSeeds) {
      for (int protocol : {0, 2, 4}) {
        SCOPED_TRACE(std::string(name) + " with hash_seed " + std::to_string(seed) + " at protocol " +
                     std::to_string(protocol));
        Document doc;
        Builder b = doc.builder();
        DumpOptions o;
        o.hash_seed = seed;
        EXPECT_TRUE(Matches(expected("seed/"s + name, protocol, seed), D(seed_value(b, name), protocol, o)));
      }
    }
  }
}

TEST(PicklerHashSeed, DifferentSeedsGiveDifferentOrders) {
  Document doc;
  Builder b = doc.builder();
  Value s = seed_value(b, "StrSet");
  DumpOptions zero, other;
  other.hash_seed = 123;
  EXPECT_NE(D(s, 4, zero), D(s, 4, other));
  EXPECT_EQ(D(s, 4, zero), D(s, 4)) << "hash_seed defaults to 0";
}
// ---- persistent ids -------------------------------------------------------------------------------

TEST(PicklerPersistentId, NotAppliedToThePidItself) {
  // persistent_id(o) = 'P' for every str: the pid 'P' is itself a str, but is written as is.
  Document doc;
  Builder b = doc.builder();
  Value v = b.list({S(b, "ab"), b.integer(1), S(b, "cd")});
  Document pids;
  Value pid = pids.builder().str("P");
  int calls = 0;
  DumpOptions o;
  o.persistent_id = [&](const Value& x) {
    ++calls;
    return x.kind() == Kind::kStr ? pid : Value();
  };
  EXPECT_EQ(D(v, 0, o), "(lp0\nPP\naI1\naPP\na."s);
  EXPECT_EQ(D(v, 1, o), "]q\x00(X\x01\x00\x00\x00Pq\x01QK\x01h\x01Qe."s);
  EXPECT_EQ(D(v, 2, o), "\x80\x02]q\x00(X\x01\x00\x00\x00Pq\x01QK\x01h\x01Qe."s);
  EXPECT_EQ(D(v, 4, o), "\x80\x04\x95\x0f\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x01P\x94QK\x01h\x01Qe."s);
  EXPECT_EQ(calls, 4 * 4) << "called once per value (list, 'ab', 1, 'cd'), never for the pid";
}

TEST(PicklerPersistentId, ReplacedValuesAreNotMemoized) {
  // x = b'xy'; [x, x] with persistent_id(bytes) = ('id', 5): the pid is written twice (the pid
  // tuple itself is the same object, so its second write is a BINGET at protocol 1+).
  Document doc;
  Builder b = doc.builder();
  Value x = By(b, "xy");
  Value v = b.list({x, x});
  Document pids;
  Builder pb = pids.builder();
  Value pid = pb.tuple({pb.str("id"), pb.integer(5)});
  DumpOptions o;
  o.persistent_id = [&](const Value& y) { return y.kind() == Kind::kBytes ? pid : Value(); };
  EXPECT_EQ(D(v, 0, o), "(lp0\nP('id', 5)\naP('id', 5)\na."s);
  EXPECT_EQ(D(v, 2, o), "\x80\x02]q\x00(X\x02\x00\x00\x00idq\x01K\x05\x86q\x02Qh\x02Qe."s);
}

// ---- PickleBuffer -----------------------------------------------------------------------------------

TEST(PicklerBuffers, OutOfBandCallbackSeesBuffersInStreamOrder) {
  Document doc;
  Builder b = doc.builder();
  Value ro = b.buffer(View(kAbc), true);
  Value rw = b.buffer(View(kXyz), false);
  Value big = b.buffer(View(kBig70000), false);
  Value v = b.list({ro, rw, big, ro});
  std::vector<std::pair<std::string, bool>> seen;
  DumpOptions o;
  o.protocol = 5;
  o.buffer_callback = [&](const Value& buf) {
    auto bytes = buf.as_bytes();
    seen.emplace_back(std::string(bytes.begin(), bytes.end()), buf.readonly_buffer());
    return BufferPlacement::kOutOfBand;
  };
  std::string got = as_string(dump(v, o));
  // pickle.dumps([ro, rw, big, ro], 5, buffer_callback=lambda b: False): out-of-band buffers are
  // never memoized, so `ro` is written (and passed to the callback) twice.
  EXPECT_EQ(got, "\x80\x05\x95\x0b\x00\x00\x00\x00\x00\x00\x00]\x94(\x97\x98\x97\x97\x97\x98" "e."s);
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0], std::make_pair("abc"s, true));
  EXPECT_EQ(seen[1], std::make_pair("xyz"s, false));
  EXPECT_EQ(seen[2], std::make_pair(std::string(70000, 'a'), false));
  EXPECT_EQ(seen[3], std::make_pair("abc"s, true));

  // Loaded back with those buffers: the same bytes, read-only where READONLY_BUFFER followed.
  LoadOptions lo;
  lo.buffers.emplace();
  for (const auto& s : seen) lo.buffers->push_back(BufferView{view(s.first), false});
  Document back = load(view(got), lo);
  Value root = back.root();
  ASSERT_EQ(root.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    std::string payload(root[i].as_bytes().begin(), root[i].as_bytes().end());
    EXPECT_EQ(payload, seen[i].first) << i;
    EXPECT_EQ(root[i].readonly_buffer(), seen[i].second) << i;
  }
}

TEST(PicklerBuffers, UnsupportedBelowProtocol5) {
  Document doc;
  Builder b = doc.builder();
  Value v = b.list({b.buffer(View(kAbc), true)});
  for (int protocol = 0; protocol < 5; ++protocol) {
    try {
      D(v, protocol);
      ADD_FAILURE() << "dumped a PickleBuffer at protocol " << protocol;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnsupported) << e.what();
    }
  }
}

// copyreg's extension registry. The bytes are CPython 3.11's, from
//   copyreg.add_extension('collections', 'OrderedDict', CODE)
//   pickle.dumps([collections.OrderedDict] * 2, PROTO)
// for CODE 0x7f, 0x1234, 0x12345678: EXT1/EXT2/EXT4 from protocol 2 on, never memoized; GLOBAL
// below 2. Loading reads each code back as the global, given the same registry.
TEST(PicklerFacts, ExtensionRegistryCodes) {
  struct Case {
    int32_t code;
    std::string p2, p4;
  };
  const Case cases[] = {
      {0x7f, "\x80\x02]q\x00(\x82\x7f\x82\x7f" "e."s, "\x80\x04\x95\t\x00\x00\x00\x00\x00\x00\x00]\x94(\x82\x7f\x82\x7f" "e."s},
      {0x1234, "\x80\x02]q\x00(\x83" "4\x12\x83" "4\x12" "e."s,
       "\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00]\x94(\x83" "4\x12\x83" "4\x12" "e."s},
      {0x12345678, "\x80\x02]q\x00(\x84xV4\x12\x84xV4\x12" "e."s,
       "\x80\x04\x95\x0f\x00\x00\x00\x00\x00\x00\x00]\x94(\x84xV4\x12\x84xV4\x12" "e."s},
  };
  for (const Case& c : cases) {
    ExtensionRegistry reg{{c.code, {"collections", "OrderedDict"}}};
    Document doc;
    Builder b = doc.builder();
    Value g = b.global("collections", "OrderedDict");
    Value l = b.list({g, g});
    DumpOptions o;
    o.extensions = reg;
    EXPECT_EQ(D(l, 1, o), "]q\x00(ccollections\nOrderedDict\nq\x01h\x01" "e."s);
    EXPECT_EQ(D(l, 2, o), c.p2) << c.code;
    EXPECT_EQ(D(l, 4, o), c.p4) << c.code;
    EXPECT_EQ(D(l, 4), "\x80\x04\x95%\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x0b" "collections\x94\x8c\x0b" "OrderedDict\x94\x93\x94h\x03" "e."s)
        << "without the registry: the global";

    LoadOptions lo;
    lo.extensions = reg;
    Document back = load(view(c.p4), lo);
    ASSERT_EQ(back.root().size(), 2u);
    EXPECT_EQ(back.root()[0].as_global().module, "collections");
    EXPECT_EQ(back.root()[1].as_global().name, "OrderedDict");
    EXPECT_EQ(dump(back.root(), o), std::vector<uint8_t>(c.p4.begin(), c.p4.end()));
    try {
      load(view(c.p2));
      ADD_FAILURE() << "an unregistered code loaded";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kExtension);
      EXPECT_EQ(e.offset(), 6u);
    }
  }
  try {
    load(view("\x80\x02\x82\x00."s));
    ADD_FAILURE() << "EXT1 0 loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadArgument);
    EXPECT_NE(std::string(e.what()).find("code <= 0"), std::string::npos) << e.what();
  }
}
}  // namespace
}  // namespace picklejar
