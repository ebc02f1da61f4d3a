// The scanner's containers, sniffed by content: compressed streams, pickles (one or several in a
// row, joblib's spliced array data skipped by its declared size), .npy object arrays, zip archives
// (PyTorch, .npz, plain) read leniently from both their local headers and their central directory,
// and torch's legacy stream and tar. Every pickle runs through the VM with a PickleObserver.
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include "codec/codec.h"
#include "joblib/reader.h"
#include "joblib/wrapper.h"
#include "model/value_access.h"
#include "numpy/numpy.h"
#include "pickle/unpickler.h"
#include "scan/scanner.h"
#include "torch/torch.h"

namespace picklejar::internal {
namespace {

constexpr uint8_t kNpyMagic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

bool starts_with(ByteView d, const void* magic, size_t n) { return d.size() >= n && std::memcmp(d.data(), magic, n) == 0; }

// joblib.load's BUILD hook without the array: after a NumpyArrayWrapper's BUILD its data is skipped
// by the size its state declares (an object array's nested pickle is run, and observed, instead),
// so array bytes are never read into arrays and a payload hidden after them is still found.
class JoblibSkipHook final : public VmHooks {
 public:
  JoblibSkipHook(const picklejar::LoadOptions& o, VmObserver* observer) : opt_(o), observer_(observer) {
    both_[0] = &numpy_vm_hooks();
    both_[1] = this;
  }
  VmHookList hooks() { return both_; }

  uint32_t after_build(Document& doc, uint32_t obj, ByteReader& in, uint64_t offset) override {
    DocumentImpl& d = impl_of(doc);
    if (d.node(obj).kind != Kind::kObject) return kNoNode;
    JoblibWrapper w = joblib_wrapper_of(d, d.object(obj).callable);
    if (w == JoblibWrapper::kNone) return kNoNode;
    // The legacy wrappers' data is in side files, which are files of their own to scan; a state
    // naming none the loader would open is refused as the loader refuses it.
    if (w != JoblibWrapper::kNumpyArrayWrapper) {
      (void)joblib_side_file_name(d, d.object(obj).state, offset);
      return kNoneNode;
    }
    auto layout = joblib_wrapper_layout(d, d.object(obj).state);
    if (!layout) throw_error(ErrorCode::kBadArgument, "malformed joblib NumpyArrayWrapper state", offset);
    if (layout->nested_pickle) {
      static VmHooks* const kNumpy[] = {&numpy_vm_hooks()};
      run_nested_unpickler(in, doc, opt_, kNumpy, observer_);
      return kNoneNode;
    }
    if (layout->padded) {
      int pad = in.next_byte();
      if (pad < 0 || !in.take(static_cast<size_t>(pad)))
        throw_error(ErrorCode::kTruncated, "joblib padding cut short", offset);
    }
    uint64_t n = joblib::detail::checked_bytes(layout->shape, d.dtype(layout->dtype).itemsize, offset);
    if (auto left = in.remaining(); left && *left < n)
      throw_error(ErrorCode::kTruncated, "joblib array data (" + std::to_string(n) + " bytes) cut short", in.pos());
    // In steps: a decompressing reader buffers what one take() asks for.
    for (uint64_t left = n; left > 0;) {
      size_t step = static_cast<size_t>(std::min<uint64_t>(left, uint64_t{1} << 20));
      if (!in.take(step)) throw_error(ErrorCode::kTruncated, "joblib array data (" + std::to_string(n) + " bytes) cut short", in.pos());
      left -= step;
    }
    return kNoneNode;
  }

 private:
  const picklejar::LoadOptions& opt_;
  VmObserver* observer_;
  VmHooks* both_[2] = {};
};

// One zip member as the lenient reader sees it: every name it goes by (local header, central
// directory), and where its data is.
struct ZipEntry {
  std::set<std::string> names;
  uint32_t method = 0;
  uint64_t csize = 0, usize = 0, data = 0;
  bool sized = false;
};

bool has_suffix(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The zip64 extended information of a central entry (0x0001): the fields that are 0xFFFFFFFF.
void read_zip64(const uint8_t* extra, size_t n, ZipEntry& e, uint64_t* local) {
  for (size_t at = 0; at + 4 <= n;) {
    uint16_t id = static_cast<uint16_t>(le(extra + at, 2)), len = static_cast<uint16_t>(le(extra + at + 2, 2));
    if (at + 4 + len > n) return;
    if (id == 1) {
      const uint8_t* p = extra + at + 4;
      size_t k = 0;
      auto next = [&](uint64_t* v) {
        if (*v == 0xFFFFFFFFu && k + 8 <= len) *v = le(p + k, 8), k += 8;
      };
      next(&e.usize);
      next(&e.csize);
      next(local);
    }
    at += 4 + len;
  }
}

// Every member a zip holds, keyed by the offset of its local header: from the central directory
// (end record, zip64 too) and from walking the local headers from the start, so a member named
// differently in the two places, or missing from one, is still found. Flags and CRCs are ignored.
std::map<uint64_t, ZipEntry> zip_entries(ByteView z) {
  std::map<uint64_t, ZipEntry> out;
  const uint8_t* b = z.data();
  const size_t size = z.size();
  // The end of central directory record, searched backwards (it may end with a comment).
  for (size_t i = size >= 22 ? size - 22 : 0, stop = size > 22 + 65535 ? size - 22 - 65535 : 0; size >= 22; --i) {
    if (le(b + i, 4) == 0x06054b50) {
      uint64_t count = le(b + i + 10, 2), cd = le(b + i + 16, 4);
      if (i >= 20 && le(b + i - 20, 4) == 0x07064b50) {  // zip64 locator: the zip64 end record
        uint64_t e64 = le(b + i - 12, 8);
        if (e64 + 56 <= size && le(b + e64, 4) == 0x06064b50) count = le(b + e64 + 32, 8), cd = le(b + e64 + 48, 8);
      }
      for (uint64_t k = 0, at = cd; k < count && at + 46 <= size; ++k) {
        if (le(b + at, 4) != 0x02014b50) break;
        ZipEntry e;
        e.method = static_cast<uint32_t>(le(b + at + 10, 2));
        e.csize = le(b + at + 20, 4);
        e.usize = le(b + at + 24, 4);
        uint64_t nlen = le(b + at + 28, 2), xlen = le(b + at + 30, 2), clen = le(b + at + 32, 2);
        uint64_t local = le(b + at + 42, 4);
        if (at + 46 + nlen + xlen > size) break;
        read_zip64(b + at + 46 + nlen, static_cast<size_t>(xlen), e, &local);
        e.sized = true;
        ZipEntry& slot = out[local];
        slot.names.insert(std::string(reinterpret_cast<const char*>(b + at + 46), static_cast<size_t>(nlen)));
        slot.method = e.method, slot.csize = e.csize, slot.usize = e.usize, slot.sized = true;
        at += 46 + nlen + xlen + clen;
      }
      break;
    }
    if (i == stop) break;
  }
  // The local headers, in file order.
  for (uint64_t at = 0; at + 30 <= size && le(b + at, 4) == 0x04034b50;) {
    uint64_t nlen = le(b + at + 26, 2), xlen = le(b + at + 28, 2);
    if (at + 30 + nlen + xlen > size) break;
    ZipEntry& e = out[at];
    e.names.insert(std::string(reinterpret_cast<const char*>(b + at + 30), static_cast<size_t>(nlen)));
    e.data = at + 30 + nlen + xlen;
    if (!e.sized) {
      e.method = static_cast<uint32_t>(le(b + at + 8, 2));
      e.csize = le(b + at + 18, 4);
      e.usize = le(b + at + 22, 4);
      uint64_t local = 0;
      read_zip64(b + at + 30 + nlen, static_cast<size_t>(xlen), e, &local);
      e.sized = e.csize != 0 || !(le(b + at + 6, 2) & 8);  // bit 3: sizes in a data descriptor
    }
    if (!e.sized || e.csize > size - e.data) break;  // hostile sizes must not wrap the walk around
    at = e.data + e.csize;
  }
  // Central entries the walk did not reach: their data offset from their local header.
  for (auto& [at, e] : out) {
    if (e.data || at + 30 > size || le(b + at, 4) != 0x04034b50) continue;
    e.data = at + 30 + le(b + at + 26, 2) + le(b + at + 28, 2);
  }
  return out;
}

// A deflated member's bytes, whatever its header claims (bounded by `cap`); CRCs are not checked.
std::vector<uint8_t> inflate_raw(ByteView in, uint64_t cap) {
  z_stream zs{};
  if (inflateInit2(&zs, -15) != Z_OK) throw_error(ErrorCode::kCompression, "zip: inflate cannot start");
  std::vector<uint8_t> out;
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), UINT32_MAX));
  int rc = Z_OK;
  while (rc == Z_OK) {
    if (out.size() >= cap) {
      inflateEnd(&zs);
      throw_error(ErrorCode::kLimitExceeded, "zip member inflates past " + std::to_string(cap) + " bytes");
    }
    size_t had = out.size();
    out.resize(std::min<uint64_t>(cap, had + (uint64_t{1} << 20)));
    zs.next_out = out.data() + had;
    zs.avail_out = static_cast<uInt>(out.size() - had);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.resize(out.size() - zs.avail_out);
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) throw_error(ErrorCode::kCompression, "zip member: corrupt or truncated deflate data");
  return out;
}

}  // namespace

// latin1 decodes every Python 2 str (a file Python loads with some encoding is not unreadable for
// want of it); each NEXT_BUFFER gets an empty buffer, as out-of-band data is the caller's, not the
// file's (more than kOutOfBandBuffers of them: unreadable).
Scanner::Scanner(ScanReport& report, const ScanOptions& options) : report_(report), opt_(options) {
  load_.limits = options.limits;
  load_.encoding = "latin1";
  load_.buffers.emplace(kOutOfBandBuffers, BufferView{});
}

void Scanner::record_error(const std::string& part, uint64_t offset, const std::string& message) {
  if (report_.error.empty()) {
    report_.error = message;
    report_.error_part = part;
    report_.error_offset = offset;
  }
  report_.verdict = Verdict::kUnreadable;  // scan() settles unsafe over unreadable at the end
}

void Scanner::scan_bytes(ByteView data, const std::string& part, int depth) {
  if (depth > opt_.max_nesting) {
    record_error(part, 0, "containers or nested pickles nest deeper than ScanOptions::max_nesting");
    return;
  }
  try {
    Codec codec = sniff_codec(data.data(), data.size());
    if (codec != Codec::kNone) return scan_decoded(data, codec, part, depth);
    if (starts_with(data, "PK\x03\x04", 4) || starts_with(data, "PK\x05\x06", 4)) return scan_zip(data, part, depth);
    if (starts_with(data, kNpyMagic, sizeof kNpyMagic)) return scan_npy(data, part, depth);
    if (starts_with(data, "ZF", 2)) {
      // joblib < 0.10's compressed pickles and side files: "ZF", a hex length, zlib data.
      std::vector<uint8_t> plain = joblib::detail::read_zfile(std::vector<uint8_t>(data.begin(), data.end()),
                                                              part.empty() ? "<file>" : part, opt_.limits);
      report_.parts.push_back(child(part, "ZF"));
      return scan_bytes(ByteView(plain.data(), plain.size()), child(part, "ZF"), depth + 1);
    }
    if (auto f = sniff_torch_format(data)) {
      if (*f == torch::Format::kLegacyTar) return scan_tar(data, part, depth);
      if (*f == torch::Format::kLegacyStream) return scan_legacy_torch(data, part, depth);
    }
    scan_pickles(data, part, depth);
  } catch (const Error& e) {
    record_error(part, e.offset() == Error::kNoOffset ? 0 : e.offset(), e.what());
  }
}

namespace {

// Decodes `data` whole into `plain` (bounded by the limits). A decoder throws for a cut or damaged
// stream without saying how much of its last read it had written, so after an error the stream is
// decoded again, byte by byte past the last whole chunk, to keep everything that came out before
// the damage: a payload there has already run in Python.
void decode_all(ByteView data, Codec codec, const ScanOptions& opt, std::vector<uint8_t>& plain) {
  uint64_t cap = std::min(opt.limits.max_input_bytes, opt.limits.max_memory_bytes);
  auto run = [&](size_t whole) {
    plain.clear();
    auto src = make_decoder(codec, make_memory_source(data.data(), data.size()), decoder_memlimit(opt.limits));
    uint8_t buf[1 << 16];
    for (;;) {
      size_t ask = plain.size() < whole ? std::min(sizeof buf, whole - plain.size()) : whole == SIZE_MAX ? sizeof buf : 1;
      size_t n = src->read(buf, ask);
      if (n == 0) return;
      if (plain.size() + n > cap) throw_error(ErrorCode::kLimitExceeded, "decompressed data passes the limits");
      plain.insert(plain.end(), buf, buf + n);
    }
  };
  try {
    run(SIZE_MAX);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kLimitExceeded) throw;
    size_t whole = plain.size();
    try {
      run(whole);
    } catch (const Error&) {
    }
    throw;
  }
}

}  // namespace

namespace {

// A decoder with a one-byte look-ahead, so the scan can tell the end of the data from a next pickle
// without a reader consuming it.
class PeekSource final : public Source {
 public:
  explicit PeekSource(std::unique_ptr<Source> inner) : inner_(std::move(inner)) {}
  size_t read(uint8_t* dst, size_t n) override {
    size_t k = 0;
    if (n && pending_ >= 0) {
      dst[k++] = static_cast<uint8_t>(pending_);
      pending_ = -1;
    }
    if (k < n && !eof_) {
      size_t got = inner_->read(dst + k, n - k);
      eof_ = got == 0;
      k += got;
    }
    return k;
  }
  bool at_end() {
    if (pending_ >= 0) return false;
    uint8_t b;
    if (eof_ || inner_->read(&b, 1) == 0) return eof_ = true;
    pending_ = b;
    return false;
  }

 private:
  std::unique_ptr<Source> inner_;
  int pending_ = -1;
  bool eof_ = false;
};

}  // namespace

void Scanner::scan_decoded(ByteView data, Codec codec, const std::string& part, int depth) {
  std::string name = child(part, std::string(codec_name(codec)));
  report_.parts.push_back(name);
  const size_t globals = report_.globals.size(), issues = report_.issues.size(), parts = report_.parts.size();
  try {
    // Streamed: joblib's array data passes through a small window and is never kept.
    auto head = make_decoder(codec, make_memory_source(data.data(), data.size()), decoder_memlimit(opt_.limits));
    uint8_t first[512];
    size_t n = 0;
    for (size_t got; n < sizeof first && (got = head->read(first + n, sizeof first - n)) > 0;) n += got;
    ByteView sniff(first, n);
    Codec inner = sniff_codec(first, n);
    bool pickles = n > 0 && inner == Codec::kNone && !starts_with(sniff, "PK", 2) &&
                   !starts_with(sniff, kNpyMagic, sizeof kNpyMagic) && !sniff_torch_format(sniff);
    if (pickles) {
      auto src = std::make_unique<PeekSource>(
          make_decoder(codec, make_memory_source(data.data(), data.size()), decoder_memlimit(opt_.limits)));
      PeekSource* peek = src.get();
      ByteReader in(src.get(), opt_.limits.max_input_bytes);
      run_pickles(in, name, depth + 1, -1, [&] { return in.buffered() == 0 && peek->at_end(); });
      return;
    }
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kCompression) throw;
    // Damaged compressed data: scanned again below from memory, to keep what decoded before it.
    report_.globals.resize(globals);
    report_.issues.resize(issues);
    report_.parts.resize(parts);
  }
  std::vector<uint8_t> plain;
  try {
    decode_all(data, codec, opt_, plain);
  } catch (const Error& e) {
    try {
      scan_pickles(ByteView(plain.data(), plain.size()), name, depth + 1);
    } catch (const Error&) {
      // the decoder's error below names why the file is unreadable
    }
    throw;
  }
  // A container inside (a compressed zip, torch file or .npy) is read from memory.
  scan_bytes(ByteView(plain.data(), plain.size()), name, depth + 1);
}

uint32_t Scanner::run_one(ByteReader& in, Document& doc, const std::string& part, int depth, VmHookList hooks) {
  const picklejar::LoadOptions& lo = load_;
  report_.parts.push_back((part.empty() ? "" : part + ": ") + "pickle at " + std::to_string(in.pos()));
  PickleObserver observer(report_, opt_.policy, part);
  JoblibSkipHook joblib(lo, &observer);
  uint32_t root = kNoNode;
  auto nested = [&] {
    for (const NestedPickle& n : observer.nested)
      scan_bytes(ByteView(n.bytes.data(), n.bytes.size()), child(part, n.loader + " at " + std::to_string(n.offset)),
                 depth + 1);
  };
  try {
    root = run_nested_unpickler(in, doc, lo, hooks.empty() ? joblib.hooks() : hooks, &observer);
  } catch (const Error& e) {
    nested();  // what the stream would have loaded before the error ran in Python too
    if (e.code() == ErrorCode::kExtension)
      report_.issues.push_back({part, e.offset(), "an extension code names a global through copyreg's extension "
                                                  "registry, which only the loading program knows"});
    throw;
  }
  nested();
  return root;
}

int Scanner::run_pickles(ByteReader& in, const std::string& part, int depth, int count,
                         const std::function<bool()>& at_end) {
  int done = 0;
  while (count < 0 || done < count) {
    if (done > 0 && (at_end ? at_end() : in.remaining() && *in.remaining() == 0)) break;
    Document doc;
    run_one(in, doc, part, depth);
    ++done;
  }
  return done;
}

void Scanner::scan_pickles(ByteView data, const std::string& part, int depth) {
  ByteReader in(data.data(), data.size(), opt_.limits.max_input_bytes);
  run_pickles(in, part, depth);
}

void Scanner::scan_npy(ByteView data, const std::string& part, int depth) {
  // np.load: a pickle follows the header only for an object dtype (allow_pickle); other arrays are
  // bytes. The header is a Python literal that np.load reads with ast.literal_eval.
  if (data.size() < 10) throw_error(ErrorCode::kTruncated, ".npy header cut short", 0);
  int major = data[6];
  uint64_t hlen = major == 1 ? le(data.data() + 8, 2) : data.size() >= 12 ? le(data.data() + 8, 4) : UINT64_MAX;
  uint64_t start = (major == 1 ? 10 : 12) + hlen;
  if (major < 1 || major > 3 || start > data.size()) throw_error(ErrorCode::kBadArgument, "bad .npy header", 0);
  std::string header(reinterpret_cast<const char*>(data.data()), static_cast<size_t>(start));
  size_t descr = header.find("'descr'");
  size_t quote = descr == std::string::npos ? descr : header.find_first_of("'\"[", descr + 7);
  if (quote == std::string::npos) throw_error(ErrorCode::kBadArgument, ".npy header without a descr", 0);
  if (header[quote] == '[') {
    // A structured dtype: an object field anywhere makes the data a pickle.
    size_t end = header.find("'fortran_order'");
    std::string fields = header.substr(quote, end == std::string::npos ? std::string::npos : end - quote);
    if (fields.find("'O'") == std::string::npos && fields.find("'|O'") == std::string::npos) return;
  } else {
    std::string_view d(header.c_str() + quote + 1);
    d = d.substr(0, d.find(header[quote]));
    if (d != "O" && d != "|O" && d != "O8" && d != "|O8" && d != "<O" && d != ">O") return;
  }
  std::string name = child(part, "npy object data");
  scan_pickles(data.subspan(static_cast<size_t>(start)), name, depth + 1);
}

void Scanner::scan_zip(ByteView data, const std::string& part, int depth) {
  std::map<uint64_t, ZipEntry> entries = zip_entries(data);
  if (entries.empty()) throw_error(ErrorCode::kBadArgument, "zip archive without readable members", 0);
  // A torch checkpoint's tensor storages (<root>/data/<key>) are raw element bytes: never read.
  std::set<std::string> roots;
  for (const auto& [at, e] : entries)
    for (const std::string& n : e.names)
      if (n == "data.pkl" || has_suffix(n, "/data.pkl")) roots.insert(n.substr(0, n.size() - 8));
  for (const auto& [at, e] : entries) {
    const std::string name = *e.names.begin();
    bool pickle_name = false, storage = false;
    for (const std::string& n : e.names) {
      pickle_name |= has_suffix(n, ".pkl") || has_suffix(n, ".pickle");
      for (const std::string& r : roots)
        storage |= n.compare(0, r.size() + 5, r + "data/") == 0 && n.size() > r.size() + 5;
    }
    if (storage && !pickle_name) continue;
    std::string where = child(part, name);
    try {
      if (e.data == 0 || e.data > data.size() || e.csize > data.size() - e.data)
        throw_error(ErrorCode::kBadArgument, "zip member '" + name + "' runs past the end of the file", at);
      ByteView raw = data.subspan(static_cast<size_t>(e.data), static_cast<size_t>(e.csize));
      std::vector<uint8_t> inflated;
      ByteView bytes = raw;
      if (e.method == 8) {
        uint64_t cap = std::min<uint64_t>({opt_.limits.max_memory_bytes, opt_.limits.max_input_bytes, uint64_t{1} << 32});
        inflated = inflate_raw(raw, cap);
        bytes = ByteView(inflated.data(), inflated.size());
      } else if (e.method != 0) {
        if (!pickle_name) continue;
        throw_error(ErrorCode::kUnsupported, "zip member '" + name + "' uses compression method " + std::to_string(e.method), at);
      }
      // Other members count when they hold something loadable: a pickle (PROTO first), a
      // compressed stream, a zip, an .npy file.
      bool loadable = pickle_name || (bytes.size() >= 2 && bytes[0] == 0x80 && bytes[1] <= 5) ||
                      sniff_codec(bytes.data(), bytes.size()) != Codec::kNone || starts_with(bytes, "PK\x03\x04", 4) ||
                      starts_with(bytes, kNpyMagic, sizeof kNpyMagic);
      if (!loadable) continue;
      report_.parts.push_back("zip member " + where);
      scan_bytes(bytes, where, depth + 1);
    } catch (const Error& err) {
      record_error(where, err.offset() == Error::kNoOffset ? 0 : err.offset(), err.what());
    }
  }
}

}  // namespace picklejar::internal
