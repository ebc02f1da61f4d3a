// numpy's saver (saver.h): FORMATS.md §2.
#include "numpy/saver.h"

#include <algorithm>
#include <string_view>
#include <vector>

namespace picklejar::internal {

// numpy's builtin dtype objects are one object per type (np.dtype('<f8') is np.dtype('<f8')).
std::string NumpySaver::memo_key(const DocumentImpl* d, uint32_t id) {
  if (d->tag(id) == kTagDType && d->dtype(id).singleton) return "numpy.dtype:" + dtype_str(*d, id);
  return {};
}

// ---- numpy (FORMATS.md §2): an ndarray is re-emitted as it was loaded when that is what numpy
// would write at this protocol; otherwise numpy's other form is written from the array itself
// (_frombuffer at protocol 5 for a contiguous plain array, _reconstruct + state otherwise).
bool NumpySaver::numpy2_paths(bool loaded_numpy2) const {
  switch (p_->options().numpy_paths) {
    case NumpyPaths::kNumpy1: return false;
    case NumpyPaths::kNumpy2: return true;
    default: return loaded_numpy2;
  }
}

const NumpyNames& NumpySaver::numpy_names(bool numpy2) const {
  return numpy2 ? kNumpy2Names : kNumpy1Names;
}

bool NumpySaver::frombuffer_eligible(const DocumentImpl* d, const ArrayData& a) const {
  if (p_->protocol() < 5) return false;
  const DTypeData& t = d->dtype(a.dtype);
  // numpy falls back to _reconstruct when the array cannot export a buffer (datetimes, ...).
  if (t.has_object || t.itemsize == 0 || !dtype_buffer_exportable(*d, a.dtype)) return false;
  if (a.cls != kNoNode) {
    const Node& c = d->node(a.cls);
    if (c.kind != Kind::kGlobal || text_of(c) != "numpyndarray" || c.aux != 5) return false;
  }
  return array_c_contiguous(*d, a) || array_f_contiguous(*d, a);
}


// A numpy scalar as numpy re-pickles the scalar that scalar(dtype, bytes) made: scalar(dt, raw)
// where dt is the dtype the scalar reports, not the loaded one: numpy's own singleton for the
// builtin numeric types (one object shared by all scalars of the type, never an array's dtype,
// which loading copies), a new dtype for each str_, bytes_, datetime64 and timedelta64 scalar (str_
// and bytes_ sized to the value without trailing NULs), the scalar's own for void. The value is in
// native byte order; bool_ is 0 or 1, and np.True_/np.False_ are singletons.
bool NumpySaver::save_numpy_scalar(const DocumentImpl* d, uint32_t id) {
  const ObjectData& o = d->object(id);
  const Node& c = d->node(o.callable);
  bool want2 = numpy2_paths(text_of(c).substr(0, c.aux).rfind("numpy._core", 0) == 0);
  const ScalarData& s = d->scalar(id);
  const DTypeData& t = d->dtype(s.dtype);
  if (t.kind == 'b') {
    auto& first = bool_scalars_[s.nbytes && s.data[0] ? 1 : 0];
    if (first.first && p_->in_memo(first.first, first.second)) {
      p_->memo_get(first.first, first.second);
      return true;
    }
    first = {d, id};
  }
  std::vector<uint8_t> raw(s.data, s.data + s.nbytes);
  bool plain = t.fields.empty() && t.sub_base == kNoNode && t.type_object == kNoNode;
  char native = native_order();
  if (plain && t.byteorder != '|' && t.byteorder != native) swap_elements(raw.data(), raw.size(), swap_unit(t.kind, t.itemsize));
  uint32_t dtype = s.dtype;
  const DocumentImpl* dtype_doc = d;
  DocumentImpl* sd = &p_->scratch();
  DTypeData spec;
  spec.kind = t.kind;
  spec.itemsize = t.itemsize;
  spec.byteorder = (t.itemsize <= 1 && t.kind != 'U') || t.kind == 'S' ? '|' : native;
  if (plain && std::string_view("biufc").find(t.kind) != std::string_view::npos) {
    if (t.kind == 'b' && !raw.empty()) raw[0] = raw[0] != 0;
    uint32_t& singleton = canonical_dtypes_[std::string(1, t.kind) + std::to_string(t.itemsize)];
    if (!singleton) {
      singleton = make_dtype(*sd, spec);
      DTypeData marked = sd->dtype(singleton);
      marked.singleton = true;  // the same object as a Builder-made dtype of the type
      sd->set_dtype(singleton, std::move(marked));
    }
    dtype = singleton;
    dtype_doc = sd;
  } else if (plain && (t.kind == 'S' || t.kind == 'U' || t.kind == 'M' || t.kind == 'm')) {
    if (t.kind == 'S') {
      while (!raw.empty() && raw.back() == 0) raw.pop_back();
    } else if (t.kind == 'U') {
      while (raw.size() >= 4 && !raw[raw.size() - 1] && !raw[raw.size() - 2] && !raw[raw.size() - 3] &&
             !raw[raw.size() - 4])
        raw.resize(raw.size() - 4);
    }
    if (t.kind == 'S' || t.kind == 'U') spec.itemsize = raw.size();
    spec.unit = t.unit;
    spec.unit_count = t.unit_count;
    dtype = make_dtype(*sd, spec);
    dtype_doc = sd;
  }
  const std::vector<uint8_t>& kept = p_->keep(std::move(raw));
  p_->push_reduce_end(d, id);
  p_->push_fresh_tuple_end(2);
  p_->push_save(p_->scratch_doc(), p_->made_payload(Kind::kBytes, kept.data(), kept.size()), false);
  p_->push_save(dtype_doc, dtype);
  if (p_->protocol() < 2) p_->push_op(Op::MARK);
  p_->push_global(numpy_names(want2).multiarray, "scalar");
  return true;
}


// Returns false when the generic object path writes what numpy would.
bool NumpySaver::save_numpy(const DocumentImpl* d, uint32_t id) {
  uint16_t tag = d->tag(id);
  if (tag == kTagScalar) return save_numpy_scalar(d, id);
  if (tag != kTagArray) return false;
  const ArrayData& a = d->array(id);
  bool want_fb = frombuffer_eligible(d, a);
  bool want2 = numpy2_paths(a.numpy2_paths);
  // Always written from the array, as numpy's __reduce_ex__ makes it anew: new argument and state
  // tuples, CPython's b'b' singleton, tobytes() (a singleton when empty or 1 byte), a PickleBuffer
  // memoized as itself; none of which need be what the stream had (a BINBYTES b'b' is not the
  // singleton, a read-only 1-byte buffer was loaded as bytes, ...).
  const auto& names = numpy_names(want2);
  if (want_fb) {
    bool c_order = array_c_contiguous(*d, a);
    uint32_t buf = p_->made_payload(Kind::kBuffer, a.data, a.nbytes);
    if (!a.writable) p_->scratch().node(buf).flags |= kFlagReadonly;
    p_->push_resume(this, kFromBufferEnd, d, id);
    p_->push_fresh_tuple_end(4);
    p_->push_save(p_->scratch_doc(), p_->made_str(c_order ? "C" : "F"), false);
    p_->push_save(p_->scratch_doc(), p_->made_shape(a.shape), false);
    p_->push_save(d, a.dtype);
    p_->push_save(p_->scratch_doc(), buf, false);
    p_->push_op(Op::MARK);
    p_->push_global(names.numeric, "_frombuffer");
    return true;
  }
  p_->push_resume(this, kReconstructEnd, d, id);
  uint32_t cls = a.cls;
  const DocumentImpl* cls_doc = d;
  if (cls == kNoNode) {
    cls = p_->scratch().add_global("numpy", "ndarray", Error::kNoOffset);
    cls_doc = p_->scratch_doc();
  }
  p_->push_fresh_tuple_end(3);
  p_->push_save(p_->scratch_doc(), p_->made_payload(Kind::kBytes, reinterpret_cast<const uint8_t*>("b"), 1), false);
  p_->push_save(p_->scratch_doc(), p_->made_tuple({p_->made_int(0)}), false);
  p_->push_save(cls_doc, cls);
  if (p_->protocol() < 2) p_->push_op(Op::MARK);
  p_->push_global(names.multiarray, "_reconstruct");
  return true;
}

// After numpy's callable and arguments: REDUCE, memo, and for _reconstruct the BUILD state
// (1, shape, dtype, is_fortran, rawdata).
void NumpySaver::numpy_end(const DocumentImpl* d, uint32_t id, bool frombuffer) {
  p_->op(Op::REDUCE);
  if (p_->in_memo(d, id)) {
    p_->op(Op::POP);
    p_->memo_get(d, id);
    return;
  }
  p_->memo_put(d, id);
  if (frombuffer) return;
  const ArrayData& a = d->array(id);
  bool is_fortran = array_f_contiguous(*d, a) && !array_c_contiguous(*d, a);
  p_->push_op(Op::BUILD);
  p_->push_fresh_tuple_end(5);
  if (a.items != kNoNode) {
    p_->push_fresh_list_of(d, a.items);
  } else {
    bool in_order = is_fortran ? array_f_contiguous(*d, a) : array_c_contiguous(*d, a);
    if (in_order) {  // the bytes as they are, not copied
      p_->push_save(p_->scratch_doc(), p_->made_payload(Kind::kBytes, a.data, a.nbytes), false);
    } else {
      const std::vector<uint8_t>& kept = p_->keep(is_fortran ? array_f_order_bytes(*d, a) : array_c_order_bytes(*d, a));
      p_->push_save(p_->scratch_doc(), p_->made_payload(Kind::kBytes, kept.data(), kept.size()), false);
    }
  }
  p_->push_save(p_->scratch_doc(), is_fortran ? kTrueNode : kFalseNode, false);
  p_->push_save(d, a.dtype);
  p_->push_save(p_->scratch_doc(), p_->made_shape(a.shape), false);
  p_->push_save(p_->scratch_doc(), p_->made_int(1), false);
  p_->push_op(Op::MARK);  // a 5-tuple is always MARK ... TUPLE
}

}  // namespace picklejar::internal
