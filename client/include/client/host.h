#pragma once
// A service endpoint: address (name, IPv4 or IPv6 literal) and port.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace client {

inline constexpr uint16_t kDefaultPort = 3000;

struct Host {
  std::string address;
  uint16_t port = kDefaultPort;

  bool operator==(const Host&) const = default;
  // "10.0.0.5:3000", or "[::1]:3000" for IPv6 literals.
  std::string to_string() const;
  // Accepts "name", "name:port", "[v6]", "[v6]:port" and a bare IPv6 literal. nullopt on
  // an empty address or a bad port.
  static std::optional<Host> parse(std::string_view text, uint16_t default_port = kDefaultPort);
};

}  // namespace client
