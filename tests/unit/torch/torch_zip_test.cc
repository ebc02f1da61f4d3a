// Zip containers made here with minizip's writer from linear.pt's members (torch's own data.pkl
// and storages), each changed in one way: another root folder, the optional members newer torch
// writes, a big-endian byteorder, members missing or misplaced, deflated data that lies.
#include <gtest/gtest.h>
#include <picklejar/torch.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "torch_test_util.h"

namespace {

using namespace picklejar::torch_test;
namespace pt = picklejar::torch;
namespace fs = std::filesystem;
using picklejar::Document;
using picklejar::Error;
using picklejar::ErrorCode;

using Members = std::vector<std::pair<std::string, std::string>>;

// linear.pt's members by their names after "linear/", read at the offsets its sidecar gives.
Members linear_members() {
  std::string f = slurp(fixtures() + "/torch/linear.pt");
  Json exp = read_json(fixtures() + "/torch/linear.expect.json");
  Members out;
  for (const Json& m : exp["members"].items)
    out.emplace_back(m["name"].str.substr(7), f.substr(static_cast<size_t>(m["data_offset"].as_int()),
                                                       static_cast<size_t>(m["size"].as_int())));
  return out;
}

fs::path write_zip(const std::string& stem, const std::string& root, const Members& ms, int method = 0) {
  fs::path p = fs::temp_directory_path() / ("picklejar_torch_zip_" + std::to_string(::getpid()) + "_" + stem + ".pt");
  zipFile z = zipOpen64(p.c_str(), 0);
  EXPECT_NE(z, nullptr);
  for (const auto& [name, data] : ms) {
    std::string full = root.empty() ? name : root + "/" + name;
    zip_fileinfo info{};
    EXPECT_EQ(zipOpenNewFileInZip64(z, full.c_str(), &info, nullptr, 0, nullptr, 0, nullptr,
                                    name.rfind("data/", 0) == 0 ? method : 0, 6, 0),
              ZIP_OK);
    EXPECT_EQ(zipWriteInFileInZip(z, data.data(), static_cast<unsigned>(data.size())), ZIP_OK);
    EXPECT_EQ(zipCloseFileInZip(z), ZIP_OK);
  }
  EXPECT_EQ(zipClose(z, nullptr), ZIP_OK);
  return p;
}

Error error_of(const fs::path& p) {
  try {
    pt::load(p);
  } catch (const Error& e) {
    fs::remove(p);
    return e;
  }
  fs::remove(p);
  ADD_FAILURE() << p << " loaded";
  return Error(ErrorCode::kIo, "none");
}

std::vector<float> weight(const fs::path& p, bool mmap) {
  Document doc = pt::load(p, {.mmap = mmap});
  std::span<const float> w = pt::TensorRef(pt::as_dict(doc.root()).at("weight")).as<float>();
  return {w.begin(), w.end()};
}

std::vector<float> linear_weight() { return weight(fixtures() + "/torch/linear.pt", false); }

TEST(TorchZip, AnyRootAndNewerOptionalMembers) {
  Members ms = linear_members();
  ms.emplace_back(".data/version", "3\n");
  ms.emplace_back(".data/serialization_id", "1234567890\n");
  ms.emplace_back(".format_version", "1");
  ms.emplace_back(".storage_alignment", "64");
  ms.emplace_back("byteorder", "little");
  fs::path p = write_zip("newer", "pytorch_model", ms);
  picklejar::Document doc;
  pt::FileInfo info = pt::inspect(p, {}, doc);
  EXPECT_EQ(info.root, "pytorch_model");
  EXPECT_EQ(weight(p, true), linear_weight());
  fs::remove(p);
}

TEST(TorchZip, BigEndianByteorderIsSwapped) {
  Members ms = linear_members();
  for (auto& [name, data] : ms)
    if (name.rfind("data/", 0) == 0)
      for (size_t i = 0; i + 4 <= data.size(); i += 4) std::reverse(data.begin() + i, data.begin() + i + 4);
  ms.emplace_back("byteorder", "big");
  fs::path p = write_zip("big", "linear", ms);
  EXPECT_EQ(weight(p, false), linear_weight());
  fs::remove(p);
}

TEST(TorchZip, DeflatedStoragesInflate) {
  fs::path p = write_zip("deflated", "linear", linear_members(), Z_DEFLATED);
  EXPECT_EQ(weight(p, true), linear_weight());
  fs::remove(p);
}

TEST(TorchZip, MissingMembers) {
  Members ms = linear_members();
  Members no_data;
  for (const auto& m : ms)
    if (m.first != "data/1") no_data.push_back(m);
  Error e = error_of(write_zip("no_data1", "linear", no_data));
  EXPECT_EQ(e.code(), ErrorCode::kBadArgument);
  EXPECT_NE(std::string(e.what()).find("storage '1' has no member 'linear/data/1'"), std::string::npos) << e.what();

  Members no_pkl;
  for (const auto& m : ms)
    if (m.first != "data.pkl") no_pkl.push_back(m);
  e = error_of(write_zip("no_pkl", "linear", no_pkl));
  EXPECT_EQ(e.code(), ErrorCode::kBadArgument);
  EXPECT_NE(std::string(e.what()).find("no 'linear/data.pkl' member"), std::string::npos) << e.what();

  e = error_of(write_zip("no_root", "", ms));
  EXPECT_EQ(e.code(), ErrorCode::kBadArgument);
  EXPECT_NE(std::string(e.what()).find("not in a root folder"), std::string::npos) << e.what();
}

TEST(TorchZip, BadByteorder) {
  Members ms = linear_members();
  ms.emplace_back("byteorder", "middle");
  Error e = error_of(write_zip("middle", "linear", ms));
  EXPECT_EQ(e.code(), ErrorCode::kBadArgument);
  EXPECT_NE(std::string(e.what()).find("byteorder is 'middle'"), std::string::npos) << e.what();
}

TEST(TorchZip, TorchScriptMarker) {
  Members ms = linear_members();
  ms.emplace_back("constants.pkl", std::string("\x80\x02)."));
  Error e = error_of(write_zip("ts", "model", ms));
  EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
  EXPECT_NE(std::string(e.what()).find("'model/constants.pkl' marks a TorchScript archive"), std::string::npos)
      << e.what();
}

// A deflated member whose bytes do not match its CRC-32: the inflate notices.
TEST(TorchZip, DeflatedCrcMismatch) {
  fs::path p = write_zip("crc", "linear", linear_members(), Z_DEFLATED);
  std::string f = slurp(p.string());
  // The central directory's CRC of data/0 (the second entry): flip it in both headers.
  Json exp = read_json(fixtures() + "/torch/linear.expect.json");
  uint32_t crc = static_cast<uint32_t>(exp["members"][1]["crc32"].as_int());
  std::string needle(reinterpret_cast<const char*>(&crc), 4);
  size_t flips = 0;
  for (size_t at = f.find(needle); at != std::string::npos; at = f.find(needle, at + 4), ++flips) f[at] ^= 0x55;
  EXPECT_EQ(flips, 2u);
  { std::ofstream(p, std::ios::binary) << f; }
  Error e = error_of(p);
  EXPECT_EQ(e.code(), ErrorCode::kCompression) << e.what();
  EXPECT_NE(std::string(e.what()).find("CRC-32 mismatch"), std::string::npos) << e.what();
}

}  // namespace
