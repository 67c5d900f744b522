"""bench/columnar (a): client.batch_read of RECORDS keys with _dtype (a NumPy structured
array decoded in the C++ core) against the same call returning Python records.

    python3 batch_read_bench.py --port PORT --set SET --records 10000 --repeat 11

Prints one JSON line: median seconds of each path over --repeat calls (interleaved, after
one warm-up call each) and the tracemalloc peak of one more call each (bytes allocated
through Python's allocators, NumPy's array data included, while the call runs and its
result is alive). tracemalloc slows allocation down, so it is never on while timing.
Both results are checked against the loaded records (plain_scan.cpp's shape)."""

import argparse
import gc
import json
import statistics
import sys
import time
import tracemalloc

import numpy as np

import asclient
from scan_bench import DTYPE, NS


def check_numpy(result, n):
    rows = result.batch_records
    if not (result.result_codes == 0).all():
        sys.exit(f"batch_read(_dtype): {(result.result_codes != 0).sum()} of {n} keys not found")
    ids = np.arange(n, dtype=np.int64)
    if not ((rows["id"] == ids).all() and (rows["x"] == ids * 0.5).all()):
        sys.exit("batch_read(_dtype): values differ from the loaded records")


def check_records(result, n):
    found = [r.record for r in result.batch_records if r.record is not None]
    if len(found) != n:
        sys.exit(f"batch_read: {n - len(found)} of {n} keys not found")
    for i, rec in enumerate(found):
        if rec.bins["id"] != i or rec.bins["x"] != i * 0.5:
            sys.exit(f"batch_read: record {i} differs from the loaded one: {rec.bins}")


def traced_peak(call):
    gc.collect()
    tracemalloc.start()
    result = call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del result
    return peak


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--set", required=True)
    p.add_argument("--records", type=int, default=10000)
    p.add_argument("--repeat", type=int, default=11)
    a = p.parse_args()

    client = asclient.client({"hosts": [("127.0.0.1", a.port)], "timeout": 30000}).connect()
    keys = [(NS, a.set, i) for i in range(a.records)]
    paths = {
        "numpy": lambda: client.batch_read(keys, _dtype=DTYPE),
        "records": lambda: client.batch_read(keys),
    }
    check_numpy(paths["numpy"](), a.records)
    check_records(paths["records"](), a.records)

    times = {name: [] for name in paths}
    for _ in range(a.repeat):
        for name, call in paths.items():
            gc.collect()  # the previous result's garbage is not this call's cost
            start = time.perf_counter()
            result = call()
            times[name].append(time.perf_counter() - start)
            del result
    out = {"records": a.records, "repeat": a.repeat}
    for name, call in paths.items():
        out[f"{name}_s"] = statistics.median(times[name])
        out[f"{name}_peak_bytes"] = traced_peak(call)
    client.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
