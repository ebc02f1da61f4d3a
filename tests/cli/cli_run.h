// Running build/bin/picklejar from the CLI transcript tests, as a shell user would.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace picklejar_cli_test {

struct CliRun {
  int status = -1;
  std::string out, err;
  long max_rss_kib = 0;  // the CLI's peak resident memory (run_cli's `measure`)
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

inline void spit(const std::filesystem::path& p, const std::string& data) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << data;
}

// Single-quotes `s` for /bin/sh.
inline std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}
inline std::string quote(const std::filesystem::path& p) { return quote(p.string()); }

// Runs `picklejar ARGS` (ARGS already shell-quoted) through /bin/sh with stdin from `stdin_file`
// (else /dev/null); stdout and stderr go to files in `io_dir`, numbered by `counter`. With
// `measure`, CliRun::max_rss_kib is the CLI's peak memory, from GNU time: a process's peak
// (ru_maxrss) counts the memory of the process it was forked from, here a test binary that may be
// big, so it must be forked from a small one.
inline CliRun run_cli(const std::string& args, const std::filesystem::path& stdin_file,
                      const std::filesystem::path& io_dir, int& counter, bool measure = false) {
  std::filesystem::create_directories(io_dir);
  std::filesystem::path out = io_dir / ("out" + std::to_string(counter));
  std::filesystem::path err = io_dir / ("err" + std::to_string(counter));
  std::filesystem::path rss = io_dir / ("rss" + std::to_string(counter++));
  std::string cmd = measure ? "/usr/bin/time -f %M -o " + quote(rss) + " " : "";
  cmd += quote(std::string(PICKLEJAR_CLI_PATH)) + " " + args + " >" + quote(out) + " 2>" + quote(err) + " <" +
         (stdin_file.empty() ? std::string("/dev/null") : quote(stdin_file));
  int raw = std::system(cmd.c_str());
  CliRun r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  r.out = slurp(out);
  r.err = slurp(err);
  if (measure) r.max_rss_kib = std::atol(slurp(rss).c_str());
  return r;
}

}  // namespace picklejar_cli_test
