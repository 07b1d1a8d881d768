#include "falua_crypto.h"

#include <openssl/evp.h>
#include <stdio.h>

int falua_sha256(const void *data, size_t length, unsigned char *digest) {
  unsigned int size = 0;
  return EVP_Digest(data, length, digest, &size, EVP_sha256(), NULL) == 1 && size == 32;
}

int falua_sha256_file(const char *path, unsigned char *digest) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) return 0;
  EVP_MD_CTX *context = EVP_MD_CTX_new();
  int ok = context != NULL && EVP_DigestInit_ex(context, EVP_sha256(), NULL) == 1;
  unsigned char buffer[1 << 16];
  size_t count;
  while (ok && (count = fread(buffer, 1, sizeof buffer, file)) > 0) {
    ok = EVP_DigestUpdate(context, buffer, count) == 1;
  }
  ok = ok && !ferror(file);
  unsigned int size = 0;
  ok = ok && EVP_DigestFinal_ex(context, digest, &size) == 1 && size == 32;
  EVP_MD_CTX_free(context);
  fclose(file);
  return ok;
}

int falua_ed25519_verify(const unsigned char *public_key, const unsigned char *signature,
                         const void *message, size_t length) {
  EVP_PKEY *key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, public_key, 32);
  if (key == NULL) return 0;
  EVP_MD_CTX *context = EVP_MD_CTX_new();
  int ok = context != NULL && EVP_DigestVerifyInit(context, NULL, NULL, NULL, key) == 1 &&
           EVP_DigestVerify(context, signature, 64, message, length) == 1;
  EVP_MD_CTX_free(context);
  EVP_PKEY_free(key);
  return ok;
}

int falua_ed25519_generate(unsigned char *private_key, unsigned char *public_key) {
  EVP_PKEY *key = NULL;
  EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
  int ok = context != NULL && EVP_PKEY_keygen_init(context) == 1 && EVP_PKEY_keygen(context, &key) == 1;
  size_t private_size = 32, public_size = 32;
  ok = ok && EVP_PKEY_get_raw_private_key(key, private_key, &private_size) == 1 &&
       EVP_PKEY_get_raw_public_key(key, public_key, &public_size) == 1;
  EVP_PKEY_free(key);
  EVP_PKEY_CTX_free(context);
  return ok;
}

int falua_ed25519_sign(const unsigned char *private_key, const void *message, size_t length,
                       unsigned char *signature) {
  EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, private_key, 32);
  if (key == NULL) return 0;
  EVP_MD_CTX *context = EVP_MD_CTX_new();
  size_t size = 64;
  int ok = context != NULL && EVP_DigestSignInit(context, NULL, NULL, NULL, key) == 1 &&
           EVP_DigestSign(context, signature, &size, message, length) == 1 && size == 64;
  EVP_MD_CTX_free(context);
  EVP_PKEY_free(key);
  return ok;
}
