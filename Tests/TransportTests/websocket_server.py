"""A WebSocket test server for falua's client (Tests/TransportTests/WebSocketTests.swift).

usage: websocket_server.py [CERT KEY]   (with a certificate and key: wss)
Prints "PORT <n>" once it listens on 127.0.0.1, then serves until stdin closes. Paths:
  /echo         every message back as it came (text stays text, bytes bytes)
  /fragmented   every message back split into 3 fragments
  /ping         sends a ping, waits for the pong, then sends the text "pong received"
  /close        closes at once with code 4001, reason "bye"
  /headers      sends the X-Test request header back as text
  /reject       refuses the upgrade with HTTP 403 "no entry"
"""
import asyncio
import ssl
import sys

from websockets.asyncio.server import serve


async def handler(ws):
    path = ws.request.path
    if path == "/close":
        await ws.close(4001, "bye")
    elif path == "/headers":
        await ws.send(ws.request.headers.get("X-Test", ""))
        await ws.wait_closed()
    elif path == "/ping":
        pong = await ws.ping(b"are you there")
        await pong
        await ws.send("pong received")
        await ws.wait_closed()
    else:
        async for message in ws:
            if path == "/fragmented":
                third = max(1, len(message) // 3)
                await ws.send([message[:third], message[third:2 * third], message[2 * third:]])
            else:
                await ws.send(message)


def refuse(connection, request):
    if request.path == "/reject":
        return connection.respond(403, "no entry\n")
    return None


async def main():
    context = None
    if len(sys.argv) == 3:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
    async with serve(handler, "127.0.0.1", 0, ssl=context, max_size=None, compression=None,
                     process_request=refuse) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"PORT {port}", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


asyncio.run(main())
