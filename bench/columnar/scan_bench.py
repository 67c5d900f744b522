"""bench/columnar (b): one scan of a set through
client.query(ns, set).batches(batch_size, _dtype=DTYPE), in a fresh process, so that
ru_maxrss is this scan's own peak.

    python3 scan_bench.py --port PORT --set SET --records N [--batch-size 10000]

Prints one JSON line: records, seconds of the scan loop (connecting and imports left out,
as plain_scan leaves them out), records/s, and ru_maxrss before the scan (imports,
NumPy, connected client) and at its end, in MiB. Each batch's x column is summed and the
total checked against records 0..N-1 (plain_scan.cpp's shape), so a short or wrong scan
fails instead of looking fast.

DTYPE and NS are shared with batch_read_bench.py: one record shape for the whole bench."""

import argparse
import json
import resource
import sys
import time

import numpy as np

import asclient

NS = "test"
# plain_scan.cpp's record_bins(): 3 ints, 1 float, a 16-byte blob.
DTYPE = np.dtype([("id", "i8"), ("a", "i8"), ("b", "i8"), ("x", "f8"), ("tag", "S16")])


def maxrss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--set", required=True)
    p.add_argument("--records", type=int, required=True)
    p.add_argument("--batch-size", type=int, default=10000)
    a = p.parse_args()

    client = asclient.client({"hosts": [("127.0.0.1", a.port)], "timeout": 30000}).connect()
    rss_before = maxrss_mib()
    count = 0
    xsum = 0.0
    start = time.perf_counter()
    for rows in client.query(NS, a.set).batches(batch_size=a.batch_size, _dtype=DTYPE):
        count += len(rows)
        xsum += float(rows["x"].sum())
    seconds = time.perf_counter() - start
    rss_peak = maxrss_mib()
    client.close()
    want = 0.5 * a.records * (a.records - 1) / 2
    if count != a.records or abs(xsum - want) > 1e-9 * max(want, 1):
        sys.exit(f"scan of {a.set}: {count} records, sum(x) {xsum}; expected {a.records}, {want}")
    print(json.dumps({"records": count, "seconds": seconds, "records_per_s": count / seconds,
                      "rss_before_mib": rss_before, "rss_peak_mib": rss_peak}))


if __name__ == "__main__":
    main()
