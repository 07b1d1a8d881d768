// libcurl, loaded on first use. Linked the usual way it costs every start of falua 4-5 ms (its 33
// shared libraries, TLS, Kerberos, LDAP...), most of the start-up budget, though a script that
// only computes, or fails on its arguments, never needs it (docs/design.md, "Start-up"). So the
// functions falua calls are defined here under their own names and forward to the library, which
// the first of them opens. The variadic ones have no forwarder: curl_shims.c calls them through
// `falua_libcurl` with the argument type fixed.
#include "curl_library.h"

#include "falua_curl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static struct falua_libcurl library;
static char load_error[256];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
  void *handle = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    snprintf(load_error, sizeof load_error, "cannot load libcurl: %s", dlerror());
    return;
  }
  struct falua_libcurl loaded;
#define RESOLVE(field)                                                                        \
  if (!(*(void **)&loaded.field = dlsym(handle, "curl_" #field))) {                           \
    snprintf(load_error, sizeof load_error, "libcurl has no curl_%s: too old", #field);      \
    return;                                                                                   \
  }
  RESOLVE(global_init)
  RESOLVE(version_info)
  RESOLVE(easy_init)
  RESOLVE(easy_cleanup)
  RESOLVE(easy_reset)
  RESOLVE(easy_pause)
  RESOLVE(easy_recv)
  RESOLVE(easy_send)
  RESOLVE(easy_strerror)
  RESOLVE(easy_setopt)
  RESOLVE(easy_getinfo)
  RESOLVE(multi_init)
  RESOLVE(multi_cleanup)
  RESOLVE(multi_add_handle)
  RESOLVE(multi_remove_handle)
  RESOLVE(multi_perform)
  RESOLVE(multi_poll)
  RESOLVE(multi_info_read)
  RESOLVE(multi_strerror)
  RESOLVE(multi_setopt)
  RESOLVE(slist_append)
  RESOLVE(slist_free_all)
#undef RESOLVE
  library = loaded;
}

const struct falua_libcurl *falua_libcurl(void) {
  pthread_once(&load_once, load);
  return library.global_init ? &library : NULL;
}

const char *falua_libcurl_error(void) {
  pthread_once(&load_once, load);
  return load_error;
}

// Only curl_global_init and the constructors can be the first call: every other function takes a
// handle or a list they returned, so the library is open by then and `library` filled.

CURLcode curl_global_init(long flags) {
  const struct falua_libcurl *curl = falua_libcurl();
  return curl ? curl->global_init(flags) : CURLE_FAILED_INIT;
}
CURL *curl_easy_init(void) {
  const struct falua_libcurl *curl = falua_libcurl();
  return curl ? curl->easy_init() : NULL;
}
CURLM *curl_multi_init(void) {
  const struct falua_libcurl *curl = falua_libcurl();
  return curl ? curl->multi_init() : NULL;
}
struct curl_slist *curl_slist_append(struct curl_slist *list, const char *data) {
  const struct falua_libcurl *curl = falua_libcurl();
  return curl ? curl->slist_append(list, data) : NULL;
}
const char *curl_easy_strerror(CURLcode code) {
  const struct falua_libcurl *curl = falua_libcurl();
  return curl ? curl->easy_strerror(code) : load_error;
}
const char *curl_multi_strerror(CURLMcode code) {
  const struct falua_libcurl *curl = falua_libcurl();
  return curl ? curl->multi_strerror(code) : load_error;
}
void curl_easy_cleanup(CURL *easy) { library.easy_cleanup(easy); }
void curl_easy_reset(CURL *easy) { library.easy_reset(easy); }
CURLcode curl_easy_pause(CURL *easy, int bitmask) { return library.easy_pause(easy, bitmask); }
CURLcode curl_easy_recv(CURL *easy, void *buffer, size_t length, size_t *received) {
  return library.easy_recv(easy, buffer, length, received);
}
CURLcode curl_easy_send(CURL *easy, const void *buffer, size_t length, size_t *sent) {
  return library.easy_send(easy, buffer, length, sent);
}
CURLMcode curl_multi_cleanup(CURLM *multi) { return library.multi_cleanup(multi); }
CURLMcode curl_multi_add_handle(CURLM *multi, CURL *easy) { return library.multi_add_handle(multi, easy); }
CURLMcode curl_multi_remove_handle(CURLM *multi, CURL *easy) { return library.multi_remove_handle(multi, easy); }
CURLMcode curl_multi_perform(CURLM *multi, int *running) { return library.multi_perform(multi, running); }
CURLMcode curl_multi_poll(CURLM *multi, struct curl_waitfd extra[], unsigned int count, int timeout_ms, int *ready) {
  return library.multi_poll(multi, extra, count, timeout_ms, ready);
}
CURLMsg *curl_multi_info_read(CURLM *multi, int *left) { return library.multi_info_read(multi, left); }
void curl_slist_free_all(struct curl_slist *list) { library.slist_free_all(list); }
