"""The official Python client (fal-client 1.0.3, unmodified but for its URL constants) against
`falua serve`: every public method, sync and async, so the emulator answers each the way fal does.
Prints one line per failed check and `official client: N checks passed` when all pass."""
import asyncio
import os
import sys
import tempfile
import time
import uuid

import httpx
import msgpack
import websockets.sync.client

import fal_client
import fal_client.client as fc

RUN = os.environ["EMULATOR_RUN_URL"].rstrip("/")
QUEUE = os.environ["EMULATOR_QUEUE_URL"].rstrip("/")
FAULTY_RUN = os.environ["FAULTY_RUN_URL"].rstrip("/")
FAULTY_QUEUE = os.environ["FAULTY_QUEUE_URL"].rstrip("/")


def point_at(run, queue):
    fc.RUN_URL_FORMAT = run + "/"
    fc.QUEUE_URL_FORMAT = queue + "/"
    fc.REALTIME_URL_FORMAT = run.replace("http://", "ws://", 1) + "/"
    fc.REST_URL = run
    fc.CDN_URL = run


point_at(RUN, QUEUE)
# Multipart above 256 KiB in 64 KiB parts, so a 13-part upload stays small.
fc.MULTIPART_THRESHOLD = 256 * 1024
fc.MULTIPART_CHUNK_SIZE = 64 * 1024
THIRTEEN_PARTS = bytes(range(256)) * (13 * 256 - 1)

checks, failures = 0, []


def check(condition, what):
    global checks
    checks += 1
    if not condition:
        failures.append(what)
        print("FAILED:", what, file=sys.stderr)


def raises(kind, call, what):
    """Runs `call`, checks it raised `kind`, returns the exception (or None)."""
    try:
        call()
    except kind as e:
        check(True, what)
        return e
    except Exception as e:  # noqa: BLE001 - any other exception is a failed check
        check(False, f"{what}: expected {kind.__name__}, got {type(e).__name__}: {e}")
        return None
    check(False, f"{what}: expected {kind.__name__}, nothing raised")
    return None


async def araises(kind, awaitable, what):
    try:
        await awaitable
    except kind as e:
        check(True, what)
        return e
    except Exception as e:  # noqa: BLE001
        check(False, f"{what}: expected {kind.__name__}, got {type(e).__name__}: {e}")
        return None
    check(False, f"{what}: expected {kind.__name__}, nothing raised")
    return None


def fetch(url):
    return httpx.get(url, timeout=30)


class TinyImage:
    """Enough of a Pillow image for upload_image/encode_image (they only call save)."""

    def save(self, buffer, format):
        buffer.write(b"\x89PNG\r\n\x1a\n" + format.encode())


def wait_for_webhook(name):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        seen = fetch(f"{RUN}/_emulator/webhooks/{name}").json()["deliveries"]
        if seen:
            return seen
        time.sleep(0.05)
    return []


def sync_suite(client):
    # run: path, hint, headers, timeout
    check(client.run("fal-ai/echo", arguments={"x": 1, "s": "é"}) == {"x": 1, "s": "é"}, "run echoes")
    check(client.run("fal-ai/echo", arguments={"p": 1}, path="/sub", hint="h", headers={"X-Extra": "1"},
                     timeout=30) == {"p": 1}, "run with path, hint, headers, timeout")

    # subscribe: callbacks, logs, priority, start_timeout, interval
    updates, enqueued = [], []
    result = client.subscribe("fal-ai/echo", arguments={"v": 2, "logs": 2, "sleep": 0.3}, with_logs=True,
                              on_enqueue=enqueued.append, on_queue_update=updates.append, priority="low",
                              start_timeout=30, interval=0.05)
    check(result["v"] == 2, "subscribe result")
    check(len(enqueued) == 1, "on_enqueue called once")
    check(isinstance(updates[-1], fal_client.Completed), "last update is Completed")
    check(any(isinstance(u, fal_client.InProgress) and u.logs for u in updates), "in-progress logs seen")
    check(updates[-1].metrics is not None and "inference_time" in updates[-1].metrics, "completed metrics")

    # client_timeout: FalClientTimeoutError, and the request is cancelled
    e = raises(fal_client.FalClientTimeoutError,
               lambda: client.subscribe("conformance/slow", arguments={"sleep": 5}, client_timeout=1.5),
               "subscribe client_timeout")
    if e is not None:
        for done in client.get_handle("conformance/slow", e.request_id).iter_events(interval=0.05):
            pass
        check(isinstance(done, fal_client.Completed) and done.error_type == "client_cancelled",
              "timed-out subscribe was cancelled")

    # submit, handle.status / iter_events / get / cancel, by id through the client
    handle = client.submit("fal-ai/echo", arguments={"w": 3, "logs": 1}, hint="h", priority="normal")
    check(isinstance(handle.status(), (fal_client.Queued, fal_client.InProgress, fal_client.Completed)),
          "status parsed")
    events = list(handle.iter_events(with_logs=True, interval=0.05))
    check(isinstance(events[-1], fal_client.Completed), "iter_events ends Completed")
    check(handle.get() == {"w": 3, "logs": 1}, "get")
    check(handle.status().logs is None, "logs null unless requested")
    check(client.status("fal-ai/echo", handle.request_id, with_logs=True).logs, "status with logs by id")
    check(client.result("fal-ai/echo", handle.request_id) == {"w": 3, "logs": 1}, "result by id")
    same = client.get_handle("fal-ai/echo", handle.request_id)
    check(same.get() == {"w": 3, "logs": 1}, "get_handle")
    check(fal_client.SyncRequestHandle.from_request_id(client._client, "fal-ai/echo", handle.request_id).get()
          == {"w": 3, "logs": 1}, "SyncRequestHandle.from_request_id")

    # cancel a running request, and a queued one by id
    busy = client.submit("conformance/slow", arguments={"sleep": 10})
    queued = client.submit("conformance/slow", arguments={"sleep": 10})
    check(isinstance(queued.status(), fal_client.Queued), "second request queued behind the first")
    client.cancel("conformance/slow", queued.request_id)
    busy.cancel()
    for handle_ in (busy, queued):
        done = None
        for done in handle_.iter_events(interval=0.05):
            pass
        check(isinstance(done, fal_client.Completed) and done.error_type == "client_cancelled",
              "cancelled request completes as client_cancelled")

    # start_timeout expiring in the queue: 504 with X-Fal-Request-Timeout-Type: user, not retried
    blocker = client.submit("conformance/slow", arguments={"sleep": 10})
    e = raises(fal_client.FalClientHTTPError,
               lambda: client.run("conformance/slow", arguments={}, start_timeout=1.1), "start_timeout expires")
    if e is not None:
        check(e.status_code == 504 and e.response_headers.get("x-fal-request-timeout-type") == "user",
              "start_timeout is a user 504")
        check(e.error_type == "request_timeout", "start_timeout error_type")
    blocker.cancel()

    # errors: 401, 422 (run and queue), app error, crash (runner_server_error)
    e = raises(fal_client.FalClientHTTPError, lambda: fal_client.SyncClient(key="wrong").run("fal-ai/echo", {}),
               "wrong key")
    check(e is not None and e.status_code == 401, "401 status")
    e = raises(fal_client.FalClientHTTPError, lambda: client.run("fal-ai/flux/schnell", arguments={}), "422 on run")
    check(e is not None and e.status_code == 422 and isinstance(e.message, list), "422 detail list")
    invalid = client.submit("fal-ai/echo", arguments={"logs": "many"})
    done = None
    for done in invalid.iter_events(interval=0.05):
        pass
    check(done.error == "Invalid status code: 422" and done.error_type == "type_error.integer",
          f"422 through the queue: status error and error_type ({done.error!r}, {done.error_type!r})")
    e = raises(fal_client.FalClientHTTPError, invalid.get, "422 result raises")
    check(e is not None and e.status_code == 422, "422 result status")
    e = raises(fal_client.FalClientHTTPError, lambda: client.run("fal-ai/echo", arguments={"fail": True}),
               "app error")
    check(e is not None and e.status_code == 500 and e.message == "echo failed as requested", "app error shape")
    e = raises(fal_client.FalClientHTTPError, lambda: client.run("conformance/slow", arguments={"crash": True}),
               "crash")
    check(e is not None and e.status_code == 500 and e.error_type == "runner_server_error"
          and e.response_headers.get("x-fal-error-type") == "runner_server_error"
          and "crashed as requested" in e.message, f"crash shape ({e and e.error_type!r})")
    crashed = client.submit("conformance/slow", arguments={"crash": True})
    for done in crashed.iter_events(interval=0.05):
        pass
    check(done.error_type == "runner_server_error", "crash status error_type")

    # stream, and an error in the middle of one
    events = list(client.stream("fal-ai/any-llm", arguments={"prompt": "a b c", "delay": 0}))
    check(len(events) == 5 and events[-1] == {"output": "any-llm: a b c", "partial": False}, "stream events")
    seen = []

    def broken_stream():
        for event in client.stream("fal-ai/any-llm", arguments={"prompt": "a b c d", "fail_after": 2, "delay": 0}):
            seen.append(event)

    raises(httpx.HTTPError, broken_stream, "an error mid-stream raises")
    check(len(seen) == 2, f"events before the mid-stream error ({seen})")

    # realtime: JWT and key, bytes stay bytes, msgpack ws_connect
    for use_jwt in (True, False):
        with client.realtime("fal-ai/realtime-echo", use_jwt=use_jwt) as conn:
            conn.send({"text": "hi", "blob": b"hello", "raw": b"\xff\x00"})
            reply = conn.recv()
            check(reply["text"] == "hi", f"realtime text (jwt={use_jwt})")
            check(reply["blob"] == b"hello" and reply["raw"] == b"\xff\x00",
                  f"realtime bytes stay bytes (jwt={use_jwt}): {reply.get('blob')!r}")
    with client.ws_connect("fal-ai/realtime-echo", path="/realtime") as ws:
        ws.send(msgpack.packb({"q": 1}))
        check(msgpack.unpackb(ws.recv())["q"] == 1, "ws_connect")
    # the realtime route's framing: a ping answered, a fragmented message joined, a close echoed
    url = RUN.replace("http://", "ws://", 1) + "/fal-ai/realtime-echo/realtime"
    with websockets.sync.client.connect(url, additional_headers={"Authorization": "Key " + os.environ["FAL_KEY"]}) as ws:
        check(ws.ping().wait(5), "realtime ping answered")
        packed = msgpack.packb({"q": 3, "text": "fragments"})
        ws.send([packed[:3], packed[3:7], packed[7:]])
        check(msgpack.unpackb(ws.recv(5))["text"] == "fragments", "fragmented realtime message")
        ws.close(4001, "bye")
        check(ws.close_code == 4001, f"client close echoed ({ws.close_code})")

    # uploads: simple, file, image, multipart (13 parts, sync and from a file), lifecycle
    url = client.upload(b"small bytes", "text/plain", file_name="a.txt")
    check(fetch(url).content == b"small bytes", "upload")
    url = client.upload(THIRTEEN_PARTS, "application/octet-stream", file_name="big.bin")
    check(fetch(url).content == THIRTEEN_PARTS, "multipart upload (13 parts)")
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(THIRTEEN_PARTS)
        f.flush()
        check(fetch(client.upload_file(f.name)).content == THIRTEEN_PARTS, "multipart upload_file (13 parts)")
    with tempfile.NamedTemporaryFile(suffix=".txt") as f:
        f.write(b"file bytes")
        f.flush()
        check(fetch(client.upload_file(f.name)).content == b"file bytes", "upload_file")
        check(fal_client.encode_file(f.name) == "data:text/plain;base64,ZmlsZSBieXRlcw==", "encode_file")
    check(fetch(client.upload_image(TinyImage(), format="png")).content.endswith(b"png"), "upload_image")
    check(fal_client.encode_image(TinyImage(), format="png").startswith("data:image/png;base64,"), "encode_image")
    check(fal_client.encode(b"x", "text/plain") == "data:text/plain;base64,eA==", "encode")
    url = client.upload(b"brief", "text/plain",
                        lifecycle=fal_client.StorageSettings(expires_in=1))
    check(fetch(url).status_code == 200, "lifecycle upload readable")
    deadline = time.monotonic() + 5
    while fetch(url).status_code == 200 and time.monotonic() < deadline:
        time.sleep(0.1)
    check(fetch(url).status_code == 404, "lifecycle upload expires")
    url = client.upload(b"legacy", "text/plain", repository="fal")
    check(fetch(url).content == b"legacy", "legacy storage upload")

    # webhooks: delivered, signed
    sink = f"sync-{uuid.uuid4().hex}"
    hooked = client.submit("fal-ai/echo", arguments={"hook": 1}, webhook_url=f"{RUN}/_emulator/webhooks/{sink}")
    check(hooked.get() == {"hook": 1}, "webhook request result")
    deliveries = wait_for_webhook(sink)
    check(len(deliveries) == 1, "webhook delivered once")
    if deliveries:
        headers = {k.lower(): v for k, v in deliveries[0]["headers"].items()}
        check("x-fal-webhook-signature" in headers, "webhook signed")
        check('"status":"OK"' in deliveries[0]["body"].replace(" ", ""), "webhook payload OK")

    # module-level functions (the default client, FAL_KEY from the environment)
    check(fal_client.run("fal-ai/echo", arguments={"m": 1}) == {"m": 1}, "fal_client.run")
    check(fal_client.subscribe("fal-ai/echo", arguments={"m": 2}) == {"m": 2}, "fal_client.subscribe")
    check(fal_client.submit("fal-ai/echo", arguments={"m": 3}).get() == {"m": 3}, "fal_client.submit")


async def async_suite(client):
    check(await client.run("fal-ai/echo", arguments={"a": 1}) == {"a": 1}, "async run")
    updates = []

    async def on_update(status):
        updates.append(status)

    result = await client.subscribe("fal-ai/echo", arguments={"a": 2, "logs": 1}, with_logs=True,
                                    on_queue_update=on_update, on_enqueue=lambda _: None, interval=0.05)
    check(result == {"a": 2, "logs": 1} and isinstance(updates[-1], fal_client.Completed), "async subscribe")
    await araises(fal_client.FalClientTimeoutError,
                  client.subscribe("conformance/slow", arguments={"sleep": 5}, client_timeout=1.5),
                  "async subscribe client_timeout")
    handle = await client.submit("fal-ai/echo", arguments={"a": 3})
    events = [e async for e in handle.iter_events(interval=0.05)]
    check(isinstance(events[-1], fal_client.Completed), "async iter_events")
    check(await handle.get() == {"a": 3}, "async get")
    check(isinstance(await handle.status(), fal_client.Completed), "async status")
    check(await client.result("fal-ai/echo", handle.request_id) == {"a": 3}, "async result by id")
    check(isinstance(await client.status("fal-ai/echo", handle.request_id), fal_client.Completed),
          "async status by id")
    check(await (await client.get_handle("fal-ai/echo", handle.request_id)).get() == {"a": 3}, "async get_handle")
    slow = await client.submit("conformance/slow", arguments={"sleep": 10})
    await client.cancel("conformance/slow", slow.request_id)
    done = None
    async for done in slow.iter_events(interval=0.05):
        pass
    check(done.error_type == "client_cancelled", "async cancel")
    e = await araises(fal_client.FalClientHTTPError, client.run("conformance/slow", arguments={"crash": True}),
                      "async crash")
    check(e is not None and e.error_type == "runner_server_error", "async crash shape")

    events = [e async for e in client.stream("fal-ai/any-llm", arguments={"prompt": "a b", "delay": 0})]
    check(events[-1] == {"output": "any-llm: a b", "partial": False}, "async stream")
    seen = []

    async def broken_stream():
        async for event in client.stream("fal-ai/any-llm", arguments={"prompt": "a b c d", "fail_after": 2,
                                                                       "delay": 0}):
            seen.append(event)

    await araises(httpx.HTTPError, broken_stream(), "async error mid-stream raises")
    check(len(seen) == 2, "async events before the mid-stream error")

    for use_jwt in (True, False):
        async with client.realtime("fal-ai/realtime-echo", use_jwt=use_jwt) as conn:
            await conn.send({"blob": b"hello"})
            reply = await conn.recv()
            check(reply["blob"] == b"hello", f"async realtime bytes (jwt={use_jwt})")
    async with client.ws_connect("fal-ai/realtime-echo", path="/realtime") as ws:
        await ws.send(msgpack.packb({"q": 2}))
        check(msgpack.unpackb(await ws.recv())["q"] == 2, "async ws_connect")

    url = await client.upload(b"async bytes", "text/plain")
    check(fetch(url).content == b"async bytes", "async upload")
    url = await client.upload(THIRTEEN_PARTS, "application/octet-stream")
    check(fetch(url).content == THIRTEEN_PARTS, "async multipart upload (13 parts)")
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(THIRTEEN_PARTS)
        f.flush()
        check(fetch(await client.upload_file(f.name)).content == THIRTEEN_PARTS, "async multipart upload_file")
    check(fetch(await client.upload_image(TinyImage(), format="png")).status_code == 200, "async upload_image")
    check(await fal_client.run_async("fal-ai/echo", arguments={"m": 4}) == {"m": 4}, "fal_client.run_async")


def retry_suite():
    """Against an emulator injecting 429s and ingress 5xx: the client's retries make every call succeed."""
    point_at(FAULTY_RUN, FAULTY_QUEUE)
    client = fal_client.SyncClient(key=os.environ["FAL_KEY"])
    for i in range(20):
        check(client.run("fal-ai/echo", arguments={"i": i}) == {"i": i}, f"run {i} under faults")
        check(client.subscribe("fal-ai/echo", arguments={"j": i}, interval=0.02) == {"j": i},
              f"subscribe {i} under faults")

    async def many():
        aclient = fal_client.AsyncClient(key=os.environ["FAL_KEY"])
        results = await asyncio.gather(*[aclient.subscribe("fal-ai/echo", arguments={"k": i}, interval=0.02)
                                         for i in range(20)])
        check(results == [{"k": i} for i in range(20)], "async subscribes under faults")

    asyncio.run(many())
    stats = fetch(f"{FAULTY_RUN}/_emulator/stats").json()
    check(stats.get("faults", 0) > 0, "faults were injected")
    point_at(RUN, QUEUE)


sync_suite(fal_client.SyncClient(key=os.environ["FAL_KEY"]))
asyncio.run(async_suite(fal_client.AsyncClient(key=os.environ["FAL_KEY"])))
retry_suite()
if failures:
    print(f"official client: {len(failures)} of {checks} checks failed", file=sys.stderr)
    sys.exit(1)
print(f"official client: {checks} checks passed")
