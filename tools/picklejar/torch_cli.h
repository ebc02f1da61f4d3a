// The CLI's PyTorch side (torch_cli.cc): recognising torch.save files and printing them; writing
// them (recode_torch.cc). Public API only (picklejar/torch.h).
#pragma once

#include <picklejar/torch.h>

#include <iosfwd>
#include <optional>
#include <string>

namespace picklejar_cli {

// Whether FILE's first bytes are a torch file's (zip, tar, legacy stream).
bool is_torch_file(const std::string& path);
// `picklejar info` of a torch file: format, root, protocol, then each tensor.
void print_torch_info(const picklejar::torch::FileInfo& info, const picklejar::Document& doc, std::ostream& out);

// `recode --torch IN OUT`: IN loaded as a torch file (sniffed) or else with torch::load_pickle,
// written as torch.save writes the object (OUT "-": standard output). Throws picklejar::Error.
struct TorchRecode {
  std::string in, out;
  std::optional<picklejar::ByteView> in_bytes;  // standard input's bytes, when IN is "-"
  picklejar::LoadOptions pickle;                 // encoding, fix_imports
  int protocol = 2;                             // torch.save's default
};
void recode_torch(const TorchRecode& r);

}  // namespace picklejar_cli
