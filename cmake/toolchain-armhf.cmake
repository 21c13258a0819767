# Cross toolchain for 32-bit ARM hard-float (Raspberry Pi 2/3/4 on 32-bit Raspberry Pi OS;
# ARMv7, which Debian armhf targets; not the ARMv6 Pi 1/Zero), using Debian's multiarch
# layout: crossbuild-essential-armhf and the `:armhf` -dev packages
# (scripts/cross-build.sh armhf installs them). Tests run under qemu-arm.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(EDGEPIX_CROSS_TRIPLET arm-linux-gnueabihf)
set(EDGEPIX_CROSS_QEMU qemu-arm-static)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-common.cmake)
