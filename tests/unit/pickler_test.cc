// Unit tests of the pickler (picklejar::dump, dump_file) on values made with the Builder.
//
// Every expected byte string below was written by CPython 3.11.2's C pickler (/usr/bin/python3):
// `pickle.dumps(obj, protocol)` (or a pickle.Pickler with persistent_id, or buffer_callback=) for
// the Python object the Builder code describes, with PYTHONHASHSEED=0 unless the test says
// otherwise. User classes were defined in __main__ (Outer.Inner, Red, Red2, Plain, Empty, NA, KW,
// RR, NR, Café; see the comment above kCases). strs and
// bytes of two or more characters were built at run time in Python (''.join), so they are distinct
// objects, as two Builder values are.
// Outputs above 256 bytes are compared by size, FNV-1a-64 hash, first and last 24 bytes (all taken
// from CPython's output); shorter ones byte for byte.
//
// Note on the literals: a C++ "\xNN" escape swallows every hex digit that follows, so the literals
// are split ("\x80\x02" "c__builtin__") where a hex digit follows an escape.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "picklejar/picklejar.h"

namespace picklejar {
namespace {

using namespace std::string_literals;
namespace fs = std::filesystem;

// ---- expectations ---------------------------------------------------------------------------

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

struct Want {
  enum Kind { kExact, kBig, kUnsupported } kind = kExact;
  std::string bytes;  // kExact: the whole pickle
  size_t size = 0;    // kBig: size, FNV-1a-64, first and last 24 bytes
  uint64_t fnv = 0;
  std::string head, tail;
};
Want Exact(std::string s) {
  Want w;
  w.bytes = std::move(s);
  return w;
}
Want Big(size_t size, uint64_t fnv, std::string head, std::string tail) {
  Want w;
  w.kind = Want::kBig;
  w.size = size;
  w.fnv = fnv;
  w.head = std::move(head);
  w.tail = std::move(tail);
  return w;
}
// CPython raises (PicklingError / TypeError): picklejar must throw Error(kUnsupported).
Want Unsupported() {
  Want w;
  w.kind = Want::kUnsupported;
  return w;
}

std::string as_string(const std::vector<uint8_t>& v) { return std::string(v.begin(), v.end()); }

// Where two byte strings first differ, for a readable failure message.
std::string first_difference(const std::string& want, const std::string& got) {
  size_t i = 0;
  while (i < want.size() && i < got.size() && want[i] == got[i]) ++i;
  return "sizes " + std::to_string(want.size()) + " (CPython) and " + std::to_string(got.size()) +
         " (picklejar), first difference at byte " + std::to_string(i);
}

::testing::AssertionResult Matches(const Want& w, const std::string& got) {
  switch (w.kind) {
    case Want::kExact:
      if (got == w.bytes) return ::testing::AssertionSuccess();
      return ::testing::AssertionFailure() << first_difference(w.bytes, got) << "\n  got:  "
                                           << ::testing::PrintToString(got) << "\n  want: "
                                           << ::testing::PrintToString(w.bytes);
    case Want::kBig: {
      bool ok = got.size() == w.size && fnv1a(got) == w.fnv && got.compare(0, w.head.size(), w.head) == 0 &&
                got.size() >= w.tail.size() && got.compare(got.size() - w.tail.size(), w.tail.size(), w.tail) == 0;
      if (ok) return ::testing::AssertionSuccess();
      return ::testing::AssertionFailure()
             << "size " << got.size() << " (want " << w.size << "), head "
             << ::testing::PrintToString(got.substr(0, w.head.size())) << " (want "
             << ::testing::PrintToString(w.head) << "), tail "
             << ::testing::PrintToString(got.size() >= w.tail.size() ? got.substr(got.size() - w.tail.size()) : got)
             << " (want " << ::testing::PrintToString(w.tail) << "), hash match " << (fnv1a(got) == w.fnv);
    }
    case Want::kUnsupported:
      return ::testing::AssertionFailure() << "dumped " << ::testing::PrintToString(got.substr(0, 200))
                                           << " but CPython refuses this value at this protocol";
  }
  return ::testing::AssertionFailure();
}

// ---- building values ----------------------------------------------------------------------------

ByteView view(const std::string& s) { return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }
template <size_t N>
ByteView View(const uint8_t (&a)[N]) {
  return ByteView(a, N);
}
ByteView View(const std::vector<uint8_t>& v) { return ByteView(v.data(), v.size()); }

Value S(Builder& b, const std::string& s) { return b.str(s); }
Value By(Builder& b, const std::string& s) { return b.bytes(view(s)); }
Value BA(Builder& b, const std::string& s) { return b.bytearray(view(s)); }
std::string Rep(const std::string& s, size_t n) {
  std::string r;
  r.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) r += s;
  return r;
}
std::string AllBytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

// Two's complement little-endian bytes of a magnitude (little-endian) with a sign.
std::vector<uint8_t> twos_complement(std::vector<uint8_t> mag, bool negative) {
  mag.push_back(0);  // room for the sign bit
  if (negative) {
    for (auto& x : mag) x = static_cast<uint8_t>(~x);
    for (auto& x : mag) {
      if (++x != 0) break;
    }
  }
  return mag;
}
// An int from its decimal text ("-123..."), any size.
Value Dec(Builder& b, std::string_view text) {
  bool neg = !text.empty() && text[0] == '-';
  if (neg) text.remove_prefix(1);
  std::vector<uint8_t> mag;  // little-endian
  for (char c : text) {
    unsigned carry = static_cast<unsigned>(c - '0');
    for (auto& x : mag) {
      unsigned v = x * 10u + carry;
      x = static_cast<uint8_t>(v);
      carry = v >> 8;
    }
    while (carry) {
      mag.push_back(static_cast<uint8_t>(carry));
      carry >>= 8;
    }
  }
  auto bytes = twos_complement(mag, neg);
  return b.big_integer(ByteView(bytes.data(), bytes.size()));
}
// ±2**k.
Value Pow2(Builder& b, int k, bool negative) {
  std::vector<uint8_t> mag(static_cast<size_t>(k / 8 + 1), 0);
  mag.back() = static_cast<uint8_t>(1u << (k % 8));
  auto bytes = twos_complement(mag, negative);
  return b.big_integer(ByteView(bytes.data(), bytes.size()));
}
std::vector<Value> Ints(Builder& b, int n) {
  std::vector<Value> v;
  for (int i = 0; i < n; ++i) v.push_back(b.integer(i));
  return v;
}
Value List(Builder& b, const std::vector<Value>& items) { return b.list(std::span<const Value>(items)); }
Value DictOf(Builder& b, int n) {  // {i: i for i in range(n)}
  Value d = b.dict();
  for (int i = 0; i < n; ++i) b.set_item(d, b.integer(i), b.integer(i));
  return d;
}
Value SetOf(Builder& b, int n) {  // set(range(n))
  Value s = b.set();
  for (int i = 0; i < n; ++i) b.add(s, b.integer(i));
  return s;
}
std::vector<Value> NumberedStrs(Builder& b, int n) {  // ['x%d' % i for i in range(n)]
  std::vector<Value> v;
  for (int i = 0; i < n; ++i) v.push_back(b.str("x" + std::to_string(i)));
  return v;
}

// Buffer memory (PickleBuffers borrow it; it must outlive the documents).
const uint8_t kAbc[] = {'a', 'b', 'c'};
const uint8_t kXyz[] = {'x', 'y', 'z'};
const std::vector<uint8_t> kBig70000(70000, 'a');

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
  std::array<Want, 6> want;  // protocols 0..5
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// The Python side of the object cases (module __main__):
//   class Outer:
//       class Inner: pass
//   class Red:                    # ReduceWithState
//       def __init__(self, a=None, b=None): pass
//       def __reduce__(self): return (Red, (1, 2), {'x': 1})
//   class Red2:                   # ReduceNoState
//       def __init__(self, a=None): pass
//       def __reduce__(self): return (Red2, ('a',))
//   class Plain: pass             # NewObjState (Plain() with .a = 1), ObjectShared, ObjectSelfState
//   class Empty: pass             # NewObjEmpty
//   class NA:                     # NewObjArgs
//       def __new__(cls, *a): return super().__new__(cls)
//       def __getnewargs__(self): return (1, 'x')
//   class KW:                     # NewObjEx
//       def __new__(cls, *a, **k): return super().__new__(cls)
//       def __getnewargs_ex__(self): return ((1,), {'k': 2})
//   class RR:                     # ReduceRecursive: r = RR([]); r.l.append(r)
//       def __init__(self, l=None): self.l = l
//       def __reduce__(self): return (RR, (self.l,))
//   class NR:                     # NewObjRecursive: n = NR(); n.__dict__['l'] = [n]
//       def __new__(cls, *a): return super().__new__(cls)
//       def __getnewargs__(self): return (self.l,)
//       def __getstate__(self): return None
//   Café = type('Café', (), {})   # GlobalNonAscii
// clang-format off
const Case kCases[] = {
    {"None", kDefault,
     [](Builder& b) -> Value { return b.none(); },
     {Exact("N."s),
      Exact("N."s),
      Exact("\x80\x02N."s),
      Exact("\x80\x03N."s),
      Exact("\x80\x04N."s),
      Exact("\x80\x05N."s)}},
    {"True", kDefault,
     [](Builder& b) -> Value { return b.boolean(true); },
     {Exact("I01\n."s),
      Exact("I01\n."s),
      Exact("\x80\x02\x88."s),
      Exact("\x80\x03\x88."s),
      Exact("\x80\x04\x88."s),
      Exact("\x80\x05\x88."s)}},
    {"False", kDefault,
     [](Builder& b) -> Value { return b.boolean(false); },
     {Exact("I00\n."s),
      Exact("I00\n."s),
      Exact("\x80\x02\x89."s),
      Exact("\x80\x03\x89."s),
      Exact("\x80\x04\x89."s),
      Exact("\x80\x05\x89."s)}},
    {"Int0", kDefault,
     [](Builder& b) -> Value { return b.integer(0LL); },
     {Exact("I0\n."s),
      Exact("K\x00."s),
      Exact("\x80\x02K\x00."s),
      Exact("\x80\x03K\x00."s),
      Exact("\x80\x04K\x00."s),
      Exact("\x80\x05K\x00."s)}},
    {"Int1", kDefault,
     [](Builder& b) -> Value { return b.integer(1LL); },
     {Exact("I1\n."s),
      Exact("K\x01."s),
      Exact("\x80\x02K\x01."s),
      Exact("\x80\x03K\x01."s),
      Exact("\x80\x04K\x01."s),
      Exact("\x80\x05K\x01."s)}},
    {"Int255", kDefault,
     [](Builder& b) -> Value { return b.integer(255LL); },
     {Exact("I255\n."s),
      Exact("K\xff."s),
      Exact("\x80\x02K\xff."s),
      Exact("\x80\x03K\xff."s),
      Exact("\x80\x04K\xff."s),
      Exact("\x80\x05K\xff."s)}},
    {"Int256", kDefault,
     [](Builder& b) -> Value { return b.integer(256LL); },
     {Exact("I256\n."s),
      Exact("M\x00\x01."s),
      Exact("\x80\x02M\x00\x01."s),
      Exact("\x80\x03M\x00\x01."s),
      Exact("\x80\x04\x95\x04\x00\x00\x00\x00\x00\x00\x00M\x00\x01."s),
      Exact("\x80\x05\x95\x04\x00\x00\x00\x00\x00\x00\x00M\x00\x01."s)}},
    {"Int65535", kDefault,
     [](Builder& b) -> Value { return b.integer(65535LL); },
     {Exact("I65535\n."s),
      Exact("M\xff\xff."s),
      Exact("\x80\x02M\xff\xff."s),
      Exact("\x80\x03M\xff\xff."s),
      Exact("\x80\x04\x95\x04\x00\x00\x00\x00\x00\x00\x00M\xff\xff."s),
      Exact("\x80\x05\x95\x04\x00\x00\x00\x00\x00\x00\x00M\xff\xff."s)}},
    {"Int65536", kDefault,
     [](Builder& b) -> Value { return b.integer(65536LL); },
     {Exact("I65536\n."s),
      Exact("J\x00\x00\x01\x00."s),
      Exact("\x80\x02J\x00\x00\x01\x00."s),
      Exact("\x80\x03J\x00\x00\x01\x00."s),
      Exact("\x80\x04\x95\x06\x00\x00\x00\x00\x00\x00\x00J\x00\x00\x01\x00."s),
      Exact("\x80\x05\x95\x06\x00\x00\x00\x00\x00\x00\x00J\x00\x00\x01\x00."s)}},
    {"Int2147483647", kDefault,
     [](Builder& b) -> Value { return b.integer(2147483647LL); },
     {Exact("I2147483647\n."s),
      Exact("J\xff\xff\xff\x7f."s),
      Exact("\x80\x02J\xff\xff\xff\x7f."s),
      Exact("\x80\x03J\xff\xff\xff\x7f."s),
      Exact("\x80\x04\x95\x06\x00\x00\x00\x00\x00\x00\x00J\xff\xff\xff\x7f."s),
      Exact("\x80\x05\x95\x06\x00\x00\x00\x00\x00\x00\x00J\xff\xff\xff\x7f."s)}},
    {"IntMinus1", kDefault,
     [](Builder& b) -> Value { return b.integer(-1LL); },
     {Exact("I-1\n."s),
      Exact("J\xff\xff\xff\xff."s),
      Exact("\x80\x02J\xff\xff\xff\xff."s),
      Exact("\x80\x03J\xff\xff\xff\xff."s),
      Exact("\x80\x04\x95\x06\x00\x00\x00\x00\x00\x00\x00J\xff\xff\xff\xff."s),
      Exact("\x80\x05\x95\x06\x00\x00\x00\x00\x00\x00\x00J\xff\xff\xff\xff."s)}},
    {"IntMinus255", kDefault,
     [](Builder& b) -> Value { return b.integer(-255LL); },
     {Exact("I-255\n."s),
      Exact("J\x01\xff\xff\xff."s),
      Exact("\x80\x02J\x01\xff\xff\xff."s),
      Exact("\x80\x03J\x01\xff\xff\xff."s),
      Exact("\x80\x04\x95\x06\x00\x00\x00\x00\x00\x00\x00J\x01\xff\xff\xff."s),
      Exact("\x80\x05\x95\x06\x00\x00\x00\x00\x00\x00\x00J\x01\xff\xff\xff."s)}},
    {"IntMinus256", kDefault,
     [](Builder& b) -> Value { return b.integer(-256LL); },
     {Exact("I-256\n."s),
      Exact("J\x00\xff\xff\xff."s),
      Exact("\x80\x02J\x00\xff\xff\xff."s),
      Exact("\x80\x03J\x00\xff\xff\xff."s),
      Exact("\x80\x04\x95\x06\x00\x00\x00\x00\x00\x00\x00J\x00\xff\xff\xff."s),
      Exact("\x80\x05\x95\x06\x00\x00\x00\x00\x00\x00\x00J\x00\xff\xff\xff."s)}},
    {"IntMinus65536", kDefault,
     [](Builder& b) -> Value { return b.integer(-65536LL); },
     {Exact("I-65536\n."s),
      Exact("J\x00\x00\xff\xff."s),
      Exact("\x80\x02J\x00\x00\xff\xff."s),
      Exact("\x80\x03J\x00\x00\xff\xff."s),
      Exact("\x80\x04\x95\x06\x00\x00\x00\x00\x00\x00\x00J\x00\x00\xff\xff."s),
      Exact("\x80\x05\x95\x06\x00\x00\x00\x00\x00\x00\x00J\x00\x00\xff\xff."s)}},
    {"IntMinus2147483648", kDefault,
     [](Builder& b) -> Value { return b.integer(-2147483648LL); },
     {Exact("I-2147483648\n."s),
      Exact("J\x00\x00\x00\x80."s),
      Exact("\x80\x02J\x00\x00\x00\x80."s),
      Exact("\x80\x03J\x00\x00\x00\x80."s),
      Exact("\x80\x04\x95\x06\x00\x00\x00\x00\x00\x00\x00J\x00\x00\x00\x80."s),
      Exact("\x80\x05\x95\x06\x00\x00\x00\x00\x00\x00\x00J\x00\x00\x00\x80."s)}},
    {"IntMinus2147483649", kDefault,
     [](Builder& b) -> Value { return b.integer(-2147483649LL); },
     {Exact("L-2147483649L\n."s),
      Exact("L-2147483649L\n."s),
      Exact("\x80\x02\x8a\x05\xff\xff\xff\x7f\xff."s),
      Exact("\x80\x03\x8a\x05\xff\xff\xff\x7f\xff."s),
      Exact("\x80\x04\x95\x08\x00\x00\x00\x00\x00\x00\x00\x8a\x05\xff\xff\xff\x7f\xff."s),
      Exact("\x80\x05\x95\x08\x00\x00\x00\x00\x00\x00\x00\x8a\x05\xff\xff\xff\x7f\xff."s)}},
    {"Int2147483648", kDefault,
     [](Builder& b) -> Value { return b.integer(2147483648LL); },
     {Exact("L2147483648L\n."s),
      Exact("L2147483648L\n."s),
      Exact("\x80\x02\x8a\x05\x00\x00\x00\x80\x00."s),
      Exact("\x80\x03\x8a\x05\x00\x00\x00\x80\x00."s),
      Exact("\x80\x04\x95\x08\x00\x00\x00\x00\x00\x00\x00\x8a\x05\x00\x00\x00\x80\x00."s),
      Exact("\x80\x05\x95\x08\x00\x00\x00\x00\x00\x00\x00\x8a\x05\x00\x00\x00\x80\x00."s)}},
    {"Int4294967296", kDefault,
     [](Builder& b) -> Value { return b.integer(4294967296LL); },
     {Exact("L4294967296L\n."s),
      Exact("L4294967296L\n."s),
      Exact("\x80\x02\x8a\x05\x00\x00\x00\x00\x01."s),
      Exact("\x80\x03\x8a\x05\x00\x00\x00\x00\x01."s),
      Exact("\x80\x04\x95\x08\x00\x00\x00\x00\x00\x00\x00\x8a\x05\x00\x00\x00\x00\x01."s),
      Exact("\x80\x05\x95\x08\x00\x00\x00\x00\x00\x00\x00\x8a\x05\x00\x00\x00\x00\x01."s)}},
    {"Int9223372036854775807", kDefault,
     [](Builder& b) -> Value { return b.integer(9223372036854775807LL); },
     {Exact("L9223372036854775807L\n."s),
      Exact("L9223372036854775807L\n."s),
      Exact("\x80\x02\x8a\x08\xff\xff\xff\xff\xff\xff\xff\x7f."s),
      Exact("\x80\x03\x8a\x08\xff\xff\xff\xff\xff\xff\xff\x7f."s),
      Exact("\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00\x8a\x08\xff\xff\xff\xff\xff\xff\xff\x7f."s),
      Exact("\x80\x05\x95\x0b\x00\x00\x00\x00\x00\x00\x00\x8a\x08\xff\xff\xff\xff\xff\xff\xff\x7f."s)}},
    {"IntMinus9223372036854775808", kDefault,
     [](Builder& b) -> Value { return b.integer(INT64_MIN); },
     {Exact("L-9223372036854775808L\n."s),
      Exact("L-9223372036854775808L\n."s),
      Exact("\x80\x02\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x80."s),
      Exact("\x80\x03\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x80."s),
      Exact("\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x80."s),
      Exact("\x80\x05\x95\x0b\x00\x00\x00\x00\x00\x00\x00\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x80."s)}},
    {"Int9223372036854775808", kDefault,
     [](Builder& b) -> Value { return Pow2(b, 63, false); },
     {Exact("L9223372036854775808L\n."s),
      Exact("L9223372036854775808L\n."s),
      Exact("\x80\x02\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x80\x00."s),
      Exact("\x80\x03\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x80\x00."s),
      Exact("\x80\x04\x95\x0c\x00\x00\x00\x00\x00\x00\x00\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x80\x00."s),
      Exact("\x80\x05\x95\x0c\x00\x00\x00\x00\x00\x00\x00\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x80\x00."s)}},
    {"IntMinus9223372036854775809", kDefault,
     [](Builder& b) -> Value { return Dec(b, "-9223372036854775809"); },
     {Exact("L-9223372036854775809L\n."s),
      Exact("L-9223372036854775809L\n."s),
      Exact("\x80\x02\x8a\x09\xff\xff\xff\xff\xff\xff\xff\x7f\xff."s),
      Exact("\x80\x03\x8a\x09\xff\xff\xff\xff\xff\xff\xff\x7f\xff."s),
      Exact("\x80\x04\x95\x0c\x00\x00\x00\x00\x00\x00\x00\x8a\x09\xff\xff\xff\xff\xff\xff\xff\x7f\xff."s),
      Exact("\x80\x05\x95\x0c\x00\x00\x00\x00\x00\x00\x00\x8a\x09\xff\xff\xff\xff\xff\xff\xff\x7f\xff."s)}},
    {"Int18446744073709551616", kDefault,
     [](Builder& b) -> Value { return Pow2(b, 64, false); },
     {Exact("L18446744073709551616L\n."s),
      Exact("L18446744073709551616L\n."s),
      Exact("\x80\x02\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01."s),
      Exact("\x80\x03\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01."s),
      Exact("\x80\x04\x95\x0c\x00\x00\x00\x00\x00\x00\x00\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01."s),
      Exact("\x80\x05\x95\x0c\x00\x00\x00\x00\x00\x00\x00\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01."s)}},
    {"IntPow2_100", kDefault,
     [](Builder& b) -> Value { return Pow2(b, 100, false); },
     {Exact("L1267650600228229401496703205376L\n."s),
      Exact("L1267650600228229401496703205376L\n."s),
      Exact("\x80\x02\x8a\x0d\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x10."s),
      Exact("\x80\x03\x8a\x0d\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x10."s),
      Exact("\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8a\x0d\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        "\x00\x10."s),
      Exact("\x80\x05\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8a\x0d\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        "\x00\x10."s)}},
    {"IntMinusPow2_100", kDefault,
     [](Builder& b) -> Value { return Pow2(b, 100, true); },
     {Exact("L-1267650600228229401496703205376L\n."s),
      Exact("L-1267650600228229401496703205376L\n."s),
      Exact("\x80\x02\x8a\x0d\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xf0."s),
      Exact("\x80\x03\x8a\x0d\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xf0."s),
      Exact("\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8a\x0d\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        "\x00\xf0."s),
      Exact("\x80\x05\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8a\x0d\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        "\x00\xf0."s)}},
    {"IntPow2_2031", kDefault,
     [](Builder& b) -> Value { return Pow2(b, 2031, false); },
     {Big(616, 0xd90b9b072332b7caull, "L24655918938683324661800"s, "048595854596031643648L\n."s),
      Big(616, 0xd90b9b072332b7caull, "L24655918938683324661800"s, "048595854596031643648L\n."s),
      Big(260, 0xeea4a9094330f272ull, "\x80\x02\x8a\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        ""s, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x00."s),
      Big(260, 0x15de7f3a8b8d52d1ull, "\x80\x03\x8a\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        ""s, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x00."s),
      Big(269, 0xac4b5cad547d5528ull, "\x80\x04\x95\x02\x01\x00\x00\x00\x00\x00\x00\x8a\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        ""s, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x00."s),
      Big(269, 0x6fbf3f314af10b75ull, "\x80\x05\x95\x02\x01\x00\x00\x00\x00\x00\x00\x8a\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        ""s, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x00."s)}},
    {"IntPow2_2039", kDefault,
     [](Builder& b) -> Value { return Pow2(b, 2039, false); },
     {Big(618, 0x37bc103c28360bbeull, "L63119152483029311134208"s, "440538776584100773888L\n."s),
      Big(618, 0x37bc103c28360bbeull, "L63119152483029311134208"s, "440538776584100773888L\n."s),
      Big(264, 0xb04d456ec7f0c4d3ull, "\x80\x02\x8b\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        ""s, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x00."s),
      Big(264, 0x18110727c112aaf4ull, "\x80\x03\x8b\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        ""s, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x00."s),
      Big(273, 0x36ab1eb042a14771ull, "\x80\x04\x95\x06\x01\x00\x00\x00\x00\x00\x00\x8b\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        ""s, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x00."s),
      Big(273, 0x1e018223f9e15b2cull, "\x80\x05\x95\x06\x01\x00\x00\x00\x00\x00\x00\x8b\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        ""s, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x00."s)}},
    {"IntMinusPow2_2039", kDefault,
     [](Builder& b) -> Value { return Pow2(b, 2039, true); },
     {Big(619, 0xe0ebd831a2006769ull, "L-6311915248302931113420"s, "440538776584100773888L\n."s),
      Big(619, 0xe0ebd831a2006769ull, "L-6311915248302931113420"s, "440538776584100773888L\n."s),
      Big(260, 0x98342906cdc00872ull, "\x80\x02\x8a\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        ""s, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80."s),
      Big(260, 0xbf6dff38161c68d1ull, "\x80\x03\x8a\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        ""s, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80."s),
      Big(269, 0x02bbdcafc9ee3f28ull, "\x80\x04\x95\x02\x01\x00\x00\x00\x00\x00\x00\x8a\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        ""s, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80."s),
      Big(269, 0xc2c9bf33bd7ecc75ull, "\x80\x05\x95\x02\x01\x00\x00\x00\x00\x00\x00\x8a\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        ""s, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80."s)}},
    {"FloatZero", kDefault,
     [](Builder& b) -> Value { return b.float64(0.0); },
     {Exact("F0.0\n."s),
      Exact("G\x00\x00\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x02G\x00\x00\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x03G\x00\x00\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00G\x00\x00\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00G\x00\x00\x00\x00\x00\x00\x00\x00."s)}},
    {"FloatNegZero", kDefault,
     [](Builder& b) -> Value { return b.float64(-0.0); },
     {Exact("F-0.0\n."s),
      Exact("G\x80\x00\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x02G\x80\x00\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x03G\x80\x00\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00G\x80\x00\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00G\x80\x00\x00\x00\x00\x00\x00\x00."s)}},
    {"FloatOneAndHalf", kDefault,
     [](Builder& b) -> Value { return b.float64(1.5); },
     {Exact("F1.5\n."s),
      Exact("G?\xf8\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x02G?\xf8\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x03G?\xf8\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00G?\xf8\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00G?\xf8\x00\x00\x00\x00\x00\x00."s)}},
    {"FloatTenth", kDefault,
     [](Builder& b) -> Value { return b.float64(0.1); },
     {Exact("F0.1\n."s),
      Exact("G?\xb9\x99\x99\x99\x99\x99\x9a."s),
      Exact("\x80\x02G?\xb9\x99\x99\x99\x99\x99\x9a."s),
      Exact("\x80\x03G?\xb9\x99\x99\x99\x99\x99\x9a."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00G?\xb9\x99\x99\x99\x99\x99\x9a."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00G?\xb9\x99\x99\x99\x99\x99\x9a."s)}},
    {"FloatE16", kDefault,
     [](Builder& b) -> Value { return b.float64(1e16); },
     {Exact("F1e+16\n."s),
      Exact("GCA\xc3y7\xe0\x80\x00."s),
      Exact("\x80\x02GCA\xc3y7\xe0\x80\x00."s),
      Exact("\x80\x03GCA\xc3y7\xe0\x80\x00."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00GCA\xc3y7\xe0\x80\x00."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00GCA\xc3y7\xe0\x80\x00."s)}},
    {"FloatEm5", kDefault,
     [](Builder& b) -> Value { return b.float64(1e-5); },
     {Exact("F1e-05\n."s),
      Exact("G>\xe4\xf8\xb5\x88\xe3h\xf1."s),
      Exact("\x80\x02G>\xe4\xf8\xb5\x88\xe3h\xf1."s),
      Exact("\x80\x03G>\xe4\xf8\xb5\x88\xe3h\xf1."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00G>\xe4\xf8\xb5\x88\xe3h\xf1."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00G>\xe4\xf8\xb5\x88\xe3h\xf1."s)}},
    {"FloatE300", kDefault,
     [](Builder& b) -> Value { return b.float64(1e300); },
     {Exact("F1e+300\n."s),
      Exact("G~7\xe4<\x88\x00u\x9c."s),
      Exact("\x80\x02G~7\xe4<\x88\x00u\x9c."s),
      Exact("\x80\x03G~7\xe4<\x88\x00u\x9c."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00G~7\xe4<\x88\x00u\x9c."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00G~7\xe4<\x88\x00u\x9c."s)}},
    {"FloatDenormal", kDefault,
     [](Builder& b) -> Value { return b.float64(5e-324); },
     {Exact("F5e-324\n."s),
      Exact("G\x00\x00\x00\x00\x00\x00\x00\x01."s),
      Exact("\x80\x02G\x00\x00\x00\x00\x00\x00\x00\x01."s),
      Exact("\x80\x03G\x00\x00\x00\x00\x00\x00\x00\x01."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00G\x00\x00\x00\x00\x00\x00\x00\x01."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00G\x00\x00\x00\x00\x00\x00\x00\x01."s)}},
    {"FloatInf", kDefault,
     [](Builder& b) -> Value { return b.float64(INFINITY); },
     {Exact("Finf\n."s),
      Exact("G\x7f\xf0\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x02G\x7f\xf0\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x03G\x7f\xf0\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00G\x7f\xf0\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00G\x7f\xf0\x00\x00\x00\x00\x00\x00."s)}},
    {"FloatNegInf", kDefault,
     [](Builder& b) -> Value { return b.float64(-INFINITY); },
     {Exact("F-inf\n."s),
      Exact("G\xff\xf0\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x02G\xff\xf0\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x03G\xff\xf0\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00G\xff\xf0\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00G\xff\xf0\x00\x00\x00\x00\x00\x00."s)}},
    {"FloatNaN", kDefault,
     [](Builder& b) -> Value { return b.float64(NAN); },
     {Exact("Fnan\n."s),
      Exact("G\x7f\xf8\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x02G\x7f\xf8\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x03G\x7f\xf8\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00G\x7f\xf8\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00G\x7f\xf8\x00\x00\x00\x00\x00\x00."s)}},
    {"FloatThird", kDefault,
     [](Builder& b) -> Value { return b.float64(1.0 / 3.0); },
     {Exact("F0.3333333333333333\n."s),
      Exact("G?\xd5UUUUUU."s),
      Exact("\x80\x02G?\xd5UUUUUU."s),
      Exact("\x80\x03G?\xd5UUUUUU."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00G?\xd5UUUUUU."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00G?\xd5UUUUUU."s)}},
    {"FloatE22", kDefault,
     [](Builder& b) -> Value { return b.float64(1e22); },
     {Exact("F1e+22\n."s),
      Exact("GD\x80\xf0\xcf\x06M\xd5\x92."s),
      Exact("\x80\x02GD\x80\xf0\xcf\x06M\xd5\x92."s),
      Exact("\x80\x03GD\x80\xf0\xcf\x06M\xd5\x92."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00GD\x80\xf0\xcf\x06M\xd5\x92."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00GD\x80\xf0\xcf\x06M\xd5\x92."s)}},
    {"FloatWhole", kDefault,
     [](Builder& b) -> Value { return b.float64(123456789.0); },
     {Exact("F123456789.0\n."s),
      Exact("GA\x9do4T\x00\x00\x00."s),
      Exact("\x80\x02GA\x9do4T\x00\x00\x00."s),
      Exact("\x80\x03GA\x9do4T\x00\x00\x00."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00GA\x9do4T\x00\x00\x00."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00GA\x9do4T\x00\x00\x00."s)}},
    {"FloatEm4", kDefault,
     [](Builder& b) -> Value { return b.float64(0.0001); },
     {Exact("F0.0001\n."s),
      Exact("G?\x1a" "6\xe2\xeb\x1c" "C-."s),
      Exact("\x80\x02G?\x1a" "6\xe2\xeb\x1c" "C-."s),
      Exact("\x80\x03G?\x1a" "6\xe2\xeb\x1c" "C-."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00G?\x1a" "6\xe2\xeb\x1c" "C-."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00G?\x1a" "6\xe2\xeb\x1c" "C-."s)}},
    {"FloatEm7", kDefault,
     [](Builder& b) -> Value { return b.float64(1e-7); },
     {Exact("F1e-07\n."s),
      Exact("G>z\xd7\xf2\x9a\xbc\xafH."s),
      Exact("\x80\x02G>z\xd7\xf2\x9a\xbc\xafH."s),
      Exact("\x80\x03G>z\xd7\xf2\x9a\xbc\xafH."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00G>z\xd7\xf2\x9a\xbc\xafH."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00G>z\xd7\xf2\x9a\xbc\xafH."s)}},
    {"FloatMax", kDefault,
     [](Builder& b) -> Value { return b.float64(DBL_MAX); },
     {Exact("F1.7976931348623157e+308\n."s),
      Exact("G\x7f\xef\xff\xff\xff\xff\xff\xff."s),
      Exact("\x80\x02G\x7f\xef\xff\xff\xff\xff\xff\xff."s),
      Exact("\x80\x03G\x7f\xef\xff\xff\xff\xff\xff\xff."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00G\x7f\xef\xff\xff\xff\xff\xff\xff."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00G\x7f\xef\xff\xff\xff\xff\xff\xff."s)}},
    {"FloatNegHalf", kDefault,
     [](Builder& b) -> Value { return b.float64(-0.5); },
     {Exact("F-0.5\n."s),
      Exact("G\xbf\xe0\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x02G\xbf\xe0\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x03G\xbf\xe0\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00G\xbf\xe0\x00\x00\x00\x00\x00\x00."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00G\xbf\xe0\x00\x00\x00\x00\x00\x00."s)}},
    {"StrEmpty", kDefault,
     [](Builder& b) -> Value { return S(b, ""s); },
     {Exact("V\np0\n."s),
      Exact("X\x00\x00\x00\x00q\x00."s),
      Exact("\x80\x02X\x00\x00\x00\x00q\x00."s),
      Exact("\x80\x03X\x00\x00\x00\x00q\x00."s),
      Exact("\x80\x04\x95\x04\x00\x00\x00\x00\x00\x00\x00\x8c\x00\x94."s),
      Exact("\x80\x05\x95\x04\x00\x00\x00\x00\x00\x00\x00\x8c\x00\x94."s)}},
    {"StrA", kDefault,
     [](Builder& b) -> Value { return S(b, "a"s); },
     {Exact("Va\np0\n."s),
      Exact("X\x01\x00\x00\x00" "aq\x00."s),
      Exact("\x80\x02X\x01\x00\x00\x00" "aq\x00."s),
      Exact("\x80\x03X\x01\x00\x00\x00" "aq\x00."s),
      Exact("\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00\x8c\x01" "a\x94."s),
      Exact("\x80\x05\x95\x05\x00\x00\x00\x00\x00\x00\x00\x8c\x01" "a\x94."s)}},
    {"StrEAcute", kDefault,
     [](Builder& b) -> Value { return S(b, "\xc3\xa9"s); },
     {Exact("V\xe9\np0\n."s),
      Exact("X\x02\x00\x00\x00\xc3\xa9q\x00."s),
      Exact("\x80\x02X\x02\x00\x00\x00\xc3\xa9q\x00."s),
      Exact("\x80\x03X\x02\x00\x00\x00\xc3\xa9q\x00."s),
      Exact("\x80\x04\x95\x06\x00\x00\x00\x00\x00\x00\x00\x8c\x02\xc3\xa9\x94."s),
      Exact("\x80\x05\x95\x06\x00\x00\x00\x00\x00\x00\x00\x8c\x02\xc3\xa9\x94."s)}},
    {"StrAB", kDefault,
     [](Builder& b) -> Value { return S(b, "ab"s); },
     {Exact("Vab\np0\n."s),
      Exact("X\x02\x00\x00\x00" "abq\x00."s),
      Exact("\x80\x02X\x02\x00\x00\x00" "abq\x00."s),
      Exact("\x80\x03X\x02\x00\x00\x00" "abq\x00."s),
      Exact("\x80\x04\x95\x06\x00\x00\x00\x00\x00\x00\x00\x8c\x02" "ab\x94."s),
      Exact("\x80\x05\x95\x06\x00\x00\x00\x00\x00\x00\x00\x8c\x02" "ab\x94."s)}},
    {"StrSpecial", kDefault,
     [](Builder& b) -> Value { return S(b, "a\\b\nc\x0d" "d\x00" "e\x1a" "f\x09g\x7fh\xc2\x80\xc3\xa9\xc3\xbf\xc4\x80\xe2\x82\xac\xf0\x9f\x98"
        "\x80\xed\xa0\x80z"s); },
     {Exact("Va\\u005cb\\u000ac\\u000dd\\u0000e\\u001af\x09g\x7fh\x80\xe9\xff\\u0100\\u20ac\\U0001f600\\ud800"
        "z\np0\n."s),
      Exact("X\"\x00\x00\x00" "a\\b\nc\x0d" "d\x00" "e\x1a" "f\x09g\x7fh\xc2\x80\xc3\xa9\xc3\xbf\xc4\x80\xe2\x82"
        "\xac\xf0\x9f\x98\x80\xed\xa0\x80zq\x00."s),
      Exact("\x80\x02X\"\x00\x00\x00" "a\\b\nc\x0d" "d\x00" "e\x1a" "f\x09g\x7fh\xc2\x80\xc3\xa9\xc3\xbf\xc4\x80"
        "\xe2\x82\xac\xf0\x9f\x98\x80\xed\xa0\x80zq\x00."s),
      Exact("\x80\x03X\"\x00\x00\x00" "a\\b\nc\x0d" "d\x00" "e\x1a" "f\x09g\x7fh\xc2\x80\xc3\xa9\xc3\xbf\xc4\x80"
        "\xe2\x82\xac\xf0\x9f\x98\x80\xed\xa0\x80zq\x00."s),
      Exact("\x80\x04\x95&\x00\x00\x00\x00\x00\x00\x00\x8c\"a\\b\nc\x0d" "d\x00" "e\x1a" "f\x09g\x7fh\xc2\x80"
        "\xc3\xa9\xc3\xbf\xc4\x80\xe2\x82\xac\xf0\x9f\x98\x80\xed\xa0\x80z\x94."s),
      Exact("\x80\x05\x95&\x00\x00\x00\x00\x00\x00\x00\x8c\"a\\b\nc\x0d" "d\x00" "e\x1a" "f\x09g\x7fh\xc2\x80"
        "\xc3\xa9\xc3\xbf\xc4\x80\xe2\x82\xac\xf0\x9f\x98\x80\xed\xa0\x80z\x94."s)}},
    {"StrA255", kDefault,
     [](Builder& b) -> Value { return S(b, Rep("a"s, 255)); },
     {Big(261, 0x015cdf586fa1dd98ull, "Vaaaaaaaaaaaaaaaaaaaaaaa"s, "aaaaaaaaaaaaaaaaaaa\np0\n."s),
      Big(263, 0x22d110efd83e8b82ull, "X\xff\x00\x00\x00" "aaaaaaaaaaaaaaaaaaa"s, "aaaaaaaaaaaaaaaaaaaaaq\x00."s),
      Big(265, 0x3db21a41506423f8ull, "\x80\x02X\xff\x00\x00\x00" "aaaaaaaaaaaaaaaaa"s, "aaaaaaaaaaaaaaaaaaaaaq\x00."s),
      Big(265, 0xd04b2ff16f9b2b5dull, "\x80\x03X\xff\x00\x00\x00" "aaaaaaaaaaaaaaaaa"s, "aaaaaaaaaaaaaaaaaaaaaq\x00."s),
      Big(270, 0x9ffa281c9ccd6e08ull, "\x80\x04\x95\x03\x01\x00\x00\x00\x00\x00\x00\x8c\xff" "aaaaaaaaaaa"s, "aaaaaaaaaaaaaaaaaaaaaa\x94."s),
      Big(270, 0xaa82e2731887013full, "\x80\x05\x95\x03\x01\x00\x00\x00\x00\x00\x00\x8c\xff" "aaaaaaaaaaa"s, "aaaaaaaaaaaaaaaaaaaaaa\x94."s)}},
    {"StrA256", kDefault,
     [](Builder& b) -> Value { return S(b, Rep("a"s, 256)); },
     {Big(262, 0xae94ea14fa31d16dull, "Vaaaaaaaaaaaaaaaaaaaaaaa"s, "aaaaaaaaaaaaaaaaaaa\np0\n."s),
      Big(264, 0xc4a6718f48be8671ull, "X\x00\x01\x00\x00" "aaaaaaaaaaaaaaaaaaa"s, "aaaaaaaaaaaaaaaaaaaaaq\x00."s),
      Big(266, 0x4bd3c59b17782a4full, "\x80\x02X\x00\x01\x00\x00" "aaaaaaaaaaaaaaaaa"s, "aaaaaaaaaaaaaaaaaaaaaq\x00."s),
      Big(266, 0xd2e6182267110640ull, "\x80\x03X\x00\x01\x00\x00" "aaaaaaaaaaaaaaaaa"s, "aaaaaaaaaaaaaaaaaaaaaq\x00."s),
      Big(274, 0xc310853ec6d72d31ull, "\x80\x04\x95\x07\x01\x00\x00\x00\x00\x00\x00X\x00\x01\x00\x00" "aaaaaaaa"s, "aaaaaaaaaaaaaaaaaaaaaa\x94."s),
      Big(274, 0x797cd0823de1eeb6ull, "\x80\x05\x95\x07\x01\x00\x00\x00\x00\x00\x00X\x00\x01\x00\x00" "aaaaaaaa"s, "aaaaaaaaaaaaaaaaaaaaaa\x94."s)}},
    {"StrEAcute127", kDefault,
     [](Builder& b) -> Value { return S(b, Rep("\xc3\xa9"s, 127)); },
     {Exact("V\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9"
        "\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9"
        "\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9"
        "\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9"
        "\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9"
        "\xe9\xe9\xe9\xe9\xe9\xe9\xe9\np0\n."s),
      Big(262, 0x961140ab5ad4b566ull, "X\xfe\x00\x00\x00\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"s, "\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9q\x00."s),
      Big(264, 0x3d6b62caf05fef6cull, "\x80\x02X\xfe\x00\x00\x00\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"s, "\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9q\x00."s),
      Big(264, 0xa87edda9e5c2483bull, "\x80\x03X\xfe\x00\x00\x00\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"s, "\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9q\x00."s),
      Big(269, 0x64c61410fdd658d9ull, "\x80\x04\x95\x02\x01\x00\x00\x00\x00\x00\x00\x8c\xfe\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"
        ""s, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\x94."s),
      Big(269, 0x8469422a91be92ccull, "\x80\x05\x95\x02\x01\x00\x00\x00\x00\x00\x00\x8c\xfe\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"
        ""s, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\x94."s)}},
    {"StrEAcute128", kDefault,
     [](Builder& b) -> Value { return S(b, Rep("\xc3\xa9"s, 128)); },
     {Exact("V\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9"
        "\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9"
        "\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9"
        "\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9"
        "\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9"
        "\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\np0\n."s),
      Big(264, 0x86ee43deefdf7971ull, "X\x00\x01\x00\x00\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"s, "\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9q\x00."s),
      Big(266, 0x3bd6efd55355634full, "\x80\x02X\x00\x01\x00\x00\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"s, "\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9q\x00."s),
      Big(266, 0x6880c2961676ef40ull, "\x80\x03X\x00\x01\x00\x00\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"s, "\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9q\x00."s),
      Big(274, 0xee38d80428672031ull, "\x80\x04\x95\x07\x01\x00\x00\x00\x00\x00\x00X\x00\x01\x00\x00\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"s, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\x94."s),
      Big(274, 0x331c35a923dc2fb6ull, "\x80\x05\x95\x07\x01\x00\x00\x00\x00\x00\x00X\x00\x01\x00\x00\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"s, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\x94."s)}},
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
        "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"s); },
     {Big(516, 0x1f9db54b0879a4baull, "V\\u20ac\\u20ac\\u20ac\\u20a"s, "c\\u20ac\\u20ac\\u20ac\np0\n."s),
      Big(263, 0x4e5bf828b14fd34dull, "X\xff\x00\x00\x00\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2"s, "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xacq\x00."s),
      Big(265, 0xb17f214be379c82bull, "\x80\x02X\xff\x00\x00\x00\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82"s, "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xacq\x00."s),
      Big(265, 0x26198f688368fe6eull, "\x80\x03X\xff\x00\x00\x00\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82"s, "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xacq\x00."s),
      Big(270, 0x1529ff4fefddf3f9ull, "\x80\x04\x95\x03\x01\x00\x00\x00\x00\x00\x00\x8c\xff\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82"
        ""s, "\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\x94."s),
      Big(270, 0x0080a3fc700c1b3aull, "\x80\x05\x95\x03\x01\x00\x00\x00\x00\x00\x00\x8c\xff\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82"
        ""s, "\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\x94."s)}},
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
        "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"s); },
     {Big(646, 0x05420a5aa94a726dull, "V\\U0001f600\\U0001f600\\U0"s, "U0001f600\\U0001f600\np0\n."s),
      Big(264, 0xa9021c229982e771ull, "X\x00\x01\x00\x00\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98"s, "\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80q\x00."s),
      Big(266, 0xbaf95716e5bfd74full, "\x80\x02X\x00\x01\x00\x00\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0"s, "\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80q\x00."s),
      Big(266, 0x1cab3e74b857a740ull, "\x80\x03X\x00\x01\x00\x00\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0"s, "\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80q\x00."s),
      Big(274, 0xd9fcf04bebf60e31ull, "\x80\x04\x95\x07\x01\x00\x00\x00\x00\x00\x00X\x00\x01\x00\x00\xf0\x9f\x98\x80\xf0\x9f\x98\x80"s, "\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\x94."s),
      Big(274, 0xa7352b46e15f95b6ull, "\x80\x05\x95\x07\x01\x00\x00\x00\x00\x00\x00X\x00\x01\x00\x00\xf0\x9f\x98\x80\xf0\x9f\x98\x80"s, "\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\x94."s)}},
    {"StrLoneSurrogate", kDefault,
     [](Builder& b) -> Value { return S(b, "\xed\xa0\x80"s); },
     {Exact("V\\ud800\np0\n."s),
      Exact("X\x03\x00\x00\x00\xed\xa0\x80q\x00."s),
      Exact("\x80\x02X\x03\x00\x00\x00\xed\xa0\x80q\x00."s),
      Exact("\x80\x03X\x03\x00\x00\x00\xed\xa0\x80q\x00."s),
      Exact("\x80\x04\x95\x07\x00\x00\x00\x00\x00\x00\x00\x8c\x03\xed\xa0\x80\x94."s),
      Exact("\x80\x05\x95\x07\x00\x00\x00\x00\x00\x00\x00\x8c\x03\xed\xa0\x80\x94."s)}},
    {"StrSurrogates", kDefault,
     [](Builder& b) -> Value { return S(b, "\xed\xbf\xbf\xed\xa0\x80"s); },
     {Exact("V\\udfff\\ud800\np0\n."s),
      Exact("X\x06\x00\x00\x00\xed\xbf\xbf\xed\xa0\x80q\x00."s),
      Exact("\x80\x02X\x06\x00\x00\x00\xed\xbf\xbf\xed\xa0\x80q\x00."s),
      Exact("\x80\x03X\x06\x00\x00\x00\xed\xbf\xbf\xed\xa0\x80q\x00."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00\x8c\x06\xed\xbf\xbf\xed\xa0\x80\x94."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00\x8c\x06\xed\xbf\xbf\xed\xa0\x80\x94."s)}},
    {"StrQuotes", kDefault,
     [](Builder& b) -> Value { return S(b, "it's \"q\""s); },
     {Exact("Vit's \"q\"\np0\n."s),
      Exact("X\x08\x00\x00\x00it's \"q\"q\x00."s),
      Exact("\x80\x02X\x08\x00\x00\x00it's \"q\"q\x00."s),
      Exact("\x80\x03X\x08\x00\x00\x00it's \"q\"q\x00."s),
      Exact("\x80\x04\x95\x0c\x00\x00\x00\x00\x00\x00\x00\x8c\x08it's \"q\"\x94."s),
      Exact("\x80\x05\x95\x0c\x00\x00\x00\x00\x00\x00\x00\x8c\x08it's \"q\"\x94."s)}},
    {"BytesEmpty", kDefault,
     [](Builder& b) -> Value { return By(b, ""s); },
     {Exact("c__builtin__\nbytes\np0\n(tRp1\n."s),
      Exact("c__builtin__\nbytes\nq\x00)Rq\x01."s),
      Exact("\x80\x02" "c__builtin__\nbytes\nq\x00)Rq\x01."s),
      Exact("\x80\x03" "C\x00q\x00."s),
      Exact("\x80\x04\x95\x04\x00\x00\x00\x00\x00\x00\x00" "C\x00\x94."s),
      Exact("\x80\x05\x95\x04\x00\x00\x00\x00\x00\x00\x00" "C\x00\x94."s)}},
    {"BytesA", kDefault,
     [](Builder& b) -> Value { return By(b, "a"s); },
     {Exact("c_codecs\nencode\np0\n(Va\np1\nVlatin1\np2\ntp3\nRp4\n."s),
      Exact("c_codecs\nencode\nq\x00(X\x01\x00\x00\x00" "aq\x01X\x06\x00\x00\x00latin1q\x02tq\x03Rq\x04."s),
      Exact("\x80\x02" "c_codecs\nencode\nq\x00X\x01\x00\x00\x00" "aq\x01X\x06\x00\x00\x00latin1q\x02\x86q\x03"
        "Rq\x04."s),
      Exact("\x80\x03" "C\x01" "aq\x00."s),
      Exact("\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00" "C\x01" "a\x94."s),
      Exact("\x80\x05\x95\x05\x00\x00\x00\x00\x00\x00\x00" "C\x01" "a\x94."s)}},
    {"BytesFF", kDefault,
     [](Builder& b) -> Value { return By(b, "\xff"s); },
     {Exact("c_codecs\nencode\np0\n(V\xff\np1\nVlatin1\np2\ntp3\nRp4\n."s),
      Exact("c_codecs\nencode\nq\x00(X\x02\x00\x00\x00\xc3\xbfq\x01X\x06\x00\x00\x00latin1q\x02tq\x03Rq\x04."s),
      Exact("\x80\x02" "c_codecs\nencode\nq\x00X\x02\x00\x00\x00\xc3\xbfq\x01X\x06\x00\x00\x00latin1q\x02\x86"
        "q\x03Rq\x04."s),
      Exact("\x80\x03" "C\x01\xffq\x00."s),
      Exact("\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00" "C\x01\xff\x94."s),
      Exact("\x80\x05\x95\x05\x00\x00\x00\x00\x00\x00\x00" "C\x01\xff\x94."s)}},
    {"BytesMixed", kDefault,
     [](Builder& b) -> Value { return By(b, "abc\xff\x00"s); },
     {Exact("c_codecs\nencode\np0\n(Vabc\xff\\u0000\np1\nVlatin1\np2\ntp3\nRp4\n."s),
      Exact("c_codecs\nencode\nq\x00(X\x06\x00\x00\x00" "abc\xc3\xbf\x00q\x01X\x06\x00\x00\x00latin1q\x02tq\x03"
        "Rq\x04."s),
      Exact("\x80\x02" "c_codecs\nencode\nq\x00X\x06\x00\x00\x00" "abc\xc3\xbf\x00q\x01X\x06\x00\x00\x00latin"
        "1q\x02\x86q\x03Rq\x04."s),
      Exact("\x80\x03" "C\x05" "abc\xff\x00q\x00."s),
      Exact("\x80\x04\x95\x09\x00\x00\x00\x00\x00\x00\x00" "C\x05" "abc\xff\x00\x94."s),
      Exact("\x80\x05\x95\x09\x00\x00\x00\x00\x00\x00\x00" "C\x05" "abc\xff\x00\x94."s)}},
    {"BytesAll256", kDefault,
     [](Builder& b) -> Value { return By(b, AllBytes()); },
     {Big(326, 0x68dde2ddfec632e0ull, "c_codecs\nencode\np0\n(V\\u0"s, "\np1\nVlatin1\np2\ntp3\nRp4\n."s),
      Big(430, 0x6707d838be101e99ull, "c_codecs\nencode\nq\x00(X\x80\x01\x00\x00"s, "\xc3\xbfq\x01X\x06\x00\x00\x00latin1q\x02tq\x03Rq\x04."s),
      Big(431, 0x866ff9fae294d287ull, "\x80\x02" "c_codecs\nencode\nq\x00X\x80\x01\x00"s, "\xc3\xbfq\x01X\x06\x00\x00\x00latin1q\x02\x86q\x03Rq\x04."s),
      Big(266, 0x2191329d80456116ull, "\x80\x03" "B\x00\x01\x00\x00\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\n\x0b\x0c\x0d\x0e\x0f\x10"s, "\xeb\xec\xed\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xffq\x00."s),
      Big(274, 0x6a98e6a87a525763ull, "\x80\x04\x95\x07\x01\x00\x00\x00\x00\x00\x00" "B\x00\x01\x00\x00\x00\x01\x02\x03\x04\x05\x06\x07"
        ""s, "\xea\xeb\xec\xed\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff\x94."s),
      Big(274, 0xbe2e7341b0cb2df0ull, "\x80\x05\x95\x07\x01\x00\x00\x00\x00\x00\x00" "B\x00\x01\x00\x00\x00\x01\x02\x03\x04\x05\x06\x07"
        ""s, "\xea\xeb\xec\xed\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff\x94."s)}},
    {"BytesX80_255", kDefault,
     [](Builder& b) -> Value { return By(b, Rep("\x80"s, 255)); },
     {Big(300, 0x371726d8cd3bb795ull, "c_codecs\nencode\np0\n(V\x80\x80\x80"s, "\np1\nVlatin1\np2\ntp3\nRp4\n."s),
      Big(556, 0x88742680902f8b49ull, "c_codecs\nencode\nq\x00(X\xfe\x01\x00\x00"s, "\xc2\x80q\x01X\x06\x00\x00\x00latin1q\x02tq\x03Rq\x04."s),
      Big(557, 0xd93884f1e6505607ull, "\x80\x02" "c_codecs\nencode\nq\x00X\xfe\x01\x00"s, "\xc2\x80q\x01X\x06\x00\x00\x00latin1q\x02\x86q\x03Rq\x04."s),
      Big(262, 0xf18875b4f231d767ull, "\x80\x03" "C\xff\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80"
        ""s, "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80q\x00."s),
      Big(270, 0x7641c623c4af794cull, "\x80\x04\x95\x03\x01\x00\x00\x00\x00\x00\x00" "C\xff\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80"
        ""s, "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x94."s),
      Big(270, 0x36fd23be1234b897ull, "\x80\x05\x95\x03\x01\x00\x00\x00\x00\x00\x00" "C\xff\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80"
        ""s, "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x94."s)}},
    {"ByteArrayEmpty", kDefault,
     [](Builder& b) -> Value { return BA(b, ""s); },
     {Exact("c__builtin__\nbytearray\np0\n(tRp1\n."s),
      Exact("c__builtin__\nbytearray\nq\x00)Rq\x01."s),
      Exact("\x80\x02" "c__builtin__\nbytearray\nq\x00)Rq\x01."s),
      Exact("\x80\x03" "cbuiltins\nbytearray\nq\x00)Rq\x01."s),
      Exact("\x80\x04\x95\x1d\x00\x00\x00\x00\x00\x00\x00\x8c\x08" "builtins\x94\x8c\x09" "bytearray\x94\x93\x94"
        ")R\x94."s),
      Exact("\x80\x05\x95\x0b\x00\x00\x00\x00\x00\x00\x00\x96\x00\x00\x00\x00\x00\x00\x00\x00\x94."s)}},
    {"ByteArrayShort", kDefault,
     [](Builder& b) -> Value { return BA(b, "ab\xff"s); },
     {Exact("c__builtin__\nbytearray\np0\n(c_codecs\nencode\np1\n(Vab\xff\np2\nVlatin1\np3\ntp4\nRp5\ntp6\nRp"
        "7\n."s),
      Exact("c__builtin__\nbytearray\nq\x00(c_codecs\nencode\nq\x01(X\x04\x00\x00\x00" "ab\xc3\xbfq\x02X\x06\x00"
        "\x00\x00latin1q\x03tq\x04Rq\x05tq\x06Rq\x07."s),
      Exact("\x80\x02" "c__builtin__\nbytearray\nq\x00" "c_codecs\nencode\nq\x01X\x04\x00\x00\x00" "ab\xc3\xbf"
        "q\x02X\x06\x00\x00\x00latin1q\x03\x86q\x04Rq\x05\x85q\x06Rq\x07."s),
      Exact("\x80\x03" "cbuiltins\nbytearray\nq\x00" "C\x03" "ab\xffq\x01\x85q\x02Rq\x03."s),
      Exact("\x80\x04\x95$\x00\x00\x00\x00\x00\x00\x00\x8c\x08" "builtins\x94\x8c\x09" "bytearray\x94\x93\x94"
        "C\x03" "ab\xff\x94\x85\x94R\x94."s),
      Exact("\x80\x05\x95\x0e\x00\x00\x00\x00\x00\x00\x00\x96\x03\x00\x00\x00\x00\x00\x00\x00" "ab\xff\x94."s)}},
    {"ByteArrayFour", kDefault,
     [](Builder& b) -> Value { return BA(b, "abcd"s); },
     {Exact("c__builtin__\nbytearray\np0\n(c_codecs\nencode\np1\n(Vabcd\np2\nVlatin1\np3\ntp4\nRp5\ntp6\nRp7\n"
        "."s),
      Exact("c__builtin__\nbytearray\nq\x00(c_codecs\nencode\nq\x01(X\x04\x00\x00\x00" "abcdq\x02X\x06\x00\x00"
        "\x00latin1q\x03tq\x04Rq\x05tq\x06Rq\x07."s),
      Exact("\x80\x02" "c__builtin__\nbytearray\nq\x00" "c_codecs\nencode\nq\x01X\x04\x00\x00\x00" "abcdq\x02"
        "X\x06\x00\x00\x00latin1q\x03\x86q\x04Rq\x05\x85q\x06Rq\x07."s),
      Exact("\x80\x03" "cbuiltins\nbytearray\nq\x00" "C\x04" "abcdq\x01\x85q\x02Rq\x03."s),
      Exact("\x80\x04\x95%\x00\x00\x00\x00\x00\x00\x00\x8c\x08" "builtins\x94\x8c\x09" "bytearray\x94\x93\x94"
        "C\x04" "abcd\x94\x85\x94R\x94."s),
      Exact("\x80\x05\x95\x0f\x00\x00\x00\x00\x00\x00\x00\x96\x04\x00\x00\x00\x00\x00\x00\x00" "abcd\x94."s)}},
    {"ByteArrayFive", kDefault,
     [](Builder& b) -> Value { return BA(b, "abcde"s); },
     {Exact("c__builtin__\nbytearray\np0\n(c_codecs\nencode\np1\n(Vabcde\np2\nVlatin1\np3\ntp4\nRp5\ntp6\nRp7"
        "\n."s),
      Exact("c__builtin__\nbytearray\nq\x00(c_codecs\nencode\nq\x01(X\x05\x00\x00\x00" "abcdeq\x02X\x06\x00\x00"
        "\x00latin1q\x03tq\x04Rq\x05tq\x06Rq\x07."s),
      Exact("\x80\x02" "c__builtin__\nbytearray\nq\x00" "c_codecs\nencode\nq\x01X\x05\x00\x00\x00" "abcdeq\x02"
        "X\x06\x00\x00\x00latin1q\x03\x86q\x04Rq\x05\x85q\x06Rq\x07."s),
      Exact("\x80\x03" "cbuiltins\nbytearray\nq\x00" "C\x05" "abcdeq\x01\x85q\x02Rq\x03."s),
      Exact("\x80\x04\x95&\x00\x00\x00\x00\x00\x00\x00\x8c\x08" "builtins\x94\x8c\x09" "bytearray\x94\x93\x94"
        "C\x05" "abcde\x94\x85\x94R\x94."s),
      Exact("\x80\x05\x95\x10\x00\x00\x00\x00\x00\x00\x00\x96\x05\x00\x00\x00\x00\x00\x00\x00" "abcde\x94."s)}},
    {"ByteArrayAll256", kDefault,
     [](Builder& b) -> Value { return BA(b, AllBytes()); },
     {Big(361, 0xa21b2761535f04a9ull, "c__builtin__\nbytearray\np"s, "in1\np3\ntp4\nRp5\ntp6\nRp7\n."s),
      Big(462, 0x04a900e80b61408full, "c__builtin__\nbytearray\nq"s, "\x00\x00\x00latin1q\x03tq\x04Rq\x05tq\x06Rq\x07."s),
      Big(462, 0xd2031c57d6ab11f2ull, "\x80\x02" "c__builtin__\nbytearray"s, "\x00\x00\x00latin1q\x03\x86q\x04Rq\x05\x85q\x06Rq\x07."s),
      Big(294, 0x5def2c33b96d8d62ull, "\x80\x03" "cbuiltins\nbytearray\nq\x00"s, "\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xffq\x01\x85q\x02Rq\x03."s),
      Big(303, 0xaa45445f2270e456ull, "\x80\x04\x95$\x01\x00\x00\x00\x00\x00\x00\x8c\x08" "builtins\x94\x8c\x09"s, "\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff\x94\x85\x94R\x94."s),
      Big(278, 0x806d7b9abbcad0a0ull, "\x80\x05\x95\x0b\x01\x00\x00\x00\x00\x00\x00\x96\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03"
        ""s, "\xea\xeb\xec\xed\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff\x94."s)}},
    {"Tuple0", kDefault,
     [](Builder& b) -> Value { return b.tuple({}); },
     {Exact("(t."s),
      Exact(")."s),
      Exact("\x80\x02)."s),
      Exact("\x80\x03)."s),
      Exact("\x80\x04)."s),
      Exact("\x80\x05)."s)}},
    {"Tuple1", kDefault,
     [](Builder& b) -> Value { return b.tuple({b.integer(1)}); },
     {Exact("(I1\ntp0\n."s),
      Exact("(K\x01tq\x00."s),
      Exact("\x80\x02K\x01\x85q\x00."s),
      Exact("\x80\x03K\x01\x85q\x00."s),
      Exact("\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00K\x01\x85\x94."s),
      Exact("\x80\x05\x95\x05\x00\x00\x00\x00\x00\x00\x00K\x01\x85\x94."s)}},
    {"Tuple2", kDefault,
     [](Builder& b) -> Value { return b.tuple({b.integer(1), b.integer(2)}); },
     {Exact("(I1\nI2\ntp0\n."s),
      Exact("(K\x01K\x02tq\x00."s),
      Exact("\x80\x02K\x01K\x02\x86q\x00."s),
      Exact("\x80\x03K\x01K\x02\x86q\x00."s),
      Exact("\x80\x04\x95\x07\x00\x00\x00\x00\x00\x00\x00K\x01K\x02\x86\x94."s),
      Exact("\x80\x05\x95\x07\x00\x00\x00\x00\x00\x00\x00K\x01K\x02\x86\x94."s)}},
    {"Tuple3", kDefault,
     [](Builder& b) -> Value { return b.tuple({b.integer(1), b.integer(2), b.integer(3)}); },
     {Exact("(I1\nI2\nI3\ntp0\n."s),
      Exact("(K\x01K\x02K\x03tq\x00."s),
      Exact("\x80\x02K\x01K\x02K\x03\x87q\x00."s),
      Exact("\x80\x03K\x01K\x02K\x03\x87q\x00."s),
      Exact("\x80\x04\x95\x09\x00\x00\x00\x00\x00\x00\x00K\x01K\x02K\x03\x87\x94."s),
      Exact("\x80\x05\x95\x09\x00\x00\x00\x00\x00\x00\x00K\x01K\x02K\x03\x87\x94."s)}},
    {"Tuple4", kDefault,
     [](Builder& b) -> Value { return b.tuple({b.integer(1), b.integer(2), b.integer(3), b.integer(4)}); },
     {Exact("(I1\nI2\nI3\nI4\ntp0\n."s),
      Exact("(K\x01K\x02K\x03K\x04tq\x00."s),
      Exact("\x80\x02(K\x01K\x02K\x03K\x04tq\x00."s),
      Exact("\x80\x03(K\x01K\x02K\x03K\x04tq\x00."s),
      Exact("\x80\x04\x95\x0c\x00\x00\x00\x00\x00\x00\x00(K\x01K\x02K\x03K\x04t\x94."s),
      Exact("\x80\x05\x95\x0c\x00\x00\x00\x00\x00\x00\x00(K\x01K\x02K\x03K\x04t\x94."s)}},
    {"TupleNested", kDefault,
     [](Builder& b) -> Value { return b.tuple({b.tuple({}), b.tuple({b.integer(1)}), b.list()}); },
     {Exact("((t(I1\ntp0\n(lp1\ntp2\n."s),
      Exact("()(K\x01tq\x00]q\x01tq\x02."s),
      Exact("\x80\x02)K\x01\x85q\x00]q\x01\x87q\x02."s),
      Exact("\x80\x03)K\x01\x85q\x00]q\x01\x87q\x02."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00)K\x01\x85\x94]\x94\x87\x94."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00)K\x01\x85\x94]\x94\x87\x94."s)}},
    {"TupleAtoms", kDefault,
     [](Builder& b) -> Value { return b.tuple({b.none(), b.boolean(true), b.float64(1.5), S(b, "s"), By(b, "b")}); },
     {Exact("(NI01\nF1.5\nVs\np0\nc_codecs\nencode\np1\n(Vb\np2\nVlatin1\np3\ntp4\nRp5\ntp6\n."s),
      Exact("(NI01\nG?\xf8\x00\x00\x00\x00\x00\x00X\x01\x00\x00\x00sq\x00" "c_codecs\nencode\nq\x01(X\x01\x00"
        "\x00\x00" "bq\x02X\x06\x00\x00\x00latin1q\x03tq\x04Rq\x05tq\x06."s),
      Exact("\x80\x02(N\x88G?\xf8\x00\x00\x00\x00\x00\x00X\x01\x00\x00\x00sq\x00" "c_codecs\nencode\nq\x01X\x01"
        "\x00\x00\x00" "bq\x02X\x06\x00\x00\x00latin1q\x03\x86q\x04Rq\x05tq\x06."s),
      Exact("\x80\x03(N\x88G?\xf8\x00\x00\x00\x00\x00\x00X\x01\x00\x00\x00sq\x00" "C\x01" "bq\x01tq\x02."s),
      Exact("\x80\x04\x95\x17\x00\x00\x00\x00\x00\x00\x00(N\x88G?\xf8\x00\x00\x00\x00\x00\x00\x8c\x01s\x94" "C"
        "\x01" "b\x94t\x94."s),
      Exact("\x80\x05\x95\x17\x00\x00\x00\x00\x00\x00\x00(N\x88G?\xf8\x00\x00\x00\x00\x00\x00\x8c\x01s\x94" "C"
        "\x01" "b\x94t\x94."s)}},
    {"List0", kDefault,
     [](Builder& b) -> Value { return b.list(); },
     {Exact("(lp0\n."s),
      Exact("]q\x00."s),
      Exact("\x80\x02]q\x00."s),
      Exact("\x80\x03]q\x00."s),
      Exact("\x80\x04]\x94."s),
      Exact("\x80\x05]\x94."s)}},
    {"List1", kDefault,
     [](Builder& b) -> Value { return b.list({b.integer(1)}); },
     {Exact("(lp0\nI1\na."s),
      Exact("]q\x00K\x01" "a."s),
      Exact("\x80\x02]q\x00K\x01" "a."s),
      Exact("\x80\x03]q\x00K\x01" "a."s),
      Exact("\x80\x04\x95\x06\x00\x00\x00\x00\x00\x00\x00]\x94K\x01" "a."s),
      Exact("\x80\x05\x95\x06\x00\x00\x00\x00\x00\x00\x00]\x94K\x01" "a."s)}},
    {"List2", kDefault,
     [](Builder& b) -> Value { return b.list({b.integer(1), b.integer(2)}); },
     {Exact("(lp0\nI1\naI2\na."s),
      Exact("]q\x00(K\x01K\x02" "e."s),
      Exact("\x80\x02]q\x00(K\x01K\x02" "e."s),
      Exact("\x80\x03]q\x00(K\x01K\x02" "e."s),
      Exact("\x80\x04\x95\x09\x00\x00\x00\x00\x00\x00\x00]\x94(K\x01K\x02" "e."s),
      Exact("\x80\x05\x95\x09\x00\x00\x00\x00\x00\x00\x00]\x94(K\x01K\x02" "e."s)}},
    {"ListNested", kDefault,
     [](Builder& b) -> Value { return b.list({b.list(), b.list({b.list()})}); },
     {Exact("(lp0\n(lp1\na(lp2\n(lp3\naa."s),
      Exact("]q\x00(]q\x01]q\x02]q\x03" "ae."s),
      Exact("\x80\x02]q\x00(]q\x01]q\x02]q\x03" "ae."s),
      Exact("\x80\x03]q\x00(]q\x01]q\x02]q\x03" "ae."s),
      Exact("\x80\x04\x95\x0c\x00\x00\x00\x00\x00\x00\x00]\x94(]\x94]\x94]\x94" "ae."s),
      Exact("\x80\x05\x95\x0c\x00\x00\x00\x00\x00\x00\x00]\x94(]\x94]\x94]\x94" "ae."s)}},
    {"ListMixed", kDefault,
     [](Builder& b) -> Value { return b.list({b.none(), S(b, "x"), b.tuple({b.integer(1)})}); },
     {Exact("(lp0\nNaVx\np1\na(I1\ntp2\na."s),
      Exact("]q\x00(NX\x01\x00\x00\x00xq\x01(K\x01tq\x02" "e."s),
      Exact("\x80\x02]q\x00(NX\x01\x00\x00\x00xq\x01K\x01\x85q\x02" "e."s),
      Exact("\x80\x03]q\x00(NX\x01\x00\x00\x00xq\x01K\x01\x85q\x02" "e."s),
      Exact("\x80\x04\x95\x0e\x00\x00\x00\x00\x00\x00\x00]\x94(N\x8c\x01x\x94K\x01\x85\x94" "e."s),
      Exact("\x80\x05\x95\x0e\x00\x00\x00\x00\x00\x00\x00]\x94(N\x8c\x01x\x94K\x01\x85\x94" "e."s)}},
    {"Dict0", kDefault,
     [](Builder& b) -> Value { return b.dict(); },
     {Exact("(dp0\n."s),
      Exact("}q\x00."s),
      Exact("\x80\x02}q\x00."s),
      Exact("\x80\x03}q\x00."s),
      Exact("\x80\x04}\x94."s),
      Exact("\x80\x05}\x94."s)}},
    {"Dict1", kDefault,
     [](Builder& b) -> Value { return b.dict({{b.integer(1), b.integer(2)}}); },
     {Exact("(dp0\nI1\nI2\ns."s),
      Exact("}q\x00K\x01K\x02s."s),
      Exact("\x80\x02}q\x00K\x01K\x02s."s),
      Exact("\x80\x03}q\x00K\x01K\x02s."s),
      Exact("\x80\x04\x95\x08\x00\x00\x00\x00\x00\x00\x00}\x94K\x01K\x02s."s),
      Exact("\x80\x05\x95\x08\x00\x00\x00\x00\x00\x00\x00}\x94K\x01K\x02s."s)}},
    {"Dict3", kDefault,
     [](Builder& b) -> Value { return b.dict({{S(b, "a"), b.integer(1)}, {S(b, "b"), b.list()}, {S(b, "c"), b.dict()}}); },
     {Exact("(dp0\nVa\np1\nI1\nsVb\np2\n(lp3\nsVc\np4\n(dp5\ns."s),
      Exact("}q\x00(X\x01\x00\x00\x00" "aq\x01K\x01X\x01\x00\x00\x00" "bq\x02]q\x03X\x01\x00\x00\x00" "cq\x04"
        "}q\x05u."s),
      Exact("\x80\x02}q\x00(X\x01\x00\x00\x00" "aq\x01K\x01X\x01\x00\x00\x00" "bq\x02]q\x03X\x01\x00\x00\x00" "c"
        "q\x04}q\x05u."s),
      Exact("\x80\x03}q\x00(X\x01\x00\x00\x00" "aq\x01K\x01X\x01\x00\x00\x00" "bq\x02]q\x03X\x01\x00\x00\x00" "c"
        "q\x04}q\x05u."s),
      Exact("\x80\x04\x95\x17\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x01" "a\x94K\x01\x8c\x01" "b\x94]\x94\x8c"
        "\x01" "c\x94}\x94u."s),
      Exact("\x80\x05\x95\x17\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x01" "a\x94K\x01\x8c\x01" "b\x94]\x94\x8c"
        "\x01" "c\x94}\x94u."s)}},
    {"DictKeys", kDefault,
     [](Builder& b) -> Value { return b.dict({{b.tuple({b.integer(1), b.integer(2)}), b.none()}, {b.float64(3.5), S(b, "f")}, {By(b, "k"), b.boolean(false)}, {b.none(), b.integer(-7)}}); },
     {Exact("(dp0\n(I1\nI2\ntp1\nNsF3.5\nVf\np2\nsc_codecs\nencode\np3\n(Vk\np4\nVlatin1\np5\ntp6\nRp7\nI00\n"
        "sNI-7\ns."s),
      Exact("}q\x00((K\x01K\x02tq\x01NG@\x0c\x00\x00\x00\x00\x00\x00X\x01\x00\x00\x00" "fq\x02" "c_codecs\nen"
        "code\nq\x03(X\x01\x00\x00\x00kq\x04X\x06\x00\x00\x00latin1q\x05tq\x06Rq\x07I00\nNJ\xf9\xff\xff\xff"
        "u."s),
      Exact("\x80\x02}q\x00(K\x01K\x02\x86q\x01NG@\x0c\x00\x00\x00\x00\x00\x00X\x01\x00\x00\x00" "fq\x02" "c_"
        "codecs\nencode\nq\x03X\x01\x00\x00\x00kq\x04X\x06\x00\x00\x00latin1q\x05\x86q\x06Rq\x07\x89NJ\xf9"
        "\xff\xff\xffu."s),
      Exact("\x80\x03}q\x00(K\x01K\x02\x86q\x01NG@\x0c\x00\x00\x00\x00\x00\x00X\x01\x00\x00\x00" "fq\x02" "C\x01"
        "kq\x03\x89NJ\xf9\xff\xff\xffu."s),
      Exact("\x80\x04\x95$\x00\x00\x00\x00\x00\x00\x00}\x94(K\x01K\x02\x86\x94NG@\x0c\x00\x00\x00\x00\x00\x00"
        "\x8c\x01" "f\x94" "C\x01k\x94\x89NJ\xf9\xff\xff\xffu."s),
      Exact("\x80\x05\x95$\x00\x00\x00\x00\x00\x00\x00}\x94(K\x01K\x02\x86\x94NG@\x0c\x00\x00\x00\x00\x00\x00"
        "\x8c\x01" "f\x94" "C\x01k\x94\x89NJ\xf9\xff\xff\xffu."s)}},
    {"Set0", kDefault,
     [](Builder& b) -> Value { return b.set(); },
     {Exact("c__builtin__\nset\np0\n((lp1\ntp2\nRp3\n."s),
      Exact("c__builtin__\nset\nq\x00(]q\x01tq\x02Rq\x03."s),
      Exact("\x80\x02" "c__builtin__\nset\nq\x00]q\x01\x85q\x02Rq\x03."s),
      Exact("\x80\x03" "cbuiltins\nset\nq\x00]q\x01\x85q\x02Rq\x03."s),
      Exact("\x80\x04\x8f\x94."s),
      Exact("\x80\x05\x8f\x94."s)}},
    {"Set1", kDefault,
     [](Builder& b) -> Value { return b.set({b.integer(1)}); },
     {Exact("c__builtin__\nset\np0\n((lp1\nI1\natp2\nRp3\n."s),
      Exact("c__builtin__\nset\nq\x00(]q\x01K\x01" "atq\x02Rq\x03."s),
      Exact("\x80\x02" "c__builtin__\nset\nq\x00]q\x01K\x01" "a\x85q\x02Rq\x03."s),
      Exact("\x80\x03" "cbuiltins\nset\nq\x00]q\x01K\x01" "a\x85q\x02Rq\x03."s),
      Exact("\x80\x04\x95\x07\x00\x00\x00\x00\x00\x00\x00\x8f\x94(K\x01\x90."s),
      Exact("\x80\x05\x95\x07\x00\x00\x00\x00\x00\x00\x00\x8f\x94(K\x01\x90."s)}},
    {"Set3", kDefault,
     [](Builder& b) -> Value { return b.set({b.integer(3), b.integer(1), b.integer(2)}); },
     {Exact("c__builtin__\nset\np0\n((lp1\nI1\naI2\naI3\natp2\nRp3\n."s),
      Exact("c__builtin__\nset\nq\x00(]q\x01(K\x01K\x02K\x03" "etq\x02Rq\x03."s),
      Exact("\x80\x02" "c__builtin__\nset\nq\x00]q\x01(K\x01K\x02K\x03" "e\x85q\x02Rq\x03."s),
      Exact("\x80\x03" "cbuiltins\nset\nq\x00]q\x01(K\x01K\x02K\x03" "e\x85q\x02Rq\x03."s),
      Exact("\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00\x8f\x94(K\x01K\x02K\x03\x90."s),
      Exact("\x80\x05\x95\x0b\x00\x00\x00\x00\x00\x00\x00\x8f\x94(K\x01K\x02K\x03\x90."s)}},
    {"SetMixedHashes", kDefault,
     [](Builder& b) -> Value { return b.set({b.tuple({b.integer(1), b.integer(2)}), b.integer(5), b.integer(-1), b.float64(2.5), b.integer(1000)}); },
     {Exact("c__builtin__\nset\np0\n((lp1\nF2.5\na(I1\nI2\ntp2\naI5\naI1000\naI-1\natp3\nRp4\n."s),
      Exact("c__builtin__\nset\nq\x00(]q\x01(G@\x04\x00\x00\x00\x00\x00\x00(K\x01K\x02tq\x02K\x05M\xe8\x03J\xff"
        "\xff\xff\xff" "etq\x03Rq\x04."s),
      Exact("\x80\x02" "c__builtin__\nset\nq\x00]q\x01(G@\x04\x00\x00\x00\x00\x00\x00K\x01K\x02\x86q\x02K\x05"
        "M\xe8\x03J\xff\xff\xff\xff" "e\x85q\x03Rq\x04."s),
      Exact("\x80\x03" "cbuiltins\nset\nq\x00]q\x01(G@\x04\x00\x00\x00\x00\x00\x00K\x01K\x02\x86q\x02K\x05M\xe8"
        "\x03J\xff\xff\xff\xff" "e\x85q\x03Rq\x04."s),
      Exact("\x80\x04\x95\x1e\x00\x00\x00\x00\x00\x00\x00\x8f\x94(G@\x04\x00\x00\x00\x00\x00\x00K\x01K\x02\x86"
        "\x94K\x05M\xe8\x03J\xff\xff\xff\xff\x90."s),
      Exact("\x80\x05\x95\x1e\x00\x00\x00\x00\x00\x00\x00\x8f\x94(G@\x04\x00\x00\x00\x00\x00\x00K\x01K\x02\x86"
        "\x94K\x05M\xe8\x03J\xff\xff\xff\xff\x90."s)}},
    {"FrozenSet0", kDefault,
     [](Builder& b) -> Value { return b.frozenset(); },
     {Exact("c__builtin__\nfrozenset\np0\n((lp1\ntp2\nRp3\n."s),
      Exact("c__builtin__\nfrozenset\nq\x00(]q\x01tq\x02Rq\x03."s),
      Exact("\x80\x02" "c__builtin__\nfrozenset\nq\x00]q\x01\x85q\x02Rq\x03."s),
      Exact("\x80\x03" "cbuiltins\nfrozenset\nq\x00]q\x01\x85q\x02Rq\x03."s),
      Exact("\x80\x04\x95\x04\x00\x00\x00\x00\x00\x00\x00(\x91\x94."s),
      Exact("\x80\x05\x95\x04\x00\x00\x00\x00\x00\x00\x00(\x91\x94."s)}},
    {"FrozenSet1", kDefault,
     [](Builder& b) -> Value { return b.frozenset({b.integer(1)}); },
     {Exact("c__builtin__\nfrozenset\np0\n((lp1\nI1\natp2\nRp3\n."s),
      Exact("c__builtin__\nfrozenset\nq\x00(]q\x01K\x01" "atq\x02Rq\x03."s),
      Exact("\x80\x02" "c__builtin__\nfrozenset\nq\x00]q\x01K\x01" "a\x85q\x02Rq\x03."s),
      Exact("\x80\x03" "cbuiltins\nfrozenset\nq\x00]q\x01K\x01" "a\x85q\x02Rq\x03."s),
      Exact("\x80\x04\x95\x06\x00\x00\x00\x00\x00\x00\x00(K\x01\x91\x94."s),
      Exact("\x80\x05\x95\x06\x00\x00\x00\x00\x00\x00\x00(K\x01\x91\x94."s)}},
    {"FrozenSet3", kDefault,
     [](Builder& b) -> Value { return b.frozenset({b.integer(3), b.integer(1), b.integer(2)}); },
     {Exact("c__builtin__\nfrozenset\np0\n((lp1\nI1\naI2\naI3\natp2\nRp3\n."s),
      Exact("c__builtin__\nfrozenset\nq\x00(]q\x01(K\x01K\x02K\x03" "etq\x02Rq\x03."s),
      Exact("\x80\x02" "c__builtin__\nfrozenset\nq\x00]q\x01(K\x01K\x02K\x03" "e\x85q\x02Rq\x03."s),
      Exact("\x80\x03" "cbuiltins\nfrozenset\nq\x00]q\x01(K\x01K\x02K\x03" "e\x85q\x02Rq\x03."s),
      Exact("\x80\x04\x95\n\x00\x00\x00\x00\x00\x00\x00(K\x01K\x02K\x03\x91\x94."s),
      Exact("\x80\x05\x95\n\x00\x00\x00\x00\x00\x00\x00(K\x01K\x02K\x03\x91\x94."s)}},
    {"SetInList", kDefault,
     [](Builder& b) -> Value { return b.list({b.set({b.integer(1)}), b.frozenset({b.integer(2)})}); },
     {Exact("(lp0\nc__builtin__\nset\np1\n((lp2\nI1\natp3\nRp4\nac__builtin__\nfrozenset\np5\n((lp6\nI2\natp7"
        "\nRp8\na."s),
      Exact("]q\x00(c__builtin__\nset\nq\x01(]q\x02K\x01" "atq\x03Rq\x04" "c__builtin__\nfrozenset\nq\x05(]q\x06"
        "K\x02" "atq\x07Rq\x08" "e."s),
      Exact("\x80\x02]q\x00(c__builtin__\nset\nq\x01]q\x02K\x01" "a\x85q\x03Rq\x04" "c__builtin__\nfrozenset\n"
        "q\x05]q\x06K\x02" "a\x85q\x07Rq\x08" "e."s),
      Exact("\x80\x03]q\x00(cbuiltins\nset\nq\x01]q\x02K\x01" "a\x85q\x03Rq\x04" "cbuiltins\nfrozenset\nq\x05"
        "]q\x06K\x02" "a\x85q\x07Rq\x08" "e."s),
      Exact("\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00]\x94(\x8f\x94(K\x01\x90(K\x02\x91\x94" "e."s),
      Exact("\x80\x05\x95\x10\x00\x00\x00\x00\x00\x00\x00]\x94(\x8f\x94(K\x01\x90(K\x02\x91\x94" "e."s)}},
    {"ListRange999", kDefault,
     [](Builder& b) -> Value { return List(b, Ints(b, 999)); },
     {Big(5890, 0x719dcb1d1e512a50ull, "(lp0\nI0\naI1\naI2\naI3\naI4\n"s, "995\naI996\naI997\naI998\na."s),
      Big(2747, 0x1c931994d5d15d65ull, "]q\x00(K\x00K\x01K\x02K\x03K\x04K\x05K\x06K\x07K\x08K\x09"s, "\x03M\xe0\x03M\xe1\x03M\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03" "e."s),
      Big(2749, 0xacb52c1b3730a68full, "\x80\x02]q\x00(K\x00K\x01K\x02K\x03K\x04K\x05K\x06K\x07K\x08"s, "\x03M\xe0\x03M\xe1\x03M\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03" "e."s),
      Big(2749, 0xeec803cd48911606ull, "\x80\x03]q\x00(K\x00K\x01K\x02K\x03K\x04K\x05K\x06K\x07K\x08"s, "\x03M\xe0\x03M\xe1\x03M\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03" "e."s),
      Big(2757, 0x1ae7e8ffa507e525ull, "\x80\x04\x95\xba\n\x00\x00\x00\x00\x00\x00]\x94(K\x00K\x01K\x02K\x03K\x04"s, "\x03M\xe0\x03M\xe1\x03M\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03" "e."s),
      Big(2757, 0x336e452178f0c700ull, "\x80\x05\x95\xba\n\x00\x00\x00\x00\x00\x00]\x94(K\x00K\x01K\x02K\x03K\x04"s, "\x03M\xe0\x03M\xe1\x03M\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03" "e."s)}},
    {"ListRange1000", kDefault,
     [](Builder& b) -> Value { return List(b, Ints(b, 1000)); },
     {Big(5896, 0xc39888cb090442f7ull, "(lp0\nI0\naI1\naI2\naI3\naI4\n"s, "996\naI997\naI998\naI999\na."s),
      Big(2750, 0x043d01ef5623e774ull, "]q\x00(K\x00K\x01K\x02K\x03K\x04K\x05K\x06K\x07K\x08K\x09"s, "\x03M\xe1\x03M\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03M\xe7\x03" "e."s),
      Big(2752, 0xa4773ddc638ff352ull, "\x80\x02]q\x00(K\x00K\x01K\x02K\x03K\x04K\x05K\x06K\x07K\x08"s, "\x03M\xe1\x03M\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03M\xe7\x03" "e."s),
      Big(2752, 0xad9f15105cafbc0dull, "\x80\x03]q\x00(K\x00K\x01K\x02K\x03K\x04K\x05K\x06K\x07K\x08"s, "\x03M\xe1\x03M\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03M\xe7\x03" "e."s),
      Big(2760, 0xb25d8a23f493810dull, "\x80\x04\x95\xbd\n\x00\x00\x00\x00\x00\x00]\x94(K\x00K\x01K\x02K\x03K\x04"s, "\x03M\xe1\x03M\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03M\xe7\x03" "e."s),
      Big(2760, 0xa95a8ee029d38bd6ull, "\x80\x05\x95\xbd\n\x00\x00\x00\x00\x00\x00]\x94(K\x00K\x01K\x02K\x03K\x04"s, "\x03M\xe1\x03M\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03M\xe7\x03" "e."s)}},
    {"ListRange1001", kDefault,
     [](Builder& b) -> Value { return List(b, Ints(b, 1001)); },
     {Big(5903, 0x3d940f3bf4ed27bcull, "(lp0\nI0\naI1\naI2\naI3\naI4\n"s, "97\naI998\naI999\naI1000\na."s),
      Big(2755, 0xe5770446b1c87203ull, "]q\x00(K\x00K\x01K\x02K\x03K\x04K\x05K\x06K\x07K\x08K\x09"s, "\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03M\xe7\x03" "e(M\xe8\x03" "e."s),
      Big(2757, 0x8a7ec131f0161e09ull, "\x80\x02]q\x00(K\x00K\x01K\x02K\x03K\x04K\x05K\x06K\x07K\x08"s, "\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03M\xe7\x03" "e(M\xe8\x03" "e."s),
      Big(2757, 0x59cb2435df60ddd8ull, "\x80\x03]q\x00(K\x00K\x01K\x02K\x03K\x04K\x05K\x06K\x07K\x08"s, "\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03M\xe7\x03" "e(M\xe8\x03" "e."s),
      Big(2765, 0x1e984cce983312abull, "\x80\x04\x95\xc2\n\x00\x00\x00\x00\x00\x00]\x94(K\x00K\x01K\x02K\x03K\x04"s, "\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03M\xe7\x03" "e(M\xe8\x03" "e."s),
      Big(2765, 0x9856c4018edb3a46ull, "\x80\x05\x95\xc2\n\x00\x00\x00\x00\x00\x00]\x94(K\x00K\x01K\x02K\x03K\x04"s, "\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03M\xe7\x03" "e(M\xe8\x03" "e."s)}},
    {"ListRange2000", kDefault,
     [](Builder& b) -> Value { return List(b, Ints(b, 2000)); },
     {Big(12896, 0x2ca04dba35e5c7cbull, "(lp0\nI0\naI1\naI2\naI3\naI4\n"s, "\naI1997\naI1998\naI1999\na."s),
      Big(5752, 0xaecfce561181d7c5ull, "]q\x00(K\x00K\x01K\x02K\x03K\x04K\x05K\x06K\x07K\x08K\x09"s, "\x07M\xc9\x07M\xca\x07M\xcb\x07M\xcc\x07M\xcd\x07M\xce\x07M\xcf\x07" "e."s),
      Big(5754, 0x625132879ae1a4b3ull, "\x80\x02]q\x00(K\x00K\x01K\x02K\x03K\x04K\x05K\x06K\x07K\x08"s, "\x07M\xc9\x07M\xca\x07M\xcb\x07M\xcc\x07M\xcd\x07M\xce\x07M\xcf\x07" "e."s),
      Big(5754, 0x52bcfb7dd051fcd4ull, "\x80\x03]q\x00(K\x00K\x01K\x02K\x03K\x04K\x05K\x06K\x07K\x08"s, "\x07M\xc9\x07M\xca\x07M\xcb\x07M\xcc\x07M\xcd\x07M\xce\x07M\xcf\x07" "e."s),
      Big(5762, 0x782cea1c7dcfb94eull, "\x80\x04\x95w\x16\x00\x00\x00\x00\x00\x00]\x94(K\x00K\x01K\x02K\x03K\x04"s, "\x07M\xc9\x07M\xca\x07M\xcb\x07M\xcc\x07M\xcd\x07M\xce\x07M\xcf\x07" "e."s),
      Big(5762, 0x8bcada3117e5c079ull, "\x80\x05\x95w\x16\x00\x00\x00\x00\x00\x00]\x94(K\x00K\x01K\x02K\x03K\x04"s, "\x07M\xc9\x07M\xca\x07M\xcb\x07M\xcc\x07M\xcd\x07M\xce\x07M\xcf\x07" "e."s)}},
    {"ListRange2001", kDefault,
     [](Builder& b) -> Value { return List(b, Ints(b, 2001)); },
     {Big(12903, 0x0a0934d7e6651711ull, "(lp0\nI0\naI1\naI2\naI3\naI4\n"s, "\naI1998\naI1999\naI2000\na."s),
      Big(5757, 0x99f030439d4f6cbcull, "]q\x00(K\x00K\x01K\x02K\x03K\x04K\x05K\x06K\x07K\x08K\x09"s, "\xca\x07M\xcb\x07M\xcc\x07M\xcd\x07M\xce\x07M\xcf\x07" "e(M\xd0\x07" "e."s),
      Big(5759, 0xa7845e9f91705e22ull, "\x80\x02]q\x00(K\x00K\x01K\x02K\x03K\x04K\x05K\x06K\x07K\x08"s, "\xca\x07M\xcb\x07M\xcc\x07M\xcd\x07M\xce\x07M\xcf\x07" "e(M\xd0\x07" "e."s),
      Big(5759, 0x8947c129a83f6927ull, "\x80\x03]q\x00(K\x00K\x01K\x02K\x03K\x04K\x05K\x06K\x07K\x08"s, "\xca\x07M\xcb\x07M\xcc\x07M\xcd\x07M\xce\x07M\xcf\x07" "e(M\xd0\x07" "e."s),
      Big(5767, 0x195744d3aede1e86ull, "\x80\x04\x95|\x16\x00\x00\x00\x00\x00\x00]\x94(K\x00K\x01K\x02K\x03K\x04"s, "\xca\x07M\xcb\x07M\xcc\x07M\xcd\x07M\xce\x07M\xcf\x07" "e(M\xd0\x07" "e."s),
      Big(5767, 0x633c9a0eb2fc8cafull, "\x80\x05\x95|\x16\x00\x00\x00\x00\x00\x00]\x94(K\x00K\x01K\x02K\x03K\x04"s, "\xca\x07M\xcb\x07M\xcc\x07M\xcd\x07M\xce\x07M\xcf\x07" "e(M\xd0\x07" "e."s)}},
    {"DictRange1000", kDefault,
     [](Builder& b) -> Value { return DictOf(b, 1000); },
     {Big(10786, 0x8b58ae1827491857ull, "(dp0\nI0\nI0\nsI1\nI1\nsI2\nI2"s, "sI998\nI998\nsI999\nI999\ns."s),
      Big(5496, 0x8cb4159ed41c8dc5ull, "}q\x00(K\x00K\x00K\x01K\x01K\x02K\x02K\x03K\x03K\x04K\x04"s, "\xe4\x03M\xe5\x03M\xe5\x03M\xe6\x03M\xe6\x03M\xe7\x03M\xe7\x03u(u."s),
      Big(5498, 0xa767f4a1bc24b273ull, "\x80\x02}q\x00(K\x00K\x00K\x01K\x01K\x02K\x02K\x03K\x03K\x04"s, "\xe4\x03M\xe5\x03M\xe5\x03M\xe6\x03M\xe6\x03M\xe7\x03M\xe7\x03u(u."s),
      Big(5498, 0x229ba9bc53df9c74ull, "\x80\x03}q\x00(K\x00K\x00K\x01K\x01K\x02K\x02K\x03K\x03K\x04"s, "\xe4\x03M\xe5\x03M\xe5\x03M\xe6\x03M\xe6\x03M\xe7\x03M\xe7\x03u(u."s),
      Big(5506, 0xdf0600007b8964b9ull, "\x80\x04\x95w\x15\x00\x00\x00\x00\x00\x00}\x94(K\x00K\x00K\x01K\x01K\x02"s, "\xe4\x03M\xe5\x03M\xe5\x03M\xe6\x03M\xe6\x03M\xe7\x03M\xe7\x03u(u."s),
      Big(5506, 0x0d688b3bf4f043aeull, "\x80\x05\x95w\x15\x00\x00\x00\x00\x00\x00}\x94(K\x00K\x00K\x01K\x01K\x02"s, "\xe4\x03M\xe5\x03M\xe5\x03M\xe6\x03M\xe6\x03M\xe7\x03M\xe7\x03u(u."s)}},
    {"DictRange1001", kDefault,
     [](Builder& b) -> Value { return DictOf(b, 1001); },
     {Big(10799, 0xa4b9779cbf73ed82ull, "(dp0\nI0\nI0\nsI1\nI1\nsI2\nI2"s, "999\nI999\nsI1000\nI1000\ns."s),
      Big(5502, 0x60e399fee6e48801ull, "}q\x00(K\x00K\x00K\x01K\x01K\x02K\x02K\x03K\x03K\x04K\x04"s, "\xe5\x03M\xe6\x03M\xe6\x03M\xe7\x03M\xe7\x03u(M\xe8\x03M\xe8\x03u."s),
      Big(5504, 0x773246ae431883bfull, "\x80\x02}q\x00(K\x00K\x00K\x01K\x01K\x02K\x02K\x03K\x03K\x04"s, "\xe5\x03M\xe6\x03M\xe6\x03M\xe7\x03M\xe7\x03u(M\xe8\x03M\xe8\x03u."s),
      Big(5504, 0xcb9646f74eddb9bcull, "\x80\x03}q\x00(K\x00K\x00K\x01K\x01K\x02K\x02K\x03K\x03K\x04"s, "\xe5\x03M\xe6\x03M\xe6\x03M\xe7\x03M\xe7\x03u(M\xe8\x03M\xe8\x03u."s),
      Big(5512, 0xe894ba154d55fc63ull, "\x80\x04\x95}\x15\x00\x00\x00\x00\x00\x00}\x94(K\x00K\x00K\x01K\x01K\x02"s, "\xe5\x03M\xe6\x03M\xe6\x03M\xe7\x03M\xe7\x03u(M\xe8\x03M\xe8\x03u."s),
      Big(5512, 0xd5a1b01291f64784ull, "\x80\x05\x95}\x15\x00\x00\x00\x00\x00\x00}\x94(K\x00K\x00K\x01K\x01K\x02"s, "\xe5\x03M\xe6\x03M\xe6\x03M\xe7\x03M\xe7\x03u(M\xe8\x03M\xe8\x03u."s)}},
    {"DictRange2000", kDefault,
     [](Builder& b) -> Value { return DictOf(b, 2000); },
     {Big(23786, 0x36e8b01ae52f271full, "(dp0\nI0\nI0\nsI1\nI1\nsI2\nI2"s, "98\nI1998\nsI1999\nI1999\ns."s),
      Big(11498, 0x3b34cd5b7b520894ull, "}q\x00(K\x00K\x00K\x01K\x01K\x02K\x02K\x03K\x03K\x04K\x04"s, "\xcc\x07M\xcd\x07M\xcd\x07M\xce\x07M\xce\x07M\xcf\x07M\xcf\x07u(u."s),
      Big(11500, 0x55b5e7595cadd55aull, "\x80\x02}q\x00(K\x00K\x00K\x01K\x01K\x02K\x02K\x03K\x03K\x04"s, "\xcc\x07M\xcd\x07M\xcd\x07M\xce\x07M\xce\x07M\xcf\x07M\xcf\x07u(u."s),
      Big(11500, 0x743ed7401cc3324dull, "\x80\x03}q\x00(K\x00K\x00K\x01K\x01K\x02K\x02K\x03K\x03K\x04"s, "\xcc\x07M\xcd\x07M\xcd\x07M\xce\x07M\xce\x07M\xcf\x07M\xcf\x07u(u."s),
      Big(11508, 0x68e7725a2047ef43ull, "\x80\x04\x95\xe9,\x00\x00\x00\x00\x00\x00}\x94(K\x00K\x00K\x01K\x01K\x02"s, "\xcc\x07M\xcd\x07M\xcd\x07M\xce\x07M\xce\x07M\xcf\x07M\xcf\x07u(u."s),
      Big(11508, 0xca3d06182ab4a460ull, "\x80\x05\x95\xe9,\x00\x00\x00\x00\x00\x00}\x94(K\x00K\x00K\x01K\x01K\x02"s, "\xcc\x07M\xcd\x07M\xcd\x07M\xce\x07M\xce\x07M\xcf\x07M\xcf\x07u(u."s)}},
    {"SetRange999", kDefault,
     [](Builder& b) -> Value { return SetOf(b, 999); },
     {Big(5919, 0xf6a9f624ba4f2262ull, "c__builtin__\nset\np0\n((lp"s, "6\naI997\naI998\natp2\nRp3\n."s),
      Big(2773, 0x4d817e2cb3412876ull, "c__builtin__\nset\nq\x00(]q\x01("s, "\x03M\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03" "etq\x02Rq\x03."s),
      Big(2774, 0x435cce99ee17107full, "\x80\x02" "c__builtin__\nset\nq\x00]q\x01"s, "\x03M\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03" "e\x85q\x02Rq\x03."s),
      Big(2771, 0x3ada1b3d3654a391ull, "\x80\x03" "cbuiltins\nset\nq\x00]q\x01(K\x00"s, "\x03M\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03" "e\x85q\x02Rq\x03."s),
      Big(2757, 0xead42480dcd5d482ull, "\x80\x04\x95\xba\n\x00\x00\x00\x00\x00\x00\x8f\x94(K\x00K\x01K\x02K\x03K\x04"s, "\x03M\xe0\x03M\xe1\x03M\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03\x90."s),
      Big(2757, 0x33fa9c2e0f45ffafull, "\x80\x05\x95\xba\n\x00\x00\x00\x00\x00\x00\x8f\x94(K\x00K\x01K\x02K\x03K\x04"s, "\x03M\xe0\x03M\xe1\x03M\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03\x90."s)}},
    {"SetRange1000", kDefault,
     [](Builder& b) -> Value { return SetOf(b, 1000); },
     {Big(5925, 0x6845f801e142140dull, "c__builtin__\nset\np0\n((lp"s, "7\naI998\naI999\natp2\nRp3\n."s),
      Big(2776, 0xed548ebc141fcb73ull, "c__builtin__\nset\nq\x00(]q\x01("s, "\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03M\xe7\x03" "etq\x02Rq\x03."s),
      Big(2777, 0xf9e73fbd9ec0f812ull, "\x80\x02" "c__builtin__\nset\nq\x00]q\x01"s, "\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03M\xe7\x03" "e\x85q\x02Rq\x03."s),
      Big(2774, 0x437b4c6c12860d68ull, "\x80\x03" "cbuiltins\nset\nq\x00]q\x01(K\x00"s, "\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03M\xe7\x03" "e\x85q\x02Rq\x03."s),
      Big(2762, 0x5b481156df14c904ull, "\x80\x04\x95\xbf\n\x00\x00\x00\x00\x00\x00\x8f\x94(K\x00K\x01K\x02K\x03K\x04"s, "\xe1\x03M\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03M\xe7\x03\x90(\x90."s),
      Big(2762, 0x81f01ae4985ae43full, "\x80\x05\x95\xbf\n\x00\x00\x00\x00\x00\x00\x8f\x94(K\x00K\x01K\x02K\x03K\x04"s, "\xe1\x03M\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03M\xe7\x03\x90(\x90."s)}},
    {"SetRange1001", kDefault,
     [](Builder& b) -> Value { return SetOf(b, 1001); },
     {Big(5932, 0x2972b333fa9d3868ull, "c__builtin__\nset\np0\n((lp"s, "\naI999\naI1000\natp2\nRp3\n."s),
      Big(2781, 0xc1e7b21b9c204f5cull, "c__builtin__\nset\nq\x00(]q\x01("s, "\xe4\x03M\xe5\x03M\xe6\x03M\xe7\x03" "e(M\xe8\x03" "etq\x02Rq\x03."s),
      Big(2782, 0x1c532759a21e0f71ull, "\x80\x02" "c__builtin__\nset\nq\x00]q\x01"s, "\xe4\x03M\xe5\x03M\xe6\x03M\xe7\x03" "e(M\xe8\x03" "e\x85q\x02Rq\x03."s),
      Big(2779, 0x6101bc153e56e367ull, "\x80\x03" "cbuiltins\nset\nq\x00]q\x01(K\x00"s, "\xe4\x03M\xe5\x03M\xe6\x03M\xe7\x03" "e(M\xe8\x03" "e\x85q\x02Rq\x03."s),
      Big(2765, 0x45168a9824bdaeebull, "\x80\x04\x95\xc2\n\x00\x00\x00\x00\x00\x00\x8f\x94(K\x00K\x01K\x02K\x03K\x04"s, "\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03M\xe7\x03\x90(M\xe8\x03\x90."s),
      Big(2765, 0x2473d57d007e90b2ull, "\x80\x05\x95\xc2\n\x00\x00\x00\x00\x00\x00\x8f\x94(K\x00K\x01K\x02K\x03K\x04"s, "\xe2\x03M\xe3\x03M\xe4\x03M\xe5\x03M\xe6\x03M\xe7\x03\x90(M\xe8\x03\x90."s)}},
    {"SetRange2000", kDefault,
     [](Builder& b) -> Value { return SetOf(b, 2000); },
     {Big(12925, 0xa713dac8bc5842d9ull, "c__builtin__\nset\np0\n((lp"s, "aI1998\naI1999\natp2\nRp3\n."s),
      Big(5778, 0x72135fa543b03d22ull, "c__builtin__\nset\nq\x00(]q\x01("s, "\x07M\xcb\x07M\xcc\x07M\xcd\x07M\xce\x07M\xcf\x07" "etq\x02Rq\x03."s),
      Big(5779, 0xf3f385607bac8e5full, "\x80\x02" "c__builtin__\nset\nq\x00]q\x01"s, "\x07M\xcb\x07M\xcc\x07M\xcd\x07M\xce\x07M\xcf\x07" "e\x85q\x02Rq\x03."s),
      Big(5776, 0xe7bbac351830823dull, "\x80\x03" "cbuiltins\nset\nq\x00]q\x01(K\x00"s, "\x07M\xcb\x07M\xcc\x07M\xcd\x07M\xce\x07M\xcf\x07" "e\x85q\x02Rq\x03."s),
      Big(5764, 0x93e0fda766b395a2ull, "\x80\x04\x95y\x16\x00\x00\x00\x00\x00\x00\x8f\x94(K\x00K\x01K\x02K\x03K\x04"s, "\xc9\x07M\xca\x07M\xcb\x07M\xcc\x07M\xcd\x07M\xce\x07M\xcf\x07\x90(\x90."s),
      Big(5764, 0x234aae37c2f53bfdull, "\x80\x05\x95y\x16\x00\x00\x00\x00\x00\x00\x8f\x94(K\x00K\x01K\x02K\x03K\x04"s, "\xc9\x07M\xca\x07M\xcb\x07M\xcc\x07M\xcd\x07M\xce\x07M\xcf\x07\x90(\x90."s)}},
    {"SharedList", kDefault,
     [](Builder& b) -> Value { Value x = b.list(); return b.list({x, x}); },
     {Exact("(lp0\n(lp1\nag1\na."s),
      Exact("]q\x00(]q\x01h\x01" "e."s),
      Exact("\x80\x02]q\x00(]q\x01h\x01" "e."s),
      Exact("\x80\x03]q\x00(]q\x01h\x01" "e."s),
      Exact("\x80\x04\x95\x09\x00\x00\x00\x00\x00\x00\x00]\x94(]\x94h\x01" "e."s),
      Exact("\x80\x05\x95\x09\x00\x00\x00\x00\x00\x00\x00]\x94(]\x94h\x01" "e."s)}},
    {"SharedTuple", kDefault,
     [](Builder& b) -> Value { Value t = b.tuple({b.integer(1), b.integer(2)}); return b.list({t, t, b.tuple({t})}); },
     {Exact("(lp0\n(I1\nI2\ntp1\nag1\na(g1\ntp2\na."s),
      Exact("]q\x00((K\x01K\x02tq\x01h\x01(h\x01tq\x02" "e."s),
      Exact("\x80\x02]q\x00(K\x01K\x02\x86q\x01h\x01h\x01\x85q\x02" "e."s),
      Exact("\x80\x03]q\x00(K\x01K\x02\x86q\x01h\x01h\x01\x85q\x02" "e."s),
      Exact("\x80\x04\x95\x11\x00\x00\x00\x00\x00\x00\x00]\x94(K\x01K\x02\x86\x94h\x01h\x01\x85\x94" "e."s),
      Exact("\x80\x05\x95\x11\x00\x00\x00\x00\x00\x00\x00]\x94(K\x01K\x02\x86\x94h\x01h\x01\x85\x94" "e."s)}},
    {"SharedStr", kDefault,
     [](Builder& b) -> Value { Value s = S(b, "hello"); return b.list({s, s}); },
     {Exact("(lp0\nVhello\np1\nag1\na."s),
      Exact("]q\x00(X\x05\x00\x00\x00helloq\x01h\x01" "e."s),
      Exact("\x80\x02]q\x00(X\x05\x00\x00\x00helloq\x01h\x01" "e."s),
      Exact("\x80\x03]q\x00(X\x05\x00\x00\x00helloq\x01h\x01" "e."s),
      Exact("\x80\x04\x95\x0f\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x05hello\x94h\x01" "e."s),
      Exact("\x80\x05\x95\x0f\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x05hello\x94h\x01" "e."s)}},
    {"SharedBytes", kDefault,
     [](Builder& b) -> Value { Value x = By(b, "xyz"); return b.list({x, x}); },
     {Exact("(lp0\nc_codecs\nencode\np1\n(Vxyz\np2\nVlatin1\np3\ntp4\nRp5\nag5\na."s),
      Exact("]q\x00(c_codecs\nencode\nq\x01(X\x03\x00\x00\x00xyzq\x02X\x06\x00\x00\x00latin1q\x03tq\x04Rq\x05"
        "h\x05" "e."s),
      Exact("\x80\x02]q\x00(c_codecs\nencode\nq\x01X\x03\x00\x00\x00xyzq\x02X\x06\x00\x00\x00latin1q\x03\x86q"
        "\x04Rq\x05h\x05" "e."s),
      Exact("\x80\x03]q\x00(C\x03xyzq\x01h\x01" "e."s),
      Exact("\x80\x04\x95\x0d\x00\x00\x00\x00\x00\x00\x00]\x94(C\x03xyz\x94h\x01" "e."s),
      Exact("\x80\x05\x95\x0d\x00\x00\x00\x00\x00\x00\x00]\x94(C\x03xyz\x94h\x01" "e."s)}},
    {"SharedByteArray", kDefault,
     [](Builder& b) -> Value { Value x = BA(b, "xy"); return b.list({x, x}); },
     {Exact("(lp0\nc__builtin__\nbytearray\np1\n(c_codecs\nencode\np2\n(Vxy\np3\nVlatin1\np4\ntp5\nRp6\ntp7\n"
        "Rp8\nag8\na."s),
      Exact("]q\x00(c__builtin__\nbytearray\nq\x01(c_codecs\nencode\nq\x02(X\x02\x00\x00\x00xyq\x03X\x06\x00\x00"
        "\x00latin1q\x04tq\x05Rq\x06tq\x07Rq\x08h\x08" "e."s),
      Exact("\x80\x02]q\x00(c__builtin__\nbytearray\nq\x01" "c_codecs\nencode\nq\x02X\x02\x00\x00\x00xyq\x03X"
        "\x06\x00\x00\x00latin1q\x04\x86q\x05Rq\x06\x85q\x07Rq\x08h\x08" "e."s),
      Exact("\x80\x03]q\x00(cbuiltins\nbytearray\nq\x01" "C\x02xyq\x02\x85q\x03Rq\x04h\x04" "e."s),
      Exact("\x80\x04\x95)\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x08" "builtins\x94\x8c\x09" "bytearray\x94\x93"
        "\x94" "C\x02xy\x94\x85\x94R\x94h\x06" "e."s),
      Exact("\x80\x05\x95\x13\x00\x00\x00\x00\x00\x00\x00]\x94(\x96\x02\x00\x00\x00\x00\x00\x00\x00xy\x94h\x01"
        "e."s)}},
    {"SharedSet", kDefault,
     [](Builder& b) -> Value { Value s = b.set({b.integer(1)}); Value f = b.frozenset({b.integer(2)}); return b.list({s, f, s, f}); },
     {Exact("(lp0\nc__builtin__\nset\np1\n((lp2\nI1\natp3\nRp4\nac__builtin__\nfrozenset\np5\n((lp6\nI2\natp7"
        "\nRp8\nag4\nag8\na."s),
      Exact("]q\x00(c__builtin__\nset\nq\x01(]q\x02K\x01" "atq\x03Rq\x04" "c__builtin__\nfrozenset\nq\x05(]q\x06"
        "K\x02" "atq\x07Rq\x08h\x04h\x08" "e."s),
      Exact("\x80\x02]q\x00(c__builtin__\nset\nq\x01]q\x02K\x01" "a\x85q\x03Rq\x04" "c__builtin__\nfrozenset\n"
        "q\x05]q\x06K\x02" "a\x85q\x07Rq\x08h\x04h\x08" "e."s),
      Exact("\x80\x03]q\x00(cbuiltins\nset\nq\x01]q\x02K\x01" "a\x85q\x03Rq\x04" "cbuiltins\nfrozenset\nq\x05"
        "]q\x06K\x02" "a\x85q\x07Rq\x08h\x04h\x08" "e."s),
      Exact("\x80\x04\x95\x14\x00\x00\x00\x00\x00\x00\x00]\x94(\x8f\x94(K\x01\x90(K\x02\x91\x94h\x01h\x02" "e"
        "."s),
      Exact("\x80\x05\x95\x14\x00\x00\x00\x00\x00\x00\x00]\x94(\x8f\x94(K\x01\x90(K\x02\x91\x94h\x01h\x02" "e"
        "."s)}},
    {"SharedDictValue", kDefault,
     [](Builder& b) -> Value { Value d = b.dict(); return b.dict({{S(b, "a"), d}, {S(b, "b"), d}}); },
     {Exact("(dp0\nVa\np1\n(dp2\nsVb\np3\ng2\ns."s),
      Exact("}q\x00(X\x01\x00\x00\x00" "aq\x01}q\x02X\x01\x00\x00\x00" "bq\x03h\x02u."s),
      Exact("\x80\x02}q\x00(X\x01\x00\x00\x00" "aq\x01}q\x02X\x01\x00\x00\x00" "bq\x03h\x02u."s),
      Exact("\x80\x03}q\x00(X\x01\x00\x00\x00" "aq\x01}q\x02X\x01\x00\x00\x00" "bq\x03h\x02u."s),
      Exact("\x80\x04\x95\x11\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x01" "a\x94}\x94\x8c\x01" "b\x94h\x02u."s),
      Exact("\x80\x05\x95\x11\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x01" "a\x94}\x94\x8c\x01" "b\x94h\x02u."s)}},
    {"SharedInt", kDefault,
     [](Builder& b) -> Value { Value x = b.integer(70000); Value f = b.float64(1.5); return b.list({x, x, f, f}); },
     {Exact("(lp0\nI70000\naI70000\naF1.5\naF1.5\na."s),
      Exact("]q\x00(Jp\x11\x01\x00Jp\x11\x01\x00G?\xf8\x00\x00\x00\x00\x00\x00G?\xf8\x00\x00\x00\x00\x00\x00" "e"
        "."s),
      Exact("\x80\x02]q\x00(Jp\x11\x01\x00Jp\x11\x01\x00G?\xf8\x00\x00\x00\x00\x00\x00G?\xf8\x00\x00\x00\x00\x00"
        "\x00" "e."s),
      Exact("\x80\x03]q\x00(Jp\x11\x01\x00Jp\x11\x01\x00G?\xf8\x00\x00\x00\x00\x00\x00G?\xf8\x00\x00\x00\x00\x00"
        "\x00" "e."s),
      Exact("\x80\x04\x95!\x00\x00\x00\x00\x00\x00\x00]\x94(Jp\x11\x01\x00Jp\x11\x01\x00G?\xf8\x00\x00\x00\x00"
        "\x00\x00G?\xf8\x00\x00\x00\x00\x00\x00" "e."s),
      Exact("\x80\x05\x95!\x00\x00\x00\x00\x00\x00\x00]\x94(Jp\x11\x01\x00Jp\x11\x01\x00G?\xf8\x00\x00\x00\x00"
        "\x00\x00G?\xf8\x00\x00\x00\x00\x00\x00" "e."s)}},
    {"SelfList", kDefault,
     [](Builder& b) -> Value { Value l = b.list(); b.append(l, l); return l; },
     {Exact("(lp0\ng0\na."s),
      Exact("]q\x00h\x00" "a."s),
      Exact("\x80\x02]q\x00h\x00" "a."s),
      Exact("\x80\x03]q\x00h\x00" "a."s),
      Exact("\x80\x04\x95\x06\x00\x00\x00\x00\x00\x00\x00]\x94h\x00" "a."s),
      Exact("\x80\x05\x95\x06\x00\x00\x00\x00\x00\x00\x00]\x94h\x00" "a."s)}},
    {"SelfDict", kDefault,
     [](Builder& b) -> Value { Value d = b.dict(); b.set_item(d, S(b, "me"), d); return d; },
     {Exact("(dp0\nVme\np1\ng0\ns."s),
      Exact("}q\x00X\x02\x00\x00\x00meq\x01h\x00s."s),
      Exact("\x80\x02}q\x00X\x02\x00\x00\x00meq\x01h\x00s."s),
      Exact("\x80\x03}q\x00X\x02\x00\x00\x00meq\x01h\x00s."s),
      Exact("\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x02me\x94h\x00s."s),
      Exact("\x80\x05\x95\x0b\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x02me\x94h\x00s."s)}},
    {"RecursiveTuple1", kDefault,
     [](Builder& b) -> Value { Value l = b.list(); Value t = b.tuple({l}); b.append(l, t); return t; },
     {Exact("((lp0\n(g0\ntp1\na00g1\n."s),
      Exact("(]q\x00(h\x00tq\x01" "a1h\x01."s),
      Exact("\x80\x02]q\x00h\x00\x85q\x01" "a0h\x01."s),
      Exact("\x80\x03]q\x00h\x00\x85q\x01" "a0h\x01."s),
      Exact("\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00]\x94h\x00\x85\x94" "a0h\x01."s),
      Exact("\x80\x05\x95\x0b\x00\x00\x00\x00\x00\x00\x00]\x94h\x00\x85\x94" "a0h\x01."s)}},
    {"RecursiveTuple4", kDefault,
     [](Builder& b) -> Value { Value l = b.list(); Value t = b.tuple({l, b.integer(1), b.integer(2), b.integer(3)}); b.append(l, t); return t; },
     {Exact("((lp0\n(g0\nI1\nI2\nI3\ntp1\naI1\nI2\nI3\n00000g1\n."s),
      Exact("(]q\x00(h\x00K\x01K\x02K\x03tq\x01" "aK\x01K\x02K\x03" "1h\x01."s),
      Exact("\x80\x02(]q\x00(h\x00K\x01K\x02K\x03tq\x01" "aK\x01K\x02K\x03" "1h\x01."s),
      Exact("\x80\x03(]q\x00(h\x00K\x01K\x02K\x03tq\x01" "aK\x01K\x02K\x03" "1h\x01."s),
      Exact("\x80\x04\x95\x19\x00\x00\x00\x00\x00\x00\x00(]\x94(h\x00K\x01K\x02K\x03t\x94" "aK\x01K\x02K\x03" "1"
        "h\x01."s),
      Exact("\x80\x05\x95\x19\x00\x00\x00\x00\x00\x00\x00(]\x94(h\x00K\x01K\x02K\x03t\x94" "aK\x01K\x02K\x03" "1"
        "h\x01."s)}},
    {"RecursiveTupleTwice", kDefault,
     [](Builder& b) -> Value { Value l = b.list(); Value t = b.tuple({l}); b.append(l, t); return b.list({t, t}); },
     {Exact("(lp0\n((lp1\n(g1\ntp2\na00g2\nag2\na."s),
      Exact("]q\x00((]q\x01(h\x01tq\x02" "a1h\x02h\x02" "e."s),
      Exact("\x80\x02]q\x00(]q\x01h\x01\x85q\x02" "a0h\x02h\x02" "e."s),
      Exact("\x80\x03]q\x00(]q\x01h\x01\x85q\x02" "a0h\x02h\x02" "e."s),
      Exact("\x80\x04\x95\x11\x00\x00\x00\x00\x00\x00\x00]\x94(]\x94h\x01\x85\x94" "a0h\x02h\x02" "e."s),
      Exact("\x80\x05\x95\x11\x00\x00\x00\x00\x00\x00\x00]\x94(]\x94h\x01\x85\x94" "a0h\x02h\x02" "e."s)}},
    {"SingletonStrA", kDefault,
     [](Builder& b) -> Value { return b.list({S(b, "a"), S(b, "a")}); },
     {Exact("(lp0\nVa\np1\nag1\na."s),
      Exact("]q\x00(X\x01\x00\x00\x00" "aq\x01h\x01" "e."s),
      Exact("\x80\x02]q\x00(X\x01\x00\x00\x00" "aq\x01h\x01" "e."s),
      Exact("\x80\x03]q\x00(X\x01\x00\x00\x00" "aq\x01h\x01" "e."s),
      Exact("\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x01" "a\x94h\x01" "e."s),
      Exact("\x80\x05\x95\x0b\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x01" "a\x94h\x01" "e."s)}},
    {"SingletonStrLatin1", kDefault,
     [](Builder& b) -> Value { return b.list({S(b, "\xc3\xa9"), S(b, "\xc3\xa9")}); },
     {Exact("(lp0\nV\xe9\np1\nag1\na."s),
      Exact("]q\x00(X\x02\x00\x00\x00\xc3\xa9q\x01h\x01" "e."s),
      Exact("\x80\x02]q\x00(X\x02\x00\x00\x00\xc3\xa9q\x01h\x01" "e."s),
      Exact("\x80\x03]q\x00(X\x02\x00\x00\x00\xc3\xa9q\x01h\x01" "e."s),
      Exact("\x80\x04\x95\x0c\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x02\xc3\xa9\x94h\x01" "e."s),
      Exact("\x80\x05\x95\x0c\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x02\xc3\xa9\x94h\x01" "e."s)}},
    {"SingletonEmpties", kDefault,
     [](Builder& b) -> Value { return b.list({S(b, ""), S(b, ""), By(b, ""), By(b, "")}); },
     {Exact("(lp0\nV\np1\nag1\nac__builtin__\nbytes\np2\n(tRp3\nag3\na."s),
      Exact("]q\x00(X\x00\x00\x00\x00q\x01h\x01" "c__builtin__\nbytes\nq\x02)Rq\x03h\x03" "e."s),
      Exact("\x80\x02]q\x00(X\x00\x00\x00\x00q\x01h\x01" "c__builtin__\nbytes\nq\x02)Rq\x03h\x03" "e."s),
      Exact("\x80\x03]q\x00(X\x00\x00\x00\x00q\x01h\x01" "C\x00q\x02h\x02" "e."s),
      Exact("\x80\x04\x95\x0f\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x00\x94h\x01" "C\x00\x94h\x02" "e."s),
      Exact("\x80\x05\x95\x0f\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x00\x94h\x01" "C\x00\x94h\x02" "e."s)}},
    {"SingletonBytesA", kDefault,
     [](Builder& b) -> Value { return b.list({By(b, "a"), By(b, "a")}); },
     {Exact("(lp0\nc_codecs\nencode\np1\n(Va\np2\nVlatin1\np3\ntp4\nRp5\nag5\na."s),
      Exact("]q\x00(c_codecs\nencode\nq\x01(X\x01\x00\x00\x00" "aq\x02X\x06\x00\x00\x00latin1q\x03tq\x04Rq\x05"
        "h\x05" "e."s),
      Exact("\x80\x02]q\x00(c_codecs\nencode\nq\x01X\x01\x00\x00\x00" "aq\x02X\x06\x00\x00\x00latin1q\x03\x86"
        "q\x04Rq\x05h\x05" "e."s),
      Exact("\x80\x03]q\x00(C\x01" "aq\x01h\x01" "e."s),
      Exact("\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00]\x94(C\x01" "a\x94h\x01" "e."s),
      Exact("\x80\x05\x95\x0b\x00\x00\x00\x00\x00\x00\x00]\x94(C\x01" "a\x94h\x01" "e."s)}},
    {"DistinctStrAB", kDefault,
     [](Builder& b) -> Value { return b.list({S(b, "ab"), S(b, "ab")}); },
     {Exact("(lp0\nVab\np1\naVab\np2\na."s),
      Exact("]q\x00(X\x02\x00\x00\x00" "abq\x01X\x02\x00\x00\x00" "abq\x02" "e."s),
      Exact("\x80\x02]q\x00(X\x02\x00\x00\x00" "abq\x01X\x02\x00\x00\x00" "abq\x02" "e."s),
      Exact("\x80\x03]q\x00(X\x02\x00\x00\x00" "abq\x01X\x02\x00\x00\x00" "abq\x02" "e."s),
      Exact("\x80\x04\x95\x0f\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x02" "ab\x94\x8c\x02" "ab\x94" "e."s),
      Exact("\x80\x05\x95\x0f\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x02" "ab\x94\x8c\x02" "ab\x94" "e."s)}},
    {"DistinctStrU0100", kDefault,
     [](Builder& b) -> Value { return b.list({S(b, "\xc4\x80"), S(b, "\xc4\x80")}); },
     {Exact("(lp0\nV\\u0100\np1\naV\\u0100\np2\na."s),
      Exact("]q\x00(X\x02\x00\x00\x00\xc4\x80q\x01X\x02\x00\x00\x00\xc4\x80q\x02" "e."s),
      Exact("\x80\x02]q\x00(X\x02\x00\x00\x00\xc4\x80q\x01X\x02\x00\x00\x00\xc4\x80q\x02" "e."s),
      Exact("\x80\x03]q\x00(X\x02\x00\x00\x00\xc4\x80q\x01X\x02\x00\x00\x00\xc4\x80q\x02" "e."s),
      Exact("\x80\x04\x95\x0f\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x02\xc4\x80\x94\x8c\x02\xc4\x80\x94" "e."s),
      Exact("\x80\x05\x95\x0f\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x02\xc4\x80\x94\x8c\x02\xc4\x80\x94" "e."s)}},
    {"DistinctBytesAB", kDefault,
     [](Builder& b) -> Value { return b.list({By(b, "ab"), By(b, "ab")}); },
     {Exact("(lp0\nc_codecs\nencode\np1\n(Vab\np2\nVlatin1\np3\ntp4\nRp5\nag1\n(Vab\np6\ng3\ntp7\nRp8\na."s),
      Exact("]q\x00(c_codecs\nencode\nq\x01(X\x02\x00\x00\x00" "abq\x02X\x06\x00\x00\x00latin1q\x03tq\x04Rq\x05"
        "h\x01(X\x02\x00\x00\x00" "abq\x06h\x03tq\x07Rq\x08" "e."s),
      Exact("\x80\x02]q\x00(c_codecs\nencode\nq\x01X\x02\x00\x00\x00" "abq\x02X\x06\x00\x00\x00latin1q\x03\x86"
        "q\x04Rq\x05h\x01X\x02\x00\x00\x00" "abq\x06h\x03\x86q\x07Rq\x08" "e."s),
      Exact("\x80\x03]q\x00(C\x02" "abq\x01" "C\x02" "abq\x02" "e."s),
      Exact("\x80\x04\x95\x0f\x00\x00\x00\x00\x00\x00\x00]\x94(C\x02" "ab\x94" "C\x02" "ab\x94" "e."s),
      Exact("\x80\x05\x95\x0f\x00\x00\x00\x00\x00\x00\x00]\x94(C\x02" "ab\x94" "C\x02" "ab\x94" "e."s)}},
    {"GlobalSet", kDefault,
     [](Builder& b) -> Value { return b.global("builtins", "set"); },
     {Exact("c__builtin__\nset\np0\n."s),
      Exact("c__builtin__\nset\nq\x00."s),
      Exact("\x80\x02" "c__builtin__\nset\nq\x00."s),
      Exact("\x80\x03" "cbuiltins\nset\nq\x00."s),
      Exact("\x80\x04\x95\x14\x00\x00\x00\x00\x00\x00\x00\x8c\x08" "builtins\x94\x8c\x03set\x94\x93\x94."s),
      Exact("\x80\x05\x95\x14\x00\x00\x00\x00\x00\x00\x00\x8c\x08" "builtins\x94\x8c\x03set\x94\x93\x94."s)}},
    {"GlobalSetNoFix", kNoFixImports,
     [](Builder& b) -> Value { return b.global("builtins", "set"); },
     {Exact("cbuiltins\nset\np0\n."s),
      Exact("cbuiltins\nset\nq\x00."s),
      Exact("\x80\x02" "cbuiltins\nset\nq\x00."s),
      Exact("\x80\x03" "cbuiltins\nset\nq\x00."s),
      Exact("\x80\x04\x95\x14\x00\x00\x00\x00\x00\x00\x00\x8c\x08" "builtins\x94\x8c\x03set\x94\x93\x94."s),
      Exact("\x80\x05\x95\x14\x00\x00\x00\x00\x00\x00\x00\x8c\x08" "builtins\x94\x8c\x03set\x94\x93\x94."s)}},
    {"GlobalRange", kDefault,
     [](Builder& b) -> Value { return b.global("builtins", "range"); },
     {Exact("c__builtin__\nxrange\np0\n."s),
      Exact("c__builtin__\nxrange\nq\x00."s),
      Exact("\x80\x02" "c__builtin__\nxrange\nq\x00."s),
      Exact("\x80\x03" "cbuiltins\nrange\nq\x00."s),
      Exact("\x80\x04\x95\x16\x00\x00\x00\x00\x00\x00\x00\x8c\x08" "builtins\x94\x8c\x05range\x94\x93\x94."s),
      Exact("\x80\x05\x95\x16\x00\x00\x00\x00\x00\x00\x00\x8c\x08" "builtins\x94\x8c\x05range\x94\x93\x94."s)}},
    {"GlobalValueError", kDefault,
     [](Builder& b) -> Value { return b.global("builtins", "ValueError"); },
     {Exact("cexceptions\nValueError\np0\n."s),
      Exact("cexceptions\nValueError\nq\x00."s),
      Exact("\x80\x02" "cexceptions\nValueError\nq\x00."s),
      Exact("\x80\x03" "cbuiltins\nValueError\nq\x00."s),
      Exact("\x80\x04\x95\x1b\x00\x00\x00\x00\x00\x00\x00\x8c\x08" "builtins\x94\x8c\nValueError\x94\x93\x94."
        ""s),
      Exact("\x80\x05\x95\x1b\x00\x00\x00\x00\x00\x00\x00\x8c\x08" "builtins\x94\x8c\nValueError\x94\x93\x94."
        ""s)}},
    {"GlobalReconstructor", kDefault,
     [](Builder& b) -> Value { return b.global("copyreg", "_reconstructor"); },
     {Exact("ccopy_reg\n_reconstructor\np0\n."s),
      Exact("ccopy_reg\n_reconstructor\nq\x00."s),
      Exact("\x80\x02" "ccopy_reg\n_reconstructor\nq\x00."s),
      Exact("\x80\x03" "ccopyreg\n_reconstructor\nq\x00."s),
      Exact("\x80\x04\x95\x1e\x00\x00\x00\x00\x00\x00\x00\x8c\x07" "copyreg\x94\x8c\x0e_reconstructor\x94\x93"
        "\x94."s),
      Exact("\x80\x05\x95\x1e\x00\x00\x00\x00\x00\x00\x00\x8c\x07" "copyreg\x94\x8c\x0e_reconstructor\x94\x93"
        "\x94."s)}},
    {"GlobalOrderedDict", kDefault,
     [](Builder& b) -> Value { return b.global("collections", "OrderedDict"); },
     {Exact("ccollections\nOrderedDict\np0\n."s),
      Exact("ccollections\nOrderedDict\nq\x00."s),
      Exact("\x80\x02" "ccollections\nOrderedDict\nq\x00."s),
      Exact("\x80\x03" "ccollections\nOrderedDict\nq\x00."s),
      Exact("\x80\x04\x95\x1f\x00\x00\x00\x00\x00\x00\x00\x8c\x0b" "collections\x94\x8c\x0bOrderedDict\x94\x93"
        "\x94."s),
      Exact("\x80\x05\x95\x1f\x00\x00\x00\x00\x00\x00\x00\x8c\x0b" "collections\x94\x8c\x0bOrderedDict\x94\x93"
        "\x94."s)}},
    {"GlobalsShared", kDefault,
     [](Builder& b) -> Value { Value s = b.global("builtins", "set"); return b.list({s, b.global("builtins", "frozenset"), b.global("builtins", "set")}); },
     {Exact("(lp0\nc__builtin__\nset\np1\nac__builtin__\nfrozenset\np2\nag1\na."s),
      Exact("]q\x00(c__builtin__\nset\nq\x01" "c__builtin__\nfrozenset\nq\x02h\x01" "e."s),
      Exact("\x80\x02]q\x00(c__builtin__\nset\nq\x01" "c__builtin__\nfrozenset\nq\x02h\x01" "e."s),
      Exact("\x80\x03]q\x00(cbuiltins\nset\nq\x01" "cbuiltins\nfrozenset\nq\x02h\x01" "e."s),
      Exact("\x80\x04\x95*\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x08" "builtins\x94\x8c\x03set\x94\x93\x94h\x01"
        "\x8c\x09" "frozenset\x94\x93\x94h\x03" "e."s),
      Exact("\x80\x05\x95*\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x08" "builtins\x94\x8c\x03set\x94\x93\x94h\x01"
        "\x8c\x09" "frozenset\x94\x93\x94h\x03" "e."s)}},
    {"GlobalsSameModule", kDefault,
     [](Builder& b) -> Value { return b.list({b.global("collections", "OrderedDict"), b.global("collections", "Counter"), b.global("collections", "OrderedDict")}); },
     {Exact("(lp0\nccollections\nOrderedDict\np1\naccollections\nCounter\np2\nag1\na."s),
      Exact("]q\x00(ccollections\nOrderedDict\nq\x01" "ccollections\nCounter\nq\x02h\x01" "e."s),
      Exact("\x80\x02]q\x00(ccollections\nOrderedDict\nq\x01" "ccollections\nCounter\nq\x02h\x01" "e."s),
      Exact("\x80\x03]q\x00(ccollections\nOrderedDict\nq\x01" "ccollections\nCounter\nq\x02h\x01" "e."s),
      Exact("\x80\x04\x95" "3\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x0b" "collections\x94\x8c\x0bOrderedDict\x94"
        "\x93\x94h\x01\x8c\x07" "Counter\x94\x93\x94h\x03" "e."s),
      Exact("\x80\x05\x95" "3\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x0b" "collections\x94\x8c\x0bOrderedDict\x94"
        "\x93\x94h\x01\x8c\x07" "Counter\x94\x93\x94h\x03" "e."s)}},
    {"GlobalsBuiltinFunctions", kDefault,
     [](Builder& b) -> Value { return b.list({b.global("builtins", "len"), b.global("builtins", "set"), b.global("builtins", "len"), b.global("builtins", "print")}); },
     {Exact("(lp0\nc__builtin__\nlen\np1\nac__builtin__\nset\np2\nag1\nac__builtin__\nprint\np3\na."s),
      Exact("]q\x00(c__builtin__\nlen\nq\x01" "c__builtin__\nset\nq\x02h\x01" "c__builtin__\nprint\nq\x03" "e"
        "."s),
      Exact("\x80\x02]q\x00(c__builtin__\nlen\nq\x01" "c__builtin__\nset\nq\x02h\x01" "c__builtin__\nprint\nq"
        "\x03" "e."s),
      Exact("\x80\x03]q\x00(cbuiltins\nlen\nq\x01" "cbuiltins\nset\nq\x02h\x01" "cbuiltins\nprint\nq\x03" "e."
        ""s),
      Exact("\x80\x04\x95" "9\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x08" "builtins\x94\x8c\x03len\x94\x93\x94"
        "\x8c\x08" "builtins\x94\x8c\x03set\x94\x93\x94h\x03h\x01\x8c\x05print\x94\x93\x94" "e."s),
      Exact("\x80\x05\x95" "9\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x08" "builtins\x94\x8c\x03len\x94\x93\x94"
        "\x8c\x08" "builtins\x94\x8c\x03set\x94\x93\x94h\x03h\x01\x8c\x05print\x94\x93\x94" "e."s)}},
    {"GlobalNested", kDefault,
     [](Builder& b) -> Value { return b.list({b.global("__main__", "Outer.Inner"), b.global("__main__", "Outer"), b.global("__main__", "Outer.Inner")}); },
     {Exact("(lp0\nc__builtin__\ngetattr\np1\n(c__main__\nOuter\np2\nVInner\np3\ntp4\nRp5\nag2\nag5\na."s),
      Exact("]q\x00(c__builtin__\ngetattr\nq\x01(c__main__\nOuter\nq\x02X\x05\x00\x00\x00Innerq\x03tq\x04Rq\x05"
        "h\x02h\x05" "e."s),
      Exact("\x80\x02]q\x00(c__builtin__\ngetattr\nq\x01" "c__main__\nOuter\nq\x02X\x05\x00\x00\x00Innerq\x03"
        "\x86q\x04Rq\x05h\x02h\x05" "e."s),
      Exact("\x80\x03]q\x00(cbuiltins\ngetattr\nq\x01" "c__main__\nOuter\nq\x02X\x05\x00\x00\x00Innerq\x03\x86"
        "q\x04Rq\x05h\x02h\x05" "e."s),
      Exact("\x80\x04\x95.\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x08__main__\x94\x8c\x0bOuter.Inner\x94\x93\x94"
        "h\x01\x8c\x05Outer\x94\x93\x94h\x03" "e."s),
      Exact("\x80\x05\x95.\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x08__main__\x94\x8c\x0bOuter.Inner\x94\x93\x94"
        "h\x01\x8c\x05Outer\x94\x93\x94h\x03" "e."s)}},
    {"GlobalNestedNoFix", kNoFixImports,
     [](Builder& b) -> Value { return b.global("__main__", "Outer.Inner"); },
     {Exact("cbuiltins\ngetattr\np0\n(c__main__\nOuter\np1\nVInner\np2\ntp3\nRp4\n."s),
      Exact("cbuiltins\ngetattr\nq\x00(c__main__\nOuter\nq\x01X\x05\x00\x00\x00Innerq\x02tq\x03Rq\x04."s),
      Exact("\x80\x02" "cbuiltins\ngetattr\nq\x00" "c__main__\nOuter\nq\x01X\x05\x00\x00\x00Innerq\x02\x86q\x03"
        "Rq\x04."s),
      Exact("\x80\x03" "cbuiltins\ngetattr\nq\x00" "c__main__\nOuter\nq\x01X\x05\x00\x00\x00Innerq\x02\x86q\x03"
        "Rq\x04."s),
      Exact("\x80\x04\x95\x1c\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x0bOuter.Inner\x94\x93\x94."
        ""s),
      Exact("\x80\x05\x95\x1c\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x0bOuter.Inner\x94\x93\x94."
        ""s)}},
    {"GlobalNonAscii", kDefault,
     [](Builder& b) -> Value { return b.global("__main__", "Caf\xc3\xa9"); },
     {Unsupported(),
      Unsupported(),
      Unsupported(),
      Exact("\x80\x03" "c__main__\nCaf\xc3\xa9\nq\x00."s),
      Exact("\x80\x04\x95\x16\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x05" "Caf\xc3\xa9\x94\x93\x94"
        "."s),
      Exact("\x80\x05\x95\x16\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x05" "Caf\xc3\xa9\x94\x93\x94"
        "."s)}},
    {"ReduceWithState", kDefault,
     [](Builder& b) -> Value { Value o = b.object(MadeBy::kReduce, b.global("__main__", "Red"), b.tuple({b.integer(1), b.integer(2)})); b.set_state(o, b.dict({{S(b, "x"), b.integer(1)}})); return o; },
     {Exact("c__main__\nRed\np0\n(I1\nI2\ntp1\nRp2\n(dp3\nVx\np4\nI1\nsb."s),
      Exact("c__main__\nRed\nq\x00(K\x01K\x02tq\x01Rq\x02}q\x03X\x01\x00\x00\x00xq\x04K\x01sb."s),
      Exact("\x80\x02" "c__main__\nRed\nq\x00K\x01K\x02\x86q\x01Rq\x02}q\x03X\x01\x00\x00\x00xq\x04K\x01sb."s),
      Exact("\x80\x03" "c__main__\nRed\nq\x00K\x01K\x02\x86q\x01Rq\x02}q\x03X\x01\x00\x00\x00xq\x04K\x01sb."s),
      Exact("\x80\x04\x95&\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x03Red\x94\x93\x94K\x01K\x02\x86"
        "\x94R\x94}\x94\x8c\x01x\x94K\x01sb."s),
      Exact("\x80\x05\x95&\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x03Red\x94\x93\x94K\x01K\x02\x86"
        "\x94R\x94}\x94\x8c\x01x\x94K\x01sb."s)}},
    {"ReduceNoState", kDefault,
     [](Builder& b) -> Value { return b.object(MadeBy::kReduce, b.global("__main__", "Red2"), b.tuple({S(b, "a")})); },
     {Exact("c__main__\nRed2\np0\n(Va\np1\ntp2\nRp3\n."s),
      Exact("c__main__\nRed2\nq\x00(X\x01\x00\x00\x00" "aq\x01tq\x02Rq\x03."s),
      Exact("\x80\x02" "c__main__\nRed2\nq\x00X\x01\x00\x00\x00" "aq\x01\x85q\x02Rq\x03."s),
      Exact("\x80\x03" "c__main__\nRed2\nq\x00X\x01\x00\x00\x00" "aq\x01\x85q\x02Rq\x03."s),
      Exact("\x80\x04\x95\x1d\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x04Red2\x94\x93\x94\x8c\x01"
        "a\x94\x85\x94R\x94."s),
      Exact("\x80\x05\x95\x1d\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x04Red2\x94\x93\x94\x8c\x01"
        "a\x94\x85\x94R\x94."s)}},
    {"NewObjState", kDefault,
     [](Builder& b) -> Value { Value o = b.object(MadeBy::kNewObj, b.global("__main__", "Plain"), b.tuple({})); b.set_state(o, b.dict({{S(b, "a"), b.integer(1)}})); return o; },
     {Exact("ccopy_reg\n_reconstructor\np0\n(c__main__\nPlain\np1\nc__builtin__\nobject\np2\nNtp3\nRp4\n(dp5\n"
        "Va\np6\nI1\nsb."s),
      Exact("ccopy_reg\n_reconstructor\nq\x00(c__main__\nPlain\nq\x01" "c__builtin__\nobject\nq\x02Ntq\x03Rq\x04"
        "}q\x05X\x01\x00\x00\x00" "aq\x06K\x01sb."s),
      Exact("\x80\x02" "c__main__\nPlain\nq\x00)\x81q\x01}q\x02X\x01\x00\x00\x00" "aq\x03K\x01sb."s),
      Exact("\x80\x03" "c__main__\nPlain\nq\x00)\x81q\x01}q\x02X\x01\x00\x00\x00" "aq\x03K\x01sb."s),
      Exact("\x80\x04\x95#\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x05Plain\x94\x93\x94)\x81\x94}"
        "\x94\x8c\x01" "a\x94K\x01sb."s),
      Exact("\x80\x05\x95#\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x05Plain\x94\x93\x94)\x81\x94}"
        "\x94\x8c\x01" "a\x94K\x01sb."s)}},
    {"NewObjEmpty", kDefault,
     [](Builder& b) -> Value { return b.object(MadeBy::kNewObj, b.global("__main__", "Empty"), b.tuple({})); },
     {Exact("ccopy_reg\n_reconstructor\np0\n(c__main__\nEmpty\np1\nc__builtin__\nobject\np2\nNtp3\nRp4\n."s),
      Exact("ccopy_reg\n_reconstructor\nq\x00(c__main__\nEmpty\nq\x01" "c__builtin__\nobject\nq\x02Ntq\x03Rq\x04"
        "."s),
      Exact("\x80\x02" "c__main__\nEmpty\nq\x00)\x81q\x01."s),
      Exact("\x80\x03" "c__main__\nEmpty\nq\x00)\x81q\x01."s),
      Exact("\x80\x04\x95\x19\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x05" "Empty\x94\x93\x94)\x81"
        "\x94."s),
      Exact("\x80\x05\x95\x19\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x05" "Empty\x94\x93\x94)\x81"
        "\x94."s)}},
    {"NewObjArgs", kDefault,
     [](Builder& b) -> Value { return b.object(MadeBy::kNewObj, b.global("__main__", "NA"), b.tuple({b.integer(1), S(b, "x")})); },
     {Exact("ccopy_reg\n_reconstructor\np0\n(c__main__\nNA\np1\nc__builtin__\nobject\np2\nNtp3\nRp4\n."s),
      Exact("ccopy_reg\n_reconstructor\nq\x00(c__main__\nNA\nq\x01" "c__builtin__\nobject\nq\x02Ntq\x03Rq\x04"
        "."s),
      Exact("\x80\x02" "c__main__\nNA\nq\x00K\x01X\x01\x00\x00\x00xq\x01\x86q\x02\x81q\x03."s),
      Exact("\x80\x03" "c__main__\nNA\nq\x00K\x01X\x01\x00\x00\x00xq\x01\x86q\x02\x81q\x03."s),
      Exact("\x80\x04\x95\x1d\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x02NA\x94\x93\x94K\x01\x8c\x01"
        "x\x94\x86\x94\x81\x94."s),
      Exact("\x80\x05\x95\x1d\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x02NA\x94\x93\x94K\x01\x8c\x01"
        "x\x94\x86\x94\x81\x94."s)}},
    {"NewObjEx", kDefault,
     [](Builder& b) -> Value { return b.object(b.global("__main__", "KW"), b.tuple({b.integer(1)}), b.dict({{S(b, "k"), b.integer(2)}})); },
     {Exact("ccopy_reg\n_reconstructor\np0\n(c__main__\nKW\np1\nc__builtin__\nobject\np2\nNtp3\nRp4\n."s),
      Exact("ccopy_reg\n_reconstructor\nq\x00(c__main__\nKW\nq\x01" "c__builtin__\nobject\nq\x02Ntq\x03Rq\x04"
        "."s),
      Exact("\x80\x02" "cfunctools\npartial\nq\x00" "c__builtin__\ngetattr\nq\x01" "c__main__\nKW\nq\x02X\x07"
        "\x00\x00\x00__new__q\x03\x86q\x04Rq\x05\x85q\x06Rq\x07(h\x05h\x02K\x01\x86q\x08}q\x09X\x01\x00\x00"
        "\x00kq\nK\x02sNtq\x0b" "b)Rq\x0c."s),
      Exact("\x80\x03" "cfunctools\npartial\nq\x00" "cbuiltins\ngetattr\nq\x01" "c__main__\nKW\nq\x02X\x07\x00"
        "\x00\x00__new__q\x03\x86q\x04Rq\x05\x85q\x06Rq\x07(h\x05h\x02K\x01\x86q\x08}q\x09X\x01\x00\x00\x00"
        "kq\nK\x02sNtq\x0b" "b)Rq\x0c."s),
      Exact("\x80\x04\x95\"\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x02KW\x94\x93\x94K\x01\x85\x94"
        "}\x94\x8c\x01k\x94K\x02s\x92\x94."s),
      Exact("\x80\x05\x95\"\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x02KW\x94\x93\x94K\x01\x85\x94"
        "}\x94\x8c\x01k\x94K\x02s\x92\x94."s)}},
    {"ObjectShared", kDefault,
     [](Builder& b) -> Value { Value o = b.object(MadeBy::kNewObj, b.global("__main__", "Plain"), b.tuple({})); b.set_state(o, b.dict({{S(b, "a"), b.integer(1)}})); return b.list({o, o}); },
     {Exact("(lp0\nccopy_reg\n_reconstructor\np1\n(c__main__\nPlain\np2\nc__builtin__\nobject\np3\nNtp4\nRp5\n"
        "(dp6\nVa\np7\nI1\nsbag5\na."s),
      Exact("]q\x00(ccopy_reg\n_reconstructor\nq\x01(c__main__\nPlain\nq\x02" "c__builtin__\nobject\nq\x03Ntq"
        "\x04Rq\x05}q\x06X\x01\x00\x00\x00" "aq\x07K\x01sbh\x05" "e."s),
      Exact("\x80\x02]q\x00(c__main__\nPlain\nq\x01)\x81q\x02}q\x03X\x01\x00\x00\x00" "aq\x04K\x01sbh\x02" "e"
        "."s),
      Exact("\x80\x03]q\x00(c__main__\nPlain\nq\x01)\x81q\x02}q\x03X\x01\x00\x00\x00" "aq\x04K\x01sbh\x02" "e"
        "."s),
      Exact("\x80\x04\x95)\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x08__main__\x94\x8c\x05Plain\x94\x93\x94)\x81"
        "\x94}\x94\x8c\x01" "a\x94K\x01sbh\x04" "e."s),
      Exact("\x80\x05\x95)\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x08__main__\x94\x8c\x05Plain\x94\x93\x94)\x81"
        "\x94}\x94\x8c\x01" "a\x94K\x01sbh\x04" "e."s)}},
    {"ObjectSelfState", kDefault,
     [](Builder& b) -> Value { Value o = b.object(MadeBy::kNewObj, b.global("__main__", "Plain"), b.tuple({})); b.set_state(o, b.dict({{S(b, "me"), o}})); return o; },
     {Exact("ccopy_reg\n_reconstructor\np0\n(c__main__\nPlain\np1\nc__builtin__\nobject\np2\nNtp3\nRp4\n(dp5\n"
        "Vme\np6\ng4\nsb."s),
      Exact("ccopy_reg\n_reconstructor\nq\x00(c__main__\nPlain\nq\x01" "c__builtin__\nobject\nq\x02Ntq\x03Rq\x04"
        "}q\x05X\x02\x00\x00\x00meq\x06h\x04sb."s),
      Exact("\x80\x02" "c__main__\nPlain\nq\x00)\x81q\x01}q\x02X\x02\x00\x00\x00meq\x03h\x01sb."s),
      Exact("\x80\x03" "c__main__\nPlain\nq\x00)\x81q\x01}q\x02X\x02\x00\x00\x00meq\x03h\x01sb."s),
      Exact("\x80\x04\x95$\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x05Plain\x94\x93\x94)\x81\x94}"
        "\x94\x8c\x02me\x94h\x03sb."s),
      Exact("\x80\x05\x95$\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x05Plain\x94\x93\x94)\x81\x94}"
        "\x94\x8c\x02me\x94h\x03sb."s)}},
    {"ReduceRecursive", kDefault,
     [](Builder& b) -> Value { Value l = b.list(); Value o = b.object(MadeBy::kReduce, b.global("__main__", "RR"), b.tuple({l})); b.append(l, o); return o; },
     {Exact("c__main__\nRR\np0\n((lp1\ng0\n(g1\ntp2\nRp3\natp4\nR0g3\n."s),
      Exact("c__main__\nRR\nq\x00(]q\x01h\x00(h\x01tq\x02Rq\x03" "atq\x04R0h\x03."s),
      Exact("\x80\x02" "c__main__\nRR\nq\x00]q\x01h\x00h\x01\x85q\x02Rq\x03" "a\x85q\x04R0h\x03."s),
      Exact("\x80\x03" "c__main__\nRR\nq\x00]q\x01h\x00h\x01\x85q\x02Rq\x03" "a\x85q\x04R0h\x03."s),
      Exact("\x80\x04\x95$\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x02RR\x94\x93\x94]\x94h\x02h\x03"
        "\x85\x94R\x94" "a\x85\x94R0h\x05."s),
      Exact("\x80\x05\x95$\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x02RR\x94\x93\x94]\x94h\x02h\x03"
        "\x85\x94R\x94" "a\x85\x94R0h\x05."s)}},
    {"NewObjRecursive", kDefault,
     [](Builder& b) -> Value { Value l = b.list(); Value o = b.object(MadeBy::kNewObj, b.global("__main__", "NR"), b.tuple({l})); b.append(l, o); return o; },
     {Exact("ccopy_reg\n_reconstructor\np0\n(c__main__\nNR\np1\nc__builtin__\nobject\np2\nNtp3\nRp4\n."s),
      Exact("ccopy_reg\n_reconstructor\nq\x00(c__main__\nNR\nq\x01" "c__builtin__\nobject\nq\x02Ntq\x03Rq\x04"
        "."s),
      Exact("\x80\x02" "c__main__\nNR\nq\x00]q\x01h\x00h\x01\x85q\x02\x81q\x03" "a\x85q\x04\x81" "0h\x03."s),
      Exact("\x80\x03" "c__main__\nNR\nq\x00]q\x01h\x00h\x01\x85q\x02\x81q\x03" "a\x85q\x04\x81" "0h\x03."s),
      Exact("\x80\x04\x95$\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x02NR\x94\x93\x94]\x94h\x02h\x03"
        "\x85\x94\x81\x94" "a\x85\x94\x81" "0h\x05."s),
      Exact("\x80\x05\x95$\x00\x00\x00\x00\x00\x00\x00\x8c\x08__main__\x94\x8c\x02NR\x94\x93\x94]\x94h\x02h\x03"
        "\x85\x94\x81\x94" "a\x85\x94\x81" "0h\x05."s)}},
    {"FrozenSetRecursive", kDefault,
     [](Builder& b) -> Value { Value o = b.object(MadeBy::kNewObj, b.global("__main__", "Plain"), b.tuple({})); Value fs = b.frozenset({o}); b.set_state(o, b.dict({{S(b, "fs"), fs}})); return fs; },
     {Exact("c__builtin__\nfrozenset\np0\n((lp1\nccopy_reg\n_reconstructor\np2\n(c__main__\nPlain\np3\nc__bui"
        "ltin__\nobject\np4\nNtp5\nRp6\n(dp7\nVfs\np8\ng0\n((lp9\ng6\natp10\nRp11\nsbatp12\nR0g11\n."s),
      Exact("c__builtin__\nfrozenset\nq\x00(]q\x01" "ccopy_reg\n_reconstructor\nq\x02(c__main__\nPlain\nq\x03"
        "c__builtin__\nobject\nq\x04Ntq\x05Rq\x06}q\x07X\x02\x00\x00\x00" "fsq\x08h\x00(]q\x09h\x06" "atq"
        "\nRq\x0bsbatq\x0cR0h\x0b."s),
      Exact("\x80\x02" "c__builtin__\nfrozenset\nq\x00]q\x01" "c__main__\nPlain\nq\x02)\x81q\x03}q\x04X\x02\x00"
        "\x00\x00" "fsq\x05h\x00]q\x06h\x03" "a\x85q\x07Rq\x08sba\x85q\x09R0h\x08."s),
      Exact("\x80\x03" "cbuiltins\nfrozenset\nq\x00]q\x01" "c__main__\nPlain\nq\x02)\x81q\x03}q\x04X\x02\x00\x00"
        "\x00" "fsq\x05h\x00]q\x06h\x03" "a\x85q\x07Rq\x08sba\x85q\x09R0h\x08."s),
      Exact("\x80\x04\x95+\x00\x00\x00\x00\x00\x00\x00(\x8c\x08__main__\x94\x8c\x05Plain\x94\x93\x94)\x81\x94"
        "}\x94\x8c\x02" "fs\x94(h\x03\x91\x94sb1h\x06."s),
      Exact("\x80\x05\x95+\x00\x00\x00\x00\x00\x00\x00(\x8c\x08__main__\x94\x8c\x05Plain\x94\x93\x94)\x81\x94"
        "}\x94\x8c\x02" "fs\x94(h\x03\x91\x94sb1h\x06."s)}},
    {"SetRecursive", kDefault,
     [](Builder& b) -> Value { Value o = b.object(MadeBy::kNewObj, b.global("__main__", "Plain"), b.tuple({})); Value st = b.set({o}); b.set_state(o, b.dict({{S(b, "s"), st}})); return st; },
     {Exact("c__builtin__\nset\np0\n((lp1\nccopy_reg\n_reconstructor\np2\n(c__main__\nPlain\np3\nc__builtin__"
        "\nobject\np4\nNtp5\nRp6\n(dp7\nVs\np8\ng0\n((lp9\ng6\natp10\nRp11\nsbatp12\nR0g11\n."s),
      Exact("c__builtin__\nset\nq\x00(]q\x01" "ccopy_reg\n_reconstructor\nq\x02(c__main__\nPlain\nq\x03" "c__"
        "builtin__\nobject\nq\x04Ntq\x05Rq\x06}q\x07X\x01\x00\x00\x00sq\x08h\x00(]q\x09h\x06" "atq\nRq\x0b"
        "sbatq\x0cR0h\x0b."s),
      Exact("\x80\x02" "c__builtin__\nset\nq\x00]q\x01" "c__main__\nPlain\nq\x02)\x81q\x03}q\x04X\x01\x00\x00"
        "\x00sq\x05h\x00]q\x06h\x03" "a\x85q\x07Rq\x08sba\x85q\x09R0h\x08."s),
      Exact("\x80\x03" "cbuiltins\nset\nq\x00]q\x01" "c__main__\nPlain\nq\x02)\x81q\x03}q\x04X\x01\x00\x00\x00"
        "sq\x05h\x00]q\x06h\x03" "a\x85q\x07Rq\x08sba\x85q\x09R0h\x08."s),
      Exact("\x80\x04\x95'\x00\x00\x00\x00\x00\x00\x00\x8f\x94(\x8c\x08__main__\x94\x8c\x05Plain\x94\x93\x94)"
        "\x81\x94}\x94\x8c\x01s\x94h\x00sb\x90."s),
      Exact("\x80\x05\x95'\x00\x00\x00\x00\x00\x00\x00\x8f\x94(\x8c\x08__main__\x94\x8c\x05Plain\x94\x93\x94)"
        "\x81\x94}\x94\x8c\x01s\x94h\x00sb\x90."s)}},
    {"LongBinGet", kDefault,
     [](Builder& b) -> Value { std::vector<Value> v = NumberedStrs(b, 300); v.push_back(v[0]); v.push_back(v[299]); return List(b, v); },
     {Big(3398, 0x1fe6c15db9edec1eull, "(lp0\nVx0\np1\naVx1\np2\naVx2"s, "aVx299\np300\nag1\nag300\na."s),
      Big(3338, 0xaa931254eeea6ee2ull, "]q\x00(X\x02\x00\x00\x00x0q\x01X\x02\x00\x00\x00x1q\x02X\x02"s, "\x00X\x04\x00\x00\x00x299r,\x01\x00\x00h\x01j,\x01\x00\x00" "e."s),
      Big(3340, 0x1e58e95d3bf864a0ull, "\x80\x02]q\x00(X\x02\x00\x00\x00x0q\x01X\x02\x00\x00\x00x1q\x02"s, "\x00X\x04\x00\x00\x00x299r,\x01\x00\x00h\x01j,\x01\x00\x00" "e."s),
      Big(3340, 0x83617b190b47d8ffull, "\x80\x03]q\x00(X\x02\x00\x00\x00x0q\x01X\x02\x00\x00\x00x1q\x02"s, "\x00X\x04\x00\x00\x00x299r,\x01\x00\x00h\x01j,\x01\x00\x00" "e."s),
      Big(2013, 0xb3d10474e7003211ull, "\x80\x04\x95\xd2\x07\x00\x00\x00\x00\x00\x00]\x94(\x8c\x02x0\x94\x8c\x02x1\x94"s, "\x94\x8c\x04x298\x94\x8c\x04x299\x94h\x01j,\x01\x00\x00" "e."s),
      Big(2013, 0xded96905bc8c38a4ull, "\x80\x05\x95\xd2\x07\x00\x00\x00\x00\x00\x00]\x94(\x8c\x02x0\x94\x8c\x02x1\x94"s, "\x94\x8c\x04x298\x94\x8c\x04x299\x94h\x01j,\x01\x00\x00" "e."s)}},
    {"PersistentStr", kPersStr,
     [](Builder& b) -> Value { return b.list({b.integer(1), By(b, "xx"), S(b, "y"), b.tuple({b.integer(1), b.integer(2)})}); },
     {Exact("(lp0\nI1\naPext\naVy\np1\na(I1\nI2\ntp2\na."s),
      Exact("]q\x00(K\x01X\x03\x00\x00\x00" "extq\x01QX\x01\x00\x00\x00yq\x02(K\x01K\x02tq\x03" "e."s),
      Exact("\x80\x02]q\x00(K\x01X\x03\x00\x00\x00" "extq\x01QX\x01\x00\x00\x00yq\x02K\x01K\x02\x86q\x03" "e."
        ""s),
      Exact("\x80\x03]q\x00(K\x01X\x03\x00\x00\x00" "extq\x01QX\x01\x00\x00\x00yq\x02K\x01K\x02\x86q\x03" "e."
        ""s),
      Exact("\x80\x04\x95\x18\x00\x00\x00\x00\x00\x00\x00]\x94(K\x01\x8c\x03" "ext\x94Q\x8c\x01y\x94K\x01K\x02"
        "\x86\x94" "e."s),
      Exact("\x80\x05\x95\x18\x00\x00\x00\x00\x00\x00\x00]\x94(K\x01\x8c\x03" "ext\x94Q\x8c\x01y\x94K\x01K\x02"
        "\x86\x94" "e."s)}},
    {"PersistentTuple", kPersTuple,
     [](Builder& b) -> Value { return b.list({b.integer(1), By(b, "xx"), S(b, "y"), b.tuple({b.integer(1), b.integer(2)})}); },
     {Exact("(lp0\nI1\naP('t', 7)\naVy\np1\na(I1\nI2\ntp2\na."s),
      Exact("]q\x00(K\x01(X\x01\x00\x00\x00tq\x01K\x07tq\x02QX\x01\x00\x00\x00yq\x03(K\x01K\x02tq\x04" "e."s),
      Exact("\x80\x02]q\x00(K\x01X\x01\x00\x00\x00tq\x01K\x07\x86q\x02QX\x01\x00\x00\x00yq\x03K\x01K\x02\x86q"
        "\x04" "e."s),
      Exact("\x80\x03]q\x00(K\x01X\x01\x00\x00\x00tq\x01K\x07\x86q\x02QX\x01\x00\x00\x00yq\x03K\x01K\x02\x86q"
        "\x04" "e."s),
      Exact("\x80\x04\x95\x1a\x00\x00\x00\x00\x00\x00\x00]\x94(K\x01\x8c\x01t\x94K\x07\x86\x94Q\x8c\x01y\x94K"
        "\x01K\x02\x86\x94" "e."s),
      Exact("\x80\x05\x95\x1a\x00\x00\x00\x00\x00\x00\x00]\x94(K\x01\x8c\x01t\x94K\x07\x86\x94Q\x8c\x01y\x94K"
        "\x01K\x02\x86\x94" "e."s)}},
    {"PersistentInt", kPersInt,
     [](Builder& b) -> Value { return b.list({b.integer(1), By(b, "xx"), S(b, "y"), b.tuple({b.integer(1), b.integer(2)})}); },
     {Exact("(lp0\nI1\naP42\naVy\np1\na(I1\nI2\ntp2\na."s),
      Exact("]q\x00(K\x01K*QX\x01\x00\x00\x00yq\x01(K\x01K\x02tq\x02" "e."s),
      Exact("\x80\x02]q\x00(K\x01K*QX\x01\x00\x00\x00yq\x01K\x01K\x02\x86q\x02" "e."s),
      Exact("\x80\x03]q\x00(K\x01K*QX\x01\x00\x00\x00yq\x01K\x01K\x02\x86q\x02" "e."s),
      Exact("\x80\x04\x95\x14\x00\x00\x00\x00\x00\x00\x00]\x94(K\x01K*Q\x8c\x01y\x94K\x01K\x02\x86\x94" "e."s),
      Exact("\x80\x05\x95\x14\x00\x00\x00\x00\x00\x00\x00]\x94(K\x01K*Q\x8c\x01y\x94K\x01K\x02\x86\x94" "e."s)}},
    {"PersistentNested", kPersNested,
     [](Builder& b) -> Value { return b.list({b.integer(1), By(b, "xx"), S(b, "y"), b.tuple({b.integer(1), b.integer(2)})}); },
     {Exact("(lp0\nI1\naPB\naVy\np1\naP('wrap', b'zz')\na."s),
      Exact("]q\x00(K\x01X\x01\x00\x00\x00" "Bq\x01QX\x01\x00\x00\x00yq\x02(X\x04\x00\x00\x00wrapq\x03h\x01Qt"
        "q\x04Qe."s),
      Exact("\x80\x02]q\x00(K\x01X\x01\x00\x00\x00" "Bq\x01QX\x01\x00\x00\x00yq\x02X\x04\x00\x00\x00wrapq\x03"
        "h\x01Q\x86q\x04Qe."s),
      Exact("\x80\x03]q\x00(K\x01X\x01\x00\x00\x00" "Bq\x01QX\x01\x00\x00\x00yq\x02X\x04\x00\x00\x00wrapq\x03"
        "h\x01Q\x86q\x04Qe."s),
      Exact("\x80\x04\x95\x1d\x00\x00\x00\x00\x00\x00\x00]\x94(K\x01\x8c\x01" "B\x94Q\x8c\x01y\x94\x8c\x04wra"
        "p\x94h\x01Q\x86\x94Qe."s),
      Exact("\x80\x05\x95\x1d\x00\x00\x00\x00\x00\x00\x00]\x94(K\x01\x8c\x01" "B\x94Q\x8c\x01y\x94\x8c\x04wra"
        "p\x94h\x01Q\x86\x94Qe."s)}},
    {"BufferReadonlyInBand", kDefault,
     [](Builder& b) -> Value { return b.buffer(View(kAbc), true); },
     {Unsupported(),
      Unsupported(),
      Unsupported(),
      Unsupported(),
      Unsupported(),
      Exact("\x80\x05\x95\x07\x00\x00\x00\x00\x00\x00\x00" "C\x03" "abc\x94."s)}},
    {"BufferWritableInBand", kDefault,
     [](Builder& b) -> Value { return b.buffer(View(kXyz), false); },
     {Unsupported(),
      Unsupported(),
      Unsupported(),
      Unsupported(),
      Unsupported(),
      Exact("\x80\x05\x95\x0e\x00\x00\x00\x00\x00\x00\x00\x96\x03\x00\x00\x00\x00\x00\x00\x00xyz\x94."s)}},
    {"BuffersInBand", kDefault,
     [](Builder& b) -> Value { return b.list({b.buffer(View(kAbc), true), b.buffer(View(kXyz), false)}); },
     {Unsupported(),
      Unsupported(),
      Unsupported(),
      Unsupported(),
      Unsupported(),
      Exact("\x80\x05\x95\x18\x00\x00\x00\x00\x00\x00\x00]\x94(C\x03" "abc\x94\x96\x03\x00\x00\x00\x00\x00\x00"
        "\x00xyz\x94" "e."s)}},
    {"BuffersOutOfBand", kBufOutOfBand,
     [](Builder& b) -> Value { return b.list({b.buffer(View(kAbc), true), b.buffer(View(kXyz), false)}); },
     {Unsupported(),
      Unsupported(),
      Unsupported(),
      Unsupported(),
      Unsupported(),
      Exact("\x80\x05\x95\x08\x00\x00\x00\x00\x00\x00\x00]\x94(\x97\x98\x97" "e."s)}},
    {"BuffersMixed", kBufWritableInBand,
     [](Builder& b) -> Value { return b.list({b.buffer(View(kAbc), true), b.buffer(View(kXyz), false)}); },
     {Unsupported(),
      Unsupported(),
      Unsupported(),
      Unsupported(),
      Unsupported(),
      Exact("\x80\x05\x95\x14\x00\x00\x00\x00\x00\x00\x00]\x94(\x97\x98\x96\x03\x00\x00\x00\x00\x00\x00\x00xy"
        "z\x94" "e."s)}},
    {"BufferTwiceInBand", kDefault,
     [](Builder& b) -> Value { Value x = b.buffer(View(kAbc), true); return b.list({x, x}); },
     {Unsupported(),
      Unsupported(),
      Unsupported(),
      Unsupported(),
      Unsupported(),
      Exact("\x80\x05\x95\x0d\x00\x00\x00\x00\x00\x00\x00]\x94(C\x03" "abc\x94h\x01" "e."s)}},
    {"BufferTwiceOutOfBand", kBufOutOfBand,
     [](Builder& b) -> Value { Value x = b.buffer(View(kAbc), true); return b.list({x, x}); },
     {Unsupported(),
      Unsupported(),
      Unsupported(),
      Unsupported(),
      Unsupported(),
      Exact("\x80\x05\x95\x09\x00\x00\x00\x00\x00\x00\x00]\x94(\x97\x98\x97\x98" "e."s)}},
    {"BufferLargeInBand", kDefault,
     [](Builder& b) -> Value { return b.list({b.buffer(View(kBig70000), true), b.buffer(View(kBig70000), false)}); },
     {Unsupported(),
      Unsupported(),
      Unsupported(),
      Unsupported(),
      Unsupported(),
      Big(140023, 0xd04c8eb3256f6326ull, "\x80\x05]\x94(Bp\x11\x01\x00" "aaaaaaaaaaaaaa"s, "aaaaaaaaaaaaaaaaaaaaa\x94" "e."s)}},
    {"FrameTwoFrames", kDefault,
     [](Builder& b) -> Value { return b.list({By(b, Rep("a", 60000)), By(b, Rep("b", 60000)), By(b, Rep("c", 10))}); },
     {Big(120105, 0xbde379583f45a1e4ull, "(lp0\nc_codecs\nencode\np1\n"s, "ccccc\np9\ng3\ntp10\nRp11\na."s),
      Big(120097, 0x38dcd0dfd8a81925ull, "]q\x00(c_codecs\nencode\nq\x01(X"s, "\x00\x00" "ccccccccccq\x09h\x03tq\nRq\x0b" "e."s),
      Big(120096, 0xe6f58fe94f7d69adull, "\x80\x02]q\x00(c_codecs\nencode\nq\x01"s, "\x00\x00" "ccccccccccq\x09h\x03\x86q\nRq\x0b" "e."s),
      Big(120036, 0x52ed574408026a0full, "\x80\x03]q\x00(B`\xea\x00\x00" "aaaaaaaaaaaaa"s, "bbbbbbq\x02" "C\nccccccccccq\x03" "e."s),
      Big(120050, 0x34f113be4f7db00full, "\x80\x04\x95\xcf\xd4\x01\x00\x00\x00\x00\x00]\x94(B`\xea\x00\x00" "aaaaa"s, "\x95\x0f\x00\x00\x00\x00\x00\x00\x00" "C\ncccccccccc\x94" "e."s),
      Big(120050, 0x317486983ccb747cull, "\x80\x05\x95\xcf\xd4\x01\x00\x00\x00\x00\x00]\x94(B`\xea\x00\x00" "aaaaa"s, "\x95\x0f\x00\x00\x00\x00\x00\x00\x00" "C\ncccccccccc\x94" "e."s)}},
    {"FrameLargeBytesUnframed", kDefault,
     [](Builder& b) -> Value { return b.list({By(b, Rep("a", 70000))}); },
     {Big(70051, 0xe50f6d1fb5d066bfull, "(lp0\nc_codecs\nencode\np1\n"s, "p2\nVlatin1\np3\ntp4\nRp5\na."s),
      Big(70050, 0x5a6dcaf0c4c2b19cull, "]q\x00" "c_codecs\nencode\nq\x01(Xp"s, "aq\x02X\x06\x00\x00\x00latin1q\x03tq\x04Rq\x05" "a."s),
      Big(70051, 0x24721e5a58bb96dcull, "\x80\x02]q\x00" "c_codecs\nencode\nq\x01X"s, "aq\x02X\x06\x00\x00\x00latin1q\x03\x86q\x04Rq\x05" "a."s),
      Big(70014, 0xda9162fe0d0522e7ull, "\x80\x03]q\x00" "Bp\x11\x01\x00" "aaaaaaaaaaaaaa"s, "aaaaaaaaaaaaaaaaaaaaq\x01" "a."s),
      Big(70012, 0xfdf1b3bdf6b709e3ull, "\x80\x04]\x94" "Bp\x11\x01\x00" "aaaaaaaaaaaaaaa"s, "aaaaaaaaaaaaaaaaaaaaa\x94" "a."s),
      Big(70012, 0xe8ecb35f1357c610ull, "\x80\x05]\x94" "Bp\x11\x01\x00" "aaaaaaaaaaaaaaa"s, "aaaaaaaaaaaaaaaaaaaaa\x94" "a."s)}},
    {"FrameBoundary", kDefault,
     [](Builder& b) -> Value { return b.list({By(b, Rep("a", 65535)), By(b, Rep("b", 65536)), S(b, Rep("c", 65536))}); },
     {Big(196685, 0x4ffe4e28de27d896ull, "(lp0\nc_codecs\nencode\np1\n"s, "cccccccccccccccccc\np9\na."s),
      Big(196683, 0xd0e6f9d5a6fb4ef7ull, "]q\x00(c_codecs\nencode\nq\x01(X"s, "ccccccccccccccccccccq\x09" "e."s),
      Big(196683, 0x3b125a3d3d9e6a6full, "\x80\x02]q\x00(c_codecs\nencode\nq\x01"s, "ccccccccccccccccccccq\x09" "e."s),
      Big(196636, 0x9b9d62ade6d93c83ull, "\x80\x03]q\x00(B\xff\xff\x00\x00" "aaaaaaaaaaaaa"s, "ccccccccccccccccccccq\x03" "e."s),
      Big(196641, 0x6a6e5365617bfba2ull, "\x80\x04\x95\x08\x00\x01\x00\x00\x00\x00\x00]\x94(B\xff\xff\x00\x00" "aaaaa"s, "ccccccccccccccccccccc\x94" "e."s),
      Big(196641, 0xa97f2f0c03ca4e73ull, "\x80\x05\x95\x08\x00\x01\x00\x00\x00\x00\x00]\x94(B\xff\xff\x00\x00" "aaaaa"s, "ccccccccccccccccccccc\x94" "e."s)}},
    {"FrameLargeStrUnframed", kDefault,
     [](Builder& b) -> Value { return b.list({S(b, Rep("\xc3\xa9", 35000)), b.integer(1)}); },
     {Big(35016, 0xbbeb779cd77af69eull, "(lp0\nV\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9"s, "\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\np1\naI1\na."s),
      Big(70015, 0x062bd0d73d8640aaull, "]q\x00(Xp\x11\x01\x00\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"s, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9q\x01K\x01" "e."s),
      Big(70017, 0x4ceb1c3a20031bd8ull, "\x80\x02]q\x00(Xp\x11\x01\x00\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"s, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9q\x01K\x01" "e."s),
      Big(70017, 0x44ab46e495c2345dull, "\x80\x03]q\x00(Xp\x11\x01\x00\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"s, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9q\x01K\x01" "e."s),
      Big(70024, 0x4bcb80ea0deed4ffull, "\x80\x04]\x94(Xp\x11\x01\x00\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"s, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\x95\x05\x00\x00\x00\x00\x00\x00\x00\x94K\x01" "e."s),
      Big(70024, 0x85fca74f9d9e0cb4ull, "\x80\x05]\x94(Xp\x11\x01\x00\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"s, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\x95\x05\x00\x00\x00\x00\x00\x00\x00\x94K\x01" "e."s)}},
    {"FrameLargeByteArray", kDefault,
     [](Builder& b) -> Value { return b.list({BA(b, Rep("z", 70000)), BA(b, Rep("z", 70000))}); },
     {Big(140123, 0x8f216bcefcdcd823ull, "(lp0\nc__builtin__\nbytear"s, "4\ntp10\nRp11\ntp12\nRp13\na."s),
      Big(140110, 0xe7d66ea6ffce09aeull, "]q\x00(c__builtin__\nbytearr"s, "zzzzzzq\x09h\x04tq\nRq\x0btq\x0cRq\x0d" "e."s),
      Big(140108, 0xb1d998045091835eull, "\x80\x02]q\x00(c__builtin__\nbytea"s, "zzzzzzq\x09h\x04\x86q\nRq\x0b\x85q\x0cRq\x0d" "e."s),
      Big(140058, 0x6ccbed57dc0e48efull, "\x80\x03]q\x00(cbuiltins\nbytearra"s, "zzzzzzzzzzzzzzq\x05\x85q\x06Rq\x07" "e."s),
      Big(140081, 0x5fbdb0bb3c02c34aull, "\x80\x04\x95\x1c\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x08" "builtins"s, "zzzzzzzz\x95\x07\x00\x00\x00\x00\x00\x00\x00\x94\x85\x94R\x94" "e."s),
      Big(140027, 0x57aa834d6531598aull, "\x80\x05]\x94(\x96p\x11\x01\x00\x00\x00\x00\x00zzzzzzzzzz"s, "zzzzzzzzzzzzzzzzzzzzz\x94" "e."s)}},
    {"FrameManySmallStrs", kDefault,
     [](Builder& b) -> Value { return List(b, NumberedStrs(b, 10000)); },
     {Big(137790, 0x385e7820e8c82db6ull, "(lp0\nVx0\np1\naVx1\np2\naVx2"s, "\np9999\naVx9999\np10000\na."s),
      Big(148149, 0xe074b3dc05d3f47bull, "]q\x00(X\x02\x00\x00\x00x0q\x01X\x02\x00\x00\x00x1q\x02X\x02"s, "98r\x0f'\x00\x00X\x05\x00\x00\x00x9999r\x10'\x00\x00" "e."s),
      Big(148151, 0x79a1591cc7f183b5ull, "\x80\x02]q\x00(X\x02\x00\x00\x00x0q\x01X\x02\x00\x00\x00x1q\x02"s, "98r\x0f'\x00\x00X\x05\x00\x00\x00x9999r\x10'\x00\x00" "e."s),
      Big(148151, 0xc53402a5b5480620ull, "\x80\x03]q\x00(X\x02\x00\x00\x00x0q\x01X\x02\x00\x00\x00x1q\x02"s, "98r\x0f'\x00\x00X\x05\x00\x00\x00x9999r\x10'\x00\x00" "e."s),
      Big(78933, 0x2b95145d7239153eull, "\x80\x04\x95\x05\x00\x01\x00\x00\x00\x00\x00]\x94(\x8c\x02x0\x94\x8c\x02x1\x94"s, "x9997\x94\x8c\x05x9998\x94\x8c\x05x9999\x94" "e."s),
      Big(78933, 0x040007514b53021bull, "\x80\x05\x95\x05\x00\x01\x00\x00\x00\x00\x00]\x94(\x8c\x02x0\x94\x8c\x02x1\x94"s, "x9997\x94\x8c\x05x9998\x94\x8c\x05x9999\x94" "e."s)}},
};
// clang-format on

class PicklerCase : public ::testing::TestWithParam<Case> {};

TEST_P(PicklerCase, MatchesCPythonAtEveryProtocol) {
  const Case& c = GetParam();
  for (int protocol = 0; protocol <= 5; ++protocol) {
    SCOPED_TRACE("protocol " + std::to_string(protocol));
    const Want& w = c.want[static_cast<size_t>(protocol)];
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
}

// ---- facts quoted from FORMATS.md, written out explicitly ------------------------------------------

std::string D(const Value& v, int protocol, DumpOptions o = {}) {
  o.protocol = protocol;
  return as_string(dump(v, o));
}

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
  for (const std::string s : {"\x80\x04\x8c\x05numpy\x8c\x03" "a\nb\x93."s, "\x80\x04\x8c\x03" "a\nb\x8c\x05" "dtype\x93."s}) {
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

struct SeedCase {
  const char* name;
  uint32_t seed;
  std::array<Want, 3> want;  // protocols 0, 2, 4
};

// Made by `PYTHONHASHSEED=<seed> /usr/bin/python3 -c 'pickle.dumps(<value>, p)'` (strs made at run
// time, so not interned constants).
// clang-format off
const SeedCase kSeedCases[] = {
    {"StrSet", 0, {Exact("c__builtin__\nset\np0\n((lp1\nVbanana\np2\naVapple\np3\naVcherry\np4\naVfig\np5\naVdate\np6\naVg"
        "rape\np7\naVkiwi\np8\naVelderberry\np9\natp10\nRp11\n."s), Exact("\x80\x02" "c__builtin__\nset\nq\x00]q\x01(X\x06\x00\x00\x00" "bananaq\x02X\x05\x00\x00\x00" "app"
        "leq\x03X\x06\x00\x00\x00" "cherryq\x04X\x03\x00\x00\x00" "figq\x05X\x04\x00\x00\x00" "dateq\x06X"
        "\x05\x00\x00\x00grapeq\x07X\x04\x00\x00\x00kiwiq\x08X\n\x00\x00\x00" "elderberryq\x09" "e\x85q\n"
        "Rq\x0b."s), Exact("\x80\x04\x95H\x00\x00\x00\x00\x00\x00\x00\x8f\x94(\x8c\x06" "banana\x94\x8c\x05" "apple\x94\x8c\x06"
        "cherry\x94\x8c\x03" "fig\x94\x8c\x04" "date\x94\x8c\x05grape\x94\x8c\x04kiwi\x94\x8c\nelderberry"
        "\x94\x90."s)}},
    {"StrFrozenSet", 0, {Exact("c__builtin__\nfrozenset\np0\n((lp1\nVbanana\np2\naVapple\np3\naVcherry\np4\naVfig\np5\naVdate\np"
        "6\naVgrape\np7\naVkiwi\np8\naVelderberry\np9\natp10\nRp11\n."s), Exact("\x80\x02" "c__builtin__\nfrozenset\nq\x00]q\x01(X\x06\x00\x00\x00" "bananaq\x02X\x05\x00\x00\x00"
        "appleq\x03X\x06\x00\x00\x00" "cherryq\x04X\x03\x00\x00\x00" "figq\x05X\x04\x00\x00\x00" "dateq\x06"
        "X\x05\x00\x00\x00grapeq\x07X\x04\x00\x00\x00kiwiq\x08X\n\x00\x00\x00" "elderberryq\x09" "e\x85q\n"
        "Rq\x0b."s), Exact("\x80\x04\x95G\x00\x00\x00\x00\x00\x00\x00(\x8c\x06" "banana\x94\x8c\x05" "apple\x94\x8c\x06" "ch"
        "erry\x94\x8c\x03" "fig\x94\x8c\x04" "date\x94\x8c\x05grape\x94\x8c\x04kiwi\x94\x8c\nelderberry\x94"
        "\x91\x94."s)}},
    {"BytesSet", 0, {Exact("c__builtin__\nset\np0\n((lp1\nc_codecs\nencode\np2\n(Vbanana\np3\nVlatin1\np4\ntp5\nRp6\nag2\n(V"
        "apple\np7\ng4\ntp8\nRp9\nag2\n(Vcherry\np10\ng4\ntp11\nRp12\nag2\n(Vdate\np13\ng4\ntp14\nRp15\na"
        "g2\n(Velderberry\np16\ng4\ntp17\nRp18\natp19\nRp20\n."s), Exact("\x80\x02" "c__builtin__\nset\nq\x00]q\x01(c_codecs\nencode\nq\x02X\x06\x00\x00\x00" "bananaq\x03"
        "X\x06\x00\x00\x00latin1q\x04\x86q\x05Rq\x06h\x02X\x05\x00\x00\x00" "appleq\x07h\x04\x86q\x08Rq\x09"
        "h\x02X\x06\x00\x00\x00" "cherryq\nh\x04\x86q\x0bRq\x0ch\x02X\x04\x00\x00\x00" "dateq\x0dh\x04\x86"
        "q\x0eRq\x0fh\x02X\n\x00\x00\x00" "elderberryq\x10h\x04\x86q\x11Rq\x12" "e\x85q\x13Rq\x14."s), Exact("\x80\x04\x95" "3\x00\x00\x00\x00\x00\x00\x00\x8f\x94(C\x06" "banana\x94" "C\x05" "apple\x94" "C\x06"
        "cherry\x94" "C\x04" "date\x94" "C\nelderberry\x94\x90."s)}},
    {"FrozenSetsInSet", 0, {Exact("c__builtin__\nset\np0\n((lp1\nVzz\np2\naF3.25\nac__builtin__\nfrozenset\np3\n((lp4\nI1\naI2\natp"
        "5\nRp6\nag3\n((lp7\ntp8\nRp9\naI-7\nag3\n((lp10\nVab\np11\naVcd\np12\natp13\nRp14\natp15\nRp16\n"
        "."s), Exact("\x80\x02" "c__builtin__\nset\nq\x00]q\x01(X\x02\x00\x00\x00zzq\x02G@\n\x00\x00\x00\x00\x00\x00" "c"
        "__builtin__\nfrozenset\nq\x03]q\x04(K\x01K\x02" "e\x85q\x05Rq\x06h\x03]q\x07\x85q\x08Rq\x09J\xf9"
        "\xff\xff\xffh\x03]q\n(X\x02\x00\x00\x00" "abq\x0bX\x02\x00\x00\x00" "cdq\x0c" "e\x85q\x0dRq\x0e" "e"
        "\x85q\x0fRq\x10."s), Exact("\x80\x04\x95/\x00\x00\x00\x00\x00\x00\x00\x8f\x94(\x8c\x02zz\x94G@\n\x00\x00\x00\x00\x00\x00(K\x01"
        "K\x02\x91\x94(\x91\x94J\xf9\xff\xff\xff(\x8c\x02" "ab\x94\x8c\x02" "cd\x94\x91\x94\x90."s)}},
    {"MixedSet", 0, {Exact("c__builtin__\nset\np0\n((lp1\nI1\naF2.5\na(I1\nVxy\np2\ntp3\naVa1\np4\naV\\u20ac\\u20ac\np5\nac_"
        "codecs\nencode\np6\n(Vb2\np7\nVlatin1\np8\ntp9\nRp10\naV\\U0001f600!\np11\natp12\nRp13\n."s), Exact("\x80\x02" "c__builtin__\nset\nq\x00]q\x01(K\x01G@\x04\x00\x00\x00\x00\x00\x00K\x01X\x02\x00\x00\x00"
        "xyq\x02\x86q\x03X\x02\x00\x00\x00" "a1q\x04X\x06\x00\x00\x00\xe2\x82\xac\xe2\x82\xacq\x05" "c_co"
        "decs\nencode\nq\x06X\x02\x00\x00\x00" "b2q\x07X\x06\x00\x00\x00latin1q\x08\x86q\x09Rq\nX\x05\x00"
        "\x00\x00\xf0\x9f\x98\x80!q\x0b" "e\x85q\x0cRq\x0d."s), Exact("\x80\x04\x95" "4\x00\x00\x00\x00\x00\x00\x00\x8f\x94(K\x01G@\x04\x00\x00\x00\x00\x00\x00K\x01\x8c"
        "\x02xy\x94\x86\x94\x8c\x02" "a1\x94\x8c\x06\xe2\x82\xac\xe2\x82\xac\x94" "C\x02" "b2\x94\x8c\x05"
        "\xf0\x9f\x98\x80!\x94\x90."s)}},
    {"StrSet", 123, {Exact("c__builtin__\nset\np0\n((lp1\nVdate\np2\naVbanana\np3\naVgrape\np4\naVcherry\np5\naVapple\np6\na"
        "Vfig\np7\naVelderberry\np8\naVkiwi\np9\natp10\nRp11\n."s), Exact("\x80\x02" "c__builtin__\nset\nq\x00]q\x01(X\x04\x00\x00\x00" "dateq\x02X\x06\x00\x00\x00" "banan"
        "aq\x03X\x05\x00\x00\x00grapeq\x04X\x06\x00\x00\x00" "cherryq\x05X\x05\x00\x00\x00" "appleq\x06X\x03"
        "\x00\x00\x00" "figq\x07X\n\x00\x00\x00" "elderberryq\x08X\x04\x00\x00\x00kiwiq\x09" "e\x85q\nRq\x0b"
        "."s), Exact("\x80\x04\x95H\x00\x00\x00\x00\x00\x00\x00\x8f\x94(\x8c\x04" "date\x94\x8c\x06" "banana\x94\x8c\x05"
        "grape\x94\x8c\x06" "cherry\x94\x8c\x05" "apple\x94\x8c\x03" "fig\x94\x8c\nelderberry\x94\x8c\x04"
        "kiwi\x94\x90."s)}},
    {"StrFrozenSet", 123, {Exact("c__builtin__\nfrozenset\np0\n((lp1\nVdate\np2\naVbanana\np3\naVgrape\np4\naVcherry\np5\naVapple\n"
        "p6\naVfig\np7\naVelderberry\np8\naVkiwi\np9\natp10\nRp11\n."s), Exact("\x80\x02" "c__builtin__\nfrozenset\nq\x00]q\x01(X\x04\x00\x00\x00" "dateq\x02X\x06\x00\x00\x00" "b"
        "ananaq\x03X\x05\x00\x00\x00grapeq\x04X\x06\x00\x00\x00" "cherryq\x05X\x05\x00\x00\x00" "appleq\x06"
        "X\x03\x00\x00\x00" "figq\x07X\n\x00\x00\x00" "elderberryq\x08X\x04\x00\x00\x00kiwiq\x09" "e\x85q"
        "\nRq\x0b."s), Exact("\x80\x04\x95G\x00\x00\x00\x00\x00\x00\x00(\x8c\x04" "date\x94\x8c\x06" "banana\x94\x8c\x05grape\x94"
        "\x8c\x06" "cherry\x94\x8c\x05" "apple\x94\x8c\x03" "fig\x94\x8c\nelderberry\x94\x8c\x04kiwi\x94\x91"
        "\x94."s)}},
    {"BytesSet", 123, {Exact("c__builtin__\nset\np0\n((lp1\nc_codecs\nencode\np2\n(Vdate\np3\nVlatin1\np4\ntp5\nRp6\nag2\n(Vba"
        "nana\np7\ng4\ntp8\nRp9\nag2\n(Vcherry\np10\ng4\ntp11\nRp12\nag2\n(Vapple\np13\ng4\ntp14\nRp15\na"
        "g2\n(Velderberry\np16\ng4\ntp17\nRp18\natp19\nRp20\n."s), Exact("\x80\x02" "c__builtin__\nset\nq\x00]q\x01(c_codecs\nencode\nq\x02X\x04\x00\x00\x00" "dateq\x03X\x06"
        "\x00\x00\x00latin1q\x04\x86q\x05Rq\x06h\x02X\x06\x00\x00\x00" "bananaq\x07h\x04\x86q\x08Rq\x09h\x02"
        "X\x06\x00\x00\x00" "cherryq\nh\x04\x86q\x0bRq\x0ch\x02X\x05\x00\x00\x00" "appleq\x0dh\x04\x86q\x0e"
        "Rq\x0fh\x02X\n\x00\x00\x00" "elderberryq\x10h\x04\x86q\x11Rq\x12" "e\x85q\x13Rq\x14."s), Exact("\x80\x04\x95" "3\x00\x00\x00\x00\x00\x00\x00\x8f\x94(C\x04" "date\x94" "C\x06" "banana\x94" "C\x06"
        "cherry\x94" "C\x05" "apple\x94" "C\nelderberry\x94\x90."s)}},
    {"FrozenSetsInSet", 123, {Exact("c__builtin__\nset\np0\n((lp1\nF3.25\naVzz\np2\nac__builtin__\nfrozenset\np3\n((lp4\nI1\naI2\natp"
        "5\nRp6\nag3\n((lp7\nVab\np8\naVcd\np9\natp10\nRp11\nag3\n((lp12\ntp13\nRp14\naI-7\natp15\nRp16\n"
        "."s), Exact("\x80\x02" "c__builtin__\nset\nq\x00]q\x01(G@\n\x00\x00\x00\x00\x00\x00X\x02\x00\x00\x00zzq\x02" "c"
        "__builtin__\nfrozenset\nq\x03]q\x04(K\x01K\x02" "e\x85q\x05Rq\x06h\x03]q\x07(X\x02\x00\x00\x00" "a"
        "bq\x08X\x02\x00\x00\x00" "cdq\x09" "e\x85q\nRq\x0bh\x03]q\x0c\x85q\x0dRq\x0eJ\xf9\xff\xff\xff" "e"
        "\x85q\x0fRq\x10."s), Exact("\x80\x04\x95/\x00\x00\x00\x00\x00\x00\x00\x8f\x94(G@\n\x00\x00\x00\x00\x00\x00\x8c\x02zz\x94(K\x01"
        "K\x02\x91\x94(\x8c\x02" "ab\x94\x8c\x02" "cd\x94\x91\x94(\x91\x94J\xf9\xff\xff\xff\x90."s)}},
    {"MixedSet", 123, {Exact("c__builtin__\nset\np0\n((lp1\nI1\naF2.5\na(I1\nVxy\np2\ntp3\naVa1\np4\naV\\U0001f600!\np5\naV\\u"
        "20ac\\u20ac\np6\nac_codecs\nencode\np7\n(Vb2\np8\nVlatin1\np9\ntp10\nRp11\natp12\nRp13\n."s), Exact("\x80\x02" "c__builtin__\nset\nq\x00]q\x01(K\x01G@\x04\x00\x00\x00\x00\x00\x00K\x01X\x02\x00\x00\x00"
        "xyq\x02\x86q\x03X\x02\x00\x00\x00" "a1q\x04X\x05\x00\x00\x00\xf0\x9f\x98\x80!q\x05X\x06\x00\x00\x00"
        "\xe2\x82\xac\xe2\x82\xacq\x06" "c_codecs\nencode\nq\x07X\x02\x00\x00\x00" "b2q\x08X\x06\x00\x00\x00"
        "latin1q\x09\x86q\nRq\x0b" "e\x85q\x0cRq\x0d."s), Exact("\x80\x04\x95" "4\x00\x00\x00\x00\x00\x00\x00\x8f\x94(K\x01G@\x04\x00\x00\x00\x00\x00\x00K\x01\x8c"
        "\x02xy\x94\x86\x94\x8c\x02" "a1\x94\x8c\x05\xf0\x9f\x98\x80!\x94\x8c\x06\xe2\x82\xac\xe2\x82\xac"
        "\x94" "C\x02" "b2\x94\x90."s)}},
    {"StrSet", 4294967295, {Exact("c__builtin__\nset\np0\n((lp1\nVbanana\np2\naVfig\np3\naVcherry\np4\naVapple\np5\naVkiwi\np6\naVg"
        "rape\np7\naVdate\np8\naVelderberry\np9\natp10\nRp11\n."s), Exact("\x80\x02" "c__builtin__\nset\nq\x00]q\x01(X\x06\x00\x00\x00" "bananaq\x02X\x03\x00\x00\x00" "fig"
        "q\x03X\x06\x00\x00\x00" "cherryq\x04X\x05\x00\x00\x00" "appleq\x05X\x04\x00\x00\x00kiwiq\x06X\x05"
        "\x00\x00\x00grapeq\x07X\x04\x00\x00\x00" "dateq\x08X\n\x00\x00\x00" "elderberryq\x09" "e\x85q\nR"
        "q\x0b."s), Exact("\x80\x04\x95H\x00\x00\x00\x00\x00\x00\x00\x8f\x94(\x8c\x06" "banana\x94\x8c\x03" "fig\x94\x8c\x06"
        "cherry\x94\x8c\x05" "apple\x94\x8c\x04kiwi\x94\x8c\x05grape\x94\x8c\x04" "date\x94\x8c\nelderber"
        "ry\x94\x90."s)}},
    {"StrFrozenSet", 4294967295, {Exact("c__builtin__\nfrozenset\np0\n((lp1\nVbanana\np2\naVfig\np3\naVcherry\np4\naVapple\np5\naVkiwi\np"
        "6\naVgrape\np7\naVdate\np8\naVelderberry\np9\natp10\nRp11\n."s), Exact("\x80\x02" "c__builtin__\nfrozenset\nq\x00]q\x01(X\x06\x00\x00\x00" "bananaq\x02X\x03\x00\x00\x00"
        "figq\x03X\x06\x00\x00\x00" "cherryq\x04X\x05\x00\x00\x00" "appleq\x05X\x04\x00\x00\x00kiwiq\x06X"
        "\x05\x00\x00\x00grapeq\x07X\x04\x00\x00\x00" "dateq\x08X\n\x00\x00\x00" "elderberryq\x09" "e\x85"
        "q\nRq\x0b."s), Exact("\x80\x04\x95G\x00\x00\x00\x00\x00\x00\x00(\x8c\x06" "banana\x94\x8c\x03" "fig\x94\x8c\x06" "cher"
        "ry\x94\x8c\x05" "apple\x94\x8c\x04kiwi\x94\x8c\x05grape\x94\x8c\x04" "date\x94\x8c\nelderberry\x94"
        "\x91\x94."s)}},
    {"BytesSet", 4294967295, {Exact("c__builtin__\nset\np0\n((lp1\nc_codecs\nencode\np2\n(Vbanana\np3\nVlatin1\np4\ntp5\nRp6\nag2\n(V"
        "cherry\np7\ng4\ntp8\nRp9\nag2\n(Vapple\np10\ng4\ntp11\nRp12\nag2\n(Vdate\np13\ng4\ntp14\nRp15\na"
        "g2\n(Velderberry\np16\ng4\ntp17\nRp18\natp19\nRp20\n."s), Exact("\x80\x02" "c__builtin__\nset\nq\x00]q\x01(c_codecs\nencode\nq\x02X\x06\x00\x00\x00" "bananaq\x03"
        "X\x06\x00\x00\x00latin1q\x04\x86q\x05Rq\x06h\x02X\x06\x00\x00\x00" "cherryq\x07h\x04\x86q\x08Rq\x09"
        "h\x02X\x05\x00\x00\x00" "appleq\nh\x04\x86q\x0bRq\x0ch\x02X\x04\x00\x00\x00" "dateq\x0dh\x04\x86"
        "q\x0eRq\x0fh\x02X\n\x00\x00\x00" "elderberryq\x10h\x04\x86q\x11Rq\x12" "e\x85q\x13Rq\x14."s), Exact("\x80\x04\x95" "3\x00\x00\x00\x00\x00\x00\x00\x8f\x94(C\x06" "banana\x94" "C\x06" "cherry\x94" "C"
        "\x05" "apple\x94" "C\x04" "date\x94" "C\nelderberry\x94\x90."s)}},
    {"FrozenSetsInSet", 4294967295, {Exact("c__builtin__\nset\np0\n((lp1\nc__builtin__\nfrozenset\np2\n((lp3\nVcd\np4\naVab\np5\natp6\nRp7\n"
        "aVzz\np8\naF3.25\nag2\n((lp9\nI1\naI2\natp10\nRp11\nag2\n((lp12\ntp13\nRp14\naI-7\natp15\nRp16\n"
        "."s), Exact("\x80\x02" "c__builtin__\nset\nq\x00]q\x01(c__builtin__\nfrozenset\nq\x02]q\x03(X\x02\x00\x00\x00"
        "cdq\x04X\x02\x00\x00\x00" "abq\x05" "e\x85q\x06Rq\x07X\x02\x00\x00\x00zzq\x08G@\n\x00\x00\x00\x00"
        "\x00\x00h\x02]q\x09(K\x01K\x02" "e\x85q\nRq\x0bh\x02]q\x0c\x85q\x0dRq\x0eJ\xf9\xff\xff\xff" "e\x85"
        "q\x0fRq\x10."s), Exact("\x80\x04\x95/\x00\x00\x00\x00\x00\x00\x00\x8f\x94((\x8c\x02" "cd\x94\x8c\x02" "ab\x94\x91\x94\x8c"
        "\x02zz\x94G@\n\x00\x00\x00\x00\x00\x00(K\x01K\x02\x91\x94(\x91\x94J\xf9\xff\xff\xff\x90."s)}},
    {"MixedSet", 4294967295, {Exact("c__builtin__\nset\np0\n((lp1\nI1\naVa1\np2\naF2.5\naV\\U0001f600!\np3\nac_codecs\nencode\np4\n(V"
        "b2\np5\nVlatin1\np6\ntp7\nRp8\na(I1\nVxy\np9\ntp10\naV\\u20ac\\u20ac\np11\natp12\nRp13\n."s), Exact("\x80\x02" "c__builtin__\nset\nq\x00]q\x01(K\x01X\x02\x00\x00\x00" "a1q\x02G@\x04\x00\x00\x00\x00"
        "\x00\x00X\x05\x00\x00\x00\xf0\x9f\x98\x80!q\x03" "c_codecs\nencode\nq\x04X\x02\x00\x00\x00" "b2q"
        "\x05X\x06\x00\x00\x00latin1q\x06\x86q\x07Rq\x08K\x01X\x02\x00\x00\x00xyq\x09\x86q\nX\x06\x00\x00"
        "\x00\xe2\x82\xac\xe2\x82\xacq\x0b" "e\x85q\x0cRq\x0d."s), Exact("\x80\x04\x95" "4\x00\x00\x00\x00\x00\x00\x00\x8f\x94(K\x01\x8c\x02" "a1\x94G@\x04\x00\x00\x00\x00"
        "\x00\x00\x8c\x05\xf0\x9f\x98\x80!\x94" "C\x02" "b2\x94K\x01\x8c\x02xy\x94\x86\x94\x8c\x06\xe2\x82"
        "\xac\xe2\x82\xac\x94\x90."s)}},
};
// clang-format on

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
  for (const SeedCase& c : kSeedCases) {
    const int protocols[] = {0, 2, 4};
    for (size_t i = 0; i < 3; ++i) {
      SCOPED_TRACE(std::string(c.name) + " with hash_seed " + std::to_string(c.seed) + " at protocol " +
                   std::to_string(protocols[i]));
      Document doc;
      Builder b = doc.builder();
      DumpOptions o;
      o.hash_seed = c.seed;
      EXPECT_TRUE(Matches(c.want[i], D(seed_value(b, c.name), protocols[i], o)));
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

// ---- arguments, streams, files ------------------------------------------------------------------------

TEST(PicklerApi, InvalidProtocolIsInvalidArgument) {
  Document doc;
  Value v = doc.builder().none();
  fs::path dir = fs::temp_directory_path() / ("picklejar_pickler_proto_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (int protocol : {-1, 6, 100, std::numeric_limits<int>::min()}) {
    SCOPED_TRACE(protocol);
    DumpOptions o;
    o.protocol = protocol;
    try {
      dump(v, o);
      ADD_FAILURE() << "dump accepted the protocol";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
    }
    std::ostringstream out;
    try {
      dump(v, out, o);
      ADD_FAILURE() << "dump(ostream) accepted the protocol";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
    }
    EXPECT_EQ(out.str(), "");
    try {
      dump_file(v, dir / "x.pkl", o);
      ADD_FAILURE() << "dump_file accepted the protocol";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
    }
    EXPECT_TRUE(fs::is_empty(dir)) << "dump_file left a file behind";
  }
  fs::remove_all(dir);
}

TEST(PicklerApi, InvalidValueIsInvalidArgument) {
  try {
    dump(Value());
    ADD_FAILURE() << "dumped an invalid Value";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
  }
}

TEST(PicklerApi, StreamDumpEqualsVectorDump) {
  Document doc;
  Builder b = doc.builder();
  // Small values and ones with payloads past the frame target (written around the frame buffer).
  std::vector<Value> values = {
      b.none(),
      b.list({S(b, "x"), b.dict({{S(b, "k"), b.float64(1.5)}}), b.set({b.integer(3)})}),
      b.list({By(b, Rep("a", 60000)), By(b, Rep("b", 70000)), S(b, Rep("c", 65536)), b.integer(1)}),
      List(b, NumberedStrs(b, 20000)),
      b.buffer(View(kBig70000), true),
  };
  for (size_t i = 0; i < values.size(); ++i) {
    for (int protocol = 0; protocol <= 5; ++protocol) {
      if (i == 4 && protocol < 5) continue;
      SCOPED_TRACE("value " + std::to_string(i) + " at protocol " + std::to_string(protocol));
      std::ostringstream out;
      DumpOptions o;
      o.protocol = protocol;
      dump(values[i], out, o);
      EXPECT_EQ(out.str(), D(values[i], protocol));
    }
  }
}

class PicklerDumpFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("picklejar_pickler_file_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  static std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), {});
  }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  fs::path dir_;
};

TEST_F(PicklerDumpFile, WritesWhatDumpReturns) {
  Document doc;
  Builder b = doc.builder();
  Value v = b.list({S(b, "hello"), By(b, Rep("z", 100000)), DictOf(b, 1500)});
  for (int protocol = 0; protocol <= 5; ++protocol) {
    DumpOptions o;
    o.protocol = protocol;
    fs::path target = dir_ / ("p" + std::to_string(protocol) + ".pkl");
    dump_file(v, target, o);
    EXPECT_EQ(slurp(target), D(v, protocol)) << protocol;
  }
  EXPECT_EQ(entries(), (std::vector<std::string>{"p0.pkl", "p1.pkl", "p2.pkl", "p3.pkl", "p4.pkl", "p5.pkl"}));
}

TEST_F(PicklerDumpFile, ReplacesAnExistingFile) {
  fs::path target = dir_ / "out.pkl";
  {
    std::ofstream f(target, std::ios::binary);
    f << std::string(5000, 'x');  // longer than the new pickle: no stale tail may remain
  }
  Document doc;
  Value v = doc.builder().integer(7);
  dump_file(v, target, DumpOptions{});
  EXPECT_EQ(slurp(target), "\x80\x04K\x07."s);
  EXPECT_EQ(entries(), std::vector<std::string>{"out.pkl"});
}

TEST_F(PicklerDumpFile, FailureLeavesTheTargetUntouchedAndNoTemporaryFile) {
  fs::path target = dir_ / "out.pkl";
  {
    std::ofstream f(target, std::ios::binary);
    f << "previous contents";
  }
  Document doc;
  Builder b = doc.builder();
  // Enough output before the failing value that a streaming writer would have written some of it.
  Value v = b.list({By(b, Rep("a", 200000)), List(b, Ints(b, 5000)), b.buffer(View(kAbc), true)});
  DumpOptions o;
  o.protocol = 2;
  try {
    dump_file(v, target, o);
    ADD_FAILURE() << "a PickleBuffer was dumped at protocol 2";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnsupported) << e.what();
  }
  EXPECT_EQ(slurp(target), "previous contents");
  EXPECT_EQ(entries(), std::vector<std::string>{"out.pkl"});

  // Without an existing file, none is created.
  fs::path fresh = dir_ / "fresh.pkl";
  EXPECT_THROW(dump_file(v, fresh, o), Error);
  EXPECT_FALSE(fs::exists(fresh));
  EXPECT_EQ(entries(), std::vector<std::string>{"out.pkl"});
}

TEST_F(PicklerDumpFile, MissingDirectoryIsAnIoError) {
  Document doc;
  try {
    dump_file(doc.builder().none(), dir_ / "no" / "such" / "dir.pkl", DumpOptions{});
    ADD_FAILURE() << "wrote into a missing directory";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo) << e.what();
  }
}

// ---- depth ------------------------------------------------------------------------------------------

TEST(PicklerDeep, MillionDeepListDumpsWithoutRecursionAndLoadsBack) {
  // top = l = []; for _ in range(999_999): n = []; l.append(n); l = n   -- 1,000,000 nested lists
  constexpr size_t kDepth = 1'000'000;
  Document doc;
  Builder b = doc.builder();
  Value top = b.list();
  Value cur = top;
  for (size_t i = 1; i < kDepth; ++i) {
    Value n = b.list();
    b.append(cur, n);
    cur = n;
  }
  // CPython's output (dumped in a thread with a 1 GiB stack and no recursion limit).
  const std::pair<int, Want> wants[] = {
      {0, Big(10888890, 0x51fe439583399156ull, "(lp0\n(lp1\n(lp2\n(lp3\n(lp4"s, "aaaaaaaaaaaaaaaaaaaaaaa."s)},
      {1, Big(6999232, 0x7ead4cf4c7c79f58ull, "]q\x00]q\x01]q\x02]q\x03]q\x04]q\x05]q\x06]q\x07"s,
              "aaaaaaaaaaaaaaaaaaaaaaa."s)},
      {2, Big(6999234, 0xdd83833ebbad35d6ull, "\x80\x02]q\x00]q\x01]q\x02]q\x03]q\x04]q\x05]q\x06]"s,
              "aaaaaaaaaaaaaaaaaaaaaaa."s)},
      {4, Big(3000281, 0xf470a817e8683e64ull, "\x80\x04\x95\x00\x00\x01\x00\x00\x00\x00\x00]\x94]\x94]\x94]\x94]\x94]\x94]"s,
              "aaaaaaaaaaaaaaaaaaaaaaa."s)},
  };
  std::string p4;
  for (const auto& [protocol, want] : wants) {
    SCOPED_TRACE(protocol);
    std::string got = D(top, protocol);
    EXPECT_TRUE(Matches(want, got));
    if (protocol == 4) p4 = std::move(got);
  }
  Document back = load(view(p4));
  Value v = back.root();
  size_t depth = 1;
  while (v.size() == 1) {
    ASSERT_EQ(v.kind(), Kind::kList);
    v = v[0];
    ++depth;
  }
  EXPECT_EQ(v.kind(), Kind::kList);
  EXPECT_EQ(v.size(), 0u);
  EXPECT_EQ(depth, kDepth);
}

}  // namespace
}  // namespace picklejar
