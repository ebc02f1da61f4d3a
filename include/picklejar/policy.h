// picklejar::Policy: which globals a pickle may name, and what it may do with each. One type for
// strict loading (LoadOptions::policy, and LoadOptions::allowed_globals, which is read as a policy
// of "call" entries) and for the scanner (picklejar/scan.h), so a host gates a load with the very
// policy it scanned with. Thread safety: a plain value type; a const Policy may be shared.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "picklejar/export.h"

namespace picklejar {

// What a pickle does with a global, weakest first; an entry allowing one use allows the weaker ones.
enum class GlobalUse : uint8_t {
  kReference = 0,  // looked up (which imports its module) and passed around as a value
  kConstruct = 1,  // also made without calling it: cls.__new__(cls, ...) (NEWOBJ, NEWOBJ_EX, the
                   // class copyreg._reconstructor or numpy's _reconstruct makes) and BUILD state set
                   // on such an instance
  kCall = 2,       // also called with any arguments (REDUCE, OBJ, INST: a class's __init__ runs)
};
// "ref", "new", "call".
PICKLEJAR_EXPORT std::string_view global_use_name(GlobalUse use) noexcept;

class PICKLEJAR_EXPORT Policy {
 public:
  // Allows nothing.
  Policy() = default;

  // Allows module.qualname for `use` and the weaker uses. qualname "*" allows every name of the
  // module; a module "pkg.*" every module under pkg (and pkg itself). Wildcards never match a
  // qualname that reaches a dunder attribute ("Cls.__init__"): only an exact entry allows that.
  // Undoes an earlier deny() of the same pair. Returns *this.
  Policy& allow(std::string module, std::string qualname, GlobalUse use = GlobalUse::kCall);
  // Forbids module.qualname (patterns as in allow()); a denied pair is refused even where a
  // pattern would allow it. Undoes an earlier allow() of the same pair.
  Policy& deny(std::string module, std::string qualname);
  // Applies `other`'s allows, then its denies, to this policy.
  Policy& merge(const Policy& other);

  // The strongest use allowed for the global, or nullopt when the policy does not name it.
  std::optional<GlobalUse> allowed(std::string_view module, std::string_view qualname) const;
  bool allows(std::string_view module, std::string_view qualname, GlobalUse use) const {
    auto a = allowed(module, qualname);
    return a && *a >= use;
  }
  bool empty() const { return allow_.empty(); }

  // A policy file (README "Policy files"): one directive a line, '#' starts a comment:
  //   allow MODULE QUALNAME [call|new|ref]    (default call)
  //   deny MODULE QUALNAME
  //   include NAME                            (a built-in policy: data numpy sklearn torch ml)
  // Throws Error(kInvalidArgument) naming `source` and the line.
  static Policy parse(std::string_view text, std::string_view source = "<policy>");
  // parse() of a file's text; Error(kIo) when it cannot be read.
  static Policy from_file(const std::filesystem::path& path);
  // The built-in policies: "data" (plain Python data), "numpy" (data + arrays, dtypes, scalars and
  // joblib's array wrappers), "sklearn" (numpy + scikit-learn estimators and what their pickles
  // use), "torch" (what torch.load(weights_only=True) of torch 1.13 allows), "ml" (all of those).
  // Error(kInvalidArgument) for another name. Defined by the scan layer (src/scan/policies.cc).
  static Policy builtin(std::string_view name);
  static std::vector<std::string> builtin_names();

  // Every (module, qualname) allowed with "call": strict mode's allowed_globals list as a policy.
  static Policy from_pairs(const std::vector<std::pair<std::string, std::string>>& pairs);

 private:
  std::map<std::pair<std::string, std::string>, GlobalUse, std::less<>> allow_;
  std::set<std::pair<std::string, std::string>, std::less<>> deny_;
};

}  // namespace picklejar
