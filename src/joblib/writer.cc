// Writing joblib files: the pickler as joblib's NumpyPickler runs it (pickle._Pickler batching,
// arrays as NumpyArrayWrapper + aligned raw bytes, numpy's saver for the rest) into an optional
// compressor, into memory or a file written atomically.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "model/value_access.h"
#include "codec/codec.h"
#include "io/atomic_file.h"
#include "joblib/wrapper.h"
#include "model/document_impl.h"
#include "numpy/saver.h"
#include "pickle/pickler.h"
#include "picklejar/joblib.h"

namespace picklejar::internal {
namespace {

// joblib's NumpyPickler as a saver (FORMATS.md §3.1-3.3): every numpy.ndarray, numpy.matrix and
// numpy.memmap (each occurrence, before the memo) becomes a new NumpyArrayWrapper, and the array's
// bytes follow the wrapper's BUILD.
class JoblibSaver final : public Saver {
 public:
  bool intercept(Pickler& p, const DocumentImpl* d, uint32_t id) override {
    if (!joblib_wrapped(d, id)) return false;
    p_ = &p;
    save_joblib_array(d, id);
    return true;
  }
  // An object of a joblib wrapper class with a state: not an array but the wrapper itself, as
  // joblib.load returns it when the stream fetches a NumpyArrayWrapper from the memo after its
  // BUILD. joblib.load reads array data after the BUILD of every wrapper and leaves the array in its
  // place, so the ordinary BUILD (what joblib.dump writes, a file neither joblib nor picklejar can
  // load) is followed by placeholder data of the layout the state describes, a POP of the array the
  // reader made of it, and the wrapper again from the memo. Legacy wrappers would read side files
  // joblib::dump does not write: refused.
  void before_build(Pickler& p, const DocumentImpl* d, uint32_t id) override {
    if (joblib_wrapper_of(*d, d->object(id).callable) == JoblibWrapper::kNone) return;
    p_ = &p;
    joblib_reload_bytes(d, id);  // refuses what cannot be written before anything is pushed
    p.push_resume(this, kReload, d, id);
  }
  void resume(Pickler& p, uint32_t code, const DocumentImpl* d, uint32_t id) override {
    p_ = &p;
    switch (code) {
      case kDict: joblib_dict(d, id); break;
      case kData: joblib_data(d, id); break;
      default: joblib_reload(d, id); break;
    }
  }

 private:
  enum : uint32_t { kDict, kData, kReload };
  static constexpr uint64_t kMaxWrapperPlaceholder = uint64_t{16} << 20;
  bool joblib_wrapped(const DocumentImpl* d, uint32_t id) const;
  void save_joblib_array(const DocumentImpl* d, uint32_t id);
  // The wrapper's __dict__.
  void joblib_dict(const DocumentImpl* d, uint32_t id);
  // After the wrapper's BUILD: the array's bytes (or a nested pickle for an object array).
  void joblib_data(const DocumentImpl* d, uint32_t id);
  // The placeholder's data bytes (0 for an object dtype, whose placeholder is a pickle of an empty
  // object array).
  uint64_t joblib_reload_bytes(const DocumentImpl* d, uint32_t id);
  void dump_nested_protocol2(const Value& v);
  // After the BUILD of a wrapper object: what the reader's hook reads, POP, and the wrapper again.
  void joblib_reload(const DocumentImpl* d, uint32_t id);

  Pickler* p_ = nullptr;  // the pickler of the call being served
};

// ---- joblib (FORMATS.md §3.1-3.3): joblib's NumpyPickler.save replaces every numpy.ndarray,
// numpy.matrix and numpy.memmap (each occurrence, before the memo) by a new NumpyArrayWrapper,
// then writes the array's bytes right after the wrapper's BUILD.
bool JoblibSaver::joblib_wrapped(const DocumentImpl* d, uint32_t id) const {
  if (d->tag(id) != kTagArray) return false;
  uint32_t cls = d->array(id).cls;
  if (cls == kNoNode) return true;
  const Node& c = d->node(cls);
  if (c.kind != Kind::kGlobal || c.aux != 5) return false;
  std::string_view all = text_of(c);
  return all == "numpyndarray" || all == "numpymatrix" || all == "numpymemmap";
}

void JoblibSaver::save_joblib_array(const DocumentImpl* d, uint32_t id) {
  p_->opcode_boundary();  // Pickler.save(wrapper)
  p_->push_resume(this, kData, d, id);
  p_->push_op(Op::BUILD);
  p_->push_resume(this, kDict, d, id);
  p_->push_memoize_fresh();
  if (p_->protocol() >= 2) {  // copyreg.__newobj__: cls () NEWOBJ
    p_->push_op(Op::NEWOBJ);
    p_->push_save(p_->scratch_doc(), kEmptyTupleNode, false);
    p_->push_global("joblib.numpy_pickle", "NumpyArrayWrapper");
    return;
  }
  // Protocols 0/1: copyreg._reconstructor(cls, object, None)
  p_->push_op(Op::REDUCE);
  p_->push_fresh_tuple_end(3);
  p_->push_save(p_->scratch_doc(), kNoneNode, false);
  p_->push_global("builtins", "object");
  p_->push_global("joblib.numpy_pickle", "NumpyArrayWrapper");
  p_->push_op(Op::MARK);
  p_->push_global("copyreg", "_reconstructor");
}

// The wrapper's __dict__: subclass, shape, order, dtype, allow_mmap, numpy_array_alignment_bytes
// (attribute names are interned strs, shared by every wrapper).
void JoblibSaver::joblib_dict(const DocumentImpl* d, uint32_t id) {
  p_->opcode_boundary();
  const ArrayData& a = d->array(id);
  bool has_object = d->dtype(a.dtype).has_object;
  bool f_order = array_f_contiguous(*d, a) && !array_c_contiguous(*d, a);
  p_->empty_container(Op::EMPTY_DICT, Op::DICT);
  p_->memo_put_fresh();
  const DocumentImpl* cls_doc = d;
  uint32_t cls = a.cls;
  if (cls == kNoNode) {
    cls = p_->scratch().add_global("numpy", "ndarray", Error::kNoOffset);
    cls_doc = p_->scratch_doc();
  }
  struct Pair {
    const char* key;
    const DocumentImpl* doc;
    uint32_t value;
  };
  std::vector<Pair> pairs{
      {"subclass", cls_doc, cls},
      {"shape", p_->scratch_doc(), p_->made_shape(a.shape)},
      {"order", p_->scratch_doc(), p_->made_str(f_order ? "F" : "C")},
      {"dtype", d, a.dtype},
      {"allow_mmap", p_->scratch_doc(), has_object ? kFalseNode : kTrueNode},
      {"numpy_array_alignment_bytes", p_->scratch_doc(), p_->made_int(16)},
  };
  if (p_->protocol() >= 1) p_->push_op(Op::SETITEMS);
  for (size_t i = pairs.size(); i-- > 0;) {
    if (p_->protocol() == 0) p_->push_op(Op::SETITEM);
    p_->push_save(pairs[i].doc, pairs[i].value, false);
    p_->push_interned_str(std::string("s") + pairs[i].key, pairs[i].key);
  }
  if (p_->protocol() >= 1) p_->push_op(Op::MARK);
}

void JoblibSaver::joblib_data(const DocumentImpl* d, uint32_t id) {
  p_->commit_frame();  // framer.commit_frame(force=True) at protocol 4+; nothing pending below 4
  p_->flush();
  const ArrayData& a = d->array(id);
  if (d->dtype(a.dtype).has_object) {  // pickle.dump(array, file, protocol=2): the C pickler
    dump_nested_protocol2(internal::make_value(d, id));
    return;
  }
  // One byte holding the padding length (1-16), that many 0xff: the data starts at a multiple of 16.
  uint64_t pad = 16 - ((p_->written() + 1) % 16);
  uint8_t padding[17];
  padding[0] = static_cast<uint8_t>(pad);
  std::memset(padding + 1, 0xff, pad);
  p_->sink_write(padding, pad + 1);
  bool f_order = array_f_contiguous(*d, a) && !array_c_contiguous(*d, a);
  if (f_order || array_c_contiguous(*d, a)) {
    p_->sink_write(a.data, a.nbytes);
  } else {
    std::vector<uint8_t> bytes = array_c_order_bytes(*d, a);
    p_->sink_write(bytes.data(), bytes.size());
  }
}

uint64_t JoblibSaver::joblib_reload_bytes(const DocumentImpl* d, uint32_t id) {
  const ObjectData& o = d->object(id);
  if (joblib_wrapper_of(*d, o.callable) != JoblibWrapper::kNumpyArrayWrapper)
    throw_error(ErrorCode::kUnsupported,
                "a legacy joblib array wrapper object with a state cannot be written: joblib.load would read a side "
                "file for it");
  auto layout = joblib_wrapper_layout(*d, o.state);
  if (!layout)
    throw_error(ErrorCode::kUnsupported,
                "a NumpyArrayWrapper object whose state joblib.load cannot read as an array's cannot be written");
  if (layout->nested_pickle) return 0;
  // The reader's byte count (shape product times itemsize, no overflow), and an element count
  // numpy's reading of the array it makes accepts (at most 64 dimensions, at most 2^62 elements).
  uint64_t count = 1, nbytes = 0;
  bool ok = layout->shape.size() <= 64;
  for (int64_t v : layout->shape)
    ok = ok && checked_mul(count, static_cast<uint64_t>(v), &count) && count <= (uint64_t{1} << 62);
  ok = ok && checked_mul(count, d->dtype(layout->dtype).itemsize, &nbytes);
  if (!ok || nbytes > kMaxWrapperPlaceholder)
    throw_error(ErrorCode::kUnsupported, "a NumpyArrayWrapper object whose state describes an array of more than " +
                                             std::to_string(kMaxWrapperPlaceholder) + " bytes cannot be written");
  return nbytes;
}

// pickle.dump(value, file, protocol=2) into the same output: how joblib writes an object array.
void JoblibSaver::dump_nested_protocol2(const Value& v) {
  picklejar::DumpOptions nested_opt = p_->options();
  nested_opt.protocol = 2;
  nested_opt.persistent_id = nullptr;
  NumpySaver numpy;  // a pickle.dump of its own: numpy's singletons are its own too
  Saver* const savers[] = {&numpy};
  Pickler nested(nested_opt, p_->sink(), {}, savers);
  nested.dump(v);
  p_->add_written(nested.written());
}

void JoblibSaver::joblib_reload(const DocumentImpl* d, uint32_t id) {
  p_->commit_frame();  // the placeholder, like array data, goes outside any frame
  p_->flush();
  uint64_t nbytes = joblib_reload_bytes(d, id);
  auto layout = joblib_wrapper_layout(*d, d->object(id).state);
  if (layout->nested_pickle) {  // numpy.empty(0, dtype=object), as joblib would pickle it
    DocumentImpl* sd = &p_->scratch();
    DTypeData spec;
    spec.kind = 'O';
    spec.itemsize = 8;
    uint32_t empty = make_array(*sd, make_dtype(*sd, spec), {0}, false,
                                          sd->add_container(Kind::kList, Error::kNoOffset), kNoNode);
    dump_nested_protocol2(internal::make_value(sd, empty));
  } else {
    if (layout->padded) {
      uint64_t pad = 16 - ((p_->written() + 1) % 16);
      uint8_t padding[17];
      padding[0] = static_cast<uint8_t>(pad);
      std::memset(padding + 1, 0xff, pad);
      p_->sink_write(padding, pad + 1);
    }
    static const uint8_t zeros[4096] = {};
    for (uint64_t left = nbytes; left > 0;) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(left, sizeof zeros));
      p_->sink_write(zeros, n);
      left -= n;
    }
  }
  p_->op(Op::POP);
  p_->memo_get(d, id);
}

}  // namespace
}  // namespace picklejar::internal

namespace picklejar::joblib {

using internal::throw_error;

namespace {

// Runs the joblib pickler into `out`, compressing when asked.
void write_joblib(const Value& v, const DumpOptions& options, const internal::ChunkWriter& out) {
  picklejar::DumpOptions d;
  d.protocol = options.protocol;
  d.hash_seed = options.hash_seed;
  internal::PicklerMode mode;
  mode.pure_python = true;
  internal::JoblibSaver joblib;
  internal::NumpySaver numpy;
  internal::Saver* const savers[] = {&joblib, &numpy};
  const Compression& c = options.compression;
  if (c.codec == Codec::kNone) {
    internal::FunctionSink sink(out);
    internal::dump_to(v, sink, d, mode, savers);
    return;
  }
  const Codec codec = c.codec;
  if (codec_name(codec) == "none")  // a value outside the enum
    throw_error(ErrorCode::kInvalidArgument, "unknown compressor " + std::to_string(static_cast<int>(codec)));
  int level = c.level < 0 ? internal::codec_default_level(codec) : c.level;
  bool lzma_like = codec == internal::Codec::kLzma || codec == internal::Codec::kXz;
  if (level > 9 || (level < 1 && !lzma_like && codec != internal::Codec::kLz4))
    throw_error(ErrorCode::kInvalidArgument, "compression level for " + std::string(codec_name(codec)) + " must be 1-9, not " + std::to_string(level));
  const unsigned threads = internal::resolve_threads(options.threads);
  std::unique_ptr<internal::Encoder> enc = internal::make_parallel_encoder(codec, level, threads, out);
  internal::FunctionSink sink([&](const uint8_t* p, size_t n) { enc->write(p, n); });
  internal::dump_to(v, sink, d, mode, savers);
  enc->finish();
}

}  // namespace

std::vector<uint8_t> dump(const Value& v, const DumpOptions& options) {
  std::vector<uint8_t> out;
  write_joblib(v, options, [&](const uint8_t* p, size_t n) { out.insert(out.end(), p, p + n); });
  return out;
}

void dump_file(const Value& v, const std::filesystem::path& path, const DumpOptions& options) {
  internal::write_file_atomically(path, [&](const internal::AppendFn& append) { write_joblib(v, options, append); });
}

}  // namespace picklejar::joblib
