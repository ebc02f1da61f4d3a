// The built-in policies, policy files and the known-dangerous list (src/scan/policies.cc,
// src/pickle/policy.cc).
#include <gtest/gtest.h>
#include <picklejar/error.h>
#include <picklejar/scan.h>

#include <string>
#include <utility>
#include <vector>

namespace picklejar {
namespace {

TEST(ScanPolicies, WildcardsDoNotWalkDunderAttributes) {
  Policy p = Policy::builtin("sklearn");
  EXPECT_TRUE(p.allows("sklearn.base", "BaseEstimator", GlobalUse::kConstruct));
  EXPECT_FALSE(p.allowed("sklearn.base", "BaseEstimator.__init__.__globals__"));
  EXPECT_TRUE(is_known_dangerous("sklearn.base", "BaseEstimator.__init__.__globals__"));
  EXPECT_TRUE(is_known_dangerous("collections", "OrderedDict.__class__.__subclasses__"));
  EXPECT_FALSE(is_known_dangerous("numpy.random._pickle", "__randomstate_ctor"));
  p.allow("mylib", "Net.__call__");
  EXPECT_TRUE(p.allowed("mylib", "Net.__call__"));
}

TEST(ScanPolicies, BuiltinsNestAsDocumented) {
  Policy data = Policy::builtin("data"), numpy = Policy::builtin("numpy"), sklearn = Policy::builtin("sklearn"),
         torch = Policy::builtin("torch"), ml = Policy::builtin("ml");
  EXPECT_TRUE(data.allows("collections", "OrderedDict", GlobalUse::kCall));
  EXPECT_FALSE(data.allowed("numpy", "dtype"));
  EXPECT_TRUE(numpy.allows("numpy", "dtype", GlobalUse::kCall));
  EXPECT_TRUE(numpy.allows("builtins", "set", GlobalUse::kCall));
  EXPECT_TRUE(sklearn.allows("sklearn.tree._classes", "DecisionTreeClassifier", GlobalUse::kConstruct));
  EXPECT_FALSE(sklearn.allows("sklearn.tree._classes", "DecisionTreeClassifier", GlobalUse::kCall));
  EXPECT_TRUE(sklearn.allows("sklearn.tree._tree", "Tree", GlobalUse::kCall));
  // torch.load(weights_only=True)'s list, no more.
  EXPECT_TRUE(torch.allows("torch._utils", "_rebuild_tensor_v2", GlobalUse::kCall));
  EXPECT_TRUE(torch.allows("torch", "BFloat16Storage", GlobalUse::kReference));
  EXPECT_TRUE(torch.allows("torch.cuda.sparse", "LongTensor", GlobalUse::kReference));
  EXPECT_FALSE(torch.allowed("builtins", "set"));
  EXPECT_FALSE(torch.allowed("torch", "load"));
  for (const char* m : {"numpy", "builtins", "sklearn.svm._classes", "torch._utils"}) EXPECT_TRUE(ml.allowed(m, m[0] == 'n' ? "dtype" : m[0] == 'b' ? "set" : m[0] == 's' ? "SVC" : "_rebuild_parameter")) << m;
}

TEST(ScanPolicies, PolicyFileAddsAndRemoves) {
  Policy p = Policy::parse("include data\nallow mylib.models Net new  # comment\ndeny builtins set\n");
  EXPECT_TRUE(p.allows("mylib.models", "Net", GlobalUse::kConstruct));
  EXPECT_FALSE(p.allows("mylib.models", "Net", GlobalUse::kCall));
  EXPECT_FALSE(p.allowed("builtins", "set"));
  EXPECT_TRUE(p.allows("builtins", "frozenset", GlobalUse::kCall));
  EXPECT_THROW(Policy::parse("allow x"), Error);
  EXPECT_THROW(Policy::parse("allow x y sometimes"), Error);
  EXPECT_THROW(Policy::builtin("nope"), Error);
  Policy w;
  w.allow("sklearn.*", "*", GlobalUse::kConstruct).deny("sklearn.evil", "*");
  EXPECT_TRUE(w.allows("sklearn.tree._classes", "DecisionTreeClassifier", GlobalUse::kConstruct));
  EXPECT_TRUE(w.allows("sklearn", "X", GlobalUse::kReference));
  EXPECT_FALSE(w.allowed("sklearn.evil", "X"));
  EXPECT_FALSE(w.allowed("sklearnx", "X"));
}

TEST(ScanPolicies, KnownDangerousGlobals) {
  for (auto [m, n] : std::vector<std::pair<const char*, const char*>>{
           {"os", "system"}, {"posix", "system"}, {"nt", "system"}, {"subprocess", "Popen"}, {"builtins", "eval"},
           {"builtins", "exec"}, {"builtins", "__import__"}, {"builtins", "getattr"}, {"importlib", "import_module"},
           {"operator", "attrgetter"}, {"functools", "partial"}, {"pkgutil", "resolve_name"}, {"runpy", "run_path"},
           {"pip", "main"}, {"code", "InteractiveInterpreter"}, {"idlelib.pyshell", "main"}, {"pickle", "loads"},
           {"torch.storage", "_load_from_bytes"}, {"socket", "socket"}, {"webbrowser", "open"}, {"shutil", "rmtree"},
           {"pty", "spawn"}, {"builtins", "open"}, {"builtins", "compile"}})
    EXPECT_TRUE(is_known_dangerous(m, n)) << m << "." << n;
  for (auto [m, n] : std::vector<std::pair<const char*, const char*>>{
           {"builtins", "set"}, {"collections", "OrderedDict"}, {"numpy", "dtype"}, {"torch._utils", "_rebuild_tensor_v2"},
           {"ossify", "x"}})
    EXPECT_FALSE(is_known_dangerous(m, n)) << m << "." << n;
}

}  // namespace
}  // namespace picklejar
