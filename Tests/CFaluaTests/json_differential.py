#!/usr/bin/env python3
"""Differential test of falua's JSON codec against Python's json module.

    json_differential.py generate SEED COUNT OUT
        Writes COUNT random JSON documents to OUT, each followed by a NUL byte. Documents mix nested
        arrays and objects, duplicate keys, nulls, strings with every kind of character and escape
        (astral characters as raw UTF-8 and as surrogate-pair escapes), integers around the int64
        edges and beyond, and floats spelled in many ways. Only the 4 JSON whitespace characters.

    json_differential.py check DOCUMENTS MODE OURS [MODE OURS ...]
        Reads the documents again and, for each MODE, OURS: what falua gave for each document
        (NUL-separated), a decode then an encode. MODE is how that was run: "keep_null" (decode
        {keep_null = true}), "default" (null members dropped), or "pretty" (keep_null, encode
        {indent = 2}). For each document, the expected value is json.loads(original) with falua's
        rules applied: integers outside int64 become floats, and in "default" mode null members are
        dropped. Ours must parse to that value with every number's type (int/float) and bits
        preserved, and must be exactly the text json.dumps writes for it (sorted keys, no ASCII
        escaping, repr floats). Prints a report; exits 1 on any mismatch.
"""
import json
import math
import random
import struct
import sys

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
WHITESPACE = ["", "", "", " ", "\n", "\t", "\r\n", "  "]
SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def random_char(r):
    kind = r.random()
    if kind < 0.45:
        return chr(r.randrange(0x20, 0x7F))
    if kind < 0.52:
        return chr(r.choice([r.randrange(0, 0x20), 0x7F]))
    if kind < 0.58:
        return r.choice(['"', "\\", "/"])
    if kind < 0.68:
        return chr(r.randrange(0xA0, 0x800))
    if kind < 0.80:
        cp = r.randrange(0x800, 0x10000 - 0x800)
        return chr(cp + 0x800 if cp >= 0xD800 else cp)  # skip the surrogates
    if kind < 0.93:
        return chr(r.randrange(0x10000, 0x110000))
    return chr(r.choice([0xFFFE, 0xFFFF, 0x10FFFF, 0x2028, 0x2029, 0xFEFF, 0x1F600, 0xE000, 0xD7FF]))


def random_string(r, longest):
    n = r.choice([0, 1, 2, 3, 5, 8, 13, longest])
    return "".join(random_char(r) for _ in range(n))


def u_escape(r, cp):
    text = "\\u%04x" % cp
    return text.upper().replace("\\U", "\\u") if r.random() < 0.5 else text


def write_string(r, s):
    out = ['"']
    for ch in s:
        cp = ord(ch)
        roll = r.random()
        if ch in SHORT_ESCAPES and (cp < 0x20 or ch in '"\\') and roll < 0.7:
            out.append(SHORT_ESCAPES[ch])
        elif cp < 0x20 or ch in '"\\' or roll < 0.12:
            if cp >= 0x10000:  # astral: a surrogate pair
                cp -= 0x10000
                out.append(u_escape(r, 0xD800 + (cp >> 10)) + u_escape(r, 0xDC00 + (cp & 0x3FF)))
            else:
                out.append(u_escape(r, cp))
        elif ch == "/" and roll < 0.5:
            out.append("\\/")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def random_double(r):
    while True:
        x = struct.unpack("<d", struct.pack("<Q", r.getrandbits(64)))[0]
        if math.isfinite(x):
            return x


def random_number(r):
    kind = r.randrange(12)
    if kind == 0:
        return str(r.randint(-1000, 1000))
    if kind == 1:
        return str(r.choice([INT64_MIN, INT64_MAX, INT64_MIN + 1, INT64_MAX - 1, 2**53, 2**53 + 1,
                             -(2**53) - 1, 0, 10**18, -(10**18), 2**32, -(2**31)]))
    if kind == 2:
        return str(r.choice([INT64_MAX + 1, INT64_MIN - 1, 2**64, -(2**64), 2**64 - 1, 10**19, 10**20]))
    if kind == 3:
        return str(r.randint(INT64_MIN, INT64_MAX))
    if kind == 4:
        digits = r.randint(20, 40)
        return r.choice(["", "-"]) + str(r.randint(10 ** (digits - 1), 10**digits - 1))
    if kind == 5:
        return r.choice(["-0", "0", "-0.0", "0.0", "0e0", "0E+0", "-0e-5", "1.0", "1e5", "1E-7", "2.5",
                         "1e21", "1e16", "1e15", "5e-324", "2.2250738585072014e-308",
                         "1.7976931348623157e308", "0.1", "9007199254740993.0", "1.5e300"])
    if kind in (6, 7):
        return repr(random_double(r))
    if kind == 8:
        x = random_double(r)
        return r.choice(["%.17g", "%.20e", "%.25E", "%.16g", "%.3e"]) % x
    if kind == 9:
        x = r.random() * 10.0 ** r.randint(-20, 20)
        return r.choice([repr(x), "%.15g" % x, "%.6f" % x])
    if kind == 10:  # a decimal spelled by hand
        text = r.choice(["", "-"]) + r.choice(["0", str(r.randint(1, 10**r.randint(1, 20)))])
        if r.random() < 0.7:
            text += "." + "".join(r.choice("0123456789") for _ in range(r.randint(1, 30)))
        if r.random() < 0.7 or "." not in text:
            text += r.choice("eE") + r.choice(["", "+", "-"]) + str(r.randint(0, 280))
        return text
    # Subnormals and values near the limits.
    return repr(r.choice([r.random() * 1e-310, r.random() * 1e-320, (1 + r.random()) * 1e307, r.random() * 1e-300]))


def random_value(r, depth):
    kind = r.random()
    if depth < 6 and kind < 0.30:
        items = [random_value(r, depth + 1) for _ in range(r.choice([0, 1, 2, 3, 5, 8]))]
        if not items:
            return "[" + r.choice(WHITESPACE) + "]"
        return "[" + ",".join(r.choice(WHITESPACE) + item + r.choice(WHITESPACE) for item in items) + "]"
    if depth < 6 and kind < 0.55:
        keys = [random_string(r, 12) for _ in range(r.choice([0, 1, 2, 3, 5, 8]))]
        if keys and r.random() < 0.15:
            keys.append(r.choice(keys))  # a duplicate key: the last one wins
        if not keys:
            return "{" + r.choice(WHITESPACE) + "}"
        members = [
            r.choice(WHITESPACE) + write_string(r, key) + r.choice(WHITESPACE) + ":" + r.choice(WHITESPACE)
            + random_value(r, depth + 1) + r.choice(WHITESPACE)
            for key in keys
        ]
        return "{" + ",".join(members) + "}"
    if kind < 0.62:
        return "null"
    if kind < 0.67:
        return r.choice(["true", "false"])
    if kind < 0.82:
        return random_number(r)
    return write_string(r, random_string(r, 60))


def documents(seed, count):
    r = random.Random(seed)
    for _ in range(count):
        yield r.choice(WHITESPACE) + random_value(r, 0) + r.choice(WHITESPACE)


def expected_value(value, keep_null):
    """What falua should give back for a json.loads value."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, float)):
        return value
    if isinstance(value, int):
        return value if INT64_MIN <= value <= INT64_MAX else float(value)
    if isinstance(value, list):
        return [expected_value(v, keep_null) for v in value]
    return {k: expected_value(v, keep_null) for k, v in value.items() if keep_null or v is not None}


def same(a, b):
    """Equality that also requires the same number types and float bits (-0.0 is not 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return struct.pack("<d", a) == struct.pack("<d", b)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def generate(seed, count, path):
    with open(path, "wb") as out:
        for text in documents(seed, count):
            json.loads(text)  # the generator only writes valid JSON
            out.write(text.encode("utf-8") + b"\0")


def read_records(path):
    with open(path, "rb") as f:
        return f.read().split(b"\0")[:-1]


def check(originals, mode, path):
    ours = read_records(path)
    if len(ours) != len(originals):
        print(f"{mode}: expected {len(originals)} results, got {len(ours)}")
        return 1
    failures = 0
    for i, (text, mine) in enumerate(zip(originals, ours)):
        want = expected_value(json.loads(text), mode != "default")
        if mode == "pretty":
            canonical = json.dumps(want, ensure_ascii=False, sort_keys=True, indent=2)
        else:
            canonical = json.dumps(want, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        try:
            mine_text = mine.decode("utf-8")
            problem = None if same(json.loads(mine_text), want) else "value differs"
            if problem is None and mine_text != canonical:
                problem = "text differs from json.dumps"
        except ValueError as error:  # not UTF-8 or not JSON (e.g. our error message)
            mine_text, problem = mine.decode("utf-8", "replace"), f"unreadable: {error}"
        if problem:
            failures += 1
            if failures <= 5:
                print(f"document {i} ({mode}): {problem}\n  original: {text!r}\n  ours:     {mine_text!r}\n"
                      f"  expected: {canonical!r}")
    print(f"{mode}: {len(originals) - failures}/{len(originals)} documents match")
    return 1 if failures else 0


def main(argv):
    if len(argv) == 5 and argv[1] == "generate":
        generate(int(argv[2]), int(argv[3]), argv[4])
        return 0
    if len(argv) >= 5 and len(argv) % 2 == 1 and argv[1] == "check":
        originals = [record.decode("utf-8") for record in read_records(argv[2])]
        pairs = zip(argv[3::2], argv[4::2])
        return max(check(originals, mode, path) for mode, path in pairs)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
