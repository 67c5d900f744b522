"""NumPy structured dtypes <-> the C++ column layout, and NumpyBatchRecords."""

import math

import numpy as np

from . import exception

# What a batch read fills per row besides the bins (the C++ RowMeta).
META_DTYPE = np.dtype([("gen", "u4"), ("ttl", "u4")])

# A field larger than a record can ever be is a mistake, not a request.
MAX_FIELD_BYTES = 8 * 1024 * 1024

_KINDS = "iufSV"


class NumpyBatchRecords:
    """A batch read decoded into a structured array, as aerospike-py returns it.

    batch_records: one row of the dtype per key (zeros for a missing record or bin);
    meta: gen and ttl per row; result_codes: int32 per row, 0 = found;
    _map: primary key -> row index.
    """

    def __init__(self, batch_records, meta, result_codes, _map):
        self.batch_records = batch_records
        self.meta = meta
        self.result_codes = result_codes
        self._map = _map

    def get(self, primary_key):
        """The row of a primary key (KeyError when it was not asked for)."""
        return self.batch_records[self._map[primary_key]]

    def __len__(self):
        return len(self.batch_records)

    def __iter__(self):
        return iter(self.batch_records)

    def __repr__(self):
        return f"NumpyBatchRecords(rows={len(self.batch_records)}, dtype={self.batch_records.dtype})"


def dtype_layout(dtype):
    """The (specs, itemsize) the C++ core takes for a structured dtype.

    Raises TypeError for dtypes it cannot hold (not structured, U, O and other kinds,
    nested structs) and ParamError (a ValueError) for bad sizes, naming the field. No I/O.
    """
    try:
        dtype = np.dtype(dtype)
    except TypeError as e:
        raise TypeError(f"_dtype is not a NumPy dtype: {e}") from None
    if dtype.names is None:
        raise TypeError(f"_dtype must be a structured dtype with named fields, got {dtype}")
    specs = []
    for name in dtype.names:
        field, offset = dtype.fields[name][:2]
        base, shape = field.subdtype if field.subdtype is not None else (field, ())
        if base.names is not None:
            raise TypeError(f"field '{name}': nested structured dtypes are not supported")
        if base.kind not in _KINDS:
            hint = " (use 'S<n>' for fixed-size bytes)" if base.kind in "UO" else ""
            raise TypeError(f"field '{name}': dtype kind '{base.kind}' ({base}) is not supported; "
                            f"use one of i, u, f, S, V{hint}")
        if base.byteorder == ">":
            raise exception.ParamError(-2, f"field '{name}': big-endian {base} is not supported")
        count = math.prod(shape) if shape else 1
        if base.itemsize < 1 or count < 1:
            raise exception.ParamError(-2, f"field '{name}': size must be at least 1 byte, got {field}")
        if base.itemsize * count > MAX_FIELD_BYTES:
            raise exception.ParamError(
                -2, f"field '{name}': {base.itemsize * count} bytes exceeds the {MAX_FIELD_BYTES}-byte limit")
        specs.append((name, base.kind, base.itemsize, offset, count))
    return specs, dtype.itemsize
