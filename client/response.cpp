#include "client/response.h"

#include <string>

#include "answer_walk.h"
#include "client/errors.h"
#include "common/bytes.h"

namespace client {

using common::ResultCode;
using proto::FieldType;

Record to_record(const proto::Message& message) {
  Record rec;
  rec.generation = message.header.generation;
  rec.void_time = message.header.record_ttl;
  for (const proto::Field& f : message.fields) {
    switch (FieldType(f.type)) {
      case FieldType::Namespace: rec.ns = std::string(f.data); break;
      case FieldType::Set: rec.set = std::string(f.data); break;
      case FieldType::Digest:
        if (f.data.size() == common::kDigestSize) rec.digest = common::Digest::from(f.data);
        break;
      case FieldType::Key:
        if (!f.data.empty()) rec.user_key = Value::raw(uint8_t(f.data[0]), std::string(f.data.substr(1)));
        break;
      case FieldType::Lut:
        if (f.data.size() == 8) rec.lut = common::load_be64(common::as_bytes(f.data));
        break;
      case FieldType::XdrSrcId:
        if (f.data.size() == 1) rec.origin_src_id = uint8_t(f.data[0]);
        break;
      case FieldType::BvalArray:
        if (f.data.size() == 8) rec.bval = int64_t(common::load_le64(common::as_bytes(f.data)));
        break;
      default: break;  // MRT and error-detail fields are of no use to this client
    }
  }
  rec.bins.reserve(message.ops.size());
  for (const proto::Op& op : message.ops) {
    rec.bins.push_back(Bin{std::string(op.name), Value::raw(op.particle, std::string(op.value))});
  }
  return rec;
}

common::Result<Answer> parse_answer(std::string_view body) {
  proto::Message msg;
  auto used = proto::parse_message(body, &msg);
  if (!used) return malformed_answer(used.error());
  return Answer{msg.header, to_record(msg)};
}

common::Result<bool> parse_batch_answer(std::string_view body, std::vector<BatchRecord>& results) {
  return walk_batch_answer(body, results.size(), [&](uint32_t index, const proto::Message& msg) {
    BatchRecord& row = results[index];
    row.result = ResultCode(msg.header.result_code);
    if (row.result == ResultCode::Ok) {
      row.record = to_record(msg);
    } else if (row.result == ResultCode::NotFound && msg.field(proto::FieldType::Lut)) {
      // A tombstone, which asd answers to XDR batch reads only (its LUT and origin).
      row.record = to_record(msg);
      row.record.tombstone = true;
    }
  });
}

common::Result<StreamState> parse_scan_answer(std::string_view body, const RecordSink& on_record,
                                              const PartitionSink& on_partition_done) {
  return walk_scan_answer(
      body,
      [&](const proto::Message& msg, bool tombstone) {
        Record rec = to_record(msg);
        rec.tombstone = tombstone;
        return on_record(rec);
      },
      on_partition_done);
}

}  // namespace client
