// The CLI's PyTorch side (torch_cli.cc): recognising torch.save files and printing them. Public
// API only (picklejar/torch.h).
#pragma once

#include <picklejar/torch.h>

#include <iosfwd>
#include <string>

namespace picklejar_cli {

// Whether FILE's first bytes are a torch file's (zip, tar, legacy stream).
bool is_torch_file(const std::string& path);
// `picklejar info` of a torch file: format, root, protocol, then each tensor.
void print_torch_info(const picklejar::torch::FileInfo& info, const picklejar::Document& doc, std::ostream& out);

}  // namespace picklejar_cli
