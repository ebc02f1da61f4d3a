// `picklejar recode --safetensors IN OUT` (recode_safetensors.cc): the tensors of a torch file,
// or the numpy arrays of a pickle or joblib file, as a .safetensors file. Public API only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace picklejar_cli {

struct SafetensorsRecode {
  std::string in, out;  // "-": standard input / output
  bool strict = false;  // refuse what safetensors cannot hold instead of leaving it out
  bool mmap = false;
  std::string encoding = "ASCII";
  bool fix_imports = true;
  const std::vector<uint8_t>* stdin_data = nullptr;  // IN's bytes when IN is "-"
};

// Loads IN (torch::load for a torch file, else joblib::load, which reads any pickle too), writes
// OUT (atomically unless "-"), and prints one stderr line per value left out. Returns the exit
// status; throws picklejar::Error as the other commands do.
int recode_safetensors(const SafetensorsRecode& r);

}  // namespace picklejar_cli
