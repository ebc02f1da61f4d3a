# FindMinizip: minizip's unzip API (Debian: libminizip-dev, headers in <prefix>/include/minizip),
# which ships no CMake package of its own. Defines Minizip_FOUND and the imported target
# Minizip::Minizip (its include directory is the minizip folder: #include <unzip.h>).
find_path(Minizip_INCLUDE_DIR NAMES unzip.h PATH_SUFFIXES minizip)
find_library(Minizip_LIBRARY NAMES minizip libminizip)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Minizip REQUIRED_VARS Minizip_LIBRARY Minizip_INCLUDE_DIR)
if(Minizip_FOUND AND NOT TARGET Minizip::Minizip)
  add_library(Minizip::Minizip UNKNOWN IMPORTED)
  set_target_properties(Minizip::Minizip PROPERTIES
    IMPORTED_LOCATION "${Minizip_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${Minizip_INCLUDE_DIR}")
endif()
mark_as_advanced(Minizip_INCLUDE_DIR Minizip_LIBRARY)
