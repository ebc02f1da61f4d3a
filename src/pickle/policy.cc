// picklejar::Policy (picklejar/policy.h): the lookup and the policy-file parser. The built-in
// policies are data of the scan layer (src/scan/policies.cc).
#include "picklejar/policy.h"

#include <fstream>
#include <sstream>

#include "base/error.h"

namespace picklejar {

std::string_view global_use_name(GlobalUse use) noexcept {
  switch (use) {
    case GlobalUse::kReference: return "ref";
    case GlobalUse::kConstruct: return "new";
    case GlobalUse::kCall: return "call";
  }
  return "?";
}

Policy& Policy::allow(std::string module, std::string qualname, GlobalUse use) {
  auto key = std::pair{std::move(module), std::move(qualname)};
  deny_.erase(key);
  auto [it, fresh] = allow_.emplace(std::move(key), use);
  if (!fresh && it->second < use) it->second = use;
  return *this;
}

Policy& Policy::deny(std::string module, std::string qualname) {
  auto key = std::pair{std::move(module), std::move(qualname)};
  allow_.erase(key);
  deny_.insert(std::move(key));
  return *this;
}

Policy& Policy::merge(const Policy& other) {
  for (const auto& [key, use] : other.allow_) allow(key.first, key.second, use);
  for (const auto& key : other.deny_) deny(key.first, key.second);
  return *this;
}

namespace {

// The patterns that may name (module, qualname): exact, module "*", then each enclosing "pkg.*".
// A qualname reaching a dunder attribute (Cls.__init__.__globals__) matches exact entries only: a
// wildcard allows a module's classes and functions, not a walk through their attributes.
template <typename F>
bool for_each_pattern(std::string_view module, std::string_view qualname, F&& f) {
  if (f(module, qualname)) return true;
  if (qualname.find(".__") != std::string_view::npos) return false;
  if (f(module, "*")) return true;
  std::string prefix(module);
  for (;;) {
    if (f(prefix + ".*", "*") || f(prefix + ".*", qualname)) return true;
    size_t dot = prefix.rfind('.');
    if (dot == std::string::npos) return false;
    prefix.resize(dot);
  }
}

}  // namespace

std::optional<GlobalUse> Policy::allowed(std::string_view module, std::string_view qualname) const {
  if (allow_.empty()) return std::nullopt;
  bool denied = !deny_.empty() && for_each_pattern(module, qualname, [&](std::string_view m, std::string_view n) {
    return deny_.find(std::pair{std::string(m), std::string(n)}) != deny_.end();
  });
  if (denied) return std::nullopt;
  std::optional<GlobalUse> best;
  for_each_pattern(module, qualname, [&](std::string_view m, std::string_view n) {
    auto it = allow_.find(std::pair{std::string(m), std::string(n)});
    if (it != allow_.end() && (!best || it->second > *best)) best = it->second;
    return false;
  });
  return best;
}

Policy Policy::parse(std::string_view text, std::string_view source) {
  Policy p;
  std::istringstream in{std::string(text)};
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string s; words >> s;) w.push_back(s);
    if (w.empty()) continue;
    auto bad = [&](const std::string& why) {
      internal::throw_error(ErrorCode::kInvalidArgument,
                            std::string(source) + ":" + std::to_string(number) + ": " + why);
    };
    if (w[0] == "include" && w.size() == 2) {
      p.merge(builtin(w[1]));
    } else if (w[0] == "allow" && (w.size() == 3 || w.size() == 4)) {
      GlobalUse use = GlobalUse::kCall;
      if (w.size() == 4) {
        if (w[3] == "ref") use = GlobalUse::kReference;
        else if (w[3] == "new") use = GlobalUse::kConstruct;
        else if (w[3] != "call") bad("the use must be call, new or ref, not '" + w[3] + "'");
      }
      p.allow(w[1], w[2], use);
    } else if (w[0] == "deny" && w.size() == 3) {
      p.deny(w[1], w[2]);
    } else {
      bad("expected 'allow MODULE QUALNAME [call|new|ref]', 'deny MODULE QUALNAME' or 'include NAME'");
    }
  }
  return p;
}

Policy Policy::from_file(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) internal::throw_error(ErrorCode::kIo, "cannot read policy file " + path.string());
  std::stringstream s;
  s << f.rdbuf();
  return parse(s.str(), path.string());
}

Policy Policy::from_pairs(const std::vector<std::pair<std::string, std::string>>& pairs) {
  Policy p;
  for (const auto& [module, name] : pairs) p.allow(module, name, GlobalUse::kCall);
  return p;
}

}  // namespace picklejar
