"""The official Python client on the same workloads as workloads.lua.
Usage: python3 workloads.py N  (URLs from FALUA_RUN_URL / FALUA_QUEUE_URL)"""
import asyncio
import os
import sys
import time

import fal_client
import fal_client.client as client_module

client_module.RUN_URL_FORMAT = os.environ["FALUA_RUN_URL"].rstrip("/") + "/"
client_module.QUEUE_URL_FORMAT = os.environ["FALUA_QUEUE_URL"].rstrip("/") + "/"
n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
sync = fal_client.SyncClient(key="bench")
aio = fal_client.AsyncClient(key="bench")


def report(name, started):
    print(f"{name} {time.monotonic() - started:.4f}", flush=True)


async def gather(call):
    results = await asyncio.gather(*(call("fal-ai/echo", arguments={"i": i}) for i in range(n)))
    assert all(r["i"] == i for i, r in enumerate(results))


async def concurrent():
    # One event loop for both: the async client's connections belong to the loop that opened them.
    started = time.monotonic()
    await gather(aio.subscribe)
    report("subscribe_concurrent", started)
    started = time.monotonic()
    await gather(aio.run)
    report("run_concurrent", started)


started = time.monotonic()
for i in range(n):
    assert sync.run("fal-ai/echo", arguments={"i": i})["i"] == i
report("run_sequential", started)
asyncio.run(concurrent())
