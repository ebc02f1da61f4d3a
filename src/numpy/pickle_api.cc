// The public plain-pickle entry points (picklejar/pickle.h): the pickle layer's VM and pickler with
// numpy's hooks and savers. They live in the numpy layer because plain pickles load with numpy
// readings (and re-dump numpy values as numpy writes them) by default, and the pickle layer below
// knows no numpy (DESIGN.md §1b). Compressed input is decoded on the way in (src/codec/).
#include <istream>
#include <memory>

#include "codec/codec.h"
#include "io/byte_reader.h"
#include "numpy/numpy.h"
#include "pickle/unpickler.h"
#include "picklejar/pickle.h"

namespace picklejar {
namespace {

internal::VmHookList numpy_hooks() {
  static internal::VmHooks* const kHooks[] = {&internal::numpy_vm_hooks()};
  return kHooks;
}

// Runs the VM over `src`, decompressing first when its first bytes are a codec's magic.
Document load_source(std::unique_ptr<internal::Source> raw, const LoadOptions& options,
                     internal::Codec* found = nullptr) {
  auto src = internal::decode_sniffed(std::move(raw), options.limits.max_memory_bytes, found);
  Document doc;
  internal::ByteReader in(src.get(), options.limits.max_input_bytes);
  internal::run_unpickler(in, doc, options, numpy_hooks());
  return doc;
}

}  // namespace

Document load(ByteView data, const LoadOptions& options) {
  if (internal::sniff_codec(data.data(), data.size()) != internal::Codec::kNone)
    return load_source(internal::make_memory_source(data.data(), data.size()), options);
  Document doc;  // zero-copy: payloads may point into `data`
  internal::ByteReader in(data.data(), data.size(), options.limits.max_input_bytes);
  internal::run_unpickler(in, doc, options, numpy_hooks());
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
  return doc;
}

int loaded_protocol(const Document& doc) noexcept { return doc.impl().protocol; }

}  // namespace picklejar
