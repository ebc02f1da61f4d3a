// fixtures/torch/bad/ (real zips from torch's writer made wrong in one way each, by
// tools/fixturegen/torch_bad.py): each gives its documented error, or loads to what torch.load
// made of it (its .expect.json `loaded`). picklejar refuses short_record.pt, which torch 1.13
// loads with the missing bytes taken from memory it never wrote.
#include <gtest/gtest.h>
#include <picklejar/torch.h>

#include "torch_test_util.h"

namespace {

using namespace picklejar::torch_test;
namespace pt = picklejar::torch;
using picklejar::Error;
using picklejar::ErrorCode;

std::string bad(const std::string& name) { return fixtures() + "/torch/bad/" + name; }

Error load_error(const std::string& name, bool mmap) {
  try {
    pt::load(bad(name), {.mmap = mmap});
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << name << " loaded";
  return Error(ErrorCode::kIo, "none");
}

// The tensors of `loaded` (as torch.load made them) against picklejar's.
void expect_loaded(const std::string& name) {
  Json exp = read_json(bad(name.substr(0, name.size() - 3) + ".expect.json"));
  EXPECT_EQ(exp["torch_load"].str, "ok");
  for (bool mmap : {false, true}) {
    picklejar::Document doc;
    pt::FileInfo info = pt::inspect(bad(name), {.mmap = mmap}, doc);
    ASSERT_EQ(info.tensors.size(), exp["loaded"].items.size());
    for (size_t i = 0; i < info.tensors.size(); ++i) {
      const Json& want = exp["loaded"][i];
      pt::TensorRef t(info.tensors[i].tensor);
      EXPECT_EQ(info.tensors[i].path, want["path"].str);
      EXPECT_EQ(pt::dtype_name(t.dtype()), want["dtype"].str);
      EXPECT_EQ(t.storage_key(), want["storage_key"].str);
      std::vector<uint8_t> b = t.contiguous_bytes();
      EXPECT_EQ(sha256_hex(b.data(), b.size()), want["sha256"].str) << want["path"].str;
    }
  }
}

TEST(TorchBad, ShortRecordIsBadLength) {
  // data/0 holds 24 of the 48 bytes its FloatStorage of 12 elements needs.
  Json exp = read_json(bad("short_record.expect.json"));
  ASSERT_EQ(exp["short_members"].items.size(), 1u);
  for (bool mmap : {false, true}) {
    Error e = load_error("short_record.pt", mmap);
    EXPECT_EQ(e.code(), ErrorCode::kBadLength) << e.what();
    // At the BINPERSID naming the storage in data.pkl (an offset in the file); the message names
    // the member and where its data is.
    uint64_t pkl = static_cast<uint64_t>(exp["members"][0]["data_offset"].as_int());
    EXPECT_GT(e.offset(), pkl);
    EXPECT_LT(e.offset(), pkl + static_cast<uint64_t>(exp["members"][0]["size"].as_int()));
    std::string want = "needs 48 bytes (12 elements), its member 'short_record/data/0' (data at byte " +
                       exp["members"][1]["data_offset"].str + ") has 24";
    EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
  }
}

TEST(TorchBad, ViewPastStorageIsBadLength) {
  Json exp = read_json(bad("view_past_storage.expect.json"));
  EXPECT_EQ(exp["torch_load"].str.rfind("error: RuntimeError", 0), 0u);
  Error e = load_error("view_past_storage.pt", false);
  EXPECT_EQ(e.code(), ErrorCode::kBadLength) << e.what();
  EXPECT_NE(std::string(e.what()).find("reaches element 101"), std::string::npos) << e.what();
  // At the REDUCE inside data.pkl, given as an offset in the file.
  uint64_t pkl = static_cast<uint64_t>(exp["members"][0]["data_offset"].as_int());
  EXPECT_GT(e.offset(), pkl);
  EXPECT_LT(e.offset(), pkl + static_cast<uint64_t>(exp["members"][0]["size"].as_int()));
}

TEST(TorchBad, TorchScriptIsUnsupported) {
  Error e = load_error("torchscript_like.pt", true);
  EXPECT_EQ(e.code(), ErrorCode::kUnsupported) << e.what();
  EXPECT_NE(std::string(e.what()).find("TorchScript"), std::string::npos) << e.what();
}

TEST(TorchBad, DotDotKeyLoadsWithoutExtracting) { expect_loaded("dotdot_key.pt"); }

TEST(TorchBad, DeflatedMembersAreInflated) { expect_loaded("deflated.pt"); }

}  // namespace
