// `picklejar info|show|json|dis` of torch.save files (README "PyTorch").
#include "torch_cli.h"

#include <fstream>
#include <ostream>
#include <vector>

namespace picklejar_cli {

namespace pt = picklejar::torch;

bool is_torch_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::vector<uint8_t> head(512);
  f.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(f.gcount()));
  return pt::looks_like_torch(picklejar::ByteView(head.data(), head.size()));
}

namespace {
void tuple(std::ostream& out, const std::vector<int64_t>& v) {
  out << "(";
  for (size_t i = 0; i < v.size(); ++i) out << (i ? ", " : "") << v[i];
  if (v.size() == 1) out << ",";
  out << ")";
}
}  // namespace

void print_torch_info(const pt::FileInfo& info, const picklejar::Document& doc, std::ostream& out) {
  picklejar::Value root = doc.root();
  out << "format: torch " << pt::format_name(info.format) << "\n";
  if (info.format == pt::Format::kZip) out << "archive root: " << info.root << "\n";
  out << "protocol: " << info.protocol << "\n";
  out << "root: " << picklejar::kind_name(root.kind());
  if (root.kind() == picklejar::Kind::kObject) {
    picklejar::Value c = root.as_object().callable;
    if (c.valid() && c.kind() == picklejar::Kind::kGlobal)
      out << " " << c.as_global().module << "." << c.as_global().name;
  }
  out << "\n";
  out << "values: " << doc.node_count() << "\n";
  out << "memory: " << doc.memory_bytes() << " bytes\n";
  out << "tensors: " << info.tensors.size() << "\n";
  for (const pt::TensorInfo& t : info.tensors) {
    out << "  " << (t.path.empty() ? "(root)" : t.path) << ": ";
    if (!t.same_as.empty()) {
      out << "the same tensor as " << (t.same_as.empty() ? "(root)" : t.same_as) << "\n";
      continue;
    }
    pt::TensorRef r(t.tensor);
    out << pt::dtype_name(r.dtype()) << " ";
    tuple(out, r.shape());
    if (!r.is_contiguous()) {
      out << " stride ";
      tuple(out, r.strides());
    }
    out << " storage " << r.storage_key() << " offset " << r.storage_offset() << ", "
        << r.numel() * pt::dtype_itemsize(r.dtype()) << " bytes";
    if (t.shared_storage) out << " (shared storage)";
    if (r.is_parameter()) out << " parameter";
    if (r.requires_grad()) out << " requires_grad";
    out << "\n";
  }
}

}  // namespace picklejar_cli
