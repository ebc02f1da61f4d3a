// `picklejar recode --safetensors` (README "PyTorch"): a torch file is loaded by torch::load, any
// other input by joblib::load (plain pickles included), and what picklejar::torch::write_safetensors
// leaves out is named on stderr, one line per value.
#include "recode_safetensors.h"

#include <picklejar/joblib.h>
#include <picklejar/torch.h>

#include <iostream>

#include "torch_cli.h"

namespace picklejar_cli {

int recode_safetensors(const SafetensorsRecode& r) {
  namespace pt = picklejar::torch;
  picklejar::ByteView in;
  if (r.stdin_data) in = picklejar::ByteView(r.stdin_data->data(), r.stdin_data->size());
  bool torch = r.stdin_data ? pt::looks_like_torch(in) : is_torch_file(r.in);
  picklejar::Document doc;
  if (torch) {
    pt::LoadOptions lo;
    lo.pickle.encoding = r.encoding;
    lo.pickle.fix_imports = r.fix_imports;
    lo.mmap = r.mmap && !r.stdin_data;
    doc = r.stdin_data ? pt::load(in, lo) : pt::load(r.in, lo);
  } else {
    picklejar::joblib::LoadOptions lo;
    lo.pickle.encoding = r.encoding;
    lo.pickle.fix_imports = r.fix_imports;
    lo.mmap = r.mmap ? picklejar::joblib::MmapMode::kReadOnly : picklejar::joblib::MmapMode::kNone;
    doc = r.stdin_data ? picklejar::joblib::load(in, lo) : picklejar::joblib::load(r.in, lo);
  }
  pt::SafetensorsOptions so;
  so.strict = r.strict;
  pt::SafetensorsReport report;
  if (r.out == "-") {
    report = pt::write_safetensors(doc.root(), std::cout, so);
    std::cout.flush();
  } else {
    report = pt::write_safetensors(doc.root(), r.out, so);
  }
  for (const pt::SafetensorsSkipped& s : report.skipped)
    std::cerr << "picklejar: safetensors: left out '" << s.path << "': " << s.reason << "\n";
  return 0;
}

}  // namespace picklejar_cli
