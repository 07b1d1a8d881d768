// The libcurl functions falua calls, opened on first use (curl_library.c).
#ifndef FALUA_CURL_LIBRARY_H
#define FALUA_CURL_LIBRARY_H

#include <curl/curl.h>

struct falua_libcurl {
  CURLcode (*global_init)(long flags);
  curl_version_info_data *(*version_info)(CURLversion version);
  CURL *(*easy_init)(void);
  void (*easy_cleanup)(CURL *easy);
  void (*easy_reset)(CURL *easy);
  CURLcode (*easy_pause)(CURL *easy, int bitmask);
  CURLcode (*easy_recv)(CURL *easy, void *buffer, size_t length, size_t *received);
  CURLcode (*easy_send)(CURL *easy, const void *buffer, size_t length, size_t *sent);
  const char *(*easy_strerror)(CURLcode code);
  CURLcode (*easy_setopt)(CURL *easy, CURLoption option, ...);
  CURLcode (*easy_getinfo)(CURL *easy, CURLINFO info, ...);
  CURLM *(*multi_init)(void);
  CURLMcode (*multi_cleanup)(CURLM *multi);
  CURLMcode (*multi_add_handle)(CURLM *multi, CURL *easy);
  CURLMcode (*multi_remove_handle)(CURLM *multi, CURL *easy);
  CURLMcode (*multi_perform)(CURLM *multi, int *running);
  CURLMcode (*multi_poll)(CURLM *multi, struct curl_waitfd extra[], unsigned int count, int timeout_ms, int *ready);
  CURLMsg *(*multi_info_read)(CURLM *multi, int *left);
  const char *(*multi_strerror)(CURLMcode code);
  CURLMcode (*multi_setopt)(CURLM *multi, CURLMoption option, ...);
  struct curl_slist *(*slist_append)(struct curl_slist *list, const char *data);
  void (*slist_free_all)(struct curl_slist *list);
};

/// The library, opened by the first call; NULL if it cannot be (falua_libcurl_error says why).
const struct falua_libcurl *falua_libcurl(void);

#endif
