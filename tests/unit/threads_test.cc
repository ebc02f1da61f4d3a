// Thread safety as pickle.h, value.h and document.h promise it: different threads may load and
// dump different inputs concurrently, and any number of threads may read one loaded Document
// (print it, dump it, compare it, look things up) at the same time. Meant to run under
// ThreadSanitizer (.ci/run: a -DPICKLEJAR_SANITIZE=thread build running only Threads.*); the
// results are also checked against a single-threaded run.
#include <gtest/gtest.h>
#include <picklejar/picklejar.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace picklejar {
namespace {

namespace fs = std::filesystem;

constexpr int kThreads = 8;

std::string read_all(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

ByteView view(const std::string& s) { return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

// Fixtures that load with default options: (name, bytes, json).
struct Sample {
  std::string name, data, json;
};

std::vector<Sample> samples() {
  std::vector<Sample> v;
  const fs::path dir = fs::path(PICKLEJAR_FIXTURES_DIR) / "pickle";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".pkl") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::string data = read_all(f);
    if (data.size() > 20000) continue;
    try {
      Document d = load(view(data));
      v.push_back({f.filename().string(), data, to_json(d.root())});
    } catch (const Error&) {
    }
  }
  v.push_back({"sklearn/model.pkl", read_all(fs::path(PICKLEJAR_FIXTURES_DIR) / "sklearn" / "model.pkl"), ""});
  Document model = load(view(v.back().data));
  v.back().json = to_json(model.root());
  return v;
}

void run_threads(const std::function<void(int)>& body) {
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(body, t);
  for (auto& t : threads) t.join();
}

TEST(Threads, LoadAndDumpSeparateDocuments) {
  const std::vector<Sample> all = samples();
  ASSERT_GT(all.size(), 100u);
  const fs::path dir = fs::temp_directory_path() / ("picklejar_threads_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::atomic<int> mismatches{0}, errors{0};
  run_threads([&](int t) {
    for (size_t i = static_cast<size_t>(t); i < all.size(); i += kThreads) {
      const Sample& s = all[i];
      try {
        Document d = load(view(s.data));
        if (to_json(d.root()) != s.json) ++mismatches;
        (void)to_show(d.root());
        for (int p : {2, 5}) {
          DumpOptions o;
          o.protocol = p;
          std::vector<uint8_t> bytes;
          try {
            bytes = dump(d.root(), o);
          } catch (const Error& e) {
            if (e.code() != ErrorCode::kUnsupported) throw;
            continue;
          }
          Document again = load(ByteView(bytes.data(), bytes.size()));
          (void)to_json(again.root());
        }
        std::istringstream in(s.data);
        Document streamed = load_stream(in);
        if (to_json(streamed.root()) != s.json) ++mismatches;
        // Through a file of this thread's own (dump_file: temporary file + rename).
        if (i % 32 == static_cast<size_t>(t)) {
          const fs::path file = dir / ("t" + std::to_string(t) + ".pkl");
          DumpOptions o;
          o.protocol = 5;
          try {
            dump_file(d.root(), file, o);
            Document back = load_file(file);
            (void)to_json(back.root());
          } catch (const Error& e) {
            if (e.code() != ErrorCode::kUnsupported) throw;
          }
        }
      } catch (const Error&) {
        ++errors;
      }
    }
  });
  fs::remove_all(dir);
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(errors.load(), 0);
}

TEST(Threads, ReadOneDocumentFromManyThreads) {
  const fs::path model = fs::path(PICKLEJAR_FIXTURES_DIR) / "sklearn" / "model.pkl";
  const fs::path mixed = fs::path(PICKLEJAR_FIXTURES_DIR) / "pickle" / "dict_mixed_keys.p4.pkl";
  for (const fs::path& path : {model, mixed}) {
    SCOPED_TRACE(path.filename().string());
    const Document doc = load_file(path);
    const Value root = doc.root();
    const std::string json = to_json(root);
    const std::string show = to_show(root);
    DumpOptions o;
    o.protocol = 4;
    const std::vector<uint8_t> bytes = dump(root, o);
    const Document copy = load(ByteView(bytes.data(), bytes.size()));
    std::atomic<int> mismatches{0};
    run_threads([&](int t) {
      for (int round = 0; round < 5; ++round) {
        if (to_json(root) != json) ++mismatches;
        if (to_show(root) != show) ++mismatches;
        if (dump(root, o) != bytes) ++mismatches;
        // Walk every value through the typed accessors and lookups.
        std::vector<Value> work{root};
        size_t visited = 0;
        while (!work.empty() && visited < 100000) {
          Value v = work.back();
          work.pop_back();
          ++visited;
          switch (v.kind()) {
            case Kind::kList:
            case Kind::kTuple:
            case Kind::kSet:
            case Kind::kFrozenSet:
              for (const Value& i : v.items()) {
                work.push_back(i);
                if (v.kind() == Kind::kSet || v.kind() == Kind::kFrozenSet)
                  if (!v.contains(i)) ++mismatches;
              }
              break;
            case Kind::kDict:
              for (const auto& [k, val] : v.dict_items()) {
                work.push_back(val);
                auto found = v.find(k);
                if (!found || !found->is(val)) ++mismatches;
              }
              break;
            case Kind::kObject: {
              ObjectRef r = v.as_object();
              for (const Value* part : {&r.callable, &r.args, &r.kwargs, &r.state, &r.list_items, &r.dict_items})
                if (part->valid()) work.push_back(*part);
              break;
            }
            case Kind::kStr: (void)v.as_str(); break;
            case Kind::kInt: (void)v.int_bytes(); break;
            case Kind::kFloat: (void)v.as_float(); break;
            default: break;
          }
        }
        if ((t + round) % 2 == 0 && !root.equals(copy.root())) {
          // Objects compare by identity, so a reloaded copy equals only when there are none.
          if (json.find("\"$object\"") == std::string::npos) ++mismatches;
        }
        if (!root.equals(root)) ++mismatches;
      }
    });
    EXPECT_EQ(mismatches.load(), 0);
  }
}

}  // namespace
}  // namespace picklejar
