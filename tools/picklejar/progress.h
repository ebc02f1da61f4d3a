// The progress line `picklejar recode` prints on stderr for long work (README "The CLI").
// Not thread-safe: one Progress is driven by one thread at a time (its own watcher, or the caller).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>

namespace picklejar_cli {

// Inputs at least this big show progress by default when stderr is a terminal.
inline constexpr uint64_t kProgressThreshold = uint64_t{64} << 20;

// "312.0 MiB", "17 B": the sizes the progress line and its summaries print.
std::string human_bytes(uint64_t n);

class Progress {
 public:
  // A disabled Progress does nothing. On a terminal the line is redrawn in place (at most 5 times a
  // second); elsewhere (--progress into a file or pipe) it prints one line a second, so logs stay
  // readable, and always the closing summary.
  Progress(bool enabled, bool terminal);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  bool enabled() const { return enabled_; }

  // Starts a phase: `verb` ("reading"), `name` (the file), `total` bytes (0: unknown).
  void begin(std::string verb, std::string name, uint64_t total);
  // Reports `done` bytes of the current phase; prints when the last line is old enough.
  void update(uint64_t done);
  // Ends the phase with its summary line ("read IN: 1.2 GiB in 3.1 s (400.0 MiB/s)"); `done`, when
  // given, is the phase's final count of bytes.
  void end(const std::string& past_verb, std::optional<uint64_t> done = std::nullopt);

  // Follows how far the library has read `path` (the offset of the descriptor it opened, from
  // /proc/self/fdinfo) on a thread, until unwatch(): the library loads from a path and has no
  // progress callback, and reading the file ourselves would hold it in memory twice.
  void watch(const std::filesystem::path& path);
  // The same for how far the library has written the temporary file it writes `path` through
  // ("<path>.tmp.XXXXXX", renamed over `path` when complete).
  void watch_temporary(const std::filesystem::path& path);
  void unwatch();

 private:
  void print(bool final);
  // Follows the offset of the descriptor open on `target`, or with `prefix` on a file whose
  // canonical name starts with `target`.
  void watch_fd(std::string target, bool prefix);

  bool enabled_;
  bool terminal_;
  std::string verb_, name_;
  uint64_t total_ = 0;
  bool line_open_ = false;  // a terminal line without its newline yet
  std::atomic<uint64_t> done_{0};
  std::chrono::steady_clock::time_point start_, last_;
  std::atomic<bool> stop_{false};
  std::thread watcher_;
};

}  // namespace picklejar_cli
