"""asclient against a real asd: put/get/exists/remove, errors, and batch_read with and
without _dtype (the aerospike-py NumPy batch read guide's examples)."""

import os
import time
import unittest

import numpy as np

import asclient
from asclient import exception as ex
from asd_harness import AsdNode, NodeTestCase

NS = "test"


class ClientTest(NodeTestCase):
    # -- CRUD and errors ---------------------------------------------------

    def test_put_get_exists_remove(self):
        key = (NS, "crud", "user1")
        self.client.put(key, {"name": "Alice", "age": 30, "score": 1.5, "raw": b"\x00\x01", "ok": True},
                        meta={"ttl": 300}, policy={"key": asclient.POLICY_KEY_SEND})
        k, meta, bins = self.client.get(key)
        self.assertEqual(bins, {"name": "Alice", "age": 30, "score": 1.5, "raw": b"\x00\x01", "ok": True})
        self.assertEqual((k.namespace, k.set_name, k.user_key), key)
        self.assertEqual(len(k.digest), 20)
        self.assertEqual(meta.gen, 1)
        self.assertTrue(290 <= meta.ttl <= 300, meta)
        self.assertEqual(self.client.exists(key).meta.gen, 1)
        self.client.put(key, {"age": 31})
        self.assertEqual(self.client.get(key).meta.gen, 2)
        self.assertEqual(self.client.select(key, ["age"]).bins, {"age": 31})
        self.client.remove(key)
        self.assertIsNone(self.client.exists(key).meta)
        with self.assertRaises(ex.RecordNotFound) as cm:
            self.client.get(key)
        self.assertEqual(cm.exception.code, 2)
        self.assertIsInstance(cm.exception, ex.AerospikeError)
        with self.assertRaises(ex.RecordNotFound):
            self.client.remove(key)

    def test_key_types(self):
        for pk in (7, -7, "seven", b"\x07\x00", 2**63 - 1):
            key = (NS, "keys", pk)
            self.client.put(key, {"v": 1})
            self.assertEqual(self.client.get(key).bins, {"v": 1}, pk)
        self.client.put((NS, None, 1), {"v": 2})
        self.assertEqual(self.client.get((NS, None, 1)).bins, {"v": 2})

    def test_create_only(self):
        key = (NS, "crud", "once")
        self.client.put(key, {"a": 1}, policy={"exists": asclient.POLICY_EXISTS_CREATE})
        with self.assertRaises(ex.RecordExistsError) as cm:
            self.client.put(key, {"a": 2}, policy={"exists": asclient.POLICY_EXISTS_CREATE})
        self.assertEqual(cm.exception.code, 5)

    def test_bad_keys(self):
        bad = [("test", "s"), ["test", "s", 1], ("test", "s", 1, 2), ("test", "s", 1.5), ("test", "s", None),
               ("test", "s", True), (1, "s", 1), ("", "s", 1), ("test", 3, 1), ("test", "s", 2**64), "key"]
        for key in bad:
            with self.assertRaises(ex.ParamError, msg=repr(key)) as cm:
                self.client.get(key)
            self.assertEqual(cm.exception.code, -2)
            self.assertIsInstance(cm.exception, ValueError)
            self.assertIn("key", str(cm.exception))
        with self.assertRaises(ex.ParamError) as cm:
            self.client.batch_read([(NS, "s", 1), (NS, "s")])
        self.assertIn("keys[1]", str(cm.exception))

    def test_bad_bins(self):
        with self.assertRaises(ex.ParamError):
            self.client.put((NS, "s", 1), {"x": object()})
        with self.assertRaises(ex.ParamError):
            self.client.put((NS, "s", 1), {"x": 2**70})
        with self.assertRaises(ex.ParamError):
            self.client.put((NS, "s", 1), {"a_bin_name_that_is_too_long": 1})
        with self.assertRaises(ex.ParamError):
            self.client.put((NS, "s", 1), [("x", 1)])

    def test_lists_and_maps(self):
        key = (NS, "cdt", 1)
        bins = {"l": [1, "two", 3.5, b"\x04", [5, 6], {"k": None}], "m": {"a": 1, 2: [True, False]},
                "t": (1, 2)}
        self.client.put(key, bins)
        got = self.client.get(key).bins
        self.assertEqual(got["l"], bins["l"])
        self.assertEqual(got["m"], bins["m"])
        self.assertEqual(got["t"], [1, 2])  # a tuple is stored as a list
        with self.assertRaises(ex.ParamError):
            self.client.put(key, {"l": [object()]})

    def test_unsupported_settings_are_refused(self):
        key = (NS, "s", 1)
        with self.assertRaises(ex.ParamError) as cm:
            self.client.get(key, policy={"max_retries": 2})
        self.assertIn("'max_retries' is not supported by asclient (it honours: total_timeout)", str(cm.exception))
        with self.assertRaises(ex.ParamError):
            self.client.put(key, {"a": 1}, policy={"durable_delete": True})
        with self.assertRaises(ex.ParamError):
            self.client.batch_read([key], policy={"max_retries": 2})
        with self.assertRaises(ex.ParamError):
            self.client.query(NS, "s").results(policy={"records_per_second": 5})
        with self.assertRaises(ex.ParamError) as cm:
            asclient.client({"hosts": [("127.0.0.1", self.node.port)], "policies": {}})
        self.assertIn("config key 'policies'", str(cm.exception))
        with self.assertRaises(ex.ClientError):
            asclient.client({"hosts": [("127.0.0.1", self.node.port)]}).connect("user", "pass")
        self.client.put(key, {"a": 1}, policy={"key": asclient.POLICY_KEY_SEND, "exists": 0, "ttl": 100})

    def test_closed_and_unreachable(self):
        c = asclient.client({"hosts": [("127.0.0.1", self.node.port)]}).connect()
        self.assertTrue(c.is_connected())
        c.close()
        self.assertFalse(c.is_connected())
        for call in (lambda: c.get((NS, "s", 1)), lambda: c.put((NS, "s", 1), {"a": 1}),
                     lambda: c.batch_read([(NS, "s", 1)], _dtype=[("a", "i8")]),
                     lambda: c.query(NS, "s").batches(10, _dtype=[("a", "i8")])):
            with self.assertRaises(ex.ClientError) as cm:
                call()
            self.assertIn("not connected", str(cm.exception))
        with self.assertRaises(ex.AerospikeError):
            asclient.client({"hosts": [("127.0.0.1", 1)], "connect_timeout": 200}).connect()

    # -- batch_read --------------------------------------------------------

    def test_batch_read_records(self):
        keys = [(NS, "br", i) for i in range(6000)]  # more than one server batch
        for i, k in enumerate(keys[:6000:2]):
            self.client.put(k, {"i": 2 * i, "s": f"v{2 * i}"})
        res = self.client.batch_read(keys)
        self.assertEqual(len(res.batch_records), 6000)
        for i, br in enumerate(res.batch_records):
            self.assertEqual(br.key.user_key, i)
            if i % 2 == 0:
                self.assertEqual(br.result, 0)
                self.assertEqual(br.record.bins, {"i": i, "s": f"v{i}"})
            else:
                self.assertEqual(br.result, 2)
                self.assertIsNone(br.record)
        only = self.client.batch_read(keys[:2], bins=["s"])
        self.assertEqual(only.batch_records[0].record.bins, {"s": "v0"})

    def test_numpy_quick_start_10000(self):
        """The guide's quick start: ints, floats and fixed bytes over 10,000 records,
        compared field by field with get()."""
        n = 10000
        keys = [(NS, "quick", f"k{i}") for i in range(n)]
        for i, k in enumerate(keys):
            self.client.put(k, {"temperature": 20.0 + i / 100, "humidity": i % 100, "count": -i,
                                "label": f"sensor-{i}".encode(), "u8": i % 256})
        dtype = np.dtype([("temperature", "f8"), ("humidity", "i4"), ("count", "i8"),
                          ("label", "S12"), ("u8", "u1"), ("temp32", "f4")])
        batch = self.client.batch_read(keys, _dtype=dtype)
        self.assertIsInstance(batch, asclient.NumpyBatchRecords)
        self.assertEqual(batch.batch_records.dtype, dtype)
        self.assertEqual(batch.batch_records.shape, (n,))
        self.assertEqual(batch.meta.dtype, np.dtype([("gen", "u4"), ("ttl", "u4")]))
        self.assertEqual(batch.result_codes.dtype, np.int32)
        self.assertTrue((batch.result_codes == 0).all())
        self.assertTrue((batch.meta["gen"] == 1).all())
        self.assertEqual(len(batch._map), n)
        for i in range(0, n, 97):
            _, meta, bins = self.client.get(keys[i])
            row = batch.get(f"k{i}")
            self.assertEqual(row["temperature"], bins["temperature"])
            self.assertEqual(row["humidity"], bins["humidity"])
            self.assertEqual(row["count"], bins["count"])
            self.assertEqual(row["label"], bins["label"])
            self.assertEqual(row["u8"], bins["u8"])
            self.assertEqual(row["temp32"], 0)  # no such bin: zero
            self.assertEqual(batch.meta[batch._map[f"k{i}"]]["gen"], meta.gen)
        np.testing.assert_allclose(batch.batch_records["temperature"], 20.0 + np.arange(n) / 100)

    def test_numpy_vectors(self):
        """Embeddings stored as float32 blobs, read as a ("vec", "f4", (128,)) sub-array."""
        rng = np.random.default_rng(1)
        vecs = rng.standard_normal((50, 128)).astype(np.float32)
        keys = [(NS, "vec", i) for i in range(50)]
        for k, v in zip(keys, vecs):
            self.client.put(k, {"vec": v.tobytes(), "id": k[2]})
        dtype = np.dtype([("id", "i8"), ("vec", "f4", (128,))])
        batch = self.client.batch_read(keys, _dtype=dtype)
        np.testing.assert_array_equal(batch.batch_records["vec"], vecs)
        np.testing.assert_array_equal(batch.batch_records["id"], np.arange(50))
        self.assertEqual(batch.get(3)["vec"].shape, (128,))
        # A shorter blob is zero-padded; a 2-D sub-array is the same bytes.
        self.client.put(keys[0], {"vec": vecs[0][:4].tobytes()})
        two_d = self.client.batch_read(keys[:2], _dtype=np.dtype([("vec", "f4", (16, 8))]))
        np.testing.assert_array_equal(two_d.batch_records["vec"][0].ravel()[:4], vecs[0][:4])
        self.assertTrue((two_d.batch_records["vec"][0].ravel()[4:] == 0).all())
        np.testing.assert_array_equal(two_d.batch_records["vec"][1].ravel(), vecs[1])

    def test_numpy_bin_filter_missing_records_and_bins(self):
        keys = [(NS, "miss", i) for i in range(10)]
        for k in keys[::2]:
            self.client.put(k, {"a": k[2], "b": k[2] * 1.5, "c": "x"})
        self.client.put(keys[2], {"c": None})  # remove bin c from record 2
        batch = self.client.batch_read(keys, _dtype=[("b", "f8"), ("c", "S2"), ("nobin", "i4")])
        self.assertEqual(batch.batch_records.dtype.names, ("b", "c", "nobin"))
        self.assertEqual(list(batch.result_codes), [0, 2] * 5)
        for i in range(10):
            row = batch.get(i)
            if i % 2:
                self.assertEqual(row.tolist(), (0.0, b"", 0))
                self.assertEqual(batch.meta[i].tolist(), (0, 0))
            else:
                self.assertEqual(row["b"], i * 1.5)
                self.assertEqual(row["c"], b"" if i == 2 else b"x")
                self.assertEqual(row["nobin"], 0)
                self.assertGreater(batch.meta[i]["gen"], 0)
                self.assertEqual(batch.meta[i]["ttl"], 0xFFFFFFFF)  # default-ttl 0: never expires

    def test_numpy_padded_and_void(self):
        self.client.put((NS, "pad", 1), {"a": 5, "v": b"\x01\x02\x03"})
        dtype = np.dtype({"names": ["a", "v"], "formats": ["i2", "V4"], "offsets": [0, 8], "itemsize": 16})
        batch = self.client.batch_read([(NS, "pad", 1)], _dtype=dtype)
        self.assertEqual(batch.get(1)["a"], 5)
        self.assertEqual(bytes(batch.get(1)["v"]), b"\x01\x02\x03\x00")

    def test_numpy_dtype_errors_before_io(self):
        """Bad dtypes are refused before anything is sent: a closed client's ClientError
        would otherwise win."""
        closed = asclient.client({"hosts": [("127.0.0.1", self.node.port)]})
        keys = [(NS, "s", 1)]
        for dtype, field in (([("a", "i8"), ("name", "U10")], "name"), ([("o", "O")], "o"),
                             ([("a", "c16")], "a"), ([("a", "M8[s]")], "a")):
            with self.assertRaises(TypeError) as cm:
                closed.batch_read(keys, _dtype=dtype)
            self.assertIn(f"'{field}'", str(cm.exception))
            with self.assertRaises(TypeError):
                closed.query(NS, "s").batches(10, _dtype=dtype)
        for dtype, field in (([("a", "i3")], None), ([("a", "S0")], "a"), ([("a", "f2")], "a"),
                             ([("a", ">i8")], "a"), ([("a", "u1", (0,))], "a"),
                             ([("big", "f8", (10**7,))], "big"),
                             ([("a_bin_name_that_is_too_long", "i8")], "a_bin_name_that_is_too_long")):
            try:
                np.dtype(dtype)
            except TypeError:
                continue  # numpy itself refuses it
            with self.assertRaises(ValueError, msg=repr(dtype)) as cm:
                closed.batch_read(keys, _dtype=dtype)
            self.assertIsInstance(cm.exception, ex.ParamError)
            if field:
                self.assertIn(field, str(cm.exception))
        with self.assertRaises(TypeError):
            closed.batch_read(keys, _dtype=np.dtype("i8"))  # not structured
        with self.assertRaises(ex.ParamError):
            closed.query(NS, "s").batches(0, _dtype=[("a", "i8")])
        with self.assertRaises(ex.ParamError):
            closed.query(NS, "s").batches(-5)

    def test_numpy_incompatible_value(self):
        self.client.put((NS, "incompat", 1), {"a": "text"})
        with self.assertRaises(ex.AerospikeError) as cm:
            self.client.batch_read([(NS, "incompat", 1)], _dtype=[("a", "i8")])
        self.assertIn("a", str(cm.exception))

    def test_numpy_10000_speed_and_memory(self):
        """batch_read with _dtype vs without, 10,000 records x 5 bins (printed, loosely checked)."""
        import tracemalloc
        n = 10000
        keys = [(NS, "perf", i) for i in range(n)]
        for i, k in enumerate(keys):
            self.client.put(k, {"a": i, "b": i * 0.5, "c": -i, "d": i % 7, "e": float(i)})
        dtype = np.dtype([("a", "i8"), ("b", "f8"), ("c", "i8"), ("d", "i4"), ("e", "f8")])
        figures = {}
        for name, kwargs in (("numpy", {"_dtype": dtype}), ("records", {})):
            self.client.batch_read(keys, **kwargs)  # warm up
            tracemalloc.start()
            t = time.perf_counter()
            res = self.client.batch_read(keys, **kwargs)
            elapsed = time.perf_counter() - t
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            del res
            figures[name] = (elapsed, peak)
        print(f"\nbatch_read 10,000 x 5 bins: _dtype {figures['numpy'][0] * 1000:.1f} ms, "
              f"peak {figures['numpy'][1] / 1e6:.2f} MB; records {figures['records'][0] * 1000:.1f} ms, "
              f"peak {figures['records'][1] / 1e6:.2f} MB")
        self.assertLess(figures["numpy"][1], figures["records"][1])
        if os.environ.get("ASCLIENT_STRICT_PERF"):
            self.assertLess(figures["numpy"][0], figures["records"][0])


if __name__ == "__main__":
    unittest.main()
