// The concurrency floor: one libcurl multi loop driving many flows at once, each answer checked.
//   multi_flows subscribe QUEUE_URL N INTERVAL   N concurrent submit + status polls (every
//                                                INTERVAL s, the first one at once) + result
//   multi_flows run RUN_URL N CONCURRENCY        N direct runs, CONCURRENCY in flight (the
//                                                emulator's own ceiling)
// Prints "checked seconds".
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "echo_reply.h"

enum step { SUBMIT, STATUS, RESULT, RUN };

struct flow {
  CURL *easy;
  struct reply reply;
  long i;
  enum step step;
  char request_id[128];
  double wake_at;
};

static CURLM *multi;
static struct curl_slist *headers;
static const char *base;
static double interval;
static long checked;

static void start(struct flow *flow, enum step step) {
  char url[1024];
  flow->step = step;
  flow->reply.length = 0;
  if (step == SUBMIT || step == RUN) {
    char body[64];
    snprintf(url, sizeof url, "%s/fal-ai/echo", base);
    snprintf(body, sizeof body, "{\"i\": %ld}", flow->i);
    curl_easy_setopt(flow->easy, CURLOPT_COPYPOSTFIELDS, body);
  } else {
    snprintf(url, sizeof url, "%s/fal-ai/echo/requests/%s%s", base, flow->request_id,
             step == STATUS ? "/status" : "");
    curl_easy_setopt(flow->easy, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(flow->easy, CURLOPT_URL, url);
  curl_multi_add_handle(multi, flow->easy);
}

static void fail(struct flow *flow, const char *what, CURLcode rc, long status) {
  fprintf(stderr, "flow %ld, %s: curl %d, HTTP %ld, reply %.*s\n", flow->i, what, rc, status,
          (int)flow->reply.length, flow->reply.data ? flow->reply.data : "");
  exit(1);
}

// Flows waiting for their next status poll. Every poll waits the same interval, so they wake in
// the order they were queued: a ring of at most one slot per flow suffices.
static struct flow **waiting;
static long waiting_capacity, waiting_head, waiting_count;

// Checks a finished transfer and returns whether the flow goes on (its next request started or
// queued in `waiting`).
static int advance(struct flow *flow, CURLcode rc) {
  long status = 0;
  curl_easy_getinfo(flow->easy, CURLINFO_RESPONSE_CODE, &status);
  if (rc != CURLE_OK || status < 200 || status > 299) fail(flow, "transfer", rc, status);
  char text[64];
  switch (flow->step) {
  case SUBMIT:
    if (!reply_string(&flow->reply, "\"request_id\"", flow->request_id, sizeof flow->request_id))
      fail(flow, "submit reply without request_id", rc, status);
    start(flow, STATUS);
    return 1;
  case STATUS:
    if (!reply_string(&flow->reply, "\"status\"", text, sizeof text)) fail(flow, "status reply", rc, status);
    if (strcmp(text, "COMPLETED") == 0) {
      start(flow, RESULT);
    } else {
      flow->wake_at = now_seconds() + interval;
      waiting[(waiting_head + waiting_count++) % waiting_capacity] = flow;
    }
    return 1;
  case RESULT:
  case RUN:
    if (reply_integer(&flow->reply, "\"i\"") != flow->i) fail(flow, "result", rc, status);
    checked++;
    return 0;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 5 || (strcmp(argv[1], "subscribe") != 0 && strcmp(argv[1], "run") != 0)) {
    fprintf(stderr, "usage: multi_flows subscribe QUEUE_URL N INTERVAL | run RUN_URL N CONCURRENCY\n");
    return 2;
  }
  int subscribe = strcmp(argv[1], "subscribe") == 0;
  base = argv[2];
  long n = atol(argv[3]);
  long concurrency = subscribe ? n : atol(argv[4]);
  interval = subscribe ? atof(argv[4]) : 0;
  if (n < 1 || concurrency < 1) return 2;
  if (concurrency > n) concurrency = n;

  curl_global_init(CURL_GLOBAL_DEFAULT);
  multi = curl_multi_init();
  headers = curl_slist_append(NULL, "Content-Type: application/json");
  headers = authorization(headers);
  struct flow *flows = calloc(concurrency, sizeof *flows);
  waiting_capacity = concurrency;
  waiting = calloc(waiting_capacity, sizeof *waiting);
  long next_i = 1, finished = 0;

  double started = now_seconds();
  for (long k = 0; k < concurrency; k++) {
    struct flow *flow = &flows[k];
    flow->easy = curl_easy_init();
    curl_easy_setopt(flow->easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(flow->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(flow->easy, CURLOPT_WRITEFUNCTION, reply_write);
    curl_easy_setopt(flow->easy, CURLOPT_WRITEDATA, &flow->reply);
    curl_easy_setopt(flow->easy, CURLOPT_PRIVATE, flow);
    flow->i = next_i++;
    start(flow, subscribe ? SUBMIT : RUN);
  }
  while (finished < n) {
    int running;
    curl_multi_perform(multi, &running);
    CURLMsg *message;
    int queued;
    while ((message = curl_multi_info_read(multi, &queued))) {
      if (message->msg != CURLMSG_DONE) continue;
      struct flow *flow;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, (char **)&flow);
      CURLcode rc = message->data.result;
      curl_multi_remove_handle(multi, flow->easy);
      if (advance(flow, rc)) continue;
      finished++;
      if (next_i <= n) {
        flow->i = next_i++;
        start(flow, RUN);
      }
    }
    double now = now_seconds();
    while (waiting_count > 0 && waiting[waiting_head]->wake_at <= now) {
      start(waiting[waiting_head], STATUS);
      waiting_head = (waiting_head + 1) % waiting_capacity;
      waiting_count--;
    }
    int timeout_ms = 100;
    if (waiting_count > 0) {
      int until = (int)((waiting[waiting_head]->wake_at - now) * 1000) + 1;
      if (until < timeout_ms) timeout_ms = until;
    }
    if (finished < n) curl_multi_poll(multi, NULL, 0, timeout_ms, NULL);
  }
  printf("%ld %.6f\n", checked, now_seconds() - started);
  for (long k = 0; k < concurrency; k++) {
    curl_easy_cleanup(flows[k].easy);
    free(flows[k].reply.data);
  }
  free(flows);
  free(waiting);
  curl_multi_cleanup(multi);
  curl_slist_free_all(headers);
  curl_global_cleanup();
  return checked == n ? 0 : 1;
}
