// Strict mode: LoadOptions::allowed_globals. Every GLOBAL, STACK_GLOBAL and INST naming a global
// not on the list throws Error(kForbiddenGlobal) at that opcode's offset; without a list (the
// default) every global loads as an inert value.
#include <gtest/gtest.h>
#include <picklejar/picklejar.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

namespace picklejar {
namespace {

using namespace std::string_literals;
using Allow = std::vector<std::pair<std::string, std::string>>;

ByteView view(const std::string& s) { return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

LoadOptions strict(Allow allow) {
  LoadOptions o;
  o.allowed_globals = std::move(allow);
  return o;
}

void expect_forbidden(const std::string& data, const LoadOptions& o, uint64_t offset, int opcode,
                      const std::string& name) {
  try {
    Document d = load(view(data), o);
    ADD_FAILURE() << "loaded; expected kForbiddenGlobal for " << name;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kForbiddenGlobal) << e.what();
    EXPECT_EQ(e.offset(), offset) << e.what();
    EXPECT_EQ(e.opcode(), opcode) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind("kForbiddenGlobal at offset " + std::to_string(offset), 0), 0u) << e.what();
    EXPECT_NE(e.message().find(name), std::string::npos) << e.what();
  }
}

// os.system, three ways (what a malicious pickle names).
const std::string kGlobal = "\x80\x02" "cos\nsystem\n" "\x8c\x02id\x85R.";             // GLOBAL at 2
const std::string kStackGlobal = "\x80\x04\x8c\x02os\x8c\x06system\x93\x8c\x02id\x85R.";  // STACK_GLOBAL at 14
const std::string kInst = "(S'id'\nios\nsystem\n.";                                     // INST at 7

TEST(StrictGlobals, DefaultLoadsEveryGlobalInert) {
  for (const auto& s : {kGlobal, kStackGlobal, kInst}) {
    Document d = load(view(s));
    ObjectRef o = d.root().as_object();
    EXPECT_EQ(o.callable.as_global().module, "os");
    EXPECT_EQ(o.callable.as_global().name, "system");
  }
}

TEST(StrictGlobals, EmptyListForbidsEveryGlobal) {
  LoadOptions o = strict({});
  expect_forbidden(kGlobal, o, 2, 'c', "os.system");
  expect_forbidden(kStackGlobal, o, 14, 0x93, "os.system");
  expect_forbidden(kInst, o, 7, 'i', "os.system");
  // Plain data needs no global at all.
  Document plain = load(view("\x80\x04]\x94(K\x01\x8c\x01" "a\x94" "e."s), o);
  EXPECT_EQ(plain.root().size(), 2u);
}

TEST(StrictGlobals, ListedNamesLoadOthersDoNot) {
  LoadOptions o = strict({{"os", "system"}});
  for (const auto& s : {kGlobal, kStackGlobal, kInst}) EXPECT_NO_THROW((void)load(view(s), o));
  LoadOptions other = strict({{"os", "path"}, {"posix", "system"}, {"os.system", "*"}});
  expect_forbidden(kGlobal, other, 2, 'c', "os.system");
  expect_forbidden(kStackGlobal, other, 14, 0x93, "os.system");
  expect_forbidden(kInst, other, 7, 'i', "os.system");
}

TEST(StrictGlobals, ModuleWildcard) {
  LoadOptions o = strict({{"os", "*"}});
  for (const auto& s : {kGlobal, kStackGlobal, kInst}) EXPECT_NO_THROW((void)load(view(s), o));
  // The wildcard covers that module only, not its submodules or a module sharing a prefix.
  expect_forbidden("cos.path\njoin\n.", o, 0, 'c', "os.path.join");
  expect_forbidden("cosx\nsystem\n.", o, 0, 'c', "osx.system");
}

TEST(StrictGlobals, TheFirstForbiddenGlobalIsReported) {
  // builtins.set is allowed, then os.system (at offset 16) is not.
  std::string s = "\x80\x02" "cbuiltins\nset\n" "cos\nsystem\n" "\x86.";
  expect_forbidden(s, strict({{"builtins", "set"}}), 16, 'c', "os.system");
}

TEST(StrictGlobals, NamesAreCheckedAfterFixImports) {
  // A protocol 2 stream naming __builtin__.set: the document (and the check) see builtins.set.
  std::string s = "\x80\x02" "c__builtin__\nset\n" "]\x85R.";
  Document d = load(view(s), strict({{"builtins", "set"}}));
  EXPECT_EQ(d.root().kind(), Kind::kSet);
  expect_forbidden(s, strict({{"__builtin__", "set"}}), 2, 'c', "builtins.set");
  // Without fix_imports the stream's own spelling is what must be listed.
  LoadOptions raw = strict({{"__builtin__", "set"}});
  raw.fix_imports = false;
  EXPECT_NO_THROW((void)load(view(s), raw));
}

TEST(StrictGlobals, ProtocolTwoPlainDataNeedsItsBuiltins) {
  // bytes at protocol 2 are _codecs.encode(str, 'latin1'); a set is builtins.set(list).
  const std::filesystem::path dir = std::filesystem::path(PICKLEJAR_FIXTURES_DIR) / "pickle";
  for (const char* name : {"sets.p2.pkl", "bytes.p2.pkl", "bytearrays.p2.pkl"}) {
    std::filesystem::path p = dir / name;
    ASSERT_TRUE(std::filesystem::exists(p)) << p;
    std::ifstream f(p, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(f)), {});
    try {
      (void)load(view(data), strict({}));
      ADD_FAILURE() << name << " loaded with an empty allowlist";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kForbiddenGlobal) << e.what();
    }
    LoadOptions ok = strict({{"builtins", "set"}, {"builtins", "frozenset"}, {"builtins", "bytearray"},
                             {"builtins", "bytes"}, {"_codecs", "encode"}});
    Document d = load(view(data), ok);
    Document lax = load(view(data));
    EXPECT_EQ(to_json(d.root()), to_json(lax.root())) << name;
  }
}

TEST(StrictGlobals, ScikitLearnModel) {
  const auto path = std::filesystem::path(PICKLEJAR_FIXTURES_DIR) / "sklearn" / "model.pkl";
  const Allow all = {{"numpy", "dtype"},
                     {"numpy", "ndarray"},
                     {"numpy.core.multiarray", "_reconstruct"},
                     {"sklearn.metrics._dist_metrics", "EuclideanDistance"},
                     {"sklearn.metrics._dist_metrics", "newObj"},
                     {"sklearn.neighbors._classification", "KNeighborsClassifier"},
                     {"sklearn.neighbors._kd_tree", "KDTree"},
                     {"sklearn.neighbors._kd_tree", "newObj"}};
  Document d = load_file(path, strict(all));
  Document lax = load_file(path);
  EXPECT_EQ(to_json(d.root()), to_json(lax.root()));
  // Any one missing is refused; the first global of the stream is at offset 70.
  for (size_t drop = 0; drop < all.size(); ++drop) {
    Allow fewer = all;
    fewer.erase(fewer.begin() + static_cast<ptrdiff_t>(drop));
    try {
      (void)load_file(path, strict(fewer));
      ADD_FAILURE() << "loaded without " << all[drop].first << "." << all[drop].second;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kForbiddenGlobal) << e.what();
      EXPECT_NE(e.message().find(all[drop].first + "." + all[drop].second), std::string::npos) << e.what();
      EXPECT_GE(e.offset(), 70u);
    }
  }
  try {
    (void)load_file(path, strict({}));
    ADD_FAILURE() << "loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.offset(), 70u) << e.what();
  }
}

// The README's strict-mode example runs, and README.md quotes it (comments and spaces aside).
std::string squeeze(const std::string& s) {
  std::string out;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  return out;
}

#define STRICT_SNIPPET(...)   \
  snippet = #__VA_ARGS__;     \
  __VA_ARGS__

TEST(StrictGlobals, ReadmeExample) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("picklejar_strict_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path old = fs::current_path();
  fs::current_path(dir);
  std::string snippet;
  for (const std::string& data : {std::string("\x80\x04K\x07."), kStackGlobal}) {
    std::ofstream("data.pkl", std::ios::binary) << data;
    try {
      STRICT_SNIPPET(picklejar::LoadOptions strict;
                     strict.allowed_globals = {{"numpy", "*"}, {"numpy.core.multiarray", "_reconstruct"}};
                     picklejar::Document doc = picklejar::load_file("data.pkl", strict);)
      EXPECT_EQ(doc.root().as_int(), 7);
    } catch (const Error& e) {
      EXPECT_EQ(data, kStackGlobal) << e.what();
      EXPECT_EQ(e.code(), ErrorCode::kForbiddenGlobal);
    }
  }
  fs::current_path(old);
  fs::remove_all(dir);
  std::ifstream f(fs::path(PICKLEJAR_SOURCE_DIR) / "README.md");
  std::string readme((std::istreambuf_iterator<char>(f)), {});
  readme = std::regex_replace(readme, std::regex("//[^\n]*"), "");
  EXPECT_NE(squeeze(readme).find(squeeze(snippet)), std::string::npos) << "README.md does not quote: " << snippet;
}

}  // namespace
}  // namespace picklejar
