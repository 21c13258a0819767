/* stb_image and stb_image_resize compiled from Debian's libstb-dev headers
 * inside the fuzz build, so the sanitizers and libFuzzer's coverage see into
 * the PNG/GIF decoder and the resampler. Linked as objects ahead of
 * libstb.a, whose (uninstrumented) copies are then never pulled in. */
#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb/stb_image_resize.h>
