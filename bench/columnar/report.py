"""bench/columnar: prints the table from the JSON lines bench/columnar/run collected.

    python3 report.py RESULTS.jsonl

Only arithmetic on what the run measured: medians over the repeated runs and ratios
against the reference measured in the same run. What each figure means is in the header
of bench/columnar/run."""

import json
import statistics
import sys

# The "flat" verdict for peak RSS: what tests/python/test_batches.py also allows
# between a small and a big scan.
FLAT_MIB = 16


def load(path):
    by_what = {}
    with open(path) as f:
        for line in f:
            entry = json.loads(line)
            by_what.setdefault(entry["what"], []).append(entry)
    return by_what


def med(values):
    return statistics.median(list(values))


def verdict(value, target):
    return f"target >= {target:g}: {'met' if value >= target else 'NOT met'}"


def table(header, rows, align=None):
    """Aligned columns of preformatted cells; align has one l or r per column (default:
    the first left, the others right)."""
    align = align or "l" + "r" * (len(header) - 1)
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    for r in [header] + rows:
        cells = [str(c).ljust(w) if a == "l" else str(c).rjust(w) for c, w, a in zip(r, widths, align)]
        print("  " + "  ".join(cells).rstrip())


def section_a(r):
    a = r["batch_read"][0]["out"]
    loaded = r["batch_read_loaded"][0]["out"]
    speedup = a["records_s"] / a["numpy_s"]
    alloc = a["records_peak_bytes"] / max(a["numpy_peak_bytes"], 1)
    print(f"(a) batch_read of {a['records']:,} records x 5 bins, Python; median of {a['repeat']} calls")
    table(["path", "median ms", "tracemalloc peak MB"], [
        ["batch_read(keys, _dtype=...)", f"{a['numpy_s'] * 1e3:.2f}", f"{a['numpy_peak_bytes'] / 1e6:.2f}"],
        ["batch_read(keys): records (reference)", f"{a['records_s'] * 1e3:.2f}",
         f"{a['records_peak_bytes'] / 1e6:.2f}"],
    ])
    print(f"  _dtype is {speedup:.2f}x faster ({verdict(speedup, 3)}); "
          f"its tracemalloc peak is {alloc:.1f}x smaller")
    again = loaded["records_s"] / loaded["numpy_s"]
    print(f"  with every set loaded: {loaded['numpy_s'] * 1e3:.2f} ms vs {loaded['records_s'] * 1e3:.2f} ms, "
          f"{again:.2f}x (the server's index lookups are the larger share then)")


def section_b(r, records, small):
    plain = med(e["out"]["records_per_s"] for e in r["plain_scan_b"])
    runs = {s: [e["out"] for e in r["py_scan"] if e["set"] == s] for s in ("cb_big", "cb_small")}
    py = med(o["records_per_s"] for o in runs["cb_big"])
    print(f"(b) scan of {records:,} records (cb_big): records/s of the scan alone; median of {len(runs['cb_big'])}")
    table(["path", "records/s", "vs plain"], [
        ["plain_scan: C++ Client::scan (reference)", f"{plain:,.0f}", "1.00"],
        ["Python query().batches(10000, _dtype=...)", f"{py:,.0f}", f"{py / plain:.2f}"],
    ])
    print("  peak RSS of the Python process: ru_maxrss, a fresh process per scan; median")
    rows, peaks = [], {}
    for s, n in (("cb_small", small), ("cb_big", records)):
        before = med(o["rss_before_mib"] for o in runs[s])
        peaks[s] = med(o["rss_peak_mib"] for o in runs[s])
        rows.append([f"{s}: {n:,} records", f"{before:.1f}", f"{peaks[s]:.1f}", f"{peaks[s] - before:+.1f}"])
    table(["scan of", "before scan MiB", "peak MiB", "growth MiB"], rows)
    diff = peaks["cb_big"] - peaks["cb_small"]
    flat = "flat" if abs(diff) < FLAT_MIB else "NOT flat"
    print(f"  peak for {records:,} vs {small:,} records: {diff:+.1f} MiB ({flat}: within {FLAT_MIB} MiB)")


def section_c(r, records):
    plain = med(records / e["wall_s"] for e in r["plain_scan_c"])
    exp = med(e["records"] / e["wall_s"] for e in r["asexport"])
    ratio = exp / plain
    print(f"(c) asexport of {records:,} records: rows/s from process wall time; median of {len(r['asexport'])}")
    rows = [["plain_scan (reference)", f"{plain:,.0f}", "1.00", ""],
            ["asexport --format arrow --batch-rows 10000", f"{exp:,.0f}", f"{ratio:.2f}", verdict(ratio, 0.8)]]
    for e in r["asexport_sized"]:
        rate = e["records"] / e["wall_s"]
        rows.append([f"asexport --format arrow --batch-rows {e['batch_rows']}", f"{rate:,.0f}",
                     f"{rate / plain:.2f}", "one run"])
    table(["path", "rows/s", "vs plain", ""], rows, align="lrrl")
    reads = {e["label"]: e for e in r["arrow_read"]}
    print("  read back by apache-arrow's RecordBatchReader, every value of x touched; MB/s, median")
    rows = []
    for label in ("64KB", "1MB"):
        e, o = reads[label], reads[label]["out"]
        rows.append([f"~{label} batches", f"{e['batch_rows']:,}", f"{o['avg_batch_bytes'] / 1024:.1f}",
                     f"{o['file_bytes'] / 1e6:.1f}", f"{o['stream_mb_per_s']:.1f}", f"{o['memory_mb_per_s']:.1f}"])
    small, big = reads["64KB"]["out"], reads["1MB"]["out"]
    rows.append(["ratio 1MB / 64KB", "", "", "", f"{big['stream_mb_per_s'] / small['stream_mb_per_s']:.2f}",
                 f"{big['memory_mb_per_s'] / small['memory_mb_per_s']:.2f}"])
    table(["batches", "rows/batch", "avg batch KiB", "file MB", "file stream MB/s", "in memory MB/s"], rows)


def main():
    r = load(sys.argv[1])
    sizes = {e["set"]: e["out"] for e in r["load"]}
    records = sizes["cb_big"]["loaded"]
    small = sizes["cb_small"]["loaded"]
    print()
    print("columnar data access: records of 3 ints, 1 float, a 16-byte blob; one asd, namespace test in memory")
    env = r["env"][0]
    # Everything shares the machine's cores with asd (and whatever else runs): a load
    # average above the core count at either end means the ratios are noisier.
    print(f"machine: {env['cores']} cores; load average at start {env['load_start']}, at end {env['load_end']}")
    print("loaded by plain_scan --load (C++ client): " +
          ", ".join(f"{s} {o['loaded']:,} at {o['records_per_s']:,.0f}/s" for s, o in sizes.items()))
    print()
    section_a(r)
    print()
    section_b(r, records, small)
    print()
    section_c(r, records)


if __name__ == "__main__":
    main()
