// `picklejar scan [--policy P]... [--format text|json|sarif] PATH...` (README "Scanning untrusted
// files"): public API only (picklejar/scan.h).
#include "scan_cli.h"

#include <picklejar/error.h>
#include <picklejar/scan.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

namespace picklejar_cli {
namespace {

namespace fs = std::filesystem;

constexpr int kExitUsage = 2;
constexpr int kExitIo = 3;
constexpr int kExitUnsafe = 4;
constexpr int kExitUnreadable = 5;

struct Usage {
  std::string message;
};

bool is_builtin_policy(const std::string& p) {
  auto names = picklejar::Policy::builtin_names();
  return std::find(names.begin(), names.end(), p) != names.end();
}

}  // namespace

int run_scan(int argc, char** argv) {
  std::vector<std::string> policies, paths;
  std::string format = "text";
  try {
    bool seen_command = false;
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      std::string flag = a, value;
      bool has_value = false;
      if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos) {
        flag = a.substr(0, a.find('='));
        value = a.substr(a.find('=') + 1);
        has_value = true;
      }
      auto take = [&] {
        if (has_value) return value;
        if (i + 1 >= argc) throw Usage{flag + " needs a value"};
        return std::string(argv[++i]);
      };
      if (!seen_command && a == "scan") {
        seen_command = true;
      } else if (flag == "--policy") {
        policies.push_back(take());
      } else if (flag == "--format") {
        format = take();
        if (format != "text" && format != "json" && format != "sarif")
          throw Usage{"--format must be text, json or sarif, not '" + format + "'"};
      } else if (a.size() > 1 && a[0] == '-') {
        throw Usage{"unknown option " + a + " for scan"};
      } else {
        paths.push_back(a);
      }
    }
    if (paths.empty()) throw Usage{"scan takes at least one PATH"};
  } catch (const Usage& u) {
    std::cerr << "picklejar: " << u.message << "\n(run 'picklejar --help' for usage)\n";
    return kExitUsage;
  }

  picklejar::ScanOptions options;
  try {
    if (!policies.empty()) {
      picklejar::Policy p;
      for (const std::string& name : policies)
        p.merge(is_builtin_policy(name) ? picklejar::Policy::builtin(name) : picklejar::Policy::from_file(name));
      options.policy = std::move(p);
    }
  } catch (const picklejar::Error& e) {
    std::cerr << "picklejar: " << e.what() << "\n";
    return e.code() == picklejar::ErrorCode::kIo ? kExitIo : kExitUsage;
  }

  std::vector<picklejar::ScanReport> reports;
  bool io_failed = false;
  auto scan_one = [&](const fs::path& p) {
    try {
      reports.push_back(picklejar::scan_file(p, options));
    } catch (const picklejar::Error& e) {
      std::cerr << "picklejar: " << e.what() << "\n";
      io_failed = true;
    }
  };
  for (const std::string& path : paths) {
    std::error_code ec;
    if (path == "-") {
      std::vector<uint8_t> in((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
      reports.push_back(picklejar::scan(picklejar::ByteView(in.data(), in.size()), options));
      reports.back().path = "<stdin>";
    } else if (fs::is_directory(path, ec)) {
      std::vector<fs::path> files;
      fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
      if (ec) {
        std::cerr << "picklejar: kIo: cannot read directory " << path << ": " << ec.message() << "\n";
        io_failed = true;
        continue;
      }
      for (; it != end; it.increment(ec)) {
        if (ec) {
          std::cerr << "picklejar: kIo: cannot read " << it->path().string() << ": " << ec.message() << "\n";
          io_failed = true;
          break;
        }
        if (it->is_regular_file(ec)) files.push_back(it->path());
      }
      std::sort(files.begin(), files.end());
      for (const fs::path& f : files) scan_one(f);
    } else if (!fs::exists(path, ec)) {
      std::cerr << "picklejar: kIo: cannot read " << path << ": no such file or directory\n";
      io_failed = true;
    } else {
      scan_one(path);
    }
  }

  if (format == "json") picklejar::write_scan_json(reports, std::cout);
  else if (format == "sarif") picklejar::write_scan_sarif(reports, std::cout);
  else picklejar::write_scan_text(reports, std::cout);
  std::cout.flush();
  bool unsafe = false, unreadable = false;
  for (const auto& r : reports) {
    unsafe |= r.verdict == picklejar::Verdict::kUnsafe;
    unreadable |= r.verdict == picklejar::Verdict::kUnreadable;
  }
  if (unsafe) return kExitUnsafe;
  if (io_failed || !std::cout) return kExitIo;
  if (unreadable) return kExitUnreadable;
  return 0;
}

}  // namespace picklejar_cli
