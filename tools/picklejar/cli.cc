// The picklejar command-line tool: inspect pickles (dis, show, json, info) and recode them.
// Uses only the public API (include/picklejar/). Contract: README.md "The CLI". main() is in
// main.cc; tests/interop/cli_batch.cc runs many command lines through run_command_line() in one
// process.
//
// Exit codes: 0 success; 1 bad input (a picklejar::Error naming code and offset); 2 usage error;
// 3 I/O error (a file cannot be opened or read).
#include <picklejar/joblib.h>
#include <picklejar/picklejar.h>
#include <picklejar/torch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli.h"
#include "progress.h"
#include "recode_safetensors.h"
#include "scan_cli.h"
#include "torch_cli.h"

namespace {

constexpr int kExitBadInput = 1;
constexpr int kExitUsage = 2;
constexpr int kExitIo = 3;

constexpr const char* kUsage = R"(usage: picklejar COMMAND [OPTIONS] FILE

Inspect Python pickles (protocols 0-5) and joblib files, plain or compressed
(zlib, gzip, bz2, lzma, xz, lz4), and PyTorch torch.save files (zip and
legacy formats), without executing anything.

commands:
  dis FILE     opcode listing, like `python -m pickletools FILE`; joblib's
               spliced array data is one line per array
  show FILE    the value as readable Python-like text; shared values are
               labelled <&N> where first shown and <*N> where met again
  json FILE    the value as one line of tagged JSON (docs/JSON.md); numpy
               arrays as nested lists of numbers with --arrays values
  info FILE    format, compression, protocol, and each array's path in the
               graph, dtype, shape and size; for a torch file each tensor's
               path, dtype, shape, strides (when not contiguous), storage key
               and offset, bytes, and whether its storage is shared
  scan [--policy P]... [--format text|json|sarif] PATH...
               what loading each file (directories: every file in them) in
               Python would import and call, judged against a policy: P is
               a built-in policy (data, numpy, sklearn, torch, ml; default
               ml) or a policy file, several merged in order. Containers are
               sniffed by content (compressed, joblib, .npy/.npz, torch zip
               and legacy, zip; several pickles in a row; nested pickles).
               exit status: 0 every file safe, 4 any unsafe, 5 any
               unreadable (none unsafe), 3 a path cannot be read, 2 usage
  recode [--protocol N] [--buffers-in DIR] [--buffers-out DIR]
         [--joblib [--compress SPEC] [--threads N]] IN OUT
               load IN (any pickle or joblib file) and write it as a pickle of
               protocol N (default 4): the bytes CPython's
               pickle.dumps(pickle.loads(IN), N) writes; with --joblib, what
               joblib.dump(obj, OUT, compress=SPEC, protocol=N) writes. OUT is
               replaced atomically, and left untouched on any error.
  recode --torch [--protocol N] IN OUT
               load IN (a torch file of any format torch.load reads, or a
               pickle or joblib file) and write what torch.save(obj, OUT)
               writes: the zip format, data.pkl at protocol N (default 2, as
               torch), in a root folder named as OUT without its extension
  recode --safetensors [--strict] IN OUT
               the tensors of IN (a torch file's, or the numpy arrays of a
               pickle or joblib file) as a .safetensors file, named by their
               keys joined with '.'; what safetensors cannot hold (complex
               tensors, other values) is left out, one stderr line each

FILE and IN may be - for standard input, OUT - for standard output.

options (show, json, info, recode):
  --encoding ENC     how Python 2 str opcodes decode: ASCII (default), latin1,
                     utf-8 or bytes (as pickle.load's encoding=)
  --no-fix-imports   keep Python 2 module names (__builtin__, copy_reg, ...)
                     in protocol 0-2 pickles
  --buffers-in DIR   out-of-band buffers (protocol 5) as DIR/0.bin, DIR/1.bin, ...
  --mmap             map an uncompressed joblib file or a torch file: its arrays
                     and tensors are views into the file instead of copies in
                     memory (show, info and recode map an uncompressed pickle
                     or joblib file without it)

options (json):
  --arrays FORM      values: numpy arrays and torch tensors as the nested lists
                     of numbers (and other values) ndarray.tolist() and
                     tensor.tolist() give; faithful (the default): as the
                     objects they were pickled as

options (recode):
  --protocol N       0-5 (default 4, CPython 3.11's default)
  --buffers-out DIR  protocol 5: write every PickleBuffer out-of-band, as
                     DIR/0.bin, DIR/1.bin, ... (DIR must exist)
  --joblib           write a joblib container
  --torch            write a torch.save zip file
  --compress SPEC    0-9 (that level of the codec OUT's extension selects, else
                     zlib; 0: none, or that codec's default level) or
                     NAME[:LEVEL] with NAME zlib, gzip, bz2, lzma, xz or lz4
                     (LEVEL 0: none); without it OUT's extension decides as in
                     joblib (.z .gz .bz2 .lzma .xz .lz4), else none
  --safetensors      write a .safetensors file (see recode --safetensors)
  --strict           with --safetensors: refuse (exit 1, no OUT) instead of
                     leaving out what safetensors cannot hold
  --threads N        compress on N threads (0: one per core; default 1, the
                     bytes joblib writes): zlib, gzip, bz2 and xz output stays
                     one file joblib.load reads, with other bytes
  --progress         show progress on stderr (default: only for inputs of 64 MiB
                     or more, and only when stderr is a terminal)
  --quiet            never show progress

  -h, --help         this text
  --version          the library version

dis takes no options. exit status: 0 success, 1 bad input, 2 usage error,
3 I/O error (scan: as listed above).
)";

struct UsageError {
  std::string message;
};
// --help or --version printed what was asked: the command line ends there, successfully.
struct Done {};
// An I/O failure the CLI itself meets; printed as the library prints its kIo errors.
struct IoError {
  std::string message;
};

IoError io_error(std::string_view verb, const std::string& path, const std::string& reason) {
  return IoError{"kIo: cannot " + std::string(verb) + " " + path + ": " + reason};
}

std::vector<uint8_t> read_all(std::istream& in, const std::string& name, picklejar_cli::Progress* progress = nullptr) {
  std::vector<uint8_t> data;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    data.insert(data.end(), buf.data(), buf.data() + in.gcount());
    if (progress) progress->update(data.size());
  }
  if (in.bad()) throw io_error("read", name, "read error");
  return data;
}

// Standard input, read once (the torch check sniffs it before a loader reads it).
std::vector<uint8_t>& stdin_bytes(picklejar_cli::Progress* progress = nullptr) {
  static std::optional<std::vector<uint8_t>> data;
  if (!data) data = read_all(std::cin, "<stdin>", progress);
  return *data;
}

// Fails as the library does for an input it cannot read, before any output is made.
void check_readable(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw io_error("read", path, "is a directory");
  std::ifstream probe(path, std::ios::binary);
  if (!probe) throw io_error("read", path, std::strerror(errno));
}

std::vector<uint8_t> read_file(const std::string& path) {
  if (path == "-") return read_all(std::cin, "<stdin>");
  check_readable(path);
  std::ifstream f(path, std::ios::binary);
  if (!f) throw io_error("read", path, std::strerror(errno));
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
  bool torch = false;  // recode --torch
  std::optional<std::string> compress;
  std::optional<unsigned> threads;
  bool mmap = false;
  bool progress = false;
  bool quiet = false;
  bool array_values = false;  // json --arrays values
  bool safetensors = false, strict = false;  // recode --safetensors [--strict]
  std::set<std::string> given;  // the options on the command line, checked against the command
};

// Which command takes which option: an option a command would ignore is a usage error, not a
// silent no-op.
constexpr std::string_view kLoadOptions[] = {"--encoding", "--no-fix-imports", "--buffers-in", "--mmap"};
constexpr std::string_view kJsonOptions[] = {"--arrays"};
constexpr std::string_view kRecodeOptions[] = {"--protocol", "--buffers-out", "--joblib",      "--compress", "--threads",
                                               "--progress", "--quiet",       "--torch",       "--safetensors", "--strict"};

void check_options_apply(const Options& o) {
  for (const std::string& flag : o.given) {
    bool load_option = false, json_option = false;
    for (std::string_view f : kLoadOptions) load_option |= flag == f;
    for (std::string_view f : kJsonOptions) json_option |= flag == f;
    if (json_option ? o.command == "json" : (o.command == "recode" || (load_option && o.command != "dis"))) continue;
    throw UsageError{flag + " does not apply to " + o.command +
                     (load_option   ? " (it applies to show, json, info and recode)"
                      : json_option ? " (it applies to json)"
                                    : " (it applies to recode)")};
  }
}

Options parse(int argc, char** argv) {
  Options o;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    // "--name=value" is "--name value".
    std::string_view flag = a;
    std::optional<std::string> inline_value;
    if (a.size() > 2 && a.substr(0, 2) == "--") {
      if (auto eq = a.find('='); eq != std::string_view::npos) {
        flag = a.substr(0, eq);
        inline_value = std::string(a.substr(eq + 1));
      }
    }
    auto value = [&]() -> std::string {
      if (inline_value) return *inline_value;
      if (i + 1 >= argc) throw UsageError{std::string(flag) + " needs a value"};
      return argv[++i];
    };
    auto no_value = [&] {
      if (inline_value) throw UsageError{std::string(flag) + " takes no value"};
    };
    if (flag == "-h" || flag == "--help") {
      std::cout << kUsage;
      throw Done{};
    } else if (flag == "--version") {
      std::cout << "picklejar " << picklejar::version() << "\n";
      throw Done{};
    } else if (flag == "--encoding") {
      o.encoding = value();
    } else if (flag == "--no-fix-imports") {
      no_value();
      o.fix_imports = false;
    } else if (flag == "--buffers-in") {
      o.buffers_in = value();
    } else if (flag == "--protocol") {
      std::string v = value();
      if (v.size() != 1 || v[0] < '0' || v[0] > '5') throw UsageError{"--protocol must be 0-5, not '" + v + "'"};
      o.protocol = v[0] - '0';
    } else if (flag == "--buffers-out") {
      o.buffers_out = value();
    } else if (flag == "--joblib") {
      no_value();
      o.joblib = true;
    } else if (flag == "--torch") {
      no_value();
      o.torch = true;
    } else if (flag == "--compress") {
      o.compress = value();
    } else if (flag == "--threads") {
      std::string v = value();
      if (v.empty() || v.size() > 4 || v.find_first_not_of("0123456789") != std::string::npos)
        throw UsageError{"--threads must be a number 0-9999, not '" + v + "'"};
      o.threads = static_cast<unsigned>(std::stoul(v));
    } else if (flag == "--arrays") {
      std::string v = value();
      if (v != "values" && v != "faithful") throw UsageError{"--arrays must be values or faithful, not '" + v + "'"};
      o.array_values = v == "values";
    } else if (flag == "--safetensors" || flag == "--strict") {
      no_value();
      (flag == "--strict" ? o.strict : o.safetensors) = true;
    } else if (flag == "--mmap") {
      no_value();
      o.mmap = true;
    } else if (flag == "--progress") {
      no_value();
      o.progress = true;
    } else if (flag == "--quiet") {
      no_value();
      o.quiet = true;
    } else if (a.size() > 1 && a[0] == '-') {
      throw UsageError{"unknown option " + std::string(a)};
    } else {
      positional.emplace_back(a);
      continue;
    }
    o.given.emplace(flag);
  }
  if (positional.empty()) throw UsageError{"no command given"};
  o.command = positional[0];
  if (o.command != "dis" && o.command != "show" && o.command != "json" && o.command != "info" &&
      o.command != "recode")
    throw UsageError{"unknown command '" + o.command + "'"};
  check_options_apply(o);
  if (o.command == "recode") {
    if (positional.size() != 3) throw UsageError{"recode takes IN and OUT"};
    o.file = positional[1];
    o.out = positional[2];
    if (o.buffers_out && o.protocol != 5) throw UsageError{"--buffers-out needs --protocol 5"};
    if (o.compress && !o.joblib) throw UsageError{"--compress needs --joblib"};
    if (o.threads && !o.joblib) throw UsageError{"--threads needs --joblib"};
    if (o.buffers_out && o.joblib) throw UsageError{"--buffers-out does not apply to --joblib"};
    if (o.progress && o.quiet) throw UsageError{"--progress and --quiet contradict each other"};
    if (o.torch && (o.joblib || o.buffers_out || o.buffers_in || o.mmap || o.progress))
      throw UsageError{"--torch takes no --joblib, --buffers-in, --buffers-out, --mmap or --progress"};
    if (o.strict && !o.safetensors) throw UsageError{"--strict needs --safetensors"};
    for (const char* f : {"--protocol", "--buffers-out", "--joblib", "--compress", "--threads", "--buffers-in"})
      if (o.safetensors && o.given.count(f)) throw UsageError{std::string(f) + " does not apply to --safetensors"};
    if (o.torch && o.safetensors) throw UsageError{"--torch and --safetensors are two different outputs: give one"};
    return o;
  }
  if (positional.size() != 2) throw UsageError{o.command + " takes exactly one FILE"};
  o.file = positional[1];
  return o;
}

picklejar::joblib::LoadOptions load_options(const Options& o, std::vector<std::vector<uint8_t>>& storage) {
  picklejar::LoadOptions lo;
  lo.encoding = o.encoding;
  lo.fix_imports = o.fix_imports;
  if (o.buffers_in) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(*o.buffers_in, ec))
      throw io_error("read", *o.buffers_in, fs::exists(*o.buffers_in, ec) ? "not a directory" : "no such directory");
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
  // show and info touch only what they print and recode streams the arrays out: mapping an
  // uncompressed file (the library reads compressed ones whatever this says) spares reading every
  // array into memory. json prints every element, so it reads them.
  bool map = o.mmap || (o.file != "-" && (o.command == "show" || o.command == "info" || o.command == "recode"));
  jo.mmap = map ? picklejar::joblib::MmapMode::kReadOnly : picklejar::joblib::MmapMode::kNone;
  return jo;
}

[[noreturn]] void refuse_torch_recode() {
  throw picklejar::Error(picklejar::ErrorCode::kUnsupported,
                         "recode of a torch file writes a torch file: use recode --torch");
}

// Loads FILE once with every option (buffers, mmap) and, for `info`, inspects that same load.
// The buffer files and standard input's bytes stay in `storage`: the document borrows them.
picklejar::Document load(const Options& o, std::vector<std::vector<uint8_t>>& storage,
                         picklejar_cli::Progress& progress, picklejar::joblib::FileInfo* info = nullptr) {
  picklejar::joblib::LoadOptions jo = load_options(o, storage);
  picklejar::Document doc;
  if (o.file == "-") {
    // Whole stdin in memory (compression is sniffed from its first bytes); kept alive with the document.
    struct stat st {};
    uint64_t total = ::fstat(0, &st) == 0 && S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0;
    progress.begin("reading", "<stdin>", total);
    std::vector<uint8_t>& in = stdin_bytes(&progress);
    progress.end("read");
    picklejar::ByteView data(in.data(), in.size());
    if (o.command == "recode" && picklejar::torch::looks_like_torch(data)) refuse_torch_recode();
    if (info) {
      *info = picklejar::joblib::inspect(data, jo, doc);
    } else {
      doc = picklejar::joblib::load(data, jo);
    }
    return doc;
  }
  check_readable(o.file);
  std::error_code ec;
  progress.begin("reading", o.file, std::filesystem::file_size(o.file, ec));
  progress.watch(o.file);
  if (info) {
    *info = picklejar::joblib::inspect(o.file, jo, doc);
  } else {
    doc = picklejar::joblib::load(o.file, jo);
  }
  progress.end("read");
  return doc;
}

void print_info(const picklejar::joblib::FileInfo& info, const picklejar::Document& doc) {
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
    uint64_t count = 1;
    for (size_t i = 0; i < a.shape.size(); ++i) {
      std::cout << (i ? ", " : "") << a.shape[i];
      count *= static_cast<uint64_t>(a.shape[i]);
    }
    if (a.shape.size() == 1) std::cout << ",";
    // An object array holds references to other values (listed on their own lines), not bytes.
    if (a.dtype == "|O") {
      std::cout << ") " << count << (count == 1 ? " object\n" : " objects\n");
    } else {
      std::cout << ") " << a.nbytes << " bytes\n";
    }
  }
}

// Fails as the library would, but naming `path` and saying why (a directory, a missing
// directory), before anything is loaded or written.
void check_writable(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw io_error("write", path.string(), "is a directory");
  fs::path dir = path.parent_path();
  if (!dir.empty() && !fs::is_directory(dir, ec))
    throw io_error("write", path.string(), dir.string() + (fs::exists(dir, ec) ? " is not a directory" : " does not exist"));
}

// Writes `data` (an out-of-band buffer) to `path` atomically: a temporary file in the same
// directory, then rename. Errors name `path`, never the temporary file.
void write_buffer_file(const std::filesystem::path& path, picklejar::ByteView data) {
  namespace fs = std::filesystem;
  check_writable(path);
  fs::path tmp = path;
  tmp += ".tmp-picklejar";
  std::error_code ec;
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw io_error("write", path.string(), std::strerror(errno));
    f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    f.close();
    if (!f) {
      int err = errno;
      fs::remove(tmp, ec);
      throw io_error("write", path.string(), err ? std::strerror(err) : "write failed");
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    std::string reason = ec.message();
    fs::remove(tmp, ec);
    throw io_error("write", path.string(), reason);
  }
}

void recode(const Options& o) {
  std::vector<std::vector<uint8_t>> storage;
  std::error_code size_ec;
  uint64_t in_size = 0;
  if (o.file != "-") {
    in_size = std::filesystem::file_size(o.file, size_ec);
  } else if (struct stat st {}; ::fstat(0, &st) == 0 && S_ISREG(st.st_mode)) {
    in_size = static_cast<uint64_t>(st.st_size);
  }
  bool big = !size_ec && in_size >= picklejar_cli::kProgressThreshold;
  bool terminal = ::isatty(2) == 1;
  picklejar_cli::Progress progress(o.progress || (!o.quiet && big && terminal), terminal);
  if (o.buffers_out) {
    std::error_code ec;
    if (!std::filesystem::is_directory(*o.buffers_out, ec))
      throw io_error("write", *o.buffers_out + "/0.bin", *o.buffers_out +
                                                          (std::filesystem::exists(*o.buffers_out, ec)
                                                               ? " is not a directory"
                                                               : " does not exist (--buffers-out needs an existing directory)"));
  }
  if (o.out != "-") check_writable(o.out);
  picklejar::Document doc = load(o, storage, progress);
  picklejar::DumpOptions d;
  d.protocol = o.protocol;
  d.fix_imports = o.fix_imports;
  if (o.buffers_out) {
    // Each buffer is written when the pickler meets it, before OUT is complete: OUT never names
    // buffers that are not there.
    d.buffer_callback = [&, next = size_t{0}](const picklejar::Value& b) mutable {
      write_buffer_file(std::filesystem::path(*o.buffers_out) / (std::to_string(next++) + ".bin"), b.as_bytes());
      return picklejar::BufferPlacement::kOutOfBand;
    };
  }
  picklejar::joblib::DumpOptions jd;
  if (o.joblib) {
    jd.protocol = o.protocol;
    if (o.threads) jd.threads = *o.threads;
    std::optional<std::string_view> spec;
    if (o.compress) spec = *o.compress;
    jd.compression = picklejar::joblib::compression_for(spec, o.out == "-" ? std::filesystem::path() : std::filesystem::path(o.out));
  }
  // A file is streamed from the document (array data from its block or the mapped input), with no
  // copy of the whole output in memory, to a temporary file renamed over OUT only when complete:
  // a failure leaves OUT as it was.
  if (o.out == "-") {
    // Standard output is made whole first: a failure midway writes nothing rather than half a file.
    std::vector<uint8_t> bytes = o.joblib ? picklejar::joblib::dump(doc.root(), jd) : picklejar::dump(doc.root(), d);
    std::cout.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    std::cout.flush();
    if (!std::cout) throw io_error("write", "<stdout>", "write error");
    return;
  }
  progress.begin("writing", o.out, 0);
  progress.watch_temporary(o.out);
  o.joblib ? picklejar::joblib::dump_file(doc.root(), o.out, jd) : picklejar::dump_file(doc.root(), o.out, d);
  std::error_code ec;
  progress.end("wrote", std::filesystem::file_size(o.out, ec));
}

// The input's first opcode failed: more likely the wrong file than a damaged pickle (random bytes
// give an unknown opcode, a text file a memo GET or a missing MARK). A pickle's first opcode is
// PROTO from protocol 2 on, and a damaged PROTO is reported as it is.
bool first_opcode_failed(const picklejar::Error& e) {
  return e.offset() == 0 && e.opcode() != picklejar::Error::kNoOpcode && e.opcode() != 0x80 &&
         e.code() != picklejar::ErrorCode::kLimitExceeded;
}

// info, show, json and dis of a torch.save file (zip or legacy): torch::load's document, tensors
// printed as tensors.
int run_torch(const Options& o) {
  namespace pt = picklejar::torch;
  if (o.command == "recode") refuse_torch_recode();
  if (o.buffers_in) throw UsageError{"--buffers-in does not apply to torch files"};
  pt::LoadOptions lo;
  lo.pickle.encoding = o.encoding;
  lo.pickle.fix_imports = o.fix_imports;
  lo.mmap = o.mmap && o.file != "-";
  std::vector<uint8_t>* in = o.file == "-" ? &stdin_bytes() : nullptr;
  picklejar::ByteView data = in ? picklejar::ByteView(in->data(), in->size()) : picklejar::ByteView();
  if (o.command == "dis") {
    in ? pt::disassemble(data, std::cout, lo) : pt::disassemble(o.file, std::cout, lo);
  } else {
    picklejar::Document doc;
    pt::FileInfo info = in ? pt::inspect(data, lo, doc) : pt::inspect(o.file, lo, doc);
    if (o.command == "show") {
      pt::write_show(doc.root(), std::cout);
      std::cout << "\n";
    } else if (o.command == "json") {
      picklejar::JsonOptions json;
      json.array_values = o.array_values;
      pt::write_json(doc.root(), std::cout, json);
      std::cout << "\n";
    } else {
      picklejar_cli::print_torch_info(info, doc, std::cout);
    }
  }
  std::cout.flush();
  if (!std::cout) throw io_error("write", "<stdout>", "write error");
  return 0;
}

bool torch_input(const Options& o) {
  if (o.file == "-") {
    std::vector<uint8_t>& in = stdin_bytes();
    return picklejar::torch::looks_like_torch(picklejar::ByteView(in.data(), in.size()));
  }
  check_readable(o.file);
  return picklejar_cli::is_torch_file(o.file);
}

int run(const Options& o) {
  if (o.command == "recode" && o.torch) {
    picklejar_cli::TorchRecode r;
    r.in = o.file;
    r.out = o.out;
    if (o.file == "-") r.in_bytes = picklejar::ByteView(stdin_bytes().data(), stdin_bytes().size());
    r.pickle.encoding = o.encoding;
    r.pickle.fix_imports = o.fix_imports;
    if (o.given.count("--protocol")) r.protocol = o.protocol;
    picklejar_cli::recode_torch(r);
    return 0;
  }
  if (o.command == "recode" && o.safetensors)
    return picklejar_cli::recode_safetensors({o.file, o.out, o.strict, o.mmap, o.encoding, o.fix_imports,
                                              o.file == "-" ? &stdin_bytes() : nullptr});
  // recode reads standard input itself (showing progress) and refuses a torch file there.
  if (!(o.command == "recode" && o.file == "-") && torch_input(o)) return run_torch(o);
  if (o.command == "dis") {
    if (o.file == "-") {
      std::vector<uint8_t>& data = stdin_bytes();
      picklejar::joblib::disassemble(picklejar::ByteView(data.data(), data.size()), std::cout);
    } else {
      check_readable(o.file);
      picklejar::joblib::disassemble(o.file, std::cout);
    }
    return 0;
  }
  if (o.command == "recode") {
    recode(o);
    return 0;
  }
  std::vector<std::vector<uint8_t>> storage;
  picklejar_cli::Progress no_progress(false, false);
  picklejar::joblib::FileInfo info;
  picklejar::Document doc = load(o, storage, no_progress, o.command == "info" ? &info : nullptr);
  if (o.command == "show") {
    picklejar::write_show(doc.root(), std::cout);
    std::cout << "\n";
  } else if (o.command == "json") {
    picklejar::JsonOptions json;
    json.array_values = o.array_values;
    picklejar::write_json(doc.root(), std::cout, json);
    std::cout << "\n";
  } else {
    print_info(info, doc);
  }
  std::cout.flush();
  if (!std::cout) throw io_error("write", "<stdout>", "write error");
  return 0;
}

}  // namespace

int picklejar_cli::run_command_line(int argc, char** argv) {
  // scan has options and operands of its own (scan_cli.cc).
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "-h" || a == "--help" || a == "--version") break;
    if (a == "scan") return run_scan(argc, argv);
    if (a.empty() || a[0] != '-') break;
  }
  Options o;
  try {
    o = parse(argc, argv);
    return run(o);
  } catch (const Done&) {
    std::cout.flush();
    return std::cout ? 0 : kExitIo;
  } catch (const UsageError& e) {
    std::cerr << "picklejar: " << e.message << "\n(run 'picklejar --help' for usage)\n";
    return kExitUsage;
  } catch (const IoError& e) {
    std::cout.flush();
    std::cerr << "picklejar: " << e.message << "\n";
    return kExitIo;
  } catch (const picklejar::Error& e) {
    std::cout.flush();
    std::cerr << "picklejar: " << e.what();
    if (first_opcode_failed(e)) std::cerr << " (" << (o.file == "-" ? "<stdin>" : o.file) << " does not look like a pickle or joblib file)";
    std::cerr << "\n";
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
