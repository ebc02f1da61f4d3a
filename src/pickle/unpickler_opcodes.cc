// The pickle VM's opcode switch: one case per opcode, as CPython's _pickle.c load() dispatches.
// The machine it drives (stack, memo, inline hot paths) is in unpickler_vm.h; what the cases call
// out of line is in unpickler.cc.
#include <cstdio>
#include <cstring>
#include <string>
#include <tuple>

#include "base/text_literals.h"
#include "model/value_access.h"
#include "pickle/globals.h"
#include "pickle/unpickler_vm.h"

namespace picklejar::internal {

void Unpickler::run_opcodes() {
  for (;;) {
    op_off_ = in_.pos();
    op_ = Error::kNoOpcode;
    int b = in_.next_byte();
    if (b < 0) {
      if (in_.hit_limit()) fail(ErrorCode::kLimitExceeded, "input passes Limits::max_input_bytes");
      fail(op_off_ == 0 ? ErrorCode::kTruncated : ErrorCode::kNoStop,
           op_off_ == 0 ? "empty input" : "input ended before the STOP opcode");
    }
    op_ = b;
    switch (static_cast<Op>(b)) {
      // ---- ints, floats, atoms
      case Op::INT: push(text_int(arg<Op::INT>().line)); break;
      case Op::BININT:
        push(d_.add_int(arg<Op::BININT>().i, op_off_));
        break;
      case Op::BININT1:
        push(d_.add_int(static_cast<int64_t>(arg<Op::BININT1>().u), op_off_));
        break;
      case Op::BININT2:
        push(d_.add_int(static_cast<int64_t>(arg<Op::BININT2>().u), op_off_));
        break;
      case Op::LONG: push(text_long(arg<Op::LONG>().line)); break;
      case Op::LONG1: {
        RawArg a = arg<Op::LONG1>();
        push(d_.add_int_bytes(a.data, static_cast<size_t>(a.u), op_off_));
        break;
      }
      case Op::LONG4: {
        RawArg a = arg<Op::LONG4>();
        push(d_.add_int_bytes(a.data, static_cast<size_t>(a.u), op_off_));
        break;
      }
      case Op::FLOAT: push(d_.add_float(text_float(arg<Op::FLOAT>().line), op_off_)); break;
      case Op::BINFLOAT: {
        const uint8_t* p = arg<Op::BINFLOAT>().data;
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = (bits << 8) | p[i];
        double v;
        std::memcpy(&v, &bits, 8);
        push(d_.add_float(v, op_off_));
        break;
      }
      case Op::NONE: push(kNoneNode); break;
      case Op::NEWTRUE: push(kTrueNode); break;
      case Op::NEWFALSE: push(kFalseNode); break;

      // ---- strings and bytes
      case Op::STRING: {
        std::string_view s = arg<Op::STRING>().line;
        if (s.size() < 2 || s.front() != s.back() || (s.front() != '\'' && s.front() != '"'))
          fail(ErrorCode::kBadArgument, "the STRING opcode argument must be quoted");
        std::string v;
        LiteralError e;
        if (!escape_decode(s.substr(1, s.size() - 2), v, &e))
          fail(ErrorCode::kBadArgument, e.kind == LiteralError::kTrailingBackslash ? "trailing \\ in STRING argument"
                                                                                    : "invalid \\x escape in STRING argument");
        const uint8_t* p = d_.copy_bytes(reinterpret_cast<const uint8_t*>(v.data()), v.size());
        // copy_bytes made it stable already; py2_str must not point into the line buffer.
        push(py2_str_stable(p, v.size()));
        break;
      }
      case Op::BINSTRING: {
        RawArg a = arg<Op::BINSTRING>();
        push(py2_str_stable(a.data, static_cast<size_t>(a.u)));
        break;
      }
      case Op::SHORT_BINSTRING: {
        RawArg a = arg<Op::SHORT_BINSTRING>();
        push(py2_str_stable(a.data, static_cast<size_t>(a.u)));
        break;
      }
      case Op::BINBYTES: {
        RawArg a = arg<Op::BINBYTES>();
        push(counted_bytes(a.data, a.u));
        break;
      }
      case Op::SHORT_BINBYTES: {
        RawArg a = arg<Op::SHORT_BINBYTES>();
        push(counted_bytes(a.data, a.u));
        break;
      }
      case Op::BINBYTES8: {
        RawArg a = arg<Op::BINBYTES8>();
        push(counted_bytes(a.data, a.u));
        break;
      }
      case Op::BYTEARRAY8: {
        RawArg a = arg<Op::BYTEARRAY8>();
        push(d_.add_payload(Kind::kByteArray, a.data, a.u, op_off_));
        break;
      }
      case Op::UNICODE: {
        std::string v;
        LiteralError e;
        if (!raw_unicode_escape_decode(arg<Op::UNICODE>().line, v, &e))
          fail(ErrorCode::kBadArgument, e.kind == LiteralError::kTruncatedUnicodeEscape
                                            ? "truncated \\uXXXX escape in UNICODE argument"
                                            : "\\U escape out of range in UNICODE argument");
        push(make_str_owned(v));
        break;
      }
      case Op::SHORT_BINUNICODE: {
        RawArg a = arg<Op::SHORT_BINUNICODE>();
        push(make_str(a.data, a.u, true));
        break;
      }
      case Op::BINUNICODE: {
        RawArg a = arg<Op::BINUNICODE>();
        push(make_str(a.data, a.u, true));
        break;
      }
      case Op::BINUNICODE8: {
        RawArg a = arg<Op::BINUNICODE8>();
        push(make_str(a.data, a.u, true));
        break;
      }

      // ---- out-of-band buffers
      case Op::NEXT_BUFFER: {
        if (!opt_.buffers)
          fail(ErrorCode::kMissingBuffer, "pickle stream refers to out-of-band data but no buffers were given");
        if (next_buffer_ >= opt_.buffers->size())
          fail(ErrorCode::kMissingBuffer, "not enough out-of-band buffers (" + std::to_string(opt_.buffers->size()) + " given)");
        const BufferView& bv = (*opt_.buffers)[next_buffer_++];
        // The same memory given twice is one Python object given twice. Empty views have no memory
        // to tell them apart: each is an object of its own (as two empty bytearrays are, and two
        // PickleBuffers, what a buffer_callback collects, over b'').
        auto make = [&] {
          uint32_t n = d_.add_payload(Kind::kBuffer, bv.data.data(), bv.data.size(), op_off_);
          if (bv.readonly) d_.node(n).flags |= kFlagReadonly;
          return n;
        };
        if (bv.data.empty()) {
          push(make());
          break;
        }
        auto [it, fresh] = buffer_nodes_.try_emplace(std::make_tuple(bv.data.data(), bv.data.size(), bv.readonly), 0);
        if (fresh) it->second = make();
        push(it->second);
        break;
      }
      case Op::READONLY_BUFFER: {
        uint32_t t = top();
        Kind k = kind(t);
        if (k == Kind::kBuffer) {
          if (!(d_.node(t).flags & kFlagReadonly)) {
            const Node& src = d_.node(t);
            uint32_t n = d_.add_payload(Kind::kBuffer, src.u.bytes.ptr, src.u.bytes.len, op_off_);
            d_.node(n).flags |= kFlagReadonly;
            stack_.back() = n;
          }
        } else if (k == Kind::kByteArray) {
          const Node& src = d_.node(t);
          uint32_t n = d_.add_payload(Kind::kBuffer, src.u.bytes.ptr, src.u.bytes.len, op_off_);
          d_.node(n).flags |= kFlagReadonly;
          stack_.back() = n;
        } else if (k != Kind::kBytes) {
          bad_operand(t, "a buffer");
        }
        break;
      }

      // ---- containers
      case Op::EMPTY_LIST: push(d_.add_container(Kind::kList, op_off_)); break;
      case Op::EMPTY_DICT: push(d_.add_container(Kind::kDict, op_off_)); break;
      case Op::EMPTY_SET: push(d_.add_container(Kind::kSet, op_off_)); break;
      case Op::EMPTY_TUPLE: push(kEmptyTupleNode); break;
      case Op::APPEND: {
        uint32_t v = pop();
        uint32_t l = top();
        stack_.push_back(v);
        do_appends(l, stack_.size() - 1);
        break;
      }
      case Op::APPENDS: {
        size_t k = pop_mark();
        if (k == 0 || stack_.size() < k || k <= fence()) underflow();  // no list below the MARK
        // As CPython: an empty batch is no call, so any value below the MARK takes it.
        if (stack_.size() > k) do_appends(stack_[k - 1], k);
        break;
      }
      case Op::LIST: {
        size_t k = pop_mark();
        uint32_t l = d_.add_container(Kind::kList, op_off_);
        d_.append_items(l, stack_.data() + k, stack_.size() - k);
        stack_.resize(k);
        push(l);
        break;
      }
      case Op::TUPLE: {
        size_t k = pop_mark();
        push(tuple_from(k));
        break;
      }
      case Op::TUPLE1:
      case Op::TUPLE2:
      case Op::TUPLE3: {
        size_t n = static_cast<size_t>(b - 0x85 + 1);
        if (stack_.size() < fence() + n) underflow();
        push(tuple_from(stack_.size() - n));
        break;
      }
      case Op::DICT: {
        size_t k = pop_mark();
        if ((stack_.size() - k) % 2) fail(ErrorCode::kMarkMisuse, "odd number of items for DICT");
        uint32_t m = d_.add_container(Kind::kDict, op_off_);
        for (size_t i = k; i < stack_.size(); i += 2) d_.set_dict_item(m, stack_[i], stack_[i + 1]);
        stack_.resize(k);
        push(m);
        break;
      }
      case Op::SETITEM: {
        if (stack_.size() < fence() + 3) underflow();
        do_setitems(stack_[stack_.size() - 3], stack_.size() - 2);
        break;
      }
      case Op::SETITEMS: {
        size_t k = pop_mark();
        if (k == 0 || k <= fence()) underflow();  // no dict below the MARK
        if (stack_.size() > k) do_setitems(stack_[k - 1], k);  // as APPENDS: an empty batch is no call
        break;
      }
      case Op::ADDITEMS: {
        size_t k = pop_mark();
        if (k == 0 || k <= fence()) underflow();  // no set below the MARK
        if (stack_.size() == k) break;  // as APPENDS: an empty batch is no call
        uint32_t s = stack_[k - 1];
        if (kind(s) != Kind::kSet) bad_operand(s, "a set");
        for (size_t i = k; i < stack_.size(); ++i) d_.add_to_set(s, stack_[i]);
        stack_.resize(k);
        break;
      }
      case Op::FROZENSET: {
        size_t k = pop_mark();
        uint32_t s = d_.add_container(Kind::kFrozenSet, op_off_);
        for (size_t i = k; i < stack_.size(); ++i) d_.add_to_set(s, stack_[i]);
        stack_.resize(k);
        push(s);
        break;
      }

      // ---- stack manipulation
      case Op::POP:
        // As CPython's C unpickler: with nothing above the mark, POP discards the mark.
        if (stack_.size() > fence()) {
          if (op_off_ == call_end_) {
            adopt_state_setter(stack_.back());
            popped_call_ = stack_.back();
            popped_end_ = in_.pos();
          }
          stack_.pop_back();
        }
        else if (!marks_.empty()) marks_.pop_back();
        else fail(ErrorCode::kStackUnderflow, "unpickling stack underflow");
        break;
      case Op::DUP:
        push(top());
        break;
      case Op::MARK:
        push_mark();
        break;
      case Op::POP_MARK:
        stack_.resize(pop_mark());
        break;

      // ---- memo
      case Op::GET: push(got(memo_get(parse_memo_index(arg<Op::GET>().line)))); break;
      case Op::BINGET: push(got(memo_get(arg<Op::BINGET>().u))); break;
      case Op::LONG_BINGET: push(got(memo_get(arg<Op::LONG_BINGET>().u))); break;
      case Op::PUT: {
        uint64_t idx = parse_memo_index(arg<Op::PUT>().line);
        memo_put(idx, top());
        break;
      }
      case Op::BINPUT: {
        uint64_t idx = arg<Op::BINPUT>().u;
        memo_put(idx, top());
        break;
      }
      case Op::LONG_BINPUT: {
        uint64_t idx = arg<Op::LONG_BINPUT>().u;
        memo_put(idx, top());
        break;
      }
      case Op::MEMOIZE:
        memo_put(memo_count_, top());
        break;

      // ---- globals and objects
      case Op::EXT1:
      case Op::EXT2:
      case Op::EXT4: {
        int64_t c = b == 0x82   ? static_cast<int64_t>(arg<Op::EXT1>().u)
                    : b == 0x83 ? static_cast<int64_t>(arg<Op::EXT2>().u)
                                : arg<Op::EXT4>().i;
        if (c <= 0) fail(ErrorCode::kBadArgument, "EXT specifies code <= 0");
        auto ext = opt_.extensions.find(static_cast<int32_t>(c));
        if (ext == opt_.extensions.end())
          fail(ErrorCode::kExtension, "unregistered extension code " + std::to_string(c) + " (LoadOptions::extensions)");
        push(make_global(ext->second.first, ext->second.second));  // not memoized, as in CPython
        break;
      }
      case Op::GLOBAL: {
        RawArg a = arg<Op::GLOBAL>();
        push(make_global(a.line, a.line2));
        break;
      }
      case Op::STACK_GLOBAL: {
        uint32_t name = pop();
        uint32_t module = pop();
        if (kind(name) != Kind::kStr || kind(module) != Kind::kStr) fail(ErrorCode::kBadOperand, "STACK_GLOBAL requires str");
        Value mv = make_value(&d_, module), nv = make_value(&d_, name);
        uint32_t g = make_global(mv.as_str(), nv.as_str());
        d_.global_strs.emplace(g, std::pair{module, name});  // the first spelling wins
        push(g);
        break;
      }
      case Op::REDUCE: {
        uint32_t args = pop();
        uint32_t callable = pop();
        push(reduce(callable, args));
        call_end_ = in_.pos();
        break;
      }
      case Op::BUILD: {
        uint32_t state = pop();
        uint32_t inst = top();
        if (observer_) observer_->on_build(d_, inst, state, op_off_);
        if (kind(inst) != Kind::kObject) bad_operand(inst, "an object");
        if (policy_) check_use(d_.object(inst).callable, GlobalUse::kConstruct);
        // A second BUILD (never written by CPython) replaces the recorded state.
        d_.object(inst).state = state;
        intern_state_keys(state);
        for (VmHooks* h : hooks_) {
          uint32_t replaced = h->after_build(doc_, inst, in_, op_off_);
          if (replaced != kNoNode) {
            stack_.back() = replaced;
            break;
          }
        }
        break;
      }
      case Op::INST: {
        RawArg a = arg<Op::INST>();
        uint32_t cls = make_global(a.line, a.line2);
        size_t k = pop_mark();
        uint32_t args = tuple_from(k);
        note_call(cls, args, kNoNode);
        push(d_.add_object(MadeBy::kInst, cls, args, op_off_));
        break;
      }
      case Op::OBJ: {
        size_t k = pop_mark();
        if (stack_.size() <= k) underflow();  // no class above the MARK
        uint32_t cls = stack_[k];
        check_callable(cls, "a callable");
        uint32_t args = tuple_from(k + 1);
        stack_.resize(k);
        note_call(cls, args, kNoNode);
        push(d_.add_object(MadeBy::kObj, cls, args, op_off_));
        break;
      }
      case Op::NEWOBJ: {
        uint32_t args = pop();
        uint32_t cls = pop();
        if (kind(args) != Kind::kTuple) bad_operand(args, "an argument tuple");
        check_callable(cls, "a class");
        note_call(cls, args, kNoNode);
        push(d_.add_object(MadeBy::kNewObj, cls, args, op_off_));
        call_end_ = in_.pos();
        break;
      }
      case Op::NEWOBJ_EX: {
        uint32_t kwargs = pop();
        uint32_t args = pop();
        uint32_t cls = pop();
        if (kind(args) != Kind::kTuple) bad_operand(args, "an argument tuple");
        if (kind(kwargs) != Kind::kDict) bad_operand(kwargs, "a keyword-argument dict");
        check_callable(cls, "a class");
        note_call(cls, args, kwargs);
        uint32_t o = d_.add_object(MadeBy::kNewObjEx, cls, args, op_off_);
        d_.object(o).kwargs = kwargs;
        // Keyword names as __getnewargs_ex__ spells them: interned, like the attribute names the
        // BUILD after sets (which the stream shares them with, and interned_str keeps).
        intern_keys(d_, kwargs, false);
        push(o);
        call_end_ = in_.pos();
        break;
      }
      case Op::PERSID: {
        std::string_view s = arg<Op::PERSID>().line;
        for (char c : s)
          if (static_cast<unsigned char>(c) >= 0x80) fail(ErrorCode::kBadArgument, "persistent IDs in protocol 0 must be ASCII strings");
        uint32_t pid = d_.add_payload(Kind::kStr, d_.copy_bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()), s.size(), op_off_);
        push(persistent(pid));
        break;
      }
      case Op::BINPERSID:
        push(persistent(pop()));
        break;

      // ---- framing and control
      case Op::PROTO: {
        int p = static_cast<int>(arg<Op::PROTO>().u);
        if (p > 5) fail(ErrorCode::kUnsupportedProtocol, "unsupported pickle protocol: " + std::to_string(p));
        d_.protocol = p;
        break;
      }
      case Op::FRAME: {
        // Frames are a read-ahead hint: like CPython's C unpickler (pickle.loads), picklejar lets
        // an opcode cross a frame end and a FRAME start inside a frame (fixtures/pickle/
        // frame_crossing.pkl pins this). The declared size must fit the input.
        uint64_t n = arg<Op::FRAME>().u;
        auto rem = in_.remaining();
        if (rem && n > *rem)
          fail(ErrorCode::kBadFrame, "FRAME declares " + std::to_string(n) + " bytes, " + std::to_string(*rem) + " left");
        break;
      }
      case Op::STOP: {
        uint32_t v = pop();
        d_.root = v;
        return;
      }
      default: {
        // CPython's wording and quoting: invalid load key, '\xe9' (or 'A' for a printable byte).
        char key[8];
        std::snprintf(key, sizeof key, b >= 0x20 && b < 0x7f ? "%c" : "\\x%02x", b);
        fail(ErrorCode::kUnknownOpcode, std::string("invalid load key, '") + key + "'");
      }
    }
  }
}

}  // namespace picklejar::internal
