// What the torch writer tests share: a zip's members as the reader sees them (name after the root
// folder, bytes, data offset, method), the expected members of fixtures/TORCH_WRITE.tsv (written
// by tools/fixturegen/torch_write.py with real torch.save), and a summary of a loaded file's
// tensors to compare two loads with. The Builder cases are in torch_build_cases.h.
#pragma once

#include <picklejar/picklejar.h>
#include <picklejar/torch.h>

#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "model/value_access.h"
#include "torch/zip.h"
#include "torch_build_cases.h"
#include "torch_test_util.h"

namespace picklejar::torch_test {

namespace pt = picklejar::torch;

struct Member {
  std::string name;  // after "<root>/"
  std::string bytes;
  uint64_t data_offset = 0;
  uint32_t method = 0;
};
struct Archive {
  std::string root;
  std::vector<Member> members;  // in file (central directory) order
  const Member* find(const std::string& name) const {
    for (const Member& m : members)
      if (m.name == name) return &m;
    return nullptr;
  }
};

inline Archive read_archive(const std::string& zip) {
  picklejar::Document scratch;
  internal::ZipArchive z(ByteView(reinterpret_cast<const uint8_t*>(zip.data()), zip.size()), picklejar::Limits{});
  Archive a;
  for (const internal::ZipMember& m : z.members()) {
    size_t slash = m.name.find('/');
    if (a.root.empty()) a.root = m.name.substr(0, slash);
    ByteView b = z.bytes(m, internal::impl_of(scratch));
    a.members.push_back({m.name.substr(slash + 1), std::string(b.begin(), b.end()), m.data_offset, m.method});
  }
  return a;
}

inline std::string as_string(const std::vector<uint8_t>& v) { return std::string(v.begin(), v.end()); }

// fixtures/TORCH_WRITE.tsv rows of `kind` and `source`: (member, size, sha256) in file order.
struct Expected {
  std::string member;
  size_t size;
  std::string sha256;
};
// The rows of a fixtures/*.tsv file after its header, split at tabs.
inline std::vector<std::vector<std::string>> tsv_rows(const std::string& rel) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(slurp(fixtures() + "/" + rel));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream s(line);
    for (std::string x; std::getline(s, x, '\t');) f.push_back(x);
    rows.push_back(std::move(f));
  }
  return rows;
}

inline std::vector<Expected> expected_members(const std::string& kind, const std::string& source) {
  std::vector<Expected> out;
  for (const auto& f : tsv_rows("TORCH_WRITE.tsv"))
    if (f.size() == 5 && f[0] == kind && f[1] == source) out.push_back({f[2], std::stoul(f[3]), f[4]});
  return out;
}

// Every tensor occurrence of a loaded torch file, one line each: path, dtype, shape, strides, offset,
// requires_grad, Parameter or not, the storage's first-use number and numel, and the sha256 of the
// elements (storage keys left out: a legacy file's are addresses).
inline std::vector<std::string> tensor_summary(const picklejar::Document& doc, const pt::FileInfo& info) {
  std::vector<std::string> out;
  std::vector<picklejar::Value> storages;
  for (const pt::TensorInfo& t : info.tensors) {
    std::ostringstream s;
    s << t.path << ":";
    if (!t.same_as.empty()) {
      s << " same as " << t.same_as;
      out.push_back(s.str());
      continue;
    }
    pt::TensorRef r(t.tensor);
    size_t storage = 0;
    while (storage < storages.size() && !storages[storage].is(r.storage())) ++storage;
    if (storage == storages.size()) storages.push_back(r.storage());
    s << " " << pt::dtype_name(r.dtype()) << " (";
    for (int64_t x : r.shape()) s << x << ",";
    s << ") stride (";
    for (int64_t x : r.strides()) s << x << ",";
    std::vector<uint8_t> data = r.contiguous_bytes();
    s << ") offset " << r.storage_offset() << " grad " << r.requires_grad() << " param " << r.is_parameter()
      << " storage " << storage << " of " << r.storage_numel() << " " << r.storage_location() << " "
      << sha256_hex(data.data(), data.size());
    out.push_back(s.str());
  }
  (void)doc;
  return out;
}

inline std::vector<std::string> summary_of(const std::string& file_bytes) {
  picklejar::Document doc;
  pt::FileInfo info =
      pt::inspect(ByteView(reinterpret_cast<const uint8_t*>(file_bytes.data()), file_bytes.size()), {}, doc);
  return tensor_summary(doc, info);
}

}  // namespace picklejar::torch_test
