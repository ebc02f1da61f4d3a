// torch::dump_file and the Builder's tensors: the file is what dump() makes (root from the file's
// stem), large storages stream through the atomic file, every failure leaves nothing behind, and
// what torch cannot hold or a Builder cannot make is a clear Error.
#include <gtest/gtest.h>
#include <picklejar/picklejar.h>
#include <picklejar/torch.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "torch_writer_util.h"

namespace {

using namespace picklejar::torch_test;
using picklejar::ByteView;
using picklejar::Document;
using picklejar::Error;
using picklejar::ErrorCode;
using picklejar::MadeBy;
using picklejar::Value;
namespace fs = std::filesystem;

class TorchWriterFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("picklejar_torch_writer_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::vector<std::string> listing() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    return names;
  }
  fs::path dir_;
};

std::optional<ErrorCode> code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return std::nullopt;
}

TEST_F(TorchWriterFiles, FileIsDumpWithTheStemAsRoot) {
  Document doc;
  picklejar::Builder b = doc.builder();
  Value v = build_case(b, "b_checkpoint");
  pt::dump_file(v, dir_ / "model.v2.pt");
  std::string file = slurp((dir_ / "model.v2.pt").string());
  EXPECT_EQ(file, as_string(pt::dump(v, {.root = "model.v2"})));
  EXPECT_EQ(read_archive(file).root, "model.v2");
  EXPECT_EQ(read_archive(as_string(pt::dump(v))).root, "archive");  // as torch.save to a buffer
  pt::dump_file(v, dir_ / "other.pt", {.root = "chosen"});
  EXPECT_EQ(read_archive(slurp((dir_ / "other.pt").string())).root, "chosen");
  EXPECT_EQ(listing().size(), 2u);
}

// A storage larger than the atomic file's buffer: its local header is patched in the file after
// its data went past, and the bytes are still dump()'s.
TEST_F(TorchWriterFiles, LargeStoragesStreamThroughTheFile) {
  Document doc;
  picklejar::Builder b = doc.builder();
  std::vector<float> big(3 << 18);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<float>(i % 1000) * 0.5f;
  Value sd = pt::make_ordered_dict(b, {{b.str("big"), pt::make_tensor(b, pt::DType::kFloat32, {768, 1024},
                                                                       std::span<const float>(big))},
                                       {b.str("small"), arange(b, 5, {5})}});
  pt::dump_file(sd, dir_ / "big.pt");
  std::string file = slurp((dir_ / "big.pt").string());
  EXPECT_EQ(file, as_string(pt::dump(sd, {.root = "big"})));
  Document back = pt::load(dir_ / "big.pt", {.mmap = true});
  pt::TensorRef t(pt::as_dict(back.root()).at("big"));
  ASSERT_EQ(t.numel(), big.size());
  EXPECT_EQ(std::vector<float>(t.as<float>().begin(), t.as<float>().end()), big);
  for (const Member& m : read_archive(file).members) EXPECT_EQ(m.data_offset % 64, 0u) << m.name;
}

TEST_F(TorchWriterFiles, UnwritablePathLeavesNothing) {
  Document doc;
  picklejar::Builder b = doc.builder();
  Value v = arange(b, 4, {2, 2});
  EXPECT_EQ(code_of([&] { pt::dump_file(v, dir_ / "missing" / "x.pt"); }), ErrorCode::kIo);
  fs::create_directory(dir_ / "a_directory");
  EXPECT_EQ(code_of([&] { pt::dump_file(v, dir_ / "a_directory"); }), ErrorCode::kIo);
  EXPECT_EQ(listing(), std::vector<std::string>{"a_directory"});
  EXPECT_TRUE(fs::is_empty(dir_ / "a_directory"));
}

TEST_F(TorchWriterFiles, ValuesTorchCannotHoldLeaveNothing) {
  // A persistent id that is not a torch storage: torch.save's pickler makes none.
  Document pers = picklejar::load_file(fixtures() + "/pickle/persistent_id.p2.pkl");
  EXPECT_EQ(code_of([&] { pt::dump_file(pers.root(), dir_ / "p.pt"); }), ErrorCode::kUnsupported);
  // A PickleBuffer below protocol 5.
  Document doc;
  picklejar::Builder b = doc.builder();
  static const uint8_t raw[] = {1, 2, 3};
  Value buf = b.list({arange(b, 2, {2}), b.buffer(ByteView(raw, 3), true)});
  EXPECT_EQ(code_of([&] { pt::dump_file(buf, dir_ / "b.pt"); }), ErrorCode::kUnsupported);
  EXPECT_EQ(code_of([&] { pt::dump_file(buf, dir_ / "b.pt", {.protocol = 0}); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { pt::dump_file(buf, dir_ / "b.pt", {.root = "a/b"}); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { pt::dump_file(Value(), dir_ / "b.pt"); }), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(listing().empty());
}

TEST(TorchWriterBuild, BadTensorsAreRefused) {
  Document doc, other;
  picklejar::Builder b = doc.builder(), ob = other.builder();
  std::vector<uint8_t> six = arange_bytes(pt::DType::kFloat32, 6);
  Value st = pt::make_storage(b, pt::DType::kFloat32, ByteView(six.data(), six.size()));
  EXPECT_EQ(code_of([&] { pt::make_tensor(b, st, {2, 4}); }), ErrorCode::kBadLength);
  EXPECT_EQ(code_of([&] { pt::make_tensor(b, st, {3}, {1}, 4); }), ErrorCode::kBadLength);
  EXPECT_EQ(code_of([&] { pt::make_tensor(b, st, {2, 3}, {3}); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { pt::make_tensor(b, st, {2}, {-1}); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { pt::make_tensor(b, st, {2}, {1}, -1); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { pt::make_tensor(b, b.integer(3), {1}); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { pt::make_tensor(ob, st, {1}); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { pt::make_tensor(b, pt::DType::kFloat32, {7}, ByteView(six.data(), six.size())); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { pt::make_storage(b, pt::DType::kFloat64, ByteView(six.data(), 12)); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { pt::make_storage(b, pt::DType::kFloat32, ByteView(six.data(), 4), ""); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { pt::make_parameter(b, b.str("w")); }), ErrorCode::kInvalidArgument);
  // A good view of the same storage still works after the refusals.
  pt::TensorRef r(pt::make_tensor(b, st, {2, 2}, {1, 2}, 1));
  EXPECT_FALSE(r.is_contiguous());
  std::vector<uint8_t> c = r.contiguous_bytes();
  std::vector<float> got(4);
  std::memcpy(got.data(), c.data(), 16);
  EXPECT_EQ(got, (std::vector<float>{1, 3, 2, 4}));
}

// load_pickle reads what pickle.dump writes for tensors and leaves everything else as a plain load
// has it: other persistent ids, other calls of _rebuild_tensor_v2; a damaged storage stream fails.
TEST(TorchWriterBuild, LoadPickleReadsOnlyPickledStorages) {
  Document plain = picklejar::load_file(fixtures() + "/pickle/persistent_id.p2.pkl");
  Document same = pt::load_pickle(fixtures() + "/pickle/persistent_id.p2.pkl");
  EXPECT_EQ(picklejar::to_json(same.root()), picklejar::to_json(plain.root()));
  Document doc;
  picklejar::Builder b = doc.builder();
  static const uint8_t junk[] = {'j', 'u', 'n', 'k'};
  Value bad = b.object(MadeBy::kReduce, b.global("torch.storage", "_load_from_bytes"), b.tuple({b.bytes(ByteView(junk, 4))}));
  std::vector<uint8_t> p = picklejar::dump(b.list({bad}), {.protocol = 4});
  EXPECT_EQ(code_of([&] { pt::load_pickle(ByteView(p.data(), p.size())); }), ErrorCode::kBadArgument);
  Value other = b.object(MadeBy::kReduce, b.global("torch._utils", "_rebuild_tensor_v2"),
                         b.tuple({b.str("not a storage"), b.integer(0), b.tuple({}), b.tuple({}), b.boolean(false),
                                  b.none()}));
  std::vector<uint8_t> q = picklejar::dump(other, {.protocol = 4});
  Document inert = pt::load_pickle(ByteView(q.data(), q.size()));
  EXPECT_EQ(inert.root().kind(), picklejar::Kind::kObject);
}

// Device locations, protocols other than torch's default and Parameters survive the round trip.
TEST(TorchWriterBuild, LocationsProtocolsAndParametersRoundTrip) {
  Document doc;
  picklejar::Builder b = doc.builder();
  std::vector<uint8_t> four = arange_bytes(pt::DType::kInt16, 4);
  Value gpu = pt::make_storage(b, pt::DType::kInt16, ByteView(four.data(), four.size()), "cuda:1");
  Value t = pt::make_tensor(b, gpu, {2, 2}, {}, 0, false);
  Value p = pt::make_parameter(b, t, true);
  Value v = b.list({t, p, t});
  for (int protocol : {1, 2, 4, 5}) {
    std::vector<uint8_t> out = pt::dump(v, {.protocol = protocol});
    Document back = pt::load(ByteView(out.data(), out.size()));
    Value l = back.root();
    ASSERT_EQ(l.size(), 3u) << protocol;
    pt::TensorRef a(l[0]), pp(l[1]);
    EXPECT_TRUE(l[2].is(l[0])) << protocol;  // the same tensor twice is one object
    EXPECT_EQ(a.storage_location(), "cuda:1");
    EXPECT_TRUE(a.storage().is(pp.storage())) << protocol;
    EXPECT_TRUE(pp.is_parameter() && pp.requires_grad() && !a.requires_grad());
    EXPECT_EQ(a.as<int16_t>()[3], 3);
    EXPECT_EQ(read_archive(std::string(out.begin(), out.end())).members.size(), 3u);  // data.pkl, data/0, version
  }
}

}  // namespace
