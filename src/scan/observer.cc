// PickleObserver: what one pickle run looks up, calls and builds, as findings of the report.
#include <string>

#include "model/value_access.h"
#include "pickle/opcode_table.h"
#include "scan/scanner.h"

namespace picklejar::internal {
namespace {

std::string_view payload_text(const DocumentImpl& d, uint32_t id) {
  const Node& n = d.node(id);
  return {reinterpret_cast<const char*>(n.u.bytes.ptr), static_cast<size_t>(n.u.bytes.len)};
}

std::pair<std::string_view, std::string_view> global_names(const DocumentImpl& d, uint32_t id) {
  std::string_view all = payload_text(d, id);
  size_t split = d.node(id).aux;
  return {all.substr(0, split), all.substr(split)};
}

uint32_t count_of(const DocumentImpl& d, uint32_t tuple) { return tuple == kEmptyTupleNode ? 0 : d.item_count(tuple); }

bool is_global(const DocumentImpl& d, uint32_t id, std::string_view module, std::string_view name) {
  if (id == kNoNode || d.node(id).kind != Kind::kGlobal) return false;
  auto [m, n] = global_names(d, id);
  return m == module && n == name;
}

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
         (module == "torch.storage" && name == "_load_from_bytes") || (module == "numpy" && name == "loads") ||
         (module == "numpy.core.multiarray" && name == "loads");
}

}  // namespace

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
  f.calls.push_back(std::string(op) + " at " + std::to_string(offset) + " with " + args_shape(d, args, kwargs));
  auto [module, name] = global_names(d, callable);
  const uint32_t n = args == kNoNode ? 0 : count_of(d, args);
  auto arg = [&](uint32_t i) { return d.items(args)[i]; };
  if (module == "builtins" && name == "getattr") {
    // getattr(cls, "Inner"): how protocols 0-3 name a nested class. The registry makes the global
    // cls.Inner of it, which is judged (and reported) by its own name where it is used; getattr
    // of anything else (or also of anything else) stays dangerous.
    bool nested_class = n == 2 && d.node(arg(0)).kind == Kind::kGlobal && d.node(arg(1)).kind == Kind::kStr;
    if (nested_class && f.calls.size() == 1) {
      f.dangerous = false;
      f.allowed = true;
      f.use = GlobalUse::kCall;
      return;
    }
    if (nested_class && !f.dangerous) return;
    f.dangerous = true;
    f.allowed = false;
  }
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
    uint32_t b = arg(0);
    Kind k = d.node(b).kind;
    if (k == Kind::kBytes || k == Kind::kByteArray) {
      const Node& bn = d.node(b);
      nested.push_back({std::vector<uint8_t>(bn.u.bytes.ptr, bn.u.bytes.ptr + bn.u.bytes.len), offset,
                        std::string(module) + "." + std::string(name)});
    }
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
