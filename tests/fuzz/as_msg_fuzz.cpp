// Target as_msg: the body of a type-3 proto (parse_message: header, fields, ops). Beyond
// not crashing: every view lies inside the input, the counts match the header, and the
// message written back with the encoders parses to the same fields and ops.

#include <string>
#include <string_view>

#include "fuzz.h"
#include "proto/message.h"

namespace {

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  proto::Message msg;
  common::Result<size_t> used = proto::parse_message(body, &msg);
  if (!used) return 0;
  FUZZ_CHECK(*used <= body.size());
  FUZZ_CHECK(msg.fields.size() == msg.header.n_fields && msg.ops.size() == msg.header.n_ops);
  for (const proto::Field& f : msg.fields) FUZZ_CHECK(inside(f.data, body.substr(0, *used)));
  for (const proto::Op& op : msg.ops) {
    FUZZ_CHECK(inside(op.name, body.substr(0, *used)) && inside(op.value, body.substr(0, *used)));
    FUZZ_CHECK(op.name.size() <= 255);
    (void)proto::is_read_op(op.op);
  }

  std::string again;
  size_t at = proto::append_msg_header(again, msg.header);
  for (const proto::Field& f : msg.fields) proto::append_field(again, proto::FieldType(f.type), f.data);
  for (const proto::Op& op : msg.ops) proto::append_op(again, proto::OpType(op.op), op.particle, op.name, op.value);
  proto::patch_msg_counts(again, at, msg.header.n_fields, msg.header.n_ops);
  proto::Message reparsed;
  common::Result<size_t> used_again = proto::parse_message(again, &reparsed);
  FUZZ_CHECK(used_again.ok() && *used_again == again.size());
  FUZZ_CHECK(reparsed.fields.size() == msg.fields.size() && reparsed.ops.size() == msg.ops.size());
  for (size_t i = 0; i < msg.fields.size(); ++i) {
    FUZZ_CHECK(reparsed.fields[i].type == msg.fields[i].type && reparsed.fields[i].data == msg.fields[i].data);
  }
  for (size_t i = 0; i < msg.ops.size(); ++i) {
    const proto::Op& a = msg.ops[i];
    const proto::Op& b = reparsed.ops[i];
    FUZZ_CHECK(a.op == b.op && a.particle == b.particle && a.name == b.name && a.value == b.value);
  }
  return 0;
}
