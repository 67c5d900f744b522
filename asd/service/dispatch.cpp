#include "service/dispatch.h"

#include "base/namespace.h"
#include "cluster/cluster.h"
#include "common/bytes.h"
#include "common/log.h"
#include "node.h"
#include "proto/info.h"
#include "proto/message.h"
#include "service/info_commands.h"
#include "service/response_sink.h"
#include "transaction/batch.h"
#include "transaction/record_request.h"
#include "transaction/scan.h"

namespace asd {

using common::ResultCode;

namespace {

// Two nodes may briefly disagree about who serves a partition; past this many hops the
// client gets Unavailable and retries.
constexpr uint8_t kMaxProxyHops = 3;

// Security is not enabled: a login gets SECURITY_NOT_ENABLED and the client goes on
// without a session (wire-protocol §1.6).
void answer_admin(ResponseSink& sink) {
  std::string& out = sink.buffer();
  size_t offset = proto::begin_proto(out, proto::ProtoType::Admin);
  std::string header(16, '\0');
  header[1] = char(ResultCode::SecurityNotEnabled);
  out += header;
  proto::end_proto(out, offset);
}

void answer_single_error(ResponseSink& sink, ResultCode code) {
  std::string& out = sink.buffer();
  size_t offset = proto::begin_proto(out, proto::ProtoType::Message);
  append_error_message(out, code);
  proto::end_proto(out, offset);
}

void handle_message(Node& node, std::string_view body, ResponseSink& sink) {
  proto::Message msg;
  common::Result<size_t> parsed = proto::parse_message(body, &msg);
  if (!parsed) {
    node.stats().proto_errors.fetch_add(1, std::memory_order_relaxed);
    common::logger("service")->debug("bad message err={}", parsed.error().message);
    return answer_single_error(sink, ResultCode::Parameter);
  }
  if (msg.header.info1 & proto::info1::kBatch) return execute_batch(node, msg, sink);
  if (!msg.field(proto::FieldType::Digest)) return execute_scan(node, msg, sink);

  const proto::Field* ns_field = msg.field(proto::FieldType::Namespace);
  Namespace* ns = ns_field ? node.find_namespace(ns_field->data) : nullptr;
  if (!ns) return answer_single_error(sink, ResultCode::Namespace);
  if (msg.field(proto::FieldType::UdfPackageName)) {
    return answer_single_error(sink, ResultCode::UnsupportedFeature);
  }
  common::Result<RecordRequest> req = make_record_request(msg.header, msg.fields, msg.ops);
  if (!req) return answer_single_error(sink, req.code());
  std::string& out = sink.buffer();
  size_t offset = proto::begin_proto(out, proto::ProtoType::Message);
  CommitWait& wait = sink.commit_wait();
  wait.may_redirect = node.cluster() && sink.proxy_hops() < kMaxProxyHops;
  execute_record_request(*ns, *req, 0, out, &wait);
  wait.may_redirect = false;
  if (wait.redirected) {
    // The client's partition map is behind: the node serving the partition answers.
    out.resize(offset);
    wait.redirected = false;
    wait.proxied = true;
    wait.completions.push_back(
        node.cluster()->proxy(wait.redirect_to, proto::ProtoType::Message, body, uint8_t(sink.proxy_hops() + 1)));
    return;
  }
  proto::end_proto(out, offset);
}

}  // namespace

bool is_long_running(proto::ProtoType type, std::string_view body) {
  if (type != proto::ProtoType::Message || body.size() < proto::kMsgHeaderSize) return false;
  const auto* p = common::as_bytes(body);
  if (p[1] & proto::info1::kBatch) return false;
  // Walk the fields only (no allocation): a message without a digest is a scan.
  uint16_t n_fields = common::load_be16(p + 18);
  size_t pos = proto::kMsgHeaderSize;
  for (uint16_t i = 0; i < n_fields; ++i) {
    if (body.size() - pos < 5) return false;  // malformed: answered inline with an error
    uint32_t size = common::load_be32(p + pos);
    if (size < 1 || size > body.size() - pos - 4) return false;
    if (p[pos + 4] == uint8_t(proto::FieldType::Digest)) return false;
    pos += 4 + size;
  }
  return true;
}

void dispatch_request(Node& node, proto::ProtoType type, std::string_view body, ResponseSink& sink,
                      bool* close) {
  *close = false;
  switch (type) {
    case proto::ProtoType::Info: {
      std::string& out = sink.buffer();
      size_t offset = proto::begin_proto(out, proto::ProtoType::Info);
      out += answer_info(node, body);
      proto::end_proto(out, offset);
      return;
    }
    case proto::ProtoType::Admin:
      return answer_admin(sink);
    case proto::ProtoType::Message:
      return handle_message(node, body, sink);
    default:
      *close = true;
      return;
  }
}

}  // namespace asd
