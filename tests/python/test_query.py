"""Secondary-index queries through asclient against a real asd: index_*_create (waits
until built), where() with every predicate of asclient.predicates through results(),
batches() with and without _dtype, GeoJSON bins, index_remove, info, and the failures:
no index, bad predicates, and per-call timeouts against a server that stopped answering."""

import os
import signal
import time
import unittest

import numpy as np

import asclient
from asclient import exception as ex
from asclient import predicates as p
from asd_harness import NodeTestCase

NS = "test"
SET = "q"
TOTAL = 2000


def point(i):
    return {"type": "Point", "coordinates": [-122.0 + (i % 100) * 0.001, 37.0 + (i // 100) * 0.001]}


def wait_stopped(pid):
    """Until every thread of pid is stopped: kill() returns before a running thread stops,
    and one still running could answer the first request."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        states = []
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                states.append(f.read().rsplit(")", 1)[1].split()[0])
        if all(s in ("T", "t") for s in states):
            return
        time.sleep(0.01)
    raise AssertionError(f"process {pid} did not stop")


class QueryTest(NodeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for i in range(TOTAL):
            cls.client.put((NS, SET, i), {"n": i, "name": f"n{i % 10}", "tags": [i, i + 10000],
                                          "m": {f"k{i % 5}": i}, "loc": asclient.GeoJSON(point(i))},
                           policy={"key": asclient.POLICY_KEY_SEND})
        c = cls.client
        c.index_integer_create(NS, SET, "n", "q_n")
        c.index_string_create(NS, SET, "name", "q_name")
        c.index_list_create(NS, SET, "tags", asclient.INDEX_NUMERIC, "q_tags")
        c.index_map_keys_create(NS, SET, "m", asclient.INDEX_STRING, "q_mkeys")
        c.index_map_values_create(NS, SET, "m", asclient.INDEX_NUMERIC, "q_mvals")
        c.index_geo2dsphere_create(NS, SET, "loc", "q_loc")

    def ids(self, predicate):
        return sorted(r.bins["n"] for r in self.client.query(NS, SET).where(predicate).results())

    def test_indexes_are_built_and_listed(self):
        listing = self.client.info_random_node(f"sindex-list:ns={NS}")
        for name in ("q_n", "q_name", "q_tags", "q_mkeys", "q_mvals", "q_loc"):
            self.assertIn(f"indexname={name}", listing)
        answers = self.client.info_all(f"sindex/{NS}/q_n")
        self.assertEqual(len(answers), 1)
        self.assertIn("load_pct=100", list(answers.values())[0][1])

    def test_predicates(self):
        self.assertEqual(self.ids(p.equals("n", 77)), [77])
        self.assertEqual(self.ids(p.between("n", 10, 19)), list(range(10, 20)))
        self.assertEqual(self.ids(p.equals("name", "n3")), list(range(3, TOTAL, 10)))
        self.assertEqual(self.ids(p.contains("tags", asclient.INDEX_TYPE_LIST, 10005)), [5])
        self.assertEqual(self.ids(p.range("tags", asclient.INDEX_TYPE_LIST, 10000, 10002)), [0, 1, 2])
        self.assertEqual(self.ids(p.contains("m", asclient.INDEX_TYPE_MAPKEYS, "k4")), list(range(4, TOTAL, 5)))
        self.assertEqual(self.ids(p.range("m", asclient.INDEX_TYPE_MAPVALUES, 5, 7)), [5, 6, 7])
        region = {"type": "Polygon", "coordinates": [[[-122.0005, 36.9995], [-121.9955, 36.9995],
                                                      [-121.9955, 37.0015], [-122.0005, 37.0015],
                                                      [-122.0005, 36.9995]]]}
        # x 0..4 (five columns) and y 0..1 (two rows): ids 0-4 and 100-104.
        self.assertEqual(self.ids(p.geo_within_geojson_region("loc", region)), [0, 1, 2, 3, 4, 100, 101, 102, 103, 104])
        near = self.ids(p.geo_within_radius("loc", -122.0, 37.0, 150))
        self.assertIn(0, near)
        self.assertNotIn(1999, near)
        for i in near:  # 0.001 degree of longitude is about 89 m there, of latitude 111 m
            self.assertLessEqual(((i % 100) * 89) ** 2 + ((i // 100) * 111) ** 2, 150 ** 2)

    def test_geojson_round_trip(self):
        rec = self.client.get((NS, SET, 42))
        self.assertIsInstance(rec.bins["loc"], asclient.GeoJSON)
        self.assertEqual(rec.bins["loc"].unwrap(), point(42))

    def test_where_with_batches(self):
        dtype = np.dtype([("n", "i8")])
        seen = []
        for rows in self.client.query(NS, SET).where(p.between("n", 500, 1499)).batches(batch_size=128, _dtype=dtype):
            self.assertLessEqual(len(rows), 128)
            seen.extend(rows["n"].tolist())
        self.assertEqual(sorted(seen), list(range(500, 1500)))
        lists = list(self.client.query(NS, SET).where(p.equals("name", "n0")).batches(batch_size=50))
        self.assertEqual(sum(len(b) for b in lists), TOTAL // 10)

    def test_index_remove(self):
        self.client.index_integer_create(NS, SET, "n", "q_tmp")
        self.client.index_remove(NS, "q_tmp")
        self.assertNotIn("indexname=q_tmp", self.client.info_random_node(f"sindex-list:ns={NS}"))

    def test_bad_predicates_and_names(self):
        q = self.client.query(NS, SET)
        for call, text in ((lambda: q.where(("n", 1)), "takes a predicate"),
                           (lambda: p.equals("n", True), "must be an int"),
                           (lambda: p.equals("n", 1.5), "must be an int"),
                           (lambda: p.between("n", 5, 1), "is above max"),
                           (lambda: p.equals("n", 1 << 70), "does not fit in 64 bits"),
                           (lambda: p.contains("tags", 9, 1), "INDEX_TYPE_"),
                           (lambda: p.equals("", 1), "non-empty str"),
                           (lambda: self.client.index_integer_create(NS, SET, "n", "bad;name"), "may not contain"),
                           (lambda: self.client.index_list_create(NS, SET, "tags", "blob", "x"), "datatype")):
            with self.assertRaises(ex.ParamError, msg=text) as cm:
                call()
            self.assertIn(text, str(cm.exception))
        with self.assertRaises(ex.ParamError):
            self.client.query(NS, SET).where(p.equals("n", 1)).where(p.equals("n", 2))

    def test_query_without_index(self):
        with self.assertRaises(ex.IndexNotFound):
            self.client.query(NS, SET).where(p.equals("unindexed", 1)).results()
        with self.assertRaises(ex.InvalidArgError):
            self.client.index_remove("no_such_namespace", "q_n")

    def test_timeouts_on_a_stopped_server(self):
        """SIGSTOP: the server holds its sockets but answers nothing, so each call must end
        at its own total_timeout with TimeoutError, not at the client's default."""
        c = asclient.client({"hosts": [("127.0.0.1", self.node.port)], "timeout": 20000}).connect()
        self.addCleanup(c.close)
        key = (NS, SET, 1)
        os.kill(self.node.proc.pid, signal.SIGSTOP)
        try:
            wait_stopped(self.node.proc.pid)
            for call in (lambda: c.get(key, policy={"total_timeout": 300}),
                         lambda: c.put(key, {"x": 1}, policy={"total_timeout": 300}),
                         lambda: c.batch_read([key], policy={"total_timeout": 300}),
                         lambda: c.query(NS, SET).results(policy={"total_timeout": 300})):
                start = time.monotonic()
                with self.assertRaises(ex.TimeoutError):
                    call()
                self.assertLess(time.monotonic() - start, 10)
        finally:
            os.kill(self.node.proc.pid, signal.SIGCONT)
        self.assertEqual(c.get(key).bins["n"], 1)
        with self.assertRaises(ex.ParamError):
            c.get(key, policy={"total_timeout": -1})


if __name__ == "__main__":
    unittest.main()
