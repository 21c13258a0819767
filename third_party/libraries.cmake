# How the Debian-packaged libraries are found. No sources are copied here.
# With EDGEPIX_STATIC, static_libraries.cmake (included at the end) re-points these
# targets at static archives; only glibc stays dynamic. cpp-httplib is compiled
# from its Debian source in every build (httplib.cmake).

pkg_check_modules(TURBOJPEG REQUIRED IMPORTED_TARGET libturbojpeg)
pkg_check_modules(WEBP REQUIRED IMPORTED_TARGET libwebp)
pkg_check_modules(WEBPDEMUX REQUIRED IMPORTED_TARGET libwebpdemux)
# WebPAnimEncoder: animated WebP variants of animated GIFs.
pkg_check_modules(WEBPMUX REQUIRED IMPORTED_TARGET libwebpmux)
# libjpeg's own API (libjpeg-turbo): per-row progress and warnings, which
# TurboJPEG's API cannot report (a damaged JPEG decoded as a browser would).
pkg_check_modules(LIBJPEG REQUIRED IMPORTED_TARGET libjpeg)
# giflib: GIF frames row by row (interlacing, disposal, transparency are ours).
pkg_check_modules(GIFLIB REQUIRED IMPORTED_TARGET libgif)
# libpng: PNG decoded row by row (shrunk on load), never whole.
pkg_check_modules(LIBPNG REQUIRED IMPORTED_TARGET libpng16)
pkg_check_modules(LIBEXIF REQUIRED IMPORTED_TARGET libexif)
pkg_check_modules(LCMS2 REQUIRED IMPORTED_TARGET lcms2)
# HEIC/AVIF input (libde265, dav1d and aom come with Debian's libheif1).
if(EDGEPIX_HEIF)
  pkg_check_modules(LIBHEIF REQUIRED IMPORTED_TARGET libheif)
endif()
# libqrencode: the guest link as a QR code (start banner, /api/join.svg).
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
# zlib: CRC-32 (common/crc32.h: PNG chunks, ZIP entries, S3 checksums).
pkg_check_modules(ZLIBPC REQUIRED IMPORTED_TARGET zlib)
# Only for its CPPHTTPLIB_* switches (HTTPLIB_CFLAGS_OTHER): httplib.cmake compiles
# the library itself.
pkg_check_modules(HTTPLIB REQUIRED cpp-httplib)

find_path(STB_INCLUDE_DIR stb_image.h PATH_SUFFIXES stb REQUIRED)
find_library(STB_LIBRARY NAMES libstb.a stb REQUIRED)

add_library(edgepix_imagelibs INTERFACE)
target_include_directories(edgepix_imagelibs INTERFACE ${STB_INCLUDE_DIR})
target_link_libraries(edgepix_imagelibs INTERFACE
  PkgConfig::TURBOJPEG PkgConfig::LIBJPEG PkgConfig::GIFLIB PkgConfig::WEBPMUX PkgConfig::WEBPDEMUX PkgConfig::WEBP PkgConfig::LIBPNG PkgConfig::LIBEXIF
  PkgConfig::LCMS2 $<$<BOOL:${EDGEPIX_HEIF}>:PkgConfig::LIBHEIF>
  ${STB_LIBRARY} m)
add_library(edgepix::imagelibs ALIAS edgepix_imagelibs)

add_library(edgepix_sqlite3 INTERFACE)
target_link_libraries(edgepix_sqlite3 INTERFACE PkgConfig::SQLITE3)
add_library(edgepix::sqlite3 ALIAS edgepix_sqlite3)

add_library(edgepix_qrencode INTERFACE)
target_link_libraries(edgepix_qrencode INTERFACE PkgConfig::QRENCODE)
add_library(edgepix::qrencode ALIAS edgepix_qrencode)

add_library(edgepix_httplib INTERFACE)
add_library(edgepix::httplib ALIAS edgepix_httplib)

# OpenSSL's libcrypto: SHA-256 of originals and ETags (and later HMAC/JWT).
pkg_check_modules(LIBCRYPTO REQUIRED IMPORTED_TARGET libcrypto)
add_library(edgepix_crypto INTERFACE)
target_link_libraries(edgepix_crypto INTERFACE PkgConfig::LIBCRYPTO)
add_library(edgepix::crypto ALIAS edgepix_crypto)

# libcurl (OpenSSL flavour): webhook deliveries (src/webhooks/sender.cpp). It stays a
# shared library in EDGEPIX_STATIC builds (its static archive needs a dozen more).
pkg_check_modules(LIBCURL REQUIRED IMPORTED_TARGET libcurl)
add_library(edgepix_curl INTERFACE)
target_link_libraries(edgepix_curl INTERFACE PkgConfig::LIBCURL)
add_library(edgepix::curl ALIAS edgepix_curl)

# libpq: the PostgreSQL job store (--jobs-url postgres://...). Stays a shared
# library in EDGEPIX_STATIC builds, like libcurl.
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
add_library(edgepix_pq INTERFACE)
target_link_libraries(edgepix_pq INTERFACE PkgConfig::LIBPQ)
add_library(edgepix::pq ALIAS edgepix_pq)

# Fetched Debian source packages (scripts/fetch-debian-source.sh), never committed.
set(EDGEPIX_DEBIAN_SRC_DIR "${CMAKE_SOURCE_DIR}/build-debian-src" CACHE PATH
    "Where the Debian sources of cpp-httplib (and, for EDGEPIX_STATIC, lcms2) are unpacked")
if(EDGEPIX_STATIC)
  include(${CMAKE_CURRENT_LIST_DIR}/static_libraries.cmake)
endif()
include(${CMAKE_CURRENT_LIST_DIR}/httplib.cmake)
target_link_libraries(edgepix_httplib INTERFACE edgepix_httplib_compiled)
