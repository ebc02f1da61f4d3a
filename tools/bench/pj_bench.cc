// pj_bench: times one picklejar operation on one benchmark input and prints one JSON line.
//
//   pj_bench load FILE [--from memory|file]          picklejar::load(bytes) / load_file(FILE)
//   pj_bench load_oob DIR [--buffers preread|read|mmap]
//                                                    a NAME.p5oob directory: buffers already in
//                                                    memory, read into fresh memory inside the
//                                                    timer, or mapped inside the timer
//   pj_bench dump SRC --protocol P [--oob]           picklejar::dump(root) into memory; --oob
//                                                    (protocol 5) puts every buffer out of band
//   pj_bench joblib_load FILE [--mmap r|c] [--touch] [--threads N]
//                                                    joblib::load(FILE); --touch then reads every
//                                                    array byte (timed separately: touch_seconds);
//                                                    --threads sets LoadOptions::decoder_threads
//   pj_bench torch_load FILE [--mmap r] [--touch]    torch::load(FILE), read or mapped; --touch then
//                                                    reads every tensor's bytes (touch_seconds)
//   pj_bench joblib_dump SRC --compress CODEC[:L] --out PATH [--threads N]
//                                                    joblib::dump_file (CODEC "none" for raw)
//
// SRC is a pickle, a .joblib file or a .p5oob directory; it is loaded before the timer starts.
// Common options: --runs N (default 1: compare.py starts a fresh process per run, so every run
// pays for fresh memory as a real load does).
//
// Only the operation is inside the timer; destroying the result is not. The JSON line has the
// wall and CPU seconds of every run, the input/output sizes, and memory: rss_before_kb (VmRSS just before
// the operation, after resetting the high-water mark through /proc/self/clear_refs) and hwm_kb
// (VmHWM after it), so peak_kb = hwm_kb - rss_before_kb is what the operation added at its peak;
// page_faults, the minor and major faults of each run (getrusage), as cpython_op.py counts them.
#include <fcntl.h>
#include <sys/resource.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "picklejar/joblib.h"
#include "picklejar/ndarray.h"
#include "picklejar/pickle.h"
#include "picklejar/torch.h"

namespace fs = std::filesystem;
namespace pj = picklejar;

namespace {

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "pj_bench: %s\n", msg.c_str());
  std::exit(2);
}

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double cpu_now() {  // CPU seconds of this process (user + system, every thread)
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

uint64_t page_faults_now() {  // minor + major page faults of this process so far
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<uint64_t>(u.ru_minflt) + static_cast<uint64_t>(u.ru_majflt);
}

// ---- memory accounting --------------------------------------------------------------------------

long status_kb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  size_t n = std::strlen(key);
  while (std::getline(in, line))
    if (line.compare(0, n, key) == 0 && line.size() > n && line[n] == ':')
      return std::strtol(line.c_str() + n + 1, nullptr, 10);
  return -1;
}

// Resets VmHWM to the current VmRSS (Linux >= 4.0). Returns false where that is not possible.
bool reset_hwm() {
  int fd = ::open("/proc/self/clear_refs", O_WRONLY);
  if (fd < 0) return false;
  bool ok = ::write(fd, "5", 1) == 1;
  ::close(fd);
  return ok;
}

struct Memory {
  long rss_before_kb = -1;
  long hwm_kb = -1;
  bool hwm_reset = false;
  void before() {
    hwm_reset = reset_hwm();
    rss_before_kb = status_kb("VmRSS");
  }
  void after() { hwm_kb = status_kb("VmHWM"); }
};

// ---- files ---------------------------------------------------------------------------------------

// A file's bytes in memory that is not initialised first (a std::vector would zero it: one more
// pass over fresh memory than reading a file needs).
struct Bytes {
  std::unique_ptr<uint8_t[]> p;
  size_t n = 0;
  const uint8_t* data() const { return p.get(); }
  size_t size() const { return n; }
  pj::ByteView view() const { return {p.get(), n}; }
};

Bytes read_file(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) die("cannot open " + path.string() + ": " + std::strerror(errno));
  struct stat st {};
  ::fstat(fd, &st);
  Bytes out;
  out.n = static_cast<size_t>(st.st_size);
  out.p.reset(new uint8_t[out.n ? out.n : 1]);
  size_t done = 0;
  while (done < out.size()) {
    ssize_t r = ::read(fd, out.p.get() + done, out.size() - done);
    if (r <= 0) die("cannot read " + path.string());
    done += static_cast<size_t>(r);
  }
  ::close(fd);
  return out;
}

uint64_t path_bytes(const fs::path& p) {
  if (!fs::is_directory(p)) return fs::file_size(p);
  uint64_t n = 0;
  for (const auto& e : fs::directory_iterator(p))
    if (e.is_regular_file()) n += e.file_size();
  return n;
}

// A read-only private mapping of a whole file (empty files are not mapped).
struct MappedFile {
  void* addr = nullptr;
  size_t size = 0;
  explicit MappedFile(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) die("cannot open " + path.string());
    struct stat st {};
    ::fstat(fd, &st);
    size = static_cast<size_t>(st.st_size);
    if (size) {
      addr = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (addr == MAP_FAILED) die("cannot map " + path.string());
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (addr) ::munmap(addr, size);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  pj::ByteView view() const { return {static_cast<const uint8_t*>(addr), size}; }
};

// ---- out-of-band directories ---------------------------------------------------------------------

struct OobEntry {
  std::string file;
  bool readonly = false;
};

// The buffers of a NAME.p5oob/manifest.json, in order. A small scan rather than a JSON parser:
// the generator writes {"file": "...", "nbytes": N, "readonly": bool} objects under "buffers".
std::vector<OobEntry> oob_entries(const fs::path& dir, std::string* pickle_name) {
  auto raw = read_file(dir / "manifest.json");
  std::string text(reinterpret_cast<const char*>(raw.data()), raw.size());
  auto string_after = [&](size_t pos) {
    size_t colon = text.find(':', pos);
    size_t q1 = text.find('"', colon + 1);
    size_t q2 = text.find('"', q1 + 1);
    if (colon == std::string::npos || q1 == std::string::npos || q2 == std::string::npos)
      die("bad " + (dir / "manifest.json").string());
    return text.substr(q1 + 1, q2 - q1 - 1);
  };
  size_t p = text.find("\"pickle\"");
  *pickle_name = p == std::string::npos ? "pickle.pkl" : string_after(p);
  std::vector<OobEntry> out;
  size_t pos = text.find("\"buffers\"");
  while (pos != std::string::npos) {
    pos = text.find("\"file\"", pos + 1);
    if (pos == std::string::npos) break;
    OobEntry e;
    e.file = string_after(pos);
    size_t ro = text.find("\"readonly\"", pos);
    size_t next = text.find("\"file\"", pos + 1);
    if (ro != std::string::npos && (next == std::string::npos || ro < next)) {
      size_t v = text.find_first_not_of(" :\t\n", ro + 10);
      e.readonly = text.compare(v, 4, "true") == 0;
    }
    out.push_back(std::move(e));
  }
  return out;
}

// The memory behind the buffers of one out-of-band load.
struct OobBuffers {
  std::vector<Bytes> owned;
  std::vector<std::unique_ptr<MappedFile>> mapped;
  std::vector<pj::BufferView> views;
};

OobBuffers oob_buffers(const fs::path& dir, const std::vector<OobEntry>& entries, bool map) {
  OobBuffers b;
  for (const auto& e : entries) {
    if (map) {
      b.mapped.push_back(std::make_unique<MappedFile>(dir / e.file));
      b.views.push_back({b.mapped.back()->view(), e.readonly});
    } else {
      b.owned.push_back(read_file(dir / e.file));
      b.views.push_back({pj::ByteView(b.owned.back().data(), b.owned.back().size()), e.readonly});
    }
  }
  return b;
}

// ---- walking a document --------------------------------------------------------------------------

// Reads every byte of every array reachable from `root` (8 bytes at a time), so that a mapped load
// pays for its page faults here; returns a checksum so the reads are not optimised away.
// Reads every 8-byte word of `b` (two accumulators, so the loop runs at memory speed).
uint64_t sum_words(pj::ByteView b) {
  const uint8_t* p = b.data();
  size_t n = b.size() / 8;
  uint64_t s0 = 0, s1 = 0;
  for (size_t i = 0; i + 1 < n; i += 2) {
    uint64_t a, c;
    std::memcpy(&a, p + 8 * i, 8);
    std::memcpy(&c, p + 8 * i + 8, 8);
    s0 += a;
    s1 += c;
  }
  return s0 ^ s1;
}

uint64_t touch_arrays(const pj::Value& root, uint64_t* array_bytes) {
  std::vector<pj::Value> todo{root};
  std::vector<bool> seen;
  uint64_t sum = 0;
  while (!todo.empty()) {
    pj::Value v = todo.back();
    todo.pop_back();
    if (!v.valid()) continue;
    if (v.id() >= seen.size()) seen.resize(v.id() + 1024);
    if (seen[v.id()]) continue;
    seen[v.id()] = true;
    switch (v.kind()) {
      case pj::Kind::kTuple:
      case pj::Kind::kList:
      case pj::Kind::kSet:
      case pj::Kind::kFrozenSet:
        for (const auto& x : v.items()) todo.push_back(x);
        break;
      case pj::Kind::kDict:
        for (const auto& [k, x] : v.dict_items()) {
          todo.push_back(k);
          todo.push_back(x);
        }
        break;
      case pj::Kind::kArray: {
        pj::ByteView b = v.as_array().bytes();
        *array_bytes += b.size();
        sum += sum_words(b);
        if (pj::Value items = v.as_array().object_items(); items.valid()) todo.push_back(items);
        break;
      }
      case pj::Kind::kTensor: {
        pj::ByteView b = pj::torch::TensorRef(v).data();
        *array_bytes += b.size();
        sum += sum_words(b);
        break;
      }
      case pj::Kind::kObject: {
        pj::ObjectRef o = v.as_object();
        for (const auto& x : {o.callable, o.args, o.kwargs, o.state, o.list_items, o.dict_items})
          todo.push_back(x);
        break;
      }
      default:
        break;
    }
  }
  return sum;
}

// ---- options -------------------------------------------------------------------------------------

struct Args {
  std::string op;
  fs::path path;
  int runs = 1;
  std::string from = "memory";
  std::string buffers = "preread";
  int protocol = 4;
  bool oob = false;
  std::string mmap = "";
  bool touch = false;
  std::string compress = "none";
  unsigned threads = 1;
  bool threads_given = false;
  fs::path out;
};

Args parse(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: pj_bench load|load_oob|dump|joblib_load|torch_load|joblib_dump PATH [options]\n"
                 "  see the comment at the top of tools/bench/pj_bench.cc\n");
    std::exit(2);
  }
  Args a;
  a.op = argv[1];
  a.path = argv[2];
  for (int i = 3; i < argc; ++i) {
    std::string k = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) die("missing value for " + k);
      return argv[++i];
    };
    if (k == "--runs") a.runs = std::max(1, std::atoi(val().c_str()));
    else if (k == "--from") a.from = val();
    else if (k == "--buffers") a.buffers = val();
    else if (k == "--protocol") a.protocol = std::atoi(val().c_str());
    else if (k == "--oob") a.oob = true;
    else if (k == "--mmap") a.mmap = val();
    else if (k == "--touch") a.touch = true;
    else if (k == "--compress") a.compress = val();
    else if (k == "--out") a.out = val();
    else if (k == "--threads") a.threads = static_cast<unsigned>(std::atoi(val().c_str())), a.threads_given = true;
    else die("unknown option " + k);
  }
  return a;
}

// Loads the object a dump benchmark writes: from a .p5oob directory, a .joblib file or a pickle.
struct Source {
  OobBuffers buffers;
  Bytes bytes;  // a pickle source, loaded zero-copy (the fastest way to build it)
  pj::Document doc;
};

std::unique_ptr<Source> load_source(const fs::path& path) {
  auto s = std::make_unique<Source>();
  if (fs::is_directory(path)) {
    std::string pickle_name;
    auto entries = oob_entries(path, &pickle_name);
    s->buffers = oob_buffers(path, entries, false);
    pj::LoadOptions o;
    o.buffers = s->buffers.views;
    s->doc = pj::load_file(path / pickle_name, o);
  } else if (path.extension() == ".joblib") {
    s->doc = pj::joblib::load(path);
  } else {
    s->bytes = read_file(path);
    s->doc = pj::load(pj::ByteView(s->bytes.data(), s->bytes.size()));
  }
  return s;
}

struct Result {
  std::vector<double> seconds;
  std::vector<double> cpu_seconds;
  std::vector<double> touch_seconds;
  std::vector<double> page_faults;
  uint64_t in_bytes = 0;
  uint64_t out_bytes = 0;
  uint64_t memory_bytes = 0;  // Document::memory_bytes() of the last result
  uint64_t node_count = 0;
  uint64_t array_bytes = 0;
  uint64_t buffers = 0;
  uint64_t checksum = 0;
  Memory mem;  // of the first run
};

template <class Op>
void timed(Result& r, int run, Op&& op) {
  if (run == 0) r.mem.before();
  uint64_t f0 = page_faults_now();
  double c0 = cpu_now(), t0 = now();
  op();
  double t1 = now(), c1 = cpu_now();
  r.page_faults.push_back(static_cast<double>(page_faults_now() - f0));
  r.seconds.push_back(t1 - t0);
  r.cpu_seconds.push_back(c1 - c0);
  if (run == 0) r.mem.after();
}

void note_doc(Result& r, const pj::Document& d) {
  r.memory_bytes = d.memory_bytes();
  r.node_count = d.node_count();
}

// a.runs timed loads of a file; with --touch each is followed by reading every array/tensor byte.
template <class Load>
void timed_loads(Result& r, const Args& a, Load&& load) {
  for (int i = 0; i < a.runs; ++i) {
    std::optional<pj::Document> d;
    timed(r, i, [&] { d.emplace(load()); });
    note_doc(r, *d);
    if (a.touch) {
      uint64_t nbytes = 0;
      double t0 = now();
      r.checksum ^= touch_arrays(d->root(), &nbytes);
      r.touch_seconds.push_back(now() - t0);
      r.array_bytes = nbytes;
    }
  }
}

Result run(const Args& a) {
  Result r;
  r.in_bytes = path_bytes(a.path);
  if (a.op == "load") {
    if (a.from == "memory") {
      Bytes data = read_file(a.path);
      for (int i = 0; i < a.runs; ++i) {
        std::optional<pj::Document> d;
        timed(r, i, [&] { d.emplace(pj::load(pj::ByteView(data.data(), data.size()))); });
        note_doc(r, *d);
      }
    } else if (a.from == "file") {
      for (int i = 0; i < a.runs; ++i) {
        std::optional<pj::Document> d;
        timed(r, i, [&] { d.emplace(pj::load_file(a.path)); });
        note_doc(r, *d);
      }
    } else {
      die("--from must be memory or file");
    }
  } else if (a.op == "load_oob") {
    std::string pickle_name;
    auto entries = oob_entries(a.path, &pickle_name);
    r.buffers = entries.size();
    for (int i = 0; i < a.runs; ++i) {
      std::optional<pj::Document> d;
      std::optional<OobBuffers> bufs;
      Bytes pickle;
      if (a.buffers == "preread") {
        pickle = read_file(a.path / pickle_name);
        bufs.emplace(oob_buffers(a.path, entries, false));
        timed(r, i, [&] {
          pj::LoadOptions o;
          o.buffers = bufs->views;
          d.emplace(pj::load(pj::ByteView(pickle.data(), pickle.size()), o));
        });
      } else if (a.buffers == "read" || a.buffers == "mmap") {
        bool map = a.buffers == "mmap";
        timed(r, i, [&] {
          bufs.emplace(oob_buffers(a.path, entries, map));
          pj::LoadOptions o;
          o.buffers = bufs->views;
          d.emplace(pj::load_file(a.path / pickle_name, o));
        });
      } else {
        die("--buffers must be preread, read or mmap");
      }
      note_doc(r, *d);
    }
  } else if (a.op == "dump") {
    auto src = load_source(a.path);
    pj::DumpOptions o;
    o.protocol = a.protocol;
    uint64_t nbuf = 0, oob_bytes = 0;
    if (a.oob) {
      if (a.protocol != 5) die("--oob needs --protocol 5");
      o.buffer_callback = [&](const pj::Value& b) {
        ++nbuf;
        oob_bytes += b.as_bytes().size();
        return pj::BufferPlacement::kOutOfBand;
      };
    }
    pj::Value root = src->doc.root();
    for (int i = 0; i < a.runs; ++i) {
      nbuf = oob_bytes = 0;
      std::vector<uint8_t> out;
      timed(r, i, [&] { out = pj::dump(root, o); });
      r.out_bytes = out.size() + oob_bytes;
      r.buffers = nbuf;
    }
  } else if (a.op == "joblib_load") {
    pj::joblib::LoadOptions o;
    if (a.mmap == "r") o.mmap = pj::joblib::MmapMode::kReadOnly;
    else if (a.mmap == "c") o.mmap = pj::joblib::MmapMode::kCopyOnWrite;
    else if (!a.mmap.empty()) die("--mmap must be r or c");
    if (a.threads_given) o.pickle.decoder_threads = a.threads;
    timed_loads(r, a, [&] { return pj::joblib::load(a.path, o); });
  } else if (a.op == "torch_load") {
    pj::torch::LoadOptions o;
    if (a.mmap == "r") o.mmap = true;
    else if (!a.mmap.empty()) die("--mmap must be r for torch_load");
    timed_loads(r, a, [&] { return pj::torch::load(a.path, o); });
  } else if (a.op == "joblib_dump") {
    if (a.out.empty()) die("joblib_dump needs --out PATH");
    auto src = load_source(a.path);
    pj::joblib::DumpOptions o;
    if (a.compress != "none") o.compression = pj::joblib::parse_compression(a.compress);
    o.threads = a.threads;
    pj::Value root = src->doc.root();
    for (int i = 0; i < a.runs; ++i) {
      timed(r, i, [&] { pj::joblib::dump_file(root, a.out, o); });
      r.out_bytes = fs::file_size(a.out);
    }
  } else {
    die("unknown operation " + a.op);
  }
  return r;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string json_list(const std::vector<double>& v) {
  std::ostringstream o;
  o.precision(9);
  o << '[';
  for (size_t i = 0; i < v.size(); ++i) o << (i ? "," : "") << v[i];
  o << ']';
  return o.str();
}

}  // namespace

int main(int argc, char** argv) {
  Args a = parse(argc, argv);
  Result r;
  try {
    r = run(a);
  } catch (const std::exception& e) {
    die(a.op + " " + a.path.string() + ": " + e.what());
  }
  std::ostringstream o;
  o.precision(9);
  o << "{\"impl\":\"picklejar\",\"op\":" << json_string(a.op) << ",\"path\":" << json_string(a.path.string())
    << ",\"seconds\":" << json_list(r.seconds) << ",\"cpu_seconds\":" << json_list(r.cpu_seconds)
    << ",\"page_faults\":" << json_list(r.page_faults) << ",\"in_bytes\":" << r.in_bytes << ",\"out_bytes\":" << r.out_bytes
    << ",\"memory_bytes\":" << r.memory_bytes << ",\"node_count\":" << r.node_count
    << ",\"buffers\":" << r.buffers << ",\"rss_before_kb\":" << r.mem.rss_before_kb
    << ",\"hwm_kb\":" << r.mem.hwm_kb << ",\"hwm_reset\":" << (r.mem.hwm_reset ? "true" : "false")
    << ",\"peak_kb\":" << (r.mem.hwm_kb - r.mem.rss_before_kb);
  if (!r.touch_seconds.empty())
    o << ",\"touch_seconds\":" << json_list(r.touch_seconds) << ",\"array_bytes\":" << r.array_bytes
      << ",\"checksum\":" << r.checksum;
  o << "}\n";
  std::fputs(o.str().c_str(), stdout);
  return 0;
}
