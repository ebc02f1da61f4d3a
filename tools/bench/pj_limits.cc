// pj_limits: what this machine can do at best, to put picklejar's load figures in proportion.
// Prints one JSON line.
//
//   pj_limits bw FILE [--reps N]     memory and page-cache bandwidth over FILE's size (FILE should
//                                    be in the page cache; compare.py reads it first):
//     memcpy_warm      memcpy between two already-touched buffers
//     memcpy_fresh     memcpy into newly mapped memory (page faults included)
//     memset_fresh     first touch of newly mapped memory (page faults alone)
//     read_warm        read(2) of FILE into an already-touched buffer
//     read_fresh       read(2) of FILE into newly mapped memory: the bound for any load that
//                      materialises the file's bytes in new memory
//     read_fresh_huge  the same with madvise(MADV_HUGEPAGE) on the new memory first
//     read_fresh_populate  the same into memory mapped with MAP_POPULATE (mmap timed too)
//     mmap_sum         mmap FILE and read every 8-byte word (faults on the file's pages + reads)
//   pj_limits codec FILE [--reps N]  the bare codec decompressing all of FILE (zlib, gzip, bz2, xz
//                                    or lzma-alone, found by magic bytes, as a joblib file is) in
//                                    one call sequence of its streaming C API:
//     decode_fresh     into newly mapped memory of the decoded size (what a load must pay)
//     decode_warm      into an already-touched buffer (the codec's own speed)
//
// Every figure is the median (and min, max) of --reps passes (default 5) in wall seconds, plus the
// median CPU seconds of the process (cpu_median); bytes are the bytes produced (bw: FILE's size;
// codec: the decoded size).
#include <bzlib.h>
#include <fcntl.h>
#include <lzma.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace {

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "pj_limits: %s\n", msg.c_str());
  std::exit(2);
}

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Wall and CPU time of one pass: start() before the work, stop() right after it; stop() returns the
// wall seconds and leaves the CPU seconds in g_last_cpu for measure().
double g_last_cpu = 0;
struct Timer {
  double wall0 = now(), cpu0 = cpu_now();
  double stop() {
    g_last_cpu = cpu_now() - cpu0;
    return now() - wall0;
  }
};

volatile uint64_t g_sink;

uint8_t* fresh(size_t n) {
  void* p = ::mmap(nullptr, n ? n : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) die("mmap failed");
  return static_cast<uint8_t*>(p);
}
void release(uint8_t* p, size_t n) { ::munmap(p, n ? n : 1); }

uint64_t sum_words(const uint8_t* p, size_t n) {
  uint64_t s[4] = {0, 0, 0, 0};
  size_t words = n / 8, i = 0;
  for (; i + 4 <= words; i += 4)
    for (int k = 0; k < 4; ++k) {
      uint64_t w;
      std::memcpy(&w, p + 8 * (i + k), 8);
      s[k] += w;
    }
  for (; i < words; ++i) {
    uint64_t w;
    std::memcpy(&w, p + 8 * i, 8);
    s[0] += w;
  }
  return s[0] + s[1] + s[2] + s[3];
}

void pread_all(int fd, uint8_t* dst, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, dst + done, n - done, static_cast<off_t>(done));
    if (r <= 0) die("read failed");
    done += static_cast<size_t>(r);
  }
}

struct Stat {
  std::string name;
  std::vector<double> t;    // wall seconds, sorted
  std::vector<double> cpu;  // CPU seconds of the process, sorted
};

Stat measure(const std::string& name, int reps, const std::function<double()>& pass) {
  Stat s{name, {}, {}};
  for (int i = 0; i < reps; ++i) {
    s.t.push_back(pass());
    s.cpu.push_back(g_last_cpu);
  }
  std::sort(s.t.begin(), s.t.end());
  std::sort(s.cpu.begin(), s.cpu.end());
  return s;
}

std::string to_json(const std::string& mode, const std::string& file, const std::string& extra, uint64_t bytes,
                    const std::vector<Stat>& stats) {
  std::ostringstream o;
  o.precision(9);
  o << "{\"tool\":\"pj_limits\",\"mode\":\"" << mode << "\",\"path\":\"" << file << "\",\"bytes\":" << bytes << extra;
  for (const auto& s : stats)
    o << ",\"" << s.name << "\":{\"median\":" << s.t[s.t.size() / 2] << ",\"min\":" << s.t.front()
      << ",\"max\":" << s.t.back() << ",\"cpu_median\":" << s.cpu[s.cpu.size() / 2] << "}";
  o << "}\n";
  return o.str();
}

int bandwidth(const std::string& path, int reps) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) die("cannot open " + path);
  struct stat st {};
  ::fstat(fd, &st);
  size_t n = static_cast<size_t>(st.st_size);
  if (n < 4096) die(path + " is too small");
  uint8_t* a = fresh(n);
  uint8_t* b = fresh(n);
  std::memset(a, 1, n);
  std::memset(b, 2, n);
  std::vector<Stat> stats;
  stats.push_back(measure("memcpy_warm", reps, [&] {
    Timer timer;
    std::memcpy(b, a, n);
    return timer.stop();
  }));
  stats.push_back(measure("memcpy_fresh", reps, [&] {
    uint8_t* d = fresh(n);
    Timer timer;
    std::memcpy(d, a, n);
    double t = timer.stop();
    release(d, n);
    return t;
  }));
  stats.push_back(measure("memset_fresh", reps, [&] {
    uint8_t* d = fresh(n);
    Timer timer;
    std::memset(d, 0, n);
    double t = timer.stop();
    release(d, n);
    return t;
  }));
  stats.push_back(measure("read_warm", reps, [&] {
    Timer timer;
    pread_all(fd, b, n);
    return timer.stop();
  }));
  stats.push_back(measure("read_fresh", reps, [&] {
    uint8_t* d = fresh(n);
    Timer timer;
    pread_all(fd, d, n);
    double t = timer.stop();
    release(d, n);
    return t;
  }));
  // What would move the fresh-memory figures: transparent huge pages for the destination
  // (madvise(MADV_HUGEPAGE), this kernel's THP mode is usually "madvise") and pre-faulting it
  // (MAP_POPULATE, the faults then happen inside mmap and are timed too).
  stats.push_back(measure("read_fresh_huge", reps, [&] {
    uint8_t* d = fresh(n);
    Timer timer;
    ::madvise(d, n, MADV_HUGEPAGE);
    pread_all(fd, d, n);
    double t = timer.stop();
    release(d, n);
    return t;
  }));
  stats.push_back(measure("read_fresh_populate", reps, [&] {
    Timer timer;
    void* p = ::mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (p == MAP_FAILED) die("mmap failed");
    pread_all(fd, static_cast<uint8_t*>(p), n);
    double t = timer.stop();
    ::munmap(p, n);
    return t;
  }));
  stats.push_back(measure("mmap_sum", reps, [&] {
    Timer timer;
    void* m = ::mmap(nullptr, n, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) die("mmap of file failed");
    g_sink = sum_words(static_cast<const uint8_t*>(m), n);
    double t = timer.stop();
    ::munmap(m, n);
    return t;
  }));
  ::close(fd);
  release(a, n);
  release(b, n);
  std::fputs(to_json("bw", path, "", n, stats).c_str(), stdout);
  return 0;
}

// ---- codecs --------------------------------------------------------------------------------------

enum class Codec { kZlib, kGzip, kBz2, kXz, kLzma };

const char* codec_name(Codec c) {
  switch (c) {
    case Codec::kZlib: return "zlib";
    case Codec::kGzip: return "gzip";
    case Codec::kBz2: return "bz2";
    case Codec::kXz: return "xz";
    case Codec::kLzma: return "lzma";
  }
  return "?";
}

Codec sniff(const std::vector<uint8_t>& in) {
  auto starts = [&](std::initializer_list<int> magic) {
    size_t i = 0;
    for (int m : magic) {
      if (i >= in.size() || in[i] != m) return false;
      ++i;
    }
    return true;
  };
  if (starts({0x1f, 0x8b})) return Codec::kGzip;
  if (starts({'B', 'Z', 'h'})) return Codec::kBz2;
  if (starts({0xfd, '7', 'z', 'X', 'Z', 0x00})) return Codec::kXz;
  if (starts({0x5d, 0x00, 0x00})) return Codec::kLzma;
  if (in.size() >= 2 && (in[0] & 0x0f) == 8 && ((in[0] << 8) | in[1]) % 31 == 0) return Codec::kZlib;
  die("not a zlib, gzip, bz2, xz or lzma stream");
}

// Decompresses all of `in` (concatenated members/streams included) into dst[0, cap). Returns the
// decoded size; with dst == nullptr only counts (through a scratch buffer).
size_t decode(Codec codec, const std::vector<uint8_t>& in, uint8_t* dst, size_t cap) {
  std::vector<uint8_t> scratch;
  bool counting = dst == nullptr;
  if (counting) {
    scratch.resize(1 << 20);
    dst = scratch.data();
    cap = scratch.size();
  }
  size_t produced = 0;
  auto room = [&](uint8_t** out, size_t* avail) {  // where the next output goes
    if (counting) {
      *out = dst;
      *avail = cap;
    } else {
      *out = dst + produced;
      *avail = cap - produced;
    }
  };
  if (codec == Codec::kZlib || codec == Codec::kGzip) {
    z_stream z{};
    if (inflateInit2(&z, codec == Codec::kGzip ? 31 : 15) != Z_OK) die("inflateInit2");
    z.next_in = const_cast<Bytef*>(in.data());
    size_t in_left = in.size();
    for (;;) {
      uint8_t* out;
      size_t avail;
      room(&out, &avail);
      if (!counting && avail == 0) die("decoded data larger than expected");
      z.next_out = out;
      z.avail_out = static_cast<uInt>(std::min<size_t>(avail, 1u << 30));
      uInt in_chunk = static_cast<uInt>(std::min<size_t>(in_left, 1u << 30));
      z.avail_in = in_chunk;
      uInt before_out = z.avail_out;
      int rc = inflate(&z, Z_NO_FLUSH);
      in_left -= in_chunk - z.avail_in;
      produced += before_out - z.avail_out;
      if (rc == Z_STREAM_END) {
        if (in_left == 0 || codec == Codec::kZlib) break;
        inflateReset(&z);  // another gzip member
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        die(std::string("inflate: ") + (z.msg ? z.msg : "error"));
      } else if (rc == Z_BUF_ERROR && in_left == 0) {
        die("truncated zlib/gzip stream");
      }
    }
    inflateEnd(&z);
  } else if (codec == Codec::kBz2) {
    size_t pos = 0;
    while (pos < in.size()) {
      bz_stream b{};
      if (BZ2_bzDecompressInit(&b, 0, 0) != BZ_OK) die("BZ2_bzDecompressInit");
      b.next_in = reinterpret_cast<char*>(const_cast<uint8_t*>(in.data() + pos));
      size_t in_left = in.size() - pos;
      int rc;
      do {
        uint8_t* out;
        size_t avail;
        room(&out, &avail);
        if (!counting && avail == 0) die("decoded data larger than expected");
        unsigned in_chunk = static_cast<unsigned>(std::min<size_t>(in_left, 1u << 30));
        b.avail_in = in_chunk;
        b.next_out = reinterpret_cast<char*>(out);
        b.avail_out = static_cast<unsigned>(std::min<size_t>(avail, 1u << 30));
        unsigned before_out = b.avail_out;
        rc = BZ2_bzDecompress(&b);
        in_left -= in_chunk - b.avail_in;
        produced += before_out - b.avail_out;
        if (rc != BZ_OK && rc != BZ_STREAM_END) die("BZ2_bzDecompress failed");
        if (rc == BZ_OK && in_left == 0 && before_out == b.avail_out) die("truncated bz2 stream");
      } while (rc != BZ_STREAM_END);
      pos = in.size() - in_left;
      BZ2_bzDecompressEnd(&b);
    }
  } else {
    lzma_stream l = LZMA_STREAM_INIT;
    lzma_ret init = codec == Codec::kXz ? lzma_stream_decoder(&l, UINT64_MAX, LZMA_CONCATENATED)
                                        : lzma_alone_decoder(&l, UINT64_MAX);
    if (init != LZMA_OK) die("lzma decoder init");
    l.next_in = in.data();
    l.avail_in = in.size();
    for (;;) {
      uint8_t* out;
      size_t avail;
      room(&out, &avail);
      if (!counting && avail == 0) die("decoded data larger than expected");
      l.next_out = out;
      l.avail_out = avail;
      lzma_ret rc = lzma_code(&l, l.avail_in == 0 ? LZMA_FINISH : LZMA_RUN);
      produced += avail - l.avail_out;
      if (rc == LZMA_STREAM_END) break;
      if (rc != LZMA_OK) die("lzma_code failed: " + std::to_string(static_cast<int>(rc)));
    }
    lzma_end(&l);
  }
  return produced;
}

int codec_speed(const std::string& path, int reps) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) die("cannot open " + path);
  struct stat st {};
  ::fstat(fd, &st);
  std::vector<uint8_t> in(static_cast<size_t>(st.st_size));
  pread_all(fd, in.data(), in.size());
  ::close(fd);
  Codec codec = sniff(in);
  size_t n = decode(codec, in, nullptr, 0);
  // Room past the end, so that a codec that wants to see output space before it reports the end of
  // the stream gets it; the decoded size is checked.
  const size_t cap = n + 4096;
  uint8_t* warm = fresh(cap);
  std::memset(warm, 0, cap);
  std::vector<Stat> stats;
  stats.push_back(measure("decode_warm", reps, [&] {
    Timer timer;
    size_t got = decode(codec, in, warm, cap);
    double t = timer.stop();
    if (got != n) die("decoded size changed");
    return t;
  }));
  stats.push_back(measure("decode_fresh", reps, [&] {
    uint8_t* d = fresh(cap);
    Timer timer;
    size_t got = decode(codec, in, d, cap);
    double t = timer.stop();
    release(d, cap);
    if (got != n) die("decoded size changed");
    return t;
  }));
  release(warm, cap);
  std::string extra = std::string(",\"codec\":\"") + codec_name(codec) + "\",\"in_bytes\":" + std::to_string(in.size());
  std::fputs(to_json("codec", path, extra, n, stats).c_str(), stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: pj_limits bw|codec FILE [--reps N]\n");
    return 2;
  }
  std::string mode = argv[1], path = argv[2];
  int reps = 5;
  for (int i = 3; i < argc; ++i) {
    if (std::strcmp(argv[i], "--reps") == 0 && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
    else die(std::string("unknown option ") + argv[i]);
  }
  if (mode == "bw") return bandwidth(path, reps);
  if (mode == "codec") return codec_speed(path, reps);
  die("unknown mode " + mode);
}
