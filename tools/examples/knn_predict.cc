// knn_predict: predict with a scikit-learn KNeighborsClassifier from C++, without Python.
//
//   knn_predict MODEL [X.json]        (no X.json, or "-": read the JSON from standard input)
//
// MODEL is the classifier as joblib.dump or pickle.dump wrote it; picklejar::joblib::load reads
// both. Loading runs no Python code: the classifier stays an inert object whose state dict
// (what sklearn's __getstate__ returned) holds everything predict() needs:
//
//   _fit_X             float64 (n_samples, n_features): the training points
//   _y                 int64 (n_samples,): each training point's class, as an index into classes_
//   classes_           int64 (n_classes,): the labels predict() returns
//   n_neighbors        k
//   weights            'uniform' or 'distance'
//   effective_metric_  the metric fit() settled on. Only metric='minkowski' looks at p (p=1 becomes
//                      'manhattan', p=2 'euclidean'); with metric='euclidean' p is ignored, so a
//                      model built with p=1, metric='euclidean' measures euclidean distances.
//
// The fitted KD-tree (_tree) is not needed: a brute-force search finds the same neighbours.
// predict() is then sklearn's: 'distance' weights each neighbour by 1/d, except that when some
// neighbours are at distance 0 they share all the weight (sklearn's _get_weights); the class with
// the largest total weight wins, the lowest class index on a tie (sklearn's weighted_mode).
//
// X.json is an array of rows, [[5.1, 3.5, 1.4, 0.2], ...], or an object holding one under "X" or
// "X_test" (as fixtures/sklearn/model_iris_split.json does). The output is one label per line.
//
// Example: build/bin/knn_predict fixtures/sklearn/model.pkl fixtures/sklearn/model_iris_split.json
#include <picklejar/joblib.h>
#include <picklejar/picklejar.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

// ---- The model --------------------------------------------------------------------------------

struct KnnModel {
  size_t n_features = 0;
  std::vector<double> fit_X;     // n_samples rows of n_features, row after row
  std::vector<int64_t> y;        // class index of each training row
  std::vector<int64_t> classes;  // label of each class index
  size_t k = 0;
  bool distance_weights = false;  // weights='distance' (else 'uniform')
  bool manhattan = false;         // effective_metric_ 'manhattan' (else 'euclidean')

  size_t n_samples() const { return y.size(); }
};

// Reads what predict() needs from the classifier's state dict, checking each part.
KnnModel read_model(const picklejar::Value& root) {
  picklejar::ObjectRef obj = root.as_object();
  picklejar::GlobalRef cls = obj.callable.as_global();
  if (cls.name != "KNeighborsClassifier")
    throw std::runtime_error("not a KNeighborsClassifier: " + std::string(cls.module) + "." + std::string(cls.name));
  picklejar::Value state = obj.state;

  KnnModel m;
  picklejar::ArrayRef fit_X = state.at("_fit_X").as_array();
  if (fit_X.ndim() != 2 || fit_X.fortran_order())
    throw std::runtime_error("_fit_X is not a C-ordered 2-d array");
  m.n_features = static_cast<size_t>(fit_X.shape()[1]);
  std::span<const double> X = fit_X.as<double>();  // throws unless the dtype is float64
  m.fit_X.assign(X.begin(), X.end());

  std::span<const int64_t> y = state.at("_y").as_array().as<int64_t>();
  std::span<const int64_t> classes = state.at("classes_").as_array().as<int64_t>();
  m.y.assign(y.begin(), y.end());
  m.classes.assign(classes.begin(), classes.end());
  if (m.y.size() != static_cast<size_t>(fit_X.shape()[0]))
    throw std::runtime_error("_y and _fit_X disagree on the number of samples");
  for (int64_t c : m.y)
    if (c < 0 || static_cast<size_t>(c) >= m.classes.size()) throw std::runtime_error("_y holds a bad class index");

  if (state.at("outputs_2d_").as_bool()) throw std::runtime_error("multi-output classifiers are not supported");
  int64_t k = state.at("n_neighbors").as_int();
  if (k < 1 || static_cast<size_t>(k) > m.n_samples()) throw std::runtime_error("n_neighbors out of range");
  m.k = static_cast<size_t>(k);

  std::string_view weights = state.at("weights").as_str();  // a callable would not be a str
  if (weights != "uniform" && weights != "distance")
    throw std::runtime_error("unsupported weights '" + std::string(weights) + "'");
  m.distance_weights = weights == "distance";

  std::string_view metric = state.at("effective_metric_").as_str();
  if (metric != "euclidean" && metric != "manhattan")
    throw std::runtime_error("unsupported metric '" + std::string(metric) + "'");
  m.manhattan = metric == "manhattan";
  return m;
}

// ---- predict ----------------------------------------------------------------------------------

double distance(const KnnModel& m, const double* a, const double* b) {
  double sum = 0;
  for (size_t j = 0; j < m.n_features; ++j) {
    double d = a[j] - b[j];
    sum += m.manhattan ? std::fabs(d) : d * d;
  }
  return m.manhattan ? sum : std::sqrt(sum);
}

int64_t predict_one(const KnnModel& m, const std::vector<double>& x) {
  // Every training point's distance, then the k nearest (equal distances: the lower index first).
  std::vector<double> dist(m.n_samples());
  for (size_t i = 0; i < m.n_samples(); ++i) dist[i] = distance(m, x.data(), &m.fit_X[i * m.n_features]);
  std::vector<size_t> order(m.n_samples());
  std::iota(order.begin(), order.end(), size_t{0});
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(m.k), order.end(),
                    [&](size_t a, size_t b) { return dist[a] < dist[b] || (dist[a] == dist[b] && a < b); });
  order.resize(m.k);

  // Each neighbour's weight, as sklearn's _get_weights: 1/d, or all of it to exact matches.
  bool exact_match = m.distance_weights &&
                     std::any_of(order.begin(), order.end(), [&](size_t i) { return dist[i] == 0.0; });
  std::vector<double> score(m.classes.size(), 0.0);
  for (size_t i : order) {
    double w = 1.0;
    if (m.distance_weights) w = exact_match ? (dist[i] == 0.0 ? 1.0 : 0.0) : 1.0 / dist[i];
    score[static_cast<size_t>(m.y[i])] += w;
  }
  // The first class with the highest score (std::max_element returns the first of equal maxima).
  auto best = std::max_element(score.begin(), score.end());
  return m.classes[static_cast<size_t>(best - score.begin())];
}

// ---- Reading X from JSON ----------------------------------------------------------------------

// Just enough JSON for a matrix of numbers: an array of arrays, alone or under "X" / "X_test" in
// an object whose other members are skipped.
class JsonMatrixReader {
 public:
  explicit JsonMatrixReader(std::string text) : s_(std::move(text)) {}

  std::vector<std::vector<double>> read() {
    std::vector<std::vector<double>> rows;
    bool found = false;
    if (peek() == '[') {
      rows = read_matrix();
      found = true;
    } else {
      expect('{');
      while (peek() != '}') {
        std::string key = read_string();
        expect(':');
        if (!found && (key == "X" || key == "X_test")) {
          rows = read_matrix();
          found = true;
        } else {
          skip_value();
        }
        if (peek() != ',') break;
        expect(',');
      }
      expect('}');
    }
    if (peek() != '\0') fail("unexpected text after the JSON value");
    if (!found) fail("no \"X\" or \"X_test\" member");
    return rows;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error("JSON input, at byte " + std::to_string(pos_) + ": " + why);
  }
  char peek() {  // the next non-blank character ('\0' at the end), not consumed
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    return pos_ < s_.size() ? s_[pos_] : '\0';
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string read_string() {  // keys only: escapes are kept as written
    expect('"');
    size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] != '"') pos_ += s_[pos_] == '\\' ? 2 : 1;
    if (pos_ >= s_.size()) fail("unterminated string");
    return s_.substr(start, pos_++ - start);
  }
  double read_number() {
    peek();
    const char* begin = s_.c_str() + pos_;
    char* end = nullptr;
    double v = std::strtod(begin, &end);
    if (end == begin) fail("expected a number");
    pos_ += static_cast<size_t>(end - begin);
    return v;
  }
  std::vector<double> read_row() {
    std::vector<double> row;
    expect('[');
    while (peek() != ']') {
      row.push_back(read_number());
      if (peek() != ',') break;
      expect(',');
    }
    expect(']');
    return row;
  }
  std::vector<std::vector<double>> read_matrix() {
    std::vector<std::vector<double>> rows;
    expect('[');
    while (peek() != ']') {
      rows.push_back(read_row());
      if (peek() != ',') break;
      expect(',');
    }
    expect(']');
    return rows;
  }
  void skip_value() {  // any JSON value
    char c = peek();
    if (c == '"') {
      read_string();
    } else if (c == '[' || c == '{') {
      char close = c == '[' ? ']' : '}';
      ++pos_;
      while (peek() != close) {
        if (c == '{') {
          read_string();
          expect(':');
        }
        skip_value();
        if (peek() != ',') break;
        expect(',');
      }
      expect(close);
    } else {  // a number, true, false or null
      size_t start = pos_;
      while (pos_ < s_.size() && std::string_view(",]} \t\r\n").find(s_[pos_]) == std::string_view::npos) ++pos_;
      if (pos_ == start) fail("expected a value");
    }
  }

  std::string s_;
  size_t pos_ = 0;
};

std::string read_all(std::istream& in) {
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::cerr << "usage: knn_predict MODEL [X.json]   (MODEL: a joblib or pickle file; X.json: "
                 "[[...], ...] or {\"X_test\": [[...], ...]}; standard input without X.json or with -)\n";
    return 2;
  }
  try {
    // The document owns every value; keep it alive while reading them.
    picklejar::Document doc = picklejar::joblib::load(argv[1]);
    KnnModel model = read_model(doc.root());

    std::string json;
    if (argc == 3 && std::string_view(argv[2]) != "-") {
      std::ifstream f(argv[2], std::ios::binary);
      if (!f) throw std::runtime_error(std::string("cannot open ") + argv[2]);
      json = read_all(f);
    } else {
      json = read_all(std::cin);
    }
    std::vector<std::vector<double>> X = JsonMatrixReader(std::move(json)).read();

    for (const std::vector<double>& x : X) {
      if (x.size() != model.n_features)
        throw std::runtime_error("a row of X has " + std::to_string(x.size()) + " features, the model expects " +
                                 std::to_string(model.n_features));
      std::cout << predict_one(model, x) << "\n";
    }
    return 0;
  } catch (const picklejar::Error& e) {  // the model file is not what we expect
    std::cerr << "knn_predict: " << argv[1] << ": " << e.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "knn_predict: " << e.what() << "\n";
  }
  return 1;
}
