// Shared by the two libcurl reference programs: a growing reply buffer, a clock, the key header,
// and the two field reads they need to check an answer (an integer field, a string field) without
// a JSON library.
#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct reply {
  char *data;
  size_t length, capacity;
};

static inline size_t reply_write(char *bytes, size_t size, size_t count, void *context) {
  struct reply *reply = context;
  size_t added = size * count;
  if (reply->length + added + 1 > reply->capacity) {
    reply->capacity = (reply->length + added + 1) * 2;
    reply->data = realloc(reply->data, reply->capacity);
    if (!reply->data) return 0;
  }
  memcpy(reply->data + reply->length, bytes, added);
  reply->length += added;
  reply->data[reply->length] = 0;
  return added;
}

// Appends `Authorization: Key $FAL_KEY`, the key `falua serve` requires (serve.sh exports it).
static inline struct curl_slist *authorization(struct curl_slist *headers) {
  const char *key = getenv("FAL_KEY");
  if (!key) {
    fprintf(stderr, "FAL_KEY is not set\n");
    exit(2);
  }
  char header[512];
  snprintf(header, sizeof header, "Authorization: Key %s", key);
  return curl_slist_append(headers, header);
}

static inline double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

// The text after `"key"` and its colon, or NULL.
static inline const char *reply_field(const struct reply *reply, const char *quoted_key) {
  if (!reply->data) return NULL;
  const char *at = strstr(reply->data, quoted_key);
  if (!at) return NULL;
  at += strlen(quoted_key);
  while (isspace((unsigned char)*at)) at++;
  if (*at != ':') return NULL;
  at++;
  while (isspace((unsigned char)*at)) at++;
  return at;
}

// The integer value of `"key"`, or -1 when absent.
static inline long reply_integer(const struct reply *reply, const char *quoted_key) {
  const char *at = reply_field(reply, quoted_key);
  if (!at || !isdigit((unsigned char)*at)) return -1;
  return strtol(at, NULL, 10);
}

// Copies the string value of `"key"` (no escapes) into `out`; 0 when absent or too long.
static inline int reply_string(const struct reply *reply, const char *quoted_key, char *out, size_t size) {
  const char *at = reply_field(reply, quoted_key);
  if (!at || *at != '"') return 0;
  const char *end = strchr(++at, '"');
  if (!end || (size_t)(end - at) >= size) return 0;
  memcpy(out, at, end - at);
  out[end - at] = 0;
  return 1;
}
