"""asclient: a Python client for our Aerospike reimplementation, with aerospike-py's
surface, so code written for aerospike-py runs with only the import changed.

    import asclient
    client = asclient.client({"hosts": [("127.0.0.1", 3000)]}).connect()
    client.put(("test", "demo", 1), {"a": 1})
    key, meta, bins = client.get(("test", "demo", 1))
    batch = client.batch_read(keys, _dtype=np.dtype([("a", "i8")]))   # NumpyBatchRecords
    for rows in client.query("test", "demo").batches(batch_size=10000, _dtype=dtype): ...

I/O and columnar decoding run in the C++ core (_asclient) without the GIL.
"""

from typing import Any, NamedTuple

import numpy as np

import _asclient

from . import exception
from .numpy_batch import META_DTYPE, NumpyBatchRecords, dtype_layout

_asclient._set_error_factory(exception._from_code)

__all__ = ["client", "Client", "Query", "NumpyBatchRecords", "exception"]

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

# Rows per query batch when none is given.
DEFAULT_BATCH_SIZE = 10000


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
_WRITE_POLICY_KEYS = {"key", "exists", "ttl"}
_QUERY_POLICY_KEYS = {"socket_timeout"}


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
                         int(policy.get("exists", POLICY_EXISTS_IGNORE)))

    def get(self, key, policy=None):
        _check_keys(policy, set(), "policy")
        return self._read(key, None)

    def select(self, key, bins, policy=None):
        _check_keys(policy, set(), "policy")
        return self._read(key, list(bins))

    def _read(self, key, bins):
        digest, gen, ttl, got = self._live().get(key, bins)
        return Record(AerospikeKey(key[0], key[1], key[2], digest), RecordMetadata(gen, ttl), got)

    def exists(self, key, policy=None):
        _check_keys(policy, set(), "policy")
        digest, gen, ttl = self._live().exists(key)
        meta = None if gen is None else RecordMetadata(gen, ttl)
        return ExistsResult(AerospikeKey(key[0], key[1], key[2], digest), meta)

    def remove(self, key, meta=None, policy=None):
        _check_keys(meta, set(), "meta")
        _check_keys(policy, set(), "policy")
        self._live().remove(key)

    # -- Batch --

    def batch_read(self, keys, bins=None, policy=None, _dtype=None):
        """Reads `keys` (any number; sent in batches the server accepts).

        Without _dtype: BatchRecords, one BatchRecord per key (record None unless found).
        With _dtype: NumpyBatchRecords decoded straight into a structured array; the dtype
        is checked before any I/O (TypeError for U/O fields, ParamError for bad sizes)."""
        _check_keys(policy, set(), "policy")
        if isinstance(keys, tuple) or not hasattr(keys, "__iter__"):
            raise _param("keys must be a list of (namespace, set, primary_key) tuples")
        keys = list(keys)
        if _dtype is not None:
            return self._batch_read_numpy(keys, _dtype)
        conn = self._live()
        rows = conn.batch_get(keys, None if bins is None else list(bins))
        out = []
        for k, (digest, rc, gen, ttl, got) in zip(keys, rows):
            akey = AerospikeKey(k[0], k[1], k[2], digest)
            record = Record(akey, RecordMetadata(gen, ttl), got) if rc == 0 else None
            out.append(BatchRecord(akey, rc, record, False))
        return BatchRecords(out)

    def _batch_read_numpy(self, keys, dtype):
        specs, itemsize = dtype_layout(dtype)
        _asclient.Connection.check_layout(specs, itemsize)
        conn = self._live()
        n = len(keys)
        rows = np.zeros(n, dtype=dtype)
        meta = np.zeros(n, dtype=META_DTYPE)
        codes = np.zeros(n, dtype=np.int32)
        conn.batch_get_columns(keys, specs, itemsize, rows.view(np.uint8), meta.view(np.uint8), codes)
        return NumpyBatchRecords(rows, meta, codes, {k[2]: i for i, k in enumerate(keys)})

    # -- Query --

    def query(self, namespace, set_name=None):
        return Query(self, namespace, set_name)


class Query:
    """A scan of a namespace (or one set): results(), foreach() and batches()."""

    def __init__(self, client, namespace, set_name):
        if not isinstance(namespace, str) or not namespace:
            raise _param("query namespace must be a non-empty str")
        if set_name is not None and not isinstance(set_name, str):
            raise _param(f"query set must be a str or None, got {type(set_name).__name__}")
        self._client = client
        self._ns = namespace
        self._set = set_name or ""
        self._bins = None

    def select(self, *bins):
        for b in bins:
            if not isinstance(b, str):
                raise _param(f"bin names must be str, got {type(b).__name__}")
        self._bins = list(bins)
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

    def batches(self, batch_size=DEFAULT_BATCH_SIZE, _dtype=None, bins=None, policy=None):
        """A generator of at most `batch_size` records at a time while the server streams:
        structured arrays of _dtype, or lists of (key, meta, bins) without it. Only one
        batch is in flight (the scan waits for the consumer), so memory stays bounded by
        batch_size; leaving the loop early stops the scan. The arguments are checked now,
        before any I/O."""
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise _param(f"batch_size must be a positive int, got {batch_size!r}")
        if _dtype is None:
            return self._record_batches(batch_size, self._bins if bins is None else list(bins), policy)
        specs, itemsize = dtype_layout(_dtype)
        _asclient.Connection.check_layout(specs, itemsize)
        self._client._live()
        return self._column_batches(batch_size, np.dtype(_dtype), specs, itemsize, policy)

    def _column_batches(self, batch_size, dtype, specs, itemsize, policy):
        def start():
            return self._client._live().scan_columns(self._ns, self._set, specs, itemsize, batch_size,
                                                     _socket_timeout(policy))

        def take(stream, n):
            rows = np.empty(n, dtype=dtype)  # every byte is written by the core
            stream.take_columns(rows.view(np.uint8))
            return rows

        return _drain(start, take)

    def _record_batches(self, batch_size, bins, policy):
        def start():
            return self._client._live().scan_records(self._ns, self._set, bins, batch_size,
                                                     _socket_timeout(policy))

        def take(stream, _n):
            return [Record(AerospikeKey(ns, st, pk, digest), RecordMetadata(gen, ttl), got)
                    for ns, st, pk, digest, gen, ttl, got in stream.take_records()]

        return _drain(start, take)


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


def _socket_timeout(policy):
    return int(_check_keys(policy, _QUERY_POLICY_KEYS, "policy").get("socket_timeout", 0) or 0)
