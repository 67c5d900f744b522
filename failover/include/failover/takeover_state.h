#pragma once
// TakeoverState: what a node's xdr knows about shipping in its cluster, and must not
// forget across its own restarts: the members it saw, the progress every peer last
// published (and its own), the departed nodes whose progress it still needs, the
// takeover tasks it registered and has not finished, and the departures it registered
// (peers read those to know their own bookkeeping may end). Plus the pure rules that
// turn these into takeover LUTs and into this node's published progress.
//
// File format (version 1; text, one item per line, fields separated by one space),
// written atomically (common/atomic_file.h) beside the digest log:
//   xdr-takeover-state 1
//   self <hex id>
//   next-task <n>
//   member <hex id>                                        (repeated)
//   own <progress text>                                    (progress.h)
//   peer <progress text>                                   (repeated)
//   departed <hex> <detected ms> <survivors|-> <confirmed|-> <progress text|->
//   task <id> <dc> <ns> <departed hex> <acting 0|1> <registered ms> <pid.lut:...|->
//   registered <hex> <ms>                                  (repeated)
//   crc <CRC-32 of every byte before this line, 8 hex digits>
// (survivors and confirmed: comma-separated hex ids). A file that does not parse or
// fails its CRC is refused as a whole; see Takeover::init for what happens then.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "failover/cluster_view.h"
#include "failover/progress.h"

namespace failover {

// A takeover registered by this node: ship the records of `ns` in these partitions whose
// LUT is at least since[pid] to `dc`. `acting`: the departed node's asd still runs, only
// its xdr is down, and this node is the first replica of those partitions.
struct TakeoverTask {
  uint64_t id = 0;
  std::string dc;
  std::string ns;
  uint64_t departed = 0;
  bool acting = false;
  uint64_t registered_ms = 0;  // this node's clock (CL ms)
  std::map<uint32_t, uint64_t> since;
  bool operator==(const TakeoverTask&) const = default;
};

// A node that left the cluster, kept until every survivor has registered its takeover.
struct DepartedNode {
  uint64_t node = 0;
  uint64_t detected_ms = 0;             // this node's clock (CL ms)
  std::vector<uint64_t> survivors;      // the members when it was found gone
  std::vector<uint64_t> confirmed;      // survivors known to have registered it
  std::optional<NodeProgress> progress; // its last accepted publication
  bool operator==(const DepartedNode&) const = default;
};

struct TakeoverState {
  uint64_t self = 0;
  uint64_t next_task_id = 1;
  std::vector<uint64_t> members;
  std::optional<NodeProgress> own;
  std::map<uint64_t, NodeProgress> peers;
  std::vector<DepartedNode> departed;
  std::vector<TakeoverTask> tasks;
  std::vector<Registration> registered;
  bool operator==(const TakeoverState&) const = default;
};

std::string encode_state(const TakeoverState& state);
// Parameter error naming the line when the text is not a valid version 1 state file.
common::Result<TakeoverState> decode_state(const std::string& text);

// A takeover starts this much below the published LUT: LUT stamping slack in asd and
// the time a Mark takes to pass, on top of what the publisher already subtracted.
inline constexpr uint64_t kTakeoverMarginMs = 1000;
// A peer's registration of a departure counts if made at most this long before this
// node noticed the departure (both clocks, plus the detection delays of both).
inline constexpr uint64_t kRegistrationSlackMs = 60000;

// The since LUTs for taking over node `departed` (its last publication `progress`, if
// any) on the partitions `partitions` of (dc, ns): its published LUT, lowered by the
// LUTs of every node in `retained` that left before it, counted it as a survivor, and
// whose takeover it had not registered (it may have died holding their work), minus
// kTakeoverMarginMs. No publication at all means since 0: everything.
std::map<uint32_t, uint64_t> takeover_since(const DcNs& key, const PartitionSet& partitions, uint64_t departed,
                                            const std::optional<NodeProgress>& progress,
                                            const std::vector<DepartedNode>& retained);

// What this node publishes for one (dc, ns): per partition, the lowest of the frontier
// (what the shipper has read, minus the stamping slack; `previous` when there is no
// frontier yet this run, 0 when neither), the oldest entry still waiting, the lost window
// of the namespace still to scan, and the since of every pending takeover task.
struct OwnInputs {
  std::optional<uint64_t> frontier;
  PartitionLuts oldest;                  // UINT64_MAX: nothing waits
  std::optional<uint64_t> window_since;  // a pending recovery of the namespace
};
PartitionLuts compose_progress(const OwnInputs& in, const std::vector<const TakeoverTask*>& tasks,
                               const PartitionLuts* previous);

}  // namespace failover
