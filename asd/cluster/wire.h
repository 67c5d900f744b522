#pragma once
// Encoding of the node-to-node messages (heartbeat and fabric). These bytes go between
// nodes of one cluster, which always run the same build, so there is one version byte
// and no negotiation: a node refuses a message of another version.
//
// Every message: version (1), type (1), sender node id (8), cluster key (8), then the
// type's body. Reader methods never throw; a short or malformed body sets `bad`.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/record.h"
#include "common/digest.h"

namespace asd::cluster {

using NodeId = uint64_t;

inline constexpr uint8_t kWireVersion = 1;
inline constexpr size_t kHeadSize = 18;  // version, type, from, cluster key

enum class MsgType : uint8_t {
  Heartbeat = 1,
  Paxos = 2,
  Exchange = 3,        // a node's partition versions after a new cluster view
  PartitionDone = 4,   // a node finished a fill (or a merge) of one partition
  ReplicaWrite = 5,    // master -> replica: the record's new state
  ReplicaAck = 6,
  MigrateStart = 7,    // sender asks for an incoming slot
  MigrateStartAck = 8, // granted or busy
  MigrateRecords = 9,  // one batch of records
  MigrateBatchAck = 10,
  MigrateEnd = 11,
  ProxyRequest = 12,   // a client request for a partition another node serves
  ProxyResponse = 13,
  Truncate = 14,       // truncate / truncate-namespace, applied on every node
  RepairOffer = 15,    // a node's copy of a record whose replication failed -> acting master
  DupResRequest = 16,  // acting master -> holder of another copy: that record, please
  DupResResponse = 17,
  ReplicaAcks = 18,    // replica -> master: the acks of a run of replica writes, in one
  Metadata = 19,       // system metadata items (smd/): a change, or a node's whole set
};

struct MsgHead {
  MsgType type = MsgType::Heartbeat;
  NodeId from = 0;
  uint64_t cluster_key = 0;
};

class Writer {
 public:
  Writer(MsgType type, NodeId from, uint64_t cluster_key);
  void u8(uint8_t v) { out_.push_back(char(v)); }
  void u16(uint16_t v);
  void u32(uint32_t v);
  void u64(uint64_t v);
  void bytes(std::string_view v);  // length-prefixed (u32)
  void raw(std::string_view v) { out_.append(v); }
  void nodes(const std::vector<NodeId>& v);
  std::string take() { return std::move(out_); }
  std::string& buffer() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  // Reads the common head; false (and bad) on a short message or another version.
  bool head(MsgHead* h);
  uint8_t u8();
  uint16_t u16();
  uint32_t u32();
  uint64_t u64();
  std::string_view bytes();
  std::string_view raw(size_t n);
  std::vector<NodeId> nodes();
  bool bad() const { return bad_; }
  bool done() const { return pos_ == in_.size(); }

 private:
  bool need(size_t n);
  std::string_view in_;
  size_t pos_ = 0;
  bool bad_ = false;
};

// A record's full state as replication and migration carry it. `bins` are filled for a
// live record; a tombstone carries its LUT, generation and origin only.
struct WireRecord {
  common::Digest digest;
  uint16_t generation = 0;
  uint32_t void_time = 0;
  uint64_t lut = 0;
  uint8_t origin_src_id = 0;
  bool tombstone = false;
  bool erased = false;  // the record is gone without a tombstone
  std::string set;
  std::string key;
  std::vector<Bin> bins;
};

void write_record(Writer& w, const WireRecord& r);
bool read_record(Reader& r, WireRecord* out);

}  // namespace asd::cluster
