#!/usr/bin/env bash
# Checks the installed Debian package (CI: after `apt-get install ./picklejar_*.deb`): the package
# holds the library, headers, CMake package, pkg-config file, CLI and man page, declares its
# runtime libraries, and tests/package/ builds and runs against it from the system prefix, with
# find_package and with pkg-config, no paths given.
#   tests/package/installed.sh WORK_DIR
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=${1:?usage: installed.sh WORK_DIR}
rm -rf "$work"
mkdir -p "$work"

fail() {
  echo "installed.sh: $*" >&2
  exit 1
}

files=$(dpkg -L picklejar) || fail "the picklejar package is not installed"
for want in '/libpicklejar\.so\.0$' '/include/picklejar/picklejar\.h$' '/cmake/picklejar/picklejarConfig\.cmake$' \
  '/pkgconfig/picklejar\.pc$' '^/usr/bin/picklejar$' '/man1/picklejar\.1' '/doc/picklejar/README\.md$'; do
  grep -Eq "$want" <<<"$files" || fail "the package has no file matching $want"
done
depends=$(dpkg-query -W -f='${Depends}' picklejar)
echo "installed.sh: Depends: $depends"
for lib in zlib1g libbz2 liblzma liblz4 libstdc++; do
  grep -q "$lib" <<<"$depends" || fail "Depends does not name $lib"
done

picklejar --version
picklejar show "$here/../../fixtures/pickle/my_data.pickle" >/dev/null

# find_package from the system prefix: nothing but the default search path.
cmake -S "$here" -B "$work/cmake" -DEXPECT_CLI=ON -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
cmake --build "$work/cmake"
"$work/cmake/consumer"

# pkg-config from the system prefix: no PKG_CONFIG_PATH, no rpath, no LD_LIBRARY_PATH.
c++ -std=c++20 "$here/main.cc" -o "$work/consumer-pkgconfig" $(pkg-config --cflags --libs picklejar)
env -u LD_LIBRARY_PATH "$work/consumer-pkgconfig"
echo "installed.sh: the installed package works"
