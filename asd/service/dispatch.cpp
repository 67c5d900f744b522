#include "service/dispatch.h"

#include "cluster/cluster.h"
#include "common/bytes.h"
#include "common/log.h"
#include "common/log_limit.h"
#include "index/namespace.h"
#include "proto/admin.h"
#include "proto/info.h"
#include "proto/message.h"
#include "security/access_control.h"
#include "security/session.h"
#include "service/info_commands.h"
#include "service/node_context.h"
#include "transaction/access_check.h"
#include "transaction/batch.h"
#include "transaction/record_request.h"
#include "transaction/response_sink.h"
#include "transaction/scan.h"

namespace asd {

using common::ResultCode;

namespace {

// Two nodes may briefly disagree about who serves a partition; past this many hops the
// client gets Unavailable and retries.
constexpr uint8_t kMaxProxyHops = 3;

// The admin protocol. Without access control a login gets SECURITY_NOT_ENABLED and the
// client goes on without a session (wire-protocol §1.6).
void answer_admin(std::string_view body, ResponseSink& sink) {
  std::string& out = sink.buffer();
  security::Session* session = sink.session();
  if (!session) {
    size_t offset = proto::begin_proto(out, proto::ProtoType::Admin);
    proto::append_admin_header(out, ResultCode::SecurityNotEnabled, 0);
    proto::end_proto(out, offset);
    return;
  }
  for (const std::string& part : session->access().handle(body, *session)) {
    size_t offset = proto::begin_proto(out, proto::ProtoType::Admin);
    out += part;
    proto::end_proto(out, offset);
  }
}

void answer_single_error(ResponseSink& sink, ResultCode code) {
  std::string& out = sink.buffer();
  size_t offset = proto::begin_proto(out, proto::ProtoType::Message);
  append_error_message(out, code);
  proto::end_proto(out, offset);
}

// A single-record request. A write that must wait (a new cluster's balance, duplicate
// resolution) runs again from a continuation once the wait is over; `counted`: it was
// counted against the user's rate quota already.
void handle_record(NodeContext& node, std::string_view body, const proto::Message& msg, Namespace& ns,
                   ResponseSink& sink, const std::function<void(bool)>& done, bool counted = false) {
  common::Result<RecordRequest> req = make_record_request(msg.header, msg.fields, msg.ops);
  if (!req) {
    answer_single_error(sink, req.code());
    return done(false);
  }
  if (security::Session* session = sink.session()) {
    ResultCode allowed = session->check(record_permissions(*req), ns.name(), req->set, record_action(*req));
    if (allowed == ResultCode::Ok && !counted) {
      allowed = session->admit(record_quota_kind(*req), ns.name(), req->set, record_action(*req));
    }
    if (allowed != ResultCode::Ok) {
      answer_single_error(sink, allowed);
      return done(false);
    }
  }
  std::string& out = sink.buffer();
  size_t offset = proto::begin_proto(out, proto::ProtoType::Message);
  CommitWait& wait = sink.commit_wait();
  wait.cluster = node.cluster();
  wait.udf = node.record_udf();
  wait.may_redirect = node.cluster() && sink.proxy_hops() < kMaxProxyHops;
  execute_record_request(ns, *req, 0, out, &wait);
  wait.may_redirect = false;
  if (CompletionPtr ready = std::exchange(wait.deferred, nullptr)) {
    out.resize(offset);
    ready->then([&node, body, msg, &ns, &sink, done, ready] {
      sink.post([&node, body, msg, &ns, &sink, done, ready] {
        if (ready->ok()) return handle_record(node, body, msg, ns, sink, done, true);
        answer_single_error(sink, ResultCode::Timeout);
        done(false);
      });
    });
    return;
  }
  if (wait.redirected) {
    // The client's partition map is behind: the node serving the partition answers.
    out.resize(offset);
    wait.redirected = false;
    wait.proxied = true;
    wait.completions.push_back(
        node.cluster()->proxy(wait.redirect_to, proto::ProtoType::Message, body, uint8_t(sink.proxy_hops() + 1)));
    return done(false);
  }
  proto::end_proto(out, offset);
  done(false);
}

void handle_message(NodeContext& node, std::string_view body, ResponseSink& sink,
                    const std::function<void(bool)>& done) {
  proto::Message msg;
  common::Result<size_t> parsed = proto::parse_message(body, &msg);
  if (!parsed) {
    node.stats().proto_errors.fetch_add(1, std::memory_order_relaxed);
    static common::LimitedLog limit{std::chrono::seconds(1)};
    limit.debug(common::logger("service"), "bad message err={}", parsed.error().message);
    answer_single_error(sink, ResultCode::Parameter);
    return done(false);
  }
  security::Session* session = sink.session();
  if (session && !session->authenticated()) {
    answer_single_error(sink, session->check(security::kPermNone, {}, {}, "data command"));
    return done(false);
  }
  if (msg.header.info1 & proto::info1::kBatch) return execute_batch(node, msg, sink, done);
  if (!msg.field(proto::FieldType::Digest)) {
    if (session) {
      const proto::Field* ns_name = msg.field(proto::FieldType::Namespace);
      const proto::Field* set_name = msg.field(proto::FieldType::Set);
      ResultCode allowed = session->check(scan_permissions(msg), ns_name ? ns_name->data : std::string_view(),
                                          set_name ? set_name->data : std::string_view(), "query");
      if (allowed != ResultCode::Ok) {
        answer_single_error(sink, allowed);
        return done(false);
      }
    }
    execute_scan(node, msg, sink);
    return done(false);
  }
  const proto::Field* ns_field = msg.field(proto::FieldType::Namespace);
  Namespace* ns = ns_field ? node.find_namespace(ns_field->data) : nullptr;
  if (!ns) {
    answer_single_error(sink, ResultCode::Namespace);
    return done(false);
  }
  handle_record(node, body, msg, *ns, sink, done);
}

}  // namespace

bool is_long_running(proto::ProtoType type, std::string_view body) {
  // A truncate walks every record of the namespace; an xdr command waits for the xdr
  // daemon's answer; admin commands other than authenticate may run bcrypt (login,
  // passwords), tens of milliseconds each.
  if (type == proto::ProtoType::Admin) {
    return body.size() < proto::kAdminHeaderSize || body[2] != char(proto::AdminCommand::Authenticate);
  }
  if (type == proto::ProtoType::Info) {
    return body.find("truncate") != std::string_view::npos || body.find("context=xdr") != std::string_view::npos;
  }
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

void dispatch_request(NodeContext& node, proto::ProtoType type, std::string_view body, ResponseSink& sink,
                      std::function<void(bool close)> done) {
  switch (type) {
    case proto::ProtoType::Info: {
      std::string& out = sink.buffer();
      size_t offset = proto::begin_proto(out, proto::ProtoType::Info);
      out += answer_info(node, body, sink.session());
      proto::end_proto(out, offset);
      return done(false);
    }
    case proto::ProtoType::Admin:
      answer_admin(body, sink);
      return done(false);
    case proto::ProtoType::Message:
      return handle_message(node, body, sink, done);
    default:
      return done(true);
  }
}

}  // namespace asd
