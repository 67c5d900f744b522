#include "xdr_pipe/announce.h"

#include "index/namespace.h"
#include "xdr_pipe/pipe_writer.h"

namespace asd {

void announce_to_xdr(Namespace& ns, const Announcement& a) {
  const XdrPolicy& policy = ns.xdr_policy();
  if (!policy.ship || !policy.pipe) return;
  if (a.from_xdr && !policy.forward) return;
  if (a.op == proto::XdrOp::Delete && !policy.ship_deletes) return;
  if ((a.op == proto::XdrOp::Expire || a.op == proto::XdrOp::Evict) && !policy.ship_nsup_deletes) return;
  proto::XdrFrame frame;
  frame.op = a.op;
  frame.flags = uint8_t((a.from_xdr ? proto::kXdrFlagFromXdr : 0) | (a.durable ? proto::kXdrFlagDurable : 0) |
                        (a.replica_of != 0 ? proto::kXdrFlagReplica : 0));
  frame.origin_src_id = common::SrcId(a.origin_src_id);
  frame.generation = a.generation;
  frame.lut = a.lut;
  frame.digest = *a.digest;
  frame.ns = ns.name();
  frame.set = std::string(a.set);
  frame.master_id = common::NodeId(a.replica_of != 0 ? a.replica_of : policy.node_id);
  policy.pipe->submit(frame);
  ns.stats().xdr_frames_queued.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace asd
