# EDGEPIX_STATIC=ON: one binary to copy onto a Raspberry Pi (or any Debian 12 /
# Raspberry Pi OS bookworm box). Included by libraries.cmake after the pkg-config
# targets exist; it re-points them at static archives, so the rest of the build
# links them as usual.
#
#   - libwebp, TurboJPEG, libjpeg, giflib, libpng, libexif, SQLite, OpenSSL (libssl/libcrypto), zlib, brotli:
#     Debian's own .a archives (from the same -dev packages);
#   - lcms2: Debian ships no .a, so its Debian source package is fetched at configure
#     time (scripts/fetch-debian-source.sh, into EDGEPIX_DEBIAN_SRC_DIR, never
#     committed) and compiled here; cpp-httplib is compiled from its Debian source in
#     every build (httplib.cmake), linked here against static archives;
#   - libstdc++ and libgcc are linked statically (CMakeLists.txt); glibc stays dynamic.


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

# Left dynamic on purpose (scripts/check-static.sh allows exactly these): libqrencode,
# which Debian ships without a static archive (and whose source package the mirror
# may not hold whole); libcurl and libpq, whose static archives need Kerberos, LDAP
# and more (libpq also libpgcommon/libpgport, which libpq-dev does not ship).
foreach(prefix TURBOJPEG LIBJPEG GIFLIB WEBP WEBPMUX WEBPDEMUX LIBPNG LIBEXIF SQLITE3 LIBCRYPTO ZLIBPC)
  edgepix_link_pkg_statically(${prefix})
endforeach()

# SQLiteCpp's imported target brings SQLite::SQLite3 (the .so) along.
if(TARGET SQLite::SQLite3)
  _edgepix_static_archive(_sqlite3_a sqlite3)
  _edgepix_static_archive(_z_a z)
  set_property(TARGET SQLite::SQLite3 PROPERTY IMPORTED_LOCATION ${_sqlite3_a})
  set_property(TARGET SQLite::SQLite3 PROPERTY INTERFACE_LINK_LIBRARIES ${_z_a} m dl Threads::Threads)
endif()

# --- Debian source of lcms2 ----------------------------------
execute_process(
  COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/fetch-debian-source.sh ${EDGEPIX_DEBIAN_SRC_DIR}
          liblcms2-dev
  RESULT_VARIABLE _fetch_rc)
if(NOT _fetch_rc EQUAL 0)
  message(FATAL_ERROR "EDGEPIX_STATIC: fetching the Debian source of lcms2 failed")
endif()

# lcms2: its C sources as one static library.
file(GLOB _lcms2_src ${EDGEPIX_DEBIAN_SRC_DIR}/lcms2/src/*.c)
add_library(edgepix_lcms2_static STATIC ${_lcms2_src})
target_include_directories(edgepix_lcms2_static PUBLIC ${EDGEPIX_DEBIAN_SRC_DIR}/lcms2/include)
target_compile_options(edgepix_lcms2_static PRIVATE -w)
target_link_libraries(edgepix_lcms2_static PUBLIC m Threads::Threads)
set_property(TARGET PkgConfig::LCMS2 PROPERTY INTERFACE_LINK_LIBRARIES edgepix_lcms2_static)

# cpp-httplib itself is compiled by httplib.cmake (in every build); here only the
# static archives of what it links.
set(EDGEPIX_HTTPLIB_LINK "")
foreach(name ssl crypto z brotlienc brotlidec brotlicommon)
  _edgepix_static_archive(archive ${name})
  list(APPEND EDGEPIX_HTTPLIB_LINK ${archive})
endforeach()
list(APPEND EDGEPIX_HTTPLIB_LINK dl)
message(STATUS "EDGEPIX_STATIC: lcms2 compiled from its Debian source in ${EDGEPIX_DEBIAN_SRC_DIR}")
