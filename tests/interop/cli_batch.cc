// picklejar_cli_batch: runs many `picklejar` command lines in one process, for the interop scripts
// (tests/interop/_cli.py). They run thousands of command lines; one process each costs more than
// the work under the sanitizers (an ASan process takes ~0.2 s to start here), so they send them
// all to one of these instead. The commands are the CLI's own code (tools/picklejar/cli.cc,
// run_command_line); what only a separate process shows (exit codes of a crashing run, standard
// input) is tested by tests/cli/.
//
// Protocol, over standard input and output:
//   request:  the arguments after `picklejar`, each followed by a NUL byte, then a newline
//   response: "STATUS OUT_BYTES ERR_BYTES\n", then the command's standard output, then its
//             standard error
// Standard output ("-" as OUT) is captured; standard input is the request stream, so a command
// reading the file "-" reads an empty input. A sanitizer report ends the process, which the client sees as the end of the responses.
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli.h"

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    std::vector<std::string> args{"picklejar"};
    for (size_t at = 0; at < line.size();) {
      size_t end = line.find('\0', at);
      if (end == std::string::npos) {
        std::cerr << "picklejar_cli_batch: an argument does not end with a NUL byte\n";
        return 2;
      }
      args.push_back(line.substr(at, end - at));
      at = end + 1;
    }
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    std::istringstream no_input;
    std::ostringstream out, err;
    std::streambuf* real_in = std::cin.rdbuf(no_input.rdbuf());
    std::streambuf* real_out = std::cout.rdbuf(out.rdbuf());
    std::streambuf* real_err = std::cerr.rdbuf(err.rdbuf());
    int status = picklejar_cli::run_command_line(static_cast<int>(args.size()), argv.data());
    std::cin.rdbuf(real_in);
    std::cout.rdbuf(real_out);
    std::cerr.rdbuf(real_err);
    std::cout.clear();  // a command that met a write error leaves the stream failed
    std::cerr.clear();

    const std::string o = out.str(), e = err.str();
    std::cout << status << ' ' << o.size() << ' ' << e.size() << '\n' << o << e;
    std::cout.flush();
    if (!std::cout) return 3;
  }
  return 0;
}
