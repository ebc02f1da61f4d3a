// build/bin/scan_bench FILE...: how long picklejar::scan takes on each file (best of 5), next to
// reading the whole file once (what an opcode lister such as picklescan must do at least: it reads
// every byte, tensor and array data included). Prints one line per file:
//   FILE  BYTES  scan_ms  read_ms  verdict
// A file not in the page cache is read once before timing, so both figures are warm-cache.
#include <picklejar/scan.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

double read_whole(const char* path, uint64_t* bytes) {
  auto t = std::chrono::steady_clock::now();
  std::ifstream f(path, std::ios::binary);
  std::vector<char> buf(size_t{1} << 20);
  uint64_t n = 0;
  while (f) {
    f.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    n += static_cast<uint64_t>(f.gcount());
  }
  *bytes = n;
  return ms_since(t);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: scan_bench FILE...\n");
    return 2;
  }
  for (int i = 1; i < argc; ++i) {
    uint64_t bytes = 0;
    read_whole(argv[i], &bytes);  // warm the cache
    double read_ms = 1e300, scan_ms = 1e300;
    picklejar::Verdict verdict = picklejar::Verdict::kSafe;
    for (int run = 0; run < 5; ++run) {
      read_ms = std::min(read_ms, read_whole(argv[i], &bytes));
      auto t = std::chrono::steady_clock::now();
      verdict = picklejar::scan_file(argv[i]).verdict;
      scan_ms = std::min(scan_ms, ms_since(t));
    }
    std::printf("%s\t%llu\t%.2f\t%.2f\t%s\n", argv[i], static_cast<unsigned long long>(bytes), scan_ms, read_ms,
                std::string(picklejar::verdict_name(verdict)).c_str());
  }
  return 0;
}
