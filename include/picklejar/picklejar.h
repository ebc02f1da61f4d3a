// picklejar: read and write Python pickles from C++.
//
//   #include <picklejar/picklejar.h>
//
//   picklejar::Document doc = picklejar::load_file("my_data.pickle");
//   picklejar::Value root = doc.root();                 // {'name': 'Python', 'version': 3.8, ...}
//   std::string_view name = root.at("name").as_str();   // "Python"
//   double version = root.at("version").as_float();     // 3.8
//   for (picklejar::Value f : root.at("features").items()) std::cout << f.as_str() << "\n";
//
// Loading never executes or imports anything: classes and functions named by a pickle stay inert
// (Kind::kGlobal, Kind::kObject). Every bad input throws picklejar::Error with a stable code and the
// byte offset. See README.md for the CLI, the limits and the error codes.
// Thread safety: see each header; a loaded Document may be read from many threads.
#pragma once

#include "picklejar/document.h"
#include "picklejar/error.h"
#include "picklejar/ndarray.h"
#include "picklejar/pickle.h"
#include "picklejar/value.h"
#include "picklejar/version.h"
