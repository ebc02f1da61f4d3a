// Shared by the golden tests: fixtures/MANIFEST.tsv rows and loading a fixture with its options.
#pragma once

#include <gtest/gtest.h>
#include <picklejar/picklejar.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace picklejar_golden {

namespace fs = std::filesystem;

inline const fs::path kFixtures = PICKLEJAR_FIXTURES_DIR;

struct Row {
  std::string file, protocol, options, expect, dis, description;
};

// gtest prints parameters on failure: the file name says it all.
inline void PrintTo(const Row& r, std::ostream* os) { *os << r.file; }

inline std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// Rows of a tab-separated manifest, without its header line.
inline std::vector<std::vector<std::string>> read_tsv(const fs::path& path, size_t columns) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream f(path);
  std::string line;
  bool header = true;
  while (std::getline(f, line)) {
    if (header) {
      header = false;
      continue;
    }
    if (line.empty()) continue;
    auto cols = split(line, '\t');
    cols.resize(columns);
    rows.push_back(cols);
  }
  return rows;
}

inline std::vector<Row> read_manifest() {
  std::vector<Row> rows;
  for (auto& c : read_tsv(kFixtures / "MANIFEST.tsv", 6)) rows.push_back({c[0], c[1], c[2], c[3], c[4], c[5]});
  return rows;
}

inline std::string read_text(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

inline std::vector<uint8_t> read_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), {});
}

// fixtures/pickle/x.p5.pkl -> fixtures/pickle/x.p5 (the stem that .json/.dis/.bufN.bin share).
inline fs::path stem_of(const std::string& file) {
  fs::path p = kFixtures / file;
  return p.parent_path() / p.stem();
}

struct Loaded {
  std::vector<std::vector<uint8_t>> buffers;  // must outlive the document
  picklejar::LoadOptions options;
};

// The MANIFEST options column as LoadOptions (buffers=N reads <stem>.buf<i>.bin).
inline void apply_options(const std::string& file, const std::string& options, Loaded& l) {
  if (options == "-" || options.empty()) return;
  for (const std::string& opt : split(options, ',')) {
    auto eq = opt.find('=');
    ASSERT_NE(eq, std::string::npos) << "bad option in MANIFEST: " << opt;
    std::string key = opt.substr(0, eq), value = opt.substr(eq + 1);
    if (key == "encoding") {
      l.options.encoding = value;
    } else if (key == "fix_imports") {
      l.options.fix_imports = value != "0";
    } else if (key == "buffers") {
      if (value == "none") continue;
      size_t n = std::stoul(value);
      for (size_t i = 0; i < n; ++i) {
        fs::path p = stem_of(file);
        p += ".buf" + std::to_string(i) + ".bin";
        ASSERT_TRUE(fs::exists(p)) << p;
        l.buffers.push_back(read_bytes(p));
      }
      l.options.buffers.emplace();
      for (const auto& b : l.buffers) l.options.buffers->push_back({picklejar::ByteView(b.data(), b.size()), false});
    } else {
      FAIL() << "unknown option in MANIFEST: " << opt;
    }
  }
}

}  // namespace picklejar_golden
