#include "falua_png.h"
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

// Large enough for any image the emulator makes, small enough that a typo cannot exhaust memory.
#define FALUA_PNG_MAX_SIDE 16384u
#define FALUA_PNG_MAX_RAW ((size_t)256 * 1024 * 1024)

static void put_u32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

// Writes one chunk (length, type, data, CRC over type and data) and returns the next write position.
static unsigned char *put_chunk(unsigned char *p, const char type[4], const unsigned char *data, uint32_t n) {
  put_u32(p, n);
  memcpy(p + 4, type, 4);
  if (n) memcpy(p + 8, data, n);
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, p + 4, n + 4);
  put_u32(p + 8 + n, (uint32_t)crc);
  return p + 12 + n;
}

static int valid_size(uint32_t width, uint32_t height) {
  if (width == 0 || height == 0 || width > FALUA_PNG_MAX_SIDE || height > FALUA_PNG_MAX_SIDE) return 0;
  return (size_t)height * (1 + (size_t)width * 3) <= FALUA_PNG_MAX_RAW;
}

unsigned char *falua_png_encode_rgb(const unsigned char *rgb, uint32_t width, uint32_t height, size_t *size) {
  if (!rgb || !size || !valid_size(width, height)) return NULL;
  size_t row = (size_t)width * 3;
  size_t raw_size = (size_t)height * (row + 1);
  unsigned char *raw = malloc(raw_size);
  if (!raw) return NULL;
  // Filter type 0 (None) on every row: the encoder stays trivial and zlib still does well on gradients.
  for (uint32_t y = 0; y < height; y++) {
    raw[y * (row + 1)] = 0;
    memcpy(raw + y * (row + 1) + 1, rgb + y * row, row);
  }
  uLongf idat_size = compressBound((uLong)raw_size);
  // signature 8 + IHDR 25 + IDAT 12 + data + IEND 12
  unsigned char *png = malloc(8 + 25 + 12 + idat_size + 12);
  if (!png) {
    free(raw);
    return NULL;
  }
  unsigned char *idat = png + 8 + 25 + 8;
  int status = compress2(idat, &idat_size, raw, (uLong)raw_size, 6);
  free(raw);
  if (status != Z_OK) {
    free(png);
    return NULL;
  }
  static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  memcpy(png, signature, 8);
  unsigned char ihdr[13];
  put_u32(ihdr, width);
  put_u32(ihdr + 4, height);
  ihdr[8] = 8;   // bit depth
  ihdr[9] = 2;   // colour type: truecolour RGB
  ihdr[10] = 0;  // compression: deflate
  ihdr[11] = 0;  // filter method
  ihdr[12] = 0;  // no interlace
  unsigned char *p = put_chunk(png + 8, "IHDR", ihdr, 13);
  // The compressed data already sits where the IDAT payload goes; write the frame around it.
  put_u32(p, (uint32_t)idat_size);
  memcpy(p + 4, "IDAT", 4);
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, p + 4, (uInt)(idat_size + 4));
  put_u32(p + 8 + idat_size, (uint32_t)crc);
  p += 12 + idat_size;
  p = put_chunk(p, "IEND", NULL, 0);
  *size = (size_t)(p - png);
  return png;
}

static uint64_t splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static unsigned char clamp(int v) { return (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v); }

unsigned char *falua_png_gradient(uint32_t width, uint32_t height, uint64_t seed, size_t *size) {
  if (!size || !valid_size(width, height)) return NULL;
  uint64_t state = seed;
  int corner[4][3];
  for (int c = 0; c < 4; c++) {
    uint64_t bits = splitmix64(&state);
    for (int k = 0; k < 3; k++) corner[c][k] = (int)((bits >> (16 * k)) & 0xff);
    // Push one channel up and another down so no corner is a dull grey.
    corner[c][bits % 3] = 200 + (int)((bits >> 48) % 56);
    corner[c][(bits + 1) % 3] = (int)((bits >> 56) % 56);
  }
  int phase = (int)(splitmix64(&state) % 128);
  size_t row = (size_t)width * 3;
  unsigned char *rgb = malloc((size_t)height * row);
  if (!rgb) return NULL;
  for (uint32_t y = 0; y < height; y++) {
    int fy = height > 1 ? (int)((uint64_t)y * 256 / (height - 1)) : 0;
    for (uint32_t x = 0; x < width; x++) {
      int fx = width > 1 ? (int)((uint64_t)x * 256 / (width - 1)) : 0;
      int t = (int)((x + y + (uint32_t)phase) & 127);
      int wave = (t < 64 ? t : 127 - t) / 2 - 16;  // triangle wave in [-16, 15]
      unsigned char *px = rgb + y * row + (size_t)x * 3;
      for (int k = 0; k < 3; k++) {
        int top = corner[0][k] * (256 - fx) + corner[1][k] * fx;
        int bottom = corner[2][k] * (256 - fx) + corner[3][k] * fx;
        px[k] = clamp(((top * (256 - fy) + bottom * fy) >> 16) + wave);
      }
    }
  }
  unsigned char *png = falua_png_encode_rgb(rgb, width, height, size);
  free(rgb);
  return png;
}
