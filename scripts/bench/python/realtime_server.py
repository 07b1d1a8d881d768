"""fal-ai/realtime-echo's realtime protocol served by Python (`websockets` + `msgpack`), for the
benchmark's "realtime on a Python server" row: each msgpack message comes back with `n`, its
position in the session, as `falua serve` answers it. Requires `Authorization: Key $FAL_KEY` on the
handshake (the clients connect with `use_jwt` off: this server has no token route). Prints
"port N" once listening; stops when its standard input closes.

  realtime_server.py
"""
import asyncio
import os
import sys
from http import HTTPStatus

import msgpack
from websockets.asyncio.server import serve

PATH = "/fal-ai/realtime-echo/realtime"
AUTHORIZATION = "Key " + os.environ["FAL_KEY"]


def check(connection, request):
    if request.path.split("?", 1)[0] != PATH:
        return connection.respond(HTTPStatus.NOT_FOUND, "no such app\n")
    if request.headers.get("Authorization") != AUTHORIZATION:
        return connection.respond(HTTPStatus.UNAUTHORIZED, "a key is required\n")
    return None


async def session(websocket):
    count = 0
    async for message in websocket:
        value = msgpack.unpackb(message)
        count += 1
        value["n"] = count
        await websocket.send(msgpack.packb(value))


async def main():
    # No permessage-deflate: falua does not offer it, so the Python clients must not get it either.
    async with serve(session, "127.0.0.1", 0, process_request=check, compression=None, max_size=None) as server:
        print("port", server.sockets[0].getsockname()[1], flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    asyncio.run(main())
