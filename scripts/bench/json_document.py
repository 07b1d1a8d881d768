"""The 1 MiB JSON document of the codec workload: a seeded list of records shaped like a model's
output (ids, names with escapes and non-ASCII text, 17-digit and short floats, large integers,
booleans, nested objects and arrays), written as a server would send it, plus the text every codec
must produce: Python's json.dumps with sorted keys, compact, UTF-8. No nulls or empty containers
(codecs differ on those by design), no floats outside [1e-4, 1e15] (orjson writes exponents
differently from Python's repr)."""
import json
import random

SIZE = 1 << 20
WORDS = ["fal", "image", "lua", "prompt", "résumé", "naïve", "漢字", "🙂", "quote\"d", "new\nline", "tab\t",
         "back\\slash"]


def record(rng, i):
    return {
        "id": i,
        "name": " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 5))),
        "seed": rng.randint(0, 2**53),
        "score": rng.uniform(1e-4, 1.0),
        "price": round(rng.uniform(0.01, 999.0), 2),
        "scale": rng.uniform(1e-4, 1e15),
        "nsfw": rng.random() < 0.1,
        "size": {"width": rng.choice([512, 768, 1024]), "height": rng.choice([512, 768, 1024])},
        "tags": [rng.choice(WORDS) for _ in range(rng.randint(1, 4))],
        "box": [round(rng.uniform(-1, 1), 4) for _ in range(4)],
    }


def write(doc_path, expected_path, seed=10):
    """Writes the document and the expected encoding; returns the document's size in bytes."""
    rng = random.Random(seed)
    items, size = [], 0
    while size < SIZE:
        items.append(record(rng, len(items) + 1))
        size += len(json.dumps(items[-1], ensure_ascii=False).encode()) + 2
    doc = {"items": items, "timings": {"inference": rng.uniform(0.1, 10.0)}, "has_nsfw_concepts": [False]}
    text = json.dumps(doc, ensure_ascii=False).encode()
    with open(doc_path, "wb") as f:
        f.write(text)
    with open(expected_path, "wb") as f:
        f.write(json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode())
    return len(text)
