// PickleObserver: what one pickle run looks up, calls and builds, as findings of the report.
#include <string>

#include "joblib/reader.h"
#include "model/value_access.h"
#include "pickle/opcode_table.h"
#include "scan/scanner.h"

namespace picklejar::internal {
namespace {

using joblib::detail::is_global;
using joblib::detail::text;

std::pair<std::string_view, std::string_view> global_names(const DocumentImpl& d, uint32_t id) {
  std::string_view all = text(d, id);
  size_t split = d.node(id).aux;
  return {all.substr(0, split), all.substr(split)};
}

uint32_t count_of(const DocumentImpl& d, uint32_t tuple) { return tuple == kEmptyTupleNode ? 0 : d.item_count(tuple); }

// An argument's shape for the report: its kind, a payload's length, a global's name.
std::string shape_of(const DocumentImpl& d, uint32_t id) {
  const Node& n = d.node(id);
  switch (n.kind) {
    case Kind::kGlobal: {
      auto [m, q] = global_names(d, id);
      return "global " + std::string(m) + "." + std::string(q);
    }
    case Kind::kStr:
    case Kind::kBytes:
    case Kind::kByteArray:
      return std::string(kind_name(n.kind)) + "[" + std::to_string(n.u.bytes.len) + "]";
    case Kind::kTuple:
    case Kind::kList:
      return std::string(kind_name(n.kind)) + "[" + std::to_string(count_of(d, id)) + "]";
    case Kind::kObject: {
      uint32_t c = d.object(id).callable;
      if (c != kNoNode && d.node(c).kind == Kind::kGlobal) {
        auto [m, q] = global_names(d, c);
        return std::string(m) + "." + std::string(q) + "(...)";
      }
      return "object";
    }
    default:
      return std::string(kind_name(n.kind));
  }
}

std::string args_shape(const DocumentImpl& d, uint32_t args, uint32_t kwargs) {
  std::string s = "(";
  uint32_t n = args == kNoNode ? 0 : count_of(d, args);
  for (uint32_t i = 0; i < n && i < 8; ++i) s += (i ? ", " : "") + shape_of(d, d.items(args)[i]);
  if (n > 8) s += ", ... " + std::to_string(n) + " in all";
  if (kwargs != kNoNode) s += std::string(n ? ", " : "") + "**dict[" + std::to_string(d.item_count(kwargs)) + "]";
  return s + ")";
}

// The callables that load a pickle from their first argument (bytes).
bool loads_a_pickle(std::string_view module, std::string_view name) {
  return ((module == "pickle" || module == "_pickle" || module == "dill" || module == "cloudpickle" ||
           module == "dill._dill") &&
          (name == "loads" || name == "_loads")) ||
         ((module == "torch.storage" || module == "torch._utils") && name == "_load_from_bytes") || (module == "numpy" && name == "loads") ||
         (module == "numpy.core.multiarray" && name == "loads");
}

// base64 as binascii.a2b_base64 reads it by default: characters outside the alphabet are skipped,
// decoding stops at padding.
bool from_base64(std::string_view s, bool urlsafe, std::vector<uint8_t>* out) {
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == (urlsafe ? '-' : '+') ? 62
            : c == (urlsafe ? '_' : '/') ? 63
            : c == '=' ? -2 : -1;
    if (v == -2) break;
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  return true;
}

bool from_hex(std::string_view s, std::vector<uint8_t>* out) {
  int hi = -1;
  for (char c : s) {
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (v < 0) {
      if (c == ' ' && hi < 0) continue;
      return false;
    }
    if (hi < 0) {
      hi = v;
    } else {
      out->push_back(static_cast<uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  return hi < 0;
}

}  // namespace

// The bytes a loader's argument holds: bytes (what the registry made of _codecs.encode too), or
// the result of a decoder Python would run first (base64.b64decode('...'), bytes.fromhex('...')).
bool PickleObserver::bytes_argument(const DocumentImpl& d, uint32_t id, std::vector<uint8_t>* out) {
  const Node& n = d.node(id);
  if (n.kind == Kind::kBytes || n.kind == Kind::kByteArray) {
    out->assign(n.u.bytes.ptr, n.u.bytes.ptr + n.u.bytes.len);
    return true;
  }
  if (n.kind != Kind::kObject) return false;
  const ObjectData& o = d.object(id);
  if (o.callable == kNoNode || d.node(o.callable).kind != Kind::kGlobal || o.args == kNoNode ||
      d.node(o.args).kind != Kind::kTuple || count_of(d, o.args) < 1)
    return false;
  uint32_t a = d.items(o.args)[0];
  Kind k = d.node(a).kind;
  if (k != Kind::kStr && k != Kind::kBytes && k != Kind::kByteArray) return false;
  std::string_view encoded = text(d, a);
  auto [module, name] = global_names(d, o.callable);
  if ((module == "base64" && (name == "b64decode" || name == "standard_b64decode" || name == "decodebytes")) ||
      (module == "binascii" && name == "a2b_base64"))
    return from_base64(encoded, false, out);
  if (module == "base64" && name == "urlsafe_b64decode") return from_base64(encoded, true, out);
  if ((module == "binascii" && (name == "unhexlify" || name == "a2b_hex")) ||
      (module == "builtins" && name == "bytes.fromhex") || (module == "base64" && name == "b16decode"))
    return from_hex(encoded, out);
  return false;
}

void PickleObserver::raise_use(GlobalFinding& f, GlobalUse use) {
  if (use > f.use) f.use = use;
  auto allowed = policy_.allowed(f.module, f.name);
  f.allowed = allowed && *allowed >= f.use;
}

GlobalFinding& PickleObserver::finding(const DocumentImpl& d, uint32_t global, uint64_t offset, const char* opcode) {
  auto it = by_node_.find(global);
  if (it != by_node_.end()) return report_.globals[it->second];
  auto [m, n] = global_names(d, global);
  GlobalFinding f;
  f.module = m;
  f.name = n;
  f.part = part_;
  f.offset = offset;
  f.opcode = opcode;
  f.dangerous = is_known_dangerous(m, n);
  by_node_.emplace(global, report_.globals.size());
  report_.globals.push_back(std::move(f));
  GlobalFinding& made = report_.globals.back();
  raise_use(made, GlobalUse::kReference);
  return made;
}

void PickleObserver::on_global(const DocumentImpl& d, uint32_t global, uint64_t offset, int opcode) {
  finding(d, global, offset, opcode_info(static_cast<uint8_t>(opcode)).name);
}

void PickleObserver::use_argument(const DocumentImpl& d, uint32_t arg, GlobalUse use, uint64_t offset) {
  if (d.node(arg).kind != Kind::kGlobal || is_global(d, arg, "builtins", "object")) return;
  raise_use(finding(d, arg, offset, "getattr"), use);
}

void PickleObserver::on_call(const DocumentImpl& d, uint32_t callable, uint32_t args, uint32_t kwargs,
                             uint64_t offset, int opcode) {
  const char* op = opcode_info(static_cast<uint8_t>(opcode)).name;
  if (d.node(callable).kind != Kind::kGlobal) {
    // Calling what another call returned (attrgetter(...)(obj), a loaded function): nothing a
    // policy can name allows it.
    report_.issues.push_back({part_, offset, std::string(op) + " calls a " + shape_of(d, callable) + " value, not a global"});
    return;
  }
  const bool construct = opcode == static_cast<int>(Op::NEWOBJ) || opcode == static_cast<int>(Op::NEWOBJ_EX);
  GlobalFinding& f = finding(d, callable, offset, "getattr");
  if (f.call_count++ < GlobalFinding::kListedCalls)
    f.calls.push_back(std::string(op) + " at " + std::to_string(offset) + " with " + args_shape(d, args, kwargs));
  auto [module, name] = global_names(d, callable);
  const uint32_t n = args == kNoNode ? 0 : count_of(d, args);
  auto arg = [&](uint32_t i) { return d.items(args)[i]; };
  raise_use(f, construct ? GlobalUse::kConstruct : GlobalUse::kCall);
  if (module == "copyreg" && name == "_reconstructor" && n >= 2) {
    // obj = base.__new__(cls, state); base.__init__(obj, state) unless base is object.
    use_argument(d, arg(0), GlobalUse::kConstruct, offset);
    use_argument(d, arg(1), GlobalUse::kCall, offset);
  } else if ((module == "copyreg" && name == "__newobj__" && n >= 1) ||
             ((module == "numpy.core.multiarray" || module == "numpy._core.multiarray") && name == "_reconstruct" &&
              n >= 1)) {
    use_argument(d, arg(0), GlobalUse::kConstruct, offset);
  } else if (loads_a_pickle(module, name) && n >= 1) {
    std::vector<uint8_t> bytes;
    // Once per value: a memo'd payload loaded a million times is one pickle to scan.
    if (loaded_.insert(arg(0)).second && bytes_argument(d, arg(0), &bytes)) nested.push_back({std::move(bytes), offset, std::string(module) + "." + std::string(name)});
  }
}

void PickleObserver::on_build(const DocumentImpl& d, uint32_t obj, uint32_t, uint64_t offset) {
  if (d.node(obj).kind != Kind::kObject) return;  // the VM refuses it: the file is unreadable
  uint32_t cls = d.object(obj).callable;
  if (cls == kNoNode || d.node(cls).kind != Kind::kGlobal) return;
  GlobalFinding& f = finding(d, cls, offset, "getattr");
  f.built = true;
  raise_use(f, GlobalUse::kConstruct);
}

}  // namespace picklejar::internal
