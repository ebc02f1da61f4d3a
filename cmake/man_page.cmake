# The picklejar(1) man page, made by help2man from `picklejar --help` and docs/picklejar.h2m, is
# kept in docs/picklejar.1 and installed from there: the package then does not depend on the
# build machine having help2man (nor on running the built CLI, which a cross build cannot), and
# `--help` stays its one source because the `man_page` test fails when they drift.
#   cmake -DCLI=<picklejar> -DHELP2MAN=<help2man> -DSOURCE_DIR=<src> -DMODE=write|check [-DOUT=<file>] -P man_page.cmake
# write: regenerates docs/picklejar.1 (`cmake --build build --target man`); check: compares a fresh
# page with it, all but the .TH line (which holds the month).
cmake_minimum_required(VERSION 3.21)

set(page "${SOURCE_DIR}/docs/picklejar.1")
if(MODE STREQUAL "write")
  set(target "${page}")
else()
  set(target "${OUT}")
endif()
execute_process(
  COMMAND "${HELP2MAN}" --no-info --section 1
    --name "inspect and convert Python pickles and joblib files without Python"
    --include "${SOURCE_DIR}/docs/picklejar.h2m"
    --output "${target}" "${CLI}"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "man_page.cmake: help2man failed (${rc})")
endif()
if(MODE STREQUAL "check")
  file(STRINGS "${page}" kept)
  file(STRINGS "${target}" fresh)
  list(FILTER kept EXCLUDE REGEX "^\\.TH ")
  list(FILTER fresh EXCLUDE REGEX "^\\.TH ")
  if(NOT kept STREQUAL fresh)
    message(FATAL_ERROR "docs/picklejar.1 is not what `picklejar --help` makes now: run "
      "`cmake --build <build> --target man` and commit docs/picklejar.1")
  endif()
endif()
