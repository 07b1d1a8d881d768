"""Runs every workload of the benchmark side by side, in interleaved rounds, against the emulator
named by FALUA_RUN_URL / FALUA_QUEUE_URL, and writes the JSON report. Started by run.sh, which
builds the programs and the venv and starts `falua serve`.

  harness.py --out FILE [--quick] --falua BIN --python BIN --bin DIR [--lua BIN] --runners N

Each round runs each workload once per contender, the contenders' order rotating from round to
round, so a burst of load on the shared machine spreads over all of them. Drivers time themselves
(start-up excluded), check every answer, and print a JSON line; c/measure.c reports each driver's
wall time and peak resident memory.
"""
import argparse
import datetime
import importlib.util
import json
import os
import platform
import select
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

import json_document

HERE = os.path.dirname(os.path.abspath(__file__))

# python_concurrent_max: the Python client's time grows faster than linearly with the number of
# concurrent subscribes (200 took 5 s, 500 took 104 s on the loaded development machine), so
# larger counts run without it.
# timeout: seconds one driver may take; a contender that exceeds it is stopped, recorded as
# timed out, and not run again.
QUICK = dict(timeout=60, rounds=2, startup_spawns=5, sequential=50, concurrent=[100, 200],
             python_concurrent_max=100, json_iterations=3, realtime=200, latency=3, ceiling=200,
             ceiling_concurrency=[1, 16, 64])
FULL = dict(timeout=180, rounds=5, startup_spawns=20, sequential=500, concurrent=[100, 1000, 5000],
            python_concurrent_max=1000, json_iterations=20, realtime=2000, latency=10, ceiling=5000,
            ceiling_concurrency=[1, 16, 64])


class DriverError(Exception):
    pass


class DriverTimeout(Exception):
    pass


class Bench:
    def __init__(self, args):
        self.settings = QUICK if args.quick else FULL
        self.falua, self.python, self.lua, self.bin = args.falua, args.python, args.lua, args.bin
        self.samples = {}  # (row, contender) -> [values]
        self.timed_out = {}  # (row, contender) -> the time limit it exceeded
        self.run_url = os.environ["FALUA_RUN_URL"].rstrip("/")
        self.queue_url = os.environ["FALUA_QUEUE_URL"].rstrip("/")
        self.doc = os.path.join(args.bin, "document.json")
        self.expected = os.path.join(args.bin, "document.expected.json")
        self.doc_bytes = json_document.write(self.doc, self.expected)

    def spawn(self, argv, env=None):
        """Runs argv to its end under c/measure.c (with `env`, else this environment); returns (wall
        seconds, peak RSS in MiB, stdout). A failing command raises DriverError, one running past the
        time limit DriverTimeout."""
        out_read, out_write = os.pipe()
        measure_read, measure_write = os.pipe()
        command = [os.path.join(self.bin, "measure"), *argv]
        deadline = time.monotonic() + self.settings["timeout"]
        pid = os.posix_spawn(command[0], command, env or os.environ, setpgroup=0, file_actions=[
            (os.POSIX_SPAWN_DUP2, out_write, 1), (os.POSIX_SPAWN_DUP2, measure_write, 3)])
        os.close(out_write)
        os.close(measure_write)
        chunks = []
        with os.fdopen(out_read, "rb", buffering=0) as pipe, os.fdopen(measure_read, "rb") as measure:
            while True:
                if not select.select([pipe], [], [], max(0, deadline - time.monotonic()))[0]:
                    os.killpg(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    raise DriverTimeout(f"{' '.join(argv)} ran longer than {self.settings['timeout']} s")
                chunk = pipe.read(65536)
                if not chunk:
                    break
                chunks.append(chunk)
            measurement = measure.read().decode()
        output = b"".join(chunks).decode()
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise DriverError(f"{' '.join(argv)} failed ({os.waitstatus_to_exitcode(status)}): {output[-2000:]}")
        wall, rss_kib = measurement.split()
        return float(wall), int(rss_kib) / 1024, output

    def driver(self, argv, expected_checked, env=None):
        """Runs a driver and returns its JSON line plus `peak_rss_mib`, after checking it checked everything."""
        _, rss, output = self.spawn(argv, env)
        lines = output.strip().splitlines()
        if not lines:
            raise DriverError(f"{' '.join(argv)} printed nothing")
        result = json.loads(lines[-1])
        if result.get("checked") != expected_checked:
            raise DriverError(f"{' '.join(argv)} checked {result.get('checked')} of {expected_checked} answers")
        result["peak_rss_mib"] = rss
        return result

    def c_result(self, argv, expected_checked):
        """The C programs print "checked seconds"."""
        _, rss, output = self.spawn(argv)
        checked, seconds = output.split()
        if int(checked) != expected_checked:
            raise DriverError(f"{' '.join(argv)} checked {checked} of {expected_checked} answers")
        return {"checked": int(checked), "seconds": float(seconds), "peak_rss_mib": rss}

    def each(self, contenders, rotate, rows):
        """Yields (name, result) for the contenders in turned order. One that runs past the time
        limit is recorded as timed out in `rows` and skipped from then on."""
        for name in rotated(list(contenders), rotate):
            if (rows[0], name) in self.timed_out:
                continue
            try:
                result = contenders[name]()
            except DriverTimeout as timeout:
                print(f"stopped: {timeout}", file=sys.stderr, flush=True)
                for row in rows:
                    self.timed_out[row, name] = self.settings["timeout"]
                continue
            yield name, result

    def add(self, row, contender, value):
        self.samples.setdefault((row, contender), []).append(value)

    def lua_driver(self, name):
        return [self.falua, os.path.join(HERE, "falua", name)]

    def py_driver(self, *args):
        return [self.python, os.path.join(HERE, "python", "fal_client_driver.py"), *map(str, args)]

    # One measurement of each workload per contender; `rotate` turns the contenders' order.

    def startup(self, rotate):
        commands = {"falua": [self.falua, "-e", ""], "python": [self.python, "-c", "import fal_client"]}
        if self.lua:
            commands["lua5.4"] = [self.lua, "-e", ""]
        for _ in range(self.settings["startup_spawns"]):
            for name in rotated(list(commands), rotate):
                wall, rss, output = self.spawn(commands[name])
                if output:
                    raise DriverError(f"{name} start-up printed {output!r}")
                self.add("startup", name, wall * 1000)
                self.add("idle_rss", name, rss)

    def run_sequential(self, rotate):
        n = self.settings["sequential"]
        contenders = {
            "falua": lambda: self.driver(self.lua_driver("run_sequential.lua") + [str(n)], n),
            "python_sync": lambda: self.driver(self.py_driver("run-sequential", "sync", n), n),
            "python_async": lambda: self.driver(self.py_driver("run-sequential", "async", n), n),
            "libcurl": lambda: self.c_result([os.path.join(self.bin, "run_sequential"), self.run_url, str(n)], n),
        }
        for name, result in self.each(contenders, rotate, ["run_sequential"]):
            self.add("run_sequential", name, result["seconds"] / n * 1000)

    def subscribe_concurrent(self, rotate):
        for n in self.settings["concurrent"]:
            contenders = {
                "falua": lambda: self.driver(self.lua_driver("subscribe_concurrent.lua") + [str(n)], n),
                "python_async": lambda: self.driver(self.py_driver("subscribe-concurrent", "async", n), n),
                "libcurl": lambda: self.c_result(
                    [os.path.join(self.bin, "multi_flows"), "subscribe", self.queue_url, str(n), "0.1"], n),
            }
            if n > self.settings["python_concurrent_max"]:
                del contenders["python_async"]
            for name, result in self.each(contenders, rotate, [f"subscribe_wall_{n}", f"subscribe_rss_{n}"]):
                self.add(f"subscribe_wall_{n}", name, result["seconds"])
                self.add(f"subscribe_rss_{n}", name, result["peak_rss_mib"])

    def json_codec(self, rotate):
        k = self.settings["json_iterations"]
        codec = os.path.join(HERE, "python", "json_codec.py")
        files = [self.doc, self.expected, str(k)]
        contenders = {
            "falua": lambda: self.driver(self.lua_driver("json_codec.lua") + files + ["falua"], k),
            "python_json": lambda: self.driver([self.python, codec] + files + ["json"], k),
        }
        if importlib.util.find_spec("orjson"):
            contenders["orjson"] = lambda: self.driver([self.python, codec] + files + ["orjson"], k)
        if self.lua:
            contenders["lua_cjson"] = lambda: self.driver(
                [self.lua, os.path.join(HERE, "falua", "json_codec.lua")] + files + ["cjson"], k)
        for name, result in self.each(contenders, rotate, ["json_decode", "json_encode", "json_total"]):
            self.add("json_decode", name, result["decode_seconds"] * 1000)
            self.add("json_encode", name, result["encode_seconds"] * 1000)
            self.add("json_total", name, (result["decode_seconds"] + result["encode_seconds"]) * 1000)

    def realtime(self, rotate):
        n = self.settings["realtime"]
        contenders = {
            "falua": lambda: self.driver(self.lua_driver("realtime_roundtrip.lua") + [str(n)], n),
            "python_sync": lambda: self.driver(self.py_driver("realtime", "sync", n), n),
            "python_async": lambda: self.driver(self.py_driver("realtime", "async", n), n),
        }
        for name, result in self.each(contenders, rotate, ["realtime"]):
            self.add("realtime", name, result["seconds"] / n * 1e6)

    def realtime_python_server(self, rotate):
        """The realtime round trip again, every client on the same Python server
        (python/realtime_server.py), authenticating with the key header."""
        n = self.settings["realtime"]
        url = f"http://127.0.0.1:{self.python_server_port}"
        env = dict(os.environ, FALUA_RUN_URL=url, FALUA_REST_URL=url)
        contenders = {
            "falua": lambda: self.driver(self.lua_driver("realtime_roundtrip.lua") + [str(n), "1", "key"], n, env),
            "python_sync": lambda: self.driver(self.py_driver("realtime", "sync", n, "key"), n, env),
            "python_async": lambda: self.driver(self.py_driver("realtime", "async", n, "key"), n, env),
        }
        for name, result in self.each(contenders, rotate, ["realtime_python_server"]):
            self.add("realtime_python_server", name, result["seconds"] / n * 1e6)

    def subscribe_latency(self, rotate):
        n = self.settings["latency"]
        contenders = {
            "falua_polling": lambda: self.driver(self.lua_driver("subscribe_latency.lua") + [str(n), "polling"], n),
            "falua_streaming": lambda: self.driver(self.lua_driver("subscribe_latency.lua") + [str(n), "streaming"], n),
            "python_polling": lambda: self.driver(self.py_driver("subscribe-latency", "sync", n), n),
        }
        for name, result in self.each(contenders, rotate, ["subscribe_latency"]):
            for request_id, returned in result["returns"]:
                self.add("subscribe_latency", name, (returned - self.completed_at(request_id)) * 1000)

    def completed_at(self, request_id):
        """The emulator's record of when the app finished, in wall-clock seconds."""
        with urllib.request.urlopen(f"{self.run_url}/_emulator/requests/{request_id}") as reply:
            record = json.load(reply)
        done = datetime.datetime.strptime(record["completed_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
        return done.replace(tzinfo=datetime.timezone.utc).timestamp()

    def ceiling(self, rotate):
        n = self.settings["ceiling"]
        program = os.path.join(self.bin, "multi_flows")
        contenders = {f"libcurl_{c}": lambda c=c: self.c_result([program, "run", self.run_url, str(n), str(c)], n)
                      for c in self.settings["ceiling_concurrency"]}
        for name, result in self.each(contenders, rotate, ["ceiling"]):
            self.add("ceiling", name, n / result["seconds"])

    WORKLOADS = ["startup", "run_sequential", "subscribe_concurrent", "json_codec", "realtime",
                 "realtime_python_server", "subscribe_latency", "ceiling"]

    def run(self):
        """Every workload, with the Python realtime server up for the whole run."""
        server = subprocess.Popen([self.python, os.path.join(HERE, "python", "realtime_server.py")],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            ready = server.stdout.readline().split()
            if len(ready) != 2 or ready[0] != "port":
                raise DriverError(f"python/realtime_server.py did not start: {ready}")
            self.python_server_port = int(ready[1])
            self.rounds()
        finally:
            server.stdin.close()
            server.wait(10)

    def rounds(self):
        # A warm-up pass at the smallest sizes fails fast on a broken driver and warms the emulator.
        saved = dict(self.settings)
        self.settings = dict(saved, startup_spawns=1, sequential=5, concurrent=[10], json_iterations=1,
                             realtime=10, latency=1, ceiling=50)
        for workload in self.WORKLOADS:
            getattr(self, workload)(0)
        self.samples, self.timed_out = {}, {}
        self.settings = saved
        for round_index in range(self.settings["rounds"]):
            for workload in self.WORKLOADS:
                started = time.monotonic()
                getattr(self, workload)(round_index)
                print(f"round {round_index + 1}/{self.settings['rounds']} {workload}: "
                      f"{time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)


def rotated(items, k):
    k %= len(items)
    return items[k:] + items[:k]


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values),
            "samples": [round(v, 6) for v in values]}


def add_memory_slope(rows, counts):
    """Memory per in-flight request: each contender's peak RSS growth from its fewest to its most
    concurrent subscribes, in KiB per request (medians)."""
    slope = {}
    for name in rows[f"subscribe_rss_{min(counts)}"]:
        measured = [n for n in counts if "median" in rows.get(f"subscribe_rss_{n}", {}).get(name, {})]
        if len(measured) >= 2:
            low, high = min(measured), max(measured)
            growth = rows[f"subscribe_rss_{high}"][name]["median"] - rows[f"subscribe_rss_{low}"][name]["median"]
            slope[name] = {"median": growth * 1024 / (high - low), "from": low, "to": high}
    rows["subscribe_rss_per_request"] = slope


def machine():
    def command(*argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), None)
    return {"cpus": os.cpu_count(), "cpu": cpu, "kernel": platform.release(),
            "libcurl": command("pkg-config", "--modversion", "libcurl"), "python": platform.python_version()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--falua", required=True)
    parser.add_argument("--python", required=True)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--lua")
    parser.add_argument("--runners", type=int, required=True, help="the emulator's runner threads per app")
    args = parser.parse_args()

    bench = Bench(args)
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    bench.run()
    rows = {}
    for (row, contender), values in bench.samples.items():
        rows.setdefault(row, {})[contender] = summary(values)
    for (row, contender), limit in bench.timed_out.items():
        rows.setdefault(row, {}).setdefault(contender, {"timed_out_after_seconds": limit})
    add_memory_slope(rows, bench.settings["concurrent"])
    falua_version = subprocess.run([args.falua, "--version"], capture_output=True, text=True).stdout.strip()
    report = {
        "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "mode": "quick" if args.quick else "full",
        "seconds": round(time.monotonic() - started, 1),
        "settings": bench.settings | {"json_document_bytes": bench.doc_bytes, "emulator_runners": args.runners,
                                      "poll_interval_seconds": 0.1},
        "machine": machine() | {"load_average_before": load_before, "load_average_after": os.getloadavg()[0],
                                "falua": falua_version},
        "rows": rows,
    }
    with open(args.out, "w") as f:
        json.dump(report, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
