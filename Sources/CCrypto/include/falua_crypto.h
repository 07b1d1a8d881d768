// SHA-1, SHA-256, Ed25519, random bytes and base64 through OpenSSL's libcrypto (opened on first
// use), for webhook signatures, upload checks and the WebSocket handshake.
#ifndef FALUA_CRYPTO_H
#define FALUA_CRYPTO_H

#include <stddef.h>

/// SHA-256 of `length` bytes into `digest` (32 bytes). Returns 1 on success.
int falua_sha256(const void *data, size_t length, unsigned char *digest);

/// SHA-1 of `length` bytes into `digest` (20 bytes). Returns 1 on success.
int falua_sha1(const void *data, size_t length, unsigned char *digest);

/// `length` (at most 1 MiB) cryptographically random bytes. Returns 1 on success.
int falua_random_bytes(unsigned char *bytes, size_t length);

/// Base64 of `length` bytes into `text`, NUL-terminated (4 * ceil(length / 3) + 1 bytes). Returns 1
/// on success.
int falua_base64(const unsigned char *bytes, size_t length, char *text);

/// SHA-256 of a whole file, read in small pieces. Returns 1 on success, 0 if it cannot be read.
int falua_sha256_file(const char *path, unsigned char *digest);

/// Whether `signature` (64 bytes) is `public_key`'s (32 raw bytes) Ed25519 signature of `message`.
int falua_ed25519_verify(const unsigned char *public_key, const unsigned char *signature,
                         const void *message, size_t length);

/// A fresh Ed25519 key pair: 32-byte private seed and 32-byte public key. Returns 1 on success.
int falua_ed25519_generate(unsigned char *private_key, unsigned char *public_key);

/// Signs `message` with the 32-byte private seed into `signature` (64 bytes). Returns 1 on success.
int falua_ed25519_sign(const unsigned char *private_key, const void *message, size_t length,
                       unsigned char *signature);

#endif
