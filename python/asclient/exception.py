"""Exception classes of asclient, named and numbered as aerospike-py's.

Every exception carries ``code`` (the Aerospike result code; below zero for failures on
the client side, as the Aerospike Python clients number them) and ``msg``.
"""


class AerospikeError(Exception):
    """Base of every asclient error."""

    def __init__(self, code, msg):
        super().__init__(f"[{code}] {msg}")
        self.code = code
        self.msg = msg
        self.in_doubt = False


class ClientError(AerospikeError): ...
class ServerError(AerospikeError): ...
class RecordError(AerospikeError): ...
class ClusterError(AerospikeError): ...
class TimeoutError(AerospikeError): ...  # noqa: A001 (aerospike-py's name)
class InvalidArgError(AerospikeError): ...


class ParamError(InvalidArgError, ClientError, ValueError):
    """A request refused before anything was sent (bad key, bin, dtype or size)."""


class RecordNotFound(RecordError): ...
class RecordExistsError(RecordError): ...
class RecordGenerationError(RecordError): ...
class RecordTooBig(RecordError): ...
class BinNameError(RecordError): ...
class BinExistsError(RecordError): ...
class BinNotFound(RecordError): ...
class BinTypeError(RecordError): ...
class FilteredOut(RecordError): ...
class IndexError(ServerError): ...  # noqa: A001
class IndexNotFound(IndexError): ...
class IndexFoundError(IndexError): ...
class QueryError(ServerError): ...
class QueryAbortedError(QueryError): ...
class AdminError(ServerError): ...
class UDFError(ServerError): ...


_BY_CODE = {
    -2: ParamError,
    -1: ClientError,
    1: ServerError,
    2: RecordNotFound,
    3: RecordGenerationError,
    4: InvalidArgError,
    5: RecordExistsError,
    6: BinExistsError,
    9: TimeoutError,
    11: ClusterError,
    12: BinTypeError,
    13: RecordTooBig,
    15: QueryAbortedError,
    17: BinNotFound,
    21: BinNameError,
    27: FilteredOut,
    100: UDFError,
    200: IndexFoundError,
    201: IndexNotFound,
}


def _from_code(code, msg):
    """The exception instance for a result code (the C++ core raises through this)."""
    return _BY_CODE.get(code, ServerError if code > 0 else ClientError)(code, msg)
