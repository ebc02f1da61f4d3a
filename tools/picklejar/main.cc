// The picklejar command-line tool: inspect pickles (dis, show, json, info).
// Uses only the public API (include/picklejar/). Contract: DESIGN.md §6 and README.md "CLI".
//
// Exit codes: 0 success; 1 bad input (a picklejar::Error naming code and offset); 2 usage error;
// 3 I/O error (a file cannot be opened or read).
#include <picklejar/joblib.h>
#include <picklejar/picklejar.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr int kExitBadInput = 1;
constexpr int kExitUsage = 2;
constexpr int kExitIo = 3;

constexpr const char* kUsage = R"(usage: picklejar COMMAND [OPTIONS] FILE

Inspect Python pickles (protocols 0-5) and joblib files, plain or compressed
(zlib, gzip, bz2, lzma, xz, lz4), without executing anything.

commands:
  dis FILE     opcode listing, like `python -m pickletools FILE`; joblib's
               spliced array data is one line per array
  show FILE    the value as readable Python-like text; shared values are
               labelled <&N> where first shown and <*N> where met again
  json FILE    the value as one line of tagged JSON (docs/JSON.md)
  info FILE    format, compression, protocol, and each array's path in the
               graph, dtype, shape and size
  recode [--protocol N] [--joblib [--compress SPEC] [--threads N]] IN OUT
               load IN (any pickle or joblib file) and write it as a pickle of
               protocol N (default 4): the bytes CPython's
               pickle.dumps(pickle.loads(IN), N) writes; with --joblib, what
               joblib.dump(obj, OUT, compress=SPEC, protocol=N) writes. OUT is
               replaced atomically, and left untouched on any error.

FILE and IN may be - for standard input, OUT - for standard output.

options (show, json, info, recode):
  --encoding ENC     how Python 2 str opcodes decode: ASCII (default), latin1,
                     utf-8 or bytes (as pickle.load's encoding=)
  --no-fix-imports   keep Python 2 module names (__builtin__, copy_reg, ...)
                     in protocol 0-2 pickles
  --buffers-in DIR   out-of-band buffers (protocol 5) as DIR/0.bin, DIR/1.bin, ...

options (recode):
  --protocol N       0-5 (default 4, CPython 3.11's default)
  --buffers-out DIR  protocol 5: write every PickleBuffer out-of-band, as
                     DIR/0.bin, DIR/1.bin, ... (DIR must exist)
  --joblib           write a joblib container
  --compress SPEC    0-9 (that level of the codec OUT's extension selects, else
                     zlib; 0: none, or that codec's default level) or
                     NAME[:LEVEL] with NAME zlib, gzip, bz2, lzma, xz or lz4
                     (LEVEL 0: none); without it OUT's extension decides as in
                     joblib (.z .gz .bz2 .lzma .xz .lz4), else none
  --threads N        compress on N threads (0: one per core; default 1, the
                     bytes joblib writes): zlib, gzip, bz2 and xz output stays
                     one file joblib.load reads, with other bytes
  --mmap             show/json/info: map an uncompressed joblib file's arrays

  -h, --help         this text
  --version          the library version

exit status: 0 success, 1 bad input, 2 usage error, 3 I/O error.
)";

struct UsageError {
  std::string message;
};
struct IoError {
  std::string message;
};

std::vector<uint8_t> read_all(std::istream& in, const std::string& name) {
  std::vector<uint8_t> data;
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    data.insert(data.end(), buf, buf + in.gcount());
  }
  if (in.bad()) throw IoError{name + ": read error"};
  return data;
}

std::vector<uint8_t> read_file(const std::string& path) {
  if (path == "-") return read_all(std::cin, "<stdin>");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw IoError{path + ": " + std::strerror(errno)};
  return read_all(f, path);
}

struct Options {
  std::string command;
  std::string file;
  std::string encoding = "ASCII";
  bool fix_imports = true;
  std::optional<std::string> buffers_in;
  std::optional<std::string> buffers_out;
  int protocol = 4;
  std::string out;
  bool joblib = false;
  std::optional<std::string> compress;
  std::optional<unsigned> threads;
  bool mmap = false;
};

Options parse(int argc, char** argv) {
  Options o;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&](std::string_view flag) -> std::string {
      if (i + 1 >= argc) throw UsageError{std::string(flag) + " needs a value"};
      return argv[++i];
    };
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      std::exit(0);
    } else if (a == "--version") {
      std::cout << "picklejar " << picklejar::version() << "\n";
      std::exit(0);
    } else if (a == "--encoding") {
      o.encoding = value(a);
    } else if (a.rfind("--encoding=", 0) == 0) {
      o.encoding = std::string(a.substr(11));
    } else if (a == "--no-fix-imports") {
      o.fix_imports = false;
    } else if (a == "--buffers-in") {
      o.buffers_in = value(a);
    } else if (a.rfind("--buffers-in=", 0) == 0) {
      o.buffers_in = std::string(a.substr(13));
    } else if (a == "--protocol" || a.rfind("--protocol=", 0) == 0) {
      std::string v = a == "--protocol" ? value(a) : std::string(a.substr(11));
      if (v.size() != 1 || v[0] < '0' || v[0] > '5') throw UsageError{"--protocol must be 0-5, not '" + v + "'"};
      o.protocol = v[0] - '0';
    } else if (a == "--buffers-out") {
      o.buffers_out = value(a);
    } else if (a.rfind("--buffers-out=", 0) == 0) {
      o.buffers_out = std::string(a.substr(14));
    } else if (a == "--joblib") {
      o.joblib = true;
    } else if (a == "--compress") {
      o.compress = value(a);
    } else if (a.rfind("--compress=", 0) == 0) {
      o.compress = std::string(a.substr(11));
    } else if (a == "--threads" || a.rfind("--threads=", 0) == 0) {
      std::string v = a == "--threads" ? value(a) : std::string(a.substr(10));
      if (v.empty() || v.size() > 4 || v.find_first_not_of("0123456789") != std::string::npos)
        throw UsageError{"--threads must be a number 0-9999, not '" + v + "'"};
      o.threads = static_cast<unsigned>(std::stoul(v));
    } else if (a == "--mmap") {
      o.mmap = true;
    } else if (a.size() > 1 && a[0] == '-') {
      throw UsageError{"unknown option " + std::string(a)};
    } else {
      positional.emplace_back(a);
    }
  }
  if (positional.empty()) throw UsageError{"no command given"};
  o.command = positional[0];
  if (o.command != "dis" && o.command != "show" && o.command != "json" && o.command != "info" &&
      o.command != "recode")
    throw UsageError{"unknown command '" + o.command + "'"};
  if (o.command == "recode") {
    if (positional.size() != 3) throw UsageError{"recode takes IN and OUT"};
    o.file = positional[1];
    o.out = positional[2];
    if (o.buffers_out && o.protocol != 5) throw UsageError{"--buffers-out needs --protocol 5"};
    if (o.compress && !o.joblib) throw UsageError{"--compress needs --joblib"};
    if (o.threads && !o.joblib) throw UsageError{"--threads needs --joblib"};
    if (o.buffers_out && o.joblib) throw UsageError{"--buffers-out does not apply to --joblib"};
    return o;
  }
  if (positional.size() != 2) throw UsageError{o.command + " takes exactly one FILE"};
  o.file = positional[1];
  return o;
}

// Loads FILE with the options; keeps the buffer files alive in `storage` (the document borrows them).
picklejar::Document load(const Options& o, std::vector<std::vector<uint8_t>>& storage) {
  picklejar::LoadOptions lo;
  lo.encoding = o.encoding;
  lo.fix_imports = o.fix_imports;
  if (o.buffers_in) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(*o.buffers_in, ec)) throw IoError{*o.buffers_in + ": not a directory"};
    for (size_t i = 0;; ++i) {
      fs::path p = fs::path(*o.buffers_in) / (std::to_string(i) + ".bin");
      if (!fs::exists(p, ec)) break;
      storage.push_back(read_file(p.string()));
    }
    lo.buffers.emplace();
    for (const auto& b : storage) lo.buffers->push_back({picklejar::ByteView(b.data(), b.size()), false});
  }
  picklejar::joblib::LoadOptions jo;
  jo.pickle = lo;
  jo.mmap = o.mmap ? picklejar::joblib::MmapMode::kReadOnly : picklejar::joblib::MmapMode::kNone;
  if (o.file == "-") {
    // Whole stdin in memory (compression is sniffed from its first bytes); kept alive with the document.
    storage.push_back(read_all(std::cin, "<stdin>"));
    return picklejar::joblib::load(picklejar::ByteView(storage.back().data(), storage.back().size()), jo);
  }
  {
    std::ifstream probe(o.file, std::ios::binary);
    if (!probe) throw IoError{o.file + ": " + std::strerror(errno)};
  }
  return picklejar::joblib::load(o.file, jo);
}

void print_info(const Options& o, const picklejar::Document& doc) {
  picklejar::joblib::LoadOptions jo;
  jo.pickle.encoding = o.encoding;
  jo.pickle.fix_imports = o.fix_imports;
  picklejar::joblib::FileInfo info;
  if (o.file == "-") {
    std::vector<uint8_t> data = read_all(std::cin, "<stdin>");
    info = picklejar::joblib::inspect(picklejar::ByteView(data.data(), data.size()), jo);
  } else {
    info = picklejar::joblib::inspect(o.file, jo);
  }
  picklejar::Value root = doc.root();
  std::cout << "format: " << info.format << "\n";
  std::cout << "compression: " << info.compression << "\n";
  std::cout << "protocol: " << info.protocol << "\n";
  std::cout << "root: " << picklejar::kind_name(root.kind());
  if (root.kind() == picklejar::Kind::kObject) {
    picklejar::Value c = root.as_object().callable;
    if (c.valid() && c.kind() == picklejar::Kind::kGlobal)
      std::cout << " " << c.as_global().module << "." << c.as_global().name;
  }
  std::cout << "\n";
  std::cout << "values: " << doc.node_count() << "\n";
  std::cout << "memory: " << doc.memory_bytes() << " bytes\n";
  std::cout << "arrays: " << info.arrays.size() << "\n";
  for (const auto& a : info.arrays) {
    std::cout << "  " << a.path << ": " << a.dtype << " (";
    for (size_t i = 0; i < a.shape.size(); ++i) std::cout << (i ? ", " : "") << a.shape[i];
    if (a.shape.size() == 1) std::cout << ",";
    std::cout << ") " << a.nbytes << " bytes\n";
  }
}

// Writes `data` to `path` atomically (temporary file in the same directory, then rename).
void write_file_atomically(const std::filesystem::path& path, const std::vector<uint8_t>& data) {
  std::filesystem::path tmp = path;
  tmp += ".tmp-picklejar";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw IoError{tmp.string() + ": " + std::strerror(errno)};
    f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    f.close();
    if (!f) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      throw IoError{tmp.string() + ": write failed"};
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw IoError{path.string() + ": " + ec.message()};
  }
}

void recode(const Options& o) {
  std::vector<std::vector<uint8_t>> storage;
  picklejar::Document doc = load(o, storage);
  picklejar::DumpOptions d;
  d.protocol = o.protocol;
  d.fix_imports = o.fix_imports;
  std::vector<picklejar::ByteView> out_of_band;
  if (o.buffers_out) {
    std::error_code ec;
    if (!std::filesystem::is_directory(*o.buffers_out, ec)) throw IoError{*o.buffers_out + ": not a directory"};
    d.buffer_callback = [&](const picklejar::Value& b) {
      out_of_band.push_back(b.as_bytes());
      return picklejar::BufferPlacement::kOutOfBand;
    };
  }
  // The whole output is made before anything is written, so a failure leaves no file behind.
  std::vector<uint8_t> bytes;
  if (o.joblib) {
    picklejar::joblib::DumpOptions jd;
    jd.protocol = o.protocol;
    if (o.threads) jd.threads = *o.threads;
    if (o.compress) {
      jd.compression = picklejar::joblib::parse_compression(*o.compress);
      // joblib.dump(obj, filename, compress=<int>): the codec comes from the file name's extension
      // when it has one (.gz + 3 -> gzip level 3; .gz + 0 -> gzip at its default level), else zlib.
      bool bare_level = o.compress->size() == 1 && (*o.compress)[0] >= '0' && (*o.compress)[0] <= '9';
      if (bare_level && o.out != "-") {
        picklejar::joblib::Compression by_name = picklejar::joblib::compression_for_path(o.out);
        if (!by_name.codec.empty()) {
          int level = (*o.compress)[0] - '0';
          jd.compression = {by_name.codec, level == 0 ? -1 : level};
        }
      }
    } else if (o.out != "-") {
      jd.compression = picklejar::joblib::compression_for_path(o.out);
    }
    bytes = picklejar::joblib::dump(doc.root(), jd);
  } else {
    bytes = picklejar::dump(doc.root(), d);
  }
  for (size_t i = 0; i < out_of_band.size(); ++i) {
    std::vector<uint8_t> b(out_of_band[i].begin(), out_of_band[i].end());
    write_file_atomically(std::filesystem::path(*o.buffers_out) / (std::to_string(i) + ".bin"), b);
  }
  if (o.out == "-") {
    std::cout.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    std::cout.flush();
    if (!std::cout) throw IoError{"<stdout>: write error"};
    return;
  }
  write_file_atomically(o.out, bytes);
}

int run(int argc, char** argv) {
  Options o = parse(argc, argv);
  if (o.command == "dis") {
    std::vector<uint8_t> data = read_file(o.file);
    try {
      picklejar::joblib::disassemble(picklejar::ByteView(data.data(), data.size()), std::cout);
    } catch (...) {
      std::cout.flush();
      throw;
    }
    return 0;
  }
  if (o.command == "recode") {
    recode(o);
    return 0;
  }
  std::vector<std::vector<uint8_t>> storage;
  picklejar::Document doc = load(o, storage);
  if (o.command == "show") {
    picklejar::write_show(doc.root(), std::cout);
    std::cout << "\n";
  } else if (o.command == "json") {
    picklejar::write_json(doc.root(), std::cout);
    std::cout << "\n";
  } else {
    print_info(o, doc);
  }
  std::cout.flush();
  if (!std::cout) throw IoError{"<stdout>: write error"};
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  try {
    return run(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "picklejar: " << e.message << "\n(run 'picklejar --help' for usage)\n";
    return kExitUsage;
  } catch (const IoError& e) {
    std::cerr << "picklejar: " << e.message << "\n";
    return kExitIo;
  } catch (const picklejar::Error& e) {
    std::cout.flush();
    std::cerr << "picklejar: " << e.what() << "\n";
    if (e.code() == picklejar::ErrorCode::kIo) return kExitIo;
    if (e.code() == picklejar::ErrorCode::kInvalidArgument) return kExitUsage;
    return kExitBadInput;
  } catch (const std::bad_alloc&) {
    std::cerr << "picklejar: out of memory\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "picklejar: " << e.what() << "\n";
    return kExitIo;
  }
}
