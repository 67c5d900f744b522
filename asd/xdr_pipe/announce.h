#pragma once
// Announcing a committed write or delete to xdr (docs/xdr-design.md §4): builds the
// digest frame and hands it to the namespace's pipe writer, which never blocks. The
// master announces what it applies; every replica announces its copy too (flag Replica,
// with the master's node id), so that a replica's xdr can take over the shipping when
// the master's node or its xdr fails.

#include <cstdint>
#include <string_view>

#include "base/record.h"
#include "common/digest.h"
#include "proto/xdr_frame.h"

namespace asd {

class Namespace;

struct Announcement {
  proto::XdrOp op = proto::XdrOp::Write;
  const common::Digest* digest = nullptr;
  std::string_view set;
  uint64_t lut = 0;
  uint16_t generation = 0;
  uint8_t origin_src_id = 0;
  bool from_xdr = false;
  bool durable = false;
  // A copy applied for another node (replica write, migration): the node that sent it.
  // 0: this node applied it as the partition's master.
  uint64_t replica_of = 0;
};

// Queues the frame when the namespace ships and the announcement passes the policy
// (deletes and nsup deletes only when enabled; XDR-applied writes only when forwarding).
void announce_to_xdr(Namespace& ns, const Announcement& a);

}  // namespace asd
