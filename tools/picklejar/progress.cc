#include "progress.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string_view>
#include <system_error>

namespace picklejar_cli {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// The file offset of the descriptor this process has open on `target` (canonical; with `prefix`,
// on a file whose name starts with it), or -1.
int64_t read_position(const std::string& target, bool prefix) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc/self/fd", ec)) {
    std::string link = fs::read_symlink(entry.path(), ec).string();
    if (ec || !(prefix ? link.rfind(target, 0) == 0 : link == target)) continue;
    std::ifstream info("/proc/self/fdinfo/" + entry.path().filename().string());
    std::string key;
    int64_t pos = -1;
    while (info >> key) {
      if (key == "pos:") {
        info >> pos;
        return pos;
      }
    }
  }
  return -1;
}

}  // namespace

std::string human_bytes(uint64_t n) {
  if (n < 1024) return std::to_string(n) + " B";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n) / 1024;
  int u = 0;
  while (v >= 1024 && u < 3) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

Progress::Progress(bool enabled, bool terminal) : enabled_(enabled), terminal_(terminal) {}

Progress::~Progress() {
  unwatch();
  // A phase cut short by an error: end the redrawn line so the error message starts its own.
  if (line_open_) std::cerr << "\n" << std::flush;
}

void Progress::begin(std::string verb, std::string name, uint64_t total) {
  if (!enabled_) return;
  verb_ = std::move(verb);
  name_ = std::move(name);
  total_ = total;
  done_ = 0;
  start_ = last_ = std::chrono::steady_clock::now();
}

void Progress::update(uint64_t done) {
  if (!enabled_) return;
  done_ = done;
  if (seconds_since(last_) >= (terminal_ ? 0.2 : 1.0)) print(false);
}

void Progress::print(bool final) {
  last_ = std::chrono::steady_clock::now();
  const uint64_t done = done_;
  const double secs = seconds_since(start_);
  const double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
  std::string line = "picklejar: ";
  if (final) {
    char t[32];
    std::snprintf(t, sizeof t, "%.1f s", secs);
    line += verb_ + " " + name_ + ": " + human_bytes(done) + " in " + t;
  } else {
    line += verb_ + " " + name_ + ": " + human_bytes(done);
    if (total_) {
      line += " of " + human_bytes(total_) + " (" + std::to_string(done * 100 / total_) + "%)";
    }
  }
  line += final ? " (" + human_bytes(static_cast<uint64_t>(rate)) + "/s)" : ", " + human_bytes(static_cast<uint64_t>(rate)) + "/s";
  // On a terminal the line is redrawn: carriage return, the text, clear to the end of the line.
  if (terminal_) {
    std::cerr << "\r" << line << "\x1b[K" << (final ? "\n" : "") << std::flush;
    line_open_ = !final;
  } else {
    std::cerr << line << "\n" << std::flush;
  }
}

void Progress::end(const std::string& past_verb, std::optional<uint64_t> done) {
  if (!enabled_) return;
  unwatch();
  if (done) done_ = *done;
  verb_ = past_verb;
  print(true);
}

void Progress::watch(const std::filesystem::path& path) {
  if (!enabled_) return;
  std::error_code ec;
  std::filesystem::path target = std::filesystem::canonical(path, ec);
  if (ec) return;
  watch_fd(target.string(), false);
}

void Progress::watch_temporary(const std::filesystem::path& path) {
  if (!enabled_) return;
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::canonical(path.parent_path().empty() ? "." : path.parent_path(), ec);
  if (ec) return;
  watch_fd((dir / path.filename()).string() + ".tmp.", true);
}

void Progress::watch_fd(std::string target, bool prefix) {
  stop_ = false;
  watcher_ = std::thread([this, target = std::move(target), prefix] {
    while (!stop_) {
      int64_t pos = read_position(target, prefix);
      if (pos > static_cast<int64_t>(done_.load())) update(static_cast<uint64_t>(pos));
      ::usleep(50 * 1000);
    }
  });
}

void Progress::unwatch() {
  if (!watcher_.joinable()) return;
  stop_ = true;
  watcher_.join();
  // The library has read the whole file once its load returned.
  if (total_) done_ = total_;
}

}  // namespace picklejar_cli
