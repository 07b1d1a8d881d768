"""The official Python client (fal-client) on the benchmark's workloads, against the emulator named
by FALUA_RUN_URL / FALUA_QUEUE_URL / FALUA_REST_URL. Every answer is checked; the last line printed
is a JSON object with `checked` and the workload's measurements (timed inside the process).

  fal_client_driver.py run-sequential sync|async N
  fal_client_driver.py subscribe-concurrent async N
  fal_client_driver.py realtime sync|async COUNT [jwt|key]
  fal_client_driver.py subscribe-latency sync N
"""
import asyncio
import json
import os
import sys
import time

import fal_client
import fal_client.client as client_module

run_url = os.environ["FALUA_RUN_URL"].rstrip("/")
client_module.RUN_URL_FORMAT = run_url + "/"
client_module.QUEUE_URL_FORMAT = os.environ["FALUA_QUEUE_URL"].rstrip("/") + "/"
client_module.REST_URL = os.environ.get("FALUA_REST_URL", run_url).rstrip("/")
client_module.REALTIME_URL_FORMAT = run_url.replace("http://", "ws://", 1) + "/"


# The key `falua serve` requires (serve.sh exports it).
KEY = os.environ["FAL_KEY"]


def check(ok, what):
    if not ok:
        raise SystemExit(f"wrong answer: {what}")


def report(**fields):
    print(json.dumps(fields), flush=True)


def run_sequential_sync(n):
    client = fal_client.SyncClient(key=KEY)
    started = time.monotonic()
    for i in range(1, n + 1):
        check(client.run("fal-ai/echo", arguments={"i": i})["i"] == i, f"run {i}")
    report(checked=n, seconds=time.monotonic() - started)


async def run_sequential_async(n):
    client = fal_client.AsyncClient(key=KEY)
    started = time.monotonic()
    for i in range(1, n + 1):
        check((await client.run("fal-ai/echo", arguments={"i": i}))["i"] == i, f"run {i}")
    report(checked=n, seconds=time.monotonic() - started)


async def subscribe_concurrent_async(n):
    client = fal_client.AsyncClient(key=KEY)
    ids = set()

    async def one(i):
        result = await client.subscribe("fal-ai/echo", arguments={"i": i}, on_enqueue=ids.add)
        check(result["i"] == i, f"subscribe {i}")

    started = time.monotonic()
    await asyncio.gather(*(one(i) for i in range(1, n + 1)))
    seconds = time.monotonic() - started
    check(len(ids) == n, "one request id per subscribe")
    report(checked=n, seconds=seconds)


def check_reply(reply, i):
    check(reply["i"] == i and reply["n"] == i and reply["text"] == "message", f"round trip {i}")


def realtime_sync(count, auth="jwt"):
    client = fal_client.SyncClient(key=KEY)
    with client.realtime("fal-ai/realtime-echo", use_jwt=auth == "jwt") as connection:
        started = time.monotonic()
        for i in range(1, count + 1):
            connection.send({"i": i, "text": "message"})
            check_reply(connection.recv(), i)
        report(checked=count, seconds=time.monotonic() - started)


async def realtime_async(count, auth="jwt"):
    client = fal_client.AsyncClient(key=KEY)
    async with client.realtime("fal-ai/realtime-echo", use_jwt=auth == "jwt") as connection:
        started = time.monotonic()
        for i in range(1, count + 1):
            await connection.send({"i": i, "text": "message"})
            check_reply(await connection.recv(), i)
        report(checked=count, seconds=time.monotonic() - started)


def subscribe_latency_sync(n):
    client = fal_client.SyncClient(key=KEY)
    returns = []
    for i in range(1, n + 1):
        ids = []
        result = client.subscribe("fal-ai/echo", arguments={"i": i, "sleep": 0.25}, on_enqueue=ids.append)
        returned = time.time()
        check(result["i"] == i and len(ids) == 1, f"subscribe {i}")
        returns.append([ids[0], returned])
    report(checked=n, returns=returns)


WORKLOADS = {
    ("run-sequential", "sync"): run_sequential_sync,
    ("run-sequential", "async"): run_sequential_async,
    ("subscribe-concurrent", "async"): subscribe_concurrent_async,
    ("realtime", "sync"): realtime_sync,
    ("realtime", "async"): realtime_async,
    ("subscribe-latency", "sync"): subscribe_latency_sync,
}

if __name__ == "__main__":
    if len(sys.argv) < 4 or (sys.argv[1], sys.argv[2]) not in WORKLOADS:
        raise SystemExit(__doc__)
    workload = WORKLOADS[sys.argv[1], sys.argv[2]]
    arguments = [int(sys.argv[3]), *sys.argv[4:]]
    if asyncio.iscoroutinefunction(workload):
        asyncio.run(workload(*arguments))
    else:
        workload(*arguments)
