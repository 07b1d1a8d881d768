// The sequential floor: N POST {run}/fal-ai/echo calls one after another on one libcurl easy
// handle (keep-alive), each answer checked. Prints "checked seconds".
//   run_sequential RUN_URL N
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "echo_reply.h"

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: run_sequential RUN_URL N\n");
    return 2;
  }
  long n = atol(argv[2]);
  char url[1024];
  snprintf(url, sizeof url, "%s/fal-ai/echo", argv[1]);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL *easy = curl_easy_init();
  struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
  headers = authorization(headers);
  struct reply reply = {0};
  curl_easy_setopt(easy, CURLOPT_URL, url);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, reply_write);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &reply);

  double started = now_seconds();
  long checked = 0;
  for (long i = 1; i <= n; i++) {
    char body[64];
    snprintf(body, sizeof body, "{\"i\": %ld}", i);
    reply.length = 0;
    curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, body);
    CURLcode rc = curl_easy_perform(easy);
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK || status != 200 || reply_integer(&reply, "\"i\"") != i) {
      fprintf(stderr, "request %ld: curl %d, HTTP %ld, reply %.*s\n", i, rc, status, (int)reply.length,
              reply.data ? reply.data : "");
      return 1;
    }
    checked++;
  }
  printf("%ld %.6f\n", checked, now_seconds() - started);
  curl_easy_cleanup(easy);
  curl_slist_free_all(headers);
  free(reply.data);
  curl_global_cleanup();
  return 0;
}
