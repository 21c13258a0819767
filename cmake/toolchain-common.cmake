# Shared part of cmake/toolchain-<arch>.cmake: expects EDGEPIX_CROSS_TRIPLET (the GNU
# triplet, also Debian's multiarch directory) and EDGEPIX_CROSS_QEMU (the qemu-user
# binary that runs the target's programs on the build machine).
#
# Debian multiarch keeps the target's libraries in /usr/lib/<triplet> of the host's
# own root, so there is no separate sysroot: the cross compiler finds them by itself,
# and pkg-config is pointed at the target's .pc files only.
set(CMAKE_C_COMPILER ${EDGEPIX_CROSS_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${EDGEPIX_CROSS_TRIPLET}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${EDGEPIX_CROSS_TRIPLET})

# Target .pc files only (never the host's /usr/lib/x86_64-linux-gnu/pkgconfig).
set(ENV{PKG_CONFIG_LIBDIR}
    "/usr/lib/${EDGEPIX_CROSS_TRIPLET}/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# Programs (cmake, pkg-config) come from the host; libraries and headers the usual
# multiarch way (the host root is the "sysroot").
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)

# ctest, catch_discover_tests and the integration tests' server run target binaries
# through this. qemu finds the target's dynamic loader and libraries in the multiarch
# locations (/lib/ld-linux-*.so, /usr/lib/<triplet>). Overridable with -D.
if(NOT DEFINED CMAKE_CROSSCOMPILING_EMULATOR)
  find_program(EDGEPIX_QEMU_PATH ${EDGEPIX_CROSS_QEMU})
  if(EDGEPIX_QEMU_PATH)
    set(CMAKE_CROSSCOMPILING_EMULATOR ${EDGEPIX_QEMU_PATH})
  endif()
endif()
