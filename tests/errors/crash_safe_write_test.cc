// dump_file is crash-safe: it writes a temporary file in the target's directory and renames it over
// the target only when complete. A child process killed (SIGKILL) in the middle of a large
// dump_file must leave the target absent (if there was none) or exactly the previous complete
// file; a dump that fails leaves no file at all (neither the target nor a temporary).
#include <gtest/gtest.h>
#include <picklejar/picklejar.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace picklejar {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;

class CrashSafeWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("picklejar_crashsafe_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    target_ = dir_ / "out.pkl";
  }
  void TearDown() override { fs::remove_all(dir_); }
  void remove_temporaries() const {
    for (const auto& p : temporaries()) fs::remove(p);
  }

  std::vector<fs::path> temporaries() const {
    std::vector<fs::path> v;
    for (const auto& e : fs::directory_iterator(dir_))
      if (e.path().filename().string().rfind("out.pkl.", 0) == 0) v.push_back(e.path());
    return v;
  }
  uint64_t temporary_bytes() const {
    uint64_t n = 0;
    std::error_code ec;
    for (const auto& p : temporaries()) n += fs::file_size(p, ec);
    return n;
  }

  fs::path dir_, target_;
};

// ["previous", 1], in a document that lives for the whole run.
Value small_value() {
  static Document doc = [] {
    Document d;
    Builder b = d.builder();
    d.set_root(b.list({b.str("previous"), b.integer(1)}));
    return d;
  }();
  return doc.root();
}

std::string read_all(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

// A list of `mib` distinct read-only PickleBuffers over one 1 MiB block: a pickle of `mib` MiB at
// protocol 5, written straight from the block.
struct BigValue {
  std::vector<uint8_t> block = std::vector<uint8_t>(size_t{1} << 20, 0x5a);
  Document doc;
  explicit BigValue(int mib) {
    Builder b = doc.builder();
    Value l = b.list();
    for (int i = 0; i < mib; ++i) b.append(l, b.buffer(ByteView(block.data(), block.size()), true));
    doc.set_root(l);
  }
};

// Forks a child that dump_files `v`; SIGKILLs it once its temporary file holds at least
// `kill_after` bytes. Returns true if the child was killed before finishing.
bool dump_and_kill(const Value& v, const fs::path& target, const std::function<uint64_t()>& tmp_bytes,
                   uint64_t kill_after) {
  pid_t pid = ::fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork failed";
    return false;
  }
  if (pid == 0) {
    try {
      DumpOptions o;
      o.protocol = 5;
      dump_file(v, target, o);
    } catch (...) {
      ::_exit(2);
    }
    ::_exit(0);
  }
  bool killed = false;
  auto start = std::chrono::steady_clock::now();
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;  // finished before we could kill it
    if (tmp_bytes() >= kill_after || std::chrono::steady_clock::now() - start > std::chrono::seconds(60)) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
      break;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return killed;
}

TEST_F(CrashSafeWrite, KilledMidWriteLeavesNoTarget) {
  BigValue big(256);
  bool killed = false;
  for (int attempt = 0; attempt < 5 && !killed; ++attempt) {
    fs::remove(target_);
    remove_temporaries();
    killed = dump_and_kill(big.doc.root(), target_, [&] { return temporary_bytes(); }, uint64_t{8} << 20);
    if (!killed) continue;
    EXPECT_FALSE(fs::exists(target_)) << "a killed dump_file left a target of " << fs::file_size(target_) << " bytes";
    EXPECT_FALSE(temporaries().empty()) << "killed before it began writing";
  }
  EXPECT_TRUE(killed) << "the child always finished before it could be killed";
}

TEST_F(CrashSafeWrite, KilledMidWriteLeavesThePreviousFile) {
  // The previous complete file.
  dump_file(small_value(), target_);
  const std::string previous = read_all(target_);
  ASSERT_FALSE(previous.empty());

  BigValue big(256);
  bool killed = false;
  for (int attempt = 0; attempt < 5 && !killed; ++attempt) {
    remove_temporaries();
    killed = dump_and_kill(big.doc.root(), target_, [&] { return temporary_bytes(); }, uint64_t{8} << 20);
    if (!killed) {  // it finished: put the previous file back and try again
      dump_file(small_value(), target_);
      continue;
    }
    ASSERT_TRUE(fs::exists(target_));
    EXPECT_EQ(read_all(target_), previous);
    Document old = load_file(target_);
    EXPECT_EQ(to_json(old.root()), "[\"previous\",1]");
  }
  EXPECT_TRUE(killed) << "the child always finished before it could be killed";
}

TEST_F(CrashSafeWrite, CompletedWriteReplacesTheTarget) {
  BigValue big(4);
  dump_file(small_value(), target_);
  DumpOptions o;
  o.protocol = 5;
  dump_file(big.doc.root(), target_, o);
  EXPECT_GT(fs::file_size(target_), uint64_t{4} << 20);
  EXPECT_TRUE(temporaries().empty());
  Document again = load_file(target_);
  EXPECT_EQ(again.root().size(), 4u);
}

TEST_F(CrashSafeWrite, FailingDumpLeavesNoFile) {
  // 20 MiB of bytes, then a PickleBuffer, which protocol 4 cannot express: the dump fails after
  // much of the output has gone to the temporary file.
  std::vector<uint8_t> block(size_t{1} << 20, 0x33);
  Document doc;
  Builder b = doc.builder();
  Value l = b.list();
  for (int i = 0; i < 20; ++i) b.append(l, b.bytes(ByteView(block.data(), block.size())));
  b.append(l, b.buffer(ByteView(block.data(), 16), true));
  doc.set_root(l);
  DumpOptions o;
  o.protocol = 4;
  for (bool had_previous : {false, true}) {
    SCOPED_TRACE(had_previous ? "over a previous file" : "no previous file");
    std::string previous;
    if (had_previous) {
      dump_file(small_value(), target_);
      previous = read_all(target_);
    }
    try {
      dump_file(doc.root(), target_, o);
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnsupported) << e.what();
    }
    if (had_previous) EXPECT_EQ(read_all(target_), previous);
    else EXPECT_FALSE(fs::exists(target_));
    EXPECT_TRUE(temporaries().empty()) << temporaries().front();
  }
  // A limit hit mid-dump, too.
  fs::remove(target_);
  std::string deep = "\x80\x02" + std::string(1000, ']') + std::string(999, 'a') + ".";
  Document d = load(ByteView(reinterpret_cast<const uint8_t*>(deep.data()), deep.size()));
  DumpOptions shallow;
  shallow.limits.max_depth = 10;
  EXPECT_THROW(dump_file(d.root(), target_, shallow), Error);
  EXPECT_FALSE(fs::exists(target_));
  EXPECT_TRUE(temporaries().empty());
  // A directory that does not exist: kIo, nothing created.
  try {
    dump_file(small_value(), dir_ / "missing" / "out.pkl");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir_ / "missing"));
}

// A new file gets the mode a plain open() would give it (0666 less the umask, read without
// changing the process umask); a replaced file keeps its mode.
TEST_F(CrashSafeWrite, FileModes) {
  const mode_t saved = ::umask(027);
  dump_file(small_value(), target_);
  EXPECT_EQ(fs::status(target_).permissions(), fs::perms(0640));
  fs::permissions(target_, fs::perms(0600));
  dump_file(small_value(), target_);
  EXPECT_EQ(fs::status(target_).permissions(), fs::perms(0600));
  ::umask(saved);
  EXPECT_EQ(::umask(saved), saved);  // dump_file left the umask as it was
}

}  // namespace
}  // namespace picklejar
