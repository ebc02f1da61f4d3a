// The public plain-pickle entry points (picklejar/pickle.h): the pickle layer's VM and pickler with
// numpy's hooks and savers. They live in the numpy layer because plain pickles load with numpy
// readings (and re-dump numpy values as numpy writes them) by default, and the pickle layer below
// knows no numpy (DESIGN.md §1b). Compressed input is decoded on the way in (src/codec/).
// The printers of picklejar/print.h that know numpy values (write_show, write_json with
// JsonOptions) are here for the same reason.
#include <algorithm>
#include <istream>
#include <memory>
#include <ostream>
#include <sstream>

#include "model/value_access.h"
#include "codec/codec.h"
#include "io/atomic_file.h"
#include "io/byte_reader.h"
#include "numpy/json_values.h"
#include "numpy/numpy.h"
#include "numpy/saver.h"
#include "numpy/show.h"
#include "pickle/pickler.h"
#include "pickle/unpickler.h"
#include "picklejar/pickle.h"
#include "picklejar/print.h"

namespace picklejar {
namespace {

internal::VmHookList numpy_hooks() {
  static internal::VmHooks* const kHooks[] = {&internal::numpy_vm_hooks()};
  return kHooks;
}

// Runs the VM over `src`, decompressing first when its first bytes are a codec's magic.
Document load_source(std::unique_ptr<internal::Source> raw, const LoadOptions& options,
                     internal::Codec* found = nullptr) {
  auto src = internal::decode_sniffed(std::move(raw), internal::decoder_memlimit(options.limits), found,
                                     options.decoder_threads);
  Document doc;
  internal::ByteReader in(src.get(), options.limits.max_input_bytes);
  internal::run_unpickler(in, doc, options, numpy_hooks());
  return doc;
}

class VectorSink final : public internal::ByteSink {
 public:
  // `hint`: the expected output size, reserved at the first write so that a large output is not
  // copied at every doubling (the pages beyond the real size are never touched).
  // Its pages are advised huge (internal::advise_huge_pages_within): a 9 MB pickle written into
  // fresh 4 KiB pages took 2,200 page faults, the most of dumping a million floats.
  VectorSink(std::vector<uint8_t>& v, size_t hint) : v_(v), hint_(hint) {}
  void write(const uint8_t* p, size_t n) override {
    if (v_.capacity() - v_.size() < n) {
      v_.reserve(std::max({v_.size() + n, v_.capacity() * 2, hint_}));
      internal::advise_huge_pages_within(v_.data() + v_.size(), v_.capacity() - v_.size());
    }
    v_.insert(v_.end(), p, p + n);
  }

 private:
  std::vector<uint8_t>& v_;
  size_t hint_;
};

class StreamSink final : public internal::ByteSink {
 public:
  explicit StreamSink(std::ostream& out) : out_(out) {}
  void write(const uint8_t* p, size_t n) override {
    out_.write(reinterpret_cast<const char*>(p), static_cast<std::streamsize>(n));
    if (!out_) internal::throw_error(ErrorCode::kIo, "write to the output stream failed");
  }

 private:
  std::ostream& out_;
};

// The pickler with numpy's saver, as pickle.dumps writes numpy values.
void dump_with_numpy(const Value& v, internal::ByteSink& sink, const DumpOptions& options) {
  internal::NumpySaver numpy;
  internal::Saver* const savers[] = {&numpy};
  internal::dump_to(v, sink, options, {}, savers);
}

}  // namespace

Document load(ByteView data, const LoadOptions& options) {
  if (internal::sniff_codec(data.data(), data.size()) != internal::Codec::kNone)
    return load_source(internal::make_memory_source(data.data(), data.size()), options);
  Document doc;  // zero-copy: payloads may point into `data`
  internal::ByteReader in(data.data(), data.size(), options.limits.max_input_bytes);
  internal::run_unpickler(in, doc, options, numpy_hooks());
  internal::impl_of(doc).frozen = true;
  return doc;
}

Document load_file(const std::filesystem::path& path, const LoadOptions& options) {
  return load_source(internal::open_file_source(path.c_str()), options);
}

Document load_stream(std::istream& stream, const LoadOptions& options) {
  auto raw = internal::make_istream_source(stream);
  std::vector<uint8_t> head = internal::read_head(*raw, 6);
  if (internal::sniff_codec(head.data(), head.size()) != internal::Codec::kNone)
    return load_source(internal::make_prefixed_source(std::move(head), std::move(raw)), options);
  auto src = internal::make_prefixed_source(std::move(head), std::move(raw));
  Document doc;
  internal::ByteReader in(src.get(), options.limits.max_input_bytes);
  internal::run_unpickler(in, doc, options, numpy_hooks());
  // Give back what was read past STOP, where the stream can seek.
  if (size_t extra = in.buffered()) {
    stream.clear();
    stream.seekg(-static_cast<std::streamoff>(extra), std::ios::cur);
    if (!stream) stream.clear();
  }
  internal::impl_of(doc).frozen = true;
  return doc;
}

int loaded_protocol(const Document& doc) noexcept { return doc.protocol(); }

std::vector<uint8_t> dump(const Value& v, const DumpOptions& options) {
  std::vector<uint8_t> out;
  // A pickle is typically a third to half of its document's memory (32-byte nodes become 2-10
  // byte opcodes; payloads are copied as they are).
  const uint64_t hint = v.valid() ? std::min<uint64_t>(internal::impl_of(v)->memory_bytes() / 2, uint64_t{1} << 30) : 0;
  VectorSink sink(out, static_cast<size_t>(hint));
  dump_with_numpy(v, sink, options);
  return out;
}

void dump(const Value& v, std::ostream& out, const DumpOptions& options) {
  StreamSink sink(out);
  dump_with_numpy(v, sink, options);
}

void dump_file(const Value& v, const std::filesystem::path& path, const DumpOptions& options) {
  internal::write_file_atomically(path, [&](const internal::AppendFn& append) {
    internal::FunctionSink sink(append);
    dump_with_numpy(v, sink, options);
  });
}

void write_show(const Value& v, std::ostream& out, const Limits& limits) {
  if (!v.valid()) internal::throw_error(ErrorCode::kInvalidArgument, "write_show: invalid Value");
  internal::write_show(*internal::impl_of(v), v.id(), out, limits, &internal::numpy_show());
}

std::string to_show(const Value& v, const Limits& limits) {
  std::ostringstream s;
  write_show(v, s, limits);
  return std::move(s).str();
}

void write_json(const Value& v, std::ostream& out, const JsonOptions& options, const Limits& limits) {
  if (!v.valid()) internal::throw_error(ErrorCode::kInvalidArgument, "write_json: invalid Value");
  internal::write_json(*internal::impl_of(v), v.id(), out, limits,
                       options.array_values ? &internal::numpy_json_values() : nullptr);
}

std::string to_json(const Value& v, const JsonOptions& options, const Limits& limits) {
  std::ostringstream s;
  write_json(v, s, options, limits);
  return std::move(s).str();
}

}  // namespace picklejar
