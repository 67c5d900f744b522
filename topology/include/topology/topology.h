#pragma once
// topology: which datacenters a record version ships to, decided from the config alone
// plus the remote DCs' src-ids learned at runtime.
//
// Overview
// --------
// The module owns the XDR graph as this DC sees it: per namespace, the outgoing edges
// `this DC -> xdr-remote-datacenter...`, the set filters, the forwarding switch, and the
// src-id of every remote DC once the xdr daemon has learned it. The shipper and the
// failover scanner ask should_ship() for every entry they consider; the xdr daemon prints
// describe() at start-up so an operator sees the graph that is really in force.
//
// The decision, in order (the first "no" names the reason, which the shipper counts as
// `filtered_out`):
//   1. "ns"      the namespace is unknown, or enable-xdr is off (xdr or namespace level);
//   2. "dc"      the DC is not one of the namespace's xdr-remote-datacenter;
//   3. "set"     set filter: a set with set-enable-xdr false never ships; with
//                sets-enable-xdr false only sets with set-enable-xdr true ship, and
//                records without a set ship iff sets-enable-xdr is true;
//   4. "forward" the record came from XDR and neither forward-xdr-writes (xdr) nor
//                ns-forward-xdr-writes (namespace) is on;
//   5. "origin"  the record's origin src-id is the DC we would ship to (or this DC itself:
//                a copy that came back round a ring).
//
// Loop prevention has three layers, so no single one has to be perfect:
//   - origin check (5): a record never goes back to the DC whose src-id wrote it. In a
//     ring DC1 -> DC2 -> DC3 -> DC1 with forwarding on, a DC1 write reaches DC2 and DC3,
//     and DC3 stops it because its next hop is the origin;
//   - forwarding is off by default (4): in active-active, mesh and star set-ups a received
//     record is applied and goes no further, so no cycle can even start;
//   - the receiver's LUT conflict check (xdr-design.md §4): a copy that still comes back
//     (src-id not learned yet, or a misconfigured graph) carries a LUT that is not newer
//     than the stored one and is answered 28 (lost conflict) instead of applied and
//     re-announced. That is also why an unlearned remote src-id ships rather than waits.
//
// Shapes (named in describe(); classify() names a whole graph when all edges are known):
// active-passive (A -> B), active-active (A <-> B), star (A -> B, C, ...), chain
// (A -> B -> C, forwarding on in the middle), ring (A -> B -> C -> A, forwarding on) and
// mesh (everything else, usually every DC to every other with forwarding off). One DC
// only knows its own edges, so describe() names its role, not the whole graph.
//
// Threads: everything built in the constructor is immutable. Remote src-ids are atomics,
// so should_ship() may run on any number of threads while learn_src_id() races with it;
// no locks on the per-record path. The module runs no threads and does no I/O.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conf/config.h"

namespace topology {

// The facts about one record version the decision needs. The shipper fills it from a
// pipe frame (topology must not depend on proto); views must outlive the call only.
struct RecordOrigin {
  std::string_view ns;
  std::string_view set;        // empty: the record has no set
  uint8_t origin_src_id = 0;   // DC that wrote this version; 0 = a local client write
  bool from_xdr = false;       // this version was applied by an XDR write from another DC
};

// reason is "" when ship is true, else one of "ns", "dc", "set", "forward", "origin"
// (static strings: safe to keep, cheap to use as counter keys).
struct ShipDecision {
  bool ship = false;
  const char* reason = "";
};

enum class Shape { None, ActivePassive, ActiveActive, Star, Chain, Ring, Mesh };

// "none", "active-passive", "active-active", "star", "chain", "ring", "mesh".
const char* shape_name(Shape shape);

// One directed shipping edge between DC names, for classify().
struct Edge {
  std::string from;
  std::string to;
};

// Names the shape of a whole graph (duplicate edges ignored). Used by tests, tools and
// integration scenarios that know every DC's config; see the overview for the rules.
Shape classify(const std::vector<Edge>& edges);

class Topology {
 public:
  // Copies what it needs from `config`; the Config need not outlive the Topology.
  explicit Topology(const conf::Config& config);
  ~Topology();
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  // DCs a namespace ships to (xdr-remote-datacenter, in config order), only when
  // enable-xdr is on at both levels; an empty list otherwise or for an unknown namespace.
  // The reference stays valid for the Topology's lifetime.
  const std::vector<std::string>& dcs_for(std::string_view ns) const;

  // Should this record version go to `dc`? Thread-safe, lock-free, no allocation.
  ShipDecision should_ship(const RecordOrigin& record, std::string_view dc) const;

  // Records the src-id a remote DC announced (its `get-config:context=xdr` src-id).
  // Returns false, changing nothing, for a DC not defined in `xdr { }` or src-id 0.
  // Thread-safe; a later call overwrites (a DC reconfigured with a new id).
  bool learn_src_id(std::string_view dc, uint8_t src_id);
  // 0 while not learned.
  uint8_t src_id_of(std::string_view dc) const;

  uint8_t local_src_id() const { return local_src_id_; }

  // This DC's role for a namespace from its own edges: ActivePassive (one peer; it is
  // active-active when the peer ships back), Star (several peers, no forwarding), Chain
  // (one peer, forwarding on: a hop of a chain or ring), Mesh (several peers with
  // forwarding), None (XDR off for it).
  Shape local_shape(std::string_view ns) const;

  // Multi-line, one line per namespace, e.g.
  //   namespace test: this DC (src-id 1) -> DC2, DC3 [sets: all] [forwarding: off] [star]
  std::string describe() const;

 private:
  // Everything the decision needs about one namespace, fixed at construction.
  struct NsPlan {
    std::string name;
    bool enabled = false;                     // enable-xdr on both levels
    std::vector<std::string> dcs;             // empty when !enabled
    std::vector<bool> ships_to;               // indexed like dc_names_
    bool sets_enable_xdr = false;
    std::map<std::string, bool, std::less<>> set_enable_xdr;  // explicit `set` stanzas
    bool forward = false;                     // forward-xdr-writes || ns-forward-xdr-writes
  };

  const NsPlan* find_plan(std::string_view ns) const;
  int dc_index(std::string_view dc) const;
  std::string describe_ns(const NsPlan& plan) const;

  uint8_t local_src_id_ = 0;
  // Every `datacenter NAME` in xdr { } in config order, then any name only a namespace
  // mentions (a Config built in code skips the loader's cross-checks).
  std::vector<std::string> dc_names_;
  // One slot per dc_names_ entry; 0 = unknown. Fixed size from construction on, so
  // readers never see the vector move.
  std::unique_ptr<std::atomic<uint8_t>[]> remote_src_ids_;
  std::map<std::string, NsPlan, std::less<>> plans_;
};

}  // namespace topology
