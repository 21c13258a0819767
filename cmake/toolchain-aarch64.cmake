# Cross toolchain for 64-bit ARM (Raspberry Pi 3/4/5 on 64-bit Raspberry Pi OS or
# Debian arm64), using Debian's multiarch layout: crossbuild-essential-arm64 and the
# `:arm64` -dev packages installed next to the host's (scripts/cross-build.sh does it).
# Test binaries run under qemu-user (CMAKE_CROSSCOMPILING_EMULATOR), so ctest and
# catch_discover_tests work on an x86_64 box.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(EDGEPIX_CROSS_TRIPLET aarch64-linux-gnu)
set(EDGEPIX_CROSS_QEMU qemu-aarch64-static)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-common.cmake)
