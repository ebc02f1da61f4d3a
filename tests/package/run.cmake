# Packaging test (CTest `package_consumer`), run as `cmake -D... -P run.cmake` by the top-level
# CMakeLists.txt. Installs the picklejar build into a scratch prefix, then:
#   1. builds and runs this directory's consumer with find_package(picklejar) against the prefix;
#   2. runs the installed CLI (its RPATH must find ../lib);
#   3. compiles the same main.cc with `pkg-config --cflags --libs picklejar` and runs it
#      (skipped, saying why, only if pkg-config is not installed).
# Any failure stops the script with a non-zero exit.
#
# Inputs: BUILD_DIR CONFIG WORK_DIR CONSUMER_DIR GENERATOR CXX_COMPILER SANITIZE STATIC LIBDIR
#         PKG_CONFIG CLI
cmake_minimum_required(VERSION 3.21)

foreach(var BUILD_DIR WORK_DIR CONSUMER_DIR GENERATOR CXX_COMPILER LIBDIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT CONFIG)
  set(CONFIG Release)
endif()

set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/consumer-build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(run what)
  message(STATUS "package test: ${what}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "package test: ${what} failed (${rc})")
  endif()
endfunction()

# A sanitized picklejar needs sanitized consumers (the runtime must be linked into the executable).
set(san_flags "")
if(SANITIZE)
  set(san_flags "-fsanitize=${SANITIZE}")
endif()

run("install to ${prefix}"
  "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --config "${CONFIG}" --prefix "${prefix}")

# ---- 1. find_package ------------------------------------------------------------------------------
run("configure the consumer"
  "${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${consumer_build}" -G "${GENERATOR}"
  "-DCMAKE_PREFIX_PATH=${prefix}"
  "-DCMAKE_BUILD_TYPE=${CONFIG}"
  "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
  "-DCMAKE_CXX_FLAGS=${san_flags}"
  "-DCMAKE_EXE_LINKER_FLAGS=${san_flags}"
  "-DEXPECT_CLI=${CLI}"
  # Only the scratch prefix may satisfy find_package(picklejar), never a system-wide install.
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
run("build the consumer"
  "${CMAKE_COMMAND}" --build "${consumer_build}" --config "${CONFIG}")
file(GLOB_RECURSE consumer_exe LIST_DIRECTORIES false "${consumer_build}/consumer" "${consumer_build}/*/consumer")
if(NOT consumer_exe)
  message(FATAL_ERROR "package test: the consumer executable was not built")
endif()
list(GET consumer_exe 0 consumer_exe)
run("run the find_package consumer" "${consumer_exe}")

# ---- 2. the installed CLI -------------------------------------------------------------------------
if(CLI)
  run("run the installed CLI" "${prefix}/bin/picklejar" --help)
endif()

# ---- 3. pkg-config --------------------------------------------------------------------------------
if(NOT PKG_CONFIG)
  message(STATUS "package test: pkg-config check SKIPPED: pkg-config is not installed "
    "(tools/install_deps.sh installs it)")
  return()
endif()

set(pc_args --cflags --libs)
if(STATIC)
  list(APPEND pc_args --static)
endif()
set(ENV{PKG_CONFIG_PATH} "${prefix}/${LIBDIR}/pkgconfig")
message(STATUS "package test: PKG_CONFIG_PATH=$ENV{PKG_CONFIG_PATH} ${PKG_CONFIG} ${pc_args} picklejar")
execute_process(COMMAND "${PKG_CONFIG}" ${pc_args} picklejar
  RESULT_VARIABLE rc OUTPUT_VARIABLE pc_flags OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "package test: pkg-config cannot find picklejar (${rc})")
endif()
message(STATUS "package test: pkg-config says: ${pc_flags}")
separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
separate_arguments(san_list UNIX_COMMAND "${san_flags}")
set(pc_exe "${WORK_DIR}/consumer-pkgconfig")
run("compile the consumer with pkg-config's flags"
  "${CXX_COMPILER}" -std=c++20 ${san_list} "${CONSUMER_DIR}/main.cc" -o "${pc_exe}" ${pc_flags})
# pkg-config sets no RPATH: point the loader at the prefix for the shared library.
set(ENV{LD_LIBRARY_PATH} "${prefix}/${LIBDIR}")
run("run the pkg-config consumer" "${pc_exe}")
