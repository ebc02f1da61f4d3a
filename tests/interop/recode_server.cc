// picklejar_recode_server: picklejar's load + dump of pickle bytes, many requests in one process,
// for the Python test harnesses that call picklejar as they would call pickle.loads/pickle.dumps
// (tests/interop/_recode.py: CPython's own pickle tests, the differential test). A process, not a
// Python extension: it needs no Python headers, and it runs unchanged in the sanitizer builds
// (an ASan library cannot be loaded into an uninstrumented python).
//
// Protocol, over standard input and output, every number in decimal ASCII:
//   request:  "PROTO OOB FIX_IMPORTS ENCODING NBUF LEN [BUFLEN READONLY]...\n", then LEN bytes of
//             pickle, then each buffer's bytes.
//             PROTO: 0-5, or -1 for the protocol the input was written with (its last PROTO).
//             OOB: 1 to pass a buffer_callback that puts every PickleBuffer out-of-band, 0 for
//             none (every buffer in-band). FIX_IMPORTS: 0/1, for both load and dump.
//             ENCODING: pickle.load's encoding= ("ASCII", "latin1", "bytes", ...).
//             NBUF: -1 for buffers=None, else that many out-of-band buffers follow.
//             Optionally, after the buffer sizes: "EXT N CODE MODULE QUALNAME ..." (N triples):
//             copyreg's extension registry, for both load and dump; "FAST": dump as
//             Pickler.fast (DumpOptions::fast, no memo).
//   response: "OK LEN NBUF [BUFLEN READONLY]...\n" then the pickle and the out-of-band buffers'
//             bytes; or "ERR CODE OFFSET OPCODE MSGLEN\n" then the message (CODE is the
//             ErrorCode's name, OFFSET -1 when none, OPCODE -1 when none).
// Public API only.
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "picklejar/picklejar.h"

namespace {

bool read_exact(std::vector<uint8_t>& out, size_t n) {
  out.resize(n);
  return n == 0 || std::fread(out.data(), 1, n, stdin) == n;
}

void write_all(const void* p, size_t n) {
  if (n != 0 && std::fwrite(p, 1, n, stdout) != n) std::exit(3);
}

void reply_error(const std::string& code, uint64_t offset, int opcode, const std::string& message) {
  std::string head = "ERR " + code + " " +
                     (offset == picklejar::Error::kNoOffset ? std::string("-1") : std::to_string(offset)) + " " +
                     std::to_string(opcode) + " " + std::to_string(message.size()) + "\n";
  write_all(head.data(), head.size());
  write_all(message.data(), message.size());
}

}  // namespace

int main() {
  std::string line;
  for (;;) {
    line.clear();
    for (int c; (c = std::fgetc(stdin)) != '\n';) {
      if (c == EOF) return line.empty() ? 0 : 2;
      line.push_back(static_cast<char>(c));
    }
    std::istringstream head(line);
    int proto = 0, oob = 0, fix_imports = 1;
    long long nbuf = 0;
    size_t len = 0;
    std::string encoding;
    if (!(head >> proto >> oob >> fix_imports >> encoding >> nbuf >> len)) {
      std::cerr << "picklejar_recode_server: bad request line: " << line << "\n";
      return 2;
    }
    std::vector<std::pair<size_t, bool>> buf_heads;
    for (long long i = 0; i < nbuf; ++i) {
      size_t n = 0;
      int ro = 0;
      if (!(head >> n >> ro)) {
        std::cerr << "picklejar_recode_server: bad buffer list: " << line << "\n";
        return 2;
      }
      buf_heads.emplace_back(n, ro != 0);
    }
    picklejar::ExtensionRegistry extensions;
    bool fast = false;
    std::string word;
    while (head >> word) {
      if (word == "FAST") {
        fast = true;
        continue;
      }
      size_t n = 0;
      if (word != "EXT" || !(head >> n)) {
        std::cerr << "picklejar_recode_server: bad request line: " << line << "\n";
        return 2;
      }
      for (size_t i = 0; i < n; ++i) {
        int32_t code = 0;
        std::string module, name;
        if (!(head >> code >> module >> name)) {
          std::cerr << "picklejar_recode_server: bad extension list: " << line << "\n";
          return 2;
        }
        extensions[code] = {module, name};
      }
    }
    std::vector<uint8_t> data;
    if (!read_exact(data, len)) return 2;
    std::vector<std::vector<uint8_t>> buffers(buf_heads.size());
    for (size_t i = 0; i < buf_heads.size(); ++i)
      if (!read_exact(buffers[i], buf_heads[i].first)) return 2;

    try {
      picklejar::LoadOptions lo;
      lo.encoding = encoding;
      lo.fix_imports = fix_imports != 0;
      lo.extensions = extensions;
      if (nbuf >= 0) {
        lo.buffers.emplace();
        for (size_t i = 0; i < buffers.size(); ++i)
          lo.buffers->push_back({picklejar::ByteView(buffers[i]), buf_heads[i].second});
      }
      picklejar::Document doc = picklejar::load(picklejar::ByteView(data), lo);
      picklejar::DumpOptions dopt;
      dopt.protocol = proto < 0 ? doc.protocol() : proto;
      dopt.fix_imports = fix_imports != 0;
      dopt.extensions = extensions;
      dopt.fast = fast;
      // Copied in the callback: a buffer the dump makes (numpy's _frombuffer of an array) lives
      // only as long as the dump.
      std::vector<std::pair<std::vector<uint8_t>, bool>> out_buffers;
      if (oob) {
        dopt.buffer_callback = [&](const picklejar::Value& b) {
          out_buffers.emplace_back(std::vector<uint8_t>(b.as_bytes().begin(), b.as_bytes().end()), b.readonly_buffer());
          return picklejar::BufferPlacement::kOutOfBand;
        };
      }
      std::vector<uint8_t> out = picklejar::dump(doc.root(), dopt);
      std::string reply = "OK " + std::to_string(out.size()) + " " + std::to_string(out_buffers.size());
      for (const auto& [bytes, readonly] : out_buffers)
        reply += " " + std::to_string(bytes.size()) + (readonly ? " 1" : " 0");
      reply += "\n";
      write_all(reply.data(), reply.size());
      write_all(out.data(), out.size());
      for (const auto& b : out_buffers) write_all(b.first.data(), b.first.size());
    } catch (const picklejar::Error& e) {
      reply_error(std::string(picklejar::error_code_name(e.code())), e.offset(), e.opcode(), e.message());
    } catch (const std::exception& e) {
      reply_error("kStdException", picklejar::Error::kNoOffset, -1, e.what());
    }
    std::fflush(stdout);
  }
}
