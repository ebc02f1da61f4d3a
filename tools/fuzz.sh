#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and runs one of them.
#
#   tools/fuzz.sh TARGET SECONDS      TARGET: load, roundtrip, disassemble, joblib or torch (or fuzz_load, ...)
#   tools/fuzz.sh build               only configure and build
#   tools/fuzz.sh seeds               only (re)build the seed corpus
#
# The seed corpus build-fuzz/seeds/ is a flat copy of every fixture pickle (fixtures/**/*.pkl and
# *.pickle), rebuilt on each run; fuzz_joblib's, build-fuzz/seeds-joblib/, holds every file of
# fixtures/joblib/ and fixtures/joblib-corpus/ behind the mode byte 0 (as it is) and 7 (inspect),
# and the uncompressed ones also behind 1-6 (compressed by the target with each codec); fuzz_torch's,
# build-fuzz/seeds-torch/, every torch file of fixtures/torch/ (bad/ included) and the torch_*
# findings of fixtures/regress/; what the fuzzer finds accumulates in build-fuzz/corpus/TARGET/
# (kept between runs); crashes, leaks, timeouts and OOMs land in build-fuzz/artifacts/TARGET/.
# The opcode dictionary is tests/fuzz/pickle.dict. A single allocation over 512 MiB is a finding
# (-malloc_limit_mb: no input of at most 16 KiB justifies one). Exit status: libFuzzer's (0 = nothing
# found).
#
# Environment: FUZZ_BUILD_DIR (default build-fuzz), FUZZ_MAX_LEN (default 16384), FUZZ_JOBS
# (build parallelism, default 2), FUZZ_ARGS (extra libFuzzer flags), CC/CXX (default clang/clang++).
# A finding is replayed with: build-fuzz/bin/fuzz_TARGET ARTIFACT
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
build=${FUZZ_BUILD_DIR:-build-fuzz}

usage() {
  echo "usage: tools/fuzz.sh {load|roundtrip|disassemble|joblib|torch|scan} SECONDS | build | seeds" >&2
  exit 2
}

configure_and_build() {
  if [[ ! -f $build/CMakeCache.txt ]]; then
    # -O1 with line tables only: what libFuzzer's docs advise for sanitized targets; reports still
    # name file:line, and the build takes a fraction of -O2 -g's time (CI builds it on each run).
    CC=${CC:-clang} CXX=${CXX:-clang++} cmake -S . -B "$build" \
      -DCMAKE_BUILD_TYPE=Release \
      "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -gline-tables-only -DNDEBUG" \
      -DCMAKE_CXX_FLAGS="-fno-sanitize-recover=all" \
      -DBUILD_SHARED_LIBS=OFF \
      -DPICKLEJAR_FUZZ=ON \
      -DPICKLEJAR_SANITIZE=address,undefined \
      -DPICKLEJAR_BUILD_TESTS=OFF \
      -DPICKLEJAR_BUILD_TOOLS=OFF >/dev/null
  fi
  cmake --build "$build" -j"${FUZZ_JOBS:-2}" --target fuzz_load fuzz_roundtrip fuzz_disassemble fuzz_joblib fuzz_torch fuzz_scan
}

make_seeds() {
  rm -rf "$build/seeds"
  mkdir -p "$build/seeds"
  local n=0 f rel
  while IFS= read -r -d '' f; do
    rel=${f#fixtures/}
    cp "$f" "$build/seeds/${rel//\//__}"
    n=$((n + 1))
  done < <(find fixtures -type f \( -name '*.pkl' -o -name '*.pickle' \) -print0 | sort -z)
  echo "fuzz.sh: $n seeds in $build/seeds"

  rm -rf "$build/seeds-joblib"
  mkdir -p "$build/seeds-joblib"
  n=0
  local name mode first
  while IFS= read -r -d '' f; do
    name=${f#fixtures/}
    name=${name//\//__}
    first=$(head -c1 "$f" | od -An -tx1 | tr -d ' ')
    for mode in 0 1 2 3 4 5 6 7; do
      # modes 1-6 compress the rest themselves: only files that are not compressed already
      if [[ $mode =~ ^[1-6]$ && $first != 80 ]]; then continue; fi
      { printf "\\$(printf %03o "$mode")"; cat "$f"; } >"$build/seeds-joblib/$mode.$name"
      n=$((n + 1))
    done
  done < <(find fixtures/joblib fixtures/joblib-corpus -type f ! -name '*.md' ! -name LICENSE -print0 | sort -z)
  echo "fuzz.sh: $n seeds in $build/seeds-joblib"

  rm -rf "$build/seeds-torch"
  mkdir -p "$build/seeds-torch"
  n=0
  while IFS= read -r -d '' f; do
    rel=${f#fixtures/}
    cp "$f" "$build/seeds-torch/${rel//\//__}"
    n=$((n + 1))
  done < <(find fixtures/torch fixtures/regress -type f \( -name '*.pt' -o -name 'torch_*' \) -print0 | sort -z)
  echo "fuzz.sh: $n seeds in $build/seeds-torch"
}

[[ $# -ge 1 ]] || usage
case $1 in
  build) configure_and_build; exit 0 ;;
  seeds) make_seeds; exit 0 ;;
esac
[[ $# -eq 2 && $2 =~ ^[0-9]+$ ]] || usage
target=${1#fuzz_}
case $target in
  load | roundtrip | disassemble | scan) seeds=$build/seeds ;;
  joblib) seeds=$build/seeds-joblib ;;
  torch) seeds=$build/seeds-torch ;;
  *) usage ;;
esac
seconds=$2

configure_and_build
make_seeds
corpus=$build/corpus/$target
artifacts=$build/artifacts/$target
mkdir -p "$corpus" "$artifacts"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
echo "fuzz.sh: running fuzz_$target for ${seconds}s (corpus $corpus, artifacts $artifacts/)"
# shellcheck disable=SC2086  # FUZZ_ARGS is a list of flags
exec "$build/bin/fuzz_$target" \
  -dict="$root/tests/fuzz/pickle.dict" \
  -max_total_time="$seconds" \
  -max_len="${FUZZ_MAX_LEN:-16384}" \
  -timeout=10 \
  -rss_limit_mb=2048 \
  -malloc_limit_mb=512 \
  -print_final_stats=1 \
  -artifact_prefix="$artifacts/" \
  ${FUZZ_ARGS:-} \
  "$corpus" "$seeds"
