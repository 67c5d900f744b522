#pragma once
// System metadata: small definitions every node of the cluster must hold alike (UDF
// modules now; index definitions and roles later), as Aerospike's SMD. Each module is a
// map key -> value; an item carries the version its last change was made under (ms
// timestamp with a counter in the low bits, then the node that made it) and removals stay
// as tombstones, so any two copies merge the same way on every node whatever the order
// messages arrive in: the higher version wins. The cluster layer moves items between
// nodes (a change to every member, the whole set at every cluster change); this class
// only keeps, merges and persists them, one file per module under the node's work
// directory, replaced atomically.
//
// Thread-safe; listeners run on the thread that changed the item, outside the lock.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace asd::smd {

struct Item {
  std::string module;
  std::string key;
  std::string value;
  uint64_t version = 0;  // (ms since the CL epoch << 12) | counter; higher wins
  uint64_t origin = 0;   // node that made the change; breaks a version tie
  bool removed = false;

  bool newer_than(const Item& other) const {
    return version != other.version ? version > other.version : origin > other.origin;
  }
};

class MetadataStore {
 public:
  using Listener = std::function<void(const Item& item)>;

  // `dir`: where the module files live (created when missing); `self`: this node's id.
  MetadataStore(std::string dir, uint64_t self);

  // Reads every module file of the directory (start-up edge). A file that does not
  // parse is an error naming it: start-up stops rather than forget definitions.
  common::Status load();

  // Where changes made on this node go once persisted (the cluster sends them to every
  // other member); set before the first change that must reach other nodes.
  void set_publisher(Listener publish);

  // A change made on this node: a new item under a version above every one it has seen.
  // Persisted and handed to the publisher before it returns.
  common::Result<Item> set(std::string_view module, std::string_view key, std::string value);
  common::Result<Item> remove(std::string_view module, std::string_view key);

  // An item from another node (or this node's own, echoed): applied when newer than the
  // local one. Returns whether it changed anything; a write failure is an error and the
  // item is not applied.
  common::Result<bool> merge(const Item& item);

  // Live items of a module, by key.
  std::vector<Item> items(std::string_view module) const;
  // One live item; false when missing or removed.
  bool get(std::string_view module, std::string_view key, Item* out) const;
  // Every item of every module, tombstones too: what a node sends at a cluster change.
  std::vector<Item> snapshot() const;

  // Called after an item of `module` changed here (set, remove or merge), and once per
  // live item already held when registered (so a listener set up after load() sees them).
  void listen(std::string module, Listener listener);

 private:
  using Module = std::map<std::string, Item, std::less<>>;
  uint64_t next_version();
  common::Status persist(const std::string& module, const Module& items) const;
  common::Status keep_locked(const Item& item);  // with mu_ held
  common::Result<Item> change(std::string_view module, std::string_view key, std::string value, bool removed);
  void notify(const Item& item);

  const std::string dir_;
  const uint64_t self_;
  mutable std::mutex mu_;
  std::map<std::string, Module, std::less<>> modules_;
  uint64_t last_version_ = 0;
  std::mutex listeners_mu_;
  std::map<std::string, std::vector<Listener>, std::less<>> listeners_;
  Listener publish_;  // under listeners_mu_
};

// The state file text of one module, and back (exposed for tests).
std::string encode_module_file(std::string_view module, const std::vector<Item>& items);
common::Result<std::vector<Item>> decode_module_file(const std::string& text, std::string_view module);

}  // namespace asd::smd
