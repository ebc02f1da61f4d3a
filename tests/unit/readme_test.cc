// The README's C++ examples, compiled and run: each SNIPPET's code runs here, and its text (with
// comments and whitespace dropped) must appear in README.md, so the README cannot drift from code
// that works.
#include <gtest/gtest.h>
#include <picklejar/joblib.h>
#include <picklejar/picklejar.h>
#include <picklejar/scan.h>
#include <picklejar/torch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::vector<std::string>& snippets() {
  static std::vector<std::string> s;
  return s;
}

// Runs the code and records its text (the preprocessor has already removed the comments).
#define SNIPPET(...)                          \
  snippets().push_back(#__VA_ARGS__);         \
  __VA_ARGS__

std::string squeeze(const std::string& s) {
  std::string out;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  return out;
}

// The README's ```cpp blocks, comments and whitespace removed, joined.
std::string readme_code() {
  std::ifstream f(fs::path(PICKLEJAR_SOURCE_DIR) / "README.md");
  std::string text((std::istreambuf_iterator<char>(f)), {});
  std::string code;
  size_t pos = 0;
  while ((pos = text.find("```cpp\n", pos)) != std::string::npos) {
    size_t end = text.find("```", pos + 7);
    std::string block = text.substr(pos + 7, end - pos - 7);
    block = std::regex_replace(block, std::regex("//[^\n]*"), "");
    code += squeeze(block) + "\n";
    pos = end + 3;
  }
  return code;
}

class Readme : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("picklejar_readme_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    fs::copy_file(fs::path(PICKLEJAR_FIXTURES_DIR) / "pickle" / "my_data.pickle", dir_ / "my_data.pickle",
                  fs::copy_options::overwrite_existing);
    old_ = fs::current_path();
    fs::current_path(dir_);
  }
  void TearDown() override {
    fs::current_path(old_);
    fs::remove_all(dir_);
  }
  fs::path dir_, old_;
};

TEST_F(Readme, ExamplesRunAndAreQuotedExactly) {
  snippets().clear();
  std::ostringstream printed;
  std::streambuf* saved = std::cout.rdbuf(printed.rdbuf());
  {
    SNIPPET(picklejar::Document doc = picklejar::load_file("my_data.pickle");
            picklejar::Value root = doc.root(); std::string_view name = root.at("name").as_str();
            double version = root.at("version").as_float();
            for (picklejar::Value f : root.at("features").items()) std::cout << f.as_str() << "\n";)
    EXPECT_EQ(name, "Python");
    EXPECT_DOUBLE_EQ(version, 3.8);
  }
  std::cout.rdbuf(saved);
  EXPECT_EQ(printed.str(), "Speed\nFlexibility\nCommunity\n");
  {
    SNIPPET(picklejar::Document out; picklejar::Builder b = out.builder();
            picklejar::Value features = b.list({b.str("Speed"), b.str("Flexibility"), b.str("Community")});
            picklejar::Value data = b.dict({{b.str("name"), b.str("Python")}, {b.str("version"), b.float64(3.8)},
                                            {b.str("features"), features}, {b.str("rank"), b.integer(1)}});
            picklejar::dump_file(data, "my_data.pickle", {.protocol = 5});)
    // What CPython wrote for the tutorial's dict at protocol 5 (the fixture), byte for byte.
    std::ifstream a(fs::path(PICKLEJAR_FIXTURES_DIR) / "pickle" / "my_data.pickle", std::ios::binary);
    std::ifstream w("my_data.pickle", std::ios::binary);
    EXPECT_EQ(std::string((std::istreambuf_iterator<char>(a)), {}), std::string((std::istreambuf_iterator<char>(w)), {}));
  }
  {
    fs::copy_file(fs::path(PICKLEJAR_FIXTURES_DIR) / "sklearn" / "model.pkl", dir_ / "model.pkl",
                  fs::copy_options::overwrite_existing);
    SNIPPET(picklejar::Document model = picklejar::load_file("model.pkl"); picklejar::Value est = model.root();
            picklejar::ArrayRef x = est.as_object().state.at("_fit_X").as_array();
            std::span<const double> xs = x.as<double>();)
    EXPECT_EQ(x.dtype().str(), "<f8");
    EXPECT_EQ(x.shape(), (std::vector<int64_t>{105, 4}));
    EXPECT_EQ(xs.size(), 420u);
  }
  {
    fs::copy_file(fs::path(PICKLEJAR_FIXTURES_DIR) / "joblib" / "model.joblib", dir_ / "model.joblib",
                  fs::copy_options::overwrite_existing);
    SNIPPET(picklejar::Document model = picklejar::joblib::load("model.joblib");
            picklejar::joblib::dump_file(model.root(), "copy.joblib.gz", {.compression = {picklejar::Codec::kGzip, 3}});)
    picklejar::Document copy = picklejar::joblib::load("copy.joblib.gz");
    EXPECT_EQ(picklejar::joblib::inspect("copy.joblib.gz").compression, "gzip");
    EXPECT_EQ(picklejar::to_json(copy.root()), picklejar::to_json(model.root()));
  }
  {
    fs::copy_file(fs::path(PICKLEJAR_FIXTURES_DIR) / "numpy" / "bigendian_f8.p3.pkl", dir_ / "data.pkl",
                  fs::copy_options::overwrite_existing);
    SNIPPET(picklejar::LoadOptions strict;
            strict.allowed_globals = {{"numpy", "*"}, {"numpy.core.multiarray", "_reconstruct"}};
            picklejar::Document doc = picklejar::load_file("data.pkl", strict);)
    EXPECT_EQ(doc.root().kind(), picklejar::Kind::kArray);
  }
  {
    fs::copy_file(fs::path(PICKLEJAR_FIXTURES_DIR) / "torch" / "linear.pt", dir_ / "linear.pt",
                  fs::copy_options::overwrite_existing);
    SNIPPET(picklejar::Document sd = picklejar::torch::load("linear.pt", {.mmap = true});
            picklejar::torch::TensorRef w(picklejar::torch::as_dict(sd.root()).at("weight"));
            std::span<const float> ws = w.as<float>();)
    EXPECT_EQ(w.dtype(), picklejar::torch::DType::kFloat32);
    EXPECT_EQ(w.shape(), (std::vector<int64_t>{3, 4}));
    EXPECT_EQ(ws.size(), 12u);
  }
  {
    SNIPPET(picklejar::Document sd = picklejar::torch::load("linear.pt");
            picklejar::Document out;
            picklejar::Builder b = out.builder();
            picklejar::Value state = picklejar::torch::make_ordered_dict(b);
            for (auto [name, value] : picklejar::torch::as_dict(sd.root()).dict_items()) {
              picklejar::torch::TensorRef t(value);
              std::vector<float> x(t.as<float>().begin(), t.as<float>().end());
              if (name.as_str() == "weight")
                for (float& v : x) v *= 0.5f;
              b.set_item(picklejar::torch::as_dict(state), b.str(name.as_str()),
                         picklejar::torch::make_tensor(b, t.dtype(), t.shape(), std::span<const float>(x)));
            }
            picklejar::torch::dump_file(state, "linear_half.pt");)
    picklejar::Document half = picklejar::torch::load("linear_half.pt");
    picklejar::torch::TensorRef w(picklejar::torch::as_dict(half.root()).at("weight"));
    picklejar::torch::TensorRef w0(picklejar::torch::as_dict(sd.root()).at("weight"));
    EXPECT_EQ(w.as<float>()[5], w0.as<float>()[5] * 0.5f);
    EXPECT_EQ(picklejar::torch::as_dict(half.root()).size(), 2u);
  }
  {
    fs::copy_file(fs::path(PICKLEJAR_FIXTURES_DIR) / "sklearn" / "model.pkl", dir_ / "model.pkl",
                  fs::copy_options::overwrite_existing);
    bool loaded = false;
    SNIPPET(picklejar::ScanReport report = picklejar::scan_file("model.pkl", {.policy = picklejar::Policy::builtin("sklearn")});
            if (report.verdict == picklejar::Verdict::kSafe) {
              picklejar::LoadOptions gated;
              gated.policy = std::make_shared<const picklejar::Policy>(picklejar::Policy::builtin("sklearn"));
              picklejar::Document doc = picklejar::load_file("model.pkl", gated);
              loaded = doc.root().kind() == picklejar::Kind::kObject;
            })
    EXPECT_TRUE(loaded) << picklejar::verdict_name(report.verdict) << " " << report.error;
  }
  for (const std::string& s : snippets())
    EXPECT_NE(readme_code().find(squeeze(s)), std::string::npos) << "README.md does not quote: " << s;
}

// The README's error table ("### Error codes") lists exactly the codes of error.h's X-macro list.
TEST_F(Readme, ErrorTableListsEveryCodeOfErrorH) {
  std::ifstream f(fs::path(PICKLEJAR_SOURCE_DIR) / "README.md");
  std::string text((std::istreambuf_iterator<char>(f)), {});
  size_t start = text.find("### Error codes");
  ASSERT_NE(start, std::string::npos);
  size_t end = text.find("\n#", start + 1);
  std::string table = text.substr(start, end - start);
  std::vector<std::string> listed;
  std::regex code_re("`(k[A-Z][A-Za-z0-9]*)`");
  std::istringstream lines(table);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("| `k", 0) != 0) continue;
    std::string first_cell = line.substr(0, line.find(" |", 2));
    for (std::sregex_iterator it(first_cell.begin(), first_cell.end(), code_re), e; it != e; ++it)
      listed.push_back((*it)[1]);
  }
  std::vector<std::string> defined;
#define PICKLEJAR_README_CODE(name, number, description) defined.push_back(#name);
  PICKLEJAR_ERROR_CODES(PICKLEJAR_README_CODE)
#undef PICKLEJAR_README_CODE
  for (const std::string& code : defined)
    EXPECT_NE(std::find(listed.begin(), listed.end(), code), listed.end()) << code << " is missing from README.md";
  for (const std::string& code : listed)
    EXPECT_NE(std::find(defined.begin(), defined.end(), code), defined.end()) << code << " is not in error.h";
  EXPECT_EQ(listed.size(), defined.size()) << "a code is listed twice";
}

}  // namespace
