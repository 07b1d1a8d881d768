// Typed entry points for libcurl's variadic setopt/getinfo: Swift cannot call C variadics, and
// passing the wrong width through `...` is undefined, so each wrapper fixes one argument type.
#include "falua_curl.h"

CURLcode falua_easy_setopt_long(CURL *easy, CURLoption option, long value) {
  return curl_easy_setopt(easy, option, value);
}

CURLcode falua_easy_setopt_off_t(CURL *easy, CURLoption option, curl_off_t value) {
  return curl_easy_setopt(easy, option, value);
}

CURLcode falua_easy_setopt_pointer(CURL *easy, CURLoption option, void *value) {
  return curl_easy_setopt(easy, option, value);
}

CURLcode falua_easy_setopt_string(CURL *easy, CURLoption option, const char *value) {
  return curl_easy_setopt(easy, option, value);
}

CURLcode falua_easy_setopt_write_callback(CURL *easy, CURLoption option, curl_write_callback value) {
  return curl_easy_setopt(easy, option, value);
}

CURLcode falua_easy_setopt_xferinfo_callback(CURL *easy, CURLoption option, curl_xferinfo_callback value) {
  return curl_easy_setopt(easy, option, value);
}

CURLcode falua_easy_getinfo_long(CURL *easy, CURLINFO info, long *value) {
  return curl_easy_getinfo(easy, info, value);
}

CURLcode falua_easy_getinfo_off_t(CURL *easy, CURLINFO info, curl_off_t *value) {
  return curl_easy_getinfo(easy, info, value);
}

CURLcode falua_easy_getinfo_double(CURL *easy, CURLINFO info, double *value) {
  return curl_easy_getinfo(easy, info, value);
}

CURLcode falua_easy_getinfo_string(CURL *easy, CURLINFO info, char **value) {
  return curl_easy_getinfo(easy, info, value);
}

CURLcode falua_easy_getinfo_pointer(CURL *easy, CURLINFO info, void **value) {
  return curl_easy_getinfo(easy, info, value);
}

CURLcode falua_easy_getinfo_socket(CURL *easy, CURLINFO info, curl_socket_t *value) {
  return curl_easy_getinfo(easy, info, value);
}

CURLMcode falua_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
  return curl_multi_setopt(multi, option, value);
}

CURLMcode falua_multi_setopt_pointer(CURLM *multi, CURLMoption option, void *value) {
  return curl_multi_setopt(multi, option, value);
}
