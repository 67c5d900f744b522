// The small data-model types: Key, Record, Operation, Host (Value has its own file).

#include "client/host.h"
#include "client/key.h"
#include "client/operation.h"
#include "client/record.h"

namespace client {

// ---------------------------------------------------------------------------------------
// Key

Key::Key(std::string ns, std::string set, int64_t user_key) : Key(std::move(ns), std::move(set)) {
  digest_ = common::compute_digest(set_, user_key);
  user_key_ = Value(user_key);
}

Key::Key(std::string ns, std::string set, std::string_view user_key)
    : Key(std::move(ns), std::move(set)) {
  digest_ = common::compute_digest(set_, user_key);
  user_key_ = Value(std::string(user_key));
}

Key Key::blob(std::string ns, std::string set, std::string bytes) {
  Key key(std::move(ns), std::move(set));
  key.digest_ = common::compute_digest(key.set_, uint8_t(common::KeyType::Blob), bytes);
  key.user_key_ = Value::blob(std::move(bytes));
  return key;
}

Key Key::from_digest(std::string ns, std::string set, const common::Digest& digest,
                     std::optional<Value> user_key) {
  Key key(std::move(ns), std::move(set));
  key.digest_ = digest;
  key.user_key_ = std::move(user_key);
  return key;
}

// ---------------------------------------------------------------------------------------
// Record

const Value* Record::bin(std::string_view name) const {
  for (const Bin& b : bins) {
    if (b.name == name) return &b.value;
  }
  return nullptr;
}

uint32_t ttl_from_void_time(uint32_t void_time, uint32_t now_cl_sec) {
  if (void_time == 0) return 0xFFFFFFFF;
  return void_time > now_cl_sec ? void_time - now_cl_sec : 1;
}

uint32_t Record::ttl(uint32_t now_cl_sec) const { return ttl_from_void_time(void_time, now_cl_sec); }

// ---------------------------------------------------------------------------------------
// Operation

using proto::OpType;

Operation Operation::read(std::string bin) { return {OpType::Read, std::move(bin), {}}; }
Operation Operation::read_all() { return {OpType::Read, {}, {}}; }
Operation Operation::write(std::string bin, Value value) {
  return {OpType::Write, std::move(bin), std::move(value)};
}
Operation Operation::incr(std::string bin, int64_t delta) {
  return {OpType::Incr, std::move(bin), Value(delta)};
}
Operation Operation::incr(std::string bin, double delta) {
  return {OpType::Incr, std::move(bin), Value(delta)};
}
Operation Operation::append(std::string bin, std::string text) {
  return {OpType::Append, std::move(bin), Value(std::move(text))};
}
Operation Operation::prepend(std::string bin, std::string text) {
  return {OpType::Prepend, std::move(bin), Value(std::move(text))};
}
Operation Operation::touch() { return {OpType::Touch, {}, {}}; }
Operation Operation::delete_all() { return {OpType::DeleteAll, {}, {}}; }
Operation Operation::cdt_read(std::string bin, std::string payload) {
  return {OpType::CdtRead, std::move(bin), Value::blob(std::move(payload))};
}
Operation Operation::cdt_modify(std::string bin, std::string payload) {
  return {OpType::CdtModify, std::move(bin), Value::blob(std::move(payload))};
}

bool Operation::is_read() const { return proto::is_read_op(uint8_t(type)); }

// ---------------------------------------------------------------------------------------
// Host

std::string Host::to_string() const {
  bool v6 = address.find(':') != std::string::npos;
  return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

std::optional<Host> Host::parse(std::string_view text, uint16_t default_port) {
  Host host;
  host.port = default_port;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host.address = std::string(text.substr(1, close - 1));
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port_text = rest.substr(1);
    }
  } else if (size_t colon = text.find(':'); colon != std::string_view::npos &&
                                            text.find(':', colon + 1) == std::string_view::npos) {
    host.address = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  } else {
    host.address = std::string(text);  // a name, IPv4, or a bare IPv6 literal
  }
  if (host.address.empty()) return std::nullopt;
  if (!port_text.empty()) {
    uint32_t port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9') return std::nullopt;
      port = port * 10 + uint32_t(c - '0');
      if (port > 65535) return std::nullopt;
    }
    if (port == 0) return std::nullopt;
    host.port = uint16_t(port);
  }
  return host;
}

std::optional<Host> Host::parse_with_tls_name(std::string_view text, uint16_t default_port) {
  size_t last = text.rfind(':');
  size_t close = !text.empty() && text.front() == '[' ? text.find(']') : std::string_view::npos;
  size_t first = close != std::string_view::npos ? close + 1 : text.find(':');
  bool three_parts = last != std::string_view::npos && first != std::string_view::npos && first < last &&
                     text[first] == ':' && text.find(':', first + 1) == last;
  if (!three_parts || last + 1 == text.size() ||
      text.substr(last + 1).find_first_not_of("0123456789") != std::string_view::npos) {
    return parse(text, default_port);
  }
  std::string_view name = text.substr(first + 1, last - first - 1);
  if (name.empty()) return parse(text, default_port);
  std::string rest = std::string(text.substr(0, first)) + std::string(text.substr(last));
  auto host = parse(rest, default_port);
  if (host) host->tls_name = std::string(name);
  return host;
}

}  // namespace client
