"""Secondary-index predicates for Query.where(), as aerospike-py's aerospike.predicates.

    from asclient import predicates as p
    client.query("test", "demo").where(p.between("age", 20, 29)).results()

Each names an indexed bin; the index must exist (Client.index_*_create). index_type says
what a list or map bin's index covers: INDEX_TYPE_LIST elements, INDEX_TYPE_MAPKEYS keys,
INDEX_TYPE_MAPVALUES values.
"""

import json

from . import exception

INDEX_TYPE_DEFAULT = 0
INDEX_TYPE_LIST = 1
INDEX_TYPE_MAPKEYS = 2
INDEX_TYPE_MAPVALUES = 3

_INT64 = (-(1 << 63), (1 << 63) - 1)


class Predicate:
    """One index filter; `filter` is what the C++ core reads: (kind, bin, index_type, a, b)."""

    __slots__ = ("filter",)

    def __init__(self, kind, bin_name, index_type, a, b=None):
        if not isinstance(bin_name, str) or not bin_name:
            raise _param(f"predicate bin must be a non-empty str, got {bin_name!r}")
        if index_type not in (INDEX_TYPE_DEFAULT, INDEX_TYPE_LIST, INDEX_TYPE_MAPKEYS, INDEX_TYPE_MAPVALUES):
            raise _param(f"index_type must be one of INDEX_TYPE_*, got {index_type!r}")
        self.filter = (kind, bin_name, index_type, a, b)

    def __repr__(self):
        return f"Predicate{self.filter!r}"


def _param(msg):
    return exception.ParamError(-2, msg)


def _int(value, what):
    if isinstance(value, bool) or not isinstance(value, int):
        raise _param(f"{what} must be an int, got {type(value).__name__}")
    if not _INT64[0] <= value <= _INT64[1]:
        raise _param(f"{what} does not fit in 64 bits")
    return value


def _value(bin_name, index_type, value):
    if isinstance(value, str):
        return Predicate("str", bin_name, index_type, value)
    return Predicate("int", bin_name, index_type, _int(value, "predicate value"), value)


def equals(bin_name, val):
    """Records whose bin equals val (an int or a str) through a NUMERIC or STRING index."""
    return _value(bin_name, INDEX_TYPE_DEFAULT, val)


def between(bin_name, min, max):  # noqa: A002 (aerospike-py's names)
    """Records whose integer bin lies in min..max, both included."""
    return range(bin_name, INDEX_TYPE_DEFAULT, min, max)


def contains(bin_name, index_type, val):
    """Records whose list (or map keys, or map values) holds val (an int or a str)."""
    return _value(bin_name, index_type, val)


def range(bin_name, index_type, min, max):  # noqa: A001,A002 (aerospike-py's names)
    """Records whose list, map keys or map values hold an integer in min..max."""
    lo, hi = _int(min, "range min"), _int(max, "range max")
    if lo > hi:
        raise _param(f"range min {lo} is above max {hi}")
    return Predicate("int", bin_name, index_type, lo, hi)


def _geojson(shape, what):
    if isinstance(shape, dict):
        return json.dumps(shape)
    if isinstance(shape, str):
        return shape
    raise _param(f"{what} must be GeoJSON text or a dict, got {type(shape).__name__}")


def geo_within_geojson_region(bin_name, shape, index_type=INDEX_TYPE_DEFAULT):
    """Records whose GeoJSON point lies inside the region `shape` (a Polygon or AeroCircle)."""
    return Predicate("geo", bin_name, index_type, _geojson(shape, "region"))


def geo_contains_geojson_point(bin_name, point, index_type=INDEX_TYPE_DEFAULT):
    """Records whose GeoJSON region contains `point`."""
    return Predicate("geo", bin_name, index_type, _geojson(point, "point"))


def geo_within_radius(bin_name, longitude, latitude, radius_meters, index_type=INDEX_TYPE_DEFAULT):
    """Records whose point lies within radius_meters of (longitude, latitude)."""
    circle = {"type": "AeroCircle", "coordinates": [[float(longitude), float(latitude)], float(radius_meters)]}
    return Predicate("geo", bin_name, index_type, json.dumps(circle))


def geo_contains_point(bin_name, longitude, latitude, index_type=INDEX_TYPE_DEFAULT):
    """Records whose region contains the point (longitude, latitude)."""
    point = {"type": "Point", "coordinates": [float(longitude), float(latitude)]}
    return Predicate("geo", bin_name, index_type, json.dumps(point))
