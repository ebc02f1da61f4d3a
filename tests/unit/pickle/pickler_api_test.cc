// The pickler's API: invalid arguments, the stream form, dump_file's atomic writes, and a million
// nested lists dumped without recursion.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "picklejar/picklejar.h"
#include "pickler_test_util.h"

namespace picklejar {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;
using namespace pickler_test;

// ---- arguments, streams, files ------------------------------------------------------------------------

TEST(PicklerApi, InvalidProtocolIsInvalidArgument) {
  Document doc;
  Value v = doc.builder().none();
  fs::path dir = fs::temp_directory_path() / ("picklejar_pickler_proto_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (int protocol : {-1, 6, 100, std::numeric_limits<int>::min()}) {
    SCOPED_TRACE(protocol);
    DumpOptions o;
    o.protocol = protocol;
    try {
      dump(v, o);
      ADD_FAILURE() << "dump accepted the protocol";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
    }
    std::ostringstream out;
    try {
      dump(v, out, o);
      ADD_FAILURE() << "dump(ostream) accepted the protocol";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
    }
    EXPECT_EQ(out.str(), "");
    try {
      dump_file(v, dir / "x.pkl", o);
      ADD_FAILURE() << "dump_file accepted the protocol";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
    }
    EXPECT_TRUE(fs::is_empty(dir)) << "dump_file left a file behind";
  }
  fs::remove_all(dir);
}

// DumpOptions::fast is CPython's Pickler.fast: no memo, so a shared value is written each time. The
// bytes are CPython 3.11's: a = [1, 'ab', (2,)]; v = [a, a, 'ab', (a, a), {'k': a}];
// src = pickle.dumps(v, 4); for each protocol p, Pickler(f, p) with .fast = True dumps v.
TEST(PicklerApi, FastWritesNoMemoAsCPython) {
  const std::string src =
      "\x80\x04\x95'\x00\x00\x00\x00\x00\x00\x00]\x94(]\x94(K\x01\x8c\x02""ab\x94K\x02\x85\x94""eh\x01h\x02h\x01h\x01\x86\x94}\x94\x8c\x01k\x94h\x01se."s;
  const std::string want[6] = {
      "(l(lI1\naVab\na(I2\ntaa(lI1\naVab\na(I2\ntaaVab\na((lI1\naVab\na(I2\nta(lI1\naVab\na(I2\ntata(dVk\n(lI1\naVab\na(I2\ntasa."s,
      "](](K\x01X\x02\x00\x00\x00""ab(K\x02te](K\x01X\x02\x00\x00\x00""ab(K\x02teX\x02\x00\x00\x00""ab(](K\x01X\x02\x00\x00\x00""ab(K\x02te](K\x01X\x02\x00\x00\x00""ab(K\x02tet}X\x01\x00\x00\x00k](K\x01X\x02\x00\x00\x00""ab(K\x02tese."s,
      "\x80\x02](](K\x01X\x02\x00\x00\x00""abK\x02\x85""e](K\x01X\x02\x00\x00\x00""abK\x02\x85""eX\x02\x00\x00\x00""ab](K\x01X\x02\x00\x00\x00""abK\x02\x85""e](K\x01X\x02\x00\x00\x00""abK\x02\x85""e\x86}X\x01\x00\x00\x00k](K\x01X\x02\x00\x00\x00""abK\x02\x85""ese."s,
      "\x80\x03](](K\x01X\x02\x00\x00\x00""abK\x02\x85""e](K\x01X\x02\x00\x00\x00""abK\x02\x85""eX\x02\x00\x00\x00""ab](K\x01X\x02\x00\x00\x00""abK\x02\x85""e](K\x01X\x02\x00\x00\x00""abK\x02\x85""e\x86}X\x01\x00\x00\x00k](K\x01X\x02\x00\x00\x00""abK\x02\x85""ese."s,
      "\x80\x04\x95J\x00\x00\x00\x00\x00\x00\x00](](K\x01\x8c\x02""abK\x02\x85""e](K\x01\x8c\x02""abK\x02\x85""e\x8c\x02""ab](K\x01\x8c\x02""abK\x02\x85""e](K\x01\x8c\x02""abK\x02\x85""e\x86}\x8c\x01k](K\x01\x8c\x02""abK\x02\x85""ese."s,
      "\x80\x05\x95J\x00\x00\x00\x00\x00\x00\x00](](K\x01\x8c\x02""abK\x02\x85""e](K\x01\x8c\x02""abK\x02\x85""e\x8c\x02""ab](K\x01\x8c\x02""abK\x02\x85""e](K\x01\x8c\x02""abK\x02\x85""e\x86}\x8c\x01k](K\x01\x8c\x02""abK\x02\x85""ese."s,
  };
  Document doc = load(ByteView(reinterpret_cast<const uint8_t*>(src.data()), src.size()));
  for (int p = 0; p <= 5; ++p) {
    DumpOptions o;
    o.protocol = p;
    o.fast = true;
    std::vector<uint8_t> got = dump(doc.root(), o);
    EXPECT_EQ(std::string(got.begin(), got.end()), want[p]) << "protocol " << p;
  }
}

// CPython's fast pickler raises ValueError for a value that holds itself; picklejar kUnsupported.
TEST(PicklerApi, FastRejectsACycle) {
  const std::string src = "\x80\x04\x95\x06\x00\x00\x00\x00\x00\x00\x00]\x94h\x00""a."s;  // l = []; l.append(l); pickle.dumps(l, 4)
  Document doc = load(ByteView(reinterpret_cast<const uint8_t*>(src.data()), src.size()));
  DumpOptions o;
  o.fast = true;
  try {
    dump(doc.root(), o);
    FAIL() << "a cyclic value was written in fast mode";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnsupported) << e.what();
    EXPECT_NE(std::string(e.what()).find("holds itself"), std::string::npos) << e.what();
  }
  o.fast = false;
  std::vector<uint8_t> again = dump(doc.root(), o);
  EXPECT_EQ(std::string(again.begin(), again.end()), src);
}

TEST(PicklerApi, InvalidValueIsInvalidArgument) {
  try {
    dump(Value());
    ADD_FAILURE() << "dumped an invalid Value";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
  }
}

TEST(PicklerApi, StreamDumpEqualsVectorDump) {
  Document doc;
  Builder b = doc.builder();
  // Small values and ones with payloads past the frame target (written around the frame buffer).
  std::vector<Value> values = {
      b.none(),
      b.list({S(b, "x"), b.dict({{S(b, "k"), b.float64(1.5)}}), b.set({b.integer(3)})}),
      b.list({By(b, Rep("a", 60000)), By(b, Rep("b", 70000)), S(b, Rep("c", 65536)), b.integer(1)}),
      List(b, NumberedStrs(b, 20000)),
      b.buffer(View(kBig70000), true),
  };
  for (size_t i = 0; i < values.size(); ++i) {
    for (int protocol = 0; protocol <= 5; ++protocol) {
      if (i == 4 && protocol < 5) continue;
      SCOPED_TRACE("value " + std::to_string(i) + " at protocol " + std::to_string(protocol));
      std::ostringstream out;
      DumpOptions o;
      o.protocol = protocol;
      dump(values[i], out, o);
      EXPECT_EQ(out.str(), D(values[i], protocol));
    }
  }
}

class PicklerDumpFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("picklejar_pickler_file_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  static std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), {});
  }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  fs::path dir_;
};

TEST_F(PicklerDumpFile, WritesWhatDumpReturns) {
  Document doc;
  Builder b = doc.builder();
  Value v = b.list({S(b, "hello"), By(b, Rep("z", 100000)), DictOf(b, 1500)});
  for (int protocol = 0; protocol <= 5; ++protocol) {
    DumpOptions o;
    o.protocol = protocol;
    fs::path target = dir_ / ("p" + std::to_string(protocol) + ".pkl");
    dump_file(v, target, o);
    EXPECT_EQ(slurp(target), D(v, protocol)) << protocol;
  }
  EXPECT_EQ(entries(), (std::vector<std::string>{"p0.pkl", "p1.pkl", "p2.pkl", "p3.pkl", "p4.pkl", "p5.pkl"}));
}

TEST_F(PicklerDumpFile, ReplacesAnExistingFile) {
  fs::path target = dir_ / "out.pkl";
  {
    std::ofstream f(target, std::ios::binary);
    f << std::string(5000, 'x');  // longer than the new pickle: no stale tail may remain
  }
  Document doc;
  Value v = doc.builder().integer(7);
  dump_file(v, target, DumpOptions{});
  EXPECT_EQ(slurp(target), "\x80\x04K\x07."s);
  EXPECT_EQ(entries(), std::vector<std::string>{"out.pkl"});
}

TEST_F(PicklerDumpFile, FailureLeavesTheTargetUntouchedAndNoTemporaryFile) {
  fs::path target = dir_ / "out.pkl";
  {
    std::ofstream f(target, std::ios::binary);
    f << "previous contents";
  }
  Document doc;
  Builder b = doc.builder();
  // Enough output before the failing value that a streaming writer would have written some of it.
  Value v = b.list({By(b, Rep("a", 200000)), List(b, Ints(b, 5000)), b.buffer(View(kAbc), true)});
  DumpOptions o;
  o.protocol = 2;
  try {
    dump_file(v, target, o);
    ADD_FAILURE() << "a PickleBuffer was dumped at protocol 2";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnsupported) << e.what();
  }
  EXPECT_EQ(slurp(target), "previous contents");
  EXPECT_EQ(entries(), std::vector<std::string>{"out.pkl"});

  // Without an existing file, none is created.
  fs::path fresh = dir_ / "fresh.pkl";
  EXPECT_THROW(dump_file(v, fresh, o), Error);
  EXPECT_FALSE(fs::exists(fresh));
  EXPECT_EQ(entries(), std::vector<std::string>{"out.pkl"});
}

TEST_F(PicklerDumpFile, MissingDirectoryIsAnIoError) {
  Document doc;
  try {
    dump_file(doc.builder().none(), dir_ / "no" / "such" / "dir.pkl", DumpOptions{});
    ADD_FAILURE() << "wrote into a missing directory";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo) << e.what();
  }
}
// ---- depth ------------------------------------------------------------------------------------------

TEST(PicklerDeep, MillionDeepListDumpsWithoutRecursionAndLoadsBack) {
  // top = l = []; for _ in range(999_999): n = []; l.append(n); l = n   -- 1,000,000 nested lists
  constexpr size_t kDepth = 1'000'000;
  Document doc;
  Builder b = doc.builder();
  Value top = b.list();
  Value cur = top;
  for (size_t i = 1; i < kDepth; ++i) {
    Value n = b.list();
    b.append(cur, n);
    cur = n;
  }
  // CPython's output (tools/fixturegen/pickler_cases.py dumps it in a thread with a 1 GiB stack and
  // no recursion limit): too big to keep, so fixtures/pickler/deep_list.tsv has its size, FNV-1a-64
  // and first and last bytes.
  std::vector<std::pair<int, Want>> wants;
  {
    std::istringstream rows(read_fixture("pickler/deep_list.tsv"));
    std::string line;
    std::getline(rows, line);  // header
    while (std::getline(rows, line)) {
      std::istringstream cols(line);
      std::string protocol, size, fnv, head, tail;
      std::getline(cols, protocol, '\t');
      std::getline(cols, size, '\t');
      std::getline(cols, fnv, '\t');
      std::getline(cols, head, '\t');
      std::getline(cols, tail, '\t');
      wants.emplace_back(std::stoi(protocol), Big(std::stoull(size), std::stoull(fnv, nullptr, 16),
                                                  as_string(hex_bytes(head)), as_string(hex_bytes(tail))));
    }
  }
  ASSERT_EQ(wants.size(), 4u);
  std::string p4;
  for (const auto& [protocol, want] : wants) {
    SCOPED_TRACE(protocol);
    std::string got = D(top, protocol);
    EXPECT_TRUE(Matches(want, got));
    if (protocol == 4) p4 = std::move(got);
  }
  Document back = load(view(p4));
  Value v = back.root();
  size_t depth = 1;
  while (v.size() == 1) {
    ASSERT_EQ(v.kind(), Kind::kList);
    v = v[0];
    ++depth;
  }
  EXPECT_EQ(v.kind(), Kind::kList);
  EXPECT_EQ(v.size(), 0u);
  EXPECT_EQ(depth, kDepth);
}

}  // namespace
}  // namespace picklejar
