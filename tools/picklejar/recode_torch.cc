// `picklejar recode --torch IN OUT`: IN (a torch file in any format torch.load reads, or any pickle
// or joblib file, its pickled tensors read as tensors) written as torch.save writes the object:
// torch::dump_file (README "PyTorch").
#include <iostream>

#include "torch_cli.h"

namespace picklejar_cli {

namespace pt = picklejar::torch;

void recode_torch(const TorchRecode& r) {
  picklejar::Document doc;
  if (r.in_bytes) {
    if (pt::looks_like_torch(*r.in_bytes)) {
      doc = pt::load(*r.in_bytes, {.pickle = r.pickle});
    } else {
      doc = pt::load_pickle(*r.in_bytes, {.pickle = r.pickle});
    }
  } else if (is_torch_file(r.in)) {
    // Mapped: the storages go from the mapping to OUT without a copy in memory (replacing IN
    // itself is safe: the mapping keeps the old file's pages).
    doc = pt::load(r.in, {.pickle = r.pickle, .mmap = true});
  } else {
    doc = pt::load_pickle(r.in, {.pickle = r.pickle});
  }
  pt::DumpOptions d;
  d.protocol = r.protocol;
  if (r.out != "-") {
    pt::dump_file(doc.root(), r.out, d);
    return;
  }
  std::vector<uint8_t> bytes = pt::dump(doc.root(), d);
  std::cout.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  std::cout.flush();
  if (!std::cout) throw picklejar::Error(picklejar::ErrorCode::kIo, "cannot write <stdout>: write error");
}

}  // namespace picklejar_cli
