"""Query.batches(), results() and foreach() against a real asd: every record exactly
once, batches never larger than asked, memory bounded by the batch size (not the record
count), early exit stopping the scan thread, and a server that dies mid-stream."""

import gc
import resource
import threading
import tracemalloc
import unittest

import numpy as np

import asclient
from asclient import exception as ex
from asd_harness import AsdNode, NodeTestCase

NS = "test"
SMALL, BIG = 20000, 200000
BATCH = 10000
DTYPE = np.dtype([("i", "i8"), ("f", "f8"), ("tag", "S8")])


def maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class BatchesTest(NodeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for set_name, n in (("small", SMALL), ("big", BIG)):
            for i in range(n):
                cls.client.put((NS, set_name, i), {"i": i, "f": i * 0.25, "tag": b"t%07d" % i},
                               policy={"key": asclient.POLICY_KEY_SEND})

    def scan_numpy(self, set_name):
        """Iterates every batch; returns (ids seen, largest batch, tracemalloc peak)."""
        seen = np.zeros(BIG, dtype=np.int32)
        largest = 0
        gc.collect()
        tracemalloc.start()
        for rows in self.client.query(NS, set_name).batches(batch_size=BATCH, _dtype=DTYPE):
            self.assertEqual(rows.dtype, DTYPE)
            largest = max(largest, len(rows))
            np.add.at(seen, rows["i"], 1)
            np.testing.assert_array_equal(rows["f"], rows["i"] * 0.25)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return seen, largest, peak

    def test_numpy_batches_exactly_once_and_bounded(self):
        self.scan_numpy("small")  # warm up allocator and connections
        rss0 = maxrss_mb()
        seen, largest, small_peak = self.scan_numpy("small")
        self.assertTrue((seen[:SMALL] == 1).all() and (seen[SMALL:] == 0).all())
        self.assertEqual(largest, BATCH)
        rss1 = maxrss_mb()
        seen, largest, big_peak = self.scan_numpy("big")
        rss2 = maxrss_mb()
        self.assertTrue((seen == 1).all(), "every record exactly once")
        self.assertLessEqual(largest, BATCH)
        print(f"\nbatches(10,000): tracemalloc peak {small_peak / 1e6:.2f} MB for {SMALL} records, "
              f"{big_peak / 1e6:.2f} MB for {BIG}; ru_maxrss {rss0:.1f} -> {rss1:.1f} -> {rss2:.1f} MB")
        # The seen[] counter (0.8 MB) is in both peaks; one batch is 0.24 MB.
        self.assertLess(big_peak, small_peak * 1.25 + 256 * 1024)
        self.assertLess(rss2 - rss1, 16, "RSS grew with the record count")

    def test_record_batches_and_results(self):
        total = 0
        ids = set()
        for batch in self.client.query(NS, "small").batches(batch_size=3000):
            self.assertLessEqual(len(batch), 3000)
            for key, meta, bins in batch:
                self.assertEqual(key.user_key, bins["i"])
                self.assertEqual(meta.gen, 1)
                ids.add(bins["i"])
            total += len(batch)
        self.assertEqual(total, SMALL)
        self.assertEqual(ids, set(range(SMALL)))
        q = self.client.query(NS, "small")
        q.select("tag")
        recs = q.results()
        self.assertEqual(len(recs), SMALL)
        self.assertEqual(set(recs[0].bins), {"tag"})

    def test_foreach_stops(self):
        got = []

        def cb(record):
            got.append(record)
            return len(got) < 5

        self.client.query(NS, "small").foreach(cb)
        self.assertEqual(len(got), 5)
        count = [0]
        self.client.query(NS, "small").foreach(lambda r: count.__setitem__(0, count[0] + 1))
        self.assertEqual(count[0], SMALL)

    def test_break_early_stops_scan(self):
        threads = threading.active_count()
        for _ in range(3):
            for rows in self.client.query(NS, "big").batches(batch_size=1000, _dtype=DTYPE):
                self.assertEqual(len(rows), 1000)
                break
            gen = self.client.query(NS, "big").batches(batch_size=500)
            self.assertEqual(len(next(gen)), 500)
            del gen  # garbage collection closes it
            gc.collect()
        self.assertEqual(threading.active_count(), threads)
        # The scan threads are joined (a C++ thread is not a Python one: count the task's).
        import os
        self.assertLessEqual(len(os.listdir("/proc/self/task")), self.tasks_baseline + 1)
        # The next query still works and sees everything.
        n = sum(len(r) for r in self.client.query(NS, "small").batches(batch_size=BATCH, _dtype=DTYPE))
        self.assertEqual(n, SMALL)

    def setUp(self):
        import os
        self.tasks_baseline = len(os.listdir("/proc/self/task"))

    def test_closed_client_mid_iteration(self):
        c = asclient.client({"hosts": [("127.0.0.1", self.node.port)]}).connect()
        gen = c.query(NS, "small").batches(batch_size=100, _dtype=DTYPE)
        first = next(gen)
        c.close()  # the running scan keeps its client until it ends
        rest = sum(len(r) for r in gen)
        self.assertEqual(len(first) + rest, SMALL)
        with self.assertRaises(ex.ClientError):
            next(iter(c.query(NS, "small").batches(batch_size=100)))


class ServerDropTest(unittest.TestCase):
    def test_server_dies_mid_stream(self):
        node = AsdNode.start()
        self.addCleanup(node.stop)
        client = asclient.client({"hosts": [("127.0.0.1", node.port)], "timeout": 2000}).connect()
        self.addCleanup(client.close)
        blob = b"x" * 2000
        for i in range(20000):  # 40 MB: far more than the socket buffers hold
            client.put((NS, "drop", i), {"i": i, "blob": blob})
        dtype = np.dtype([("i", "i8"), ("blob", "S16")])
        rows_seen = 0
        with self.assertRaises(ex.AerospikeError) as cm:
            for rows in client.query(NS, "drop").batches(batch_size=100, _dtype=dtype,
                                                          policy={"socket_timeout": 3000}):
                if rows_seen == 0:
                    node.kill()
                rows_seen += len(rows)
        self.assertLess(rows_seen, 20000)
        self.assertIn(cm.exception.code, (-1, 1, 9, 11), str(cm.exception))
        with self.assertRaises(ex.AerospikeError):
            list(client.query(NS, "drop").batches(batch_size=100))


if __name__ == "__main__":
    unittest.main()
