#pragma once
// AS_MSG: the 22-byte message header, fields and ops of a type-3 proto body.
//
//   off size  header                      field                 op
//   0   1     header_sz (22)              0 4 size (type+data)  0 4 size (bytes after it)
//   1   1     info1                       4 1 type              4 1 op type
//   2   1     info2                       5 n data              5 1 particle type
//   3   1     info3                                             6 1 flags (bit 0 has_lut)
//   4   1     info4                                             7 1 name length
//   5   1     result code                                       8 n name [+8 LUT] value
//   6   4     generation
//   10  4     record ttl / void time
//   14  4     transaction ttl / batch index
//   18  2     n_fields
//   20  2     n_ops
//
// Everything big-endian. Parsed Fields and Ops are views into the caller's buffer, so the
// buffer must outlive the Message.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "proto/particle.h"

namespace proto {

inline constexpr size_t kMsgHeaderSize = 22;

namespace info1 {
inline constexpr uint8_t kRead = 0x01;
inline constexpr uint8_t kGetAll = 0x02;
inline constexpr uint8_t kShortQuery = 0x04;
inline constexpr uint8_t kBatch = 0x08;
inline constexpr uint8_t kXdr = 0x10;
inline constexpr uint8_t kGetNoBinData = 0x20;
inline constexpr uint8_t kReadModeApAll = 0x40;
inline constexpr uint8_t kCompressResponse = 0x80;
}  // namespace info1

namespace info2 {
inline constexpr uint8_t kWrite = 0x01;
inline constexpr uint8_t kDelete = 0x02;
inline constexpr uint8_t kGeneration = 0x04;
inline constexpr uint8_t kGenerationGt = 0x08;
inline constexpr uint8_t kDurableDelete = 0x10;
inline constexpr uint8_t kCreateOnly = 0x20;
inline constexpr uint8_t kRelaxApLongQuery = 0x40;
inline constexpr uint8_t kRespondAllOps = 0x80;
}  // namespace info2

namespace info3 {
inline constexpr uint8_t kLast = 0x01;
inline constexpr uint8_t kCommitMaster = 0x02;
inline constexpr uint8_t kPartitionDone = 0x04;
inline constexpr uint8_t kUpdateOnly = 0x08;
inline constexpr uint8_t kCreateOrReplace = 0x10;
inline constexpr uint8_t kReplaceOnly = 0x20;
inline constexpr uint8_t kScReadType = 0x40;
inline constexpr uint8_t kScReadRelax = 0x80;
}  // namespace info3

enum class FieldType : uint8_t {
  Namespace = 0,
  Set = 1,
  Key = 2,
  RecordVersion = 3,
  Digest = 4,
  TxnId = 5,
  TxnDeadline = 6,
  TaskId = 7,
  SocketTimeout = 9,
  RecordsPerSecond = 10,
  PidArray = 11,
  DigestArray = 12,
  MaxRecords = 13,
  Lut = 14,
  BvalArray = 15,
  IndexName = 21,
  IndexRange = 22,
  IndexContext = 23,
  IndexExpression = 24,
  IndexType = 26,
  UdfPackageName = 30,
  UdfFunction = 31,
  UdfArgList = 32,
  UdfOp = 33,
  QueryBins = 40,
  BatchIndex = 41,
  BatchIndexWithSet = 42,
  Filter = 43,
  ErrorDetails = 45,
  // Not an Aerospike field: the origin DC id of an XDR write (our shipper sends it).
  XdrSrcId = 200,
};

enum class OpType : uint8_t {
  Read = 1,
  Write = 2,
  CdtRead = 3,
  CdtModify = 4,
  Incr = 5,
  ExpRead = 7,
  ExpModify = 8,
  Append = 9,
  Prepend = 10,
  Touch = 11,
  BitRead = 12,
  BitModify = 13,
  DeleteAll = 14,
  HllRead = 15,
  HllModify = 16,
};

// True for the op types that only read: a request without the write bit may carry only
// these, and a client sends a request made of them as a read.
bool is_read_op(uint8_t op);

inline constexpr size_t kMaxBinNameSize = 15;
inline constexpr size_t kMaxNamespaceNameSize = 31;
inline constexpr size_t kMaxSetNameSize = 63;

struct MsgHeader {
  uint8_t info1 = 0;
  uint8_t info2 = 0;
  uint8_t info3 = 0;
  uint8_t info4 = 0;
  uint8_t result_code = 0;
  uint32_t generation = 0;
  uint32_t record_ttl = 0;
  uint32_t transaction_ttl = 0;
  uint16_t n_fields = 0;
  uint16_t n_ops = 0;
};

struct Field {
  uint8_t type = 0;
  std::string_view data;
};

struct Op {
  uint8_t op = 0;
  uint8_t particle = 0;
  uint8_t flags = 0;
  std::string_view name;
  std::string_view value;
  uint64_t lut = 0;  // only when flags & kOpFlagHasLut
};
inline constexpr uint8_t kOpFlagHasLut = 0x01;

struct Message {
  MsgHeader header;
  std::vector<Field> fields;
  std::vector<Op> ops;

  // First field of that type, or nullptr.
  const Field* field(FieldType type) const;
};

// Decodes the 22-byte header at `bytes` (caller guarantees 22 bytes).
MsgHeader decode_msg_header(const uint8_t* bytes);

// Parses one message at the start of `body`. On success returns the number of bytes it
// used. Parameter on anything malformed: header_sz != 22, a field or op overrunning the
// buffer, an op smaller than its fixed part or with a name longer than the op.
common::Result<size_t> parse_message(std::string_view body, Message* out);

// Appenders. append_msg_header returns the header's offset in `out` so that the counts
// can be patched once the fields and ops are written.
size_t append_msg_header(std::string& out, const MsgHeader& header);
void patch_msg_counts(std::string& out, size_t header_offset, uint16_t n_fields, uint16_t n_ops);
void append_field(std::string& out, FieldType type, std::string_view data);
void append_op(std::string& out, OpType op, uint8_t particle, std::string_view name,
               std::string_view value);

}  // namespace proto
