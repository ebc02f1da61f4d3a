// The pickler on Builder values, against CPython: every case in kCases is dumped at protocols 0-5
// and compared with what CPython 3.11.2's C pickler wrote for the same Python value
// (fixtures/PICKLER.tsv and fixtures/pickler/<case>.p<N>.pkl, made by
// tools/fixturegen/pickler_cases.py, which builds each value the way the lambda below does; its
// CASES list and this table name the same cases). With PYTHONHASHSEED=0 unless the case says
// otherwise. strs and bytes of two or more characters are distinct objects on both sides.
#include <gtest/gtest.h>

#include <array>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "picklejar/picklejar.h"
#include "pickler_test_util.h"

namespace picklejar {
namespace {

using namespace std::string_literals;
using namespace pickler_test;

// ---- options per case -----------------------------------------------------------------------------

enum Opt {
  kDefault,
  kNoFixImports,       // fix_imports=False
  kPersStr,            // persistent_id: bytes -> 'ext'
  kPersTuple,          // persistent_id: bytes -> ('t', 7)
  kPersInt,            // persistent_id: bytes -> 42
  kPersNested,         // persistent_id: bytes -> 'B', (1, 2) -> ('wrap', b'zz') (whose b'zz' -> 'B')
  kBufOutOfBand,       // buffer_callback=lambda b: False
  kBufWritableInBand,  // buffer_callback=lambda b: not b.raw().readonly
};

// DumpOptions for a case; `pids` holds the persistent ids the callback returns, `oob` records the
// buffers written out-of-band.
DumpOptions options_for(Opt opt, int protocol, Document& pids, std::vector<std::string>& oob) {
  DumpOptions o;
  o.protocol = protocol;
  Builder pb = pids.builder();
  switch (opt) {
    case kDefault: break;
    case kNoFixImports: o.fix_imports = false; break;
    case kPersStr: {
      Value pid = pb.str("ext");
      o.persistent_id = [pid](const Value& v) { return v.kind() == Kind::kBytes ? pid : Value(); };
      break;
    }
    case kPersTuple: {
      Value pid = pb.tuple({pb.str("t"), pb.integer(7)});
      o.persistent_id = [pid](const Value& v) { return v.kind() == Kind::kBytes ? pid : Value(); };
      break;
    }
    case kPersInt: {
      Value pid = pb.integer(42);
      o.persistent_id = [pid](const Value& v) { return v.kind() == Kind::kBytes ? pid : Value(); };
      break;
    }
    case kPersNested: {
      Value b_pid = pb.str("B");
      Value wrap = pb.tuple({pb.str("wrap"), pb.bytes(view("zz"))});
      o.persistent_id = [b_pid, wrap](const Value& v) {
        if (v.kind() == Kind::kBytes) return b_pid;
        if (v.kind() == Kind::kTuple && v.size() == 2 && v[0].kind() == Kind::kInt && v[0].as_int() == 1 &&
            v[1].kind() == Kind::kInt && v[1].as_int() == 2)
          return wrap;
        return Value();
      };
      break;
    }
    case kBufOutOfBand:
      o.buffer_callback = [&oob](const Value& buf) {
        auto bytes = buf.as_bytes();
        oob.emplace_back(bytes.begin(), bytes.end());
        return BufferPlacement::kOutOfBand;
      };
      break;
    case kBufWritableInBand:
      o.buffer_callback = [&oob](const Value& buf) {
        if (!buf.readonly_buffer()) return BufferPlacement::kInBand;
        auto bytes = buf.as_bytes();
        oob.emplace_back(bytes.begin(), bytes.end());
        return BufferPlacement::kOutOfBand;
      };
      break;
  }
  return o;
}

// ---- the table ------------------------------------------------------------------------------------

struct Case {
  const char* name;
  Opt opt;
  Value (*make)(Builder&);
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// The object cases' classes (Outer.Inner, Red, Red2, Plain, Empty, NA, KW, RR, NR, Café) are defined in
// __main__ by tools/fixturegen/pickler_cases.py, with the reduce methods each case relies on.
// clang-format off
const Case kCases[] = {
    {"None", kDefault,
     [](Builder& b) -> Value { return b.none(); }},
    {"True", kDefault,
     [](Builder& b) -> Value { return b.boolean(true); }},
    {"False", kDefault,
     [](Builder& b) -> Value { return b.boolean(false); }},
    {"Int0", kDefault,
     [](Builder& b) -> Value { return b.integer(0LL); }},
    {"Int1", kDefault,
     [](Builder& b) -> Value { return b.integer(1LL); }},
    {"Int255", kDefault,
     [](Builder& b) -> Value { return b.integer(255LL); }},
    {"Int256", kDefault,
     [](Builder& b) -> Value { return b.integer(256LL); }},
    {"Int65535", kDefault,
     [](Builder& b) -> Value { return b.integer(65535LL); }},
    {"Int65536", kDefault,
     [](Builder& b) -> Value { return b.integer(65536LL); }},
    {"Int2147483647", kDefault,
     [](Builder& b) -> Value { return b.integer(2147483647LL); }},
    {"IntMinus1", kDefault,
     [](Builder& b) -> Value { return b.integer(-1LL); }},
    {"IntMinus255", kDefault,
     [](Builder& b) -> Value { return b.integer(-255LL); }},
    {"IntMinus256", kDefault,
     [](Builder& b) -> Value { return b.integer(-256LL); }},
    {"IntMinus65536", kDefault,
     [](Builder& b) -> Value { return b.integer(-65536LL); }},
    {"IntMinus2147483648", kDefault,
     [](Builder& b) -> Value { return b.integer(-2147483648LL); }},
    {"IntMinus2147483649", kDefault,
     [](Builder& b) -> Value { return b.integer(-2147483649LL); }},
    {"Int2147483648", kDefault,
     [](Builder& b) -> Value { return b.integer(2147483648LL); }},
    {"Int4294967296", kDefault,
     [](Builder& b) -> Value { return b.integer(4294967296LL); }},
    {"Int9223372036854775807", kDefault,
     [](Builder& b) -> Value { return b.integer(9223372036854775807LL); }},
    {"IntMinus9223372036854775808", kDefault,
     [](Builder& b) -> Value { return b.integer(INT64_MIN); }},
    {"Int9223372036854775808", kDefault,
     [](Builder& b) -> Value { return Pow2(b, 63, false); }},
    {"IntMinus9223372036854775809", kDefault,
     [](Builder& b) -> Value { return Dec(b, "-9223372036854775809"); }},
    {"Int18446744073709551616", kDefault,
     [](Builder& b) -> Value { return Pow2(b, 64, false); }},
    {"IntPow2_100", kDefault,
     [](Builder& b) -> Value { return Pow2(b, 100, false); }},
    {"IntMinusPow2_100", kDefault,
     [](Builder& b) -> Value { return Pow2(b, 100, true); }},
    {"IntPow2_2031", kDefault,
     [](Builder& b) -> Value { return Pow2(b, 2031, false); }},
    {"IntPow2_2039", kDefault,
     [](Builder& b) -> Value { return Pow2(b, 2039, false); }},
    {"IntMinusPow2_2039", kDefault,
     [](Builder& b) -> Value { return Pow2(b, 2039, true); }},
    {"FloatZero", kDefault,
     [](Builder& b) -> Value { return b.float64(0.0); }},
    {"FloatNegZero", kDefault,
     [](Builder& b) -> Value { return b.float64(-0.0); }},
    {"FloatOneAndHalf", kDefault,
     [](Builder& b) -> Value { return b.float64(1.5); }},
    {"FloatTenth", kDefault,
     [](Builder& b) -> Value { return b.float64(0.1); }},
    {"FloatE16", kDefault,
     [](Builder& b) -> Value { return b.float64(1e16); }},
    {"FloatEm5", kDefault,
     [](Builder& b) -> Value { return b.float64(1e-5); }},
    {"FloatE300", kDefault,
     [](Builder& b) -> Value { return b.float64(1e300); }},
    {"FloatDenormal", kDefault,
     [](Builder& b) -> Value { return b.float64(5e-324); }},
    {"FloatInf", kDefault,
     [](Builder& b) -> Value { return b.float64(INFINITY); }},
    {"FloatNegInf", kDefault,
     [](Builder& b) -> Value { return b.float64(-INFINITY); }},
    {"FloatNaN", kDefault,
     [](Builder& b) -> Value { return b.float64(NAN); }},
    {"FloatThird", kDefault,
     [](Builder& b) -> Value { return b.float64(1.0 / 3.0); }},
    {"FloatE22", kDefault,
     [](Builder& b) -> Value { return b.float64(1e22); }},
    {"FloatWhole", kDefault,
     [](Builder& b) -> Value { return b.float64(123456789.0); }},
    {"FloatEm4", kDefault,
     [](Builder& b) -> Value { return b.float64(0.0001); }},
    {"FloatEm7", kDefault,
     [](Builder& b) -> Value { return b.float64(1e-7); }},
    {"FloatMax", kDefault,
     [](Builder& b) -> Value { return b.float64(DBL_MAX); }},
    {"FloatNegHalf", kDefault,
     [](Builder& b) -> Value { return b.float64(-0.5); }},
    {"StrEmpty", kDefault,
     [](Builder& b) -> Value { return S(b, ""s); }},
    {"StrA", kDefault,
     [](Builder& b) -> Value { return S(b, "a"s); }},
    {"StrEAcute", kDefault,
     [](Builder& b) -> Value { return S(b, "\xc3\xa9"s); }},
    {"StrAB", kDefault,
     [](Builder& b) -> Value { return S(b, "ab"s); }},
    {"StrSpecial", kDefault,
     [](Builder& b) -> Value { return S(b, "a\\b\nc\x0d" "d\x00" "e\x1a" "f\x09g\x7fh\xc2\x80\xc3\xa9\xc3\xbf\xc4\x80\xe2\x82\xac\xf0\x9f\x98"
        "\x80\xed\xa0\x80z"s); }},
    {"StrA255", kDefault,
     [](Builder& b) -> Value { return S(b, Rep("a"s, 255)); }},
    {"StrA256", kDefault,
     [](Builder& b) -> Value { return S(b, Rep("a"s, 256)); }},
    {"StrEAcute127", kDefault,
     [](Builder& b) -> Value { return S(b, Rep("\xc3\xa9"s, 127)); }},
    {"StrEAcute128", kDefault,
     [](Builder& b) -> Value { return S(b, Rep("\xc3\xa9"s, 128)); }},
    {"StrEuro85", kDefault,
     [](Builder& b) -> Value { return S(b, "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
        "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
        "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
        "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
        "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
        "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
        "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
        "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
        "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
        "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
        "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"s); }},
    {"StrEmoji64", kDefault,
     [](Builder& b) -> Value { return S(b, "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
        "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
        "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
        "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
        "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
        "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
        "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
        "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
        "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
        "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
        "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"s); }},
    {"StrLoneSurrogate", kDefault,
     [](Builder& b) -> Value { return S(b, "\xed\xa0\x80"s); }},
    {"StrSurrogates", kDefault,
     [](Builder& b) -> Value { return S(b, "\xed\xbf\xbf\xed\xa0\x80"s); }},
    {"StrQuotes", kDefault,
     [](Builder& b) -> Value { return S(b, "it's \"q\""s); }},
    {"BytesEmpty", kDefault,
     [](Builder& b) -> Value { return By(b, ""s); }},
    {"BytesA", kDefault,
     [](Builder& b) -> Value { return By(b, "a"s); }},
    {"BytesFF", kDefault,
     [](Builder& b) -> Value { return By(b, "\xff"s); }},
    {"BytesMixed", kDefault,
     [](Builder& b) -> Value { return By(b, "abc\xff\x00"s); }},
    {"BytesAll256", kDefault,
     [](Builder& b) -> Value { return By(b, AllBytes()); }},
    {"BytesX80_255", kDefault,
     [](Builder& b) -> Value { return By(b, Rep("\x80"s, 255)); }},
    {"ByteArrayEmpty", kDefault,
     [](Builder& b) -> Value { return BA(b, ""s); }},
    {"ByteArrayShort", kDefault,
     [](Builder& b) -> Value { return BA(b, "ab\xff"s); }},
    {"ByteArrayFour", kDefault,
     [](Builder& b) -> Value { return BA(b, "abcd"s); }},
    {"ByteArrayFive", kDefault,
     [](Builder& b) -> Value { return BA(b, "abcde"s); }},
    {"ByteArrayAll256", kDefault,
     [](Builder& b) -> Value { return BA(b, AllBytes()); }},
    {"Tuple0", kDefault,
     [](Builder& b) -> Value { return b.tuple({}); }},
    {"Tuple1", kDefault,
     [](Builder& b) -> Value { return b.tuple({b.integer(1)}); }},
    {"Tuple2", kDefault,
     [](Builder& b) -> Value { return b.tuple({b.integer(1), b.integer(2)}); }},
    {"Tuple3", kDefault,
     [](Builder& b) -> Value { return b.tuple({b.integer(1), b.integer(2), b.integer(3)}); }},
    {"Tuple4", kDefault,
     [](Builder& b) -> Value { return b.tuple({b.integer(1), b.integer(2), b.integer(3), b.integer(4)}); }},
    {"TupleNested", kDefault,
     [](Builder& b) -> Value { return b.tuple({b.tuple({}), b.tuple({b.integer(1)}), b.list()}); }},
    {"TupleAtoms", kDefault,
     [](Builder& b) -> Value { return b.tuple({b.none(), b.boolean(true), b.float64(1.5), S(b, "s"), By(b, "b")}); }},
    {"List0", kDefault,
     [](Builder& b) -> Value { return b.list(); }},
    {"List1", kDefault,
     [](Builder& b) -> Value { return b.list({b.integer(1)}); }},
    {"List2", kDefault,
     [](Builder& b) -> Value { return b.list({b.integer(1), b.integer(2)}); }},
    {"ListNested", kDefault,
     [](Builder& b) -> Value { return b.list({b.list(), b.list({b.list()})}); }},
    {"ListMixed", kDefault,
     [](Builder& b) -> Value { return b.list({b.none(), S(b, "x"), b.tuple({b.integer(1)})}); }},
    {"Dict0", kDefault,
     [](Builder& b) -> Value { return b.dict(); }},
    {"Dict1", kDefault,
     [](Builder& b) -> Value { return b.dict({{b.integer(1), b.integer(2)}}); }},
    {"Dict3", kDefault,
     [](Builder& b) -> Value { return b.dict({{S(b, "a"), b.integer(1)}, {S(b, "b"), b.list()}, {S(b, "c"), b.dict()}}); }},
    {"DictKeys", kDefault,
     [](Builder& b) -> Value { return b.dict({{b.tuple({b.integer(1), b.integer(2)}), b.none()}, {b.float64(3.5), S(b, "f")}, {By(b, "k"), b.boolean(false)}, {b.none(), b.integer(-7)}}); }},
    {"Set0", kDefault,
     [](Builder& b) -> Value { return b.set(); }},
    {"Set1", kDefault,
     [](Builder& b) -> Value { return b.set({b.integer(1)}); }},
    {"Set3", kDefault,
     [](Builder& b) -> Value { return b.set({b.integer(3), b.integer(1), b.integer(2)}); }},
    {"SetMixedHashes", kDefault,
     [](Builder& b) -> Value { return b.set({b.tuple({b.integer(1), b.integer(2)}), b.integer(5), b.integer(-1), b.float64(2.5), b.integer(1000)}); }},
    {"FrozenSet0", kDefault,
     [](Builder& b) -> Value { return b.frozenset(); }},
    {"FrozenSet1", kDefault,
     [](Builder& b) -> Value { return b.frozenset({b.integer(1)}); }},
    {"FrozenSet3", kDefault,
     [](Builder& b) -> Value { return b.frozenset({b.integer(3), b.integer(1), b.integer(2)}); }},
    {"SetInList", kDefault,
     [](Builder& b) -> Value { return b.list({b.set({b.integer(1)}), b.frozenset({b.integer(2)})}); }},
    {"ListRange999", kDefault,
     [](Builder& b) -> Value { return List(b, Ints(b, 999)); }},
    {"ListRange1000", kDefault,
     [](Builder& b) -> Value { return List(b, Ints(b, 1000)); }},
    {"ListRange1001", kDefault,
     [](Builder& b) -> Value { return List(b, Ints(b, 1001)); }},
    {"ListRange2000", kDefault,
     [](Builder& b) -> Value { return List(b, Ints(b, 2000)); }},
    {"ListRange2001", kDefault,
     [](Builder& b) -> Value { return List(b, Ints(b, 2001)); }},
    {"DictRange1000", kDefault,
     [](Builder& b) -> Value { return DictOf(b, 1000); }},
    {"DictRange1001", kDefault,
     [](Builder& b) -> Value { return DictOf(b, 1001); }},
    {"DictRange2000", kDefault,
     [](Builder& b) -> Value { return DictOf(b, 2000); }},
    {"SetRange999", kDefault,
     [](Builder& b) -> Value { return SetOf(b, 999); }},
    {"SetRange1000", kDefault,
     [](Builder& b) -> Value { return SetOf(b, 1000); }},
    {"SetRange1001", kDefault,
     [](Builder& b) -> Value { return SetOf(b, 1001); }},
    {"SetRange2000", kDefault,
     [](Builder& b) -> Value { return SetOf(b, 2000); }},
    {"SharedList", kDefault,
     [](Builder& b) -> Value { Value x = b.list(); return b.list({x, x}); }},
    {"SharedTuple", kDefault,
     [](Builder& b) -> Value { Value t = b.tuple({b.integer(1), b.integer(2)}); return b.list({t, t, b.tuple({t})}); }},
    {"SharedStr", kDefault,
     [](Builder& b) -> Value { Value s = S(b, "hello"); return b.list({s, s}); }},
    {"SharedBytes", kDefault,
     [](Builder& b) -> Value { Value x = By(b, "xyz"); return b.list({x, x}); }},
    {"SharedByteArray", kDefault,
     [](Builder& b) -> Value { Value x = BA(b, "xy"); return b.list({x, x}); }},
    {"SharedSet", kDefault,
     [](Builder& b) -> Value { Value s = b.set({b.integer(1)}); Value f = b.frozenset({b.integer(2)}); return b.list({s, f, s, f}); }},
    {"SharedDictValue", kDefault,
     [](Builder& b) -> Value { Value d = b.dict(); return b.dict({{S(b, "a"), d}, {S(b, "b"), d}}); }},
    {"SharedInt", kDefault,
     [](Builder& b) -> Value { Value x = b.integer(70000); Value f = b.float64(1.5); return b.list({x, x, f, f}); }},
    {"SelfList", kDefault,
     [](Builder& b) -> Value { Value l = b.list(); b.append(l, l); return l; }},
    {"SelfDict", kDefault,
     [](Builder& b) -> Value { Value d = b.dict(); b.set_item(d, S(b, "me"), d); return d; }},
    {"RecursiveTuple1", kDefault,
     [](Builder& b) -> Value { Value l = b.list(); Value t = b.tuple({l}); b.append(l, t); return t; }},
    {"RecursiveTuple4", kDefault,
     [](Builder& b) -> Value { Value l = b.list(); Value t = b.tuple({l, b.integer(1), b.integer(2), b.integer(3)}); b.append(l, t); return t; }},
    {"RecursiveTupleTwice", kDefault,
     [](Builder& b) -> Value { Value l = b.list(); Value t = b.tuple({l}); b.append(l, t); return b.list({t, t}); }},
    {"SingletonStrA", kDefault,
     [](Builder& b) -> Value { return b.list({S(b, "a"), S(b, "a")}); }},
    {"SingletonStrLatin1", kDefault,
     [](Builder& b) -> Value { return b.list({S(b, "\xc3\xa9"), S(b, "\xc3\xa9")}); }},
    {"SingletonEmpties", kDefault,
     [](Builder& b) -> Value { return b.list({S(b, ""), S(b, ""), By(b, ""), By(b, "")}); }},
    {"SingletonBytesA", kDefault,
     [](Builder& b) -> Value { return b.list({By(b, "a"), By(b, "a")}); }},
    {"DistinctStrAB", kDefault,
     [](Builder& b) -> Value { return b.list({S(b, "ab"), S(b, "ab")}); }},
    {"DistinctStrU0100", kDefault,
     [](Builder& b) -> Value { return b.list({S(b, "\xc4\x80"), S(b, "\xc4\x80")}); }},
    {"DistinctBytesAB", kDefault,
     [](Builder& b) -> Value { return b.list({By(b, "ab"), By(b, "ab")}); }},
    {"GlobalSet", kDefault,
     [](Builder& b) -> Value { return b.global("builtins", "set"); }},
    {"GlobalSetNoFix", kNoFixImports,
     [](Builder& b) -> Value { return b.global("builtins", "set"); }},
    {"GlobalRange", kDefault,
     [](Builder& b) -> Value { return b.global("builtins", "range"); }},
    {"GlobalValueError", kDefault,
     [](Builder& b) -> Value { return b.global("builtins", "ValueError"); }},
    {"GlobalReconstructor", kDefault,
     [](Builder& b) -> Value { return b.global("copyreg", "_reconstructor"); }},
    {"GlobalOrderedDict", kDefault,
     [](Builder& b) -> Value { return b.global("collections", "OrderedDict"); }},
    {"GlobalsShared", kDefault,
     [](Builder& b) -> Value { Value s = b.global("builtins", "set"); return b.list({s, b.global("builtins", "frozenset"), b.global("builtins", "set")}); }},
    {"GlobalsSameModule", kDefault,
     [](Builder& b) -> Value { return b.list({b.global("collections", "OrderedDict"), b.global("collections", "Counter"), b.global("collections", "OrderedDict")}); }},
    {"GlobalsBuiltinFunctions", kDefault,
     [](Builder& b) -> Value { return b.list({b.global("builtins", "len"), b.global("builtins", "set"), b.global("builtins", "len"), b.global("builtins", "print")}); }},
    {"GlobalNested", kDefault,
     [](Builder& b) -> Value { return b.list({b.global("__main__", "Outer.Inner"), b.global("__main__", "Outer"), b.global("__main__", "Outer.Inner")}); }},
    {"GlobalNestedNoFix", kNoFixImports,
     [](Builder& b) -> Value { return b.global("__main__", "Outer.Inner"); }},
    {"GlobalNonAscii", kDefault,
     [](Builder& b) -> Value { return b.global("__main__", "Caf\xc3\xa9"); }},
    {"ReduceWithState", kDefault,
     [](Builder& b) -> Value { Value o = b.object(MadeBy::kReduce, b.global("__main__", "Red"), b.tuple({b.integer(1), b.integer(2)})); b.set_state(o, b.dict({{S(b, "x"), b.integer(1)}})); return o; }},
    {"ReduceNoState", kDefault,
     [](Builder& b) -> Value { return b.object(MadeBy::kReduce, b.global("__main__", "Red2"), b.tuple({S(b, "a")})); }},
    {"NewObjState", kDefault,
     [](Builder& b) -> Value { Value o = b.object(MadeBy::kNewObj, b.global("__main__", "Plain"), b.tuple({})); b.set_state(o, b.dict({{S(b, "a"), b.integer(1)}})); return o; }},
    {"NewObjEmpty", kDefault,
     [](Builder& b) -> Value { return b.object(MadeBy::kNewObj, b.global("__main__", "Empty"), b.tuple({})); }},
    {"NewObjArgs", kDefault,
     [](Builder& b) -> Value { return b.object(MadeBy::kNewObj, b.global("__main__", "NA"), b.tuple({b.integer(1), S(b, "x")})); }},
    {"NewObjEx", kDefault,
     [](Builder& b) -> Value { return b.object(b.global("__main__", "KW"), b.tuple({b.integer(1)}), b.dict({{S(b, "k"), b.integer(2)}})); }},
    {"ObjectShared", kDefault,
     [](Builder& b) -> Value { Value o = b.object(MadeBy::kNewObj, b.global("__main__", "Plain"), b.tuple({})); b.set_state(o, b.dict({{S(b, "a"), b.integer(1)}})); return b.list({o, o}); }},
    {"ObjectSelfState", kDefault,
     [](Builder& b) -> Value { Value o = b.object(MadeBy::kNewObj, b.global("__main__", "Plain"), b.tuple({})); b.set_state(o, b.dict({{S(b, "me"), o}})); return o; }},
    {"ReduceRecursive", kDefault,
     [](Builder& b) -> Value { Value l = b.list(); Value o = b.object(MadeBy::kReduce, b.global("__main__", "RR"), b.tuple({l})); b.append(l, o); return o; }},
    {"NewObjRecursive", kDefault,
     [](Builder& b) -> Value { Value l = b.list(); Value o = b.object(MadeBy::kNewObj, b.global("__main__", "NR"), b.tuple({l})); b.append(l, o); return o; }},
    {"FrozenSetRecursive", kDefault,
     [](Builder& b) -> Value { Value o = b.object(MadeBy::kNewObj, b.global("__main__", "Plain"), b.tuple({})); Value fs = b.frozenset({o}); b.set_state(o, b.dict({{S(b, "fs"), fs}})); return fs; }},
    {"SetRecursive", kDefault,
     [](Builder& b) -> Value { Value o = b.object(MadeBy::kNewObj, b.global("__main__", "Plain"), b.tuple({})); Value st = b.set({o}); b.set_state(o, b.dict({{S(b, "s"), st}})); return st; }},
    {"LongBinGet", kDefault,
     [](Builder& b) -> Value { std::vector<Value> v = NumberedStrs(b, 300); v.push_back(v[0]); v.push_back(v[299]); return List(b, v); }},
    {"PersistentStr", kPersStr,
     [](Builder& b) -> Value { return b.list({b.integer(1), By(b, "xx"), S(b, "y"), b.tuple({b.integer(1), b.integer(2)})}); }},
    {"PersistentTuple", kPersTuple,
     [](Builder& b) -> Value { return b.list({b.integer(1), By(b, "xx"), S(b, "y"), b.tuple({b.integer(1), b.integer(2)})}); }},
    {"PersistentInt", kPersInt,
     [](Builder& b) -> Value { return b.list({b.integer(1), By(b, "xx"), S(b, "y"), b.tuple({b.integer(1), b.integer(2)})}); }},
    {"PersistentNested", kPersNested,
     [](Builder& b) -> Value { return b.list({b.integer(1), By(b, "xx"), S(b, "y"), b.tuple({b.integer(1), b.integer(2)})}); }},
    {"BufferReadonlyInBand", kDefault,
     [](Builder& b) -> Value { return b.buffer(View(kAbc), true); }},
    {"BufferWritableInBand", kDefault,
     [](Builder& b) -> Value { return b.buffer(View(kXyz), false); }},
    {"BuffersInBand", kDefault,
     [](Builder& b) -> Value { return b.list({b.buffer(View(kAbc), true), b.buffer(View(kXyz), false)}); }},
    {"BuffersOutOfBand", kBufOutOfBand,
     [](Builder& b) -> Value { return b.list({b.buffer(View(kAbc), true), b.buffer(View(kXyz), false)}); }},
    {"BuffersMixed", kBufWritableInBand,
     [](Builder& b) -> Value { return b.list({b.buffer(View(kAbc), true), b.buffer(View(kXyz), false)}); }},
    {"BufferTwiceInBand", kDefault,
     [](Builder& b) -> Value { Value x = b.buffer(View(kAbc), true); return b.list({x, x}); }},
    {"BufferTwiceOutOfBand", kBufOutOfBand,
     [](Builder& b) -> Value { Value x = b.buffer(View(kAbc), true); return b.list({x, x}); }},
    {"BufferLargeInBand", kDefault,
     [](Builder& b) -> Value { return b.list({b.buffer(View(kBig70000), true), b.buffer(View(kBig70000), false)}); }},
    {"FrameTwoFrames", kDefault,
     [](Builder& b) -> Value { return b.list({By(b, Rep("a", 60000)), By(b, Rep("b", 60000)), By(b, Rep("c", 10))}); }},
    {"FrameLargeBytesUnframed", kDefault,
     [](Builder& b) -> Value { return b.list({By(b, Rep("a", 70000))}); }},
    {"FrameBoundary", kDefault,
     [](Builder& b) -> Value { return b.list({By(b, Rep("a", 65535)), By(b, Rep("b", 65536)), S(b, Rep("c", 65536))}); }},
    {"FrameLargeStrUnframed", kDefault,
     [](Builder& b) -> Value { return b.list({S(b, Rep("\xc3\xa9", 35000)), b.integer(1)}); }},
    {"FrameLargeByteArray", kDefault,
     [](Builder& b) -> Value { return b.list({BA(b, Rep("z", 70000)), BA(b, Rep("z", 70000))}); }},
    {"FrameManySmallStrs", kDefault,
     [](Builder& b) -> Value { return List(b, NumberedStrs(b, 10000)); }},
};
// clang-format on

class PicklerCase : public ::testing::TestWithParam<Case> {};

TEST_P(PicklerCase, MatchesCPythonAtEveryProtocol) {
  const Case& c = GetParam();
  for (int protocol = 0; protocol <= 5; ++protocol) {
    SCOPED_TRACE("protocol " + std::to_string(protocol));
    const Want w = expected(c.name, protocol);
    Document doc;
    Builder b = doc.builder();
    Value v = c.make(b);
    Document pids;
    std::vector<std::string> oob;
    DumpOptions o = options_for(c.opt, protocol, pids, oob);
    if (w.kind == Want::kUnsupported) {
      try {
        std::string got = as_string(dump(v, o));
        EXPECT_TRUE(Matches(w, got));
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kUnsupported) << e.what();
      }
      continue;
    }
    std::string got = as_string(dump(v, o));
    EXPECT_TRUE(Matches(w, got));
    // The stream form writes the same bytes (and calls the callbacks the same way).
    std::vector<std::string> oob_first = oob;
    oob.clear();
    std::ostringstream out;
    dump(v, out, o);
    EXPECT_EQ(out.str(), got) << "dump(Value, std::ostream&) differs from dump()";
    EXPECT_EQ(oob, oob_first);
    // What it wrote loads back (out-of-band buffers passed in the order the callback saw them).
    LoadOptions lo;
    if (!oob.empty()) {
      lo.buffers.emplace();
      for (const auto& s : oob) lo.buffers->push_back(BufferView{view(s), false});
    }
    EXPECT_NO_THROW(load(view(got), lo));
  }
}

INSTANTIATE_TEST_SUITE_P(Builder, PicklerCase, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(PicklerTable, CoversEveryCaseOnce) {
  std::set<std::string> names;
  for (const Case& c : kCases) EXPECT_TRUE(names.insert(c.name).second) << "duplicate case " << c.name;
  EXPECT_GE(names.size(), 150u);
  // Every generated case has its Builder lambda here, and the other way round.
  std::set<std::string> generated;
  for (const auto& [key, path] : pickler_rows()) {
    const std::string& name = std::get<0>(key);
    if (name.find('/') == std::string::npos) generated.insert(name);
  }
  EXPECT_EQ(generated, names);
}

}  // namespace
}  // namespace picklejar
