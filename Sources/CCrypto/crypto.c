#include "falua_crypto.h"

#include <dlfcn.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>

// libcrypto, opened on first use: linked, it costs every start of falua 0.7 ms and 1.4 MiB of
// memory, though only webhooks, file hashes and the WebSocket handshake need it (docs/design.md,
// "Start-up"). The functions are called through this table, never by name, so nothing here can
// stand in for libcrypto's own symbols when libcurl loads the library too.
#define FUNCTIONS(F)                                                                                   \
  F(EVP_Digest) F(EVP_DigestInit_ex) F(EVP_DigestUpdate) F(EVP_DigestFinal_ex) F(EVP_MD_CTX_new)       \
  F(EVP_MD_CTX_free) F(EVP_sha1) F(EVP_sha256) F(EVP_EncodeBlock) F(RAND_bytes)                        \
  F(EVP_PKEY_new_raw_public_key) F(EVP_PKEY_new_raw_private_key) F(EVP_PKEY_get_raw_private_key)       \
  F(EVP_PKEY_get_raw_public_key) F(EVP_PKEY_free) F(EVP_PKEY_CTX_new_id) F(EVP_PKEY_CTX_free)          \
  F(EVP_PKEY_keygen_init) F(EVP_PKEY_keygen) F(EVP_DigestVerifyInit) F(EVP_DigestVerify)               \
  F(EVP_DigestSignInit) F(EVP_DigestSign)

#define FIELD(name) __typeof__(name) *name;
static struct { FUNCTIONS(FIELD) } lib;
#undef FIELD
static int loaded;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
  void *handle = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
  if (!handle) return;
#define RESOLVE(name) \
  if (!(*(void **)&lib.name = dlsym(handle, #name))) return;
  FUNCTIONS(RESOLVE)
#undef RESOLVE
  loaded = 1;
}

// Whether libcrypto is open; every function fails (returns 0) when it cannot be.
static int ready(void) {
  pthread_once(&load_once, load);
  return loaded;
}

int falua_sha256(const void *data, size_t length, unsigned char *digest) {
  unsigned int size = 0;
  return ready() && lib.EVP_Digest(data, length, digest, &size, lib.EVP_sha256(), NULL) == 1 && size == 32;
}

int falua_sha1(const void *data, size_t length, unsigned char *digest) {
  unsigned int size = 0;
  return ready() && lib.EVP_Digest(data, length, digest, &size, lib.EVP_sha1(), NULL) == 1 && size == 20;
}

int falua_random_bytes(unsigned char *bytes, size_t length) {
  return ready() && length <= 1 << 20 && lib.RAND_bytes(bytes, (int)length) == 1;
}

int falua_base64(const unsigned char *bytes, size_t length, char *text) {
  return ready() && lib.EVP_EncodeBlock((unsigned char *)text, bytes, (int)length) >= 0;
}

int falua_sha256_file(const char *path, unsigned char *digest) {
  if (!ready()) return 0;
  FILE *file = fopen(path, "rb");
  if (file == NULL) return 0;
  EVP_MD_CTX *context = lib.EVP_MD_CTX_new();
  int ok = context != NULL && lib.EVP_DigestInit_ex(context, lib.EVP_sha256(), NULL) == 1;
  unsigned char buffer[1 << 16];
  size_t count;
  while (ok && (count = fread(buffer, 1, sizeof buffer, file)) > 0) {
    ok = lib.EVP_DigestUpdate(context, buffer, count) == 1;
  }
  ok = ok && !ferror(file);
  unsigned int size = 0;
  ok = ok && lib.EVP_DigestFinal_ex(context, digest, &size) == 1 && size == 32;
  lib.EVP_MD_CTX_free(context);
  fclose(file);
  return ok;
}

int falua_ed25519_verify(const unsigned char *public_key, const unsigned char *signature,
                         const void *message, size_t length) {
  if (!ready()) return 0;
  EVP_PKEY *key = lib.EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, public_key, 32);
  if (key == NULL) return 0;
  EVP_MD_CTX *context = lib.EVP_MD_CTX_new();
  int ok = context != NULL && lib.EVP_DigestVerifyInit(context, NULL, NULL, NULL, key) == 1 &&
           lib.EVP_DigestVerify(context, signature, 64, message, length) == 1;
  lib.EVP_MD_CTX_free(context);
  lib.EVP_PKEY_free(key);
  return ok;
}

int falua_ed25519_generate(unsigned char *private_key, unsigned char *public_key) {
  if (!ready()) return 0;
  EVP_PKEY *key = NULL;
  EVP_PKEY_CTX *context = lib.EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
  int ok = context != NULL && lib.EVP_PKEY_keygen_init(context) == 1 && lib.EVP_PKEY_keygen(context, &key) == 1;
  size_t private_size = 32, public_size = 32;
  ok = ok && lib.EVP_PKEY_get_raw_private_key(key, private_key, &private_size) == 1 &&
       lib.EVP_PKEY_get_raw_public_key(key, public_key, &public_size) == 1;
  lib.EVP_PKEY_free(key);
  lib.EVP_PKEY_CTX_free(context);
  return ok;
}

int falua_ed25519_sign(const unsigned char *private_key, const void *message, size_t length,
                       unsigned char *signature) {
  if (!ready()) return 0;
  EVP_PKEY *key = lib.EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, private_key, 32);
  if (key == NULL) return 0;
  EVP_MD_CTX *context = lib.EVP_MD_CTX_new();
  size_t size = 64;
  int ok = context != NULL && lib.EVP_DigestSignInit(context, NULL, NULL, NULL, key) == 1 &&
           lib.EVP_DigestSign(context, signature, &size, message, length) == 1 && size == 64;
  lib.EVP_MD_CTX_free(context);
  lib.EVP_PKEY_free(key);
  return ok;
}
