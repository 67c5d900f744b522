// _asclient: the C++ half of the Python client. It converts keys and bins, runs the
// commands without the GIL, decodes columnar batch reads straight into the caller's
// NumPy buffers, and drives ScanStream. The aerospike-py surface (NamedTuples,
// exception classes, NumpyBatchRecords, generators) is the Python package asclient/.
//
// Errors: every failure is thrown as AsError (result code + message) and raised in Python
// through the factory asclient/exception.py installs, which picks the exception class.
// Codes below zero are client-side, as the Aerospike Python clients number them.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "asclient/scan_stream.h"
#include "client/client.h"
#include "client/columns.h"
#include "client/errors.h"
#include "common/clock.h"
#include "proto/msgpack.h"
#include "recexport/scan_export.h"
#include "recexport/schema.h"

namespace py = pybind11;

namespace {

constexpr int kClientError = -1;
constexpr int kParamError = -2;
// The server's batch-max-requests default; larger key lists go in several batches.
constexpr size_t kMaxBatchKeys = 5000;

struct AsError {
  int code;
  std::string message;
};

[[noreturn]] void param_error(std::string message) { throw AsError{kParamError, std::move(message)}; }

// Client-side failures keep their result code (Timeout, Unavailable) except refusals
// before sending, which are ParamError as in the Python clients.
[[noreturn]] void raise(common::ResultCode code, const std::string& message) {
  if (client::is_client_error(message) &&
      (code == common::ResultCode::Parameter || code == common::ResultCode::BinName)) {
    throw AsError{kParamError, message};
  }
  throw AsError{int(code), message};
}
void check(const common::Status& s) {
  if (!s.ok()) raise(s.code(), s.message());
}
template <typename T>
T& check(common::Result<T>& r) {
  if (!r.ok()) raise(r.error().code, r.error().message);
  return r.value();
}

py::object g_error_factory;  // (code, message) -> exception instance; set by asclient
py::object g_geojson_type;   // asclient.GeoJSON: GeoJSON bins are written from and read as it

py::object geojson_value(std::string_view text) {
  if (!g_geojson_type) return py::str(std::string(text));
  return g_geojson_type.attr("_from_text")(py::str(std::string(text)));
}

std::string type_name(py::handle h) { return py::str(py::type::handle_of(h).attr("__name__")); }

bool is_bytes(py::handle h) { return PyBytes_Check(h.ptr()) || PyByteArray_Check(h.ptr()); }
std::string bytes_of(py::handle h) {
  if (PyBytes_Check(h.ptr())) return std::string(PyBytes_AS_STRING(h.ptr()), size_t(PyBytes_GET_SIZE(h.ptr())));
  return std::string(PyByteArray_AS_STRING(h.ptr()), size_t(PyByteArray_GET_SIZE(h.ptr())));
}

client::Key to_key(py::handle h) {
  if (!py::isinstance<py::tuple>(h)) {
    param_error("key must be a (namespace, set, primary_key) tuple, got " + type_name(h));
  }
  auto t = py::reinterpret_borrow<py::tuple>(h);
  if (t.size() != 3) param_error("key must be a 3-tuple (namespace, set, primary_key), got " +
                                 std::to_string(t.size()) + " items");
  if (!py::isinstance<py::str>(t[0]) || py::str(t[0]).cast<std::string>().empty()) {
    param_error("key namespace must be a non-empty str");
  }
  std::string ns = t[0].cast<std::string>();
  std::string set;
  if (!t[1].is_none()) {
    if (!py::isinstance<py::str>(t[1])) param_error("key set must be a str or None, got " + type_name(t[1]));
    set = t[1].cast<std::string>();
  }
  py::handle pk = t[2];
  if (py::isinstance<py::bool_>(pk)) param_error("primary key must be int, str or bytes, got bool");
  if (py::isinstance<py::int_>(pk)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(pk.ptr(), &overflow);
    if (overflow != 0) param_error("integer primary key does not fit in 64 bits");
    return client::Key(std::move(ns), std::move(set), int64_t(v));
  }
  if (py::isinstance<py::str>(pk)) return client::Key(std::move(ns), std::move(set), pk.cast<std::string>());
  if (is_bytes(pk)) {
    return client::Key::blob(std::move(ns), std::move(set), bytes_of(pk));
  }
  param_error("primary key must be int, str or bytes, got " + type_name(pk));
}

std::vector<client::Key> to_keys(const py::list& keys) {
  std::vector<client::Key> out;
  out.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    try {
      out.push_back(to_key(keys[i]));
    } catch (AsError& e) {
      e.message = "keys[" + std::to_string(i) + "]: " + e.message;
      throw;
    }
  }
  return out;
}

namespace mp = proto::msgpack;

constexpr int kMaxNesting = 64;

int64_t bin_integer(const std::string& bin, py::handle v) {
  int overflow = 0;
  long long n = PyLong_AsLongLongAndOverflow(v.ptr(), &overflow);
  if (overflow != 0) param_error("bin '" + bin + "': integer does not fit in 64 bits");
  return int64_t(n);
}

// A list or dict element (or a map key) as msgpack, the way lists and maps are stored.
mp::Value to_msgpack(const std::string& bin, py::handle v, int depth) {
  if (depth > kMaxNesting) param_error("bin '" + bin + "': lists and maps nest deeper than " + std::to_string(kMaxNesting));
  if (v.is_none()) return mp::Value::nil();
  if (py::isinstance<py::bool_>(v)) return mp::Value::make_bool(v.cast<bool>());
  if (py::isinstance<py::int_>(v)) return mp::Value::integer(bin_integer(bin, v));
  if (py::isinstance<py::float_>(v)) return mp::Value::real(v.cast<double>());
  if (py::isinstance<py::str>(v)) return mp::Value::string(v.cast<std::string>());
  if (is_bytes(v)) return mp::Value::blob(bytes_of(v));
  if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    std::vector<mp::Value> items;
    for (py::handle item : v) items.push_back(to_msgpack(bin, item, depth + 1));
    return mp::Value::make_list(std::move(items));
  }
  if (py::isinstance<py::dict>(v)) {
    std::vector<std::pair<mp::Value, mp::Value>> entries;
    for (auto [key, value] : py::reinterpret_borrow<py::dict>(v)) {
      entries.emplace_back(to_msgpack(bin, key, depth + 1), to_msgpack(bin, value, depth + 1));
    }
    return mp::Value::make_map(std::move(entries));
  }
  param_error("bin '" + bin + "': unsupported value type " + type_name(v) +
              " in a list or dict (int, float, str, bytes, bool, None, list or dict)");
}

py::object from_msgpack(const mp::Value& m) {
  switch (m.kind) {
    case mp::Kind::Nil: return py::none();
    case mp::Kind::Bool: return py::bool_(m.boolean);
    case mp::Kind::Int: return py::int_(m.i);
    case mp::Kind::Uint: return py::int_(m.u);
    case mp::Kind::Double: return py::float_(m.d);
    case mp::Kind::String: return py::str(m.bytes);
    case mp::Kind::Blob: return py::bytes(m.bytes);
    case mp::Kind::GeoJson: return geojson_value(m.bytes);
    case mp::Kind::List: {
      py::list out;
      for (const mp::Value& item : m.list) out.append(from_msgpack(item));
      return out;
    }
    case mp::Kind::Map: {
      py::dict out;
      for (const auto& [key, value] : m.map) {
        py::object k = from_msgpack(key);
        // A list key (possible on the server) has no hashable Python twin: a tuple stands in.
        if (py::isinstance<py::list>(k)) k = py::tuple(k);
        out[k] = from_msgpack(value);
      }
      return out;
    }
    default: throw AsError{kClientError, "a list or map holds a value asclient cannot represent"};
  }
}

client::Value to_value(const std::string& bin, py::handle v) {
  if (v.is_none()) return client::Value::nil();
  if (py::isinstance<py::bool_>(v)) return client::Value::boolean(v.cast<bool>());
  if (py::isinstance<py::int_>(v)) return client::Value(bin_integer(bin, v));
  if (py::isinstance<py::float_>(v)) return client::Value(v.cast<double>());
  if (py::isinstance<py::str>(v)) return client::Value(v.cast<std::string>());
  if (is_bytes(v)) {
    return client::Value::blob(bytes_of(v));
  }
  if (g_geojson_type && py::isinstance(v, g_geojson_type)) {
    return client::Value::geojson(v.attr("dumps")().cast<std::string>());
  }
  if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    return client::Value::list_msgpack(mp::encode(to_msgpack(bin, v, 0)));
  }
  if (py::isinstance<py::dict>(v)) return client::Value::map_msgpack(mp::encode(to_msgpack(bin, v, 0)));
  param_error("bin '" + bin + "': unsupported value type " + type_name(v) +
              " (int, float, str, bytes, bool, None, list, dict or GeoJSON)");
}

py::object to_python(const client::Value& v) {
  if (auto i = v.as_int()) return py::int_(*i);
  if (auto d = v.as_double()) return py::float_(*d);
  if (auto b = v.as_bool()) return py::bool_(*b);
  if (auto s = v.as_string()) {
    PyObject* o = PyUnicode_DecodeUTF8(s->data(), Py_ssize_t(s->size()), "surrogateescape");
    if (o == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(o);
  }
  if (auto b = v.as_blob()) return py::bytes(b->data(), b->size());
  if (auto g = v.as_geojson()) return geojson_value(*g);
  if (v.is_nil()) return py::none();
  if (auto m = v.as_msgpack()) {
    mp::Value decoded;
    if (!mp::decode(*m, &decoded)) throw AsError{kClientError, "a list or map bin arrived malformed"};
    return from_msgpack(decoded);
  }
  throw AsError{kClientError, "a bin of particle type " + std::to_string(v.particle()) +
                                  " (HLL or another type asclient does not read) cannot be returned"};
}

py::dict bins_dict(const client::Record& r) {
  py::dict d;
  for (const auto& b : r.bins) d[py::str(b.name)] = to_python(b.value);
  return d;
}

std::vector<std::string> to_names(const py::object& bins) {
  std::vector<std::string> out;
  if (bins.is_none()) return out;
  for (py::handle b : bins) {
    if (!py::isinstance<py::str>(b)) param_error("bin names must be str, got " + type_name(b));
    out.push_back(b.cast<std::string>());
  }
  return out;
}

client::ColumnLayout to_layout(const py::list& specs, int64_t itemsize) {
  std::vector<client::ColumnFieldSpec> fields;
  for (py::handle h : specs) {
    auto t = h.cast<py::tuple>();
    client::ColumnFieldSpec f;
    f.name = t[0].cast<std::string>();
    std::string kind = t[1].cast<std::string>();
    f.kind = kind.size() == 1 ? kind[0] : '?';
    f.item_size = t[2].cast<int64_t>();
    f.offset = t[3].cast<int64_t>();
    f.count = t[4].cast<int64_t>();
    fields.push_back(std::move(f));
  }
  auto layout = client::ColumnLayout::make(fields, itemsize);
  if (!layout.ok()) param_error(layout.error().message);
  return std::move(layout.value());
}

// A writable, C-contiguous buffer of at least `bytes` bytes.
uint8_t* writable(const py::buffer& b, size_t bytes, const char* what) {
  py::buffer_info info = b.request(true);
  size_t have = size_t(info.size) * size_t(info.itemsize);
  if (have < bytes) param_error(std::string(what) + " buffer too small");
  return static_cast<uint8_t*>(info.ptr);
}

uint32_t ttl_of(const client::Record& r, uint32_t now) { return r.ttl(now); }

py::bytes digest_bytes(const common::Digest& d) {
  return py::bytes(reinterpret_cast<const char*>(d.bytes.data()), d.bytes.size());
}

// A secondary-index filter from asclient.predicates: (kind, bin, collection, a, b) with
// kind "int" (a..b inclusive), "str" (a equal) or "geo" (a: GeoJSON region or point).
std::optional<client::IndexRange> to_filter(const py::object& f) {
  if (f.is_none()) return std::nullopt;
  if (!py::isinstance<py::tuple>(f) || py::len(f) != 5) param_error("where() takes a predicate from asclient.predicates");
  auto t = py::reinterpret_borrow<py::tuple>(f);
  client::IndexRange r;
  std::string kind = t[0].cast<std::string>();
  r.bin = t[1].cast<std::string>();
  int collection = t[2].cast<int>();
  if (collection < 0 || collection > 3) param_error("index_type must be one of INDEX_TYPE_*");
  r.collection = client::IndexCollection(collection);
  if (kind == "int") {
    r.kind = client::IndexRange::Kind::Integer;
    r.begin = bin_integer(r.bin, t[3]);
    r.end = bin_integer(r.bin, t[4]);
  } else if (kind == "str" || kind == "geo") {
    r.kind = kind == "str" ? client::IndexRange::Kind::String : client::IndexRange::Kind::GeoJson;
    r.text = t[3].cast<std::string>();
  } else {
    param_error("where() takes a predicate from asclient.predicates");
  }
  return r;
}

client::ScanPolicy scan_policy(const py::object& filter, uint32_t socket_timeout_ms, uint32_t total_timeout_ms) {
  client::ScanPolicy p;
  p.filter = to_filter(filter);
  if (socket_timeout_ms != 0) p.socket_timeout_ms = socket_timeout_ms;
  p.total_timeout_ms = total_timeout_ms;
  return p;
}

// The Arrow stream of a record scan (recexport::ScanExport), handed to Python piece by
// piece: take() feeds it one record batch of a ScanStream and returns the stream bytes that
// batch completed; finish() returns the rest and the end-of-stream marker.
class ArrowExport {
 public:
  ArrowExport(const py::object& schema, const py::object& bins, int64_t batch_rows)
      : exporter_(recexport::Format::Arrow, parse(schema), to_names(bins), checked_rows(batch_rows),
                  [this](std::string_view b) {
                    pending_.append(b);
                    return common::Status{};
                  },
                  "schema=") {}

  std::vector<std::string> requested_bins() const { return exporter_.requested_bins(); }

  py::bytes take(asclient::ScanStream& s) {
    const std::vector<client::Record>* batch = s.record_batch();
    if (batch == nullptr) {
      s.release();
      throw AsError{kClientError, "no record batch is ready"};
    }
    common::Status st;
    {
      py::gil_scoped_release nogil;
      for (const client::Record& r : *batch) {
        st = exporter_.add(r);
        if (!st.ok()) break;
      }
    }
    s.release();
    check(st);
    return drain();
  }

  py::bytes finish() {
    check(exporter_.finish());
    return drain();
  }

  uint64_t rows() const { return exporter_.rows(); }

  // The columns as (name, type) pairs, once known.
  py::list schema() const {
    py::list out;
    for (const arrowio::Field& f : exporter_.schema()) out.append(py::make_tuple(f.name, arrowio::type_name(f)));
    return out;
  }

 private:
  static size_t checked_rows(int64_t n) {
    if (n < 1) param_error("batch_size must be at least 1, got " + std::to_string(n));
    return size_t(n);
  }

  // None: inferred. Else a list of (name, type) pairs.
  static std::vector<arrowio::Field> parse(const py::object& schema) {
    if (schema.is_none()) return {};
    std::string text;
    for (py::handle item : schema) {
      if (!py::isinstance<py::tuple>(item) || py::len(item) != 2 || !py::isinstance<py::str>(item[py::int_(0)]) ||
          !py::isinstance<py::str>(item[py::int_(1)])) {
        param_error("schema must be a list of (name, type) str pairs");
      }
      std::string name = item[py::int_(0)].cast<std::string>();
      if (name.empty() || name.find_first_of(",:") != std::string::npos) {
        param_error("schema column name '" + name + "' must be non-empty, without ',' or ':'");
      }
      text += (text.empty() ? "" : ",") + name + ":" + item[py::int_(1)].cast<std::string>();
    }
    if (text.empty()) param_error("schema must name at least one column (None infers them)");
    auto fields = recexport::parse_schema(text);
    if (!fields.ok()) param_error(fields.error().message);
    return std::move(fields.value());
  }

  py::bytes drain() {
    py::bytes out(pending_);
    pending_.clear();
    return out;
  }

  std::string pending_;
  recexport::ScanExport exporter_;
};

class Connection {
 public:
  Connection(const std::vector<std::pair<std::string, int>>& hosts, uint32_t timeout_ms,
             uint32_t connect_timeout_ms, const std::string& cluster_name) {
    client::ClientConfig config;
    for (const auto& [host, port] : hosts) {
      if (port <= 0 || port > 65535) param_error("host port out of range: " + std::to_string(port));
      config.seeds.push_back(client::Host{host, uint16_t(port)});
    }
    if (config.seeds.empty()) param_error("config 'hosts' must name at least one (host, port)");
    if (timeout_ms != 0) config.timeout_ms = timeout_ms;
    if (connect_timeout_ms != 0) config.connect_timeout_ms = connect_timeout_ms;
    config.cluster_name = cluster_name;
    common::Result<std::unique_ptr<client::Client>> c = [&] {
      py::gil_scoped_release nogil;
      return client::Client::connect(std::move(config));
    }();
    client_ = std::move(check(c));
  }

  void close() {
    std::shared_ptr<client::Client> c = std::move(client_);
    py::gil_scoped_release nogil;
    c.reset();  // a running scan keeps its own reference until it stops
  }
  bool is_connected() const { return client_ != nullptr; }

  void put(py::handle key, const py::dict& bins, int64_t ttl, bool send_key, int exists, uint32_t timeout_ms) {
    client::Key k = to_key(key);
    std::vector<client::Bin> out;
    for (auto [name, value] : bins) {
      if (!py::isinstance<py::str>(name)) param_error("bin names must be str, got " + type_name(name));
      std::string n = name.cast<std::string>();
      out.push_back({n, to_value(n, value)});
    }
    client::WritePolicy p;
    p.ttl = uint32_t(ttl);  // -1 never expire, -2 do not update: the wire's 0xFFFFFFFF/E
    p.send_key = send_key;
    static constexpr client::ExistsAction kExists[] = {
        client::ExistsAction::Ignore, client::ExistsAction::CreateOnly, client::ExistsAction::UpdateOnly,
        client::ExistsAction::ReplaceOnly, client::ExistsAction::Replace};
    if (exists < 0 || exists > 4) param_error("policy 'exists' must be one of POLICY_EXISTS_*");
    p.exists = kExists[exists];
    p.timeout_ms = timeout_ms;
    auto c = live();
    py::gil_scoped_release nogil;
    check(c->put(k, out, p));
  }

  // (digest, gen, ttl, bins)
  py::tuple get(py::handle key, const py::object& bins, uint32_t timeout_ms) {
    client::Key k = to_key(key);
    std::vector<std::string> names = to_names(bins);
    client::ReadPolicy p;
    p.timeout_ms = timeout_ms;
    auto c = live();
    common::Result<client::Record> r = [&] {
      py::gil_scoped_release nogil;
      return c->get(k, names, p);
    }();
    const client::Record& rec = check(r);
    return py::make_tuple(digest_bytes(k.digest()), rec.generation, ttl_of(rec, common::now_cl_sec()),
                          bins_dict(rec));
  }

  // (digest, gen, ttl); gen and ttl are None when the record does not exist.
  py::object exists(py::handle key, uint32_t timeout_ms) {
    client::Key k = to_key(key);
    client::ReadPolicy p;
    p.timeout_ms = timeout_ms;
    auto c = live();
    common::Result<client::Record> r = [&] {
      py::gil_scoped_release nogil;
      return c->get_header(k, p);
    }();
    if (r.code() == common::ResultCode::NotFound) return py::make_tuple(digest_bytes(k.digest()), py::none(), py::none());
    const client::Record& rec = check(r);
    return py::make_tuple(digest_bytes(k.digest()), rec.generation, ttl_of(rec, common::now_cl_sec()));
  }

  void remove(py::handle key, uint32_t timeout_ms) {
    client::Key k = to_key(key);
    client::WritePolicy p;
    p.timeout_ms = timeout_ms;
    auto c = live();
    common::Result<bool> r = [&] {
      py::gil_scoped_release nogil;
      return c->remove(k, p);
    }();
    if (!check(r)) raise(common::ResultCode::NotFound, "record not found");
  }

  // One (digest, result_code, gen, ttl, bins or None) per key, in key order.
  py::list batch_get(const py::list& keys, const py::object& bins, uint32_t timeout_ms) {
    std::vector<client::Key> ks = to_keys(keys);
    client::BatchPolicy p;
    p.timeout_ms = timeout_ms;
    client::BatchRead read = bins.is_none() ? client::BatchRead::all() : client::BatchRead::selected(to_names(bins));
    auto c = live();
    py::list out;
    for (size_t start = 0; start < ks.size(); start += kMaxBatchKeys) {
      std::span<const client::Key> chunk(ks.data() + start, std::min(ks.size(), start + kMaxBatchKeys) - start);
      common::Result<std::vector<client::BatchRecord>> r = [&] {
        py::gil_scoped_release nogil;
        return c->batch_get(chunk, read, p);
      }();
      uint32_t now = common::now_cl_sec();
      const std::vector<client::BatchRecord>& rows = check(r);
      for (size_t i = 0; i < rows.size(); ++i) {
        const client::BatchRecord& row = rows[i];
        py::bytes digest = digest_bytes(chunk[i].digest());
        if (row.found()) {
          out.append(py::make_tuple(digest, 0, row.record.generation, ttl_of(row.record, now), bins_dict(row.record)));
        } else {
          out.append(py::make_tuple(digest, int(row.result), 0, 0, py::none()));
        }
      }
    }
    return out;
  }

  // Checks a dtype's layout without any I/O (raises ParamError naming the field).
  static void check_layout(const py::list& specs, int64_t itemsize) { (void)to_layout(specs, itemsize); }

  // Decodes keys' rows into `rows` (len(keys) * itemsize bytes), `meta` (8 bytes a row)
  // and `codes` (int32 a row), in chunks the server accepts.
  void batch_get_columns(const py::list& keys, const py::list& specs, int64_t itemsize, const py::buffer& rows,
                         const py::buffer& meta, const py::buffer& codes, uint32_t timeout_ms) {
    client::ColumnLayout layout = to_layout(specs, itemsize);
    client::BatchPolicy p;
    p.timeout_ms = timeout_ms;
    std::vector<client::Key> ks = to_keys(keys);
    size_t n = ks.size();
    uint8_t* row_ptr = writable(rows, n * layout.itemsize(), "rows");
    auto* meta_ptr = reinterpret_cast<client::RowMeta*>(writable(meta, n * sizeof(client::RowMeta), "meta"));
    auto* code_ptr = reinterpret_cast<int32_t*>(writable(codes, n * sizeof(int32_t), "result_codes"));
    auto c = live();
    py::gil_scoped_release nogil;
    for (size_t start = 0; start < n; start += kMaxBatchKeys) {
      size_t end = std::min(n, start + kMaxBatchKeys);
      std::span<const client::Key> chunk(ks.data() + start, end - start);
      client::ColumnBuffer out{row_ptr + start * layout.itemsize(), meta_ptr + start, code_ptr + start, end - start};
      common::Status s = c->batch_get_columns(chunk, layout, out, p);
      if (!s.ok()) {
        py::gil_scoped_acquire gil;
        check(s);
      }
    }
  }

  std::unique_ptr<asclient::ScanStream> scan_columns(const std::string& ns, const std::string& set,
                                                     const py::list& specs, int64_t itemsize, int64_t batch_rows,
                                                     const py::object& filter, uint32_t socket_timeout_ms,
                                                     uint32_t total_timeout_ms) {
    client::ColumnLayout layout = to_layout(specs, itemsize);
    if (batch_rows < 1) param_error("batch_size must be at least 1, got " + std::to_string(batch_rows));
    client::ScanPolicy p = scan_policy(filter, socket_timeout_ms, total_timeout_ms);
    return asclient::ScanStream::columns(live(), ns, set, std::move(layout), size_t(batch_rows), p);
  }

  std::unique_ptr<asclient::ScanStream> scan_records(const std::string& ns, const std::string& set,
                                                     const py::object& bins, int64_t batch_rows,
                                                     const py::object& filter, uint32_t socket_timeout_ms,
                                                     uint32_t total_timeout_ms) {
    if (batch_rows < 1) param_error("batch_size must be at least 1, got " + std::to_string(batch_rows));
    client::ScanPolicy p = scan_policy(filter, socket_timeout_ms, total_timeout_ms);
    p.bins = to_names(bins);
    return asclient::ScanStream::records(live(), ns, set, size_t(batch_rows), p);
  }

  // One info command on the named node (any node when empty), its answer as sent.
  std::string info(const std::string& command, const std::string& node) {
    auto c = live();
    common::Result<std::string> r = [&] {
      py::gil_scoped_release nogil;
      return c->info(command, node);
    }();
    return check(r);
  }

  std::vector<std::string> node_names() const { return live()->node_names(); }

 private:
  std::shared_ptr<client::Client> live() const {
    if (!client_) throw AsError{kClientError, "client is not connected (closed, or connect() not called)"};
    return client_;
  }

  std::shared_ptr<client::Client> client_;
};

// Waits (without the GIL) for the next batch: its row count, or -1 when the scan ended
// well; raises when it failed.
int64_t stream_wait(asclient::ScanStream& s) {
  bool got;
  {
    py::gil_scoped_release nogil;
    got = s.wait();
  }
  if (got) {
    if (const auto* b = s.column_batch()) return int64_t(b->count);
    return int64_t(s.record_batch()->size());
  }
  check(s.status());
  return -1;
}

// Copies the ready columnar batch into `rows` and hands the slot back.
void stream_take_columns(asclient::ScanStream& s, const py::buffer& rows) {
  const client::ColumnBatch* b = s.column_batch();
  if (b == nullptr) {
    s.release();
    throw AsError{kClientError, "no columnar batch is ready"};
  }
  size_t bytes = b->count * b->layout->itemsize();
  try {
    std::memcpy(writable(rows, bytes, "rows"), b->rows, bytes);
  } catch (...) {
    s.release();
    throw;
  }
  s.release();
}

// The ready record batch as (ns, set, user_key, digest, gen, ttl, bins) tuples.
py::list stream_take_records(asclient::ScanStream& s) {
  const std::vector<client::Record>* batch = s.record_batch();
  py::list out;
  try {
    if (batch == nullptr) throw AsError{kClientError, "no record batch is ready"};
    uint32_t now = common::now_cl_sec();
    for (const auto& r : *batch) {
      py::object pk = r.user_key ? to_python(*r.user_key) : py::none();
      out.append(py::make_tuple(r.ns, r.set, pk, digest_bytes(r.digest), r.generation, ttl_of(r, now), bins_dict(r)));
    }
  } catch (...) {
    s.release();
    throw;
  }
  s.release();
  return out;
}

}  // namespace

PYBIND11_MODULE(_asclient, m) {
  m.doc() = "C++ core of the asclient Python package";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const AsError& e) {
      if (!g_error_factory) {
        PyErr_SetString(PyExc_RuntimeError, e.message.c_str());
        return;
      }
      py::object exc = g_error_factory(e.code, e.message);
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
    }
  });
  m.def("_set_error_factory", [](py::object f) { g_error_factory = std::move(f); });
  m.def("_set_geojson_type", [](py::object t) { g_geojson_type = std::move(t); });
  // Neither may outlive the interpreter's teardown.
  auto atexit = py::module_::import("atexit");
  atexit.attr("register")(py::cpp_function([] {
    g_error_factory = py::object();
    g_geojson_type = py::object();
  }));

  py::class_<asclient::ScanStream>(m, "ScanStream")
      .def("wait", &stream_wait)
      .def("take_columns", &stream_take_columns)
      .def("take_records", &stream_take_records)
      .def("close", [](asclient::ScanStream& s) {
        py::gil_scoped_release nogil;
        s.close();
      });

  py::class_<Connection>(m, "Connection")
      .def(py::init<const std::vector<std::pair<std::string, int>>&, uint32_t, uint32_t, const std::string&>())
      .def("close", &Connection::close)
      .def("is_connected", &Connection::is_connected)
      .def("put", &Connection::put)
      .def("get", &Connection::get)
      .def("exists", &Connection::exists)
      .def("remove", &Connection::remove)
      .def("batch_get", &Connection::batch_get)
      .def_static("check_layout", &Connection::check_layout)
      .def("batch_get_columns", &Connection::batch_get_columns)
      .def("scan_columns", &Connection::scan_columns)
      .def("scan_records", &Connection::scan_records)
      .def("info", &Connection::info)
      .def("node_names", &Connection::node_names);

  py::class_<ArrowExport>(m, "ArrowExport")
      .def(py::init<const py::object&, const py::object&, int64_t>())
      .def("requested_bins", &ArrowExport::requested_bins)
      .def("take", &ArrowExport::take)
      .def("finish", &ArrowExport::finish)
      .def("rows", &ArrowExport::rows)
      .def("schema", &ArrowExport::schema);
}
