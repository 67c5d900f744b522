#include "client/request.h"

#include "common/bytes.h"
#include "proto/batch.h"
#include "proto/compression.h"
#include "proto/frame.h"
#include "proto/message.h"

namespace client {

using common::ResultCode;
using proto::FieldType;
using proto::OpType;

namespace {

// Builds one AS_MSG proto; the counts are patched at the end so callers just append.
class MessageWriter {
 public:
  explicit MessageWriter(const proto::MsgHeader& header) {
    proto_offset_ = proto::begin_proto(out_, proto::ProtoType::Message);
    header_offset_ = proto::append_msg_header(out_, header);
  }

  void field(FieldType type, std::string_view data) {
    proto::append_field(out_, type, data);
    ++n_fields_;
  }
  void op(OpType type, uint8_t particle, std::string_view name, std::string_view value) {
    proto::append_op(out_, type, particle, name, value);
    ++n_ops_;
  }

  // The C client compresses only requests longer than the threshold, header included.
  // zstd only ever goes to our own asd (the shipper checked its `features`).
  std::string finish(bool compress, bool zstd = false, WireSizes* sizes = nullptr) {
    proto::patch_msg_counts(out_, header_offset_, n_fields_, n_ops_);
    proto::end_proto(out_, proto_offset_);
    const size_t plain_size = out_.size();
    std::string out = std::move(out_);
    if (compress && out.size() > kCompressThreshold) {
      out = zstd ? proto::deflate_proto_zstd(out) : proto::deflate_proto(out);
    }
    if (sizes) *sizes = {uint64_t(plain_size), uint64_t(out.size())};
    return out;
  }

 private:
  std::string out_;
  size_t proto_offset_ = 0;
  size_t header_offset_ = 0;
  uint16_t n_fields_ = 0;
  uint16_t n_ops_ = 0;
};

// Fields every keyed request carries, in the C client's order: namespace, set (even when
// empty), digest, then the user key when the policy sends it.
void write_key_fields(MessageWriter& w, const Key& key, bool send_key) {
  w.field(FieldType::Namespace, key.ns());
  w.field(FieldType::Set, key.set());
  w.field(FieldType::Digest, key.digest().view());
  if (send_key && key.user_key()) {
    std::string data(1, char(key.user_key()->particle()));
    data += key.user_key()->bytes();
    w.field(FieldType::Key, data);
  }
}

void write_xdr_fields(MessageWriter& w, const WritePolicy& policy) {
  if (policy.lut) {
    std::string lut;
    common::append_be64(lut, *policy.lut);
    w.field(FieldType::Lut, lut);
  }
  if (policy.src_id) w.field(FieldType::XdrSrcId, std::string(1, char(*policy.src_id)));
}

uint8_t compress_bit(bool compress) { return compress ? proto::info1::kCompressResponse : 0; }

uint8_t generation_bits(const WritePolicy& p) {
  switch (p.generation_policy) {
    case GenerationPolicy::Eq: return proto::info2::kGeneration;
    case GenerationPolicy::Gt: return proto::info2::kGenerationGt;
    case GenerationPolicy::Ignore: break;
  }
  return 0;
}

// info2 and info3 bits of a write under `p`, WRITE included.
proto::MsgHeader write_header(const WritePolicy& p, uint32_t timeout_ms) {
  proto::MsgHeader h;
  // A zstd request asks for a plain answer: only our asd reads zstd, and a write's
  // answer is a header anyway.
  h.info1 = compress_bit(p.compress && !p.zstd) | (p.xdr ? proto::info1::kXdr : 0);
  h.info2 = proto::info2::kWrite | generation_bits(p);
  if (p.durable_delete) h.info2 |= proto::info2::kDurableDelete;
  switch (p.exists) {
    case ExistsAction::Ignore: break;
    case ExistsAction::UpdateOnly: h.info3 |= proto::info3::kUpdateOnly; break;
    case ExistsAction::Replace: h.info3 |= proto::info3::kCreateOrReplace; break;
    case ExistsAction::ReplaceOnly: h.info3 |= proto::info3::kReplaceOnly; break;
    case ExistsAction::CreateOnly: h.info2 |= proto::info2::kCreateOnly; break;
  }
  h.generation = p.generation_policy == GenerationPolicy::Ignore ? 0 : p.generation;
  h.record_ttl = p.ttl;
  h.transaction_ttl = timeout_ms;
  return h;
}

proto::MsgHeader read_header(uint8_t info1, const ReadPolicy& p, uint32_t timeout_ms) {
  proto::MsgHeader h;
  h.info1 = info1 | compress_bit(p.compress);
  h.record_ttl = uint32_t(p.read_touch_ttl_pct);
  h.transaction_ttl = timeout_ms;
  return h;
}

}  // namespace

common::Status validate_key(const Key& key) {
  if (key.ns().empty() || key.ns().size() > proto::kMaxNamespaceNameSize) {
    return {ResultCode::Parameter, "client: bad namespace name '" + key.ns() + "'"};
  }
  if (key.set().size() > proto::kMaxSetNameSize) {
    return {ResultCode::Parameter, "client: set name longer than 63 bytes"};
  }
  return {};
}

common::Status validate_bin_name(std::string_view name) {
  if (name.size() > proto::kMaxBinNameSize) {
    return {ResultCode::BinName, "client: bin name '" + std::string(name) + "' longer than 15 bytes"};
  }
  return {};
}

std::string encode_get(const Key& key, const std::vector<std::string>& bins,
                       const ReadPolicy& policy, uint32_t timeout_ms) {
  uint8_t info1 = proto::info1::kRead | (bins.empty() ? proto::info1::kGetAll : 0);
  if (policy.xdr) info1 |= proto::info1::kXdr;
  MessageWriter w(read_header(info1, policy, timeout_ms));
  write_key_fields(w, key, policy.send_key);
  for (const auto& name : bins) w.op(OpType::Read, 0, name, {});
  return w.finish(false);
}

std::string encode_get_header(const Key& key, const ReadPolicy& policy, uint32_t timeout_ms) {
  MessageWriter w(read_header(proto::info1::kRead | proto::info1::kGetNoBinData, policy, timeout_ms));
  write_key_fields(w, key, policy.send_key);
  return w.finish(false);
}

std::string encode_put(const Key& key, const std::vector<Bin>& bins, const WritePolicy& policy,
                       uint32_t timeout_ms) {
  MessageWriter w(write_header(policy, timeout_ms));
  write_key_fields(w, key, policy.send_key);
  write_xdr_fields(w, policy);
  for (const Bin& b : bins) w.op(OpType::Write, b.value.particle(), b.name, b.value.bytes());
  return w.finish(policy.compress, policy.zstd, policy.wire_sizes);
}

std::string encode_remove(const Key& key, const WritePolicy& policy, uint32_t timeout_ms) {
  proto::MsgHeader h;
  h.info1 = policy.xdr ? proto::info1::kXdr : 0;
  h.info2 = proto::info2::kWrite | proto::info2::kDelete | generation_bits(policy);
  if (policy.durable_delete) h.info2 |= proto::info2::kDurableDelete;
  h.generation = policy.generation_policy == GenerationPolicy::Ignore ? 0 : policy.generation;
  h.transaction_ttl = timeout_ms;
  MessageWriter w(h);
  write_key_fields(w, key, policy.send_key);
  write_xdr_fields(w, policy);
  return w.finish(false);
}

std::string encode_apply(const Key& key, std::string_view module, std::string_view function,
                         std::string_view args_msgpack, const WritePolicy& policy, uint32_t timeout_ms) {
  MessageWriter w(write_header(policy, timeout_ms));
  write_key_fields(w, key, policy.send_key);
  w.field(FieldType::UdfPackageName, module);
  w.field(FieldType::UdfFunction, function);
  w.field(FieldType::UdfArgList, args_msgpack.empty() ? std::string_view("\x90", 1) : args_msgpack);
  return w.finish(policy.compress);
}

std::string encode_operate(const Key& key, const std::vector<Operation>& ops,
                           const WritePolicy& policy, uint32_t timeout_ms) {
  bool reads = false, writes = false, read_all = false;
  for (const Operation& op : ops) {
    if (op.is_read()) reads = true;
    else writes = true;
    if (op.is_read_all()) read_all = true;
  }
  proto::MsgHeader h;
  if (writes) {
    h = write_header(policy, timeout_ms);
  } else {
    h.info1 = compress_bit(policy.compress);
    h.transaction_ttl = timeout_ms;  // record_ttl stays 0: namespace read-touch default
  }
  if (reads) h.info1 |= proto::info1::kRead;
  if (read_all) h.info1 |= proto::info1::kGetAll;
  // The server answers GET_ALL with whole records, so one-result-per-op makes no sense then.
  if (policy.respond_all_ops && !read_all) h.info2 |= proto::info2::kRespondAllOps;
  MessageWriter w(h);
  write_key_fields(w, key, policy.send_key);
  if (writes) write_xdr_fields(w, policy);
  for (const Operation& op : ops) w.op(op.type, op.value.particle(), op.bin, op.value.bytes());
  return w.finish(policy.compress);
}

std::string encode_batch(std::span<const Key> keys, const std::vector<uint32_t>& indexes,
                         const BatchRead& read, const BatchPolicy& policy, uint32_t timeout_ms) {
  uint8_t info1 = proto::info1::kRead;
  if (read.header_only) info1 |= proto::info1::kGetNoBinData;
  else if (read.bins.empty()) info1 |= proto::info1::kGetAll;
  if (read.xdr) info1 |= proto::info1::kXdr;
  const std::vector<std::string> no_bins;
  const auto& bins = read.header_only ? no_bins : read.bins;

  std::string data;
  common::append_be32(data, uint32_t(indexes.size()));
  // Inline processing, keep going after row errors, report them per row (Node.js default).
  data.push_back(char(proto::batch_parent::kAllowInline | proto::batch_parent::kRespondAllKeys |
                      proto::batch_parent::kReportErrorRow));
  const Key* prev = nullptr;
  for (uint32_t index : indexes) {
    const Key& key = keys[index];
    if (prev && prev->ns() == key.ns() && prev->set() == key.set()) {
      common::append_be32(data, index);
      data.append(key.digest().view());
      data.push_back(char(proto::batch_flags::kRepeat));
    } else {
      proto::append_batch_row(data, index, key.digest(), info1, key.ns(), key.set(), bins);
    }
    prev = &key;
  }

  proto::MsgHeader h;
  h.info1 = proto::info1::kBatch | compress_bit(policy.compress) | (read.xdr ? proto::info1::kXdr : 0);
  h.transaction_ttl = timeout_ms;
  MessageWriter w(h);
  w.field(FieldType::BatchIndex, data);
  return w.finish(policy.compress);
}

namespace {

// [count 1][name length][name][particle 1][4-byte length][begin][4-byte length][end]
std::string encode_index_range(const IndexRange& filter) {
  std::string range;
  range.push_back('\1');
  range.push_back(char(filter.bin.size()));
  range += filter.bin;
  if (filter.kind == IndexRange::Kind::Integer) {
    range.push_back(char(proto::ParticleType::Integer));
    common::append_be32(range, 8);
    common::append_be64(range, uint64_t(filter.begin));
    common::append_be32(range, 8);
    common::append_be64(range, uint64_t(filter.end));
    return range;
  }
  // Equality and geo filters send their value as both ends, as the C client does.
  range.push_back(char(filter.kind == IndexRange::Kind::String ? proto::ParticleType::String
                                                               : proto::ParticleType::GeoJson));
  for (int end = 0; end < 2; ++end) {
    common::append_be32(range, uint32_t(filter.text.size()));
    range += filter.text;
  }
  return range;
}

}  // namespace

std::string encode_scan(const ScanRequest& request, const ScanPolicy& policy) {
  proto::MsgHeader h;
  h.info1 = proto::info1::kRead | (policy.no_bins ? proto::info1::kGetNoBinData : 0);
  if (policy.xdr) h.info1 |= proto::info1::kXdr;
  // Aggregations go to every node whole, so they carry no partition tracking.
  h.info3 = request.udf_module.empty() ? proto::info3::kPartitionDone : 0;
  h.record_ttl = 0xFFFFFFFF;  // never read-touch from a scan
  h.transaction_ttl = policy.total_timeout_ms;
  MessageWriter w(h);
  w.field(FieldType::Namespace, request.ns);
  if (!request.set.empty()) w.field(FieldType::Set, request.set);
  std::string num;
  if (policy.records_per_second > 0) {
    common::append_be32(num, policy.records_per_second);
    w.field(FieldType::RecordsPerSecond, num);
  }
  num.clear();
  common::append_be32(num, policy.socket_timeout_ms);
  w.field(FieldType::SocketTimeout, num);
  num.clear();
  common::append_be64(num, request.task_id);
  w.field(FieldType::TaskId, num);
  if (!request.partitions.empty()) {
    std::string pids(request.partitions.size() * 2, '\0');
    auto* p = reinterpret_cast<uint8_t*>(pids.data());
    for (size_t i = 0; i < request.partitions.size(); ++i) common::store_le16(p + 2 * i, request.partitions[i]);
    w.field(FieldType::PidArray, pids);
  }
  if (!request.resume_after.empty()) {
    std::string digests;
    for (const auto& d : request.resume_after) digests.append(d.view());
    w.field(FieldType::DigestArray, digests);
    if (policy.filter) {
      std::string bvals(request.resume_bvals.size() * 8, '\0');
      for (size_t i = 0; i < request.resume_bvals.size(); ++i) {
        common::store_le64(reinterpret_cast<uint8_t*>(bvals.data()) + 8 * i, uint64_t(request.resume_bvals[i]));
      }
      w.field(FieldType::BvalArray, bvals);
    }
  }
  if (policy.filter) {
    if (policy.filter->collection != IndexCollection::Default) {
      w.field(FieldType::IndexType, std::string(1, char(policy.filter->collection)));
    }
    w.field(FieldType::IndexRange, encode_index_range(*policy.filter));
  }
  if (!request.udf_module.empty()) {
    w.field(FieldType::UdfPackageName, request.udf_module);
    w.field(FieldType::UdfFunction, request.udf_function);
    w.field(FieldType::UdfArgList, request.udf_args.empty() ? std::string_view("\x90", 1) : request.udf_args);
    w.field(FieldType::UdfOp, std::string_view("\x01", 1));
  }
  if (request.max_records > 0) {
    num.clear();
    common::append_be64(num, request.max_records);
    w.field(FieldType::MaxRecords, num);
  }
  if (policy.since_lut) {
    num.clear();
    common::append_be64(num, *policy.since_lut);
    w.field(FieldType::Lut, num);
  }
  if (!policy.no_bins) {
    for (const auto& name : policy.bins) w.op(OpType::Read, 0, name, {});
  }
  return w.finish(false);
}

std::string truncate_command(std::string_view ns, std::string_view set) {
  if (set.empty()) return "truncate-namespace:namespace=" + std::string(ns);
  return "truncate:namespace=" + std::string(ns) + ";set=" + std::string(set);
}

}  // namespace client
