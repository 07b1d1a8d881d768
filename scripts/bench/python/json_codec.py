"""Decodes and encodes one JSON document ITERATIONS times with Python's json or orjson and reports
the median CPU time of each; every encoding must equal EXPECTED (sorted keys, compact) byte for byte.

  json_codec.py DOC EXPECTED ITERATIONS json|orjson
"""
import json
import statistics
import sys
import time

if len(sys.argv) != 5 or sys.argv[4] not in ("json", "orjson"):
    raise SystemExit(__doc__)
doc_path, expected_path, iterations, codec = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
text = open(doc_path, "rb").read()
expected = open(expected_path, "rb").read()

if codec == "orjson":
    import orjson

    decode = orjson.loads
    encode = lambda value: orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
else:
    decode = json.loads
    encode = lambda value: json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()

decode_times, encode_times = [], []
for k in range(iterations):
    t0 = time.process_time()
    value = decode(text)
    t1 = time.process_time()
    out = encode(value)
    t2 = time.process_time()
    if out != expected:
        raise SystemExit(f"iteration {k + 1}: {codec} output differs from the expected document")
    decode_times.append(t1 - t0)
    encode_times.append(t2 - t1)
print(json.dumps({"checked": iterations, "decode_seconds": statistics.median(decode_times),
                  "encode_seconds": statistics.median(encode_times)}))
