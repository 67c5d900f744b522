#include "client/response.h"

#include <string>

#include "client/errors.h"
#include "common/bytes.h"

namespace client {

using common::ResultCode;
using proto::FieldType;

namespace {

common::Error malformed(const common::Error& parse_error) {
  return client_error(ResultCode::ServerError, "malformed answer: " + parse_error.message);
}

// Iterates the messages of one proto body; `fn(message)` returns false to stop early.
template <typename Fn>
common::Status for_each_message(std::string_view body, Fn&& fn) {
  proto::Message msg;
  size_t pos = 0;
  while (pos < body.size()) {
    auto used = proto::parse_message(body.substr(pos), &msg);
    if (!used) return to_status(malformed(used.error()));
    pos += *used;
    if (!fn(msg)) break;
  }
  return {};
}

}  // namespace

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
  if (!used) return malformed(used.error());
  return Answer{msg.header, to_record(msg)};
}

common::Result<bool> parse_batch_answer(std::string_view body, std::vector<BatchRecord>& results) {
  bool last = false;
  common::Status failure;
  auto status = for_each_message(body, [&](const proto::Message& msg) {
    const proto::MsgHeader& h = msg.header;
    if (h.info3 & proto::info3::kLast) {
      last = true;
      if (h.result_code != 0) {
        failure = {ResultCode(h.result_code), "batch ended with an error"};
      }
      return false;
    }
    uint32_t index = h.transaction_ttl;  // batch index of the row
    if (index >= results.size()) {
      failure = to_status(client_error(ResultCode::ServerError, "batch row index out of range"));
      return false;
    }
    BatchRecord& row = results[index];
    row.result = ResultCode(h.result_code);
    if (row.result == ResultCode::Ok) {
      row.record = to_record(msg);
    } else if (row.result == ResultCode::NotFound && msg.field(proto::FieldType::Lut)) {
      // A tombstone, which asd answers to XDR batch reads only (its LUT and origin).
      row.record = to_record(msg);
      row.record.tombstone = true;
    }
    return true;
  });
  if (!status.ok()) return to_error(status);
  if (!failure.ok()) return to_error(failure);
  return last;
}

common::Result<StreamState> parse_scan_answer(std::string_view body, const RecordSink& on_record,
                                              const PartitionSink& on_partition_done) {
  StreamState state = StreamState::More;
  common::Status failure;
  auto status = for_each_message(body, [&](const proto::Message& msg) {
    const proto::MsgHeader& h = msg.header;
    ResultCode code = ResultCode(h.result_code);
    if (h.info3 & proto::info3::kLast) {
      if (code != ResultCode::Ok) failure = {code, "scan ended with an error"};
      state = StreamState::Last;
      return false;
    }
    if (h.info3 & proto::info3::kPartitionDone) {
      // generation carries the partition id; a zero code needs no action.
      if (code != ResultCode::Ok) on_partition_done(h.generation, code);
      return true;
    }
    if (code == ResultCode::NotFound && msg.field(proto::FieldType::Digest)) {
      // A tombstone, which asd streams to XDR scans only (a deleted record to ship).
      Record rec = to_record(msg);
      rec.tombstone = true;
      if (!on_record(rec)) {
        state = StreamState::Stopped;
        return false;
      }
      return true;
    }
    if (code != ResultCode::Ok) {
      // NotFound (unknown set on some servers) ends the stream quietly, like the C client.
      if (code != ResultCode::NotFound) failure = {code, "scan refused by the server"};
      state = StreamState::Last;
      return false;
    }
    Record rec = to_record(msg);
    if (!on_record(rec)) {
      state = StreamState::Stopped;
      return false;
    }
    return true;
  });
  if (!status.ok()) return to_error(status);
  if (!failure.ok()) return to_error(failure);
  return state;
}

}  // namespace client
