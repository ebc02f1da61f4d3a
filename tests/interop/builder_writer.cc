// picklejar_interop_writer OUTDIR: builds a corpus of values with the Builder API and dumps it at
// every protocol 0-5, for tests/interop/write_builder.py to load with CPython's pickle.load.
//
// Writes OUTDIR/corpus.p<N>.pkl (N = 0..5) with dump_file, OUTDIR/corpus.p5.buf<i>.bin (the
// PickleBuffers written out-of-band at protocol 5, in stream order), and OUTDIR/data.p<N>.pkl: the
// builtin-types-only part of the corpus, which CPython must re-dump to the very same bytes.
// write_builder.py holds the Python description of the same corpus; keep the two in step.
#include <picklejar/picklejar.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

namespace pj = picklejar;
namespace fs = std::filesystem;

pj::ByteView view(std::string_view s) { return pj::ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

// Two's complement little-endian bytes of ±magnitude (magnitude little-endian).
std::vector<uint8_t> twos_complement(std::vector<uint8_t> mag, bool negative) {
  mag.push_back(0);
  if (negative) {
    for (auto& x : mag) x = static_cast<uint8_t>(~x);
    for (auto& x : mag) {
      if (++x != 0) break;
    }
  }
  return mag;
}

class Corpus {
 public:
  explicit Corpus(pj::Document& doc) : b_(doc.builder()) {}

  pj::Value S(std::string_view s) { return b_.str(s); }
  pj::Value I(int64_t v) { return b_.integer(v); }
  // ±2**k + add (add >= 0, small).
  pj::Value pow2(int k, bool negative, unsigned add = 0) {
    std::vector<uint8_t> mag(static_cast<size_t>(k / 8 + 1), 0);
    mag.back() = static_cast<uint8_t>(1u << (k % 8));
    unsigned carry = add;
    for (size_t i = 0; carry && i < mag.size(); ++i) {
      unsigned v = mag[i] + carry;
      mag[i] = static_cast<uint8_t>(v);
      carry = v >> 8;
    }
    auto bytes = twos_complement(mag, negative);
    return b_.big_integer(pj::ByteView(bytes.data(), bytes.size()));
  }
  // An int from decimal text.
  pj::Value dec(std::string_view text) {
    bool neg = !text.empty() && text[0] == '-';
    if (neg) text.remove_prefix(1);
    std::vector<uint8_t> mag;
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
    return b_.big_integer(pj::ByteView(bytes.data(), bytes.size()));
  }
  pj::Value list_of(const std::vector<pj::Value>& v) { return b_.list(std::span<const pj::Value>(v)); }
  pj::Value tuple_of(const std::vector<pj::Value>& v) { return b_.tuple(std::span<const pj::Value>(v)); }

  // The builtin-types-only part (see write_builder.py: DATA).
  pj::Value data() {
    pj::Value d = b_.dict();
    auto put = [&](std::string_view k, pj::Value v) { b_.set_item(d, S(k), v); };
    put("none", b_.none());
    put("true", b_.boolean(true));
    put("false", b_.boolean(false));
    put("ints", list_of({I(0), I(1), I(-1), I(255), I(256), I(65535), I(65536), I(2147483647), I(-2147483648LL),
                         I(2147483648LL), I(-2147483649LL), I(INT64_MAX), I(INT64_MIN), pow2(63, false),
                         pow2(63, true, 1), pow2(64, false), pow2(100, false), pow2(100, true), pow2(2040, false, 12345),
                         dec("-123456789012345678901234567890123456789012345678901234567890")}));
    put("floats", list_of({b_.float64(0.0), b_.float64(-0.0), b_.float64(1.5), b_.float64(0.1), b_.float64(1e300),
                           b_.float64(5e-324), b_.float64(INFINITY), b_.float64(-INFINITY), b_.float64(NAN)}));
    put("strs", list_of({S(""), S("a"), S("\xc3\xa9"), S("ascii"), S("caf\xc3\xa9"), S("\xe2\x82\xac" "uro"),
                         S("\xf0\x9f\x98\x80 astral"), S("\xed\xa0\x80"), S("lone \xed\xb0\x80 low"),
                         S(std::string("a\\b\nc\rd\0e\x1a" "f", 11)), S(std::string(300, 'x')),
                         S([] {
                           std::string s;
                           for (int i = 0; i < 100; ++i) s += "\xf0\x9f\x98\x80";
                           return s;
                         }())}));
    std::string all;
    for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
    put("bytes", list_of({b_.bytes(view("")), b_.bytes(view(std::string(1, '\0'))), b_.bytes(view("\xff\xfe")),
                          b_.bytes(view(all)), b_.bytes(view(std::string(70000, 'z')))}));
    put("bytearrays", list_of({b_.bytearray(view("")), b_.bytearray(view("abc")), b_.bytearray(view(all))}));
    put("tuples", list_of({b_.tuple({}), b_.tuple({I(1)}), b_.tuple({I(1), I(2)}), b_.tuple({I(1), I(2), I(3)}),
                           b_.tuple({I(1), I(2), I(3), I(4)}), b_.tuple({b_.tuple({}), b_.tuple({b_.tuple({})})})}));
    // {'a': [1, {'b': (2, [3, {'c': frozenset({4})}])}]}
    put("nested", b_.dict({{S("a"), b_.list({I(1), b_.dict({{S("b"), b_.tuple({I(2), b_.list({I(3),
                                                  b_.dict({{S("c"), b_.frozenset({I(4)})}})})})}})})}}));
    put("sets", list_of({b_.set({I(1), I(2), S("x"), b_.bytes(view("y")), b_.tuple({I(1), S("z")})}), b_.set(),
                         b_.frozenset(), b_.frozenset({S("p"), S("q")})}));
    // s = [1, 2]; {'a': s, 'b': s, 'c': (s, s)}
    pj::Value s = b_.list({I(1), I(2)});
    put("shared", b_.dict({{S("a"), s}, {S("b"), s}, {S("c"), b_.tuple({s, s})}}));
    pj::Value text = S("shared text");
    pj::Value blob = b_.bytes(view("shared bytes"));
    pj::Value ba = b_.bytearray(view("shared bytearray"));
    pj::Value fs1 = b_.frozenset({I(7)});
    pj::Value tup = b_.tuple({I(1), S("t")});
    put("shared_atoms", list_of({text, text, blob, blob, ba, ba, fs1, fs1, tup, tup}));
    // l = []; l.append(l)
    pj::Value self_list = b_.list();
    b_.append(self_list, self_list);
    put("self_list", self_list);
    // d = {}; d['self'] = d
    pj::Value self_dict = b_.dict();
    b_.set_item(self_dict, S("self"), self_dict);
    put("self_dict", self_dict);
    // t = ([],); t[0].append(t)
    pj::Value inner = b_.list();
    pj::Value rec = b_.tuple({inner});
    b_.append(inner, rec);
    put("recursive_tuple", rec);
    // t4 = ([], 1, 2, 3); t4[0].append(t4)
    pj::Value inner4 = b_.list();
    pj::Value rec4 = b_.tuple({inner4, I(1), I(2), I(3)});
    b_.append(inner4, rec4);
    put("recursive_tuple4", rec4);
    // list(range(2500)), {i: str(i) for i in range(1001)}, set(range(1000))
    std::vector<pj::Value> range;
    for (int i = 0; i < 2500; ++i) range.push_back(I(i));
    put("big_list", list_of(range));
    pj::Value big_dict = b_.dict();
    for (int i = 0; i < 1001; ++i) b_.set_item(big_dict, I(i), S(std::to_string(i)));
    put("big_dict", big_dict);
    pj::Value big_set = b_.set();
    for (int i = 0; i < 1000; ++i) b_.add(big_set, I(i));
    put("big_set", big_set);
    return d;
  }

  // Everything: the data plus globals and objects (and, by protocol, NEWOBJ/NEWOBJ_EX objects and
  // PickleBuffers).
  pj::Value corpus(int protocol) {
    pj::Value d = b_.dict();
    auto put = [&](std::string_view k, pj::Value v) { b_.set_item(d, S(k), v); };
    put("data", data());
    pj::Value set_type = b_.global("builtins", "set");
    put("globals", list_of({set_type, b_.global("builtins", "len"), b_.global("collections", "OrderedDict"),
                            b_.global("builtins", "range"), b_.global("builtins", "ValueError"),
                            b_.global("functools", "reduce"), b_.global("copyreg", "_reconstructor"),
                            b_.global("argparse", "_SubParsersAction._ChoicesPseudoAction"),
                            b_.global("collections", "OrderedDict"), set_type}));
    // collections.OrderedDict([('a', 1), ('b', [2])]) by REDUCE (the Builder cannot give an object
    // SETITEMS items, so the pairs go in the argument), and one with BUILD state {'note': 'hi'}.
    pj::Value od = b_.object(pj::MadeBy::kReduce, b_.global("collections", "OrderedDict"),
                             b_.tuple({b_.list({b_.tuple({S("a"), I(1)}), b_.tuple({S("b"), b_.list({I(2)})})})}));
    pj::Value od2 = b_.object(pj::MadeBy::kReduce, b_.global("collections", "OrderedDict"),
                              b_.tuple({b_.list({b_.tuple({S("k"), S("v")})})}));
    b_.set_state(od2, b_.dict({{S("note"), S("hi")}}));
    put("ordered", list_of({od, od2, od}));
    // argparse.Namespace.__new__(Namespace) + BUILD {'alpha': 1, 'beta': [1, 2], 'me': <itself>}
    pj::Value ns = b_.object(pj::MadeBy::kNewObj, b_.global("argparse", "Namespace"), b_.tuple({}));
    b_.set_state(ns, b_.dict({{S("alpha"), I(1)}, {S("beta"), b_.list({I(1), I(2)})}, {S("me"), ns}}));
    put("namespace", ns);
    // datetime.date(2024, 2, 29), fractions.Fraction('3/4') by REDUCE
    put("date", b_.object(pj::MadeBy::kReduce, b_.global("datetime", "date"), b_.tuple({I(2024), I(2), I(29)})));
    put("fraction", b_.object(pj::MadeBy::kReduce, b_.global("fractions", "Fraction"), b_.tuple({S("3/4")})));
    if (protocol >= 2) {
      // timedelta.__new__(timedelta, 1, 2, 3) by NEWOBJ; timedelta.__new__(timedelta, 1, seconds=5)
      // by NEWOBJ_EX (protocol 4+) or functools.partial (2-3).
      put("newobj", b_.object(pj::MadeBy::kNewObj, b_.global("datetime", "timedelta"), b_.tuple({I(1), I(2), I(3)})));
      put("newobj_ex", b_.object(b_.global("datetime", "timedelta"), b_.tuple({I(1)}),
                                 b_.dict({{S("seconds"), I(5)}})));
    }
    if (protocol >= 5) {
      static const std::string ro_in = "read-only in-band", rw_in = "writable in-band";
      static const std::string ro_oob = "read-only out-of-band", rw_oob = "writable out-of-band";
      static const std::string big_oob(100000, 'B');
      pj::Value a = b_.buffer(view(ro_in), true), bb = b_.buffer(view(rw_in), false);
      pj::Value c = b_.buffer(view(ro_oob), true), e = b_.buffer(view(rw_oob), false);
      pj::Value f = b_.buffer(view(big_oob), false);
      oob_ = {c, e, f};
      put("buffers", list_of({a, bb, c, e, f, a}));
    }
    return d;
  }

  // At protocol 5: out-of-band for the buffers corpus() chose, in-band for the others.
  bool out_of_band(const pj::Value& v) const {
    for (const auto& o : oob_) {
      if (o.is(v)) return true;
    }
    return false;
  }

 private:
  pj::Builder b_;
  std::vector<pj::Value> oob_;
};

void write_bytes(const fs::path& p, pj::ByteView data) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!f) throw std::runtime_error("cannot write " + p.string());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: picklejar_interop_writer OUTDIR\n");
    return 2;
  }
  fs::path dir = argv[1];
  try {
    fs::create_directories(dir);
    for (int protocol = 0; protocol <= 5; ++protocol) {
      pj::Document doc;
      Corpus corpus(doc);
      pj::Value root = corpus.corpus(protocol);
      pj::DumpOptions o;
      o.protocol = protocol;
      size_t n = 0;
      if (protocol == 5) {
        o.buffer_callback = [&](const pj::Value& buf) {
          if (!corpus.out_of_band(buf)) return pj::BufferPlacement::kInBand;
          write_bytes(dir / ("corpus.p5.buf" + std::to_string(n++) + ".bin"), buf.as_bytes());
          return pj::BufferPlacement::kOutOfBand;
        };
      }
      pj::dump_file(root, dir / ("corpus.p" + std::to_string(protocol) + ".pkl"), o);

      pj::Document data_doc;
      Corpus data(data_doc);
      pj::DumpOptions d;
      d.protocol = protocol;
      std::vector<uint8_t> bytes = pj::dump(data.data(), d);
      write_bytes(dir / ("data.p" + std::to_string(protocol) + ".pkl"), pj::ByteView(bytes.data(), bytes.size()));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "picklejar_interop_writer: %s\n", e.what());
    return 1;
  }
  return 0;
}
