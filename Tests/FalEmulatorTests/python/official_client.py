"""Drives the emulator with the official Python client (fal-client), unmodified but for its URL
constants, to prove the emulator speaks the protocol that client expects (DESIGN.md §7)."""
import os
import sys

import fal_client
import fal_client.client as client_module

client_module.RUN_URL_FORMAT = os.environ["EMULATOR_RUN_URL"].rstrip("/") + "/"
client_module.QUEUE_URL_FORMAT = os.environ["EMULATOR_QUEUE_URL"].rstrip("/") + "/"
client = fal_client.SyncClient(key="any-key")


def check(condition, what):
    if not condition:
        print("FAILED:", what, file=sys.stderr)
        sys.exit(1)


# run
check(client.run("fal-ai/echo", arguments={"x": 1, "s": "é"}) == {"x": 1, "s": "é"}, "run echoes")

# subscribe with callbacks and logs
updates, enqueued = [], []
result = client.subscribe(
    "fal-ai/echo",
    arguments={"v": 2, "logs": 2, "sleep": 0.3},
    with_logs=True,
    on_enqueue=enqueued.append,
    on_queue_update=updates.append,
)
check(result["v"] == 2, "subscribe result")
check(len(enqueued) == 1, "on_enqueue called once")
check(isinstance(updates[-1], fal_client.Completed), "last update is Completed")
check(any(isinstance(u, fal_client.InProgress) and u.logs for u in updates), "in-progress logs seen")

# submit, status without logs, get
handle = client.submit("fal-ai/echo", arguments={"w": 3})
status = handle.status()
check(isinstance(status, (fal_client.Queued, fal_client.InProgress, fal_client.Completed)), "status parsed")
check(handle.get() == {"w": 3}, "get")
check(handle.status().logs is None, "logs null unless requested")

# cancel
slow = client.submit("fal-ai/echo", arguments={"sleep": 10})
slow.cancel()
# A running request completes once the app notices the cancel: follow it to the end.
done = None
for done in slow.iter_events(interval=0.05):
    pass
check(isinstance(done, fal_client.Completed), "cancelled request completes")

# 422 surfaces as FalClientHTTPError with the detail list
try:
    client.run("fal-ai/flux/schnell", arguments={})
    check(False, "422 expected")
except fal_client.client.FalClientHTTPError as e:
    check(e.status_code == 422, "422 status")

# the image app
image = client.subscribe("fal-ai/flux/schnell", arguments={"prompt": "a cat", "image_size": "square"})
check(image["images"][0]["width"] == 512, "image size")

print("official client: all checks passed")
