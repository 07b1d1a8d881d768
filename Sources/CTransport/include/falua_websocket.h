// RFC 6455 client framing on wslay over a connected curl easy handle (CURLOPT_CONNECT_ONLY), plus
// the handshake's key helpers on libcrypto. Swift drives it from the loop: `pump` when the socket
// is ready, `wants_write` to decide whether to poll for writability.
#ifndef FALUA_WEBSOCKET_H
#define FALUA_WEBSOCKET_H

#include <curl/curl.h>
#include <stddef.h>
#include <stdint.h>

/// A message arrived: opcode 1 (text) or 2 (binary), the whole (reassembled) payload.
typedef void (*falua_ws_message_fn)(void *user, int opcode, const uint8_t *data, size_t length);
/// The peer's close frame arrived: its code (1005 when it had none) and reason.
typedef void (*falua_ws_close_fn)(void *user, int code, const uint8_t *reason, size_t length);

typedef struct falua_ws falua_ws;

/// Writes a fresh Sec-WebSocket-Key (16 random bytes, base64: 24 characters and a NUL) into `key`.
/// Returns 0, or -1 when no randomness is available.
int falua_ws_make_key(char key[25]);

/// Writes the Sec-WebSocket-Accept value expected for `key` (28 characters and a NUL).
void falua_ws_expected_accept(const char *key, char accept[29]);

/// A client session on `easy`; `pending` are bytes already read after the handshake's head.
/// `plain_socket` is the connection's socket when neither TLS nor a proxy is involved (frames then
/// go through recv/send on it), else -1 (through curl_easy_recv/send). NULL when out of memory.
falua_ws *falua_ws_new(CURL *easy, int plain_socket, const uint8_t *pending, size_t pending_length,
                       falua_ws_message_fn on_message, falua_ws_close_fn on_close, void *user);

/// Refuses messages longer than `max_length` bytes: past it, reading stops and a 1009 close goes
/// out. Call before the first `pump`.
void falua_ws_limit_messages(falua_ws *ws, uint64_t max_length);

/// 1 once the session closed the connection (code 1009) for a message over the limit.
int falua_ws_refused_long_message(falua_ws *ws);

/// Frees the session (not the easy handle).
void falua_ws_free(falua_ws *ws);

/// Queues a message (opcode 1 text, 2 binary). Returns 0 or a negative wslay error.
int falua_ws_queue(falua_ws *ws, int opcode, const uint8_t *data, size_t length);

/// Queues a close frame. Returns 0 or a negative wslay error (e.g. a close was already queued).
int falua_ws_queue_close(falua_ws *ws, int code, const uint8_t *reason, size_t length);

/// Reads everything available (until the socket would block, as TLS needs), runs the callbacks,
/// then writes what is queued. Returns 0, or -1 when the connection failed or the peer hung up.
int falua_ws_pump(falua_ws *ws);

/// The writing half of `pump`: each frame in one send (after a `queue`, nothing new is to be read).
int falua_ws_write(falua_ws *ws);

/// 1 while queued frames wait to be written.
int falua_ws_wants_write(falua_ws *ws);

/// 1 once both sides' close frames went through (or reading and writing both stopped).
int falua_ws_is_finished(falua_ws *ws);

/// curl's last failure on the socket (CURLE_OK when the peer hung up cleanly).
CURLcode falua_ws_last_error(falua_ws *ws);

#endif
