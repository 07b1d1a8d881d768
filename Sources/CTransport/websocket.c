// wslay's event API over curl_easy_recv/curl_easy_send. wslay calls back into C only, so the glue
// lives here; Swift sees whole messages and the peer's close.
//
// wslay hands a frame to the send callback in pieces (header, then masked payload); written as
// they come they would be two syscalls and two TCP segments, the peer woken for each. They go to
// `out` instead, written in one send once wslay is done. Mask keys come from a pool of random
// bytes: drawing random bytes per frame cost more than the rest of the send. Over a plain connection the
// bytes go through recv/send on the socket itself: curl_easy_recv/send look the connection up
// on every call, about a tenth of the client's work per round trip.
#include "falua_websocket.h"

#include "falua_crypto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <wslay/wslay.h>

enum {
  OUT_LIMIT = 64 * 1024,  // past it wslay keeps the rest of its queue until `out` drains
  MASK_POOL = 1024,
};

struct falua_ws {
  wslay_event_context_ptr ctx;
  CURL *easy;
  int plain_socket;  // the socket when nothing (TLS, a proxy) sits between it and the peer; else -1
  uint8_t *pending;  // bytes the handshake read past the head, consumed first
  size_t pending_length, pending_offset;
  uint8_t *out;  // framed bytes not yet written: out[out_offset..<out_length]
  size_t out_length, out_offset, out_capacity;
  uint8_t masks[MASK_POOL];
  size_t masks_used;
  falua_ws_message_fn on_message;
  falua_ws_close_fn on_close;
  void *user;
  CURLcode error;
  int hung_up;
};

int falua_ws_make_key(char key[25]) {
  unsigned char nonce[16];
  return falua_random_bytes(nonce, sizeof nonce) && falua_base64(nonce, sizeof nonce, key) ? 0 : -1;
}

void falua_ws_expected_accept(const char *key, char accept[29]) {
  static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  char input[64 + sizeof guid];
  size_t key_length = strnlen(key, 64);
  memcpy(input, key, key_length);
  memcpy(input + key_length, guid, sizeof guid - 1);
  unsigned char digest[20];
  if (!falua_sha1(input, key_length + sizeof guid - 1, digest) || !falua_base64(digest, sizeof digest, accept)) {
    accept[0] = 0;  // matches no server's accept: the handshake fails
  }
}

// curl_easy_recv/send's contract (CURLE_AGAIN, CURLE_OK with 0 bytes at the end) on either path.
static CURLcode socket_recv(falua_ws *ws, uint8_t *buf, size_t len, size_t *n) {
  if (ws->plain_socket < 0) return curl_easy_recv(ws->easy, buf, len, n);
  ssize_t got;
  do got = recv(ws->plain_socket, buf, len, 0);
  while (got < 0 && errno == EINTR);
  if (got < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? CURLE_AGAIN : CURLE_RECV_ERROR;
  *n = (size_t)got;
  return CURLE_OK;
}

static CURLcode socket_send(falua_ws *ws, const uint8_t *data, size_t len, size_t *n) {
  if (ws->plain_socket < 0) return curl_easy_send(ws->easy, data, len, n);
  ssize_t put;
  do put = send(ws->plain_socket, data, len, MSG_NOSIGNAL);
  while (put < 0 && errno == EINTR);
  if (put < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? CURLE_AGAIN : CURLE_SEND_ERROR;
  *n = (size_t)put;
  return CURLE_OK;
}

static ssize_t recv_callback(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *user) {
  (void)flags;
  falua_ws *ws = user;
  if (ws->pending_offset < ws->pending_length) {
    size_t n = ws->pending_length - ws->pending_offset;
    if (n > len) n = len;
    memcpy(buf, ws->pending + ws->pending_offset, n);
    ws->pending_offset += n;
    return (ssize_t)n;
  }
  size_t n = 0;
  CURLcode code = socket_recv(ws, buf, len, &n);
  if (code == CURLE_AGAIN) {
    wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
    return -1;
  }
  if (code != CURLE_OK || n == 0) {
    ws->error = code;
    ws->hung_up = 1;
    wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
  }
  return (ssize_t)n;
}

static ssize_t send_callback(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
                             void *user) {
  (void)flags;
  falua_ws *ws = user;
  if (ws->out_length - ws->out_offset >= OUT_LIMIT) {
    wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
    return -1;
  }
  if (ws->out_offset > 0) {  // written bytes make room first
    memmove(ws->out, ws->out + ws->out_offset, ws->out_length - ws->out_offset);
    ws->out_length -= ws->out_offset;
    ws->out_offset = 0;
  }
  if (ws->out_length + len > ws->out_capacity) {
    size_t capacity = ws->out_capacity ? ws->out_capacity : 256;
    while (capacity < ws->out_length + len) capacity *= 2;
    uint8_t *grown = realloc(ws->out, capacity);
    if (grown == NULL) {
      wslay_event_set_error(ctx, WSLAY_ERR_NOMEM);
      return -1;
    }
    ws->out = grown;
    ws->out_capacity = capacity;
  }
  memcpy(ws->out + ws->out_length, data, len);
  ws->out_length += len;
  return (ssize_t)len;
}

/// Writes `out` until it is empty or the socket would block. Returns -1 when the connection failed.
static int write_out(falua_ws *ws) {
  while (ws->out_offset < ws->out_length) {
    size_t n = 0;
    CURLcode code = socket_send(ws, ws->out + ws->out_offset, ws->out_length - ws->out_offset, &n);
    if (code == CURLE_AGAIN) return 0;
    if (code != CURLE_OK) {
      ws->error = code;
      ws->hung_up = 1;
      return -1;
    }
    ws->out_offset += n;
  }
  ws->out_offset = ws->out_length = 0;
  return 0;
}

static int genmask_callback(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *user) {
  falua_ws *ws = user;
  if (len > MASK_POOL) len = MASK_POOL;  // wslay asks for 4 bytes
  if (ws->masks_used + len > MASK_POOL) {
    if (!falua_random_bytes(ws->masks, MASK_POOL)) {
      wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
      return -1;
    }
    ws->masks_used = 0;
  }
  memcpy(buf, ws->masks + ws->masks_used, len);
  ws->masks_used += len;
  return 0;
}

static void message_callback(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg,
                             void *user) {
  (void)ctx;
  falua_ws *ws = user;
  if (arg->opcode == WSLAY_TEXT_FRAME || arg->opcode == WSLAY_BINARY_FRAME) {
    ws->on_message(ws->user, arg->opcode, arg->msg, arg->msg_length);
  } else if (arg->opcode == WSLAY_CONNECTION_CLOSE) {
    // The payload starts with the two code bytes.
    int code = arg->status_code == 0 ? 1005 : arg->status_code;
    size_t skip = arg->msg_length >= 2 ? 2 : arg->msg_length;
    ws->on_close(ws->user, code, arg->msg + skip, arg->msg_length - skip);
  }
}

falua_ws *falua_ws_new(CURL *easy, int plain_socket, const uint8_t *pending, size_t pending_length,
                       falua_ws_message_fn on_message, falua_ws_close_fn on_close, void *user) {
  falua_ws *ws = calloc(1, sizeof *ws);
  if (ws == NULL) return NULL;
  if (pending_length > 0) {
    ws->pending = malloc(pending_length);
    if (ws->pending == NULL) {
      free(ws);
      return NULL;
    }
    memcpy(ws->pending, pending, pending_length);
  }
  ws->pending_length = pending_length;
  ws->masks_used = MASK_POOL;  // filled on the first frame
  ws->easy = easy;
  ws->plain_socket = plain_socket;
  ws->on_message = on_message;
  ws->on_close = on_close;
  ws->user = user;
  struct wslay_event_callbacks callbacks = {
      .recv_callback = recv_callback,
      .send_callback = send_callback,
      .genmask_callback = genmask_callback,
      .on_msg_recv_callback = message_callback,
  };
  if (wslay_event_context_client_init(&ws->ctx, &callbacks, ws) != 0) {
    free(ws->pending);
    free(ws);
    return NULL;
  }
  return ws;
}

void falua_ws_limit_messages(falua_ws *ws, uint64_t max_length) {
  // wslay checks each frame's announced length (plus the message's earlier fragments) against this
  // before it allocates the payload, so a too-long message is refused from a frame header and
  // never more than the limit is held.
  wslay_event_config_set_max_recv_msg_length(ws->ctx, max_length);
}

int falua_ws_refused_long_message(falua_ws *ws) {
  // Only wslay sends 1009: the client's own closes are 1000.
  return wslay_event_get_close_sent(ws->ctx) &&
         wslay_event_get_status_code_sent(ws->ctx) == WSLAY_CODE_MESSAGE_TOO_BIG;
}

void falua_ws_free(falua_ws *ws) {
  if (ws == NULL) return;
  wslay_event_context_free(ws->ctx);
  free(ws->pending);
  free(ws->out);
  free(ws);
}

int falua_ws_queue(falua_ws *ws, int opcode, const uint8_t *data, size_t length) {
  struct wslay_event_msg message = {.opcode = (uint8_t)opcode, .msg = data, .msg_length = length};
  return wslay_event_queue_msg(ws->ctx, &message);
}

int falua_ws_queue_close(falua_ws *ws, int code, const uint8_t *reason, size_t length) {
  return wslay_event_queue_close(ws->ctx, (uint16_t)code, reason, length);
}

int falua_ws_write(falua_ws *ws) {
  while (1) {
    if (write_out(ws) != 0) return -1;
    if (ws->out_length > 0 || !wslay_event_want_write(ws->ctx)) break;
    if (wslay_event_send(ws->ctx) != 0) return -1;
  }
  return ws->hung_up ? -1 : 0;
}

int falua_ws_pump(falua_ws *ws) {
  if (wslay_event_want_read(ws->ctx) && wslay_event_recv(ws->ctx) != 0) return -1;
  return falua_ws_write(ws);
}

int falua_ws_wants_write(falua_ws *ws) { return ws->out_length > 0 || wslay_event_want_write(ws->ctx); }

int falua_ws_is_finished(falua_ws *ws) {
  if (ws->out_length > 0) return 0;  // wslay counts a close as sent once it is in `out`
  return (wslay_event_get_close_received(ws->ctx) && wslay_event_get_close_sent(ws->ctx)) ||
         (!wslay_event_want_read(ws->ctx) && !wslay_event_want_write(ws->ctx));
}

CURLcode falua_ws_last_error(falua_ws *ws) { return ws->error; }
