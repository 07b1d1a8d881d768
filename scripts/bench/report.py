"""Turns a benchmark report (harness.py's JSON) into the README's Speed table and a PNG chart of
the ratios, so both always come from the last run.

  report.py RESULTS.json     writes RESULTS.png and the README part between the speed markers
"""
import json
import os
import sys
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
README = os.path.join(HERE, "..", "..", "README.md")
BEGIN = "<!-- speed:begin: written by scripts/bench/report.py from scripts/bench/results/latest.json -->"
END = "<!-- speed:end -->"


@dataclass
class Row:
    key: str          # the row in the report's "rows"
    title: str
    unit: str
    falua: list       # contenders shown in the falua column, the first one is the ratio's numerator
    python: list      # contenders shown in the Python column
    reference: list   # contenders shown in the reference column, the first one is the ratio's denominator
    goal: str = ""
    short: str = ""   # the chart's label


def rows_for(report):
    counts = report["settings"]["concurrent"]
    rows = [
        Row("startup", "start-up: `falua -e ''`, `python -c 'import fal_client'`, `lua5.4 -e ''`", "ms",
            ["falua"], ["python"], ["lua5.4"], "≤ 5 ms (≤ 4x `lua5.4`)", "start-up"),
        Row("idle_rss", "resident memory of that start-up", "MiB", ["falua"], ["python"], ["lua5.4"], "≤ 8 MiB",
            "start-up RSS"),
        Row("run_sequential", f"sequential `run`, per call ({report['settings']['sequential']} calls)", "ms",
            ["falua"], ["python_sync", "python_async"], ["libcurl"], "≤ 1.1x the libcurl loop", "sequential run"),
    ]
    for n in counts:
        goal = "≤ 1.05x the libcurl loop" if n == 1000 else ""
        rows.append(Row(f"subscribe_wall_{n}", f"{n} concurrent `subscribe`, wall", "s",
                        ["falua"], ["python_async"], ["libcurl"], goal, f"{n} subscribes, wall"))
    for n in counts:
        goal = "≤ 25 MiB, below the bare loop" if n == 1000 else ""
        rows.append(Row(f"subscribe_rss_{n}", f"{n} concurrent `subscribe`, peak RSS", "MiB",
                        ["falua"], ["python_async"], ["libcurl"], goal, f"{n} subscribes, RSS"))
    rows += [
        Row("subscribe_rss_per_request", f"memory per in-flight request ({min(counts)} → {max(counts)})", "KiB",
            ["falua"], ["python_async"], ["libcurl"], "", "RSS per request"),
        Row("json_total", f"{report['settings']['json_document_bytes'] / 2**20:.1f} MiB JSON decode + encode (CPU)",
            "ms", ["falua"], ["python_json"], ["orjson", "lua_cjson"], "≤ 12 ms", "JSON decode + encode"),
        Row("json_encode", "of which encode", "ms", ["falua"], ["python_json"], ["orjson", "lua_cjson"], "",
            "JSON encode"),
        Row("realtime", "realtime round trip (msgpack over one WebSocket)", "µs",
            ["falua"], ["python_sync", "python_async"], [], "≤ 50 µs on `falua serve`", "realtime round trip"),
        Row("realtime_python_server", "the same round trip on a Python server (`websockets`, msgpack)", "µs",
            ["falua"], ["python_sync", "python_async"], [], "≤ 0.3x Python", "realtime on a Python server"),
        Row("subscribe_latency", "`subscribe`, app completion → return", "ms",
            ["falua_streaming", "falua_polling"], ["python_polling"], [], "≤ 5 ms on the default path",
            "completion → return"),
    ]
    return rows


NAMES = {"python": "", "python_sync": "sync", "python_async": "asyncio", "python_json": "json",
         "python_polling": "polling", "falua": "", "falua_streaming": "streaming", "falua_polling": "polling",
         "libcurl": "libcurl", "lua5.4": "`lua5.4`", "orjson": "orjson", "lua_cjson": "lua-cjson"}


def number(value, unit):
    if unit == "µs" or abs(value) >= 100:
        text = f"{value:.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    elif abs(value) >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3f}"
    return f"{text} {unit}"


def median(report, row, contender):
    return report["rows"].get(row.key, {}).get(contender, {}).get("median")


def cell(report, row, contenders):
    parts = []
    for name in contenders:
        label = NAMES.get(name, name)
        limit = report["rows"].get(row.key, {}).get(name, {}).get("timed_out_after_seconds")
        if limit:
            parts.append(f"{label} stopped after {limit} s".strip())
        value = median(report, row, name)
        if value is not None:
            text = f"{label} {number(value, row.unit)}".strip() if label else number(value, row.unit)
            measured_to = report["rows"][row.key][name].get("to")
            if measured_to and measured_to != max(report["settings"]["concurrent"]):
                text += f" (to {measured_to})"
            parts.append(text)
    return ", ".join(parts) or "–"


def ratio(report, row):
    """falua ÷ the reference (or ÷ Python where the row has no reference)."""
    top = median(report, row, row.falua[0])
    base = next((v for v in (median(report, row, name) for name in row.reference + row.python) if v), None)
    return top / base if top is not None and base else None


def table(report):
    lines = ["| workload | falua | Python `fal-client` | reference | falua ÷ reference | goal |",
             "|---|---|---|---|---|---|"]
    for row in rows_for(report):
        r = ratio(report, row)
        denominator = "" if row.reference else " (÷ Python)"
        lines.append(f"| {row.title} | {cell(report, row, row.falua)} | {cell(report, row, row.python)} | "
                     f"{cell(report, row, row.reference)} | {f'{r:.2f}x{denominator}' if r else '–'} | {row.goal} |")
    ceiling = {name: entry for name, entry in report["rows"]["ceiling"].items() if "median" in entry}
    by_concurrency = sorted(ceiling, key=lambda name: int(name.split("_")[1]))
    emulator = ", ".join(f"{name.split('_')[1]} in flight {ceiling[name]['median']:,.0f}/s" for name in by_concurrency)
    machine = report["machine"]
    settings = report["settings"]
    notes = []
    if settings["python_concurrent_max"] < max(settings["concurrent"]):
        notes = ["", f"The Python client runs up to {settings['python_concurrent_max']} concurrent subscribes: its "
                 "time grows faster than linearly with the count."]
    return "\n".join(lines + notes + [
        "",
        f"The emulator's own ceiling (direct `run` of `fal-ai/echo` from one libcurl multi loop, "
        f"{settings['ceiling']} requests): {emulator}.",
        "",
        f"Run: `scripts/bench/run.sh{' --quick' if report['mode'] == 'quick' else ''}` on {report['generated']}, "
        f"{report['mode']} mode ({settings['rounds']} interleaved rounds, medians), {machine['cpus']} CPUs "
        f"({machine['cpu']}), load average {machine['load_average_before']:.1f} before and "
        f"{machine['load_average_after']:.1f} after, {machine['falua']}, libcurl {machine['libcurl']}, "
        f"Python {machine['python']}, `falua serve --runners {settings['emulator_runners']}`.",
    ])


def write_readme(report):
    text = open(README, encoding="utf-8").read()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{README}: the speed markers are missing")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(README, "w", encoding="utf-8") as f:
        f.write(f"{head}{BEGIN}\n{table(report)}\n{END}{tail}")


def write_chart(report, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, values, colors = [], [], []
    for row in rows_for(report):
        base_name = next((n for n in row.reference + row.python if median(report, row, n)), None)
        if base_name is None:
            continue
        base = median(report, row, base_name)
        for name in row.falua + row.python + row.reference:
            value = median(report, row, name)
            if name == base_name or value is None or value <= 0:
                continue
            labels.append(f"{row.short}: {name} ÷ {base_name}")
            values.append(value / base)
            colors.append("tab:blue" if name.startswith("falua") else "tab:orange" if name.startswith("python")
                          else "tab:gray")
    fig, ax = plt.subplots(figsize=(9, 0.28 * len(labels) + 1.5))
    ax.barh(range(len(labels)), values, color=colors)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.axvline(1, color="black", linewidth=0.8)
    ax.set_xlabel("ratio to the row's reference (time or memory; < 1 is better)")
    ax.set_title(f"falua, {report['mode']} run {report['generated']}: blue falua, orange Python, grey others",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    path = sys.argv[1]
    report = json.load(open(path))
    write_readme(report)
    write_chart(report, os.path.splitext(path)[0] + ".png")
    print(table(report))


if __name__ == "__main__":
    main()
