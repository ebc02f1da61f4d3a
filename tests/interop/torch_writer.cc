// What tests/interop/torch_roundtrip.py gives torch.load to read (built as
// <build>/bin/picklejar_torch_writer, public API only):
//   picklejar_torch_writer cases DIR      DIR/<case>.pt for each Builder case of torch_build_cases.h
//   picklejar_torch_writer readme IN OUT  the README's round trip ("PyTorch"): IN's state_dict with
//                                         its "weight" halved, written to OUT
#include <picklejar/picklejar.h>
#include <picklejar/torch.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "../unit/torch/torch_build_cases.h"

namespace {

void readme_round_trip(const std::string& in, const std::string& out_path) {
  picklejar::Document sd = picklejar::torch::load(in);  // torch.save(model.state_dict(), "linear.pt")
  picklejar::Document out;
  picklejar::Builder b = out.builder();
  picklejar::Value state = picklejar::torch::make_ordered_dict(b);
  for (auto [name, value] : picklejar::torch::as_dict(sd.root()).dict_items()) {
    picklejar::torch::TensorRef t(value);
    std::vector<float> x(t.as<float>().begin(), t.as<float>().end());  // a float32 state_dict
    if (name.as_str() == "weight")
      for (float& v : x) v *= 0.5f;
    b.set_item(picklejar::torch::as_dict(state), b.str(name.as_str()),
               picklejar::torch::make_tensor(b, t.dtype(), t.shape(), std::span<const float>(x)));
  }
  picklejar::torch::dump_file(state, out_path);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "cases" && argc == 3) {
      for (const char* name : picklejar::torch_test::kBuildCases) {
        picklejar::Document doc;
        picklejar::Builder b = doc.builder();
        picklejar::torch::dump_file(picklejar::torch_test::build_case(b, name),
                                    std::filesystem::path(argv[2]) / (std::string(name) + ".pt"));
      }
      return 0;
    }
    if (mode == "readme" && argc == 4) {
      readme_round_trip(argv[2], argv[3]);
      return 0;
    }
    std::cerr << "usage: picklejar_torch_writer cases DIR | readme IN OUT\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "picklejar_torch_writer: " << e.what() << "\n";
    return 1;
  }
}
