// picklejar::scan over hand-made pickles: each bypass family the scanner must see through (memo'd
// STACK_GLOBAL names, STRING names, a second pickle after STOP, a dropped result, a broken stream
// whose payload already ran, nested pickle.loads, joblib data hiding a payload, compression, zip
// members), the uses reported, and the verdicts (fails closed).
#include <gtest/gtest.h>
#include <picklejar/error.h>
#include <picklejar/scan.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "codec/codec.h"

namespace picklejar {
namespace {

using namespace std::string_literals;

ByteView view(const std::string& s) { return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

const GlobalFinding* find(const ScanReport& r, std::string_view module, std::string_view name) {
  for (const GlobalFinding& g : r.globals)
    if (g.module == module && g.name == name) return &g;
  return nullptr;
}

// os.system("id") via GLOBAL, the result dropped by POP, then a harmless value.
const std::string kSystemPopped = "\x80\x02" "cos\nsystem\n" "X\x02\x00\x00\x00id\x85R0" "K\x01."s;

TEST(Scan, CallOfDangerousGlobalIsUnsafeEvenWhenPopped) {
  ScanReport r = scan(view(kSystemPopped));
  EXPECT_EQ(r.verdict, Verdict::kUnsafe);
  const GlobalFinding* g = find(r, "os", "system");
  ASSERT_NE(g, nullptr);
  EXPECT_TRUE(g->dangerous);
  EXPECT_FALSE(g->allowed);
  EXPECT_EQ(g->use, GlobalUse::kCall);
  EXPECT_EQ(g->offset, 2u);
  EXPECT_EQ(g->opcode, "GLOBAL");
  ASSERT_EQ(g->calls.size(), 1u);
  EXPECT_EQ(g->calls[0], "REDUCE at 21 with (str[2])");
}

TEST(Scan, StackGlobalNamesFromMemoAndPy2Strings) {
  // STACK_GLOBAL whose module comes from the memo and whose name is a Python 2 STRING.
  std::string p = "\x80\x04\x8c\x02os\x94" "0" "h\x00" "S'system'\n" "\x93" "\x8c\x02id\x85R."s;
  ScanReport r = scan(view(p));
  EXPECT_EQ(r.verdict, Verdict::kUnsafe);
  const GlobalFinding* g = find(r, "os", "system");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->opcode, "STACK_GLOBAL");
  EXPECT_TRUE(g->dangerous);
}

TEST(Scan, SecondPickleAfterStopIsScanned) {
  std::string p = "\x80\x02K\x01." + kSystemPopped;
  ScanReport r = scan(view(p));
  EXPECT_EQ(r.verdict, Verdict::kUnsafe);
  const GlobalFinding* g = find(r, "os", "system");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->offset, 7u);  // offsets count in the file
  EXPECT_EQ(r.parts.size(), 2u);
}

TEST(Scan, BrokenStreamAfterPayloadIsUnsafeNotUnreadable) {
  std::string p = "\x80\x02" "cposix\nsystem\n" "X\x02\x00\x00\x00id\x85R" "\xff"s;
  ScanReport r = scan(view(p));
  EXPECT_EQ(r.verdict, Verdict::kUnsafe);
  EXPECT_NE(r.error.find("kUnknownOpcode"), std::string::npos) << r.error;
  ASSERT_NE(find(r, "posix", "system"), nullptr);
}

TEST(Scan, BrokenBenignStreamIsUnreadable) {
  ScanReport r = scan(view("\x80\x02]q\x00(K\x01K\x02"s));
  EXPECT_EQ(r.verdict, Verdict::kUnreadable);
  EXPECT_NE(r.error.find("kNoStop"), std::string::npos) << r.error;
  EXPECT_EQ(scan(view(""s)).verdict, Verdict::kUnreadable);
}

TEST(Scan, TrailingGarbageAfterAPickleIsUnreadable) {
  EXPECT_EQ(scan(view("\x80\x02K\x01.garbage"s)).verdict, Verdict::kUnreadable);
}

TEST(Scan, PlainDataIsSafeUnderEveryPolicy) {
  // [1, 'a', {b'x': set()}] at protocol 2: builtins.set is how protocol 2 spells a set.
  std::string p = "\x80\x02]q\x00(K\x01X\x01\x00\x00\x00" "a}q\x01" "C\x01" "xc__builtin__\nset\n]\x85Rse."s;
  for (const std::string& name : Policy::builtin_names()) {
    ScanOptions o;
    o.policy = Policy::builtin(name);
    ScanReport r = scan(view(p), o);
    if (name == "torch") {
      EXPECT_EQ(r.verdict, Verdict::kUnsafe) << "builtins.set is not in torch's weights_only list";
    } else {
      EXPECT_EQ(r.verdict, Verdict::kSafe) << name;
    }
  }
  ScanReport r = scan(view(p));
  const GlobalFinding* g = find(r, "builtins", "set");  // reported although the registry made a set
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->use, GlobalUse::kCall);
  EXPECT_TRUE(g->allowed);
}

TEST(Scan, CodecsEncodeIsReportedBeforeTheRegistryEvaluatesIt) {
  std::string p = "\x80\x02" "c_codecs\nencode\nX\x01\x00\x00\x00" "aX\x06\x00\x00\x00latin1\x86R."s;
  ScanReport r = scan(view(p));
  EXPECT_EQ(r.verdict, Verdict::kSafe);
  ASSERT_NE(find(r, "_codecs", "encode"), nullptr);
}

TEST(Scan, NestedPickleLoadsIsScanned) {
  // pickle.loads(b'<os.system pickle>'): dangerous itself, and the inner payload is named too.
  std::string inner = kSystemPopped;
  std::string p = "\x80\x02" "cpickle\nloads\n" "C" + std::string(1, static_cast<char>(inner.size())) + inner + "\x85R.";
  ScanReport r = scan(view(p));
  EXPECT_EQ(r.verdict, Verdict::kUnsafe);
  ASSERT_NE(find(r, "pickle", "loads"), nullptr);
  const GlobalFinding* g = find(r, "os", "system");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->part, "pickle.loads at 45");
}

TEST(Scan, NestedPickleFromCodecsEncodeIsScanned) {
  // pickle.loads(_codecs.encode('<payload as latin-1 str>', 'latin1')).
  std::string inner = kSystemPopped, utf8;
  for (unsigned char c : inner) {
    if (c < 0x80) {
      utf8 += static_cast<char>(c);
    } else {
      utf8 += static_cast<char>(0xC0 | (c >> 6));
      utf8 += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  std::string p = "\x80\x02" "c_pickle\nloads\n" "c_codecs\nencode\n" "X" +
                  std::string(1, static_cast<char>(utf8.size())) + "\x00\x00\x00"s + utf8 +
                  "X\x06\x00\x00\x00latin1\x86R\x85R."s;
  ScanReport r = scan(view(p));
  EXPECT_EQ(r.verdict, Verdict::kUnsafe);
  ASSERT_NE(find(r, "os", "system"), nullptr);
}

TEST(Scan, CallOfANonGlobalValueIsAnIssue) {
  // operator.attrgetter('system')(os-module-like global)(...): the second call's callable is an object.
  std::string p = "\x80\x02" "cbuiltins\nlist\n" ")R)R.";
  ScanReport r = scan(view(p));
  EXPECT_EQ(r.verdict, Verdict::kUnsafe);
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_NE(r.issues[0].message.find("not a global"), std::string::npos);
}

TEST(Scan, ConstructOnlyEntryIsNotCallable) {
  // numpy.ndarray may be constructed (NEWOBJ, _reconstruct's subtype) but not called.
  std::string newobj = "\x80\x02" "cnumpy\nndarray\n" ")\x81.";
  std::string reduce = "\x80\x02" "cnumpy\nndarray\n" ")R.";
  EXPECT_EQ(scan(view(newobj)).verdict, Verdict::kSafe);
  ScanReport r = scan(view(reduce));
  EXPECT_EQ(r.verdict, Verdict::kUnsafe);
  EXPECT_FALSE(r.globals.at(0).allowed);
  EXPECT_FALSE(r.globals.at(0).dangerous);
}

TEST(Scan, ReconstructorMarksItsClassConstructedAndBaseCalled) {
  // copyreg._reconstructor(sklearn class, object, None) then BUILD: the class is constructed and built.
  std::string p = "\x80\x01" "ccopy_reg\n_reconstructor\n" "(csklearn.linear_model._base\nLinearRegression\n"
                  "c__builtin__\nobject\nNtR}b.";
  ScanReport r = scan(view(p));
  EXPECT_EQ(r.verdict, Verdict::kSafe);
  const GlobalFinding* g = find(r, "sklearn.linear_model._base", "LinearRegression");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->use, GlobalUse::kConstruct);
  EXPECT_TRUE(g->built);
  // A base other than object is called: builtins.dict may be, posix.system is dangerous.
  std::string bad = "\x80\x01" "ccopy_reg\n_reconstructor\n" "(csklearn.base\nBaseEstimator\ncposix\nsystem\nNtR.";
  ScanReport b = scan(view(bad));
  EXPECT_EQ(b.verdict, Verdict::kUnsafe);
  EXPECT_EQ(find(b, "posix", "system")->use, GlobalUse::kCall);
}

TEST(Scan, GetattrIsDangerousWhateverItGets) {
  // getattr(collections.OrderedDict, 'fromkeys') (the nested-name idiom of protocols 0-3) reaches
  // attributes no policy names, as getattr(sys.modules, 'get') does.
  std::string idiom = "\x80\x02" "cbuiltins\ngetattr\n" "ccollections\nOrderedDict\nX\x08\x00\x00\x00" "fromkeys\x86R."s;
  ScanReport r = scan(view(idiom));
  EXPECT_TRUE(find(r, "builtins", "getattr")->dangerous);
  EXPECT_EQ(r.verdict, Verdict::kUnsafe);
}

TEST(Scan, ExtensionCodesAreUnsafe) {
  ScanReport r = scan(view("\x80\x02\x82\x01)R."s));
  EXPECT_EQ(r.verdict, Verdict::kUnsafe);
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_NE(r.error.find("kExtension"), std::string::npos);
}

TEST(Scan, NestedPickleBehindBase64IsScanned) {
  // pickle.loads(base64.b64decode('<payload>')).
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string b64;
  const std::string& in = kSystemPopped;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t v = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<uint8_t>(in[i + 1]) << 8;
    if (i + 2 < in.size()) v |= static_cast<uint8_t>(in[i + 2]);
    for (int k = 0; k < 4; ++k) b64 += i * 8 + static_cast<size_t>(k) * 6 < in.size() * 8 ? kAlphabet[(v >> (18 - 6 * k)) & 63] : '=';
  }
  std::string p = "\x80\x02" "cpickle\nloads\n" "cbase64\nb64decode\n" "X" + std::string(1, static_cast<char>(b64.size())) +
                  "\x00\x00\x00"s + b64 + "\x85R\x85R."s;
  ScanReport r = scan(view(p));
  ASSERT_NE(find(r, "os", "system"), nullptr);
  EXPECT_EQ(find(r, "os", "system")->part, "pickle.loads at " + std::to_string(p.size() - 2));
}

TEST(Scan, CallsAreCountedAndTheFirstListed) {
  // builtins.set looked up once (memo 0), called 20 times, each result dropped.
  std::string p = "\x80\x02" "cbuiltins\nset\nq\x00" "0"s;
  for (int i = 0; i < 20; ++i) p += "h\x00)R0"s;
  p += "N.";
  ScanReport r = scan(view(p));
  ASSERT_EQ(r.globals.size(), 1u);
  EXPECT_EQ(r.globals[0].call_count, 20u);
  EXPECT_EQ(r.globals[0].calls.size(), GlobalFinding::kListedCalls);
  EXPECT_EQ(r.verdict, Verdict::kSafe);
}

TEST(Scan, APayloadLoadedManyTimesIsScannedOnce) {
  std::string p = "\x80\x02" "cpickle\nloads\nq\x00" "0" "C"s + static_cast<char>(kSystemPopped.size()) + kSystemPopped +
                  "q\x01" "0"s;
  for (int i = 0; i < 50; ++i) p += "h\x00h\x01\x85R0"s;
  p += "N.";
  ScanReport r = scan(view(p));
  int nested = 0;
  for (const GlobalFinding& g : r.globals) nested += g.module == "os";
  EXPECT_EQ(nested, 1);
  EXPECT_EQ(r.verdict, Verdict::kUnsafe);
}

TEST(Scan, CompressedPicklesAreScanned) {
  for (Codec c : {Codec::kZlib, Codec::kGzip, Codec::kBz2, Codec::kXz, Codec::kLzma, Codec::kLz4}) {
    std::vector<uint8_t> out;
    auto enc = internal::make_encoder(c, 3, [&](const uint8_t* p, size_t n) { out.insert(out.end(), p, p + n); });
    enc->write(reinterpret_cast<const uint8_t*>(kSystemPopped.data()), kSystemPopped.size());
    enc->finish();
    ScanReport r = scan(ByteView(out.data(), out.size()));
    EXPECT_EQ(r.verdict, Verdict::kUnsafe) << codec_name(c);
    ASSERT_NE(find(r, "os", "system"), nullptr) << codec_name(c);
    EXPECT_EQ(find(r, "os", "system")->part, std::string(codec_name(c)));
    // Cut short: what decoded first is still judged.
    out.resize(out.size() - 4);
    EXPECT_NE(scan(ByteView(out.data(), out.size())).verdict, Verdict::kSafe) << codec_name(c);
  }
}

// A stored zip (as torch.save writes, with a storage member) holding `pickle` as `name`.
std::string zip_of(const std::vector<std::pair<std::string, std::string>>& members, uint16_t flags = 0,
                   bool central = true) {
  std::string z, cd;
  auto u16 = [](std::string& s, uint32_t v) { s += static_cast<char>(v & 255), s += static_cast<char>(v >> 8); };
  auto u32 = [&](std::string& s, uint32_t v) { u16(s, v & 0xFFFF), u16(s, v >> 16); };
  for (const auto& [name, data] : members) {
    uint32_t at = static_cast<uint32_t>(z.size());
    uint32_t crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
    z += "PK\x03\x04"s;
    u16(z, 20), u16(z, flags), u16(z, 0), u16(z, 0), u16(z, 0), u32(z, crc ^ 1), u32(z, static_cast<uint32_t>(data.size())),
        u32(z, static_cast<uint32_t>(data.size())), u16(z, static_cast<uint32_t>(name.size())), u16(z, 0);
    z += name + data;
    cd += "PK\x01\x02"s;
    u16(cd, 20), u16(cd, 20), u16(cd, flags), u16(cd, 0), u16(cd, 0), u16(cd, 0), u32(cd, crc ^ 1),
        u32(cd, static_cast<uint32_t>(data.size())), u32(cd, static_cast<uint32_t>(data.size())),
        u16(cd, static_cast<uint32_t>(name.size())), u16(cd, 0), u16(cd, 0), u16(cd, 0), u16(cd, 0), u32(cd, 0), u32(cd, at);
    cd += name;
  }
  if (!central) return z;
  uint32_t cd_at = static_cast<uint32_t>(z.size());
  z += cd + "PK\x05\x06"s;
  u16(z, 0), u16(z, 0), u16(z, static_cast<uint32_t>(members.size())), u16(z, static_cast<uint32_t>(members.size()));
  u32(z, static_cast<uint32_t>(cd.size())), u32(z, cd_at), u16(z, 0);
  return z;
}

TEST(Scan, EveryPickleMemberOfAZipIsScannedWhateverItsFlagsAndCrc) {
  std::string benign = "\x80\x02}q\x00."s;
  std::string z = zip_of({{"archive/data.pkl", benign}, {"archive/data/0", "\x80\x02garbage tensor bytes"},
                          {"archive/extra.pkl", kSystemPopped}},
                         /*flags: encrypted + utf-8 names*/ 0x0801);
  ScanReport r = scan(view(z));
  EXPECT_EQ(r.verdict, Verdict::kUnsafe);
  ASSERT_NE(find(r, "os", "system"), nullptr);
  EXPECT_EQ(find(r, "os", "system")->part, "archive/extra.pkl");
  // Without the payload member: safe (the storage member is never read as a pickle).
  EXPECT_EQ(scan(view(zip_of({{"archive/data.pkl", benign}, {"archive/data/0", "\x80\x02junk"}}))).verdict, Verdict::kSafe);
  // Only local headers (no central directory): still found.
  EXPECT_EQ(scan(view(zip_of({{"archive/data.pkl", kSystemPopped}}, 0, false))).verdict, Verdict::kUnsafe);
  // A zip64 size that would wrap the local-header walk around to the start: refused, not looped on.
  std::string wrap = zip_of({{"a.pkl", benign}}, 0, false);
  wrap.replace(18, 8, std::string(8, '\xff'));   // csize and usize: see the zip64 field
  wrap.replace(26, 4, "\x05\x00\x14\x00"s);     // name length 5, extra 20
  wrap.insert(30 + 5, "\x01\x00\x10\x00"s + std::string(8, '\0') + std::string(8, '\xff'));  // usize 0, csize 2^64-1
  EXPECT_EQ(scan(view(wrap)).verdict, Verdict::kUnreadable);
  // A plain zip of a pickle under another name: sniffed by content.
  EXPECT_EQ(scan(view(zip_of({{"model.bin", kSystemPopped}}))).verdict, Verdict::kUnsafe);
}

TEST(Scan, LegacyJoblibZfFilesAreDecoded) {
  // joblib 0.9's compressed pickle ("ZF" + length + zlib), holding numpy matrices.
  ScanReport r = scan_file(std::string(PICKLEJAR_FIXTURES_DIR) + "/joblib-corpus/joblib_0.9.2_compressed_pickle_py35_np19.gz");
  EXPECT_EQ(r.verdict, Verdict::kSafe) << r.error;
  ASSERT_FALSE(r.globals.empty());
  EXPECT_EQ(r.globals.front().part, "ZF");
}

TEST(Scan, LegacyJoblibWrapperWithoutAPlainSideFileIsUnreadable) {
  // joblib < 0.10's NDArrayWrapper names its .npy side file in its state's 'filename'; joblib.load
  // fails without one (AttributeError), picklejar's loader refuses it, and so does the scanner.
  auto wrapper = [](const std::string& key, const std::string& name) {
    return "\x80\x02" "cjoblib.numpy_pickle_compat\nNDArrayWrapper\n" ")\x81}(X"s + static_cast<char>(key.size()) +
           "\x00\x00\x00"s + key + "X"s + static_cast<char>(name.size()) + "\x00\x00\x00"s + name + "ub."s;
  };
  EXPECT_EQ(scan(view(wrapper("filename", "a.npy"))).verdict, Verdict::kSafe);
  ScanReport r = scan(view(wrapper("faleeimn", "a.npy")));
  EXPECT_EQ(r.verdict, Verdict::kUnreadable);
  EXPECT_NE(r.error.find("without a file name"), std::string::npos) << r.error;
  EXPECT_EQ(scan(view(wrapper("filename", "../a.npy"))).verdict, Verdict::kUnreadable);
}

TEST(Scan, NpyObjectArrayPickleIsScanned) {
  std::string header = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }";
  header.resize(118, ' ');
  header += '\n';
  std::string npy = "\x93NUMPY\x01\x00"s + static_cast<char>(header.size()) + '\x00' + header;
  EXPECT_EQ(scan(view(npy + kSystemPopped)).verdict, Verdict::kUnsafe);
  std::string f8 = npy;
  f8.replace(f8.find("|O"), 2, "<f8");
  f8.erase(f8.find("   \n"), 1);
  EXPECT_EQ(scan(view(f8 + "\xff\xff\xff\xff\xff\xff\xff\xff")).verdict, Verdict::kSafe);
}

}  // namespace
}  // namespace picklejar
