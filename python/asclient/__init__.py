"""asclient: a Python client for our Aerospike reimplementation, with aerospike-py's
surface, so code written for aerospike-py runs with only the import changed.

    import asclient
    client = asclient.client({"hosts": [("127.0.0.1", 3000)]}).connect()
    client.put(("test", "demo", 1), {"a": 1})
    key, meta, bins = client.get(("test", "demo", 1))
    batch = client.batch_read(keys, _dtype=np.dtype([("a", "i8")]))   # NumpyBatchRecords
    for rows in client.query("test", "demo").batches(batch_size=10000, _dtype=dtype): ...
    q = client.query("test", "demo"); q.where(predicates.between("a", 1, 9))  # secondary index
    client.export_arrow("test", "demo", "demo.arrow")   # an Arrow IPC stream file

I/O and columnar decoding run in the C++ core (_asclient) without the GIL.
"""

import json
import os
import time
from typing import Any, NamedTuple

import numpy as np

import _asclient

from . import exception, predicates
from .numpy_batch import META_DTYPE, NumpyBatchRecords, dtype_layout
from .predicates import INDEX_TYPE_DEFAULT, INDEX_TYPE_LIST, INDEX_TYPE_MAPKEYS, INDEX_TYPE_MAPVALUES

_asclient._set_error_factory(exception._from_code)


class GeoJSON:
    """A GeoJSON bin value, as aerospike-py's aerospike.GeoJSON: written as the server's
    GeoJSON particle (so a GEO2DSPHERE index sees it) and read back as GeoJSON.

        client.put(key, {"loc": asclient.GeoJSON({"type": "Point", "coordinates": [1.5, 2.5]})})
    """

    def __init__(self, geo_data=None):
        self.geo_data = None
        if geo_data is not None:
            self.wrap(geo_data)

    def wrap(self, geo_data):
        if not isinstance(geo_data, dict):
            raise _param(f"GeoJSON data must be a dict, got {type(geo_data).__name__}")
        self.geo_data = geo_data

    def unwrap(self):
        return self.geo_data

    def loads(self, text):
        try:
            data = json.loads(text)
        except ValueError as e:
            raise _param(f"GeoJSON text is not JSON: {e}") from None
        self.wrap(data)

    def dumps(self):
        if self.geo_data is None:
            raise _param("GeoJSON has no data")
        return json.dumps(self.geo_data)

    @classmethod
    def _from_text(cls, text):
        g = cls()
        try:
            g.geo_data = json.loads(text)
        except ValueError:
            g.geo_data = text  # the server holds it as sent; hand it back unparsed
        return g

    def __eq__(self, other):
        return isinstance(other, GeoJSON) and self.geo_data == other.geo_data

    def __repr__(self):
        return f"GeoJSON({self.geo_data!r})"


_asclient._set_geojson_type(GeoJSON)

__all__ = ["client", "Client", "Query", "GeoJSON", "NumpyBatchRecords", "exception", "predicates"]

POLICY_KEY_DIGEST = 0
POLICY_KEY_SEND = 1
POLICY_EXISTS_IGNORE = 0
POLICY_EXISTS_CREATE = 1
POLICY_EXISTS_UPDATE = 2
POLICY_EXISTS_REPLACE = 3
POLICY_EXISTS_CREATE_OR_REPLACE = 4
TTL_NAMESPACE_DEFAULT = 0
TTL_NEVER_EXPIRE = -1
TTL_DONT_UPDATE = -2

INDEX_STRING = "string"
INDEX_NUMERIC = "numeric"
INDEX_GEO2DSPHERE = "geo2dsphere"

# Rows per query batch when none is given.
DEFAULT_BATCH_SIZE = 10000
# How long index_*_create waits for the index to be built on every node, by default.
INDEX_WAIT_MS = 30000


class AerospikeKey(NamedTuple):
    namespace: str
    set_name: str
    user_key: Any
    digest: bytes


class RecordMetadata(NamedTuple):
    gen: int
    ttl: int


class Record(NamedTuple):
    key: Any
    meta: Any
    bins: Any


class ExistsResult(NamedTuple):
    key: Any
    meta: Any


class BatchRecord(NamedTuple):
    key: Any
    result: int
    record: Any
    in_doubt: bool


class BatchRecords(NamedTuple):
    batch_records: list


def client(config):
    """A Client for `config` ({"hosts": [(host, port), ...]}); call connect() next."""
    return Client(config)


def _param(msg):
    return exception.ParamError(-2, msg)


# What asclient honours. Any other key is refused with ParamError rather than ignored:
# code written for aerospike-py learns at once which of its settings would not apply.
_CONFIG_KEYS = {"hosts", "timeout", "connect_timeout", "cluster_name"}
_READ_POLICY_KEYS = {"total_timeout"}
_WRITE_POLICY_KEYS = {"key", "exists", "ttl", "total_timeout"}
_BATCH_POLICY_KEYS = {"total_timeout"}
_QUERY_POLICY_KEYS = {"socket_timeout", "total_timeout"}
_INFO_POLICY_KEYS = {"timeout"}


def _check_keys(given, allowed, what):
    if given is None:
        return {}
    if not isinstance(given, dict):
        raise _param(f"{what} must be a dict, got {type(given).__name__}")
    unknown = sorted(set(given) - allowed)
    if unknown:
        honoured = ", ".join(sorted(allowed)) or "none"
        raise _param(f"{what} key {unknown[0]!r} is not supported by asclient (it honours: {honoured})")
    return given


def _check_names(**names):
    for what, value in names.items():
        if not isinstance(value, str) or not value:
            raise _param(f"{what} must be a non-empty str, got {value!r}")
        if any(c in value for c in ";:=,"):
            raise _param(f"{what} {value!r} may not contain ';', ':', '=' or ','")


def _info_ok(answer):
    """Raises the error an info answer carries ("ERROR:code:message" or "FAIL:...")."""
    text = answer.strip()
    if text.startswith(("ERROR", "FAIL")):
        parts = text.split(":", 2)
        code = int(parts[1]) if len(parts) > 1 and parts[1].lstrip("-").isdigit() else 1
        raise exception._from_code(code, parts[2] if len(parts) > 2 else text)
    return text


def _ms(policy, name):
    """A timeout in ms from a policy (0: the client's default); a negative or non-int one is
    refused."""
    value = policy.get(name, 0)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 0xFFFFFFFF:
        raise _param(f"policy {name!r} must be a non-negative int of milliseconds, got {value!r}")
    return value


class Client:
    """Synchronous client; every method raises asclient.exception errors."""

    def __init__(self, config):
        if not isinstance(config, dict):
            raise _param(f"config must be a dict, got {type(config).__name__}")
        _check_keys(config, _CONFIG_KEYS, "config")
        hosts = config.get("hosts")
        if not hosts:
            raise _param("config 'hosts' must list at least one (host, port)")
        self._hosts = []
        for h in hosts:
            if isinstance(h, (tuple, list)) and len(h) >= 2:
                self._hosts.append((str(h[0]), int(h[1])))
            elif isinstance(h, str):
                self._hosts.append((h, 3000))
            else:
                raise _param(f"config 'hosts' entries must be (host, port), got {h!r}")
        self._timeout = int(config.get("timeout", 0) or 0)
        self._connect_timeout = int(config.get("connect_timeout", 0) or 0)
        self._cluster_name = str(config.get("cluster_name", "") or "")
        self._conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- Connection --

    def connect(self, username=None, password=None):
        if username is not None or password is not None:
            raise exception.ClientError(-1, "asclient has no security support yet: connect() without a user")
        if self._conn is None:
            self._conn = _asclient.Connection(self._hosts, self._timeout, self._connect_timeout,
                                              self._cluster_name)
        return self

    def is_connected(self):
        return self._conn is not None and self._conn.is_connected()

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _live(self):
        if self._conn is None:
            raise exception.ClientError(-1, "client is not connected (closed, or connect() not called)")
        return self._conn

    # -- CRUD --

    def put(self, key, bins, meta=None, policy=None):
        if not isinstance(bins, dict):
            raise _param(f"bins must be a dict, got {type(bins).__name__}")
        policy = _check_keys(policy, _WRITE_POLICY_KEYS, "policy")
        meta = _check_keys(meta, {"ttl"}, "meta")
        ttl = meta.get("ttl", policy.get("ttl", TTL_NAMESPACE_DEFAULT))
        self._live().put(key, bins, int(ttl) & 0xFFFFFFFF, policy.get("key") == POLICY_KEY_SEND,
                         int(policy.get("exists", POLICY_EXISTS_IGNORE)), _ms(policy, "total_timeout"))

    def get(self, key, policy=None):
        return self._read(key, None, policy)

    def select(self, key, bins, policy=None):
        return self._read(key, list(bins), policy)

    def _read(self, key, bins, policy):
        policy = _check_keys(policy, _READ_POLICY_KEYS, "policy")
        digest, gen, ttl, got = self._live().get(key, bins, _ms(policy, "total_timeout"))
        return Record(AerospikeKey(key[0], key[1], key[2], digest), RecordMetadata(gen, ttl), got)

    def exists(self, key, policy=None):
        policy = _check_keys(policy, _READ_POLICY_KEYS, "policy")
        digest, gen, ttl = self._live().exists(key, _ms(policy, "total_timeout"))
        meta = None if gen is None else RecordMetadata(gen, ttl)
        return ExistsResult(AerospikeKey(key[0], key[1], key[2], digest), meta)

    def remove(self, key, meta=None, policy=None):
        _check_keys(meta, set(), "meta")
        policy = _check_keys(policy, _READ_POLICY_KEYS, "policy")
        self._live().remove(key, _ms(policy, "total_timeout"))

    # -- Batch --

    def batch_read(self, keys, bins=None, policy=None, _dtype=None):
        """Reads `keys` (any number; sent in batches the server accepts).

        Without _dtype: BatchRecords, one BatchRecord per key (record None unless found).
        With _dtype: NumpyBatchRecords decoded straight into a structured array; the dtype
        is checked before any I/O (TypeError for U/O fields, ParamError for bad sizes)."""
        policy = _check_keys(policy, _BATCH_POLICY_KEYS, "policy")
        timeout = _ms(policy, "total_timeout")
        if isinstance(keys, tuple) or not hasattr(keys, "__iter__"):
            raise _param("keys must be a list of (namespace, set, primary_key) tuples")
        keys = list(keys)
        if _dtype is not None:
            return self._batch_read_numpy(keys, _dtype, timeout)
        conn = self._live()
        rows = conn.batch_get(keys, None if bins is None else list(bins), timeout)
        out = []
        for k, (digest, rc, gen, ttl, got) in zip(keys, rows):
            akey = AerospikeKey(k[0], k[1], k[2], digest)
            record = Record(akey, RecordMetadata(gen, ttl), got) if rc == 0 else None
            out.append(BatchRecord(akey, rc, record, False))
        return BatchRecords(out)

    def _batch_read_numpy(self, keys, dtype, timeout):
        specs, itemsize = dtype_layout(dtype)
        _asclient.Connection.check_layout(specs, itemsize)
        conn = self._live()
        n = len(keys)
        rows = np.zeros(n, dtype=dtype)
        meta = np.zeros(n, dtype=META_DTYPE)
        codes = np.zeros(n, dtype=np.int32)
        conn.batch_get_columns(keys, specs, itemsize, rows.view(np.uint8), meta.view(np.uint8), codes, timeout)
        return NumpyBatchRecords(rows, meta, codes, {k[2]: i for i, k in enumerate(keys)})

    # -- Query, export --

    def query(self, namespace, set_name=None):
        return Query(self, namespace, set_name)

    def export_arrow(self, namespace, set_name, target, bins=None, schema=None, batch_size=DEFAULT_BATCH_SIZE,
                     policy=None):
        """Writes a scan of namespace/set as an Arrow IPC stream to `target`, a path or a
        binary file object; returns the number of rows. See Query.export_arrow."""
        query = Query(self, namespace, set_name)
        return query.export_arrow(target, bins=bins, schema=schema, batch_size=batch_size, policy=policy)

    # -- Info, secondary indexes --

    def info_random_node(self, command, policy=None):
        """The answer of one info command from any node, as sent."""
        _check_keys(policy, _INFO_POLICY_KEYS, "policy")
        if not isinstance(command, str):
            raise _param(f"info command must be a str, got {type(command).__name__}")
        return self._live().info(command, "")

    def info_all(self, command, policy=None):
        """{node_name: (None, answer)} for every node, as aerospike-py returns it."""
        _check_keys(policy, _INFO_POLICY_KEYS, "policy")
        if not isinstance(command, str):
            raise _param(f"info command must be a str, got {type(command).__name__}")
        conn = self._live()
        return {name: (None, conn.info(command, name)) for name in conn.node_names()}

    def index_integer_create(self, ns, set_name, bin_name, index_name, policy=None):
        self._index_create(ns, set_name, bin_name, index_name, INDEX_NUMERIC, INDEX_TYPE_DEFAULT, policy)

    def index_string_create(self, ns, set_name, bin_name, index_name, policy=None):
        self._index_create(ns, set_name, bin_name, index_name, INDEX_STRING, INDEX_TYPE_DEFAULT, policy)

    def index_geo2dsphere_create(self, ns, set_name, bin_name, index_name, policy=None):
        self._index_create(ns, set_name, bin_name, index_name, INDEX_GEO2DSPHERE, INDEX_TYPE_DEFAULT, policy)

    def index_list_create(self, ns, set_name, bin_name, index_datatype, index_name, policy=None):
        self._index_create(ns, set_name, bin_name, index_name, index_datatype, INDEX_TYPE_LIST, policy)

    def index_map_keys_create(self, ns, set_name, bin_name, index_datatype, index_name, policy=None):
        self._index_create(ns, set_name, bin_name, index_name, index_datatype, INDEX_TYPE_MAPKEYS, policy)

    def index_map_values_create(self, ns, set_name, bin_name, index_datatype, index_name, policy=None):
        self._index_create(ns, set_name, bin_name, index_name, index_datatype, INDEX_TYPE_MAPVALUES, policy)

    def index_remove(self, ns, index_name, policy=None):
        _check_keys(policy, _INFO_POLICY_KEYS, "policy")
        _check_names(ns=ns, index_name=index_name)
        _info_ok(self._live().info(f"sindex-delete:ns={ns};indexname={index_name}", ""))

    def _index_create(self, ns, set_name, bin_name, index_name, datatype, collection, policy):
        """Creates the index and, as aerospike-py does, waits until every node has built it
        (TimeoutError after policy["timeout"] ms, default INDEX_WAIT_MS)."""
        policy = _check_keys(policy, _INFO_POLICY_KEYS, "policy")
        _check_names(ns=ns, bin_name=bin_name, index_name=index_name)
        if set_name is not None:
            _check_names(set_name=set_name)
        if datatype not in (INDEX_NUMERIC, INDEX_STRING, INDEX_GEO2DSPHERE):
            raise _param(f"index datatype must be INDEX_NUMERIC, INDEX_STRING or INDEX_GEO2DSPHERE, got {datatype!r}")
        command = f"sindex-create:ns={ns}"
        if set_name:
            command += f";set={set_name}"
        command += f";indexname={index_name}"
        if collection != INDEX_TYPE_DEFAULT:
            command += ";indextype=" + {INDEX_TYPE_LIST: "list", INDEX_TYPE_MAPKEYS: "mapkeys",
                                        INDEX_TYPE_MAPVALUES: "mapvalues"}[collection]
        command += f";indexdata={bin_name},{datatype}"
        conn = self._live()
        _info_ok(conn.info(command, ""))
        wait_ms = _ms(policy, "timeout") or INDEX_WAIT_MS
        deadline = time.monotonic() + wait_ms / 1000
        for name in conn.node_names():
            while "load_pct=100" not in conn.info(f"sindex/{ns}/{index_name}", name):
                if time.monotonic() >= deadline:
                    raise exception.TimeoutError(9, f"index {index_name} not built on node {name} within {wait_ms} ms")
                time.sleep(0.01)


class Query:
    """A scan of a namespace (or one set), or with where() a secondary-index query:
    results(), foreach(), batches() and export_arrow()."""

    def __init__(self, client, namespace, set_name):
        if not isinstance(namespace, str) or not namespace:
            raise _param("query namespace must be a non-empty str")
        if set_name is not None and not isinstance(set_name, str):
            raise _param(f"query set must be a str or None, got {type(set_name).__name__}")
        self._client = client
        self._ns = namespace
        self._set = set_name or ""
        self._bins = None
        self._filter = None

    def select(self, *bins):
        for b in bins:
            if not isinstance(b, str):
                raise _param(f"bin names must be str, got {type(b).__name__}")
        self._bins = list(bins)
        return self

    def where(self, predicate):
        """Only the records a secondary index finds (asclient.predicates); one per query."""
        if not isinstance(predicate, predicates.Predicate):
            raise _param("where() takes a predicate from asclient.predicates, got " + type(predicate).__name__)
        if self._filter is not None:
            raise _param("a query takes one where() predicate")
        self._filter = predicate.filter
        return self

    def results(self, policy=None):
        return [r for batch in self._record_batches(DEFAULT_BATCH_SIZE, self._bins, policy) for r in batch]

    def foreach(self, callback, policy=None, options=None):
        """Calls callback((key, meta, bins)) per record; returning False stops the scan."""
        _check_keys(options, set(), "options")
        batches = self._record_batches(DEFAULT_BATCH_SIZE, self._bins, policy)
        try:
            for batch in batches:
                for r in batch:
                    if callback(r) is False:
                        return
        finally:
            batches.close()

    def batches(self, batch_size=DEFAULT_BATCH_SIZE, _dtype=None, bins=None, policy=None, arrow=False, schema=None):
        """A generator of at most `batch_size` records at a time while the server streams:
        structured arrays of _dtype, or lists of (key, meta, bins) without it. Only one
        batch is in flight (the scan waits for the consumer), so memory stays bounded by
        batch_size; leaving the loop early stops the scan. The arguments are checked now,
        before any I/O.

        With arrow=True it yields bytes: pieces of one Arrow IPC stream whose concatenation
        is the whole stream (the first piece starts with the schema, each later one holds a
        record batch of up to batch_size rows, the last ends with the end-of-stream
        marker). The columns are `schema`, a list of (name, type) with types int64,
        float64, bool, utf8, binary and fixed_size_binary[N], or else inferred from the
        first batch_size records (export_arrow has the rules)."""
        _check_batch_size(batch_size)
        bins = self._bins if bins is None else list(bins)
        if arrow:
            if _dtype is not None:
                raise _param("arrow=True takes schema=, not _dtype")
            return self._arrow_export(batch_size, bins, schema, policy)[1]
        if schema is not None:
            raise _param("schema= is for arrow=True (a dtype gives the columns of NumPy batches)")
        if _dtype is None:
            return self._record_batches(batch_size, bins, policy)
        specs, itemsize = dtype_layout(_dtype)
        _asclient.Connection.check_layout(specs, itemsize)
        self._client._live()
        return self._column_batches(batch_size, np.dtype(_dtype), specs, itemsize, policy)

    def export_arrow(self, target, bins=None, schema=None, batch_size=DEFAULT_BATCH_SIZE, policy=None):
        """Writes the query's records as an Arrow IPC stream to `target`: a path (written,
        then removed again if the export fails, so no partial file looks complete; a device
        or FIFO is never removed) or a binary file object with write(). Returns the number
        of rows.

        Columns: `schema` as in batches(arrow=True), or inferred from the first batch_size
        records: every bin seen there, integer -> int64, double -> float64, bool -> bool,
        string and GeoJSON -> utf8, blob -> binary, list and map -> utf8 JSON text; every
        column is nullable (a record without the bin gets a null). A later value that does
        not fit its column raises ParamError naming the record and bin; a string or blob
        shorter than a fixed_size_binary column is zero-padded, a longer one does not fit."""
        _check_batch_size(batch_size)
        writes = hasattr(target, "write")
        if not writes and not isinstance(target, (str, os.PathLike)):
            raise _param(f"export target must be a path or a binary file object, got {type(target).__name__}")
        exporter, pieces = self._arrow_export(batch_size, self._bins if bins is None else list(bins), schema, policy)
        if writes:
            _write_pieces(pieces, target)
            return exporter.rows()
        # Only a regular file is removed after a failure: a device or FIFO (/dev/null, a
        # named pipe) given as the target is left alone.
        regular = not os.path.exists(target) or os.path.isfile(target)
        try:
            with open(target, "wb") as f:
                _write_pieces(pieces, f)
            return exporter.rows()
        except BaseException:
            pieces.close()
            if regular:
                try:
                    os.unlink(target)
                except OSError:
                    pass
            raise

    def _scan_args(self, policy):
        policy = _check_keys(policy, _QUERY_POLICY_KEYS, "policy")
        return self._filter, _ms(policy, "socket_timeout"), _ms(policy, "total_timeout")

    def _column_batches(self, batch_size, dtype, specs, itemsize, policy):
        args = self._scan_args(policy)

        def start():
            return self._client._live().scan_columns(self._ns, self._set, specs, itemsize, batch_size, *args)

        def take(stream, n):
            rows = np.empty(n, dtype=dtype)  # every byte is written by the core
            stream.take_columns(rows.view(np.uint8))
            return rows

        return _drain(start, take)

    def _record_batches(self, batch_size, bins, policy):
        args = self._scan_args(policy)

        def start():
            return self._client._live().scan_records(self._ns, self._set, bins, batch_size, *args)

        def take(stream, _n):
            return [Record(AerospikeKey(ns, st, pk, digest), RecordMetadata(gen, ttl), got)
                    for ns, st, pk, digest, gen, ttl, got in stream.take_records()]

        return _drain(start, take)

    def _arrow_export(self, batch_size, bins, schema, policy):
        """(ArrowExport, generator of its stream's pieces); arguments checked before I/O."""
        exporter = _asclient.ArrowExport(schema, bins, batch_size)
        args = self._scan_args(policy)
        self._client._live()

        def start():
            return self._client._live().scan_records(self._ns, self._set, exporter.requested_bins() or None,
                                                     batch_size, *args)

        def take(stream, _n):
            return exporter.take(stream)

        def pieces():
            for piece in _drain(start, take):
                if piece:
                    yield piece
            yield exporter.finish()

        return exporter, pieces()


def _check_batch_size(batch_size):
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise _param(f"batch_size must be a positive int, got {batch_size!r}")


def _write_pieces(pieces, f):
    try:
        for piece in pieces:
            f.write(piece)
    finally:
        pieces.close()


def _drain(start, take):
    """Starts the scan (start() -> ScanStream) at the first next() and yields take(stream, n)
    per batch its thread hands over; closing the generator (break, garbage collection, an
    error) stops the scan and joins its thread."""
    stream = start()
    try:
        while True:
            n = stream.wait()
            if n < 0:
                return
            yield take(stream, n)
    finally:
        stream.close()

