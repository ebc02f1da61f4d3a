// The built-in policies (Policy::builtin) and the known-dangerous globals (is_known_dangerous).
// Allowlists first: a name is in a policy because the pickles of that library use it that way
// (facts: numpy 1.24 and 2.x names, joblib 1.2, scikit-learn 1.2, torch 1.13's
// torch/_weights_only_unpickler.py); everything else is outside it.
#include <algorithm>
#include <array>
#include <string>

#include "base/error.h"
#include "picklejar/policy.h"
#include "picklejar/scan.h"

namespace picklejar {
namespace {

using U = GlobalUse;
struct Entry {
  const char* module;
  const char* name;
  GlobalUse use;
};

// Plain Python data: what protocols 0-2 spell builtin values with, and the standard library's
// value types.
constexpr Entry kData[] = {
    {"builtins", "set", U::kCall},           {"builtins", "frozenset", U::kCall},
    {"builtins", "bytearray", U::kCall},     {"builtins", "bytes", U::kCall},
    {"builtins", "complex", U::kCall},       {"builtins", "slice", U::kCall},
    {"builtins", "range", U::kCall},         {"builtins", "int", U::kCall},
    {"builtins", "float", U::kCall},         {"builtins", "str", U::kCall},
    {"builtins", "bool", U::kCall},          {"builtins", "list", U::kCall},
    {"builtins", "dict", U::kCall},          {"builtins", "tuple", U::kCall},
    {"builtins", "object", U::kConstruct},   {"builtins", "NoneType", U::kReference},
    {"_codecs", "encode", U::kCall},         {"copyreg", "_reconstructor", U::kCall},
    {"copyreg", "__newobj__", U::kCall},     {"collections", "OrderedDict", U::kCall},
    {"collections", "defaultdict", U::kCall}, {"collections", "deque", U::kCall},
    {"collections", "Counter", U::kCall},    {"datetime", "date", U::kCall},
    {"datetime", "time", U::kCall},          {"datetime", "datetime", U::kCall},
    {"datetime", "timedelta", U::kCall},     {"datetime", "timezone", U::kCall},
    {"decimal", "Decimal", U::kCall},        {"fractions", "Fraction", U::kCall},
    {"uuid", "UUID", U::kConstruct},         {"uuid", "SafeUUID", U::kCall},
};

// numpy's arrays, dtypes and scalars (numpy.core in 1.x, numpy._core in 2.x), and joblib's wrappers.
constexpr Entry kNumpy[] = {
    {"numpy.core.multiarray", "_reconstruct", U::kCall},  {"numpy._core.multiarray", "_reconstruct", U::kCall},
    {"numpy.core.multiarray", "scalar", U::kCall},        {"numpy._core.multiarray", "scalar", U::kCall},
    {"numpy.core.numeric", "_frombuffer", U::kCall},      {"numpy._core.numeric", "_frombuffer", U::kCall},
    {"numpy", "dtype", U::kCall},                         {"numpy", "ndarray", U::kConstruct},
    {"numpy", "matrix", U::kConstruct},                   {"numpy", "recarray", U::kConstruct},
    {"numpy", "record", U::kConstruct},                   {"numpy", "memmap", U::kConstruct},
    {"numpy.core.records", "recarray", U::kConstruct},    {"numpy.core.records", "record", U::kConstruct},
    {"numpy.matrixlib.defmatrix", "matrix", U::kConstruct}, {"numpy.core.memmap", "memmap", U::kConstruct},
    {"numpy.ma.core", "_mareconstruct", U::kCall},        {"numpy.ma.core", "MaskedArray", U::kConstruct},
    {"numpy.dtypes", "*", U::kConstruct},                 {"numpy.random._pickle", "__randomstate_ctor", U::kCall},
    {"numpy.random._pickle", "__bit_generator_ctor", U::kCall}, {"numpy.random._pickle", "__generator_ctor", U::kCall},
    {"numpy.random.mtrand", "RandomState", U::kConstruct}, {"numpy.random._mt19937", "MT19937", U::kConstruct},
    {"numpy.random._pcg64", "PCG64", U::kConstruct},      {"numpy.random._generator", "Generator", U::kConstruct},
    {"joblib.numpy_pickle", "NumpyArrayWrapper", U::kConstruct},
    {"joblib.numpy_pickle", "NDArrayWrapper", U::kConstruct},
    {"joblib.numpy_pickle", "ZNDArrayWrapper", U::kConstruct},
    {"joblib.numpy_pickle_compat", "NDArrayWrapper", U::kConstruct},
    {"joblib.numpy_pickle_compat", "ZNDArrayWrapper", U::kConstruct},
};

// scikit-learn: estimators are made with copyreg._reconstructor or NEWOBJ and get their __dict__
// by BUILD; its Cython types (trees, neighbour structures, distance metrics, losses) pickle as
// calls of the type or of a module's newObj(cls). SciPy's sparse matrices come along.
constexpr Entry kSklearn[] = {
    {"sklearn.*", "*", U::kConstruct},
    {"sklearn.tree._tree", "Tree", U::kCall},
    {"sklearn.neighbors._kd_tree", "newObj", U::kCall},
    {"sklearn.neighbors._ball_tree", "newObj", U::kCall},
    {"sklearn.neighbors._binary_tree", "newObj", U::kCall},
    {"sklearn.metrics._dist_metrics", "newObj", U::kCall},
    {"sklearn._loss._loss", "*", U::kCall},
    {"scipy.sparse.*", "*", U::kConstruct},
};

constexpr const char* kTorchElementTypes[] = {"Float", "Double", "Half",   "BFloat16", "Long",
                                              "Int",   "Short",  "Char",   "Byte",     "Bool"};
constexpr const char* kTorchStorageOnly[] = {"ComplexFloat", "ComplexDouble", "QUInt8",  "QInt8",
                                             "QInt32",       "QUInt4x2",      "QUInt2x4"};

Policy torch_policy() {
  Policy p;
  for (const char* n : {"OrderedDict"}) p.allow("collections", n);
  p.allow("torch.nn.parameter", "Parameter");
  p.allow("torch.serialization", "_get_layout");
  p.allow("torch", "Size");
  p.allow("torch", "Tensor");
  for (const char* t : {"complex32", "complex64", "complex128", "float16", "float32", "float64", "int8", "int16",
                        "int32", "int64"})
    p.allow("torch", t);
  for (const char* e : kTorchElementTypes) {
    std::string tensor = std::string(e) + "Tensor", storage = std::string(e) + "Storage";
    for (const char* m : {"torch", "torch.cuda", "torch.sparse", "torch.cuda.sparse"}) p.allow(m, tensor);
    for (const char* m : {"torch", "torch.cuda"}) p.allow(m, storage);
  }
  for (const char* e : kTorchStorageOnly)
    for (const char* m : {"torch", "torch.cuda"}) p.allow(m, std::string(e) + "Storage");
  p.allow("torch.storage", "TypedStorage");
  p.allow("torch.storage", "UntypedStorage");
  for (const char* f : {"_rebuild_parameter", "_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_sparse_tensor",
                        "_rebuild_meta_tensor_no_storage", "_rebuild_sparse_csr_tensor"})
    p.allow("torch._utils", f);
  return p;
}

template <size_t N>
Policy from_table(const Entry (&t)[N]) {
  Policy p;
  for (const Entry& e : t) p.allow(e.module, e.name, e.use);
  return p;
}

// Modules any of whose names is dangerous to import and call (and their submodules).
constexpr std::string_view kDangerousModules[] = {
    "os",        "posix",       "nt",        "subprocess", "_posixsubprocess", "pty",      "socket",
    "socketserver", "webbrowser", "shutil",  "runpy",      "importlib",        "imp",      "zipimport",
    "pkgutil",   "code",        "codeop",    "pdb",        "bdb",              "ctypes",   "_ctypes",
    "multiprocessing", "asyncio", "sys",     "marshal",    "shelve",           "dill",     "cloudpickle",
    "timeit",    "cProfile",    "profile",   "trace",      "commands",         "popen2",   "platform",
    "_thread",   "thread",      "threading", "signal",     "http",             "urllib",   "urllib2",
    "ftplib",    "smtplib",     "telnetlib", "ensurepip",  "venv",             "distutils", "pip",
    "idlelib",   "__builtin__", "__builtins__", "gc",       "tempfile",
    "glob",      "pydoc",      "xmlrpc",           "requests", "paramiko",
    "sqlite3",   "ssl",         "select",    "fcntl",      "resource",         "mmap",     "operator",
    "_operator",
};
// Single names dangerous in otherwise harmless modules.
constexpr std::pair<std::string_view, std::string_view> kDangerousNames[] = {
    {"builtins", "eval"},       {"builtins", "exec"},        {"builtins", "execfile"},
    {"builtins", "compile"},    {"builtins", "open"},        {"builtins", "__import__"},
    {"builtins", "getattr"},    {"builtins", "setattr"},     {"builtins", "delattr"},
    {"builtins", "globals"},    {"builtins", "locals"},      {"builtins", "vars"},
    {"builtins", "breakpoint"}, {"builtins", "input"},       {"builtins", "exit"},
    {"builtins", "quit"},       {"builtins", "help"},        {"builtins", "memoryview"},
    {"io", "open"},             {"builtins", "apply"},       {"builtins", "reload"},
    {"builtins", "file"},       {"functools", "partial"},    {"functools", "reduce"},
    {"functools", "partialmethod"}, {"functools", "singledispatch"}, {"_functools", "partial"},
    {"_functools", "reduce"},   {"pickle", "loads"},         {"pickle", "load"},
    {"pickle", "_loads"},       {"pickle", "_load"},         {"pickle", "Unpickler"},
    {"pickle", "_Unpickler"},   {"_pickle", "loads"},        {"_pickle", "load"},
    {"_pickle", "Unpickler"},   {"joblib", "load"},          {"joblib.numpy_pickle", "load"},
    {"numpy", "load"},          {"numpy", "loads"},          {"numpy.lib.npyio", "load"},
    {"numpy.testing._private.utils", "runstring"},           {"numpy.core.multiarray", "loads"},
    {"torch", "load"},          {"torch.serialization", "load"}, {"torch.storage", "_load_from_bytes"},
    {"torch._utils", "_load_from_bytes"},
    {"torch.jit", "load"},      {"torch.hub", "load"},       {"torch.hub", "download_url_to_file"},
    {"torch._C", "_load_for_lite_interpreter"}, {"sklearn.externals.joblib", "load"},
    {"copyreg", "add_extension"}, {"types", "FunctionType"}, {"types", "CodeType"},
    {"io", "FileIO"},           {"io", "open_code"},         {"_io", "open"},
    {"_io", "FileIO"},          {"_io", "open_code"},
    {"types", "LambdaType"},  {"types", "MethodType"},  {"types", "ModuleType"},
};

bool module_under(std::string_view module, std::string_view root) {
  return module == root || (module.size() > root.size() && module.substr(0, root.size()) == root &&
                            module[root.size()] == '.');
}

}  // namespace

// Attributes that lead from any object to code, modules or every class: a qualname walking
// through one (protocol 4 resolves dotted names with getattr) is dangerous whatever its module.
constexpr std::string_view kDangerousAttributes[] = {"__globals__", "__builtins__", "__subclasses__", "__code__",
                                                     "__dict__",    "__class__",    "__base__",       "__bases__",
                                                     "__mro__",     "__import__",   "__getattribute__", "__loader__",
                                                     "__spec__",    "__self__",     "__func__",       "__closure__"};

bool is_known_dangerous(std::string_view module, std::string_view qualname) {
  for (size_t at = qualname.find(".__"); at != std::string_view::npos; at = qualname.find(".__", at + 1)) {
    std::string_view attr = qualname.substr(at + 1, qualname.find('.', at + 1) - at - 1);
    for (std::string_view a : kDangerousAttributes)
      if (attr == a) return true;
  }
  for (std::string_view m : kDangerousModules)
    if (module_under(module, m)) return true;
  // A bound method reached through a class (os.system via "posix.system" is above; this is
  // "pickle.Unpickler.load" or "builtins.getattr.__call__"): judged by its first name.
  std::string_view first = qualname.substr(0, qualname.find('.'));
  for (const auto& [m, n] : kDangerousNames)
    if (module == m && (qualname == n || first == n)) return true;
  return false;
}

std::vector<std::string> Policy::builtin_names() { return {"data", "numpy", "sklearn", "torch", "ml"}; }

Policy Policy::builtin(std::string_view name) {
  if (name == "data") return from_table(kData);
  if (name == "numpy") return from_table(kData).merge(from_table(kNumpy));
  if (name == "sklearn") return builtin("numpy").merge(from_table(kSklearn));
  if (name == "torch") return torch_policy();
  if (name == "ml") return builtin("sklearn").merge(torch_policy());
  internal::throw_error(ErrorCode::kInvalidArgument,
                        "unknown policy '" + std::string(name) + "' (built in: data, numpy, sklearn, torch, ml)");
}

}  // namespace picklejar
