// A tiny PNG encoder over zlib: enough for the emulator's demo images (8-bit RGB, no interlace).
#ifndef FALUA_PNG_H
#define FALUA_PNG_H

#include <stddef.h>
#include <stdint.h>

/// Encodes `height` rows of `width` RGB pixels (3 bytes each, rows packed) as a PNG file.
/// Returns a malloc'd buffer of `*size` bytes (the caller frees it), or NULL on bad sizes or no memory.
unsigned char *falua_png_encode_rgb(const unsigned char *rgb, uint32_t width, uint32_t height, size_t *size);

/// Encodes a colourful gradient that depends only on (width, height, seed): four corner colours
/// derived from the seed, blended across the image, with a soft diagonal wave.
/// Same ownership and failure rules as falua_png_encode_rgb.
unsigned char *falua_png_gradient(uint32_t width, uint32_t height, uint64_t seed, size_t *size);

#endif
