#pragma once
// A record key: namespace, set, the 20-byte digest that locates the record, and the user
// key it was computed from when the caller had one (sent as field 2 with send_key).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "client/value.h"
#include "common/digest.h"

namespace client {

class Key {
 public:
  Key(std::string ns, std::string set, int64_t user_key);
  Key(std::string ns, std::string set, int user_key) : Key(std::move(ns), std::move(set), int64_t(user_key)) {}
  Key(std::string ns, std::string set, std::string_view user_key);
  Key(std::string ns, std::string set, const char* user_key)
      : Key(std::move(ns), std::move(set), std::string_view(user_key)) {}
  static Key blob(std::string ns, std::string set, std::string bytes);
  // A key known by its digest (scan results, XDR shipping), with the user key the
  // server stored for it when there is one (so a shipped record keeps it).
  static Key from_digest(std::string ns, std::string set, const common::Digest& digest,
                         std::optional<Value> user_key = std::nullopt);

  const std::string& ns() const { return ns_; }
  const std::string& set() const { return set_; }
  const common::Digest& digest() const { return digest_; }
  // Integer, String or Blob particle, or nullopt for digest-only keys.
  const std::optional<Value>& user_key() const { return user_key_; }
  common::PartitionId partition_id() const { return common::partition_id(digest_); }

 private:
  Key(std::string ns, std::string set) : ns_(std::move(ns)), set_(std::move(set)) {}

  std::string ns_;
  std::string set_;
  common::Digest digest_;
  std::optional<Value> user_key_;
};

}  // namespace client
