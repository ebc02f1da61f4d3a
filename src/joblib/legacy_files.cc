// joblib < 0.10's side files: .npy arrays and ZF-compressed blocks. See reader.h.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "codec/codec.h"
#include "joblib/reader.h"

namespace picklejar::joblib::detail {

using internal::throw_error;

Npy parse_npy(const std::vector<uint8_t>& f, const std::string& name) {
  auto bad = [&](const std::string& why) -> Npy {
    throw_error(ErrorCode::kBadArgument, name + ": not a .npy file we can read: " + why);
  };
  if (f.size() < 10 || std::memcmp(f.data(), "\x93NUMPY", 6) != 0) return bad("no NUMPY magic");
  int major = f[6];
  size_t hlen, start;
  if (major == 1) {
    hlen = f[8] | (size_t{f[9]} << 8);
    start = 10;
  } else if (major == 2 || major == 3) {
    if (f.size() < 12) return bad("truncated header");
    hlen = f[8] | (size_t{f[9]} << 8) | (size_t{f[10]} << 16) | (size_t{f[11]} << 24);
    start = 12;
  } else {
    return bad("version " + std::to_string(major));
  }
  if (start + hlen > f.size()) return bad("truncated header");
  std::string h(reinterpret_cast<const char*>(f.data() + start), hlen);
  Npy npy;
  npy.data_offset = start + hlen;
  auto value_after = [&](const std::string& key) -> std::string {
    size_t k = h.find("'" + key + "'");
    if (k == std::string::npos) bad("no '" + key + "'");
    size_t colon = h.find(':', k);
    if (colon == std::string::npos) bad("malformed header");
    size_t v = h.find_first_not_of(' ', colon + 1);
    return h.substr(v);
  };
  std::string descr = value_after("descr");
  if (descr.empty() || (descr[0] != '\'' && descr[0] != '"')) bad("structured descr is not supported");
  npy.descr = descr.substr(1, descr.find(descr[0], 1) - 1);
  npy.fortran = value_after("fortran_order").rfind("True", 0) == 0;
  std::string shape = value_after("shape");
  if (shape.empty() || shape[0] != '(') bad("malformed shape");
  size_t close = shape.find(')');
  std::string inner = shape.substr(1, close - 1);
  size_t pos = 0;
  while (pos < inner.size()) {
    size_t comma = inner.find(',', pos);
    std::string part = inner.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    size_t a = part.find_first_not_of(" L");
    if (a != std::string::npos) {
      std::string digits = part.substr(a, part.find_last_not_of(" L") - a + 1);
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) bad("malformed shape");
      npy.shape.push_back(std::stoll(digits));
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return npy;
}

std::vector<uint8_t> read_whole_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) throw_error(ErrorCode::kIo, "cannot open " + p.string() + ": " + std::strerror(errno));
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), {});
}

// A ZF file ("ZF" + 19-character hex length + zlib data; joblib < 0.10): its decompressed bytes.
// The header's length is checked against `most` (the limits) before anything is decoded.
std::vector<uint8_t> read_zfile(const std::vector<uint8_t>& f, const std::string& name, const Limits& limits) {
  if (f.size() < 21 || f[0] != 'Z' || f[1] != 'F') throw_error(ErrorCode::kBadArgument, name + ": not a ZF file");
  size_t start = 21;
  if (f.size() > 21 && f[21] == ' ') start = 22;  // joblib <= 0.8.4 under Python 2 wrote 20 characters
  std::string len_text(reinterpret_cast<const char*>(f.data() + 2), 19);
  uint64_t declared = std::strtoull(len_text.c_str(), nullptr, 16);
  const uint64_t most = std::min(limits.max_input_bytes, limits.max_memory_bytes);
  if (declared > most)
    throw_error(ErrorCode::kLimitExceeded,
                name + ": ZF header declares " + std::to_string(declared) +
                    " bytes, over max_input_bytes/max_memory_bytes (" + std::to_string(most) + ")",
                2);
  auto mem = internal::make_memory_source(f.data() + start, f.size() - start);
  auto dec = internal::make_decoder(internal::Codec::kZlib, std::move(mem));
  std::vector<uint8_t> out;
  uint8_t buf[1 << 16];
  for (;;) {
    size_t k = dec->read(buf, sizeof buf);
    if (k == 0) break;
    out.insert(out.end(), buf, buf + k);
    if (out.size() > declared) break;  // a bomb stops here: the header bounds the output
  }
  if (out.size() != declared)
    throw_error(ErrorCode::kCompression, name + ": ZF header says " + std::to_string(declared) + " bytes, got " +
                                             std::to_string(out.size()));
  return out;
}


}  // namespace picklejar::joblib::detail
