// picklejar::float_repr must spell every double exactly as CPython 3.11's repr(float): FLOAT opcodes
// are written with it and the golden JSON/dis files compare it as text.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "picklejar/pickle.h"

namespace picklejar {
namespace {

struct Case {
  double value;
  const char* repr;
};

// Expected strings were produced by /usr/bin/python3 (3.11) `repr(float)`; values are C++ hex
// literals (from float.hex()) so that no decimal parsing sits between Python and the test.
const Case kCases[] = {
  // Named cases (C++ literal, Python repr).
      {0x1.1c37937e08000p53, "1e+16"},  // 1e16
      {0x1.4f8b588e368f1p-17, "1e-05"},  // 1e-5
      {0x1.a36e2eb1c432dp-14, "0.0001"},  // 0.0001
      {0x1.b69b4ba630f35p56, "1.2345678901234568e+17"},  // 123456789012345680.0
      {0x0.0000000000001p-1022, "5e-324"},  // 5e-324
      {0x1.fffffffffffffp1023, "1.7976931348623157e+308"},  // 1.7976931348623157e+308
      {0x1.999999999999ap-4, "0.1"},  // 0.1
      {0x1.5555555555555p-2, "0.3333333333333333"},  // 1/3
      {0x1.4000000000000p1, "2.5"},  // 2.5
      {0x1.9000000000000p6, "100.0"},  // 100.0
      {0x1.0f0cf064dd592p73, "1e+22"},  // 1e22
      {0x0.0p0, "0.0"},  // 0.0
      {-0x0.0p0, "-0.0"},  // -0.0
      {0x1.0000000000000p0, "1.0"},  // 1.0
      {-0x1.8000000000000p0, "-1.5"},  // -1.5
      {0x1.e666666666666p1, "3.8"},  // 3.8
      {0x1.c6bf526340000p49, "1000000000000000.0"},  // 1e15
      {0x1.1c37937e07fffp53, "9999999999999998.0"},  // 9999999999999998.0
      {0x1.a36e2eb1c432dp-14, "0.0001"},  // 1e-4
      {0x1.9e0fcaf9380fcp-17, "1.234e-05"},  // 0.00001234
      {0x1.421f5f40d8376p-23, "1.5e-07"},  // 1.5e-7
      {0x1.0000000000000p-1022, "2.2250738585072014e-308"},  // 2.2250738585072014e-308
      {0x1.249ad2594c37dp332, "1e+100"},  // 1e+100
      {-0x1.bff2ee48e0530p-333, "-1e-100"},  // -1e-100
      {0x1.edd2f1a9fbe77p6, "123.456"},  // 123.456
      {0x1.3333333333333p-2, "0.3"},  // 0.3
      {0x1.0000000000000p53, "9007199254740992.0"},  // 2**53
      {0x1.0000000000001p53, "9007199254740994.0"},  // 2**53+2
      {0x1.0000000000000p63, "9.223372036854776e+18"},  // 2**63
      {0x1.6345785d8a000p56, "1e+17"},  // 1e17
      {0x1.5ee2a2eb5a5c4p53, "1.2345678901234568e+16"},  // 12345678901234567.0
      {0x1.a36e2eb1c432dp-17, "1.25e-05"},  // 1.25e-05
      {0x0.0000000000002p-1022, "1e-323"},  // 1e-323
      {0x0.0000000000001p-1022, "5e-324"},  // 4.9406564584124654e-324
      {std::numeric_limits<double>::quiet_NaN(), "nan"},  // float("nan")
      {std::numeric_limits<double>::infinity(), "inf"},  // float("inf")
      {-std::numeric_limits<double>::infinity(), "-inf"},  // -float("inf")
      {-std::numeric_limits<double>::quiet_NaN(), "nan"},  // -float("nan")
      {0x1.18b54f22aeb03p50, "1234567890123456.8"},  // 1234567890123456.7
      {0x1.01f31f46ed246p-13, "0.000123"},  // 0.000123
      {0x1.ad7f29abcaf48p-24, "1e-07"},  // 1e-07
      {0x1.a36e2eb1c432dp-15, "5e-05"},  // 5e-05
      {0x1.c000000000000p2, "7.0"},  // 7.0
      {0x0.0000000000003p-1022, "1.5e-323"},  // 2.0**-1074*3
  // Random bit patterns (finite).
      {-0x1.6e55e9b9b1325p283, "-2.2239649050108196e+85"},
      {0x1.bf9d7c55a45f8p359, "2.0532095845172635e+108"},
      {-0x1.c26ef4243ed52p241, "-6.217554322597633e+72"},
      {0x1.6cf7f265beda9p474, "6.953979603744903e+142"},
      {-0x1.77cffb7decc0cp30, "-1576271583.481204"},
      {0x1.a0a2edd70e34dp487, "6.503171038669016e+146"},
      {0x1.3513755ac0ecdp-953, "1.5857673189191353e-287"},
      {-0x1.523a53b4a3ee2p-200, "-8.221863336486e-61"},
      {0x1.45321ad915a36p223, "1.7123553371149197e+67"},
      {-0x1.3beb1e6ba3ad7p-637, "-2.1638530463091063e-192"},
      {-0x1.eabbd1fcfb980p469, "-2.9219572677923937e+141"},
      {0x1.447c10cc8af11p644, "9.252761636154696e+193"},
      {-0x1.637dd5bae2d26p-4, "-0.08678992737093391"},
      {-0x1.09b824ca87fc2p-274, "-3.419513645011445e-83"},
      {0x1.d003d9a0b2361p-679, "7.226450560613817e-205"},
      {0x1.135342e825ce1p-512, "8.021365036472743e-155"},
      {0x1.5f28807f0cbd4p-192, "2.1852629101185172e-58"},
      {0x1.9f4ad53a2f2b6p-1010, "1.4784897218736648e-304"},
      {0x1.346363c234038p205, "6.194509959718476e+61"},
      {-0x1.0a5494d14cf1ap308, "-5.425245977872505e+92"},
      {0x1.dc8f46a423cf9p617, "1.0124757898277046e+186"},
      {-0x1.8403035c9a8c4p280, "-2.944446857366267e+84"},
      {0x1.890e0f94855d0p870, "1.2086749044087354e+262"},
      {-0x1.d8bb09f2e9ea4p-266, "-1.5573811799210805e-80"},
      {-0x1.fdec6baecde5bp-354, "-5.42808465396562e-107"},
      {0x1.f071a5fd8e665p666, "5.937551093150185e+200"},
      {-0x1.d5644ef7d9967p899, "-7.749285522714588e+270"},
      {-0x1.b462fd6fad8dbp992, "-7.134888966143026e+298"},
      {-0x1.8bd763f20134cp434, "-6.859608543352666e+130"},
      {0x1.6c215b5fa5b0cp-795, "6.826063143799301e-240"},
      {-0x1.16c30f1f0742ap-11, "-0.0005316962232232482"},
      {0x1.acab59248b974p35, "57535023396.36221"},
      {0x1.354b65ed08d6bp119, "8.02974492705291e+35"},
      {0x1.cfb366088155fp-88, "5.852726618138463e-27"},
      {0x1.990fad57dcafdp-131, "5.869740909421409e-40"},
      {0x1.d41ef88c279d9p-405, "2.2129413115836295e-122"},
      {0x1.b8cb8ef65ed78p732, "3.8900364282728575e+220"},
      {0x1.bc896afbec9a6p-799, "5.2083625442892846e-241"},
      {-0x1.3d2a5d1764460p471, "-7.553946583906249e+141"},
      {-0x1.aea0eaa72870bp417, "-5.693391869688787e+125"},
  // Random values near the fixed/exponent boundaries.
      {0x1.93e197e973658p-22, "3.7614370159981633e-07"},
      {0x1.613fe8d605c85p-22, "3.2898937030304486e-07"},
      {0x1.0172921a8f886p-20, "9.59066830077554e-07"},
      {0x1.d4fbef2171dfbp-18, "6.988407933623381e-06"},
      {0x1.109a2208855b8p-18, "4.062087562780305e-06"},
      {0x1.ffcb622a10becp-21, "9.532914806504212e-07"},
      {0x1.5c328c753cbd7p-15, "4.150837131957463e-05"},
      {0x1.2cbdd02acc95cp-14, "7.17023510048756e-05"},
      {0x1.15cba1b4ad22dp-15, "3.311579658796626e-05"},
      {0x1.ccd31230f8d2cp-11, "0.0008789529730361171"},
      {0x1.e89913969c24ep-14, "0.00011649083021737195"},
      {0x1.3c4e04245a67fp-11, "0.0006033034338035064"},
      {0x1.f1ad5cd622cb1p45, "68400233235545.38"},
      {0x1.6a84297fd1ac0p42, "6227981893446.6875"},
      {0x1.e0a14b8fb35f8p45, "66057292346987.94"},
      {0x1.30ad16230cf72p49, "669989871163886.2"},
      {0x1.449314e15792ap49, "713746955808549.2"},
      {0x1.4a58bea1719c5p49, "726439985079096.6"},
      {0x1.8f313064785aap52, "7022662476334506.0"},
      {0x1.152608a5ff28ep53, "9751298391926044.0"},
      {0x1.034a65e3f795ap53, "9122977555608244.0"},
      {0x1.db428861db3b9p54, "3.3443441865576164e+16"},
      {0x1.811c648de2060p55, "5.419954211815501e+16"},
      {0x1.518af2d3d0f05p56, "9.500984269189538e+16"},
};

TEST(FloatReprTest, MatchesPythonRepr) {
  for (const Case& c : kCases) {
    EXPECT_EQ(float_repr(c.value), c.repr) << "hex value " << std::hexfloat << c.value;
  }
}

TEST(FloatReprTest, NegatedValuesGetAMinusSign) {
  for (const Case& c : kCases) {
    if (std::isnan(c.value) || std::signbit(c.value)) continue;
    EXPECT_EQ(float_repr(-c.value), std::string("-") + c.repr);
  }
}

// Whatever the digits, the text must read back as the same double (the round-trip promise of
// repr), and must use fixed notation exactly when Python does.
TEST(FloatReprTest, RoundTripsRandomBitPatterns) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200000; ++i) {
    uint64_t bits = rng();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    if (!std::isfinite(v)) continue;
    const std::string s = float_repr(v);
    const double back = std::strtod(s.c_str(), nullptr);
    ASSERT_EQ(std::memcmp(&back, &v, sizeof v), 0) << s;
    const double mag = std::fabs(v);
    const bool fixed = s.find('e') == std::string::npos;
    ASSERT_EQ(fixed, mag >= 1e-4 && mag < 1e16) << s;
    if (fixed) {
      ASSERT_NE(s.find('.'), std::string::npos) << s;
    }
  }
}

}  // namespace
}  // namespace picklejar
