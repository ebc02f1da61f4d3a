// Malformed torch files: legacy streams made here piece by piece (picklejar's own pickler writes
// the five pickles, with a persistent_id callback as torch.save's), each wrong in one way, give a
// typed Error with its code, the offset and a message; nothing crashes or allocates without bound.
// Also the legacy stream's byte order (sys_info's little_endian) and zero-copy of mapped zips.
#include <gtest/gtest.h>
#include <picklejar/picklejar.h>
#include <picklejar/torch.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "torch_test_util.h"

namespace {

using namespace picklejar::torch_test;
namespace pt = picklejar::torch;
using picklejar::Builder;
using picklejar::ByteView;
using picklejar::Document;
using picklejar::Error;
using picklejar::ErrorCode;
using picklejar::MadeBy;
using picklejar::Value;

// One storage of a legacy stream: its persistent id items and the bytes written after the pickles.
struct Storage {
  std::string type = "FloatStorage";
  std::string key = "0";
  int64_t numel = 6;
  int64_t count = -1;          // the int64 written before the bytes (-1: numel)
  std::vector<uint8_t> bytes;  // (empty: numel floats 0, 1, 2, ...)
  bool listed = true;          // in the key list
};

// A tensor: _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, OrderedDict()).
struct Tensor {
  int storage = 0;
  int64_t offset = 0;
  std::vector<int64_t> size{2, 3};
  std::vector<int64_t> stride{3, 1};
  std::string fn = "_rebuild_tensor_v2";
  bool grad_is_int = false;
};

struct Stream {
  std::vector<Storage> storages{Storage{}};
  std::vector<Tensor> tensors{Tensor{}};
  bool little_endian = true;
  std::function<Value(Builder&, Value)> pid_override;  // replaces the storage pid
  std::function<Value(Builder&, Value)> object_override;  // the saved object, given the tensors' dict

  std::vector<uint8_t> bytes() const {
    std::vector<uint8_t> out;
    auto add = [&](const Value& v, const picklejar::DumpOptions& o = {.protocol = 2}) {
      std::vector<uint8_t> p = picklejar::dump(v, o);
      out.insert(out.end(), p.begin(), p.end());
    };
    Document doc;
    Builder b = doc.builder();
    const uint8_t magic[] = {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
    add(b.big_integer(ByteView(magic, sizeof magic)));
    add(b.integer(1001));
    add(b.dict({{b.str("protocol_version"), b.integer(1001)}, {b.str("little_endian"), b.boolean(little_endian)}}));
    std::vector<Value> markers, pids;
    for (const Storage& s : storages) {
      markers.push_back(b.str("storage marker " + s.key));
      Value pid = b.tuple({b.str("storage"), b.global("torch", s.type), b.str(s.key), b.str("cpu"), b.integer(s.numel),
                           b.none()});
      pids.push_back(pid_override ? pid_override(b, pid) : pid);
    }
    std::vector<std::pair<Value, Value>> items;
    for (size_t i = 0; i < tensors.size(); ++i) {
      const Tensor& t = tensors[i];
      std::vector<Value> size, stride;
      for (int64_t x : t.size) size.push_back(b.integer(x));
      for (int64_t x : t.stride) stride.push_back(b.integer(x));
      Value grad = t.grad_is_int ? b.integer(0) : b.boolean(false);
      Value hooks = b.object(MadeBy::kReduce, b.global("collections", "OrderedDict"), b.tuple({}));
      Value args = b.tuple({markers[static_cast<size_t>(t.storage)], b.integer(t.offset), b.tuple(size), b.tuple(stride),
                            grad, hooks});
      items.emplace_back(b.str("t" + std::to_string(i)), b.object(MadeBy::kReduce, b.global("torch._utils", t.fn), args));
    }
    picklejar::DumpOptions o{.protocol = 2};
    o.persistent_id = [&](const Value& v) {
      for (size_t i = 0; i < markers.size(); ++i)
        if (v.is(markers[i])) return pids[i];
      return Value();
    };
    std::vector<std::pair<Value, Value>> entries(items.begin(), items.end());
    Value obj = b.dict({});
    // Builder::dict takes an initializer list: build the dict from a tuple of pairs instead.
    if (entries.size() == 1) obj = b.dict({entries[0]});
    if (entries.size() == 2) obj = b.dict({entries[0], entries[1]});
    if (object_override) obj = object_override(b, obj);
    add(obj, o);
    std::vector<Value> keys;
    for (const Storage& s : storages)
      if (s.listed) keys.push_back(b.str(s.key));
    add(b.list(keys));
    for (const Storage& s : storages) {
      if (!s.listed) continue;
      int64_t count = s.count >= 0 ? s.count : s.numel;
      std::vector<uint8_t> data = s.bytes;
      if (data.empty())
        for (int64_t i = 0; i < s.numel; ++i) {
          float f = static_cast<float>(i);
          uint8_t p[4];
          std::memcpy(p, &f, 4);
          if (!little_endian) std::reverse(p, p + 4);
          data.insert(data.end(), p, p + 4);
        }
      uint8_t c[8];
      std::memcpy(c, &count, 8);
      if (!little_endian) std::reverse(c, c + 8);
      out.insert(out.end(), c, c + 8);
      out.insert(out.end(), data.begin(), data.end());
    }
    return out;
  }
};

Error error_of(const std::vector<uint8_t>& file) {
  try {
    pt::load(ByteView(file.data(), file.size()));
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "loaded";
  return Error(ErrorCode::kIo, "none");
}

void expect_error(const Stream& s, ErrorCode code, const std::string& text) {
  Error e = error_of(s.bytes());
  EXPECT_EQ(e.code(), code) << e.what();
  EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
}

TEST(TorchLegacyStream, MadeHereLoads) {
  std::vector<uint8_t> file = Stream{}.bytes();
  Document doc = pt::load(ByteView(file.data(), file.size()));
  pt::TensorRef t(doc.root().at("t0"));
  EXPECT_EQ(t.dtype(), pt::DType::kFloat32);
  EXPECT_EQ(t.shape(), (std::vector<int64_t>{2, 3}));
  std::span<const float> v = t.as<float>();
  ASSERT_EQ(v.size(), 6u);
  EXPECT_EQ(v[5], 5.0f);
}

TEST(TorchLegacyStream, BigEndianIsSwapped) {
  Stream s;
  s.little_endian = false;
  std::vector<uint8_t> file = s.bytes();
  Document doc = pt::load(ByteView(file.data(), file.size()));
  std::span<const float> v = pt::TensorRef(doc.root().at("t0")).as<float>();
  EXPECT_EQ(v[1], 1.0f);
  EXPECT_EQ(v[5], 5.0f);
}

TEST(TorchErrors, ViewPastStorageEnd) {
  Stream s;
  s.tensors[0].offset = 1;  // elements 1..6 of a 6-element storage
  expect_error(s, ErrorCode::kBadLength, "reaches element 6 of storage '0', which has 6");
}

TEST(TorchErrors, AbsurdShapeOverflows) {
  Stream s;
  s.tensors[0].size = {int64_t{1} << 40, int64_t{1} << 40};
  s.tensors[0].stride = {1, 1};
  expect_error(s, ErrorCode::kBadLength, "overflows");
}

TEST(TorchErrors, HugeStrideReachesPastStorage) {
  Stream s;
  s.tensors[0].stride = {int64_t{1} << 62, 1};
  expect_error(s, ErrorCode::kBadLength, "reaches element");
}

TEST(TorchErrors, AbsurdStorageSizeAllocatesNothing) {
  Stream s;
  s.storages[0].numel = int64_t{1} << 61;  // 8 EiB of floats
  s.storages[0].bytes = {0};               // never reached: the persistent id is refused first
  expect_error(s, ErrorCode::kBadLength, "larger than any file");
}

TEST(TorchErrors, SizeAndStrideDisagree) {
  Stream s;
  s.tensors[0].stride = {1};
  expect_error(s, ErrorCode::kBadArgument, "size has 2 dimensions, its stride 1");
}

TEST(TorchErrors, NegativeSize) {
  Stream s;
  s.tensors[0].size = {-1, 3};
  expect_error(s, ErrorCode::kBadArgument, "size item 0 is not a non-negative int");
}

TEST(TorchErrors, RequiresGradNotBool) {
  Stream s;
  s.tensors[0].grad_is_int = true;
  expect_error(s, ErrorCode::kBadArgument, "requires_grad is not a bool");
}

TEST(TorchErrors, CountDisagreesWithPickle) {
  Stream s;
  s.storages[0].count = 5;
  expect_error(s, ErrorCode::kBadLength, "holds 5 elements, the pickle says 6");
}

TEST(TorchErrors, StorageCutShort) {
  Stream s;
  s.storages[0].bytes.assign(10, 0);
  expect_error(s, ErrorCode::kTruncated, "needs 24 bytes, the file has 10 left");
}

TEST(TorchErrors, StorageMissingFromKeyList) {
  Stream s;
  s.storages[0].listed = false;
  expect_error(s, ErrorCode::kBadArgument, "storage '0' is not in the storage key list");
}

TEST(TorchErrors, QuantizedIsUnsupported) {
  Stream s;
  s.storages[0].type = "QInt8Storage";
  expect_error(s, ErrorCode::kUnsupported, "quantized");
}

TEST(TorchErrors, UnknownStorageType) {
  Stream s;
  s.storages[0].type = "FancyStorage";
  expect_error(s, ErrorCode::kUnsupported, "unknown torch storage type torch.FancyStorage");
}

TEST(TorchErrors, PersistentIdNotAStorage) {
  Stream s;
  s.pid_override = [](Builder& b, Value) { return b.tuple({b.str("module"), b.none()}); };
  expect_error(s, ErrorCode::kBadArgument, "kind 'module' is not 'storage'");
}

TEST(TorchErrors, StorageViewsAreUnsupported) {
  Stream s;
  s.pid_override = [](Builder& b, Value) {
    return b.tuple({b.str("storage"), b.global("torch", "FloatStorage"), b.str("0"), b.str("cpu"), b.integer(6),
                    b.tuple({b.str("1"), b.integer(0), b.integer(6)})});
  };
  expect_error(s, ErrorCode::kUnsupported, "view_metadata");
}

TEST(TorchErrors, SameKeyAnotherType) {
  Stream s;
  s.storages.push_back(Storage{.type = "IntStorage", .key = "0", .numel = 6, .count = -1, .bytes = {}, .listed = true});
  s.tensors.push_back(Tensor{.storage = 1});
  expect_error(s, ErrorCode::kBadArgument, "named again with another type or size");
}

TEST(TorchErrors, NotATorchFile) {
  std::vector<uint8_t> junk = {'h', 'e', 'l', 'l', 'o'};
  Error e = error_of(junk);
  EXPECT_EQ(e.code(), ErrorCode::kBadArgument);
  EXPECT_NE(std::string(e.what()).find("not a torch file"), std::string::npos);
  EXPECT_FALSE(pt::looks_like_torch(ByteView(junk.data(), junk.size())));
}

TEST(TorchErrors, TruncatedZipIsCleanError) {
  std::string f = slurp(fixtures() + "/torch/linear.pt");
  for (size_t cut : {size_t{10}, f.size() / 2}) {
    std::vector<uint8_t> part(f.begin(), f.begin() + static_cast<ptrdiff_t>(cut));
    Error e = error_of(part);
    EXPECT_EQ(e.code(), ErrorCode::kBadArgument) << cut << ": " << e.what();
  }
  // Every prefix either loads (torch's writer adds zip64 end records, which survive losing the
  // last bytes) or throws picklejar::Error; nothing else.
  for (size_t cut = 0; cut < f.size(); cut += 7) {
    std::vector<uint8_t> part(f.begin(), f.begin() + static_cast<ptrdiff_t>(cut));
    try {
      pt::load(ByteView(part.data(), part.size()));
    } catch (const Error&) {
    }
  }
}

TEST(TorchErrors, EveryByteFlipIsCleanOrLoads) {
  for (const char* name : {"/torch/views.pt", "/torch/views_legacy.pt", "/torch/views_tar.pt"}) {
    std::string f = slurp(fixtures() + name);
    for (size_t i = 0; i < f.size(); ++i) {
      std::vector<uint8_t> g(f.begin(), f.end());
      g[i] ^= 0x5a;
      try {
        picklejar::Document doc;  // inspect loads, then walks what loaded
        pt::inspect(ByteView(g.data(), g.size()), {}, doc);
      } catch (const Error&) {
      }
    }
  }
}

TEST(TorchErrors, TarCutShortOrIncomplete) {
  std::string f = slurp(fixtures() + "/torch/linear_tar.pt");
  Json exp = read_json(fixtures() + "/torch/linear_tar.expect.json");
  const Json& last = exp["members"].items.back();
  size_t end = static_cast<size_t>(last["data_offset"].as_int() + last["size"].as_int());
  // Cut before the last member's data ends: libarchive reports the damage, or a member is missing
  // or cut short. (After it only the tar's padding and end blocks are lost, which is no loss.)
  for (size_t cut = 600; cut < end; cut += 97) {
    std::vector<uint8_t> part(f.begin(), f.begin() + static_cast<ptrdiff_t>(cut));
    try {
      pt::load(ByteView(part.data(), part.size()));
      ADD_FAILURE() << "a tar cut at " << cut << " of " << f.size() << " loaded";
    } catch (const Error& e) {
      EXPECT_TRUE(e.code() == ErrorCode::kBadArgument || e.code() == ErrorCode::kTruncated) << cut << ": " << e.what();
    }
  }
}

// inspect's walk (what `info` lists) over a hostile object: deep nesting (no recursion; paths
// capped at 4 KiB, not quadratic) and a shared tuple doubling at every level (2^40 paths) cost
// the document's size.
TEST(TorchErrors, InspectWalksHostileNestingInLinearTime) {
  for (bool doubling : {false, true}) {
    Stream s;
    s.object_override = [doubling](Builder& b, Value tensors) {
      Value inner = b.list({tensors});
      for (int i = 0; i < (doubling ? 40 : 100000); ++i) inner = doubling ? b.tuple({inner, inner}) : b.list({inner});
      return inner;
    };
    std::vector<uint8_t> file = s.bytes();
    Document doc;
    pt::FileInfo info = pt::inspect(ByteView(file.data(), file.size()), {}, doc);
    ASSERT_EQ(info.tensors.size(), 1u) << doubling;
    const std::string& path = info.tensors[0].path;
    if (doubling) {
      std::string want;
      for (int i = 0; i < 41; ++i) want += "0.";  // 40 tuples, then the list
      EXPECT_EQ(path, want + "t0");
    } else {
      EXPECT_EQ(path.substr(0, 3), "...");  // 100,000 levels: the path keeps its last 4 KiB
      EXPECT_LE(path.size(), 4096u + 3u);
    }
    EXPECT_EQ(path.substr(path.size() - 4), "0.t0");
  }
}

TEST(TorchErrors, MissingFileIsIo) {
  try {
    pt::load(fixtures() + "/torch/no_such_file.pt");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
  }
}

TEST(TorchErrors, FileOverInputLimit) {
  pt::LoadOptions o;
  o.pickle.limits.max_input_bytes = 100;
  try {
    pt::load(fixtures() + "/torch/linear.pt", o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kLimitExceeded) << e.what();
  }
}

}  // namespace
