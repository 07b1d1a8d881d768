"""Differential test of falua's msgpack codec against Python's msgpack package.

generate SEED COUNT PATH   writes COUNT random values, each packed (use_bin_type=True) and
                           prefixed with its 4-byte big-endian length
check PATH OURS            OURS holds falua's unpack+pack of each document (same framing, or
                           a text line "error: ..." framed the same way); every value must come
                           back equal with the same types, and documents without maps byte for byte
"""
import math
import random
import struct
import sys

import msgpack

EDGE_INTS = [0, 1, -1, 127, 128, -32, -33, 255, 256, 65535, 65536, 2**31 - 1, 2**31, -2**31, -2**31 - 1,
             2**32 - 1, 2**32, 2**63 - 1, -2**63, -2**63 + 1]


def random_text(rng):
    alphabet = "abcxyz_-. 09\u00e9\u4e2d\U0001f600\"\\\n"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))


def random_bytes(rng):
    # At least one byte that cannot start UTF-8, so the value is bin on both sides.
    data = bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 20)))
    return data + b"\xff"


def random_value(rng, depth=0):
    choice = rng.randint(0, 9 if depth < 4 else 6)
    if choice == 0:
        return rng.choice(EDGE_INTS)
    if choice == 1:
        return rng.randint(-2**63, 2**63 - 1)
    if choice == 2:
        return rng.choice([0.5, -0.0, 1e300, -1.5e-300, 3.141592653589793, 1.0, 2.0**53, rng.uniform(-1e6, 1e6)])
    if choice == 3:
        return random_text(rng)
    if choice == 4:
        return random_bytes(rng)
    if choice == 5:
        return rng.choice([True, False])
    if choice == 6:
        return rng.randint(-1000, 1000)
    if choice in (7, 8):
        # nil only inside arrays: a nil map value is an absent key in Lua
        return [None if rng.random() < 0.1 else random_value(rng, depth + 1) for _ in range(rng.randint(0, 5))]
    keys = set()
    for _ in range(rng.randint(0, 5)):
        keys.add(random_text(rng) if rng.random() < 0.8 else rng.randint(-5, 1000))
    return {k: random_value(rng, depth + 1) for k in keys}


def frames(data):
    offset = 0
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset:offset + 4])
        yield data[offset + 4:offset + 4 + length]
        offset += 4 + length


def same(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def has_map(value):
    if isinstance(value, dict):
        return True
    if isinstance(value, list):
        return any(has_map(v) for v in value)
    return False


def main():
    if sys.argv[1] == "generate":
        rng = random.Random(int(sys.argv[2]))
        with open(sys.argv[4], "wb") as out:
            for _ in range(int(sys.argv[3])):
                packed = msgpack.packb(random_value(rng), use_bin_type=True)
                out.write(struct.pack(">I", len(packed)) + packed)
        return 0
    originals = list(frames(open(sys.argv[2], "rb").read()))
    ours = list(frames(open(sys.argv[3], "rb").read()))
    if len(originals) != len(ours):
        print(f"expected {len(originals)} documents, got {len(ours)}")
        return 1
    matched = 0
    for index, (original, mine) in enumerate(zip(originals, ours)):
        expected = msgpack.unpackb(original, raw=False, strict_map_key=False)
        try:
            got = msgpack.unpackb(mine, raw=False, strict_map_key=False)
        except Exception as error:  # noqa: BLE001 - report whatever falua wrote
            print(f"document {index}: falua wrote unreadable msgpack ({error}): {mine[:80]!r}")
            continue
        if not same(expected, got):
            print(f"document {index}: expected {expected!r}, got {got!r}")
        elif not has_map(expected) and original != mine:
            print(f"document {index}: same value, different bytes: {original.hex()} vs {mine.hex()}")
        else:
            matched += 1
    print(f"{matched}/{len(originals)} documents match")
    return 0 if matched == len(originals) else 1


sys.exit(main())
