// Builds against an installed picklejar (find_package or pkg-config) and loads a pickle through the
// public API only. Prints OK and exits 0, or says what differed and exits 1.
#include <picklejar/picklejar.h>
#include <picklejar/torch.h>

#include <cstdint>
#include <cstring>
#include <iostream>

namespace {

// pickle.dumps({'a': [1, 2.5, 'x']}, 2)
const uint8_t kPickle[] = {
    0x80, 0x02, '}',  'q',  0x00, 'X',  0x01, 0x00, 0x00, 0x00, 'a',  'q',  0x01,
    ']',  'q',  0x02, '(',  'K',  0x01, 'G',  0x40, 0x04, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 'X',  0x01, 0x00, 0x00, 0x00, 'x',  'q',  0x03, 'e',  's',  '.',
};

int fail(const char* what) {
  std::cerr << "consumer: " << what << "\n";
  return 1;
}

}  // namespace

int main() {
  try {
    if (std::strcmp(picklejar::version(), PICKLEJAR_VERSION_STRING) != 0) {
      return fail("library version differs from the installed headers' version");
    }
    picklejar::Document doc = picklejar::load(picklejar::ByteView(kPickle, sizeof kPickle));
    picklejar::Value root = doc.root();
    if (root.at("a")[1].as_float() != 2.5) return fail("root['a'][1] != 2.5");
    if (root.at("a")[2].as_str() != "x") return fail("root['a'][2] != 'x'");
  } catch (const picklejar::Error& e) {
    std::cerr << "consumer: unexpected picklejar::Error: " << e.what() << "\n";
    return 1;
  }

  // The exception type must cross the shared-library boundary intact (exported typeinfo).
  try {
    picklejar::Document doc = picklejar::load(picklejar::ByteView(kPickle, 12));
    return fail("a truncated pickle loaded without error");
  } catch (const picklejar::Error& e) {
    std::cout << "truncated input throws " << picklejar::error_code_name(e.code()) << "\n";
  } catch (const std::exception& e) {
    std::cerr << "consumer: a truncated pickle threw something other than picklejar::Error: "
              << e.what() << "\n";
    return 1;
  }

  // The torch layer links its container libraries (minizip here) into the installed library:
  // a zip that is no zip reaches minizip and comes back as a picklejar::Error.
  const uint8_t kNotAZip[] = {'P', 'K', 3, 4, 0, 0, 0, 0};
  if (!picklejar::torch::looks_like_torch(picklejar::ByteView(kNotAZip, sizeof kNotAZip)))
    return fail("a zip's first bytes do not look like a torch file");
  try {
    picklejar::torch::load(picklejar::ByteView(kNotAZip, sizeof kNotAZip));
    return fail("a broken torch zip loaded without error");
  } catch (const picklejar::Error& e) {
    std::cout << "broken torch zip throws " << picklejar::error_code_name(e.code()) << "\n";
  }

  std::cout << "OK\n";
  return 0;
}
