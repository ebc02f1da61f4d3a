// Shared by the joblib unit tests: fixture files, scratch directories, byte comparisons.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "../codec/codec_test_util.h"
#include "picklejar/picklejar.h"

namespace picklejar::joblib_test {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

inline const fs::path kFixtures = PICKLEJAR_FIXTURES_DIR;

inline Bytes read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  EXPECT_TRUE(f.good()) << "cannot open " << p;
  return Bytes(std::istreambuf_iterator<char>(f), {});
}

inline void write_file(const fs::path& p, const Bytes& b) {
  std::ofstream f(p, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  ASSERT_TRUE(f.good()) << p;
}

inline ByteView view(const Bytes& b) { return ByteView(b.data(), b.size()); }

// "" when equal, else where and how two byte strings differ (for failure messages).
inline std::string first_difference(const Bytes& got, const Bytes& want) {
  if (got == want) return "";
  size_t i = 0;
  while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
  std::ostringstream s;
  s << "got " << got.size() << " bytes, want " << want.size() << "; first difference at offset " << i;
  return s.str();
}

// A scratch directory, removed with everything in it.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "picklejar_joblib_test.XXXXXX").string();
    char* made = ::mkdtemp(templ.data());
    EXPECT_NE(made, nullptr);
    path = templ;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(path)) out.push_back(e.path().filename().string());
    return out;
  }
};

// The value re-dumped as pickle protocol 2 (what the golden rows compare with CPython's).
inline Bytes p2(const Document& doc) {
  DumpOptions o;
  o.protocol = 2;
  return dump(doc.root(), o);
}

}  // namespace picklejar::joblib_test
