// CPython's hash functions and set table, re-derived from their definitions: SipHash-1-3 over a
// str's PEP 393 storage, numbers reduced modulo the Mersenne prime 2**61 - 1, the xxHash-style
// tuple combiner and the frozenset shuffle (Python 3.11 Objects/setobject.c, Python/pyhash.c).
#include "model/pyhash.h"

#include "base/int_text.h"

#include <cmath>
#include <cstring>
#include <string_view>

#include "base/utf8.h"

namespace picklejar::internal {
namespace {

constexpr int kHashBits = 61;
constexpr uint64_t kModulus = (uint64_t{1} << kHashBits) - 1;
constexpr int64_t kHashInf = 314159;
constexpr int kMaxDepth = 1000;

uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

void sip_round(uint64_t& v0, uint64_t& v1, uint64_t& v2, uint64_t& v3) {
  v0 += v1;
  v1 = rotl(v1, 13) ^ v0;
  v0 = rotl(v0, 32);
  v2 += v3;
  v3 = rotl(v3, 16) ^ v2;
  v0 += v3;
  v3 = rotl(v3, 21) ^ v0;
  v2 += v1;
  v1 = rotl(v1, 17) ^ v2;
  v2 = rotl(v2, 32);
}

// SipHash with one compression and three finalisation rounds.
uint64_t siphash13(const PyHashKey& key, const uint8_t* p, size_t n) {
  uint64_t v0 = key.k0 ^ 0x736f6d6570736575ULL;
  uint64_t v1 = key.k1 ^ 0x646f72616e646f6dULL;
  uint64_t v2 = key.k0 ^ 0x6c7967656e657261ULL;
  uint64_t v3 = key.k1 ^ 0x7465646279746573ULL;
  uint64_t last = static_cast<uint64_t>(n) << 56;
  size_t full = n / 8 * 8;
  for (size_t i = 0; i < full; i += 8) {
    uint64_t m = 0;
    for (int b = 0; b < 8; ++b) m |= uint64_t{p[i + b]} << (8 * b);
    v3 ^= m;
    sip_round(v0, v1, v2, v3);
    v0 ^= m;
  }
  for (size_t i = full; i < n; ++i) last |= uint64_t{p[i]} << (8 * (i - full));
  v3 ^= last;
  sip_round(v0, v1, v2, v3);
  v0 ^= last;
  v2 ^= 0xff;
  sip_round(v0, v1, v2, v3);
  sip_round(v0, v1, v2, v3);
  sip_round(v0, v1, v2, v3);
  return v0 ^ v1 ^ v2 ^ v3;
}

int64_t fix_minus_one(int64_t h) { return h == -1 ? -2 : h; }

int64_t hash_buffer(const PyHashKey& key, const uint8_t* p, size_t n) {
  if (n == 0) return 0;
  return fix_minus_one(static_cast<int64_t>(siphash13(key, p, n)));
}

// A str hashes its PEP 393 storage: 1, 2 or 4 bytes per code point, by the widest one.
int64_t hash_str(const PyHashKey& key, std::string_view s) {
  std::vector<uint32_t> cps;
  cps.reserve(s.size());
  uint32_t widest = 0;
  for_each_code_point(s, [&](uint32_t c, size_t, size_t) {
    widest = std::max(widest, c);
    cps.push_back(c);
  });
  size_t width = widest < 0x100 ? 1 : widest < 0x10000 ? 2 : 4;
  std::vector<uint8_t> buf(cps.size() * width);
  for (size_t i = 0; i < cps.size(); ++i)
    for (size_t b = 0; b < width; ++b) buf[i * width + b] = static_cast<uint8_t>(cps[i] >> (8 * b));
  return hash_buffer(key, buf.data(), buf.size());
}

// x * 2**e modulo 2**61 - 1, for 0 <= x < modulus.
uint64_t mul_pow2(uint64_t x, int e) {
  e %= kHashBits;
  if (e == 0) return x;
  return ((x << e) & kModulus) | (x >> (kHashBits - e));
}

int64_t hash_magnitude(uint64_t mag_mod, bool negative) {
  int64_t h = static_cast<int64_t>(mag_mod);
  return fix_minus_one(negative ? -h : h);
}

int64_t hash_int64(int64_t v) {
  bool neg = v < 0;
  uint64_t mag = neg ? uint64_t{0} - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  return hash_magnitude(mag % kModulus, neg);
}

int64_t hash_big_int(const uint8_t* p, size_t n) {
  bool neg = n && (p[n - 1] & 0x80);
  std::vector<uint8_t> mag(p, p + n);
  if (neg) negate_twos_complement(mag.data(), mag.size());
  uint64_t h = 0;  // the magnitude modulo 2**61 - 1, from the most significant byte
  for (size_t i = mag.size(); i-- > 0;) {  // h = (h * 256 + byte) mod 2**61 - 1
    h = mul_pow2(h, 8) + mag[i];
    if (h >= kModulus) h -= kModulus;
  }
  return hash_magnitude(h, neg);
}

// A finite float m * 2**e hashes like the rational number it is: its value modulo 2**61 - 1.
std::optional<int64_t> hash_float(double v) {
  if (std::isnan(v)) return std::nullopt;  // CPython 3.10+ hashes NaN by address
  if (std::isinf(v)) return v > 0 ? kHashInf : -kHashInf;
  int e = 0;
  double m = std::frexp(v, &e);
  bool neg = m < 0;
  if (neg) m = -m;
  uint64_t x = 0;
  while (m != 0) {  // take the mantissa 28 bits at a time
    x = mul_pow2(x, 28);
    m *= 268435456.0;
    e -= 28;
    auto y = static_cast<uint64_t>(m);
    m -= static_cast<double>(y);
    x += y;
    if (x >= kModulus) x -= kModulus;
  }
  int shift = e >= 0 ? e % kHashBits : kHashBits - 1 - ((-1 - e) % kHashBits);
  x = mul_pow2(x, shift);
  int64_t h = static_cast<int64_t>(neg ? uint64_t{0} - x : x);
  return fix_minus_one(h);
}

uint64_t shuffle_bits(uint64_t h) { return ((h ^ 89869747ULL) ^ (h << 16)) * 3644798167ULL; }

}  // namespace

PyHashKey py_hash_key(uint32_t hash_seed) {
  PyHashKey key;
  if (hash_seed == 0) return key;
  // CPython fills its secret from a linear congruential generator seeded with PYTHONHASHSEED.
  uint8_t bytes[16];
  uint32_t x = hash_seed;
  for (uint8_t& b : bytes) {
    x = x * 214013u + 2531011u;
    b = static_cast<uint8_t>((x >> 16) & 0xff);
  }
  for (int i = 0; i < 8; ++i) {
    key.k0 |= uint64_t{bytes[i]} << (8 * i);
    key.k1 |= uint64_t{bytes[8 + i]} << (8 * i);
  }
  return key;
}

std::optional<int64_t> py_hash(const DocumentImpl& d, uint32_t id, const PyHashKey& key, int depth) {
  if (depth > kMaxDepth) return std::nullopt;
  const Node& n = d.node(id);
  switch (n.kind) {
    case Kind::kBool: return n.u.i ? 1 : 0;
    case Kind::kInt:
      if (n.flags & kFlagBigInt) return hash_big_int(n.u.bytes.ptr, n.u.bytes.len);
      return hash_int64(n.u.i);
    case Kind::kFloat: return hash_float(n.u.f);
    case Kind::kStr:
      return hash_str(key, {reinterpret_cast<const char*>(n.u.bytes.ptr), static_cast<size_t>(n.u.bytes.len)});
    case Kind::kBytes: return hash_buffer(key, n.u.bytes.ptr, n.u.bytes.len);
    case Kind::kTuple: {
      constexpr uint64_t kPrime1 = 11400714785074694791ULL;
      constexpr uint64_t kPrime2 = 14029467366897019727ULL;
      constexpr uint64_t kPrime5 = 2870177450012600261ULL;
      uint64_t acc = kPrime5;
      uint32_t count = id == kEmptyTupleNode ? 0 : d.item_count(id);
      for (uint32_t i = 0; i < count; ++i) {
        auto lane = py_hash(d, d.items(id)[i], key, depth + 1);
        if (!lane) return std::nullopt;
        acc += static_cast<uint64_t>(*lane) * kPrime2;
        acc = rotl(acc, 31);
        acc *= kPrime1;
      }
      acc += count ^ (kPrime5 ^ 3527539ULL);
      if (acc == ~uint64_t{0}) return 1546275796;
      return static_cast<int64_t>(acc);
    }
    case Kind::kFrozenSet: {
      uint64_t h = 0;
      uint32_t count = d.item_count(id);
      for (uint32_t i = 0; i < count; ++i) {
        auto item = py_hash(d, d.items(id)[i], key, depth + 1);
        if (!item) return std::nullopt;
        h ^= shuffle_bits(static_cast<uint64_t>(*item));
      }
      h ^= (uint64_t{count} + 1) * 1927868237ULL;
      h ^= (h >> 11) ^ (h >> 25);
      h = h * 69069U + 907133923ULL;
      if (h == ~uint64_t{0}) h = 590923713ULL;
      return static_cast<int64_t>(h);
    }
    default:
      return std::nullopt;
  }
}

std::vector<uint32_t> py_set_order(const DocumentImpl& d, const uint32_t* items, size_t n, const PyHashKey& key) {
  std::vector<uint32_t> in(items, items + n);
  if (n <= 1) return in;
  std::vector<uint64_t> hashes(n);
  for (size_t i = 0; i < n; ++i) {
    auto h = py_hash(d, items[i], key);
    if (!h) return in;
    hashes[i] = static_cast<uint64_t>(*h);
  }
  constexpr size_t kLinearProbes = 9;
  constexpr int kPerturbShift = 5;
  constexpr size_t kNone = ~size_t{0};
  std::vector<size_t> table(8, kNone);  // slot -> index into items
  size_t fill = 0;
  // Probing as set_insert_clean / set_add_entry do (no deleted entries exist here).
  auto place = [&](std::vector<size_t>& tab, size_t item) {
    size_t mask = tab.size() - 1;
    uint64_t perturb = hashes[item];
    size_t i = static_cast<size_t>(hashes[item]) & mask;
    for (;;) {
      size_t probes = i + kLinearProbes <= mask ? kLinearProbes : 0;
      for (size_t j = 0; j <= probes; ++j) {
        if (tab[i + j] == kNone) {
          tab[i + j] = item;
          return;
        }
      }
      perturb >>= kPerturbShift;
      i = static_cast<size_t>(i * 5 + 1 + perturb) & mask;
    }
  };
  for (size_t item = 0; item < n; ++item) {
    place(table, item);
    ++fill;
    size_t mask = table.size() - 1;
    if (fill * 5 >= mask * 3) {  // grow: CPython's set_table_resize
      size_t minused = fill > 50000 ? fill * 2 : fill * 4;
      size_t size = 8;
      while (size <= minused) size <<= 1;
      std::vector<size_t> bigger(size, kNone);
      for (size_t slot : table)
        if (slot != kNone) place(bigger, slot);
      table.swap(bigger);
    }
  }
  std::vector<uint32_t> out;
  out.reserve(n);
  for (size_t slot : table)
    if (slot != kNone) out.push_back(items[slot]);
  return out;
}

}  // namespace picklejar::internal
