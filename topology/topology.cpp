// Topology: the per-namespace plan built from the config, the per-record decision, the
// start-up description, and classify() for whole graphs. See topology/topology.h for the rules and the loop-prevention story.

#include "topology/topology.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <utility>

namespace topology {

namespace {

// Reasons are static strings so the shipper can keep the pointer or key a counter on it.
constexpr const char* kReasonNs = "ns";
constexpr const char* kReasonDc = "dc";
constexpr const char* kReasonSet = "set";
constexpr const char* kReasonForward = "forward";
constexpr const char* kReasonOrigin = "origin";

const std::vector<std::string>& empty_dcs() {
  static const std::vector<std::string> kEmpty;
  return kEmpty;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

}  // namespace

Topology::Topology(const conf::Config& config) : local_src_id_(uint8_t(config.xdr.src_id)) {
  for (const auto& dc : config.xdr.datacenters) {
    if (std::find(dc_names_.begin(), dc_names_.end(), dc.name) == dc_names_.end()) {
      dc_names_.push_back(dc.name);
    }
  }
  for (const auto& ns : config.namespaces) {
    for (const auto& dc : ns.xdr_remote_datacenters) {
      if (std::find(dc_names_.begin(), dc_names_.end(), dc) == dc_names_.end()) dc_names_.push_back(dc);
    }
  }
  remote_src_ids_ = std::make_unique<std::atomic<uint8_t>[]>(dc_names_.size());
  for (size_t i = 0; i < dc_names_.size(); ++i) remote_src_ids_[i].store(0, std::memory_order_relaxed);

  for (const auto& ns : config.namespaces) {
    NsPlan plan;
    plan.name = ns.name;
    plan.enabled = config.xdr.enable_xdr && ns.enable_xdr;
    plan.ships_to.assign(dc_names_.size(), false);
    if (plan.enabled) {
      for (const auto& dc : ns.xdr_remote_datacenters) {
        int index = dc_index(dc);
        if (plan.ships_to[size_t(index)]) continue;  // a repeated line adds no second edge
        plan.ships_to[size_t(index)] = true;
        plan.dcs.push_back(dc);
      }
    }
    plan.sets_enable_xdr = ns.sets_enable_xdr;
    for (const auto& set : ns.sets) plan.set_enable_xdr[set.name] = set.set_enable_xdr;
    plan.forward = conf::forwards_xdr_writes(config.xdr, ns);
    plans_.emplace(ns.name, std::move(plan));
  }
}

Topology::~Topology() = default;

const Topology::NsPlan* Topology::find_plan(std::string_view ns) const {
  auto it = plans_.find(ns);
  return it == plans_.end() ? nullptr : &it->second;
}

int Topology::dc_index(std::string_view dc) const {
  // A handful of DCs at most: a linear scan beats a map and allocates nothing.
  for (size_t i = 0; i < dc_names_.size(); ++i) {
    if (dc_names_[i] == dc) return int(i);
  }
  return -1;
}

const std::vector<std::string>& Topology::dcs_for(std::string_view ns) const {
  const NsPlan* plan = find_plan(ns);
  return plan ? plan->dcs : empty_dcs();
}

ShipDecision Topology::should_ship(const RecordOrigin& record, std::string_view dc) const {
  const NsPlan* plan = find_plan(record.ns);
  if (plan == nullptr || !plan->enabled) return {false, kReasonNs};
  int index = dc_index(dc);
  if (index < 0 || !plan->ships_to[size_t(index)]) return {false, kReasonDc};

  if (record.set.empty()) {
    if (!plan->sets_enable_xdr) return {false, kReasonSet};
  } else {
    auto it = plan->set_enable_xdr.find(record.set);
    bool ships = it != plan->set_enable_xdr.end() ? it->second : plan->sets_enable_xdr;
    if (!ships) return {false, kReasonSet};
  }

  if (record.from_xdr && !plan->forward) return {false, kReasonForward};

  // Local client writes (origin 0) have nowhere to loop back to. For a remote version,
  // an unlearned destination id (0) cannot match: we ship, and the receiver's LUT check
  // turns a returning copy into a lost conflict.
  if (record.origin_src_id != 0) {
    if (record.origin_src_id == local_src_id_ && record.from_xdr) return {false, kReasonOrigin};
    uint8_t dest = remote_src_ids_[size_t(index)].load(std::memory_order_acquire);
    if (dest != 0 && dest == record.origin_src_id) return {false, kReasonOrigin};
  }
  return {true, ""};
}

bool Topology::learn_src_id(std::string_view dc, uint8_t src_id) {
  int index = dc_index(dc);
  if (index < 0 || src_id == 0) return false;
  remote_src_ids_[size_t(index)].store(src_id, std::memory_order_release);
  return true;
}

uint8_t Topology::src_id_of(std::string_view dc) const {
  int index = dc_index(dc);
  return index < 0 ? 0 : remote_src_ids_[size_t(index)].load(std::memory_order_acquire);
}

Shape Topology::local_shape(std::string_view ns) const {
  const NsPlan* plan = find_plan(ns);
  if (plan == nullptr || plan->dcs.empty()) return Shape::None;
  if (plan->dcs.size() == 1) return plan->forward ? Shape::Chain : Shape::ActivePassive;
  return plan->forward ? Shape::Mesh : Shape::Star;
}

std::string Topology::describe_ns(const NsPlan& plan) const {
  std::ostringstream out;
  out << "namespace " << plan.name << ": ";
  if (!plan.enabled) {
    out << "xdr off";
    return out.str();
  }
  if (plan.dcs.empty()) {
    out << "xdr on, no xdr-remote-datacenter (ships nowhere)";
    return out.str();
  }

  out << "this DC (src-id " << unsigned(local_src_id_) << ") -> ";
  for (size_t i = 0; i < plan.dcs.size(); ++i) {
    if (i) out << ", ";
    out << plan.dcs[i];
    // Only learned ids are shown: "?" would suggest a config mistake where there is none.
    if (uint8_t id = src_id_of(plan.dcs[i]); id != 0) out << " (src-id " << unsigned(id) << ")";
  }

  std::vector<std::string> on, off;
  for (const auto& [name, enabled] : plan.set_enable_xdr) (enabled ? on : off).push_back(name);
  out << " [sets: ";
  if (plan.sets_enable_xdr) {
    out << (off.empty() ? "all" : "all except " + join(off));
  } else {
    out << (on.empty() ? "none" : "only " + join(on));
  }
  out << "] [forwarding: " << (plan.forward ? "on" : "off") << "] [";

  const std::string& first = plan.dcs.front();
  switch (local_shape(plan.name)) {
    case Shape::ActivePassive:
      out << "active-passive; active-active when " << first << " ships back";
      break;
    case Shape::Star:
      out << "star 1->" << plan.dcs.size();
      break;
    case Shape::Chain:
      out << "chain/ring hop: forwards XDR writes to " << first;
      break;
    case Shape::Mesh:
      out << "ring/mesh hub: forwards XDR writes to " << plan.dcs.size() << " DCs";
      break;
    default:
      break;
  }
  out << "]";
  return out.str();
}

std::string Topology::describe() const {
  std::string out;
  for (const auto& [name, plan] : plans_) {
    out += describe_ns(plan);
    out += '\n';
  }
  return out;
}

// ---- classify(): whole graphs. The names follow the ones operators use in Aerospike's
// docs; anything that is not one of the simple shapes is a mesh.

const char* shape_name(Shape shape) {
  switch (shape) {
    case Shape::None: return "none";
    case Shape::ActivePassive: return "active-passive";
    case Shape::ActiveActive: return "active-active";
    case Shape::Star: return "star";
    case Shape::Chain: return "chain";
    case Shape::Ring: return "ring";
    case Shape::Mesh: return "mesh";
  }
  return "none";
}

namespace {

struct Degrees {
  int in = 0;
  int out = 0;
};

// Weakly connected: a graph in two pieces is two topologies, which we call a mesh rather
// than pretend it is one chain or ring.
bool connected(const std::set<std::string>& nodes, const std::set<std::pair<std::string, std::string>>& edges) {
  std::map<std::string, std::set<std::string>> adjacent;
  for (const auto& [from, to] : edges) {
    adjacent[from].insert(to);
    adjacent[to].insert(from);
  }
  std::set<std::string> seen{*nodes.begin()};
  std::vector<std::string> stack{*nodes.begin()};
  while (!stack.empty()) {
    std::string node = stack.back();
    stack.pop_back();
    for (const auto& next : adjacent[node]) {
      if (seen.insert(next).second) stack.push_back(next);
    }
  }
  return seen.size() == nodes.size();
}

}  // namespace

Shape classify(const std::vector<Edge>& input) {
  std::set<std::pair<std::string, std::string>> edges;
  std::set<std::string> nodes;
  for (const auto& edge : input) {
    if (edge.from == edge.to) continue;  // a self edge ships nothing anywhere
    edges.emplace(edge.from, edge.to);
    nodes.insert(edge.from);
    nodes.insert(edge.to);
  }
  if (edges.empty()) return Shape::None;

  std::map<std::string, Degrees> degrees;
  for (const auto& [from, to] : edges) {
    ++degrees[from].out;
    ++degrees[to].in;
  }

  if (nodes.size() == 2) return edges.size() == 1 ? Shape::ActivePassive : Shape::ActiveActive;

  // Star: one source ships to every other DC and nobody else ships.
  for (const auto& [node, d] : degrees) {
    if (d.out == int(edges.size()) && d.out == int(nodes.size()) - 1) return Shape::Star;
  }

  if (connected(nodes, edges)) {
    bool all_one = true, path_like = true;
    int heads = 0, tails = 0;
    for (const auto& [node, d] : degrees) {
      all_one = all_one && d.in == 1 && d.out == 1;
      path_like = path_like && d.in <= 1 && d.out <= 1;
      heads += d.in == 0;
      tails += d.out == 0;
    }
    if (all_one) return Shape::Ring;
    if (path_like && heads == 1 && tails == 1 && edges.size() == nodes.size() - 1) return Shape::Chain;
  }
  return Shape::Mesh;
}

}  // namespace topology
