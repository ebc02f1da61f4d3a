#!/usr/bin/env bash
# Installs every Debian 12 package picklejar's build, tests, benchmarks and fuzzers need.
# Idempotent: packages already installed are left as they are. Uses sudo when not root.
set -euo pipefail

packages=(
  # build
  cmake g++ make pkg-config
  zlib1g-dev libbz2-dev liblzma-dev liblz4-dev
  # zip and tar containers (PyTorch checkpoints)
  libminizip-dev libarchive-dev
  # tests and benchmarks (time: GNU time measures the CLI's peak memory in tests/cli)
  libgtest-dev libgmock-dev libbenchmark-dev time
  # interop tests and fixture generation (Debian's /usr/bin/python3 with these modules; the
  # testsuite package holds CPython's own pickle tests)
  python3 python3-numpy python3-joblib python3-lz4 python3-sklearn python3-torch libpython3.11-testsuite
  # the man page (help2man) and the Debian package (cpack -G DEB: dpkg-shlibdeps, file)
  help2man dpkg-dev file
  # fuzzing (libFuzzer, sanitizer runtimes)
  clang libclang-rt-14-dev
)

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install_deps.sh: not root and no sudo; install these as root: ${packages[*]}" >&2
    exit 1
  fi
  sudo=(sudo)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install_deps.sh: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "install_deps.sh: installing ${missing[*]}"
echo "install_deps.sh: apt-get update"
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install_deps.sh: done"
