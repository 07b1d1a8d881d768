// Typed entry points for libcurl's variadic setopt/getinfo: Swift cannot call C variadics, and
// passing the wrong width through `...` is undefined, so each wrapper fixes one argument type.
// The declarations, one per wrapper, are in falua_curl.h. Each takes a handle, so libcurl is open.
#include "curl_library.h"
#include "falua_curl.h"

#define EASY_SETOPT(suffix, type)                                                           \
  CURLcode falua_easy_setopt_##suffix(CURL *easy, CURLoption option, type value) {        \
    return falua_libcurl()->easy_setopt(easy, option, value);                                          \
  }
#define EASY_GETINFO(suffix, type)                                                          \
  CURLcode falua_easy_getinfo_##suffix(CURL *easy, CURLINFO info, type *value) {          \
    return falua_libcurl()->easy_getinfo(easy, info, value);                                           \
  }
#define MULTI_SETOPT(suffix, type)                                                          \
  CURLMcode falua_multi_setopt_##suffix(CURLM *multi, CURLMoption option, type value) {   \
    return falua_libcurl()->multi_setopt(multi, option, value);                                        \
  }

EASY_SETOPT(long, long)
EASY_SETOPT(off_t, curl_off_t)
EASY_SETOPT(pointer, void *)
EASY_SETOPT(string, const char *)
EASY_SETOPT(write_callback, curl_write_callback)
EASY_SETOPT(xferinfo_callback, curl_xferinfo_callback)

EASY_GETINFO(long, long)
EASY_GETINFO(off_t, curl_off_t)
EASY_GETINFO(double, double)
EASY_GETINFO(string, char *)
EASY_GETINFO(pointer, void *)
EASY_GETINFO(socket, curl_socket_t)

MULTI_SETOPT(long, long)
MULTI_SETOPT(pointer, void *)

const char *falua_curl_version(void) {
  const struct falua_libcurl *curl = falua_libcurl();
  return curl ? curl->version_info(CURLVERSION_NOW)->version : falua_libcurl_error();
}
