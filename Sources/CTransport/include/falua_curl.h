// libcurl for Swift: setopt/getinfo are variadic, so each argument type gets a typed wrapper.
// The library itself is opened on first use (curl_library.c).
#ifndef FALUA_CURL_H
#define FALUA_CURL_H

#include <curl/curl.h>

/// curl_easy_setopt for options that take a long (flags, sizes, enums).
CURLcode falua_easy_setopt_long(CURL *easy, CURLoption option, long value);
/// curl_easy_setopt for options that take a curl_off_t (the *_LARGE sizes).
CURLcode falua_easy_setopt_off_t(CURL *easy, CURLoption option, curl_off_t value);
/// curl_easy_setopt for options that take a data pointer (callback contexts, slists, COPYPOSTFIELDS).
CURLcode falua_easy_setopt_pointer(CURL *easy, CURLoption option, void *value);
/// curl_easy_setopt for options that take a NUL-terminated string (curl keeps its own copy).
CURLcode falua_easy_setopt_string(CURL *easy, CURLoption option, const char *value);
/// curl_easy_setopt for WRITEFUNCTION and HEADERFUNCTION.
CURLcode falua_easy_setopt_write_callback(CURL *easy, CURLoption option, curl_write_callback value);
/// curl_easy_setopt for XFERINFOFUNCTION.
CURLcode falua_easy_setopt_xferinfo_callback(CURL *easy, CURLoption option, curl_xferinfo_callback value);

/// curl_easy_getinfo for long results (status code, HTTP version, connection counts).
CURLcode falua_easy_getinfo_long(CURL *easy, CURLINFO info, long *value);
/// curl_easy_getinfo for curl_off_t results (sizes, *_T timings).
CURLcode falua_easy_getinfo_off_t(CURL *easy, CURLINFO info, curl_off_t *value);
/// curl_easy_getinfo for double results (legacy timings).
CURLcode falua_easy_getinfo_double(CURL *easy, CURLINFO info, double *value);
/// curl_easy_getinfo for string results (EFFECTIVE_URL, CONTENT_TYPE); owned by the handle.
CURLcode falua_easy_getinfo_string(CURL *easy, CURLINFO info, char **value);
/// curl_easy_getinfo for pointer results (PRIVATE).
CURLcode falua_easy_getinfo_pointer(CURL *easy, CURLINFO info, void **value);
/// curl_easy_getinfo for CURLINFO_ACTIVESOCKET.
CURLcode falua_easy_getinfo_socket(CURL *easy, CURLINFO info, curl_socket_t *value);

/// curl_multi_setopt for options that take a long (PIPELINING, connection limits).
CURLMcode falua_multi_setopt_long(CURLM *multi, CURLMoption option, long value);
/// curl_multi_setopt for options that take a data pointer (callback contexts).
CURLMcode falua_multi_setopt_pointer(CURLM *multi, CURLMoption option, void *value);

/// Why libcurl could not be loaded (falua opens it on first use), or "".
const char *falua_libcurl_error(void);

/// libcurl's runtime version, e.g. "7.88.1", for `falua -v` (the macros do not import into Swift).
const char *falua_curl_version(void);

#endif
