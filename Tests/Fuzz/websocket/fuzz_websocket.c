// libFuzzer target for the WebSocket frame path: websocket.c over wslay, reading what a server sent
// after the 101 from a fake socket. This file defines curl_easy_recv/curl_easy_send, so websocket.c
// talks to the fake instead of libcurl (which is not linked).
//
// Input: [chunk size] [bytes read with the handshake] [client actions] [server stream...]. The
// socket hands the stream out in chunks with "would block" between them, and accepts writes in
// chunks too, so frames and messages are split everywhere; the client sends messages and a close
// while reading. Every byte a callback is given is copied, so ASan checks the lengths.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "falua_websocket.h"

static struct {
  const uint8_t *data;
  size_t size, offset, chunk;
  int blocked;  // alternates, so that every other call would block
} server;

CURLcode curl_easy_recv(CURL *easy, void *buffer, size_t length, size_t *received) {
  (void)easy;
  *received = 0;
  if (server.offset == server.size) return CURLE_OK;  // the peer hung up
  if ((server.blocked = !server.blocked)) return CURLE_AGAIN;
  size_t n = server.size - server.offset;
  if (n > server.chunk) n = server.chunk;
  if (n > length) n = length;
  memcpy(buffer, server.data + server.offset, n);
  server.offset += n;
  *received = n;
  return CURLE_OK;
}

CURLcode curl_easy_send(CURL *easy, const void *buffer, size_t length, size_t *sent) {
  (void)easy;
  static int blocked;
  *sent = 0;
  if ((blocked = !blocked)) return CURLE_AGAIN;
  size_t n = length < server.chunk ? length : server.chunk;
  uint8_t *copy = malloc(n + 1);
  memcpy(copy, buffer, n);
  free(copy);
  *sent = n;
  return CURLE_OK;
}

static void copy(const uint8_t *data, size_t length) {
  uint8_t *copy = malloc(length + 1);
  if (length > 0) memcpy(copy, data, length);
  free(copy);
}

static void on_message(void *user, int opcode, const uint8_t *data, size_t length) {
  (void)user;
  if (opcode != 1 && opcode != 2) abort();
  copy(data, length);
}

static void on_close(void *user, int code, const uint8_t *reason, size_t length) {
  (void)user;
  if (code < 1000 || code > 4999) abort();
  copy(reason, length);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 3) return 0;
  size_t chunk = data[0] == 0 ? SIZE_MAX : data[0];
  size_t pending = data[1] < size - 3 ? data[1] : size - 3;
  uint8_t actions = data[2];
  server.data = data + 3 + pending;
  server.size = size - 3 - pending;
  server.offset = 0;
  server.chunk = chunk;
  server.blocked = 0;

  static int easy;  // never dereferenced: only the fake socket sees it
  // -1: no plain socket, so every byte goes through the fake curl_easy_recv/send above.
  falua_ws *ws = falua_ws_new((CURL *)&easy, -1, data + 3, pending, on_message, on_close, NULL);
  if (ws == NULL) abort();
  static const uint8_t text[] = "hello", binary[] = {0, 1, 2, 0xFF};
  if (actions & 1) falua_ws_queue(ws, 1, text, sizeof text - 1);
  if (actions & 2) falua_ws_queue(ws, 2, binary, sizeof binary);
  for (int i = 0; i < 100000; i++) {
    if (falua_ws_pump(ws) != 0 || falua_ws_is_finished(ws)) break;
    if (i == (actions >> 3) && (actions & 4)) falua_ws_queue_close(ws, 1000, text, sizeof text - 1);
  }
  falua_ws_free(ws);
  return 0;
}
