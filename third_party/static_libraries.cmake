# EDGEPIX_STATIC=ON: one binary to copy onto a Raspberry Pi (or any Debian 12 /
# Raspberry Pi OS bookworm box). Included by libraries.cmake after the pkg-config
# targets exist; it re-points them at static archives, so the rest of the build
# links them as usual.
#
#   - libwebp, TurboJPEG, libexif, SQLite, OpenSSL (libssl/libcrypto), zlib, brotli:
#     Debian's own .a archives (from the same -dev packages);
#   - cpp-httplib and lcms2: Debian ships no .a, so their Debian source packages are
#     fetched at configure time (scripts/fetch-debian-source.sh, into
#     EDGEPIX_DEBIAN_SRC_DIR, never committed) and compiled here: cpp-httplib split
#     with its own split.py exactly as Debian builds its shared library, with the same
#     CPPHTTPLIB_* features as Debian's pkg-config file (TLS, gzip, brotli);
#   - libstdc++ and libgcc are linked statically (CMakeLists.txt); glibc stays dynamic;
#   - compiling cpp-httplib here also lets us read request bodies in bigger pieces
#     than the shared library's fixed 4 KiB (CPPHTTPLIB_RECV_BUFSIZ below).

set(EDGEPIX_DEBIAN_SRC_DIR "${CMAKE_SOURCE_DIR}/build-debian-src" CACHE PATH
    "Where EDGEPIX_STATIC unpacks the Debian sources of cpp-httplib and lcms2")

# The static archive of library `name`, or a fatal error.
function(_edgepix_static_archive out name)
  set(var EDGEPIX_STATIC_ARCHIVE_${name})
  find_library(${var} NAMES lib${name}.a HINTS ${ARGN})
  if(NOT ${var})
    message(FATAL_ERROR "EDGEPIX_STATIC: lib${name}.a not found (install the -dev package)")
  endif()
  set(${out} ${${var}} PARENT_SCOPE)
endfunction()

# Libraries that stay dynamic: parts of glibc.
set(_edgepix_glibc_libs m dl pthread rt c)

# Re-points the pkg-config target PkgConfig::<prefix> at the .a archives of
# `pkg-config --static --libs`.
function(edgepix_link_pkg_statically prefix)
  set(libs "")
  foreach(name IN LISTS ${prefix}_STATIC_LIBRARIES)
    if(name IN_LIST _edgepix_glibc_libs)
      list(APPEND libs ${name})
    else()
      _edgepix_static_archive(archive ${name} ${${prefix}_STATIC_LIBRARY_DIRS})
      list(APPEND libs ${archive})
    endif()
  endforeach()
  set_property(TARGET PkgConfig::${prefix} PROPERTY INTERFACE_LINK_LIBRARIES ${libs})
endfunction()

foreach(prefix TURBOJPEG WEBP WEBPDEMUX LIBEXIF SQLITE3 LIBCRYPTO)
  edgepix_link_pkg_statically(${prefix})
endforeach()

# SQLiteCpp's imported target brings SQLite::SQLite3 (the .so) along.
if(TARGET SQLite::SQLite3)
  _edgepix_static_archive(_sqlite3_a sqlite3)
  _edgepix_static_archive(_z_a z)
  set_property(TARGET SQLite::SQLite3 PROPERTY IMPORTED_LOCATION ${_sqlite3_a})
  set_property(TARGET SQLite::SQLite3 PROPERTY INTERFACE_LINK_LIBRARIES ${_z_a} m dl Threads::Threads)
endif()

# --- Debian sources of cpp-httplib and lcms2 ----------------------------------
execute_process(
  COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/fetch-debian-source.sh ${EDGEPIX_DEBIAN_SRC_DIR}
          libcpp-httplib-dev liblcms2-dev
  RESULT_VARIABLE _fetch_rc)
if(NOT _fetch_rc EQUAL 0)
  message(FATAL_ERROR "EDGEPIX_STATIC: fetching the Debian sources of cpp-httplib and lcms2 failed")
endif()

# lcms2: its C sources as one static library.
file(GLOB _lcms2_src ${EDGEPIX_DEBIAN_SRC_DIR}/lcms2/src/*.c)
add_library(edgepix_lcms2_static STATIC ${_lcms2_src})
target_include_directories(edgepix_lcms2_static PUBLIC ${EDGEPIX_DEBIAN_SRC_DIR}/lcms2/include)
target_compile_options(edgepix_lcms2_static PRIVATE -w)
target_link_libraries(edgepix_lcms2_static PUBLIC m Threads::Threads)
set_property(TARGET PkgConfig::LCMS2 PROPERTY INTERFACE_LINK_LIBRARIES edgepix_lcms2_static)

# cpp-httplib: split into httplib.h + httplib.cc by its own split.py, as Debian does.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(_httplib_out ${CMAKE_BINARY_DIR}/httplib-split)
execute_process(
  COMMAND ${Python3_EXECUTABLE} ${EDGEPIX_DEBIAN_SRC_DIR}/cpp-httplib/split.py --out ${_httplib_out}
  RESULT_VARIABLE _split_rc OUTPUT_QUIET)
if(NOT _split_rc EQUAL 0)
  message(FATAL_ERROR "EDGEPIX_STATIC: splitting httplib.h failed")
endif()
set(_httplib_deps "")
foreach(name ssl crypto z brotlienc brotlidec brotlicommon)
  _edgepix_static_archive(archive ${name})
  list(APPEND _httplib_deps ${archive})
endforeach()
add_library(edgepix_httplib_static STATIC ${_httplib_out}/httplib.cc)
target_include_directories(edgepix_httplib_static BEFORE PUBLIC ${_httplib_out})
# The same CPPHTTPLIB_* switches as Debian's cpp-httplib.pc, for every includer too.
target_compile_options(edgepix_httplib_static PUBLIC ${HTTPLIB_CFLAGS_OTHER} PRIVATE -w)
target_link_libraries(edgepix_httplib_static PUBLIC ${_httplib_deps} dl Threads::Threads)
# Request bodies are read 16 KiB per recv(2) instead of 4 KiB (each preceded by a
# poll(2)): a quarter of the syscalls per upload, which shortens the upload
# acknowledgement under load (figures: bench/load/RESULTS.md, 2026-11-30, "16 KiB reads").
# Cost: up to 16 KiB of resident stack per HTTP thread that has read a body.
target_compile_definitions(edgepix_httplib_static PUBLIC "CPPHTTPLIB_RECV_BUFSIZ=size_t(16384u)")
set_property(TARGET PkgConfig::HTTPLIB PROPERTY INTERFACE_LINK_LIBRARIES edgepix_httplib_static)
set_property(TARGET PkgConfig::HTTPLIB PROPERTY INTERFACE_COMPILE_OPTIONS "")
set_property(TARGET PkgConfig::HTTPLIB PROPERTY INTERFACE_INCLUDE_DIRECTORIES "")
message(STATUS "EDGEPIX_STATIC: cpp-httplib and lcms2 compiled from Debian sources in "
               "${EDGEPIX_DEBIAN_SRC_DIR}; ${HTTPLIB_CFLAGS_OTHER}")
