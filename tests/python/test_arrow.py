"""Arrow IPC streams from asclient, read back by Apache Arrow's own JS reader
(apache-arrow, through read_arrow.js): client.export_arrow() to a file and to a file
object, Query.batches(arrow=True) pieces, an index query exported, the schema given or
inferred, and the failures: a value that does not fit (no file left behind), a full
disk, bad schemas and arguments refused before any I/O."""

import io
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import asclient
from asclient import exception as ex
from asclient import predicates as p
from asd_harness import NodeTestCase

NS = "test"
SET = "arw"
TOTAL = 5000
HERE = os.path.dirname(os.path.abspath(__file__))
NODE_MODULES = os.path.join(HERE, "..", "compat", "node_modules")


def expected(i):
    """The bins record i was written with; every 7th has no `f`."""
    bins = {"i": i, "s": f"name-{i}", "b": bytes([i & 255, (i >> 8) & 255, 7]),
            "v": bytes(range(i % 200, i % 200 + 16)), "l": [i, "x"]}
    if i % 7:
        bins["f"] = i + 0.25
    return bins


def read_arrow(data):
    """The stream as read by apache-arrow: {"schema": [[name, type, nullable]...], "batches": [rows]}."""
    env = dict(os.environ, NODE_PATH=NODE_MODULES)
    r = subprocess.run(["node", os.path.join(HERE, "read_arrow.js")], input=data, capture_output=True, env=env,
                       timeout=120)
    if r.returncode != 0:
        raise AssertionError("apache-arrow could not read the stream: " + r.stderr.decode())
    return json.loads(r.stdout)


class ArrowTest(NodeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for i in range(TOTAL):
            cls.client.put((NS, SET, i), expected(i))
        cls.client.index_integer_create(NS, SET, "i", "arw_i")
        cls.tmp = tempfile.mkdtemp(prefix="asclient-arrow-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)

    def check_rows(self, stream, columns, count):
        """Every row of `stream` matches the record its i names; each i once."""
        names = [c[0] for c in stream["schema"]]
        seen = set()
        for batch in stream["batches"]:
            for row in batch:
                got = dict(zip(names, row))
                i = int(got["i"])
                self.assertNotIn(i, seen)
                seen.add(i)
                want = expected(i)
                for name in columns:
                    value = got[name]
                    if name not in want:
                        self.assertIsNone(value, f"record {i}: {name} should be null")
                    elif name == "i":
                        self.assertEqual(value, str(i))
                    elif name in ("b", "v"):
                        self.assertEqual(value, want[name].hex(), f"record {i}: {name}")
                    elif name == "l":
                        self.assertEqual(json.loads(value), want["l"])
                    else:
                        self.assertEqual(value, want[name], f"record {i}: {name}")
        self.assertEqual(len(seen), count)
        return seen

    def test_export_file_inferred_schema(self):
        path = os.path.join(self.tmp, "all.arrow")
        rows = self.client.export_arrow(NS, SET, path, batch_size=1000)
        self.assertEqual(rows, TOTAL)
        with open(path, "rb") as f:
            stream = read_arrow(f.read())
        types = {name: t for name, t, _ in stream["schema"]}
        self.assertEqual(types, {"i": "Int64", "s": "Utf8", "b": "Binary", "v": "Binary", "l": "Utf8", "f": "Float64"})
        self.assertTrue(all(nullable for _, _, nullable in stream["schema"]))
        self.assertEqual(len(stream["batches"]), 5)
        self.check_rows(stream, ["i", "s", "b", "v", "l", "f"], TOTAL)

    def test_batches_pieces_make_one_stream(self):
        schema = [("i", "int64"), ("v", "fixed_size_binary[16]"), ("f", "float64")]
        pieces = list(self.client.query(NS, SET).batches(batch_size=1000, arrow=True, schema=schema))
        self.assertTrue(all(isinstance(piece, bytes) for piece in pieces))
        self.assertEqual(pieces[-1], b"\xff\xff\xff\xff\x00\x00\x00\x00")  # the end-of-stream marker
        self.assertEqual(len(pieces), 6)  # schema + batch, four batches, the end
        stream = read_arrow(b"".join(pieces))
        self.assertEqual([c[:2] for c in stream["schema"]],
                         [["i", "Int64"], ["v", "FixedSizeBinary[16]"], ["f", "Float64"]])
        self.assertTrue(all(len(batch) <= 1000 for batch in stream["batches"]))
        self.check_rows(stream, ["i", "v", "f"], TOTAL)

    def test_index_query_exported_to_file_object(self):
        buf = io.BytesIO()
        query = self.client.query(NS, SET).where(p.between("i", 100, 349))
        self.assertEqual(query.export_arrow(buf, bins=["i", "s"], batch_size=100), 250)
        stream = read_arrow(buf.getvalue())
        self.assertEqual([c[0] for c in stream["schema"]], ["i", "s"])
        self.assertEqual(self.check_rows(stream, ["i", "s"], 250), set(range(100, 350)))

    def test_leaving_the_loop_stops_the_scan(self):
        gen = self.client.query(NS, SET).batches(batch_size=100, arrow=True)
        first = next(gen)
        gen.close()
        self.assertGreater(len(first), 100)
        self.assertEqual(self.client.get((NS, SET, 1)).bins["i"], 1)  # the client still serves

    def test_value_that_does_not_fit_removes_the_file(self):
        path = os.path.join(self.tmp, "misfit.arrow")
        with self.assertRaises(ex.AerospikeError) as cm:
            self.client.export_arrow(NS, SET, path, schema=[("i", "int64"), ("s", "int64")], batch_size=500)
        self.assertIn("does not fit column s (int64); give the column types with schema=", str(cm.exception))
        self.assertFalse(os.path.exists(path))
        # A blob longer than its fixed_size_binary column does not fit either.
        with self.assertRaises(ex.AerospikeError) as cm:
            self.client.export_arrow(NS, SET, io.BytesIO(), schema=[("v", "fixed_size_binary[8]")])
        self.assertIn("a blob of 16 bytes does not fit column v (fixed_size_binary[8])", str(cm.exception))

    def test_full_disk(self):
        with self.assertRaises(OSError) as cm:
            self.client.export_arrow(NS, SET, "/dev/full", batch_size=500)
        self.assertEqual(cm.exception.errno, 28)  # ENOSPC
        self.assertTrue(os.path.exists("/dev/full"))
        self.assertEqual(self.client.export_arrow(NS, SET, "/dev/null"), TOTAL)

    def test_bad_arguments_before_io(self):
        q = self.client.query(NS, SET)
        for schema, text in (([("i", "int32")], "bad schema type 'int32' for i"),
                             ([("v", "fixed_size_binary[0]")], "bad schema type"),
                             ([("i", "int64"), ("i", "utf8")], "names column i twice"),
                             ([("a:b", "int64")], "without ',' or ':'"),
                             ("i:int64", "list of (name, type)"),
                             ([], "at least one column")):
            with self.assertRaises(ex.ParamError, msg=repr(schema)) as cm:
                q.batches(10, arrow=True, schema=schema)
            self.assertIn(text, str(cm.exception))
        with self.assertRaises(ex.ParamError):
            q.batches(10, arrow=True, _dtype=[("i", "i8")])
        with self.assertRaises(ex.ParamError):
            q.batches(10, schema=[("i", "int64")])
        with self.assertRaises(ex.ParamError):
            q.export_arrow(12345)
        with self.assertRaises(ex.ParamError):
            q.export_arrow(io.BytesIO(), batch_size=0)
        missing = os.path.join(self.tmp, "no-such-dir", "x.arrow")
        with self.assertRaises(OSError):
            q.export_arrow(missing)

    def test_empty_set_is_a_valid_stream(self):
        buf = io.BytesIO()
        self.assertEqual(self.client.export_arrow(NS, "nothing_here", buf, schema=[("i", "int64")]), 0)
        stream = read_arrow(buf.getvalue())
        self.assertEqual(stream["schema"], [["i", "Int64", True]])
        self.assertEqual(sum(len(batch) for batch in stream["batches"]), 0)


if __name__ == "__main__":
    unittest.main()
