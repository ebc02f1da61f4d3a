// The fuzz entry points, shared by the libFuzzer targets (tests/fuzz/fuzz_*.cc, clang with
// -DPICKLEJAR_FUZZ=ON, built by tools/fuzz.sh) and by the replay test
// (tests/errors/fuzz_replay_test.cc, an ordinary GoogleTest that feeds every fixture through them).
//
// Each entry point takes arbitrary bytes. A picklejar::Error with an expected code is a clean
// rejection; anything else (a crash, a sanitizer report, another exception, an Error with a code
// the operation must never throw, a round trip that changes the value) calls fuzz_fail(), which
// prints what happened and aborts, so libFuzzer records the input.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "picklejar/joblib.h"
#include "picklejar/picklejar.h"
#include "picklejar/torch.h"
#include "codec/codec.h"  // internal: the fuzz targets link the library's objects

namespace picklejar_fuzz {

using namespace picklejar;

// Under libFuzzer a failure aborts (the fuzzer saves the input); the replay test defines
// PICKLEJAR_FUZZ_REPLAY to get an exception it reports with the file name instead.
struct FuzzFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void fuzz_fail(const std::string& what) {
#ifdef PICKLEJAR_FUZZ_REPLAY
  throw FuzzFailure(what);
#else
  std::fprintf(stderr, "picklejar fuzz failure: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
#endif
}

// Small limits: hostile input must be rejected cheaply, and the fuzzer must not spend its time (or
// memory) on legitimately huge values.
inline Limits small_limits() {
  Limits l;
  l.max_input_bytes = uint64_t{1} << 20;
  l.max_memory_bytes = uint64_t{64} << 20;
  l.max_memo_entries = uint64_t{1} << 16;
  l.max_container_items = uint64_t{1} << 16;
  l.max_depth = 200;
  l.max_int_digits = 4300;
  return l;
}

// Two small out-of-band buffers, one writable and one read-only, so NEXT_BUFFER and
// READONLY_BUFFER get past the "no buffers" error.
inline const std::vector<BufferView>& fuzz_buffers() {
  static const uint8_t b0[] = {'a', 'b', 'c'};
  static const uint8_t b1[] = {0, 1, 2, 3, 4, 5, 6, 7};
  static const std::vector<BufferView> bufs{{ByteView(b0, sizeof b0), false}, {ByteView(b1, sizeof b1), true}};
  return bufs;
}

inline LoadOptions fuzz_load_options() {
  LoadOptions o;
  o.limits = small_limits();
  o.buffers = fuzz_buffers();
  return o;
}

inline bool code_in(ErrorCode c, std::initializer_list<ErrorCode> allowed) {
  for (ErrorCode a : allowed)
    if (a == c) return true;
  return false;
}

// Runs f(); an Error whose code is not in `allowed` is a finding.
template <typename F>
bool run_allowing(const char* what, F&& f, std::initializer_list<ErrorCode> allowed) {
  try {
    f();
    return true;
  } catch (const Error& e) {
    if (!code_in(e.code(), allowed)) fuzz_fail(std::string(what) + " threw an unexpected code: " + e.what());
    return false;
  }
}

// Printing a loaded value may only hit a limit (max_depth).
inline constexpr std::initializer_list<ErrorCode> kPrintCodes = {ErrorCode::kLimitExceeded};
// Dumping a loaded value may hit a limit or meet what the protocol cannot express.
inline constexpr std::initializer_list<ErrorCode> kDumpCodes = {ErrorCode::kLimitExceeded, ErrorCode::kUnsupported};

// Every PickleBuffer goes out-of-band, its bytes collected in order (the Value passed to the
// callback may belong to the pickler's own scratch document: use it only during the call).
inline DumpOptions fuzz_dump_options(int protocol, std::vector<BufferView>* out_of_band) {
  DumpOptions d;
  d.protocol = protocol;
  d.limits = small_limits();
  if (out_of_band) {
    d.buffer_callback = [out_of_band](const Value& b) {
      out_of_band->push_back({b.as_bytes(), b.readonly_buffer()});
      return BufferPlacement::kOutOfBand;
    };
  }
  return d;
}

// Reads every byte of a view (so ASan sees any view past its memory); returns a checksum.
inline unsigned touch(ByteView b) {
  unsigned sum = 0;
  for (uint8_t c : b) sum += c;
  return sum;
}

// Walks the values reachable from `root` (at most `budget` of them) through the typed accessors a
// caller would use, numpy views included. Only an Error may come out of a numpy reading.
inline unsigned walk_accessors(const Value& root, size_t budget) {
  unsigned sum = 0;
  std::vector<Value> work{root};
  for (size_t n = 0; !work.empty() && n < budget; ++n) {
    Value v = work.back();
    work.pop_back();
    switch (v.kind()) {
      case Kind::kList:
      case Kind::kTuple:
      case Kind::kSet:
      case Kind::kFrozenSet:
        for (const Value& i : v.items()) work.push_back(i);
        break;
      case Kind::kDict:
        for (const auto& [k, val] : v.dict_items()) {
          work.push_back(k);
          work.push_back(val);
        }
        break;
      case Kind::kStr: sum += touch(ByteView(reinterpret_cast<const uint8_t*>(v.as_str().data()), v.size())); break;
      case Kind::kBytes:
      case Kind::kByteArray:
      case Kind::kBuffer: sum += touch(v.as_bytes()); break;
      case Kind::kInt: sum += static_cast<unsigned>(v.int_bytes().size()); break;
      case Kind::kPersistentId: work.push_back(v.persistent_id()); break;
      case Kind::kArray:
        try {
          ArrayRef a = v.as_array();
          DType t = a.dtype();
          sum += static_cast<unsigned>(a.size() + a.ndim() + a.strides().size() + t.itemsize()) + touch(a.bytes());
          sum += static_cast<unsigned>(t.str().size() + t.fields().size());
          sum += touch(ByteView(a.byteswapped().data(), a.byteswapped().size()));
          if (Value items = a.object_items(); items.valid()) work.push_back(items);
        } catch (const Error&) {
        }
        [[fallthrough]];
      case Kind::kObject: {
        ObjectRef o = v.as_object();
        for (const Value* part : {&o.callable, &o.args, &o.kwargs, &o.state, &o.list_items, &o.dict_items})
          if (part->valid()) work.push_back(*part);
        break;
      }
      case Kind::kDType:
        try {
          DType t = v.as_dtype();
          sum += static_cast<unsigned>(t.str().size() + t.itemsize() + t.subarray_shape().size() +
                                       t.datetime_unit().size() + t.has_object());
          for (const DTypeField& f : t.fields()) sum += static_cast<unsigned>(f.name.size() + f.dtype.itemsize());
        } catch (const Error&) {
        }
        break;
      case Kind::kNumpyScalar:
        try {
          ScalarRef sc = v.as_scalar();
          sum += touch(sc.bytes()) + static_cast<unsigned>(sc.dtype().itemsize());
        } catch (const Error&) {
        }
        break;
      default: break;
    }
  }
  return sum;
}

// 1. Load from memory (and from a stream, which must agree), then print and dump the result.
inline int fuzz_load(const uint8_t* data, size_t size) {
  const ByteView input(data, size);
  const LoadOptions opt = fuzz_load_options();
  Document doc;
  bool loaded = run_allowing("load", [&] { doc = load(input, opt); },
                             {ErrorCode::kTruncated, ErrorCode::kUnknownOpcode, ErrorCode::kStackUnderflow,
                              ErrorCode::kMarkMisuse, ErrorCode::kMemoMissing, ErrorCode::kBadUtf8,
                              ErrorCode::kBadLength, ErrorCode::kBadMemoIndex, ErrorCode::kMissingBuffer,
                              ErrorCode::kLimitExceeded, ErrorCode::kBadArgument, ErrorCode::kBadOperand,
                              ErrorCode::kUnsupportedProtocol, ErrorCode::kBadFrame, ErrorCode::kDecode,
                              ErrorCode::kUnhashable, ErrorCode::kExtension, ErrorCode::kNoStop,
                              ErrorCode::kCompression});  // input with a codec's magic is decompressed first

  // The same bytes through load_stream (the streamed reader copies payloads instead of pointing
  // into the input): a value it loads must print the same. It may fail where memory succeeds only
  // on a limit (copied payloads count as document memory); it may succeed where memory fails with
  // kBadFrame (a stream does not know how much input is left).
  std::string copy(reinterpret_cast<const char*>(data), size);
  std::istringstream in(copy);
  Document sdoc;
  bool sloaded = false;
  try {
    sdoc = load_stream(in, opt);
    sloaded = true;
  } catch (const Error& e) {
    if (loaded && e.code() != ErrorCode::kLimitExceeded)
      fuzz_fail(std::string("load succeeded but load_stream threw ") + e.what());
  }

  // Once more from a stream with the default limits: what a reader of a pipe gets. Declared
  // lengths are then bounded by nothing but the input, so any allocation far past the input's
  // size is a finding (tools/fuzz.sh runs with -malloc_limit_mb).
  {
    std::istringstream in2(copy);
    LoadOptions lax;
    lax.buffers = fuzz_buffers();
    try {
      Document d = load_stream(in2, lax);
    } catch (const Error&) {
    }
  }

  if (!loaded) return 0;
  Value root = doc.root();
  const Limits lim = small_limits();
  std::string json;
  bool printed = run_allowing("to_json", [&] { json = to_json(root, lim); }, kPrintCodes);
  run_allowing("to_show", [&] { (void)to_show(root, lim); }, kPrintCodes);
  if (sloaded && printed) {
    std::string sjson;
    if (run_allowing("to_json(stream)", [&] { sjson = to_json(sdoc.root(), lim); }, kPrintCodes) && sjson != json)
      fuzz_fail("load and load_stream disagree:\n  " + json + "\n  " + sjson);
  }
  // Walk the typed accessors a caller would use.
  volatile unsigned sink = walk_accessors(root, 100000);
  (void)sink;
  (void)root.equals(root, 200);
  // Dump at the loaded protocol and one other, chosen by the size so every protocol gets inputs.
  for (int p : {loaded_protocol(doc), static_cast<int>(size % 6)}) {
    std::vector<BufferView> oob;
    run_allowing("dump", [&] { (void)dump(root, fuzz_dump_options(p, &oob)); }, kDumpCodes);
  }
  return 0;
}

// 2. Load -> dump -> load, dumping at the loaded protocol and at 5.
//
// The pickler writes inert objects, globals and persistent ids the way CPython re-pickles the
// objects they stand for (INST/OBJ objects become NEWOBJ or REDUCE, protocols 0-1 use
// copyreg._reconstructor, NEWOBJ_EX below 4 becomes functools.partial, globals get their canonical
// and Python 2 names, a protocol 0 persistent id is written as str(pid)), and sets in CPython's
// iteration order (hash order, which depends on the insertion order: CPython's own
// dumps(loads(x)) is not a fixed point for sets either). So:
//  - a value without objects, globals and persistent ids must reload as the same value: the same
//    canonical form (below), and without sets the same JSON (which also pins sharing and cycles);
//  - any value must reach a fixed point after one round: reloading the first dump and dumping
//    that again at the same protocol reloads as the same canonical form, and without sets as the
//    same JSON and the very same bytes.
inline bool rewritten_by_pickler(const std::string& json) {
  return json.find("\"$object\":") != std::string::npos || json.find("\"$global\":") != std::string::npos ||
         json.find("\"$persid\":") != std::string::npos;
}
// numpy itself needs two rounds for an array that numpy.core.numeric._frombuffer made in a byte
// order not the machine's: _frombuffer keeps it ('>i4'), a protocol 0-4 dump writes _reconstruct
// with that dtype, and loading _reconstruct converts to native order ('<i4', the bytes swapped), so
// the second dump differs from the first. numpy 1.24: pickle.dumps(x, 2) != pickle.dumps(
// pickle.loads(pickle.dumps(x, 2)), 2) for x = _frombuffer(bytearray(8), dtype('>i4'), (2,), 'C').
// (fuzz_roundtrip found it; picklejar does what numpy does.) Such a value gets a third round.
inline bool has_frombuffer(const std::string& json) {
  return json.find("\"_frombuffer\"]") != std::string::npos;
}
inline bool has_sets(const std::string& json) {
  return json.find("\"$set\":") != std::string::npos || json.find("\"$frozenset\":") != std::string::npos;
}

// A canonical text of a value where set items are sorted: the tree expansion (sharing is not
// shown; a value met again on its own path prints as "<cycle>"). Returns false past `budget`
// bytes (shared subtrees can make the expansion exponential).
class Canon {
 public:
  explicit Canon(size_t budget) : budget_(budget) {}
  bool print(const Value& v, std::string& out) {
    if (out.size() > budget_) return false;
    Kind k = v.kind();
    for (const Value& p : path_)
      if (p.is(v)) {
        out += "<cycle>";
        return true;
      }
    auto hex = [&](ByteView b) {
      static const char* h = "0123456789abcdef";
      for (uint8_t c : b) {
        out.push_back(h[c >> 4]);
        out.push_back(h[c & 15]);
      }
    };
    switch (k) {
      case Kind::kNone: out += "N"; return true;
      case Kind::kBool: out += v.as_bool() ? "T" : "F"; return true;
      case Kind::kInt: {
        out += "i";
        hex(ByteView(ints_.emplace_back(v.int_bytes())));
        return true;
      }
      case Kind::kFloat: out += "f" + float_repr(v.as_float()); return true;
      case Kind::kStr: {
        std::string_view t = v.as_str();
        out += "s";
        hex(ByteView(reinterpret_cast<const uint8_t*>(t.data()), t.size()));
        return true;
      }
      case Kind::kBytes: out += "b"; hex(v.as_bytes()); return true;
      case Kind::kByteArray: out += "B"; hex(v.as_bytes()); return true;
      case Kind::kBuffer: out += v.readonly_buffer() ? "R" : "W"; hex(v.as_bytes()); return true;
      case Kind::kGlobal: {
        GlobalRef g = v.as_global();
        out += "g" + std::string(g.module) + "\n" + std::string(g.name) + "\n";
        return true;
      }
      default: break;
    }
    path_.push_back(v);
    bool ok = true;
    switch (k) {
      case Kind::kTuple:
      case Kind::kList:
        out += k == Kind::kTuple ? "(" : "[";
        for (const Value& item : v.items()) {
          if (!(ok = print(item, out))) break;
          out += ",";
        }
        out += ")";
        break;
      case Kind::kDict:
        out += "{";
        for (const auto& [key, val] : v.dict_items()) {
          if (!(ok = print(key, out) && (out += ":", print(val, out)))) break;
          out += ",";
        }
        out += "}";
        break;
      case Kind::kSet:
      case Kind::kFrozenSet: {
        std::vector<std::string> items;
        for (const Value& item : v.items()) {
          std::string one;
          if (!(ok = print(item, one))) break;
          if (out.size() + one.size() > budget_) ok = false;
          items.push_back(std::move(one));
        }
        std::sort(items.begin(), items.end());
        out += k == Kind::kSet ? "S{" : "F{";
        for (const auto& i : items) out += i + ",";
        out += "}";
        break;
      }
      case Kind::kObject:
      case Kind::kArray:  // numpy values are objects too, printed as what was pickled
      case Kind::kDType:
      case Kind::kNumpyScalar: {
        ObjectRef o = v.as_object();
        out += "O" + std::string(made_by_name(o.how)) + "(";
        for (const Value* part : {&o.callable, &o.args, &o.kwargs, &o.state, &o.list_items, &o.dict_items}) {
          if (part->valid()) ok = ok && print(*part, out);
          out += ";";
        }
        out += ")";
        break;
      }
      case Kind::kPersistentId:
        out += "P(";
        ok = print(v.persistent_id(), out);
        out += ")";
        break;
      default:
        fuzz_fail("Canon: unexpected kind " + std::string(kind_name(k)));
    }
    path_.pop_back();
    return ok && out.size() <= budget_;
  }

 private:
  size_t budget_;
  std::vector<Value> path_;
  std::vector<std::vector<uint8_t>> ints_;
};

// The canonical text, or "" past the budget.
inline std::string canon_of(const Value& v) {
  std::string out;
  Canon c(size_t{1} << 20);
  return c.print(v, out) ? out : std::string();
}

struct Dumped {
  std::vector<uint8_t> bytes;
  std::vector<BufferView> buffers;  // out-of-band, in stream order (point into the dumped document)
};

inline bool dump_for_roundtrip(const Value& v, int protocol, Dumped* out) {
  out->buffers.clear();
  return run_allowing("dump", [&] { out->bytes = dump(v, fuzz_dump_options(protocol, &out->buffers)); }, kDumpCodes);
}

inline Document reload(const Dumped& d, const std::string& at, const std::string& context) {
  LoadOptions ro;
  ro.limits = small_limits();
  ro.limits.max_input_bytes = uint64_t{1} << 30;
  ro.limits.max_memory_bytes = uint64_t{1} << 30;
  ro.limits.max_memo_entries = uint64_t{1} << 24;
  ro.buffers = d.buffers;
  try {
    return load(ByteView(d.bytes.data(), d.bytes.size()), ro);
  } catch (const Error& e) {
    fuzz_fail(at + " dump does not reload: " + e.what() + "\n  value: " + context);
  }
}

inline std::string json_of(const Value& v, const std::string& at, const std::string& context) {
  Limits lim = small_limits();
  lim.max_depth = 100000;  // a re-dump may nest objects a little deeper (functools.partial, ...)
  try {
    return to_json(v, lim);
  } catch (const Error& e) {
    fuzz_fail(at + " reload does not print: " + e.what() + "\n  value: " + context);
  }
}

// Fails unless a and b (JSON ja, jb) are the same value as the round trip must keep it.
inline void expect_same(const std::string& what, const std::string& ja, const Value& a, const std::string& jb,
                        const Value& b) {
  if (ja == jb) return;
  if (!has_sets(ja) && !has_sets(jb))
    fuzz_fail(what + " changed the value:\n  before: " + ja + "\n  after:  " + jb);
  std::string ca = canon_of(a), cb = canon_of(b);
  if (!ca.empty() && !cb.empty() && ca != cb)
    fuzz_fail(what + " changed the value (sets compared as sets):\n  before: " + ja + "\n  after:  " + jb);
}

inline int fuzz_roundtrip(const uint8_t* data, size_t size) {
  const LoadOptions opt = fuzz_load_options();
  Document doc;
  try {
    doc = load(ByteView(data, size), opt);
  } catch (const Error&) {
    return 0;
  }
  Value root = doc.root();
  std::string json;
  if (!run_allowing("to_json", [&] { json = to_json(root, small_limits()); }, kPrintCodes)) return 0;

  const int loaded_p = loaded_protocol(doc);
  for (int p : {loaded_p, 5}) {
    const std::string at = "protocol " + std::to_string(p) + " (loaded at " + std::to_string(loaded_p) + ")";
    Dumped first;
    if (!dump_for_roundtrip(root, p, &first)) continue;
    Document d1 = reload(first, at, json);
    std::string json1 = json_of(d1.root(), at, json);
    if (!rewritten_by_pickler(json)) expect_same(at + " round trip", json, root, json1, d1.root());
    Dumped second;
    if (!dump_for_roundtrip(d1.root(), p, &second)) continue;  // deeper than max_depth now
    Document d2 = reload(second, at, json1);
    std::string json2 = json_of(d2.root(), at, json1);
    Dumped earlier;  // what d1 may view (out-of-band buffers) once it is the old d2
    if (json2 != json1 && has_frombuffer(json)) {
      // numpy's byte-order normalisation (has_frombuffer): the fixed point is one round later.
      d1 = std::move(d2);
      json1 = std::move(json2);
      earlier = std::move(second);
      if (!dump_for_roundtrip(d1.root(), p, &second)) continue;
      d2 = reload(second, at, json1);
      json2 = json_of(d2.root(), at, json1);
    }
    expect_same(at + " second round trip", json1, d1.root(), json2, d2.root());
    if (has_sets(json1)) continue;
    Dumped third;
    if (!dump_for_roundtrip(d2.root(), p, &third))
      fuzz_fail(at + ": the value dumped once more no longer dumps\n  value: " + json2);
    if (third.bytes != second.bytes) fuzz_fail(at + ": dump is not a fixed point after one round\n  value: " + json1);
  }
  return 0;
}

// 3. The disassembler: any input either disassembles or throws an Error (after printing the lines
// before the failure).
inline int fuzz_disassemble(const uint8_t* data, size_t size) {
  std::ostringstream out;
  try {
    disassemble(ByteView(data, size), out);
  } catch (const Error&) {
  }
  return 0;
}

// 4. joblib containers from memory, for each compressor. The first byte picks the mode:
//    0       the rest is a joblib file as it is (plain or compressed: the fuzzer mutates the
//            compressed framing itself, from seeds that are real .joblib files);
//    1-6     the rest is the decompressed content, compressed here with zlib, gzip, bz2, lzma, xz
//            or lz4 (at their fastest levels) before loading: the fuzzer then mutates the pickle
//            and the numpy wrappers behind every decoder;
//    7       the rest through joblib::inspect and joblib::disassemble.
// Loaded documents are printed, walked and dumped back as joblib (uncompressed) and reloaded.
inline constexpr std::initializer_list<ErrorCode> kJoblibLoadCodes = {
    ErrorCode::kTruncated,   ErrorCode::kUnknownOpcode,       ErrorCode::kStackUnderflow, ErrorCode::kMarkMisuse,
    ErrorCode::kMemoMissing, ErrorCode::kBadUtf8,             ErrorCode::kBadLength,      ErrorCode::kBadMemoIndex,
    ErrorCode::kMissingBuffer, ErrorCode::kLimitExceeded,     ErrorCode::kBadArgument,    ErrorCode::kBadOperand,
    ErrorCode::kUnsupportedProtocol, ErrorCode::kBadFrame,    ErrorCode::kDecode,         ErrorCode::kUnhashable,
    ErrorCode::kExtension,   ErrorCode::kNoStop,              ErrorCode::kCompression,    ErrorCode::kUnsupported,
    ErrorCode::kIo,          ErrorCode::kPersistentId};

// `data` compressed with `codec` ("zlib", ..., "lz4") at its fastest level (lzma/xz/lz4 0, else 1).
inline std::vector<uint8_t> compress_fastest(const std::string& codec, ByteView data) {
  std::vector<uint8_t> out;
  auto encoder = picklejar::internal::make_encoder(*picklejar::internal::codec_from_name(codec),
                                                   codec == "lzma" || codec == "xz" || codec == "lz4" ? 0 : 1,
                                                   [&](const uint8_t* p, size_t n) { out.insert(out.end(), p, p + n); });
  encoder->write(data.data(), data.size());
  encoder->finish();
  return out;
}

inline joblib::LoadOptions fuzz_joblib_options() {
  joblib::LoadOptions o;
  o.pickle.limits = small_limits();
  o.pickle.encoding = "latin1";  // Python 2 files load instead of stopping at the first str
  return o;
}

inline int fuzz_joblib(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const unsigned mode = data[0] % 8;
  const ByteView rest(data + 1, size - 1);
  const joblib::LoadOptions opt = fuzz_joblib_options();
  if (mode == 7) {
    run_allowing("joblib::inspect", [&] { (void)joblib::inspect(rest, opt); }, kJoblibLoadCodes);
    std::ostringstream out;
    run_allowing("joblib::disassemble", [&] { joblib::disassemble(rest, out, opt); }, kJoblibLoadCodes);
    return 0;
  }
  std::vector<uint8_t> packed;
  ByteView input = rest;
  if (mode != 0) {
    static const char* const kCodecs[] = {"zlib", "gzip", "bz2", "lzma", "xz", "lz4"};
    packed = compress_fastest(kCodecs[mode - 1], rest);
    input = ByteView(packed.data(), packed.size());
  }
  Document doc;
  if (!run_allowing("joblib::load", [&] { doc = joblib::load(input, opt); }, kJoblibLoadCodes)) return 0;
  Value root = doc.root();
  std::string json;
  if (!run_allowing("to_json", [&] { json = to_json(root, small_limits()); }, kPrintCodes)) return 0;
  volatile unsigned sink = walk_accessors(root, 100000);
  (void)sink;
  joblib::DumpOptions d;
  std::vector<uint8_t> again;
  if (!run_allowing("joblib::dump", [&] { again = joblib::dump(root, d); }, kDumpCodes)) return 0;
  joblib::LoadOptions ro = opt;
  ro.pickle.limits.max_input_bytes = uint64_t{1} << 30;
  ro.pickle.limits.max_memory_bytes = uint64_t{1} << 30;
  ro.pickle.limits.max_memo_entries = uint64_t{1} << 24;
  try {
    Document back = joblib::load(ByteView(again.data(), again.size()), ro);
    (void)to_json(back.root(), small_limits());
  } catch (const Error& e) {
    fuzz_fail(std::string("joblib::dump output does not reload: ") + e.what() + "\n  value: " + json);
  }
  return 0;
}


// 5. torch.save files from memory (zip, legacy stream, legacy tar): torch::inspect and torch::load
// (which must agree), torch::disassemble, and on what loads: show, json (both forms), the tensor
// accessors (every byte a view reaches is read) and the safetensors writer, whose output must be
// as long as its header says.
inline int fuzz_torch(const uint8_t* data, size_t size) {
  const ByteView input(data, size);
  torch::LoadOptions opt;
  opt.pickle.limits = small_limits();
  opt.pickle.encoding = "latin1";
  Document doc;
  torch::FileInfo info;
  bool loaded = run_allowing("torch::inspect", [&] { info = torch::inspect(input, opt, doc); }, kJoblibLoadCodes);
  Document again;
  if (run_allowing("torch::load", [&] { again = torch::load(input, opt); }, kJoblibLoadCodes) != loaded)
    fuzz_fail(std::string("torch::load and torch::inspect disagree on whether the input loads (inspect ") +
              (loaded ? "loads)" : "fails)"));
  std::ostringstream dis;
  run_allowing("torch::disassemble", [&] { torch::disassemble(input, dis, opt); }, kJoblibLoadCodes);
  if (!loaded) return 0;
  const Value root = doc.root();
  const Limits lim = small_limits();
  std::ostringstream out;
  run_allowing("torch::write_show", [&] { torch::write_show(root, out, lim); }, kPrintCodes);
  // Element copies and lists only while small: an overlapping view (stride 0) may name far more
  // elements than the input holds, up to Limits::max_memory_bytes (checked at load).
  uint64_t elements = 0;
  for (const torch::TensorInfo& t : info.tensors) elements += torch::TensorRef(t.tensor).numel();
  const bool small = elements <= (uint64_t{1} << 20);
  for (bool values : {false, small}) {
    JsonOptions j;
    j.array_values = values;
    run_allowing("torch::write_json", [&] { torch::write_json(root, out, j, lim); }, kPrintCodes);
  }
  unsigned sum = walk_accessors(root, 100000);
  for (const torch::TensorInfo& t : info.tensors) {
    torch::TensorRef r(t.tensor);
    sum += touch(r.storage_bytes()) + touch(r.data()) + static_cast<unsigned>(r.numel() + r.ndim());
    sum += static_cast<unsigned>(r.storage_key().size() + r.storage_location().size() + r.is_contiguous());
    if (!small) continue;
    std::vector<uint8_t> c = r.contiguous_bytes();
    if (c.size() != r.numel() * torch::dtype_itemsize(r.dtype())) fuzz_fail("contiguous_bytes has the wrong size");
    sum += touch(ByteView(c.data(), c.size()));
  }
  volatile unsigned sink = sum;
  (void)sink;
  torch::SafetensorsOptions so;
  so.max_output_bytes = uint64_t{16} << 20;  // a 16M-element stride-0 view copies slowly under ASan
  so.limits = lim;
  std::ostringstream st;
  torch::SafetensorsReport report;
  if (run_allowing("torch::write_safetensors", [&] { report = torch::write_safetensors(root, st, so); },
                   {ErrorCode::kTypeMismatch, ErrorCode::kLimitExceeded})) {
    std::string f = st.str();
    uint64_t n = 0;
    if (f.size() >= 8) std::memcpy(&n, f.data(), 8);
    if (f.size() < 8 || n % 8 != 0 || f.size() != 8 + n + report.data_bytes || f[8] != '{')
      fuzz_fail("safetensors output of " + std::to_string(f.size()) + " bytes does not match its header length " +
                std::to_string(n) + " and " + std::to_string(report.data_bytes) + " data bytes");
  }
  return 0;
}

}  // namespace picklejar_fuzz
