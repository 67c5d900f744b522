#pragma once
// A service endpoint: address (name, IPv4 or IPv6 literal), port, and for TLS the name
// the server's certificate must carry (tls.h).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace client {

inline constexpr uint16_t kDefaultPort = 3000;

struct Host {
  std::string address;
  uint16_t port = kDefaultPort;
  std::string tls_name;  // empty: plaintext, or under TLS the address is checked

  bool operator==(const Host&) const = default;
  // "10.0.0.5:3000", or "[::1]:3000" for IPv6 literals.
  std::string to_string() const;
  // Accepts "name", "name:port", "[v6]", "[v6]:port" and a bare IPv6 literal. nullopt on
  // an empty address or a bad port.
  static std::optional<Host> parse(std::string_view text, uint16_t default_port = kDefaultPort);
  // The Aerospike tools' syntax: parse() plus `addr:tls-name:port` and
  // `[v6]:tls-name:port` (three parts, the last a port), which set tls_name.
  static std::optional<Host> parse_with_tls_name(std::string_view text, uint16_t default_port = kDefaultPort);
};

}  // namespace client
