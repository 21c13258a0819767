# cpp-httplib, compiled in every build from Debian's source package of the
# installed libcpp-httplib-dev (0.11.4) with our patches applied, instead of
# linking Debian's shared library. Why: 0.11.4 waits for a connection's next
# request in a 10 ms poll loop (1,000 idle connections cost ~2 cores), keeps a
# connection alive after a request body it never read (request desync), drops
# pipelined requests, percent-decodes header values and parses a multipart
# part's Content-Disposition with a std::regex that overflows the stack on a
# long filename; no build switch changes any of that, and the shared library
# ignores our CPPHTTPLIB_* macros anyway.
# third_party/cpp-httplib/*.patch say what each change does.
#
#   - the source is fetched at configure time by scripts/fetch-debian-source.sh
#     into EDGEPIX_DEBIAN_SRC_DIR (never committed; re-fetched when the installed
#     version changes), copied into the build directory and patched there with
#     `patch`: a patch that does not apply stops the configure;
#   - split into httplib.h + httplib.cc by its own split.py, as Debian builds it;
#   - the same CPPHTTPLIB_* switches as Debian's build: TLS, zlib, brotli from its
#     cpp-httplib.pc (HTTPLIB_CFLAGS_OTHER) and CPPHTTPLIB_USE_POLL from its
#     debian/rules.
# With EDGEPIX_STATIC, static_libraries.cmake has set EDGEPIX_HTTPLIB_LINK to
# the static archives of its dependencies.


find_program(EDGEPIX_PATCH_EXECUTABLE patch REQUIRED)
find_package(Python3 REQUIRED COMPONENTS Interpreter)

execute_process(
  COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/fetch-debian-source.sh ${EDGEPIX_DEBIAN_SRC_DIR}
          libcpp-httplib-dev
  RESULT_VARIABLE _fetch_rc)
if(NOT _fetch_rc EQUAL 0)
  message(FATAL_ERROR "fetching the Debian source of cpp-httplib failed "
                      "(scripts/fetch-debian-source.sh; needs dpkg-dev and the Debian mirror)")
endif()

file(GLOB _httplib_patches ${CMAKE_CURRENT_LIST_DIR}/cpp-httplib/*.patch)
list(SORT _httplib_patches)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_httplib_patches}
             ${EDGEPIX_DEBIAN_SRC_DIR}/cpp-httplib/httplib.h)

set(_httplib_work ${CMAKE_BINARY_DIR}/httplib-patched)
file(REMOVE_RECURSE ${_httplib_work})
file(COPY ${EDGEPIX_DEBIAN_SRC_DIR}/cpp-httplib/httplib.h ${EDGEPIX_DEBIAN_SRC_DIR}/cpp-httplib/split.py
     DESTINATION ${_httplib_work})
foreach(_patch IN LISTS _httplib_patches)
  execute_process(
    COMMAND ${EDGEPIX_PATCH_EXECUTABLE} -p1 --batch --forward --no-backup-if-mismatch
            -d ${_httplib_work} -i ${_patch}
    RESULT_VARIABLE _patch_rc OUTPUT_VARIABLE _patch_out ERROR_VARIABLE _patch_out)
  if(NOT _patch_rc EQUAL 0)
    message(FATAL_ERROR "cpp-httplib: ${_patch} does not apply to the Debian source in "
                        "${EDGEPIX_DEBIAN_SRC_DIR}/cpp-httplib:\n${_patch_out}")
  endif()
endforeach()
execute_process(
  COMMAND ${Python3_EXECUTABLE} ${_httplib_work}/split.py --out ${_httplib_work}/split
  RESULT_VARIABLE _split_rc OUTPUT_QUIET)
if(NOT _split_rc EQUAL 0)
  message(FATAL_ERROR "cpp-httplib: splitting httplib.h failed")
endif()
# Copied only when changed, so a re-configure does not recompile httplib.cc.
set(_httplib_out ${CMAKE_BINARY_DIR}/httplib-split)
configure_file(${_httplib_work}/split/httplib.h ${_httplib_out}/httplib.h COPYONLY)
configure_file(${_httplib_work}/split/httplib.cc ${_httplib_out}/httplib.cc COPYONLY)

if(NOT DEFINED EDGEPIX_HTTPLIB_LINK)
  pkg_check_modules(HTTPLIB_DEPS REQUIRED IMPORTED_TARGET openssl zlib libbrotlienc libbrotlidec)
  set(EDGEPIX_HTTPLIB_LINK PkgConfig::HTTPLIB_DEPS)
endif()
add_library(edgepix_httplib_compiled STATIC ${_httplib_out}/httplib.cc)
# BEFORE: this header, not /usr/include/httplib.h, for every includer.
target_include_directories(edgepix_httplib_compiled BEFORE PUBLIC ${_httplib_out})
target_compile_options(edgepix_httplib_compiled PUBLIC ${HTTPLIB_CFLAGS_OTHER} PRIVATE -w -Wno-error=unused-result)
# Request bodies are read 16 KiB per recv(2) instead of 4 KiB (each preceded by a
# poll(2)): bench/load/RESULTS.md has what that measured. Cost: up to 16 KiB of
# resident stack per HTTP thread that has read a body.
target_compile_definitions(edgepix_httplib_compiled PUBLIC CPPHTTPLIB_USE_POLL
                           "CPPHTTPLIB_RECV_BUFSIZ=size_t(16384u)")
target_link_libraries(edgepix_httplib_compiled PUBLIC ${EDGEPIX_HTTPLIB_LINK} Threads::Threads)
message(STATUS "cpp-httplib compiled from the Debian source in ${EDGEPIX_DEBIAN_SRC_DIR} with "
               "${_httplib_patches}; ${HTTPLIB_CFLAGS_OTHER} -DCPPHTTPLIB_USE_POLL")
