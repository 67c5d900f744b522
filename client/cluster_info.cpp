#include "client/cluster_info.h"

#include <charconv>
#include <cstdio>

#include "client/errors.h"
#include "common/base64.h"

namespace client {

using common::ResultCode;

namespace {

common::Error bad(std::string_view what) { return client_error(ResultCode::ServerError, what); }

template <typename T>
bool parse_number(std::string_view text, T* out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// A tiny cursor over the peers grammar: brackets nest, commas separate.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  bool eat(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool at_end() const { return pos_ == text_.size(); }
  // Up to (not including) the first of `stops`.
  std::string_view until(std::string_view stops) {
    size_t end = text_.find_first_of(stops, pos_);
    if (end == std::string_view::npos) end = text_.size();
    std::string_view out = text_.substr(pos_, end - pos_);
    pos_ = end;
    return out;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// host := addr[:port] | '[' v6 ']' [':' port]
bool parse_peer_host(Cursor& c, uint16_t default_port, Host* out) {
  std::string text;
  if (c.peek('[')) {
    text = std::string(c.until("]"));
    if (!c.eat(']')) return false;
    text += ']';
  }
  text += c.until(",]");
  auto host = Host::parse(text, default_port);
  if (!host) return false;
  *out = *host;
  return true;
}

// peer := '[' node-id ',' tls-name ',' '[' host (',' host)* ']' ']'
bool parse_peer(Cursor& c, uint16_t default_port, Peer* out) {
  if (!c.eat('[')) return false;
  out->node_name = std::string(c.until(","));
  if (!c.eat(',')) return false;
  out->tls_name = std::string(c.until(","));
  if (!c.eat(',') || !c.eat('[')) return false;
  while (!c.peek(']')) {
    Host host;
    if (!parse_peer_host(c, default_port, &host)) return false;
    out->hosts.push_back(std::move(host));
    if (!c.eat(',')) break;
  }
  return c.eat(']') && c.eat(']') && !out->node_name.empty();
}

}  // namespace

common::Result<NodeIdentity> parse_node_identity(const InfoAnswer& answer,
                                                 std::string_view expected_cluster_name) {
  size_t needed = expected_cluster_name.empty() ? 3 : 4;
  if (answer.size() < needed) return bad("node identity answer has too few lines");
  NodeIdentity id;
  id.name = answer[0].second;
  if (id.name.empty() || id.name.size() > kMaxNodeNameSize) return bad("bad node name '" + id.name + "'");
  if (!parse_number(answer[1].second, &id.partition_generation) || id.partition_generation == -1) {
    return bad("node " + id.name + " partition-generation not ready");
  }
  id.build = answer[2].second;
  if (!build_at_least(id.build, 4, 9, 0, 3)) return bad("node " + id.name + " build too old: " + id.build);
  if (!expected_cluster_name.empty() && answer[3].second != expected_cluster_name) {
    return bad("node " + id.name + " cluster name '" + answer[3].second + "' differs");
  }
  return id;
}

bool build_at_least(std::string_view build, int major, int minor, int patch, int revision) {
  int v[4] = {0, 0, 0, 0};
  std::string text(build);
  int n = std::sscanf(text.c_str(), "%d.%d.%d.%d", &v[0], &v[1], &v[2], &v[3]);
  if (n < 3) return false;
  int want[4] = {major, minor, patch, revision};
  for (int i = 0; i < 4; ++i) {
    if (v[i] != want[i]) return v[i] > want[i];
  }
  return true;
}

common::Result<Peers> parse_peers(std::string_view value) {
  Peers peers;
  Cursor c(value);
  if (!parse_number(c.until(","), &peers.generation) || !c.eat(',')) return bad("bad peers generation");
  std::string_view port = c.until(",");
  if (!port.empty() && !parse_number(port, &peers.default_port)) return bad("bad peers default port");
  if (!c.eat(',') || !c.eat('[')) return bad("bad peers list");
  while (!c.peek(']')) {
    Peer peer;
    if (!parse_peer(c, peers.default_port, &peer)) return bad("bad peer entry");
    peers.peers.push_back(std::move(peer));
    if (!c.eat(',')) break;
  }
  if (!c.eat(']') || !c.at_end()) return bad("bad peers list end");
  return peers;
}

bool NamespaceReplicas::owns(size_t column, uint32_t pid) const {
  if (column >= columns.size() || pid >= kBitmapBytes * 8) return false;
  return (columns[column][pid >> 3] & (0x80 >> (pid & 7))) != 0;
}

common::Result<std::vector<NamespaceReplicas>> parse_replicas(std::string_view value) {
  std::vector<NamespaceReplicas> out;
  while (!value.empty()) {
    size_t semi = value.find(';');
    std::string_view entry = value.substr(0, semi);
    value = semi == std::string_view::npos ? std::string_view{} : value.substr(semi + 1);
    if (entry.empty()) continue;
    size_t colon = entry.find(':');
    if (colon == 0 || colon == std::string_view::npos || colon > 31) return bad("bad replicas namespace");
    NamespaceReplicas ns;
    ns.ns = std::string(entry.substr(0, colon));
    Cursor c(entry.substr(colon + 1));
    if (!parse_number(c.until(","), &ns.regime) || !c.eat(',')) return bad("bad replicas regime");
    if (!parse_number(c.until(","), &ns.replication_factor) || ns.replication_factor == 0) {
      return bad("bad replicas count");
    }
    for (uint32_t i = 0; i < ns.replication_factor; ++i) {
      if (!c.eat(',')) return bad("missing replicas bitmap");
      std::string_view b64 = c.until(",");
      if (b64.size() != kBitmapBase64Size) return bad("replicas bitmap of bad length");
      if (i >= kMaxReplicaColumns) continue;
      auto raw = common::base64_decode(b64);
      if (!raw || raw->size() != kBitmapBytes) return bad("replicas bitmap does not decode");
      auto& column = ns.columns.emplace_back();
      std::copy(raw->begin(), raw->end(), column.begin());
    }
    if (!c.at_end()) return bad("trailing data in replicas entry");
    out.push_back(std::move(ns));
  }
  return out;
}

common::Status parse_info_error(std::string_view value) {
  std::string_view rest;
  if (value.starts_with("ERROR:")) rest = value.substr(6);
  else if (value.starts_with("FAIL:")) rest = value.substr(5);
  else return {};
  size_t colon = rest.find(':');
  std::string_view number = rest.substr(0, colon);
  std::string_view message = colon == std::string_view::npos ? rest : rest.substr(colon + 1);
  int code = 0;
  if (!parse_number(number, &code) || code <= 0 || code > 255) code = 1;
  return {ResultCode(code), std::string(message)};
}

}  // namespace client
